//! A client's status report read back as the client would: `pdftotext` for
//! every field of the update, in English and in Hindi (Devanagari), and the
//! page as PNG in artifacts/print/ to look at.

mod common;

use common::{artifacts, squeeze};

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use nextdate_diary::client_update::{Language, UpdateOptions};
use nextdate_diary::{Diary, InitOptions, NewCase, NewClient, NewNote, NextStep, Protection, RecordHearing, Zeroizing};
use nextdate_print::status_report::status_report;
use nextdate_print::Paper;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A client with two pending cases (one recorded, one without a next date)
/// and a private note that must never print.
fn diary(dir: &Path) -> (Diary, String) {
    let mut d = Diary::init(
        dir,
        InitOptions {
            name: "Sharma Chambers".into(),
            advocate: Some("Adv. Meera Sharma".into()),
            protection: Protection::Passphrase(Zeroizing::new("status report passphrase".into())),
        },
    )
    .unwrap()
    .diary;
    d.set_billing(nextdate_diary::accounts::Billing {
        address: Some("Chamber 14, Lawyers' Block\nSaket, New Delhi 110017".into()),
        ..d.billing().unwrap()
    })
    .unwrap();
    let client = d
        .add_client(NewClient {
            name: "Ramesh Kumar".into(),
            ..Default::default()
        })
        .unwrap();
    let case = d
        .add_case(NewCase {
            title: "Ramesh Kumar v. Delhi Development Authority".into(),
            number: "W.P.(C) 4411/2024".into(),
            court: "Delhi High Court".into(),
            bench: Some("Court No. 12".into()),
            stage: Some("Final arguments".into()),
            client_ids: vec![client.clone()],
            next_date: Some(ymd(2026, 12, 1)),
            purpose: Some("Arguments".into()),
            ..Default::default()
        })
        .unwrap();
    d.record_hearing(
        &case,
        RecordHearing {
            date: ymd(2026, 12, 1),
            outcome: Some("Part heard; DDA to file its reply".into()),
            item: Some(31),
            next: NextStep::Adjourned {
                next_date: ymd(2027, 1, 15),
                purpose: Some("Reply and arguments".into()),
            },
            attended_by: None,
            non_effective: false,
        },
    )
    .unwrap();
    d.add_note(
        &case,
        NewNote {
            text: "Weak on limitation; keep this from the client".into(),
            client_visible: false,
        },
    )
    .unwrap();
    d.add_case(NewCase {
        title: "Ramesh Kumar v. Gupta Traders".into(),
        number: "CS 88/2025".into(),
        court: "Saket District Court".into(),
        client_ids: vec![client.clone()],
        ..Default::default()
    })
    .unwrap();
    (d, client)
}

fn print(d: &Diary, client: &str, lang: Language, name: &str) -> (String, usize) {
    let opts = UpdateOptions {
        language: Some(lang),
        with_outcome: true,
    };
    let update = d.client_update(client, &opts, ymd(2026, 12, 7)).unwrap();
    let printed = status_report(&update, Paper::A4).unwrap();
    let pdf = artifacts().join(format!("{name}.pdf"));
    std::fs::write(&pdf, printed.pdf().unwrap()).unwrap();
    std::fs::write(artifacts().join(format!("{name}.png")), printed.png(110.0).unwrap()).unwrap();
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), printed.page_count())
}

#[test]
fn the_english_report_has_every_field_on_one_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (d, client) = diary(tmp.path());
    let (text, pages) = print(&d, &client, Language::En, "status-report-en");
    assert_eq!(pages, 1);
    for words in [
        "Sharma Chambers",
        "Saket, New Delhi 110017",
        "Case status",
        "As on Monday, 7 December 2026",
        "Ramesh Kumar",
        "Here is the latest on your 2 cases",
        "W.P.(C) 4411/2024 — Ramesh Kumar v. Delhi Development Authority",
        "Court Delhi High Court, Court No. 12",
        "Stage Final arguments",
        "Next date Friday, 15 January 2027",
        "Purpose Reply and arguments",
        "Last hearing 1 December 2026 — Part heard; DDA to file its reply",
        "CS 88/2025 — Ramesh Kumar v. Gupta Traders",
        "Next date not fixed yet; we will let you know",
        "Adv. Meera Sharma",
    ] {
        assert!(
            squeeze(&text).contains(&squeeze(words)),
            "{words:?} missing from:\n{text}"
        );
    }
    assert!(!text.contains("limitation"), "a private note printed:\n{text}");
}

#[test]
fn the_hindi_report_is_in_devanagari() {
    let tmp = tempfile::tempdir().unwrap();
    let (d, client) = diary(tmp.path());
    let (text, pages) = print(&d, &client, Language::Hi, "status-report-hi");
    assert_eq!(pages, 1);
    for words in [
        "मुकदमे की स्थिति",
        "दिनांक सोमवार, 7 दिसंबर 2026",
        "आपके 2 मुकदमों की ताज़ा जानकारी",
        "न्यायालय Delhi High Court, Court No. 12",
        "अगली तारीख शुक्रवार, 15 जनवरी 2027",
        "प्रयोजन Reply and arguments",
        "पिछली सुनवाई 1 दिसंबर 2026 — Part heard; DDA to file its reply",
        "अभी तय नहीं हुई",
        "सादर",
    ] {
        assert!(
            squeeze(&text).contains(&squeeze(words)),
            "{words:?} missing from:\n{text}"
        );
    }
}
