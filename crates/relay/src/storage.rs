//! Where the relay keeps chambers, devices, invite token hashes, the encrypted
//! batch log and encrypted attachments: [`Storage`] is the seam, with its
//! errors and the types it returns; its parts for status links
//! (`link_storage`) and for the operator (`operations`) are its supertraits.
//! [`SqliteStorage`] (in `sqlite_storage.rs`, `sqlite_blobs.rs` and
//! `sqlite_operations.rs`) is the default; [`PgStorage`] (`postgres/`) keeps
//! the same semantics on PostgreSQL, for several relay instances on one
//! database, and tells each instance what the others stored
//! ([`Storage::watch`]). Attachments are kept in parts of
//! [`BLOB_PART_BYTES`], so that they stream in and out.

pub use crate::postgres::PgStorage;
pub use crate::sqlite_storage::SqliteStorage;

/// Why a storage call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("a chamber with that id is already registered")]
    ChamberExists,
    #[error("{0}")]
    BadToken(&'static str),
    #[error("not found")]
    NotFound,
    #[error("the chamber's key is now epoch {current}; the batch is sealed with epoch {sealed}")]
    OldKey { current: u32, sealed: u32 },
    #[error("the chamber's key is at epoch {0}; a rotation must start epoch {0} + 1")]
    WrongEpoch(u32),
    #[error("that status link was revoked; it is never stored again")]
    Gone,
    /// Storing would take the chamber past its quota; says which part.
    #[error("the chamber has used {0} on this relay")]
    QuotaExceeded(String),
    /// An attachment did not arrive whole (its upload broke off, or its
    /// parts came to another size than announced); nothing was stored.
    #[error("the attachment did not arrive whole: {0}")]
    Incomplete(String),
    #[error("storage failure: {0}")]
    Internal(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Internal(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Attachments are stored, and read back, in parts of at most this many
/// bytes, so that neither an upload nor a download is ever held whole in memory.
pub const BLOB_PART_BYTES: usize = 1024 * 1024;

/// How a stored attachment is read back: [`Storage::blob_part`] `0..parts`,
/// whose lengths add up to `size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlobInfo {
    pub size: u64,
    /// Parts of at most [`BLOB_PART_BYTES`]; an attachment stored whole by a
    /// relay before version 6 of the schema is one part, however large.
    pub parts: u32,
}

/// An attachment's bytes as they arrive, in pieces of any length; an `Err`
/// says why the rest will not come (the upload broke off or timed out).
pub type BlobSource<'a> = &'a mut dyn Iterator<Item = Result<Vec<u8>, String>>;

/// Counts for the health endpoint and benchmarks.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    pub chambers: u64,
    pub devices: u64,
    pub batches: u64,
    pub blobs: u64,
}

/// What a registered device may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceAccess {
    pub admin: bool,
    /// A viewer's device: it reads the log but may not push.
    pub read_only: bool,
    /// Removed from the chamber: refused everything.
    pub removed: bool,
}

/// A write another relay instance made to storage shared with this one,
/// for this instance's live sockets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageEvent {
    /// A new batch in `chamber`, numbered `latest`.
    Batch { chamber: String, latest: u64 },
    /// `device` was removed from `chamber` (by a rotation).
    Removed { chamber: String, device: [u8; 32] },
    /// What `device` may do in `chamber` changed (admitted, or made
    /// read-only or not): sessions read before are read again.
    Access { chamber: String, device: [u8; 32] },
}

/// The relay's storage.
pub trait Storage:
    crate::link_storage::LinkStorage
    + crate::operations::Operations
    + crate::session_storage::SessionStorage
    + Send
    + Sync
    + 'static
{
    /// Registers a chamber with `device` as its admin, using up the
    /// registration token with hash `token` when one is given (a relay open
    /// to anyone gives none). Registering again from the same admin device is
    /// not an error, and uses no token.
    fn create_chamber(&self, chamber: &str, device: &[u8; 32], token: Option<&[u8; 32]>, now: i64) -> StoreResult<()>;
    /// What the device may do in the chamber; `None` when it is not registered there.
    fn device_access(&self, chamber: &str, device: &[u8; 32]) -> StoreResult<Option<DeviceAccess>>;
    /// Keeps a registered device's sealed request to be let in (replacing an
    /// earlier unanswered one).
    fn request_admission(&self, chamber: &str, device: &[u8; 32], request: &[u8], now: i64) -> StoreResult<()>;
    /// Requests not answered yet, oldest first.
    fn pending_admissions(&self, chamber: &str) -> StoreResult<Vec<([u8; 32], Vec<u8>)>>;
    /// Answers a request and sets whether the device may push.
    fn admit(&self, chamber: &str, device: &[u8; 32], answer: &[u8], read_only: bool, now: i64) -> StoreResult<()>;
    /// The answer to a device's request, once there is one.
    fn admission(&self, chamber: &str, device: &[u8; 32]) -> StoreResult<Option<Vec<u8>>>;
    fn set_read_only(&self, chamber: &str, device: &[u8; 32], read_only: bool) -> StoreResult<()>;
    /// Removes `removed` and starts key epoch `epoch` (the current one plus
    /// one) with each remaining device's sealed copy of the new key, in one
    /// transaction. The same epoch again replaces its grants (a retry).
    fn rotate(
        &self,
        chamber: &str,
        removed: &[[u8; 32]],
        epoch: u32,
        grants: &[([u8; 32], Vec<u8>)],
        now: i64,
    ) -> StoreResult<()>;
    /// The chamber's current key epoch.
    fn epoch(&self, chamber: &str) -> StoreResult<u32>;
    /// The keys sealed to `device` after epoch `after`, oldest first.
    fn sealed_keys(&self, chamber: &str, device: &[u8; 32], after: u32) -> StoreResult<Vec<(u32, Vec<u8>)>>;
    fn add_invite(&self, chamber: &str, token_hash: &[u8; 32], by: &[u8; 32], expires_at: i64) -> StoreResult<()>;
    /// Uses an invite token once, registering `device` in the chamber.
    fn redeem_invite(&self, chamber: &str, token_hash: &[u8; 32], device: &[u8; 32], now: i64) -> StoreResult<()>;
    /// Appends a batch sealed under key epoch `epoch`; a batch id already
    /// stored returns its sequence number and `true`. A batch under an epoch
    /// older than the chamber's is refused ([`StoreError::OldKey`]), checked
    /// in the same transaction as the append so that no old-key batch lands
    /// after a rotation.
    fn append_batch(
        &self,
        chamber: &str,
        batch_id: &[u8; 16],
        device: &[u8; 32],
        envelope: &[u8],
        epoch: u32,
        now: i64,
    ) -> StoreResult<(u64, bool)>;
    /// Batches after `after`, oldest first, at most `limit` and about `max_bytes` in all (at least one).
    fn batches_after(
        &self,
        chamber: &str,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreResult<Vec<(u64, Vec<u8>)>>;
    fn latest_seq(&self, chamber: &str) -> StoreResult<u64>;
    fn device_count(&self, chamber: &str) -> StoreResult<u32>;
    /// Stores an attachment (in parts, as [`Storage::put_blob_parts`] does);
    /// one already stored under `id` is not stored again.
    fn put_blob(&self, chamber: &str, id: &[u8; 32], bytes: &[u8]) -> StoreResult<()>;
    /// Stores an attachment of `size` bytes as it arrives from `source`, with
    /// at most a part of it in memory at a time, in one transaction: all of
    /// it or nothing. It is first copied to a nameless file under the
    /// storage's spool folder (gone with the process), so that no storage
    /// lock or connection waits on a slow upload. One already stored under
    /// `id` is not stored again (the rest of `source` is read and dropped;
    /// callers check [`Storage::has_blob`] first so as to read nothing).
    /// Refused with nothing stored: [`StoreError::Incomplete`] when `source`
    /// fails or its bytes add up to anything but `size`, and
    /// [`StoreError::QuotaExceeded`] when the chamber has no room for it
    /// (checked, with it counted, just before the commit).
    fn put_blob_parts(&self, chamber: &str, id: &[u8; 32], size: u64, source: BlobSource<'_>) -> StoreResult<()>;
    /// An attachment whole (the blob frame route; new downloads read it a
    /// part at a time with [`Storage::blob_info`] and [`Storage::blob_part`]).
    fn get_blob(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<Vec<u8>>>;
    /// An attachment's size and number of parts; `None` when it is not stored.
    fn blob_info(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<BlobInfo>>;
    /// Part `part` (from 0) of an attachment; `None` past its last part, or
    /// when it is not stored.
    fn blob_part(&self, chamber: &str, id: &[u8; 32], part: u32) -> StoreResult<Option<Vec<u8>>>;
    fn has_blob(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<bool>;
    fn stats(&self) -> StoreResult<Stats>;
    /// Whether storage answers at all (the health check).
    fn ping(&self) -> StoreResult<()>;
    /// From now on, calls `on_event` (from a thread of its own) for each new
    /// batch and removed device that another instance sharing this storage
    /// stores; this instance's own writes are not reported. Storage only one
    /// instance uses (SQLite) has nothing to report: the default does nothing.
    fn watch(&self, _on_event: Box<dyn Fn(StorageEvent) + Send + Sync>) {}
}
