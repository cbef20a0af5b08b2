//! Tasks on a case: adding one (with an optional due date) and completing it.
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::dates::{format_dmy, parse_iso};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{check_date, clean_opt, required};
use crate::write::{new_id, now_rfc3339, WriteTxn};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewTask {
    pub title: String,
    pub due: Option<NaiveDate>,
    pub assignee: Option<String>,
}

impl Diary {
    pub fn add_task(&mut self, case_id: &str, t: NewTask) -> Result<String> {
        self.write(|w| w.add_task(case_id, t))
    }
    pub fn complete_task(&mut self, task_id: &str) -> Result<()> {
        self.write(|w| w.complete_task(task_id))
    }
}

impl WriteTxn<'_> {
    pub fn add_task(&mut self, case_id: &str, t: NewTask) -> Result<String> {
        let title = required(&t.title, "task title")?;
        let due = t.due.map(check_date).transpose()?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let msg = match &due {
                Some(d) => format!(
                    "Added task \u{201c}{title}\u{201d} due {}",
                    parse_iso(d).map(format_dmy).unwrap_or_default()
                ),
                None => format!("Added task \u{201c}{title}\u{201d}"),
            };
            c.tasks.insert(
                id.clone(),
                Task {
                    title,
                    due,
                    assignee: clean_opt(t.assignee),
                    done: false,
                    done_at: None,
                    created_at: now_rfc3339(),
                    ..Default::default()
                },
            );
            Ok((id, msg))
        })
    }

    pub fn complete_task(&mut self, task_id: &str) -> Result<()> {
        let case_id: String = self
            .tx
            .query_row("SELECT case_id FROM tasks WHERE id = ?1", [task_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "task",
                id: task_id.into(),
            })?;
        self.change::<CaseDoc, _>(&case_id, DocKind::Case, |c, _| {
            let t = c.tasks.get_mut(task_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "task",
                id: task_id.into(),
            })?;
            if t.done {
                return Err(DiaryError::AlreadyDone(t.title.clone()));
            }
            t.done = true;
            t.done_at = Some(now_rfc3339());
            Ok(((), format!("Completed task \u{201c}{}\u{201d}", t.title)))
        })
    }
}

/// The checks a task in a whole case document gets: a title and a due date in range.
pub(crate) fn check_stored_task(t: &Task) -> Result<()> {
    required(&t.title, "task title")?;
    if let Some(d) = &t.due {
        check_date(parse_iso(d)?)?;
    }
    Ok(())
}
