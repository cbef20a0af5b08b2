//! Where the relay keeps status links: each link's sealed snapshot and
//! sealed documents under the link's random id, with the chamber that put
//! them, their expiry, revocation and a count of fetches. The relay cannot
//! open any of it. [`LinkStorage`] is part of the storage seam; the SQLite
//! implementation is here.

use nextdate_protocol::frame::LinkInfo;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use crate::storage::{SqliteStorage, StoreError, StoreResult};

/// What a browser asking for a link (or one of its documents) gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Served {
    /// The sealed bytes.
    Sealed(Vec<u8>),
    Revoked,
    Expired,
    /// No such link (or document), or not put yet.
    Unknown,
}

/// Status links in the relay's storage.
pub trait LinkStorage {
    /// Stores or replaces link `id`'s sealed snapshot for `chamber`, served
    /// until `expires_at`, and drops its documents not in `keep`. A link of
    /// another chamber is `NotFound`; a revoked one is `Gone`.
    fn put_link(
        &self,
        chamber: &str,
        id: &[u8; 16],
        sealed: &[u8],
        expires_at: Option<i64>,
        keep: &[[u8; 16]],
        now: i64,
    ) -> StoreResult<()>;
    /// Stores one sealed document of a link (making the link, not yet
    /// served, if its snapshot has not been put yet).
    fn put_link_file(
        &self,
        chamber: &str,
        link: &[u8; 16],
        file: &[u8; 16],
        sealed: &[u8],
        now: i64,
    ) -> StoreResult<()>;
    /// Which of `files` the relay holds for the chamber's link.
    fn link_files_present(&self, chamber: &str, link: &[u8; 16], files: &[[u8; 16]]) -> StoreResult<Vec<bool>>;
    /// Revokes a link of the chamber: its sealed bytes go; asking again is not an error.
    fn revoke_link(&self, chamber: &str, id: &[u8; 16], now: i64) -> StoreResult<()>;
    /// The chamber's links, newest first.
    fn chamber_links(&self, chamber: &str) -> StoreResult<Vec<LinkInfo>>;
    /// A link's sealed snapshot for a browser, counting the fetch.
    fn serve_link(&self, id: &[u8; 16], now: i64) -> StoreResult<Served>;
    /// One of a link's sealed documents for a browser.
    fn serve_link_file(&self, id: &[u8; 16], file: &[u8; 16], now: i64) -> StoreResult<Served>;
}

/// A link's owner and state, or `None`.
type LinkHead = Option<(String, Option<i64>, Option<i64>, bool)>;

fn head(tx: &rusqlite::Connection, id: &[u8; 16]) -> StoreResult<LinkHead> {
    Ok(tx
        .prepare_cached(
            "SELECT chamber_id, expires_at, revoked_at, sealed IS NOT NULL FROM status_links WHERE id = ?1",
        )?
        .query_row([&id[..]], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?)
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

/// Checks that `chamber` may change link `id` (one it made, not revoked).
fn owned(head: &LinkHead, chamber: &str) -> StoreResult<bool> {
    match head {
        None => Ok(false),
        Some((owner, ..)) if owner != chamber => Err(StoreError::NotFound),
        Some((_, _, Some(_), _)) => Err(StoreError::Gone),
        Some(_) => Ok(true),
    }
}

impl LinkStorage for SqliteStorage {
    fn put_link(
        &self,
        chamber: &str,
        id: &[u8; 16],
        sealed: &[u8],
        expires_at: Option<i64>,
        keep: &[[u8; 16]],
        now: i64,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if owned(&head(&tx, id)?, chamber)? {
            tx.execute(
                "UPDATE status_links SET sealed = ?2, expires_at = ?3, updated_at = ?4 WHERE id = ?1",
                params![&id[..], sealed, expires_at, now],
            )?;
        } else {
            tx.execute(
                "INSERT INTO status_links (id, chamber_id, sealed, expires_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                params![&id[..], chamber, sealed, expires_at, now],
            )?;
        }
        let held: Vec<Vec<u8>> = tx
            .prepare_cached("SELECT file_id FROM status_link_files WHERE link_id = ?1")?
            .query_map([&id[..]], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for file in held {
            if !keep.iter().any(|k| k[..] == file[..]) {
                tx.execute(
                    "DELETE FROM status_link_files WHERE link_id = ?1 AND file_id = ?2",
                    params![&id[..], file],
                )?;
            }
        }
        crate::sqlite_operations::check_room(&tx, chamber)?;
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
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !owned(&head(&tx, link)?, chamber)? {
            tx.execute(
                "INSERT INTO status_links (id, chamber_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                params![&link[..], chamber, now],
            )?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO status_link_files (link_id, file_id, sealed) VALUES (?1, ?2, ?3)",
            params![&link[..], &file[..], sealed],
        )?;
        crate::sqlite_operations::check_room(&tx, chamber)?;
        tx.commit()?;
        Ok(())
    }

    fn link_files_present(&self, chamber: &str, link: &[u8; 16], files: &[[u8; 16]]) -> StoreResult<Vec<bool>> {
        let conn = self.conn();
        if !owned(&head(&conn, link)?, chamber)? {
            return Ok(vec![false; files.len()]);
        }
        let mut stmt =
            conn.prepare_cached("SELECT count(*) > 0 FROM status_link_files WHERE link_id = ?1 AND file_id = ?2")?;
        files
            .iter()
            .map(|f| Ok(stmt.query_row(params![&link[..], &f[..]], |r| r.get(0))?))
            .collect()
    }

    fn revoke_link(&self, chamber: &str, id: &[u8; 16], now: i64) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match head(&tx, id)? {
            None => return Err(StoreError::NotFound),
            Some((owner, ..)) if owner != chamber => return Err(StoreError::NotFound),
            Some((_, _, Some(_), _)) => return Ok(()),
            Some(_) => {}
        }
        tx.execute(
            "UPDATE status_links SET sealed = NULL, revoked_at = ?2, updated_at = ?2 WHERE id = ?1",
            params![&id[..], now],
        )?;
        tx.execute("DELETE FROM status_link_files WHERE link_id = ?1", [&id[..]])?;
        tx.commit()?;
        Ok(())
    }

    fn chamber_links(&self, chamber: &str) -> StoreResult<Vec<LinkInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT id, created_at, updated_at, expires_at, revoked_at, fetches FROM status_links
             WHERE chamber_id = ?1 ORDER BY created_at DESC, id",
        )?;
        let rows = stmt.query_map([chamber], |r| {
            let id: Vec<u8> = r.get(0)?;
            Ok((id, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, i64>(5)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, created_at, updated_at, expires_at, revoked_at, fetches) = row?;
            let Ok(id) = <[u8; 16]>::try_from(id) else { continue };
            out.push(LinkInfo {
                id,
                created_at,
                updated_at,
                expires_at,
                revoked_at,
                fetches: fetches.max(0) as u64,
            });
        }
        Ok(out)
    }

    fn serve_link(&self, id: &[u8; 16], now: i64) -> StoreResult<Served> {
        let conn = self.conn();
        if let Some(no) = refusal(&head(&conn, id)?, now) {
            return Ok(no);
        }
        conn.prepare_cached("UPDATE status_links SET fetches = fetches + 1 WHERE id = ?1")?
            .execute([&id[..]])?;
        let sealed: Option<Vec<u8>> = conn
            .prepare_cached("SELECT sealed FROM status_links WHERE id = ?1")?
            .query_row([&id[..]], |r| r.get(0))?;
        Ok(sealed.map(Served::Sealed).unwrap_or(Served::Unknown))
    }

    fn serve_link_file(&self, id: &[u8; 16], file: &[u8; 16], now: i64) -> StoreResult<Served> {
        let conn = self.conn();
        if let Some(no) = refusal(&head(&conn, id)?, now) {
            return Ok(no);
        }
        let sealed: Option<Vec<u8>> = conn
            .prepare_cached("SELECT sealed FROM status_link_files WHERE link_id = ?1 AND file_id = ?2")?
            .query_row(params![&id[..], &file[..]], |r| r.get(0))
            .optional()?;
        Ok(sealed.map(Served::Sealed).unwrap_or(Served::Unknown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Storage;

    fn store() -> (tempfile::TempDir, SqliteStorage) {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path()).unwrap();
        s.create_chamber("ch-a", &[1; 32], None, 0).unwrap();
        s.create_chamber("ch-b", &[2; 32], None, 0).unwrap();
        (dir, s)
    }

    #[test]
    fn a_link_is_served_until_it_expires_or_is_revoked() {
        let (_dir, s) = store();
        let id = [5u8; 16];
        assert_eq!(s.serve_link(&id, 10).unwrap(), Served::Unknown);
        s.put_link_file("ch-a", &id, &[6; 16], b"sealed doc", 10).unwrap();
        assert_eq!(s.serve_link(&id, 10).unwrap(), Served::Unknown, "no snapshot yet");
        s.put_link("ch-a", &id, b"sealed v1", Some(100), &[[6; 16]], 11)
            .unwrap();
        assert_eq!(s.serve_link(&id, 12).unwrap(), Served::Sealed(b"sealed v1".to_vec()));
        assert_eq!(
            s.serve_link_file(&id, &[6; 16], 12).unwrap(),
            Served::Sealed(b"sealed doc".to_vec())
        );
        assert_eq!(
            s.link_files_present("ch-a", &id, &[[6; 16], [7; 16]]).unwrap(),
            [true, false]
        );
        // Replaced: the document no longer named goes.
        s.put_link("ch-a", &id, b"sealed v2", Some(100), &[], 13).unwrap();
        assert_eq!(s.serve_link(&id, 14).unwrap(), Served::Sealed(b"sealed v2".to_vec()));
        assert_eq!(s.serve_link_file(&id, &[6; 16], 14).unwrap(), Served::Unknown);
        assert_eq!(s.serve_link(&id, 100).unwrap(), Served::Expired);
        let info = s.chamber_links("ch-a").unwrap();
        assert_eq!((info.len(), info[0].fetches, info[0].expires_at), (1, 2, Some(100)));

        // Another chamber cannot touch it; its owner revokes it for good.
        assert!(matches!(
            s.put_link("ch-b", &id, b"x", None, &[], 15),
            Err(StoreError::NotFound)
        ));
        assert!(matches!(s.revoke_link("ch-b", &id, 15), Err(StoreError::NotFound)));
        assert!(s.chamber_links("ch-b").unwrap().is_empty());
        s.revoke_link("ch-a", &id, 16).unwrap();
        s.revoke_link("ch-a", &id, 17).unwrap();
        assert_eq!(s.serve_link(&id, 18).unwrap(), Served::Revoked);
        assert!(matches!(
            s.put_link("ch-a", &id, b"again", None, &[], 19),
            Err(StoreError::Gone)
        ));
        assert!(matches!(s.revoke_link("ch-a", &[9; 16], 19), Err(StoreError::NotFound)));
        let sealed: Option<Vec<u8>> = s
            .conn()
            .query_row("SELECT sealed FROM status_links WHERE id = ?1", [&id[..]], |r| r.get(0))
            .unwrap();
        assert_eq!(sealed, None, "revoking deletes the sealed bytes");
    }
}
