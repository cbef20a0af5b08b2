//! Erasing a client's personal data on request: the refusals (each leaves the
//! diary as it was), and an erasure that leaves no trace of the data anywhere
//! in the file: not in the projection, the search index, any document's
//! history, the outbox, the undo journal, freed pages or the WAL. A change made
//! elsewhere to the old document is dropped when it arrives. Erasures across
//! laptops through a real relay are in `tests/sync_erasure.rs`.

mod common;
#[path = "../../../tests/support/traces.rs"]
mod traces;

use chrono::Duration;
use common::*;
use nextdate_diary::replication::DocChange;
use nextdate_diary::{CaseEdit, ClientEdit, Diary};

const UNKNOWN: &str = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
const PHONE: &str = "+91 98765 43210";
const EMAIL: &str = "rajesh.private@example.in";
const ADDRESS: &str = "14 Hauz Khas Enclave";

fn refused(
    d: &mut Diary,
    code: &str,
    f: impl FnOnce(&mut Diary) -> nextdate_diary::Result<nextdate_diary::erasure::Erased>,
) -> String {
    let before = state(d);
    let err = f(d).expect_err(&format!("expected {code}"));
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(state(d), before, "a refused erasure ({code}) wrote something");
    err.to_string()
}

fn everything(d: &Diary) -> String {
    traces::everything(d.conn())
}

fn detach(d: &mut Diary, case: &str) {
    d.edit_case(
        case,
        CaseEdit {
            client_ids: Some(vec![]),
            ..Default::default()
        },
    )
    .unwrap();
}

#[test]
fn an_erasure_is_refused_until_it_is_confirmed_and_no_case_names_the_client() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, case) = seed(&mut d, "Rajesh Sharma", "CS 1/2026", today() + Duration::days(3));

    refused(&mut d, "unknown_id", |d| d.erase_client(UNKNOWN, "x"));
    refused(&mut d, "unknown_id", |d| d.erase_client(&case, "Rajesh Sharma"));
    let msg = refused(&mut d, "erasure_not_confirmed", |d| d.erase_client(&client, "Rajesh"));
    assert!(msg.contains("\"Rajesh Sharma\""), "{msg}");
    let msg = refused(&mut d, "client_in_use", |d| d.erase_client(&client, "Rajesh Sharma"));
    assert!(msg.contains("CS 1/2026"), "{msg}");
    assert_eq!(d.client(&client).unwrap().name, "Rajesh Sharma", "nothing erased");
}

#[test]
fn an_erased_client_leaves_no_trace_in_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, case) = seed(&mut d, "Rajesh Sharma", "CS 2/2026", today() + Duration::days(3));
    d.edit_client(
        &client,
        ClientEdit {
            name: Some("Rajesh K. Sharma".into()),
            phones: Some(vec![PHONE.into()]),
            email: Some(Some(EMAIL.into())),
            address: Some(Some(ADDRESS.into())),
            ..Default::default()
        },
    )
    .unwrap();
    // Older values too: Automerge keeps them in the history.
    d.edit_client(
        &client,
        ClientEdit {
            phones: Some(vec!["+91 90000 00001".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    detach(&mut d, &case);
    let before = everything(&d);
    for trace in [PHONE, EMAIL, ADDRESS, "Rajesh K. Sharma"] {
        assert!(before.contains(trace), "the check can see {trace} before the erasure");
    }

    let erased = d.erase_client(&client, "  rajesh k. sharma ").unwrap();
    assert_eq!(erased.message, "Erased the personal data of client Rajesh K. Sharma");

    let after = everything(&d);
    for trace in [PHONE, "90000 00001", EMAIL, ADDRESS, "Rajesh K. Sharma"] {
        assert!(!after.contains(trace), "{trace} is still in the file after the erasure");
    }
    assert!(d.clients().unwrap().is_empty());
    assert!(d.search("Hauz", 10).unwrap().is_empty());
    // The case's history names the client by what they are now.
    let history = d.history(&case).unwrap();
    assert_eq!(history.last().unwrap().message, "Clients cleared (was Erased client)");
    let label: String = d
        .conn()
        .query_row(
            "SELECT label FROM removed_records WHERE kind = 'client' AND id = ?1",
            [&client],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(label, "Erased client");
    // One entry goes out: the replacement.
    let queued: Vec<(String, i64)> = d
        .conn()
        .prepare("SELECT doc_id, replaces FROM outbox WHERE doc_id = ?1")
        .unwrap()
        .query_map([&client], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(queued, vec![(client.clone(), 1)]);
    // Freed pages and the WAL hold nothing either.
    let free: i64 = d.conn().query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    assert_eq!(free, 0, "freed pages after the scrub");
    assert_eq!(
        std::fs::metadata(tmp.path().join("diary.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0),
        0
    );

    assert_eq!(
        d.erase_client(&client, "Erased client").unwrap_err().code(),
        "already_erased"
    );
    assert_eq!(d.remove_client(&client).unwrap_err().code(), "already_removed");
    assert_eq!(
        d.undo().unwrap_err().code(),
        "nothing_to_undo",
        "undo stops at an erasure"
    );

    // The same after reopening and rebuilding the projection.
    drop(d);
    let mut d = open(tmp.path());
    d.rebuild().unwrap();
    assert!(!everything(&d).contains("Rajesh K. Sharma"));
    assert_eq!(
        d.history(&case).unwrap().last().unwrap().message,
        "Clients cleared (was Erased client)"
    );
}

#[test]
fn a_change_made_elsewhere_to_an_erased_client_is_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, case) = seed(&mut d, "Rajesh Sharma", "CS 3/2026", today() + Duration::days(3));
    detach(&mut d, &case);
    // Another laptop, offline, still has the old document and edits it.
    let mut elsewhere = nextdate_diary::store::load_doc(d.conn(), &client).unwrap();
    elsewhere.set_actor(automerge::ActorId::from(vec![7u8; 16]));
    let heads = elsewhere.get_heads();
    let mut old: nextdate_diary::model::ClientDoc = autosurgeon::hydrate(&elsewhere).unwrap();
    old.phones = vec![PHONE.into()];
    autosurgeon::reconcile(&mut elsewhere, &old).unwrap();
    elsewhere.commit();
    let late = DocChange {
        doc_id: client.clone(),
        kind: "client".into(),
        bytes: elsewhere.save_after(&heads),
        replaces: false,
        context: Vec::new(),
        signatures: Vec::new(),
    };
    let whole = DocChange {
        bytes: elsewhere.save(),
        ..late.clone()
    };

    d.erase_client(&client, "Rajesh Sharma").unwrap();
    let from_elsewhere = nextdate_diary::replication::SignedChanges {
        signer: [7; 32],
        changes: vec![late, whole],
    };
    let report = d.merge_remote(&[from_elsewhere], &[]).unwrap();
    assert_eq!((report.docs_changed, report.already_known), (0, 1));
    assert!(!everything(&d).contains(PHONE), "the late change was kept");
    assert!(
        everything(&d).contains("Rajesh Sharma v. State"),
        "the case itself is untouched"
    );
}
