//! The SQL projection: ordinary tables and an FTS5 index derived from the
//! Automerge documents. Each function replaces everything one document
//! contributes, so an incremental update and a full rebuild give the same rows.

mod child_rows;
mod history;
mod links;
mod rebuild;

use automerge::AutoCommit;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::client_update::Language;
use crate::error::Result;
use crate::model::{BillRecord, CaseDoc, ChamberDoc, ClientDoc, DocKind};
use child_rows::{children, mark_removed, unmark_removed};
pub use history::{history_rows, insert_history, project_history, HistoryRow};
pub use rebuild::{rebuild, rebuild_with_progress};

/// What the tables may already hold of the document being projected.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prior {
    /// Rows from an earlier version, perhaps: each is deleted before the new
    /// ones go in.
    Unknown,
    /// None: a rebuild emptied every table, so there is nothing to delete
    /// (each delete is a B-tree seek, a dozen of them per case).
    Empty,
}

impl Prior {
    /// Runs `sql`, a delete of the document's old rows, unless there are none.
    fn clear<P: rusqlite::Params>(self, tx: &Transaction, sql: &str, params: P) -> Result<()> {
        if self == Prior::Unknown {
            tx.prepare_cached(sql)?.execute(params)?;
        }
        Ok(())
    }
}

/// Tables the projection owns, cleared by a rebuild.
pub const TABLES: &[&str] = &[
    "members",
    "devices",
    "clients",
    "cases",
    "case_parties",
    "case_clients",
    "case_members",
    "hearings",
    "tasks",
    "notes",
    "fees",
    "documents",
    "fee_terms",
    "time_entries",
    "bills",
    "status_links",
    "removed_records",
    "history",
    "search_fts",
];

/// Normalised case number for duplicate detection: upper case, single spaces.
pub fn number_key(number: &str) -> String {
    number.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()
}

pub fn project_chamber(tx: &Transaction, id: &str, chamber: &ChamberDoc) -> Result<()> {
    chamber_rows(tx, id, chamber, Prior::Unknown)
}

fn chamber_rows(tx: &Transaction, id: &str, chamber: &ChamberDoc, prior: Prior) -> Result<()> {
    tx.execute("DELETE FROM members", [])?;
    tx.execute("DELETE FROM devices", [])?;
    for (id, m) in &chamber.members {
        tx.execute(
            "INSERT INTO members (id, name, role) VALUES (?1, ?2, ?3)",
            params![id, m.name, m.role],
        )?;
    }
    for (actor, d) in &chamber.devices {
        tx.execute(
            "INSERT INTO devices (actor, label, member_id) VALUES (?1, ?2, ?3)",
            params![actor, d.label, d.member_id],
        )?;
    }
    children(tx, id, prior, None, &chamber.tasks)
}

fn fts_replace(tx: &Transaction, prior: Prior, rowid: i64, kind: DocKind, id: &str, body: &str) -> Result<()> {
    prior.clear(tx, "DELETE FROM search_fts WHERE rowid = ?1", [rowid])?;
    tx.prepare_cached("INSERT INTO search_fts (rowid, kind, id, body) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![rowid, kind.as_str(), id, body])?;
    Ok(())
}

pub fn project_client(tx: &Transaction, id: &str, c: &ClientDoc) -> Result<()> {
    client_rows(tx, id, c, Prior::Unknown)
}

fn client_rows(tx: &Transaction, id: &str, c: &ClientDoc, prior: Prior) -> Result<()> {
    if let Some(at) = &c.removed_at {
        let rowid: Option<i64> = tx
            .prepare_cached("SELECT rowid FROM clients WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        if let Some(rowid) = rowid {
            tx.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
                .execute([rowid * 2 + 1])?;
            tx.prepare_cached("DELETE FROM clients WHERE id = ?1")?.execute([id])?;
        }
        bills(tx, prior, id, "client", None)?;
        // A removed or erased client's links are revoked with it.
        let revoked = links::revoked_with(&c.status_links, at);
        links::status_links(tx, prior, id, "client", Some(&revoked))?;
        return mark_removed(tx, id, "client", id, &c.name, at);
    }
    bills(tx, prior, id, "client", Some(&c.bills))?;
    links::status_links(tx, prior, id, "client", Some(&c.status_links))?;
    if prior == Prior::Unknown {
        unmark_removed(tx, id, "client", id)?;
    }
    tx.prepare_cached(
        "INSERT INTO clients (id, name, phones, email, address, notes, created_at, update_language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, phones = excluded.phones, email = excluded.email,
           address = excluded.address, notes = excluded.notes, created_at = excluded.created_at,
           update_language = excluded.update_language",
    )?
    .execute(params![
        id,
        c.name,
        c.phones.join(", "),
        c.email,
        c.address,
        c.notes,
        c.created_at,
        Language::of_record(c.update_language.as_deref()).code()
    ])?;
    let rowid: i64 = tx
        .prepare_cached("SELECT rowid FROM clients WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let body = [
        Some(c.name.as_str()),
        Some(&c.phones.join(" ")),
        c.email.as_deref(),
        c.address.as_deref(),
        c.notes.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    fts_replace(tx, prior, rowid * 2 + 1, DocKind::Client, id, &body)
}

/// The case's latest listed date (its newest hearing not removed).
fn latest_date(c: &CaseDoc) -> Option<&str> {
    c.hearings
        .values()
        .filter(|h| h.removed_at.is_none())
        .map(|h| h.date.as_str())
        .max()
}

/// Whether any column of the case's row differs between `old` and `new`,
/// its latest date aside.
fn case_columns_differ(old: &CaseDoc, new: &CaseDoc) -> bool {
    (
        &old.title,
        &old.number,
        &old.cnr,
        &old.court,
        &old.bench,
        &old.case_type,
    ) != (
        &new.title,
        &new.number,
        &new.cnr,
        &new.court,
        &new.bench,
        &new.case_type,
    ) || (
        &old.status,
        &old.stage,
        &old.created_at,
        &old.status_date,
        &old.status_remark,
    ) != (
        &new.status,
        &new.stage,
        &new.created_at,
        &new.status_date,
        &new.status_remark,
    )
}

/// Brings the case's row from `old` to `new`, touching only what changed: a
/// row (and its indexes) rewritten for nothing still costs its pages, each
/// encrypted and logged at commit.
fn case_row_diff(tx: &Transaction, id: &str, old: &CaseDoc, new: &CaseDoc) -> Result<()> {
    if case_columns_differ(old, new) {
        case_row(tx, Prior::Unknown, id, new)?;
    } else if latest_date(old) != latest_date(new) {
        tx.prepare_cached("UPDATE cases SET latest_date = ?2 WHERE id = ?1")?
            .execute(params![id, latest_date(new)])?;
    }
    Ok(())
}

fn case_row(tx: &Transaction, prior: Prior, id: &str, c: &CaseDoc) -> Result<i64> {
    let latest = latest_date(c);
    tx.prepare_cached(
        "INSERT INTO cases (id, title, number, number_key, cnr, court, bench, case_type, status, stage, created_at,
           latest_date, status_date, status_remark)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, number = excluded.number, number_key = excluded.number_key,
           cnr = excluded.cnr, court = excluded.court, bench = excluded.bench, case_type = excluded.case_type,
           status = excluded.status, stage = excluded.stage, created_at = excluded.created_at,
           latest_date = excluded.latest_date, status_date = excluded.status_date,
           status_remark = excluded.status_remark",
    )?
    .execute(params![
        id,
        c.title,
        c.number,
        number_key(&c.number),
        c.cnr,
        c.court,
        c.bench,
        c.case_type,
        c.status,
        c.stage,
        c.created_at,
        latest,
        c.status_date,
        c.status_remark
    ])?;
    if prior == Prior::Empty {
        // Inserted, not updated: the statement's own rowid.
        return Ok(tx.last_insert_rowid());
    }
    Ok(tx
        .prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

fn parties(tx: &Transaction, prior: Prior, id: &str, c: &CaseDoc) -> Result<()> {
    prior.clear(tx, "DELETE FROM case_parties WHERE case_id = ?1", [id])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO case_parties (case_id, position, name, side, counsel) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, p) in c.parties.iter().enumerate() {
        ins.execute(params![id, i as i64, p.name, p.side, p.counsel])?;
    }
    Ok(())
}

fn clients(tx: &Transaction, prior: Prior, id: &str, c: &CaseDoc) -> Result<()> {
    prior.clear(tx, "DELETE FROM case_clients WHERE case_id = ?1", [id])?;
    let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO case_clients (case_id, client_id) VALUES (?1, ?2)")?;
    for client in &c.client_ids {
        ins.execute(params![id, client])?;
    }
    Ok(())
}

fn members(tx: &Transaction, prior: Prior, id: &str, c: &CaseDoc) -> Result<()> {
    prior.clear(tx, "DELETE FROM case_members WHERE case_id = ?1", [id])?;
    let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO case_members (case_id, member_id) VALUES (?1, ?2)")?;
    for member in &c.assigned {
        ins.execute(params![id, member])?;
    }
    Ok(())
}

fn fee_terms(tx: &Transaction, prior: Prior, id: &str, c: &CaseDoc) -> Result<()> {
    prior.clear(tx, "DELETE FROM fee_terms WHERE case_id = ?1", [id])?;
    if let Some(t) = &c.fee_terms {
        tx.prepare_cached(
            "INSERT INTO fee_terms (case_id, currency, fixed_minor, per_appearance_minor, non_effective_minor, hourly_minor)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            id,
            t.currency,
            t.fixed_minor,
            t.per_appearance_minor,
            t.non_effective_minor,
            t.hourly_minor
        ])?;
    }
    Ok(())
}

/// Replaces the bills `owner` (a case or a client, per `scope`) contributes.
fn bills(
    tx: &Transaction,
    prior: Prior,
    owner: &str,
    scope: &str,
    bills: Option<&std::collections::BTreeMap<String, BillRecord>>,
) -> Result<()> {
    prior.clear(tx, "DELETE FROM bills WHERE owner_id = ?1", [owner])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO bills (owner_id, id, scope, series, year, seq, from_date, to_date, issued_on, currency,
           tax_label, tax_minor, due_minor, voided_at, void_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    for (id, b) in bills.into_iter().flatten() {
        ins.execute(params![
            owner,
            id,
            scope,
            b.number.series,
            b.number.year,
            b.number.seq,
            b.from,
            b.to,
            b.issued_on,
            b.currency,
            b.tax_label,
            b.tax_minor,
            b.due_minor,
            b.voided_at,
            b.void_reason
        ])?;
    }
    Ok(())
}

/// The searchable text of a case.
fn case_search_text(c: &CaseDoc) -> String {
    let mut body = vec![c.title.clone(), c.number.clone(), c.court.clone()];
    body.extend(c.cnr.clone());
    body.extend(c.bench.clone());
    body.extend(c.case_type.clone());
    body.extend(c.stage.clone());
    for p in &c.parties {
        body.push(p.name.clone());
        body.extend(p.counsel.clone());
    }
    for n in c.notes.values().filter(|n| n.removed_at.is_none()) {
        body.push(n.text.clone());
    }
    body.join(" \u{2029} ")
}

/// Takes a removed case out of every table and lists it as removed.
fn unproject_case(tx: &Transaction, prior: Prior, id: &str, c: &CaseDoc, at: &str) -> Result<()> {
    // A case removed before a rebuild has no rows to take out: it is only listed.
    let revoked = links::revoked_with(&c.status_links, at);
    if prior == Prior::Empty {
        links::status_links(tx, prior, id, "case", Some(&revoked))?;
        return mark_removed(tx, id, "case", id, &format!("case {}", c.number), at);
    }
    let rowid: Option<i64> = tx
        .prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(rowid) = rowid {
        tx.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
            .execute([rowid * 2])?;
    }
    for table in [
        "case_parties",
        "case_clients",
        "case_members",
        "hearings",
        "tasks",
        "notes",
        "fees",
        "documents",
        "fee_terms",
        "time_entries",
    ] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE case_id = ?1"))?
            .execute([id])?;
    }
    tx.prepare_cached("DELETE FROM removed_records WHERE owner_id = ?1")?
        .execute([id])?;
    bills(tx, Prior::Unknown, id, "case", None)?;
    // A removed case's links are revoked with it.
    links::status_links(tx, Prior::Unknown, id, "case", Some(&revoked))?;
    tx.prepare_cached("DELETE FROM cases WHERE id = ?1")?.execute([id])?;
    mark_removed(tx, id, "case", id, &format!("case {}", c.number), at)
}

/// Projects a whole case, replacing every row it had.
pub fn project_case(tx: &Transaction, id: &str, c: &CaseDoc) -> Result<()> {
    case_rows(tx, id, c, Prior::Unknown)
}

fn case_rows(tx: &Transaction, id: &str, c: &CaseDoc, prior: Prior) -> Result<()> {
    if let Some(at) = &c.removed_at {
        return unproject_case(tx, prior, id, c, at);
    }
    if prior == Prior::Unknown {
        unmark_removed(tx, id, "case", id)?;
    }
    let rowid = case_row(tx, prior, id, c)?;
    parties(tx, prior, id, c)?;
    clients(tx, prior, id, c)?;
    members(tx, prior, id, c)?;
    children(tx, id, prior, None, &c.hearings)?;
    children(tx, id, prior, None, &c.tasks)?;
    children(tx, id, prior, None, &c.notes)?;
    children(tx, id, prior, None, &c.fees)?;
    children(tx, id, prior, None, &c.documents)?;
    children(tx, id, prior, None, &c.time_entries)?;
    fee_terms(tx, prior, id, c)?;
    bills(tx, prior, id, "case", Some(&c.bills))?;
    links::status_links(tx, prior, id, "case", Some(&c.status_links))?;
    fts_replace(tx, prior, rowid * 2, DocKind::Case, id, &case_search_text(c))
}

/// Projects the difference between two versions of a case already projected as `old`.
pub fn project_case_diff(tx: &Transaction, id: &str, old: &CaseDoc, new: &CaseDoc) -> Result<()> {
    if new.removed_at.is_some() || old.removed_at.is_some() {
        return case_rows(tx, id, new, Prior::Unknown);
    }
    case_row_diff(tx, id, old, new)?;
    if old.parties != new.parties {
        parties(tx, Prior::Unknown, id, new)?;
    }
    if old.client_ids != new.client_ids {
        clients(tx, Prior::Unknown, id, new)?;
    }
    if old.assigned != new.assigned {
        members(tx, Prior::Unknown, id, new)?;
    }
    children(tx, id, Prior::Unknown, Some(&old.hearings), &new.hearings)?;
    children(tx, id, Prior::Unknown, Some(&old.tasks), &new.tasks)?;
    children(tx, id, Prior::Unknown, Some(&old.notes), &new.notes)?;
    children(tx, id, Prior::Unknown, Some(&old.fees), &new.fees)?;
    children(tx, id, Prior::Unknown, Some(&old.documents), &new.documents)?;
    children(tx, id, Prior::Unknown, Some(&old.time_entries), &new.time_entries)?;
    if old.fee_terms != new.fee_terms {
        fee_terms(tx, Prior::Unknown, id, new)?;
    }
    if old.bills != new.bills {
        bills(tx, Prior::Unknown, id, "case", Some(&new.bills))?;
    }
    if old.status_links != new.status_links {
        links::status_links(tx, Prior::Unknown, id, "case", Some(&new.status_links))?;
    }
    let text = case_search_text(new);
    if case_search_text(old) != text {
        let rowid: i64 = tx
            .prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        fts_replace(tx, Prior::Unknown, rowid * 2, DocKind::Case, id, &text)?;
    }
    Ok(())
}

/// A document value that can be projected as it is, without reading it back
/// from its Automerge document (which costs as much as writing it).
pub trait Projected {
    fn project(&self, tx: &Transaction, id: &str) -> Result<()>;
}

impl Projected for ChamberDoc {
    fn project(&self, tx: &Transaction, id: &str) -> Result<()> {
        project_chamber(tx, id, self)
    }
}

impl Projected for ClientDoc {
    fn project(&self, tx: &Transaction, id: &str) -> Result<()> {
        project_client(tx, id, self)
    }
}

impl Projected for CaseDoc {
    fn project(&self, tx: &Transaction, id: &str) -> Result<()> {
        project_case(tx, id, self)
    }
}

/// A document of any kind, read back from Automerge.
enum AnyDoc {
    Chamber(ChamberDoc),
    Client(ClientDoc),
    Case(Box<CaseDoc>),
}

impl AnyDoc {
    /// Reads a stored document of `kind` (no database needed).
    fn read(kind: DocKind, doc: &AutoCommit) -> Result<AnyDoc> {
        Ok(match kind {
            DocKind::Chamber => AnyDoc::Chamber(crate::hydration::hydrate(doc)?),
            DocKind::Client => AnyDoc::Client(crate::hydration::hydrate(doc)?),
            DocKind::Case => AnyDoc::Case(Box::new(crate::hydration::hydrate(doc)?)),
        })
    }

    fn project(&self, tx: &Transaction, id: &str, prior: Prior) -> Result<()> {
        match self {
            AnyDoc::Chamber(c) => chamber_rows(tx, id, c, prior),
            AnyDoc::Client(c) => client_rows(tx, id, c, prior),
            AnyDoc::Case(c) => case_rows(tx, id, c, prior),
        }
    }
}

/// Projects one stored document, whatever its kind.
pub fn project_doc(tx: &Transaction, id: &str, kind: DocKind, doc: &mut AutoCommit) -> Result<()> {
    AnyDoc::read(kind, doc)?.project(tx, id, Prior::Unknown)?;
    project_history(tx, id, doc)
}

/// A canonical text dump of every projected row (rowids excluded), ordered, for
/// comparing an incrementally kept projection with a rebuilt one.
pub fn dump(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for t in TABLES {
        let sql = if *t == "search_fts" {
            "SELECT kind, id, body FROM search_fts ORDER BY kind, id".to_string()
        } else {
            format!("SELECT * FROM {t} ORDER BY 1, 2")
        };
        let mut stmt = conn.prepare(&sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let mut line = format!("{t}:");
            for i in 0..n {
                let v: rusqlite::types::Value = r.get(i)?;
                line.push_str(&format!(" {v:?}"));
            }
            out.push(line);
        }
    }
    Ok(out)
}
