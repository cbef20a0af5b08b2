//! The attachments chamber sync exchanges: which blobs a diary holds or
//! needs, their bytes, and storing a blob that came from another laptop
//! (checked against its id, the SHA-256 of its bytes).

use rusqlite::{params, OptionalExtension};

use crate::diary::Diary;
use crate::error::{DiaryError, Result};

/// A blob a document refers to, and whether its bytes are on this laptop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobPresence {
    /// The blob's id: the SHA-256 of its bytes, in hex.
    pub sha256: String,
    pub present: bool,
}

impl Diary {
    /// The blobs sync exchanges, by id, and whether their bytes are here:
    /// every blob a live document names (missing ones are fetched), and
    /// every blob whose bytes are here (sent once, so the relay also holds
    /// the bytes of removed documents for an undo on any device). Bytes are
    /// here only while some document record names them; see
    /// [`crate::records::document`] for that rule.
    pub fn blob_inventory(&self) -> Result<Vec<BlobPresence>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.blob_id, b.id IS NOT NULL FROM documents d LEFT JOIN blobs b ON b.id = d.blob_id
             UNION SELECT id, 1 FROM blobs
             ORDER BY 1",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(BlobPresence {
                sha256: r.get(0)?,
                present: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The bytes of a blob, if present.
    pub fn blob(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT bytes FROM blobs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// Stores a blob that came from another device, after checking that its
    /// SHA-256 is its id.
    pub fn put_blob(&mut self, id: &str, bytes: &[u8]) -> Result<()> {
        use sha2::{Digest, Sha256};
        let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(bytes));
        if sha != id {
            return Err(DiaryError::Document(format!(
                "attachment {id} arrived with different content"
            )));
        }
        self.with_transaction(|tx, _| {
            tx.execute(
                "INSERT OR IGNORE INTO blobs (id, size, bytes) VALUES (?1, ?2, ?3)",
                params![id, bytes.len() as i64, bytes],
            )?;
            Ok(())
        })
    }
}
