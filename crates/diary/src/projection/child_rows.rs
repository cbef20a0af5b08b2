//! The rows a case (or the chamber) contributes to its child tables —
//! hearings, tasks, notes, fees, documents — each keyed by `(case_id, id)`, and
//! the `removed_records` list that a removed record moves to.

use std::collections::BTreeMap;

use rusqlite::{params, Transaction};

use super::Prior;
use crate::error::Result;
use crate::model::{DocumentRef, Fee, Hearing, Note, Task, TimeEntry};

/// A row of a case's child table (hearings, tasks, notes, fees, documents).
pub(super) trait ChildRow: PartialEq {
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
pub(super) fn mark_removed(tx: &Transaction, owner: &str, kind: &str, id: &str, label: &str, at: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO removed_records (owner_id, kind, id, label, removed_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (owner_id, kind, id) DO UPDATE SET label = excluded.label, removed_at = excluded.removed_at",
    )?
    .execute(params![owner, kind, id, label, at])?;
    Ok(())
}

pub(super) fn unmark_removed(tx: &Transaction, owner: &str, kind: &str, id: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM removed_records WHERE owner_id = ?1 AND kind = ?2 AND id = ?3")?
        .execute(params![owner, kind, id])?;
    Ok(())
}

/// Brings one record's rows to `row`: live in its table, or listed as removed.
fn put_child<R: ChildRow>(tx: &Transaction, prior: Prior, case_id: &str, id: &str, row: &R) -> Result<()> {
    match row.removed_at() {
        Some(at) => {
            if prior == Prior::Unknown {
                delete_child::<R>(tx, case_id, id)?;
            }
            mark_removed(tx, case_id, R::KIND, id, &row.label(), at)
        }
        None => {
            if prior == Prior::Unknown {
                unmark_removed(tx, case_id, R::KIND, id)?;
            }
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
               (id, case_id, date, item, purpose, outcome, next_date, disposed, attended_by, recorded_at,
                non_effective)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
            h.recorded_at,
            h.non_effective
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
               (id, case_id, kind, amount_minor, currency, date, mode, remark, voided_at, void_reason,
                receipt_series, receipt_year, receipt_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
            f.void_reason,
            f.receipt.as_ref().map(|r| &r.series),
            f.receipt.as_ref().map(|r| &r.year),
            f.receipt.as_ref().map(|r| r.seq)
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

impl ChildRow for TimeEntry {
    const KIND: &'static str = "time";
    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }
    fn label(&self) -> String {
        format!(
            "{} min on {}{}",
            self.minutes,
            crate::dates::iso_to_dmy(&self.date),
            self.note
                .as_deref()
                .map(|n| format!(" \u{201c}{}\u{201d}", short(n)))
                .unwrap_or_default()
        )
    }
    const TABLE: &'static str = "time_entries";
    fn insert(&self, tx: &Transaction, case_id: &str, id: &str) -> Result<()> {
        let t = self;
        tx.prepare_cached(
            "INSERT OR REPLACE INTO time_entries (id, case_id, date, minutes, member_id, note, billable, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            id,
            case_id,
            t.date,
            t.minutes,
            t.member_id,
            t.note,
            t.billable,
            t.created_at
        ])?;
        Ok(())
    }
}

/// Brings one child table from `old` to `new` (all rows when `old` is `None`).
pub(super) fn children<R: ChildRow>(
    tx: &Transaction,
    case_id: &str,
    prior: Prior,
    old: Option<&BTreeMap<String, R>>,
    new: &BTreeMap<String, R>,
) -> Result<()> {
    match old {
        None => {
            let delete = format!("DELETE FROM {} WHERE case_id = ?1", R::TABLE);
            prior.clear(tx, &delete, [case_id])?;
            let unlist = "DELETE FROM removed_records WHERE owner_id = ?1 AND kind = ?2";
            prior.clear(tx, unlist, [case_id, R::KIND])?;
            for (id, row) in new {
                put_child(tx, prior, case_id, id, row)?;
            }
        }
        Some(old) => {
            for (id, row) in new {
                if old.get(id) != Some(row) {
                    put_child(tx, prior, case_id, id, row)?;
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
