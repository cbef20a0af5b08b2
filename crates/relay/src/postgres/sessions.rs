//! [`SessionStorage`] on [`PgStorage`]: the challenge key, answered
//! challenges and open sessions in the database, so that any instance
//! answers a laptop that proved itself to another (the PostgreSQL twin of
//! `session_storage.rs`). The session lookup, which every authenticated
//! request may need, is one typed statement (no separate prepare).

use ::postgres::types::Type;

use super::{count, PgStorage};
use crate::session_storage::{device_key, SessionStorage, StoredSession};
use crate::storage::{DeviceAccess, StoreError, StoreResult};

impl SessionStorage for PgStorage {
    fn relay_secret(&self, name: &str, fresh: &[u8; 32]) -> StoreResult<[u8; 32]> {
        let mut conn = self.conn()?;
        // Two instances starting at once: the first insert wins and both read it.
        conn.execute(
            "INSERT INTO relay_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            &[&name, &&fresh[..]],
        )?;
        let value: Vec<u8> = conn
            .query_one("SELECT value FROM relay_secrets WHERE name = $1", &[&name])?
            .try_get(0)?;
        <[u8; 32]>::try_from(value.as_slice())
            .map_err(|_| StoreError::Internal("a relay secret of the wrong length".into()))
    }

    fn spend_challenge(&self, nonce: &[u8; 32], expires_at: i64, now: i64) -> StoreResult<bool> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute("DELETE FROM spent_challenges WHERE expires_at <= $1", &[&now])?;
        let added = tx.execute(
            "INSERT INTO spent_challenges (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING",
            &[&&nonce[..], &expires_at],
        )?;
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
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now])?;
        tx.execute(
            "INSERT INTO sessions (token_hash, chamber_id, device, opened_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[&&token_hash[..], &chamber, &&device[..], &now, &expires_at],
        )?;
        tx.execute(
            "DELETE FROM sessions WHERE chamber_id = $1 AND device = $2 AND token_hash NOT IN (
                 SELECT token_hash FROM sessions WHERE chamber_id = $1 AND device = $2
                 ORDER BY opened_at DESC, token_hash = $4 DESC LIMIT $3)",
            &[&chamber, &&device[..], &i64::from(keep), &&token_hash[..]],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn session(&self, token_hash: &[u8; 32], now: i64) -> StoreResult<Option<StoredSession>> {
        let rows = self.conn()?.query_typed(
            "SELECT s.chamber_id, s.device, s.expires_at, d.admin, d.read_only, d.removed_at IS NOT NULL
             FROM sessions s JOIN devices d ON d.chamber_id = s.chamber_id AND d.device = s.device
             WHERE s.token_hash = $1 AND s.expires_at > $2",
            &[(&&token_hash[..], Type::BYTEA), (&now, Type::INT8)],
        )?;
        let Some(row) = rows.first() else {
            return Ok(None);
        };
        Ok(Some(StoredSession {
            chamber: row.try_get(0)?,
            device: device_key(row.try_get(1)?)?,
            expires_at: row.try_get(2)?,
            access: DeviceAccess {
                admin: row.try_get(3)?,
                read_only: row.try_get(4)?,
                removed: row.try_get(5)?,
            },
        }))
    }

    fn open_sessions(&self, now: i64) -> StoreResult<u64> {
        let n: i64 = self
            .conn()?
            .query_one("SELECT count(*) FROM sessions WHERE expires_at > $1", &[&now])?
            .try_get(0)?;
        Ok(count(n))
    }
}
