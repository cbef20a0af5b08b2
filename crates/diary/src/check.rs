//! Checking a diary for damage, and repairing what can be repaired.
//!
//! [`Diary::check`] reads everything and writes nothing: SQLCipher's page
//! check (every page's HMAC, so a flipped byte on disk is named by its page),
//! SQLite's own integrity check, every document loading, the projection
//! against a rebuild from the documents (done inside a transaction that is
//! rolled back), and every attachment's bytes against its SHA-256.
//! [`Diary::repair`] rebuilds the projection from the documents and checks
//! again, so what it could not repair is said plainly (a damaged page, a
//! document that does not load, an attachment whose bytes are gone: those
//! need a backup), naming the latest automatic backup when there is one.
//! [`Diary::quick_check`] is the part that runs at start-up after a session
//! that did not end properly: the encrypted pages and SQLite's structure.

use rusqlite::{Transaction, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::diary::Diary;
use crate::error::Result;
use crate::{projection, store};

/// What is wrong, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// A page of the encrypted file does not verify (changed on disk).
    Cipher,
    /// SQLite's structure is damaged.
    Database,
    /// A record's document does not load.
    Document,
    /// The lists and search differ from the documents (repairable).
    Projection,
    /// An attachment's bytes are missing or not what was attached.
    Attachment,
    /// The write-ahead log was cut short: the last changes may be lost.
    Log,
}

/// One thing found wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    pub detail: String,
}

/// What a check looked at and what it found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub documents: usize,
    pub attachments: usize,
    /// Whether the lists and search were rebuilt from the records (a repair).
    pub rebuilt: bool,
    pub problems: Vec<Problem>,
    /// The newest automatic backup, named when something could not be repaired.
    pub latest_backup: Option<String>,
}

impl CheckReport {
    pub fn is_healthy(&self) -> bool {
        self.problems.is_empty()
    }

    fn found(&mut self, kind: ProblemKind, detail: impl Into<String>) {
        self.problems.push(Problem {
            kind,
            detail: detail.into(),
        });
    }
}

impl Diary {
    /// Checks the whole diary; writes nothing.
    pub fn check(&mut self) -> Result<CheckReport> {
        // A damaged page can make any read fail: each part that fails is
        // itself a problem found, and the check goes on with the next part.
        let mut report = self.quick_check()?;
        let documents_load = self.check_documents(&mut report)?;
        if documents_load {
            if let Err(e) = self.check_projection(&mut report) {
                report.found(
                    ProblemKind::Projection,
                    format!("the lists cannot be rebuilt here: {e}"),
                );
            }
        }
        if let Err(e) = self.check_attachments(&mut report) {
            report.found(ProblemKind::Attachment, format!("the attachments cannot be read: {e}"));
        }
        if !report.is_healthy() {
            report.latest_backup = self.latest_automatic_backup();
        }
        Ok(report)
    }

    /// The quick part of the check: every encrypted page and SQLite's
    /// structure, and a write-ahead log found cut short when the diary opened.
    pub fn quick_check(&self) -> Result<CheckReport> {
        let mut report = CheckReport::default();
        if let Some(note) = &self.torn_log {
            report.found(ProblemKind::Log, note.clone());
        }
        self.check_pages(&mut report)?;
        Ok(report)
    }

    /// The newest automatic backup of this diary, if the folder holds one.
    fn latest_automatic_backup(&self) -> Option<String> {
        let folder = self.backup_folder().ok()??;
        let newest = crate::auto_backup::list_backups(&folder, self.diary_id()).ok()?.pop()?;
        Some(newest.1.to_string_lossy().into_owned())
    }

    /// Rebuilds the projection from the documents (when they all load), then
    /// checks again: what is still wrong could not be repaired here.
    pub fn repair(&mut self) -> Result<CheckReport> {
        let mut before = CheckReport::default();
        // A rebuild that fails (a damaged page) changes nothing; the check says why.
        let rebuilt = self.check_documents(&mut before)? && self.rebuild().is_ok();
        Ok(CheckReport {
            rebuilt,
            ..self.check()?
        })
    }

    fn check_pages(&self, report: &mut CheckReport) -> Result<()> {
        let rows = |sql: &str| -> Result<Vec<String>> {
            let mut stmt = self.conn.prepare(sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        };
        match rows("PRAGMA cipher_integrity_check") {
            Ok(lines) => {
                for l in lines {
                    report.found(ProblemKind::Cipher, l);
                }
            }
            Err(e) => report.found(ProblemKind::Cipher, e.to_string()),
        }
        match rows("PRAGMA integrity_check") {
            Ok(lines) => {
                // SQLite names every page a damaged one leads to: the first few say enough.
                let lines: Vec<String> = lines
                    .iter()
                    .flat_map(|l| l.lines())
                    .filter(|l| *l != "ok" && !l.starts_with("***"))
                    .map(str::to_string)
                    .collect();
                if !lines.is_empty() {
                    let more = lines.len().saturating_sub(3);
                    let mut detail = lines[..lines.len().min(3)].join("; ");
                    if more > 0 {
                        detail.push_str(&format!("; and {more} more"));
                    }
                    report.found(ProblemKind::Database, detail);
                }
            }
            Err(e) => report.found(ProblemKind::Database, e.to_string()),
        }
        Ok(())
    }

    /// Whether every document loads (each one that does not is a problem).
    fn check_documents(&self, report: &mut CheckReport) -> Result<bool> {
        let ids: Vec<String> = match self.conn.prepare("SELECT id FROM docs ORDER BY id").and_then(|mut s| {
            s.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()
        }) {
            Ok(ids) => ids,
            Err(e) => {
                report.found(
                    ProblemKind::Database,
                    format!("the list of records cannot be read: {e}"),
                );
                return Ok(false);
            }
        };
        let mut all = true;
        for id in ids {
            report.documents += 1;
            if let Err(e) = store::load_doc(&self.conn, &id) {
                report.found(ProblemKind::Document, format!("record {id} does not load: {e}"));
                all = false;
            }
        }
        Ok(all)
    }

    fn check_projection(&self, report: &mut CheckReport) -> Result<()> {
        let current = match projection::dump(&self.conn) {
            Ok(rows) => rows,
            Err(e) => {
                report.found(ProblemKind::Projection, format!("the lists cannot be read: {e}"));
                return Ok(());
            }
        };
        // Rebuilt inside a transaction that is rolled back: nothing is written.
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)?;
        projection::rebuild(&tx)?;
        let rebuilt = projection::dump(&tx)?;
        tx.rollback()?;
        if current != rebuilt {
            let differ = current.iter().filter(|r| !rebuilt.contains(r)).count()
                + rebuilt.iter().filter(|r| !current.contains(r)).count();
            report.found(
                ProblemKind::Projection,
                format!(
                    "the lists and search differ from the records in {differ} rows (`nextdate repair` rebuilds them)"
                ),
            );
        }
        Ok(())
    }

    fn check_attachments(&self, report: &mut CheckReport) -> Result<()> {
        for b in self.blob_inventory()? {
            report.attachments += 1;
            match self.blob(&b.sha256)? {
                None => report.found(
                    ProblemKind::Attachment,
                    format!(
                        "the bytes of attachment {} are missing (restore them from a backup)",
                        b.sha256
                    ),
                ),
                Some(bytes) => {
                    let hash = data_encoding::HEXLOWER.encode(&Sha256::digest(&bytes));
                    if hash != b.sha256 {
                        report.found(
                            ProblemKind::Attachment,
                            format!("attachment {} has changed (its bytes hash to {hash})", b.sha256),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
