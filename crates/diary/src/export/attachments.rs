//! Attached documents written out as files, one at a time, under
//! `attachments/<case>/<name>` with names that are safe on every system and
//! never clash (`name (2).pdf`); and flushing everything an export wrote to
//! disk before it is shown as complete.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Statement};
use serde_json::Value;

use crate::error::Result;

/// Writes the attachments of an export folder.
pub(super) struct Attachments<'c> {
    out: PathBuf,
    blob: Statement<'c>,
    /// Files written so far.
    pub(super) written: usize,
}

impl<'c> Attachments<'c> {
    pub(super) fn new(conn: &'c Connection, out: &Path) -> Result<Self> {
        Ok(Attachments {
            out: out.to_path_buf(),
            blob: conn.prepare("SELECT bytes FROM blobs WHERE id = ?1")?,
            written: 0,
        })
    }

    /// Writes the bytes of the document named `name` of case `case_id` whose
    /// content is `sha256`; returns where (relative to the export folder), or
    /// null when the diary does not have its bytes (yet): then nothing is
    /// written. A name already taken in the case's folder gets ` (2)`, ` (3)` …
    pub(super) fn write(&mut self, case_id: &str, name: &str, sha256: &str) -> Result<Value> {
        let bytes: Option<Vec<u8>> = self.blob.query_row([sha256], |r| r.get(0)).optional()?;
        let Some(bytes) = bytes else {
            return Ok(Value::Null);
        };
        let case_dir = PathBuf::from("attachments").join(safe_file_name(case_id));
        let base = safe_file_name(name);
        // The folder only ever holds what this export wrote: a name is taken
        // when its file is there.
        let mut rel = case_dir.join(&base);
        let mut n = 2;
        while self.out.join(&rel).exists() {
            let (stem, ext) = match base.rsplit_once('.') {
                Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
                _ => (base.clone(), String::new()),
            };
            rel = case_dir.join(format!("{stem} ({n}){ext}"));
            n += 1;
        }
        fs::create_dir_all(self.out.join(&case_dir))?;
        fs::write(self.out.join(&rel), bytes)?;
        self.written += 1;
        Ok(Value::from(rel.to_string_lossy().replace('\\', "/")))
    }
}

/// A file name safe on every system, from a document's name.
pub fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        "document".to_string()
    } else {
        shortened(cleaned)
    }
}

/// `name` cut to at most 120 characters and 180 bytes (a file name may have
/// 255 bytes, and a Devanagari letter takes three: 120 of them would not
/// fit), with room left for a ` (2)`. A short extension is kept.
fn shortened(name: &str) -> String {
    const CHARS: usize = 120;
    const BYTES: usize = 180;
    if name.chars().count() <= CHARS && name.len() <= BYTES {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && e.len() <= 16 && !e.contains(' ') => (s, &name[s.len()..]),
        _ => (name, ""),
    };
    let mut out = String::new();
    for (n, c) in stem.chars().enumerate() {
        if n + 1 + ext.chars().count() > CHARS || out.len() + c.len_utf8() + ext.len() > BYTES {
            break;
        }
        out.push(c);
    }
    let out = out.trim_end();
    format!("{out}{ext}")
}

/// Flushes every file and folder under `dir` (and `dir` itself) to disk, so
/// a write the disk could not keep (full, removed) is an error now rather
/// than a short file in an export that looks complete after a crash.
pub(super) fn sync_tree(dir: &Path) -> Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            sync_tree(&entry.path())?;
        } else {
            // Opened for writing: some systems flush only a file open for writing.
            fs::OpenOptions::new().write(true).open(entry.path())?.sync_all()?;
        }
    }
    sync_dir(dir);
    Ok(())
}

/// Flushes a folder's entries (where the system allows opening a folder).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
