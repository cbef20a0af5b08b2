//! Open and overdue tasks across the diary: the tasks of every case and the
//! chamber's own (follow-ups that belong to no case), which have the
//! chamber's id as `case_id` and no case number.

use chrono::NaiveDate;
use rusqlite::Row;
use serde::Serialize;

use crate::diary::Diary;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskRow {
    pub id: String,
    /// The case holding the task, or the chamber's id for a chamber task.
    pub case_id: String,
    /// The case's number; `None` for a chamber task.
    pub case_number: Option<String>,
    pub title: String,
    pub due: Option<String>,
    /// The member the task is assigned to (their id; tasks written before
    /// assignees were checked may hold a name as typed).
    pub assignee: Option<String>,
    /// The assignee in words: the member's name, or the text as typed.
    pub assignee_name: Option<String>,
    pub done: bool,
}

/// A page of the overdue tasks, and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskPage {
    pub total: u32,
    pub tasks: Vec<TaskRow>,
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
        assignee_name: r.get(7)?,
    })
}

/// Every task with its case's number (chamber tasks have none) and its
/// assignee's name, aliased `t` and `c`.
pub(crate) const TASK_SELECT: &str = "SELECT t.id, t.case_id, c.number, t.title, t.due, t.assignee, t.done,
       coalesce(am.name, t.assignee)
     FROM tasks t LEFT JOIN cases c ON c.id = t.case_id LEFT JOIN members am ON am.id = t.assignee";

/// Open tasks (aliased `t`) due before the date bound to `?1`.
const OVERDUE_WHERE: &str = "WHERE t.done = 0 AND t.due < ?1";
/// Overdue tasks' order: the longest overdue first.
const OVERDUE_ORDER: &str = "ORDER BY t.due, c.number, t.id";

impl Diary {
    /// Open tasks (all, or only those due before `overdue_as_of`), earliest due
    /// first; chamber tasks before case tasks due the same day.
    pub fn tasks(&self, overdue_as_of: Option<NaiveDate>) -> Result<Vec<TaskRow>> {
        let (sql, arg) = match overdue_as_of {
            Some(d) => (format!("{TASK_SELECT} {OVERDUE_WHERE} {OVERDUE_ORDER}"), d.to_string()),
            None => (
                format!("{TASK_SELECT} WHERE t.done = 0 AND ?1 = ?1 ORDER BY t.due IS NULL, t.due, c.number, t.id"),
                String::new(),
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([arg], task_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The chamber's own tasks (those of no case), open ones first, each by due date.
    pub fn chamber_tasks(&self) -> Result<Vec<TaskRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{TASK_SELECT} WHERE t.case_id = ?1 ORDER BY t.done, t.due IS NULL, t.due, t.id"
        ))?;
        let rows = stmt.query_map([self.chamber_id()], task_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Overdue tasks: open, with a due date before `today`.
    pub fn overdue_tasks(&self, today: NaiveDate) -> Result<Vec<TaskRow>> {
        self.tasks(Some(today))
    }

    /// `limit` of the overdue tasks from the `offset`th on, in the order of
    /// [`Diary::overdue_tasks`], and how many are overdue: Today draws the
    /// first few and more on asking, never thousands at once.
    pub fn overdue_tasks_page(&self, today: NaiveDate, offset: usize, limit: usize) -> Result<TaskPage> {
        let day = today.to_string();
        let total: u32 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM tasks t {OVERDUE_WHERE}"))?
            .query_row([&day], |r| r.get(0))?;
        let tasks = self
            .conn
            .prepare_cached(&format!(
                "{TASK_SELECT} {OVERDUE_WHERE} {OVERDUE_ORDER} LIMIT ?2 OFFSET ?3"
            ))?
            .query_map(rusqlite::params![day, limit as i64, offset as i64], task_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(TaskPage { total, tasks })
    }
}
