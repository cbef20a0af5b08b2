//! CSV import refusing bad rows (the whole import, every bad line named by
//! file:line, nothing written) and reading the column shapes and date
//! formats other tools export.

mod common;

use std::fs;
use std::path::Path;

use common::{passphrase_diary, state, today};
use nextdate_diary::import::{ImportMode, ImportReport};

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
case_number,kind,amount,date,mode,receipt_number
W.P.(C) 1/2026,received,-500,2026-11-01,
W.P.(C) 99/2026,received,500,2026-11-01,
W.P.(C) 6/2026,bribe,500,2026-11-01,
W.P.(C) 6/2026,agreed,\"25,000\",01-11-2026,
W.P.(C) 6/2026,received,500,02-11-2026,barter
W.P.(C) 6/2026,received,500,02-11-2026,NEFT
W.P.(C) 6/2026,received,500,03-11-2026,cash,A7/2026
W.P.(C) 6/2026,received,700,03-11-2026,cash,A-1/2026-27
W.P.(C) 6/2026,received,800,04-11-2026,cash,a-1/2026-27
W.P.(C) 6/2026,agreed,800,04-11-2026,,A-5/2026-27
",
    );
    write(
        &src,
        "fee_terms.csv",
        "\
case_number,per_appearance,non_effective,hourly,currency
W.P.(C) 6/2026,\"5,000\",0,abc,
W.P.(C) 1/2026,,,,
W.P.(C) 6/2026,\"5,000\",,,USD
",
    );
    write(
        &src,
        "time_entries.csv",
        "\
case_number,date,minutes,note,member
W.P.(C) 6/2026,2026-11-01,-30,Drafting,
W.P.(C) 77/2026,2026-11-01,30,Conference,
W.P.(C) 6/2026,2026-11-02,1h30m,Fine,
W.P.(C) 6/2026,2026-11-02,45,Clerk's time,Ravi
",
    );
    write(
        &src,
        "bills.csv",
        "\
scope,case_number,number,from,to,issued_on,due
case,W.P.(C) 6/2026,A-1/2026-27,2026-11-01,2026-11-30,2026-11-30,500
case,W.P.(C) 6/2026,A-2/2026-27,2026-11-15,2026-12-15,2026-12-15,500
client,,A-3/2026-27,2026-11-01,2026-11-30,2026-11-30,500
",
    );
    let report = d.import_csv(std::slice::from_ref(&src), ImportMode::Apply).unwrap();
    assert!(!report.applied);
    let got = lines(&report);
    let want = [
        "bills.csv:3: from: the period overlaps bill A-1/2026-27 on bills.csv:2",
        "bills.csv:4: owner_id: give the client's id",
        "cases.csv:3: number: is required",
        "cases.csv:4: next_date: \"31-02-2027\" is not a date (use DD-MM-YYYY or YYYY-MM-DD)",
        "cases.csv:6: number: case W.P.(C) 1/2026 in Delhi High Court is also on cases.csv:2",
        "cases.csv:7: number: case O.S. 1/2020 in Delhi High Court is already in the diary",
        "fee_terms.csv:2: hourly: invalid amount \"abc\"",
        "fee_terms.csv:3: gives no rate",
        "fee_terms.csv:4: currency: case W.P.(C) 6/2026 keeps its fees in INR; terms in USD would not add up",
        "fees.csv:2: amount:",
        "fees.csv:3: case_number: no case W.P.(C) 99/2026 in this import",
        "fees.csv:4: kind: \"bribe\" is not agreed, received or expense",
        "fees.csv:6: mode: unknown payment mode \"barter\": use cash, UPI, cheque, bank transfer or card",
        "fees.csv:8: receipt_number: \"A7/2026\" is not a receipt number like A-7/2026-27",
        "fees.csv:10: receipt_number: receipt A-1/2026-27 is also on fees.csv:9",
        "fees.csv:11: receipt_number: only a payment received has a receipt; this is an agreed fee",
        "time_entries.csv:2: minutes: invalid duration \"-30\"",
        "time_entries.csv:3: case_number: no case W.P.(C) 77/2026 in this import",
        "time_entries.csv:5: member: no member named \"Ravi\" in this chamber",
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
    // A fee schedule and a timesheet: hours, the advocate by name, yes/no.
    write(
        &src,
        "Fee Terms.csv",
        "Case No.,Per Hearing,Non-effective Fee,Hourly Rate\nCS(OS) 8/2025,\"5,000\",0,\"3,000.50\"\n",
    );
    write(
        &src,
        "Timesheet.csv",
        "\
Case No.,Date,Hours,Description,Advocate,Billable
CS(OS) 8/2025,05/01/2027,1.5,Drafting plaint,adv. test,yes
CS(OS) 8/2025,06/01/2027,0.25,Call with client,,no
",
    );
    let files = ["Cause List Export.csv", "Fee Terms.csv", "Timesheet.csv"].map(|f| src.join(f));
    let r = d.import_csv(&files, ImportMode::Apply).unwrap();
    assert!(r.applied && r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((r.cases, r.hearings, r.fee_terms, r.time_entries), (2, 3, 1, 2));
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
    let case: String = d
        .conn()
        .query_row("SELECT id FROM cases WHERE number = 'CS(OS) 8/2025'", [], |r| r.get(0))
        .unwrap();
    let t = d.fee_terms(&case).unwrap().unwrap();
    let rates = (
        t.fixed_minor,
        t.per_appearance_minor,
        t.non_effective_minor,
        t.hourly_minor,
    );
    assert_eq!(
        (rates, t.currency.as_str()),
        ((None, Some(500_000), Some(0), Some(300_050)), "INR")
    );
    let time: Vec<_> = d.time_entries(Some(&case)).unwrap();
    let time: Vec<_> = time
        .iter()
        .map(|t| (t.date.as_str(), t.minutes, t.member.as_str(), t.billable))
        .collect();
    assert_eq!(
        time,
        [
            ("2027-01-05", 90, "Adv. Test", true),
            ("2027-01-06", 15, "Adv. Test", false)
        ]
    );
}
