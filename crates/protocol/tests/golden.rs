//! Golden bytes: every frame kind, a batch payload and a sealed envelope in
//! each format version, the challenge proofs (the exact message a device
//! signs for each purpose, and the signed proof) and every error code, as
//! devices in the field send them today, kept in `tests/fixtures/`. Each
//! fixture must decode to its value and that value must encode to exactly
//! the fixture's bytes (version 5's DEFLATE stream: inflate to exactly its
//! layout), so a change to the wire format (a field added, reordered or
//! retyped, an enum variant reordered) fails here instead of silently
//! breaking older devices.
//!
//! Every variant is covered: [`golden_frame`] matches on [`Frame`] without a
//! wildcard and names each kind's fixture file, so a new frame kind does not
//! compile until it has a fixture, and a test checks that each enum has no
//! variant beyond those listed here.
//!
//! The fixtures are made deterministically (fixed keys and nonces). Regenerate
//! them only for a deliberate new format version, never to make this pass. The
//! regeneration test is ignored *and* does nothing unless
//! `NEXTDATE_REGEN_GOLDEN=1` is set, so `cargo test -- --include-ignored` alone
//! never rewrites a fixture:
//! `NEXTDATE_REGEN_GOLDEN=1 cargo test -p nextdate-protocol --test golden -- --ignored regenerate`
//! (then check with `git diff` that only the fixtures you meant to change did).

use std::path::PathBuf;

use ed25519_dalek::SigningKey;
use nextdate_protocol::envelope::{self, Envelope, EnvelopeBody, SealingKey};
use nextdate_protocol::frame::{ErrorCode, Frame, Proof, MAX_FRAME_BYTES};
use nextdate_protocol::proof::{proof_message, sign_proof, verify_proof, ProofPurpose};
use nextdate_protocol::{compressed, BatchPayload, WireChange, FORMAT_VERSION};

const CHAMBER: &str = "01JCHAMBER";
const CHAMBER_KEY: [u8; 32] = [6; 32];
const DEVICE_SEED: [u8; 32] = [5; 32];
const BATCH_ID: [u8; 16] = [9; 16];
const NONCE: [u8; 24] = [7; 24];
const CHALLENGE: [u8; 32] = [4; 32];
/// The environment variable that lets [`regenerate`] write fixtures.
const REGEN_VAR: &str = "NEXTDATE_REGEN_GOLDEN";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string()))
        .join("tests/fixtures")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

#[path = "golden/frames.rs"]
mod frames;
use frames::frames;

fn payload() -> BatchPayload {
    BatchPayload {
        changes: vec![
            WireChange {
                doc_id: "01CASE".into(),
                kind: "case".into(),
                bytes: b"Ramesh Kumar v. State".to_vec(),
                replaces: false,
                context: Vec::new(),
                signatures: Vec::new(),
            },
            WireChange {
                doc_id: "01CLIENT".into(),
                kind: "client".into(),
                bytes: vec![0, 1, 2],
                replaces: false,
                context: Vec::new(),
                signatures: Vec::new(),
            },
        ],
        ..Default::default()
    }
}

/// A format-version-2 payload: a change beside a client document replaced
/// (its data erased on request).
fn erasure_payload() -> BatchPayload {
    let mut p = payload();
    p.changes[1].replaces = true;
    p
}

/// A format-version-3 payload: the erasure batch with each change's chamber
/// context (the heads its author saw).
fn context_payload() -> BatchPayload {
    let mut p = erasure_payload();
    p.changes[0].context = [[0xAB; 32], [0xCD; 32]].concat();
    p.changes[1].context = vec![0xAB; 32];
    p
}

/// A format-version-4 payload: the context batch with its author's
/// signature of each change, numbered in its device's chain.
fn signed_payload() -> BatchPayload {
    let mut p = context_payload();
    p.changes[0].signatures = vec![0x51; 64];
    p.changes[1].signatures = [[0x52; 64], [0x53; 64]].concat();
    p.device_seq = 12;
    p.previous = vec![0x54; 32];
    p
}

fn key() -> SealingKey<'static> {
    SealingKey {
        epoch: 1,
        key: &CHAMBER_KEY,
    }
}

/// A format-version-5 payload: the signed batch and twenty more changes like
/// a new case's, which compress well.
fn compressed_payload() -> BatchPayload {
    let mut p = signed_payload();
    for i in 0..20u8 {
        p.changes.push(WireChange {
            doc_id: format!("01CASE{i:02}"),
            kind: "case".into(),
            bytes: format!("Matter {i} v. State, District Court").into_bytes(),
            replaces: false,
            context: [[0xAB; 32], [0xCD; 32]].concat(),
            signatures: vec![0x60 + i; 64],
        });
    }
    p
}

/// The batch sealed as it is today (version 1: too small to gain by compression).
fn sealed() -> Vec<u8> {
    seal_compressed(&payload())
}

/// A batch sealed as builds before format version 5 sealed it: uncompressed,
/// in the oldest version that carries it (what the fixtures of versions 1–4 hold).
fn seal(payload: &BatchPayload) -> Vec<u8> {
    envelope::seal_uncompressed(
        &SigningKey::from_bytes(&DEVICE_SEED),
        key(),
        CHAMBER,
        BATCH_ID,
        NONCE,
        payload,
    )
}

/// A frame fixture: its file name and its bytes, read in at compile time.
macro_rules! frame_fixture {
    ($name:literal) => {
        ($name, &include_bytes!(concat!("fixtures/frames/", $name, ".bin"))[..])
    };
}

/// Each frame kind's fixture. No wildcard arm, on purpose: a new [`Frame`]
/// variant does not compile until it is given a fixture file here, and then
/// [`every_frame_kind_matches_its_golden_bytes`] fails until [`frames`] has an
/// example of it (regenerate to write the new file; the others must not change).
fn golden_frame(frame: &Frame) -> (&'static str, &'static [u8]) {
    match frame {
        Frame::Hello { .. } => frame_fixture!("hello"),
        Frame::Challenge { .. } => frame_fixture!("challenge"),
        Frame::Authenticate { .. } => frame_fixture!("authenticate"),
        Frame::RegisterChamber { .. } => frame_fixture!("register_chamber"),
        Frame::Join { .. } => frame_fixture!("join"),
        Frame::Session { .. } => frame_fixture!("session"),
        Frame::CreateInvite { .. } => frame_fixture!("create_invite"),
        Frame::Push { .. } => frame_fixture!("push"),
        Frame::Pushed { .. } => frame_fixture!("pushed"),
        Frame::Pull { .. } => frame_fixture!("pull"),
        Frame::Batches { .. } => frame_fixture!("batches"),
        Frame::Notify { .. } => frame_fixture!("notify"),
        Frame::PutBlob { .. } => frame_fixture!("put_blob"),
        Frame::GetBlob { .. } => frame_fixture!("get_blob"),
        Frame::Blob { .. } => frame_fixture!("blob"),
        Frame::HasBlobs { .. } => frame_fixture!("has_blobs"),
        Frame::BlobsPresent { .. } => frame_fixture!("blobs_present"),
        Frame::ChamberStatus => frame_fixture!("chamber_status"),
        Frame::ChamberInfo { .. } => frame_fixture!("chamber_info"),
        Frame::Done => frame_fixture!("done"),
        Frame::Error { .. } => frame_fixture!("error"),
        Frame::RequestAdmission { .. } => frame_fixture!("request_admission"),
        Frame::ListAdmissions => frame_fixture!("list_admissions"),
        Frame::Admissions { .. } => frame_fixture!("admissions"),
        Frame::Admit { .. } => frame_fixture!("admit"),
        Frame::FetchAdmission => frame_fixture!("fetch_admission"),
        Frame::Admission { .. } => frame_fixture!("admission"),
        Frame::SetDeviceAccess { .. } => frame_fixture!("set_device_access"),
        Frame::Rotate { .. } => frame_fixture!("rotate"),
        Frame::FetchKeys { .. } => frame_fixture!("fetch_keys"),
        Frame::Keys { .. } => frame_fixture!("keys"),
        Frame::PutLink { .. } => frame_fixture!("put_link"),
        Frame::PutLinkFile { .. } => frame_fixture!("put_link_file"),
        Frame::HasLinkFiles { .. } => frame_fixture!("has_link_files"),
        Frame::RevokeLink { .. } => frame_fixture!("revoke_link"),
        Frame::ListLinks => frame_fixture!("list_links"),
        Frame::Links { .. } => frame_fixture!("links"),
        Frame::RegisterChamberWithToken { .. } => frame_fixture!("register_chamber_with_token"),
    }
}

/// Every proof purpose, in wire order (its number is signed into the proof).
const PURPOSES: [ProofPurpose; 3] = [
    ProofPurpose::Authenticate,
    ProofPurpose::RegisterChamber,
    ProofPurpose::Join,
];

/// A purpose's fixture name. No wildcard arm: a new purpose needs fixtures.
fn purpose_name(purpose: ProofPurpose) -> &'static str {
    match purpose {
        ProofPurpose::Authenticate => "authenticate",
        ProofPurpose::RegisterChamber => "register_chamber",
        ProofPurpose::Join => "join",
    }
}

/// Every error code, in wire order.
const ERROR_CODES: [ErrorCode; 15] = [
    ErrorCode::Malformed,
    ErrorCode::TooLarge,
    ErrorCode::Unauthenticated,
    ErrorCode::Forbidden,
    ErrorCode::BadProof,
    ErrorCode::BadToken,
    ErrorCode::ChamberExists,
    ErrorCode::NotFound,
    ErrorCode::Unexpected,
    ErrorCode::Internal,
    ErrorCode::Removed,
    ErrorCode::OldKey,
    ErrorCode::Gone,
    ErrorCode::QuotaExceeded,
    ErrorCode::RateLimited,
];

/// The proof a device with [`DEVICE_SEED`] signs for `purpose` (Ed25519
/// signatures are deterministic, so these are fixed bytes).
fn proof(purpose: ProofPurpose) -> Proof {
    sign_proof(&SigningKey::from_bytes(&DEVICE_SEED), purpose, CHAMBER, CHALLENGE)
}

/// The fixtures written by [`regenerate`] besides the frames: name and bytes.
fn other_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut all = vec![
        ("payload.bin".to_string(), payload().encode()),
        ("envelope.bin".to_string(), sealed()),
        ("payload_v2.bin".to_string(), erasure_payload().encode()),
        ("envelope_v2.bin".to_string(), seal(&erasure_payload())),
        ("payload_v3.bin".to_string(), context_payload().encode()),
        ("envelope_v3.bin".to_string(), seal(&context_payload())),
        ("payload_v4.bin".to_string(), signed_payload().encode()),
        ("envelope_v4.bin".to_string(), seal(&signed_payload())),
        (
            "payload_v5.bin".to_string(),
            compressed::compress(&compressed_payload()).unwrap().to_vec(),
        ),
        ("envelope_v5.bin".to_string(), seal_compressed(&compressed_payload())),
        (
            "error_codes.bin".to_string(),
            postcard::to_allocvec(&ERROR_CODES.to_vec()).unwrap(),
        ),
    ];
    for purpose in PURPOSES {
        let name = purpose_name(purpose);
        all.push((
            format!("proofs/{name}_message.bin"),
            proof_message(purpose, CHAMBER, &CHALLENGE),
        ));
        all.push((
            format!("proofs/{name}.bin"),
            postcard::to_allocvec(&proof(purpose)).unwrap(),
        ));
    }
    all
}

#[test]
fn every_frame_kind_matches_its_golden_bytes() {
    let all = frames();
    let mut names = std::collections::BTreeSet::new();
    for frame in &all {
        let (name, golden) = golden_frame(frame);
        assert!(names.insert(name), "two examples of {name} in frames()");
        assert_eq!(frame.encode(), golden, "{name} no longer encodes to its golden bytes");
        assert_eq!(&Frame::decode(golden, MAX_FRAME_BYTES).unwrap(), frame, "{name}");
        assert_eq!(read(&format!("frames/{name}.bin")), golden, "{name} on disk");
    }
    // One example per fixture file, so a kind given a fixture in
    // `golden_frame` but no example in `frames()` fails here.
    let files = std::fs::read_dir(fixture("frames")).unwrap().count();
    assert_eq!(
        files,
        all.len(),
        "one example in frames() per fixture in tests/fixtures/frames"
    );
    // And no frame kind beyond those: the next variant index does not decode,
    // whatever its fields (all zero bytes decode as almost any field type).
    let mut next = vec![all.len() as u8];
    next.extend([0; 256]);
    assert!(
        postcard::take_from_bytes::<Frame>(&next).is_err(),
        "a frame kind without a golden fixture"
    );
}

#[test]
fn every_error_code_matches_its_golden_bytes() {
    let golden = read("error_codes.bin");
    assert_eq!(postcard::to_allocvec(&ERROR_CODES.to_vec()).unwrap(), golden);
    assert_eq!(postcard::from_bytes::<Vec<ErrorCode>>(&golden).unwrap(), ERROR_CODES);
    // Each code is its index on the wire, and there is none after the last.
    for (i, code) in ERROR_CODES.iter().enumerate() {
        assert_eq!(postcard::to_allocvec(code).unwrap(), [i as u8], "{code:?}");
    }
    assert!(
        postcard::from_bytes::<ErrorCode>(&[ERROR_CODES.len() as u8]).is_err(),
        "an error code missing from ERROR_CODES and error_codes.bin"
    );
}

/// What a device signs at login, registration and joining: the message bytes
/// (domain, purpose number, chamber, nonce) and the resulting proof.
#[test]
fn every_proof_purpose_matches_its_golden_bytes() {
    for (i, purpose) in PURPOSES.into_iter().enumerate() {
        let name = purpose_name(purpose);
        assert_eq!(purpose as u8 as usize, i, "{name} renumbered");
        assert_eq!(
            proof_message(purpose, CHAMBER, &CHALLENGE),
            read(&format!("proofs/{name}_message.bin")),
            "the {name} proof message changed: the relay would refuse the devices in the field"
        );
        let golden = read(&format!("proofs/{name}.bin"));
        assert_eq!(postcard::to_allocvec(&proof(purpose)).unwrap(), golden, "{name} proof");
        let decoded: Proof = postcard::from_bytes(&golden).unwrap();
        assert!(verify_proof(&decoded, purpose, CHAMBER), "{name} golden proof verifies");
        for other in PURPOSES.into_iter().filter(|&p| p != purpose) {
            assert!(
                !verify_proof(&decoded, other, CHAMBER),
                "{name} proof accepted as {other:?}"
            );
        }
    }
    assert!(
        postcard::from_bytes::<ProofPurpose>(&[PURPOSES.len() as u8]).is_err(),
        "a proof purpose missing from PURPOSES and its fixtures"
    );
}

#[test]
fn the_batch_payload_matches_its_golden_bytes() {
    let golden = read("payload.bin");
    assert_eq!(payload().encode(), golden);
    assert_eq!(payload().format_version(), 1);
    assert_eq!(BatchPayload::decode(1, &golden).unwrap(), payload());
}

/// Version 2 (a document replaced) has its own fixtures, and version 1 stays
/// what it was: a batch without a replacement is still sealed as version 1.
#[test]
fn the_version_2_payload_and_envelope_match_their_golden_bytes() {
    assert_eq!(FORMAT_VERSION, 5, "the newest version; older ones are still read");
    let golden = read("payload_v2.bin");
    assert_eq!(erasure_payload().format_version(), 2);
    assert_eq!(erasure_payload().encode(), golden);
    assert_eq!(BatchPayload::decode(2, &golden).unwrap(), erasure_payload());
    let sealed = read("envelope_v2.bin");
    assert_eq!(seal(&erasure_payload()), sealed);
    let env: Envelope = postcard::from_bytes(&sealed).unwrap();
    assert_eq!(env.body[0], 2);
    assert_eq!(
        envelope::open(&sealed, key(), CHAMBER).unwrap().payload,
        erasure_payload()
    );
}

#[test]
fn the_version_3_payload_and_envelope_match_their_golden_bytes() {
    let golden = read("payload_v3.bin");
    assert_eq!(context_payload().format_version(), 3);
    assert_eq!(context_payload().encode(), golden);
    assert_eq!(BatchPayload::decode(3, &golden).unwrap(), context_payload());
    let sealed = read("envelope_v3.bin");
    assert_eq!(seal(&context_payload()), sealed);
    assert_eq!(
        envelope::open(&sealed, key(), CHAMBER).unwrap().payload,
        context_payload()
    );
}

#[test]
fn the_version_4_payload_and_envelope_match_their_golden_bytes() {
    let golden = read("payload_v4.bin");
    assert_eq!(signed_payload().format_version(), 4);
    assert_eq!(signed_payload().encode(), golden);
    assert_eq!(BatchPayload::decode(4, &golden).unwrap(), signed_payload());
    let sealed = read("envelope_v4.bin");
    assert_eq!(seal(&signed_payload()), sealed);
    assert_eq!(
        envelope::open(&sealed, key(), CHAMBER).unwrap().payload,
        signed_payload()
    );
}

/// Version 5, compressed. The DEFLATE stream is not compared byte for byte
/// (another release of the compressor may write another, equally valid
/// stream for the same bytes, and the fixture must still read): the fixture
/// must inflate to exactly today's layout of its payload and decode to it,
/// and its envelope must open to it.
#[test]
fn the_version_5_payload_and_envelope_match_their_golden_bytes() {
    let p = compressed_payload();
    assert_eq!(p.format_version(), 4, "uncompressed, it would be version 4");
    let golden = read("payload_v5.bin");
    assert_eq!(*compressed::inflate(&golden).unwrap(), *compressed::layout(&p));
    assert_eq!(BatchPayload::decode(5, &golden).unwrap(), p);
    assert_eq!(p.sealed_form().0, 5);
    assert!(golden.len() < p.encode().len() / 2, "{} bytes", golden.len());
    let sealed = read("envelope_v5.bin");
    let env: Envelope = postcard::from_bytes(&sealed).unwrap();
    assert_eq!(env.body[0], 5);
    assert_eq!(envelope::open(&sealed, key(), CHAMBER).unwrap().payload, p);
    assert_eq!(envelope::open(&seal_compressed(&p), key(), CHAMBER).unwrap().payload, p);
}

/// A batch sealed as it is today: compressed when that is smaller.
fn seal_compressed(payload: &BatchPayload) -> Vec<u8> {
    envelope::seal(
        &SigningKey::from_bytes(&DEVICE_SEED),
        key(),
        CHAMBER,
        BATCH_ID,
        NONCE,
        payload,
    )
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
    assert_eq!((body.version, body.epoch, body.nonce), (1, 1, NONCE));
    assert_eq!(postcard::to_allocvec(&env).unwrap(), golden);
}

/// Writes the fixtures again. Only for a deliberate format change (which also
/// means a new [`FORMAT_VERSION`] or [`PROTOCOL_VERSION`] and keeping the old
/// fixtures readable), or to add the fixture of something new. Ignored, and
/// even when run it writes nothing unless `NEXTDATE_REGEN_GOLDEN=1` is set.
#[test]
#[ignore = "rewrites the golden fixtures (needs NEXTDATE_REGEN_GOLDEN=1)"]
fn regenerate() {
    if std::env::var(REGEN_VAR).as_deref() != Ok("1") {
        eprintln!(
            "regenerate: not writing any fixture. To rewrite the golden fixtures (only for a \
             deliberate format change), run\n  {REGEN_VAR}=1 cargo test -p nextdate-protocol \
             --test golden -- --ignored regenerate\nand check `git diff --stat` afterwards."
        );
        return;
    }
    std::fs::create_dir_all(fixture("frames")).unwrap();
    std::fs::create_dir_all(fixture("proofs")).unwrap();
    for frame in frames() {
        let (name, _) = golden_frame(&frame);
        std::fs::write(fixture(&format!("frames/{name}.bin")), frame.encode()).unwrap();
    }
    for (name, bytes) in other_fixtures() {
        std::fs::write(fixture(&name), bytes).unwrap();
    }
}
