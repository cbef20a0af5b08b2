//! Who wrote each change, checkable again at any time.
//!
//! A laptop signs every Automerge change it sends with its Ed25519 device
//! key: the message is `"nextdate-change-v1\0" + chamber id + "\0" + the
//! change's 32-byte hash` ([`signing_message`]), so a signature covers the
//! change's whole content. The signatures travel beside the change (format
//! version 4 of the wire), are checked on arrival (a change whose signatures
//! do not verify is refused), and are kept in `change_signatures`, the
//! laptop's own included. [`Diary::verify_authorship`] re-checks every change
//! in the diary against the device keys the chamber lists, and names each one
//! it cannot attribute.

use std::collections::HashMap;
use std::str::FromStr;

use automerge::AutoCommit;
pub use automerge::ChangeHash;
use ed25519_dalek::{Signature, VerifyingKey};
use rusqlite::{params, Transaction};
use serde::Serialize;

use crate::authorize::change_hashes;
use crate::error::Result;
use crate::replication::DocChange;
use crate::Diary;

/// The bytes a laptop signs for one change.
pub fn signing_message(chamber: &str, hash: &ChangeHash) -> Vec<u8> {
    [b"nextdate-change-v1\0".as_slice(), chamber.as_bytes(), b"\0", &hash.0].concat()
}

/// Whether `bytes` start with a whole saved document (an Automerge chunk of
/// type 0) rather than change chunks.
fn is_whole_document(bytes: &[u8]) -> bool {
    bytes.len() > 9 && bytes[..4] == [0x85, 0x6f, 0x4a, 0x83] && bytes[8] == 0
}

/// The Automerge changes a wire change carries, in order: the change chunks
/// of its bytes, or, for a whole document (a new one, or a replacement),
/// every change in it.
pub fn hashes_of(c: &DocChange) -> Vec<ChangeHash> {
    hashes_and_document(c).0
}

/// [`hashes_of`], with the document itself when the change is a whole one
/// (loaded to read them; a new document's first change, which the gate can
/// judge without loading it again).
pub(crate) fn hashes_and_document(c: &DocChange) -> (Vec<ChangeHash>, Option<AutoCommit>) {
    if c.replaces || is_whole_document(&c.bytes) {
        let Ok(mut doc) = AutoCommit::load(&c.bytes) else {
            return (Vec::new(), None);
        };
        // The changes' metadata, in the order of the changes themselves,
        // without encoding each change again to hash it.
        let hashes = doc.get_changes_meta(&[]).iter().map(|m| m.hash).collect();
        return (hashes, (!c.replaces).then_some(doc));
    }
    let hashes = change_hashes(&c.bytes)
        .iter()
        .filter_map(|h| ChangeHash::from_str(h).ok())
        .collect();
    (hashes, None)
}

fn verifying_key(signer_hex: &str) -> Option<VerifyingKey> {
    let raw: [u8; 32] = data_encoding::HEXLOWER
        .decode(signer_hex.as_bytes())
        .ok()?
        .try_into()
        .ok()?;
    VerifyingKey::from_bytes(&raw).ok()
}

fn signature_ok(key: &VerifyingKey, chamber: &str, hash: &ChangeHash, sig: &[u8]) -> bool {
    Signature::from_slice(sig)
        .map(|s| key.verify_strict(&signing_message(chamber, hash), &s).is_ok())
        .unwrap_or(false)
}

/// Why a change's signatures by `signer` (hex) of its changes `hashes`
/// (from [`hashes_of`]) do not check out; `None` when they do, or when it
/// carries none (sent by an older version).
pub(crate) fn bad_signatures(chamber: &str, signer: &str, c: &DocChange, hashes: &[ChangeHash]) -> Option<String> {
    if c.signatures.is_empty() {
        return None;
    }
    if c.signatures.len() != hashes.len() * 64 {
        return Some("its authorship signatures do not match its changes".into());
    }
    let Some(key) = verifying_key(signer) else {
        return Some("its signer's key is not a valid key".into());
    };
    let all_ok = hashes
        .iter()
        .zip(c.signatures.chunks(64))
        .all(|(h, sig)| signature_ok(&key, chamber, h, sig));
    (!all_ok).then(|| "an authorship signature does not verify (the change was altered)".into())
}

/// Keeps the signatures of an accepted change whose changes are `hashes`.
pub(crate) fn keep(tx: &Transaction, signer: &str, c: &DocChange, hashes: &[ChangeHash]) -> Result<()> {
    if c.signatures.is_empty() {
        return Ok(());
    }
    let mut ins =
        tx.prepare_cached("INSERT OR IGNORE INTO change_signatures (hash, signer, signature) VALUES (?1, ?2, ?3)")?;
    for (h, sig) in hashes.iter().zip(c.signatures.chunks(64)) {
        ins.execute(params![h.to_string(), signer, sig])?;
    }
    Ok(())
}

/// A change `nextdate verify` could not attribute to a listed laptop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnattributedChange {
    pub doc_id: String,
    pub kind: String,
    pub hash: String,
    /// The Automerge actor it claims (hex).
    pub actor: String,
    pub reason: String,
}

/// What re-checking every change's author found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuthorshipReport {
    pub changes: u32,
    /// Signed by a laptop the chamber lists, writing as its own actor.
    pub verified: u32,
    /// Written on this laptop and not (yet) sent: its own.
    pub this_laptop: u32,
    /// Every change that could not be attributed (the first 1,000 listed).
    pub unattributed_count: u32,
    pub unattributed: Vec<UnattributedChange>,
}

impl AuthorshipReport {
    pub fn all_attributed(&self) -> bool {
        self.unattributed_count == 0
    }
}

impl Diary {
    /// Keeps this laptop's own signatures of changes it is sending, each
    /// with the hashes it signed ([`hashes_of`]).
    pub fn keep_signatures(&mut self, signer: &[u8; 32], changes: &[(DocChange, Vec<ChangeHash>)]) -> Result<()> {
        let signer = data_encoding::HEXLOWER.encode(signer);
        self.with_transaction(|tx, _| {
            for (c, hashes) in changes {
                keep(tx, &signer, c, hashes)?;
            }
            Ok(())
        })
    }

    /// Re-checks the author of every change in the diary: its kept signature
    /// must verify under a key the chamber lists, for the device that writes
    /// as the change's actor. Changes written on this laptop and not yet
    /// sent count as its own.
    pub fn verify_authorship(&self) -> Result<AuthorshipReport> {
        let chamber = self.chamber_id().to_string();
        let own = self.actor_hex();
        // Each listed signing key and the actor it writes as.
        let devices: HashMap<String, (String, String)> = if self.has_chamber_doc()? {
            self.chamber_members()?
                .into_iter()
                .filter(|m| !m.signing_key.is_empty())
                .map(|m| (m.signing_key.clone(), (m.actor.clone(), m.label.clone())))
                .collect()
        } else {
            HashMap::new()
        };
        let mut keys: HashMap<String, Option<VerifyingKey>> = HashMap::new();
        let mut report = AuthorshipReport::default();
        let mut stmt = self.conn.prepare(
            "SELECT h.doc_id, d.kind, h.hash, h.actor, s.signer, s.signature
             FROM history h JOIN docs d ON d.id = h.doc_id
             LEFT JOIN change_signatures s ON s.hash = h.hash
             ORDER BY h.doc_id, h.time, h.seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            report.changes += 1;
            let (doc_id, kind, hash, actor): (String, String, String, String) =
                (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
            let signed: Option<(String, Vec<u8>)> = match r.get::<_, Option<String>>(4)? {
                Some(signer) => Some((signer, r.get(5)?)),
                None => None,
            };
            let reason = match signed {
                None if actor == own => {
                    report.this_laptop += 1;
                    continue;
                }
                None => {
                    "it carries no signature (sent by an older version of Nextdate, or not by its author)".to_string()
                }
                Some((signer, sig)) => {
                    let key = *keys.entry(signer.clone()).or_insert_with(|| verifying_key(&signer));
                    let parsed = ChangeHash::from_str(&hash).ok();
                    match (key, parsed, devices.get(&signer)) {
                        (Some(k), Some(h), _) if !signature_ok(&k, &chamber, &h, &sig) => {
                            "its signature does not verify (the change or its signature was altered)".to_string()
                        }
                        (None, _, _) | (_, None, _) => "its signature is damaged".to_string(),
                        (_, _, None) => "it is signed by a key the chamber does not list".to_string(),
                        (_, _, Some((listed, label))) if *listed != actor => {
                            format!("it is signed by {label}'s key but written as another laptop")
                        }
                        _ => {
                            report.verified += 1;
                            continue;
                        }
                    }
                }
            };
            report.unattributed_count += 1;
            if report.unattributed.len() < 1000 {
                report.unattributed.push(UnattributedChange {
                    doc_id,
                    kind,
                    hash,
                    actor,
                    reason,
                });
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, AutoCommit, ROOT};

    use super::hashes_of;
    use crate::replication::DocChange;

    /// A document written on three laptops, partly at the same time.
    fn concurrent_document() -> AutoCommit {
        let mut a = AutoCommit::new().with_actor(ActorId::from(b"laptop-a".as_slice()));
        a.put(ROOT, "title", "Sharma v. State").unwrap();
        a.commit();
        let mut b = a.fork().with_actor(ActorId::from(b"laptop-b".as_slice()));
        let mut c = a.fork().with_actor(ActorId::from(b"laptop-c".as_slice()));
        for i in 0..5 {
            a.put(ROOT, "stage", format!("Evidence {i}")).unwrap();
            a.commit();
            b.put(ROOT, "court", format!("Court {i}")).unwrap();
            b.commit();
            c.put(ROOT, format!("note {i}"), "adjourned").unwrap();
            c.commit();
            if i % 2 == 0 {
                a.merge(&mut b).unwrap();
                c.merge(&mut a).unwrap();
            }
        }
        a.merge(&mut b).unwrap();
        a.merge(&mut c).unwrap();
        a
    }

    #[test]
    fn a_whole_documents_hashes_are_its_changes_in_their_order() {
        let mut doc = concurrent_document();
        let change = DocChange {
            doc_id: "case".into(),
            kind: "case".into(),
            bytes: doc.save(),
            replaces: false,
            context: Vec::new(),
            signatures: Vec::new(),
        };
        // What a laptop signed before: the hash of every change, as get_changes orders them.
        let mut loaded = AutoCommit::load(&change.bytes).unwrap();
        let signed: Vec<_> = loaded.get_changes(&[]).iter().map(|c| c.hash()).collect();
        assert_eq!(signed.len(), 16);
        assert_eq!(hashes_of(&change), signed);
    }
}
