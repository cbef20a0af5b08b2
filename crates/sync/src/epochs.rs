//! The chamber's keys, one per epoch.
//!
//! A chamber starts at epoch 1. Removing a device starts a new epoch whose
//! key only the remaining devices are given (see [`crate::rotation`]); a
//! device keeps every earlier key too, because the log it reads from the
//! start holds batches sealed under each of them. New batches are always
//! sealed under the newest key.
//!
//! Kept in the diary's sync state: `chamber_key` and `epoch` are the newest
//! key (as a diary from before rotation has them) and `earlier_keys` lists
//! the others as `epoch:hex` separated by spaces.

use std::collections::BTreeMap;

use nextdate_diary::Diary;
use zeroize::Zeroizing;

use crate::crypto::{ChamberKey, OpenError};
use crate::error::SyncError;

/// Every key this device holds, by epoch.
#[derive(Clone)]
pub struct ChamberKeys {
    keys: BTreeMap<u32, ChamberKey>,
}

fn damaged(what: &str) -> SyncError {
    SyncError::DamagedState(what.to_string())
}

fn parse_key(hex: &str) -> Option<[u8; 32]> {
    let raw = Zeroizing::new(data_encoding::HEXLOWER.decode(hex.as_bytes()).ok()?);
    raw.as_slice().try_into().ok()
}

impl ChamberKeys {
    /// A ring holding one key.
    pub fn new(key: ChamberKey) -> ChamberKeys {
        ChamberKeys {
            keys: BTreeMap::from([(key.epoch, key)]),
        }
    }

    /// A ring from several keys; `None` when there are none.
    pub fn from_keys(keys: impl IntoIterator<Item = ChamberKey>) -> Option<ChamberKeys> {
        let keys: BTreeMap<u32, ChamberKey> = keys.into_iter().map(|k| (k.epoch, k)).collect();
        (!keys.is_empty()).then_some(ChamberKeys { keys })
    }

    /// The newest key: what new batches are sealed with.
    pub fn current(&self) -> &ChamberKey {
        self.keys.values().next_back().expect("a ring is never empty")
    }

    /// The key of `epoch`, if this device has it.
    pub fn get(&self, epoch: u32) -> Option<&ChamberKey> {
        self.keys.get(&epoch)
    }

    /// Every key, oldest first.
    pub fn all(&self) -> impl DoubleEndedIterator<Item = &ChamberKey> {
        self.keys.values()
    }

    /// Opens an attachment with the key of the epoch it was sealed under.
    pub fn open_blob(&self, id: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let epoch = sealed
            .get(..4)
            .map(|e| u32::from_be_bytes(e.try_into().expect("4 bytes")))
            .ok_or_else(|| OpenError::Malformed("attachment too short".into()))?;
        self.get(epoch)
            .ok_or(OpenError::UnknownEpoch(epoch))?
            .open_blob(id, sealed)
    }

    /// Adds a key (a newer epoch becomes the current one).
    pub fn insert(&mut self, key: ChamberKey) {
        self.keys.insert(key.epoch, key);
    }

    /// The keys as the diary keeps them.
    pub fn load(d: &Diary) -> Result<Option<ChamberKeys>, SyncError> {
        let Some(raw) = d.sync_state("chamber_key")? else {
            return Ok(None);
        };
        let key = parse_key(&raw).ok_or_else(|| damaged("chamber key"))?;
        let epoch = d
            .sync_state("epoch")?
            .and_then(|e| e.parse().ok())
            .ok_or_else(|| damaged("chamber key epoch"))?;
        let mut ring = ChamberKeys::new(ChamberKey::from_bytes(epoch, key));
        for entry in d.sync_state("earlier_keys")?.unwrap_or_default().split_whitespace() {
            let (epoch, hex) = entry.split_once(':').ok_or_else(|| damaged("earlier chamber keys"))?;
            let epoch: u32 = epoch.parse().map_err(|_| damaged("earlier chamber keys"))?;
            let key = parse_key(hex).ok_or_else(|| damaged("earlier chamber keys"))?;
            ring.insert(ChamberKey::from_bytes(epoch, key));
        }
        Ok(Some(ring))
    }

    /// The sync-state entries that keep this ring (for one transaction with other state).
    pub fn entries(&self) -> [(&'static str, Option<Zeroizing<String>>); 3] {
        let current = self.current();
        let earlier: Vec<String> = self
            .all()
            .filter(|k| k.epoch != current.epoch)
            .map(|k| format!("{}:{}", k.epoch, data_encoding::HEXLOWER.encode(k.bytes())))
            .collect();
        [
            (
                "chamber_key",
                Some(Zeroizing::new(data_encoding::HEXLOWER.encode(current.bytes()))),
            ),
            ("epoch", Some(Zeroizing::new(current.epoch.to_string()))),
            (
                "earlier_keys",
                (!earlier.is_empty()).then(|| Zeroizing::new(earlier.join(" "))),
            ),
        ]
    }

    /// Keeps the ring in the diary, with `more` state in the same transaction.
    pub fn store(&self, d: &mut Diary, more: &[(&str, Option<&str>)]) -> Result<(), SyncError> {
        let entries = self.entries();
        let mut all: Vec<(&str, Option<&str>)> = entries
            .iter()
            .map(|(k, v)| (*k, v.as_ref().map(|s| s.as_str())))
            .collect();
        all.extend_from_slice(more);
        Ok(d.set_sync_state(&all)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_key_is_current_and_every_key_is_kept() {
        let mut ring = ChamberKeys::new(ChamberKey::from_bytes(1, [1; 32]));
        ring.insert(ChamberKey::from_bytes(3, [3; 32]));
        ring.insert(ChamberKey::from_bytes(2, [2; 32]));
        assert_eq!(ring.current().epoch, 3);
        assert_eq!(ring.get(2).unwrap().bytes(), &[2; 32]);
        assert!(ring.get(4).is_none());
        assert_eq!(ring.all().map(|k| k.epoch).collect::<Vec<_>>(), vec![1, 2, 3]);
        let entries = ring.entries();
        assert_eq!(entries[1].1.as_deref().map(|s| s.as_str()), Some("3"));
        let earlier = entries[2].1.as_deref().unwrap();
        assert!(
            earlier.starts_with("1:0101") && earlier.contains(" 2:0202"),
            "{}",
            earlier.as_str()
        );
    }
}
