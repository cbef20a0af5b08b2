//! Benchmark of printing: a 300-hearing day (12 courts, Indian names) laid out
//! and written as PDF, and its first page rendered as a preview image; beside
//! it in the same run, the bare projection queries (the floor) and a 10-hearing
//! list (the fixed cost of a list), and a bill (fee memo) of 500 entries laid
//! out and written as PDF. Figures, not assertions.

#[path = "../../../benches/table.rs"]
mod table;

use std::time::{Duration, Instant};

use chrono::{Local, NaiveDate};
use nextdate_diary::accounts::{AccountLine, BillDoc, TaxLine};
use nextdate_diary::{Diary, InitOptions, NewCase, NewClient, Party, Protection, Zeroizing};
use nextdate_print::bill::bill;
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

/// A quarter's bill with 500 entries: appearances, and a payment every 25th.
fn a_long_bill() -> BillDoc {
    let lines: Vec<AccountLine> = (0..500i64)
        .map(|i| {
            let paid = i % 25 == 24;
            AccountLine {
                date: format!("2026-{:02}-{:02}", 4 + i / 180, 1 + (i / 6) % 30),
                case_number: format!("W.P.(C) {}/2025", 1000 + i % 12),
                kind: if paid { "received" } else { "appearance" }.into(),
                description: if paid {
                    "Payment by NEFT".into()
                } else {
                    format!("Appearance on item {} (arguments)", i % 60 + 1)
                },
                amount_minor: 2_200_000 + i,
                reference: paid.then(|| format!("A-{}/2026-27", i / 25 + 1)),
                balance_minor: 0,
            }
        })
        .collect();
    BillDoc {
        number: "A-3/2026-27".into(),
        date: "2026-07-02".into(),
        chamber_name: "Sharma Chambers".into(),
        chamber_address: Some("Chamber 214, Lawyers' Block\nDelhi High Court\nNew Delhi 110003".into()),
        gstin: Some("07AAAPS1234F1Z5".into()),
        advocate: "Adv. Meera Sharma".into(),
        client_name: "रमेश कुमार शर्मा".into(),
        client_address: None,
        matter: "All matters".into(),
        from: "2026-04-01".into(),
        to: "2026-06-30".into(),
        currency: "INR".into(),
        opening_balance_minor: 0,
        fees_minor: 0,
        appearances_minor: 1_056_000_000,
        appearance_count: 480,
        non_effective_count: 12,
        time_minor: 0,
        billable_minutes: 0,
        expenses_minor: 0,
        tax: Some(TaxLine {
            label: "GST @ 18%".into(),
            on_minor: 1_056_000_000,
            amount_minor: 190_080_000,
        }),
        received_minor: 44_000_000,
        due_minor: 1_202_080_000,
        cancelled: None,
        lines,
    }
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
    let long_bill = a_long_bill();
    let printed_bill = bill(&long_bill, Paper::A4).unwrap();
    let bill_pages = printed_bill.page_count();
    let bill_bytes = printed_bill.pdf().unwrap().len();
    let bill_500 = time(n, || {
        bill(&long_bill, Paper::A4).unwrap().pdf().unwrap();
    });

    println!();
    println!("300 hearings in 12 courts: {pages} pages, PDF {:.0} KB; first list in the process (parses fonts): {first_ms:.0} ms", pdf_bytes as f64 / 1024.0);
    println!(
        "bill of 500 entries: {bill_pages} pages, PDF {:.0} KB",
        bill_bytes as f64 / 1024.0
    );
    println!();
    println!("operation (ms, n={n})                         median       p95");
    let line = |name: &str, (m, p): (f64, f64)| {
        println!("{name:<44} {m:>8.1}  {p:>8.1}");
        if !name.starts_with("baseline") {
            table::record(
                &format!("print: {name}, median, beside a 10-hearing list"),
                m,
                "ms",
                Some(small.0),
                None,
            );
        }
    };
    line("baseline: projection queries for the day", query);
    line("baseline: 10-hearing list to PDF", small);
    line("300-hearing list: gather + layout", layout);
    line("300-hearing list: gather + layout + PDF", whole);
    line("preview: page 1 as PNG at 110 ppi", preview);
    line("bill, 500 entries: layout + PDF", bill_500);
}
