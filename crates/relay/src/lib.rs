//! `nextdate-relay`: the chamber relay. A store-and-forward log of opaque,
//! encrypted batches per chamber, plus encrypted attachments. It authenticates
//! devices by their signed answers to fresh challenges and redeems one-time
//! invite tokens (stored only as hashes); it can never read, merge or forge
//! what devices send.
//!
//! - [`storage`]: the storage trait, and `sqlite_storage` its SQLite
//!   implementation; `postgres` its PostgreSQL one, for several instances on
//!   one database ([`open_storage`] picks);
//! - `sessions`: the challenges issued and sessions open on this instance;
//! - [`handler`]: what each frame does (the wire format itself is
//!   `nextdate-protocol`);
//! - [`link_storage`] and `links`: clients' status links, stored sealed
//!   (the relay never holds their key), and the devices' requests about them;
//!   `viewer`: the page a client's browser opens them with;
//! - [`operations`]: registration tokens, quotas and usage (the operator's
//!   side of storage), and [`operator`] the `token` and `chambers` commands;
//! - [`notifications`]: each chamber's live notifications, a burst told to
//!   a live socket at once;
//! - [`server`]: the HTTP and WebSocket routes (`blobs` the attachment
//!   routes, which stream; `spool` where an upload waits until it is whole),
//!   and [`limits`] the rates, caps and timeouts that keep one client from
//!   stalling the rest;
//! - [`metrics`]: counts for the operator, on a listener of its own;
//! - [`tls`]: the relay's certificate (given, or made on first start) and its pin.

mod blobs;
mod challenges;
pub mod handler;
pub mod limits;
pub mod link_storage;
mod links;
pub mod metrics;
pub mod notifications;
pub mod operations;
pub mod operator;
mod postgres;
pub mod server;
pub mod session_storage;
mod sessions;
mod spool;
mod sqlite_blobs;
mod sqlite_operations;
mod sqlite_storage;
pub mod storage;
pub mod tls;
mod viewer;

use std::path::Path;
use std::sync::Arc;

pub use handler::{Policy, Relay};
pub use storage::{PgStorage, SqliteStorage, Storage, StoreError};

/// A relay on SQLite storage in `dir`.
pub fn open(dir: &Path, policy: Policy) -> Result<Arc<Relay>, StoreError> {
    Ok(Relay::new(Box::new(SqliteStorage::open(dir)?), policy))
}

/// The relay's storage: PostgreSQL when `database` is a `postgres://` or
/// `postgresql://` URL, otherwise SQLite in `data`. Blocking: call it
/// outside an async runtime's worker threads.
pub fn open_storage(data: &Path, database: Option<&str>) -> Result<Box<dyn Storage>, StoreError> {
    match database {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Box::new(PgStorage::open(url)?.spool_in(&data.join("incoming"))))
        }
        Some(_) => Err(StoreError::Internal(
            "--database takes a postgres:// or postgresql:// URL; leave it out for SQLite in --data".into(),
        )),
        None => Ok(Box::new(SqliteStorage::open(data)?)),
    }
}
