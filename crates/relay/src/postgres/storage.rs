//! [`Storage`] on [`PgStorage`]: chambers, devices, invites, admissions, key
//! rotation, the batch log and attachments (those in `blobs.rs`), each method the PostgreSQL
//! rendering of its `SqliteStorage` twin. Writes that depend on what a
//! chamber holds lock the chamber's row first (`FOR NO KEY UPDATE`), which
//! serialises them per chamber across every instance, as SQLite's single
//! write lock does for one.

use ::postgres::types::Type;
use ::postgres::GenericClient;

use super::notify::{self, Announcement};

use super::{big, count, epoch_of, PgStorage};
use crate::operations::Quota;
use crate::storage::{BlobInfo, BlobSource, DeviceAccess, Stats, Storage, StorageEvent, StoreError, StoreResult};

impl Storage for PgStorage {
    fn create_chamber(&self, chamber: &str, device: &[u8; 32], token: Option<&[u8; 32]>, now: i64) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let exists = tx
            .query_opt("SELECT 1 FROM chambers WHERE id = $1", &[&chamber])?
            .is_some();
        if !exists {
            if let Some(hash) = token {
                redeem_registration_token(&mut tx, hash, chamber, now)?;
            }
            // Waits for another instance registering the same id at this
            // moment; if it did, this is a registration of an existing chamber.
            let added = tx.execute(
                "INSERT INTO chambers (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
                &[&chamber, &now],
            )?;
            if added == 1 {
                tx.execute(
                    "INSERT INTO devices (chamber_id, device, admin, added_at) VALUES ($1, $2, TRUE, $3)",
                    &[&chamber, &&device[..], &now],
                )?;
                tx.commit()?;
                return Ok(());
            }
            // Gives the registration token back: this call registered nothing.
            tx.rollback()?;
            return existing_chamber(&mut *conn, chamber, device);
        }
        existing_chamber(&mut tx, chamber, device)
    }

    fn device_access(&self, chamber: &str, device: &[u8; 32]) -> StoreResult<Option<DeviceAccess>> {
        let row = self.conn()?.query_opt(
            "SELECT admin, read_only, removed_at IS NOT NULL FROM devices WHERE chamber_id = $1 AND device = $2",
            &[&chamber, &&device[..]],
        )?;
        match row {
            None => Ok(None),
            Some(r) => Ok(Some(DeviceAccess {
                admin: r.try_get(0)?,
                read_only: r.try_get(1)?,
                removed: r.try_get(2)?,
            })),
        }
    }

    fn request_admission(&self, chamber: &str, device: &[u8; 32], request: &[u8], now: i64) -> StoreResult<()> {
        self.conn()?.execute(
            "INSERT INTO admissions (chamber_id, device, request, requested_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (chamber_id, device) DO UPDATE SET request = excluded.request,
                 requested_at = excluded.requested_at WHERE admissions.answer IS NULL",
            &[&chamber, &&device[..], &request, &now],
        )?;
        Ok(())
    }

    fn pending_admissions(&self, chamber: &str) -> StoreResult<Vec<([u8; 32], Vec<u8>)>> {
        let rows = self.conn()?.query(
            "SELECT device, request FROM admissions WHERE chamber_id = $1 AND answer IS NULL
             ORDER BY requested_at LIMIT 100",
            &[&chamber],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let device: Vec<u8> = row.try_get(0)?;
            if let Ok(device) = <[u8; 32]>::try_from(device.as_slice()) {
                out.push((device, row.try_get(1)?));
            }
        }
        Ok(out)
    }

    fn admit(&self, chamber: &str, device: &[u8; 32], answer: &[u8], read_only: bool, now: i64) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE admissions SET answer = $3, answered_at = $4 WHERE chamber_id = $1 AND device = $2",
            &[&chamber, &&device[..], &answer, &now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "UPDATE devices SET read_only = $3 WHERE chamber_id = $1 AND device = $2",
            &[&chamber, &&device[..], &read_only],
        )?;
        announce_access(&mut tx, &self.instance, chamber, device)?;
        tx.commit()?;
        Ok(())
    }

    fn admission(&self, chamber: &str, device: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        let row = self.conn()?.query_opt(
            "SELECT answer FROM admissions WHERE chamber_id = $1 AND device = $2",
            &[&chamber, &&device[..]],
        )?;
        match row {
            None => Ok(None),
            Some(r) => Ok(r.try_get(0)?),
        }
    }

    fn set_read_only(&self, chamber: &str, device: &[u8; 32], read_only: bool) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE devices SET read_only = $3 WHERE chamber_id = $1 AND device = $2",
            &[&chamber, &&device[..], &read_only],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        announce_access(&mut tx, &self.instance, chamber, device)?;
        tx.commit()?;
        Ok(())
    }

    fn rotate(
        &self,
        chamber: &str,
        removed: &[[u8; 32]],
        epoch: u32,
        grants: &[([u8; 32], Vec<u8>)],
        now: i64,
    ) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // Locked until the rotation commits: no batch is appended meanwhile,
        // and one appended after sees the new epoch.
        let current = match tx.query_opt(
            "SELECT epoch FROM chambers WHERE id = $1 FOR NO KEY UPDATE",
            &[&chamber],
        )? {
            Some(row) => epoch_of(row.try_get(0)?)?,
            None => return Err(StoreError::NotFound),
        };
        if u64::from(epoch) != u64::from(current) + 1 && epoch != current {
            return Err(StoreError::WrongEpoch(current));
        }
        for device in removed {
            tx.execute(
                "UPDATE devices SET removed_at = coalesce(removed_at, $3) WHERE chamber_id = $1 AND device = $2",
                &[&chamber, &&device[..], &now],
            )?;
        }
        for (device, sealed) in grants {
            tx.execute(
                "INSERT INTO key_grants (chamber_id, epoch, device, sealed) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (chamber_id, device, epoch) DO UPDATE SET sealed = excluded.sealed",
                &[&chamber, &i64::from(epoch), &&device[..], sealed],
            )?;
        }
        tx.execute(
            "UPDATE chambers SET epoch = $2 WHERE id = $1",
            &[&chamber, &i64::from(epoch)],
        )?;
        for device in removed {
            let event = StorageEvent::Removed {
                chamber: chamber.to_string(),
                device: *device,
            };
            notify::announce(&mut tx, &Announcement::new(&self.instance, event))?;
        }
        tx.commit()?;
        Ok(())
    }

    fn epoch(&self, chamber: &str) -> StoreResult<u32> {
        match self
            .conn()?
            .query_opt("SELECT epoch FROM chambers WHERE id = $1", &[&chamber])?
        {
            Some(row) => epoch_of(row.try_get(0)?),
            None => Err(StoreError::NotFound),
        }
    }

    fn sealed_keys(&self, chamber: &str, device: &[u8; 32], after: u32) -> StoreResult<Vec<(u32, Vec<u8>)>> {
        let rows = self.conn()?.query(
            "SELECT epoch, sealed FROM key_grants WHERE chamber_id = $1 AND device = $2 AND epoch > $3
             ORDER BY epoch",
            &[&chamber, &&device[..], &i64::from(after)],
        )?;
        rows.iter()
            .map(|r| Ok((epoch_of(r.try_get(0)?)?, r.try_get(1)?)))
            .collect()
    }

    fn add_invite(&self, chamber: &str, token_hash: &[u8; 32], by: &[u8; 32], expires_at: i64) -> StoreResult<()> {
        self.conn()?.execute(
            "INSERT INTO invites (token_hash, chamber_id, created_by, expires_at) VALUES ($1, $2, $3, $4)",
            &[&&token_hash[..], &chamber, &&by[..], &expires_at],
        )?;
        Ok(())
    }

    fn redeem_invite(&self, chamber: &str, token_hash: &[u8; 32], device: &[u8; 32], now: i64) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        // The chamber first, as deleting a chamber locks it: then the invite.
        tx.query_opt("SELECT 1 FROM chambers WHERE id = $1 FOR KEY SHARE", &[&chamber])?;
        let row = tx.query_opt(
            "SELECT chamber_id, expires_at, used_by FROM invites WHERE token_hash = $1 FOR UPDATE",
            &[&&token_hash[..]],
        )?;
        let Some(row) = row else {
            return Err(StoreError::BadToken("the invite token is not known here"));
        };
        let for_chamber: String = row.try_get(0)?;
        let expires_at: i64 = row.try_get(1)?;
        let used_by: Option<Vec<u8>> = row.try_get(2)?;
        if for_chamber != chamber {
            return Err(StoreError::BadToken("the invite token is not for this chamber"));
        }
        if used_by.is_some() {
            return Err(StoreError::BadToken("the invite token has already been used"));
        }
        if expires_at < now {
            return Err(StoreError::BadToken("the invite token has expired"));
        }
        tx.execute(
            "UPDATE invites SET used_by = $1, used_at = $2 WHERE token_hash = $3",
            &[&&device[..], &now, &&token_hash[..]],
        )?;
        tx.execute(
            "INSERT INTO devices (chamber_id, device, admin, added_at) VALUES ($1, $2, FALSE, $3)
             ON CONFLICT (chamber_id, device) DO NOTHING",
            &[&chamber, &&device[..], &now],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn append_batch(
        &self,
        chamber: &str,
        batch_id: &[u8; 16],
        device: &[u8; 32],
        envelope: &[u8],
        epoch: u32,
        now: i64,
    ) -> StoreResult<(u64, bool)> {
        // One statement (`relay_append`, migration 0003): round trips and
        // planning, not the work, were what an append cost here.
        let default = Quota::default();
        let row = self.conn()?.query_typed(
            "SELECT outcome, out_seq, out_epoch, out_bytes, out_batches, out_blobs,
                    quota_bytes, quota_batches, quota_blobs
             FROM relay_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[
                (&chamber, Type::TEXT),
                (&&batch_id[..], Type::BYTEA),
                (&&device[..], Type::BYTEA),
                (&envelope, Type::BYTEA),
                (&i64::from(epoch), Type::INT8),
                (&now, Type::INT8),
                (&notify::CHANNEL, Type::TEXT),
                (&self.instance.as_str(), Type::TEXT),
                (&big(default.bytes), Type::INT8),
                (&big(default.batches), Type::INT8),
                (&big(default.blobs), Type::INT8),
            ],
        )?;
        let row = row
            .first()
            .ok_or_else(|| StoreError::Internal("appending a batch answered nothing".into()))?;
        let outcome: &str = row.try_get(0)?;
        let number = |i: usize| -> StoreResult<u64> {
            row.try_get::<_, Option<i64>>(i)?
                .map(count)
                .ok_or_else(|| StoreError::Internal(format!("appending a batch answered {outcome} without a figure")))
        };
        match outcome {
            "stored" => Ok((number(1)?, false)),
            "duplicate" => Ok((number(1)?, true)),
            "missing" => Err(StoreError::NotFound),
            "old_key" => Err(StoreError::OldKey {
                current: epoch_of(row.try_get::<_, Option<i64>>(2)?.unwrap_or_default())?,
                sealed: epoch,
            }),
            "over" => {
                let quota = Quota {
                    bytes: number(6)?,
                    batches: number(7)?,
                    blobs: number(8)?,
                };
                quota.admits(number(3)?, number(4)?, number(5)?)?;
                Err(StoreError::Internal(
                    "a batch over its chamber's quota was refused without a reason".into(),
                ))
            }
            other => Err(StoreError::Internal(format!("appending a batch answered {other:?}"))),
        }
    }

    fn batches_after(
        &self,
        chamber: &str,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreResult<Vec<(u64, Vec<u8>)>> {
        // The first `limit` batches, then those whose running total of bytes
        // stays within `max_bytes` (the first always): what SQLite's loop
        // keeps, without sending the rest over the wire.
        let rows = self.conn()?.query(
            "SELECT seq, envelope FROM (
                 SELECT seq, envelope,
                        row_number() OVER (ORDER BY seq) AS n,
                        sum(octet_length(envelope)) OVER (ORDER BY seq) AS upto
                 FROM (SELECT seq, envelope FROM batches WHERE chamber_id = $1 AND seq > $2
                       ORDER BY seq LIMIT $3) first_page
             ) page
             WHERE n = 1 OR upto <= $4
             ORDER BY seq",
            &[
                &chamber,
                &big(after),
                &i64::from(limit),
                &big(u64::try_from(max_bytes).unwrap_or(u64::MAX)),
            ],
        )?;
        rows.iter().map(|r| Ok((count(r.try_get(0)?), r.try_get(1)?))).collect()
    }

    fn latest_seq(&self, chamber: &str) -> StoreResult<u64> {
        let seq: i64 = self
            .conn()?
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM batches WHERE chamber_id = $1",
                &[&chamber],
            )?
            .try_get(0)?;
        Ok(count(seq))
    }

    fn device_count(&self, chamber: &str) -> StoreResult<u32> {
        let n: i64 = self
            .conn()?
            .query_one(
                "SELECT count(*) FROM devices WHERE chamber_id = $1 AND removed_at IS NULL",
                &[&chamber],
            )?
            .try_get(0)?;
        u32::try_from(n).map_err(|_| StoreError::Internal("a device count out of range".into()))
    }

    fn put_blob(&self, chamber: &str, id: &[u8; 32], bytes: &[u8]) -> StoreResult<()> {
        self.store_blob(chamber, id, bytes)
    }

    fn put_blob_parts(&self, chamber: &str, id: &[u8; 32], size: u64, source: BlobSource<'_>) -> StoreResult<()> {
        self.store_blob_from(chamber, id, size, source)
    }

    fn get_blob(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        self.stored_blob(chamber, id)
    }

    fn blob_info(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<BlobInfo>> {
        self.stored_blob_info(chamber, id)
    }

    fn blob_part(&self, chamber: &str, id: &[u8; 32], part: u32) -> StoreResult<Option<Vec<u8>>> {
        self.stored_blob_part(chamber, id, part)
    }

    fn has_blob(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<bool> {
        Ok(self
            .conn()?
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM blobs WHERE chamber_id = $1 AND id = $2)",
                &[&chamber, &&id[..]],
            )?
            .try_get(0)?)
    }

    fn stats(&self) -> StoreResult<Stats> {
        let row = self.conn()?.query_one(
            "SELECT (SELECT count(*) FROM chambers), (SELECT count(*) FROM devices),
                    (SELECT count(*) FROM batches), (SELECT count(*) FROM blobs)",
            &[],
        )?;
        Ok(Stats {
            chambers: count(row.try_get(0)?),
            devices: count(row.try_get(1)?),
            batches: count(row.try_get(2)?),
            blobs: count(row.try_get(3)?),
        })
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn()?.query_one("SELECT 1", &[])?;
        Ok(())
    }

    fn watch(&self, on_event: Box<dyn Fn(crate::storage::StorageEvent) + Send + Sync>) {
        notify::listen(
            self.config.clone(),
            self.instance.clone(),
            self.stopped.clone(),
            on_event,
        );
    }
}

/// Tells the other instances, when `c`'s transaction commits, that what
/// `device` may do changed (their cached sessions of it are read again).
fn announce_access(c: &mut impl GenericClient, instance: &str, chamber: &str, device: &[u8; 32]) -> StoreResult<()> {
    let event = StorageEvent::Access {
        chamber: chamber.to_string(),
        device: *device,
    };
    notify::announce(c, &Announcement::new(instance, event))
}

/// Registering a chamber that exists: fine again from its admin device (a
/// retry), [`StoreError::ChamberExists`] from any other.
fn existing_chamber(c: &mut impl GenericClient, chamber: &str, device: &[u8; 32]) -> StoreResult<()> {
    let admin: Option<bool> = match c.query_opt(
        "SELECT admin FROM devices WHERE chamber_id = $1 AND device = $2",
        &[&chamber, &&device[..]],
    )? {
        Some(row) => Some(row.try_get(0)?),
        None => None,
    };
    if admin == Some(true) {
        Ok(())
    } else {
        Err(StoreError::ChamberExists)
    }
}

/// Uses a registration token once, for `chamber`, in the registering
/// transaction (its row locked, so two registrations cannot both use it).
fn redeem_registration_token(c: &mut impl GenericClient, hash: &[u8; 32], chamber: &str, now: i64) -> StoreResult<()> {
    let row = c.query_opt(
        "SELECT expires_at, used_by, revoked_at FROM registration_tokens WHERE token_hash = $1 FOR UPDATE",
        &[&&hash[..]],
    )?;
    let Some(row) = row else {
        return Err(StoreError::BadToken(
            "the relay does not know that registration token; ask its operator for one",
        ));
    };
    let expires: i64 = row.try_get(0)?;
    let used_by: Option<String> = row.try_get(1)?;
    let revoked_at: Option<i64> = row.try_get(2)?;
    if used_by.is_some() {
        return Err(StoreError::BadToken(
            "that registration token has already been used; ask the relay's operator for a new one",
        ));
    }
    if revoked_at.is_some() {
        return Err(StoreError::BadToken(
            "that registration token was revoked by the relay's operator",
        ));
    }
    if expires <= now {
        return Err(StoreError::BadToken(
            "that registration token has expired; ask the relay's operator for a new one",
        ));
    }
    c.execute(
        "UPDATE registration_tokens SET used_by = $2, used_at = $3 WHERE token_hash = $1",
        &[&&hash[..], &chamber, &now],
    )?;
    Ok(())
}
