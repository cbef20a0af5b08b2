//! `nextdate-sync`: chamber sync for Nextdate diaries.
//!
//! - [`crypto`]: device keys, the chamber key, sealed and signed batches,
//!   encrypted attachments. The relay never holds a key.
//! - [`wire`]: the diary's changes to and from the wire's versioned change type
//!   (the wire format itself is `nextdate-protocol`, re-exported as [`protocol`]).
//! - [`invite`]: invite codes (text and QR) that carry the relay address, the
//!   chamber id, the relay's certificate pin, a one-time token and the admin's
//!   and founder's public keys (no chamber key).
//! - [`admission`] and [`joining`]: a new device asks to join, the admin
//!   device lists it in the chamber with the invite's role and seals the
//!   chamber key to it (HPKE).
//! - [`epochs`] and [`rotation`]: the chamber key of each epoch; removing a
//!   device starts a new epoch whose key is sealed only to the devices that
//!   remain (HPKE), and the relay refuses the removed device and old keys.
//! - [`client`]: the device side of the protocol over HTTP.
//! - [`tls`]: TLS to the relay, pinned to its certificate's key when the
//!   invite gives a pin.
//! - `confirm`: batches the relay acknowledged, kept until seen back (and
//!   sent again as they were when missing), and gaps in the log noticed;
//!   `chains`: each device numbers its batches and names the digest of the
//!   one before, so a batch withheld from another laptop's chain is noticed;
//!   `pulling`: a pull, page by page.
//! - [`engine`]: setting up a chamber, inviting, joining, a sync round, and the
//!   typed [`SyncState`] a scheduler works from.
//! - [`status`]: the sync panel's [`SyncStatus`] and the scheduler's
//!   [`SyncState`], read without contacting the relay.
//! - [`live`]: the relay's WebSocket that says when there is something to pull.
//! - [`scheduler`]: when to run a round (debounce, back-off, the minute round,
//!   live wake-ups), as pure decisions on an injected clock.
//! - [`background`]: the threads that run the scheduler against an open diary.
//!
//! No Tauri here; the desktop app and the CLI call [`engine`], and the app
//! starts [`background`].

pub mod admission;
pub mod background;
mod chains;
pub mod client;
mod confirm;
pub mod crypto;
pub mod engine;
pub mod epochs;
pub mod error;
pub mod invite;
pub mod joining;
pub mod links;
pub mod live;
pub mod members;
mod pulling;
pub mod rotation;
pub mod scheduler;
pub mod status;
pub mod tls;
pub mod wire;

pub use engine::{status, sync_now, sync_with_retry, SyncReport, SyncState, SyncStatus};
pub use error::SyncError;
pub use nextdate_protocol as protocol;
