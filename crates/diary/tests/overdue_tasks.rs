//! Today's overdue tasks, a page at a time: how many there are, the longest
//! overdue first, pages that meet end to end, and tasks done or not yet due
//! left out.

mod common;

use chrono::Duration;
use common::*;
use nextdate_diary::{NewCase, NewTask};

#[test]
fn overdue_tasks_come_a_page_at_a_time_longest_overdue_first() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let t = today();
    let case = d
        .add_case(NewCase {
            title: "A v. B".into(),
            number: "O.S. 1/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    let mut overdue = Vec::new();
    for days in 1..=7 {
        let id = d
            .add_task(
                &case,
                NewTask {
                    title: format!("Overdue by {days} days"),
                    due: Some(t - Duration::days(days)),
                    ..Default::default()
                },
            )
            .unwrap();
        overdue.push(id);
    }
    overdue.reverse(); // longest overdue first
    let task = |title: &str, due| NewTask {
        title: title.into(),
        due,
        ..Default::default()
    };
    d.add_task(&case, task("Due today", Some(t))).unwrap();
    d.add_task(&case, task("No due date", None)).unwrap();
    let done = d
        .add_task(&case, task("Done already", Some(t - Duration::days(30))))
        .unwrap();
    d.complete_task(&done).unwrap();

    let ids = |offset, limit| {
        let page = d.overdue_tasks_page(t, offset, limit).unwrap();
        assert_eq!(page.total, 7, "every overdue task counted, whatever the page");
        page.tasks.into_iter().map(|task| task.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(0, 3), overdue[..3]);
    assert_eq!(ids(3, 3), overdue[3..6]);
    assert_eq!(ids(6, 3), overdue[6..]);
    assert!(ids(7, 3).is_empty());
    // The pages together are the whole overdue list, in its order.
    let whole: Vec<String> = d.overdue_tasks(t).unwrap().into_iter().map(|task| task.id).collect();
    assert_eq!(whole, overdue);
}
