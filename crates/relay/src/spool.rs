//! Where an attachment waits while it arrives: a nameless file (the
//! operating system removes it when it is closed, or when the relay dies) in
//! the storage's spool folder, written as the upload comes in and read back
//! in parts of [`BLOB_PART_BYTES`] by the one short transaction that stores
//! it. So a slow upload holds neither SQLite's only connection nor one of
//! PostgreSQL's pooled ones, and the relay holds at most a part of it in memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::storage::{BlobSource, StoreError, StoreResult, BLOB_PART_BYTES};

/// An attachment that arrived whole, `size` bytes in `file`.
pub(crate) struct Spooled {
    file: File,
    size: u64,
}

/// Copies `source` into a new nameless file under `dir`; refused
/// ([`StoreError::Incomplete`]) when `source` fails or its bytes add up to
/// anything but `size` (reading stops as soon as they pass it).
pub(crate) fn spool(dir: &Path, size: u64, source: BlobSource<'_>) -> StoreResult<Spooled> {
    let io = |e: std::io::Error| StoreError::Internal(format!("spooling an attachment in {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut file = tempfile::tempfile_in(dir).map_err(io)?;
    let mut arrived = 0u64;
    for piece in source {
        let piece = piece.map_err(StoreError::Incomplete)?;
        arrived += piece.len() as u64;
        if arrived > size {
            return Err(StoreError::Incomplete(format!("more than the {size} bytes announced")));
        }
        file.write_all(&piece).map_err(io)?;
    }
    if arrived != size {
        return Err(StoreError::Incomplete(format!("{arrived} of {size} bytes")));
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    Ok(Spooled { file, size })
}

impl Spooled {
    /// The attachment in parts of [`BLOB_PART_BYTES`] (the last one shorter).
    pub(crate) fn parts(&mut self) -> impl Iterator<Item = StoreResult<Vec<u8>>> + '_ {
        let mut left = self.size;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            let n = left.min(BLOB_PART_BYTES as u64);
            left -= n;
            let mut part = vec![0; n as usize];
            Some(
                self.file
                    .read_exact(&mut part)
                    .map(|()| part)
                    .map_err(|e| StoreError::Internal(format!("reading a spooled attachment back: {e}"))),
            )
        })
    }
}

/// Reads and drops the rest of `source` (for an attachment already stored).
pub(crate) fn drain(source: BlobSource<'_>) {
    for piece in source {
        if piece.is_err() {
            break;
        }
    }
}

/// `bytes` in parts of [`BLOB_PART_BYTES`], as [`Spooled::parts`] gives them.
pub(crate) fn parts_of(bytes: &[u8]) -> impl Iterator<Item = StoreResult<Vec<u8>>> + '_ {
    bytes.chunks(BLOB_PART_BYTES).map(|c| Ok(c.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spooled_attachment_comes_back_in_whole_parts_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..BLOB_PART_BYTES * 2 + 10).map(|i| (i % 251) as u8).collect();
        // Pieces of odd lengths, as they come off the network.
        let mut source = bytes.chunks(70_001).map(|c| Ok(c.to_vec()));
        let mut spooled = spool(dir.path(), bytes.len() as u64, &mut source).unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the file has no name"
        );
        let parts: Vec<Vec<u8>> = spooled.parts().collect::<StoreResult<_>>().unwrap();
        assert_eq!(
            parts.iter().map(Vec::len).collect::<Vec<_>>(),
            [BLOB_PART_BYTES, BLOB_PART_BYTES, 10]
        );
        assert_eq!(parts.concat(), bytes);
        assert_eq!(parts_of(&bytes).count(), 3);
        assert_eq!(parts_of(&[]).count(), 0);
    }

    #[test]
    fn a_short_long_or_broken_source_is_incomplete() {
        let dir = tempfile::tempdir().unwrap();
        let mut short = std::iter::once(Ok(vec![1; 10]));
        assert!(matches!(
            spool(dir.path(), 11, &mut short),
            Err(StoreError::Incomplete(_))
        ));
        let mut long = std::iter::repeat_with(|| Ok(vec![1; 10])).take(1000);
        assert!(matches!(
            spool(dir.path(), 15, &mut long),
            Err(StoreError::Incomplete(_))
        ));
        let mut broken = [Ok(vec![1; 10]), Err("cut off".to_string())].into_iter();
        match spool(dir.path(), 20, &mut broken) {
            Err(StoreError::Incomplete(why)) => assert_eq!(why, "cut off"),
            other => panic!("{:?}", other.map(|_| ())),
        }
        let mut empty = std::iter::empty();
        assert_eq!(spool(dir.path(), 0, &mut empty).unwrap().parts().count(), 0);
    }
}
