//! The default key path against a real Secret Service keyring. Run under
//! `dbus-run-session` with `gnome-keyring-daemon --unlock` (the README's test
//! command does this); without a keyring these tests fail rather than skip.

mod common;

use common::*;
use nextdate_diary::keys::{keyring_delete, KeyFile};
use nextdate_diary::{Diary, InitOptions, KeyMode, Protection, Unlock};

fn keyring_diary(dir: &std::path::Path) -> (Diary, nextdate_diary::Zeroizing<String>) {
    Diary::init(
        dir,
        InitOptions {
            name: "Keyring Chambers".into(),
            advocate: None,
            protection: Protection::Keyring,
        },
    )
    .map(|n| (n.diary, n.recovery_key))
    .expect("init with the OS keyring (is a Secret Service running?)")
}

#[test]
fn keyring_diary_reopens_from_the_keyring() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, _) = keyring_diary(dir);
    let (_, case_id) = seed(&mut d, "Imran Khan", "BAIL APPLN. 4411/2026", today());
    drop(d);
    assert_eq!(Diary::key_mode(dir).unwrap(), KeyMode::Keyring);
    // The key file holds no usable key for the keyring path: only the recovery wrap.
    let kf = std::fs::read_to_string(dir.join("nextdate-key.json")).unwrap();
    assert!(!kf.contains("\"passphrase\""));
    let d = Diary::open(dir, &Unlock::Keyring).unwrap();
    assert_eq!(d.case_detail(&case_id).unwrap().summary.number, "BAIL APPLN. 4411/2026");
    drop(d);
    keyring_delete(&KeyFile::read(dir).unwrap().diary_id).unwrap();
}

#[test]
fn missing_keyring_entry_is_a_clear_error_and_the_recovery_key_still_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, recovery) = keyring_diary(dir);
    let (_, case_id) = seed(&mut d, "Farah Naqvi", "W.P.(C) 901/2026", today());
    drop(d);
    let diary_id = KeyFile::read(dir).unwrap().diary_id;
    keyring_delete(&diary_id).unwrap();
    let before = files(dir);
    let err = Diary::open(dir, &Unlock::Keyring).err().expect("no keyring entry");
    assert_eq!(err.code(), "keyring_entry_missing");
    assert_eq!(files(dir), before);
    let d = Diary::open(dir, &Unlock::RecoveryKey(recovery)).unwrap();
    assert!(d.case_detail(&case_id).is_ok());
}

#[test]
fn switching_between_keyring_and_passphrase() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (mut d, _) = keyring_diary(dir);
    let (_, case_id) = seed(&mut d, "Joseph Mathew", "FAO 12/2026", today());
    d.reprotect(&Unlock::Keyring, Protection::Passphrase(pass(PASSPHRASE)))
        .unwrap();
    drop(d);
    assert_eq!(Diary::key_mode(dir).unwrap(), KeyMode::Passphrase);
    // Leaving keyring mode removed the keyring entry.
    assert_eq!(
        Diary::open(dir, &Unlock::Keyring).err().unwrap().code(),
        "passphrase_required"
    );
    let d = open(dir);
    d.reprotect(&Unlock::Passphrase(pass(PASSPHRASE)), Protection::Keyring)
        .unwrap();
    drop(d);
    let d = Diary::open(dir, &Unlock::Keyring).unwrap();
    assert!(d.case_detail(&case_id).is_ok());
    keyring_delete(&KeyFile::read(dir).unwrap().diary_id).unwrap();
}

#[test]
fn delete_everything_removes_the_keyring_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    let (d, _) = keyring_diary(&dir);
    let diary_id = KeyFile::read(&dir).unwrap().diary_id;
    d.delete_everything("Keyring Chambers").unwrap();
    assert!(!dir.exists());
    // The key is gone from the keyring too: deleting it again finds nothing to delete.
    let entry = keyring::Entry::new("nextdate", &format!("diary-{diary_id}")).unwrap();
    assert!(matches!(entry.get_password(), Err(keyring::Error::NoEntry)));
}
