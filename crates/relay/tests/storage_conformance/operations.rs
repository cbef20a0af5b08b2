//! The operator's side of the storage conformance suite: quotas that refuse
//! a write and store nothing (batches, documents, status links), and
//! deleting a chamber, which leaves nothing of it behind.

use nextdate_relay::link_storage::Served;
use nextdate_relay::operations::Quota;
use nextdate_relay::{Storage, StoreError};

pub(crate) fn a_chamber_over_its_quota_is_refused_and_nothing_is_stored(s: &dyn Storage) {
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    assert_eq!(s.default_quota().unwrap(), Quota::default());
    s.set_quota(
        "C",
        Some(Quota {
            bytes: 10_000,
            batches: 3,
            blobs: 1,
        }),
    )
    .unwrap();
    assert!(matches!(s.set_quota("nowhere", None), Err(StoreError::NotFound)));
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
    let file = s.put_link_file("C", &[5; 16], &[6; 16], &[0; 800], 0);
    assert!(matches!(file, Err(StoreError::QuotaExceeded(_))), "{file:?}");
    assert!(s.chamber_links("C").unwrap().is_empty());
    s.put_link("C", &[5; 16], &[0; 400], None, &[], 0).unwrap();
    let big = s.append_batch("C", &[50; 16], &[1; 32], &[0; 400], 1, 0);
    assert!(matches!(big, Err(StoreError::QuotaExceeded(_))), "{big:?}");

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
    let tight = Quota {
        bytes: 150,
        ..Quota::default()
    };
    s.set_default_quota(tight).unwrap();
    assert_eq!(s.default_quota().unwrap(), tight);
    let over = s.append_batch("D", &[10; 16], &[2; 32], &[0; 100], 1, 0);
    assert!(matches!(over, Err(StoreError::QuotaExceeded(_))), "{over:?}");
    s.set_quota("C", None).unwrap();
    let c = s.chambers().unwrap().into_iter().find(|c| c.id == "C").unwrap();
    assert!(!c.own_quota);
    assert_eq!(c.quota, tight);
}

pub(crate) fn deleting_a_chamber_leaves_nothing_of_it(s: &dyn Storage) {
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    s.append_batch("C", &[1; 16], &[1; 32], b"sealed", 1, 0).unwrap();
    s.put_blob("C", &[1; 32], b"sealed document").unwrap();
    s.add_invite("C", &[3; 32], &[1; 32], 100).unwrap();
    s.add_invite("C", &[4; 32], &[1; 32], 100).unwrap();
    s.redeem_invite("C", &[4; 32], &[4; 32], 50).unwrap();
    s.request_admission("C", &[4; 32], b"let me in", 60).unwrap();
    s.rotate("C", &[], 2, &[([4; 32], b"key".to_vec())], 70).unwrap();
    s.put_link("C", &[5; 16], b"sealed snapshot", None, &[[6; 16]], 0)
        .unwrap();
    s.put_link_file("C", &[5; 16], &[6; 16], b"sealed file", 0).unwrap();
    s.append_batch("D", &[1; 16], &[2; 32], b"other", 1, 0).unwrap();
    s.open_session(&[8; 32], "C", &[1; 32], 100, 0, 8).unwrap();

    s.delete_chamber("C").unwrap();
    assert_eq!(s.open_sessions(0).unwrap(), 0, "its sessions went with it");
    assert!(matches!(s.delete_chamber("C"), Err(StoreError::NotFound)));
    assert_eq!(s.device_access("C", &[1; 32]).unwrap(), None);
    assert_eq!(s.latest_seq("C").unwrap(), 0);
    assert!(!s.has_blob("C", &[1; 32]).unwrap());
    assert!(s.pending_admissions("C").unwrap().is_empty());
    assert_eq!(s.admission("C", &[4; 32]).unwrap(), None);
    assert!(s.sealed_keys("C", &[4; 32], 0).unwrap().is_empty());
    assert!(matches!(s.serve_link(&[5; 16], 0), Ok(Served::Unknown)));
    let ids: Vec<String> = s.chambers().unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(ids, ["D"]);
    assert_eq!(s.latest_seq("D").unwrap(), 1, "another chamber keeps its log");
    let stats = s.stats().unwrap();
    assert_eq!(
        (stats.chambers, stats.devices, stats.batches, stats.blobs),
        (1, 1, 1, 0)
    );
    // The id is free again, from epoch 1 and an empty log; its old invites are gone.
    s.create_chamber("C", &[9; 32], None, 0).unwrap();
    assert_eq!(s.epoch("C").unwrap(), 1);
    assert!(matches!(
        s.redeem_invite("C", &[3; 32], &[3; 32], 50),
        Err(StoreError::BadToken(_))
    ));
    assert_eq!(
        s.append_batch("C", &[1; 16], &[9; 32], b"anew", 1, 0).unwrap(),
        (1, false)
    );
}
