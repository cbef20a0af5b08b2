//! Import of clients, cases, hearings, fees, tasks and notes, and the
//! accounts (fee terms, time entries, receipt numbers, bills) from CSV files:
//! a Nextdate CSV export, the template in `docs/import.md`, or the shapes other
//! practice tools and court websites export (header aliases such as "Case No.",
//! "NDOH", "Coram"; dates like 05/01/2026 or 5-Jan-2026).
//!
//! Every row of every file is checked first and every problem is reported as
//! `file:line: column: message`. Only an import with no problem at all is
//! written, in one transaction; a dry run only reports.
//!
//! Where each step is: header aliases in [`aliases`], reading the files in
//! [`read`], checking and planning every row in [`plan`] (the accounts tables
//! in [`accounts`]), writing in [`apply`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::progress::Progress;

mod accounts;
mod aliases;
mod apply;
mod plan;
mod read;

use aliases::norm;
pub use read::parse_import_date;
use read::{read_file, Rec};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Check and count, write nothing.
    DryRun,
    /// Write everything, or nothing if any row is bad.
    Apply,
}

/// A bad row: where it is and what is wrong.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportIssue {
    pub file: String,
    /// Line in the file as a spreadsheet shows it (the header is line 1).
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "{}:{}: {}: {}", self.file, self.line, c, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// What an import found, and whether it was written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub clients: usize,
    pub cases: usize,
    pub hearings: usize,
    pub fees: usize,
    pub tasks: usize,
    pub notes: usize,
    /// Cases given fee terms.
    pub fee_terms: usize,
    pub time_entries: usize,
    /// Bills of cases and of clients.
    pub bills: usize,
    pub errors: Vec<ImportIssue>,
    pub warnings: Vec<String>,
    pub applied: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Clients,
    Cases,
    Parties,
    Hearings,
    Fees,
    Tasks,
    Notes,
    FeeTerms,
    TimeEntries,
    Bills,
}

/// Which table a file holds, from its name.
fn kind_of(path: &Path) -> Option<Kind> {
    let stem = norm(&path.file_stem()?.to_string_lossy());
    Some(if stem.contains("client") {
        Kind::Clients
    } else if stem.contains("part") {
        Kind::Parties
    } else if stem.contains("hearing") {
        Kind::Hearings
    } else if stem.contains("term") {
        Kind::FeeTerms
    } else if stem.contains("time") {
        Kind::TimeEntries
    } else if stem.contains("bill") {
        Kind::Bills
    } else if stem.contains("fee") {
        Kind::Fees
    } else if stem.contains("task") {
        Kind::Tasks
    } else if stem.contains("note") {
        Kind::Notes
    } else if stem.contains("document") || stem == "export" {
        return None;
    } else {
        Kind::Cases
    })
}

impl Diary {
    /// Imports the CSV files at `paths` (files, or folders whose `.csv` files are read).
    pub fn import_csv(&mut self, paths: &[PathBuf], mode: ImportMode) -> Result<ImportReport> {
        self.import_csv_with_progress(paths, mode, &Progress::none())
    }

    /// [`Diary::import_csv`], reporting each record written. The import is one
    /// transaction: cancelled, it is rolled back and nothing is imported.
    pub fn import_csv_with_progress(
        &mut self,
        paths: &[PathBuf],
        mode: ImportMode,
        progress: &Progress<'_>,
    ) -> Result<ImportReport> {
        let mut files: Vec<(Kind, PathBuf)> = Vec::new();
        let mut report = ImportReport::default();
        for p in paths {
            if p.is_dir() {
                let mut inside: Vec<PathBuf> = std::fs::read_dir(p)?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| f.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                    .collect();
                inside.sort();
                for f in inside {
                    match kind_of(&f) {
                        Some(k) => files.push((k, f)),
                        None => report.warnings.push(format!(
                            "{}: not imported (attachments are not imported from CSV)",
                            f.display()
                        )),
                    }
                }
            } else if p.is_file() {
                match kind_of(p) {
                    Some(k) => files.push((k, p.clone())),
                    None => report.warnings.push(format!("{}: not imported", p.display())),
                }
            } else {
                return Err(DiaryError::BadPath(format!("{} does not exist", p.display())));
            }
        }
        if files.is_empty() {
            return Err(DiaryError::NothingToImport);
        }
        files.sort();
        let mut errors = Vec::new();
        let mut recs: BTreeMap<Kind, Vec<Rec>> = BTreeMap::new();
        for (k, f) in &files {
            let rows = read_file(f, *k, &mut report.warnings, &mut errors);
            recs.entry(*k).or_default().extend(rows);
        }
        let mut plan = self.plan(&mut recs, &mut errors)?;
        report.warnings.append(&mut plan.warnings);
        report.clients = plan.clients.len();
        report.cases = plan.cases.len();
        for c in &plan.cases {
            report.hearings += c.doc.hearings.len();
            report.fees += c.doc.fees.len();
            report.tasks += c.doc.tasks.len();
            report.notes += c.doc.notes.len();
            report.fee_terms += usize::from(c.doc.fee_terms.is_some());
            report.time_entries += c.doc.time_entries.len();
            report.bills += c.doc.bills.len();
        }
        report.bills += plan.clients.iter().map(|c| c.bills.len()).sum::<usize>();
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        report.errors = errors;
        if mode == ImportMode::DryRun || !report.errors.is_empty() {
            return Ok(report);
        }
        self.apply(plan, progress)?;
        report.applied = true;
        Ok(report)
    }
}
