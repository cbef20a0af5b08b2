//! The relay's wire format. Every request, reply and live message is one
//! [`Frame`], encoded with postcard: as an HTTP body (`POST /v1`) and as a
//! WebSocket binary message alike. Decoding checks the size limit first and
//! never panics on arbitrary bytes (a property test feeds it garbage).
//!
//! The relay sees only what these frames carry: device public keys, chamber ids,
//! hashed invite tokens, sizes, and encrypted batches and blobs it cannot open.

use serde::{Deserialize, Serialize};

pub use crate::proof::{Proof, ProofPurpose};

/// Frame protocol version, sent in `Hello`; the relay refuses any other.
pub const PROTOCOL_VERSION: u16 = 1;
/// Largest frame accepted on the general endpoint and over WebSocket.
pub const MAX_FRAME_BYTES: usize = 4 * 1024 * 1024;
/// Largest encrypted batch (an envelope) a device may push.
pub const MAX_BATCH_BYTES: usize = 2 * 1024 * 1024;
/// Largest frame on the blob endpoint (an encrypted attachment plus overhead).
pub const MAX_BLOB_FRAME_BYTES: usize = 80 * 1024 * 1024;
/// Largest encrypted attachment sent as a raw body (`PUT /v1/blobs/{id}`):
/// what still fits in a `Blob` frame on the blob endpoint, so that laptops
/// which fetch attachments as frames can read every attachment stored.
pub const MAX_BLOB_BYTES: usize = MAX_BLOB_FRAME_BYTES - 1024;
/// Most batches returned by one pull.
pub const MAX_PULL: u32 = 1000;

/// One stored batch as the relay hands it out: its chamber sequence number and the opaque envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredBatch {
    pub seq: u64,
    pub envelope: Vec<u8>,
}

/// Why the relay refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorCode {
    /// The bytes are not a frame.
    Malformed,
    /// The frame or batch is over the size limit.
    TooLarge,
    /// No valid session: authenticate first.
    Unauthenticated,
    /// The device is not registered in the chamber, or its role does not allow this.
    Forbidden,
    /// The signature or challenge did not check out.
    BadProof,
    /// The invite token is unknown, already used or expired.
    BadToken,
    /// A chamber with that id is already registered.
    ChamberExists,
    NotFound,
    /// A request that makes no sense here (a reply frame sent as a request, say).
    Unexpected,
    Internal,
    /// The device was removed from the chamber: the relay serves it nothing.
    Removed,
    /// The batch is sealed with a chamber key older than the chamber's
    /// current one: fetch the new key ([`Frame::FetchKeys`]) and seal again.
    OldKey,
    /// The status link was revoked: it is never stored or served again.
    Gone,
    /// The chamber has used all the room its relay gives it (bytes, batches
    /// or attachments); the message says which. Nothing was stored.
    QuotaExceeded,
    /// Too many requests from this address or device: wait and try again.
    RateLimited,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "malformed",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::BadProof => "bad_proof",
            ErrorCode::BadToken => "bad_token",
            ErrorCode::ChamberExists => "chamber_exists",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unexpected => "unexpected",
            ErrorCode::Internal => "internal",
            ErrorCode::Removed => "removed",
            ErrorCode::OldKey => "old_key",
            ErrorCode::Gone => "gone",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::RateLimited => "rate_limited",
        }
    }
    /// The HTTP status the relay answers with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Malformed | ErrorCode::Unexpected => 400,
            ErrorCode::TooLarge => 413,
            ErrorCode::Unauthenticated | ErrorCode::BadProof => 401,
            ErrorCode::Forbidden | ErrorCode::BadToken | ErrorCode::Removed => 403,
            ErrorCode::ChamberExists | ErrorCode::OldKey => 409,
            ErrorCode::NotFound => 404,
            ErrorCode::Gone => 410,
            ErrorCode::QuotaExceeded => 507,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
        }
    }
}

/// A request, a reply or a live message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frame {
    /// Asks for a challenge to sign.
    Hello {
        version: u16,
        device: [u8; 32],
    },
    Challenge {
        nonce: [u8; 32],
    },
    /// Opens a session for a device registered in `chamber`.
    Authenticate {
        chamber: String,
        proof: Proof,
    },
    /// Registers a new chamber with the proving device as its admin.
    RegisterChamber {
        chamber: String,
        proof: Proof,
    },
    /// Redeems a one-time invite token to register the proving device in `chamber`.
    Join {
        chamber: String,
        token: [u8; 32],
        proof: Proof,
    },
    /// A session: send `token` as `Authorization: Bearer <hex>`.
    Session {
        token: [u8; 32],
        chamber: String,
        admin: bool,
    },
    /// (admin) Stores the SHA-256 of a new one-time invite token.
    CreateInvite {
        token_hash: [u8; 32],
        expires_at: i64,
    },
    /// Stores an encrypted batch; a batch id already stored is not stored twice.
    Push {
        batch_id: [u8; 16],
        envelope: Vec<u8>,
    },
    Pushed {
        seq: u64,
        duplicate: bool,
    },
    /// Batches after `after`, oldest first.
    Pull {
        after: u64,
        limit: u32,
    },
    Batches {
        items: Vec<StoredBatch>,
        latest: u64,
    },
    /// (live) The chamber's log now ends at `latest`.
    Notify {
        latest: u64,
    },
    /// Stores an encrypted attachment under its keyed id.
    PutBlob {
        id: [u8; 32],
        bytes: Vec<u8>,
    },
    GetBlob {
        id: [u8; 32],
    },
    Blob {
        bytes: Vec<u8>,
    },
    HasBlobs {
        ids: Vec<[u8; 32]>,
    },
    BlobsPresent {
        present: Vec<bool>,
    },
    /// The chamber as the relay knows it.
    ChamberStatus,
    ChamberInfo {
        devices: u32,
        latest: u64,
    },
    Done,
    Error {
        code: ErrorCode,
        message: String,
    },
    /// (a device that has just joined) Leaves its request to be let into the
    /// chamber, sealed to the admin device's key (the relay cannot read it).
    RequestAdmission {
        request: Vec<u8>,
    },
    /// (admin) The admission requests not answered yet.
    ListAdmissions,
    Admissions {
        requests: Vec<AdmissionRequest>,
    },
    /// (admin) Answers a device's request: `grant` is the chamber key sealed
    /// to that device (empty to refuse it); a `read_only` device may not push.
    Admit {
        device: [u8; 32],
        grant: Vec<u8>,
        read_only: bool,
    },
    /// (a device waiting to be let in) Asks for its answer.
    FetchAdmission,
    Admission {
        grant: Option<Vec<u8>>,
    },
    /// (admin) Lets a device push again, or stops it (its member became a viewer).
    SetDeviceAccess {
        device: [u8; 32],
        read_only: bool,
    },
    /// (admin) Removes devices from the chamber and starts key epoch `epoch`
    /// (the current one plus one), in one step: the removed devices are
    /// refused from then on (their sessions and live sockets closed), and
    /// each remaining device's copy of the new key, sealed to it, is kept
    /// for it to fetch. Sent again with the same epoch, it is not an error.
    Rotate {
        removed: Vec<[u8; 32]>,
        epoch: u32,
        grants: Vec<KeyGrant>,
    },
    /// Asks for the chamber keys sealed to this device after epoch `after`.
    FetchKeys {
        after: u32,
    },
    /// The chamber's current key epoch and this device's sealed keys.
    Keys {
        epoch: u32,
        grants: Vec<SealedKey>,
    },
    /// Stores (or replaces) a status link's sealed snapshot, to be served
    /// until `expires_at` (Unix seconds), keeping only the link's sealed
    /// documents named in `files`. A revoked link is refused ([`ErrorCode::Gone`]).
    PutLink {
        id: [u8; 16],
        sealed: Vec<u8>,
        expires_at: Option<i64>,
        files: Vec<[u8; 16]>,
    },
    /// Stores one sealed document of a link (on the blob endpoint).
    PutLinkFile {
        link: [u8; 16],
        file: [u8; 16],
        sealed: Vec<u8>,
    },
    /// Which of a link's documents the relay holds (answered with `BlobsPresent`).
    HasLinkFiles {
        link: [u8; 16],
        files: Vec<[u8; 16]>,
    },
    /// Revokes a link at once: its sealed bytes are deleted and it never opens again.
    RevokeLink {
        id: [u8; 16],
    },
    /// The chamber's links, with how often each was opened.
    ListLinks,
    Links {
        items: Vec<LinkInfo>,
    },
    /// [`Frame::RegisterChamber`] with a registration token from the relay's
    /// operator (`nextdate-relay token create`): a relay that is not open to
    /// anyone registers chambers only with one, and each token once.
    RegisterChamberWithToken {
        chamber: String,
        token: [u8; 32],
        proof: Proof,
    },
}

/// A status link as the relay knows it: no content, only dates and a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInfo {
    pub id: [u8; 16],
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// How often its snapshot was fetched.
    pub fetches: u64,
}

/// A new chamber key sealed to one device (the relay cannot open it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyGrant {
    pub device: [u8; 32],
    pub sealed: Vec<u8>,
}

/// A chamber key of epoch `epoch` sealed to the device that asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedKey {
    pub epoch: u32,
    pub sealed: Vec<u8>,
}

/// Most devices one key rotation may seal the new key to.
pub const MAX_GRANTS: usize = 200;

/// A device's request to be let into the chamber, as the relay keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionRequest {
    pub device: [u8; 32],
    pub request: Vec<u8>,
}

/// Largest admission request or grant a device may send.
pub const MAX_ADMISSION_BYTES: usize = 4096;

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("frame of {0} bytes is over the {1}-byte limit")]
    TooLarge(usize, usize),
    #[error("not a frame: {0}")]
    Malformed(String),
}

impl DecodeError {
    pub fn code(&self) -> ErrorCode {
        match self {
            DecodeError::TooLarge(..) => ErrorCode::TooLarge,
            DecodeError::Malformed(_) => ErrorCode::Malformed,
        }
    }
}

impl Frame {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("frames always serialize")
    }

    /// Decodes one frame of at most `limit` bytes; trailing bytes are an error.
    pub fn decode(bytes: &[u8], limit: usize) -> Result<Frame, DecodeError> {
        if bytes.len() > limit {
            return Err(DecodeError::TooLarge(bytes.len(), limit));
        }
        let (frame, rest) =
            postcard::take_from_bytes::<Frame>(bytes).map_err(|e| DecodeError::Malformed(e.to_string()))?;
        if !rest.is_empty() {
            return Err(DecodeError::Malformed(format!("{} trailing bytes", rest.len())));
        }
        Ok(frame)
    }

    pub fn error(code: ErrorCode, message: impl Into<String>) -> Frame {
        Frame::Error {
            code,
            message: message.into(),
        }
    }

    /// A short name for logs (never the content).
    pub fn name(&self) -> &'static str {
        match self {
            Frame::Hello { .. } => "hello",
            Frame::Challenge { .. } => "challenge",
            Frame::Authenticate { .. } => "authenticate",
            Frame::RegisterChamber { .. } => "register_chamber",
            Frame::Join { .. } => "join",
            Frame::Session { .. } => "session",
            Frame::CreateInvite { .. } => "create_invite",
            Frame::Push { .. } => "push",
            Frame::Pushed { .. } => "pushed",
            Frame::Pull { .. } => "pull",
            Frame::Batches { .. } => "batches",
            Frame::Notify { .. } => "notify",
            Frame::PutBlob { .. } => "put_blob",
            Frame::GetBlob { .. } => "get_blob",
            Frame::Blob { .. } => "blob",
            Frame::HasBlobs { .. } => "has_blobs",
            Frame::BlobsPresent { .. } => "blobs_present",
            Frame::ChamberStatus => "chamber_status",
            Frame::ChamberInfo { .. } => "chamber_info",
            Frame::Done => "done",
            Frame::Error { .. } => "error",
            Frame::RequestAdmission { .. } => "request_admission",
            Frame::ListAdmissions => "list_admissions",
            Frame::Admissions { .. } => "admissions",
            Frame::Admit { .. } => "admit",
            Frame::FetchAdmission => "fetch_admission",
            Frame::Admission { .. } => "admission",
            Frame::SetDeviceAccess { .. } => "set_device_access",
            Frame::Rotate { .. } => "rotate",
            Frame::FetchKeys { .. } => "fetch_keys",
            Frame::Keys { .. } => "keys",
            Frame::PutLink { .. } => "put_link",
            Frame::PutLinkFile { .. } => "put_link_file",
            Frame::HasLinkFiles { .. } => "has_link_files",
            Frame::RevokeLink { .. } => "revoke_link",
            Frame::ListLinks => "list_links",
            Frame::Links { .. } => "links",
            Frame::RegisterChamberWithToken { .. } => "register_chamber_with_token",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trips() {
        let frames = [
            Frame::Hello {
                version: PROTOCOL_VERSION,
                device: [7; 32],
            },
            Frame::Push {
                batch_id: [1; 16],
                envelope: vec![0, 1, 2, 255],
            },
            Frame::Batches {
                items: vec![StoredBatch {
                    seq: 9,
                    envelope: vec![3; 40],
                }],
                latest: 9,
            },
            Frame::error(ErrorCode::BadToken, "used"),
        ];
        for f in frames {
            assert_eq!(Frame::decode(&f.encode(), MAX_FRAME_BYTES).unwrap(), f);
        }
    }

    #[test]
    fn refuses_oversized_and_trailing_bytes() {
        let mut bytes = Frame::Done.encode();
        assert_eq!(Frame::decode(&[0; 11], 10), Err(DecodeError::TooLarge(11, 10)));
        bytes.push(0);
        assert!(matches!(
            Frame::decode(&bytes, MAX_FRAME_BYTES),
            Err(DecodeError::Malformed(_))
        ));
        // A length prefix claiming far more than is there.
        let lying = [7u8, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2];
        assert!(Frame::decode(&lying, MAX_FRAME_BYTES).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        /// Arbitrary bytes never panic the decoder, and whatever decodes re-encodes to the same frame.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(frame) = Frame::decode(&bytes, MAX_FRAME_BYTES) {
                let again = Frame::decode(&frame.encode(), MAX_FRAME_BYTES).unwrap();
                prop_assert_eq!(again, frame);
            }
        }

        /// Valid frames with a flipped or truncated byte never panic either.
        #[test]
        fn mutated_frames_never_panic(seq in any::<u64>(), env in proptest::collection::vec(any::<u8>(), 0..256),
                                      at in any::<usize>(), bit in 0u8..8, cut in any::<bool>()) {
            let mut bytes = Frame::Batches { items: vec![StoredBatch { seq, envelope: env }], latest: seq }.encode();
            let i = at % bytes.len();
            if cut { bytes.truncate(i); } else { bytes[i] ^= 1 << bit; }
            let _ = Frame::decode(&bytes, MAX_FRAME_BYTES);
        }
    }
}
