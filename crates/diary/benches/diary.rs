//! Benchmark of the encrypted diary against a plain SQLite baseline, in one run.
//!
//! Builds a demo diary (10,000 cases, about 100,000 hearings; `BENCH_CASES`
//! overrides), then exports its projection tables, unencrypted and without any
//! Automerge documents, into a plain SQLite file: the baseline. Both are then
//! timed on the same operations with the same query code, and the figures are
//! printed side by side with their ratio. Figures, not assertions.

#[path = "../../../benches/table.rs"]
mod table;
#[path = "support/wal_pages.rs"]
mod wal_pages;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, Local, NaiveDate};
use nextdate_diary::queries::{board_on, search_on};
use nextdate_diary::{Diary, HearingEdit, InitOptions, NextStep, Protection, RecordHearing, Unlock, Zeroizing};
use rusqlite::{params, Connection};

const PASSPHRASE: &str = "benchmark passphrase";

struct Stats {
    median: Duration,
    p95: Duration,
    n: usize,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let n = v.len();
    Stats {
        median: v[n / 2],
        p95: v[((n * 95) / 100).min(n - 1)],
        n,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The diary's size, for the names of the rows recorded for `scripts/bench`.
static CASES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

/// The ratio to plain SQLite each measure must stay under (issue "Fast as paper").
fn target(name: &str) -> Option<f64> {
    match name {
        "record hearing + next date" | "correct a hearing's next date (durable)" => Some(2.0),
        "rebuild projection" => Some(3.0),
        _ => None,
    }
}

fn row(name: &str, diary: &Stats, plain: Option<&Stats>) {
    let cases = CASES.get().copied().unwrap_or_default();
    table::record(
        &format!("diary, {cases} cases: {name}, median"),
        ms(diary.median),
        "ms",
        plain.map(|p| ms(p.median)),
        target(name),
    );
    match plain {
        Some(p) => println!(
            "{name:<40} {:>9.3} {:>9.3}   {:>9.3} {:>9.3}   {:>6.2}x   (n={})",
            ms(diary.median),
            ms(diary.p95),
            ms(p.median),
            ms(p.p95),
            diary.median.as_secs_f64() / p.median.as_secs_f64(),
            diary.n
        ),
        None => println!(
            "{name:<40} {:>9.3} {:>9.3}   {:>9} {:>9}   {:>7}   (n={})",
            ms(diary.median),
            ms(diary.p95),
            "—",
            "—",
            "—",
            diary.n
        ),
    }
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let t = Instant::now();
    let out = f();
    (t.elapsed(), out)
}

fn open_plain(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536;",
    )
    .unwrap();
    c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .unwrap();
    c
}

fn main() {
    let cases: usize = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    CASES.set(cases).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    let plain_path = tmp.path().join("plain.db");
    let today = Local::now().date_naive();

    let (gen, (d, recovery, summary)) = time(|| {
        let nextdate_diary::NewDiary {
            diary: mut d,
            recovery_key: rk,
            ..
        } = Diary::init(
            &dir,
            InitOptions {
                name: "Bench".into(),
                advocate: None,
                protection: Protection::Passphrase(Zeroizing::new(PASSPHRASE.into())),
            },
        )
        .unwrap();
        let s = nextdate_diary::demo::generate(&mut d, cases, 42, today, 500, |_| {}).unwrap();
        (d, rk, s)
    });
    println!(
        "Generated {} cases, {} hearings, {} clients in {:.1} s",
        summary.cases,
        summary.hearings,
        summary.clients,
        gen.as_secs_f64()
    );

    // The baseline: the same projection rows, unencrypted, no documents.
    d.conn()
        .execute_batch(&format!(
            "ATTACH DATABASE '{}' AS plain KEY ''; SELECT sqlcipher_export('plain'); DETACH DATABASE plain;",
            plain_path.display()
        ))
        .unwrap();
    {
        let c = Connection::open(&plain_path).unwrap();
        c.execute_batch("DROP TABLE doc_chunks; DROP TABLE outbox; DROP TABLE history; DROP TABLE docs; VACUUM;")
            .unwrap();
    }
    drop(d);
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "Encrypted diary: {:.1} MB; plain baseline: {:.1} MB",
        size(&dir.join("diary.db")),
        size(&plain_path)
    );
    println!();
    println!(
        "{:<40} {:>9} {:>9}   {:>9} {:>9}   {:>7}",
        "operation (ms)", "diary med", "p95", "plain med", "p95", "ratio"
    );

    // Open.
    let rk = Unlock::RecoveryKey(recovery.clone());
    let diary_open = stats((0..20).map(|_| time(|| Diary::open(&dir, &rk).unwrap()).0).collect());
    let plain_open = stats((0..20).map(|_| time(|| open_plain(&plain_path)).0).collect());
    row("open (key unwrapped, no KDF)", &diary_open, Some(&plain_open));
    let pp = Unlock::Passphrase(Zeroizing::new(PASSPHRASE.into()));
    let pass_open = stats((0..5).map(|_| time(|| Diary::open(&dir, &pp).unwrap()).0).collect());
    row("open with passphrase (Argon2id)", &pass_open, None);

    let mut d = Diary::open(&dir, &rk).unwrap();
    let plain = open_plain(&plain_path);

    // The day's board over 90 different days.
    let dates: Vec<NaiveDate> = (-30..60).map(|i| today + Days::days(i)).collect();
    for date in &dates {
        board_on(d.conn(), *date).unwrap();
        board_on(&plain, *date).unwrap();
    }
    let mut sizes = Vec::new();
    let diary_board = stats(
        dates
            .iter()
            .map(|dt| time(|| sizes.push(d.board(*dt).unwrap().len())).0)
            .collect(),
    );
    let plain_board = stats(
        dates
            .iter()
            .map(|dt| time(|| board_on(&plain, *dt).unwrap()).0)
            .collect(),
    );
    sizes.sort();
    row(
        &format!("board ({} hearings, the median day)", sizes[sizes.len() / 2]),
        &diary_board,
        Some(&plain_board),
    );

    // Search: case numbers, CNRs, names in two scripts, words from notes.
    let sample: Vec<(String, Option<String>)> = d
        .conn()
        .prepare("SELECT number, cnr FROM cases ORDER BY id LIMIT 40")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut queries: Vec<String> = vec![
        "Sharma".into(),
        "राम कुमार".into(),
        "Union of India".into(),
        "sale deed".into(),
        "Kapoor".into(),
    ];
    for (number, cnr) in &sample {
        queries.push(number.split(' ').next_back().unwrap().to_string());
        if let Some(c) = cnr {
            queries.push(c.clone());
        }
    }
    let diary_search = stats(queries.iter().map(|q| time(|| d.search(q, 50).unwrap()).0).collect());
    let plain_search = stats(
        queries
            .iter()
            .map(|q| time(|| search_on(&plain, q, 50).unwrap()).0)
            .collect(),
    );
    row("search (limit 50)", &diary_search, Some(&plain_search));

    // Recording a hearing with the next date, durably committed.
    let upcoming: Vec<(String, String, String)> = d
        .conn()
        .prepare(
            "SELECT h.case_id, h.id, h.date FROM hearings h JOIN cases c ON c.id = h.case_id
             WHERE c.status = 'pending' AND h.date = c.latest_date AND h.date >= ?1 ORDER BY h.id LIMIT 200",
        )
        .unwrap()
        .query_map([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let diary_record = stats(
        upcoming
            .iter()
            .map(|(case, _, date)| {
                let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
                time(|| {
                    d.record_hearing(
                        case,
                        RecordHearing {
                            non_effective: false,
                            date,
                            outcome: Some("Adjourned at the request of the respondent".into()),
                            item: None,
                            next: NextStep::Adjourned {
                                next_date: date + Days::days(21),
                                purpose: Some("Arguments".into()),
                            },
                            attended_by: None,
                        },
                    )
                    .unwrap()
                })
                .0
            })
            .collect(),
    );
    let mut plain = plain;
    let plain_record = stats(
        upcoming
            .iter()
            .enumerate()
            .map(|(i, (case, hearing, date))| {
                let next = (NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap() + Days::days(21)).to_string();
                time(|| {
                    let tx = plain.transaction().unwrap();
                    tx.execute(
                        "UPDATE hearings SET outcome = ?1, next_date = ?2, recorded_at = ?3 WHERE id = ?4",
                        params!["Adjourned at the request of the respondent", next, "2026-11-24T10:00:00Z", hearing],
                    )
                    .unwrap();
                    tx.execute(
                        "INSERT INTO hearings (id, case_id, date, purpose, disposed) VALUES (?1, ?2, ?3, 'Arguments', 0)",
                        params![format!("BENCH{i:021}"), case, next],
                    )
                    .unwrap();
                    tx.execute("UPDATE cases SET latest_date = ?1 WHERE id = ?2", params![next, case]).unwrap();
                    tx.commit().unwrap();
                })
                .0
            })
            .collect(),
    );
    row("record hearing + next date", &diary_record, Some(&plain_record));

    // Correcting the next date just recorded (21 -> 28 days on), durably committed:
    // the hearing's next date changes, the listing on the old date is marked
    // removed and the case is listed on the new one.
    let diary_correct = stats(
        upcoming
            .iter()
            .map(|(case, hearing, date)| {
                let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
                let edit = HearingEdit {
                    next_date: Some(Some(date + Days::days(28))),
                    ..Default::default()
                };
                let (took, change) = time(|| d.edit_hearing(case, hearing, edit.clone()).unwrap());
                assert_eq!(change.removed.len(), 1, "a real correction: {change:?}");
                took
            })
            .collect(),
    );
    let plain_correct = stats(
        upcoming
            .iter()
            .enumerate()
            .map(|(i, (case, hearing, date))| {
                let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
                let (old, new) = ((date + Days::days(21)).to_string(), (date + Days::days(28)).to_string());
                time(|| {
                    let tx = plain.transaction().unwrap();
                    tx.execute("UPDATE hearings SET next_date = ?1 WHERE id = ?2", params![new, hearing])
                        .unwrap();
                    tx.execute("DELETE FROM hearings WHERE id = ?1", [format!("BENCH{i:021}")])
                        .unwrap();
                    tx.execute(
                        "INSERT INTO removed_records (owner_id, kind, id, label, removed_at)
                         VALUES (?1, 'hearing', ?2, ?3, '2026-11-24T10:00:00Z')",
                        params![case, format!("BENCH{i:021}"), format!("hearing of {old}")],
                    )
                    .unwrap();
                    tx.execute(
                        "INSERT INTO hearings (id, case_id, date, purpose, disposed) VALUES (?1, ?2, ?3, 'Arguments', 0)",
                        params![format!("BENCHFIX{i:018}"), case, new],
                    )
                    .unwrap();
                    tx.execute("UPDATE cases SET latest_date = ?1 WHERE id = ?2", params![new, case]).unwrap();
                    tx.commit().unwrap();
                })
                .0
            })
            .collect(),
    );
    row(
        "correct a hearing's next date (durable)",
        &diary_correct,
        Some(&plain_correct),
    );

    pages_per_edit(&mut d, &dir.join("diary.db"), &upcoming[0].0, today);

    // Rebuild: from every Automerge document vs re-copying the same rows.
    let diary_rebuild = stats((0..3).map(|_| time(|| d.rebuild().unwrap()).0).collect());
    // The baseline re-copies the rows a rebuild writes: each projected table
    // (nextdate_diary::projection::TABLES), the search index included, but
    // the change history (a plain diary keeps none; the diary's rebuild
    // writes it too, so this baseline is the smaller of the two).
    let mut copy_sql = String::from("BEGIN;");
    for t in nextdate_diary::projection::TABLES {
        if *t == "history" {
            continue;
        }
        if *t == "search_fts" {
            plain
                .execute_batch("CREATE TABLE src_search_fts AS SELECT rowid AS r, kind, id, body FROM search_fts;")
                .unwrap();
            copy_sql.push_str(
                "DELETE FROM search_fts; INSERT INTO search_fts (rowid, kind, id, body) SELECT r, kind, id, body FROM src_search_fts;",
            );
        } else {
            plain
                .execute_batch(&format!("CREATE TABLE src_{t} AS SELECT * FROM {t};"))
                .unwrap();
            copy_sql.push_str(&format!("DELETE FROM {t}; INSERT INTO {t} SELECT * FROM src_{t};"));
        }
    }
    copy_sql.push_str("COMMIT;");
    let plain_rebuild = stats(
        (0..3)
            .map(|_| time(|| plain.execute_batch(&copy_sql).unwrap()).0)
            .collect(),
    );
    row("rebuild projection", &diary_rebuild, Some(&plain_rebuild));

    // Erasing a client's data: the document replaced, then the whole file
    // scrubbed (search index merged, VACUUM, WAL truncated), against the same
    // scrub of the plain database after deleting a client row.
    let diary_erase = stats(
        (0..3)
            .map(|i| {
                let name = format!("Erasable Client {i}");
                let id = d
                    .add_client(nextdate_diary::NewClient {
                        name: name.clone(),
                        phones: vec!["+91 90000 00000".into()],
                        ..Default::default()
                    })
                    .unwrap();
                time(|| d.erase_client(&id, &name).unwrap()).0
            })
            .collect(),
    );
    let plain_erase = stats(
        (0..3)
            .map(|_| {
                time(|| {
                    plain
                        .execute_batch(
                            "DELETE FROM clients WHERE id = (SELECT max(id) FROM clients);
                             INSERT INTO search_fts (search_fts) VALUES ('optimize'); VACUUM;",
                        )
                        .unwrap()
                })
                .0
            })
            .collect(),
    );
    row("erase a client (with the file scrub)", &diary_erase, Some(&plain_erase));
    accounts(&mut d, today, &diary_board);
    println!();
    println!("ratio = diary median / plain median. Plain baseline: same library, same projection rows and");
    println!("queries, no encryption, no Automerge; its rebuild re-copies every projected table but the history (it has no documents to replay).");
}

/// The accounts beside the day's board on the same diary: the outstanding
/// list of the whole diary, and a bill for a client with 500 entries.
fn accounts(d: &mut Diary, today: NaiveDate, board: &Stats) {
    use nextdate_diary::accounts::{CaseOrClient, NewTimeEntry, TermsInput};
    println!();
    println!("accounts, beside the day's board on this diary (its median is the baseline):");
    let outstanding = stats((0..10).map(|_| time(|| d.outstanding(today).unwrap()).0).collect());
    let o = d.outstanding(today).unwrap();
    row(
        &format!("outstanding list ({} cases due)", o.cases.len()),
        &outstanding,
        Some(board),
    );
    let client = d
        .add_client(nextdate_diary::NewClient {
            name: "Bench Client".into(),
            ..Default::default()
        })
        .unwrap();
    let case = d
        .add_case(nextdate_diary::NewCase {
            title: "Bench Client v. State".into(),
            number: "BENCH 500/2026".into(),
            court: "Delhi High Court".into(),
            client_ids: vec![client.clone()],
            ..Default::default()
        })
        .unwrap();
    d.set_fee_terms(
        &case,
        Some(TermsInput {
            hourly_minor: Some(300_000),
            ..Default::default()
        }),
    )
    .unwrap();
    let start = today - Days::days(250);
    let me = d.member_id().to_string();
    d.write(|w| {
        for i in 0..250 {
            let day = start + Days::days(i);
            w.add_time(
                &case,
                NewTimeEntry {
                    date: day,
                    minutes: 30 + i % 90,
                    member_id: None,
                    note: Some("Drafting".into()),
                    billable: true,
                },
                &me,
            )?;
            w.add_fee(
                &case,
                nextdate_diary::NewFee {
                    kind: nextdate_diary::FeeKind::Expense,
                    amount_minor: 10_000 + i * 100,
                    currency: None,
                    date: day,
                    mode: None,
                    remark: Some("Typing and photocopies".into()),
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    let scope = CaseOrClient::Client(client);
    let bill = stats(
        (0..10)
            .map(|_| time(|| d.draft_bill(&scope, start, today, today).unwrap()).0)
            .collect(),
    );
    let lines = d.draft_bill(&scope, start, today, today).unwrap().lines.len();
    row(&format!("bill for a client ({lines} entries)"), &bill, Some(board));
}

/// Where one recorded hearing and one corrected next date write their pages.
fn pages_per_edit(d: &mut Diary, db: &Path, case: &str, today: NaiveDate) {
    let date = today + Days::days(400);
    let mut hearing = String::new();
    let recorded = wal_pages::pages_written(d, db, |d| {
        hearing = d
            .record_hearing(
                case,
                RecordHearing {
                    non_effective: false,
                    date,
                    outcome: Some("Adjourned".into()),
                    item: None,
                    next: NextStep::Adjourned {
                        next_date: date + Days::days(21),
                        purpose: Some("Arguments".into()),
                    },
                    attended_by: None,
                },
            )
            .unwrap();
    });
    let edit = HearingEdit {
        next_date: Some(Some(date + Days::days(28))),
        ..Default::default()
    };
    let corrected = wal_pages::pages_written(d, db, |d| {
        d.edit_hearing(case, &hearing, edit).unwrap();
    });
    println!();
    wal_pages::print("one recorded hearing", &recorded);
    wal_pages::print("one corrected next date", &corrected);
    println!();
}
