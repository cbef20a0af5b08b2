//! The session part of the storage conformance suite: the challenge key,
//! answered challenges and open sessions, kept the same way on SQLite and
//! PostgreSQL so that any relay instance answers any request.

use nextdate_relay::storage::DeviceAccess;

use super::Store;

pub(crate) fn the_relay_secret_is_made_once_and_kept(store: &Store) {
    let s = &*store.storage;
    assert_eq!(s.relay_secret("challenge-key", &[1; 32]).unwrap(), [1; 32]);
    assert_eq!(
        s.relay_secret("challenge-key", &[2; 32]).unwrap(),
        [1; 32],
        "a second instance gets the first one's secret"
    );
    assert_eq!(s.relay_secret("another", &[3; 32]).unwrap(), [3; 32]);
}

pub(crate) fn a_challenge_is_answered_once_and_forgotten_once_expired(store: &Store) {
    let s = &*store.storage;
    assert!(s.spend_challenge(&[1; 32], 100, 0).unwrap());
    assert!(!s.spend_challenge(&[1; 32], 100, 10).unwrap(), "answered twice");
    assert!(s.spend_challenge(&[2; 32], 50, 10).unwrap());
    assert_eq!((store.raw)("SELECT count(*) FROM spent_challenges", &[]), 2);
    // Spending at 60 forgets the one that expired at 50, not the one of 100.
    assert!(s.spend_challenge(&[3; 32], 200, 60).unwrap());
    assert_eq!((store.raw)("SELECT count(*) FROM spent_challenges", &[]), 2);
    assert!(!s.spend_challenge(&[1; 32], 100, 60).unwrap());
}

pub(crate) fn a_session_is_found_by_its_token_hash_with_its_devices_access_now(store: &Store) {
    let s = &*store.storage;
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.add_invite("C", &[3; 32], &[1; 32], 100).unwrap();
    s.redeem_invite("C", &[3; 32], &[2; 32], 0).unwrap();
    s.open_session(&[10; 32], "C", &[1; 32], 100, 0, 8).unwrap();
    s.open_session(&[20; 32], "C", &[2; 32], 100, 0, 8).unwrap();

    let admin = s.session(&[10; 32], 50).unwrap().expect("the admin's session");
    assert_eq!(
        (admin.chamber.as_str(), admin.device, admin.expires_at),
        ("C", [1; 32], 100)
    );
    assert_eq!(
        admin.access,
        DeviceAccess {
            admin: true,
            read_only: false,
            removed: false
        }
    );
    assert_eq!(s.session(&[10; 32], 100).unwrap(), None, "expired at 100");
    assert_eq!(s.session(&[11; 32], 50).unwrap(), None, "an unknown token");
    assert_eq!(s.open_sessions(50).unwrap(), 2);
    assert_eq!(s.open_sessions(100).unwrap(), 0);

    // Access is read at each lookup: made a viewer, then removed.
    s.set_read_only("C", &[2; 32], true).unwrap();
    assert!(s.session(&[20; 32], 50).unwrap().unwrap().access.read_only);
    s.rotate("C", &[[2; 32]], 2, &[([1; 32], b"key".to_vec())], 60).unwrap();
    assert!(s.session(&[20; 32], 70).unwrap().unwrap().access.removed);
    // The token itself is nowhere in storage, only its hash.
    assert_eq!(
        (store.raw)("SELECT count(*) FROM sessions WHERE token_hash = $1", &[&[10; 32]]),
        1
    );
}

pub(crate) fn a_device_keeps_its_newest_sessions_and_expired_ones_are_forgotten(store: &Store) {
    let s = &*store.storage;
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[1; 32], None, 0).unwrap();
    s.open_session(&[99; 32], "D", &[1; 32], 1_000, 0, 8).unwrap();
    for i in 0..10u8 {
        s.open_session(&[i; 32], "C", &[1; 32], 1_000, i64::from(i), 8).unwrap();
    }
    assert_eq!(s.session(&[0; 32], 20).unwrap(), None, "the oldest went");
    assert_eq!(s.session(&[1; 32], 20).unwrap(), None);
    assert!(s.session(&[2; 32], 20).unwrap().is_some());
    assert!(s.session(&[9; 32], 20).unwrap().is_some());
    assert!(
        s.session(&[99; 32], 20).unwrap().is_some(),
        "the same device's session in another chamber stays"
    );
    assert_eq!(s.open_sessions(20).unwrap(), 9);

    // Opening a session forgets every expired one, of any device.
    s.open_session(&[50; 32], "D", &[1; 32], 30, 20, 8).unwrap();
    s.open_session(&[51; 32], "C", &[1; 32], 2_000, 1_500, 8).unwrap();
    assert_eq!((store.raw)("SELECT count(*) FROM sessions", &[]), 1);
}
