//! End-to-end tests of the `nextdate` binary on whole diaries: unlocking
//! (wrong passphrase, recovery key, no diary), backup and restore, the
//! calendar export, and deleting everything.

mod support;

use chrono::Duration;
use serde_json::Value;
use support::*;

#[test]
fn unlocking_wrong_passphrase_recovery_key_and_missing_diary() {
    let (cli, recovery) = Cli::init();
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "A v. B",
        "--number",
        "RFA 1/2026",
        "--court",
        "Delhi High Court",
    ]);
    let before = files(&cli.dir());
    let out = cli
        .command()
        .env("NEXTDATE_PASSPHRASE", "not the right one")
        .args(["case", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "nextdate: wrong passphrase\n");
    assert_eq!(files(&cli.dir()), before);
    // No passphrase and no terminal: a clear request for one, not a hang.
    let out = cli
        .command()
        .env_remove("NEXTDATE_PASSPHRASE")
        .args(["case", "list"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("protected by a passphrase"));
    // The recovery key opens it without the passphrase.
    let out = cli
        .command()
        .env_remove("NEXTDATE_PASSPHRASE")
        .args(["--json", "--recovery-key", &recovery, "case", "show", &case])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli
        .command()
        .env_remove("NEXTDATE_PASSPHRASE")
        .env("NEXTDATE_RECOVERY_KEY", &recovery)
        .args(["case", "list"])
        .output()
        .unwrap();
    assert!(out.status.success());
    // A folder with no diary.
    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(bin())
        .arg("--diary")
        .arg(empty.path())
        .args(["board"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("no diary in"));
}

#[test]
fn backup_and_restore_through_the_cli() {
    let (cli, _) = Cli::init();
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Rao v. Rao",
        "--number",
        "HMA 9/2025",
        "--court",
        "Saket",
        "--next-date",
        "+4d",
    ]);
    let file = cli.tmp.path().join("backup.age");
    let out = cli
        .command()
        .env("NEXTDATE_BACKUP_PASSPHRASE", "the backup passphrase")
        .args(["backup", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1"));
    assert!(!bytes.windows(10).any(|w| w == b"HMA 9/2025"));
    let restored = cli.tmp.path().join("restored");
    let run = |pass: &str| {
        std::process::Command::new(bin())
            .arg("--diary")
            .arg(&restored)
            .args(["--json", "restore", "--passphrase"])
            .arg(&file)
            .env("NEXTDATE_BACKUP_PASSPHRASE", pass)
            .env("NEXTDATE_PASSPHRASE", PASSPHRASE)
            .output()
            .unwrap()
    };
    let wrong = run("not the backup passphrase");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("wrong_passphrase"));
    let ok = run("the backup passphrase");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let show = std::process::Command::new(bin())
        .arg("--diary")
        .arg(&restored)
        .args(["--json", "case", "show", &case])
        .env("NEXTDATE_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(show.status.success());
    assert_eq!(
        serde_json::from_slice::<Value>(&show.stdout).unwrap()["number"],
        "HMA 9/2025"
    );
    // A second restore into the same folder is refused without --replace.
    assert_eq!(run("the backup passphrase").status.code(), Some(1));
}

#[test]
fn export_ics_writes_a_calendar_and_refuses_to_overwrite() {
    let (cli, _) = Cli::init();
    cli.id(&[
        "case",
        "add",
        "--title",
        "Rao v. Rao",
        "--number",
        "HMA 9/2025",
        "--court",
        "Saket",
        "--next-date",
        "+4d",
    ]);
    let file = cli.tmp.path().join("hearings.ics");
    let v = cli.json(&["export", "ics", "-o", file.to_str().unwrap()]);
    assert_eq!(v["message"], format!("wrote 1 hearings to {}", file.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("SUMMARY:HMA 9/2025 — Rao v. Rao"));
    assert!(text.contains(&format!(
        "DTSTART;VALUE=DATE:{}",
        (today() + Duration::days(4)).format("%Y%m%d")
    )));
    let (code, _) = cli.fails(&["export", "ics", "-o", file.to_str().unwrap()]);
    assert_eq!(code, "already_exists");
    cli.json(&[
        "export",
        "ics",
        "-o",
        file.to_str().unwrap(),
        "--force",
        "--from",
        "today",
        "--to",
        "+1d",
    ]);
    assert!(!std::fs::read_to_string(&file).unwrap().contains("BEGIN:VEVENT"));
}

#[test]
fn delete_everything_asks_for_the_diary_name() {
    let (cli, _) = Cli::init();
    cli.id(&[
        "case",
        "add",
        "--title",
        "A v. B",
        "--number",
        "O.S. 7/2026",
        "--court",
        "Saket",
    ]);
    let (code, msg) = cli.fails(&["delete-everything", "--confirm", "wrong"]);
    assert_eq!(code, "confirmation_mismatch");
    assert!(msg.contains("Test Chambers"), "{msg}");
    assert_eq!(cli.json(&["case", "list"]).as_array().unwrap().len(), 1);
    cli.json(&["delete-everything", "--confirm", "Test Chambers"]);
    assert!(!cli.dir().exists());
    let (code, _) = cli.fails(&["case", "list"]);
    assert_eq!(code, "no_diary");
}

/// `nextdate check` passes a healthy diary; a byte changed in the encrypted
/// file on disk is named (exit code 1, the problem in `--json`), and
/// `nextdate repair` says it cannot repair a damaged page.
#[test]
fn check_names_a_damaged_page_and_repair_says_what_it_cannot_fix() {
    let (cli, _) = Cli::init();
    cli.run(&["demo", "--cases", "120"]);
    let out = cli.run(&["check"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no problems found"), "{text}");
    let healthy = cli.json(&["check"]);
    assert!(healthy["documents"].as_u64().unwrap() >= 120, "{healthy}");

    let file = cli.dir().join("diary.db");
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    std::fs::write(&file, &bytes).unwrap();
    let out = cli.command().args(["--json", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert!(problems.iter().any(|p| p["kind"] == "cipher"), "{report}");
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["code"], "damaged_database");
    let out = cli.run(&["repair"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("could not be repaired here"));
}
