//! Attachments on [`SqliteStorage`]: each stored as parts of at most
//! [`BLOB_PART_BYTES`] in `blob_parts` (schema version 6), its `blobs` row
//! keeping its size and number of parts, written in one transaction with the
//! chamber's quota checked before the commit. An upload is spooled first
//! (`crate::spool`), so the one connection is held only while it is written.
//! Attachments stored whole by an older relay (`parts` NULL) are read as one part.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::spool::{drain, parts_of, spool};
use crate::sqlite_operations::{check_room, count_stored};
use crate::storage::{BlobInfo, BlobSource, StoreResult, BLOB_PART_BYTES};
use crate::SqliteStorage;

impl SqliteStorage {
    pub(crate) fn store_blob(&self, chamber: &str, id: &[u8; 32], bytes: &[u8]) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_parts(&tx, chamber, id, bytes.len() as u64, parts_of(bytes))?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn store_blob_from(
        &self,
        chamber: &str,
        id: &[u8; 32],
        size: u64,
        source: BlobSource<'_>,
    ) -> StoreResult<()> {
        if blob_stored(&self.conn(), chamber, id)? {
            drain(source);
            return Ok(());
        }
        // Without the connection: other requests go on while this arrives.
        let mut spooled = spool(&self.spool, size, source)?;
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        insert_parts(&tx, chamber, id, size, spooled.parts())?;
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn stored_blob(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        let conn = self.conn();
        let Some((size, parts)) = blob_row(&conn, chamber, id)? else {
            return Ok(None);
        };
        if parts.is_none() {
            return whole_row(&conn, chamber, id);
        }
        let mut out = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut stmt =
            conn.prepare_cached("SELECT bytes FROM blob_parts WHERE chamber_id = ?1 AND id = ?2 ORDER BY part")?;
        let mut rows = stmt.query(params![chamber, &id[..]])?;
        while let Some(row) = rows.next()? {
            out.extend_from_slice(row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?);
        }
        Ok(Some(out))
    }

    pub(crate) fn stored_blob_info(&self, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<BlobInfo>> {
        Ok(blob_row(&self.conn(), chamber, id)?.map(|(size, parts)| BlobInfo {
            size: size.max(0) as u64,
            parts: parts.map_or(1, |n| n.clamp(0, i64::from(u32::MAX)) as u32),
        }))
    }

    pub(crate) fn stored_blob_part(&self, chamber: &str, id: &[u8; 32], part: u32) -> StoreResult<Option<Vec<u8>>> {
        let conn = self.conn();
        let bytes = conn
            .prepare_cached("SELECT bytes FROM blob_parts WHERE chamber_id = ?1 AND id = ?2 AND part = ?3")?
            .query_row(params![chamber, &id[..], part], |r| r.get(0))
            .optional()?;
        match bytes {
            Some(bytes) => Ok(Some(bytes)),
            // Stored whole by an older relay: its only part is the row's bytes.
            None if part == 0 => whole_row(&conn, chamber, id),
            None => Ok(None),
        }
    }
}

fn blob_stored(conn: &Connection, chamber: &str, id: &[u8; 32]) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("SELECT count(*) > 0 FROM blobs WHERE chamber_id = ?1 AND id = ?2")?
        .query_row(params![chamber, &id[..]], |r| r.get(0))?)
}

/// The attachment's size and number of parts (`None`: stored whole).
fn blob_row(conn: &Connection, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<(i64, Option<i64>)>> {
    Ok(conn
        .prepare_cached("SELECT size, parts FROM blobs WHERE chamber_id = ?1 AND id = ?2")?
        .query_row(params![chamber, &id[..]], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The bytes of an attachment stored whole, in its `blobs` row.
fn whole_row(conn: &Connection, chamber: &str, id: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT bytes FROM blobs WHERE chamber_id = ?1 AND id = ?2 AND parts IS NULL")?
        .query_row(params![chamber, &id[..]], |r| r.get(0))
        .optional()?)
}

/// Stores an attachment's parts and its row in the caller's transaction,
/// counted in the chamber's usage and refused over its quota; nothing when
/// the chamber already has it. An `Err` part stops it (the caller's
/// transaction then rolls back).
fn insert_parts(
    tx: &Connection,
    chamber: &str,
    id: &[u8; 32],
    size: u64,
    parts: impl Iterator<Item = StoreResult<Vec<u8>>>,
) -> StoreResult<()> {
    if blob_stored(tx, chamber, id)? {
        return Ok(());
    }
    let mut insert =
        tx.prepare_cached("INSERT INTO blob_parts (chamber_id, id, part, bytes) VALUES (?1, ?2, ?3, ?4)")?;
    let mut count = 0u32;
    for part in parts {
        let part = part?;
        debug_assert!(part.len() <= BLOB_PART_BYTES);
        insert.execute(params![chamber, &id[..], count, part])?;
        count += 1;
    }
    tx.prepare_cached("INSERT INTO blobs (chamber_id, id, size, bytes, parts) VALUES (?1, ?2, ?3, x'', ?4)")?
        .execute(params![chamber, &id[..], size as i64, count])?;
    count_stored(tx, chamber, usize::try_from(size).unwrap_or(isize::MAX as usize), 0, 1)?;
    check_room(tx, chamber)?;
    Ok(())
}
