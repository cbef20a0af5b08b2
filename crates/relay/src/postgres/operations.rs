//! [`Operations`] on [`PgStorage`]: registration tokens, each chamber's
//! usage and quota, deleting a chamber; and [`check_room`], which every
//! storing transaction runs before it commits (the PostgreSQL twin of
//! `sqlite_operations.rs`).

use ::postgres::{GenericClient, IsolationLevel};

use super::{big, count, PgStorage};
use crate::operations::{token_id, ChamberUsage, Operations, Quota, TokenInfo};
use crate::storage::{StoreError, StoreResult};

/// Locks the chamber's row until the transaction ends, so writes that
/// check its quota run one after another (nothing happens when it does not exist).
pub(super) fn lock_chamber(c: &mut impl GenericClient, chamber: &str) -> StoreResult<()> {
    c.query_opt("SELECT 1 FROM chambers WHERE id = $1 FOR NO KEY UPDATE", &[&chamber])?;
    Ok(())
}

/// What a chamber holds now: bytes (batches, attachments, status links), batches, attachments.
fn usage(c: &mut impl GenericClient, chamber: &str) -> StoreResult<(u64, u64, u64)> {
    let row = c
        .query_opt(
            "SELECT stored_bytes, batch_count, blob_count,
                    coalesce((SELECT sum(octet_length(sealed)) FROM status_links WHERE chamber_id = $1), 0)
                  + coalesce((SELECT sum(octet_length(f.sealed)) FROM status_link_files f
                              JOIN status_links l ON l.id = f.link_id WHERE l.chamber_id = $1), 0)
             FROM chambers WHERE id = $1",
            &[&chamber],
        )?
        .ok_or(StoreError::NotFound)?;
    let stored: i64 = row.try_get(0)?;
    let links: i64 = row.try_get(3)?;
    Ok((
        count(stored).saturating_add(count(links)),
        count(row.try_get(1)?),
        count(row.try_get(2)?),
    ))
}

/// The relay-wide quota of a chamber without its own.
fn default_quota(c: &mut impl GenericClient) -> StoreResult<Quota> {
    let mut quota = Quota::default();
    for row in c.query("SELECT name, value FROM relay_settings WHERE name LIKE 'quota_%'", &[])? {
        let name: String = row.try_get(0)?;
        let value = count(row.try_get(1)?);
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
fn quota_of(c: &mut impl GenericClient, chamber: &str) -> StoreResult<(Quota, bool)> {
    let default = default_quota(c)?;
    let row = c
        .query_opt(
            "SELECT quota_bytes, quota_batches, quota_blobs FROM chambers WHERE id = $1",
            &[&chamber],
        )?
        .ok_or(StoreError::NotFound)?;
    let bytes: Option<i64> = row.try_get(0)?;
    let batches: Option<i64> = row.try_get(1)?;
    let blobs: Option<i64> = row.try_get(2)?;
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
/// (One statement: it runs in every append, where round trips are the cost.)
pub(super) fn check_room(c: &mut impl GenericClient, chamber: &str) -> StoreResult<()> {
    let default = Quota::default();
    let row = c
        .query_opt(
            "SELECT c.stored_bytes
                  + coalesce((SELECT sum(octet_length(sealed)) FROM status_links WHERE chamber_id = $1), 0)
                  + coalesce((SELECT sum(octet_length(f.sealed)) FROM status_link_files f
                              JOIN status_links l ON l.id = f.link_id WHERE l.chamber_id = $1), 0),
                    c.batch_count, c.blob_count,
                    coalesce(c.quota_bytes, (SELECT value FROM relay_settings WHERE name = 'quota_bytes'), $2),
                    coalesce(c.quota_batches, (SELECT value FROM relay_settings WHERE name = 'quota_batches'), $3),
                    coalesce(c.quota_blobs, (SELECT value FROM relay_settings WHERE name = 'quota_blobs'), $4)
             FROM chambers c WHERE c.id = $1",
            &[
                &chamber,
                &big(default.bytes),
                &big(default.batches),
                &big(default.blobs),
            ],
        )?
        .ok_or(StoreError::NotFound)?;
    let bytes = count(row.try_get::<_, i64>(0)?);
    let (batches, blobs) = (count(row.try_get(1)?), count(row.try_get(2)?));
    let quota = Quota {
        bytes: count(row.try_get(3)?),
        batches: count(row.try_get(4)?),
        blobs: count(row.try_get(5)?),
    };
    quota.admits(bytes, batches, blobs)
}

/// Counts a stored batch or attachment in its chamber's usage.
pub(super) fn count_stored(
    c: &mut impl GenericClient,
    chamber: &str,
    bytes: usize,
    batches: u64,
    blobs: u64,
) -> StoreResult<()> {
    c.execute(
        "UPDATE chambers SET stored_bytes = stored_bytes + $2, batch_count = batch_count + $3,
             blob_count = blob_count + $4 WHERE id = $1",
        &[&chamber, &big(bytes as u64), &big(batches), &big(blobs)],
    )?;
    Ok(())
}

impl Operations for PgStorage {
    fn add_registration_token(&self, hash: &[u8; 32], note: &str, now: i64, expires_at: i64) -> StoreResult<()> {
        self.conn()?.execute(
            "INSERT INTO registration_tokens (token_hash, note, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            &[&&hash[..], &note, &now, &expires_at],
        )?;
        Ok(())
    }

    fn registration_tokens(&self) -> StoreResult<Vec<TokenInfo>> {
        let rows = self.conn()?.query(
            "SELECT token_hash, note, created_at, expires_at, used_by, used_at, revoked_at
             FROM registration_tokens ORDER BY created_at DESC, token_hash",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: token_id(&r.try_get::<_, Vec<u8>>(0)?),
                    note: r.try_get(1)?,
                    created_at: r.try_get(2)?,
                    expires_at: r.try_get(3)?,
                    used_by: r.try_get(4)?,
                    used_at: r.try_get(5)?,
                    revoked_at: r.try_get(6)?,
                })
            })
            .collect()
    }

    fn revoke_registration_token(&self, id: &str, now: i64) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut hashes = Vec::new();
        for row in conn.query("SELECT token_hash FROM registration_tokens WHERE used_by IS NULL", &[])? {
            let hash: Vec<u8> = row.try_get(0)?;
            if token_id(&hash) == id.to_ascii_lowercase() {
                hashes.push(hash);
            }
        }
        let [hash] = hashes.as_slice() else {
            return Err(StoreError::NotFound);
        };
        conn.execute(
            "UPDATE registration_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE token_hash = $1",
            &[hash, &now],
        )?;
        Ok(())
    }

    fn chambers(&self) -> StoreResult<Vec<ChamberUsage>> {
        let mut conn = self.conn()?;
        // One snapshot for the whole list, as SQLite's lock gives.
        let mut tx = conn
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let ids: Vec<(String, i64)> = tx
            .query("SELECT id, created_at FROM chambers ORDER BY id", &[])?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect::<StoreResult<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, created_at) in ids {
            let (bytes, batches, blobs) = usage(&mut tx, &id)?;
            let (quota, own_quota) = quota_of(&mut tx, &id)?;
            let row = tx.query_one(
                "SELECT (SELECT count(*) FROM devices WHERE chamber_id = $1 AND removed_at IS NULL),
                        (SELECT count(*) FROM status_links WHERE chamber_id = $1 AND revoked_at IS NULL)",
                &[&id],
            )?;
            let devices = u32::try_from(row.try_get::<_, i64>(0)?)
                .map_err(|_| StoreError::Internal("a device count out of range".into()))?;
            out.push(ChamberUsage {
                id,
                created_at,
                devices,
                bytes,
                batches,
                blobs,
                links: count(row.try_get(1)?),
                quota,
                own_quota,
            });
        }
        tx.commit()?;
        Ok(out)
    }

    fn delete_chamber(&self, chamber: &str) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // Locked first, so no instance adds to the chamber while it goes.
        if tx
            .query_opt("SELECT 1 FROM chambers WHERE id = $1 FOR UPDATE", &[&chamber])?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "DELETE FROM status_link_files WHERE link_id IN (SELECT id FROM status_links WHERE chamber_id = $1)",
            &[&chamber],
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
            tx.execute(&format!("DELETE FROM {table} WHERE chamber_id = $1"), &[&chamber])?;
        }
        if tx.execute("DELETE FROM chambers WHERE id = $1", &[&chamber])? == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit()?;
        Ok(())
    }

    fn default_quota(&self) -> StoreResult<Quota> {
        default_quota(&mut *self.conn()?)
    }

    fn set_default_quota(&self, quota: Quota) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        for (name, value) in [
            ("quota_bytes", quota.bytes),
            ("quota_batches", quota.batches),
            ("quota_blobs", quota.blobs),
        ] {
            tx.execute(
                "INSERT INTO relay_settings (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[&name, &big(value)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn set_quota(&self, chamber: &str, quota: Option<Quota>) -> StoreResult<()> {
        let n = self.conn()?.execute(
            "UPDATE chambers SET quota_bytes = $2, quota_batches = $3, quota_blobs = $4 WHERE id = $1",
            &[
                &chamber,
                &quota.map(|q| big(q.bytes)),
                &quota.map(|q| big(q.batches)),
                &quota.map(|q| big(q.blobs)),
            ],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
