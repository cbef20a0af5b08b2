//! A batch in a format newer than this build reads (sealed by a laptop that
//! was updated first) stops the pull before it: the device says to update
//! Nextdate, keeps everything before it, and skips nothing after it, so the
//! update reads it. Real diaries, a real relay process on 127.0.0.1.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use ed25519_dalek::{Signer, SigningKey};
use nextdate_diary::{Diary, ErrorCode, NewClient};
use nextdate_protocol::envelope::{Envelope, EnvelopeBody, FORMAT_VERSION};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::DeviceKeys;
use nextdate_sync::{engine, SyncError};
use support_chamber::chamber;
use support_relay::*;

/// Adds a client and sends it (a round pushes before it pulls). The writer's
/// own pull may meet the newer batch too: it is not updated either.
fn add_client(d: &mut Diary, name: &str) {
    d.add_client(NewClient {
        name: name.into(),
        ..Default::default()
    })
    .unwrap();
    match engine::sync_now(d) {
        Ok(_) | Err(SyncError::NewerBatch(_)) => {}
        Err(e) => panic!("{e}"),
    }
}

/// The newest position in the chamber's log, as `d`'s device is served it.
fn latest(relay: &RelayProc, d: &Diary) -> u64 {
    let keys = DeviceKeys::from_secret_hex(&d.sync_state("device").unwrap().unwrap()).unwrap();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    client.authenticate(&keys, d.chamber_id()).unwrap();
    client.pull(0, 1).unwrap().latest
}

fn has_client(d: &Diary, name: &str) -> bool {
    d.clients().unwrap().iter().any(|c| c.name == name)
}

/// Pushes a batch signed by `d`'s device in format version `version`.
fn push_in_version(relay: &RelayProc, d: &Diary, version: u8) -> u64 {
    let secret = d.sync_state("device").unwrap().unwrap();
    let keys = DeviceKeys::from_secret_hex(&secret).unwrap();
    let raw = data_encoding::HEXLOWER.decode(secret.as_bytes()).unwrap();
    let signing = SigningKey::from_bytes(&raw[..32].try_into().unwrap());
    let batch_id = [7u8; 16];
    let body = postcard::to_allocvec(&EnvelopeBody {
        version,
        chamber: d.chamber_id().to_string(),
        epoch: 1,
        device: signing.verifying_key().to_bytes(),
        batch_id,
        nonce: [1; 24],
        ciphertext: vec![9; 64],
    })
    .unwrap();
    let signature = signing.sign(&body).to_bytes().to_vec();
    let envelope = postcard::to_allocvec(&Envelope { body, signature }).unwrap();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    client.authenticate(&keys, d.chamber_id()).unwrap();
    client.push(batch_id, envelope).unwrap().seq
}

#[test]
fn a_batch_in_a_newer_format_stops_the_pull_before_it() {
    let tmp = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(&tmp.path().join("relay"), &tmp.path().join("relay.log"), "127.0.0.1:0");
    let mut devices = chamber(tmp.path(), &relay, 2);
    add_client(&mut devices[0], "Before The Update");
    let newer = push_in_version(&relay, &devices[0], FORMAT_VERSION + 1);
    add_client(&mut devices[0], "After The Update");
    assert!(latest(&relay, &devices[0]) > newer, "the later change went out");

    for _ in 0..2 {
        let err = engine::sync_now(&mut devices[1]).unwrap_err();
        assert!(matches!(err, SyncError::NewerBatch(_)), "{err:?}");
        assert_eq!(err.code(), ErrorCode::NewerSchema);
        assert!(err.to_string().contains("update Nextdate"), "{err}");
        // What came before is kept; the cursor stops before the newer batch,
        // so nothing after it is skipped: it waits for the update.
        assert!(has_client(&devices[1], "Before The Update"));
        assert!(!has_client(&devices[1], "After The Update"));
        let cursor: u64 = devices[1].sync_state("cursor").unwrap().unwrap().parse().unwrap();
        assert_eq!(cursor, newer - 1);
    }
}
