//! Each device's own chain of batches, so that no relay can quietly withhold
//! one.
//!
//! A device numbers the batches it sends 1, 2, 3 … and names in each the
//! digest of the one before ([`nextdate_protocol::batch_digest`], over the
//! batch id and the payload), inside the signed, encrypted payload. Every
//! other device follows each sender's chain ([`Chains`]): a number skipped is
//! a batch it has not been served — withheld by the relay, or dropped and not
//! yet sent again — and it says so, by laptop, until the batch arrives; a
//! batch that does not name the digest of its predecessor is reported too.
//! The relay's own log numbering (see `confirm`) catches a gap in the log;
//! this catches a relay that leaves a batch out and renumbers around it.
//!
//! Kept in the diary's sync state: `batch_seq` and `batch_digest` (this
//! device's last batch acknowledged by the relay) and `chains` (JSON: for
//! each other device, the last number seen, its digest and the numbers
//! still missing).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use nextdate_diary::Diary;
use nextdate_protocol::{batch_digest, BatchPayload};

use crate::error::SyncError;

fn hex(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

/// Where this device's next batch goes in its own chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub seq: u64,
    /// The digest of the batch numbered `seq - 1` (empty for the first).
    pub previous: Vec<u8>,
}

impl Link {
    /// After this device's last acknowledged batch.
    pub(crate) fn next(d: &Diary) -> Result<Link, SyncError> {
        let last: u64 = match d.sync_state("batch_seq")? {
            None => 0,
            Some(v) => v
                .parse()
                .map_err(|_| SyncError::DamagedState(format!("batch_seq is {v:?}")))?,
        };
        let previous = match d.sync_state("batch_digest")? {
            None => Vec::new(),
            Some(h) => data_encoding::HEXLOWER
                .decode(h.as_bytes())
                .map_err(|_| SyncError::DamagedState("batch_digest".into()))?,
        };
        Ok(Link {
            seq: last + 1,
            previous,
        })
    }

    /// As kept beside an in-flight or unconfirmed batch: `seq` and the
    /// previous digest in hex (`-` for none).
    pub(crate) fn encode(&self) -> String {
        let prev = if self.previous.is_empty() {
            "-".to_string()
        } else {
            hex(&self.previous)
        };
        format!("{} {prev}", self.seq)
    }

    pub(crate) fn parse(seq: &str, previous: &str) -> Option<Link> {
        let previous = if previous == "-" {
            Vec::new()
        } else {
            data_encoding::HEXLOWER.decode(previous.as_bytes()).ok()?
        };
        Some(Link {
            seq: seq.parse().ok()?,
            previous,
        })
    }

    /// The sync state that makes `self` the last batch sent, with `digest`.
    pub(crate) fn acknowledged(&self, digest: &[u8; 32]) -> [(&'static str, Option<String>); 2] {
        [
            ("batch_seq", Some(self.seq.to_string())),
            ("batch_digest", Some(hex(digest))),
        ]
    }
}

/// One other device's chain as this device has followed it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Followed {
    last: u64,
    digest: String,
    /// Numbers below `last` not seen yet.
    missing: Vec<u64>,
}

/// Most missing numbers kept per device (a lying relay cannot grow this).
const MAX_MISSING: usize = 1000;

/// Every other device's chain, by signing key (hex).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Chains {
    devices: BTreeMap<String, Followed>,
}

impl Chains {
    pub(crate) fn load(d: &Diary) -> Result<Chains, SyncError> {
        match d.sync_state("chains")? {
            None => Ok(Chains::default()),
            Some(json) => serde_json::from_str(&json).map_err(|_| SyncError::DamagedState("chains".into())),
        }
    }

    pub(crate) fn encode(&self) -> String {
        serde_json::to_string(self).expect("chains serialize")
    }

    /// Follows a batch from `signer`. Returns how many of its batches this
    /// one shows to be missing (newly), and what is wrong, if anything.
    pub(crate) fn observe(
        &mut self,
        signer: &[u8; 32],
        batch_id: &[u8; 16],
        payload: &BatchPayload,
    ) -> (u32, Option<String>) {
        if payload.device_seq == 0 {
            return (0, None); // a batch from before batches were numbered
        }
        let seq = payload.device_seq;
        let f = self.devices.entry(hex(signer)).or_default();
        if seq <= f.last {
            f.missing.retain(|m| *m != seq); // a missing one arrived late (or a repeat)
            return (0, None);
        }
        let mut problem = None;
        let mut newly = 0;
        if seq > f.last + 1 {
            newly = (seq - f.last - 1).min(MAX_MISSING as u64) as u32;
            let room = MAX_MISSING.saturating_sub(f.missing.len()) as u64;
            f.missing.extend((f.last + 1..seq).take(room as usize));
        } else if f.last > 0 && hex(&payload.previous) != f.digest {
            problem = Some(format!(
                "batch {seq} from a laptop does not follow its batch {}: the relay served something else in between",
                f.last
            ));
        }
        f.last = seq;
        f.digest = hex(&batch_digest(batch_id, payload));
        (newly, problem)
    }

    /// Batches still missing, by signing key (hex) and count.
    pub(crate) fn missing(&self) -> Vec<(String, usize)> {
        self.devices
            .iter()
            .filter(|(_, f)| !f.missing.is_empty())
            .map(|(k, f)| (k.clone(), f.missing.len()))
            .collect()
    }
}

/// "2 batches from Ravi's laptop have not arrived …", for the sync panel.
pub(crate) fn missing_sentences(d: &Diary) -> Result<Vec<String>, SyncError> {
    let chains = Chains::load(d)?;
    let members = if d.has_chamber_doc()? {
        d.chamber_members()?
    } else {
        Vec::new()
    };
    Ok(chains
        .missing()
        .into_iter()
        .map(|(key, n)| {
            let who = members
                .iter()
                .find(|m| m.signing_key == key)
                .map(|m| format!("{}'s laptop ({})", m.member, m.label))
                .unwrap_or_else(|| "a laptop".into());
            format!(
                "{n} batch{} from {who} {} not arrived: the relay may be withholding {}",
                if n == 1 { "" } else { "es" },
                if n == 1 { "has" } else { "have" },
                if n == 1 { "it" } else { "them" }
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(seq: u64, previous: Vec<u8>) -> BatchPayload {
        BatchPayload {
            changes: Vec::new(),
            device_seq: seq,
            previous,
        }
    }

    #[test]
    fn a_skipped_number_is_missing_until_it_arrives() {
        let mut chains = Chains::default();
        let one = batch(1, Vec::new());
        assert_eq!(chains.observe(&[1; 32], &[1; 16], &one), (0, None));
        let d1 = batch_digest(&[1; 16], &one).to_vec();
        let two = batch(2, d1);
        assert_eq!(chains.observe(&[1; 32], &[2; 16], &two), (0, None));
        // Number 3 withheld: 4 shows it.
        assert_eq!(chains.observe(&[1; 32], &[4; 16], &batch(4, vec![9; 32])), (1, None));
        assert_eq!(chains.missing(), vec![(hex(&[1; 32]), 1)]);
        // It arrives late: nothing missing.
        assert_eq!(chains.observe(&[1; 32], &[3; 16], &batch(3, Vec::new())), (0, None));
        assert!(chains.missing().is_empty());
        // Unnumbered batches (older versions) are not followed.
        assert_eq!(chains.observe(&[2; 32], &[5; 16], &batch(0, Vec::new())), (0, None));
    }

    #[test]
    fn a_batch_that_does_not_follow_its_predecessor_is_reported() {
        let mut chains = Chains::default();
        chains.observe(&[1; 32], &[1; 16], &batch(1, Vec::new()));
        let (_, problem) = chains.observe(&[1; 32], &[2; 16], &batch(2, vec![7; 32]));
        assert!(problem.unwrap().contains("does not follow"));
        let again: Chains = serde_json::from_str(&chains.encode()).unwrap();
        assert_eq!(again, chains);
    }

    #[test]
    fn links_read_back() {
        let first = Link {
            seq: 1,
            previous: Vec::new(),
        };
        let text = first.encode();
        let (seq, prev) = text.split_once(' ').unwrap();
        assert_eq!(Link::parse(seq, prev), Some(first));
        let later = Link {
            seq: 9,
            previous: vec![4; 32],
        };
        let text = later.encode();
        let (seq, prev) = text.split_once(' ').unwrap();
        assert_eq!(Link::parse(seq, prev), Some(later));
    }
}
