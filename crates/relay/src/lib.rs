//! `nextdate-relay`: the chamber relay. A store-and-forward log of opaque,
//! encrypted batches per chamber, plus encrypted attachments. It authenticates
//! devices by their signed answers to fresh challenges and redeems one-time
//! invite tokens (stored only as hashes); it can never read, merge or forge
//! what devices send.
//!
//! - [`storage`]: the storage trait and its SQLite implementation;
//! - [`protocol`]: what each frame does;
//! - [`server`]: the HTTP and WebSocket routes.

pub mod protocol;
pub mod server;
pub mod storage;

use std::path::Path;
use std::sync::Arc;

pub use protocol::Relay;
pub use storage::{SqliteStorage, Storage, StoreError};

/// A relay on SQLite storage in `dir`.
pub fn open(dir: &Path) -> Result<Arc<Relay>, StoreError> {
    Ok(Relay::new(Box::new(SqliteStorage::open(dir)?)))
}
