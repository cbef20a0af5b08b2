//! Benchmark of printing: a 300-hearing day (12 courts, Indian names) laid out
//! and written as PDF, and its first page rendered as a preview image; beside
//! it in the same run, the bare projection queries (the floor) and a 10-hearing
//! list (the fixed cost of a list). Figures, not assertions.

use std::time::{Duration, Instant};

use chrono::{Local, NaiveDate};
use nextdate_diary::{Diary, InitOptions, NewCase, NewClient, Party, Protection, Zeroizing};
use nextdate_print::{hearing_list, ListOptions, Paper};

fn median(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[v.len() / 2]), ms(v[(v.len() * 95 / 100).min(v.len() - 1)]))
}

fn time(n: usize, mut f: impl FnMut()) -> (f64, f64) {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let mut d = Diary::init(
        &tmp.path().join("diary"),
        InitOptions {
            name: "Sharma Chambers".into(),
            advocate: Some("Adv. Meera Sharma".into()),
            protection: Protection::Passphrase(Zeroizing::new("benchmark passphrase".into())),
        },
    )
    .unwrap()
    .diary;
    let day = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
    let small_day = day.succ_opt().unwrap();
    let names = [
        "रमेश कुमार शर्मा",
        "Sunita Devi",
        "முருகன் செல்வம்",
        "Imran Khan",
        "Anil Gupta",
        "ਗੁਰਪ੍ਰੀਤ ਸਿੰਘ",
    ];
    d.write(|b| {
        let clients: Vec<String> = names
            .iter()
            .map(|n| {
                b.add_client(NewClient {
                    name: n.to_string(),
                    ..Default::default()
                })
            })
            .collect::<Result<_, _>>()?;
        for i in 0..310usize {
            b.add_case(NewCase {
                title: format!("Matter {i}"),
                number: format!("W.P.(C) {}/2025", 1000 + i),
                court: format!("Court complex {}", i % 12),
                bench: Some(format!("Court No. {}", i % 5)),
                parties: vec![
                    Party {
                        name: names[i % names.len()].into(),
                        side: "petitioner".into(),
                        counsel: None,
                    },
                    Party {
                        name: "State of U.P.".into(),
                        side: "respondent".into(),
                        counsel: None,
                    },
                    Party {
                        name: "Union of India".into(),
                        side: "respondent".into(),
                        counsel: None,
                    },
                ],
                client_ids: vec![clients[i % clients.len()].clone()],
                next_date: Some(if i < 300 { day } else { small_day }),
                purpose: Some("Arguments".into()),
                item: Some((i % 60) as i64 + 1),
                ..Default::default()
            })?;
        }
        Ok(())
    })
    .unwrap();
    let opts = |from| ListOptions {
        from,
        to: from,
        paper: Paper::A4,
        member: None,
        include_tasks: true,
        printed_at: Local::now().naive_local(),
    };
    // Warm up: fonts are parsed once per process.
    let first = Instant::now();
    let list = hearing_list(&d, &opts(day)).unwrap();
    let first_ms = first.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(list.hearing_count(), 300);
    let pages = list.page_count();
    let pdf_bytes = list.pdf().unwrap().len();

    let n = 10;
    let query = time(n, || {
        d.hearings_in_range(day, day, None).unwrap();
        d.listed_parties(day, day).unwrap();
    });
    let small = time(n, || {
        let l = hearing_list(&d, &opts(small_day)).unwrap();
        l.pdf().unwrap();
    });
    let layout = time(n, || {
        hearing_list(&d, &opts(day)).unwrap();
    });
    let whole = time(n, || {
        let l = hearing_list(&d, &opts(day)).unwrap();
        l.pdf().unwrap();
    });
    let preview = time(n, || {
        list.png_page(0, 110.0).unwrap();
    });

    println!();
    println!("300 hearings in 12 courts: {pages} pages, PDF {:.0} KB; first list in the process (parses fonts): {first_ms:.0} ms", pdf_bytes as f64 / 1024.0);
    println!();
    println!("operation (ms, n={n})                         median       p95");
    let line = |name: &str, (m, p): (f64, f64)| println!("{name:<44} {m:>8.1}  {p:>8.1}");
    line("baseline: projection queries for the day", query);
    line("baseline: 10-hearing list to PDF", small);
    line("300-hearing list: gather + layout", layout);
    line("300-hearing list: gather + layout + PDF", whole);
    line("preview: page 1 as PNG at 110 ppi", preview);
}
