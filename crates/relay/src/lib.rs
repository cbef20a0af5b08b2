//! `nextdate-relay`: the chamber relay. A store-and-forward log of opaque,
//! encrypted batches per chamber, plus encrypted attachments. It authenticates
//! devices by their signed answers to fresh challenges and redeems one-time
//! invite tokens (stored only as hashes); it can never read, merge or forge
//! what devices send.
//!
//! - [`storage`]: the storage trait, and `sqlite_storage` its SQLite implementation;
//! - [`handler`]: what each frame does (the wire format itself is
//!   `nextdate-protocol`);
//! - [`link_storage`] and `links`: clients' status links, stored sealed
//!   (the relay never holds their key), and the devices' requests about them;
//!   `viewer`: the page a client's browser opens them with;
//! - [`server`]: the HTTP and WebSocket routes;
//! - [`tls`]: the relay's certificate (given, or made on first start) and its pin.

pub mod handler;
pub mod link_storage;
mod links;
pub mod server;
mod sqlite_storage;
pub mod storage;
pub mod tls;
mod viewer;

use std::path::Path;
use std::sync::Arc;

pub use handler::Relay;
pub use storage::{SqliteStorage, Storage, StoreError};

/// A relay on SQLite storage in `dir`.
pub fn open(dir: &Path) -> Result<Arc<Relay>, StoreError> {
    Ok(Relay::new(Box::new(SqliteStorage::open(dir)?)))
}
