//! The CSV export: one file per table, streamed row by row from its query to
//! the file (the attachments written as the documents' rows go by), so a
//! diary of any size takes the memory of one row; and `export.json`, which
//! names the format and the counts and holds the chamber's own tasks.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::Value;

use super::attachments::Attachments;
use super::tables::{text, Columns, Table, CHAMBER_TASKS, DOCUMENTS, TABLES};
use super::{ExportSummary, EXPORT_FORMAT};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};

/// Writes every table's CSV file and `export.json` into `out`; returns the
/// counts (files: the attachments and these files).
pub(super) fn write(diary: &Diary, out: &Path) -> Result<ExportSummary> {
    let mut attachments = Attachments::new(diary.conn(), out)?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for table in TABLES {
        let rows = write_table(diary, out, table, &mut attachments)?;
        counts.insert(table.name, rows);
    }
    let mut stmt = diary.conn().prepare(CHAMBER_TASKS)?;
    let columns = Columns::of("tasks", &stmt);
    let mut chamber_tasks = Vec::new();
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        chamber_tasks.push(Value::Object(columns.object(r)?));
    }
    let count = |t: &str| counts.get(t).copied().unwrap_or_default();
    let mut summary = ExportSummary {
        clients: count("clients"),
        cases: count("cases"),
        hearings: count("hearings"),
        tasks: count("tasks") + chamber_tasks.len(),
        notes: count("notes"),
        fees: count("fees"),
        documents: count("documents"),
        fee_terms: count("fee_terms"),
        time_entries: count("time_entries"),
        bills: count("bills"),
        files: 0,
    };
    // The counts as `export.json` has always given them: before the files are counted.
    let about = serde_json::json!({
        "format": EXPORT_FORMAT,
        "exported_at": chrono::Utc::now().to_rfc3339(),
        "diary": diary.chamber()?.name,
        "counts": &summary,
        "chamber_tasks": chamber_tasks,
    });
    fs::write(
        out.join("export.json"),
        serde_json::to_vec_pretty(&about).map_err(|e| DiaryError::Output(format!("export.json ({e})")))?,
    )?;
    summary.files = attachments.written + TABLES.len() + 1;
    Ok(summary)
}

/// Streams one table into `{name}.csv`; returns its number of rows.
fn write_table(diary: &Diary, out: &Path, table: &Table, attachments: &mut Attachments<'_>) -> Result<usize> {
    let name = table.name;
    let csv_err = |e: csv::Error| DiaryError::Output(format!("{name}.csv ({e})"));
    let mut stmt = diary.conn().prepare(table.sql)?;
    let columns = Columns::of(name, &stmt);
    let documents = name == DOCUMENTS.name;
    let mut w = csv::Writer::from_path(out.join(format!("{name}.csv"))).map_err(csv_err)?;
    let mut header: Vec<&str> = columns.names.iter().map(String::as_str).collect();
    if documents {
        header.push("file");
    }
    w.write_record(&header).map_err(csv_err)?;
    let at = |col: &str| columns.names.iter().position(|c| c == col);
    let (case_id, doc_name, sha256) = (at("case_id"), at("name"), at("sha256"));
    let mut rows = 0;
    let mut fields: Vec<String> = Vec::with_capacity(header.len());
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let values = columns.values(r)?;
        fields.clear();
        fields.extend(values.iter().map(text));
        if documents {
            let field = |i: Option<usize>| i.map(|i| fields[i].as_str()).unwrap_or_default();
            let file = attachments.write(field(case_id), field(doc_name), field(sha256))?;
            fields.push(text(&file));
        }
        w.write_record(&fields).map_err(csv_err)?;
        rows += 1;
    }
    w.flush()?;
    Ok(rows)
}
