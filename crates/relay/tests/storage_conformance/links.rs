//! Status links, on either storage: served until they expire or are
//! revoked, their documents kept or dropped with each new snapshot, and
//! only the chamber that made a link may change or revoke it.

use nextdate_relay::link_storage::Served;
use nextdate_relay::{Storage, StoreError};

pub(crate) fn a_link_is_served_until_it_expires_or_is_revoked(s: &dyn Storage) {
    s.create_chamber("ch-a", &[1; 32], None, 0).unwrap();
    s.create_chamber("ch-b", &[2; 32], None, 0).unwrap();
    let id = [5u8; 16];
    assert_eq!(s.serve_link(&id, 10).unwrap(), Served::Unknown);
    s.put_link_file("ch-a", &id, &[6; 16], b"sealed doc", 10).unwrap();
    assert_eq!(s.serve_link(&id, 10).unwrap(), Served::Unknown, "no snapshot yet");
    assert_eq!(s.serve_link_file(&id, &[6; 16], 10).unwrap(), Served::Unknown);
    s.put_link("ch-a", &id, b"sealed v1", Some(100), &[[6; 16]], 11)
        .unwrap();
    assert_eq!(s.serve_link(&id, 12).unwrap(), Served::Sealed(b"sealed v1".to_vec()));
    assert_eq!(
        s.serve_link_file(&id, &[6; 16], 12).unwrap(),
        Served::Sealed(b"sealed doc".to_vec())
    );
    assert_eq!(s.serve_link_file(&id, &[7; 16], 12).unwrap(), Served::Unknown);
    assert_eq!(
        s.link_files_present("ch-a", &id, &[[6; 16], [7; 16]]).unwrap(),
        [true, false]
    );
    assert_eq!(
        s.link_files_present("ch-a", &[9; 16], &[[6; 16]]).unwrap(),
        [false],
        "a link not made yet holds nothing"
    );
    assert!(matches!(
        s.link_files_present("ch-b", &id, &[[6; 16]]),
        Err(StoreError::NotFound)
    ));
    // A document put again is replaced.
    s.put_link_file("ch-a", &id, &[6; 16], b"sealed doc 2", 12).unwrap();
    assert_eq!(
        s.serve_link_file(&id, &[6; 16], 12).unwrap(),
        Served::Sealed(b"sealed doc 2".to_vec())
    );
    // Replaced: the document no longer named goes.
    s.put_link("ch-a", &id, b"sealed v2", Some(100), &[], 13).unwrap();
    assert_eq!(s.serve_link(&id, 14).unwrap(), Served::Sealed(b"sealed v2".to_vec()));
    assert_eq!(s.serve_link_file(&id, &[6; 16], 14).unwrap(), Served::Unknown);
    assert_eq!(s.serve_link(&id, 100).unwrap(), Served::Expired);
    assert_eq!(s.serve_link_file(&id, &[6; 16], 100).unwrap(), Served::Expired);
    let info = s.chamber_links("ch-a").unwrap();
    assert_eq!(
        (info.len(), info[0].id, info[0].fetches, info[0].expires_at),
        (1, id, 2, Some(100))
    );
    assert_eq!(
        (info[0].created_at, info[0].updated_at, info[0].revoked_at),
        (10, 13, None)
    );
    // A link without expiry; newest first.
    s.put_link("ch-a", &[4; 16], b"forever", None, &[], 20).unwrap();
    assert_eq!(
        s.serve_link(&[4; 16], i64::MAX).unwrap(),
        Served::Sealed(b"forever".to_vec())
    );
    let ids: Vec<[u8; 16]> = s.chamber_links("ch-a").unwrap().iter().map(|l| l.id).collect();
    assert_eq!(ids, [[4; 16], id]);

    // Another chamber cannot touch it; its owner revokes it for good.
    assert!(matches!(
        s.put_link("ch-b", &id, b"x", None, &[], 15),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.put_link_file("ch-b", &id, &[1; 16], b"x", 15),
        Err(StoreError::NotFound)
    ));
    assert!(matches!(s.revoke_link("ch-b", &id, 15), Err(StoreError::NotFound)));
    assert!(s.chamber_links("ch-b").unwrap().is_empty());
    s.revoke_link("ch-a", &id, 16).unwrap();
    s.revoke_link("ch-a", &id, 17).unwrap();
    assert_eq!(s.serve_link(&id, 18).unwrap(), Served::Revoked);
    assert_eq!(s.serve_link_file(&id, &[6; 16], 18).unwrap(), Served::Revoked);
    assert!(matches!(
        s.put_link("ch-a", &id, b"again", None, &[], 19),
        Err(StoreError::Gone)
    ));
    assert!(matches!(
        s.put_link_file("ch-a", &id, &[1; 16], b"again", 19),
        Err(StoreError::Gone)
    ));
    assert!(matches!(s.revoke_link("ch-a", &[9; 16], 19), Err(StoreError::NotFound)));
    let revoked = s
        .chamber_links("ch-a")
        .unwrap()
        .into_iter()
        .find(|l| l.id == id)
        .unwrap();
    assert_eq!((revoked.revoked_at, revoked.updated_at), (Some(16), 16));
    // Revoking deletes the sealed bytes: only the other link counts.
    let a = s.chambers().unwrap().into_iter().find(|c| c.id == "ch-a").unwrap();
    assert_eq!((a.bytes, a.links), (7, 1));
}
