//! A chamber of real diaries on a real relay, for the sync tests: the first
//! device sets the chamber up, the others join with invite codes and are let
//! in by the first one's next sync.
#![allow(dead_code)]

use std::time::Duration;

use nextdate_diary::roles::Role;
use nextdate_diary::Diary;
use nextdate_sync::{engine, joining};

use super::support_relay::{new_diary, RelayProc};

/// An invite for an advocate.
pub fn code(d: &mut Diary) -> String {
    code_as(d, Role::Advocate)
}

/// An invite for a member with `role`.
pub fn code_as(d: &mut Diary, role: Role) -> String {
    joining::invite(d, Duration::from_secs(3600), role)
        .unwrap()
        .invite
        .code()
        .to_string()
}

/// `joiner` asks to join with `code`, `admin` lets it in at its next sync,
/// and `joiner` finishes joining at its own.
pub fn let_in(admin: &mut Diary, joiner: &mut Diary, code: &str, label: &str) {
    let asked = joining::join(joiner, code, label).unwrap();
    assert!(asked.awaiting_admission, "the admin has not answered yet");
    let answered = engine::sync_now(admin).unwrap();
    assert_eq!(answered.admitted_devices, 1, "the admin lets the new laptop in");
    let joined = engine::sync_now(joiner).unwrap();
    assert!(!joined.awaiting_admission, "let in: {joined:?}");
}

/// A chamber of `n` devices: the first sets it up, the others join by invite.
pub fn chamber(root: &std::path::Path, relay: &RelayProc, n: usize) -> Vec<Diary> {
    let roles = vec![Role::Advocate; n];
    chamber_of(root, relay, &roles)
}

/// A chamber whose first device is the owner and whose others have `roles[1..]`.
pub fn chamber_of(root: &std::path::Path, relay: &RelayProc, roles: &[Role]) -> Vec<Diary> {
    let mut devices = vec![new_diary(&root.join("d0"), "Adv. Meera Iyer")];
    engine::init(&mut devices[0], &relay.url, relay.pin, None).unwrap();
    for (i, role) in roles.iter().enumerate().skip(1) {
        let c = code_as(&mut devices[0], *role);
        let mut d = new_diary(&root.join(format!("d{i}")), &format!("Junior {i}"));
        let (admin, _) = devices.split_at_mut(1);
        let_in(&mut admin[0], &mut d, &c, &format!("laptop {i}"));
        devices.push(d);
    }
    devices
}
