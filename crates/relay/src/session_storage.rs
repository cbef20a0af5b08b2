//! Where the relay keeps what lets any of its instances answer any request:
//! the secret that signs its challenges, the challenges already answered
//! (each works once), and the open sessions, kept under the hash of their
//! bearer token (never the token). [`SessionStorage`] is part of the storage
//! seam; the SQLite implementation is here, the PostgreSQL one in
//! `postgres/sessions.rs`.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::storage::{DeviceAccess, SqliteStorage, StoreError, StoreResult};

/// A session as storage keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub chamber: String,
    pub device: [u8; 32],
    /// Unix seconds.
    pub expires_at: i64,
    /// What the device may do now (read at the lookup, not when it opened).
    pub access: DeviceAccess,
}

/// Sessions and answered challenges in the relay's storage.
pub trait SessionStorage {
    /// The secret named `name`: the one stored, or `fresh`, stored now if
    /// there was none (so every instance on one database gets the same one).
    fn relay_secret(&self, name: &str, fresh: &[u8; 32]) -> StoreResult<[u8; 32]>;
    /// Records an answered challenge until `expires_at`; `false` if it was
    /// answered before. Forgets the ones expired by `now`.
    fn spend_challenge(&self, nonce: &[u8; 32], expires_at: i64, now: i64) -> StoreResult<bool>;
    /// Opens a session under its token's hash, keeping at most `keep` of the
    /// device's sessions in the chamber (its oldest go), and forgets every
    /// session expired by `now`.
    fn open_session(
        &self,
        token_hash: &[u8; 32],
        chamber: &str,
        device: &[u8; 32],
        expires_at: i64,
        now: i64,
        keep: u32,
    ) -> StoreResult<()>;
    /// The session under `token_hash` if it has not expired by `now` and
    /// its device is still registered (removed or not: the caller decides).
    fn session(&self, token_hash: &[u8; 32], now: i64) -> StoreResult<Option<StoredSession>>;
    /// Sessions not expired by `now` (for the metrics).
    fn open_sessions(&self, now: i64) -> StoreResult<u64>;
}

/// A device key read back from a BLOB or BYTEA column.
pub(crate) fn device_key(bytes: Vec<u8>) -> StoreResult<[u8; 32]> {
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::Internal("a device key of the wrong length".into()))
}

impl SessionStorage for SqliteStorage {
    fn relay_secret(&self, name: &str, fresh: &[u8; 32]) -> StoreResult<[u8; 32]> {
        let conn = self.conn();
        conn.execute(
            "INSERT INTO relay_secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
            params![name, &fresh[..]],
        )?;
        let value: Vec<u8> = conn.query_row("SELECT value FROM relay_secrets WHERE name = ?1", [name], |r| r.get(0))?;
        <[u8; 32]>::try_from(value.as_slice())
            .map_err(|_| StoreError::Internal("a relay secret of the wrong length".into()))
    }

    fn spend_challenge(&self, nonce: &[u8; 32], expires_at: i64, now: i64) -> StoreResult<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached("DELETE FROM spent_challenges WHERE expires_at <= ?1")?
            .execute([now])?;
        let added = tx
            .prepare_cached(
                "INSERT INTO spent_challenges (nonce, expires_at) VALUES (?1, ?2) ON CONFLICT (nonce) DO NOTHING",
            )?
            .execute(params![&nonce[..], expires_at])?;
        tx.commit()?;
        Ok(added == 1)
    }

    fn open_session(
        &self,
        token_hash: &[u8; 32],
        chamber: &str,
        device: &[u8; 32],
        expires_at: i64,
        now: i64,
        keep: u32,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.prepare_cached("DELETE FROM sessions WHERE expires_at <= ?1")?
            .execute([now])?;
        tx.prepare_cached(
            "INSERT INTO sessions (token_hash, chamber_id, device, opened_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![&token_hash[..], chamber, &device[..], now, expires_at])?;
        tx.prepare_cached(
            "DELETE FROM sessions WHERE chamber_id = ?1 AND device = ?2 AND token_hash NOT IN (
                 SELECT token_hash FROM sessions WHERE chamber_id = ?1 AND device = ?2
                 ORDER BY opened_at DESC, rowid DESC LIMIT ?3)",
        )?
        .execute(params![chamber, &device[..], keep])?;
        tx.commit()?;
        Ok(())
    }

    fn session(&self, token_hash: &[u8; 32], now: i64) -> StoreResult<Option<StoredSession>> {
        let conn = self.conn();
        let row = conn
            .prepare_cached(
                "SELECT s.chamber_id, s.device, s.expires_at, d.admin, d.read_only, d.removed_at IS NOT NULL
                 FROM sessions s JOIN devices d ON d.chamber_id = s.chamber_id AND d.device = s.device
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
            )?
            .query_row(params![&token_hash[..], now], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get::<_, i64>(2)?,
                    DeviceAccess {
                        admin: r.get(3)?,
                        read_only: r.get(4)?,
                        removed: r.get(5)?,
                    },
                ))
            })
            .optional()?;
        row.map(|(chamber, device, expires_at, access)| {
            Ok(StoredSession {
                chamber,
                device: device_key(device)?,
                expires_at,
                access,
            })
        })
        .transpose()
    }

    fn open_sessions(&self, now: i64) -> StoreResult<u64> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sessions WHERE expires_at > ?1", [now], |r| {
                r.get(0)
            })?;
        Ok(n.max(0) as u64)
    }
}
