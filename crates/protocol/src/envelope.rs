//! Sealed batches: what a device pushes and the relay stores and hands out.
//!
//! An envelope is the postcard encoding of `Envelope { body, signature }`:
//! `body` is the postcard encoding of an [`EnvelopeBody`] (format version,
//! chamber, key epoch, device, batch id, nonce, ciphertext) and `signature` is
//! the device's Ed25519 signature over those body bytes. The ciphertext is the
//! [`BatchPayload`] encrypted with XChaCha20-Poly1305 under the chamber key,
//! with the chamber, epoch, device and batch id as associated data. From
//! format version 5 the payload is compressed before it is encrypted
//! ([`crate::compressed`]; ciphertext does not compress), and [`seal`] picks
//! that whenever it is smaller.
//!
//! The body's first byte is [`FORMAT_VERSION`]. Opening decodes the body,
//! checks the signature over all of its bytes (version byte included), and only
//! then looks at the version: a validly signed envelope in a version this build
//! does not know is refused as [`OpenError::UnsupportedVersion`] (asking for an
//! update), while one whose version byte was altered on the way is refused as
//! [`OpenError::BadSignature`]. A body that does not even decode as the known
//! layout gives no key to check a signature with, so it is
//! [`OpenError::Malformed`], never the update message: no unauthenticated byte
//! decides which refusal a device reports. (A later version must therefore
//! keep the known fields, device key first among them, where a version-1
//! reader finds them, adding anything new after the ciphertext.)
//!
//! Everything here is deterministic: the caller brings the keys and the nonce.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::change::BatchPayload;

/// The newest batch format version this build reads and writes, the first
/// byte of every envelope body. It fixes the payload layout
/// ([`BatchPayload::decode`]); the envelope itself is the same in every
/// version. A batch is sealed compressed (version 5) when that is smaller,
/// else in the oldest version that can carry it ([`BatchPayload::sealed_form`]),
/// and every version from [`OLDEST_FORMAT_VERSION`] up is read. Raise it (and
/// keep reading the old ones) whenever the envelope or the payload changes shape.
pub const FORMAT_VERSION: u8 = 5;

/// The oldest batch format version this build still reads.
pub const OLDEST_FORMAT_VERSION: u8 = 1;

/// Why an envelope or blob could not be opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the batch is not an envelope: {0}")]
    Malformed(String),
    #[error(
        "the batch is in format version {0}, which this version of Nextdate cannot read \
         (it reads versions {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}); update Nextdate on this device"
    )]
    UnsupportedVersion(u8),
    #[error("the batch's signature does not verify (altered or forged)")]
    BadSignature,
    #[error("the batch belongs to chamber {0}, not this one")]
    OtherChamber(String),
    #[error("the batch is sealed with key epoch {0}, which this device does not have")]
    UnknownEpoch(u32),
    #[error("the batch does not decrypt with the chamber key (altered or wrong key)")]
    Decrypt,
}

/// The signed part of an envelope (the same in every format version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeBody {
    pub version: u8,
    pub chamber: String,
    pub epoch: u32,
    pub device: [u8; 32],
    pub batch_id: [u8; 16],
    pub nonce: [u8; 24],
    pub ciphertext: Vec<u8>,
}

/// An encrypted, signed batch: what the relay stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// The postcard encoding of an [`EnvelopeBody`].
    pub body: Vec<u8>,
    /// Ed25519 signature (64 bytes) over `body`, by `body.device`.
    pub signature: Vec<u8>,
}

/// A batch opened by a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedBatch {
    pub device: [u8; 32],
    pub batch_id: [u8; 16],
    pub payload: BatchPayload,
}

/// The associated data that binds a ciphertext to where it belongs.
pub fn batch_aad(chamber: &str, epoch: u32, device: &[u8; 32], batch_id: &[u8; 16]) -> Vec<u8> {
    let mut a = b"nextdate-batch-v1\0".to_vec();
    a.extend_from_slice(&(chamber.len() as u32).to_be_bytes());
    a.extend_from_slice(chamber.as_bytes());
    a.extend_from_slice(&epoch.to_be_bytes());
    a.extend_from_slice(device);
    a.extend_from_slice(batch_id);
    a
}

/// The chamber key a batch is sealed with, and its epoch.
#[derive(Clone, Copy)]
pub struct SealingKey<'a> {
    pub epoch: u32,
    pub key: &'a [u8; 32],
}

impl SealingKey<'_> {
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.key.into())
    }
}

/// Compresses `payload` when that makes it smaller (format version 5),
/// encrypts it under `key` with `nonce` and signs it with the device's key.
pub fn seal(
    signer: &SigningKey,
    key: SealingKey<'_>,
    chamber: &str,
    batch_id: [u8; 16],
    nonce: [u8; 24],
    payload: &BatchPayload,
) -> Vec<u8> {
    let (version, plain) = payload.sealed_form();
    seal_plain(signer, key, chamber, batch_id, nonce, version, &plain)
}

/// [`seal`] without compression, in the oldest version that can carry the
/// payload: as builds before format version 5 sealed every batch (what a
/// test of reading their batches seals).
pub fn seal_uncompressed(
    signer: &SigningKey,
    key: SealingKey<'_>,
    chamber: &str,
    batch_id: [u8; 16],
    nonce: [u8; 24],
    payload: &BatchPayload,
) -> Vec<u8> {
    let plain = Zeroizing::new(payload.encode());
    seal_plain(signer, key, chamber, batch_id, nonce, payload.format_version(), &plain)
}

/// Encrypts `plain`, a payload encoded in format `version`, and signs it.
pub fn seal_plain(
    signer: &SigningKey,
    key: SealingKey<'_>,
    chamber: &str,
    batch_id: [u8; 16],
    nonce: [u8; 24],
    version: u8,
    plain: &[u8],
) -> Vec<u8> {
    let device = signer.verifying_key().to_bytes();
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &batch_aad(chamber, key.epoch, &device, &batch_id),
            },
        )
        .expect("encryption does not fail");
    let body = postcard::to_allocvec(&EnvelopeBody {
        version,
        chamber: chamber.to_string(),
        epoch: key.epoch,
        device,
        batch_id,
        nonce,
        ciphertext,
    })
    .expect("envelope serializes");
    let signature = signer.sign(&body).to_bytes().to_vec();
    postcard::to_allocvec(&Envelope { body, signature }).expect("envelope serializes")
}

/// Decodes an envelope and checks its signature, without decrypting: the
/// body, signed by the device it names, in a format version this build reads.
///
/// The order matters: the signature is checked over the whole body (version
/// byte included) before the version is looked at, so only a signed version
/// can turn into [`OpenError::UnsupportedVersion`]; an altered one is
/// [`OpenError::BadSignature`].
pub fn verify(bytes: &[u8]) -> Result<EnvelopeBody, OpenError> {
    let body = signed_body(bytes)?;
    if !(OLDEST_FORMAT_VERSION..=FORMAT_VERSION).contains(&body.version) {
        return Err(OpenError::UnsupportedVersion(body.version));
    }
    Ok(body)
}

/// Decodes an envelope and checks its signature by the device it names,
/// whatever its format version: what the relay checks of a push (it needs the
/// signer and the chamber, never the payload).
pub fn signed_body(bytes: &[u8]) -> Result<EnvelopeBody, OpenError> {
    let env: Envelope = postcard::from_bytes(bytes).map_err(|e| OpenError::Malformed(e.to_string()))?;
    let body: EnvelopeBody = postcard::from_bytes(&env.body).map_err(|e| OpenError::Malformed(e.to_string()))?;
    let vk = VerifyingKey::from_bytes(&body.device).map_err(|_| OpenError::BadSignature)?;
    let sig = Signature::from_slice(&env.signature).map_err(|_| OpenError::BadSignature)?;
    vk.verify_strict(&env.body, &sig).map_err(|_| OpenError::BadSignature)?;
    Ok(body)
}

/// Verifies and decrypts a batch sealed for `chamber` under `key`.
pub fn open(bytes: &[u8], key: SealingKey<'_>, chamber: &str) -> Result<OpenedBatch, OpenError> {
    decrypt(verify(bytes)?, key, chamber)
}

/// Decrypts the body of an envelope [`verify`] accepted (so a device that
/// holds several keys picks the one for `body.epoch` without checking the
/// signature twice).
pub fn decrypt(body: EnvelopeBody, key: SealingKey<'_>, chamber: &str) -> Result<OpenedBatch, OpenError> {
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
                    aad: &batch_aad(chamber, body.epoch, &body.device, &body.batch_id),
                },
            )
            .map_err(|_| OpenError::Decrypt)?,
    );
    Ok(OpenedBatch {
        device: body.device,
        batch_id: body.batch_id,
        payload: BatchPayload::decode(body.version, &plain)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::WireChange;

    const KEY: [u8; 32] = [6; 32];

    fn key() -> SealingKey<'static> {
        SealingKey { epoch: 1, key: &KEY }
    }

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

    fn sealed() -> Vec<u8> {
        seal(
            &SigningKey::from_bytes(&[5; 32]),
            key(),
            "C1",
            [9; 16],
            [7; 24],
            &payload(),
        )
    }

    #[test]
    fn seals_and_opens_and_hides_the_plaintext() {
        let opened = open(&sealed(), key(), "C1").unwrap();
        assert_eq!(opened.payload, payload());
        assert_eq!(
            opened.device,
            SigningKey::from_bytes(&[5; 32]).verifying_key().to_bytes()
        );
        assert!(
            !sealed().windows(6).any(|w| w == b"Ramesh"),
            "plaintext in the envelope"
        );
        assert_eq!(sealed(), sealed(), "same inputs, same bytes");
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let sealed = sealed();
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(open(&bad, key(), "C1").is_err(), "byte {i} flipped and still opened");
        }
    }

    #[test]
    fn wrong_key_epoch_or_chamber_is_refused() {
        let other = [8; 32];
        let wrong = SealingKey { epoch: 1, key: &other };
        assert_eq!(open(&sealed(), wrong, "C1"), Err(OpenError::Decrypt));
        assert_eq!(open(&sealed(), key(), "C2"), Err(OpenError::OtherChamber("C1".into())));
        let later = SealingKey { epoch: 2, key: &KEY };
        assert_eq!(open(&sealed(), later, "C1"), Err(OpenError::UnknownEpoch(1)));
    }

    /// The version byte is covered by the signature and checked after it: a
    /// relay (or anyone on the way) altering it gets the tamper refusal, never
    /// the "update Nextdate" one, whatever value it writes.
    #[test]
    fn an_altered_version_byte_is_a_bad_signature() {
        let good = sealed();
        let env: Envelope = postcard::from_bytes(&good).unwrap();
        assert_eq!(env.body[0], 1, "a batch without a replacement is version 1");
        // Where the body's first byte sits in the envelope bytes.
        let at = good
            .windows(env.body.len())
            .position(|w| w == env.body.as_slice())
            .unwrap();
        assert_eq!(good[at], 1);
        let mut flipped = good.clone();
        flipped[at] ^= 0x01;
        assert_eq!(open(&flipped, key(), "C1"), Err(OpenError::BadSignature));
        assert_eq!(verify(&flipped), Err(OpenError::BadSignature));
        for v in (0..=u8::MAX).filter(|&v| v != 1) {
            let mut bad = good.clone();
            bad[at] = v;
            let err = open(&bad, key(), "C1").unwrap_err();
            assert_eq!(err, OpenError::BadSignature, "version byte {v}");
            assert!(!err.to_string().contains("update"), "{err}");
        }
    }

    /// A body that does not decode as the known layout is refused as malformed
    /// (there is no device key to check a signature with), not as a newer version.
    #[test]
    fn an_undecodable_body_is_malformed_not_a_newer_version() {
        let env: Envelope = postcard::from_bytes(&sealed()).unwrap();
        for body in [vec![], vec![2], vec![2, 0xff], env.body[..40].to_vec()] {
            let odd = postcard::to_allocvec(&Envelope {
                body,
                signature: env.signature.clone(),
            })
            .unwrap();
            let err = open(&odd, key(), "C1").unwrap_err();
            assert!(matches!(err, OpenError::Malformed(_)), "{err:?}");
        }
    }

    /// A batch worth compressing is sealed as version 5, opens to what was
    /// sealed, and passes the relay's check ([`signed_body`], which never
    /// looks at the version); a tiny one stays in the oldest version.
    #[test]
    fn a_compressible_batch_is_sealed_as_version_5_and_the_relay_takes_it() {
        let signer = SigningKey::from_bytes(&[5; 32]);
        let mut p = payload();
        for i in 0..30 {
            p.changes.push(WireChange {
                doc_id: format!("01CASE{i:02}"),
                context: vec![3; 32],
                signatures: vec![i; 64],
                ..p.changes[0].clone()
            });
        }
        let small = seal(&signer, key(), "C1", [9; 16], [7; 24], &p);
        assert!(small.len() * 2 < p.encode().len(), "{} bytes", small.len());
        let body = signed_body(&small).unwrap();
        assert_eq!((body.version, body.chamber.as_str()), (5, "C1"));
        assert_eq!(verify(&small).unwrap(), body);
        assert_eq!(open(&small, key(), "C1").unwrap().payload, p);
        assert!(!small.windows(6).any(|w| w == b"Ramesh"), "plaintext in the envelope");
        // The same payload sealed as before version 5 also opens.
        let old = seal_uncompressed(&signer, key(), "C1", [9; 16], [7; 24], &p);
        assert_eq!(signed_body(&old).unwrap().version, 4);
        assert_eq!(open(&old, key(), "C1").unwrap().payload, p);
        // A one-change batch gains nothing: sealed as version 1, as before.
        assert_eq!(signed_body(&sealed()).unwrap().version, 1);
    }

    /// A validly signed envelope in a format this build does not know is
    /// refused with a version error, not read as garbage.
    #[test]
    fn an_unknown_format_version_is_refused_plainly() {
        let signer = SigningKey::from_bytes(&[5; 32]);
        let env: Envelope = postcard::from_bytes(&sealed()).unwrap();
        let mut body: EnvelopeBody = postcard::from_bytes(&env.body).unwrap();
        body.version = FORMAT_VERSION + 1;
        let body = postcard::to_allocvec(&body).unwrap();
        let signature = signer.sign(&body).to_bytes().to_vec();
        let newer = postcard::to_allocvec(&Envelope { body, signature }).unwrap();
        let err = open(&newer, key(), "C1").unwrap_err();
        assert_eq!(err, OpenError::UnsupportedVersion(FORMAT_VERSION + 1));
        assert!(err.to_string().contains("update Nextdate"), "{err}");
    }
}
