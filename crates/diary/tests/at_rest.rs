//! Encryption at rest: the real SQLCipher file and its WAL hold no plaintext,
//! and a wrong key is refused without touching any file.

mod common;

use common::*;
use nextdate_diary::keys::DbKey;
use nextdate_diary::{store, NewNote};

const SECRETS: &[&str] = &[
    "Zebediah Quartermain",
    "CRL.A. 98765/2031",
    "DLHC010098762031",
    "privileged strategy note",
    "ज़ेबेदियाह",
];

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn database_and_wal_hold_no_plaintext() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, _) = passphrase_diary(dir);
    let (_, case_id) = seed(&mut d, "Zebediah Quartermain", "CRL.A. 98765/2031", today());
    d.add_note(
        &case_id,
        NewNote {
            text: "privileged strategy note".into(),
            client_visible: false,
        },
    )
    .unwrap();
    d.add_client(nextdate_diary::NewClient {
        name: "ज़ेबेदियाह".into(),
        ..Default::default()
    })
    .unwrap();
    // The diary is still open, so recent pages sit in the WAL: check both files.
    let db = std::fs::read(dir.join(store::DB_FILE)).unwrap();
    let wal = std::fs::read(dir.join(format!("{}-wal", store::DB_FILE))).unwrap();
    assert!(wal.len() > 4096, "the test must see a WAL with pages in it");
    assert_ne!(
        &db[..16],
        b"SQLite format 3\0",
        "the database must not have a plaintext header"
    );
    for file in [&db, &wal] {
        for s in SECRETS {
            assert!(!contains(file, s), "plaintext {s:?} found on disk");
        }
    }
    // The key file holds wrapped keys only, no record data.
    let kf = std::fs::read(dir.join("nextdate-key.json")).unwrap();
    for s in SECRETS {
        assert!(!contains(&kf, s));
    }
    // And the records really are there, readable with the key.
    drop(d);
    let d = open(dir);
    assert_eq!(d.search("Quartermain", 10).unwrap()[0].id, case_id);
    let db = std::fs::read(dir.join(store::DB_FILE)).unwrap();
    for s in SECRETS {
        assert!(!contains(&db, s), "plaintext {s:?} found after checkpoint");
    }
}

#[test]
fn wrong_key_fails_cleanly_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, _) = passphrase_diary(dir);
    seed(&mut d, "Asha Rao", "W.P.(C) 11/2026", today());
    drop(d);
    let before = files(dir);
    let err = store::open(&dir.join(store::DB_FILE), &DbKey::random()).expect_err("a wrong key must not open");
    assert_eq!(err.code(), "damaged_database");
    assert_eq!(files(dir), before, "a failed open must leave every file as it was");
}

#[cfg(unix)]
#[test]
fn diary_files_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    let _ = passphrase_diary(&dir);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("diary.db")), 0o600);
    assert_eq!(mode(&dir.join("nextdate-key.json")), 0o600);
}

#[test]
fn attachments_are_stored_encrypted_and_come_back_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, _) = passphrase_diary(dir);
    let (_, case_id) = seed(&mut d, "Zebediah Quartermain", "CRL.A. 98765/2031", today());
    let content = b"%PDF-1.4 confidential vakalatnama of Zebediah Quartermain".repeat(50);
    let doc = d
        .attach_document(&case_id, "vakalatnama.pdf", "application/pdf", &content, false)
        .unwrap();
    // The same bytes attached twice are stored once (content-addressed).
    d.attach_document(&case_id, "copy.pdf", "application/pdf", &content, true)
        .unwrap();
    let blobs: i64 = d
        .conn()
        .query_row("SELECT count(*) FROM blobs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(blobs, 1);
    for f in ["diary.db", "diary.db-wal"] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(
            !contains(&bytes, "confidential vakalatnama"),
            "attachment plaintext in {f}"
        );
    }
    let nextdate_diary::queries::AttachedDocument { row, bytes: back } = d.document(&doc).unwrap();
    assert_eq!(back, content);
    assert_eq!(row.name, "vakalatnama.pdf");
    assert_eq!(row.size, content.len() as i64);
    let listed = d.case_detail(&case_id).unwrap().documents;
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|x| x.client_visible));
    // Bad attachments change nothing.
    let before = state(&d);
    assert_eq!(
        d.attach_document(&case_id, "empty.pdf", "", b"", false)
            .unwrap_err()
            .code(),
        "empty_field"
    );
    assert_eq!(
        d.attach_document(&case_id, "  ", "", b"x", false).unwrap_err().code(),
        "empty_field"
    );
    assert_eq!(
        d.attach_document("01JUNKNOWNUNKNOWNUNKNOWN00", "a.pdf", "", b"x", false)
            .unwrap_err()
            .code(),
        "unknown_id"
    );
    assert_eq!(
        d.document("01JUNKNOWNUNKNOWNUNKNOWN00").unwrap_err().code(),
        "unknown_id"
    );
    assert_eq!(state(&d), before);
}

#[test]
fn names_and_device_settings_persist() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, _) = passphrase_diary(dir);
    d.set_names("Rao & Associates", "Adv. K. Rao").unwrap();
    d.set_setting("auto_lock_minutes", "5").unwrap();
    assert_eq!(d.set_names(" ", "x").unwrap_err().code(), "empty_field");
    drop(d);
    let d = open(dir);
    assert_eq!(d.chamber().unwrap().name, "Rao & Associates");
    assert_eq!(d.advocate_name().unwrap(), "Adv. K. Rao");
    assert_eq!(d.setting("auto_lock_minutes").unwrap().as_deref(), Some("5"));
}
