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

#[test]
fn a_write_ahead_log_cut_short_is_named_and_what_it_held_before_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live");
    let (mut d, _) = passphrase_diary(&live);
    let (_, early) = seed(&mut d, "Rajesh Sharma", "CS 4/2026", today() + Duration::days(3));
    d.conn()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    // Written after the checkpoint: these live only in the log.
    let (_, late) = seed(&mut d, "Sunita Devi", "CS 5/2026", today() + Duration::days(4));
    // The files as a crash, or a copy cut short, would leave them (the diary still open).
    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for name in ["diary.db", "diary.db-wal", "nextdate-key.json"] {
        std::fs::copy(live.join(name), copy.join(name)).unwrap();
    }
    drop(d);
    let wal = copy.join("diary.db-wal");
    let len = std::fs::metadata(&wal).unwrap().len();
    assert!(len > 32 + 4120 * 2, "the later writes are in the log ({len} bytes)");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&wal)
        .unwrap()
        .set_len(len - 1000)
        .unwrap();

    let mut d = open(&copy);
    let quick = d.quick_check().unwrap();
    assert_eq!(kinds(&quick), vec![ProblemKind::Log], "{quick:?}");
    assert!(quick.problems[0].detail.contains("cut short"), "{quick:?}");
    let report = d.check().unwrap();
    assert!(kinds(&report).contains(&ProblemKind::Log), "{report:?}");
    assert!(
        !kinds(&report).contains(&ProblemKind::Cipher),
        "the pages that remain verify: {report:?}"
    );
    // What was checkpointed before is intact; the cut-off write is gone, not half there.
    assert_eq!(d.case_doc(&early).unwrap().number, "CS 4/2026");
    assert_eq!(
        d.case_doc(&late).unwrap_err().code(),
        "unknown_id",
        "the transaction whose end was cut off is gone whole"
    );
    assert!(
        !kinds(&report).contains(&ProblemKind::Projection),
        "lists agree with the records: {report:?}"
    );
    // And the diary takes new writes after it.
    seed(&mut d, "After The Cut", "CS 7/2026", today() + Duration::days(5));
}

#[test]
fn what_cannot_be_repaired_points_to_the_latest_automatic_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(&tmp.path().join("diary"));
    let usb = tmp.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let (_, case) = seed(&mut d, "Rajesh Sharma", "CS 6/2026", today() + Duration::days(3));
    d.attach_document(&case, "order.pdf", "application/pdf", b"%PDF-1.4 order", false)
        .unwrap();
    assert!(d.check().unwrap().latest_backup.is_none(), "healthy: no backup to name");
    d.set_backup_folder(&usb).unwrap();
    let made = d
        .auto_backup(
            chrono::Local::now().naive_local(),
            nextdate_diary::auto_backup::When::Always,
        )
        .unwrap()
        .written
        .unwrap();
    d.conn().execute("DELETE FROM blobs", []).unwrap();
    let after = d.repair().unwrap();
    assert_eq!(kinds(&after), vec![ProblemKind::Attachment]);
    assert_eq!(after.latest_backup.as_deref(), Some(made.as_str()));
}

#[test]
fn a_session_that_did_not_end_properly_is_noticed_at_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();
    let (d, _) = passphrase_diary(tmp.path());
    assert!(!d.begin_session().unwrap(), "a first start");
    d.end_session();
    assert!(!d.begin_session().unwrap(), "after a proper close");
    drop(d); // no end_session: as a crash would leave it
    let d = open(tmp.path());
    assert!(d.begin_session().unwrap(), "the last session did not end properly");
    assert!(d.quick_check().unwrap().is_healthy());
}
