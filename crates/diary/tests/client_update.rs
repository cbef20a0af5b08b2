//! Client updates on a real diary file: every field of the message in
//! English and in Hindi, the client's own language kept (through a reopen
//! and a rebuild), a client's pending cases only, the last hearing's outcome
//! only when asked for, a case without a next date, a disposed case, and
//! nothing private (notes, fees, other clients) ever in the text.

mod common;

use chrono::NaiveDate;
use common::*;
use nextdate_diary::client_update::{Language, UpdateOptions};
use nextdate_diary::{
    CaseEdit, CaseStatus, ClientEdit, Diary, FeeKind, NewCase, NewClient, NewFee, NewNote, NextStep, RecordHearing,
    StatusChange,
};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn opts(language: Option<Language>, with_outcome: bool) -> UpdateOptions {
    UpdateOptions { language, with_outcome }
}

/// A client with one case listed on 15-01-2027 for arguments, before bench
/// "Court No. 12", at the stage "Final arguments", with a private note and a fee.
fn diary_with_case(dir: &std::path::Path) -> (Diary, String, String) {
    let (mut d, _) = passphrase_diary(dir);
    d.set_names("Sharma Chambers", "Anita Sharma").unwrap();
    let (client, case) = seed(&mut d, "Ramesh Kumar", "CS 123/2024", ymd(2027, 1, 15));
    d.edit_case(
        &case,
        CaseEdit {
            bench: Some(Some("Court No. 12".into())),
            stage: Some(Some("Final arguments".into())),
            ..Default::default()
        },
    )
    .unwrap();
    d.add_note(
        &case,
        NewNote {
            text: "Client may settle for 40 lakh; do not disclose".into(),
            client_visible: false,
        },
    )
    .unwrap();
    d.add_fee(
        &case,
        NewFee {
            kind: FeeKind::Agreed,
            amount_minor: 7_500_000,
            currency: None,
            date: ymd(2026, 12, 1),
            mode: None,
            remark: Some("retainer".into()),
        },
    )
    .unwrap();
    (d, client, case)
}

#[test]
fn an_english_update_names_every_field_and_nothing_private() {
    let tmp = tempfile::tempdir().unwrap();
    let (d, _, case) = diary_with_case(tmp.path());
    let u = d.client_update(&case, &opts(None, false), ymd(2026, 12, 7)).unwrap();
    assert_eq!(u.language, Language::En);
    let t = &u.text;
    for want in [
        "Dear Ramesh Kumar,",
        "Here is the latest on your case, as on Monday, 7 December 2026:",
        "CS 123/2024 — Ramesh Kumar v. State\n",
        "Court: Delhi High Court, Court No. 12\n",
        "Stage: Final arguments\n",
        "Next date: Friday, 15 January 2027\n",
        "Purpose: Arguments\n",
        "Regards,\nSharma Chambers\n",
    ] {
        assert!(t.contains(want), "{want:?} missing from:\n{t}");
    }
    for never in [
        "settle",
        "40 lakh",
        "retainer",
        "75,000",
        "Status:",
        "Last hearing",
        "Anita",
    ] {
        assert!(!t.contains(never), "{never:?} in:\n{t}");
    }
    assert_eq!(u.cases.len(), 1);
    assert_eq!(u.client.as_deref(), Some("Ramesh Kumar"));
    assert_eq!(u.advocate, "Anita Sharma");
}

#[test]
fn the_last_outcome_is_shared_only_when_asked_and_the_next_date_follows_the_record() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _, case) = diary_with_case(tmp.path());
    d.record_hearing(
        &case,
        RecordHearing {
            date: ymd(2027, 1, 15),
            outcome: Some("Part heard; respondent to file written submissions".into()),
            item: Some(7),
            next: NextStep::Adjourned {
                next_date: ymd(2027, 2, 3),
                purpose: Some("Further arguments".into()),
            },
            attended_by: None,
            non_effective: false,
        },
    )
    .unwrap();
    let on = ymd(2027, 1, 20);
    let without = d.client_update(&case, &opts(None, false), on).unwrap().text;
    assert!(without.contains("Next date: Wednesday, 3 February 2027\n"), "{without}");
    assert!(without.contains("Purpose: Further arguments\n"), "{without}");
    assert!(!without.contains("Part heard"), "{without}");
    let with = d.client_update(&case, &opts(None, true), on).unwrap().text;
    assert!(
        with.contains("Last hearing: 15 January 2027 — Part heard; respondent to file written submissions\n"),
        "{with}"
    );

    // On a day after the listing nobody recorded, the next date is not known.
    let later = d
        .client_update(&case, &opts(None, false), ymd(2027, 2, 4))
        .unwrap()
        .text;
    assert!(
        later.contains("Next date: not fixed yet; we will let you know\n"),
        "{later}"
    );
}

#[test]
fn a_hindi_update_in_devanagari_follows_the_clients_choice() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, client, case) = diary_with_case(tmp.path());
    let changes = d
        .edit_client(
            &client,
            ClientEdit {
                update_language: Some(Language::Hi),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(changes.message.contains("हिन्दी"), "{}", changes.message);
    d.record_hearing(
        &case,
        RecordHearing {
            date: ymd(2027, 1, 15),
            outcome: Some("Arguments heard in part".into()),
            item: None,
            next: NextStep::Adjourned {
                next_date: ymd(2027, 2, 3),
                purpose: Some("Further arguments".into()),
            },
            attended_by: None,
            non_effective: false,
        },
    )
    .unwrap();
    let u = d.client_update(&case, &opts(None, true), ymd(2027, 1, 18)).unwrap();
    assert_eq!(u.language, Language::Hi);
    let t = &u.text;
    for want in [
        "नमस्ते Ramesh Kumar जी,",
        "दिनांक सोमवार, 18 जनवरी 2027 तक आपके मुकदमे की ताज़ा जानकारी:",
        "CS 123/2024 — Ramesh Kumar v. State\n",
        "न्यायालय: Delhi High Court, Court No. 12\n",
        "चरण: Final arguments\n",
        "अगली तारीख: बुधवार, 3 फ़रवरी 2027\n",
        "प्रयोजन: Further arguments\n",
        "पिछली सुनवाई: 15 जनवरी 2027 — Arguments heard in part\n",
        "सादर,\nSharma Chambers\n",
    ] {
        assert!(t.contains(want), "{want:?} missing from:\n{t}");
    }
    assert!(!t.contains("Next date"), "{t}");
    // The advocate can still write this one in English.
    let en = d
        .client_update(&case, &opts(Some(Language::En), false), ymd(2027, 1, 18))
        .unwrap();
    assert!(en.text.contains("Next date: Wednesday, 3 February 2027"), "{}", en.text);

    // The choice is the client's record: it survives closing, and a rebuild.
    drop(d);
    let mut d = open(tmp.path());
    assert_eq!(d.client(&client).unwrap().update_language, Language::Hi);
    d.rebuild().unwrap();
    assert_eq!(d.client(&client).unwrap().update_language, Language::Hi);
}

#[test]
fn a_clients_update_covers_their_pending_cases_only() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, client, first) = diary_with_case(tmp.path());
    let add = |d: &mut Diary, number: &str, next: Option<NaiveDate>| {
        d.add_case(NewCase {
            title: format!("Ramesh Kumar v. {number} Traders"),
            number: number.into(),
            court: "Saket District Court".into(),
            client_ids: vec![client.clone()],
            next_date: next,
            ..Default::default()
        })
        .unwrap()
    };
    let undated = add(&mut d, "CC 77/2025", None);
    let disposed = add(&mut d, "CS 9/2020", Some(ymd(2026, 11, 2)));
    d.change_case_status(
        &disposed,
        StatusChange {
            to: CaseStatus::Disposed,
            date: Some(ymd(2026, 11, 2)),
            remark: Some("Decreed".into()),
            court: None,
        },
    )
    .unwrap();
    // Another client's case never shows.
    seed(&mut d, "Sunita Devi", "CS 555/2026", ymd(2027, 1, 10));

    let u = d.client_update(&client, &opts(None, false), ymd(2026, 12, 7)).unwrap();
    let ids: Vec<&str> = u.cases.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(ids, [first.as_str(), undated.as_str()], "{}", u.text);
    assert!(u.text.contains("your 2 cases"), "{}", u.text);
    assert!(
        u.text.contains(
            "CC 77/2025 — Ramesh Kumar v. CC 77/2025 Traders\nCourt: Saket District Court\nNext date: not fixed yet"
        ),
        "{}",
        u.text
    );
    for never in ["CS 9/2020", "Sunita", "CS 555/2026"] {
        assert!(!u.text.contains(never), "{never:?} in:\n{}", u.text);
    }

    // The disposed case, asked for by itself, says so and gives no next date.
    let one = d
        .client_update(&disposed, &opts(None, false), ymd(2026, 12, 7))
        .unwrap()
        .text;
    assert!(one.contains("Status: Disposed of (2 November 2026)\n"), "{one}");
    assert!(!one.contains("Next date"), "{one}");

    // A client with nothing pending is told so.
    let lone = d
        .add_client(NewClient {
            name: "Kavita Rao".into(),
            ..Default::default()
        })
        .unwrap();
    let none = d.client_update(&lone, &opts(None, false), ymd(2026, 12, 7)).unwrap();
    assert!(none.cases.is_empty());
    assert!(none.text.contains("you have no pending case with us"), "{}", none.text);
}

#[test]
fn a_case_of_several_clients_is_greeted_generally_and_unknown_ids_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, client, case) = diary_with_case(tmp.path());
    let second = d
        .add_client(NewClient {
            name: "Meena Kumari".into(),
            update_language: Some(Language::Hi),
            ..Default::default()
        })
        .unwrap();
    d.edit_case(
        &case,
        CaseEdit {
            client_ids: Some(vec![client, second]),
            ..Default::default()
        },
    )
    .unwrap();
    let u = d.client_update(&case, &opts(None, false), ymd(2026, 12, 7)).unwrap();
    // The clients' languages differ: English, to no one by name.
    assert_eq!(u.language, Language::En);
    assert!(u.text.starts_with("Dear Sir/Madam,\n"), "{}", u.text);
    assert_eq!(u.client, None);

    let before = state(&d);
    let err = d
        .client_update("01JUNKNOWNUNKNOWNUNKNOWN00", &opts(None, false), ymd(2026, 12, 7))
        .unwrap_err();
    assert_eq!(err.code(), "unknown_id", "{err}");
    assert!(err.to_string().contains("case or client"), "{err}");
    assert_eq!(state(&d), before, "asking for an update writes nothing");
}
