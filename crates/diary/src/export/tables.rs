//! What an export holds, table by table: each table's query (over the whole
//! table, and over the rows of one case or client), its columns as written
//! (an amount beside each sum kept in minor units, phones as "a; b"), and the
//! values of one row as JSON values or CSV text. Shared by the JSON and CSV
//! writers so both say the same thing.

use rusqlite::types::ValueRef;
use rusqlite::Statement;
use serde_json::{Map, Value};

use crate::error::Result;
use crate::money::format_amount;

/// One exported table: its name (its CSV file is `{name}.csv`), the query
/// giving all its rows in order, and, for the tables of a case or client,
/// the same query for the rows of one owner (`?1`), in the same order.
pub(super) struct Table {
    pub(super) name: &'static str,
    pub(super) sql: &'static str,
    pub(super) of_owner: Option<&'static str>,
}

/// A table whose rows belong to a case or client: the columns and joins
/// once, then the whole table's order and one owner's condition and order.
macro_rules! owned_table {
    ($name:literal, $select:literal, all: $all:literal, one: $one:literal) => {
        Table {
            name: $name,
            sql: concat!($select, " ", $all),
            of_owner: Some(concat!($select, " ", $one)),
        }
    };
}

/// The chamber's own tasks (of no case): in `diary.json` under `chamber`,
/// and in a CSV export's `export.json` (`tasks.csv` holds the tasks of cases,
/// each row naming its case, as an import expects).
pub(super) const CHAMBER_TASKS: &str =
    "SELECT t.id, t.title, t.due, t.assignee, t.done, t.done_at, t.created_at FROM tasks t
     WHERE t.case_id = (SELECT value FROM meta WHERE key = 'chamber_id') ORDER BY t.created_at, t.id";

pub(super) const CLIENTS: Table = Table {
    name: "clients",
    sql: "SELECT id, name, phones, email, address, notes, update_language, created_at FROM clients ORDER BY name, id",
    of_owner: None,
};

pub(super) const CASES: Table = Table {
    name: "cases",
    sql: "SELECT c.id, c.number, c.title, c.cnr, c.court, c.bench, c.case_type, c.status, c.status_date, c.status_remark, c.stage, c.created_at,
                 (SELECT group_concat(client_id, ';') FROM (SELECT client_id FROM case_clients WHERE case_id = c.id ORDER BY client_id)) AS client_ids,
                 (SELECT group_concat(name, '; ') FROM (SELECT cl.name FROM case_clients cc JOIN clients cl ON cl.id = cc.client_id WHERE cc.case_id = c.id ORDER BY cl.id)) AS clients
          FROM cases c ORDER BY c.court, c.number_key, c.id",
    of_owner: None,
};

pub(super) const PARTIES: Table = owned_table!(
    "parties",
    "SELECT p.case_id, c.number AS case_number, p.position, p.name, p.side, p.counsel
     FROM case_parties p JOIN cases c ON c.id = p.case_id",
    all: "ORDER BY p.case_id, p.position",
    one: "WHERE p.case_id = ?1 ORDER BY p.position"
);

pub(super) const HEARINGS: Table = owned_table!(
    "hearings",
    "SELECT h.id, h.case_id, c.number AS case_number, c.court, h.date, h.item, h.purpose, h.outcome, h.next_date,
            h.disposed, h.attended_by, h.recorded_at, h.non_effective
     FROM hearings h JOIN cases c ON c.id = h.case_id",
    all: "ORDER BY h.case_id, h.date, h.id",
    one: "WHERE h.case_id = ?1 ORDER BY h.date, h.id"
);

pub(super) const TASKS: Table = owned_table!(
    "tasks",
    "SELECT t.id, t.case_id, c.number AS case_number, t.title, t.due, t.assignee, t.done, t.done_at, t.created_at
     FROM tasks t JOIN cases c ON c.id = t.case_id",
    all: "ORDER BY t.case_id, t.created_at, t.id",
    one: "WHERE t.case_id = ?1 ORDER BY t.created_at, t.id"
);

pub(super) const NOTES: Table = owned_table!(
    "notes",
    "SELECT n.id, n.case_id, c.number AS case_number, n.text, n.client_visible, n.author, n.at
     FROM notes n JOIN cases c ON c.id = n.case_id",
    all: "ORDER BY n.case_id, n.at, n.id",
    one: "WHERE n.case_id = ?1 ORDER BY n.at, n.id"
);

pub(super) const FEES: Table = owned_table!(
    "fees",
    "SELECT f.id, f.case_id, c.number AS case_number, f.kind, f.amount_minor, f.currency, f.date, f.mode, f.remark,
            f.voided_at, f.void_reason,
            CASE WHEN f.receipt_seq IS NOT NULL THEN f.receipt_series || '-' || f.receipt_seq || '/' || f.receipt_year END
              AS receipt_number
     FROM fees f JOIN cases c ON c.id = f.case_id",
    all: "ORDER BY f.case_id, f.date, f.id",
    one: "WHERE f.case_id = ?1 ORDER BY f.date, f.id"
);

/// Documents: each row also gets `file`, where its attachment was written.
pub(super) const DOCUMENTS: Table = owned_table!(
    "documents",
    "SELECT d.id, d.case_id, c.number AS case_number, d.name, d.media_type, d.size, d.sha256, d.client_visible, d.added_at
     FROM documents d JOIN cases c ON c.id = d.case_id",
    all: "ORDER BY d.case_id, d.added_at, d.id",
    one: "WHERE d.case_id = ?1 ORDER BY d.added_at, d.id"
);

pub(super) const FEE_TERMS: Table = owned_table!(
    "fee_terms",
    "SELECT t.case_id, c.number AS case_number, t.currency, t.fixed_minor, t.per_appearance_minor,
            t.non_effective_minor, t.hourly_minor
     FROM fee_terms t JOIN cases c ON c.id = t.case_id",
    all: "ORDER BY t.case_id",
    one: "WHERE t.case_id = ?1"
);

pub(super) const TIME_ENTRIES: Table = owned_table!(
    "time_entries",
    "SELECT t.id, t.case_id, c.number AS case_number, t.date, t.minutes, t.member_id, m.name AS member, t.note,
            t.billable, t.created_at
     FROM time_entries t JOIN cases c ON c.id = t.case_id LEFT JOIN members m ON m.id = t.member_id",
    all: "ORDER BY t.case_id, t.date, t.created_at, t.id",
    one: "WHERE t.case_id = ?1 ORDER BY t.date, t.created_at, t.id"
);

/// Bills of a case (`scope` case, `owner_id` the case) or of a client.
pub(super) const BILLS: Table = owned_table!(
    "bills",
    "SELECT b.id, b.owner_id, b.scope, b.series || '-' || b.seq || '/' || b.year AS number,
            b.from_date AS \"from\", b.to_date AS \"to\", b.issued_on, b.currency, b.tax_label, b.tax_minor,
            b.due_minor, b.voided_at, b.void_reason
     FROM bills b",
    all: "WHERE b.owner_id IN (SELECT id FROM cases UNION ALL SELECT id FROM clients)
          ORDER BY b.scope, b.owner_id, b.issued_on, b.year, b.series, b.seq, b.id",
    one: "WHERE b.owner_id = ?1 ORDER BY b.scope, b.issued_on, b.year, b.series, b.seq, b.id"
);

/// Every table, in the order of their CSV file names.
pub(super) const TABLES: &[Table] = &[
    BILLS,
    CASES,
    CLIENTS,
    DOCUMENTS,
    FEE_TERMS,
    FEES,
    HEARINGS,
    NOTES,
    PARTIES,
    TASKS,
    TIME_ENTRIES,
];

/// The tables whose rows belong to a case, nested in it in `diary.json` (its
/// fee terms, one row at most, are nested as one object or null).
pub(super) const CASE_CHILDREN: &[Table] = &[PARTIES, HEARINGS, TASKS, NOTES, FEES, DOCUMENTS, TIME_ENTRIES];

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

/// Where a written column's value comes from.
#[derive(Clone, Copy)]
enum Source {
    /// The query's column, as it is.
    Column(usize),
    /// A list of phones kept as JSON (`["a","b"]`), written "a; b".
    Phones(usize),
    /// The amount of a minor-units column, as people write it.
    Amount(usize),
}

/// The columns of a table as written, in order: the query's, each amount
/// column after its minor units (so even an empty CSV file names them).
pub(super) struct Columns {
    pub(super) names: Vec<String>,
    sources: Vec<Source>,
}

impl Columns {
    /// The columns of `table` as its prepared query `stmt` gives them.
    pub(super) fn of(table: &str, stmt: &Statement<'_>) -> Columns {
        let mut names = Vec::new();
        let mut sources = Vec::new();
        for (i, name) in stmt.column_names().into_iter().enumerate() {
            names.push(name.to_string());
            sources.push(match (table, name) {
                ("clients", "phones") => Source::Phones(i),
                _ => Source::Column(i),
            });
            for (_, _, human) in AMOUNTS.iter().filter(|(t, minor, _)| *t == table && *minor == name) {
                names.push(human.to_string());
                sources.push(Source::Amount(i));
            }
        }
        Columns { names, sources }
    }

    /// The values of one row, a value for each column.
    pub(super) fn values(&self, row: &rusqlite::Row<'_>) -> Result<Vec<Value>> {
        let mut out = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            out.push(match *s {
                Source::Column(i) => value(row.get_ref(i)?),
                Source::Phones(i) => phones_text(&value(row.get_ref(i)?)),
                Source::Amount(i) => match row.get_ref(i)? {
                    ValueRef::Integer(m) => Value::from(format_amount(m)),
                    _ => Value::Null,
                },
            });
        }
        Ok(out)
    }

    /// One row as a JSON object, its keys the column names.
    pub(super) fn object(&self, row: &rusqlite::Row<'_>) -> Result<Map<String, Value>> {
        Ok(self.names.iter().cloned().zip(self.values(row)?).collect())
    }
}

/// A value of the projection as JSON (blobs are never exported as values).
fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(f) => Value::from(f),
        ValueRef::Text(t) => Value::from(String::from_utf8_lossy(t).into_owned()),
    }
}

/// A value as a CSV field: null is empty, text as it is, numbers as JSON writes them.
pub(super) fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Phones are kept as a JSON list in the projection; exported as "a; b".
fn phones_text(v: &Value) -> Value {
    let raw = text(v);
    match serde_json::from_str::<Vec<String>>(&raw) {
        Ok(list) => Value::from(list.join("; ")),
        Err(_) => Value::from(raw),
    }
}
