//! Tasks, on a case or on the chamber (follow-ups that belong to no case):
//! adding one, completing and reopening it, correcting its title, due date
//! and assignee (a member of the chamber), and removing it.
//!
//! A chamber task lives in the chamber document (`ChamberDoc::tasks`) and is
//! projected into `tasks` with the chamber's id as its `case_id`, so every
//! operation here takes the id of the document that holds the task: a case,
//! or the chamber ([`Diary::chamber_id`]). [`Diary::case_of`] finds it.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::child::{describe_change, ChildKind};
use super::corrected::{given, quoted, Corrected};
use crate::dates::{iso_to_dmy, parse_iso};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::listing::MemberRow;
use crate::model::*;
use crate::store;
use crate::validate::{check_date, required};
use crate::write::{new_id, now_rfc3339, WriteTxn};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewTask {
    pub title: String,
    pub due: Option<NaiveDate>,
    /// A member of the chamber (their id), or nobody.
    pub assignee: Option<String>,
}

/// A correction of a task: each field given is set; `due` and `assignee`
/// given as `None` are cleared. Nothing given is [`DiaryError::NothingToChange`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TaskEdit {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "given")]
    pub due: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "given")]
    pub assignee: Option<Option<String>>,
}

impl TaskEdit {
    fn is_empty(&self) -> bool {
        self.title.is_none() && self.due.is_none() && self.assignee.is_none()
    }
}

impl Diary {
    /// Adds a task to `owner`: a case, or the chamber (a follow-up of no case).
    pub fn add_task(&mut self, owner: &str, t: NewTask) -> Result<String> {
        self.write(|w| w.add_task(owner, t))
    }
    /// Adds a task that belongs to no case (kept in the chamber document).
    pub fn add_chamber_task(&mut self, t: NewTask) -> Result<String> {
        let chamber = self.chamber_id().to_string();
        self.add_task(&chamber, t)
    }
    /// Marks a task done, wherever it is (a case or the chamber).
    pub fn complete_task(&mut self, task_id: &str) -> Result<()> {
        let owner = self.case_of(ChildKind::Task, task_id)?;
        self.write(|w| w.complete_task(&owner, task_id))
    }
    pub fn edit_task(&mut self, case_id: &str, task_id: &str, e: TaskEdit) -> Result<Corrected> {
        self.write(|w| w.edit_task(case_id, task_id, e))
    }
    pub fn assign_task(&mut self, case_id: &str, task_id: &str, member: Option<&str>) -> Result<Corrected> {
        self.write(|w| w.assign_task(case_id, task_id, member))
    }
    pub fn reopen_task(&mut self, case_id: &str, task_id: &str) -> Result<Corrected> {
        self.write(|w| w.reopen_task(case_id, task_id))
    }
    pub fn remove_task(&mut self, case_id: &str, task_id: &str) -> Result<Corrected> {
        self.write(|w| w.remove_task(case_id, task_id))
    }
}

impl Diary {
    /// A member of the chamber by id, or by name (case-insensitive; a part of
    /// the name will do if it names one member only).
    pub fn find_member(&self, who: &str) -> Result<MemberRow> {
        let members = self.members()?;
        if let Some(m) = members.iter().find(|m| m.id == who.trim()) {
            return Ok(m.clone());
        }
        let wanted = who.trim().to_lowercase();
        let named: Vec<&MemberRow> = members
            .iter()
            .filter(|m| !wanted.is_empty() && m.name.to_lowercase().contains(&wanted))
            .collect();
        match named.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(DiaryError::UnknownId {
                kind: "member",
                id: who.to_string(),
            }),
            many => Err(DiaryError::AmbiguousMember(format!(
                "{who:?} matches {} members ({}); give the member's id",
                many.len(),
                many.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }
}

/// The name of chamber member `id`, or an unknown-member error.
fn member_name(tx: &Transaction, id: &str) -> Result<String> {
    tx.prepare_cached("SELECT name FROM members WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| DiaryError::UnknownId {
            kind: "member",
            id: id.to_string(),
        })
}

/// An assignee as typed: blank is nobody, anything else must be a member's id.
fn check_assignee(tx: &Transaction, assignee: Option<&str>) -> Result<Option<String>> {
    match assignee.map(str::trim).filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(id) => member_name(tx, id).map(|_| Some(id.to_string())),
    }
}

/// A stored assignee in words: the member's name, or the id if they left the chamber.
fn assignee_words(tx: &Transaction, assignee: Option<&str>) -> Result<Option<String>> {
    assignee
        .map(|id| Ok(member_name(tx, id).unwrap_or_else(|_| id.to_string())))
        .transpose()
}

impl WriteTxn<'_> {
    /// Runs `f` on the tasks of `owner`, a case or the chamber, as one change
    /// (an id that is neither is an unknown case).
    fn change_tasks<R>(
        &mut self,
        owner: &str,
        f: impl FnOnce(&mut BTreeMap<String, Task>, &Transaction) -> Result<(R, String)>,
    ) -> Result<R> {
        match store::doc_kind(self.tx, owner)? {
            Some(DocKind::Chamber) => {
                self.change::<ChamberDoc, _>(owner, DocKind::Chamber, |c, tx| f(&mut c.tasks, tx))
            }
            _ => self.change::<CaseDoc, _>(owner, DocKind::Case, |c, tx| f(&mut c.tasks, tx)),
        }
    }

    /// Runs `f` on task `task_id` of `owner` after checking it is there and not removed.
    fn change_task<R>(
        &mut self,
        owner: &str,
        task_id: &str,
        f: impl FnOnce(&mut Task, &Transaction) -> Result<(R, String)>,
    ) -> Result<R> {
        self.check_child(owner, ChildKind::Task, task_id)?;
        self.change_tasks(owner, |tasks, tx| {
            let t = tasks.get_mut(task_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "task",
                id: task_id.into(),
            })?;
            f(t, tx)
        })
    }

    /// Adds a task to `owner`: a case, or the chamber.
    pub fn add_task(&mut self, owner: &str, t: NewTask) -> Result<String> {
        let title = required(&t.title, "task title")?;
        let due = t.due.map(check_date).transpose()?;
        let assignee = check_assignee(self.tx, t.assignee.as_deref())?;
        let assigned_to = assignee_words(self.tx, assignee.as_deref())?;
        self.change_tasks(owner, |tasks, _| {
            let id = new_id();
            let mut msg = format!("Added task {}", quoted(&title));
            if let Some(d) = &due {
                msg.push_str(&format!(" due {}", iso_to_dmy(d)));
            }
            if let Some(name) = &assigned_to {
                msg.push_str(&format!(", assigned to {name}"));
            }
            tasks.insert(
                id.clone(),
                Task {
                    title,
                    due,
                    assignee,
                    done: false,
                    done_at: None,
                    created_at: now_rfc3339(),
                    ..Default::default()
                },
            );
            Ok((id, msg))
        })
    }

    /// Marks task `task_id` of `owner` done.
    pub fn complete_task(&mut self, owner: &str, task_id: &str) -> Result<()> {
        self.change_task(owner, task_id, |t, _| {
            if t.done {
                return Err(DiaryError::AlreadyDone(t.title.clone()));
            }
            t.done = true;
            t.done_at = Some(now_rfc3339());
            Ok(((), format!("Completed task {}", quoted(&t.title))))
        })
    }

    /// Corrects a task's title, due date or assignee.
    pub fn edit_task(&mut self, owner: &str, task_id: &str, e: TaskEdit) -> Result<Corrected> {
        if e.is_empty() {
            return Err(DiaryError::NothingToChange("task"));
        }
        let title = e.title.as_deref().map(|t| required(t, "task title")).transpose()?;
        let due = e.due.map(|d| d.map(check_date).transpose()).transpose()?;
        let assignee = e
            .assignee
            .as_ref()
            .map(|a| check_assignee(self.tx, a.as_deref()))
            .transpose()?;
        self.change_task(owner, task_id, |t, tx| {
            let mut parts = Vec::new();
            let was = t.title.clone();
            if let Some(title) = title {
                parts.extend(describe_change("title", Some(&quoted(&t.title)), Some(&quoted(&title))));
                t.title = title;
            }
            if let Some(due) = due {
                let dmy = |d: &Option<String>| d.as_deref().map(iso_to_dmy);
                parts.extend(describe_change(
                    "due date",
                    dmy(&t.due).as_deref(),
                    dmy(&due).as_deref(),
                ));
                t.due = due;
            }
            if let Some(assignee) = assignee {
                let old = assignee_words(tx, t.assignee.as_deref())?;
                let new = assignee_words(tx, assignee.as_deref())?;
                if t.assignee != assignee {
                    parts.extend(describe_change("assignee", old.as_deref(), new.as_deref()));
                }
                t.assignee = assignee;
            }
            let msg = if parts.is_empty() {
                String::new()
            } else {
                format!("Task {}: {}", quoted(&was), parts.join("; "))
            };
            Ok((Corrected::new(task_id, owner, msg.clone()), msg))
        })
    }

    /// Assigns a task to a member of the chamber (their id), or to nobody.
    pub fn assign_task(&mut self, owner: &str, task_id: &str, member: Option<&str>) -> Result<Corrected> {
        let assignee = check_assignee(self.tx, member)?;
        self.change_task(owner, task_id, |t, tx| {
            let msg = if t.assignee == assignee {
                String::new()
            } else {
                match (
                    assignee_words(tx, assignee.as_deref())?,
                    assignee_words(tx, t.assignee.as_deref())?,
                ) {
                    (Some(name), _) => format!("Task {} assigned to {name}", quoted(&t.title)),
                    (None, Some(was)) => format!("Task {} no longer assigned (was {was})", quoted(&t.title)),
                    (None, None) => String::new(),
                }
            };
            t.assignee = assignee;
            Ok((Corrected::new(task_id, owner, msg.clone()), msg))
        })
    }

    /// Opens a done task again.
    pub fn reopen_task(&mut self, owner: &str, task_id: &str) -> Result<Corrected> {
        self.change_task(owner, task_id, |t, _| {
            if !t.done {
                return Err(DiaryError::BadStatusChange(format!(
                    "task {} is not done, so it cannot be reopened",
                    quoted(&t.title)
                )));
            }
            t.done = false;
            t.done_at = None;
            let msg = format!("Reopened task {}", quoted(&t.title));
            Ok((Corrected::new(task_id, owner, msg.clone()), msg))
        })
    }

    /// Removes a task: it leaves the lists, and stays in its document marked
    /// removed (so the removal merges and can be undone).
    pub fn remove_task(&mut self, owner: &str, task_id: &str) -> Result<Corrected> {
        self.change_task(owner, task_id, |t, _| {
            t.removed_at = Some(now_rfc3339());
            let msg = format!("Removed task {}", quoted(&t.title));
            Ok((Corrected::new(task_id, owner, msg.clone()), msg))
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
