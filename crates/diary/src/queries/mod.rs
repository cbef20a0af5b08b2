//! Read-only queries over the projection, one module per screen: the day's
//! board and hearings in a range ([`board`]), the case list and case page
//! ([`cases`]), clients, fees, tasks, search and a case's history.
//! Nothing here loads a whole Automerge document.

use rusqlite::{Connection, OptionalExtension};

use crate::error::{DiaryError, Result};

pub mod board;
pub mod cases;
pub mod clients;
pub mod fees;
pub mod history;
pub mod search;
pub mod tasks;

pub use board::{board_on, Board, BoardEntry, CourtGroup, DayCount};
pub use cases::{
    AttachedDocument, CaseDetail, CaseFilter, CaseSummary, DocumentRow, HearingRow, NoteRow, PartyRow, RemovedRecord,
    UndatedPreview,
};
pub use clients::{CaseOrClient, ClientRow};
pub use fees::{FeeBalance, FeeRow};
pub use history::HistoryEntry;
pub use search::{search_on, SearchHit};
pub(crate) use tasks::{task_row, TASK_SELECT};
pub use tasks::{TaskPage, TaskRow};

/// Whose cases a list covers: a member's id (bound as `?3`), or everyone's (`None`).
pub(crate) fn member_clause(alias: &str, member: Option<&str>) -> String {
    match member {
        Some(_) => format!(" AND {alias} IN (SELECT case_id FROM case_members WHERE member_id = ?3)"),
        None => " AND ?3 IS NULL".to_string(),
    }
}

/// Checks that `id` is in `table`, else an unknown-`kind` error.
fn require(conn: &Connection, table: &str, kind: &'static str, id: &str) -> Result<()> {
    let found: Option<i64> = conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    found
        .map(|_| ())
        .ok_or_else(|| DiaryError::UnknownId { kind, id: id.into() })
}
