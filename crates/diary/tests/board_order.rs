//! The day's board lists benches and items the way people read them
//! ("Court No. 3" before "Court No. 12"), the same order as the printed list,
//! and a court written with different capitals still forms one group each.

mod common;

use common::*;
use nextdate_diary::NewCase;

#[test]
fn the_board_orders_benches_naturally_and_keeps_each_court_together() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let day = today() + chrono::Duration::days(3);
    let add = |d: &mut nextdate_diary::Diary, number: &str, court: &str, bench: &str, item: Option<i64>| {
        d.add_case(NewCase {
            title: format!("Matter {number}"),
            number: number.into(),
            court: court.into(),
            bench: Some(bench.into()),
            next_date: Some(day),
            item,
            ..Default::default()
        })
        .unwrap();
    };
    add(&mut d, "CS 1/2026", "Tis Hazari Courts", "Court No. 12", Some(4));
    add(&mut d, "CS 2/2026", "Tis Hazari Courts", "Court No. 3", Some(30));
    add(&mut d, "CS 3/2026", "Tis Hazari Courts", "Court No. 3", Some(7));
    add(&mut d, "CS 4/2026", "Saket District Courts", "Court No. 2", None);
    add(&mut d, "CS 5/2026", "saket district courts", "Court No. 1", Some(1));
    add(&mut d, "CS 6/2026", "Saket District Courts", "Court No. 10", Some(2));

    let board = d.board(day).unwrap();
    let shape: Vec<(String, Vec<String>)> = board
        .courts
        .iter()
        .map(|g| (g.court.clone(), g.hearings.iter().map(|h| h.number.clone()).collect()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                "Saket District Courts".to_string(),
                vec!["CS 4/2026".to_string(), "CS 6/2026".to_string()]
            ),
            ("saket district courts".to_string(), vec!["CS 5/2026".to_string()]),
            (
                "Tis Hazari Courts".to_string(),
                vec![
                    "CS 3/2026".to_string(),
                    "CS 2/2026".to_string(),
                    "CS 1/2026".to_string()
                ]
            ),
        ]
    );
    // The range query behind printed lists gives the same order.
    let range: Vec<String> = d
        .hearings_between(day, day)
        .unwrap()
        .into_iter()
        .map(|h| h.number)
        .collect();
    let flat: Vec<String> = shape.into_iter().flat_map(|(_, n)| n).collect();
    assert_eq!(range, flat);
}
