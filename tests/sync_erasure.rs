//! Erasing a client's personal data across a chamber, through a real relay
//! process with real diaries: the erasure reaches every laptop, a change made
//! offline to the old client is dropped everywhere, two laptops erasing the
//! same client agree on one replacement, and no laptop keeps a trace of the
//! data in its file. The relay only ever saw ciphertext.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;
#[path = "support/traces.rs"]
mod traces;

use nextdate_diary::{projection, CaseEdit, ClientEdit, Diary, NewCase, NewClient};
use nextdate_sync::engine;
use support_chamber::chamber;
use support_relay::*;

const PHONE: &str = "+91 98765 43210";
const OFFLINE_PHONE: &str = "+91 91234 00077";
const ADDRESS: &str = "14 Hauz Khas Enclave";

fn settle(devices: &mut [Diary]) {
    for _ in 0..3 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

fn assert_same(devices: &[Diary]) {
    let first = devices[0].doc_heads().unwrap();
    for d in &devices[1..] {
        assert_eq!(d.doc_heads().unwrap(), first, "the laptops hold different documents");
        assert_eq!(
            projection::dump(d.conn()).unwrap(),
            projection::dump(devices[0].conn()).unwrap(),
            "the laptops show different diaries"
        );
    }
}

/// A chamber of `n` laptops sharing one client (with a phone and address)
/// named by one case.
fn chamber_with_client(root: &std::path::Path, relay: &RelayProc, n: usize) -> (Vec<Diary>, String, String) {
    let mut devices = chamber(root, relay, n);
    let client = devices[0]
        .add_client(NewClient {
            name: "Lakshmi Narayanan".into(),
            phones: vec![PHONE.into()],
            address: Some(ADDRESS.into()),
            ..Default::default()
        })
        .unwrap();
    let case = devices[0]
        .add_case(NewCase {
            title: "Iyer v. Union of India".into(),
            number: "W.P.(C) 4410/2026".into(),
            court: "Delhi High Court".into(),
            client_ids: vec![client.clone()],
            ..Default::default()
        })
        .unwrap();
    settle(&mut devices);
    (devices, client, case)
}

fn assert_no_trace(devices: &[Diary]) {
    for (i, d) in devices.iter().enumerate() {
        let all = traces::everything(d.conn());
        for trace in [PHONE, OFFLINE_PHONE, ADDRESS, "Lakshmi"] {
            if let Some(at) = all.find(trace) {
                let from = all[..at].char_indices().rev().nth(300).map(|(i, _)| i).unwrap_or(0);
                let to = (at + 200).min(all.len());
                panic!(
                    "laptop {i} still holds {trace:?}: …{}…",
                    &all[from..all.ceil_char_boundary(to)]
                );
            }
        }
        assert!(all.contains("Iyer v. Union of India"), "laptop {i} lost the case");
    }
}

#[test]
fn an_erasure_reaches_every_laptop_and_wins_over_an_offline_edit() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let (mut devices, client, case) = chamber_with_client(root.path(), &relay, 3);
    for d in &devices {
        assert!(
            traces::everything(d.conn()).contains(PHONE),
            "every laptop had the phone"
        );
    }

    // Laptop 1, offline, corrects the client's phone.
    devices[1]
        .edit_client(
            &client,
            ClientEdit {
                phones: Some(vec![OFFLINE_PHONE.into()]),
                ..Default::default()
            },
        )
        .unwrap();
    // Laptop 0 detaches the client and erases their data; laptop 2 syncs.
    devices[0]
        .edit_case(
            &case,
            CaseEdit {
                client_ids: Some(vec![]),
                ..Default::default()
            },
        )
        .unwrap();
    devices[0].erase_client(&client, "Lakshmi Narayanan").unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    let report = engine::sync_now(&mut devices[2]).unwrap();
    assert!(report.merged_docs >= 1, "{report:?}");
    // Laptop 1 comes back: its edit goes up, the erasure comes down.
    settle(&mut devices);

    assert_same(&devices);
    assert_no_trace(&devices);
    for d in &devices {
        assert!(d.clients().unwrap().is_empty());
        assert_eq!(
            d.history(&case).unwrap().last().unwrap().message,
            "Clients cleared (was Erased client)"
        );
        assert_eq!(d.sync_state("rejected").unwrap(), None, "nothing was rejected");
    }
    // The relay holds ciphertext only.
    let relay_db = std::fs::read(root.path().join("relay").join("relay.db")).unwrap_or_default();
    assert!(!relay_db.windows(6).any(|w| w == b"Lakshm"));
}

#[test]
fn two_laptops_erasing_the_same_client_offline_agree() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let (mut devices, client, case) = chamber_with_client(root.path(), &relay, 2);
    devices[0]
        .edit_case(
            &case,
            CaseEdit {
                client_ids: Some(vec![]),
                ..Default::default()
            },
        )
        .unwrap();
    settle(&mut devices);
    for d in devices.iter_mut() {
        d.erase_client(&client, "lakshmi narayanan").unwrap();
    }
    settle(&mut devices);
    assert_same(&devices);
    assert_no_trace(&devices);
}
