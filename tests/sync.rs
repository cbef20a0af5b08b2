//! Chamber sync end to end: real diaries (SQLCipher files) syncing through a
//! real `nextdate-relay` process on 127.0.0.1.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::NaiveDate;
use nextdate_diary::case_status::CaseStatus;
use nextdate_diary::records::{HearingEdit, NoteEdit, StatusChange};
use nextdate_diary::{
    projection, CaseEdit, Diary, FeeKind, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, RecordHearing,
};
use nextdate_sync::crypto::{self, ChamberKey, DeviceKeys};
use nextdate_sync::engine;
use nextdate_sync::SyncError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
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

#[derive(Default)]
struct Created {
    clients: Vec<String>,
    cases: Vec<(String, String)>,                  // (case id, case number)
    children: Vec<(String, &'static str, String)>, // (case id, kind, child id)
    tasks: Vec<(usize, String)>,
    /// Cases where a record may have been taken out on purpose: a removal,
    /// a void, a status change or an undo touched them.
    corrected: BTreeSet<String>,
    corrections: usize,
}

/// Three devices edit offline (the same case and different ones, the same field
/// and different fields), correct and remove records, change statuses and undo,
/// with partitions, reconnects and a relay killed and restarted in the middle;
/// at the end all three hold identical documents and identical projections,
/// and every record any of them made is there, live unless it was removed.
#[test]
fn three_devices_converge_under_random_edits_partitions_and_a_relay_restart() {
    let root = tempfile::tempdir().unwrap();
    let relay_dir = root.path().join("relay");
    let mut relay = RelayProc::start(&relay_dir, &root.path().join("relay.log"), "127.0.0.1:0");
    let mut devices = chamber(root.path(), &relay, 3);
    let seed: u64 = std::env::var("SYNC_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261124);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut made = Created::default();
    let mut offline = [false; 3];
    let mut ops = 0;
    let mut syncs = 0;
    let courts = ["Delhi High Court", "Saket District Court", "Tis Hazari Courts"];
    let stages = ["Admission", "Evidence", "Arguments", "Orders"];
    let mut step = 0;
    // CI runs 800 operations; a soak can ask for more (SYNC_OPS=20000).
    let total: usize = std::env::var("SYNC_OPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(800);
    while ops < total {
        step += 1;
        if step % 97 == 0 {
            for o in offline.iter_mut() {
                *o = rng.gen_bool(0.35);
            }
        }
        if step == total / 2 {
            relay.restart();
        }
        let di = rng.gen_range(0..3);
        let d = &mut devices[di];
        // Cases this device can see (others' arrive only when it syncs).
        let visible: Vec<(String, String)> = made
            .cases
            .iter()
            .filter(|(id, _)| d.case_doc(id).is_ok())
            .cloned()
            .collect();
        let roll = rng.gen_range(0..100);
        let result: Result<(), nextdate_diary::DiaryError> = (|| {
            if roll < 12 || visible.is_empty() {
                let serial = made.cases.len() + made.clients.len();
                if roll % 2 == 0 {
                    let id = d.add_client(NewClient {
                        name: format!("Zorawar Client {serial}"),
                        ..Default::default()
                    })?;
                    made.clients.push(id);
                } else {
                    let number = format!("ZQX/{serial}/2026");
                    let id = d.add_case(NewCase {
                        title: format!("Zorawar {serial} v. State"),
                        number: number.clone(),
                        court: courts[serial % 3].into(),
                        next_date: Some(day((serial % 20) as i64)),
                        ..Default::default()
                    })?;
                    made.cases.push((id, number));
                }
                return Ok(());
            }
            let (case_id, _) = &visible[rng.gen_range(0..visible.len())];
            if rng.gen_bool(0.25) {
                return correct(d, case_id, &mut made, &mut rng, step);
            }
            match roll {
                12..=34 => {
                    // Same field on several devices: the stage.
                    d.edit_case(
                        case_id,
                        CaseEdit {
                            stage: Some(Some(stages[rng.gen_range(0..4)].into())),
                            ..Default::default()
                        },
                    )?;
                }
                35..=44 => {
                    d.edit_case(
                        case_id,
                        CaseEdit {
                            bench: Some(Some(format!("Court No. {}", rng.gen_range(1..40)))),
                            ..Default::default()
                        },
                    )?;
                }
                45..=59 => {
                    let date = day(rng.gen_range(0..60));
                    let id = d.record_hearing(
                        case_id,
                        RecordHearing {
                            date,
                            outcome: Some(format!("secret-outcome-{step}")),
                            item: Some(rng.gen_range(1..90)),
                            next: NextStep::Adjourned {
                                next_date: date + chrono::Duration::days(rng.gen_range(7..45)),
                                purpose: Some("Arguments".into()),
                            },
                            attended_by: None,
                        },
                    )?;
                    made.children.push((case_id.clone(), "hearing", id));
                }
                60..=74 => {
                    let id = d.add_note(
                        case_id,
                        NewNote {
                            text: format!("secret-note-{step}"),
                            client_visible: false,
                        },
                    )?;
                    made.children.push((case_id.clone(), "note", id));
                }
                75..=84 => {
                    let id = d.add_task(
                        case_id,
                        NewTask {
                            title: format!("secret-task-{step}"),
                            due: Some(day(rng.gen_range(0..30))),
                            assignee: None,
                        },
                    )?;
                    made.children.push((case_id.clone(), "task", id.clone()));
                    made.tasks.push((di, id));
                }
                85..=89 => {
                    if let Some((_, t)) = made.tasks.iter().find(|(owner, _)| *owner == di) {
                        d.complete_task(&t.clone())?;
                    }
                }
                _ => {
                    let id = d.add_fee(
                        case_id,
                        NewFee {
                            kind: FeeKind::Received,
                            amount_minor: rng.gen_range(100..500_000),
                            currency: None,
                            date: day(rng.gen_range(0..30)),
                            mode: Some("UPI".into()),
                            remark: None,
                        },
                    )?;
                    made.children.push((case_id.clone(), "fee", id));
                }
            }
            Ok(())
        })();
        if result.is_ok() {
            ops += 1;
        }
        if rng.gen_bool(0.08) && !offline[di] {
            engine::sync_with_retry(&mut devices[di], 5).unwrap();
            syncs += 1;
        }
    }
    assert!(syncs > total / 25, "the test should sync often ({syncs})");
    assert!(
        made.corrections > total / 12,
        "the test should correct often ({})",
        made.corrections
    );
    settle(&mut devices);
    assert_converged(&devices);

    // No edit is lost: every record any device made is on every device.
    for (i, d) in devices.iter().enumerate() {
        let clients: BTreeSet<String> = d.clients().unwrap().into_iter().map(|c| c.id).collect();
        for c in made.clients.iter().filter(|c| !made.corrected.contains(*c)) {
            assert!(clients.contains(c), "device {i} lacks client {c}");
        }
        for (case_id, kind, child) in &made.children {
            let doc = d.case_doc(case_id).unwrap();
            let there = match *kind {
                "hearing" => doc.hearings.contains_key(child),
                "note" => doc.notes.contains_key(child),
                "task" => doc.tasks.contains_key(child),
                _ => doc.fees.contains_key(child),
            };
            assert!(there, "device {i} lacks {kind} {child} of case {case_id}");
            // Nothing is taken out that no one took out.
            if !made.corrected.contains(case_id) {
                let live = match *kind {
                    "note" => doc.notes[child].removed_at.is_none(),
                    "task" => doc.tasks[child].removed_at.is_none(),
                    "fee" => doc.fees[child].removed_at.is_none() && doc.fees[child].voided_at.is_none(),
                    _ => true,
                };
                assert!(
                    live,
                    "device {i}: {kind} {child} of case {case_id} was taken out by no one"
                );
            }
        }
        assert_eq!(d.outbox_len().unwrap(), 0, "device {i} still has changes queued");
        assert_eq!(engine::status(d).unwrap().devices.len(), 3);
    }

    // A projection rebuilt from the merged documents matches the one kept as they merged.
    let kept = projection::dump(devices[1].conn()).unwrap();
    devices[1].rebuild().unwrap();
    assert_eq!(projection::dump(devices[1].conn()).unwrap(), kept);

    // The relay's files and logs hold none of the plaintext.
    drop(relay);
    let mut relay_bytes = all_bytes(&relay_dir);
    relay_bytes.extend(std::fs::read(root.path().join("relay.log")).unwrap());
    for needle in [
        "Zorawar",
        "ZQX/",
        "secret-note",
        "secret-outcome",
        "secret-task",
        "Meera",
        "Saket",
    ] {
        assert!(
            !contains(&relay_bytes, needle),
            "{needle:?} found in the relay's files or logs"
        );
    }
    assert!(relay_bytes.len() > 10_000, "the relay stored something");
    eprintln!("{ops} operations, {syncs} mid-run syncs, seed {seed}");
}

/// One correction on a case this device can see: a hearing or note corrected,
/// a note or fee removed, a fee voided, the status changed, or an undo.
/// Refusals (the record was removed elsewhere, the status is already so) are
/// part of the test, as in real use.
fn correct(
    d: &mut Diary,
    case_id: &str,
    made: &mut Created,
    rng: &mut StdRng,
    step: usize,
) -> Result<(), nextdate_diary::DiaryError> {
    let doc = d.case_doc(case_id)?;
    let pick =
        |ids: Vec<&String>, rng: &mut StdRng| (!ids.is_empty()).then(|| ids[rng.gen_range(0..ids.len())].clone());
    let roll = rng.gen_range(0..100);
    let result = match roll {
        0..=24 => match pick(
            doc.hearings
                .iter()
                .filter(|(_, h)| h.removed_at.is_none())
                .map(|(id, _)| id)
                .collect(),
            rng,
        ) {
            Some(h) => d
                .edit_hearing(
                    case_id,
                    &h,
                    HearingEdit {
                        purpose: Some(Some(format!("secret-purpose-{step}"))),
                        item: Some(Some(rng.gen_range(1..90))),
                        ..Default::default()
                    },
                )
                .map(|_| ()),
            None => Ok(()),
        },
        25..=39 => match pick(
            doc.notes
                .iter()
                .filter(|(_, n)| n.removed_at.is_none())
                .map(|(id, _)| id)
                .collect(),
            rng,
        ) {
            Some(n) => d
                .edit_note(
                    case_id,
                    &n,
                    NoteEdit {
                        text: Some(format!("secret-note-corrected-{step}")),
                        client_visible: Some(rng.gen_bool(0.5)),
                    },
                )
                .map(|_| ()),
            None => Ok(()),
        },
        40..=54 => match pick(doc.notes.keys().collect(), rng) {
            Some(n) => {
                made.corrected.insert(case_id.to_string());
                d.remove_note(case_id, &n).map(|_| ())
            }
            None => Ok(()),
        },
        55..=69 => match pick(doc.fees.keys().collect(), rng) {
            Some(f) => {
                made.corrected.insert(case_id.to_string());
                d.void_fee(case_id, &f, "entered twice").map(|_| ())
            }
            None => Ok(()),
        },
        70..=84 => {
            made.corrected.insert(case_id.to_string());
            let to = [CaseStatus::Stayed, CaseStatus::Pending][rng.gen_range(0..2)];
            d.change_case_status(
                case_id,
                StatusChange {
                    to,
                    date: Some(day(0)),
                    remark: Some("interim order".into()),
                    court: None,
                },
            )
            .map(|_| ())
        }
        _ => match d.undo() {
            Ok(undone) => {
                made.corrected.extend(undone.doc_ids);
                Ok(())
            }
            Err(e) if e.code() == nextdate_diary::ErrorCode::NothingToUndo => Ok(()),
            Err(e) => Err(e),
        },
    };
    if result.is_ok() {
        made.corrections += 1;
    }
    result
}

/// The relay is SIGKILLed while a device is pushing; after a restart the device
/// resumes, and the relay's log holds every change exactly once.
#[test]
fn relay_killed_mid_push_loses_and_duplicates_nothing() {
    let root = tempfile::tempdir().unwrap();
    let relay_dir = root.path().join("relay");
    let mut relay = RelayProc::start(&relay_dir, &root.path().join("relay.log"), "127.0.0.1:0");
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
        let batches = ureq::get(&format!("{}/health", relay.url))
            .call()
            .ok()
            .and_then(|r| r.into_string().ok())
            .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
            .and_then(|v| v["batches"].as_u64())
            .unwrap_or(0);
        if batches >= 2 {
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
    let conn = rusqlite::Connection::open(relay_dir.join("relay.db")).unwrap();
    let mut stmt = conn.prepare("SELECT envelope FROM batches ORDER BY seq").unwrap();
    let envelopes: Vec<Vec<u8>> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    let chamber = devices[0].chamber_id().to_string();
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
    engine::init(&mut stranger, &relay.url).unwrap();
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
