//! Status-link benchmarks (figures, not assertions), with a real diary and a
//! real `nextdate-relay` process on 127.0.0.1:
//!
//! 1. Resealing after a sync that touched 50 linked cases: the next date of
//!    each moved, then one sync round, which sends the 50 edits and seals
//!    and uploads the 50 links again — beside the same round for 50 edits
//!    of cases without links, measured in the same run.
//! 2. Serving: a browser's fetch of one sealed snapshot from the relay
//!    (HTTP round trip on loopback), beside the relay's `/health`.
//!
//! `cargo bench -p nextdate-relay --bench links`

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::{Local, NaiveDate};
use nextdate_diary::records::HearingEdit;
use nextdate_diary::status_links::NewLink;
use nextdate_diary::{Diary, NewCase};
use nextdate_sync::{engine, links};
use support::{new_diary, start_relay};

const CASES: usize = 50;

fn add_cases(d: &mut Diary, prefix: &str, next: NaiveDate) -> Vec<String> {
    (0..CASES)
        .map(|i| {
            d.add_case(NewCase {
                title: format!("{prefix} petitioner {i} v. State"),
                number: format!("{prefix} {i}/2026"),
                court: "Delhi High Court".into(),
                next_date: Some(next),
                purpose: Some("Arguments".into()),
                ..Default::default()
            })
            .unwrap()
        })
        .collect()
}

/// Moves each case's listing by a day (one edit per case).
fn move_dates(d: &mut Diary, cases: &[String], from: NaiveDate, to: NaiveDate) {
    for case in cases {
        let listed = d
            .case_detail(case)
            .unwrap()
            .hearings
            .into_iter()
            .find(|h| h.date == from.to_string())
            .unwrap();
        d.edit_hearing(
            case,
            &listed.id,
            HearingEdit {
                date: Some(to),
                ..Default::default()
            },
        )
        .unwrap();
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let relay = start_relay(&tmp.path().join("relay"));
    let mut d = new_diary(&tmp.path().join("diary"), "Adv. Bench");
    engine::init(&mut d, &relay.url, None, None).unwrap();
    let today = Local::now().date_naive();
    let day = |n: u64| today + chrono::Days::new(n);

    let linked = add_cases(&mut d, "LINKED", day(10));
    let plain = add_cases(&mut d, "PLAIN", day(10));
    let mut first = None;
    for case in &linked {
        let made = d.create_status_link(case, NewLink::default(), today).unwrap();
        first.get_or_insert(made.link);
    }
    let report = engine::sync_now(&mut d).unwrap();
    assert_eq!(report.links_sealed as usize, CASES);

    println!("Status links ({CASES} cases, one sync round after each case's next date moved):");
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for round in 0..3u64 {
        let (from, to) = (day(10 + round), day(11 + round));
        move_dates(&mut d, &plain, from, to);
        let t = Instant::now();
        let r = engine::sync_now(&mut d).unwrap();
        without.push(ms(t.elapsed()));
        assert_eq!(r.links_sealed, 0);
        move_dates(&mut d, &linked, from, to);
        let t = Instant::now();
        let r = engine::sync_now(&mut d).unwrap();
        with.push(ms(t.elapsed()));
        assert_eq!(r.links_sealed as usize, CASES);
    }
    let (with, without) = (median(with), median(without));
    println!(
        "  sync round with {CASES} links resealed and uploaded   {with:8.1} ms  (median of 3)\n  \
         baseline: the same round, cases without links {without:8.1} ms\n  \
         resealing and uploading, per link              {:8.2} ms  ({:.2}x the baseline round)",
        (with - without).max(0.0) / CASES as f64,
        with / without
    );

    let link = first.unwrap();
    let url = links::link_url(&d, &relay.url, &link).unwrap();
    let data = format!("{}/data", url.split('#').next().unwrap());
    let health = format!("{}/health", relay.url);
    let time = |u: &str| {
        let v: Vec<f64> = (0..200)
            .map(|_| {
                let t = Instant::now();
                let mut body = Vec::new();
                std::io::Read::read_to_end(&mut ureq::get(u).call().unwrap().into_reader(), &mut body).unwrap();
                assert!(!body.is_empty());
                ms(t.elapsed())
            })
            .collect();
        median(v)
    };
    let (snapshot, baseline) = (time(&data), time(&health));
    println!(
        "  a browser's fetch of one sealed snapshot          {snapshot:8.3} ms  (median of 200)\n  \
         baseline: GET /health on the same relay         {baseline:8.3} ms ({:.2}x)",
        snapshot / baseline
    );
}
