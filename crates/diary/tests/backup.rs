//! Backups: an age file with no plaintext; restoring it gives the same diary;
//! wrong passphrases, damaged files and occupied folders are refused cleanly.

mod common;

use common::*;
use nextdate_diary::{Diary, InitOptions, NewNote, Protection};

const BACKUP_PASS: &str = "backup passphrase for the chamber";

fn opts() -> InitOptions {
    InitOptions {
        name: "Restored".into(),
        advocate: None,
        protection: Protection::Passphrase(pass(PASSPHRASE)),
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn backup_then_restore_gives_the_same_diary() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(&tmp.path().join("original"));
    let (_, case) = seed(&mut d, "Zebediah Quartermain", "CRL.A. 98765/2031", today());
    d.add_note(
        &case,
        NewNote {
            text: "privileged strategy note".into(),
            client_visible: false,
        },
    )
    .unwrap();
    d.attach_document(
        &case,
        "plaint.pdf",
        "application/pdf",
        b"confidential plaint text".repeat(20).as_slice(),
        true,
    )
    .unwrap();
    nextdate_diary::demo::generate(&mut d, 30, 5, today(), 30, |_| {}).unwrap();
    d.set_setting("auto_lock_minutes", "7").unwrap();

    let file = tmp.path().join("diary.age");
    let summary = d.backup(&file, BACKUP_PASS).unwrap();
    assert_eq!(summary.blobs, 1);
    assert!(summary.docs >= 32);
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    for s in ["Zebediah", "98765", "privileged strategy", "confidential plaint"] {
        assert!(!contains(&bytes, s), "{s} in the backup file");
    }
    assert_eq!(d.backup(&file, BACKUP_PASS).unwrap_err().code(), "already_exists");

    let target = tmp.path().join("restored");
    let nextdate_diary::backup::Restored {
        diary: r,
        recovery_key: recovery,
        summary: restored,
        replaced_dir,
        ..
    } = Diary::restore(&file, BACKUP_PASS, &target, opts(), false).unwrap();
    assert_eq!(replaced_dir, None, "nothing was replaced");
    assert!(recovery.starts_with("ND1-"));
    assert_eq!((restored.docs, restored.blobs), (summary.docs, summary.blobs));
    // Every case and client document, and every query answer, is the same.
    let cases = d.cases(&Default::default()).unwrap();
    assert_eq!(r.cases(&Default::default()).unwrap(), cases);
    for c in &cases {
        assert_eq!(r.case_doc(&c.id).unwrap(), d.case_doc(&c.id).unwrap());
        assert_eq!(r.case_detail(&c.id).unwrap(), d.case_detail(&c.id).unwrap());
        assert_eq!(r.history(&c.id).unwrap(), d.history(&c.id).unwrap());
    }
    assert_eq!(r.clients().unwrap(), d.clients().unwrap());
    for i in -60..60 {
        let day = today() + chrono::Duration::days(i);
        assert_eq!(r.board(day).unwrap(), d.board(day).unwrap());
    }
    assert_eq!(
        r.document(&d.case_detail(&case).unwrap().documents[0].id)
            .unwrap()
            .bytes,
        b"confidential plaint text".repeat(20)
    );
    assert_eq!(r.setting("auto_lock_minutes").unwrap().as_deref(), Some("7"));
    assert_eq!(r.chamber().unwrap().name, d.chamber().unwrap().name);
    // The restored device has its own actor, registered as the same member.
    assert_eq!(
        r.chamber().unwrap().devices.len(),
        d.chamber().unwrap().devices.len() + 1
    );
    drop(r);
    // It opens with its own passphrase afterwards.
    assert!(Diary::open(&target, &nextdate_diary::Unlock::Passphrase(pass(PASSPHRASE))).is_ok());
}

#[test]
fn wrong_passphrase_damage_and_occupied_folders_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(&tmp.path().join("original"));
    seed(&mut d, "Asha Rao", "W.P.(C) 11/2026", today());
    let file = tmp.path().join("diary.age");
    d.backup(&file, BACKUP_PASS).unwrap();
    assert_eq!(
        d.backup(&tmp.path().join("x.age"), "short").unwrap_err().code(),
        "weak_passphrase"
    );

    let target = tmp.path().join("restored");
    let err = Diary::restore(&file, "not the backup passphrase", &target, opts(), false)
        .err()
        .unwrap();
    assert_eq!(err.code(), "wrong_passphrase");
    assert!(!target.exists(), "a failed restore must leave nothing behind");

    // A truncated backup.
    let bytes = std::fs::read(&file).unwrap();
    let cut = tmp.path().join("cut.age");
    std::fs::write(&cut, &bytes[..bytes.len() - 40]).unwrap();
    let err = Diary::restore(&cut, BACKUP_PASS, &target, opts(), false).err().unwrap();
    assert_eq!(err.code(), "bad_backup", "{err}");
    assert!(!target.exists());
    // Something that is not a backup at all.
    let junk = tmp.path().join("junk.age");
    std::fs::write(&junk, b"hello, this is not an age file").unwrap();
    assert_eq!(
        Diary::restore(&junk, BACKUP_PASS, &target, opts(), false)
            .err()
            .unwrap()
            .code(),
        "bad_backup"
    );

    // An existing diary is not overwritten unless asked, and then it is kept aside.
    let original = tmp.path().join("original");
    drop(d);
    let before = files(&original);
    let err = Diary::restore(&file, BACKUP_PASS, &original, opts(), false)
        .err()
        .unwrap();
    assert_eq!(err.code(), "already_exists");
    assert_eq!(files(&original), before);
    let restored = Diary::restore(&file, BACKUP_PASS, &original, opts(), true).unwrap();
    let r = &restored.diary;
    assert_eq!(r.cases(&Default::default()).unwrap().len(), 1);
    let aside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("original.replaced-"))
        .collect();
    assert_eq!(aside.len(), 1, "the replaced diary must be kept aside");
    assert_eq!(
        restored.replaced_dir.as_deref(),
        Some(tmp.path().join(&aside[0]).as_path())
    );
    assert_eq!(
        restored.replaced_message().unwrap(),
        format!(
            "The diary that was here was moved to {}.",
            tmp.path().join(&aside[0]).display()
        )
    );
    assert_eq!(files(&tmp.path().join(&aside[0])), before);
}
