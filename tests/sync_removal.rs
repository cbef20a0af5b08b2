//! Removing a laptop from a chamber, through a real relay process with real
//! diaries: the removed laptop is refused at once (its sync and its open live
//! socket), the chamber key moves to a new epoch sealed only to the laptops
//! that remain, and, fed the relay's database files directly, the removed
//! laptop can decrypt nothing written after its removal with any key it
//! holds. The others keep syncing, a laptop with a batch sealed under the old
//! key seals it again, and a laptop let in later reads the whole log.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use std::time::Duration;

use nextdate_diary::roles::Role;
use nextdate_diary::{Diary, NewCase, NewNote};
use nextdate_sync::crypto::{self, DeviceKeys};
use nextdate_sync::epochs::ChamberKeys;
use nextdate_sync::live::{LiveFeed, LiveTarget};
use nextdate_sync::{engine, rotation, SyncError};
use support_chamber::{chamber_of, code, let_in};
use support_relay::*;

fn keys_of(d: &Diary) -> DeviceKeys {
    DeviceKeys::from_secret_hex(&d.sync_state("device").unwrap().unwrap()).unwrap()
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    data_encoding::HEXLOWER.decode(s.as_bytes()).ok()?.try_into().ok()
}

fn case(title: &str) -> NewCase {
    NewCase {
        title: title.into(),
        number: format!("CS {}/2026", title.len()),
        court: "Bombay High Court".into(),
        ..Default::default()
    }
}

fn has_case(d: &Diary, id: &str) -> bool {
    d.case_detail(id).is_ok()
}

/// The relay's batches and sealed keys, read from a copy of its database
/// files (the database and its write-ahead log), as a removed laptop that
/// got hold of them would.
struct RelayFiles {
    batches: Vec<(i64, Vec<u8>)>,
    grants: Vec<(Vec<u8>, u32, Vec<u8>)>,
    raw: Vec<u8>,
}

fn read_relay_files(data: &std::path::Path) -> RelayFiles {
    let copy = tempfile::tempdir().unwrap();
    let mut raw = Vec::new();
    for name in ["relay.db", "relay.db-wal"] {
        if let Ok(bytes) = std::fs::read(data.join(name)) {
            std::fs::write(copy.path().join(name), &bytes).unwrap();
            raw.extend(bytes);
        }
    }
    let conn = rusqlite::Connection::open(copy.path().join("relay.db")).unwrap();
    let batches = conn
        .prepare("SELECT seq, envelope FROM batches ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let grants = conn
        .prepare("SELECT device, epoch, sealed FROM key_grants")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    RelayFiles { batches, grants, raw }
}

#[test]
fn a_removed_laptop_is_cut_off_and_can_read_nothing_written_after() {
    let root = tempfile::tempdir().unwrap();
    let mut relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber_of(root.path(), &relay, &[Role::Owner, Role::Advocate, Role::Clerk]);
    let before = devices[0].add_case(case("Sawant v. Sawant")).unwrap();
    for d in devices.iter_mut() {
        engine::sync_now(d).unwrap();
    }
    assert!(has_case(&devices[2], &before));

    // Only the admin laptop removes, and never itself.
    assert!(matches!(
        rotation::remove(&mut devices[1], "laptop 2"),
        Err(SyncError::NotAdmin)
    ));
    let own_label = engine::status(&devices[0])
        .unwrap()
        .devices
        .into_iter()
        .find(|m| m.this_device)
        .unwrap()
        .actor;
    assert!(matches!(
        rotation::remove(&mut devices[0], &own_label),
        Err(SyncError::CannotRemoveSelf)
    ));

    // The advocate writes while offline: sealed under the old key at its next push.
    let offline_note = devices[1]
        .add_note(
            &before,
            NewNote {
                text: "Written offline before the removal".into(),
                client_visible: false,
            },
        )
        .unwrap();
    // The clerk's laptop is listening live when it is removed.
    let mut live = LiveFeed::connect(&LiveTarget::of(&devices[2]).unwrap()).unwrap();

    let removal = rotation::remove(&mut devices[0], "laptop 2").unwrap();
    assert_eq!(removal.epoch, 2);
    assert_eq!(removal.removed, vec!["laptop 2 (Junior 2)".to_string()]);
    assert!(
        devices[0].sync_state("rotation").unwrap().is_none(),
        "the relay confirmed it"
    );
    assert_eq!(engine::status(&devices[0]).unwrap().key_epoch, Some(2));

    // The relay refuses the removed laptop at once: its live socket closes…
    let mut ended = None;
    for _ in 0..20 {
        match live.next(Duration::from_secs(5)) {
            Ok(_) => continue,
            Err(e) => {
                ended = Some(e);
                break;
            }
        }
    }
    assert!(matches!(ended, Some(SyncError::Removed)), "live socket: {ended:?}");
    // …and its next sync is refused, in plain words.
    match engine::sync_now(&mut devices[2]) {
        Err(e @ SyncError::Removed) => assert!(e.to_string().contains("removed from the chamber"), "{e}"),
        other => panic!("the removed laptop synced: {other:?}"),
    }
    assert!(LiveFeed::connect(&LiveTarget::of(&devices[2]).unwrap()).is_err());

    // The others carry on under the new key.
    let after = devices[0]
        .add_case(case("Kulkarni Heirs v. Municipal Corporation"))
        .unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    let synced = engine::sync_now(&mut devices[1]).unwrap();
    assert!(
        synced.pushed_batches >= 1,
        "the offline note went out, sealed again: {synced:?}"
    );
    assert_eq!(engine::status(&devices[1]).unwrap().key_epoch, Some(2));
    assert!(has_case(&devices[1], &after));
    let junior_later = devices[1].add_case(case("Deshpande v. State of Maharashtra")).unwrap();
    engine::sync_now(&mut devices[1]).unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    assert!(has_case(&devices[0], &junior_later));
    let notes = devices[0].case_detail(&before).unwrap().notes;
    assert!(
        notes.iter().any(|n| n.id == offline_note),
        "the note sealed again arrived"
    );
    let removed: Vec<bool> = engine::status(&devices[0])
        .unwrap()
        .devices
        .iter()
        .map(|m| m.removed)
        .collect();
    assert_eq!(removed.iter().filter(|r| **r).count(), 1, "{removed:?}");

    // A laptop let in after the removal reads the whole log, both epochs.
    let c = code(&mut devices[0]);
    let mut late = new_diary(&root.path().join("late"), "Junior Late");
    let_in(&mut devices[0], &mut late, &c, "late laptop");
    for id in [&before, &after, &junior_later] {
        assert!(has_case(&late, id), "the late laptop has {id}");
    }

    // The removed laptop gets hold of the relay's database files.
    relay.kill();
    let files = read_relay_files(&root.path().join("relay"));
    let clerk = keys_of(&devices[2]);
    let ring = ChamberKeys::load(&devices[2]).unwrap().unwrap();
    assert_eq!(ring.all().count(), 1, "the removed laptop holds only the first key");
    // Every X25519 key it knows, to try the sealed keys with.
    let senders: Vec<[u8; 32]> = devices[2]
        .chamber_members()
        .unwrap()
        .iter()
        .filter_map(|m| unhex32(&m.dh_key))
        .collect();
    assert!(!files.grants.is_empty());
    for (device, epoch, sealed) in &files.grants {
        assert_ne!(
            device.as_slice(),
            clerk.public().as_slice(),
            "a key sealed to the removed laptop"
        );
        assert!(
            rotation::open_epoch_key(&clerk, &senders, devices[2].chamber_id(), *epoch, sealed).is_none(),
            "the removed laptop opened a sealed key"
        );
    }
    // The sealed keys do open for the laptops they are for (so the test can fail).
    let advocate = keys_of(&devices[1]);
    let advocate_grant = files
        .grants
        .iter()
        .find(|(device, _, _)| device.as_slice() == advocate.public().as_slice())
        .expect("the advocate's copy of the new key");
    assert!(rotation::open_epoch_key(&advocate, &senders, devices[1].chamber_id(), 2, &advocate_grant.2).is_some());

    let (mut old, mut new) = (0, 0);
    for (seq, envelope) in &files.batches {
        let body = nextdate_sync::protocol::envelope::verify(envelope).unwrap();
        let opens = ring
            .all()
            .any(|k| crypto::open(envelope, k, devices[2].chamber_id()).is_ok());
        if body.epoch >= 2 {
            new += 1;
            assert!(
                !opens,
                "batch {seq}, written after the removal, opened with the removed laptop's keys"
            );
        } else {
            old += 1;
            assert!(
                opens,
                "batch {seq} from before the removal should open with the old key"
            );
        }
    }
    assert!(new >= 3, "batches after the removal: {new}");
    assert!(old >= 1);
    assert!(!contains(&files.raw, "Kulkarni"), "plaintext in the relay's files");
}
