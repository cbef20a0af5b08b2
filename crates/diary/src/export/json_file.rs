//! The JSON export, `diary.json`, streamed: the cases are read one at a time
//! (in the export's order) with their own records (indexed queries by case),
//! each case is serialised and dropped before the next is read, then the
//! chamber and the clients with their bills. Memory is that of one case,
//! whatever the diary's size.
//!
//! The layout is the one `serde_json::to_vec_pretty` gave the whole tree:
//! keys in alphabetical order (serde_json's `Map` is sorted), two-space
//! indents. The document is one `Serialize` value whose `cases` and
//! `clients` are sequences that query as they are written.

use std::cell::RefCell;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

use rusqlite::{Connection, Statement};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::attachments::Attachments;
use super::tables::{text, Columns, Table, BILLS, CASES, CASE_CHILDREN, CHAMBER_TASKS, CLIENTS, DOCUMENTS, FEE_TERMS};
use super::{ExportSummary, EXPORT_FORMAT};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::store;

/// How much of `diary.json` is held before it is written out.
const WRITE_BUFFER: usize = 256 * 1024;

/// Writes `diary.json` and the attachments into `out`; returns the counts.
///
/// The cases are read in the export's order (court, number), not in the
/// order their records are stored, so each case's lookups land on pages
/// far apart: the connection gets the large page cache a rebuild gets while
/// the export runs (a fixed 64 MiB: 100,000 cases in two thirds of the time).
pub(super) fn write(diary: &Diary, out: &Path) -> Result<ExportSummary> {
    store::large_page_cache(diary.conn(), true)?;
    let written = write_document(diary, out);
    let restored = store::large_page_cache(diary.conn(), false);
    let summary = written?;
    restored?;
    Ok(summary)
}

fn write_document(diary: &Diary, out: &Path) -> Result<ExportSummary> {
    let conn = diary.conn();
    let exported_at = chrono::Utc::now().to_rfc3339();
    let chamber_tasks = all_rows(conn, CHAMBER_TASKS, "tasks")?;
    let summary = ExportSummary {
        tasks: chamber_tasks.len(),
        ..Default::default()
    };
    let chamber = diary.chamber()?;
    let members: Vec<Value> = diary
        .members()?
        .into_iter()
        .map(|m| serde_json::json!({ "id": m.id, "name": m.name, "role": m.role }))
        .collect();
    let chamber = serde_json::json!({
        "name": chamber.name,
        "currency": chamber.currency,
        "members": members,
        "tasks": chamber_tasks,
    });
    let export = Streamed {
        state: RefCell::new(State {
            owned: Owned::new(conn)?,
            attachments: Attachments::new(conn, out)?,
            summary,
            failed: None,
        }),
        conn,
    };
    let doc = Document {
        export: &export,
        chamber,
        exported_at,
    };
    let file = fs::File::create(out.join("diary.json"))?;
    let mut w = BufWriter::with_capacity(WRITE_BUFFER, file);
    let written = doc.serialize(&mut serde_json::Serializer::pretty(&mut w));
    let state = export.state.into_inner();
    if let Some(e) = state.failed {
        return Err(e);
    }
    written.map_err(|e| match e.is_io() {
        true => DiaryError::from(std::io::Error::from(e)),
        false => DiaryError::Output(format!("diary.json ({e})")),
    })?;
    w.flush()?;
    let mut summary = state.summary;
    summary.files = state.attachments.written + 1;
    Ok(summary)
}

/// Every row of a query as JSON objects (for the few rows of the chamber).
fn all_rows(conn: &Connection, sql: &str, table: &str) -> Result<Vec<Value>> {
    let mut stmt = conn.prepare(sql)?;
    let columns = Columns::of(table, &stmt);
    let mut rows = Vec::new();
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        rows.push(Value::Object(columns.object(r)?));
    }
    Ok(rows)
}

/// The queries of one case's or client's records, prepared once.
struct Owned<'c> {
    /// Each table with its query for one owner and its columns.
    tables: Vec<(&'static Table, Statement<'c>, Columns)>,
}

impl<'c> Owned<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        let mut tables = Vec::new();
        for t in CASE_CHILDREN.iter().chain([&FEE_TERMS, &BILLS]) {
            let stmt = conn.prepare(t.of_owner.expect("a table of cases or clients"))?;
            let columns = Columns::of(t.name, &stmt);
            tables.push((t, stmt, columns));
        }
        Ok(Owned { tables })
    }

    /// The rows of `table` owned by `owner`, as objects.
    fn rows(&mut self, table: &str, owner: &str) -> Result<Vec<Map<String, Value>>> {
        let (_, stmt, columns) = self
            .tables
            .iter_mut()
            .find(|(t, _, _)| t.name == table)
            .expect("a prepared table");
        let mut rows = Vec::new();
        let mut q = stmt.query([owner])?;
        while let Some(r) = q.next()? {
            rows.push(columns.object(r)?);
        }
        Ok(rows)
    }
}

/// What the streamed sequences need as they are written.
struct State<'c> {
    owned: Owned<'c>,
    attachments: Attachments<'c>,
    summary: ExportSummary,
    /// The error that stopped the export (serde only carries a message).
    failed: Option<DiaryError>,
}

struct Streamed<'c> {
    conn: &'c Connection,
    state: RefCell<State<'c>>,
}

impl Streamed<'_> {
    /// Runs `f`; its error is kept for [`write`] and stops the serialiser.
    fn attempt<T, E: serde::ser::Error>(&self, f: impl FnOnce(&mut State<'_>) -> Result<T>) -> Result<T, E> {
        let mut state = self.state.borrow_mut();
        f(&mut state).map_err(|e| {
            let message = E::custom(&e);
            state.failed = Some(e);
            message
        })
    }

    /// Serialises the rows of `table` one at a time, each turned into an
    /// element by `element` (given the state, to read its records).
    fn stream<S: Serializer>(
        &self,
        s: S,
        table: &Table,
        element: impl Fn(&mut State<'_>, Map<String, Value>) -> Result<Value>,
    ) -> Result<S::Ok, S::Error> {
        let mut stmt = self.attempt(|_| Ok(self.conn.prepare(table.sql)?))?;
        let columns = Columns::of(table.name, &stmt);
        let mut q = self.attempt(|_| Ok(stmt.query([])?))?;
        let mut seq = s.serialize_seq(None)?;
        while let Some(r) = self.attempt(|_| Ok(q.next()?))? {
            let row = self.attempt(|_| columns.object(r))?;
            let v = self.attempt(|state| element(state, row))?;
            seq.serialize_element(&v)?;
        }
        seq.end()
    }
}

/// The whole of `diary.json`, its keys in order.
struct Document<'a, 'c> {
    export: &'a Streamed<'c>,
    chamber: Value,
    exported_at: String,
}

impl Serialize for Document<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(5))?;
        m.serialize_entry("cases", &Cases(self.export))?;
        m.serialize_entry("chamber", &self.chamber)?;
        m.serialize_entry("clients", &Clients(self.export))?;
        m.serialize_entry("exported_at", &self.exported_at)?;
        m.serialize_entry("format", EXPORT_FORMAT)?;
        m.end()
    }
}

/// The cases, each holding its own records.
struct Cases<'a, 'c>(&'a Streamed<'c>);

impl Serialize for Cases<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.stream(s, &CASES, case)
    }
}

/// The clients, each with the bills issued to them.
struct Clients<'a, 'c>(&'a Streamed<'c>);

impl Serialize for Clients<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.stream(s, &CLIENTS, |state, mut c| {
            state.summary.clients += 1;
            let bills = bills(state, &text(&c["id"]))?;
            c.insert("bills".into(), bills);
            Ok(Value::Object(c))
        })
    }
}

/// A case with its records: its clients' ids as a list, a list of each kind
/// of record, its fee terms as one object (or null); its attachments written.
fn case(state: &mut State<'_>, mut c: Map<String, Value>) -> Result<Value> {
    let id = text(&c["id"]);
    let ids = text(&c["client_ids"]);
    c.insert(
        "client_ids".into(),
        Value::from(ids.split(';').filter(|s| !s.is_empty()).collect::<Vec<_>>()),
    );
    c.remove("clients");
    for t in CASE_CHILDREN {
        let mut rows = state.owned.rows(t.name, &id)?;
        for r in &mut rows {
            if t.name == DOCUMENTS.name {
                let file = state.attachments.write(&id, &text(&r["name"]), &text(&r["sha256"]))?;
                r.insert("file".into(), file);
            }
            for col in ["case_id", "case_number", "court"] {
                r.remove(col);
            }
        }
        if let Some(n) = counted(&mut state.summary, t.name) {
            *n += rows.len();
        }
        c.insert(
            t.name.into(),
            Value::Array(rows.into_iter().map(Value::Object).collect()),
        );
    }
    let terms = match state.owned.rows(FEE_TERMS.name, &id)?.into_iter().next() {
        Some(mut t) => {
            state.summary.fee_terms += 1;
            t.remove("case_id");
            t.remove("case_number");
            Value::Object(t)
        }
        None => Value::Null,
    };
    c.insert(FEE_TERMS.name.into(), terms);
    let bills = bills(state, &id)?;
    c.insert(BILLS.name.into(), bills);
    state.summary.cases += 1;
    Ok(Value::Object(c))
}

/// The bills of a case or client, without the columns naming their owner.
fn bills(state: &mut State<'_>, owner: &str) -> Result<Value> {
    let mut rows = state.owned.rows(BILLS.name, owner)?;
    for r in &mut rows {
        r.remove("owner_id");
        r.remove("scope");
    }
    state.summary.bills += rows.len();
    Ok(Value::Array(rows.into_iter().map(Value::Object).collect()))
}

/// Where the summary counts the rows of `table` (parties are not counted).
fn counted<'s>(summary: &'s mut ExportSummary, table: &str) -> Option<&'s mut usize> {
    Some(match table {
        "hearings" => &mut summary.hearings,
        "tasks" => &mut summary.tasks,
        "notes" => &mut summary.notes,
        "fees" => &mut summary.fees,
        "documents" => &mut summary.documents,
        "time_entries" => &mut summary.time_entries,
        _ => return None,
    })
}
