//! Three laptops, random additions, corrections, removals, status changes and
//! undos, partitions and a relay restart: every laptop ends with the same
//! diary, nothing lost that was not removed, and each projection equals a
//! rebuild.

use std::collections::BTreeSet;

use nextdate_diary::case_status::CaseStatus;
use nextdate_diary::records::{HearingEdit, NoteEdit, StatusChange};
use nextdate_diary::{
    projection, CaseEdit, Diary, FeeKind, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, RecordHearing,
};
use nextdate_sync::engine;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::support_chamber::chamber;
use super::support_relay::*;
use super::{assert_converged, day, settle};

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
    three_devices_converge(None);
}

/// The same, with the relay's storage in PostgreSQL.
#[test]
fn three_devices_converge_through_a_relay_on_postgres() {
    three_devices_converge(Some(&crate::support_postgres::PgCluster::shared()));
}

fn three_devices_converge(postgres: Option<&crate::support_postgres::PgCluster>) {
    let root = tempfile::tempdir().unwrap();
    let relay_dir = root.path().join("relay");
    let database = postgres.map(|c| c.new_database());
    let mut relay = RelayProc::start_on(&relay_dir, &root.path().join("relay.log"), database.as_deref());
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
                            non_effective: false,
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
    if let Some(cluster) = postgres {
        // The database's own files: tables, indexes and its write-ahead log.
        relay_bytes.extend(all_bytes(cluster.socket_dir()));
    }
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
