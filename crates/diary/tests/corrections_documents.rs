//! Correcting documents attached to cases: renaming, client visibility,
//! removal and saving their contents, each bad input refused with nothing
//! changed; and the rule for their bytes: kept while any document record
//! names them, live or removed, deleted when a merge takes the last one away.

mod common;
mod records_support;

use common::*;
use nextdate_diary::records::{Corrected, DocumentEdit};
use nextdate_diary::Diary;
use records_support::*;

fn blob_ids(d: &Diary) -> Vec<String> {
    snapshot(d).3
}

/// A change from another laptop that takes the record `doc_id` out of
/// `case`'s documents altogether (as no Nextdate does today, but a merge can).
fn drop_document_remotely(d: &mut Diary, case: &str, doc_id: &str) {
    use automerge::transaction::Transactable;
    use automerge::ReadDoc;
    let mut doc = nextdate_diary::store::load_doc(d.conn(), case).unwrap();
    doc.set_actor(automerge::ActorId::random());
    let heads = doc.get_heads();
    let (_, documents) = doc.get(automerge::ROOT, "documents").unwrap().unwrap();
    doc.delete(&documents, doc_id).unwrap();
    doc.commit();
    let change = nextdate_diary::replication::DocChange {
        doc_id: case.to_string(),
        kind: "case".into(),
        bytes: doc.save_after(&heads),
        replaces: false,
        context: Vec::new(),
        signatures: Vec::new(),
    };
    let from_elsewhere = nextdate_diary::replication::SignedChanges {
        signer: [7; 32],
        changes: vec![change],
    };
    d.merge_remote(&[from_elsewhere], &[]).unwrap();
}

#[test]
fn documents_are_renamed_hidden_and_removed_and_their_bytes_stay_while_any_record_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, other) = two_cases(&mut d);
    let vakalat = b"%PDF-1.4 vakalatnama".to_vec();
    let file = tmp.path().join("vakalatnama.pdf");
    std::fs::write(&file, &vakalat).unwrap();
    let here = d.attach_file(&case, &file, false).unwrap();
    let there = d
        .attach_document(&other, "copy.pdf", "application/pdf", &vakalat, true)
        .unwrap();
    let rows = d.case_documents(&case).unwrap();
    assert_eq!(
        (rows[0].name.as_str(), rows[0].media_type.as_str()),
        ("vakalatnama.pdf", "application/pdf")
    );
    refused(&mut d, "unknown_id", |d| d.case_documents(UNKNOWN));

    let c = d
        .edit_document(
            &case,
            &here,
            DocumentEdit {
                name: Some("Vakalatnama (signed).pdf".into()),
                client_visible: Some(true),
            },
        )
        .unwrap();
    assert_eq!(
        c.message,
        "Document \u{201c}vakalatnama.pdf\u{201d}: renamed \u{201c}Vakalatnama (signed).pdf\u{201d}; made visible to the client"
    );
    let row = &d.case_documents(&case).unwrap()[0];
    assert_eq!(
        (row.name.as_str(), row.client_visible),
        ("Vakalatnama (signed).pdf", true)
    );

    // Saving writes the exact bytes, and never over a file unless asked.
    let out = tmp.path().join("saved.pdf");
    d.save_document(&here, &out, false).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), vakalat);
    std::fs::write(&out, b"mine").unwrap();
    refused(&mut d, "bad_path", |d| d.save_document(&here, &out, false));
    assert_eq!(std::fs::read(&out).unwrap(), b"mine");
    d.save_document(&here, &out, true).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), vakalat);

    let name = |n: &str| DocumentEdit {
        name: Some(n.into()),
        ..Default::default()
    };
    refused(&mut d, "nothing_to_change", |d| {
        d.edit_document(&case, &here, DocumentEdit::default())
    });
    refused(&mut d, "empty_field", |d| d.edit_document(&case, &here, name(" ")));
    refused(&mut d, "unknown_id", |d| d.edit_document(&case, UNKNOWN, name("x")));
    refused(&mut d, "wrong_case", |d| d.edit_document(&other, &here, name("x")));
    refused(&mut d, "wrong_case", |d| d.remove_document(&other, &here));

    // Removed: off the case page, its bytes kept (an undo needs them).
    let c = d.remove_document(&case, &here).unwrap();
    assert_eq!(
        c.message,
        "Removed client-visible document \u{201c}Vakalatnama (signed).pdf\u{201d}"
    );
    assert!(d.case_documents(&case).unwrap().is_empty());
    assert!(removed(&d, "document", &here));
    refused(&mut d, "already_removed", |d| d.remove_document(&case, &here));
    refused(&mut d, "already_removed", |d| d.edit_document(&case, &here, name("x")));
    refused(&mut d, "already_removed", |d| d.document_contents(&here).map(|_| ()));
    let blob = d.case_documents(&other).unwrap()[0].sha256.clone();
    assert_eq!(blob_ids(&d), std::slice::from_ref(&blob));
    // Sync still knows the blob (its bytes are here), so the relay gets them once.
    let inventory = d.blob_inventory().unwrap();
    assert_eq!(inventory.len(), 1);
    assert!(inventory[0].present);

    // Another laptop drops the live record: the removed one still names the bytes.
    d.set_sync_state(&[(&format!("blob_sent.{blob}"), Some("1"))]).unwrap();
    drop_document_remotely(&mut d, &other, &there);
    assert!(d.case_documents(&other).unwrap().is_empty());
    assert_eq!(
        blob_ids(&d),
        std::slice::from_ref(&blob),
        "the removed document still names the bytes"
    );
    // Then the removed record goes too: nothing names the bytes, and they go.
    drop_document_remotely(&mut d, &case, &here);
    assert!(blob_ids(&d).is_empty(), "bytes no record names are deleted");
    assert!(d.blob_inventory().unwrap().is_empty());
    assert_eq!(d.sync_state(&format!("blob_sent.{blob}")).unwrap(), None);
    assert!(!removed(&d, "document", &here));
    assert_projection_sound(&mut d);
}

#[test]
fn a_merge_keeps_bytes_another_live_document_names() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, other) = two_cases(&mut d);
    let bytes = b"order sheet".to_vec();
    let one = d.attach_document(&case, "order.pdf", "", &bytes, false).unwrap();
    d.attach_document(&other, "order.pdf", "", &bytes, false).unwrap();
    let unique = d
        .attach_document(&other, "memo.txt", "text/plain", b"memo", false)
        .unwrap();
    let memo = d.document_contents(&unique).unwrap().row.sha256;
    drop_document_remotely(&mut d, &case, &one);
    assert_eq!(blob_ids(&d).len(), 2, "both blobs are still named by live documents");
    assert!(blob_ids(&d).contains(&memo));
    let c: Corrected = d.remove_document(&other, &unique).unwrap();
    assert!(c.changed());
    assert_eq!(blob_ids(&d).len(), 2, "a removal keeps the bytes");
}
