//! [`Operations`] on [`SqliteStorage`]: registration tokens, each chamber's
//! usage and quota, deleting a chamber; and [`check_room`], which every
//! storing transaction runs before it commits.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::operations::{token_id, ChamberUsage, Operations, Quota, TokenInfo};
use crate::storage::{StoreError, StoreResult};
use crate::SqliteStorage;

/// What a chamber holds now: bytes (batches, attachments, status links), batches, attachments.
fn usage(conn: &Connection, chamber: &str) -> StoreResult<(u64, u64, u64)> {
    let (stored, batches, blobs): (i64, i64, i64) = conn
        .prepare_cached("SELECT stored_bytes, batch_count, blob_count FROM chambers WHERE id = ?1")?
        .query_row([chamber], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let links: i64 = conn
        .prepare_cached(
            "SELECT coalesce(sum(length(sealed)), 0)
                  + coalesce((SELECT sum(length(f.sealed)) FROM status_link_files f
                              JOIN status_links l ON l.id = f.link_id WHERE l.chamber_id = ?1), 0)
             FROM status_links WHERE chamber_id = ?1",
        )?
        .query_row([chamber], |r| r.get(0))?;
    Ok(((stored + links) as u64, batches as u64, blobs as u64))
}

/// The relay-wide quota of a chamber without its own.
fn default_quota(conn: &Connection) -> StoreResult<Quota> {
    let mut quota = Quota::default();
    let mut stmt = conn.prepare_cached("SELECT name, value FROM relay_settings WHERE name LIKE 'quota_%'")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (name, value) = row?;
        let value = value.max(0) as u64;
        match name.as_str() {
            "quota_bytes" => quota.bytes = value,
            "quota_batches" => quota.batches = value,
            "quota_blobs" => quota.blobs = value,
            _ => {}
        }
    }
    Ok(quota)
}

/// The quota in force for `chamber`, and whether it is the chamber's own.
fn quota_of(conn: &Connection, chamber: &str) -> StoreResult<(Quota, bool)> {
    let default = default_quota(conn)?;
    let (bytes, batches, blobs): (Option<i64>, Option<i64>, Option<i64>) = conn
        .prepare_cached("SELECT quota_bytes, quota_batches, quota_blobs FROM chambers WHERE id = ?1")?
        .query_row([chamber], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let own = bytes.is_some() || batches.is_some() || blobs.is_some();
    Ok((
        Quota {
            bytes: bytes.map_or(default.bytes, |v| v as u64),
            batches: batches.map_or(default.batches, |v| v as u64),
            blobs: blobs.map_or(default.blobs, |v| v as u64),
        },
        own,
    ))
}

/// Refuses (so the caller's transaction rolls back) when what `chamber` holds,
/// with the write just made in this transaction, is over its quota.
pub(crate) fn check_room(conn: &Connection, chamber: &str) -> StoreResult<()> {
    let (quota, _) = quota_of(conn, chamber)?;
    let (bytes, batches, blobs) = usage(conn, chamber)?;
    quota.admits(bytes, batches, blobs)
}

/// Counts a stored batch or attachment in its chamber's usage.
pub(crate) fn count_stored(
    conn: &Connection,
    chamber: &str,
    bytes: usize,
    batches: u64,
    blobs: u64,
) -> StoreResult<()> {
    conn.prepare_cached(
        "UPDATE chambers SET stored_bytes = stored_bytes + ?2, batch_count = batch_count + ?3,
             blob_count = blob_count + ?4 WHERE id = ?1",
    )?
    .execute(params![chamber, bytes as i64, batches as i64, blobs as i64])?;
    Ok(())
}

fn opt_i64(v: Option<u64>) -> Option<i64> {
    v.map(|v| v.min(i64::MAX as u64) as i64)
}

impl Operations for SqliteStorage {
    fn add_registration_token(&self, hash: &[u8; 32], note: &str, now: i64, expires_at: i64) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO registration_tokens (token_hash, note, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![&hash[..], note, now, expires_at],
        )?;
        Ok(())
    }

    fn registration_tokens(&self) -> StoreResult<Vec<TokenInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT token_hash, note, created_at, expires_at, used_by, used_at, revoked_at
             FROM registration_tokens ORDER BY created_at DESC, token_hash",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TokenInfo {
                id: token_id(&r.get::<_, Vec<u8>>(0)?),
                note: r.get(1)?,
                created_at: r.get(2)?,
                expires_at: r.get(3)?,
                used_by: r.get(4)?,
                used_at: r.get(5)?,
                revoked_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn revoke_registration_token(&self, id: &str, now: i64) -> StoreResult<()> {
        let hashes: Vec<Vec<u8>> = {
            let conn = self.conn();
            let mut stmt = conn.prepare("SELECT token_hash FROM registration_tokens WHERE used_by IS NULL")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<Vec<Vec<u8>>>>()?
                .into_iter()
                .filter(|h| token_id(h) == id.to_ascii_lowercase())
                .collect()
        };
        let [hash] = hashes.as_slice() else {
            return Err(StoreError::NotFound);
        };
        self.conn().execute(
            "UPDATE registration_tokens SET revoked_at = coalesce(revoked_at, ?2) WHERE token_hash = ?1",
            params![hash, now],
        )?;
        Ok(())
    }

    fn chambers(&self) -> StoreResult<Vec<ChamberUsage>> {
        let conn = self.conn();
        let ids: Vec<(String, i64)> = conn
            .prepare("SELECT id, created_at FROM chambers ORDER BY id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, created_at) in ids {
            let (bytes, batches, blobs) = usage(&conn, &id)?;
            let (quota, own_quota) = quota_of(&conn, &id)?;
            let devices: u32 = conn.query_row(
                "SELECT count(*) FROM devices WHERE chamber_id = ?1 AND removed_at IS NULL",
                [&id],
                |r| r.get(0),
            )?;
            let links: u64 = conn.query_row(
                "SELECT count(*) FROM status_links WHERE chamber_id = ?1 AND revoked_at IS NULL",
                [&id],
                |r| r.get(0),
            )?;
            out.push(ChamberUsage {
                id,
                created_at,
                devices,
                bytes,
                batches,
                blobs,
                links,
                quota,
                own_quota,
            });
        }
        Ok(out)
    }

    fn delete_chamber(&self, chamber: &str) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "DELETE FROM status_link_files WHERE link_id IN (SELECT id FROM status_links WHERE chamber_id = ?1)",
            [chamber],
        )?;
        for table in [
            "status_links",
            "sessions",
            "key_grants",
            "admissions",
            "invites",
            "blob_parts",
            "blobs",
            "batches",
            "devices",
        ] {
            tx.execute(&format!("DELETE FROM {table} WHERE chamber_id = ?1"), [chamber])?;
        }
        if tx.execute("DELETE FROM chambers WHERE id = ?1", [chamber])? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit()?;
        Ok(())
    }

    fn default_quota(&self) -> StoreResult<Quota> {
        default_quota(&self.conn())
    }

    fn set_default_quota(&self, quota: Quota) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for (name, value) in [
            ("quota_bytes", quota.bytes),
            ("quota_batches", quota.batches),
            ("quota_blobs", quota.blobs),
        ] {
            tx.execute(
                "INSERT INTO relay_settings (name, value) VALUES (?1, ?2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                params![name, value.min(i64::MAX as u64) as i64],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn set_quota(&self, chamber: &str, quota: Option<Quota>) -> StoreResult<()> {
        let n = self.conn().execute(
            "UPDATE chambers SET quota_bytes = ?2, quota_batches = ?3, quota_blobs = ?4 WHERE id = ?1",
            params![
                chamber,
                opt_i64(quota.map(|q| q.bytes)),
                opt_i64(quota.map(|q| q.batches)),
                opt_i64(quota.map(|q| q.blobs))
            ],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
