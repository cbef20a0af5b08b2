//! The write path: every change to the diary is one SQLite transaction that
//! loads an Automerge document, applies the change through `autosurgeon`,
//! reconciles only what changed, commits it with a human-readable message,
//! stores the incremental bytes, queues them in the outbox and updates the
//! projection. Nothing is kept unless the whole transaction succeeds.
//!
//! [`Diary::write`] opens a [`WriteTxn`]; the record operations in
//! [`crate::records`] are methods on it (and one-change shorthands on `Diary`).

use std::collections::HashMap;

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use chrono::Utc;
use rusqlite::{Transaction, TransactionBehavior};

use crate::diary::Diary;
use crate::doc_cache::{Cached, DocCache};
use crate::docdiff::DocValue;
use crate::error::{DiaryError, Result};
use crate::model::DocKind;
use crate::projection;
use crate::store;

pub(crate) fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn new_id() -> String {
    ulid::Ulid::new().to_string()
}

impl Diary {
    /// Runs `f` in one IMMEDIATE transaction on the raw connection; nothing is
    /// kept unless it succeeds (for changes below the record level: sync state,
    /// blobs, projection rebuilds).
    pub(crate) fn with_transaction<T>(&mut self, f: impl FnOnce(&Transaction, &Self) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let out = f(&tx, self)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs one or several record changes in one write transaction (used by
    /// every change, by bulk generators and by imports).
    pub fn write<T>(&mut self, f: impl FnOnce(&mut WriteTxn<'_>) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let author = Author::of(self, &tx)?;
        let (out, changed) = {
            let mut w = WriteTxn {
                tx: &tx,
                author,
                cache: &mut self.doc_cache,
                loaded: HashMap::new(),
            };
            let out = f(&mut w)?;
            (out, std::mem::take(&mut w.loaded))
        };
        tx.commit()?;
        // Only now are the documents this transaction wrote what is stored.
        for (id, cached) in changed {
            self.doc_cache.put(id, cached);
        }
        Ok(out)
    }

    pub(crate) fn create_doc<T: autosurgeon::Reconcile + projection::Projected>(
        &self,
        tx: &Transaction,
        id: &str,
        kind: DocKind,
        value: &T,
        msg: &str,
    ) -> Result<()> {
        // Documents made while setting a diary up are not for "Undo".
        let mut author = Author::of(self, tx)?;
        author.action = crate::undo::NOT_UNDOABLE;
        author.create_doc(tx, id, kind, value, msg)
    }
}

/// Who is writing: this device's Automerge actor and the member using it,
/// taken from the diary so a transaction can borrow its connection apart.
#[derive(Clone)]
pub(crate) struct Author {
    pub(crate) actor: ActorId,
    pub(crate) member_id: String,
    /// This write transaction's action in the undo journal: every document
    /// it changes is one row of the action, and one undo takes it all back.
    pub(crate) action: i64,
}

/// A new document ready to store: its full save and its history rows.
pub(crate) struct BuiltDoc {
    saved: Vec<u8>,
    history: Vec<projection::HistoryRow>,
}

impl Author {
    fn of(d: &Diary, tx: &Transaction) -> Result<Author> {
        Ok(Author {
            actor: d.actor.clone(),
            member_id: d.member_id.clone(),
            action: crate::undo::next_action(tx)?,
        })
    }

    fn commit(doc: &mut AutoCommit, msg: &str) {
        doc.commit_with(
            CommitOptions::default()
                .with_message(msg.to_string())
                .with_time(Utc::now().timestamp()),
        );
    }

    /// A new document holding `value`, as one change with `msg`: its full save
    /// and its history rows. Pure work with no database, so bulk writers can
    /// run it on several threads.
    fn build_doc<T: autosurgeon::Reconcile>(&self, value: &T, msg: &str) -> Result<BuiltDoc> {
        let mut doc = AutoCommit::new().with_actor(self.actor.clone());
        autosurgeon::reconcile(&mut doc, value)?;
        Self::commit(&mut doc, msg);
        Ok(BuiltDoc {
            saved: doc.save(),
            history: projection::history_rows(&mut doc),
        })
    }

    /// Builds many documents on every core, keeping their order.
    pub(crate) fn build_docs<T: autosurgeon::Reconcile + Sync>(
        &self,
        items: &[(String, T, String)],
    ) -> Result<Vec<BuiltDoc>> {
        crate::parallel::map(items, |(_, value, msg)| self.build_doc(value, msg))
    }

    /// Stores a built document, queues it for sync and projects `value` as it
    /// is (the projection tests check this matches a rebuild from the documents).
    pub(crate) fn write_doc<T: projection::Projected>(
        &self,
        tx: &Transaction,
        id: &str,
        kind: DocKind,
        value: &T,
        built: &BuiltDoc,
    ) -> Result<()> {
        if crate::authorize::own_role(tx)?.is_some_and(|r| r != crate::roles::Role::Owner) {
            crate::authorize::check_local(tx, kind, &mut AutoCommit::load(&built.saved)?, &[])?;
        }
        store::insert_doc(tx, id, kind, &built.saved, &now_rfc3339())?;
        value.project(tx, id)?;
        projection::insert_history(tx, id, &built.history)?;
        for change in &built.history {
            crate::undo::journal(tx, self.action, id, &change.hash, change.message.as_deref())?;
        }
        Ok(())
    }

    pub(crate) fn create_doc<T: autosurgeon::Reconcile + projection::Projected>(
        &self,
        tx: &Transaction,
        id: &str,
        kind: DocKind,
        value: &T,
        msg: &str,
    ) -> Result<()> {
        let built = self.build_doc(value, msg)?;
        self.write_doc(tx, id, kind, value, &built)
    }
}

/// Changes made inside one write transaction. Every method validates before it writes.
pub struct WriteTxn<'a> {
    pub(crate) tx: &'a Transaction<'a>,
    pub(crate) author: Author,
    /// The diary's loaded documents, which this transaction takes from.
    cache: &'a mut DocCache,
    /// Documents this transaction loaded or changed, as they stand in it;
    /// back to the cache once it commits.
    loaded: HashMap<String, Cached>,
}

impl WriteTxn<'_> {
    /// Keeps this transaction's changes out of "Undo" (setting up sync,
    /// registering a device: housekeeping, not corrections of the diary).
    pub fn not_undoable(&mut self) {
        self.author.action = crate::undo::NOT_UNDOABLE;
    }

    pub(crate) fn require_kind(&self, id: &str, kind: DocKind, name: &'static str) -> Result<()> {
        if store::doc_kind(self.tx, id)? != Some(kind) {
            return Err(DiaryError::UnknownId {
                kind: name,
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Loads a document, lets `f` change its hydrated value and give a commit
    /// message, then writes only what changed to the document and the projection.
    /// A change that alters nothing writes nothing.
    pub(crate) fn change<T, R>(
        &mut self,
        id: &str,
        kind: DocKind,
        f: impl FnOnce(&mut T, &Transaction) -> Result<(R, String)>,
    ) -> Result<R>
    where
        T: DocValue,
    {
        self.require_kind(id, kind, kind.as_str())?;
        let seq = store::latest_chunk(self.tx, id)?;
        let (mut doc, old) = self.loaded_doc::<T>(id, seq)?;
        let mut value = old.clone();
        let (out, msg) = f(&mut value, self.tx)?;
        if value == old {
            self.loaded.insert(id.to_string(), Cached::new(seq, doc, old));
            return Ok(out);
        }
        if old.removed_at().is_some() && value.removed_at().is_some() {
            return Err(DiaryError::AlreadyRemoved {
                kind: kind.as_str(),
                id: id.to_string(),
            });
        }
        let seq = self
            .write_change(id, kind, &mut doc, &old, &value, &msg, crate::undo::Role::Change)?
            .unwrap_or(seq);
        self.loaded.insert(id.to_string(), Cached::new(seq, doc, value));
        Ok(out)
    }

    /// Document `id` and its hydrated value: from this transaction or the
    /// diary's cache when still what is stored (its newest chunk is `seq`),
    /// else read and hydrated.
    fn loaded_doc<T: DocValue>(&mut self, id: &str, seq: i64) -> Result<(AutoCommit, T)> {
        let cached = self.loaded.remove(id).or_else(|| self.cache.take(id));
        if let Some(parts) = cached.and_then(|c| c.into_parts::<T>(seq)) {
            #[cfg(debug_assertions)]
            let parts = checked(self.tx, id, parts)?;
            return Ok(parts);
        }
        let mut doc = store::load_doc(self.tx, id)?;
        doc.set_actor(self.author.actor.clone());
        let value: T = crate::hydration::hydrate(&doc)?;
        Ok((doc, value))
    }

    /// Writes `value` (changed from `old`) into the loaded `doc` as one change
    /// with `msg`: the document, the outbox, the projection, the history and
    /// the undo journal. Gives the stored chunk's number (none when the change
    /// came to nothing).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write_change<T: DocValue>(
        &mut self,
        id: &str,
        kind: DocKind,
        doc: &mut AutoCommit,
        old: &T,
        value: &T,
        msg: &str,
        role: crate::undo::Role,
    ) -> Result<Option<i64>> {
        let heads = doc.get_heads();
        T::write_diff(doc, old, value)?;
        Author::commit(doc, msg);
        crate::authorize::check_local(self.tx, kind, doc, &heads)?;
        let bytes = doc.save_after(&heads);
        let seq = store::append_change(self.tx, id, kind, &bytes, doc, &now_rfc3339())?;
        T::project(self.tx, id, Some(old), value)?;
        projection::project_history(self.tx, id, doc)?;
        if let Some(change) = doc.get_last_local_change() {
            crate::undo::journal_as(
                self.tx,
                self.author.action,
                id,
                &change.hash().to_string(),
                Some(msg),
                role,
            )?;
        }
        Ok(seq)
    }

    /// `id` if given and not yet used in this diary, else a new one.
    pub(crate) fn fresh_id(&self, id: Option<String>) -> Result<String> {
        match id.map(|i| i.trim().to_string()).filter(|i| !i.is_empty()) {
            None => Ok(new_id()),
            Some(id) => {
                if store::doc_kind(self.tx, &id)?.is_some() {
                    return Err(DiaryError::DuplicateId(format!(
                        "a record with id {id} is already in this diary"
                    )));
                }
                Ok(id)
            }
        }
    }
}

/// Every test build checks a kept document is the stored one and its kept
/// value what it holds.
#[cfg(debug_assertions)]
fn checked<T: DocValue>(tx: &Transaction, id: &str, (mut doc, value): (AutoCommit, T)) -> Result<(AutoCommit, T)> {
    let mut stored = store::load_doc(tx, id)?;
    assert_eq!(stored.get_heads(), doc.get_heads(), "document {id} was kept stale");
    assert!(
        autosurgeon::hydrate::<_, T>(&doc)? == value,
        "the cached value of document {id} differs from the document"
    );
    Ok((doc, value))
}
