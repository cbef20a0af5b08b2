//! Documents kept loaded and hydrated between changes, so a run of edits to
//! one case (a day's hearings, fifty fee entries) does not parse and hydrate
//! the whole case again for each one.
//!
//! An entry is only ever a document as committed, with the sequence number of
//! its newest stored chunk. Chunk numbers only grow for a document (appends
//! take the next one, compaction and rewrites too; see `store`), so an entry
//! whose number is still the newest in the database is exactly what is
//! stored, whoever wrote since: this diary, a sync merge, an undo or another
//! process on the same file. Anything else is a miss and the document is read
//! again.
//!
//! A write transaction takes the entries it uses out of the cache and hands
//! back what it changed only once it has committed (see [`crate::write`]), so
//! a change that rolls back never leaves its document here.

use std::any::Any;
use std::collections::HashMap;

use automerge::AutoCommit;

/// How many documents stay loaded: a day's work, a few megabytes at most.
const CAPACITY: usize = 32;

/// A committed document and its hydrated value.
pub(crate) struct Cached {
    /// The newest chunk's sequence number when this was the stored document.
    pub(crate) seq: i64,
    pub(crate) doc: AutoCommit,
    value: Box<dyn Any + Send>,
}

impl Cached {
    pub(crate) fn new<T: Send + 'static>(seq: i64, doc: AutoCommit, value: T) -> Self {
        Cached {
            seq,
            doc,
            value: Box::new(value),
        }
    }

    /// The document and its value, if it holds a `T` and is still the stored
    /// document (its chunk number is `latest_seq`).
    pub(crate) fn into_parts<T: 'static>(self, latest_seq: i64) -> Option<(AutoCommit, T)> {
        if self.seq != latest_seq {
            return None;
        }
        let value = self.value.downcast::<T>().ok()?;
        Some((self.doc, *value))
    }
}

/// The diary's loaded documents, the least recently used dropped first.
#[derive(Default)]
pub(crate) struct DocCache {
    entries: HashMap<String, (u64, Cached)>,
    clock: u64,
}

impl DocCache {
    /// Takes document `id` out of the cache (a transaction works on it alone).
    pub(crate) fn take(&mut self, id: &str) -> Option<Cached> {
        self.entries.remove(id).map(|(_, c)| c)
    }

    /// Keeps a committed document.
    pub(crate) fn put(&mut self, id: String, cached: Cached) {
        self.clock += 1;
        self.entries.insert(id, (self.clock, cached));
        if self.entries.len() > CAPACITY {
            if let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(id, _)| id.clone())
            {
                self.entries.remove(&oldest);
            }
        }
    }

    /// Forgets every document (after the database was replaced wholesale).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_serves_only_its_own_chunk_number_and_type() {
        let mut cache = DocCache::default();
        cache.put("a".into(), Cached::new(3, AutoCommit::new(), 7u32));
        assert!(cache.take("a").unwrap().into_parts::<u32>(4).is_none(), "a newer chunk");
        cache.put("a".into(), Cached::new(3, AutoCommit::new(), 7u32));
        assert!(
            cache.take("a").unwrap().into_parts::<String>(3).is_none(),
            "another type"
        );
        cache.put("a".into(), Cached::new(3, AutoCommit::new(), 7u32));
        assert_eq!(cache.take("a").unwrap().into_parts::<u32>(3).unwrap().1, 7);
        assert!(cache.take("a").is_none(), "taken means gone");
    }

    #[test]
    fn the_least_recently_kept_goes_first() {
        let mut cache = DocCache::default();
        for i in 0..CAPACITY + 5 {
            cache.put(format!("d{i}"), Cached::new(0, AutoCommit::new(), i));
        }
        assert_eq!(cache.len(), CAPACITY);
        assert!(cache.take("d0").is_none());
        assert!(cache.take(&format!("d{}", CAPACITY + 4)).is_some());
    }
}
