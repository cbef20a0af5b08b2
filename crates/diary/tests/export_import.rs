//! Export and import between real encrypted diaries: a CSV export imported into
//! a fresh diary gives the same records; JSON holds everything; attachments
//! come out byte for byte; bad CSV rows are all named and change nothing.

mod common;

use std::fs;
use std::path::Path;

use common::{passphrase_diary, state, today};
use nextdate_diary::export::ExportFormat;
use nextdate_diary::import::{ImportMode, ImportReport};
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
    ];
    nextdate_diary::projection::dump(d.conn())
        .unwrap()
        .into_iter()
        .filter(|l| keep.iter().any(|k| l.starts_with(k)))
        .collect()
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
            client_ids: vec![client],
            next_date: Some(today() + chrono::Duration::days(3)),
            item: Some(14),
            ..Default::default()
        })
        .unwrap();
    d.add_fee(
        &case,
        NewFee {
            kind: FeeKind::Agreed,
            amount_minor: 1_500_000,
            currency: None,
            date: today(),
            mode: None,
            remark: Some("Appeal, all stages".into()),
        },
    )
    .unwrap();
    d.add_fee(
        &case,
        NewFee {
            kind: FeeKind::Received,
            amount_minor: 500_050,
            currency: None,
            date: today(),
            mode: Some("UPI".into()),
            remark: None,
        },
    )
    .unwrap();
    // A voided entry and a stayed case travel with their reasons.
    let twice = d
        .add_fee(
            &case,
            NewFee {
                kind: FeeKind::Received,
                amount_minor: 500_050,
                currency: None,
                date: today(),
                mode: Some("neft".into()),
                remark: None,
            },
        )
        .unwrap();
    d.void_fee(&case, &twice, "entered twice").unwrap();
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
    d.attach_document(
        &case,
        "../vakalatnama.pdf",
        "application/pdf",
        b"%PDF-1.4 privileged",
        false,
    )
    .unwrap();
    d.attach_document(
        &case,
        "../vakalatnama.pdf",
        "application/pdf",
        b"%PDF-1.4 second copy",
        false,
    )
    .unwrap();
    (d, case)
}

#[test]
fn csv_export_imported_into_a_fresh_diary_gives_the_same_records() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _) = rich_diary(&tmp.path().join("a"));
    let out = tmp.path().join("export-csv");
    let s = a.export(ExportFormat::Csv, &out).unwrap();
    assert!(
        s.cases == 41 && s.clients > 1 && s.hearings > 41 && s.fees > 2 && s.documents == 2,
        "{s:?}"
    );
    for f in [
        "clients.csv",
        "cases.csv",
        "parties.csv",
        "hearings.csv",
        "tasks.csv",
        "notes.csv",
        "fees.csv",
        "documents.csv",
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
    assert!(
        records(&b).iter().all(|l| !l.starts_with("cases:")),
        "a dry run wrote nothing"
    );
    let done = b.import_csv(&[out], ImportMode::Apply).unwrap();
    assert!(done.applied && done.errors.is_empty(), "{:?}", done.errors);
    assert_eq!(records(&a), records(&b));
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

fn write(dir: &Path, name: &str, text: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(name), text).unwrap();
}

fn lines(r: &ImportReport) -> Vec<String> {
    r.errors.iter().map(|e| e.to_string()).collect()
}

#[test]
fn a_csv_with_bad_rows_is_refused_whole_with_every_bad_line_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(&tmp.path().join("d"));
    common::seed(
        &mut d,
        "Existing Client",
        "O.S. 1/2020",
        today() + chrono::Duration::days(5),
    );
    let before = state(&d);
    let src = tmp.path().join("src");
    write(
        &src,
        "cases.csv",
        "\
Case No.,Title,Court,Next Date,Client,Stage
W.P.(C) 1/2026,Good one,Delhi High Court,05/01/2027,New Client,Admission
,Missing number,Delhi High Court,06-01-2027,,
W.P.(C) 3/2026,\"A title with a
line break\",Delhi High Court,31-02-2027,,
W.P.(C) 1/2026,Duplicate of line 2,Delhi High Court,,,
O.S. 1/2020,Already in the diary,Delhi High Court,,,
W.P.(C) 6/2026,Fine too,Delhi High Court,7 Jan 2027,Existing Client,
",
    );
    write(
        &src,
        "fees.csv",
        "\
case_number,kind,amount,date,mode
W.P.(C) 1/2026,received,-500,2026-11-01,
W.P.(C) 99/2026,received,500,2026-11-01,
W.P.(C) 6/2026,bribe,500,2026-11-01,
W.P.(C) 6/2026,agreed,\"25,000\",01-11-2026,
W.P.(C) 6/2026,received,500,02-11-2026,barter
W.P.(C) 6/2026,received,500,02-11-2026,NEFT
",
    );
    let report = d.import_csv(std::slice::from_ref(&src), ImportMode::Apply).unwrap();
    assert!(!report.applied);
    let got = lines(&report);
    let want = [
        "cases.csv:3: number: is required",
        "cases.csv:4: next_date: \"31-02-2027\" is not a date (use DD-MM-YYYY or YYYY-MM-DD)",
        "cases.csv:6: number: case W.P.(C) 1/2026 in Delhi High Court is also on cases.csv:2",
        "cases.csv:7: number: case O.S. 1/2020 in Delhi High Court is already in the diary",
        "fees.csv:2: amount:",
        "fees.csv:3: case_number: no case W.P.(C) 99/2026 in this import",
        "fees.csv:4: kind: \"bribe\" is not agreed, received or expense",
        "fees.csv:6: mode: unknown payment mode \"barter\": use cash, UPI, cheque, bank transfer or card",
    ];
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(want) {
        assert!(g.starts_with(w), "{g:?} should start with {w:?}\nall: {got:#?}");
    }
    assert_eq!(before, state(&d), "an import with errors changes nothing");
    let dry = d.import_csv(&[src], ImportMode::DryRun).unwrap();
    assert_eq!(lines(&dry), got);
    assert_eq!(before, state(&d));
}

#[test]
fn other_tools_column_shapes_and_date_formats_import() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(&tmp.path().join("d"));
    let src = tmp.path().join("src");
    write(&src, "Cause List Export.csv", "\
\u{feff}Sr No,CNR No.,Case Number,Petitioner,Respondent,Court Name,Court No./Hall,NDOH,Last Date,Purpose,Client Name
1,dlhc010001232024,CRL.A. 55/2025,Ramesh Kumar,State,Delhi High Court,Court No. 4,12-Jan-2027,05.11.2026,Arguments,रमेश कुमार
2,,CS(OS) 8/2025,Anil; Sunil,Vinod,Saket District Courts,Court of ADJ-03,2027-01-13,,Evidence,रमेश कुमार
");
    let r = d
        .import_csv(&[src.join("Cause List Export.csv")], ImportMode::Apply)
        .unwrap();
    assert!(r.applied && r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((r.cases, r.hearings), (2, 3));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let board = d.board(chrono::NaiveDate::from_ymd_opt(2027, 1, 12).unwrap()).unwrap();
    let e = &board.courts[0].hearings[0];
    assert_eq!(
        (e.number.as_str(), e.bench.as_deref(), e.purpose.as_deref()),
        ("CRL.A. 55/2025", Some("Court No. 4"), Some("Arguments"))
    );
    assert_eq!(e.previous_date.as_deref(), Some("2026-11-05"));
    assert_eq!(e.clients.as_deref(), Some("रमेश कुमार"));
    let detail = d.case_detail(&e.case_id).unwrap();
    assert_eq!(detail.summary.cnr.as_deref(), Some("DLHC010001232024"));
    assert_eq!(detail.summary.title, "Ramesh Kumar v. State");
    // One client created for the name used twice.
    assert_eq!(d.clients().unwrap().len(), 1);
}
