//! Opening a diary: passphrase, recovery key, and every way it can fail. Each
//! failure has its own error and leaves every file exactly as it was.

mod common;

use common::*;
use nextdate_diary::keys::KeyFile;
use nextdate_diary::{Diary, InitOptions, Protection, Unlock};

fn open_err(dir: &std::path::Path, how: Unlock) -> String {
    let before = files(dir);
    let code = Diary::open(dir, &how).err().expect("must fail").code().to_string();
    assert_eq!(files(dir), before, "a failed open ({code}) changed files");
    code
}

#[test]
fn passphrase_and_recovery_key_unlock_and_wrong_ones_do_not() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, recovery) = passphrase_diary(dir);
    let (_, case_id) = seed(&mut d, "Meera Iyer", "CS(OS) 5/2026", today());
    drop(d);
    assert_eq!(
        open_err(dir, Unlock::Passphrase(pass("not the passphrase"))),
        "wrong_passphrase"
    );
    assert_eq!(open_err(dir, Unlock::Keyring), "passphrase_required");
    let other = "ND1-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA";
    assert_eq!(open_err(dir, Unlock::RecoveryKey(pass(other))), "wrong_recovery_key");
    assert_eq!(
        open_err(dir, Unlock::RecoveryKey(pass("ND1-1234"))),
        "malformed_recovery_key"
    );
    let d = Diary::open(dir, &Unlock::RecoveryKey(recovery.clone())).unwrap();
    assert_eq!(d.case_detail(&case_id).unwrap().summary.number, "CS(OS) 5/2026");
    drop(d);
    let d = open(dir);
    assert_eq!(d.case_detail(&case_id).unwrap().summary.title, "Meera Iyer v. State");
}

#[test]
fn changing_the_passphrase_keeps_the_data_and_retires_the_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, recovery) = passphrase_diary(dir);
    let (_, case_id) = seed(&mut d, "Kavita Das", "RFA 77/2025", today());
    d.reprotect(
        &Unlock::Passphrase(pass("wrong wrong wrong")),
        Protection::Passphrase(pass("a new passphrase")),
    )
    .err()
    .map(|e| assert_eq!(e.code(), "wrong_passphrase"))
    .expect("reprotect must check the current passphrase");
    d.reprotect(
        &Unlock::Passphrase(pass(PASSPHRASE)),
        Protection::Passphrase(pass("a new passphrase")),
    )
    .unwrap();
    drop(d);
    assert_eq!(open_err(dir, Unlock::Passphrase(pass(PASSPHRASE))), "wrong_passphrase");
    let d = Diary::open(dir, &Unlock::Passphrase(pass("a new passphrase"))).unwrap();
    assert!(d.case_detail(&case_id).is_ok());
    drop(d);
    // The recovery key still works after the change.
    assert!(Diary::open(dir, &Unlock::RecoveryKey(recovery)).is_ok());
}

#[test]
fn missing_foreign_and_damaged_diaries_have_distinct_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();

    // No diary at all.
    let empty = root.join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(open_err(&empty, Unlock::Passphrase(pass(PASSPHRASE))), "no_diary");

    // A plaintext SQLite file where the diary should be.
    let plain = root.join("plain");
    std::fs::create_dir(&plain).unwrap();
    rusqlite::Connection::open(plain.join("diary.db"))
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    assert_eq!(open_err(&plain, Unlock::Passphrase(pass(PASSPHRASE))), "not_a_diary");

    // A real diary whose database was overwritten in the middle.
    let damaged = root.join("damaged");
    let (mut d, _) = passphrase_diary(&damaged);
    seed(&mut d, "Rohan Bose", "O.S. 1/2026", today());
    drop(d);
    let db = damaged.join("diary.db");
    let mut bytes = std::fs::read(&db).unwrap();
    for b in bytes.iter_mut().take(4096).skip(100) {
        *b ^= 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    assert_eq!(
        open_err(&damaged, Unlock::Passphrase(pass(PASSPHRASE))),
        "damaged_database"
    );

    // A garbled key file.
    let badkey = root.join("badkey");
    let _ = passphrase_diary(&badkey);
    std::fs::write(badkey.join("nextdate-key.json"), b"{ this is not json").unwrap();
    assert_eq!(
        open_err(&badkey, Unlock::Passphrase(pass(PASSPHRASE))),
        "damaged_key_file"
    );

    // A key file whose database is gone.
    let nodb = root.join("nodb");
    let _ = passphrase_diary(&nodb);
    std::fs::remove_file(nodb.join("diary.db")).unwrap();
    assert_eq!(
        open_err(&nodb, Unlock::Passphrase(pass(PASSPHRASE))),
        "missing_database"
    );

    // Another diary's database next to this diary's key file.
    let a = root.join("a");
    let b = root.join("b");
    let _ = passphrase_diary(&a);
    let _ = passphrase_diary(&b);
    std::fs::copy(b.join("diary.db"), a.join("diary.db")).unwrap();
    assert_eq!(open_err(&a, Unlock::Passphrase(pass(PASSPHRASE))), "damaged_database");
}

#[test]
fn a_database_from_a_newer_nextdate_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let _ = passphrase_diary(dir);
    let key = KeyFile::read(dir)
        .unwrap()
        .unlock(&Unlock::Passphrase(pass(PASSPHRASE)))
        .unwrap();
    let conn = rusqlite::Connection::open(dir.join("diary.db")).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = {}; PRAGMA user_version = 99;",
        key.sqlcipher_literal().as_str()
    ))
    .unwrap();
    drop(conn);
    assert_eq!(open_err(dir, Unlock::Passphrase(pass(PASSPHRASE))), "newer_schema");
}

#[test]
fn init_refuses_an_existing_diary_and_weak_passphrases() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, _) = passphrase_diary(dir);
    seed(&mut d, "Neha Joshi", "HMA 3/2026", today());
    drop(d);
    let before = files(dir);
    let again = Diary::init(
        dir,
        InitOptions {
            name: "Other".into(),
            advocate: None,
            protection: Protection::Passphrase(pass("another passphrase")),
        },
    );
    assert_eq!(again.err().unwrap().code(), "already_exists");
    assert_eq!(files(dir), before);

    let fresh = tmp.path().join("fresh");
    let weak = Diary::init(
        &fresh,
        InitOptions {
            name: "X".into(),
            advocate: None,
            protection: Protection::Passphrase(pass("short")),
        },
    );
    assert_eq!(weak.err().unwrap().code(), "weak_passphrase");
    assert!(!fresh.join("diary.db").exists());
}

#[test]
fn delete_everything_needs_the_diary_name_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    let (mut d, recovery) = passphrase_diary(&dir);
    let (_, case) = seed(&mut d, "Deepak Mehta", "C.C. 5/2026", today());
    // A wrong confirmation deletes nothing.
    let err = d.delete_everything("not the name").err().unwrap();
    assert_eq!(err.code(), "confirmation_mismatch");
    assert!(err.to_string().contains("Test Chambers"));
    let d = open(&dir);
    assert!(d.case_detail(&case).is_ok(), "a refused delete must keep the diary");
    // The right one deletes the key material first, then the database.
    let gone = d.delete_everything("Test Chambers").unwrap();
    assert_eq!(gone, dir);
    assert!(!dir.exists(), "the diary folder should be gone");
    assert_eq!(
        Diary::open(&dir, &Unlock::RecoveryKey(recovery)).err().unwrap().code(),
        "no_diary"
    );
}
