//! The export as it was built before it streamed: every table read into
//! memory, the nested tree built, then serialised whole. Kept (the code as it
//! was, run against the diary's connection) as the reference the streamed
//! export must match byte for byte.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use nextdate_diary::export::{ExportFormat, ExportSummary, EXPORT_FORMAT};
use nextdate_diary::money::format_amount;
use nextdate_diary::{Diary, DiaryError};
use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

type Result<T> = std::result::Result<T, DiaryError>;

/// The pre-streaming export of a diary.
pub struct Reference<'a>(pub &'a Diary);

/// One exported table: its CSV file name and the query giving its rows (ordered).
struct Table {
    name: &'static str,
    sql: &'static str,
}

/// The chamber's own tasks (of no case): in `diary.json` under `chamber`,
/// and in a CSV export's `export.json` (`tasks.csv` holds the tasks of cases,
/// each row naming its case, as an import expects).
const CHAMBER_TASKS: &str = "SELECT t.id, t.title, t.due, t.assignee, t.done, t.done_at, t.created_at FROM tasks t
     WHERE t.case_id = (SELECT value FROM meta WHERE key = 'chamber_id') ORDER BY t.created_at, t.id";

const TABLES: &[Table] = &[
    Table {
        name: "clients",
        sql: "SELECT id, name, phones, email, address, notes, update_language, created_at FROM clients ORDER BY name, id",
    },
    Table {
        name: "cases",
        sql: "SELECT c.id, c.number, c.title, c.cnr, c.court, c.bench, c.case_type, c.status, c.status_date, c.status_remark, c.stage, c.created_at,
                     (SELECT group_concat(client_id, ';') FROM (SELECT client_id FROM case_clients WHERE case_id = c.id ORDER BY client_id)) AS client_ids,
                     (SELECT group_concat(name, '; ') FROM (SELECT cl.name FROM case_clients cc JOIN clients cl ON cl.id = cc.client_id WHERE cc.case_id = c.id ORDER BY cl.id)) AS clients
              FROM cases c ORDER BY c.court, c.number_key, c.id",
    },
    Table {
        name: "parties",
        sql: "SELECT p.case_id, c.number AS case_number, p.position, p.name, p.side, p.counsel
              FROM case_parties p JOIN cases c ON c.id = p.case_id ORDER BY p.case_id, p.position",
    },
    Table {
        name: "hearings",
        sql: "SELECT h.id, h.case_id, c.number AS case_number, c.court, h.date, h.item, h.purpose, h.outcome, h.next_date,
                     h.disposed, h.attended_by, h.recorded_at, h.non_effective
              FROM hearings h JOIN cases c ON c.id = h.case_id ORDER BY h.case_id, h.date, h.id",
    },
    Table {
        name: "tasks",
        sql: "SELECT t.id, t.case_id, c.number AS case_number, t.title, t.due, t.assignee, t.done, t.done_at, t.created_at
              FROM tasks t JOIN cases c ON c.id = t.case_id ORDER BY t.case_id, t.created_at, t.id",
    },
    Table {
        name: "notes",
        sql: "SELECT n.id, n.case_id, c.number AS case_number, n.text, n.client_visible, n.author, n.at
              FROM notes n JOIN cases c ON c.id = n.case_id ORDER BY n.case_id, n.at, n.id",
    },
    Table {
        name: "fees",
        sql: "SELECT f.id, f.case_id, c.number AS case_number, f.kind, f.amount_minor, f.currency, f.date, f.mode, f.remark,
                     f.voided_at, f.void_reason,
                     CASE WHEN f.receipt_seq IS NOT NULL THEN f.receipt_series || '-' || f.receipt_seq || '/' || f.receipt_year END
                       AS receipt_number
              FROM fees f JOIN cases c ON c.id = f.case_id ORDER BY f.case_id, f.date, f.id",
    },
    Table {
        name: "documents",
        sql: "SELECT d.id, d.case_id, c.number AS case_number, d.name, d.media_type, d.size, d.sha256, d.client_visible, d.added_at
              FROM documents d JOIN cases c ON c.id = d.case_id ORDER BY d.case_id, d.added_at, d.id",
    },
    Table {
        name: "fee_terms",
        sql: "SELECT t.case_id, c.number AS case_number, t.currency, t.fixed_minor, t.per_appearance_minor,
                     t.non_effective_minor, t.hourly_minor
              FROM fee_terms t JOIN cases c ON c.id = t.case_id ORDER BY t.case_id",
    },
    Table {
        name: "time_entries",
        sql: "SELECT t.id, t.case_id, c.number AS case_number, t.date, t.minutes, t.member_id, m.name AS member, t.note,
                     t.billable, t.created_at
              FROM time_entries t JOIN cases c ON c.id = t.case_id LEFT JOIN members m ON m.id = t.member_id
              ORDER BY t.case_id, t.date, t.created_at, t.id",
    },
    // Bills of a case (`scope` case, `owner_id` the case) or of a client.
    Table {
        name: "bills",
        sql: "SELECT b.id, b.owner_id, b.scope, b.series || '-' || b.seq || '/' || b.year AS number,
                     b.from_date AS \"from\", b.to_date AS \"to\", b.issued_on, b.currency, b.tax_label, b.tax_minor,
                     b.due_minor, b.voided_at, b.void_reason
              FROM bills b WHERE b.owner_id IN (SELECT id FROM cases UNION ALL SELECT id FROM clients)
              ORDER BY b.scope, b.owner_id, b.issued_on, b.year, b.series, b.seq, b.id",
    },
];

/// The amounts kept in minor units, each exported beside a column of the
/// amount as people write it (`amount_minor` 150050, `amount` 1500.50):
/// (table, minor-units column, amount column).
const AMOUNTS: &[(&str, &str, &str)] = &[
    ("fees", "amount_minor", "amount"),
    ("fee_terms", "fixed_minor", "fixed"),
    ("fee_terms", "per_appearance_minor", "per_appearance"),
    ("fee_terms", "non_effective_minor", "non_effective"),
    ("fee_terms", "hourly_minor", "hourly"),
    ("bills", "tax_minor", "tax"),
    ("bills", "due_minor", "due"),
];

/// The tables whose rows belong to a case, nested in it in `diary.json`.
const CASE_CHILDREN: &[&str] = &[
    "parties",
    "hearings",
    "tasks",
    "notes",
    "fees",
    "documents",
    "time_entries",
];

type Row = Map<String, Value>;

/// One table's rows, with its columns in order (the query's, each amount
/// column after its minor units), so even an empty CSV file names them.
struct Rows {
    cols: Vec<String>,
    rows: Vec<Row>,
}

impl Rows {
    /// Adds column `name` after `after` (or last), with `value` of each row.
    fn add_column(&mut self, name: &str, after: Option<&str>, value: impl Fn(&Row) -> Value) {
        let at = after
            .and_then(|a| self.cols.iter().position(|c| c == a))
            .map_or(self.cols.len(), |i| i + 1);
        self.cols.insert(at, name.to_string());
        for r in &mut self.rows {
            let v = value(r);
            r.insert(name.to_string(), v);
        }
    }
}

fn rows(diary: &Diary, sql: &str) -> Result<Rows> {
    let mut stmt = diary.conn().prepare(sql)?;
    let names: Vec<String> = stmt.column_names().iter().map(|n| n.to_string()).collect();
    let mut out = Vec::new();
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        let mut row = Map::new();
        for (i, name) in names.iter().enumerate() {
            let v = match r.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => Value::from(n),
                ValueRef::Real(f) => Value::from(f),
                ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(_) => Value::Null,
            };
            row.insert(name.clone(), v);
        }
        out.push(row);
    }
    Ok(Rows { cols: names, rows: out })
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A file name safe on every system, from a document's name (naming is not
/// what this reference checks: the library's own).
fn safe_file_name(name: &str) -> String {
    nextdate_diary::export::safe_file_name(name)
}

/// Phones are kept as a JSON list in the projection; exported as "a; b".
fn phones_text(v: &Value) -> Value {
    let raw = text(v);
    match serde_json::from_str::<Vec<String>>(&raw) {
        Ok(list) => Value::from(list.join("; ")),
        Err(_) => Value::from(raw),
    }
}

impl Reference<'_> {
    pub fn export_into(&self, format: ExportFormat, out: &Path) -> Result<ExportSummary> {
        fs::create_dir_all(out.join("attachments"))?;
        let mut tables: BTreeMap<&str, Rows> = BTreeMap::new();
        for t in TABLES {
            tables.insert(t.name, rows(self.0, t.sql)?);
        }
        if let Some(clients) = tables.get_mut("clients") {
            for c in &mut clients.rows {
                let p = phones_text(&c["phones"]);
                c.insert("phones".into(), p);
            }
        }
        for (table, minor, human) in AMOUNTS {
            if let Some(t) = tables.get_mut(table) {
                t.add_column(human, Some(minor), |r| match r.get(*minor).and_then(Value::as_i64) {
                    Some(m) => Value::from(format_amount(m)),
                    None => Value::Null,
                });
            }
        }
        let chamber_tasks = rows(self.0, CHAMBER_TASKS)?.rows;
        let documents = tables.get_mut("documents").expect("documents table");
        let mut files = self.export_attachments(out, &mut documents.rows)?;
        documents.cols.push("file".into());
        let count = |t: &str| tables.get(t).map(|t| t.rows.len()).unwrap_or_default();
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
        match format {
            ExportFormat::Csv => {
                for (name, rows) in &tables {
                    write_csv(&out.join(format!("{name}.csv")), name, rows)?;
                    files += 1;
                }
                let about = serde_json::json!({
                    "format": EXPORT_FORMAT,
                    "exported_at": chrono::Utc::now().to_rfc3339(),
                    "diary": self.0.chamber()?.name,
                    "counts": &summary,
                    "chamber_tasks": &chamber_tasks,
                });
                fs::write(
                    out.join("export.json"),
                    serde_json::to_vec_pretty(&about).map_err(|e| DiaryError::Output(format!("export.json ({e})")))?,
                )?;
                files += 1;
            }
            ExportFormat::Json => {
                let tables = tables.into_iter().map(|(k, t)| (k, t.rows)).collect();
                fs::write(
                    out.join("diary.json"),
                    serde_json::to_vec_pretty(&self.nested(tables, chamber_tasks)?)
                        .map_err(|e| DiaryError::Output(format!("diary.json ({e})")))?,
                )?;
                files += 1;
            }
        }
        summary.files = files;
        Ok(summary)
    }

    /// Writes every attachment as a file; records its relative path in `file`.
    fn export_attachments(&self, out: &Path, documents: &mut [Row]) -> Result<usize> {
        let mut used: HashSet<PathBuf> = HashSet::new();
        let mut blob = self.0.conn().prepare("SELECT bytes FROM blobs WHERE id = ?1")?;
        for d in documents.iter_mut() {
            let case_dir = PathBuf::from("attachments").join(safe_file_name(&text(&d["case_id"])));
            let base = safe_file_name(&text(&d["name"]));
            let mut rel = case_dir.join(&base);
            let mut n = 2;
            while used.contains(&rel) {
                let (stem, ext) = match base.rsplit_once('.') {
                    Some((s, e)) if !s.is_empty() => (s.to_string(), format!(".{e}")),
                    _ => (base.clone(), String::new()),
                };
                rel = case_dir.join(format!("{stem} ({n}){ext}"));
                n += 1;
            }
            let bytes: Option<Vec<u8>> = blob
                .query_row([text(&d["sha256"])], |r| r.get(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    other => Err(other),
                })?;
            match bytes {
                Some(bytes) => {
                    fs::create_dir_all(out.join(&case_dir))?;
                    fs::write(out.join(&rel), bytes)?;
                    d.insert("file".into(), Value::from(rel.to_string_lossy().replace('\\', "/")));
                    used.insert(rel);
                }
                // Listed but its bytes are not in this diary (yet): say so, write nothing.
                None => {
                    d.insert("file".into(), Value::Null);
                }
            }
        }
        Ok(used.len())
    }

    /// The JSON layout: clients (with the bills issued to them), and cases
    /// holding their own records (their fee terms as one object, or null).
    fn nested(&self, mut tables: BTreeMap<&str, Vec<Row>>, chamber_tasks: Vec<Row>) -> Result<Value> {
        let mut take = |t: &str| tables.remove(t).unwrap_or_default();
        let mut clients = take("clients");
        let mut cases = take("cases");
        // Rows by owner (case or client), then by table.
        let mut owned: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
        let mut own = |owner: String, table: &str, row: Row| {
            owned
                .entry(owner)
                .or_default()
                .entry(table.to_string())
                .or_insert_with(|| Value::Array(Vec::new()))
                .as_array_mut()
                .expect("an array")
                .push(Value::Object(row));
        };
        for t in CASE_CHILDREN.iter().chain(&["fee_terms"]) {
            for mut r in take(t) {
                let case_id = text(&r["case_id"]);
                for c in ["case_id", "case_number", "court"] {
                    r.remove(c);
                }
                own(case_id, t, r);
            }
        }
        for mut r in take("bills") {
            let owner = text(&r["owner_id"]);
            r.remove("owner_id");
            r.remove("scope");
            own(owner, "bills", r);
        }
        for c in &mut clients {
            let mut children = owned.remove(&text(&c["id"])).unwrap_or_default();
            c.insert(
                "bills".into(),
                children.remove("bills").unwrap_or(Value::Array(Vec::new())),
            );
        }
        for c in &mut cases {
            let ids = text(&c["client_ids"]);
            c.insert(
                "client_ids".into(),
                Value::from(ids.split(';').filter(|s| !s.is_empty()).collect::<Vec<_>>()),
            );
            c.remove("clients");
            let mut children = owned.remove(&text(&c["id"])).unwrap_or_default();
            for t in CASE_CHILDREN.iter().chain(&["bills"]) {
                c.insert(t.to_string(), children.remove(*t).unwrap_or(Value::Array(Vec::new())));
            }
            let terms = match children.remove("fee_terms") {
                Some(Value::Array(mut one)) if !one.is_empty() => one.swap_remove(0),
                _ => Value::Null,
            };
            c.insert("fee_terms".into(), terms);
        }
        let chamber = self.0.chamber()?;
        let members: Vec<Value> = self
            .0
            .members()?
            .into_iter()
            .map(|m| serde_json::json!({ "id": m.id, "name": m.name, "role": m.role }))
            .collect();
        Ok(serde_json::json!({
            "format": EXPORT_FORMAT,
            "exported_at": chrono::Utc::now().to_rfc3339(),
            "chamber": { "name": chamber.name, "currency": chamber.currency, "members": members, "tasks": chamber_tasks },
            "clients": clients,
            "cases": cases,
        }))
    }
}

fn write_csv(path: &Path, name: &str, table: &Rows) -> Result<()> {
    let Rows { cols, rows } = table;
    let mut w = csv::Writer::from_path(path).map_err(|e| DiaryError::Output(format!("{name}.csv ({e})")))?;
    let csv_err = |e: csv::Error| DiaryError::Output(format!("{name}.csv ({e})"));
    w.write_record(cols).map_err(csv_err)?;
    for r in rows {
        w.write_record(cols.iter().map(|c| text(r.get(c).unwrap_or(&Value::Null))))
            .map_err(csv_err)?;
    }
    w.flush()?;
    Ok(())
}
