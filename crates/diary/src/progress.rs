//! Progress and cancellation of long work: a backup, a restore, a rebuild of
//! the projection, a CSV import, demo data, the first sync of a big diary.
//!
//! Such work takes a [`Progress`]: a report callback that hears a [`Step`]
//! (what is being done, how much of how much) and a [`Cancel`] token the shell
//! sets (Ctrl+C in the CLI, the Cancel button in the app). The work looks at
//! the token only where stopping leaves nothing half-written — inside one
//! transaction (a rollback then undoes it all), between whole batches, or
//! before a temporary file or staging folder is moved into place (it is
//! removed instead) — and then fails with [`DiaryError::Cancelled`] (nothing
//! changed) or [`DiaryError::CancelledAfter`] (whole steps already done are
//! kept, and the message says which). Callers that do not care pass
//! [`Progress::none()`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

use crate::error::{DiaryError, Result};

/// What long work is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Writing a backup: documents and attachments.
    Backup,
    /// Reading a backup into a new diary: documents and attachments.
    Restore,
    /// Rebuilding the projection from the documents.
    Rebuild,
    /// Writing the records of a CSV import.
    Import,
    /// Adding demo cases.
    Demo,
    /// Sending this laptop's changes to the relay.
    Push,
    /// Receiving the chamber's log from the relay.
    Pull,
}

impl Stage {
    /// What is being done, in words ("Backing up").
    pub fn label(self) -> &'static str {
        match self {
            Stage::Backup => "Backing up",
            Stage::Restore => "Restoring",
            Stage::Rebuild => "Rebuilding the lists",
            Stage::Import => "Importing",
            Stage::Demo => "Adding demo cases",
            Stage::Push => "Sending changes",
            Stage::Pull => "Receiving changes",
        }
    }

    /// What the counts count ("records").
    pub fn unit(self) -> &'static str {
        match self {
            Stage::Backup | Stage::Restore | Stage::Rebuild => "records",
            Stage::Import | Stage::Demo => "cases",
            Stage::Push => "changes",
            Stage::Pull => "batches",
        }
    }
}

/// One report: `done` of `total` (`total` may grow, as a relay's log does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    pub stage: Stage,
    pub done: u64,
    pub total: u64,
}

/// The cancellation flag of one piece of work, shared with whoever may cancel
/// it (a Ctrl+C handler, a command from the window). Cloning shares the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work to stop at its next safe point.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Clears the flag, for a token reused by the next piece of work.
    pub fn reset(&self) {
        self.0.store(false, Ordering::SeqCst);
    }

    /// The shared flag itself (for a signal handler that only stores `true`).
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.0.clone()
    }
}

impl From<Arc<AtomicBool>> for Cancel {
    fn from(flag: Arc<AtomicBool>) -> Self {
        Cancel(flag)
    }
}

/// What long work is handed: where to report, and whether to stop.
#[derive(Clone, Copy, Default)]
pub struct Progress<'a> {
    report: Option<&'a dyn Fn(Step)>,
    cancel: Option<&'a Cancel>,
}

impl std::fmt::Debug for Progress<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Progress")
            .field("reports", &self.report.is_some())
            .field("cancel", &self.cancel)
            .finish()
    }
}

impl<'a> Progress<'a> {
    /// Reports nowhere and is never cancelled.
    pub fn none() -> Progress<'static> {
        Progress::default()
    }

    /// Reports to `report`, stops when `cancel` is set.
    pub fn new(report: &'a dyn Fn(Step), cancel: &'a Cancel) -> Self {
        Progress {
            report: Some(report),
            cancel: Some(cancel),
        }
    }

    /// Reports to `report`; never cancelled.
    pub fn reporting(report: &'a dyn Fn(Step)) -> Self {
        Progress {
            report: Some(report),
            cancel: None,
        }
    }

    /// Reports nowhere; stops when `cancel` is set.
    pub fn cancellable(cancel: &'a Cancel) -> Self {
        Progress {
            report: None,
            cancel: Some(cancel),
        }
    }

    /// Tells the caller how far the work is.
    pub fn report(&self, stage: Stage, done: u64, total: u64) {
        if let Some(report) = self.report {
            report(Step { stage, done, total });
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_some_and(Cancel::is_cancelled)
    }

    /// At a safe point: [`DiaryError::Cancelled`] when the work was cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(DiaryError::Cancelled);
        }
        Ok(())
    }

    /// Reports, then [`Progress::check`]s: for work whose every step may be its last.
    pub fn step(&self, stage: Stage, done: u64, total: u64) -> Result<()> {
        self.report(stage, done, total);
        self.check()
    }
}

/// A count from one SQL query, as a progress total.
pub(crate) fn count(conn: &rusqlite::Connection, sql: &str) -> Result<u64> {
    Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    #[test]
    fn steps_are_reported_and_a_cancel_is_seen_at_the_next_check() {
        let seen = RefCell::new(Vec::new());
        let cancel = Cancel::new();
        let report = |s: Step| {
            seen.borrow_mut().push(s.done);
            if s.done == 2 {
                cancel.cancel();
            }
        };
        let p = Progress::new(&report, &cancel);
        assert!(p.step(Stage::Backup, 1, 3).is_ok());
        assert_eq!(p.step(Stage::Backup, 2, 3).unwrap_err().code(), "cancelled");
        assert_eq!(*seen.borrow(), vec![1, 2]);
        cancel.reset();
        assert!(p.check().is_ok());
        assert!(Progress::none().step(Stage::Rebuild, 1, 1).is_ok());
    }
}
