//! The encrypted SQLite file: opening it with SQLCipher, embedded migrations,
//! and storage of Automerge documents as chunks plus the outbox of local changes.

use std::fs;
use std::io::Read;
use std::path::Path;

use automerge::AutoCommit;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};

use crate::error::{DiaryError, Result};
use crate::keys::DbKey;
use crate::model::DocKind;

/// Name of the database file inside a diary folder.
pub const DB_FILE: &str = "diary.db";

/// Embedded migrations, in order; `PRAGMA user_version` counts how many ran.
const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("../../../migrations/diary/0001_init/up.sql")),
    (
        "0002_blobs",
        include_str!("../../../migrations/diary/0002_blobs/up.sql"),
    ),
    (
        "0003_case_members",
        include_str!("../../../migrations/diary/0003_case_members/up.sql"),
    ),
    (
        "0004_corrections",
        include_str!("../../../migrations/diary/0004_corrections/up.sql"),
    ),
    (
        "0005_erasure",
        include_str!("../../../migrations/diary/0005_erasure/up.sql"),
    ),
    (
        "0006_trust",
        include_str!("../../../migrations/diary/0006_trust/up.sql"),
    ),
    (
        "0007_authorship",
        include_str!("../../../migrations/diary/0007_authorship/up.sql"),
    ),
    (
        "0008_accounts",
        include_str!("../../../migrations/diary/0008_accounts/up.sql"),
    ),
    (
        "0009_client_updates",
        include_str!("../../../migrations/diary/0009_client_updates/up.sql"),
    ),
    (
        "0010_status_links",
        include_str!("../../../migrations/diary/0010_status_links/up.sql"),
    ),
];

/// Compact a document into one chunk once it has more chunks than this.
///
/// A document's chunk numbers (`doc_chunks.seq`) only ever grow: an append
/// takes the next number, and a compaction or a rewrite stores the whole
/// document under the next number before dropping the older chunks. So the
/// newest number names one stored state of the document for as long as the
/// document exists, which is what [`crate::doc_cache`] relies on.
const COMPACT_AFTER_CHUNKS: i64 = 48;

/// How many prepared statements a connection keeps (see `configure`).
const STATEMENT_CACHE: usize = 128;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// True when `path` starts with the plaintext SQLite header (so it is not ours).
pub fn is_plain_sqlite(path: &Path) -> bool {
    let mut head = [0u8; 16];
    fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == SQLITE_HEADER
}

fn apply_key_and_settings(conn: &Connection, key: &DbKey) -> rusqlite::Result<()> {
    // SQLCipher would print decryption failures to stderr; errors are ours to report.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let literal = key.sqlcipher_literal();
    conn.execute_batch(&format!("PRAGMA key = {};", literal.as_str()))?;
    // SQLCipher turns its own logging on (to stderr) when it first starts,
    // which the key just did: off again, for good.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    Ok(())
}

/// The page cache of a connection, in KiB. Every page read from disk must be
/// decrypted, so the screens' working set (a day's board, its neighbours,
/// the search index's hot pages) is kept: 16 MiB holds it for a 10,000-case
/// diary with the board and search as fast as at 64 MiB (the diary
/// benchmark), at 15 MB less of the app's memory per connection.
const PAGE_CACHE_KIB: i64 = 16 * 1024;

/// The page cache for work that rewrites the whole projection (a rebuild).
const LARGE_PAGE_CACHE_KIB: i64 = 64 * 1024;

/// Gives the connection the large page cache (`true`) or back the usual one.
pub(crate) fn large_page_cache(conn: &Connection, large: bool) -> Result<()> {
    let kib = if large { LARGE_PAGE_CACHE_KIB } else { PAGE_CACHE_KIB };
    conn.execute_batch(&format!("PRAGMA cache_size = -{kib};"))?;
    Ok(())
}

/// Connection settings (see [`PAGE_CACHE_KIB`]).
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // One change or rebuild runs a few dozen distinct statements (a table
    // and its removals per kind of record); rusqlite keeps 16 by default, and
    // re-parsing the rest was a quarter of a projection rebuild.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    conn.execute_batch(&format!("PRAGMA cache_size = -{PAGE_CACHE_KIB};"))?;
    Ok(())
}

/// Creates a new encrypted database at `path` (which must not exist) and migrates it.
pub fn create(path: &Path, key: &DbKey) -> Result<Connection> {
    if path.exists() {
        return Err(DiaryError::AlreadyExists(path.to_path_buf()));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key_and_settings(&conn, key)?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

/// Opens an existing encrypted database. A wrong key or a damaged file gives
/// `DamagedDatabase` before anything is written.
pub fn open(path: &Path, key: &DbKey) -> Result<Connection> {
    let damaged = || DiaryError::DamagedDatabase(path.to_path_buf());
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| damaged())?;
    apply_key_and_settings(&conn, key).map_err(|_| damaged())?;
    // The first read decrypts page 1; a wrong key or garbage fails here.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .map_err(|_| damaged())?;
    configure(&conn).map_err(|_| damaged())?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > MIGRATIONS.len() as i64 {
        return Err(DiaryError::NewerSchema {
            found: version,
            known: MIGRATIONS.len() as i64,
        });
    }
    if version == 0 {
        // A valid SQLCipher database that never became a diary.
        return Err(DiaryError::NotADiary(path.to_path_buf()));
    }
    if version < MIGRATIONS.len() as i64 {
        keep_pre_upgrade_copy(&conn, path, version)?;
    }
    migrate(&conn)?;
    Ok(conn)
}

/// Whether the write-ahead log beside `db_path` ends part-way through a frame
/// (a file cut short, not a crash between writes: SQLite writes whole frames),
/// said in words. SQLite reads the log up to its last complete commit, so the
/// diary stays consistent; what was in the cut-off part is gone.
pub fn torn_log(db_path: &Path) -> Option<String> {
    let wal = db_path.with_file_name(format!("{DB_FILE}-wal"));
    let len = fs::metadata(&wal).ok()?.len();
    if len == 0 {
        return None;
    }
    const HEADER: u64 = 32;
    const FRAME_HEADER: u64 = 24;
    let mut head = [0u8; 32];
    let page_size = match fs::File::open(&wal).and_then(|mut f| f.read_exact(&mut head)) {
        Ok(()) => u64::from(u32::from_be_bytes([head[8], head[9], head[10], head[11]])),
        Err(_) => 0,
    };
    let page_size = if page_size.is_power_of_two() && (512..=65536).contains(&page_size) {
        page_size
    } else {
        4096
    };
    let frame = FRAME_HEADER + page_size;
    let extra = if len < HEADER { len } else { (len - HEADER) % frame };
    (extra != 0).then(|| {
        format!(
            "the write-ahead log {} was cut short ({extra} bytes past its last whole page): changes written just before the diary was last closed may be lost; what it holds now is consistent",
            wal.display()
        )
    })
}

/// Where the copy of a diary's database from before an upgrade is kept:
/// `diary.db.schema-N.bak` beside it (encrypted with the same key).
pub fn pre_upgrade_copy_path(db_path: &Path, version: i64) -> std::path::PathBuf {
    db_path.with_file_name(format!("{DB_FILE}.schema-{version}.bak"))
}

/// Before migrating, copies the whole database file (after moving the WAL into
/// it) beside the diary, so an upgrade that went wrong can be undone by hand
/// with the previous release. The copy is the encrypted file itself; it is
/// written completely before the migration starts, or the open fails.
fn keep_pre_upgrade_copy(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let target = pre_upgrade_copy_path(path, version);
    if target.exists() {
        return Ok(());
    }
    let partial = target.with_extension("bak.partial");
    let copied = fs::copy(path, &partial).and_then(|_| fs::File::open(&partial)?.sync_all());
    if let Err(e) = copied {
        let _ = fs::remove_file(&partial);
        return Err(e.into());
    }
    fs::rename(&partial, &target)?;
    Ok(())
}

/// Runs the migrations this database has not seen yet, all in one transaction:
/// either the diary reaches the current schema, or it stays exactly as it was.
pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    migrate_with(conn, MIGRATIONS)
}

fn migrate_with(conn: &Connection, migrations: &[(&str, &str)]) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > migrations.len() as i64 {
        return Err(DiaryError::NewerSchema {
            found: version,
            known: migrations.len() as i64,
        });
    }
    if version == migrations.len() as i64 {
        return Ok(());
    }
    let tx = conn.unchecked_transaction()?;
    for (name, sql) in migrations.iter().skip(version as usize) {
        tx.execute_batch(sql).map_err(|e| match DiaryError::from(e) {
            DiaryError::Database(e) => DiaryError::UpgradeFailed {
                step: name.to_string(),
                why: e.to_string(),
            },
            other => other,
        })?;
    }
    tx.execute_batch(&format!("PRAGMA user_version = {}", migrations.len()))?;
    tx.commit()?;
    Ok(())
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

pub fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The kind of document `id`, if it exists.
pub fn doc_kind(conn: &Connection, id: &str) -> Result<Option<DocKind>> {
    let kind: Option<String> = conn
        .query_row("SELECT kind FROM docs WHERE id = ?1", [id], |r| r.get(0))
        .optional()?;
    Ok(kind.as_deref().and_then(DocKind::parse))
}

/// Loads document `id` from its chunks.
pub fn load_doc(conn: &Connection, id: &str) -> Result<AutoCommit> {
    doc_from_bytes(id, &doc_bytes(conn, id)?)
}

/// The stored bytes of document `id`: its chunks, in order.
pub fn doc_bytes(conn: &Connection, id: &str) -> Result<Vec<u8>> {
    let mut stmt = conn.prepare_cached("SELECT bytes FROM doc_chunks WHERE doc_id = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([id])?;
    let mut all = Vec::new();
    while let Some(row) = rows.next()? {
        let chunk = row.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        all.extend_from_slice(chunk);
    }
    Ok(all)
}

/// Document `id` from its stored bytes (no database needed).
pub fn doc_from_bytes(id: &str, bytes: &[u8]) -> Result<AutoCommit> {
    if bytes.is_empty() {
        return Err(DiaryError::Document(format!("document {id} has no data")));
    }
    Ok(AutoCommit::load(bytes)?)
}

/// Stores a brand-new document from its full save (as chunk 0) and queues it for sync.
pub fn insert_doc(tx: &Transaction, id: &str, kind: DocKind, saved: &[u8], now: &str) -> Result<()> {
    store_new_doc(tx, id, kind, saved, now)?;
    if kind == DocKind::Chamber {
        note_chamber_heads(tx, &mut AutoCommit::load(saved)?)?;
    }
    queue_local(tx, id, kind, saved, false, now)
}

/// Queues a local change for sync, with the chamber's heads as its author
/// sees them now (what other laptops judge it against, see
/// [`crate::authorize`]). A change to the chamber document itself carries
/// none: it is judged against its own history.
pub fn queue_local(tx: &Transaction, id: &str, kind: DocKind, bytes: &[u8], replaces: bool, now: &str) -> Result<()> {
    let context = match kind {
        DocKind::Chamber => Vec::new(),
        _ => chamber_context(tx)?,
    };
    tx.prepare_cached(
        "INSERT INTO outbox (doc_id, kind, bytes, created_at, replaces, context) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![id, kind.as_str(), bytes, now, replaces, context])?;
    Ok(())
}

/// The chamber document's heads, 32 bytes each, as the outbox stores them.
pub fn chamber_context(conn: &Connection) -> Result<Vec<u8>> {
    let hex = match meta_get(conn, "chamber_heads")? {
        Some(hex) => hex,
        None => {
            // A diary made before the heads were kept: read them once.
            let Some(chamber) = meta_get(conn, "chamber_id")? else {
                return Ok(Vec::new());
            };
            if doc_kind(conn, &chamber)? != Some(DocKind::Chamber) {
                return Ok(Vec::new());
            }
            let mut raw = Vec::new();
            for h in load_doc(conn, &chamber)?.get_heads() {
                raw.extend_from_slice(&h.0);
            }
            return Ok(raw);
        }
    };
    data_encoding::HEXLOWER
        .decode(hex.as_bytes())
        .map_err(|_| DiaryError::Document("the stored chamber heads are damaged".into()))
}

/// Remembers the chamber document's heads after it changed (here or by a merge).
pub fn note_chamber_heads(tx: &Transaction, chamber: &mut AutoCommit) -> Result<()> {
    let mut raw = Vec::new();
    for h in chamber.get_heads() {
        raw.extend_from_slice(&h.0);
    }
    meta_set(tx, "chamber_heads", &data_encoding::HEXLOWER.encode(&raw))
}

/// The document row and its first chunk (a full save).
fn store_new_doc(tx: &Transaction, id: &str, kind: DocKind, bytes: &[u8], now: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO docs (id, kind, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![id, kind.as_str(), now])?;
    tx.prepare_cached("INSERT INTO doc_chunks (doc_id, seq, bytes) VALUES (?1, 0, ?2)")?
        .execute(params![id, bytes])?;
    Ok(())
}

/// Appends the incremental bytes of a local change, queues them for sync and
/// compacts the document when it has collected many chunks. Gives the number
/// of the chunk now newest (none when there was nothing to append).
pub fn append_change(
    tx: &Transaction,
    id: &str,
    kind: DocKind,
    change: &[u8],
    doc: &mut AutoCommit,
    now: &str,
) -> Result<Option<i64>> {
    if change.is_empty() {
        return Ok(None);
    }
    let seq = append_chunk(tx, id, change, doc)?;
    if kind == DocKind::Chamber {
        note_chamber_heads(tx, doc)?;
    }
    queue_local(tx, id, kind, change, false, now)?;
    Ok(Some(seq))
}

/// The number of document `id`'s newest chunk (see [`COMPACT_AFTER_CHUNKS`]).
pub fn latest_chunk(conn: &Connection, id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT max(seq) FROM doc_chunks WHERE doc_id = ?1")?
        .query_row([id], |r| r.get::<_, Option<i64>>(0))?
        .unwrap_or(-1))
}

/// Puts the whole of `doc` in the place of document `id`'s chunks, under the
/// next chunk number. Gives that number.
pub fn replace_chunks(tx: &Transaction, id: &str, doc: &mut AutoCommit) -> Result<i64> {
    let seq = latest_chunk(tx, id)? + 1;
    tx.prepare_cached("INSERT INTO doc_chunks (doc_id, seq, bytes) VALUES (?1, ?2, ?3)")?
        .execute(params![id, seq, doc.save()])?;
    tx.prepare_cached("DELETE FROM doc_chunks WHERE doc_id = ?1 AND seq < ?2")?
        .execute(params![id, seq])?;
    Ok(seq)
}

/// Stores a document first seen in changes from another device (not queued for sending).
pub fn insert_remote_doc(tx: &Transaction, id: &str, kind: DocKind, doc: &mut AutoCommit, now: &str) -> Result<()> {
    store_new_doc(tx, id, kind, &doc.save(), now)?;
    if kind == DocKind::Chamber {
        note_chamber_heads(tx, doc)?;
    }
    Ok(())
}

/// Appends changes from another device to a stored document (not queued for
/// sending), compacting it when it has collected many chunks.
pub fn append_remote_change(
    tx: &Transaction,
    id: &str,
    kind: DocKind,
    change: &[u8],
    doc: &mut AutoCommit,
) -> Result<()> {
    append_chunk(tx, id, change, doc)?;
    if kind == DocKind::Chamber {
        note_chamber_heads(tx, doc)?;
    }
    Ok(())
}

fn append_chunk(tx: &Transaction, id: &str, change: &[u8], doc: &mut AutoCommit) -> Result<i64> {
    let (count, max): (i64, i64) = tx
        .prepare_cached("SELECT count(*), coalesce(max(seq), -1) FROM doc_chunks WHERE doc_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if count >= COMPACT_AFTER_CHUNKS {
        return replace_chunks(tx, id, doc);
    }
    tx.prepare_cached("INSERT INTO doc_chunks (doc_id, seq, bytes) VALUES (?1, ?2, ?3)")?
        .execute(params![id, max + 1, change])?;
    Ok(max + 1)
}

/// Every document id of a kind, in id order.
pub fn doc_ids(conn: &Connection, kind: DocKind) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM docs WHERE kind = ?1 ORDER BY id")?;
    let ids = stmt
        .query_map([kind.as_str()], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    }

    fn has_table(conn: &Connection, name: &str) -> bool {
        conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = ?1", [name], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            == 1
    }

    #[test]
    fn a_failed_upgrade_step_leaves_the_database_as_it_was() {
        let conn = Connection::open_in_memory().unwrap();
        let first = [("0001_a", "CREATE TABLE a (x)")];
        migrate_with(&conn, &first).unwrap();
        assert_eq!(version(&conn), 1);
        let more = [
            ("0001_a", "CREATE TABLE a (x)"),
            ("0002_b", "CREATE TABLE b (x); INSERT INTO a VALUES (1);"),
            ("0003_c", "CREATE TABLE c (x); INSERT INTO missing VALUES (1);"),
        ];
        let err = migrate_with(&conn, &more).unwrap_err();
        assert_eq!(err.code(), "upgrade_failed");
        assert!(err.to_string().contains("0003_c"), "{err}");
        assert_eq!(version(&conn), 1, "the version did not move");
        assert!(
            !has_table(&conn, "b") && !has_table(&conn, "c"),
            "no step stayed half-applied"
        );
        let rows: i64 = conn.query_row("SELECT count(*) FROM a", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 0, "the earlier step's writes were rolled back too");
        // The same steps without the broken one go through together.
        migrate_with(&conn, &more[..2]).unwrap();
        assert_eq!(version(&conn), 2);
        assert!(has_table(&conn, "b"));
    }

    #[test]
    fn a_newer_database_is_refused_by_the_upgrade() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA user_version = 9").unwrap();
        let err = migrate_with(&conn, &[("0001_a", "CREATE TABLE a (x)")]).unwrap_err();
        assert_eq!(err.code(), "newer_schema");
    }
}
