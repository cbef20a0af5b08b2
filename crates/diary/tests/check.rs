//! `Diary::check` names each kind of damage and writes nothing;
//! `Diary::repair` rebuilds what the documents hold and says what it could
//! not repair. Damage is made the way it happens: bytes changed in the real
//! encrypted file, rows lost, attachment bytes gone.

mod common;

use chrono::Duration;
use common::*;
use nextdate_diary::check::ProblemKind;

fn kinds(r: &nextdate_diary::check::CheckReport) -> Vec<ProblemKind> {
    r.problems.iter().map(|p| p.kind).collect()
}

#[test]
fn a_healthy_diary_checks_clean_and_the_check_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (_, case) = seed(&mut d, "Rajesh Sharma", "CS 1/2026", today() + Duration::days(3));
    d.attach_document(&case, "order.pdf", "application/pdf", b"%PDF-1.4 order", false)
        .unwrap();
    let before = state(&d);
    let report = d.check().unwrap();
    assert!(report.is_healthy(), "{report:?}");
    assert!(report.documents >= 3 && report.attachments == 1, "{report:?}");
    assert_eq!(state(&d), before, "a check writes nothing");
}

#[test]
fn lost_rows_are_named_and_repaired_from_the_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (_, case) = seed(&mut d, "Rajesh Sharma", "CS 2/2026", today() + Duration::days(3));
    d.conn()
        .execute("DELETE FROM hearings WHERE case_id = ?1", [&case])
        .unwrap();
    let report = d.check().unwrap();
    assert_eq!(kinds(&report), vec![ProblemKind::Projection], "{report:?}");
    assert!(report.problems[0].detail.contains("nextdate repair"), "{report:?}");
    let after = d.repair().unwrap();
    assert!(after.is_healthy(), "{after:?}");
    assert_eq!(
        d.board(today() + Duration::days(3)).unwrap().len(),
        1,
        "the hearing is back"
    );
}

#[test]
fn missing_attachment_bytes_are_named_and_not_papered_over() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (_, case) = seed(&mut d, "Rajesh Sharma", "CS 3/2026", today() + Duration::days(3));
    d.attach_document(&case, "order.pdf", "application/pdf", b"%PDF-1.4 order", false)
        .unwrap();
    d.conn().execute("DELETE FROM blobs", []).unwrap();
    let report = d.check().unwrap();
    assert_eq!(kinds(&report), vec![ProblemKind::Attachment], "{report:?}");
    assert!(report.problems[0].detail.contains("missing"), "{report:?}");
    let after = d.repair().unwrap();
    assert_eq!(
        kinds(&after),
        vec![ProblemKind::Attachment],
        "repair cannot invent the bytes"
    );
}

#[test]
fn a_byte_changed_on_disk_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    nextdate_diary::demo::generate(&mut d, 120, 3, today(), 120, |_| {}).unwrap();
    drop(d);
    let file = tmp.path().join("diary.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&file, &bytes).unwrap();
    let mut d = open(tmp.path());
    let report = d.check().unwrap();
    assert!(kinds(&report).contains(&ProblemKind::Cipher), "{report:?}");
}
