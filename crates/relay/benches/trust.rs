//! Chamber-trust benchmarks (figures, not assertions), with real diaries and
//! a real `nextdate-relay` process on 127.0.0.1:
//!
//! 1. What a device spends on each incoming batch: checking the batch's
//!    signature, beside decrypting it, and merging it (the merge includes
//!    checking each change's own signature and judging it against its
//!    author's role), for one-change and 100-change batches; and the
//!    whole-diary re-check `nextdate verify` runs afterwards.
//! 2. Removing one laptop from a 10-laptop chamber: the admin's whole removal
//!    (chamber change, new key sealed to the 8 others, the relay's rotation,
//!    the push), the HPKE sealing alone, and each remaining laptop's next
//!    sync (which fetches its new key), beside a sync with nothing new
//!    measured in the same run.
//!
//! `cargo bench -p nextdate-relay --bench trust`

#[path = "support/mod.rs"]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use nextdate_diary::replication::SignedChanges;
use nextdate_diary::roles::Role;
use nextdate_diary::{authorship, Diary, NewCase};
use nextdate_protocol::{envelope, BatchPayload};
use nextdate_sync::crypto::{self, DeviceKeys};
use nextdate_sync::epochs::ChamberKeys;
use nextdate_sync::{engine, joining, rotation, wire};
use support::{new_diary, start_relay, Relay};

/// A chamber of `n` laptops on `relay`: the first sets it up, the others are let in.
fn chamber(root: &Path, relay: &Relay, n: usize) -> Vec<Diary> {
    let mut devices = vec![new_diary(&root.join("d0"), "Senior")];
    engine::init(&mut devices[0], &relay.url, None, None).unwrap();
    for i in 1..n {
        let code = joining::invite(&mut devices[0], Duration::from_secs(600), Role::Advocate)
            .unwrap()
            .invite
            .code()
            .to_string();
        let mut d = new_diary(&root.join(format!("d{i}")), &format!("Junior {i}"));
        joining::join(&mut d, &code, &format!("laptop {i}")).unwrap();
        engine::sync_now(&mut devices[0]).unwrap();
        engine::sync_now(&mut d).unwrap();
        devices.push(d);
    }
    for d in devices.iter_mut() {
        engine::sync_now(d).unwrap();
    }
    devices
}

fn keys_of(d: &Diary) -> DeviceKeys {
    DeviceKeys::from_secret_hex(&d.sync_state("device").unwrap().unwrap()).unwrap()
}

fn micros(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1e6 / n as f64
}

struct BatchCost {
    changes: usize,
    batches: usize,
    bytes: usize,
    verify_us: f64,
    decrypt_us: f64,
    merge_us: f64,
}

/// `sender` writes `batches × per_batch` new cases; `receiver` takes them
/// in batch by batch, each step timed on its own.
fn batch_cost(sender: &mut Diary, receiver: &mut Diary, batches: usize, per_batch: usize, tag: &str) -> BatchCost {
    for i in 0..batches * per_batch {
        sender
            .add_case(NewCase {
                title: format!("Matter {tag}-{i} v. State"),
                number: format!("CS {tag}-{i}/2026"),
                court: "District Court".into(),
                stage: Some("Admission".into()),
                ..Default::default()
            })
            .unwrap();
    }
    let keys = keys_of(sender);
    let ring = ChamberKeys::load(sender).unwrap().unwrap();
    let chamber = sender.chamber_id().to_string();
    let mut sealed = Vec::new();
    let mut after = 0;
    while let Some(run) = sender.outbox_run(after, 1 << 20, per_batch).unwrap() {
        after = run.last;
        // Signed as a laptop sends them: each Automerge change by the sender's key.
        let changes = run
            .changes
            .into_iter()
            .map(|mut c| {
                c.signatures = authorship::hashes_of(&c)
                    .iter()
                    .flat_map(|h| keys.sign(&authorship::signing_message(&chamber, h)))
                    .collect();
                wire::to_wire(c)
            })
            .collect();
        let payload = BatchPayload {
            changes,
            device_seq: sealed.len() as u64 + 1,
            previous: vec![0; 32],
        };
        sealed.push(crypto::seal(
            &keys,
            ring.current(),
            &chamber,
            [after as u8; 16],
            &payload,
        ));
    }
    // Delivered (to the receiver, below): out of the sender's outbox.
    sender.outbox_confirm(0, after, &[]).unwrap();
    let bytes = sealed.iter().map(Vec::len).sum::<usize>() / sealed.len();
    let key = *ring.current().bytes();
    let sealing = || envelope::SealingKey {
        epoch: ring.current().epoch,
        key: &key,
    };

    let start = Instant::now();
    let bodies: Vec<_> = sealed.iter().map(|b| envelope::verify(b).unwrap()).collect();
    let verify = start.elapsed();
    let start = Instant::now();
    let opened: Vec<_> = bodies
        .into_iter()
        .map(|b| envelope::decrypt(b, sealing(), &chamber).unwrap())
        .collect();
    let decrypt = start.elapsed();
    let start = Instant::now();
    for o in opened {
        let batch = SignedChanges {
            signer: o.device,
            changes: o.payload.changes.into_iter().map(wire::from_wire).collect(),
        };
        let merged = receiver.merge_remote(&[batch], &[]).unwrap();
        assert_eq!(merged.refused, 0);
    }
    let merge = start.elapsed();
    BatchCost {
        changes: per_batch,
        batches: sealed.len(),
        bytes,
        verify_us: micros(verify, sealed.len()),
        decrypt_us: micros(decrypt, sealed.len()),
        merge_us: micros(merge, sealed.len()),
    }
}

struct RotationCost {
    devices: usize,
    remove_ms: f64,
    seal_us: f64,
    idle_sync_ms: f64,
    rekey_sync_ms: f64,
}

fn rotation_cost(root: &Path) -> RotationCost {
    const N: usize = 10;
    let relay = start_relay(&root.join("relay-rotation"));
    let mut devices = chamber(&root.join("rotation"), &relay, N);
    // A sync with nothing new on every laptop but the admin: the baseline.
    let start = Instant::now();
    for d in devices.iter_mut().skip(1).take(N - 2) {
        engine::sync_now(d).unwrap();
    }
    let idle_sync_ms = start.elapsed().as_secs_f64() * 1000.0 / (N - 2) as f64;

    // The sealing alone: the new key to each of the 8 laptops that remain.
    let admin_keys = keys_of(&devices[0]);
    let others: Vec<DeviceKeys> = devices.iter().skip(1).take(N - 2).map(keys_of).collect();
    let key = nextdate_sync::crypto::ChamberKey::generate();
    let start = Instant::now();
    for k in &others {
        rotation::seal_epoch_key(&admin_keys, devices[0].chamber_id(), &k.public(), &k.dh_public(), &key).unwrap();
    }
    let seal_us = micros(start.elapsed(), others.len());

    let start = Instant::now();
    let removal = rotation::remove(&mut devices[0], &format!("laptop {}", N - 1)).unwrap();
    let remove_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(removal.epoch, 2);

    let start = Instant::now();
    for d in devices.iter_mut().skip(1).take(N - 2) {
        engine::sync_now(d).unwrap();
        assert_eq!(engine::status(d).unwrap().key_epoch, Some(2));
    }
    let rekey_sync_ms = start.elapsed().as_secs_f64() * 1000.0 / (N - 2) as f64;
    RotationCost {
        devices: N,
        remove_ms,
        seal_us,
        idle_sync_ms,
        rekey_sync_ms,
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    eprintln!("incoming batches: a 2-laptop chamber …");
    let relay = start_relay(&root.path().join("relay"));
    let mut pair = chamber(&root.path().join("pair"), &relay, 2);
    let (a, b) = pair.split_at_mut(1);
    let small = batch_cost(&mut b[0], &mut a[0], 300, 1, "one");
    let large = batch_cost(&mut b[0], &mut a[0], 20, 100, "hundred");
    let start = Instant::now();
    let verified = a[0].verify_authorship().unwrap();
    let verify_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert!(verified.all_attributed(), "{:?}", verified.unattributed);
    eprintln!("rotation: a 10-laptop chamber …");
    let rot = rotation_cost(root.path());

    println!();
    println!(
        "{:<34} {:>12} {:>12} {:>14} {:>12}",
        "per incoming batch", "signature", "decrypt", "judge + merge", "batch bytes"
    );
    for c in [&small, &large] {
        println!(
            "{:<34} {:>10.1}µs {:>10.1}µs {:>12.0}µs {:>12}",
            format!("{} change(s), {} batches", c.changes, c.batches),
            c.verify_us,
            c.decrypt_us,
            c.merge_us,
            c.bytes
        );
    }
    println!(
        "nextdate verify on the receiving diary: {} changes in {:.0} ms ({:.0} µs per change)",
        verified.changes,
        verify_ms,
        verify_ms * 1000.0 / verified.changes.max(1) as f64
    );
    println!();
    println!("removing 1 laptop from a {}-laptop chamber:", rot.devices);
    println!(
        "  the admin's whole removal (change, seal to {}, rotate, push): {:.1} ms",
        rot.devices - 2,
        rot.remove_ms
    );
    println!(
        "  sealing the new key to one laptop (HPKE auth mode): {:.0} µs",
        rot.seal_us
    );
    println!(
        "  each remaining laptop's next sync, fetching its key: {:.1} ms (a sync with nothing new: {:.1} ms)",
        rot.rekey_sync_ms, rot.idle_sync_ms
    );
}
