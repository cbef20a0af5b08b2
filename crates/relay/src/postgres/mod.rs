//! [`PgStorage`]: the relay's storage on PostgreSQL, for a relay run as
//! several instances on one database (`nextdate-relay --database
//! postgres://…`). It keeps exactly the semantics of
//! [`crate::SqliteStorage`]: where SQLite serialises every write with one
//! lock, each PostgreSQL transaction here locks the rows it depends on (the
//! chamber's row before numbering a batch or checking a quota, a token's row
//! before using it up), so concurrent instances can neither skip nor reuse a
//! sequence number, nor use a token twice.
//!
//! - `migrate`: the embedded schema (`migrations/relay/postgres/`), applied in order;
//! - `storage`: [`crate::Storage`], and `blobs` its attachments (in parts);
//! - `links`: [`crate::link_storage::LinkStorage`];
//! - `operations`: [`crate::operations::Operations`], and the quota check
//!   every storing transaction runs before it commits;
//! - `sessions`: [`crate::session_storage::SessionStorage`] (challenge key,
//!   answered challenges, open sessions);
//! - `notify`: `pg_notify` on each new batch and removed device, and the
//!   listener that tells this instance's live sockets about other instances' writes.

mod blobs;
mod links;
mod migrate;
mod notify;
mod operations;
mod sessions;
mod storage;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use ::postgres::{Config, NoTls};
use r2d2_postgres::PostgresConnectionManager;
use rand::RngCore;

use crate::storage::{StoreError, StoreResult};

type Manager = PostgresConnectionManager<NoTls>;
type Pool = r2d2::Pool<Manager>;
/// A pooled connection (it dereferences to a [`::postgres::Client`]).
type Conn = r2d2::PooledConnection<Manager>;

/// Connections one instance keeps open at most.
const POOL_SIZE: u32 = 16;
/// How long a request waits for a free connection before it fails.
const POOL_WAIT: Duration = Duration::from_secs(10);

/// The relay's storage in a PostgreSQL database.
pub struct PgStorage {
    /// `None` only while dropping (see [`Drop`]).
    pool: Option<Pool>,
    config: Config,
    /// Names this instance in its notifications, so it skips its own.
    instance: String,
    /// Tells the listener threads to stop once the storage is dropped.
    stopped: Arc<AtomicBool>,
    /// Where uploads wait until they have arrived whole ([`PgStorage::spool_in`]).
    spool: PathBuf,
}

impl PgStorage {
    /// Connects to the database at `url` (`postgres://user@host/db`; a
    /// percent-encoded absolute path as host is a Unix socket folder), brings
    /// its schema up to date and returns the storage. A database whose schema
    /// is newer than this relay is refused.
    ///
    /// Blocking: call it outside an async runtime's worker threads.
    pub fn open(url: &str) -> StoreResult<PgStorage> {
        let config: Config = url
            .parse()
            .map_err(|e| StoreError::Internal(format!("the database URL is not valid: {e}")))?;
        let mut client = config
            .connect(NoTls)
            .map_err(|e| StoreError::Internal(format!("cannot connect to the database: {}", plain(&e))))?;
        migrate::migrate(&mut client)?;
        // The pool's threads drop this client if it is handed over, so it is closed here.
        drop(client);
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            // A broken connection shows as a failed query (and r2d2 drops it);
            // testing each one on checkout would cost every request a round trip.
            .test_on_check_out(false)
            .connection_timeout(POOL_WAIT)
            .build(PostgresConnectionManager::new(config.clone(), NoTls))
            .map_err(|e| StoreError::Internal(format!("cannot connect to the database: {e}")))?;
        let mut id = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut id);
        Ok(PgStorage {
            pool: Some(pool),
            config,
            instance: data_encoding::HEXLOWER.encode(&id),
            stopped: Arc::new(AtomicBool::new(false)),
            spool: std::env::temp_dir(),
        })
    }

    /// Keeps uploads that are still arriving in `dir` (the relay's data
    /// folder's `incoming`), rather than the system's temporary folder
    /// (which may be in memory).
    pub fn spool_in(mut self, dir: &Path) -> PgStorage {
        self.spool = dir.to_path_buf();
        self
    }

    /// A connection from the pool.
    fn conn(&self) -> StoreResult<Conn> {
        self.pool
            .as_ref()
            .ok_or_else(|| StoreError::Internal("the storage is closing".into()))?
            .get()
            .map_err(|e| StoreError::Internal(format!("no database connection: {e}")))
    }
}

impl Drop for PgStorage {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::SeqCst);
        // Closing a blocking client runs its own small runtime, which must not
        // happen on an async runtime's thread (the relay may be dropped on one).
        if let Some(pool) = self.pool.take() {
            let closing = std::thread::spawn(move || drop(pool));
            let _ = closing.join();
        }
    }
}

/// What a PostgreSQL error says, without the row contents it may carry
/// (a unique or foreign key violation's detail names the key's values).
fn plain(e: &::postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    }
}

impl From<::postgres::Error> for StoreError {
    fn from(e: ::postgres::Error) -> Self {
        StoreError::Internal(plain(&e))
    }
}

/// A count or size as PostgreSQL's BIGINT.
fn big(v: u64) -> i64 {
    v.min(i64::MAX as u64) as i64
}

/// A BIGINT count read back (never negative in these tables).
fn count(v: i64) -> u64 {
    v.max(0) as u64
}

/// A key epoch read back from BIGINT.
fn epoch_of(v: i64) -> StoreResult<u32> {
    u32::try_from(v).map_err(|_| StoreError::Internal("a key epoch out of range".into()))
}
