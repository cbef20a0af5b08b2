//! The SQL projection: ordinary tables and an FTS5 index derived from the
//! Automerge documents. Each function replaces everything one document
//! contributes, so an incremental update and a full rebuild give the same rows.

use automerge::AutoCommit;
use rusqlite::{params, Connection, Transaction};

use crate::error::Result;
use crate::model::{CaseDoc, ChamberDoc, ClientDoc, DocKind};
use crate::store;

/// Tables the projection owns, cleared by a rebuild.
pub const TABLES: &[&str] = &[
    "members",
    "devices",
    "clients",
    "cases",
    "case_parties",
    "case_clients",
    "hearings",
    "tasks",
    "notes",
    "fees",
    "documents",
    "history",
    "search_fts",
];

/// Normalised case number for duplicate detection: upper case, single spaces.
pub fn number_key(number: &str) -> String {
    number.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()
}

pub fn project_chamber(tx: &Transaction, chamber: &ChamberDoc) -> Result<()> {
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
    Ok(())
}

fn fts_replace(tx: &Transaction, rowid: i64, kind: DocKind, id: &str, body: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM search_fts WHERE rowid = ?1")?
        .execute([rowid])?;
    tx.prepare_cached("INSERT INTO search_fts (rowid, kind, id, body) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![rowid, kind.as_str(), id, body])?;
    Ok(())
}

pub fn project_client(tx: &Transaction, id: &str, c: &ClientDoc) -> Result<()> {
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

pub fn project_case(tx: &Transaction, id: &str, c: &CaseDoc) -> Result<()> {
    let latest = c.hearings.values().map(|h| h.date.as_str()).max();
    tx.prepare_cached(
        "INSERT INTO cases (id, title, number, number_key, cnr, court, bench, case_type, status, stage, created_at, latest_date)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, number = excluded.number, number_key = excluded.number_key,
           cnr = excluded.cnr, court = excluded.court, bench = excluded.bench, case_type = excluded.case_type,
           status = excluded.status, stage = excluded.stage, created_at = excluded.created_at,
           latest_date = excluded.latest_date",
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
        latest
    ])?;
    for table in [
        "case_parties",
        "case_clients",
        "hearings",
        "tasks",
        "notes",
        "fees",
        "documents",
    ] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE case_id = ?1"))?
            .execute([id])?;
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO case_parties (case_id, position, name, side, counsel) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (i, p) in c.parties.iter().enumerate() {
            ins.execute(params![id, i as i64, p.name, p.side, p.counsel])?;
        }
    }
    {
        let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO case_clients (case_id, client_id) VALUES (?1, ?2)")?;
        for client in &c.client_ids {
            ins.execute(params![id, client])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO hearings (id, case_id, date, item, purpose, outcome, next_date, disposed, attended_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (hid, h) in &c.hearings {
            ins.execute(params![
                hid,
                id,
                h.date,
                h.item,
                h.purpose,
                h.outcome,
                h.next_date,
                h.disposed,
                h.attended_by,
                h.recorded_at
            ])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO tasks (id, case_id, title, due, assignee, done, done_at, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (tid, t) in &c.tasks {
            ins.execute(params![
                tid,
                id,
                t.title,
                t.due,
                t.assignee,
                t.done,
                t.done_at,
                t.created_at
            ])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO notes (id, case_id, text, client_visible, author, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (nid, n) in &c.notes {
            ins.execute(params![nid, id, n.text, n.client_visible, n.author, n.at])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO fees (id, case_id, kind, amount_minor, currency, date, mode, remark)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (fid, f) in &c.fees {
            ins.execute(params![
                fid,
                id,
                f.kind,
                f.amount_minor,
                f.currency,
                f.date,
                f.mode,
                f.remark
            ])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO documents (id, case_id, name, size, media_type, sha256, blob_id, client_visible, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for (did, d) in &c.documents {
            ins.execute(params![
                did,
                id,
                d.name,
                d.size,
                d.media_type,
                d.sha256,
                d.blob_id,
                d.client_visible,
                d.added_at
            ])?;
        }
    }
    let rowid: i64 = tx
        .prepare_cached("SELECT rowid FROM cases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    let mut body = vec![c.title.clone(), c.number.clone(), c.court.clone()];
    body.extend(c.cnr.clone());
    body.extend(c.bench.clone());
    body.extend(c.case_type.clone());
    body.extend(c.stage.clone());
    for p in &c.parties {
        body.push(p.name.clone());
        body.extend(p.counsel.clone());
    }
    for n in c.notes.values() {
        body.push(n.text.clone());
    }
    fts_replace(tx, rowid * 2, DocKind::Case, id, &body.join(" \u{2029} "))
}

/// Records the document's change history (idempotent: known changes are kept).
pub fn project_history(tx: &Transaction, id: &str, doc: &mut AutoCommit) -> Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT OR IGNORE INTO history (doc_id, hash, actor, seq, time, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for m in doc.get_changes_meta(&[]) {
        ins.execute(params![
            id,
            m.hash.to_string(),
            m.actor.to_hex_string(),
            m.seq as i64,
            m.timestamp,
            m.message.as_deref()
        ])?;
    }
    Ok(())
}

/// Projects one stored document, whatever its kind.
pub fn project_doc(tx: &Transaction, id: &str, kind: DocKind, doc: &mut AutoCommit) -> Result<()> {
    match kind {
        DocKind::Chamber => project_chamber(tx, &autosurgeon::hydrate(doc)?)?,
        DocKind::Client => project_client(tx, id, &autosurgeon::hydrate(doc)?)?,
        DocKind::Case => project_case(tx, id, &autosurgeon::hydrate(doc)?)?,
    }
    project_history(tx, id, doc)
}

/// Drops every projected row and rebuilds the projection from the documents.
pub fn rebuild(tx: &Transaction) -> Result<()> {
    for t in TABLES {
        tx.execute(&format!("DELETE FROM {t}"), [])?;
    }
    for kind in [DocKind::Chamber, DocKind::Client, DocKind::Case] {
        for id in store::doc_ids(tx, kind)? {
            let mut doc = store::load_doc(tx, &id)?;
            project_doc(tx, &id, kind, &mut doc)?;
        }
    }
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
