//! Open and overdue tasks across the diary.

use chrono::NaiveDate;
use rusqlite::Row;
use serde::Serialize;

use crate::diary::Diary;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskRow {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub title: String,
    pub due: Option<String>,
    pub assignee: Option<String>,
    pub done: bool,
}

pub(crate) fn task_row(r: &Row) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: r.get(0)?,
        case_id: r.get(1)?,
        case_number: r.get(2)?,
        title: r.get(3)?,
        due: r.get(4)?,
        assignee: r.get(5)?,
        done: r.get(6)?,
    })
}

pub(crate) const TASK_SELECT: &str =
    "SELECT t.id, t.case_id, c.number, t.title, t.due, t.assignee, t.done FROM tasks t JOIN cases c ON c.id = t.case_id";

impl Diary {
    /// Open tasks (all, or only those due before `overdue_as_of`), earliest due first.
    pub fn tasks(&self, overdue_as_of: Option<NaiveDate>) -> Result<Vec<TaskRow>> {
        let (sql, arg) = match overdue_as_of {
            Some(d) => (
                format!("{TASK_SELECT} WHERE t.done = 0 AND t.due < ?1 ORDER BY t.due, c.number"),
                d.to_string(),
            ),
            None => (
                format!("{TASK_SELECT} WHERE t.done = 0 AND ?1 = ?1 ORDER BY t.due IS NULL, t.due, c.number"),
                String::new(),
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([arg], task_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Overdue tasks: open, with a due date before `today`.
    pub fn overdue_tasks(&self, today: NaiveDate) -> Result<Vec<TaskRow>> {
        self.tasks(Some(today))
    }
}
