//! Rebuilding the whole projection from the stored documents: every table
//! emptied, each document read back on the worker threads while this thread
//! writes the rows of the ones read before, in one transaction.

use rusqlite::Transaction;

use super::{history_rows, insert_history, AnyDoc, HistoryRow, Prior, TABLES};
use crate::error::Result;
use crate::model::DocKind;
use crate::progress::{Progress, Stage};
use crate::store;

/// Drops every projected row and rebuilds the projection from the documents.
pub fn rebuild(tx: &Transaction) -> Result<()> {
    rebuild_with_progress(tx, &Progress::none())
}

/// [`rebuild`], reporting each document projected. A cancel returns
/// [`crate::DiaryError::Cancelled`] before the caller commits: rolled back,
/// nothing changes.
pub fn rebuild_with_progress(tx: &Transaction, progress: &Progress<'_>) -> Result<()> {
    // Rows go in with the tables' secondary indexes dropped, which are then
    // built once from sorted keys: kept up to date row by row, they were a
    // random B-tree insert per row and index. Nothing the rebuild looks up
    // needs them (it only inserts into emptied tables, keyed by their
    // primary keys). DDL is transactional: a cancel brings them back.
    let indexes = secondary_indexes(tx)?;
    let total = crate::progress::count(tx, "SELECT count(*) FROM docs")?;
    let mut done = 0;
    // Reading documents back out of Automerge is most of the work: it runs on
    // every core, a few hundred documents at a time, while this thread writes
    // the rows of the previous few hundred (the connection stays here).
    const AT_A_TIME: usize = 256;
    let mut groups = Vec::new();
    for kind in [DocKind::Chamber, DocKind::Client, DocKind::Case] {
        let ids = store::doc_ids(tx, kind)?;
        groups.extend(ids.chunks(AT_A_TIME).map(|ids| (kind, ids.to_vec())));
    }
    std::thread::scope(|scope| {
        let mut reading = None;
        let mut cleared = false;
        for (kind, ids) in groups {
            let saved = ids
                .into_iter()
                .map(|id| {
                    let bytes = store::doc_bytes(tx, &id)?;
                    Ok((id, bytes))
                })
                .collect::<Result<Vec<_>>>()?;
            let next = scope.spawn(move || {
                let read = crate::parallel::map(&saved, |(id, bytes)| {
                    let mut doc = store::doc_from_bytes(id, bytes)?;
                    Ok((AnyDoc::read(kind, &doc)?, history_rows(&mut doc)))
                });
                (saved, read)
            });
            if !cleared {
                // While the first documents are read.
                clear(tx, &indexes)?;
                cleared = true;
            }
            if let Some(previous) = reading.replace(next) {
                write_read(tx, previous, progress, &mut done, total)?;
            }
        }
        if !cleared {
            clear(tx, &indexes)?;
        }
        match reading {
            Some(last) => write_read(tx, last, progress, &mut done, total),
            None => Ok(()),
        }
    })?;
    for (_, sql) in &indexes {
        tx.execute(sql, [])?;
    }
    // A migration that adds projection tables asks for this rebuild (see 0003).
    tx.execute("DELETE FROM meta WHERE key = 'projection.stale'", [])?;
    Ok(())
}

/// Empties every projected table and drops `indexes`.
fn clear(tx: &Transaction, indexes: &[(String, String)]) -> Result<()> {
    for (name, _) in indexes {
        tx.execute(&format!("DROP INDEX \"{name}\""), [])?;
    }
    for t in TABLES {
        if *t == "search_fts" {
            // Made anew: FTS5 deletes row by row, each row's text tokenised
            // again to find its index entries, where a dropped table only
            // frees its pages.
            let sql: String = tx.query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search_fts'",
                [],
                |r| r.get(0),
            )?;
            tx.execute_batch(&format!("DROP TABLE search_fts; {sql};"))?;
        } else {
            tx.execute(&format!("DELETE FROM {t}"), [])?;
        }
    }
    Ok(())
}

/// The indexes declared on projected tables beside their primary keys, as
/// `(name, the statement that creates it)`.
fn secondary_indexes(tx: &Transaction) -> Result<Vec<(String, String)>> {
    let tables = TABLES.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    let mut stmt = tx.prepare(&format!(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({tables})
         ORDER BY name"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Documents read on other threads, with what was read from them.
type ReadDocs = (Vec<(String, Vec<u8>)>, Result<Vec<(AnyDoc, Vec<HistoryRow>)>>);

/// Writes the rows of documents read by a rebuild's worker threads, into
/// tables that hold none of theirs.
fn write_read(
    tx: &Transaction,
    reading: std::thread::ScopedJoinHandle<'_, ReadDocs>,
    progress: &Progress<'_>,
    done: &mut u64,
    total: u64,
) -> Result<()> {
    let (saved, read) = reading.join().expect("a rebuild worker panicked");
    for ((id, _), (value, history)) in saved.iter().zip(read?) {
        value.project(tx, id, Prior::Empty)?;
        insert_history(tx, id, &history)?;
        *done += 1;
        progress.step(Stage::Rebuild, *done, total)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_leaves_the_schema_as_it_found_it() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::migrate(&conn).unwrap();
        let schema = |conn: &rusqlite::Connection| -> Vec<(String, String, Option<String>)> {
            conn.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        let before = schema(&conn);
        let tx = conn.unchecked_transaction().unwrap();
        let indexes = secondary_indexes(&tx).unwrap();
        assert!(indexes.iter().any(|(n, _)| n == "hearings_date"), "{indexes:?}");
        assert!(indexes.iter().any(|(n, _)| n == "history_doc_time"), "{indexes:?}");
        // Primary keys' own indexes (no statement) are not among them.
        assert!(indexes.iter().all(|(n, _)| !n.starts_with("sqlite_autoindex")));
        rebuild(&tx).unwrap();
        tx.commit().unwrap();
        // The indexes dropped and the search index made anew are as they were.
        assert_eq!(schema(&conn), before);
    }
}
