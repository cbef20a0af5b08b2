//! A chamber of real diaries on a real relay, for the sync tests: the first
//! device sets the chamber up, the others join with invite codes.
#![allow(dead_code)]

use std::time::Duration;

use nextdate_diary::Diary;
use nextdate_sync::engine;

use super::support_relay::{new_diary, RelayProc};

pub fn code(d: &mut Diary) -> String {
    engine::invite(d, Duration::from_secs(3600))
        .unwrap()
        .invite
        .code()
        .to_string()
}

/// A chamber of `n` devices: the first sets it up, the others join by invite.
pub fn chamber(root: &std::path::Path, relay: &RelayProc, n: usize) -> Vec<Diary> {
    let mut devices = vec![new_diary(&root.join("d0"), "Adv. Meera Iyer")];
    engine::init(&mut devices[0], &relay.url, relay.pin).unwrap();
    for i in 1..n {
        let c = code(&mut devices[0]);
        let mut d = new_diary(&root.join(format!("d{i}")), &format!("Junior {i}"));
        engine::join(&mut d, &c, &format!("laptop {i}")).unwrap();
        devices.push(d);
    }
    devices
}
