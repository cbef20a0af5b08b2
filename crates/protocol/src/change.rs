//! What a sealed batch carries: [`BatchPayload`], a list of [`WireChange`]s.
//!
//! This is the wire's own change type, not the diary's: `nextdate-sync`
//! converts between it and the diary's `DocChange`, so the diary may change its
//! types freely while devices in the field keep understanding each other.
//!
//! The payload has no version byte of its own: the envelope around it carries
//! [`crate::envelope::FORMAT_VERSION`] (signed), and [`BatchPayload::decode`]
//! is told which version to read. Version 1, the only one so far, is the
//! postcard encoding of `BatchPayload { changes: Vec<WireChange> }` exactly as
//! declared below (fields in order, lengths as varints). A new field is a new
//! format version with its own struct, never an edit of this one.

use serde::{Deserialize, Serialize};

use crate::envelope::OpenError;

/// One document's change in format version 1: an Automerge change (or a whole
/// saved document) for the document `doc_id` of kind `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireChange {
    pub doc_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// What a batch carries, before encryption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchPayload {
    pub changes: Vec<WireChange>,
}

impl BatchPayload {
    /// The payload in the current [`crate::envelope::FORMAT_VERSION`].
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("payload serializes")
    }

    /// Reads a payload written in format `version` (the envelope's).
    pub fn decode(version: u8, bytes: &[u8]) -> Result<BatchPayload, OpenError> {
        match version {
            1 => postcard::from_bytes(bytes).map_err(|e| OpenError::Malformed(e.to_string())),
            v => Err(OpenError::UnsupportedVersion(v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::FORMAT_VERSION;

    #[test]
    fn version_1_is_plain_postcard_and_other_versions_are_refused() {
        let p = BatchPayload {
            changes: vec![WireChange {
                doc_id: "D".into(),
                kind: "case".into(),
                bytes: vec![9],
            }],
        };
        assert_eq!(FORMAT_VERSION, 1);
        assert_eq!(p.encode(), [1, 1, b'D', 4, b'c', b'a', b's', b'e', 1, 9]);
        assert_eq!(BatchPayload::decode(1, &p.encode()).unwrap(), p);
        assert_eq!(
            BatchPayload::decode(2, &p.encode()),
            Err(OpenError::UnsupportedVersion(2))
        );
    }
}
