//! [`LinkStorage`] on [`PgStorage`]: status links' sealed snapshots and
//! documents, with the same ownership and revocation rules as the SQLite
//! implementation in `link_storage.rs`. Writes lock the chamber's row (its
//! quota is checked before commit) and then the link's.

use ::postgres::GenericClient;
use nextdate_protocol::frame::LinkInfo;

use super::operations::{check_room, lock_chamber};
use super::{count, PgStorage};
use crate::link_storage::{LinkStorage, Served};
use crate::storage::{StoreError, StoreResult};

/// A link's owner, expiry, revocation and whether it has a snapshot; `None` when unknown.
type LinkHead = Option<(String, Option<i64>, Option<i64>, bool)>;

/// The link's head; `lock` also locks its row until the transaction ends.
fn head(c: &mut impl GenericClient, id: &[u8; 16], lock: bool) -> StoreResult<LinkHead> {
    let sql = if lock {
        "SELECT chamber_id, expires_at, revoked_at, sealed IS NOT NULL FROM status_links WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT chamber_id, expires_at, revoked_at, sealed IS NOT NULL FROM status_links WHERE id = $1"
    };
    match c.query_opt(sql, &[&&id[..]])? {
        None => Ok(None),
        Some(r) => Ok(Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?))),
    }
}

/// The state of a link for a browser: `None` when it may be served.
fn refusal(head: &LinkHead, now: i64) -> Option<Served> {
    match head {
        None | Some((_, _, None, false)) => Some(Served::Unknown),
        Some((_, _, Some(_), _)) => Some(Served::Revoked),
        Some((_, Some(expires), None, _)) if *expires <= now => Some(Served::Expired),
        _ => None,
    }
}

/// Whether `chamber` already has link `id` (and may change it: one it made,
/// not revoked); `false` when there is no such link yet.
fn owned(head: &LinkHead, chamber: &str) -> StoreResult<bool> {
    match head {
        None => Ok(false),
        Some((owner, ..)) if owner != chamber => Err(StoreError::NotFound),
        Some((_, _, Some(_), _)) => Err(StoreError::Gone),
        Some(_) => Ok(true),
    }
}

impl LinkStorage for PgStorage {
    fn put_link(
        &self,
        chamber: &str,
        id: &[u8; 16],
        sealed: &[u8],
        expires_at: Option<i64>,
        keep: &[[u8; 16]],
        now: i64,
    ) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        lock_chamber(&mut tx, chamber)?;
        if owned(&head(&mut tx, id, true)?, chamber)? {
            tx.execute(
                "UPDATE status_links SET sealed = $2, expires_at = $3, updated_at = $4 WHERE id = $1",
                &[&&id[..], &sealed, &expires_at, &now],
            )?;
        } else {
            tx.execute(
                "INSERT INTO status_links (id, chamber_id, sealed, expires_at, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $5)",
                &[&&id[..], &chamber, &sealed, &expires_at, &now],
            )?;
        }
        let held: Vec<Vec<u8>> = tx
            .query("SELECT file_id FROM status_link_files WHERE link_id = $1", &[&&id[..]])?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        for file in held {
            if !keep.iter().any(|k| k[..] == file[..]) {
                tx.execute(
                    "DELETE FROM status_link_files WHERE link_id = $1 AND file_id = $2",
                    &[&&id[..], &file],
                )?;
            }
        }
        check_room(&mut tx, chamber)?;
        tx.commit()?;
        Ok(())
    }

    fn put_link_file(
        &self,
        chamber: &str,
        link: &[u8; 16],
        file: &[u8; 16],
        sealed: &[u8],
        now: i64,
    ) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        lock_chamber(&mut tx, chamber)?;
        if !owned(&head(&mut tx, link, true)?, chamber)? {
            tx.execute(
                "INSERT INTO status_links (id, chamber_id, created_at, updated_at) VALUES ($1, $2, $3, $3)",
                &[&&link[..], &chamber, &now],
            )?;
        }
        tx.execute(
            "INSERT INTO status_link_files (link_id, file_id, sealed) VALUES ($1, $2, $3)
             ON CONFLICT (link_id, file_id) DO UPDATE SET sealed = excluded.sealed",
            &[&&link[..], &&file[..], &sealed],
        )?;
        check_room(&mut tx, chamber)?;
        tx.commit()?;
        Ok(())
    }

    fn link_files_present(&self, chamber: &str, link: &[u8; 16], files: &[[u8; 16]]) -> StoreResult<Vec<bool>> {
        let mut conn = self.conn()?;
        if !owned(&head(&mut *conn, link, false)?, chamber)? {
            return Ok(vec![false; files.len()]);
        }
        let held: Vec<Vec<u8>> = conn
            .query(
                "SELECT file_id FROM status_link_files WHERE link_id = $1",
                &[&&link[..]],
            )?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        Ok(files.iter().map(|f| held.iter().any(|h| h[..] == f[..])).collect())
    }

    fn revoke_link(&self, chamber: &str, id: &[u8; 16], now: i64) -> StoreResult<()> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        match head(&mut tx, id, true)? {
            None => return Err(StoreError::NotFound),
            Some((owner, ..)) if owner != chamber => return Err(StoreError::NotFound),
            Some((_, _, Some(_), _)) => return Ok(()),
            Some(_) => {}
        }
        tx.execute(
            "UPDATE status_links SET sealed = NULL, revoked_at = $2, updated_at = $2 WHERE id = $1",
            &[&&id[..], &now],
        )?;
        tx.execute("DELETE FROM status_link_files WHERE link_id = $1", &[&&id[..]])?;
        tx.commit()?;
        Ok(())
    }

    fn chamber_links(&self, chamber: &str) -> StoreResult<Vec<LinkInfo>> {
        let rows = self.conn()?.query(
            "SELECT id, created_at, updated_at, expires_at, revoked_at, fetches FROM status_links
             WHERE chamber_id = $1 ORDER BY created_at DESC, id",
            &[&chamber],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: Vec<u8> = r.try_get(0)?;
            let Ok(id) = <[u8; 16]>::try_from(id) else { continue };
            out.push(LinkInfo {
                id,
                created_at: r.try_get(1)?,
                updated_at: r.try_get(2)?,
                expires_at: r.try_get(3)?,
                revoked_at: r.try_get(4)?,
                fetches: count(r.try_get(5)?),
            });
        }
        Ok(out)
    }

    fn serve_link(&self, id: &[u8; 16], now: i64) -> StoreResult<Served> {
        let mut conn = self.conn()?;
        if let Some(no) = refusal(&head(&mut *conn, id, false)?, now) {
            return Ok(no);
        }
        let row = conn.query_opt(
            "UPDATE status_links SET fetches = fetches + 1 WHERE id = $1 RETURNING sealed",
            &[&&id[..]],
        )?;
        let sealed: Option<Vec<u8>> = match row {
            Some(r) => r.try_get(0)?,
            None => None,
        };
        Ok(sealed.map(Served::Sealed).unwrap_or(Served::Unknown))
    }

    fn serve_link_file(&self, id: &[u8; 16], file: &[u8; 16], now: i64) -> StoreResult<Served> {
        let mut conn = self.conn()?;
        if let Some(no) = refusal(&head(&mut *conn, id, false)?, now) {
            return Ok(no);
        }
        let row = conn.query_opt(
            "SELECT sealed FROM status_link_files WHERE link_id = $1 AND file_id = $2",
            &[&&id[..], &&file[..]],
        )?;
        match row {
            Some(r) => Ok(Served::Sealed(r.try_get(0)?)),
            None => Ok(Served::Unknown),
        }
    }
}
