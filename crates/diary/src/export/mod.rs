//! Full export of the diary in open formats: one JSON file holding everything,
//! or one CSV file per table, plus every attached document as a file. What
//! the advocate takes elsewhere — so it is plaintext by nature, written only
//! where they ask, and either complete or absent (built in a staging folder
//! beside the target and renamed into place).
//!
//! Both formats stream: rows go from their query to the file as they are
//! read (`tables` says what each table holds, `csv_files` and `json_file`
//! write them, `attachments` the documents' files), so the memory an export
//! takes is that of one case, not of the diary. Every file is flushed to disk
//! before the folder is renamed into place.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diary::Diary;
use crate::error::{DiaryError, Result};

mod attachments;
mod csv_files;
mod json_file;
mod tables;

pub use attachments::safe_file_name;
use attachments::{sync_dir, sync_tree};

/// Name and version of the export layout, in `diary.json` and `export.json`.
pub const EXPORT_FORMAT: &str = "nextdate-export/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Csv,
}

impl ExportFormat {
    /// `json` or `csv`, as the app asks for it and as export folders are named.
    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Csv => "csv",
        }
    }

    /// The format named `json` or `csv`.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "json" => Ok(ExportFormat::Json),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(DiaryError::UnknownValue(format!("unknown export format {other:?}"))),
        }
    }
}

/// A new folder for an export inside `parent`: `nextdate-export-DATE-FORMAT`,
/// or with `-2`, `-3` … added when that name is taken. Nothing is created.
pub fn new_export_folder(parent: &Path, format: ExportFormat, today: chrono::NaiveDate) -> PathBuf {
    let base = format!("nextdate-export-{today}-{}", format.as_str());
    let mut dir = parent.join(&base);
    let mut n = 2;
    while dir.exists() {
        dir = parent.join(format!("{base}-{n}"));
        n += 1;
    }
    dir
}

/// How much an export wrote.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ExportSummary {
    pub clients: usize,
    pub cases: usize,
    pub hearings: usize,
    pub tasks: usize,
    pub notes: usize,
    pub fees: usize,
    pub documents: usize,
    /// Cases with fee terms.
    pub fee_terms: usize,
    pub time_entries: usize,
    /// Bills issued, for cases and for clients (cancelled ones too).
    pub bills: usize,
    /// Files written, attachments included.
    pub files: usize,
}

impl Diary {
    /// Exports everything into `dir`, which must not exist or be empty.
    pub fn export(&self, format: ExportFormat, dir: &Path) -> Result<ExportSummary> {
        if dir.exists() {
            let empty = dir.is_dir() && fs::read_dir(dir)?.next().is_none();
            if !empty {
                return Err(DiaryError::FileExists(dir.to_path_buf()));
            }
        }
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| DiaryError::BadPath(format!("{} is not a folder name", dir.display())))?;
        let staging = dir.with_file_name(format!(".{name}.exporting-{}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        let written = self.export_into(format, &staging).and_then(|summary| {
            // On disk before it is named as the export: a write the disk
            // could not keep fails the export here, not silently later.
            sync_tree(&staging)?;
            if dir.exists() {
                fs::remove_dir(dir)?;
            }
            fs::rename(&staging, dir)?;
            Ok(summary)
        });
        match written {
            Ok(summary) => {
                if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                    sync_dir(parent);
                }
                Ok(summary)
            }
            Err(e) => {
                let _ = fs::remove_dir_all(&staging);
                Err(e)
            }
        }
    }

    /// Writes the export into the (new) folder `out`, streaming: no more of
    /// the diary is held than one case (JSON) or one row (CSV).
    fn export_into(&self, format: ExportFormat, out: &Path) -> Result<ExportSummary> {
        fs::create_dir_all(out.join("attachments"))?;
        // One read transaction: every file describes the diary at one moment,
        // even if another connection (sync, the app) writes meanwhile.
        let _snapshot = match self.conn().is_autocommit() {
            true => Some(self.conn().unchecked_transaction()?),
            false => None,
        };
        match format {
            ExportFormat::Csv => csv_files::write(self, out),
            ExportFormat::Json => json_file::write(self, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{new_export_folder, safe_file_name, ExportFormat};

    #[test]
    fn document_names_cannot_escape_the_export_folder() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("..\\x:y?.pdf"), "_x_y_.pdf");
        assert_eq!(safe_file_name("  "), "document");
        assert_eq!(safe_file_name("वकालतनामा.pdf"), "वकालतनामा.pdf");
    }

    #[test]
    fn long_names_fit_a_file_system_and_keep_their_extension() {
        let dir = tempfile::tempdir().unwrap();
        let devanagari = format!("{}.pdf", "वकालतनामा ".repeat(20));
        let latin = format!("{}.docx", "Vakalatnama of the respondent ".repeat(8));
        let no_extension = "क".repeat(300);
        for name in [&devanagari, &latin, &no_extension] {
            let safe = safe_file_name(name);
            assert!(safe.len() <= 180 && safe.chars().count() <= 120, "{safe}");
            assert!(name.starts_with(safe.trim_end_matches(".pdf").trim_end_matches(".docx")));
            // With the " (12)" a second copy would get, it is still a file name here.
            std::fs::write(dir.path().join(format!("{safe} (12)")), b"x").unwrap();
            std::fs::write(dir.path().join(&safe), b"x").unwrap();
        }
        assert!(safe_file_name(&devanagari).ends_with(".pdf"));
        assert!(safe_file_name(&latin).ends_with(".docx"));
        // A short name is left as it was.
        let short = "O.S. 12 of 2024 - written statement.pdf";
        assert_eq!(safe_file_name(short), short);
    }

    #[test]
    fn export_folders_are_named_by_date_and_format_and_never_reuse_a_name() {
        let parent = tempfile::tempdir().unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let first = new_export_folder(parent.path(), ExportFormat::Json, day);
        assert_eq!(first, parent.path().join("nextdate-export-2026-12-01-json"));
        std::fs::create_dir(&first).unwrap();
        let second = new_export_folder(parent.path(), ExportFormat::Json, day);
        assert_eq!(second, parent.path().join("nextdate-export-2026-12-01-json-2"));
        std::fs::create_dir(&second).unwrap();
        assert_eq!(
            new_export_folder(parent.path(), ExportFormat::Json, day),
            parent.path().join("nextdate-export-2026-12-01-json-3")
        );
        assert_eq!(
            new_export_folder(parent.path(), ExportFormat::Csv, day),
            parent.path().join("nextdate-export-2026-12-01-csv")
        );
    }

    #[test]
    fn formats_are_named_json_and_csv() {
        for f in [ExportFormat::Json, ExportFormat::Csv] {
            assert_eq!(ExportFormat::parse(f.as_str()).unwrap(), f);
        }
        let err = ExportFormat::parse("xml").unwrap_err();
        assert_eq!(err.code(), "unknown_value");
        assert_eq!(err.to_string(), "unknown export format \"xml\"");
    }
}
