//! Automatic backups on an injected clock: a year of the schedule leaves
//! exactly the retention set (7 daily, 4 weekly, 12 monthly); the folder holds
//! no plaintext; a backup restores with the identity from the recovery sheet
//! (and opens with the standard `age` tool); a new sheet retires the old keys;
//! a missing folder, a wrong identity and the wrong kind of secret each get
//! their own error and change nothing.

mod common;

use std::path::Path;
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use common::*;
use nextdate_diary::auto_backup::{list_backups, When};
use nextdate_diary::backup::{backup_kind, BackupKind, BackupSecret};
use nextdate_diary::{Diary, InitOptions, NewDiary, Protection, Unlock, Zeroizing};

fn at(date: &str, time: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H:%M:%S").unwrap()
}

/// A passphrase diary with its recovery key and backup identity.
fn new_diary(dir: &Path) -> NewDiary {
    Diary::init(
        dir,
        InitOptions {
            name: "Iyer Chambers".into(),
            advocate: Some("Adv. Meera Iyer".into()),
            protection: Protection::Passphrase(pass(PASSPHRASE)),
        },
    )
    .unwrap()
}

fn restore_opts() -> InitOptions {
    InitOptions {
        name: "Restored".into(),
        advocate: None,
        protection: Protection::Passphrase(pass(PASSPHRASE)),
    }
}

fn identity(text: &str) -> BackupSecret {
    BackupSecret::Identity(Zeroizing::new(text.to_string()))
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_year_of_the_schedule_keeps_7_daily_4_weekly_and_12_monthly() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    // Another diary's backup and an unrelated file in the same folder are never touched.
    std::fs::write(folder.join("nextdate-zzzzzzzz-2025-01-01-090000.age"), b"other diary").unwrap();
    std::fs::write(folder.join("notes.txt"), b"not a backup").unwrap();
    let mut d = new_diary(&tmp.path().join("diary")).diary;
    d.set_backup_folder(&folder).unwrap();
    seed(&mut d, "Zebediah Quartermain", "CRL.A. 98765/2031", today());

    let mut day = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
    let mut written = 0;
    while day <= last {
        // The app looks several times a day; only the first look writes.
        for time in ["09:30:00", "13:00:00", "18:00:00"] {
            let run = d.auto_backup(at(&day.to_string(), time), When::IfDue).unwrap();
            if run.written.is_some() {
                written += 1;
                assert_eq!(time, "09:30:00", "only the day's first look is due");
            }
        }
        day = day.succ_opt().unwrap();
    }
    assert_eq!(written, 401, "one backup a day");

    let kept: Vec<String> = list_backups(&folder, d.diary_id())
        .unwrap()
        .into_iter()
        .map(|(t, _)| t.date().to_string())
        .collect();
    let expected = [
        // 12 monthly: the newest of each month (December's is today's).
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
        "2026-07-31",
        "2026-08-31",
        "2026-09-30",
        "2026-10-31",
        // 4 weekly: the Sundays ending the last 4 ISO weeks (6 December is a Sunday).
        "2026-11-15",
        "2026-11-22",
        "2026-11-29",
        // 7 daily, which also hold November's newest and this week's.
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
        "2026-12-04",
        "2026-12-05",
        "2026-12-06",
    ];
    assert_eq!(kept, expected);
    assert!(folder.join("nextdate-zzzzzzzz-2025-01-01-090000.age").exists());
    assert!(folder.join("notes.txt").exists());
    let left = std::fs::read_dir(&folder).unwrap().count();
    assert_eq!(left, expected.len() + 2, "nothing half-written is left behind");
}

#[test]
fn backups_hold_no_plaintext_and_restore_with_the_sheet_identity() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("cloud");
    std::fs::create_dir(&folder).unwrap();
    let NewDiary {
        diary: mut d,
        backup_identity,
        ..
    } = new_diary(&tmp.path().join("diary"));
    let (_, case) = seed(&mut d, "Zebediah Quartermain", "CRL.A. 98765/2031", today());
    d.attach_document(
        &case,
        "plaint.pdf",
        "application/pdf",
        b"confidential plaint text",
        false,
    )
    .unwrap();
    d.set_backup_folder(&folder).unwrap();
    let run = d.auto_backup(at("2026-12-06", "19:00:00"), When::IfDue).unwrap();
    let file = std::path::PathBuf::from(run.written.clone().expect("a backup was due"));
    assert!(run.documents >= 3 && run.attachments == 1, "{run:?}");

    for (name, bytes) in files(&folder) {
        for secret in [
            "Zebediah",
            "Quartermain",
            "98765/2031",
            "confidential plaint",
            "DLHC0100",
        ] {
            assert!(!contains(&bytes, secret), "{secret:?} in plaintext in {name}");
        }
    }
    assert_eq!(backup_kind(&file).unwrap(), BackupKind::Identity);

    // The wrong kind of secret, a malformed identity, another diary's identity: refused plainly.
    let target = tmp.path().join("new-laptop");
    let pass_err = Diary::restore(&file, "a passphrase of some length", &target, restore_opts(), false)
        .err()
        .unwrap();
    assert_eq!(pass_err.code(), "backup_needs_identity");
    let bad = Diary::restore_with(&file, &identity("AGE-SECRET-KEY-1NOPE"), &target, restore_opts(), false)
        .err()
        .unwrap();
    assert_eq!(bad.code(), "malformed_backup_identity");
    let other = new_diary(&tmp.path().join("other")).backup_identity;
    let wrong = Diary::restore_with(&file, &identity(&other), &target, restore_opts(), false)
        .err()
        .unwrap();
    assert_eq!(wrong.code(), "wrong_backup_identity");
    assert!(!target.exists(), "a refused restore leaves nothing behind");

    // Typed from the sheet: lower case and with the line breaks of the print still open it.
    let typed = backup_identity.to_lowercase().replace("1", "1\n  ");
    let restored = Diary::restore_with(&file, &identity(&typed), &target, restore_opts(), false).unwrap();
    assert!(restored.backup_identity.starts_with("AGE-SECRET-KEY-1"));
    assert_ne!(
        *restored.backup_identity, *backup_identity,
        "the restored diary has its own key"
    );
    let r = restored.diary;
    let found = r.search("Quartermain", 10).unwrap();
    assert_eq!(found.len(), 2, "the client and the case came back: {found:?}");
    assert_eq!(r.case_doc(&case).unwrap().number, "CRL.A. 98765/2031");
}

#[test]
fn the_standard_age_tool_opens_an_automatic_backup_with_the_identity() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let NewDiary {
        diary: mut d,
        backup_identity,
        ..
    } = new_diary(&tmp.path().join("diary"));
    seed(&mut d, "Zebediah Quartermain", "CRL.A. 98765/2031", today());
    d.set_backup_folder(&folder).unwrap();
    let file = d
        .auto_backup(at("2026-12-06", "19:00:00"), When::Always)
        .unwrap()
        .written
        .unwrap();
    let id_file = tmp.path().join("identity.txt");
    std::fs::write(&id_file, format!("{}\n", backup_identity.as_str())).unwrap();
    let out = Command::new("age")
        .args(["-d", "-i"])
        .arg(&id_file)
        .arg(&file)
        .output()
        .expect("the age command (Debian package age) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.contains("\"nextdate-backup/1\""), "{first}");
    assert!(text.lines().last().unwrap().contains("\"end\""));
}

#[test]
fn the_schedule_writes_when_due_or_changed_and_warns_when_stale_or_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let mut d = new_diary(&tmp.path().join("diary")).diary;

    let off = d.auto_backup_status(at("2026-12-01", "09:00:00")).unwrap();
    assert!(off.folder.is_none() && off.warning.is_none() && off.has_key);
    assert_eq!(
        d.auto_backup(at("2026-12-01", "09:00:00"), When::IfDue)
            .unwrap_err()
            .code(),
        "no_backup_folder"
    );

    d.set_backup_folder(&folder).unwrap();
    let never = d.auto_backup_status(at("2026-12-01", "09:00:00")).unwrap();
    assert!(never.due);
    assert_eq!(never.warning.as_deref(), Some("No automatic backup has been made yet."));

    assert!(d
        .auto_backup(at("2026-12-01", "09:00:00"), When::IfDue)
        .unwrap()
        .written
        .is_some());
    // Closing with nothing changed writes nothing; a change, then closing, writes one.
    assert!(d
        .auto_backup(at("2026-12-01", "18:00:00"), When::IfChanged)
        .unwrap()
        .written
        .is_none());
    seed(&mut d, "Sunita Devi", "CS 1/2026", today());
    assert!(d
        .auto_backup(at("2026-12-01", "18:00:00"), When::IfChanged)
        .unwrap()
        .written
        .is_some());
    // One backup a day is kept: the evening's replaced the morning's.
    let left: Vec<_> = list_backups(&folder, d.diary_id())
        .unwrap()
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    assert_eq!(left, [at("2026-12-01", "18:00:00")]);

    let fresh = d.auto_backup_status(at("2026-12-03", "17:59:00")).unwrap();
    assert!(
        fresh.warning.is_none() && fresh.due && fresh.folder_present,
        "{fresh:?}"
    );
    assert_eq!(fresh.last_success.as_deref(), Some("2026-12-01T18:00:00"));
    let stale = d.auto_backup_status(at("2026-12-04", "18:00:00")).unwrap();
    assert_eq!(stale.warning.as_deref(), Some("The last backup was 3 days ago."));

    // The drive is unplugged: the run fails plainly, the status says so, nothing else moves.
    let unplugged = tmp.path().join("usb-away");
    std::fs::rename(&folder, &unplugged).unwrap();
    let err = d.auto_backup(at("2026-12-04", "18:00:00"), When::IfDue).unwrap_err();
    assert_eq!(err.code(), "backup_folder_missing");
    assert!(err.to_string().contains("is the drive plugged in?"), "{err}");
    let missing = d.auto_backup_status(at("2026-12-04", "18:00:00")).unwrap();
    assert!(!missing.folder_present && !missing.due);
    assert!(missing.warning.unwrap().contains("is not there"));
    assert!(missing.last_error.unwrap().contains("is not there"));
    // Plugged back in: the next run writes, and the failure is forgotten.
    std::fs::rename(&unplugged, &folder).unwrap();
    assert!(d
        .auto_backup(at("2026-12-04", "18:05:00"), When::IfDue)
        .unwrap()
        .written
        .is_some());
    assert!(d
        .auto_backup_status(at("2026-12-04", "18:06:00"))
        .unwrap()
        .last_error
        .is_none());
}

#[test]
fn the_backup_folder_must_exist_lie_outside_the_diary_and_need_a_backup_key() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    let mut d = new_diary(&dir).diary;
    assert_eq!(
        d.set_backup_folder(&tmp.path().join("nowhere")).unwrap_err().code(),
        "bad_path"
    );
    assert_eq!(d.set_backup_folder(&dir).unwrap_err().code(), "bad_path");
    assert!(d.backup_folder().unwrap().is_none(), "a refused folder is not kept");
    // A diary made before backup keys existed is told to make a recovery sheet.
    d.conn()
        .execute("DELETE FROM meta WHERE key = 'backup.recipient'", [])
        .unwrap();
    assert_eq!(d.set_backup_folder(tmp.path()).unwrap_err().code(), "no_backup_key");
}

#[test]
fn a_new_recovery_sheet_retires_the_old_recovery_key_and_backup_identity() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let NewDiary {
        diary: mut d,
        recovery_key: old_key,
        backup_identity: old_identity,
    } = new_diary(&dir);
    d.set_backup_folder(&folder).unwrap();
    let before = d
        .auto_backup(at("2026-12-01", "09:00:00"), When::Always)
        .unwrap()
        .written
        .unwrap();

    assert_eq!(
        d.renew_recovery(&Unlock::Passphrase(pass("not the passphrase")))
            .err()
            .unwrap()
            .code(),
        "wrong_passphrase"
    );
    let new = d.renew_recovery(&Unlock::Passphrase(pass(PASSPHRASE))).unwrap();
    assert_ne!(*new.recovery_key, *old_key);
    let after = d
        .auto_backup(at("2026-12-02", "09:00:00"), When::Always)
        .unwrap()
        .written
        .unwrap();
    drop(d);

    assert_eq!(
        Diary::open(&dir, &Unlock::RecoveryKey(old_key)).err().unwrap().code(),
        "wrong_recovery_key"
    );
    Diary::open(&dir, &Unlock::RecoveryKey(new.recovery_key.clone())).unwrap();

    let restore = |file: &str, id: &str, to: &str| {
        Diary::restore_with(
            Path::new(file),
            &identity(id),
            &tmp.path().join(to),
            restore_opts(),
            false,
        )
    };
    assert_eq!(
        restore(&after, &old_identity, "a").err().unwrap().code(),
        "wrong_backup_identity"
    );
    restore(&after, &new.backup_identity, "b").unwrap();
    restore(&before, &old_identity, "c").unwrap();
}
