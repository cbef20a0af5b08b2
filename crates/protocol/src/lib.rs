//! `nextdate-protocol`: everything that travels between Nextdate devices and
//! the relay, byte for byte. Devices in the field speak this format, so every
//! type here is a wire format: changing a field, its order or its type breaks
//! them (the golden fixtures in `tests/fixtures` make such a change fail a test).
//!
//! - [`frame`]: requests, replies and live messages ([`frame::Frame`]), and
//!   the size limits.
//! - [`pin`]: the certificate pin by which a device knows its relay.
//! - [`proof`]: the challenge proof a device signs and the relay verifies.
//! - [`envelope`]: a sealed (encrypted and signed) batch as the relay stores it,
//!   with its format version ([`envelope::FORMAT_VERSION`]).
//! - [`change`]: what a sealed batch carries ([`change::WireChange`]), defined
//!   here and not in the diary, so the diary can change without changing the wire.
//! - [`compressed`]: format version 5, a batch compressed before it is sealed,
//!   and the cap on what one may decompress to.
//! - [`status_link`]: a client's status link, sealed for a browser to open.
//! - [`registration`]: the operator's registration token, as people copy it.
//!
//! No diary, no keys kept, no randomness: callers pass keys and nonces in, so
//! the same inputs always give the same bytes.

pub mod change;
pub mod compressed;
pub mod envelope;
pub mod frame;
pub mod pin;
pub mod proof;
pub mod registration;
pub mod status_link;

pub use change::{batch_digest, BatchPayload, WireChange};
pub use envelope::{OpenError, OpenedBatch, FORMAT_VERSION};
pub use frame::{DecodeError, ErrorCode, Frame, Proof, ProofPurpose, StoredBatch, PROTOCOL_VERSION};
pub use pin::{CertPin, PinError};
