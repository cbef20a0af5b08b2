//! Chamber sync end to end: real diaries (SQLCipher files) syncing through a
//! real `nextdate-relay` process on 127.0.0.1. The randomized three-laptop
//! test is in `sync/randomized.rs`.

/// The randomized three-laptop test.
#[path = "sync/randomized.rs"]
mod randomized;
#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/lying_relay.rs"]
mod support_lying_relay;
#[path = "support/postgres.rs"]
mod support_postgres;
#[path = "support/relay.rs"]
mod support_relay;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::NaiveDate;
use nextdate_diary::{projection, Diary, NewCase};
use nextdate_sync::crypto::{self, ChamberKey, DeviceKeys};
use nextdate_sync::engine;
use nextdate_sync::SyncError;
use support_chamber::chamber;
use support_relay::*;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::Duration::days(n)
}

fn settle(devices: &mut [Diary]) {
    for _ in 0..3 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

fn assert_converged(devices: &[Diary]) {
    let heads0 = devices[0].doc_heads().unwrap();
    let dump0 = projection::dump(devices[0].conn()).unwrap();
    for (i, d) in devices.iter().enumerate().skip(1) {
        assert_eq!(d.doc_heads().unwrap(), heads0, "device {i} has different documents");
        let dump = projection::dump(d.conn()).unwrap();
        if dump != dump0 {
            let a: BTreeSet<_> = dump0.iter().collect();
            let b: BTreeSet<_> = dump.iter().collect();
            panic!(
                "device {i} has a different projection:\nonly on 0: {:?}\nonly on {i}: {:?}",
                a.difference(&b).take(5).collect::<Vec<_>>(),
                b.difference(&a).take(5).collect::<Vec<_>>()
            );
        }
    }
}

/// The relay is SIGKILLed while a device is pushing; after a restart the device
/// resumes, and the relay's log holds every change exactly once.
#[test]
fn relay_killed_mid_push_loses_and_duplicates_nothing() {
    relay_killed_mid_push(None);
}

/// The same, with the relay's storage in PostgreSQL.
#[test]
fn relay_on_postgres_killed_mid_push_loses_and_duplicates_nothing() {
    let cluster = support_postgres::PgCluster::shared();
    relay_killed_mid_push(Some(&cluster.new_database()));
}

fn relay_killed_mid_push(database: Option<&str>) {
    let root = tempfile::tempdir().unwrap();
    let relay_dir = root.path().join("relay");
    let mut relay = RelayProc::start_on(&relay_dir, &root.path().join("relay.log"), database);
    let mut devices = chamber(root.path(), &relay, 2);
    let today = day(0);
    nextdate_diary::demo::generate(&mut devices[0], 2500, 7, today, 250, |_| {}).unwrap();
    let queued = devices[0].outbox_len().unwrap();
    assert!(queued >= 2500);

    let dir0 = devices[0].dir().to_path_buf();
    let d0 = devices.remove(0);
    let pusher = std::thread::spawn(move || {
        let mut d0 = d0;
        let r = engine::sync_now(&mut d0);
        (d0, r)
    });
    // Kill as soon as the first batch has landed.
    let mut killed_mid_push = false;
    for _ in 0..20_000 {
        if pusher.is_finished() {
            break;
        }
        let batches = relay.metric("nextdate_relay_stored{what=\"batches\"}").unwrap_or(0.0);
        if batches >= 2.0 {
            relay.kill();
            killed_mid_push = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let (mut d0, first) = pusher.join().unwrap();
    assert!(
        killed_mid_push,
        "the relay should be killed while the push is under way"
    );
    let err = first.expect_err("a push to a killed relay fails");
    assert!(matches!(err, SyncError::Unreachable(..)), "{err}");
    assert!(d0.outbox_len().unwrap() > 0, "part of the outbox is still queued");
    assert!(engine::status(&d0).unwrap().last_error.is_some());

    relay.restart();
    engine::sync_with_retry(&mut d0, 5).unwrap();
    assert_eq!(d0.outbox_len().unwrap(), 0);
    devices.insert(0, d0);
    settle(&mut devices);
    assert_converged(&devices);
    assert_eq!(devices[1].cases(&Default::default()).unwrap().len(), 2500);

    // Every queued change is in the relay's log exactly once.
    drop(relay);
    let key_hex = reopen_key(&dir0, &mut devices);
    let chamber = devices[0].chamber_id().to_string();
    let storage = nextdate_relay::open_storage(&relay_dir, database).unwrap();
    let envelopes: Vec<Vec<u8>> = storage
        .batches_after(&chamber, 0, 1_000_000, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|(_, envelope)| envelope)
        .collect();
    let mut seen = BTreeSet::new();
    let mut total = 0;
    for env in envelopes {
        let opened = crypto::open(&env, &key_hex, &chamber).unwrap();
        if opened.device != device_public(&devices[0]) {
            continue;
        }
        for c in opened.payload.changes {
            total += 1;
            assert!(seen.insert((c.doc_id, c.bytes)), "a change was stored twice");
        }
    }
    assert!(total as i64 >= queued, "the relay holds {total} of {queued} changes");
}

fn reopen_key(_dir: &std::path::Path, devices: &mut [Diary]) -> ChamberKey {
    let hex = devices[0].sync_state("chamber_key").unwrap().unwrap();
    let raw = data_encoding::HEXLOWER.decode(hex.as_bytes()).unwrap();
    ChamberKey::from_bytes(1, raw.try_into().unwrap())
}

fn device_public(d: &Diary) -> [u8; 32] {
    DeviceKeys::from_secret_hex(&d.sync_state("device").unwrap().unwrap())
        .unwrap()
        .public()
}

/// One flipped byte in a stored batch: every other device refuses it, says so,
/// and carries on with the rest.
#[test]
fn a_tampered_batch_is_refused_by_every_device() {
    let root = tempfile::tempdir().unwrap();
    let relay_dir = root.path().join("relay");
    let relay = RelayProc::start(&relay_dir, &root.path().join("relay.log"), "127.0.0.1:0");
    let mut devices = chamber(root.path(), &relay, 3);
    settle(&mut devices);
    let case = devices[0]
        .add_case(NewCase {
            title: "Tampered v. Relay".into(),
            number: "CS 1/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    {
        let conn = rusqlite::Connection::open(relay_dir.join("relay.db")).unwrap();
        let (seq, mut env): (i64, Vec<u8>) = conn
            .query_row("SELECT seq, envelope FROM batches ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        let i = env.len() / 2;
        env[i] ^= 0x04;
        conn.execute(
            "UPDATE batches SET envelope = ?1 WHERE seq = ?2",
            rusqlite::params![env, seq],
        )
        .unwrap();
    }
    // A later, untampered change still arrives.
    let later = devices[0]
        .add_case(NewCase {
            title: "Later v. Fine".into(),
            number: "CS 2/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    for d in devices.iter_mut().skip(1) {
        let report = engine::sync_now(d).unwrap();
        assert_eq!(report.rejected_batches, 1);
        assert!(d.case_doc(&case).is_err(), "the tampered case must not be merged");
        assert!(d.case_doc(&later).is_ok(), "later batches still merge");
        let status = engine::status(d).unwrap();
        assert_eq!(status.rejected_batches, 1);
        assert!(status.last_rejection.unwrap().contains("signature"));
        // It is not refused again on the next round.
        assert_eq!(engine::sync_now(d).unwrap().rejected_batches, 0);
    }
}

/// Attachments travel as encrypted blobs and arrive intact.
#[test]
fn attachments_sync_encrypted() {
    let root = tempfile::tempdir().unwrap();
    let relay_dir = root.path().join("relay");
    let relay = RelayProc::start(&relay_dir, &root.path().join("relay.log"), "127.0.0.1:0");
    let mut devices = chamber(root.path(), &relay, 2);
    let case = devices[0]
        .add_case(NewCase {
            title: "Attach v. Sync".into(),
            number: "OS 9/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    let content = b"VAKALATNAMA signed by Zorawar Singh".repeat(100);
    devices[0]
        .attach_document(&case, "vakalatnama.txt", "text/plain", &content, false)
        .unwrap();
    let up = engine::sync_now(&mut devices[0]).unwrap();
    assert_eq!(up.blobs_sent, 1);
    let down = engine::sync_now(&mut devices[1]).unwrap();
    assert_eq!(down.blobs_received, 1);
    let inv = devices[1].blob_inventory().unwrap();
    assert_eq!(inv.len(), 1);
    assert!(inv[0].present, "the attachment's bytes are here");
    assert_eq!(devices[1].blob(&inv[0].sha256).unwrap().unwrap(), content);
    drop(relay);
    assert!(!contains(&all_bytes(&relay_dir), "VAKALATNAMA"));
}

/// The live connection: a device listening is told as soon as another device's
/// batch lands (and the position it names is past its cursor, so it pulls);
/// when the relay dies the feed says so instead of hanging, and a stranger's
/// device cannot open one.
#[test]
fn a_listening_device_hears_of_new_batches_at_once() {
    use nextdate_sync::live::{LiveEvent, LiveFeed, LiveTarget};
    let root = tempfile::tempdir().unwrap();
    let mut relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber(root.path(), &relay, 2);
    settle(&mut devices);
    let mut feed = LiveFeed::connect(&LiveTarget::of(&devices[1]).unwrap()).unwrap();
    assert_eq!(feed.next(Duration::from_millis(300)).unwrap(), LiveEvent::Quiet);

    devices[0]
        .add_case(NewCase {
            title: "Live v. Relay".into(),
            number: "CS 77/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    let started = std::time::Instant::now();
    engine::sync_now(&mut devices[0]).unwrap();
    let cursor: u64 = devices[1].sync_state("cursor").unwrap().unwrap().parse().unwrap();
    let latest = loop {
        match feed.next(Duration::from_secs(5)).unwrap() {
            LiveEvent::Grew(latest) => break latest,
            LiveEvent::Quiet => assert!(started.elapsed() < Duration::from_secs(10), "no notification"),
        }
    };
    assert!(
        latest > cursor,
        "notified position {latest} is past the cursor {cursor}"
    );
    let pulled = engine::sync_now(&mut devices[1]).unwrap();
    assert!(pulled.merged_docs >= 1, "{pulled:?}");
    feed.ping().unwrap();

    // A device with its own keys but no membership is refused a live connection.
    let mut stranger = new_diary(&root.path().join("stranger"), "Stranger");
    engine::init(&mut stranger, &relay.url, None, None).unwrap();
    stranger.set_sync_state(&[("device", Some(&"11".repeat(64)))]).unwrap();
    // (its own chamber is registered, but not with that device key)
    assert!(LiveFeed::connect(&LiveTarget::of(&stranger).unwrap()).is_err());

    relay.kill();
    let gone = std::time::Instant::now();
    let ended = loop {
        match feed.next(Duration::from_millis(500)) {
            Err(e) => break e,
            Ok(_) => {
                let _ = feed.ping();
                assert!(
                    gone.elapsed() < Duration::from_secs(10),
                    "the feed never noticed the relay died"
                );
            }
        }
    };
    assert_eq!(ended.code(), "relay_unreachable", "{ended}");
    assert!(LiveFeed::connect(&LiveTarget::of(&devices[1]).unwrap()).is_err());
}

/// A relay that acknowledges a batch without storing it, or leaves a batch
/// out of what it serves: the devices notice, say so, send again or ask
/// again, and converge with nothing lost.
#[test]
fn a_relay_that_drops_or_hides_batches_is_caught_and_nothing_is_lost() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let liar = support_lying_relay::LyingRelay::start(&relay.url);
    let mut devices = chamber(root.path(), &relay, 2);
    for d in devices.iter_mut() {
        d.set_sync_state(&[("relay", Some(&liar.url))]).unwrap();
    }
    settle(&mut devices);

    // Acknowledged, never stored: the device sees it is missing and sends it again.
    let case = devices[0]
        .add_case(NewCase {
            title: "Dropped v. Relay".into(),
            number: "CS 11/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    liar.lies
        .drop_next_push
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let report = engine::sync_now(&mut devices[0]).unwrap();
    assert_eq!(
        liar.lies.dropped.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the lie was told"
    );
    assert_eq!(report.resent_batches, 1, "{report:?}");
    let status = engine::status(&devices[0]).unwrap();
    assert!(
        status.last_rejection.as_deref().unwrap_or("").contains("never served"),
        "{status:?}"
    );
    assert_eq!(status.pending_changes, 0, "sent again, and seen back this time");
    engine::sync_now(&mut devices[1]).unwrap();
    assert!(
        devices[1].case_doc(&case).is_ok(),
        "the dropped change arrived after all"
    );

    // A batch left out of the pages: the other device stops before it and says so.
    let hidden = devices[0]
        .add_case(NewCase {
            title: "Hidden v. Relay".into(),
            number: "CS 12/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    let seq = engine::state(&devices[0]).unwrap().unwrap().cursor;
    liar.lies.hide_seq.store(seq, std::sync::atomic::Ordering::SeqCst);
    let after = devices[0]
        .add_case(NewCase {
            title: "After v. Relay".into(),
            number: "CS 13/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    let before = engine::state(&devices[1]).unwrap().unwrap().cursor;
    let report = engine::sync_now(&mut devices[1]).unwrap();
    assert!(report.withheld_batches >= 1, "{report:?}");
    assert_eq!(
        engine::state(&devices[1]).unwrap().unwrap().cursor,
        seq - 1,
        "the cursor stops before the gap"
    );
    assert!(before < seq);
    assert!(devices[1].case_doc(&hidden).is_err() && devices[1].case_doc(&after).is_err());
    assert!(engine::status(&devices[1])
        .unwrap()
        .last_rejection
        .unwrap()
        .contains("skipped batches"));
    // The relay stops lying: everything arrives, nothing was lost.
    liar.lies.hide_seq.store(0, std::sync::atomic::Ordering::SeqCst);
    settle(&mut devices);
    assert!(devices[1].case_doc(&hidden).is_ok() && devices[1].case_doc(&after).is_ok());
    assert_converged(&devices);
}

/// A relay that leaves one laptop's batch out and numbers its log around it,
/// so that the log shows no gap: the other laptop notices from the sender's
/// own chain of batches, says so by laptop, and finds the batch once the
/// relay serves it again.
#[test]
fn a_batch_withheld_without_a_gap_is_noticed_from_its_senders_chain() {
    use std::sync::atomic::Ordering::SeqCst;
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let liar = support_lying_relay::LyingRelay::start(&relay.url);
    let mut devices = chamber(root.path(), &relay, 2);
    devices[1].set_sync_state(&[("relay", Some(&liar.url))]).unwrap();
    settle(&mut devices);

    let case = |title: &str, number: &str| NewCase {
        title: title.into(),
        number: number.into(),
        court: "Saket".into(),
        ..Default::default()
    };
    let withheld = devices[0].add_case(case("Withheld v. Relay", "CS 21/2026")).unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    let seq = engine::state(&devices[0]).unwrap().unwrap().cursor;
    liar.lies.hide_and_renumber.store(seq, SeqCst);
    let later = devices[0].add_case(case("Later v. Relay", "CS 22/2026")).unwrap();
    engine::sync_now(&mut devices[0]).unwrap();

    let report = engine::sync_now(&mut devices[1]).unwrap();
    assert_eq!(report.withheld_batches, 1, "{report:?}");
    assert!(devices[1].case_doc(&later).is_ok() && devices[1].case_doc(&withheld).is_err());
    let missing = engine::status(&devices[1]).unwrap().missing_batches;
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(
        missing[0].starts_with("1 batch from Adv. Meera Iyer's laptop"),
        "{missing:?}"
    );
    // Still lying: still missing, still said, and nothing else goes wrong.
    engine::sync_now(&mut devices[1]).unwrap();
    assert_eq!(engine::status(&devices[1]).unwrap().missing_batches.len(), 1);

    // The relay serves it again: found, and nothing is missing any more.
    liar.lies.hide_and_renumber.store(0, SeqCst);
    devices[0].add_case(case("Afterwards v. Relay", "CS 23/2026")).unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    engine::sync_now(&mut devices[1]).unwrap();
    assert!(devices[1].case_doc(&withheld).is_ok(), "the withheld batch was found");
    assert!(engine::status(&devices[1]).unwrap().missing_batches.is_empty());
    settle(&mut devices);
    assert_converged(&devices);
}
