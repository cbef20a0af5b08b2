//! Erasing a client's personal data on request.
//!
//! Automerge keeps every value a document ever held in its history, so
//! clearing the fields is not enough: an erasure replaces the client's
//! document with a new one, made from nothing, that holds only a removal
//! mark, the date the client was added and the date of the erasure. The old
//! document's chunks, its history rows, its queued outbox entries and its
//! undo journal rows go in the same transaction, and the new document is
//! queued as a *replacement* (`outbox.replaces`), so every other device of the
//! chamber replaces its copy too instead of merging it ([`replace_remote`]).
//! Afterwards the database is scrubbed: the search index is merged (FTS5
//! keeps deleted terms until then), the file is vacuumed (freed pages still
//! hold old bytes) and the WAL is checkpointed and truncated.
//!
//! An erasure wins over any change made to the old document: a change that
//! arrives later for an erased client is dropped. Two devices erasing the
//! same client keep the same one of the two replacements (the one whose heads
//! sort first). What an erasure cannot reach is in `docs/merging.md`.

use automerge::{AutoCommit, ReadDoc, ROOT};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{ClientDoc, DocKind};
use crate::write::now_rfc3339;
use crate::{projection, store};

/// The name an erased client is shown under.
pub const ERASED_CLIENT: &str = "Erased client";

/// The history message of an erasure (the only entry the new document has).
const ERASURE_MESSAGE: &str = "Erased the client's personal data on request";

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Erased {
    pub id: String,
    /// What the diary said, for the advocate's confirmation.
    pub message: String,
}

impl Diary {
    /// Erases client `id`'s personal data: `confirm` must be the client's name
    /// (spaces at the ends and letter case aside). Refused for an unknown id,
    /// a client already erased, and while any case names the client
    /// (`ClientInUse`: detach them first). Not undoable, and "Undo" cannot
    /// take back anything done before it.
    pub fn erase_client(&mut self, id: &str, confirm: &str) -> Result<Erased> {
        let actor = self.actor.clone();
        let erased = self.with_transaction(|tx, _| {
            if store::doc_kind(tx, id)? != Some(DocKind::Client) {
                return Err(DiaryError::UnknownId {
                    kind: "client",
                    id: id.to_string(),
                });
            }
            crate::authorize::check_local_action(
                tx,
                crate::roles::Action::new(crate::roles::Record::Client, crate::roles::Op::Remove),
            )?;
            let old: ClientDoc = autosurgeon::hydrate(&store::load_doc(tx, id)?)?;
            if old.erased_at.is_some() {
                return Err(DiaryError::AlreadyErased(id.to_string()));
            }
            if confirm.trim().to_lowercase() != old.name.trim().to_lowercase() {
                return Err(DiaryError::ErasureNotConfirmed {
                    name: old.name.clone(),
                    given: confirm.trim().to_string(),
                });
            }
            let cases = crate::records::client::cases_naming(tx, id)?;
            if !cases.is_empty() {
                return Err(DiaryError::ClientInUse { name: old.name, cases });
            }
            let now = now_rfc3339();
            let mut doc = AutoCommit::new().with_actor(actor);
            autosurgeon::reconcile(
                &mut doc,
                &ClientDoc {
                    name: ERASED_CLIENT.to_string(),
                    created_at: old.created_at,
                    removed_at: Some(now.clone()),
                    erased_at: Some(now.clone()),
                    // Bills hold numbers, dates and amounts, nothing personal:
                    // kept, so no number is given twice.
                    bills: old.bills,
                    // Status links stay as revoked stubs without their key,
                    // so every laptop has the relay forget what they showed.
                    status_links: old
                        .status_links
                        .into_iter()
                        .map(|(link, l)| {
                            let stub = crate::model::StatusLink {
                                key: String::new(),
                                revoked_at: Some(l.revoked_at.unwrap_or_else(|| now.clone())),
                                ..l
                            };
                            (link, stub)
                        })
                        .collect(),
                    ..Default::default()
                },
            )?;
            doc.commit_with(
                automerge::transaction::CommitOptions::default()
                    .with_message(ERASURE_MESSAGE.to_string())
                    .with_time(chrono::Utc::now().timestamp()),
            );
            replace_doc(tx, id, &mut doc)?;
            // "Undo" does not reach back past an erasure: taking back an
            // earlier change (a detached client) would half-restore the client.
            tx.execute("DELETE FROM undo_journal", [])?;
            store::queue_local(tx, id, DocKind::Client, &doc.save(), true, &now)?;
            Ok(Erased {
                id: id.to_string(),
                message: format!("Erased the personal data of client {}", old.name.trim()),
            })
        })?;
        self.scrub()?;
        Ok(erased)
    }

    /// Makes sure deleted data is gone from the file, not only unreachable:
    /// merges the search index, vacuums the database and truncates the WAL.
    pub(crate) fn scrub(&mut self) -> Result<()> {
        self.conn
            .execute_batch("INSERT INTO search_fts (search_fts) VALUES ('optimize'); VACUUM;")?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// How a case's history names a client: a token, resolved to the client's
/// name when the history is read ([`name_clients`]), so that erasing the
/// client leaves no trace of their name in any case's history.
pub(crate) fn client_token(id: &str) -> String {
    format!("{{client:{id}}}")
}

/// `message` with every client token replaced by the client's name (for an
/// erased client, [`ERASED_CLIENT`]); a token naming no client is left as it is.
pub(crate) fn name_clients(conn: &rusqlite::Connection, message: &str) -> Result<String> {
    const OPEN: &str = "{client:";
    if !message.contains(OPEN) {
        return Ok(message.to_string());
    }
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OPEN.len()..];
        let name = match after.find('}') {
            Some(end) => client_label(conn, &after[..end])?.map(|n| (n, end)),
            None => None,
        };
        match name {
            Some((n, end)) => {
                out.push_str(&n);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(OPEN);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The name client `id` is shown under, removed and erased clients too.
pub(crate) fn client_label(conn: &rusqlite::Connection, id: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT name FROM clients WHERE id = ?1
             UNION ALL SELECT label FROM removed_records WHERE kind = 'client' AND id = ?1 LIMIT 1",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Whether a stored document is an erased client's replacement.
pub(crate) fn is_erased(doc: &AutoCommit) -> Result<bool> {
    Ok(matches!(
        doc.get(ROOT, "erased_at")?,
        Some((automerge::Value::Scalar(s), _)) if matches!(s.as_ref(), automerge::ScalarValue::Str(_))
    ))
}

/// Puts `doc` in the place of document `id` (a client) in every table that
/// holds it: chunks, projection, history, and drops its queued changes and
/// undo journal rows. The document row itself stays (same id, same kind).
fn replace_doc(tx: &Transaction, id: &str, doc: &mut AutoCommit) -> Result<()> {
    store::replace_chunks(tx, id, doc)?;
    tx.execute("DELETE FROM outbox WHERE doc_id = ?1", [id])?;
    tx.execute("DELETE FROM undo_journal WHERE doc_id = ?1", [id])?;
    tx.execute("DELETE FROM history WHERE doc_id = ?1", [id])?;
    projection::project_doc(tx, id, DocKind::Client, doc)
}

/// What a replacement from another device did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replaced {
    /// The document here was replaced (the data is to be scrubbed).
    Replaced,
    /// This device already holds the replacement that wins.
    AlreadyKnown,
}

/// Applies a replacement from another device: `bytes` is the whole new
/// document `id` of `kind`. Only an erased client can replace a document; a
/// document that is already an erased client keeps whichever of the two
/// replacements has the heads that sort first, so devices agree.
pub(crate) fn replace_remote(tx: &Transaction, id: &str, kind: DocKind, bytes: &[u8]) -> Result<Replaced> {
    if kind != DocKind::Client {
        return Err(DiaryError::Document(format!(
            "a change replaces {} {id}, but only an erased client's document can be replaced",
            kind.as_str()
        )));
    }
    let mut doc = store::doc_from_bytes(id, bytes)?;
    let value: ClientDoc = autosurgeon::hydrate(&doc)?;
    if value.erased_at.is_none() || !value.phones.is_empty() || value.email.is_some() || value.address.is_some() {
        return Err(DiaryError::Document(format!(
            "a change replaces client {id} with a document that is not an erasure"
        )));
    }
    match store::doc_kind(tx, id)? {
        None => {
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            store::insert_remote_doc(tx, id, kind, &mut doc, &now)?;
            projection::project_doc(tx, id, kind, &mut doc)?;
        }
        Some(k) if k != kind => {
            return Err(DiaryError::Document(format!(
                "document {id} is a {} here but a change calls it a {}",
                k.as_str(),
                kind.as_str()
            )))
        }
        Some(_) => {
            let mut here = store::load_doc(tx, id)?;
            if is_erased(&here)? && sorted_heads(&mut here) <= sorted_heads(&mut doc) {
                return Ok(Replaced::AlreadyKnown);
            }
            replace_doc(tx, id, &mut doc)?;
        }
    }
    Ok(Replaced::Replaced)
}

fn sorted_heads(doc: &mut AutoCommit) -> Vec<String> {
    let mut heads: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
    heads.sort();
    heads
}
