//! The operator's side of relay storage on a real SQLite file: registration
//! tokens work once, quotas refuse what would go past them and store
//! nothing, usage is counted in the storing transaction, and a deleted
//! chamber leaves nothing behind.

use nextdate_relay::link_storage::LinkStorage;
use nextdate_relay::operations::{Operations, Quota};
use nextdate_relay::{SqliteStorage, Storage, StoreError};
use sha2::{Digest, Sha256};

fn store() -> (tempfile::TempDir, SqliteStorage) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStorage::open(dir.path()).unwrap();
    (dir, s)
}

fn hash(token: &[u8]) -> [u8; 32] {
    Sha256::digest(token).into()
}

#[test]
fn a_registration_token_registers_one_chamber_until_it_expires_or_is_revoked() {
    let (_dir, s) = store();
    let now = 1_800_000_000;
    s.add_registration_token(&hash(b"one"), "Sharma chambers", now, now + 3600)
        .unwrap();
    s.add_registration_token(&hash(b"old"), "", now - 7200, now - 3600)
        .unwrap();
    s.add_registration_token(&hash(b"revoked"), "", now, now + 3600)
        .unwrap();

    let unknown = s.create_chamber("C1", &[1; 32], Some(&hash(b"never made")), now);
    assert!(matches!(unknown, Err(StoreError::BadToken(why)) if why.contains("does not know")));
    let expired = s.create_chamber("C1", &[1; 32], Some(&hash(b"old")), now);
    assert!(matches!(expired, Err(StoreError::BadToken(why)) if why.contains("expired")));
    let id = s
        .registration_tokens()
        .unwrap()
        .into_iter()
        .find(|t| t.id == nextdate_relay::operations::token_id(&hash(b"revoked")))
        .unwrap()
        .id;
    s.revoke_registration_token(&id, now).unwrap();
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
    let one = tokens.iter().find(|t| t.note == "Sharma chambers").unwrap();
    assert_eq!(one.used_by.as_deref(), Some("C1"));
    assert!(matches!(
        s.revoke_registration_token(&one.id, now),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn a_chamber_over_its_quota_is_refused_and_nothing_is_stored() {
    let (_dir, s) = store();
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    s.set_quota(
        "C",
        Some(Quota {
            bytes: 10_000,
            batches: 3,
            blobs: 1,
        }),
    )
    .unwrap();
    for i in 0..3u8 {
        s.append_batch("C", &[i; 16], &[1; 32], &[0; 100], 1, 0).unwrap();
    }
    let fourth = s.append_batch("C", &[9; 16], &[1; 32], &[0; 100], 1, 0);
    assert!(
        matches!(fourth, Err(StoreError::QuotaExceeded(ref what)) if what.contains("3 batches")),
        "{fourth:?}"
    );
    assert_eq!(s.latest_seq("C").unwrap(), 3, "the refused batch was not stored");
    // A batch already stored is still acknowledged (a retry after a lost reply).
    assert_eq!(
        s.append_batch("C", &[2; 16], &[1; 32], &[0; 100], 1, 0).unwrap(),
        (3, true)
    );

    s.put_blob("C", &[1; 32], &[7; 5000]).unwrap();
    s.put_blob("C", &[1; 32], &[7; 5000]).unwrap(); // the same document again: no new room used
    let second = s.put_blob("C", &[2; 32], &[7; 10]);
    assert!(
        matches!(second, Err(StoreError::QuotaExceeded(ref what)) if what.contains("1 documents")),
        "{second:?}"
    );
    assert!(!s.has_blob("C", &[2; 32]).unwrap());

    s.set_quota(
        "C",
        Some(Quota {
            bytes: 6_000,
            batches: 100,
            blobs: 100,
        }),
    )
    .unwrap();
    let link = s.put_link("C", &[5; 16], &[0; 800], None, &[], 0);
    assert!(
        matches!(link, Err(StoreError::QuotaExceeded(ref what)) if what.contains("KiB")),
        "{link:?}"
    );
    assert!(
        s.chamber_links("C").unwrap().is_empty(),
        "the refused link was not stored"
    );
    s.put_link("C", &[5; 16], &[0; 400], None, &[], 0).unwrap();

    let usage = s.chambers().unwrap();
    let c = usage.iter().find(|c| c.id == "C").unwrap();
    assert_eq!((c.bytes, c.batches, c.blobs, c.links), (300 + 5000 + 400, 3, 1, 1));
    assert!(c.own_quota);
    // Another chamber is untouched by C's quota.
    let d = usage.iter().find(|c| c.id == "D").unwrap();
    assert_eq!(d.quota, Quota::default());
    assert!(!d.own_quota);
    s.append_batch("D", &[9; 16], &[2; 32], &[0; 100], 1, 0).unwrap();

    // The relay-wide default applies to chambers without their own.
    s.set_default_quota(Quota {
        bytes: 150,
        ..Quota::default()
    })
    .unwrap();
    let over = s.append_batch("D", &[10; 16], &[2; 32], &[0; 100], 1, 0);
    assert!(matches!(over, Err(StoreError::QuotaExceeded(_))), "{over:?}");
    s.set_quota("C", None).unwrap();
    assert!(!s.chambers().unwrap().iter().find(|c| c.id == "C").unwrap().own_quota);
}

#[test]
fn deleting_a_chamber_leaves_nothing_of_it() {
    let (_dir, s) = store();
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    s.append_batch("C", &[1; 16], &[1; 32], b"sealed", 1, 0).unwrap();
    s.put_blob("C", &[1; 32], b"sealed document").unwrap();
    s.add_invite("C", &[3; 32], &[1; 32], 100).unwrap();
    s.put_link("C", &[5; 16], b"sealed snapshot", None, &[[6; 16]], 0)
        .unwrap();
    s.put_link_file("C", &[5; 16], &[6; 16], b"sealed file", 0).unwrap();
    s.append_batch("D", &[1; 16], &[2; 32], b"other", 1, 0).unwrap();

    s.delete_chamber("C").unwrap();
    assert!(matches!(s.delete_chamber("C"), Err(StoreError::NotFound)));
    assert_eq!(s.device_access("C", &[1; 32]).unwrap(), None);
    assert_eq!(s.latest_seq("C").unwrap(), 0);
    assert!(!s.has_blob("C", &[1; 32]).unwrap());
    assert!(matches!(
        s.serve_link(&[5; 16], 0),
        Ok(nextdate_relay::link_storage::Served::Unknown)
    ));
    let ids: Vec<String> = s.chambers().unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["D"]);
    assert_eq!(s.latest_seq("D").unwrap(), 1, "another chamber keeps its log");
    // The id is free again.
    s.create_chamber("C", &[9; 32], None, 0).unwrap();
}
