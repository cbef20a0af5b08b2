//! Export and import between real encrypted diaries: a CSV export imported into
//! a fresh diary gives the same records, accounts included (fee terms, time,
//! receipt and bill numbers, which the importing laptop then never reuses);
//! an older export without them still imports; JSON holds everything;
//! attachments come out byte for byte; bad CSV rows are all named and change
//! nothing.

mod common;

use std::fs;
use std::path::Path;

use common::{passphrase_diary, today};
use nextdate_diary::accounts::numbering::financial_year;
use nextdate_diary::accounts::{CaseOrClient, NewTimeEntry, TermsInput};
use nextdate_diary::export::ExportFormat;
use nextdate_diary::import::ImportMode;
use nextdate_diary::{CaseStatus, Diary, FeeKind, NewCase, NewClient, NewFee, NewNote, NewTask, Party, StatusChange};

/// The records both diaries must agree on (not history, members or search).
fn records(d: &Diary) -> Vec<String> {
    let keep = [
        "clients:",
        "cases:",
        "case_parties:",
        "case_clients:",
        "hearings:",
        "tasks:",
        "notes:",
        "fees:",
        "fee_terms:",
        "time_entries:",
        "bills:",
    ];
    nextdate_diary::projection::dump(d.conn())
        .unwrap()
        .into_iter()
        .filter(|l| keep.iter().any(|k| l.starts_with(k)))
        .collect()
}

/// Asserts two lists of records are the same, naming the lines that differ.
fn same(a: &[String], b: &[String]) {
    let only = |x: &[String], y: &[String]| -> Vec<String> { x.iter().filter(|l| !y.contains(l)).cloned().collect() };
    assert!(
        a == b,
        "only in the first: {:#?}\nonly in the second: {:#?}",
        only(a, b),
        only(b, a)
    );
}

fn rich_diary(dir: &Path) -> (Diary, String) {
    let (mut d, _) = passphrase_diary(dir);
    nextdate_diary::demo::generate(&mut d, 40, 7, today(), 40, |_| {}).unwrap();
    let client = d
        .add_client(NewClient {
            name: "सुनीता देवी".into(),
            phones: vec!["+91 98100 00001".into(), "011-2345 6789".into()],
            email: Some("sunita@example.in".into()),
            address: Some("12, Lajpat Nagar, \"Block C\", New Delhi".into()),
            notes: Some("Prefers calls after 6 pm;\nspeaks Hindi".into()),
            update_language: Some(nextdate_diary::client_update::Language::Hi),
        })
        .unwrap();
    let case = d
        .add_case(NewCase {
            title: "सुनीता देवी v. State".into(),
            number: "CRL.A. 123/2024".into(),
            court: "Delhi High Court".into(),
            cnr: Some("DLHC010001232024".into()),
            bench: Some("Court No. 12".into()),
            stage: Some("Final arguments".into()),
            parties: vec![
                Party {
                    name: "सुनीता देवी".into(),
                    side: "appellant".into(),
                    counsel: Some("Adv. Meera".into()),
                },
                Party {
                    name: "State (NCT of Delhi)".into(),
                    side: "respondent".into(),
                    counsel: None,
                },
            ],
            client_ids: vec![client.clone()],
            next_date: Some(today() + chrono::Duration::days(3)),
            item: Some(14),
            ..Default::default()
        })
        .unwrap();
    let mut fees = Vec::new();
    for (kind, amount_minor, mode, remark) in [
        (FeeKind::Agreed, 1_500_000, None, Some("Appeal, all stages")),
        (FeeKind::Received, 500_050, Some("UPI"), None),
        (FeeKind::Received, 500_050, Some("neft"), None),
    ] {
        let (mode, remark, date) = (mode.map(str::to_string), remark.map(str::to_string), today());
        fees.push(
            d.add_fee(
                &case,
                NewFee {
                    kind,
                    amount_minor,
                    currency: None,
                    date,
                    mode,
                    remark,
                },
            )
            .unwrap(),
        );
    }
    // A voided entry (its receipt number kept) and a stayed case travel with their reasons.
    let twice = &fees[2];
    assert_eq!(
        d.receipt(twice).unwrap().number,
        format!("A-1/{}", financial_year(today()))
    );
    d.void_fee(&case, twice, "entered twice").unwrap();
    d.change_case_status(
        &case,
        StatusChange {
            to: CaseStatus::Stayed,
            date: Some(today()),
            remark: Some("Stayed by the Supreme Court".into()),
            court: None,
        },
    )
    .unwrap();
    d.add_task(
        &case,
        NewTask {
            title: "File written synopsis, 3 copies".into(),
            due: Some(today() + chrono::Duration::days(2)),
            assignee: None,
        },
    )
    .unwrap();
    d.add_note(
        &case,
        NewNote {
            text: "Client says the FIR date is wrong, check \"page 4\"".into(),
            client_visible: false,
        },
    )
    .unwrap();
    for bytes in [&b"%PDF-1.4 privileged"[..], b"%PDF-1.4 second copy"] {
        d.attach_document(&case, "../vakalatnama.pdf", "application/pdf", bytes, false)
            .unwrap();
    }
    accounts(&mut d, &case, client);
    (d, case)
}

/// The payment received of the case that is not voided.
fn live_payment(d: &Diary, case: &str) -> String {
    let fees = d.fees(Some(case)).unwrap();
    let f = fees.iter().find(|f| f.kind == "received" && f.voided_at.is_none());
    f.unwrap().id.clone()
}

/// Fee terms, time, a receipt, and bills of the case (one cancelled) and of
/// its client: receipts `A-1` (the voided payment's) and `A-2`, bills `A-1`
/// to `A-3`, all in this financial year.
fn accounts(d: &mut Diary, case: &str, client: String) {
    d.set_fee_terms(
        case,
        Some(TermsInput {
            fixed_minor: Some(5_000_000),
            per_appearance_minor: Some(500_000),
            non_effective_minor: Some(0),
            hourly_minor: Some(300_050),
            ..Default::default()
        }),
    )
    .unwrap();
    for (minutes, note, billable) in [(95, Some("Drafting the appeal, \"grounds\""), true), (20, None, false)] {
        let (note, date, member_id) = (note.map(str::to_string), today(), None);
        d.add_time(
            case,
            NewTimeEntry {
                date,
                minutes,
                member_id,
                note,
                billable,
            },
        )
        .unwrap();
    }
    let upi = live_payment(d, case);
    assert_eq!(
        d.receipt(&upi).unwrap().number,
        format!("A-2/{}", financial_year(today()))
    );
    let (from, to) = (today() - chrono::Duration::days(10), today());
    let (first, _) = d
        .issue_bill(&CaseOrClient::Case(case.into()), from, to, today())
        .unwrap();
    d.void_bill(&first, "wrong period").unwrap();
    d.issue_bill(&CaseOrClient::Case(case.into()), from, to, today())
        .unwrap();
    d.issue_bill(&CaseOrClient::Client(client), from, to, today()).unwrap();
}

#[test]
fn csv_export_imported_into_a_fresh_diary_gives_the_same_records() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, case) = rich_diary(&tmp.path().join("a"));
    let out = tmp.path().join("export-csv");
    let s = a.export(ExportFormat::Csv, &out).unwrap();
    assert!(
        s.cases == 41 && s.clients > 1 && s.hearings > 41 && s.fees > 2 && s.documents == 2,
        "{s:?}"
    );
    assert!(s.fee_terms > 1 && s.time_entries > 2 && s.bills == 3, "{s:?}");
    for f in [
        "clients.csv",
        "cases.csv",
        "parties.csv",
        "hearings.csv",
        "tasks.csv",
        "notes.csv",
        "fees.csv",
        "documents.csv",
        "fee_terms.csv",
        "time_entries.csv",
        "bills.csv",
        "export.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    // Attachments byte for byte, names that cannot escape the folder, no clash.
    let mut attached: Vec<Vec<u8>> = Vec::new();
    for case_dir in fs::read_dir(out.join("attachments")).unwrap() {
        for f in fs::read_dir(case_dir.unwrap().path()).unwrap() {
            let f = f.unwrap();
            assert!(
                f.file_name().to_string_lossy().contains("vakalatnama"),
                "{:?}",
                f.file_name()
            );
            attached.push(fs::read(f.path()).unwrap());
        }
    }
    attached.sort();
    assert_eq!(
        attached,
        vec![b"%PDF-1.4 privileged".to_vec(), b"%PDF-1.4 second copy".to_vec()]
    );

    let (mut b, _) = passphrase_diary(&tmp.path().join("b"));
    let dry = b.import_csv(std::slice::from_ref(&out), ImportMode::DryRun).unwrap();
    assert!(dry.errors.is_empty(), "{:?}", dry.errors);
    assert!(!dry.applied);
    assert_eq!(
        (dry.cases, dry.clients, dry.hearings, dry.fees),
        (s.cases, s.clients, s.hearings, s.fees)
    );
    assert_eq!(
        (dry.fee_terms, dry.time_entries, dry.bills),
        (s.fee_terms, s.time_entries, s.bills)
    );
    assert!(
        records(&b).iter().all(|l| !l.starts_with("cases:")),
        "a dry run wrote nothing"
    );
    let done = b.import_csv(&[out], ImportMode::Apply).unwrap();
    assert!(done.applied && done.errors.is_empty(), "{:?}", done.errors);
    assert!(
        done.warnings.iter().all(|w| w.contains("documents.csv")),
        "{:?}",
        done.warnings
    );
    // Time goes to the member of the same name (the advocate, here); notes
    // keep their author's id as it was.
    let ours: Vec<String> = records(&a)
        .into_iter()
        .map(|l| match l.starts_with("time_entries:") {
            true => l.replace(a.member_id(), b.member_id()),
            false => l,
        })
        .collect();
    same(&ours, &records(&b));
    // The imported diary works like a typed one: same board, same undated list.
    for days in 0..30 {
        let day = today() + chrono::Duration::days(days);
        assert_eq!(a.board(day).unwrap(), b.board(day).unwrap());
    }
    assert_eq!(a.undated(today()).unwrap(), b.undated(today()).unwrap());
    // And it survives a rebuild unchanged.
    let before = records(&b);
    b.rebuild().unwrap();
    assert_eq!(before, records(&b));
    // Receipts print the same numbers, and this laptop (series A too) goes on
    // past the imported ones: receipts and bills are taken.
    let fy = financial_year(today());
    let receipts = |d: &Diary| -> Vec<Option<String>> {
        let fees = d.fees(Some(&case)).unwrap();
        fees.into_iter().map(|f| f.receipt_number).collect()
    };
    assert_eq!(receipts(&a), receipts(&b));
    let upi = live_payment(&b, &case);
    assert_eq!(b.receipt(&upi).unwrap().number, format!("A-2/{fy}"));
    let paid = b
        .add_fee(
            &case,
            NewFee {
                kind: FeeKind::Received,
                amount_minor: 100_000,
                currency: None,
                date: today(),
                mode: Some("cash".into()),
                remark: None,
            },
        )
        .unwrap();
    assert_eq!(b.receipt(&paid).unwrap().number, format!("A-3/{fy}"));
    let bills = b.bills(Some(&case)).unwrap();
    let live = bills.iter().find(|x| x.voided_at.is_none()).unwrap();
    assert_eq!(live.number, format!("A-2/{fy}"));
    b.void_bill(&live.id, "reissued").unwrap();
    let (from, to) = (today() - chrono::Duration::days(10), today());
    let (_, bill) = b
        .issue_bill(&CaseOrClient::Case(case.clone()), from, to, today())
        .unwrap();
    assert_eq!(bill.number, format!("A-4/{fy}"));
}

#[test]
fn json_export_holds_every_record_nested_by_case() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, case) = rich_diary(&tmp.path().join("a"));
    let out = tmp.path().join("export-json");
    let s = a.export(ExportFormat::Json, &out).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&fs::read(out.join("diary.json")).unwrap()).unwrap();
    assert_eq!(v["format"], "nextdate-export/1");
    assert_eq!(v["cases"].as_array().unwrap().len(), s.cases);
    assert_eq!(v["clients"].as_array().unwrap().len(), s.clients);
    let c = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == case.as_str())
        .unwrap();
    assert_eq!(c["number"], "CRL.A. 123/2024");
    assert_eq!(c["parties"][0]["name"], "सुनीता देवी");
    assert_eq!(c["fees"].as_array().unwrap().len(), 3, "the voided entry too");
    assert_eq!(c["fees"][1]["amount"], "5000.50");
    assert!(
        c["fees"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["void_reason"] == "entered twice"),
        "{}",
        c["fees"]
    );
    assert_eq!(c["status"], "stayed");
    assert_eq!(c["status_remark"], "Stayed by the Supreme Court");
    assert_eq!(c["tasks"][0]["title"], "File written synopsis, 3 copies");
    assert_eq!(
        c["notes"][0]["text"],
        "Client says the FIR date is wrong, check \"page 4\""
    );
    let file = c["documents"][0]["file"].as_str().unwrap();
    assert!(out.join(file).is_file() && !file.contains(".."), "{file}");
    let hearings: usize = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["hearings"].as_array().unwrap().len())
        .sum();
    assert_eq!(hearings, s.hearings);
    // The accounts nest in their case (terms as one object), a client's bills in the client.
    let fy = financial_year(today());
    assert!(c["hearings"][0]["non_effective"].is_i64(), "{}", c["hearings"][0]);
    let fees = c["fees"].as_array().unwrap();
    let receipts: Vec<&str> = fees.iter().filter_map(|f| f["receipt_number"].as_str()).collect();
    assert!(
        receipts.len() == 2 && receipts.contains(&format!("A-2/{fy}").as_str()),
        "{receipts:?}"
    );
    let terms = &c["fee_terms"];
    assert!(
        terms["hourly_minor"] == 300_050 && terms["hourly"] == "3000.50",
        "{terms}"
    );
    assert!(
        terms["non_effective"] == "0.00" && terms["fixed"] == "50000.00",
        "{terms}"
    );
    assert_eq!(c["time_entries"][0]["minutes"], 95);
    assert_eq!(c["time_entries"][0]["member"], "Adv. Test");
    assert_eq!(c["time_entries"][1]["billable"], 0);
    let bills = c["bills"].as_array().unwrap();
    assert_eq!(bills.len(), 2);
    assert_eq!(bills[0]["number"], format!("A-1/{fy}"));
    assert_eq!(bills[0]["void_reason"], "wrong period");
    let clients = v["clients"].as_array().unwrap();
    let client = clients.iter().find(|x| x["id"] == c["client_ids"][0]).unwrap();
    assert_eq!(client["bills"][0]["number"], format!("A-3/{fy}"));
    assert!(client["bills"][0].get("owner_id").is_none());
    let cases = v["cases"].as_array().unwrap();
    let count = |t: &str| -> usize { cases.iter().map(|c| c[t].as_array().unwrap().len()).sum() };
    assert_eq!((count("time_entries"), count("bills") + 1), (s.time_entries, s.bills));
    let with_terms = cases.iter().filter(|c| !c["fee_terms"].is_null()).count();
    assert_eq!(with_terms, s.fee_terms);
}

/// Rewrites a CSV file without column `name`.
fn drop_column(path: &Path, name: &str) {
    let mut rdr = csv::Reader::from_path(path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let at = headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = std::iter::once(headers)
        .chain(rdr.records().map(Result::unwrap))
        .collect();
    let mut w = csv::Writer::from_path(path).unwrap();
    for r in rows {
        let kept = r.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, v)| v);
        w.write_record(kept).unwrap();
    }
    w.flush().unwrap();
}

#[test]
fn an_export_from_before_accounts_still_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = rich_diary(&tmp.path().join("a"));
    let out = tmp.path().join("export-csv");
    a.export(ExportFormat::Csv, &out).unwrap();
    // As an export made before accounts: no accounts files, no new columns.
    for f in ["fee_terms.csv", "time_entries.csv", "bills.csv"] {
        fs::remove_file(out.join(f)).unwrap();
    }
    drop_column(&out.join("hearings.csv"), "non_effective");
    drop_column(&out.join("fees.csv"), "receipt_number");
    let (mut c, _) = passphrase_diary(&tmp.path().join("c"));
    let r = c.import_csv(&[out], ImportMode::Apply).unwrap();
    assert!(r.applied && r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((r.fee_terms, r.time_entries, r.bills), (0, 0, 0));
    // The same records, less the accounts.
    let accounts = ["hearings:", "fees:", "fee_terms:", "time_entries:", "bills:"];
    let core = |d: &Diary| -> Vec<String> {
        let mut lines = records(d);
        lines.retain(|l| !accounts.iter().any(|k| l.starts_with(k)));
        lines
    };
    same(&core(&a), &core(&c));
    let n = |d: &Diary, sql: &str| -> i64 { d.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    for sql in ["SELECT count(*) FROM hearings", "SELECT count(*) FROM fees"] {
        assert_eq!(n(&a, sql), n(&c, sql), "{sql}");
    }
    assert!(n(&a, "SELECT count(*) FROM hearings WHERE non_effective") > 0);
    assert_eq!(n(&c, "SELECT count(*) FROM hearings WHERE non_effective"), 0);
    assert_eq!(n(&c, "SELECT count(*) FROM fees WHERE receipt_seq IS NOT NULL"), 0);
    for t in ["fee_terms", "time_entries", "bills"] {
        assert_eq!(n(&c, &format!("SELECT count(*) FROM {t}")), 0, "{t}");
    }
}

#[test]
fn export_refuses_a_folder_with_files_and_leaves_nothing_half_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = rich_diary(&tmp.path().join("a"));
    let busy = tmp.path().join("busy");
    fs::create_dir(&busy).unwrap();
    fs::write(busy.join("keep.txt"), "mine").unwrap();
    assert_eq!(a.export(ExportFormat::Csv, &busy).unwrap_err().code(), "already_exists");
    assert_eq!(fs::read_dir(&busy).unwrap().count(), 1);
    // An empty folder is fine.
    let empty = tmp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    a.export(ExportFormat::Json, &empty).unwrap();
    let names: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("exporting")), "{names:?}");
}
