//! The recovery sheet from a real encrypted diary's secrets, read back the way
//! a person (and a phone) would: `pdftotext` for the words, `pdftoppm` for the
//! page (kept in artifacts/print/), and `zbarimg` decoding both QR codes back
//! to exactly the recovery key and the backup identity.

mod common;

use common::{artifacts, squeeze};

use std::process::Command;

use chrono::NaiveDateTime;
use nextdate_diary::{Diary, InitOptions, NewDiary, Protection, Zeroizing};
use nextdate_print::recovery_sheet::{recovery_sheet, SheetInput};
use nextdate_print::Paper;

#[test]
fn the_sheet_reads_back_and_its_qr_codes_decode_to_the_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let NewDiary {
        diary,
        recovery_key,
        backup_identity,
    } = Diary::init(
        &tmp.path().join("diary"),
        InitOptions {
            name: "शर्मा चैम्बर्स · Sharma Chambers".into(),
            advocate: Some("Adv. Meera Sharma".into()),
            protection: Protection::Passphrase(Zeroizing::new("recovery sheet test".into())),
        },
    )
    .unwrap();
    let sheet = recovery_sheet(&SheetInput {
        diary_name: &diary.chamber().unwrap().name,
        advocate: &diary.advocate_name().unwrap(),
        recovery_key: &recovery_key,
        backup_identity: &backup_identity,
        backup_folder: Some("/media/meera/NEXTDATE-USB"),
        made_at: NaiveDateTime::parse_from_str("2026-12-06 19:45", "%Y-%m-%d %H:%M").unwrap(),
        paper: Paper::A4,
    })
    .unwrap();
    assert_eq!(sheet.page_count(), 1, "the sheet is one page");

    let pdf_path = artifacts().join("recovery-sheet.pdf");
    std::fs::write(&pdf_path, sheet.pdf().unwrap()).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf_path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for words in [
        "Recovery sheet",
        "Sharma Chambers",
        "Adv. Meera Sharma",
        "Recovery key",
        "Backup identity",
        "To bring the diary back on a new laptop",
        "06-12-2026 19:45",
    ] {
        assert!(text.contains(words), "{words:?} missing from:\n{text}");
    }
    let flat = squeeze(&text);
    assert!(flat.contains("/media/meera/NEXTDATE-USB"), "the backup folder is named");
    assert!(flat.contains(&squeeze(&recovery_key)), "the recovery key as text");
    assert!(
        flat.contains(backup_identity.as_str()),
        "the backup identity as text, in groups"
    );

    let stem = artifacts().join("recovery-sheet");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "150", "-singlefile"])
        .arg(&pdf_path)
        .arg(&stem)
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(stem.with_extension("png"))
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut codes: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    codes.sort();
    let mut expected = vec![backup_identity.to_string(), recovery_key.to_string()];
    expected.sort();
    assert_eq!(codes, expected, "both QR codes decode to exactly the keys");
}
