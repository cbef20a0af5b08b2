//! Undo: taking back this laptop's last change.
//!
//! Every write transaction is one *action* in a local journal (`undo_journal`):
//! one row per document change it made, with the change's hash. Undoing the
//! newest action that is not undone yet reads, for each change, the record as
//! it was just before and just after that change, and writes a **new** change
//! that puts back the earlier values, so an undo syncs and merges like any
//! other correction and shows in the history as "Undid: …".
//!
//! The undo is selective: a field is only put back if it still holds the
//! value that change gave it. A later correction of the same field (made here
//! or on another laptop of the chamber) is left alone rather than silently
//! overwritten. A record that the change added is removed (marked, like any
//! removal), and undoing the opening of a case or the adding of a client
//! removes that case or client. Creating the diary cannot be undone.
//!
//! Undo is a stack: repeating it takes back older actions one by one; the
//! undo changes themselves are never undone by it.

use automerge::{AutoCommit, ChangeHash};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::diary::Diary;
use crate::docdiff::DocValue;
use crate::error::{DiaryError, Result};
use crate::model::{CaseDoc, ChamberDoc, ClientDoc, DocKind};
use crate::store;
use crate::write::{now_rfc3339, WriteTxn};

/// Keep the journal to this many actions; older ones can no longer be undone.
const KEEP_ACTIONS: i64 = 1000;

/// The action of a transaction kept out of the journal.
pub(crate) const NOT_UNDOABLE: i64 = 0;

/// What a journal row records: an ordinary change, or an undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Change,
    Undo,
}

/// What one undo took back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Undone {
    /// The history messages of the changes taken back, in the order they were made.
    pub messages: Vec<String>,
    /// The documents (cases, clients, the chamber) that the undo changed.
    pub doc_ids: Vec<String>,
    /// False when every field had been corrected again since, so nothing was put back.
    pub restored: bool,
}

/// The next action number for a write transaction.
pub(crate) fn next_action(tx: &Transaction) -> Result<i64> {
    Ok(tx
        .prepare_cached("SELECT coalesce(max(action), 0) + 1 FROM undo_journal")?
        .query_row([], |r| r.get(0))?)
}

/// Journals one ordinary change of `doc_id`.
pub(crate) fn journal(tx: &Transaction, action: i64, doc_id: &str, hash: &str, message: Option<&str>) -> Result<()> {
    journal_as(tx, action, doc_id, hash, message, Role::Change)
}

pub(crate) fn journal_as(
    tx: &Transaction,
    action: i64,
    doc_id: &str,
    hash: &str,
    message: Option<&str>,
    role: Role,
) -> Result<()> {
    if action == NOT_UNDOABLE {
        return Ok(());
    }
    let role = match role {
        Role::Change => "change",
        Role::Undo => "undo",
    };
    tx.prepare_cached("INSERT INTO undo_journal (action, doc_id, hash, message, role) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![action, doc_id, hash, message.unwrap_or(""), role])?;
    tx.prepare_cached("DELETE FROM undo_journal WHERE action <= ?1")?
        .execute([action - KEEP_ACTIONS])?;
    Ok(())
}

impl Diary {
    /// Takes back this laptop's newest change that is not undone yet.
    pub fn undo(&mut self) -> Result<Undone> {
        self.write(|w| w.undo())
    }

    /// The history message of the change [`Diary::undo`] would take back, if any.
    pub fn undo_preview(&self) -> Result<Option<String>> {
        let preview: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT group_concat(message, '; ') FROM undo_journal WHERE action = (
                   SELECT max(action) FROM undo_journal WHERE role = 'change' AND undone = 0)",
            )?
            .query_row([], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten();
        preview
            .map(|p| crate::erasure::name_clients(&self.conn, &p))
            .transpose()
    }
}

impl WriteTxn<'_> {
    pub fn undo(&mut self) -> Result<Undone> {
        let action: Option<i64> = self
            .tx
            .prepare_cached("SELECT max(action) FROM undo_journal WHERE role = 'change' AND undone = 0")?
            .query_row([], |r| r.get(0))?;
        let action = action.ok_or(DiaryError::NothingToUndo)?;
        let rows: Vec<(i64, String, String, String)> = self
            .tx
            .prepare_cached("SELECT seq, doc_id, hash, message FROM undo_journal WHERE action = ?1 ORDER BY seq DESC")?
            .query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut undone = Undone {
            messages: rows
                .iter()
                .rev()
                .map(|r| crate::erasure::name_clients(self.tx, &r.3))
                .collect::<Result<_>>()?,
            doc_ids: Vec::new(),
            restored: false,
        };
        for (_, doc_id, hash, message) in &rows {
            let kind = store::doc_kind(self.tx, doc_id)?.ok_or_else(|| DiaryError::UnknownId {
                kind: "record",
                id: doc_id.clone(),
            })?;
            let changed = match kind {
                DocKind::Case => self.undo_change::<CaseDoc>(doc_id, kind, hash, message)?,
                DocKind::Client => self.undo_change::<ClientDoc>(doc_id, kind, hash, message)?,
                DocKind::Chamber => self.undo_change::<ChamberDoc>(doc_id, kind, hash, message)?,
            };
            if changed {
                undone.restored = true;
                if !undone.doc_ids.contains(doc_id) {
                    undone.doc_ids.push(doc_id.clone());
                }
            }
        }
        self.tx
            .prepare_cached("UPDATE undo_journal SET undone = 1 WHERE action = ?1")?
            .execute([action])?;
        Ok(undone)
    }

    /// Writes the change that takes back `hash` in document `id`; false when
    /// nothing is left to put back.
    fn undo_change<T>(&mut self, id: &str, kind: DocKind, hash: &str, message: &str) -> Result<bool>
    where
        T: DocValue + Serialize + DeserializeOwned,
    {
        let mut doc = store::load_doc(self.tx, id)?;
        doc.set_actor(self.author.actor.clone());
        let hash: ChangeHash = hash
            .parse()
            .map_err(|_| DiaryError::Document(format!("bad change hash {hash} in the undo journal")))?;
        let change = doc
            .get_change_by_hash(&hash)
            .ok_or_else(|| DiaryError::Document(format!("change {hash} is not in document {id}")))?;
        let current: T = crate::hydration::hydrate(&doc)?;
        let after = to_json(&state_at::<T>(&mut doc, &[hash])?)?;
        let now = Value::String(now_rfc3339());
        let mut restored = to_json(&current)?;
        if change.deps().is_empty() {
            // The change created the record: undoing it removes the record.
            if kind == DocKind::Chamber {
                return Err(DiaryError::NothingToUndo);
            }
            mark_removed(&mut restored, &now);
        } else {
            let before = to_json(&state_at::<T>(&mut doc, change.deps())?)?;
            revert(&mut restored, Some(&before), &after, &now);
        }
        let value: T = serde_json::from_value(restored)
            .map_err(|e| DiaryError::Document(format!("could not undo in document {id}: {e}")))?;
        if value == current {
            return Ok(false);
        }
        let msg = format!("Undid: {message}");
        self.write_change(id, kind, &mut doc, &current, &value, &msg, Role::Undo)?;
        Ok(true)
    }
}

/// The record as it was at `heads`.
fn state_at<T: DocValue>(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<T> {
    let past = doc.fork_at(heads)?;
    crate::hydration::hydrate(&past)
}

fn to_json<T: Serialize>(value: &T) -> Result<Value> {
    value
        .serialize(serde_json::value::Serializer)
        .map_err(|e| DiaryError::Document(e.to_string()))
}

/// Marks a record removed (if it can be and is not already).
fn mark_removed(value: &mut Value, now: &Value) -> bool {
    match value.get_mut("removed_at") {
        Some(slot) if slot.is_null() => {
            *slot = now.clone();
            true
        }
        _ => false,
    }
}

/// Puts back in `current` what the change from `before` to `after` altered,
/// where `current` still holds the changed value. Records the change added
/// are marked removed; map entries it dropped come back.
fn revert(current: &mut Value, before: Option<&Value>, after: &Value, now: &Value) {
    if before == Some(after) {
        return;
    }
    match (current, before, after) {
        (Value::Object(cur), Some(Value::Object(b)), Value::Object(a)) => {
            let keys: Vec<String> = b.keys().chain(a.keys()).cloned().collect();
            for key in keys {
                match (b.get(&key), a.get(&key)) {
                    (Some(bv), Some(av)) if bv == av => {}
                    (Some(bv), Some(av)) => {
                        if let Some(cv) = cur.get_mut(&key) {
                            revert(cv, Some(bv), av, now);
                        }
                    }
                    (None, Some(av)) => {
                        // Added by the change: a record is marked removed, a
                        // plain entry goes if nobody changed it since.
                        if let Some(cv) = cur.get_mut(&key) {
                            if !mark_removed(cv, now) && cv == av {
                                cur.remove(&key);
                            }
                        }
                    }
                    (Some(bv), None) => {
                        cur.entry(key).or_insert_with(|| bv.clone());
                    }
                    (None, None) => {}
                }
            }
        }
        (cur, Some(b), a) => {
            if cur == a {
                *cur = b.clone();
            }
        }
        (_, None, _) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn revert_puts_back_only_what_still_holds_the_changed_value() {
        let before = json!({"title": "A", "stage": "Evidence", "hearings": {}});
        let after =
            json!({"title": "B", "stage": "Arguments", "hearings": {"h1": {"date": "2031-04-10", "removed_at": null}}});
        // Since the change, someone else set the stage again.
        let mut current =
            json!({"title": "B", "stage": "Judgment", "hearings": {"h1": {"date": "2031-04-10", "removed_at": null}}});
        let now = json!("2026-12-01T00:00:00.000Z");
        revert(&mut current, Some(&before), &after, &now);
        assert_eq!(current["title"], "A");
        assert_eq!(current["stage"], "Judgment", "a later correction is left alone");
        assert_eq!(
            current["hearings"]["h1"]["removed_at"], now,
            "an added record is marked removed"
        );
    }

    #[test]
    fn revert_brings_back_a_removed_record() {
        let before = json!({"fees": {"f1": {"amount_minor": 500, "removed_at": null}}});
        let after = json!({"fees": {"f1": {"amount_minor": 500, "removed_at": "2026-12-01T10:00:00.000Z"}}});
        let mut current = after.clone();
        revert(&mut current, Some(&before), &after, &json!("x"));
        assert_eq!(current, before);
    }
}
