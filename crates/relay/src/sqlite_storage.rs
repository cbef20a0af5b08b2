//! [`SqliteStorage`]: the relay's default storage, one SQLite file
//! (`DIR/relay.db`) in WAL mode, durable across a SIGKILL, with its embedded
//! migrations (`migrations/relay/`). Attachments are in `sqlite_blobs.rs`.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::sqlite_operations::{check_room, count_stored};
use crate::storage::{BlobInfo, BlobSource, DeviceAccess, Stats, Storage, StoreError, StoreResult};

const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/relay/0001_init/up.sql"),
    include_str!("../../../migrations/relay/0002_admissions/up.sql"),
    include_str!("../../../migrations/relay/0003_rotation/up.sql"),
    include_str!("../../../migrations/relay/0004_status_links/up.sql"),
    include_str!("../../../migrations/relay/0005_operations/up.sql"),
    include_str!("../../../migrations/relay/0006_blob_parts/up.sql"),
    include_str!("../../../migrations/relay/0007_sessions/up.sql"),
];

/// SQLite storage in `DIR/relay.db`.
pub struct SqliteStorage {
    conn: Mutex<Connection>,
    /// Where uploads wait until they have arrived whole (`DIR/incoming`).
    pub(crate) spool: PathBuf,
}

impl SqliteStorage {
    pub fn open(dir: &Path) -> StoreResult<SqliteStorage> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Internal(format!("{}: {e}", dir.display())))?;
        let conn = Connection::open(dir.join("relay.db"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::Internal(format!(
                "the relay database is version {version}, newer than this relay ({}); update nextdate-relay",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.unchecked_transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            spool: dir.join("incoming"),
        })
    }

    pub(crate) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (its
        // transaction rolls back), so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Storage for SqliteStorage {
    fn create_chamber(&self, chamber: &str, device: &[u8; 32], token: Option<&[u8; 32]>, now: i64) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row("SELECT count(*) > 0 FROM chambers WHERE id = ?1", [chamber], |r| {
            r.get(0)
        })?;
        if exists {
            let admin: Option<bool> = tx
                .query_row(
                    "SELECT admin FROM devices WHERE chamber_id = ?1 AND device = ?2",
                    params![chamber, &device[..]],
                    |r| r.get(0),
                )
                .optional()?;
            return if admin == Some(true) {
                Ok(())
            } else {
                Err(StoreError::ChamberExists)
            };
        }
        if let Some(hash) = token {
            redeem_registration_token(&tx, hash, chamber, now)?;
        }
        tx.execute(
            "INSERT INTO chambers (id, created_at) VALUES (?1, ?2)",
            params![chamber, now],
        )?;
        tx.execute(
            "INSERT INTO devices (chamber_id, device, admin, added_at) VALUES (?1, ?2, 1, ?3)",
            params![chamber, &device[..], now],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn device_access(&self, chamber: &str, device: &[u8; 32]) -> StoreResult<Option<DeviceAccess>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT admin, read_only, removed_at IS NOT NULL FROM devices WHERE chamber_id = ?1 AND device = ?2",
            )?
            .query_row(params![chamber, &device[..]], |r| {
                Ok(DeviceAccess {
                    admin: r.get(0)?,
                    read_only: r.get(1)?,
                    removed: r.get(2)?,
                })
            })
            .optional()?)
    }

    fn request_admission(&self, chamber: &str, device: &[u8; 32], request: &[u8], now: i64) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO admissions (chamber_id, device, request, requested_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (chamber_id, device) DO UPDATE SET request = excluded.request,
                 requested_at = excluded.requested_at WHERE answer IS NULL",
            params![chamber, &device[..], request, now],
        )?;
        Ok(())
    }

    fn pending_admissions(&self, chamber: &str) -> StoreResult<Vec<([u8; 32], Vec<u8>)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT device, request FROM admissions WHERE chamber_id = ?1 AND answer IS NULL
             ORDER BY requested_at LIMIT 100",
        )?;
        let rows = stmt.query_map([chamber], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (device, request) = row?;
            if let Ok(device) = <[u8; 32]>::try_from(device.as_slice()) {
                out.push((device, request));
            }
        }
        Ok(out)
    }

    fn admit(&self, chamber: &str, device: &[u8; 32], answer: &[u8], read_only: bool, now: i64) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "UPDATE admissions SET answer = ?3, answered_at = ?4 WHERE chamber_id = ?1 AND device = ?2",
            params![chamber, &device[..], answer, now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "UPDATE devices SET read_only = ?3 WHERE chamber_id = ?1 AND device = ?2",
            params![chamber, &device[..], read_only],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn admission(&self, chamber: &str, device: &[u8; 32]) -> StoreResult<Option<Vec<u8>>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT answer FROM admissions WHERE chamber_id = ?1 AND device = ?2")?
            .query_row(params![chamber, &device[..]], |r| r.get::<_, Option<Vec<u8>>>(0))
            .optional()?
            .flatten())
    }

    fn set_read_only(&self, chamber: &str, device: &[u8; 32], read_only: bool) -> StoreResult<()> {
        let n = self.conn().execute(
            "UPDATE devices SET read_only = ?3 WHERE chamber_id = ?1 AND device = ?2",
            params![chamber, &device[..], read_only],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
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
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: u32 = tx
            .query_row("SELECT epoch FROM chambers WHERE id = ?1", [chamber], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if epoch != current + 1 && epoch != current {
            return Err(StoreError::WrongEpoch(current));
        }
        for device in removed {
            tx.execute(
                "UPDATE devices SET removed_at = coalesce(removed_at, ?3) WHERE chamber_id = ?1 AND device = ?2",
                params![chamber, &device[..], now],
            )?;
        }
        for (device, sealed) in grants {
            tx.execute(
                "INSERT INTO key_grants (chamber_id, epoch, device, sealed) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (chamber_id, device, epoch) DO UPDATE SET sealed = excluded.sealed",
                params![chamber, epoch, &device[..], sealed],
            )?;
        }
        tx.execute("UPDATE chambers SET epoch = ?2 WHERE id = ?1", params![chamber, epoch])?;
        tx.commit()?;
        Ok(())
    }

    fn epoch(&self, chamber: &str) -> StoreResult<u32> {
        self.conn()
            .prepare_cached("SELECT epoch FROM chambers WHERE id = ?1")?
            .query_row([chamber], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    fn sealed_keys(&self, chamber: &str, device: &[u8; 32], after: u32) -> StoreResult<Vec<(u32, Vec<u8>)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT epoch, sealed FROM key_grants WHERE chamber_id = ?1 AND device = ?2 AND epoch > ?3
             ORDER BY epoch",
        )?;
        let rows = stmt.query_map(params![chamber, &device[..], after], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn add_invite(&self, chamber: &str, token_hash: &[u8; 32], by: &[u8; 32], expires_at: i64) -> StoreResult<()> {
        self.conn().execute(
            "INSERT INTO invites (token_hash, chamber_id, created_by, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![&token_hash[..], chamber, &by[..], expires_at],
        )?;
        Ok(())
    }

    fn redeem_invite(&self, chamber: &str, token_hash: &[u8; 32], device: &[u8; 32], now: i64) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let row: Option<(String, i64, Option<Vec<u8>>)> = tx
            .query_row(
                "SELECT chamber_id, expires_at, used_by FROM invites WHERE token_hash = ?1",
                [&token_hash[..]],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((for_chamber, expires_at, used_by)) = row else {
            return Err(StoreError::BadToken("the invite token is not known here"));
        };
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
            "UPDATE invites SET used_by = ?1, used_at = ?2 WHERE token_hash = ?3",
            params![&device[..], now, &token_hash[..]],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO devices (chamber_id, device, admin, added_at) VALUES (?1, ?2, 0, ?3)",
            params![chamber, &device[..], now],
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
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: u32 = tx
            .prepare_cached("SELECT epoch FROM chambers WHERE id = ?1")?
            .query_row([chamber], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound)?;
        if epoch < current {
            return Err(StoreError::OldKey { current, sealed: epoch });
        }
        let known: Option<i64> = tx
            .prepare_cached("SELECT seq FROM batches WHERE chamber_id = ?1 AND batch_id = ?2")?
            .query_row(params![chamber, &batch_id[..]], |r| r.get(0))
            .optional()?;
        if let Some(seq) = known {
            return Ok((seq as u64, true));
        }
        let seq: i64 = tx
            .prepare_cached("SELECT coalesce(max(seq), 0) + 1 FROM batches WHERE chamber_id = ?1")?
            .query_row([chamber], |r| r.get(0))?;
        tx.prepare_cached(
            "INSERT INTO batches (chamber_id, seq, batch_id, device, envelope, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![chamber, seq, &batch_id[..], &device[..], envelope, now])?;
        count_stored(&tx, chamber, envelope.len(), 1, 0)?;
        check_room(&tx, chamber)?;
        tx.commit()?;
        Ok((seq as u64, false))
    }

    fn batches_after(
        &self,
        chamber: &str,
        after: u64,
        limit: u32,
        max_bytes: usize,
    ) -> StoreResult<Vec<(u64, Vec<u8>)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT seq, envelope FROM batches WHERE chamber_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let mut rows = stmt.query(params![chamber, after as i64, limit])?;
        let mut out = Vec::new();
        let mut size = 0;
        while let Some(r) = rows.next()? {
            let env: Vec<u8> = r.get(1)?;
            if !out.is_empty() && size + env.len() > max_bytes {
                break;
            }
            size += env.len();
            out.push((r.get::<_, i64>(0)? as u64, env));
        }
        Ok(out)
    }

    fn latest_seq(&self, chamber: &str) -> StoreResult<u64> {
        let seq: i64 = self
            .conn()
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM batches WHERE chamber_id = ?1")?
            .query_row([chamber], |r| r.get(0))?;
        Ok(seq as u64)
    }

    fn device_count(&self, chamber: &str) -> StoreResult<u32> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM devices WHERE chamber_id = ?1 AND removed_at IS NULL",
            [chamber],
            |r| r.get(0),
        )?)
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
        Ok(self.conn().query_row(
            "SELECT count(*) > 0 FROM blobs WHERE chamber_id = ?1 AND id = ?2",
            params![chamber, &id[..]],
            |r| r.get(0),
        )?)
    }

    fn ping(&self) -> StoreResult<()> {
        self.conn().query_row("SELECT 1", [], |_| Ok(()))?;
        Ok(())
    }

    fn stats(&self) -> StoreResult<Stats> {
        let conn = self.conn();
        let count = |t: &str| -> StoreResult<u64> {
            Ok(conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0))? as u64)
        };
        Ok(Stats {
            chambers: count("chambers")?,
            devices: count("devices")?,
            batches: count("batches")?,
            blobs: count("blobs")?,
        })
    }
}

/// Uses a registration token once, for `chamber`, in the registering transaction.
fn redeem_registration_token(tx: &Connection, hash: &[u8; 32], chamber: &str, now: i64) -> StoreResult<()> {
    let row: Option<(i64, Option<String>, Option<i64>)> = tx
        .query_row(
            "SELECT expires_at, used_by, revoked_at FROM registration_tokens WHERE token_hash = ?1",
            [&hash[..]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match row {
        None => Err(StoreError::BadToken(
            "the relay does not know that registration token; ask its operator for one",
        )),
        Some((_, Some(_), _)) => Err(StoreError::BadToken(
            "that registration token has already been used; ask the relay's operator for a new one",
        )),
        Some((_, _, Some(_))) => Err(StoreError::BadToken(
            "that registration token was revoked by the relay's operator",
        )),
        Some((expires, ..)) if expires <= now => Err(StoreError::BadToken(
            "that registration token has expired; ask the relay's operator for a new one",
        )),
        Some(_) => {
            tx.execute(
                "UPDATE registration_tokens SET used_by = ?2, used_at = ?3 WHERE token_hash = ?1",
                params![&hash[..], chamber, now],
            )?;
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invites_work_once_and_batches_are_not_stored_twice() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path()).unwrap();
        s.create_chamber("C", &[1; 32], None, 100).unwrap();
        s.create_chamber("C", &[1; 32], None, 100).unwrap();
        assert!(matches!(
            s.create_chamber("C", &[2; 32], None, 100),
            Err(StoreError::ChamberExists)
        ));
        s.add_invite("C", &[9; 32], &[1; 32], 200).unwrap();
        assert!(matches!(
            s.redeem_invite("D", &[9; 32], &[2; 32], 150),
            Err(StoreError::BadToken(_))
        ));
        s.redeem_invite("C", &[9; 32], &[2; 32], 150).unwrap();
        assert!(matches!(
            s.redeem_invite("C", &[9; 32], &[3; 32], 150),
            Err(StoreError::BadToken(_))
        ));
        s.add_invite("C", &[8; 32], &[1; 32], 200).unwrap();
        assert!(matches!(
            s.redeem_invite("C", &[8; 32], &[3; 32], 201),
            Err(StoreError::BadToken(_))
        ));
        let joined = DeviceAccess {
            admin: false,
            read_only: false,
            removed: false,
        };
        assert_eq!(s.device_access("C", &[2; 32]).unwrap(), Some(joined));
        assert_eq!(s.device_access("C", &[3; 32]).unwrap(), None);

        // Admission: a request waits until answered; the answer sets read-only.
        s.request_admission("C", &[2; 32], b"sealed request", 160).unwrap();
        assert_eq!(
            s.pending_admissions("C").unwrap(),
            vec![([2; 32], b"sealed request".to_vec())]
        );
        assert_eq!(s.admission("C", &[2; 32]).unwrap(), None);
        assert!(matches!(
            s.admit("C", &[3; 32], b"x", false, 170),
            Err(StoreError::NotFound)
        ));
        s.admit("C", &[2; 32], b"sealed grant", true, 170).unwrap();
        assert!(s.pending_admissions("C").unwrap().is_empty());
        assert_eq!(s.admission("C", &[2; 32]).unwrap(), Some(b"sealed grant".to_vec()));
        assert_eq!(s.device_access("C", &[2; 32]).unwrap().map(|a| a.read_only), Some(true));
        // An answered request is not replaced by a new one.
        s.request_admission("C", &[2; 32], b"again", 180).unwrap();
        assert!(s.pending_admissions("C").unwrap().is_empty());
        s.set_read_only("C", &[2; 32], false).unwrap();
        assert_eq!(s.device_access("C", &[2; 32]).unwrap(), Some(joined));

        assert_eq!(s.append_batch("C", &[1; 16], &[2; 32], b"a", 1, 1).unwrap(), (1, false));
        assert_eq!(s.append_batch("C", &[2; 16], &[2; 32], b"b", 1, 1).unwrap(), (2, false));
        assert_eq!(s.append_batch("C", &[1; 16], &[2; 32], b"a", 1, 1).unwrap(), (1, true));
        let after = s.batches_after("C", 1, 10, 1 << 20).unwrap();
        assert_eq!(after, vec![(2, b"b".to_vec())]);
        assert_eq!(s.latest_seq("C").unwrap(), 2);
        drop(s);
        // Reopening keeps everything and runs no migration twice.
        let s = SqliteStorage::open(dir.path()).unwrap();
        assert_eq!(s.stats().unwrap().batches, 2);
    }

    #[test]
    fn a_rotation_removes_devices_and_keeps_each_sealed_key_for_its_device() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path()).unwrap();
        s.create_chamber("C", &[1; 32], None, 100).unwrap();
        for (token, device) in [([8; 32], [2; 32]), ([9; 32], [3; 32])] {
            s.add_invite("C", &token, &[1; 32], 200).unwrap();
            s.redeem_invite("C", &token, &device, 150).unwrap();
        }
        assert_eq!(s.epoch("C").unwrap(), 1);
        assert_eq!(s.device_count("C").unwrap(), 3);
        assert!(matches!(
            s.rotate("C", &[], 3, &[], 160),
            Err(StoreError::WrongEpoch(1))
        ));
        s.rotate("C", &[[3; 32]], 2, &[([2; 32], b"for two".to_vec())], 160)
            .unwrap();
        assert_eq!(s.epoch("C").unwrap(), 2);
        assert_eq!(s.device_count("C").unwrap(), 2);
        assert!(s.device_access("C", &[3; 32]).unwrap().unwrap().removed);
        assert!(!s.device_access("C", &[2; 32]).unwrap().unwrap().removed);
        assert_eq!(s.sealed_keys("C", &[2; 32], 1).unwrap(), vec![(2, b"for two".to_vec())]);
        assert!(s.sealed_keys("C", &[2; 32], 2).unwrap().is_empty());
        assert!(s.sealed_keys("C", &[3; 32], 0).unwrap().is_empty());
        // A retry of the same epoch replaces its grants and is not an error.
        s.rotate("C", &[[3; 32]], 2, &[([2; 32], b"again".to_vec())], 170)
            .unwrap();
        assert_eq!(s.sealed_keys("C", &[2; 32], 1).unwrap(), vec![(2, b"again".to_vec())]);
        assert!(matches!(s.rotate("D", &[], 2, &[], 170), Err(StoreError::NotFound)));
        // After the rotation a batch sealed under the old key is refused.
        assert!(matches!(
            s.append_batch("C", &[1; 16], &[2; 32], b"old", 1, 180),
            Err(StoreError::OldKey { current: 2, sealed: 1 })
        ));
        assert_eq!(
            s.append_batch("C", &[1; 16], &[2; 32], b"new", 2, 180).unwrap(),
            (1, false)
        );
    }
}
