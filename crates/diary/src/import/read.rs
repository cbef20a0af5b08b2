//! Reading the CSV files: each row's fields found by header alias, and the
//! field readers (required text, dates, whole numbers, flags, lists) that
//! record a problem for every bad value.

use std::path::Path;
use std::rc::Rc;

use chrono::NaiveDate;

use super::aliases::{aliases, norm};
use super::{ImportIssue, Kind};

/// Dates as people and other tools write them.
pub fn parse_import_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    const FORMATS: &[&str] = &[
        "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d-%B-%Y", "%d %B %Y", "%d/%b/%Y",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .filter(|d| crate::validate::in_years(*d))
}

/// One data row, with its fields found by alias. The row is kept as read
/// (one allocation for all its fields) beside the fields of its file's
/// columns: a map per row put the peak of a 100,000-case import at 2.3 GB
/// instead of 1.4 GB.
pub(super) struct Rec {
    pub(super) file: String,
    pub(super) line: u64,
    record: csv::StringRecord,
    /// The field each column of the file gives (shared by its rows).
    columns: Rc<[Option<&'static str>]>,
}

impl Rec {
    pub(super) fn get(&self, f: &str) -> Option<&str> {
        // Of two columns giving the same field, the later one counts.
        let i = self
            .columns
            .iter()
            .take(self.record.len())
            .rposition(|c| *c == Some(f))?;
        self.record.get(i).map(str::trim).filter(|s| !s.is_empty())
    }
    pub(super) fn issue(&self, column: Option<&str>, message: impl Into<String>) -> ImportIssue {
        ImportIssue {
            file: self.file.clone(),
            line: self.line,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

pub(super) struct Reader<'a> {
    pub(super) errors: &'a mut Vec<ImportIssue>,
}

impl Reader<'_> {
    pub(super) fn required(&mut self, r: &Rec, f: &str) -> Option<String> {
        match r.get(f) {
            Some(v) => Some(v.to_string()),
            None => {
                self.errors.push(r.issue(Some(f), "is required"));
                None
            }
        }
    }
    pub(super) fn date(&mut self, r: &Rec, f: &str) -> Option<Option<String>> {
        match r.get(f) {
            None => Some(None),
            Some(v) => match parse_import_date(v) {
                Some(d) => Some(Some(d.to_string())),
                None => {
                    self.errors
                        .push(r.issue(Some(f), format!("{v:?} is not a date (use DD-MM-YYYY or YYYY-MM-DD)")));
                    None
                }
            },
        }
    }
    pub(super) fn int(&mut self, r: &Rec, f: &str) -> Option<Option<i64>> {
        match r.get(f) {
            None => Some(None),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 0 => Some(Some(n)),
                _ => {
                    self.errors
                        .push(r.issue(Some(f), format!("{v:?} is not a whole number")));
                    None
                }
            },
        }
    }
    pub(super) fn flag(&mut self, r: &Rec, f: &str) -> bool {
        matches!(
            r.get(f).map(str::to_lowercase).as_deref(),
            Some("1" | "true" | "yes" | "y")
        )
    }
}

pub(super) fn list(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split(';')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// Reads one CSV file of `kind`: its rows, with fields found by alias;
/// unknown columns become warnings and unreadable rows errors.
pub(super) fn read_file(
    path: &Path,
    kind: Kind,
    warnings: &mut Vec<String>,
    errors: &mut Vec<ImportIssue>,
) -> Vec<Rec> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut rdr = match csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
    {
        Ok(r) => r,
        Err(e) => {
            errors.push(ImportIssue {
                file,
                line: 0,
                column: None,
                message: format!("cannot be read ({e})"),
            });
            return Vec::new();
        }
    };
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(ImportIssue {
                file,
                line: 1,
                column: None,
                message: format!("has no readable header row ({e})"),
            });
            return Vec::new();
        }
    };
    let table = aliases(kind);
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut unknown = Vec::new();
    for h in headers.iter() {
        let n = norm(h.trim_start_matches('\u{feff}'));
        let field = table
            .iter()
            .find(|(_, names)| names.contains(&n.as_str()))
            .map(|(f, _)| *f);
        if field.is_none()
            && !h.trim().is_empty()
            && !matches!(n.as_str(), "amount" | "file" | "clients" | "casenumber")
        {
            unknown.push(h.to_string());
        }
        columns.push(field);
    }
    if !unknown.is_empty() {
        warnings.push(format!("{file}: columns ignored: {}", unknown.join(", ")));
    }
    let columns: Rc<[Option<&'static str>]> = columns.into();
    let mut out = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map(|p| p.line()).unwrap_or_default();
                if rec.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                out.push(Rec {
                    file: file.clone(),
                    line,
                    record: rec,
                    columns: Rc::clone(&columns),
                });
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or_default();
                errors.push(ImportIssue {
                    file: file.clone(),
                    line,
                    column: None,
                    message: format!("cannot be read ({e})"),
                });
            }
        }
    }
    out
}
