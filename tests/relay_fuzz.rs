//! A fuzz run of the relay's input side, on stable Rust as an ordinary test:
//! generated inputs (valid request frames of every kind with their bytes
//! flipped, overwritten, inserted, deleted, cut short or extended, and plain
//! random bytes) go through frame decoding and, whenever they decode, through
//! the request handler itself (`Relay::handle`, on real SQLite storage with
//! a registered chamber, with and without a session, on both routes). No
//! input may panic, and every answer must be a frame that encodes and
//! decodes again. The run is seeded; a failure prints the seed and the case
//! (`NEXTDATE_FUZZ_SEED` replays it, `NEXTDATE_FUZZ_CASES` sets the count,
//! 1,000,000 by default).

use std::panic::{catch_unwind, AssertUnwindSafe};

use nextdate_protocol::frame::{AdmissionRequest, KeyGrant, Proof, MAX_BLOB_FRAME_BYTES, MAX_FRAME_BYTES};
use nextdate_protocol::{Frame, ProofPurpose, PROTOCOL_VERSION};
use nextdate_relay::handler::SessionInfo;
use nextdate_relay::{Policy, Relay, SqliteStorage};
use nextdate_sync::crypto::DeviceKeys;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

const CHAMBER: &str = "FUZZCHAMBER";

/// A relay with one registered chamber, and its admin's session.
fn relay(dir: &std::path::Path) -> (std::sync::Arc<Relay>, SessionInfo) {
    let relay = Relay::new(
        Box::new(SqliteStorage::open(dir).unwrap()),
        Policy {
            open_registration: true,
        },
    );
    let keys = DeviceKeys::generate();
    let Frame::Challenge { nonce } = relay.handle(
        Frame::Hello {
            version: PROTOCOL_VERSION,
            device: keys.public(),
        },
        None,
        false,
    ) else {
        panic!("no challenge")
    };
    let proof = keys.prove(ProofPurpose::RegisterChamber, CHAMBER, nonce);
    let Frame::Session { token, .. } = relay.handle(
        Frame::RegisterChamber {
            chamber: CHAMBER.into(),
            proof,
        },
        None,
        false,
    ) else {
        panic!("not registered")
    };
    let session = relay.lookup_session(&token).unwrap().expect("a session");
    (relay, session)
}

fn bytes(rng: &mut StdRng, max: usize) -> Vec<u8> {
    let mut v = vec![0u8; rng.gen_range(0..=max)];
    rng.fill_bytes(&mut v);
    v
}

fn array<const N: usize>(rng: &mut StdRng) -> [u8; N] {
    let mut a = [0u8; N];
    // Often a value the relay has seen (all zero or all one byte), sometimes random.
    match rng.gen_range(0..3) {
        0 => a.fill(rng.gen_range(0..3)),
        _ => rng.fill_bytes(&mut a),
    }
    a
}

/// One request frame of a random kind with random contents.
fn request(rng: &mut StdRng) -> Frame {
    let proof = |rng: &mut StdRng| Proof {
        device: array(rng),
        nonce: array(rng),
        signature: bytes(rng, 80),
    };
    let chamber = |rng: &mut StdRng| {
        if rng.gen_bool(0.7) {
            CHAMBER.to_string()
        } else {
            String::from_utf8_lossy(&bytes(rng, 70)).into_owned()
        }
    };
    match rng.gen_range(0..27) {
        0 => Frame::Hello {
            version: rng.gen_range(0..3),
            device: array(rng),
        },
        1 => Frame::Authenticate {
            chamber: chamber(rng),
            proof: proof(rng),
        },
        2 => Frame::RegisterChamber {
            chamber: chamber(rng),
            proof: proof(rng),
        },
        3 => Frame::RegisterChamberWithToken {
            chamber: chamber(rng),
            token: array(rng),
            proof: proof(rng),
        },
        4 => Frame::Join {
            chamber: chamber(rng),
            token: array(rng),
            proof: proof(rng),
        },
        5 => Frame::CreateInvite {
            token_hash: array(rng),
            expires_at: rng.gen_range(-10..2_000_000_000),
        },
        6 => Frame::Push {
            batch_id: array(rng),
            envelope: bytes(rng, 300),
        },
        7 => Frame::Pull {
            after: rng.gen(),
            limit: rng.gen(),
        },
        8 => Frame::PutBlob {
            id: array(rng),
            bytes: bytes(rng, 200),
        },
        9 => Frame::GetBlob { id: array(rng) },
        10 => Frame::HasBlobs {
            ids: (0..rng.gen_range(0..5)).map(|_| array(rng)).collect(),
        },
        11 => Frame::ChamberStatus,
        12 => Frame::RequestAdmission {
            request: bytes(rng, 100),
        },
        13 => Frame::ListAdmissions,
        14 => Frame::Admit {
            device: array(rng),
            grant: bytes(rng, 100),
            read_only: rng.gen(),
        },
        15 => Frame::FetchAdmission,
        16 => Frame::SetDeviceAccess {
            device: array(rng),
            read_only: rng.gen(),
        },
        17 => Frame::Rotate {
            removed: (0..rng.gen_range(0..3)).map(|_| array(rng)).collect(),
            epoch: rng.gen_range(0..4),
            grants: (0..rng.gen_range(0..3))
                .map(|_| KeyGrant {
                    device: array(rng),
                    sealed: bytes(rng, 60),
                })
                .collect(),
        },
        18 => Frame::FetchKeys { after: rng.gen() },
        19 => Frame::PutLink {
            id: array(rng),
            sealed: bytes(rng, 200),
            expires_at: rng.gen_bool(0.5).then(|| rng.gen()),
            files: (0..rng.gen_range(0..3)).map(|_| array(rng)).collect(),
        },
        20 => Frame::PutLinkFile {
            link: array(rng),
            file: array(rng),
            sealed: bytes(rng, 100),
        },
        21 => Frame::HasLinkFiles {
            link: array(rng),
            files: (0..rng.gen_range(0..3)).map(|_| array(rng)).collect(),
        },
        22 => Frame::RevokeLink { id: array(rng) },
        23 => Frame::ListLinks,
        // Replies sent as requests.
        24 => Frame::Notify { latest: rng.gen() },
        25 => Frame::Admissions {
            requests: vec![AdmissionRequest {
                device: array(rng),
                request: bytes(rng, 20),
            }],
        },
        _ => Frame::Done,
    }
}

/// The bytes of one generated input.
fn input(rng: &mut StdRng) -> Vec<u8> {
    if rng.gen_ratio(1, 10) {
        return bytes(rng, 256);
    }
    let mut b = request(rng).encode();
    for _ in 0..rng.gen_range(0..4) {
        let at = if b.is_empty() { 0 } else { rng.gen_range(0..b.len()) };
        match rng.gen_range(0..6) {
            0 if !b.is_empty() => b[at] ^= 1 << rng.gen_range(0..8),
            1 if !b.is_empty() => b[at] = rng.gen(),
            2 => b.insert(at, rng.gen()),
            3 if !b.is_empty() => {
                b.remove(at);
            }
            4 => b.truncate(at),
            _ => b.extend(bytes(rng, 8)),
        }
    }
    b
}

#[test]
fn a_million_generated_inputs_never_panic_the_decoder_or_the_handler() {
    let cases: u64 = std::env::var("NEXTDATE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = std::env::var("NEXTDATE_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen());
    let dir = tempfile::tempdir().unwrap();
    let (relay, session) = relay(dir.path());
    let mut rng = StdRng::seed_from_u64(seed);
    let mut handled = 0u64;
    for case in 0..cases {
        let bytes = input(&mut rng);
        let blob_route = rng.gen_ratio(1, 5);
        let with_session = rng.gen_ratio(7, 10);
        let limit = if blob_route {
            MAX_BLOB_FRAME_BYTES
        } else {
            MAX_FRAME_BYTES
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let Ok(frame) = Frame::decode(&bytes, limit) else {
                return false;
            };
            assert_eq!(
                Frame::decode(&frame.encode(), limit).as_ref(),
                Ok(&frame),
                "re-encoding changed it"
            );
            let reply = relay.handle(frame, with_session.then_some(&session), blob_route);
            let again = Frame::decode(&reply.encode(), MAX_BLOB_FRAME_BYTES).expect("the reply encodes");
            assert_eq!(again, reply);
            true
        }));
        match outcome {
            Ok(true) => handled += 1,
            Ok(false) => {}
            Err(_) => {
                panic!("case {case} of seed {seed} panicked (replay with NEXTDATE_FUZZ_SEED={seed}): {bytes:02x?}")
            }
        }
    }
    eprintln!("fuzz: {cases} inputs (seed {seed}), {handled} decoded and handled");
    assert!(
        handled > cases / 4,
        "too few inputs reached the handler: {handled} of {cases}"
    );
}
