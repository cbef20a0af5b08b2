//! A case's history: who changed what, and when.

use serde::Serialize;

use crate::diary::Diary;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryEntry {
    /// Seconds since the Unix epoch, UTC.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub time: i64,
    pub who: String,
    pub message: String,
    /// Its author's laptop signed it, and the signature was checked against
    /// the key the chamber lists for that laptop (see [`crate::authorship`]).
    pub verified: bool,
}

impl Diary {
    /// Who changed what in a case, and when, oldest first.
    pub fn history(&self, case_id: &str) -> Result<Vec<HistoryEntry>> {
        self.require_case(case_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.time, coalesce(m.name, d.label, substr(h.actor, 1, 8)), coalesce(h.message, ''),
                    EXISTS (SELECT 1 FROM change_signatures s WHERE s.hash = h.hash)
             FROM history h LEFT JOIN devices d ON d.actor = h.actor LEFT JOIN members m ON m.id = d.member_id
             WHERE h.doc_id = ?1 ORDER BY h.time, h.seq, h.hash",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(HistoryEntry {
                time: r.get(0)?,
                who: r.get(1)?,
                message: r.get(2)?,
                verified: r.get(3)?,
            })
        })?;
        let mut entries = rows.collect::<rusqlite::Result<Vec<HistoryEntry>>>()?;
        for e in &mut entries {
            e.message = crate::erasure::name_clients(&self.conn, &e.message)?;
        }
        Ok(entries)
    }
}
