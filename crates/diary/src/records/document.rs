//! Documents attached to a case: their size limit and checks, attaching one
//! (its bytes are stored in the encrypted database, once per content),
//! renaming it, changing whether the client may see it, and removing it.
//!
//! # When an attachment's bytes go
//!
//! A document record names its bytes by their SHA-256 (`blob_id`), and the
//! bytes are kept once in `blobs`, however many documents of however many
//! cases name them. **The bytes stay as long as any document record names
//! them, live or removed** (a removed document, or a document of a removed
//! case): removal is a mark that can be undone, and an undone removal (or an
//! edit merged from another laptop into the removed record) must find the
//! bytes. Since records are never deleted from their documents, the bytes
//! of a removed document stay, like the text of a removed note. They go only
//! when the last record naming them disappears from every document, which
//! only a merge can do (a device that drops the record): then
//! [`drop_unreferenced_blobs`] deletes them in the same transaction as the
//! merge (see `replication/merge.rs`).
//!
//! Sync follows the same rule (`Diary::blob_inventory`): the bytes of every
//! document here are sent to the relay once, removed ones too, and the bytes
//! a live document needs are fetched when they are missing; a removed
//! document's bytes are fetched once it is live again.
use std::collections::BTreeSet;
use std::path::Path;

use automerge::{AutoCommit, ReadDoc, ROOT};
use rusqlite::Transaction;
use serde::{Deserialize, Serialize};

use super::child::ChildKind;
use super::corrected::{quoted, Corrected};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::queries::{AttachedDocument, DocumentRow};
use crate::store;
use crate::validate::required;
use crate::write::{new_id, now_rfc3339, WriteTxn};

/// Largest attachment accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// A correction of a document: its name, whether the client may see it, or
/// both. Nothing given is [`DiaryError::NothingToChange`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DocumentEdit {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub client_visible: Option<bool>,
}

/// The media type of a file, from its name's extension.
pub fn media_type_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext.to_lowercase()).as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("txt") => "text/plain",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        _ => "application/octet-stream",
    }
}

fn too_large(name: &str, size: u64) -> DiaryError {
    DiaryError::TooLarge(format!(
        "{name} is {} MB; documents up to {} MB can be attached",
        size / (1024 * 1024),
        MAX_DOCUMENT_BYTES / (1024 * 1024)
    ))
}

fn visibility(client_visible: bool) -> &'static str {
    if client_visible {
        "client-visible"
    } else {
        "private"
    }
}

impl Diary {
    /// Attaches a document to a case; its bytes are stored in the encrypted database.
    pub fn attach_document(
        &mut self,
        case_id: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        client_visible: bool,
    ) -> Result<String> {
        self.write(|w| w.attach_document(case_id, name, media_type, bytes, client_visible))
    }

    /// Attaches the file at `path` to a case, named after the file, its media
    /// type from the extension. A file over the limit is refused before it is read.
    pub fn attach_file(&mut self, case_id: &str, path: &Path, client_visible: bool) -> Result<String> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| DiaryError::BadPath(format!("{} is not a file", path.display())))?;
        let meta = std::fs::metadata(path)?;
        if meta.is_dir() {
            return Err(DiaryError::BadPath(format!(
                "{} is a folder, not a file",
                path.display()
            )));
        }
        if meta.len() > MAX_DOCUMENT_BYTES as u64 {
            return Err(too_large(&name, meta.len()));
        }
        let bytes = std::fs::read(path)?;
        self.attach_document(case_id, &name, media_type_of(&name), &bytes, client_visible)
    }

    /// The documents attached to a case, oldest first; an unknown case is an error.
    pub fn case_documents(&self, case_id: &str) -> Result<Vec<DocumentRow>> {
        if store::doc_kind(self.conn(), case_id)? != Some(DocKind::Case) {
            return Err(DiaryError::UnknownId {
                kind: "case",
                id: case_id.into(),
            });
        }
        self.documents(case_id)
    }

    /// A live document and its bytes; a removed one is [`DiaryError::AlreadyRemoved`].
    pub fn document_contents(&self, document_id: &str) -> Result<AttachedDocument> {
        self.case_of(ChildKind::Document, document_id)?;
        match self.document(document_id) {
            Err(DiaryError::UnknownId { .. }) => Err(DiaryError::AlreadyRemoved {
                kind: "document",
                id: document_id.into(),
            }),
            other => other,
        }
    }

    /// Writes a live document's contents to `path`, whole or not at all; an
    /// existing file is refused unless `replace`. Returns the document saved.
    pub fn save_document(&self, document_id: &str, path: &Path, replace: bool) -> Result<DocumentRow> {
        let doc = self.document_contents(document_id)?;
        if path.exists() && !path.is_dir() && !replace {
            return Err(DiaryError::BadPath(format!(
                "{} already exists; choose another file, or allow replacing it",
                path.display()
            )));
        }
        crate::atomic_file::write_file(path, &doc.bytes, replace)?;
        Ok(doc.row)
    }

    pub fn edit_document(&mut self, case_id: &str, document_id: &str, e: DocumentEdit) -> Result<Corrected> {
        self.write(|w| w.edit_document(case_id, document_id, e))
    }

    pub fn remove_document(&mut self, case_id: &str, document_id: &str) -> Result<Corrected> {
        self.write(|w| w.remove_document(case_id, document_id))
    }
}

impl WriteTxn<'_> {
    pub fn attach_document(
        &mut self,
        case_id: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        client_visible: bool,
    ) -> Result<String> {
        let name = required(name, "document name")?;
        if bytes.is_empty() {
            return Err(DiaryError::Empty("document"));
        }
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(too_large(&name, bytes.len() as u64));
        }
        use sha2::Digest;
        let sha = data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes));
        let media_type = if media_type.trim().is_empty() {
            "application/octet-stream".to_string()
        } else {
            media_type.trim().to_string()
        };
        let tx = self.tx;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            tx.prepare_cached("INSERT OR IGNORE INTO blobs (id, size, bytes) VALUES (?1, ?2, ?3)")?
                .execute(rusqlite::params![sha, bytes.len() as i64, bytes])?;
            let id = new_id();
            let vis = visibility(client_visible);
            c.documents.insert(
                id.clone(),
                DocumentRef {
                    name: name.clone(),
                    size: bytes.len() as i64,
                    media_type,
                    sha256: sha.clone(),
                    blob_id: sha.clone(),
                    client_visible,
                    added_at: now_rfc3339(),
                    ..Default::default()
                },
            );
            Ok((id, format!("Attached {vis} document {name}")))
        })
    }

    /// Runs `f` on document `document_id` of `case_id` after checking it is there and not removed.
    fn change_document(
        &mut self,
        case_id: &str,
        document_id: &str,
        f: impl FnOnce(&mut DocumentRef) -> String,
    ) -> Result<Corrected> {
        self.check_child(case_id, ChildKind::Document, document_id)?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let d = c.documents.get_mut(document_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "document",
                id: document_id.into(),
            })?;
            let msg = f(d);
            Ok((Corrected::new(document_id, case_id, msg.clone()), msg))
        })
    }

    /// Renames a document or changes whether the client may see it.
    pub fn edit_document(&mut self, case_id: &str, document_id: &str, e: DocumentEdit) -> Result<Corrected> {
        if e.name.is_none() && e.client_visible.is_none() {
            return Err(DiaryError::NothingToChange("document"));
        }
        let name = e.name.as_deref().map(|n| required(n, "document name")).transpose()?;
        self.change_document(case_id, document_id, |d| {
            let was = d.name.clone();
            let mut parts = Vec::new();
            if let Some(name) = name.filter(|n| *n != d.name) {
                parts.push(format!("renamed {}", quoted(&name)));
                d.name = name;
            }
            if let Some(v) = e.client_visible.filter(|v| *v != d.client_visible) {
                parts.push(
                    if v {
                        "made visible to the client"
                    } else {
                        "made private"
                    }
                    .to_string(),
                );
                d.client_visible = v;
            }
            if parts.is_empty() {
                String::new()
            } else {
                format!("Document {}: {}", quoted(&was), parts.join("; "))
            }
        })
    }

    /// Removes a document: it leaves the case page and stays in the case's
    /// document marked removed, its bytes kept (see the module's comment).
    pub fn remove_document(&mut self, case_id: &str, document_id: &str) -> Result<Corrected> {
        self.change_document(case_id, document_id, |d| {
            d.removed_at = Some(now_rfc3339());
            format!("Removed {} document {}", visibility(d.client_visible), quoted(&d.name))
        })
    }
}

/// Every blob a case document's records name, live or removed.
pub(crate) fn blob_refs(doc: &AutoCommit) -> Result<BTreeSet<String>> {
    if doc.get(ROOT, "documents")?.is_none() {
        return Ok(BTreeSet::new());
    }
    let docs: std::collections::BTreeMap<String, DocumentRef> = autosurgeon::hydrate_prop(doc, ROOT, "documents")?;
    Ok(docs.into_values().map(|d| d.blob_id).collect())
}

/// Deletes the bytes of each of `candidates` (blobs whose last record in
/// some document just disappeared) that no document record of any case
/// still names, live or removed; returns how many went. Live records are
/// read from the projection; removed ones from the documents of the cases
/// listed with removed records (a rare, small read: it only runs when a
/// record disappeared).
pub(crate) fn drop_unreferenced_blobs(tx: &Transaction, candidates: &BTreeSet<String>) -> Result<usize> {
    let mut orphans: BTreeSet<String> = BTreeSet::new();
    for blob in candidates {
        let live: bool = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM documents WHERE blob_id = ?1)")?
            .query_row([blob], |r| r.get(0))?;
        if !live {
            orphans.insert(blob.clone());
        }
    }
    if orphans.is_empty() {
        return Ok(0);
    }
    let owners: Vec<String> = tx
        .prepare_cached("SELECT DISTINCT owner_id FROM removed_records WHERE kind IN ('document', 'case')")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for owner in owners {
        if store::doc_kind(tx, &owner)? != Some(DocKind::Case) {
            continue;
        }
        for blob in blob_refs(&store::load_doc(tx, &owner)?)? {
            orphans.remove(&blob);
        }
        if orphans.is_empty() {
            return Ok(0);
        }
    }
    for blob in &orphans {
        tx.prepare_cached("DELETE FROM blobs WHERE id = ?1")?.execute([blob])?;
        tx.prepare_cached("DELETE FROM meta WHERE key = ?1")?
            .execute([format!("sync.blob_sent.{blob}")])?;
    }
    Ok(orphans.len())
}
