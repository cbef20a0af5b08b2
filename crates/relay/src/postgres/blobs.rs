//! Attachments on [`PgStorage`], the PostgreSQL twin of `sqlite_blobs.rs`:
//! each stored as parts of at most [`BLOB_PART_BYTES`] in `blob_parts`
//! (schema version 2), its `blobs` row keeping its size and number of parts,
//! written in one transaction that locks the chamber's row first and checks
//! its quota before the commit. An upload is spooled first (`crate::spool`),
//! so no pooled connection waits on a slow one. Attachments stored whole by
//! an older relay (`parts` NULL) are read as one part.

use ::postgres::GenericClient;

use super::operations::{check_room, count_stored, lock_chamber};
use super::{big, count, PgStorage};
use crate::spool::{drain, parts_of, spool};
use crate::storage::{BlobInfo, BlobSource, StoreError, StoreResult, BLOB_PART_BYTES};

impl PgStorage {
    pub(super) fn store_blob(&self, chamber: &str, id: &[u8; 32], bytes: &[u8]) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        insert_parts(&mut tx, chamber, id, bytes.len() as u64, parts_of(bytes))?;
        tx.commit()?;
        Ok(())
    }

    pub(super) fn store_blob_from(
        &self,
        chamber: &str,
        id: &[u8; 32],
        size: u64,
        source: BlobSource<'_>,
    ) -> StoreResult<()> {
        if blob_stored(&mut *self.conn()?, chamber, id)? {
            drain(source);
            return Ok(());
        }
        // Without a connection: the pool serves others while this arrives.
        let mut spooled = spool(&self.spool, size, source)?;
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        insert_parts(&mut tx, chamber, id, size, spooled.parts())?;
        tx.commit()?;
        Ok(())
    }

    pub(super) fn stored_blob(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        let mut conn = self.conn()?;
        let Some((size, parts)) = blob_row(&mut *conn, chamber, id)? else {
            return Ok(None);
        };
        let Some(parts) = parts else {
            return whole_row(&mut *conn, chamber, id);
        };
        let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        for part in 0..parts {
            match part_row(&mut *conn, chamber, id, part)? {
                Some(bytes) => out.extend_from_slice(&bytes),
                None => return Err(StoreError::Internal("an attachment is missing a part".into())),
            }
        }
        Ok(Some(out))
    }

    pub(super) fn stored_blob_info(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<BlobInfo>> {
        Ok(
            blob_row(&mut *self.conn()?, chamber, id)?.map(|(size, parts)| BlobInfo {
                size,
                parts: parts.unwrap_or(1),
            }),
        )
    }

    pub(super) fn stored_blob_part(&self, chamber: &str, id: &[u8; 32], part: u32) -> StoreResult<Option<Vec<u8>>> {
        let mut conn = self.conn()?;
        match part_row(&mut *conn, chamber, id, part)? {
            Some(bytes) => Ok(Some(bytes)),
            // Stored whole by an older relay: its only part is the row's bytes.
            None if part == 0 => whole_row(&mut *conn, chamber, id),
            None => Ok(None),
        }
    }
}

fn blob_stored(c: &mut impl GenericClient, chamber: &str, id: &[u8; 32]) -> StoreResult<bool> {
    Ok(c.query_one(
        "SELECT EXISTS (SELECT 1 FROM blobs WHERE chamber_id = $1 AND id = $2)",
        &[&chamber, &&id[..]],
    )?
    .try_get(0)?)
}

/// The attachment's size and number of parts (`None`: stored whole).
fn blob_row(c: &mut impl GenericClient, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<(u64, Option<u32>)>> {
    let Some(row) = c.query_opt(
        "SELECT size, parts FROM blobs WHERE chamber_id = $1 AND id = $2",
        &[&chamber, &&id[..]],
    )?
    else {
        return Ok(None);
    };
    let parts: Option<i32> = row.try_get(1)?;
    Ok(Some((count(row.try_get(0)?), parts.map(|n| n.max(0) as u32))))
}

fn part_row(c: &mut impl GenericClient, chamber: &str, id: &[u8; 32], part: u32) -> StoreResult<Option<Vec<u8>>> {
    let Ok(part) = i32::try_from(part) else {
        return Ok(None);
    };
    match c.query_opt(
        "SELECT bytes FROM blob_parts WHERE chamber_id = $1 AND id = $2 AND part = $3",
        &[&chamber, &&id[..], &part],
    )? {
        Some(row) => Ok(Some(row.try_get(0)?)),
        None => Ok(None),
    }
}

/// The bytes of an attachment stored whole, in its `blobs` row.
fn whole_row(c: &mut impl GenericClient, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
    match c.query_opt(
        "SELECT bytes FROM blobs WHERE chamber_id = $1 AND id = $2 AND parts IS NULL",
        &[&chamber, &&id[..]],
    )? {
        Some(row) => Ok(Some(row.try_get(0)?)),
        None => Ok(None),
    }
}

/// Stores an attachment's parts and its row in the caller's transaction,
/// counted in the chamber's usage and refused over its quota; nothing when
/// the chamber already has it. The chamber's row is locked first, so an
/// instance storing the same attachment at once waits, then finds it stored.
fn insert_parts(
    tx: &mut impl GenericClient,
    chamber: &str,
    id: &[u8; 32],
    size: u64,
    parts: impl Iterator<Item = StoreResult<Vec<u8>>>,
) -> StoreResult<()> {
    lock_chamber(tx, chamber)?;
    if blob_stored(tx, chamber, id)? {
        return Ok(());
    }
    let insert = tx.prepare("INSERT INTO blob_parts (chamber_id, id, part, bytes) VALUES ($1, $2, $3, $4)")?;
    let mut stored = 0i32;
    for part in parts {
        let part = part?;
        debug_assert!(part.len() <= BLOB_PART_BYTES);
        tx.execute(&insert, &[&chamber, &&id[..], &stored, &part])?;
        stored += 1;
    }
    tx.execute(
        "INSERT INTO blobs (chamber_id, id, size, bytes, parts) VALUES ($1, $2, $3, ''::bytea, $4)",
        &[&chamber, &&id[..], &big(size), &stored],
    )?;
    count_stored(tx, chamber, usize::try_from(size).unwrap_or(isize::MAX as usize), 0, 1)?;
    check_room(tx, chamber)?;
    Ok(())
}
