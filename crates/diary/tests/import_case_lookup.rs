//! How an imported row finds its case (the import looks cases up by id and by
//! number instead of scanning every case for every row): by `case_id` as a
//! Nextdate export gives it, by number however it is spaced or cased, by
//! number and court where two courts share a number; bills by `owner_id`.
//! Rows that find no case, or more than one, are named.

mod common;

use std::fs;
use std::path::Path;

use common::passphrase_diary;
use nextdate_diary::import::ImportMode;
use nextdate_diary::Diary;

const CASES: &str = "\
id,number,title,court
CASE-A,W.P.(C) 5/2026,A in Delhi,Delhi High Court
CASE-B,W.P.(C) 5/2026,B in Saket,Saket District Court
CASE-C,Crl.M.C. 7/2026,C,Delhi High Court
";

fn write(dir: &Path, files: &[(&str, &str)]) {
    fs::create_dir_all(dir).unwrap();
    for (name, text) in files {
        fs::write(dir.join(name), text).unwrap();
    }
}

/// (case title, what) for each row of `sql` (`title`, a column).
fn by_case(d: &Diary, sql: &str) -> Vec<(String, String)> {
    let mut stmt = d.conn().prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

#[test]
fn rows_find_their_case_by_id_by_number_and_by_number_and_court() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    write(
        &src,
        &[
            ("cases.csv", CASES),
            (
                "hearings.csv",
                "case_id,date,purpose\nCASE-B,2026-11-02,Saket's hearing\nCASE-A,2026-11-03,Delhi's hearing\n",
            ),
            (
                "fees.csv",
                "case_number,court,kind,amount,date\nW.P.(C) 5/2026,Saket District Court,agreed,100,2026-11-01\n",
            ),
            ("notes.csv", "case_number,text\n  crl.m.c.   7/2026 ,Found though spelt otherwise\n"),
            (
                "bills.csv",
                "scope,owner_id,number,from,to,issued_on,due\ncase,CASE-C,A-1/2026-27,2026-11-01,2026-11-30,2026-11-30,500\n",
            ),
        ],
    );
    let (mut d, _) = passphrase_diary(&tmp.path().join("d"));
    let r = d.import_csv(&[src], ImportMode::Apply).unwrap();
    assert!(r.applied && r.errors.is_empty(), "{:?}", r.errors);
    let hearings = by_case(
        &d,
        "SELECT c.title, h.purpose FROM hearings h JOIN cases c ON c.id = h.case_id WHERE h.purpose IS NOT NULL ORDER BY h.date",
    );
    assert_eq!(
        hearings,
        [
            ("B in Saket".to_string(), "Saket's hearing".to_string()),
            ("A in Delhi".to_string(), "Delhi's hearing".to_string())
        ]
    );
    let fees = by_case(
        &d,
        "SELECT c.title, f.kind FROM fees f JOIN cases c ON c.id = f.case_id",
    );
    assert_eq!(fees, [("B in Saket".to_string(), "agreed".to_string())]);
    let notes = by_case(
        &d,
        "SELECT c.title, n.text FROM notes n JOIN cases c ON c.id = n.case_id",
    );
    assert_eq!(notes, [("C".to_string(), "Found though spelt otherwise".to_string())]);
    let bills = by_case(
        &d,
        "SELECT c.title, b.scope FROM bills b JOIN cases c ON c.id = b.owner_id",
    );
    assert_eq!(bills, [("C".to_string(), "case".to_string())]);
}

#[test]
fn rows_that_find_no_case_or_two_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    write(
        &src,
        &[
            ("cases.csv", CASES),
            ("hearings.csv", "case_id,date\nCASE-Z,2026-11-02\nCASE-A,2026-11-03\n"),
            ("notes.csv", "case_number,text\nW.P.(C) 5/2026,Which court?\nW.P.(C) 6/2026,No such case\n"),
            (
                "fees.csv",
                "case_number,court,kind,amount,date\nW.P.(C) 5/2026,Tis Hazari,agreed,100,2026-11-01\n",
            ),
            (
                "bills.csv",
                "scope,owner_id,number,from,to,issued_on,due\ncase,CASE-Y,A-1/2026-27,2026-11-01,2026-11-30,2026-11-30,500\n",
            ),
        ],
    );
    let (mut d, _) = passphrase_diary(&tmp.path().join("d"));
    let r = d.import_csv(&[src], ImportMode::Apply).unwrap();
    assert!(!r.applied);
    let got: Vec<String> = r.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        got,
        [
            "bills.csv:2: owner_id: no case with id CASE-Y in this import",
            "fees.csv:2: case_number: no case W.P.(C) 5/2026 in this import",
            "hearings.csv:2: case_id: no case with id CASE-Z in this import",
            "notes.csv:2: case_number: case W.P.(C) 5/2026 is in more than one court here; add a court column",
            "notes.csv:3: case_number: no case W.P.(C) 6/2026 in this import",
        ]
    );
}
