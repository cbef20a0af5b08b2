//! Status links on a real diary file: giving, listing, expiring and revoking
//! links to a case and to a client, and what their snapshot holds — exactly
//! what the client may see (client-visible notes and documents; outcomes and
//! fees only when chosen), never a private note, a private document, an
//! assignment or another client's case; and a content hash that moves when
//! something the client sees changes, and only then.

// Amounts in paise are written rupees_paise: 5_000_00 is ₹5,000.00.
#![allow(clippy::inconsistent_digit_grouping)]

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use nextdate_diary::client_update::Language;
use nextdate_diary::records::HearingEdit;
use nextdate_diary::status_links::NewLink;
use nextdate_diary::{CaseEdit, Diary, FeeKind, NewCase, NewFee, NewNote, NextStep, RecordHearing};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 12, 7);

fn today() -> NaiveDate {
    ymd(TODAY.0, TODAY.1, TODAY.2)
}

/// A case with a recorded hearing, a private and a visible note, a private
/// and a visible document, fees, and the advocate assigned; and another
/// client's case.
fn diary(dir: &std::path::Path) -> (Diary, String, String) {
    let (mut d, _) = passphrase_diary(dir);
    let (client, case) = seed(&mut d, "Ramesh Kumar", "CS 123/2024", ymd(2026, 12, 1));
    let me = d.member_id().to_string();
    d.edit_case(
        &case,
        CaseEdit {
            bench: Some(Some("Court No. 12".into())),
            assigned: Some(vec![me]),
            ..Default::default()
        },
    )
    .unwrap();
    d.record_hearing(
        &case,
        RecordHearing {
            date: ymd(2026, 12, 1),
            outcome: Some("Part heard; respondent to reply".into()),
            item: Some(7),
            next: NextStep::Adjourned {
                next_date: ymd(2027, 1, 15),
                purpose: Some("Reply and arguments".into()),
            },
            attended_by: None,
            non_effective: false,
        },
    )
    .unwrap();
    for (text, client_visible) in [
        ("Witness statements are weak; settle if offered 40 lakh", false),
        ("Please bring the original sale deed on the next date", true),
    ] {
        d.add_note(
            &case,
            NewNote {
                text: text.into(),
                client_visible,
            },
        )
        .unwrap();
    }
    d.attach_document(&case, "strategy-memo.pdf", "application/pdf", b"%PDF private", false)
        .unwrap();
    d.attach_document(&case, "certified-order.pdf", "application/pdf", b"%PDF order", true)
        .unwrap();
    for (kind, amount) in [(FeeKind::Agreed, 50_000_00), (FeeKind::Received, 20_000_00)] {
        d.add_fee(
            &case,
            NewFee {
                kind,
                amount_minor: amount,
                currency: None,
                date: ymd(2026, 11, 1),
                mode: None,
                remark: Some("retainer".into()),
            },
        )
        .unwrap();
    }
    seed(&mut d, "Sunita Devi", "CS 555/2026", ymd(2027, 1, 10));
    (d, client, case)
}

fn snapshot_text(d: &Diary, link: &str, on: NaiveDate) -> String {
    let row = d.status_link(link, on).unwrap();
    String::from_utf8(d.status_snapshot(&row, on).unwrap().to_json()).unwrap()
}

#[test]
fn a_case_link_shows_only_what_the_client_may_see() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _, case) = diary(tmp.path());
    let made = d.create_status_link(&case, NewLink::default(), today()).unwrap();
    assert_eq!(made.key.len(), 43, "a 256-bit key, base64url");
    assert_eq!(made.link.id.len(), 26, "a 128-bit id, base32");
    assert_eq!(
        (made.link.state.as_str(), made.link.owner_label.as_str()),
        ("live", "CS 123/2024")
    );
    assert_eq!(d.status_link_key(&made.link.id).unwrap(), made.key);

    let row = d.status_link(&made.link.id, today()).unwrap();
    let snap = d.status_snapshot(&row, today()).unwrap();
    assert_eq!(snap.cases.len(), 1);
    let c = &snap.cases[0];
    assert_eq!(c.heading, "CS 123/2024 — Ramesh Kumar v. State");
    let lines: Vec<String> = c.lines.iter().map(|l| format!("{}: {}", l.label, l.value)).collect();
    assert_eq!(
        lines,
        [
            "Court: Delhi High Court, Court No. 12",
            "Next date: Friday, 15 January 2027",
            "Purpose: Reply and arguments"
        ]
    );
    assert_eq!(c.notes.len(), 1);
    assert_eq!(c.notes[0].value, "Please bring the original sale deed on the next date");
    let docs: Vec<&str> = c.documents.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(docs, ["certified-order.pdf"]);
    assert!(c.outcomes.is_empty() && c.fees.is_empty(), "not chosen for this link");

    let json = snapshot_text(&d, &made.link.id, today());
    for never in [
        "Witness",
        "40 lakh",
        "strategy-memo",
        "retainer",
        "Sunita",
        "CS 555/2026",
        "Part heard",
        "50,000",
        &made.key,
        d.member_id(),
        "Adv.",
    ] {
        assert!(!json.contains(never), "{never:?} in the snapshot: {json}");
    }
}

#[test]
fn outcomes_and_fees_show_when_chosen_and_a_client_link_covers_their_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, client, case) = diary(tmp.path());
    let second = d
        .add_case(NewCase {
            title: "Ramesh Kumar v. Gupta Traders".into(),
            number: "CC 77/2025".into(),
            court: "Saket District Court".into(),
            client_ids: vec![client.clone()],
            ..Default::default()
        })
        .unwrap();
    let link = d
        .create_status_link(
            &client,
            NewLink {
                share_outcomes: true,
                share_fees: true,
                language: Some(Language::Hi),
                expires_on: None,
            },
            today(),
        )
        .unwrap()
        .link;
    assert_eq!(
        (link.owner_kind.as_str(), link.owner_label.as_str()),
        ("client", "Ramesh Kumar")
    );
    let snap = d.status_snapshot(&link, today()).unwrap();
    assert_eq!(snap.lang, Language::Hi);
    assert_eq!(snap.client.as_deref(), Some("Ramesh Kumar"));
    let headings: Vec<&str> = snap.cases.iter().map(|c| c.heading.as_str()).collect();
    assert_eq!(headings.len(), 2, "{headings:?}");
    assert!(headings.iter().all(|h| !h.contains("CS 555/2026")));
    let first = snap
        .cases
        .iter()
        .find(|c| c.heading.starts_with("CS 123/2024"))
        .unwrap();
    assert_eq!(first.outcomes.len(), 1);
    assert_eq!(
        (first.outcomes[0].label.as_str(), first.outcomes[0].value.as_str()),
        ("1 दिसंबर 2026", "Part heard; respondent to reply")
    );
    let fees: Vec<String> = first.fees.iter().map(|l| format!("{} {}", l.label, l.value)).collect();
    assert_eq!(fees, ["तय शुल्क ₹50,000", "प्राप्त ₹20,000", "शेष ₹30,000"]);
    // The other case has nothing client-visible: only its basic lines.
    let other = snap.cases.iter().find(|c| c.heading.starts_with("CC 77/2025")).unwrap();
    assert!(other.notes.is_empty() && other.documents.is_empty() && other.outcomes.is_empty());
    let _ = second;
    assert_eq!(d.status_links(Some(&client), today()).unwrap().len(), 1);
    assert_eq!(d.status_links(Some(&case), today()).unwrap().len(), 0);
    assert_eq!(d.status_links(None, today()).unwrap().len(), 1);
}

#[test]
fn the_content_hash_moves_only_with_what_the_client_sees() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _, case) = diary(tmp.path());
    let id = d
        .create_status_link(&case, NewLink::default(), today())
        .unwrap()
        .link
        .id;
    let hash = |d: &Diary| {
        let row = d.status_link(&id, today()).unwrap();
        d.status_snapshot(&row, today()).unwrap().content_hash()
    };
    let first = hash(&d);
    assert_eq!(hash(&d), first, "the same diary, the same snapshot");

    // Private work changes nothing the client sees.
    d.add_note(
        &case,
        NewNote {
            text: "Call the registry about the listing".into(),
            client_visible: false,
        },
    )
    .unwrap();
    d.attach_document(&case, "draft-reply.docx", "application/octet-stream", b"draft", false)
        .unwrap();
    assert_eq!(
        hash(&d),
        first,
        "a private note or document is not the client's business"
    );

    // A new next date is.
    let listed = d
        .case_detail(&case)
        .unwrap()
        .hearings
        .into_iter()
        .find(|h| h.date == "2027-01-15")
        .unwrap();
    d.edit_hearing(
        &case,
        &listed.id,
        HearingEdit {
            date: Some(ymd(2027, 1, 22)),
            ..Default::default()
        },
    )
    .unwrap();
    assert_ne!(hash(&d), first);
    assert!(snapshot_text(&d, &id, today()).contains("22 January 2027"));

    // Stamping says when, and does not change the hash.
    let row = d.status_link(&id, today()).unwrap();
    let mut snap = d.status_snapshot(&row, today()).unwrap();
    let before = snap.content_hash();
    snap.stamp(chrono::Utc::now());
    assert!(!snap.updated.is_empty());
    assert_eq!(snap.content_hash(), before);
}

#[test]
fn links_expire_and_are_revoked_and_bad_requests_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _, case) = diary(tmp.path());
    let before = state(&d);
    let err = d
        .create_status_link(
            &case,
            NewLink {
                expires_on: Some("01-12-2026".into()),
                ..Default::default()
            },
            today(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "out_of_range", "{err}");
    let err = d
        .create_status_link("01JUNKNOWNUNKNOWNUNKNOWN00", NewLink::default(), today())
        .unwrap_err();
    assert_eq!(err.code(), "unknown_id", "{err}");
    let err = d
        .create_status_link(
            &case,
            NewLink {
                expires_on: Some("31-02-2027".into()),
                ..Default::default()
            },
            today(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid_date", "{err}");
    assert_eq!(state(&d), before, "refused links write nothing");

    let link = d
        .create_status_link(
            &case,
            NewLink {
                expires_on: Some("31-12-2026".into()),
                ..Default::default()
            },
            today(),
        )
        .unwrap()
        .link;
    assert_eq!(link.expires_on.as_deref(), Some("2026-12-31"));
    assert_eq!(d.status_link(&link.id, ymd(2026, 12, 31)).unwrap().state, "live");
    assert_eq!(d.status_link(&link.id, ymd(2027, 1, 1)).unwrap().state, "expired");

    let revoked = d.revoke_status_link(&link.id, today()).unwrap();
    assert_eq!(revoked.state, "revoked");
    assert!(revoked.revoked_at.is_some());
    let err = d.revoke_status_link(&link.id, today()).unwrap_err();
    assert_eq!(err.code(), "already_removed", "{err}");
    let err = d.revoke_status_link("nosuchlink", today()).unwrap_err();
    assert_eq!(err.code(), "unknown_id", "{err}");

    // Kept through a reopen and a rebuild of the projection.
    drop(d);
    let mut d = open(tmp.path());
    d.rebuild().unwrap();
    let rows = d.status_links(None, today() + Duration::days(1)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].state, "revoked");
}

#[test]
fn erasing_a_client_revokes_their_links_and_drops_the_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let client = d
        .add_client(nextdate_diary::NewClient {
            name: "Farida Begum".into(),
            ..Default::default()
        })
        .unwrap();
    let link = d.create_status_link(&client, NewLink::default(), today()).unwrap().link;
    assert_eq!(link.state, "live");
    d.erase_client(&client, "Farida Begum").unwrap();
    let rows = d.status_links(None, today()).unwrap();
    assert_eq!(rows.len(), 1, "the link stays listed, so the relay is told");
    assert_eq!(rows[0].state, "revoked");
    assert_eq!(d.link_upload(&link.id).unwrap(), None, "not yet told");
    let key = d.status_link_key(&link.id).unwrap();
    assert!(key.is_empty(), "the erased client's link keeps no key");
    d.rebuild().unwrap();
    assert_eq!(d.status_links(None, today()).unwrap()[0].state, "revoked");
}

#[test]
fn giving_and_revoking_a_link_are_not_taken_back_by_undo() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _, case) = diary(tmp.path());
    let before = d.undo_preview().unwrap();
    let link = d.create_status_link(&case, NewLink::default(), today()).unwrap().link;
    assert_eq!(
        d.undo_preview().unwrap(),
        before,
        "giving a link is not the next thing Undo takes back"
    );
    d.revoke_status_link(&link.id, today()).unwrap();
    assert_eq!(d.undo_preview().unwrap(), before);
    d.undo().unwrap();
    assert_eq!(
        d.status_link(&link.id, today()).unwrap().state,
        "revoked",
        "still revoked after Undo"
    );
}
