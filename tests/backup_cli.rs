//! Automatic backups and the recovery sheet through the `nextdate` binary, end
//! to end: `init --recovery-sheet`, `backup settings --folder`, `backup --auto`
//! as cron would run it, and a restore on a "new laptop" with the backup
//! identity read back from the printed sheet's text.

mod support;

use std::process::Command;

use support::*;

/// The backup identity as a person reads it off the sheet: the words after
/// "AGE-SECRET-KEY-1", in their groups, joined (an identity is 74 characters).
fn identity_from_sheet(pdf: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    let flat: String = String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let start = flat.find("AGE-SECRET-KEY-1").expect("the identity is on the sheet");
    flat[start..start + 74].to_string()
}

#[test]
fn cron_backups_and_a_restore_from_the_printed_sheet() {
    let tmp = tempfile::tempdir().unwrap();
    let cli = Cli { tmp };
    let sheet = cli.tmp.path().join("sheet.pdf");
    let v = cli.json(&[
        "init",
        "--passphrase",
        "--name",
        "Iyer Chambers",
        "--recovery-sheet",
        sheet.to_str().unwrap(),
    ]);
    let shown = v["backup_identity"].as_str().unwrap().to_string();
    let recovery = v["recovery_key"].as_str().unwrap().to_string();
    assert_eq!(
        identity_from_sheet(&sheet),
        shown,
        "the sheet carries the identity shown"
    );

    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Quartermain v. State",
        "--number",
        "CRL.A. 98765/2031",
        "--court",
        "Delhi High Court",
    ]);
    let (code, msg) = cli.fails(&["backup", "--auto"]);
    assert_eq!(code, "no_backup_folder", "{msg}");

    let usb = cli.tmp.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    cli.json(&["backup", "settings", "--folder", usb.to_str().unwrap()]);
    let first = cli.json(&["backup", "--auto"]);
    let file = first["written"].as_str().expect("a backup was due").to_string();
    let again = cli.json(&["backup", "--auto"]);
    assert!(again["written"].is_null(), "one a day: {again}");
    let status = cli.json(&["backup", "status"]);
    assert_eq!(status["due"], false);
    assert!(
        status["warning"].is_null() && status["last_success"].is_string(),
        "{status}"
    );

    // The new laptop: nothing but the file and the sheet.
    let new_laptop = cli.tmp.path().join("new-laptop");
    let restore = |id: &str| {
        Command::new(bin())
            .arg("--diary")
            .arg(&new_laptop)
            .args(["--json", "restore", "--passphrase", &file])
            .env("NEXTDATE_BACKUP_IDENTITY", id)
            .env("NEXTDATE_PASSPHRASE", "the new laptop's passphrase")
            .env_remove("NEXTDATE_BACKUP_PASSPHRASE")
            .output()
            .unwrap()
    };
    let wrong = restore("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(!new_laptop.exists(), "a refused restore leaves nothing");
    let ok = restore(&identity_from_sheet(&sheet));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let restored: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert!(restored["backup_identity"]
        .as_str()
        .unwrap()
        .starts_with("AGE-SECRET-KEY-1"));
    let shown_case = Command::new(bin())
        .arg("--diary")
        .arg(&new_laptop)
        .args(["--json", "case", "show", &case])
        .env("NEXTDATE_PASSPHRASE", "the new laptop's passphrase")
        .output()
        .unwrap();
    assert!(
        shown_case.status.success(),
        "{}",
        String::from_utf8_lossy(&shown_case.stderr)
    );
    assert!(String::from_utf8_lossy(&shown_case.stdout).contains("CRL.A. 98765/2031"));

    // A new sheet: the old recovery key stops working, the new one opens the diary.
    let new_sheet = cli.tmp.path().join("sheet-2.pdf");
    let renewed = cli.json(&["recovery-sheet", "-o", new_sheet.to_str().unwrap()]);
    assert_ne!(renewed["backup_identity"].as_str().unwrap(), shown);
    assert_eq!(
        identity_from_sheet(&new_sheet),
        renewed["backup_identity"].as_str().unwrap()
    );
    let old = cli
        .command()
        .env_remove("NEXTDATE_PASSPHRASE")
        .args(["--recovery-key", &recovery, "case", "list"])
        .output()
        .unwrap();
    assert_eq!(old.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&old.stderr).contains("wrong recovery key"));
    let new = cli
        .command()
        .env_remove("NEXTDATE_PASSPHRASE")
        .args([
            "--recovery-key",
            renewed["recovery_key"].as_str().unwrap(),
            "case",
            "list",
        ])
        .output()
        .unwrap();
    assert!(new.status.success(), "{}", String::from_utf8_lossy(&new.stderr));
}
