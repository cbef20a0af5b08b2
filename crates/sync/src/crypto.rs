//! End-to-end encryption of what devices send through the relay.
//!
//! - Each device has an Ed25519 signing key and an X25519 key ([`DeviceKeys`]),
//!   kept in its encrypted diary.
//! - A chamber has a random 256-bit [`ChamberKey`] with an epoch number.
//! - A batch of Automerge changes is sealed into an [`Envelope`]: encrypted with
//!   XChaCha20-Poly1305 under the chamber key (the chamber id, epoch, device and
//!   batch id are authenticated as associated data) and signed by the device.
//!   Opening checks the signature first, then decrypts: one flipped byte anywhere
//!   fails.
//! - Attachments are encrypted the same way and stored under a keyed id
//!   (HMAC-SHA256 of their SHA-256 under the chamber key), so the relay cannot
//!   tell which well-known file a chamber holds.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use nextdate_diary::replication::DocChange;

use crate::frame::{proof_message, Proof, ProofPurpose};

/// Envelope format version.
const ENVELOPE_VERSION: u8 = 1;

/// Why an envelope or blob could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the batch is not an envelope: {0}")]
    Malformed(String),
    #[error("the batch's signature does not verify (altered or forged)")]
    BadSignature,
    #[error("the batch belongs to chamber {0}, not this one")]
    OtherChamber(String),
    #[error("the batch is sealed with key epoch {0}, which this device does not have")]
    UnknownEpoch(u32),
    #[error("the batch does not decrypt with the chamber key (altered or wrong key)")]
    Decrypt,
}

/// A device's own keys.
pub struct DeviceKeys {
    signing: SigningKey,
    dh: x25519_dalek::StaticSecret,
}

impl DeviceKeys {
    pub fn generate() -> DeviceKeys {
        DeviceKeys {
            signing: SigningKey::generate(&mut OsRng),
            dh: x25519_dalek::StaticSecret::random_from_rng(OsRng),
        }
    }

    /// The keys as stored in the diary: 64 hex-encoded secret bytes.
    pub fn to_secret_hex(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new([0u8; 64]);
        raw[..32].copy_from_slice(&self.signing.to_bytes());
        raw[32..].copy_from_slice(self.dh.as_bytes());
        Zeroizing::new(data_encoding::HEXLOWER.encode(&raw[..]))
    }

    pub fn from_secret_hex(hex: &str) -> Option<DeviceKeys> {
        let raw = Zeroizing::new(data_encoding::HEXLOWER.decode(hex.as_bytes()).ok()?);
        if raw.len() != 64 {
            return None;
        }
        let mut sign = [0u8; 32];
        let mut dh = [0u8; 32];
        sign.copy_from_slice(&raw[..32]);
        dh.copy_from_slice(&raw[32..]);
        let keys = DeviceKeys {
            signing: SigningKey::from_bytes(&sign),
            dh: x25519_dalek::StaticSecret::from(dh),
        };
        sign.zeroize();
        dh.zeroize();
        Some(keys)
    }

    /// The device's public signing key: its identity at the relay.
    pub fn public(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    /// The device's public X25519 key (for sealing rotated chamber keys to it).
    pub fn dh_public(&self) -> [u8; 32] {
        x25519_dalek::PublicKey::from(&self.dh).to_bytes()
    }

    /// Answers a relay challenge.
    pub fn prove(&self, purpose: ProofPurpose, chamber: &str, nonce: [u8; 32]) -> Proof {
        let sig = self.signing.sign(&proof_message(purpose, chamber, &nonce));
        Proof {
            device: self.public(),
            nonce,
            signature: sig.to_bytes().to_vec(),
        }
    }
}

/// Checks a proof (used by the relay).
pub fn verify_proof(proof: &Proof, purpose: ProofPurpose, chamber: &str) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(&proof.device) else {
        return false;
    };
    let Ok(sig) = Signature::from_slice(&proof.signature) else {
        return false;
    };
    key.verify_strict(&proof_message(purpose, chamber, &proof.nonce), &sig)
        .is_ok()
}

/// A chamber's symmetric key and its epoch.
#[derive(Clone)]
pub struct ChamberKey {
    pub epoch: u32,
    key: Zeroizing<[u8; 32]>,
}

impl ChamberKey {
    pub fn generate() -> ChamberKey {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(&mut key[..]);
        ChamberKey { epoch: 1, key }
    }
    pub fn from_bytes(epoch: u32, bytes: [u8; 32]) -> ChamberKey {
        ChamberKey {
            epoch,
            key: Zeroizing::new(bytes),
        }
    }
    pub fn bytes(&self) -> &[u8; 32] {
        &self.key
    }
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&*self.key).into())
    }

    /// The relay-side id of an attachment: HMAC-SHA256(chamber key, its SHA-256).
    pub fn blob_id(&self, sha256_hex: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key[..]).expect("any key length");
        mac.update(b"nextdate-blob-v1\0");
        mac.update(sha256_hex.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Encrypts an attachment for the relay.
    pub fn seal_blob(&self, id: &[u8; 32], plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 24];
        OsRng.fill_bytes(&mut nonce);
        let ct = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: id })
            .expect("encryption does not fail");
        let mut out = Vec::with_capacity(4 + 24 + ct.len());
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        out
    }

    pub fn open_blob(&self, id: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        if sealed.len() < 28 {
            return Err(OpenError::Malformed("attachment too short".into()));
        }
        let epoch = u32::from_be_bytes(sealed[..4].try_into().expect("4 bytes"));
        if epoch != self.epoch {
            return Err(OpenError::UnknownEpoch(epoch));
        }
        self.cipher()
            .decrypt(
                XNonce::from_slice(&sealed[4..28]),
                Payload {
                    msg: &sealed[28..],
                    aad: id,
                },
            )
            .map_err(|_| OpenError::Decrypt)
    }
}

/// What a batch carries, before encryption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPayload {
    pub changes: Vec<DocChange>,
}

/// The signed part of an envelope.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EnvelopeBody {
    version: u8,
    chamber: String,
    epoch: u32,
    device: [u8; 32],
    batch_id: [u8; 16],
    nonce: [u8; 24],
    ciphertext: Vec<u8>,
}

/// An encrypted, signed batch: what the relay stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope {
    body: Vec<u8>,
    signature: Vec<u8>,
}

/// A batch opened by a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedBatch {
    pub device: [u8; 32],
    pub batch_id: [u8; 16],
    pub payload: BatchPayload,
}

fn aad(chamber: &str, epoch: u32, device: &[u8; 32], batch_id: &[u8; 16]) -> Vec<u8> {
    let mut a = b"nextdate-batch-v1\0".to_vec();
    a.extend_from_slice(&(chamber.len() as u32).to_be_bytes());
    a.extend_from_slice(chamber.as_bytes());
    a.extend_from_slice(&epoch.to_be_bytes());
    a.extend_from_slice(device);
    a.extend_from_slice(batch_id);
    a
}

/// Encrypts and signs a batch.
pub fn seal(
    device: &DeviceKeys,
    key: &ChamberKey,
    chamber: &str,
    batch_id: [u8; 16],
    payload: &BatchPayload,
) -> Vec<u8> {
    let plain = Zeroizing::new(postcard::to_allocvec(payload).expect("payload serializes"));
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let dev = device.public();
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: &aad(chamber, key.epoch, &dev, &batch_id),
            },
        )
        .expect("encryption does not fail");
    let body = postcard::to_allocvec(&EnvelopeBody {
        version: ENVELOPE_VERSION,
        chamber: chamber.to_string(),
        epoch: key.epoch,
        device: dev,
        batch_id,
        nonce,
        ciphertext,
    })
    .expect("envelope serializes");
    let signature = device.signing.sign(&body).to_bytes().to_vec();
    postcard::to_allocvec(&Envelope { body, signature }).expect("envelope serializes")
}

/// Verifies and decrypts a batch sealed for `chamber`.
pub fn open(bytes: &[u8], key: &ChamberKey, chamber: &str) -> Result<OpenedBatch, OpenError> {
    let env: Envelope = postcard::from_bytes(bytes).map_err(|e| OpenError::Malformed(e.to_string()))?;
    let body: EnvelopeBody = postcard::from_bytes(&env.body).map_err(|e| OpenError::Malformed(e.to_string()))?;
    let vk = VerifyingKey::from_bytes(&body.device).map_err(|_| OpenError::BadSignature)?;
    let sig = Signature::from_slice(&env.signature).map_err(|_| OpenError::BadSignature)?;
    vk.verify_strict(&env.body, &sig).map_err(|_| OpenError::BadSignature)?;
    if body.version != ENVELOPE_VERSION {
        return Err(OpenError::Malformed(format!("envelope version {}", body.version)));
    }
    if body.chamber != chamber {
        return Err(OpenError::OtherChamber(body.chamber));
    }
    if body.epoch != key.epoch {
        return Err(OpenError::UnknownEpoch(body.epoch));
    }
    let plain = Zeroizing::new(
        key.cipher()
            .decrypt(
                XNonce::from_slice(&body.nonce),
                Payload {
                    msg: &body.ciphertext,
                    aad: &aad(chamber, body.epoch, &body.device, &body.batch_id),
                },
            )
            .map_err(|_| OpenError::Decrypt)?,
    );
    let payload: BatchPayload = postcard::from_bytes(&plain).map_err(|e| OpenError::Malformed(e.to_string()))?;
    Ok(OpenedBatch {
        device: body.device,
        batch_id: body.batch_id,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload() -> BatchPayload {
        BatchPayload {
            changes: vec![DocChange {
                doc_id: "01CASE".into(),
                kind: "case".into(),
                bytes: b"Ramesh Kumar v. State".to_vec(),
            }],
        }
    }

    #[test]
    fn seals_and_opens() {
        let dev = DeviceKeys::generate();
        let key = ChamberKey::generate();
        let sealed = seal(&dev, &key, "C1", [9; 16], &payload());
        let opened = open(&sealed, &key, "C1").unwrap();
        assert_eq!(opened.payload, payload());
        assert_eq!(opened.device, dev.public());
        assert!(!sealed.windows(6).any(|w| w == b"Ramesh"), "plaintext in the envelope");
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let dev = DeviceKeys::generate();
        let key = ChamberKey::generate();
        let sealed = seal(&dev, &key, "C1", [9; 16], &payload());
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(open(&bad, &key, "C1").is_err(), "byte {i} flipped and still opened");
        }
    }

    #[test]
    fn wrong_key_or_chamber_is_refused() {
        let dev = DeviceKeys::generate();
        let key = ChamberKey::generate();
        let sealed = seal(&dev, &key, "C1", [9; 16], &payload());
        assert_eq!(open(&sealed, &ChamberKey::generate(), "C1"), Err(OpenError::Decrypt));
        assert_eq!(open(&sealed, &key, "C2"), Err(OpenError::OtherChamber("C1".into())));
    }

    #[test]
    fn device_keys_survive_storage_and_proofs_verify() {
        let dev = DeviceKeys::generate();
        let again = DeviceKeys::from_secret_hex(&dev.to_secret_hex()).unwrap();
        assert_eq!(again.public(), dev.public());
        assert_eq!(again.dh_public(), dev.dh_public());
        let proof = again.prove(ProofPurpose::Join, "C1", [4; 32]);
        assert!(verify_proof(&proof, ProofPurpose::Join, "C1"));
        assert!(!verify_proof(&proof, ProofPurpose::Authenticate, "C1"));
        assert!(!verify_proof(&proof, ProofPurpose::Join, "C2"));
    }

    #[test]
    fn blobs_round_trip_and_ids_are_keyed() {
        let key = ChamberKey::generate();
        let id = key.blob_id("abc");
        assert_ne!(id, ChamberKey::generate().blob_id("abc"));
        let sealed = key.seal_blob(&id, b"vakalatnama");
        assert_eq!(key.open_blob(&id, &sealed).unwrap(), b"vakalatnama");
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(key.open_blob(&id, &bad), Err(OpenError::Decrypt));
    }
}
