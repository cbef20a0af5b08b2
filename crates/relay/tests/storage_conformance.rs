//! One conformance suite for the relay's storage, run against SQLite (a real
//! file) and PostgreSQL (a throwaway cluster, `tests/support/postgres.rs`),
//! each test on a fresh store: chambers and their registration, invites,
//! admissions, key rotation, the batch log, attachments, status links,
//! registration tokens, quotas that refuse and store nothing, usage counted
//! in the storing transaction, deleting a chamber. Status links are in
//! `links`, attachments stored and read in parts in `blobs`, sessions and
//! answered challenges in `sessions`, quotas and deleting a chamber in
//! `operations`; the
//! PostgreSQL-only tests (several instances on one database) in `postgres_only`.

#[path = "../../../tests/support/postgres.rs"]
mod support_postgres;

#[path = "storage_conformance/blobs.rs"]
mod blobs;
#[path = "storage_conformance/links.rs"]
mod links;
#[path = "storage_conformance/operations.rs"]
mod operations;
#[path = "storage_conformance/postgres_only.rs"]
mod postgres_only;
#[path = "storage_conformance/sessions.rs"]
mod sessions;

use links::a_link_is_served_until_it_expires_or_is_revoked;
use nextdate_relay::operations::token_id;
use nextdate_relay::storage::DeviceAccess;
use nextdate_relay::{PgStorage, SqliteStorage, Storage, StoreError};
use operations::{a_chamber_over_its_quota_is_refused_and_nothing_is_stored, deleting_a_chamber_leaves_nothing_of_it};
use sha2::{Digest, Sha256};

/// Runs SQL on a store's database behind its back, with byte strings for
/// `$1`, `$2` …: a `SELECT` of one number gives it; anything else gives the
/// rows it changed.
type RawSql = Box<dyn Fn(&str, &[&[u8]]) -> i64>;

/// A fresh store and what must outlive it (its folder, or its cluster).
struct Store {
    storage: Box<dyn Storage>,
    raw: RawSql,
    _keep: Box<dyn std::any::Any>,
}

impl Store {
    fn sqlite() -> Store {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(dir.path()).unwrap();
        let db = dir.path().join("relay.db");
        Store {
            storage: Box::new(storage),
            raw: Box::new(move |sql, params| {
                let conn = rusqlite::Connection::open(&db).unwrap();
                let sql = sql.replace('$', "?");
                let params = rusqlite::params_from_iter(params.iter());
                if sql.starts_with("SELECT") {
                    conn.query_row(&sql, params, |r| r.get(0)).unwrap()
                } else {
                    conn.execute(&sql, params).unwrap() as i64
                }
            }),
            _keep: Box::new(dir),
        }
    }

    fn postgres() -> Store {
        let cluster = support_postgres::PgCluster::shared();
        let url = cluster.new_database();
        let storage = PgStorage::open(&url).unwrap();
        Store {
            storage: Box::new(storage),
            raw: Box::new(move |sql, params| {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                let params: Vec<&(dyn postgres::types::ToSql + Sync)> = params
                    .iter()
                    .map(|p| p as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                if sql.starts_with("SELECT") {
                    client.query_one(sql, &params).unwrap().get(0)
                } else {
                    client.execute(sql, &params).unwrap() as i64
                }
            }),
            _keep: Box::new(cluster),
        }
    }
}

/// Each test, once on SQLite and once on PostgreSQL.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(#[test] fn $name() { let store = super::Store::sqlite(); super::$name(&*store.storage); })*
        }
        mod on_postgres {
            $(#[test] fn $name() { let store = super::Store::postgres(); super::$name(&*store.storage); })*
        }
    };
}

/// Each test given the whole [`Store`], once on SQLite and once on PostgreSQL.
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod stores_on_sqlite {
            $(#[test] fn $name() { let store = super::Store::sqlite(); super::$name(&store); })*
        }
        mod stores_on_postgres {
            $(#[test] fn $name() { let store = super::Store::postgres(); super::$name(&store); })*
        }
    };
}

on_both_stores!(
    a_large_attachment_is_stored_in_parts_and_read_back_whole,
    an_upload_that_breaks_off_or_comes_to_another_size_stores_nothing,
    a_streamed_attachment_over_the_quota_is_refused_and_nothing_is_stored,
    an_attachment_stored_whole_before_parts_is_still_served,
    deleting_a_chamber_deletes_its_attachments_parts,
    the_relay_secret_is_made_once_and_kept,
    a_challenge_is_answered_once_and_forgotten_once_expired,
    a_session_is_found_by_its_token_hash_with_its_devices_access_now,
    a_device_keeps_its_newest_sessions_and_expired_ones_are_forgotten,
);
use blobs::{
    a_large_attachment_is_stored_in_parts_and_read_back_whole,
    a_streamed_attachment_over_the_quota_is_refused_and_nothing_is_stored,
    an_attachment_stored_whole_before_parts_is_still_served,
    an_upload_that_breaks_off_or_comes_to_another_size_stores_nothing,
    deleting_a_chamber_deletes_its_attachments_parts,
};
use sessions::{
    a_challenge_is_answered_once_and_forgotten_once_expired,
    a_device_keeps_its_newest_sessions_and_expired_ones_are_forgotten,
    a_session_is_found_by_its_token_hash_with_its_devices_access_now, the_relay_secret_is_made_once_and_kept,
};

on_both!(
    registering_again_is_a_retry_only_from_the_chambers_admin,
    a_registration_token_registers_one_chamber_until_it_expires_or_is_revoked,
    an_invite_works_once_for_its_own_chamber_until_it_expires,
    an_admission_waits_for_its_answer_which_sets_read_only,
    a_rotation_removes_devices_and_keeps_each_sealed_key_for_its_device,
    the_log_numbers_each_batch_once_and_pages_by_count_and_bytes,
    attachments_are_kept_once_per_chamber,
    a_link_is_served_until_it_expires_or_is_revoked,
    a_chamber_over_its_quota_is_refused_and_nothing_is_stored,
    deleting_a_chamber_leaves_nothing_of_it,
);

fn hash(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

const MEMBER: DeviceAccess = DeviceAccess {
    admin: false,
    read_only: false,
    removed: false,
};

fn registering_again_is_a_retry_only_from_the_chambers_admin(s: &dyn Storage) {
    s.ping().unwrap();
    assert_eq!(s.device_access("C", &[1; 32]).unwrap(), None);
    s.create_chamber("C", &[1; 32], None, 100).unwrap();
    s.create_chamber("C", &[1; 32], None, 101).unwrap();
    assert!(matches!(
        s.create_chamber("C", &[2; 32], None, 102),
        Err(StoreError::ChamberExists)
    ));
    // A member that joined is not the admin: still refused.
    s.add_invite("C", &[9; 32], &[1; 32], 200).unwrap();
    s.redeem_invite("C", &[9; 32], &[2; 32], 150).unwrap();
    assert!(matches!(
        s.create_chamber("C", &[2; 32], None, 160),
        Err(StoreError::ChamberExists)
    ));
    let admin = DeviceAccess { admin: true, ..MEMBER };
    assert_eq!(s.device_access("C", &[1; 32]).unwrap(), Some(admin));
    assert_eq!(s.device_access("C", &[2; 32]).unwrap(), Some(MEMBER));
    assert_eq!(s.device_access("D", &[1; 32]).unwrap(), None);
    assert_eq!(s.epoch("C").unwrap(), 1);
    assert!(matches!(s.epoch("D"), Err(StoreError::NotFound)));
    s.create_chamber("D", &[3; 32], None, 170).unwrap();
    let stats = s.stats().unwrap();
    assert_eq!(
        (stats.chambers, stats.devices, stats.batches, stats.blobs),
        (2, 3, 0, 0)
    );
    let created: Vec<(String, i64, u32)> = s
        .chambers()
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.created_at, c.devices))
        .collect();
    assert_eq!(created, [("C".to_string(), 100, 2), ("D".to_string(), 170, 1)]);
}

fn a_registration_token_registers_one_chamber_until_it_expires_or_is_revoked(s: &dyn Storage) {
    let now = 1_800_000_000;
    s.add_registration_token(&hash(b"one"), "Sharma chambers", now, now + 3600)
        .unwrap();
    s.add_registration_token(&hash(b"old"), "", now - 7200, now - 3600)
        .unwrap();
    s.add_registration_token(&hash(b"revoked"), "", now, now + 3600)
        .unwrap();
    s.add_registration_token(&hash(b"edge"), "", now - 10, now).unwrap();

    let unknown = s.create_chamber("C1", &[1; 32], Some(&hash(b"never made")), now);
    assert!(matches!(unknown, Err(StoreError::BadToken(why)) if why.contains("does not know")));
    let expired = s.create_chamber("C1", &[1; 32], Some(&hash(b"old")), now);
    assert!(matches!(expired, Err(StoreError::BadToken(why)) if why.contains("expired")));
    let at_expiry = s.create_chamber("C1", &[1; 32], Some(&hash(b"edge")), now);
    assert!(matches!(at_expiry, Err(StoreError::BadToken(why)) if why.contains("expired")));
    let id = s
        .registration_tokens()
        .unwrap()
        .into_iter()
        .find(|t| t.id == token_id(&hash(b"revoked")))
        .unwrap()
        .id;
    s.revoke_registration_token(&id.to_ascii_uppercase(), now).unwrap();
    let revoked = s.create_chamber("C1", &[1; 32], Some(&hash(b"revoked")), now);
    assert!(matches!(revoked, Err(StoreError::BadToken(why)) if why.contains("revoked")));
    assert!(
        s.chambers().unwrap().is_empty(),
        "no refused registration left a chamber"
    );

    s.create_chamber("C1", &[1; 32], Some(&hash(b"one")), now).unwrap();
    // The same admin registering again (a retry) is fine and uses no token.
    s.create_chamber("C1", &[1; 32], Some(&hash(b"one")), now).unwrap();
    let used = s.create_chamber("C2", &[2; 32], Some(&hash(b"one")), now);
    assert!(matches!(used, Err(StoreError::BadToken(why)) if why.contains("already been used")));
    let tokens = s.registration_tokens().unwrap();
    // Newest first.
    assert_eq!(tokens.last().map(|t| t.id.clone()), Some(token_id(&hash(b"old"))));
    let one = tokens.iter().find(|t| t.note == "Sharma chambers").unwrap();
    assert_eq!(
        (one.used_by.as_deref(), one.used_at, one.expires_at),
        (Some("C1"), Some(now), now + 3600)
    );
    let revoked = tokens.iter().find(|t| t.id == id).unwrap();
    assert_eq!((revoked.revoked_at, revoked.used_by.as_deref()), (Some(now), None));
    assert!(matches!(
        s.revoke_registration_token(&one.id, now),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.revoke_registration_token("00000000", now),
        Err(StoreError::NotFound)
    ));
}

fn an_invite_works_once_for_its_own_chamber_until_it_expires(s: &dyn Storage) {
    s.create_chamber("C", &[1; 32], None, 100).unwrap();
    s.create_chamber("D", &[7; 32], None, 100).unwrap();
    s.add_invite("C", &[9; 32], &[1; 32], 200).unwrap();
    let bad = |r: Result<(), StoreError>, what: &str| {
        assert!(
            matches!(&r, Err(StoreError::BadToken(why)) if why.contains(what)),
            "{r:?}"
        );
    };
    bad(s.redeem_invite("D", &[9; 32], &[2; 32], 150), "not for this chamber");
    bad(s.redeem_invite("C", &[5; 32], &[2; 32], 150), "not known");
    // Valid up to and including its expiry second.
    s.redeem_invite("C", &[9; 32], &[2; 32], 200).unwrap();
    bad(s.redeem_invite("C", &[9; 32], &[3; 32], 150), "already been used");
    s.add_invite("C", &[8; 32], &[1; 32], 200).unwrap();
    bad(s.redeem_invite("C", &[8; 32], &[3; 32], 201), "expired");
    assert_eq!(s.device_access("C", &[2; 32]).unwrap(), Some(MEMBER));
    assert_eq!(s.device_access("C", &[3; 32]).unwrap(), None);
    assert_eq!(s.device_access("D", &[2; 32]).unwrap(), None);
    // A device already in the chamber using another invite stays as it is.
    s.add_invite("C", &[6; 32], &[1; 32], 300).unwrap();
    s.redeem_invite("C", &[6; 32], &[1; 32], 250).unwrap();
    assert!(s.device_access("C", &[1; 32]).unwrap().unwrap().admin);
    assert_eq!(s.device_count("C").unwrap(), 2);
}

fn an_admission_waits_for_its_answer_which_sets_read_only(s: &dyn Storage) {
    s.create_chamber("C", &[1; 32], None, 100).unwrap();
    for (token, device) in [([8; 32], [2; 32]), ([9; 32], [3; 32])] {
        s.add_invite("C", &token, &[1; 32], 200).unwrap();
        s.redeem_invite("C", &token, &device, 150).unwrap();
    }
    s.request_admission("C", &[3; 32], b"from three", 155).unwrap();
    s.request_admission("C", &[2; 32], b"sealed request", 160).unwrap();
    // An unanswered request is replaced by a newer one.
    s.request_admission("C", &[3; 32], b"three again", 165).unwrap();
    assert_eq!(
        s.pending_admissions("C").unwrap(),
        vec![
            ([2; 32], b"sealed request".to_vec()),
            ([3; 32], b"three again".to_vec())
        ],
        "oldest first"
    );
    assert!(s.pending_admissions("D").unwrap().is_empty());
    assert_eq!(s.admission("C", &[2; 32]).unwrap(), None);
    assert!(matches!(
        s.admit("C", &[4; 32], b"x", false, 170),
        Err(StoreError::NotFound)
    ));
    s.admit("C", &[2; 32], b"sealed grant", true, 170).unwrap();
    s.admit("C", &[3; 32], b"", false, 171).unwrap(); // refused: an empty answer
    assert!(s.pending_admissions("C").unwrap().is_empty());
    assert_eq!(s.admission("C", &[2; 32]).unwrap(), Some(b"sealed grant".to_vec()));
    assert_eq!(s.admission("C", &[3; 32]).unwrap(), Some(Vec::new()));
    assert_eq!(s.device_access("C", &[2; 32]).unwrap().map(|a| a.read_only), Some(true));
    // An answered request is not replaced by a new one.
    s.request_admission("C", &[2; 32], b"again", 180).unwrap();
    assert!(s.pending_admissions("C").unwrap().is_empty());
    assert_eq!(s.admission("C", &[2; 32]).unwrap(), Some(b"sealed grant".to_vec()));
    s.set_read_only("C", &[2; 32], false).unwrap();
    assert_eq!(s.device_access("C", &[2; 32]).unwrap(), Some(MEMBER));
    assert!(matches!(
        s.set_read_only("C", &[4; 32], true),
        Err(StoreError::NotFound)
    ));
}

fn a_rotation_removes_devices_and_keeps_each_sealed_key_for_its_device(s: &dyn Storage) {
    s.create_chamber("C", &[1; 32], None, 100).unwrap();
    for (token, device) in [([8; 32], [2; 32]), ([9; 32], [3; 32])] {
        s.add_invite("C", &token, &[1; 32], 200).unwrap();
        s.redeem_invite("C", &token, &device, 150).unwrap();
    }
    assert_eq!(s.epoch("C").unwrap(), 1);
    assert_eq!(s.device_count("C").unwrap(), 3);
    assert_eq!(s.device_count("D").unwrap(), 0);
    assert!(matches!(
        s.rotate("C", &[], 3, &[], 160),
        Err(StoreError::WrongEpoch(1))
    ));
    assert_eq!(
        s.append_batch("C", &[1; 16], &[2; 32], b"e1", 1, 155).unwrap(),
        (1, false)
    );
    s.rotate("C", &[[3; 32]], 2, &[([2; 32], b"for two".to_vec())], 160)
        .unwrap();
    assert_eq!(s.epoch("C").unwrap(), 2);
    assert_eq!(s.device_count("C").unwrap(), 2);
    assert!(s.device_access("C", &[3; 32]).unwrap().unwrap().removed);
    assert!(!s.device_access("C", &[2; 32]).unwrap().unwrap().removed);
    assert_eq!(s.sealed_keys("C", &[2; 32], 1).unwrap(), vec![(2, b"for two".to_vec())]);
    assert!(s.sealed_keys("C", &[2; 32], 2).unwrap().is_empty());
    assert!(s.sealed_keys("C", &[3; 32], 0).unwrap().is_empty());
    // A retry of the same epoch replaces its grants and is not an error.
    s.rotate("C", &[[3; 32]], 2, &[([2; 32], b"again".to_vec())], 170)
        .unwrap();
    assert_eq!(s.sealed_keys("C", &[2; 32], 1).unwrap(), vec![(2, b"again".to_vec())]);
    assert!(matches!(s.rotate("D", &[], 2, &[], 170), Err(StoreError::NotFound)));
    assert!(matches!(
        s.rotate("C", &[], 1, &[], 170),
        Err(StoreError::WrongEpoch(2))
    ));
    // After the rotation a batch sealed under the old key is refused, and stores nothing.
    assert!(matches!(
        s.append_batch("C", &[2; 16], &[2; 32], b"old", 1, 180),
        Err(StoreError::OldKey { current: 2, sealed: 1 })
    ));
    assert_eq!(s.latest_seq("C").unwrap(), 1);
    assert_eq!(
        s.append_batch("C", &[2; 16], &[2; 32], b"new", 2, 180).unwrap(),
        (2, false)
    );
    // A batch already stored, sent again under the old key, is refused too:
    // the epoch is checked before the batch id.
    assert!(matches!(
        s.append_batch("C", &[1; 16], &[2; 32], b"e1", 1, 181),
        Err(StoreError::OldKey { .. })
    ));
    s.rotate(
        "C",
        &[],
        3,
        &[([2; 32], b"third".to_vec()), ([1; 32], b"mine".to_vec())],
        190,
    )
    .unwrap();
    assert_eq!(
        s.sealed_keys("C", &[2; 32], 0).unwrap(),
        vec![(2, b"again".to_vec()), (3, b"third".to_vec())]
    );
    assert_eq!(s.sealed_keys("C", &[1; 32], 2).unwrap(), vec![(3, b"mine".to_vec())]);
    // A removed device stays removed (and counted out) through later rotations.
    s.rotate("C", &[[3; 32]], 4, &[], 200).unwrap();
    assert_eq!(s.device_count("C").unwrap(), 2);
    assert!(s.device_access("C", &[3; 32]).unwrap().unwrap().removed);
}

fn the_log_numbers_each_batch_once_and_pages_by_count_and_bytes(s: &dyn Storage) {
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    assert_eq!(s.latest_seq("C").unwrap(), 0);
    assert!(s.batches_after("C", 0, 10, 1 << 20).unwrap().is_empty());
    assert!(matches!(
        s.append_batch("nowhere", &[1; 16], &[1; 32], b"x", 1, 0),
        Err(StoreError::NotFound)
    ));
    let envelope = |i: u8| vec![i; 100 + usize::from(i)];
    for i in 1..=5u8 {
        assert_eq!(
            s.append_batch("C", &[i; 16], &[1; 32], &envelope(i), 1, 10).unwrap(),
            (u64::from(i), false)
        );
    }
    // A batch id already stored: its number, and nothing stored again.
    assert_eq!(
        s.append_batch("C", &[3; 16], &[1; 32], b"other bytes", 1, 11).unwrap(),
        (3, true)
    );
    // Each chamber numbers its own log; the same batch id in another chamber is another batch.
    assert_eq!(
        s.append_batch("D", &[3; 16], &[2; 32], b"d", 1, 11).unwrap(),
        (1, false)
    );
    // A batch sealed under a newer epoch than the relay knows is taken.
    assert_eq!(
        s.append_batch("C", &[6; 16], &[1; 32], &envelope(6), 2, 12).unwrap(),
        (6, false)
    );
    assert_eq!(s.latest_seq("C").unwrap(), 6);
    assert_eq!(s.latest_seq("D").unwrap(), 1);

    let seqs = |rows: Vec<(u64, Vec<u8>)>| rows.into_iter().map(|(seq, _)| seq).collect::<Vec<_>>();
    let all = s.batches_after("C", 0, 100, 1 << 20).unwrap();
    assert_eq!(all.len(), 6);
    for (seq, bytes) in &all {
        assert_eq!(bytes, &envelope(*seq as u8), "batch {seq} reads back as stored");
    }
    assert_eq!(seqs(s.batches_after("C", 2, 2, 1 << 20).unwrap()), [3, 4]);
    assert_eq!(seqs(s.batches_after("C", 4, 100, 1 << 20).unwrap()), [5, 6]);
    assert!(s.batches_after("C", 6, 100, 1 << 20).unwrap().is_empty());
    // By bytes: 101 + 102 = 203 fit in 203, not in 202; the first always comes.
    assert_eq!(seqs(s.batches_after("C", 0, 100, 203).unwrap()), [1, 2]);
    assert_eq!(seqs(s.batches_after("C", 0, 100, 202).unwrap()), [1]);
    assert_eq!(seqs(s.batches_after("C", 0, 100, 1).unwrap()), [1]);
    assert_eq!(seqs(s.batches_after("C", 0, 100, 0).unwrap()), [1]);
    assert_eq!(seqs(s.batches_after("C", 0, 2, 1 << 20).unwrap()), [1, 2]);
    assert_eq!(s.stats().unwrap().batches, 7);
    let c = s.chambers().unwrap().into_iter().find(|c| c.id == "C").unwrap();
    assert_eq!((c.batches, c.bytes), (6, (1..=6u64).map(|i| 100 + i).sum::<u64>()));
}

fn attachments_are_kept_once_per_chamber(s: &dyn Storage) {
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    assert!(!s.has_blob("C", &[5; 32]).unwrap());
    assert_eq!(s.get_blob("C", &[5; 32]).unwrap(), None);
    s.put_blob("C", &[5; 32], &bytes).unwrap();
    s.put_blob("C", &[5; 32], &bytes).unwrap();
    assert!(s.has_blob("C", &[5; 32]).unwrap());
    assert_eq!(s.get_blob("C", &[5; 32]).unwrap(), Some(bytes.clone()));
    // Another chamber does not see it.
    assert!(!s.has_blob("D", &[5; 32]).unwrap());
    assert_eq!(s.get_blob("D", &[5; 32]).unwrap(), None);
    s.put_blob("D", &[5; 32], b"d's own").unwrap();
    assert_eq!(s.get_blob("D", &[5; 32]).unwrap(), Some(b"d's own".to_vec()));
    assert_eq!(s.get_blob("C", &[5; 32]).unwrap(), Some(bytes));
    s.put_blob("C", &[6; 32], b"").unwrap();
    assert_eq!(s.get_blob("C", &[6; 32]).unwrap(), Some(Vec::new()));
    assert_eq!(s.stats().unwrap().blobs, 3);
    let c = s.chambers().unwrap().into_iter().find(|c| c.id == "C").unwrap();
    assert_eq!(
        (c.blobs, c.bytes),
        (2, 70_000),
        "the same attachment again used no room"
    );
}
