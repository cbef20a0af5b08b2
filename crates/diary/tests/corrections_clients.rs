//! Correcting clients: every field of a client, and removing a client once
//! no case names them (after which they are gone from lists, pickers and
//! search); each bad input is refused with its own error and leaves the
//! diary exactly as it was. Cases are in `corrections_cases.rs`.

mod common;

use chrono::Duration;
use common::*;
use nextdate_diary::client_update::Language;
use nextdate_diary::{CaseEdit, CaseFilter, Changes, ClientEdit, Diary, NewCase};

const UNKNOWN: &str = "01JZZZZZZZZZZZZZZZZZZZZZZZ";

/// `f` fails with `code` and the diary (documents, outbox, projection) is unchanged.
fn refused<T: std::fmt::Debug>(
    d: &mut Diary,
    code: &str,
    f: impl FnOnce(&mut Diary) -> nextdate_diary::Result<T>,
) -> String {
    let before = state(d);
    let err = f(d).expect_err(&format!("expected {code}"));
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(state(d), before, "a refused change ({code}) wrote something");
    err.to_string()
}

/// The last history message of any document (cases, and clients too).
fn last_message(d: &Diary, doc: &str) -> String {
    d.conn()
        .query_row(
            "SELECT message FROM history WHERE doc_id = ?1 ORDER BY time DESC, seq DESC LIMIT 1",
            [doc],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn every_field_of_a_client_can_be_corrected_and_cleared() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, _) = seed(&mut d, "Rajesh Sharma", "CS 1/2026", today() + Duration::days(3));

    let ch = d
        .edit_client(
            &client,
            ClientEdit {
                phones: Some(vec!["+91 99100 54321".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(ch.message, "Phone changed from +91 98100 12345 to +91 99100 54321");
    assert_eq!(last_message(&d, &client), ch.message);

    let ch = d
        .edit_client(
            &client,
            ClientEdit {
                name: Some("  Rajesh  Kumar Sharma ".into()),
                phones: Some(vec!["+91 99100 54321".into(), "011 2345 6789".into()]),
                email: Some(Some("rajesh@example.in".into())),
                address: Some(Some("12, Lajpat Nagar, New Delhi".into())),
                notes: Some(Some("Prefers calls after 6 pm".into())),
                update_language: Some(Language::Hi),
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        "Name changed from Rajesh Sharma to Rajesh Kumar Sharma; phones changed from +91 99100 54321 to \
         +91 99100 54321, 011 2345 6789; email set to rajesh@example.in; address set to 12, Lajpat Nagar, \
         New Delhi; update language changed from English to हिन्दी; notes set to Prefers calls after 6 pm"
    );
    let fields: Vec<_> = ch.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "phones", "email", "address", "update language", "notes"]
    );
    let row = d.client(&client).unwrap();
    assert_eq!(row.name, "Rajesh Kumar Sharma");
    assert_eq!(row.phones, "+91 99100 54321, 011 2345 6789");
    assert_eq!(row.email.as_deref(), Some("rajesh@example.in"));
    assert_eq!(row.address.as_deref(), Some("12, Lajpat Nagar, New Delhi"));
    assert_eq!(row.notes.as_deref(), Some("Prefers calls after 6 pm"));
    let hits = d.search("Lajpat", 10).unwrap();
    assert!(
        hits.iter().any(|h| h.kind == "client" && h.id == client),
        "the new address is searchable"
    );

    // Clearing: no value, or a blank one.
    let ch = d
        .edit_client(
            &client,
            ClientEdit {
                phones: Some(vec![]),
                email: Some(None),
                address: Some(Some("  ".into())),
                notes: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        ch.message
            .starts_with("Phones cleared (was +91 99100 54321, 011 2345 6789); email cleared (was rajesh@example.in)"),
        "{}",
        ch.message
    );
    let row = d.client(&client).unwrap();
    assert_eq!(
        (row.phones.as_str(), row.email, row.address, row.notes),
        ("", None, None, None)
    );

    // Giving what the client already reads writes nothing.
    let before = state(&d);
    let ch = d
        .edit_client(
            &client,
            ClientEdit {
                name: Some("Rajesh Kumar Sharma".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(ch, Changes::default());
    assert_eq!(state(&d), before);
}

#[test]
fn bad_client_corrections_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, _) = seed(&mut d, "Pooja Malhotra", "CS 2/2026", today());
    let name = |n: &str| ClientEdit {
        name: Some(n.into()),
        ..Default::default()
    };
    refused(&mut d, "unknown_id", |d| d.edit_client(UNKNOWN, name("A")));
    refused(&mut d, "nothing_to_change", |d| {
        d.edit_client(&client, ClientEdit::default())
    });
    refused(&mut d, "empty_field", |d| d.edit_client(&client, name(" ")));
    refused(&mut d, "invalid_email", |d| {
        d.edit_client(
            &client,
            ClientEdit {
                email: Some(Some("pooja at example".into())),
                ..Default::default()
            },
        )
    });
    // A case's id is not a client's.
    let case = d.cases(&CaseFilter::default()).unwrap()[0].id.clone();
    refused(&mut d, "unknown_id", |d| d.edit_client(&case, name("A")));
    refused(&mut d, "unknown_id", |d| d.remove_client(&case));
    refused(&mut d, "unknown_id", |d| d.remove_client(UNKNOWN));
    assert_eq!(d.client(&client).unwrap().name, "Pooja Malhotra");
}

#[test]
fn a_client_is_removed_only_once_no_case_names_them_and_then_vanishes_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, case) = seed(&mut d, "Rajesh Sharma", "CS 3/2026", today());
    let other = d
        .add_case(NewCase {
            title: "Sharma v. Union of India".into(),
            number: "WP(C) 9/2026".into(),
            court: "Delhi High Court".into(),
            client_ids: vec![client.clone()],
            ..Default::default()
        })
        .unwrap();

    let msg = refused(&mut d, "client_in_use", |d| d.remove_client(&client));
    assert_eq!(
        msg,
        "client Rajesh Sharma is named in cases CS 3/2026, WP(C) 9/2026; detach them from them first"
    );
    for c in [&case, &other] {
        d.edit_case(
            c,
            CaseEdit {
                client_ids: Some(vec![]),
                ..Default::default()
            },
        )
        .unwrap();
    }
    assert_eq!(
        d.history(&case).unwrap().last().unwrap().message,
        "Clients cleared (was Rajesh Sharma)"
    );
    // The case's own history names the client by a token, never by name.
    assert_eq!(
        last_message(&d, &case),
        format!("Clients cleared (was {{client:{client}}})")
    );

    let ch = d.remove_client(&client).unwrap();
    assert_eq!(ch.message, "Removed client Rajesh Sharma");
    assert_eq!(last_message(&d, &client), "Removed client Rajesh Sharma");
    assert!(d.clients().unwrap().is_empty(), "out of the client list (and pickers)");
    assert_eq!(d.client(&client).unwrap_err().code(), "unknown_id");
    assert_eq!(d.client_cases(&client).unwrap_err().code(), "unknown_id");
    assert!(d.search("Rajesh", 10).unwrap().iter().all(|h| h.kind != "client"));
    assert!(
        d.search("98100", 10).unwrap().is_empty(),
        "the phone is out of search too"
    );
    let removed: (String, String) = d
        .conn()
        .query_row(
            "SELECT kind, label FROM removed_records WHERE id = ?1",
            [&client],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(removed, ("client".into(), "Rajesh Sharma".into()));

    refused(&mut d, "already_removed", |d| d.remove_client(&client));
    refused(&mut d, "already_removed", |d| {
        d.edit_client(
            &client,
            ClientEdit {
                name: Some("R. Sharma".into()),
                ..Default::default()
            },
        )
    });
    // A removed client cannot be named by a case again.
    refused(&mut d, "already_removed", |d| {
        d.edit_case(
            &case,
            CaseEdit {
                client_ids: Some(vec![client.clone()]),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "already_removed", |d| {
        d.add_case(NewCase {
            title: "T".into(),
            number: "CS 99/2026".into(),
            court: "Saket".into(),
            client_ids: vec![client.clone()],
            ..Default::default()
        })
    });
    // The rebuilt projection agrees.
    let kept = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(kept, nextdate_diary::projection::dump(d.conn()).unwrap());
}
