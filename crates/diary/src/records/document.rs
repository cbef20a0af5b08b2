//! Documents attached to a case: their size limit and checks, and attaching
//! one (its bytes are stored in the encrypted database, once per content).
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::required;
use crate::write::{new_id, now_rfc3339, WriteTxn};

/// Largest attachment accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

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
            return Err(DiaryError::TooLarge(format!(
                "{name} is {} MB; documents up to {} MB can be attached",
                bytes.len() / (1024 * 1024),
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            )));
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
            let vis = if client_visible { "client-visible" } else { "private" };
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
}
