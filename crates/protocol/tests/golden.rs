//! Golden bytes: every frame kind, a batch payload and a sealed envelope as
//! devices in the field send them today, kept in `tests/fixtures/`. Each fixture
//! must decode to its value and that value must encode to exactly the fixture's
//! bytes, so a change to the wire format (a field added, reordered or retyped)
//! fails here instead of silently breaking older devices.
//!
//! The fixtures are made deterministically (fixed keys and nonces). Regenerate
//! them only for a deliberate new format version, never to make this pass:
//! `cargo test -p nextdate-protocol --test golden -- --ignored regenerate`.

use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use nextdate_protocol::envelope::{self, Envelope, EnvelopeBody, SealingKey};
use nextdate_protocol::frame::{ErrorCode, Frame, Proof, StoredBatch, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use nextdate_protocol::{BatchPayload, WireChange, FORMAT_VERSION};

const CHAMBER: &str = "01JCHAMBER";
const CHAMBER_KEY: [u8; 32] = [6; 32];
const DEVICE_SEED: [u8; 32] = [5; 32];
const BATCH_ID: [u8; 16] = [9; 16];
const NONCE: [u8; 24] = [7; 24];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// One frame of every kind, with recognisable contents.
fn frames() -> Vec<(&'static str, Frame)> {
    let proof = Proof {
        device: [3; 32],
        nonce: [4; 32],
        signature: vec![5; 64],
    };
    let chamber = || CHAMBER.to_string();
    vec![
        (
            "hello",
            Frame::Hello {
                version: PROTOCOL_VERSION,
                device: [7; 32],
            },
        ),
        ("challenge", Frame::Challenge { nonce: [8; 32] }),
        (
            "authenticate",
            Frame::Authenticate {
                chamber: chamber(),
                proof: proof.clone(),
            },
        ),
        (
            "register_chamber",
            Frame::RegisterChamber {
                chamber: chamber(),
                proof: proof.clone(),
            },
        ),
        (
            "join",
            Frame::Join {
                chamber: chamber(),
                token: [9; 32],
                proof,
            },
        ),
        (
            "session",
            Frame::Session {
                token: [10; 32],
                chamber: chamber(),
                admin: true,
            },
        ),
        (
            "create_invite",
            Frame::CreateInvite {
                token_hash: [11; 32],
                expires_at: 1_900_000_000,
            },
        ),
        (
            "push",
            Frame::Push {
                batch_id: [12; 16],
                envelope: vec![1, 2, 3, 250],
            },
        ),
        (
            "pushed",
            Frame::Pushed {
                seq: 300,
                duplicate: false,
            },
        ),
        ("pull", Frame::Pull { after: 299, limit: 200 }),
        (
            "batches",
            Frame::Batches {
                items: vec![
                    StoredBatch {
                        seq: 300,
                        envelope: vec![6; 5],
                    },
                    StoredBatch {
                        seq: 301,
                        envelope: vec![],
                    },
                ],
                latest: 301,
            },
        ),
        ("notify", Frame::Notify { latest: 70000 }),
        (
            "put_blob",
            Frame::PutBlob {
                id: [13; 32],
                bytes: vec![0, 255],
            },
        ),
        ("get_blob", Frame::GetBlob { id: [14; 32] }),
        ("blob", Frame::Blob { bytes: vec![1; 3] }),
        (
            "has_blobs",
            Frame::HasBlobs {
                ids: vec![[15; 32], [16; 32]],
            },
        ),
        (
            "blobs_present",
            Frame::BlobsPresent {
                present: vec![true, false],
            },
        ),
        ("chamber_status", Frame::ChamberStatus),
        (
            "chamber_info",
            Frame::ChamberInfo {
                devices: 3,
                latest: 301,
            },
        ),
        ("done", Frame::Done),
        (
            "error",
            Frame::error(ErrorCode::BadToken, "the invite token has already been used"),
        ),
    ]
}

fn payload() -> BatchPayload {
    BatchPayload {
        changes: vec![
            WireChange {
                doc_id: "01CASE".into(),
                kind: "case".into(),
                bytes: b"Ramesh Kumar v. State".to_vec(),
            },
            WireChange {
                doc_id: "01CLIENT".into(),
                kind: "client".into(),
                bytes: vec![0, 1, 2],
            },
        ],
    }
}

fn key() -> SealingKey<'static> {
    SealingKey {
        epoch: 1,
        key: &CHAMBER_KEY,
    }
}

fn sealed() -> Vec<u8> {
    envelope::seal(
        &SigningKey::from_bytes(&DEVICE_SEED),
        key(),
        CHAMBER,
        BATCH_ID,
        NONCE,
        &payload(),
    )
}

#[test]
fn every_frame_kind_matches_its_golden_bytes() {
    let all = frames();
    // Every variant is covered: a new frame kind needs a fixture too.
    let names: std::collections::BTreeSet<_> = all.iter().map(|(_, f)| f.name()).collect();
    assert_eq!(names.len(), 21, "one fixture per frame kind");
    for (name, frame) in all {
        let golden = read(&format!("frames/{name}.bin"));
        assert_eq!(frame.encode(), golden, "{name} no longer encodes to its golden bytes");
        assert_eq!(Frame::decode(&golden, MAX_FRAME_BYTES).unwrap(), frame, "{name}");
    }
}

#[test]
fn the_batch_payload_matches_its_golden_bytes() {
    let golden = read("payload.bin");
    assert_eq!(payload().encode(), golden);
    assert_eq!(BatchPayload::decode(FORMAT_VERSION, &golden).unwrap(), payload());
}

#[test]
fn the_sealed_envelope_matches_its_golden_bytes() {
    let golden = read("envelope.bin");
    assert_eq!(
        sealed(),
        golden,
        "sealing the same batch no longer gives the same bytes"
    );
    let opened = envelope::open(&golden, key(), CHAMBER).unwrap();
    assert_eq!(opened.payload, payload());
    assert_eq!(opened.batch_id, BATCH_ID);
    assert_eq!(
        opened.device,
        SigningKey::from_bytes(&DEVICE_SEED).verifying_key().to_bytes()
    );
    // Format version 1, carried as the body's first byte (signed).
    let env: Envelope = postcard::from_bytes(&golden).unwrap();
    assert_eq!(env.body[0], 1);
    let body: EnvelopeBody = postcard::from_bytes(&env.body).unwrap();
    assert_eq!((body.version, body.epoch, body.nonce), (FORMAT_VERSION, 1, NONCE));
    assert_eq!(postcard::to_allocvec(&env).unwrap(), golden);
}

/// Writes the fixtures again. Only for a deliberate format change (which also
/// means a new [`FORMAT_VERSION`] or [`PROTOCOL_VERSION`] and keeping the old
/// fixtures readable).
#[test]
#[ignore = "rewrites the golden fixtures"]
fn regenerate() {
    std::fs::create_dir_all(fixture("frames")).unwrap();
    for (name, frame) in frames() {
        std::fs::write(fixture(&format!("frames/{name}.bin")), frame.encode()).unwrap();
    }
    std::fs::write(fixture("payload.bin"), payload().encode()).unwrap();
    std::fs::write(fixture("envelope.bin"), sealed()).unwrap();
}
