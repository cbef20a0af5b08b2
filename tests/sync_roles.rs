//! Chamber roles through a real relay process with real diaries: an owner, an
//! advocate, a clerk and a viewer. Each laptop refuses a local change its
//! member's role does not allow; a change sent anyway (by a modified app,
//! forged here by sealing it with that laptop's own keys) is refused by every
//! other laptop and reported in plain words; a viewer's upload is refused by
//! the relay; a change written under another laptop's actor id is refused; and
//! role changes racing edits across partitions end with identical documents
//! and identical refusals everywhere.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use automerge::{ActorId, AutoCommit};
use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use nextdate_diary::model::{CaseDoc, DocKind, Fee, Note};
use nextdate_diary::roles::Role;
use nextdate_diary::{Diary, DiaryError, FeeKind, NewCase, NewFee, NewNote};
use nextdate_protocol::frame::ErrorCode;
use nextdate_protocol::{BatchPayload, WireChange};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::{self, ChamberKey, DeviceKeys};
use nextdate_sync::{engine, SyncError};
use support_chamber::chamber_of;
use support_relay::*;

fn settle(devices: &mut [Diary]) {
    for _ in 0..3 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

fn fee() -> NewFee {
    NewFee {
        kind: FeeKind::Received,
        amount_minor: 500_000,
        currency: None,
        date: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        mode: Some("upi".into()),
        remark: None,
    }
}

fn note(text: &str) -> NewNote {
    NewNote {
        text: text.into(),
        client_visible: false,
    }
}

fn keys_of(d: &Diary) -> DeviceKeys {
    DeviceKeys::from_secret_hex(&d.sync_state("device").unwrap().unwrap()).unwrap()
}

fn key_of(d: &Diary) -> ChamberKey {
    let raw = data_encoding::HEXLOWER
        .decode(d.sync_state("chamber_key").unwrap().unwrap().as_bytes())
        .unwrap();
    let epoch = d.sync_state("epoch").unwrap().unwrap().parse().unwrap();
    ChamberKey::from_bytes(epoch, raw.try_into().unwrap())
}

/// What a modified app on `d` would send: `edit` applied straight to the
/// case document as `actor` (no local role check), with `d`'s chamber context,
/// sealed and signed with `d`'s own device key and pushed to the relay. With
/// `keep`, the app also keeps the change in its own diary (as a modified app
/// writing as its own actor would, so its next changes build on it).
fn forge(
    d: &Diary,
    relay: &RelayProc,
    case: &str,
    actor: ActorId,
    keep: bool,
    edit: impl FnOnce(&mut CaseDoc),
) -> Result<String, SyncError> {
    let mut doc: AutoCommit = nextdate_diary::store::load_doc(d.conn(), case).unwrap();
    doc.set_actor(actor);
    let heads = doc.get_heads();
    let mut value: CaseDoc = autosurgeon::hydrate(&doc).unwrap();
    edit(&mut value);
    autosurgeon::reconcile(&mut doc, &value).unwrap();
    doc.commit();
    let hash = doc.get_heads()[0].to_string();
    let bytes = doc.save_after(&heads);
    if keep {
        let tx = rusqlite::Transaction::new_unchecked(d.conn(), rusqlite::TransactionBehavior::Immediate).unwrap();
        nextdate_diary::store::append_remote_change(&tx, case, DocKind::Case, &bytes, &mut doc).unwrap();
        tx.commit().unwrap();
    }
    let payload = BatchPayload {
        changes: vec![WireChange {
            doc_id: case.to_string(),
            kind: "case".into(),
            bytes,
            replaces: false,
            context: nextdate_diary::store::chamber_context(d.conn()).unwrap(),
            signatures: Vec::new(),
        }],
        ..Default::default()
    };
    let keys = keys_of(d);
    let mut batch_id = [0u8; 16];
    rand::thread_rng().fill(&mut batch_id);
    let envelope = crypto::seal(&keys, &key_of(d), d.chamber_id(), batch_id, &payload);
    let mut client = RelayClient::new(&relay.url, relay.pin).unwrap();
    client.authenticate(&keys, d.chamber_id())?;
    client.push(batch_id, envelope)?;
    Ok(hash)
}

fn own_actor(d: &Diary) -> ActorId {
    ActorId::from(data_encoding::HEXLOWER.decode(d.actor_hex().as_bytes()).unwrap())
}

fn forged_fee(c: &mut CaseDoc) {
    c.fees.insert(
        "01FORGEDFEE".into(),
        Fee {
            kind: "received".into(),
            amount_minor: 9_900_000,
            currency: "INR".into(),
            date: "2026-11-30".into(),
            ..Default::default()
        },
    );
}

/// Refused change hashes on a laptop, with the reason.
fn refused(d: &Diary) -> Vec<(String, String)> {
    let mut stmt = d
        .conn()
        .prepare("SELECT hash, reason FROM refused_changes ORDER BY hash")
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn fee_count(d: &Diary, case: &str) -> usize {
    d.case_detail(case).unwrap().fees.len()
}

#[test]
fn four_roles_are_enforced_by_every_laptop_and_the_relay() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber_of(
        root.path(),
        &relay,
        &[Role::Owner, Role::Advocate, Role::Clerk, Role::Viewer],
    );
    let case = devices[0]
        .add_case(NewCase {
            title: "Kaveri Rao v. Union of India".into(),
            number: "WP(C) 77/2026".into(),
            court: "Delhi High Court".into(),
            ..Default::default()
        })
        .unwrap();
    settle(&mut devices);
    let roles: Vec<Option<String>> = devices.iter().map(|d| engine::status(d).unwrap().role).collect();
    assert_eq!(
        roles,
        ["owner", "advocate", "clerk", "viewer"].map(|r| Some(r.to_string())),
        "each laptop knows its role"
    );

    // Each laptop refuses, itself, what its role does not allow.
    match devices[2].add_fee(&case, fee()) {
        Err(DiaryError::NotAllowed(why)) => assert_eq!(why, "a clerk may not change fees"),
        other => panic!("a clerk's fee: {other:?}"),
    }
    match devices[3].add_note(&case, note("viewer's note")) {
        Err(DiaryError::NotAllowed(why)) => assert_eq!(why, "a viewer may not add notes"),
        other => panic!("a viewer's note: {other:?}"),
    }
    devices[2].add_note(&case, note("Clerk: file inspected")).unwrap();
    devices[1].add_fee(&case, fee()).unwrap();

    // A modified app on the clerk's laptop sends a fee anyway.
    let clerk_actor = own_actor(&devices[2]);
    let forged = forge(&devices[2], &relay, &case, clerk_actor, false, forged_fee).unwrap();
    // A modified app on the viewer's laptop: the relay refuses the upload.
    let viewer_actor = own_actor(&devices[3]);
    match forge(&devices[3], &relay, &case, viewer_actor, false, forged_fee) {
        Err(SyncError::Relay {
            code: ErrorCode::Forbidden,
            message,
        }) => assert!(message.contains("viewer"), "{message}"),
        other => panic!("a viewer's push: {other:?}"),
    }
    // The advocate's laptop writes a note in the owner's name (the owner's actor id).
    let owner_actor = own_actor(&devices[0]);
    let impersonated = forge(&devices[1], &relay, &case, owner_actor, false, |c| {
        c.notes.insert(
            "01FORGEDNOTE".into(),
            Note {
                text: "Settle for any amount".into(),
                author: "Adv. Meera Iyer".into(),
                at: "2026-11-30T10:00:00Z".into(),
                ..Default::default()
            },
        );
    })
    .unwrap();
    settle(&mut devices);

    for (i, d) in devices.iter().enumerate() {
        let detail = d.case_detail(&case).unwrap();
        assert_eq!(detail.fees.len(), 1, "laptop {i}: only the advocate's fee is kept");
        let notes: Vec<&str> = detail.notes.iter().map(|n| n.text.as_str()).collect();
        assert!(
            notes.contains(&"Clerk: file inspected"),
            "laptop {i}: the clerk's note arrived"
        );
        assert!(
            !notes.contains(&"Settle for any amount"),
            "laptop {i}: the forged note was kept"
        );
    }
    for i in [0, 1, 3] {
        let r = refused(&devices[i]);
        assert!(
            r.contains(&(forged.clone(), "a clerk may not change fees".into())),
            "laptop {i} refused the clerk's fee: {r:?}"
        );
        let status = engine::status(&devices[i]).unwrap();
        assert!(
            status
                .refusals
                .contains(&"1 change from Junior 2's laptop 2 was refused: a clerk may not change fees".to_string()),
            "laptop {i} says so in plain words: {:?}",
            status.refusals
        );
    }
    for i in [0, 2, 3] {
        let r = refused(&devices[i]);
        assert!(
            r.contains(&(
                impersonated.clone(),
                "it was written in the name of another laptop".into()
            )),
            "laptop {i} refused the impersonation: {r:?}"
        );
    }
    let heads = devices[0].doc_heads().unwrap();
    for d in &devices[1..] {
        assert_eq!(d.doc_heads().unwrap(), heads, "the laptops hold the same documents");
    }

    // The owner makes the clerk an advocate: a fee from that laptop now passes.
    let clerk_member = devices[2].member_id().to_string();
    nextdate_sync::members::set_role(&mut devices[0], &clerk_member, Role::Advocate).unwrap();
    settle(&mut devices);
    devices[2].add_fee(&case, fee()).unwrap();
    settle(&mut devices);
    for d in &devices {
        assert_eq!(fee_count(d, &case), 2, "the promoted member's fee is kept everywhere");
    }
}

#[test]
fn role_changes_racing_edits_converge_with_the_same_refusals_everywhere() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber_of(root.path(), &relay, &[Role::Owner, Role::Advocate, Role::Advocate]);
    let case = devices[0]
        .add_case(NewCase {
            title: "Suresh Pillai v. State".into(),
            number: "CRL.A. 12/2026".into(),
            court: "High Court of Kerala".into(),
            ..Default::default()
        })
        .unwrap();
    settle(&mut devices);
    let x_member = devices[1].member_id().to_string();

    // Offline on both sides: the owner makes X a clerk while X records a fee.
    // X wrote it as an advocate, so every laptop keeps it.
    devices[0].set_member_role(&x_member, Role::Clerk).unwrap();
    devices[1].add_fee(&case, fee()).unwrap();
    settle(&mut devices);
    for d in &devices {
        assert_eq!(fee_count(d, &case), 1, "the racing fee is judged by the role X had");
    }
    // Now X knows it is a clerk; a fee sent anyway is refused everywhere.
    let x_actor = own_actor(&devices[1]);
    let forged = forge(&devices[1], &relay, &case, x_actor.clone(), true, forged_fee).unwrap();

    // Then random role changes, edits, forgeries and partial syncs.
    let mut rng = StdRng::seed_from_u64(0x0005_EED5);
    let roles = [Role::Advocate, Role::Clerk, Role::Accounts, Role::Viewer];
    for step in 0..40 {
        match rng.gen_range(0..5) {
            0 => {
                let role = roles[rng.gen_range(0..roles.len())];
                devices[0].set_member_role(&x_member, role).unwrap();
            }
            1 => match devices[1].add_fee(&case, fee()) {
                Ok(_) | Err(DiaryError::NotAllowed(_)) => {}
                Err(e) => panic!("step {step}: {e}"),
            },
            2 => {
                let who = rng.gen_range(1..3);
                match devices[who].add_note(&case, note(&format!("step {step}"))) {
                    Ok(_) | Err(DiaryError::NotAllowed(_)) => {}
                    Err(e) => panic!("step {step}: {e}"),
                }
            }
            3 => {
                let _ = forge(&devices[1], &relay, &case, x_actor.clone(), true, |c| {
                    c.fees.insert(
                        format!("01FORGED{step:04}"),
                        Fee {
                            kind: "expense".into(),
                            amount_minor: 100 * (step + 1),
                            currency: "INR".into(),
                            date: "2026-11-30".into(),
                            ..Default::default()
                        },
                    );
                });
            }
            _ => {
                // A partition: only some laptops get through to the relay.
                for d in devices.iter_mut() {
                    if rng.gen_bool(0.5) {
                        engine::sync_now(d).unwrap();
                    }
                }
            }
        }
    }
    settle(&mut devices);

    // The owner and Y hold the same documents and wait for nothing; X (which
    // kept its refused changes, as a modified app would) differs only by them.
    assert_eq!(devices[0].doc_heads().unwrap(), devices[2].doc_heads().unwrap());
    for i in [0, 2] {
        assert_eq!(
            devices[i].parked_changes().unwrap(),
            0,
            "laptop {i} still waits for something"
        );
    }
    let (on_owner, on_y) = (refused(&devices[0]), refused(&devices[2]));
    assert_eq!(on_owner, on_y, "the owner and Y refused different changes");
    assert!(
        on_owner.contains(&(forged, "a clerk may not change fees".into())),
        "{on_owner:?}"
    );
}
