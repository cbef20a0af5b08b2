//! End-to-end encryption of what devices send through the relay.
//!
//! - Each device has an Ed25519 signing key and an X25519 key ([`DeviceKeys`]),
//!   kept in its encrypted diary.
//! - A chamber has a random 256-bit [`ChamberKey`] with an epoch number.
//! - A batch of changes is sealed into an envelope ([`seal`], [`open`]):
//!   compressed first when that makes it smaller (format version 5, see
//!   `nextdate_protocol::compressed`; opening never inflates a batch past
//!   `MAX_PAYLOAD_BYTES`), then encrypted with XChaCha20-Poly1305 under the
//!   chamber key (the chamber id, epoch, device and batch id are authenticated
//!   as associated data) and signed by the device. The byte layout is
//!   `nextdate_protocol::envelope`'s; this module brings the keys and a
//!   fresh random nonce. Opening checks the
//!   signature first (over the whole body, format version byte included), then
//!   the format version, then decrypts: one flipped byte anywhere fails, and an
//!   altered version byte is a bad signature, not a request to update.
//! - Attachments are encrypted the same way and stored under a keyed id
//!   (HMAC-SHA256 of their SHA-256 under the chamber key), so the relay cannot
//!   tell which well-known file a chamber holds.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::SigningKey;
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;
use zeroize::{Zeroize, Zeroizing};

use nextdate_protocol::envelope::{self, SealingKey};
use nextdate_protocol::proof::{sign_proof, Proof, ProofPurpose};
use nextdate_protocol::BatchPayload;

pub use nextdate_protocol::envelope::{OpenError, OpenedBatch};

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

    /// The X25519 secret, for sealing and opening admissions.
    pub(crate) fn dh_secret(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.dh.to_bytes())
    }

    /// Signs `message` with the device's Ed25519 key.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.signing.sign(message).to_bytes()
    }

    /// Answers a relay challenge.
    pub fn prove(&self, purpose: ProofPurpose, chamber: &str, nonce: [u8; 32]) -> Proof {
        sign_proof(&self.signing, purpose, chamber, nonce)
    }
}

/// A chamber's symmetric key and its epoch.
#[derive(Clone)]
pub struct ChamberKey {
    pub epoch: u32,
    key: Zeroizing<[u8; 32]>,
}

impl ChamberKey {
    pub fn generate() -> ChamberKey {
        Self::generate_for(1)
    }
    /// A fresh random key for epoch `epoch`.
    pub fn generate_for(epoch: u32) -> ChamberKey {
        let mut key = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(&mut key[..]);
        ChamberKey { epoch, key }
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
    fn sealing(&self) -> SealingKey<'_> {
        SealingKey {
            epoch: self.epoch,
            key: &self.key,
        }
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

/// Compresses (when that is smaller), encrypts and signs a batch, under a
/// fresh random nonce.
pub fn seal(
    device: &DeviceKeys,
    key: &ChamberKey,
    chamber: &str,
    batch_id: [u8; 16],
    payload: &BatchPayload,
) -> Vec<u8> {
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    envelope::seal(&device.signing, key.sealing(), chamber, batch_id, nonce, payload)
}

/// Verifies and decrypts a batch sealed for `chamber`.
pub fn open(bytes: &[u8], key: &ChamberKey, chamber: &str) -> Result<OpenedBatch, OpenError> {
    envelope::open(bytes, key.sealing(), chamber)
}

/// Verifies a batch and decrypts it with the key of the epoch it names.
/// Returns that epoch beside the batch (or the refusal).
pub fn open_with(
    bytes: &[u8],
    keys: &crate::epochs::ChamberKeys,
    chamber: &str,
) -> (Option<u32>, Result<OpenedBatch, OpenError>) {
    let body = match envelope::verify(bytes) {
        Ok(body) => body,
        Err(e) => return (None, Err(e)),
    };
    let epoch = body.epoch;
    match keys.get(epoch) {
        None => (Some(epoch), Err(OpenError::UnknownEpoch(epoch))),
        Some(key) => (Some(epoch), envelope::decrypt(body, key.sealing(), chamber)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextdate_protocol::proof::verify_proof;
    use nextdate_protocol::WireChange;

    fn payload() -> BatchPayload {
        BatchPayload {
            changes: vec![WireChange {
                doc_id: "01CASE".into(),
                kind: "case".into(),
                bytes: b"Ramesh Kumar v. State".to_vec(),
                replaces: false,
                context: Vec::new(),
                signatures: Vec::new(),
            }],
            ..Default::default()
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
