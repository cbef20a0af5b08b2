//! Attachments in parts, on either storage: an upload arriving in pieces of
//! any length is stored as parts of 1 MiB and read back byte for byte, part
//! by part or whole; one that breaks off, comes to another size than
//! announced or takes the chamber over its quota stores nothing at all; an
//! attachment stored whole by an older relay is still served; deleting a
//! chamber deletes its parts.

use nextdate_relay::operations::Quota;
use nextdate_relay::storage::{BlobInfo, BLOB_PART_BYTES};
use nextdate_relay::{Storage, StoreError};

use crate::Store;

const MIB: usize = 1024 * 1024;

/// `n` bytes that repeat nowhere (so a part out of place would show).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// `bytes` arriving in pieces of `piece` bytes, as off a network.
fn arriving(bytes: &[u8], piece: usize) -> impl Iterator<Item = Result<Vec<u8>, String>> + '_ {
    bytes.chunks(piece).map(|c| Ok(c.to_vec()))
}

/// Every part of an attachment, read one at a time.
fn parts(s: &dyn Storage, chamber: &str, id: &[u8; 32]) -> Vec<Vec<u8>> {
    let info = s.blob_info(chamber, id).unwrap().expect("stored");
    let parts: Vec<Vec<u8>> = (0..info.parts)
        .map(|n| s.blob_part(chamber, id, n).unwrap().expect("each part is there"))
        .collect();
    assert_eq!(
        s.blob_part(chamber, id, info.parts).unwrap(),
        None,
        "none past the last"
    );
    parts
}

fn usage(s: &dyn Storage, chamber: &str) -> (u64, u64) {
    let c = s.chambers().unwrap().into_iter().find(|c| c.id == chamber).unwrap();
    (c.bytes, c.blobs)
}

fn parts_stored(store: &Store) -> i64 {
    (store.raw)("SELECT count(*) FROM blob_parts", &[])
}

pub(crate) fn a_large_attachment_is_stored_in_parts_and_read_back_whole(store: &Store) {
    let s = &*store.storage;
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    let bytes = noise(3 * MIB + MIB / 2, 7);
    let id = [5; 32];
    assert_eq!(s.blob_info("C", &id).unwrap(), None);
    assert_eq!(s.blob_part("C", &id, 0).unwrap(), None);
    s.put_blob_parts("C", &id, bytes.len() as u64, &mut arriving(&bytes, 100_003))
        .unwrap();
    assert!(s.has_blob("C", &id).unwrap());
    assert_eq!(
        s.blob_info("C", &id).unwrap(),
        Some(BlobInfo {
            size: bytes.len() as u64,
            parts: 4
        })
    );
    let read = parts(s, "C", &id);
    assert_eq!(
        read.iter().map(Vec::len).collect::<Vec<_>>(),
        [BLOB_PART_BYTES, BLOB_PART_BYTES, BLOB_PART_BYTES, MIB / 2]
    );
    assert!(read.concat() == bytes, "the parts read back byte for byte");
    assert!(s.get_blob("C", &id).unwrap() == Some(bytes.clone()), "and whole");
    assert_eq!(usage(s, "C"), (bytes.len() as u64, 1));
    assert_eq!(parts_stored(store), 4);

    // Stored once: another upload under the same id changes nothing.
    let other = noise(bytes.len(), 8);
    s.put_blob_parts("C", &id, other.len() as u64, &mut arriving(&other, MIB))
        .unwrap();
    assert!(s.get_blob("C", &id).unwrap() == Some(bytes.clone()));
    assert_eq!(usage(s, "C"), (bytes.len() as u64, 1));
    // Another chamber sees none of it, and keeps its own under the same id.
    assert_eq!(s.blob_info("D", &id).unwrap(), None);
    assert_eq!(s.blob_part("D", &id, 0).unwrap(), None);
    s.put_blob_parts("D", &id, other.len() as u64, &mut arriving(&other, 4096))
        .unwrap();
    assert!(s.get_blob("D", &id).unwrap() == Some(other.clone()));
    assert!(s.get_blob("C", &id).unwrap() == Some(bytes));

    // The frame route's whole attachments are stored in parts too.
    let framed = noise(MIB + 1, 9);
    s.put_blob("C", &[6; 32], &framed).unwrap();
    assert_eq!(s.blob_info("C", &[6; 32]).unwrap().map(|i| i.parts), Some(2));
    assert!(parts(s, "C", &[6; 32]).concat() == framed);
    // An empty attachment: no part at all, and empty whole.
    s.put_blob_parts("C", &[7; 32], 0, &mut std::iter::empty()).unwrap();
    assert_eq!(
        s.blob_info("C", &[7; 32]).unwrap(),
        Some(BlobInfo { size: 0, parts: 0 })
    );
    assert_eq!(s.get_blob("C", &[7; 32]).unwrap(), Some(Vec::new()));
    assert_eq!(s.stats().unwrap().blobs, 4);
}

pub(crate) fn an_upload_that_breaks_off_or_comes_to_another_size_stores_nothing(store: &Store) {
    let s = &*store.storage;
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    let bytes = noise(3 * MIB, 11);
    let id = [5; 32];
    let nothing_stored = |what: &str| {
        assert!(!s.has_blob("C", &id).unwrap(), "{what}");
        assert_eq!(s.blob_info("C", &id).unwrap(), None, "{what}");
        assert_eq!(s.blob_part("C", &id, 0).unwrap(), None, "{what}");
        assert_eq!(usage(s, "C"), (0, 0), "{what}");
        assert_eq!(parts_stored(store), 0, "{what}");
    };

    // Shorter than announced (the body ended early).
    let short = s.put_blob_parts("C", &id, bytes.len() as u64 + 1, &mut arriving(&bytes, MIB));
    assert!(matches!(short, Err(StoreError::Incomplete(_))), "{short:?}");
    nothing_stored("short");
    // Longer than announced: refused once it passes the size.
    let long = s.put_blob_parts("C", &id, 2 * MIB as u64, &mut arriving(&bytes, MIB));
    assert!(matches!(long, Err(StoreError::Incomplete(_))), "{long:?}");
    nothing_stored("long");
    // Broken off after two parts' worth (the client went, or timed out).
    let mut broken = arriving(&bytes[..2 * MIB + 10], 300_000).chain(std::iter::once(Err("timed out".to_string())));
    match s.put_blob_parts("C", &id, bytes.len() as u64, &mut broken) {
        Err(StoreError::Incomplete(why)) => assert!(why.contains("timed out"), "{why}"),
        other => panic!("a broken upload gave {other:?}"),
    }
    nothing_stored("broken");

    // Sent again whole, it is stored.
    s.put_blob_parts("C", &id, bytes.len() as u64, &mut arriving(&bytes, 65_536))
        .unwrap();
    assert!(s.get_blob("C", &id).unwrap() == Some(bytes.clone()));
    assert_eq!(usage(s, "C"), (bytes.len() as u64, 1));
}

pub(crate) fn a_streamed_attachment_over_the_quota_is_refused_and_nothing_is_stored(store: &Store) {
    let s = &*store.storage;
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.set_quota(
        "C",
        Some(Quota {
            bytes: 3 * MIB as u64 - 1,
            batches: 100,
            blobs: 2,
        }),
    )
    .unwrap();
    let big = noise(3 * MIB, 13);
    let over = s.put_blob_parts("C", &[1; 32], big.len() as u64, &mut arriving(&big, MIB));
    assert!(
        matches!(over, Err(StoreError::QuotaExceeded(ref what)) if what.contains("MiB")),
        "{over:?}"
    );
    assert!(!s.has_blob("C", &[1; 32]).unwrap());
    assert_eq!(s.blob_part("C", &[1; 32], 0).unwrap(), None);
    assert_eq!(parts_stored(store), 0);
    assert_eq!(usage(s, "C"), (0, 0));

    // Within the quota, then over its count of documents.
    let small = noise(MIB + 5, 14);
    for id in [[2; 32], [3; 32]] {
        s.put_blob_parts("C", &id, small.len() as u64, &mut arriving(&small, 8192))
            .unwrap();
    }
    let third = s.put_blob_parts("C", &[4; 32], 10, &mut arriving(&[0; 10], 10));
    assert!(
        matches!(third, Err(StoreError::QuotaExceeded(ref what)) if what.contains("2 documents")),
        "{third:?}"
    );
    assert_eq!(usage(s, "C"), (2 * small.len() as u64, 2));
    assert_eq!(parts_stored(store), 4);
    // One already stored is still acknowledged (a retry after a lost answer).
    s.put_blob_parts("C", &[2; 32], small.len() as u64, &mut arriving(&small, MIB))
        .unwrap();
}

pub(crate) fn an_attachment_stored_whole_before_parts_is_still_served(store: &Store) {
    let s = &*store.storage;
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    // As a relay before schema version 6 (PostgreSQL's 2) stored it: whole, in its row.
    let old = noise(2 * MIB + MIB / 2, 17);
    let id = [5; 32];
    let inserted = (store.raw)(
        &format!(
            "INSERT INTO blobs (chamber_id, id, size, bytes) VALUES ('C', $1, {}, $2)",
            old.len()
        ),
        &[&id, &old],
    );
    assert_eq!(inserted, 1);
    (store.raw)(
        "INSERT INTO blobs (chamber_id, id, size, bytes) VALUES ('C', $1, 0, $2)",
        &[&[6; 32], b""],
    );

    assert!(s.has_blob("C", &id).unwrap());
    assert_eq!(
        s.blob_info("C", &id).unwrap(),
        Some(BlobInfo {
            size: old.len() as u64,
            parts: 1
        })
    );
    let read = parts(s, "C", &id);
    assert_eq!(read.len(), 1, "one part, the whole row");
    assert!(read[0] == old);
    assert!(s.get_blob("C", &id).unwrap() == Some(old.clone()));
    assert_eq!(parts(s, "C", &[6; 32]), [Vec::<u8>::new()]);
    assert_eq!(s.get_blob("C", &[6; 32]).unwrap(), Some(Vec::new()));
    // Uploaded again by a laptop that lost the answer: stays as it was.
    let again = noise(old.len(), 18);
    s.put_blob_parts("C", &id, again.len() as u64, &mut arriving(&again, MIB))
        .unwrap();
    s.put_blob("C", &id, &again).unwrap();
    assert!(s.get_blob("C", &id).unwrap() == Some(old));
    assert_eq!(parts_stored(store), 0);
}

pub(crate) fn deleting_a_chamber_deletes_its_attachments_parts(store: &Store) {
    let s = &*store.storage;
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    s.create_chamber("D", &[2; 32], None, 0).unwrap();
    let (c, d) = (noise(2 * MIB + 1, 19), noise(MIB / 2, 20));
    let id = [5; 32];
    s.put_blob_parts("C", &id, c.len() as u64, &mut arriving(&c, MIB))
        .unwrap();
    s.put_blob_parts("D", &id, d.len() as u64, &mut arriving(&d, MIB))
        .unwrap();
    assert_eq!(parts_stored(store), 3 + 1);

    s.delete_chamber("C").unwrap();
    assert_eq!(parts_stored(store), 1, "only D's part is left");
    assert_eq!(s.blob_info("C", &id).unwrap(), None);
    assert_eq!(s.blob_part("C", &id, 0).unwrap(), None);
    assert!(s.get_blob("D", &id).unwrap() == Some(d));

    // The id again, in a chamber of the same name: a new attachment.
    s.create_chamber("C", &[1; 32], None, 0).unwrap();
    let anew = noise(MIB + 3, 21);
    s.put_blob_parts("C", &id, anew.len() as u64, &mut arriving(&anew, MIB))
        .unwrap();
    assert!(s.get_blob("C", &id).unwrap() == Some(anew));
}
