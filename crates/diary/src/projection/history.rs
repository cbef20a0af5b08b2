//! The `history` table: one row per Automerge change of a document, with its
//! author, time and message, read from the document itself.

use automerge::AutoCommit;
use rusqlite::{params, Transaction};

use crate::error::Result;

/// One change of a document as the history table records it.
pub struct HistoryRow {
    pub(crate) hash: String,
    actor: String,
    seq: i64,
    time: i64,
    pub(crate) message: Option<String>,
}

/// The change history of a document, read from it (no database needed, so it
/// can be done away from the writing thread).
pub fn history_rows(doc: &mut AutoCommit) -> Vec<HistoryRow> {
    doc.get_changes_meta(&[])
        .into_iter()
        .map(|m| HistoryRow {
            hash: m.hash.to_string(),
            actor: m.actor.to_hex_string(),
            seq: m.seq as i64,
            time: m.timestamp,
            message: m.message.map(|c| c.into_owned()),
        })
        .collect()
}

/// Records change history rows (idempotent: known changes are kept).
pub fn insert_history(tx: &Transaction, id: &str, rows: &[HistoryRow]) -> Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO history (doc_id, hash, actor, seq, time, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for m in rows {
        ins.execute(params![id, m.hash, m.actor, m.seq, m.time, m.message])?;
    }
    Ok(())
}

/// Records the document's change history (idempotent: known changes are kept).
pub fn project_history(tx: &Transaction, id: &str, doc: &mut AutoCommit) -> Result<()> {
    insert_history(tx, id, &history_rows(doc))
}
