//! `nextdate-sync`: chamber sync for Nextdate diaries.
//!
//! - [`frame`]: the relay's wire format (shared with `nextdate-relay`).
//! - [`crypto`]: device keys, the chamber key, sealed and signed batches,
//!   encrypted attachments. The relay never holds a key.
//! - [`invite`]: invite codes (text and QR) that carry the relay address, the
//!   chamber id, a one-time token and the chamber key.
//! - [`client`]: the device side of the protocol over HTTP.
//! - [`engine`]: setting up a chamber, inviting, joining, and a sync round.
//! - [`live`]: the relay's WebSocket that says when there is something to pull.
//!
//! No Tauri here; the desktop app and the CLI call [`engine`].

pub mod client;
pub mod crypto;
pub mod engine;
pub mod error;
pub mod frame;
pub mod invite;
pub mod live;

pub use engine::{status, sync_now, sync_with_retry, SyncReport, SyncStatus};
pub use error::SyncError;
