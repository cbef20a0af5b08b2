//! What only PostgreSQL storage promises, as several relay instances on one
//! database: appends from many threads through two instances numbered
//! 1, 2, 3 … with no gap and no repeat; a token or invite used at once
//! through both works once; one instance's writes reach a watcher on the
//! other; instances starting at once migrate once; a database newer than
//! the relay is refused; errors never carry row contents.

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::Duration;

use nextdate_relay::operations::{Operations, Quota};
use nextdate_relay::storage::StorageEvent;
use nextdate_relay::{PgStorage, Storage, StoreError};

use crate::support_postgres::PgCluster;

/// How long a test waits for an event that should come.
const WAIT: Duration = Duration::from_secs(20);

fn two_instances() -> (std::sync::Arc<PgCluster>, PgStorage, PgStorage) {
    let cluster = PgCluster::shared();
    let url = cluster.new_database();
    let a = PgStorage::open(&url).unwrap();
    let b = PgStorage::open(&url).unwrap();
    (cluster, a, b)
}

#[test]
fn ten_thousand_appends_from_eight_threads_through_two_instances_are_numbered_without_gap_or_repeat() {
    const THREADS: usize = 8;
    const EACH: usize = 1250;
    let (_cluster, a, b) = two_instances();
    a.create_chamber("C", &[1; 32], None, 0).unwrap();
    let per_thread: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|t| {
                let instance = if t % 2 == 0 { &a } else { &b };
                scope.spawn(move || {
                    (0..EACH)
                        .map(|i| {
                            let mut id = [0u8; 16];
                            id[..8].copy_from_slice(&(t as u64).to_be_bytes());
                            id[8..].copy_from_slice(&(i as u64).to_be_bytes());
                            let (seq, duplicate) = instance.append_batch("C", &id, &[1; 32], &id, 1, 0).unwrap();
                            assert!(!duplicate);
                            seq
                        })
                        .collect()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let total = THREADS * EACH;
    for seqs in &per_thread {
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "one thread's batches keep their order"
        );
    }
    let handed_out: BTreeSet<u64> = per_thread.iter().flatten().copied().collect();
    assert_eq!(handed_out.len(), total, "no number handed out twice");
    assert_eq!(handed_out, (1..=total as u64).collect(), "no gap");

    // The log as stored: every number once, each the batch it was handed out for.
    let mut stored = Vec::new();
    let mut after = 0;
    loop {
        let page = b.batches_after("C", after, 1000, 1 << 20).unwrap();
        let Some(&(last, _)) = page.last() else { break };
        after = last;
        stored.extend(page);
    }
    assert_eq!(stored.len(), total);
    for (k, (seq, envelope)) in stored.iter().enumerate() {
        assert_eq!(*seq, k as u64 + 1);
        let t = u64::from_be_bytes(envelope[..8].try_into().unwrap()) as usize;
        let i = u64::from_be_bytes(envelope[8..].try_into().unwrap()) as usize;
        assert_eq!(
            per_thread[t][i], *seq,
            "batch ({t}, {i}) is stored under the number it got"
        );
    }
    assert_eq!(a.latest_seq("C").unwrap(), total as u64);
    let usage = a.chambers().unwrap();
    assert_eq!((usage[0].batches, usage[0].bytes), (total as u64, 16 * total as u64));
}

#[test]
fn a_token_or_an_invite_used_at_once_through_two_instances_works_once() {
    let (_cluster, a, b) = two_instances();
    a.add_registration_token(&[7; 32], "", 0, i64::MAX).unwrap();
    a.create_chamber("C", &[1; 32], None, 0).unwrap();
    a.add_invite("C", &[8; 32], &[1; 32], i64::MAX).unwrap();
    let (registered, joined): (Vec<bool>, Vec<bool>) = std::thread::scope(|scope| {
        let tries: Vec<_> = (0..8u8)
            .map(|t| {
                let instance = if t % 2 == 0 { &a } else { &b };
                scope.spawn(move || {
                    let registered = instance.create_chamber(&format!("N{t}"), &[t + 10; 32], Some(&[7; 32]), 1);
                    let joined = instance.redeem_invite("C", &[8; 32], &[t + 10; 32], 1);
                    for r in [&registered, &joined] {
                        assert!(matches!(r, Ok(()) | Err(StoreError::BadToken(_))), "{r:?}");
                    }
                    (registered.is_ok(), joined.is_ok())
                })
            })
            .collect();
        tries.into_iter().map(|t| t.join().unwrap()).unzip()
    });
    assert_eq!(registered.iter().filter(|ok| **ok).count(), 1);
    assert_eq!(joined.iter().filter(|ok| **ok).count(), 1);
    assert_eq!(b.chambers().unwrap().len(), 2);
    assert_eq!(b.device_count("C").unwrap(), 2);
    // Registering one id at once from two instances: one chamber, one admin.
    let outcomes: Vec<Result<(), StoreError>> = std::thread::scope(|scope| {
        let tries: Vec<_> = [(&a, [20; 32]), (&b, [21; 32])]
            .into_iter()
            .map(|(instance, device)| scope.spawn(move || instance.create_chamber("R", &device, None, 2)))
            .collect();
        tries.into_iter().map(|t| t.join().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1, "{outcomes:?}");
    assert!(outcomes.iter().any(|r| matches!(r, Err(StoreError::ChamberExists))));
    assert_eq!(a.device_count("R").unwrap(), 1);
}

#[test]
fn what_one_instance_stores_reaches_a_watcher_on_the_other() {
    let (_cluster, a, b) = two_instances();
    a.create_chamber("C", &[1; 32], None, 0).unwrap();
    let (tx, events) = mpsc::channel();
    b.watch(Box::new(move |event| {
        let _ = tx.send(event);
    }));
    // B's own append is not reported to B; A's is.
    assert_eq!(
        b.append_batch("C", &[1; 16], &[1; 32], b"by b", 1, 0).unwrap(),
        (1, false)
    );
    assert_eq!(
        a.append_batch("C", &[2; 16], &[1; 32], b"by a", 1, 0).unwrap(),
        (2, false)
    );
    assert_eq!(
        events.recv_timeout(WAIT).unwrap(),
        StorageEvent::Batch {
            chamber: "C".into(),
            latest: 2
        }
    );
    // A duplicate, a refused batch and a failed rotation announce nothing; a removal does.
    assert_eq!(
        a.append_batch("C", &[2; 16], &[1; 32], b"by a", 1, 0).unwrap(),
        (2, true)
    );
    a.set_quota(
        "C",
        Some(Quota {
            batches: 2,
            ..Default::default()
        }),
    )
    .unwrap();
    assert!(a.append_batch("C", &[3; 16], &[1; 32], b"over", 1, 0).is_err());
    assert!(a.rotate("C", &[[2; 32]], 5, &[], 0).is_err());
    a.rotate("C", &[[2; 32]], 2, &[], 0).unwrap();
    assert_eq!(
        events.recv_timeout(WAIT).unwrap(),
        StorageEvent::Removed {
            chamber: "C".into(),
            device: [2; 32]
        }
    );
    // Chambers with odd ids come through whole.
    a.create_chamber("with space", &[1; 32], None, 0).unwrap();
    a.append_batch("with space", &[1; 16], &[1; 32], b"x", 1, 0).unwrap();
    assert_eq!(
        events.recv_timeout(WAIT).unwrap(),
        StorageEvent::Batch {
            chamber: "with space".into(),
            latest: 1
        }
    );
    // Dropping the watched storage stops its listener (the sender goes with it).
    drop(b);
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("the listener outlived its storage"),
            Ok(_) => {}
        }
    }
}

#[test]
fn instances_starting_at_once_migrate_once_and_a_newer_database_is_refused() {
    let cluster = PgCluster::shared();
    let url = cluster.new_database();
    let opened: Vec<PgStorage> = std::thread::scope(|scope| {
        let starts: Vec<_> = (0..4).map(|_| scope.spawn(|| PgStorage::open(&url).unwrap())).collect();
        starts.into_iter().map(|s| s.join().unwrap()).collect()
    });
    opened[0].create_chamber("C", &[1; 32], None, 0).unwrap();
    assert_eq!(opened[3].stats().unwrap().chambers, 1);
    drop(opened);
    // Reopening keeps everything and runs no migration twice.
    let again = PgStorage::open(&url).unwrap();
    assert_eq!(again.epoch("C").unwrap(), 1);
    drop(again);

    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let version: i32 = client
        .query_one("SELECT version FROM relay_schema_version", &[])
        .unwrap()
        .get(0);
    // One version per migration folder, each applied once.
    let folders = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/relay/postgres"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().join("up.sql").is_file())
        .count();
    assert_eq!(usize::try_from(version).unwrap(), folders);
    assert!(folders >= 3);
    client
        .execute("UPDATE relay_schema_version SET version = 99", &[])
        .unwrap();
    drop(client);
    match PgStorage::open(&url) {
        Err(StoreError::Internal(why)) => assert!(why.contains("newer than this relay"), "{why}"),
        Err(e) => panic!("{e}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    assert!(PgStorage::open("postgres://postgres@%2Fnowhere%2Fat%2Fall/db").is_err());
}

#[test]
fn errors_do_not_carry_row_contents() {
    let (_cluster, a, _b) = two_instances();
    a.create_chamber("secret-chamber", &[1; 32], None, 0).unwrap();
    a.add_invite("secret-chamber", &[0xab; 32], &[1; 32], 10).unwrap();
    let twice = a.add_invite("secret-chamber", &[0xab; 32], &[1; 32], 10);
    let orphan = a.add_invite("no-such-chamber", &[0xcd; 32], &[1; 32], 10);
    for e in [twice, orphan] {
        let Err(StoreError::Internal(why)) = e else {
            panic!("{e:?}")
        };
        assert!(!why.contains("abab") && !why.contains("cdcd"), "{why}");
        assert!(!why.contains("chamber)=") && !why.contains("DETAIL"), "{why}");
    }
}
