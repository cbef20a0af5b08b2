//! What a sealed batch carries: [`BatchPayload`], a list of [`WireChange`]s.
//!
//! This is the wire's own change type, not the diary's: `nextdate-sync`
//! converts between it and the diary's `DocChange`, so the diary may change its
//! types freely while devices in the field keep understanding each other.
//!
//! The payload has no version byte of its own: the envelope around it carries
//! the format version (signed), and [`BatchPayload::decode`] is told which
//! version to read. Two versions exist, each the postcard encoding of a
//! `{ changes: Vec<_> }` with fields in order and lengths as varints:
//!
//! - version 1: each change is `{ doc_id, kind, bytes }` (an Automerge change,
//!   or a whole saved document, to merge);
//! - version 2: each change is `{ doc_id, kind, bytes, replaces }`, where
//!   `replaces` says the bytes are a whole new document that takes the place
//!   of the old one, history and all (a client's data erased on request).
//!
//! - version 3: each change is `{ doc_id, kind, bytes, replaces, context }`,
//!   where `context` is the chamber document's heads (32-byte change hashes
//!   one after another) when the change was written: what every device
//!   judges the author's role against.
//!
//! - version 4: the payload is `{ changes, device_seq, previous }` (the
//!   sending device's own batch number and the [`batch_digest`] of its
//!   previous batch, so a device notices a batch of another's that the relay
//!   withheld), and each change is `{ doc_id, kind, bytes, replaces, context,
//!   signatures }`, where `signatures` is one 64-byte Ed25519 signature per
//!   Automerge change in `bytes`, in order, by the sending device over
//!   `"nextdate-change-v1\0" + chamber id + "\0" + the change's 32-byte
//!   hash`: kept by every device, so each change's author can be checked
//!   again long after its batch is gone.
//!
//! - version 5: the payload in the version-4 layout, compressed before it is
//!   encrypted (see [`crate::compressed`]: its declared size, then a DEFLATE
//!   stream, inflated never past [`crate::compressed::MAX_PAYLOAD_BYTES`]).
//!
//! Uncompressed, a batch is written in the oldest version that can carry it
//! ([`BatchPayload::format_version`]): a batch without a replacement is
//! version 1, readable by every device in the field. A device seals it as
//! version 5 instead whenever that is smaller ([`BatchPayload::sealed_form`]),
//! which real batches always are; a device whose build reads only up to
//! version 4 refuses those with the "update Nextdate" message. A new field is
//! a new format version with its own struct, never an edit of one of these.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::compressed;
use crate::envelope::OpenError;

/// One document's change: an Automerge change (or a whole saved document)
/// for the document `doc_id` of kind `kind`, merged into it; or, when
/// `replaces` is set, a whole document that replaces it; `context` is the
/// chamber as its author saw it; `signatures` its author's signature of each
/// Automerge change in it. This is also the layout of a change in format
/// version 4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireChange {
    pub doc_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
    pub replaces: bool,
    pub context: Vec<u8>,
    pub signatures: Vec<u8>,
}

/// A change in format version 3 (no signatures).
#[derive(Serialize, Deserialize)]
struct WireChangeV3 {
    doc_id: String,
    kind: String,
    bytes: Vec<u8>,
    replaces: bool,
    context: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct PayloadV3 {
    changes: Vec<WireChangeV3>,
}

/// A change in format version 2 (no context).
#[derive(Serialize, Deserialize)]
struct WireChangeV2 {
    doc_id: String,
    kind: String,
    bytes: Vec<u8>,
    replaces: bool,
}

#[derive(Serialize, Deserialize)]
struct PayloadV2 {
    changes: Vec<WireChangeV2>,
}

/// A change in format version 1 (no replacement).
#[derive(Serialize, Deserialize)]
struct WireChangeV1 {
    doc_id: String,
    kind: String,
    bytes: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct PayloadV1 {
    changes: Vec<WireChangeV1>,
}

/// What a batch carries, before encryption: its changes and, from format
/// version 4, its place in the sending device's own chain of batches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPayload {
    pub changes: Vec<WireChange>,
    /// The sending device's number for this batch: 1, 2, 3 … (0: not
    /// numbered, a batch from before version 4).
    pub device_seq: u64,
    /// The [`batch_digest`] of the device's batch numbered one less (empty
    /// for its first).
    pub previous: Vec<u8>,
}

/// What a device's next batch names as its previous one: SHA-256 over the
/// batch id and the payload (as [`BatchPayload::encode`] writes it,
/// uncompressed), so every device that opened the batch computes the same
/// digest however the envelope was sealed (compressed or not).
pub fn batch_digest(batch_id: &[u8; 16], payload: &BatchPayload) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"nextdate-batch-digest-v1\0");
    h.update(batch_id);
    h.update(payload.encode());
    h.finalize().into()
}

impl BatchPayload {
    /// The oldest uncompressed format version that can carry this payload
    /// (what [`BatchPayload::encode`] writes): 4 if any change
    /// is signed, else 3 if any change has a context, else 2 if any change
    /// replaces a document, else 1.
    pub fn format_version(&self) -> u8 {
        if self.device_seq != 0 || !self.previous.is_empty() || self.changes.iter().any(|c| !c.signatures.is_empty()) {
            4
        } else if self.changes.iter().any(|c| !c.context.is_empty()) {
            3
        } else if self.changes.iter().any(|c| c.replaces) {
            2
        } else {
            1
        }
    }

    /// The format version a batch is sealed in and the plaintext to encrypt:
    /// version 5 (compressed, [`compressed::compress`]) when that is smaller
    /// and within [`compressed::MAX_PAYLOAD_BYTES`], else the oldest
    /// version that can carry it, uncompressed.
    pub fn sealed_form(&self) -> (u8, Zeroizing<Vec<u8>>) {
        let version = self.format_version();
        let plain = Zeroizing::new(self.encode());
        let small = match version {
            4 => compressed::compress_layout(&plain), // already the layout: not encoded twice
            _ => compressed::compress(self),
        };
        match small {
            Some(small) if small.len() < plain.len() => (compressed::VERSION, small),
            _ => (version, plain),
        }
    }

    /// The payload in its [`BatchPayload::format_version`], uncompressed.
    pub fn encode(&self) -> Vec<u8> {
        match self.format_version() {
            1 => postcard::to_allocvec(&PayloadV1 {
                changes: self
                    .changes
                    .iter()
                    .map(|c| WireChangeV1 {
                        doc_id: c.doc_id.clone(),
                        kind: c.kind.clone(),
                        bytes: c.bytes.clone(),
                    })
                    .collect(),
            }),
            2 => postcard::to_allocvec(&PayloadV2 {
                changes: self
                    .changes
                    .iter()
                    .map(|c| WireChangeV2 {
                        doc_id: c.doc_id.clone(),
                        kind: c.kind.clone(),
                        bytes: c.bytes.clone(),
                        replaces: c.replaces,
                    })
                    .collect(),
            }),
            3 => postcard::to_allocvec(&PayloadV3 {
                changes: self
                    .changes
                    .iter()
                    .map(|c| WireChangeV3 {
                        doc_id: c.doc_id.clone(),
                        kind: c.kind.clone(),
                        bytes: c.bytes.clone(),
                        replaces: c.replaces,
                        context: c.context.clone(),
                    })
                    .collect(),
            }),
            _ => postcard::to_allocvec(self),
        }
        .expect("payload serializes")
    }

    /// Reads a payload written in format `version` (the envelope's).
    pub fn decode(version: u8, bytes: &[u8]) -> Result<BatchPayload, OpenError> {
        let malformed = |e: postcard::Error| OpenError::Malformed(e.to_string());
        match version {
            1 => {
                let v1: PayloadV1 = postcard::from_bytes(bytes).map_err(malformed)?;
                Ok(BatchPayload {
                    changes: v1
                        .changes
                        .into_iter()
                        .map(|c| WireChange {
                            doc_id: c.doc_id,
                            kind: c.kind,
                            bytes: c.bytes,
                            replaces: false,
                            context: Vec::new(),
                            signatures: Vec::new(),
                        })
                        .collect(),
                    ..Default::default()
                })
            }
            2 => {
                let v2: PayloadV2 = postcard::from_bytes(bytes).map_err(malformed)?;
                Ok(BatchPayload {
                    changes: v2
                        .changes
                        .into_iter()
                        .map(|c| WireChange {
                            doc_id: c.doc_id,
                            kind: c.kind,
                            bytes: c.bytes,
                            replaces: c.replaces,
                            context: Vec::new(),
                            signatures: Vec::new(),
                        })
                        .collect(),
                    ..Default::default()
                })
            }
            3 => {
                let v3: PayloadV3 = postcard::from_bytes(bytes).map_err(malformed)?;
                Ok(BatchPayload {
                    changes: v3
                        .changes
                        .into_iter()
                        .map(|c| WireChange {
                            doc_id: c.doc_id,
                            kind: c.kind,
                            bytes: c.bytes,
                            replaces: c.replaces,
                            context: c.context,
                            signatures: Vec::new(),
                        })
                        .collect(),
                    ..Default::default()
                })
            }
            4 => postcard::from_bytes(bytes).map_err(malformed),
            compressed::VERSION => compressed::decompress(bytes),
            v => Err(OpenError::UnsupportedVersion(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::FORMAT_VERSION;

    fn change(replaces: bool) -> WireChange {
        WireChange {
            doc_id: "D".into(),
            kind: "case".into(),
            bytes: vec![9],
            replaces,
            context: Vec::new(),
            signatures: Vec::new(),
        }
    }

    #[test]
    fn version_1_is_plain_postcard_and_unknown_versions_are_refused() {
        let p = BatchPayload {
            changes: vec![change(false)],
            ..Default::default()
        };
        assert_eq!(p.format_version(), 1);
        assert_eq!(p.encode(), [1, 1, b'D', 4, b'c', b'a', b's', b'e', 1, 9]);
        assert_eq!(BatchPayload::decode(1, &p.encode()).unwrap(), p);
        assert_eq!(
            BatchPayload::decode(FORMAT_VERSION + 1, &p.encode()),
            Err(OpenError::UnsupportedVersion(FORMAT_VERSION + 1))
        );
    }

    #[test]
    fn a_replacement_needs_version_2_and_survives_it() {
        let p = BatchPayload {
            changes: vec![change(false), change(true)],
            ..Default::default()
        };
        assert_eq!(p.format_version(), 2);
        let bytes = p.encode();
        assert_eq!(BatchPayload::decode(2, &bytes).unwrap(), p);
        // The replace flag is the last byte of each change.
        assert_eq!(&bytes[bytes.len() - 2..], [9, 1]);
        // Read as version 1, the same bytes do not pass for a merge.
        assert_ne!(BatchPayload::decode(1, &bytes).ok(), Some(p));
    }

    #[test]
    fn a_context_needs_version_3_and_survives_it() {
        let mut with_context = change(false);
        with_context.context = vec![7; 64];
        let p = BatchPayload {
            changes: vec![change(true), with_context],
            ..Default::default()
        };
        assert_eq!(p.format_version(), 3);
        let bytes = p.encode();
        assert_eq!(BatchPayload::decode(3, &bytes).unwrap(), p);
        // The context is the last field: its length, then its bytes.
        assert_eq!(&bytes[bytes.len() - 65..], [&[64u8][..], &[7; 64][..]].concat());
        assert_ne!(BatchPayload::decode(2, &bytes).ok(), Some(p));
    }

    #[test]
    fn signatures_need_version_4_and_survive_it() {
        let mut signed = change(false);
        signed.context = vec![7; 32];
        signed.signatures = vec![5; 64];
        let p = BatchPayload {
            changes: vec![change(false), signed],
            ..Default::default()
        };
        assert_eq!(p.format_version(), 4);
        let bytes = p.encode();
        assert_eq!(BatchPayload::decode(4, &bytes).unwrap(), p);
        // The signatures end the last change; the chain fields follow.
        assert_eq!(
            &bytes[bytes.len() - 67..bytes.len() - 2],
            [&[64u8][..], &[5; 64][..]].concat()
        );
        assert_eq!(&bytes[bytes.len() - 2..], [0, 0], "not numbered, no previous");
        assert_ne!(BatchPayload::decode(3, &bytes).ok(), Some(p));
    }

    #[test]
    fn a_numbered_batch_needs_version_4_and_its_digest_covers_id_and_payload() {
        let p = BatchPayload {
            changes: vec![change(false)],
            device_seq: 7,
            previous: vec![3; 32],
        };
        assert_eq!(p.format_version(), 4);
        assert_eq!(BatchPayload::decode(4, &p.encode()).unwrap(), p);
        let d = batch_digest(&[1; 16], &p);
        assert_eq!(d, batch_digest(&[1; 16], &p));
        assert_ne!(d, batch_digest(&[2; 16], &p));
        let other = BatchPayload {
            device_seq: 8,
            ..p.clone()
        };
        assert_ne!(d, batch_digest(&[1; 16], &other));
    }
}
