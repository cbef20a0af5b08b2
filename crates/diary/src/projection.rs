//! The SQL projection: ordinary tables and an FTS5 index derived from the
//! Automerge documents. Each function replaces everything one document
//! contributes, so an incremental update and a full rebuild give the same rows.

use automerge::AutoCommit;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::error::Result;
use std::collections::BTreeMap;

use crate::model::{CaseDoc, ChamberDoc, ClientDoc, DocKind, DocumentRef, Fee, Hearing, Note, Task};
use crate::store;

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
    "removed_records",
    "history",
    "search_fts",
];

/// Normalised case number for duplicate detection: upper case, single spaces.
pub fn number_key(number: &str) -> String {
    number.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()
}

pub fn project_chamber(tx: &Transaction, id: &str, chamber: &ChamberDoc) -> Result<()> {
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
    children(tx, id, None, &chamber.tasks)
}

fn fts_replace(tx: &Transaction, rowid: i64, kind: DocKind, id: &str, body: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
        .execute([rowid])?;
    tx.prepare_cached("INSERT INTO search_fts (rowid, kind, id, body) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![rowid, kind.as_str(), id, body])?;
    Ok(())
}

pub fn project_client(tx: &Transaction, id: &str, c: &ClientDoc) -> Result<()> {
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
        return mark_removed(tx, id, "client", id, &c.name, at);
    }
    unmark_removed(tx, id, "client", id)?;
    tx.prepare_cached(
        "INSERT INTO clients (id, name, phones, email, address, notes, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, phones = excluded.phones, email = excluded.email,
           address = excluded.address, notes = excluded.notes, created_at = excluded.created_at",
    )?
    .execute(params![
        id,
        c.name,
        c.phones.join(", "),
        c.email,
        c.address,
        c.notes,
        c.created_at
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
    fts_replace(tx, rowid * 2 + 1, DocKind::Client, id, &body)
}

/// A row of a case's child table (hearings, tasks, notes, fees, documents).
trait ChildRow: PartialEq {
    const TABLE: &'static str;
    /// The kind's name in `removed_records` and in messages.
    const KIND: &'static str;
    fn insert(&self, tx: &Transaction, case_id: &str, id: &str) -> Result<()>;
    /// When the record was removed, if it was.
    fn removed_at(&self) -> Option<&str>;
    /// A few words that name the record in a list of removed ones.
    fn label(&self) -> String;
}

/// Lists a removed record (idempotent).
fn mark_removed(tx: &Transaction, owner: &str, kind: &str, id: &str, label: &str, at: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO removed_records (owner_id, kind, id, label, removed_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (owner_id, kind, id) DO UPDATE SET label = excluded.label, removed_at = excluded.removed_at",
    )?
    .execute(params![owner, kind, id, label, at])?;
    Ok(())
}

fn unmark_removed(tx: &Transaction, owner: &str, kind: &str, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM removed_records WHERE owner_id = ?1 AND kind = ?2 AND id = ?3")?
        .execute(params![owner, kind, id])?;
    Ok(())
}

/// Brings one record's rows to `row`: live in its table, or listed as removed.
fn put_child<R: ChildRow>(tx: &Transaction, case_id: &str, id: &str, row: &R) -> Result<()> {
    match row.removed_at() {
        Some(at) => {
            delete_child::<R>(tx, case_id, id)?;
            mark_removed(tx, case_id, R::KIND, id, &row.label(), at)
        }
        None => {
            unmark_removed(tx, case_id, R::KIND, id)?;
            row.insert(tx, case_id, id)
        }
    }
}

fn delete_child<R: ChildRow>(tx: &Transaction, case_id: &str, id: &str) -> Result<()> {
    tx.prepare_cached(&format!("DELETE FROM {} WHERE case_id = ?1 AND id = ?2", R::TABLE))?
        .execute([case_id, id])?;
    Ok(())
}

impl ChildRow for Hearing {
    const KIND: &'static str = "hearing";
    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }
    fn label(&self) -> String {
        format!("hearing of {}", crate::dates::iso_to_dmy(&self.date))
    }
    const TABLE: &'static str = "hearings";
    fn insert(&self, tx: &Transaction, case_id: &str, id: &str) -> Result<()> {
        let h = self;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO hearings
               (id, case_id, date, item, purpose, outcome, next_date, disposed, attended_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            id,
            case_id,
            h.date,
            h.item,
            h.purpose,
            h.outcome,
            h.next_date,
            h.disposed,
            h.attended_by,
            h.recorded_at
        ])?;
        Ok(())
    }
}

impl ChildRow for Task {
    const KIND: &'static str = "task";
    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }
    fn label(&self) -> String {
        format!("task \u{201c}{}\u{201d}", self.title)
    }
    const TABLE: &'static str = "tasks";
    fn insert(&self, tx: &Transaction, case_id: &str, id: &str) -> Result<()> {
        let t = self;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO tasks (id, case_id, title, due, assignee, done, done_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            case_id,
            t.title,
            t.due,
            t.assignee,
            t.done,
            t.done_at,
            t.created_at
        ])?;
        Ok(())
    }
}

impl ChildRow for Note {
    const KIND: &'static str = "note";
    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }
    fn label(&self) -> String {
        format!("note \u{201c}{}\u{201d}", short(&self.text))
    }
    const TABLE: &'static str = "notes";
    fn insert(&self, tx: &Transaction, case_id: &str, id: &str) -> Result<()> {
        let n = self;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO notes (id, case_id, text, client_visible, author, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![id, case_id, n.text, n.client_visible, n.author, n.at])?;
        Ok(())
    }
}

impl ChildRow for Fee {
    const KIND: &'static str = "fee";
    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }
    fn label(&self) -> String {
        format!(
            "{} fee of {} {} on {}",
            self.kind,
            self.currency,
            crate::money::format_amount(self.amount_minor),
            crate::dates::iso_to_dmy(&self.date)
        )
    }
    const TABLE: &'static str = "fees";
    fn insert(&self, tx: &Transaction, case_id: &str, id: &str) -> Result<()> {
        let f = self;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO fees
               (id, case_id, kind, amount_minor, currency, date, mode, remark, voided_at, void_reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            id,
            case_id,
            f.kind,
            f.amount_minor,
            f.currency,
            f.date,
            f.mode,
            f.remark,
            f.voided_at,
            f.void_reason
        ])?;
        Ok(())
    }
}

impl ChildRow for DocumentRef {
    const KIND: &'static str = "document";
    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }
    fn label(&self) -> String {
        format!("document {}", self.name)
    }
    const TABLE: &'static str = "documents";
    fn insert(&self, tx: &Transaction, case_id: &str, id: &str) -> Result<()> {
        let d = self;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO documents
               (id, case_id, name, size, media_type, sha256, blob_id, client_visible, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            id,
            case_id,
            d.name,
            d.size,
            d.media_type,
            d.sha256,
            d.blob_id,
            d.client_visible,
            d.added_at
        ])?;
        Ok(())
    }
}

/// Brings one child table from `old` to `new` (all rows when `old` is `None`).
fn children<R: ChildRow>(
    tx: &Transaction,
    case_id: &str,
    old: Option<&BTreeMap<String, R>>,
    new: &BTreeMap<String, R>,
) -> Result<()> {
    match old {
        None => {
            tx.prepare_cached(&format!("DELETE FROM {} WHERE case_id = ?1", R::TABLE))?
                .execute([case_id])?;
            tx.prepare_cached("DELETE FROM removed_records WHERE owner_id = ?1 AND kind = ?2")?
                .execute([case_id, R::KIND])?;
            for (id, row) in new {
                put_child(tx, case_id, id, row)?;
            }
        }
        Some(old) => {
            for (id, row) in new {
                if old.get(id) != Some(row) {
                    put_child(tx, case_id, id, row)?;
                }
            }
            // Records are removed by marking them, but a merge could still drop a key.
            for id in old.keys().filter(|k| !new.contains_key(*k)) {
                delete_child::<R>(tx, case_id, id)?;
                unmark_removed(tx, case_id, R::KIND, id)?;
            }
        }
    }
    Ok(())
}

fn case_row(tx: &Transaction, id: &str, c: &CaseDoc) -> Result<i64> {
    let latest = c
        .hearings
        .values()
        .filter(|h| h.removed_at.is_none())
        .map(|h| h.date.as_str())
        .max();
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
    Ok(tx
        .prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

fn parties(tx: &Transaction, id: &str, c: &CaseDoc) -> Result<()> {
    tx.prepare_cached("DELETE FROM case_parties WHERE case_id = ?1")?
        .execute([id])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO case_parties (case_id, position, name, side, counsel) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, p) in c.parties.iter().enumerate() {
        ins.execute(params![id, i as i64, p.name, p.side, p.counsel])?;
    }
    Ok(())
}

fn clients(tx: &Transaction, id: &str, c: &CaseDoc) -> Result<()> {
    tx.prepare_cached("DELETE FROM case_clients WHERE case_id = ?1")?
        .execute([id])?;
    let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO case_clients (case_id, client_id) VALUES (?1, ?2)")?;
    for client in &c.client_ids {
        ins.execute(params![id, client])?;
    }
    Ok(())
}

fn members(tx: &Transaction, id: &str, c: &CaseDoc) -> Result<()> {
    tx.prepare_cached("DELETE FROM case_members WHERE case_id = ?1")?
        .execute([id])?;
    let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO case_members (case_id, member_id) VALUES (?1, ?2)")?;
    for member in &c.assigned {
        ins.execute(params![id, member])?;
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
fn unproject_case(tx: &Transaction, id: &str, c: &CaseDoc, at: &str) -> Result<()> {
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
    ] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE case_id = ?1"))?
            .execute([id])?;
    }
    tx.prepare_cached("DELETE FROM removed_records WHERE owner_id = ?1")?
        .execute([id])?;
    tx.prepare_cached("DELETE FROM cases WHERE id = ?1")?.execute([id])?;
    mark_removed(tx, id, "case", id, &format!("case {}", c.number), at)
}

/// Projects a whole case, replacing every row it had.
pub fn project_case(tx: &Transaction, id: &str, c: &CaseDoc) -> Result<()> {
    if let Some(at) = &c.removed_at {
        return unproject_case(tx, id, c, at);
    }
    unmark_removed(tx, id, "case", id)?;
    let rowid = case_row(tx, id, c)?;
    parties(tx, id, c)?;
    clients(tx, id, c)?;
    members(tx, id, c)?;
    children(tx, id, None, &c.hearings)?;
    children(tx, id, None, &c.tasks)?;
    children(tx, id, None, &c.notes)?;
    children(tx, id, None, &c.fees)?;
    children(tx, id, None, &c.documents)?;
    fts_replace(tx, rowid * 2, DocKind::Case, id, &case_search_text(c))
}

/// Projects the difference between two versions of a case already projected as `old`.
pub fn project_case_diff(tx: &Transaction, id: &str, old: &CaseDoc, new: &CaseDoc) -> Result<()> {
    if new.removed_at.is_some() || old.removed_at.is_some() {
        return project_case(tx, id, new);
    }
    let rowid = case_row(tx, id, new)?;
    if old.parties != new.parties {
        parties(tx, id, new)?;
    }
    if old.client_ids != new.client_ids {
        clients(tx, id, new)?;
    }
    if old.assigned != new.assigned {
        members(tx, id, new)?;
    }
    children(tx, id, Some(&old.hearings), &new.hearings)?;
    children(tx, id, Some(&old.tasks), &new.tasks)?;
    children(tx, id, Some(&old.notes), &new.notes)?;
    children(tx, id, Some(&old.fees), &new.fees)?;
    children(tx, id, Some(&old.documents), &new.documents)?;
    let text = case_search_text(new);
    if case_search_text(old) != text {
        fts_replace(tx, rowid * 2, DocKind::Case, id, &text)?;
    }
    Ok(())
}

/// The first words of a long text, for a label.
fn short(text: &str) -> String {
    const WORDS: usize = 8;
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= WORDS {
        words.join(" ")
    } else {
        format!("{}\u{2026}", words[..WORDS].join(" "))
    }
}

/// One change of a document as the history table records it.
pub struct HistoryRow {
    pub(crate) hash: String,
    actor: String,
    seq: i64,
    time: i64,
    pub(crate) message: Option<String>,
}

/// The change history of a document, read from it (no database needed, so it
/// can be done away from the writing thread).
pub fn history_rows(doc: &mut AutoCommit) -> Vec<HistoryRow> {
    doc.get_changes_meta(&[])
        .into_iter()
        .map(|m| HistoryRow {
            hash: m.hash.to_string(),
            actor: m.actor.to_hex_string(),
            seq: m.seq as i64,
            time: m.timestamp,
            message: m.message.map(|c| c.into_owned()),
        })
        .collect()
}

/// Records change history rows (idempotent: known changes are kept).
pub fn insert_history(tx: &Transaction, id: &str, rows: &[HistoryRow]) -> Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO history (doc_id, hash, actor, seq, time, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for m in rows {
        ins.execute(params![id, m.hash, m.actor, m.seq, m.time, m.message])?;
    }
    Ok(())
}

/// Records the document's change history (idempotent: known changes are kept).
pub fn project_history(tx: &Transaction, id: &str, doc: &mut AutoCommit) -> Result<()> {
    insert_history(tx, id, &history_rows(doc))
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
            DocKind::Chamber => AnyDoc::Chamber(autosurgeon::hydrate(doc)?),
            DocKind::Client => AnyDoc::Client(autosurgeon::hydrate(doc)?),
            DocKind::Case => AnyDoc::Case(Box::new(autosurgeon::hydrate(doc)?)),
        })
    }

    fn project(&self, tx: &Transaction, id: &str) -> Result<()> {
        match self {
            AnyDoc::Chamber(c) => c.project(tx, id),
            AnyDoc::Client(c) => c.project(tx, id),
            AnyDoc::Case(c) => c.project(tx, id),
        }
    }
}

/// Projects one stored document, whatever its kind.
pub fn project_doc(tx: &Transaction, id: &str, kind: DocKind, doc: &mut AutoCommit) -> Result<()> {
    AnyDoc::read(kind, doc)?.project(tx, id)?;
    project_history(tx, id, doc)
}

/// Drops every projected row and rebuilds the projection from the documents.
pub fn rebuild(tx: &Transaction) -> Result<()> {
    for t in TABLES {
        tx.execute(&format!("DELETE FROM {t}"), [])?;
    }
    // Reading documents back out of Automerge is most of the work: it runs on
    // every core, a few hundred documents at a time; the writes stay here.
    const AT_A_TIME: usize = 256;
    for kind in [DocKind::Chamber, DocKind::Client, DocKind::Case] {
        for ids in store::doc_ids(tx, kind)?.chunks(AT_A_TIME) {
            let saved = ids
                .iter()
                .map(|id| Ok((id.as_str(), store::doc_bytes(tx, id)?)))
                .collect::<Result<Vec<_>>>()?;
            let read = crate::parallel::map(&saved, |(id, bytes)| {
                let mut doc = store::doc_from_bytes(id, bytes)?;
                Ok((AnyDoc::read(kind, &doc)?, history_rows(&mut doc)))
            })?;
            for ((id, _), (value, history)) in saved.iter().zip(read) {
                value.project(tx, id)?;
                insert_history(tx, id, &history)?;
            }
        }
    }
    // A migration that adds projection tables asks for this rebuild (see 0003).
    tx.execute("DELETE FROM meta WHERE key = 'projection.stale'", [])?;
    Ok(())
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
