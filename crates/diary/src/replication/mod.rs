//! What chamber sync needs of a diary, without any network: reading and
//! acknowledging the outbox of local changes, merging changes that came from
//! other devices (documents, chunks and projection in one transaction, with the
//! sync cursor), adopting a chamber when this device joins one, and the small
//! key/value state sync keeps in the encrypted database.

use rusqlite::{params, Transaction};
use serde::{Deserialize, Serialize};

use crate::authorize::{self, Decision, Gate};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::DocKind;
use crate::store;
use merge::merge_changes;

mod merge;

pub use crate::blob_exchange::BlobPresence;

/// One queued local change: the incremental bytes of one document, or, when
/// `replaces` is set, a whole new document that takes the old one's place (an
/// erasure, see [`crate::erasure`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocChange {
    pub doc_id: String,
    pub kind: String,
    pub bytes: Vec<u8>,
    #[serde(default)]
    pub replaces: bool,
    /// The chamber document's heads when the change was written (32-byte
    /// hashes one after another): what other laptops judge it against.
    #[serde(default)]
    pub context: Vec<u8>,
    /// Its author's Ed25519 signature of each Automerge change in `bytes`
    /// (64 bytes each, in order), kept so authorship can be checked again.
    #[serde(default)]
    pub signatures: Vec<u8>,
}

/// The changes of one batch from another device, with the Ed25519 key that
/// signed it (checked by the sync layer before it gets here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedChanges {
    pub signer: [u8; 32],
    pub changes: Vec<DocChange>,
}

/// A run of outbox entries, oldest first, to be sent as one batch.
#[derive(Debug, Clone, Default)]
pub struct OutboxRun {
    /// Outbox sequence numbers covered: `first..=last`.
    pub first: i64,
    pub last: i64,
    pub changes: Vec<DocChange>,
}

/// What merging a batch of remote changes did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Documents that changed.
    pub docs_changed: usize,
    /// Documents whose changes were all already known, or were made to a
    /// client erased since (nothing to do).
    pub already_known: usize,
    /// Documents replaced by an erasure made on another device.
    pub erased: usize,
    /// Changes refused: their author was not who they claimed, or their
    /// role did not allow them (see [`crate::authorize`]).
    pub refused: usize,
    /// Changes waiting for the chamber state or earlier changes they build on.
    pub parked: usize,
}

const SYNC_PREFIX: &str = "sync.";

impl Diary {
    /// The oldest outbox entries after `after`, up to `max_bytes` of change data
    /// (always at least one entry) and `max_entries` entries.
    pub fn outbox_run(&self, after: i64, max_bytes: usize, max_entries: usize) -> Result<Option<OutboxRun>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, doc_id, kind, bytes, replaces, context FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![after, max_entries as i64])?;
        let mut run = OutboxRun::default();
        let mut size = 0usize;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let bytes: Vec<u8> = r.get(3)?;
            if !run.changes.is_empty() && size + bytes.len() > max_bytes {
                break;
            }
            size += bytes.len();
            if run.changes.is_empty() {
                run.first = seq;
            }
            run.last = seq;
            run.changes.push(DocChange {
                doc_id: r.get(1)?,
                kind: r.get(2)?,
                bytes,
                replaces: r.get(4)?,
                context: r.get(5)?,
                signatures: Vec::new(),
            });
        }
        Ok((!run.changes.is_empty()).then_some(run))
    }

    /// How many outbox entries there are after `after` (what a push has to send).
    pub fn outbox_after(&self, after: i64) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM outbox WHERE seq > ?1", [after], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    /// The outbox entries `first..=last` exactly (to resend a batch unchanged).
    pub fn outbox_range(&self, first: i64, last: i64) -> Result<Vec<DocChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT doc_id, kind, bytes, replaces, context FROM outbox WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
        )?;
        let rows = stmt.query_map(params![first, last], |r| {
            Ok(DocChange {
                doc_id: r.get(0)?,
                kind: r.get(1)?,
                bytes: r.get(2)?,
                replaces: r.get(3)?,
                context: r.get(4)?,
                signatures: Vec::new(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Removes outbox entries `first..=last` (a batch this device has seen
    /// come back from the relay) and sets the given sync state keys, in one
    /// transaction.
    pub fn outbox_confirm(&mut self, first: i64, last: i64, state: &[(&str, Option<&str>)]) -> Result<()> {
        self.with_transaction(|tx, _| {
            tx.execute("DELETE FROM outbox WHERE seq BETWEEN ?1 AND ?2", [first, last])?;
            set_state(tx, state)
        })
    }

    /// A sync state value (kept in the encrypted database).
    pub fn sync_state(&self, key: &str) -> Result<Option<String>> {
        store::meta_get(&self.conn, &format!("{SYNC_PREFIX}{key}"))
    }

    /// Sets (or, with `None`, removes) sync state values in one transaction.
    pub fn set_sync_state(&mut self, state: &[(&str, Option<&str>)]) -> Result<()> {
        self.with_transaction(|tx, _| set_state(tx, state))
    }

    /// Merges changes made on other devices, then sets `state` (the cursor), all
    /// in one transaction: either every change and the new cursor are kept, or
    /// nothing is. Each change is first judged ([`crate::authorize`]): refused
    /// ones stay out and are listed, ones that cannot be judged yet wait in the
    /// diary and are judged again after every merge. Changes already known are
    /// skipped; merged changes are not queued for sending again. The bytes of
    /// an attachment whose last document record the merge took away go in the
    /// same transaction (see [`crate::records::document`]).
    pub fn merge_remote(&mut self, batches: &[SignedChanges], state: &[(&str, Option<&str>)]) -> Result<MergeReport> {
        let chamber_id = self.chamber_id().to_string();
        let report = self.with_transaction(|tx, _| {
            let mut report = MergeReport::default();
            let mut released = std::collections::BTreeSet::new();
            let mut gate = Gate::new(&chamber_id, store::meta_get(tx, "sync.founder")?);
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let mut accepted = Vec::new();
            for batch in batches {
                let signer = data_encoding::HEXLOWER.encode(&batch.signer);
                // Checking signatures is most of judging a change and needs
                // nothing else: every change of the batch at once, on every core.
                let checked = crate::parallel::map(&batch.changes, |c| Ok(check_signatures(&chamber_id, &signer, c)))?;
                // The chamber's own changes first: the others are judged against it.
                let (chamber, rest): (Vec<_>, Vec<_>) = batch
                    .changes
                    .iter()
                    .zip(checked)
                    .partition(|(c, _)| c.kind == DocKind::Chamber.as_str());
                for (c, checked) in chamber.into_iter().chain(rest) {
                    let (decision, hashes) = judge_checked(tx, &mut gate, &chamber_id, c, checked)?;
                    match decision {
                        Decision::Accept => {
                            crate::authorship::keep(tx, &signer, c, &hashes)?;
                            accepted.push(c.clone())
                        }
                        Decision::Park => park(tx, &signer, c, &now)?,
                        Decision::Refuse(r) => {
                            authorize::record_refusal(tx, &c.doc_id, &signer, &r, &now)?;
                            report.refused += r.hashes.len().max(1);
                        }
                    }
                }
            }
            merge_changes(tx, &chamber_id, &accepted, &mut released, &mut report)?;
            retry_parked(tx, &mut gate, &chamber_id, &now, &mut released, &mut report)?;
            report.parked = tx.query_row("SELECT count(*) FROM parked_changes", [], |r| r.get::<_, i64>(0))? as usize;
            crate::records::document::drop_unreferenced_blobs(tx, &released)?;
            set_state(tx, state)?;
            Ok(report)
        })?;
        if report.erased > 0 {
            self.scrub()?;
        }
        Ok(report)
    }

    /// Changes refused from other laptops, grouped by who sent them and why,
    /// most first.
    pub fn refused_changes(&self) -> Result<Vec<RefusedGroup>> {
        let mut stmt = self.conn.prepare(
            "SELECT who, reason, count(*), max(refused_at) FROM refused_changes
             GROUP BY who, reason ORDER BY 3 DESC, 1, 2",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RefusedGroup {
                who: r.get(0)?,
                reason: r.get(1)?,
                count: r.get::<_, i64>(2)? as u32,
                last_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stamps every queued local change (outside the chamber document) with
    /// the chamber's current heads: once a joining laptop has been let in,
    /// what it wrote before is judged against the chamber that lists it.
    pub fn restamp_outbox(&mut self) -> Result<()> {
        self.with_transaction(|tx, _| {
            let context = store::chamber_context(tx)?;
            tx.execute("UPDATE outbox SET context = ?1 WHERE kind != 'chamber'", [context])?;
            Ok(())
        })
    }

    /// Changes from other laptops waiting to be judged.
    pub fn parked_changes(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM parked_changes", [], |r| r.get::<_, i64>(0))? as u32)
    }

    /// Makes this diary part of chamber `chamber_id` (when it joins one through an
    /// invite): its own chamber document is dropped, with its queued changes, so
    /// that the chamber's document (pulled next) is the only one. Cases and clients
    /// already in the diary stay and are shared with the chamber.
    pub fn adopt_chamber(&mut self, chamber_id: &str) -> Result<()> {
        if chamber_id.trim().is_empty() || chamber_id.len() > 64 {
            return Err(DiaryError::BadChamberId(chamber_id.to_string()));
        }
        let own = self.chamber_id().to_string();
        if own == chamber_id {
            return Ok(());
        }
        self.with_transaction(|tx, _| {
            tx.execute("DELETE FROM outbox WHERE doc_id = ?1", [&own])?;
            tx.execute("DELETE FROM doc_chunks WHERE doc_id = ?1", [&own])?;
            tx.execute("DELETE FROM history WHERE doc_id = ?1", [&own])?;
            tx.execute("DELETE FROM docs WHERE id = ?1", [&own])?;
            tx.execute("DELETE FROM meta WHERE key = 'chamber_heads'", [])?;
            tx.execute("DELETE FROM members", [])?;
            tx.execute("DELETE FROM devices", [])?;
            store::meta_set(tx, "chamber_id", chamber_id)
        })?;
        self.set_chamber_id(chamber_id.to_string());
        // The old chamber document is gone from the file: from memory too.
        self.doc_cache.clear();
        Ok(())
    }

    /// Whether the chamber document is present (after joining, once it was pulled).
    pub fn has_chamber_doc(&self) -> Result<bool> {
        Ok(store::doc_kind(&self.conn, self.chamber_id())? == Some(DocKind::Chamber))
    }

    /// Whole Automerge documents and their heads, for comparing replicas in
    /// tests and tools.
    pub fn doc_heads(&self) -> Result<Vec<DocHeads>> {
        let mut stmt = self.conn.prepare("SELECT id, kind FROM docs ORDER BY id")?;
        let ids = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, kind) in ids {
            let mut doc = store::load_doc(&self.conn, &id)?;
            let mut heads: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
            heads.sort();
            out.push(DocHeads { id, kind, heads });
        }
        Ok(out)
    }
}

/// Refused changes from one laptop for one reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RefusedGroup {
    /// "Ravi's laptop".
    pub who: String,
    /// "a clerk may not change fees".
    pub reason: String,
    pub count: u32,
    pub last_at: String,
}

impl RefusedGroup {
    /// "3 changes from Ravi's laptop were refused: a clerk may not change fees".
    pub fn sentence(&self) -> String {
        format!(
            "{} change{} from {} {} refused: {}",
            self.count,
            if self.count == 1 { "" } else { "s" },
            self.who,
            if self.count == 1 { "was" } else { "were" },
            self.reason
        )
    }
}

/// One Automerge document's id, kind and sorted change hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocHeads {
    pub id: String,
    pub kind: String,
    pub heads: Vec<String>,
}

fn set_state(tx: &Transaction, state: &[(&str, Option<&str>)]) -> Result<()> {
    for (k, v) in state {
        let key = format!("{SYNC_PREFIX}{k}");
        match v {
            Some(v) => store::meta_set(tx, &key, v)?,
            None => {
                tx.execute("DELETE FROM meta WHERE key = ?1", [&key])?;
            }
        }
    }
    Ok(())
}

/// Merges one remote change into its document; returns whether anything
/// changed. Blobs that the case's records named before the merge and no
/// longer name are added to `released`.
fn parse_kind(name: &str) -> Result<DocKind> {
    DocKind::parse(name).ok_or_else(|| DiaryError::Document(format!("unknown document kind {name:?}")))
}

/// Judges one change: its authorship signatures, then the gate. Returns the
/// decision and the hashes of the Automerge changes it carries (when signed).
fn judge(
    tx: &Transaction,
    gate: &mut Gate,
    chamber_id: &str,
    signer: &str,
    c: &DocChange,
) -> Result<(Decision, Vec<automerge::ChangeHash>)> {
    let checked = check_signatures(chamber_id, signer, c);
    judge_checked(tx, gate, chamber_id, c, checked)
}

/// A change's hashes and its signer, and what is wrong with its authorship
/// signatures, if anything: pure work, done for many changes at once.
struct Checked {
    signer: String,
    hashes: Vec<automerge::ChangeHash>,
    bad: Option<String>,
    /// The change loaded, when it is a whole document (see
    /// [`crate::authorship::hashes_and_document`]).
    loaded: Option<automerge::AutoCommit>,
}

fn check_signatures(chamber_id: &str, signer: &str, c: &DocChange) -> Checked {
    let (hashes, loaded) = if c.signatures.is_empty() {
        (Vec::new(), None)
    } else {
        crate::authorship::hashes_and_document(c)
    };
    let bad = crate::authorship::bad_signatures(chamber_id, signer, c, &hashes);
    Checked {
        signer: signer.to_string(),
        hashes,
        bad,
        loaded,
    }
}

/// [`judge`] with the signatures already checked.
fn judge_checked(
    tx: &Transaction,
    gate: &mut Gate,
    chamber_id: &str,
    c: &DocChange,
    checked: Checked,
) -> Result<(Decision, Vec<automerge::ChangeHash>)> {
    let kind = parse_kind(&c.kind)?;
    if kind == DocKind::Chamber && c.doc_id != chamber_id {
        return Err(DiaryError::Document(format!(
            "a change names chamber {} but this diary belongs to chamber {chamber_id}",
            c.doc_id
        )));
    }
    let Checked {
        signer,
        hashes,
        bad,
        loaded,
    } = checked;
    let signer = signer.as_str();
    if let Some(reason) = bad {
        let refused = authorize::Refusal {
            who: "a laptop".into(),
            reason,
            hashes: hashes.iter().map(|h| h.to_string()).collect(),
        };
        return Ok((Decision::Refuse(refused), hashes));
    }
    let decision = gate.decide(tx, signer, &c.doc_id, kind, &c.bytes, c.replaces, &c.context, loaded)?;
    Ok((decision, hashes))
}

fn park(tx: &Transaction, signer: &str, c: &DocChange, now: &str) -> Result<()> {
    let signer = data_encoding::HEXLOWER
        .decode(signer.as_bytes())
        .map_err(|_| DiaryError::Document("a signer key is not hex".into()))?;
    tx.prepare_cached(
        "INSERT INTO parked_changes (signer, doc_id, kind, bytes, replaces, context, parked_at, signatures)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        signer,
        c.doc_id,
        c.kind,
        c.bytes,
        c.replaces,
        c.context,
        now,
        c.signatures
    ])?;
    Ok(())
}

/// Judges the waiting changes again until a round decides none of them.
fn retry_parked(
    tx: &Transaction,
    gate: &mut Gate,
    chamber_id: &str,
    now: &str,
    released: &mut std::collections::BTreeSet<String>,
    report: &mut MergeReport,
) -> Result<()> {
    loop {
        let parked: Vec<(i64, String, DocChange)> = {
            let mut stmt = tx.prepare_cached(
                "SELECT id, signer, doc_id, kind, bytes, replaces, context, signatures FROM parked_changes ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    data_encoding::HEXLOWER.encode(&r.get::<_, Vec<u8>>(1)?),
                    DocChange {
                        doc_id: r.get(2)?,
                        kind: r.get(3)?,
                        bytes: r.get(4)?,
                        replaces: r.get(5)?,
                        context: r.get(6)?,
                        signatures: r.get(7)?,
                    },
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut progress = false;
        for (id, signer, c) in parked {
            let (decision, hashes) = judge(tx, gate, chamber_id, &signer, &c)?;
            match decision {
                Decision::Park => continue,
                Decision::Accept => {
                    crate::authorship::keep(tx, &signer, &c, &hashes)?;
                    merge_changes(tx, chamber_id, std::slice::from_ref(&c), released, report)?
                }
                Decision::Refuse(r) => {
                    authorize::record_refusal(tx, &c.doc_id, &signer, &r, now)?;
                    report.refused += r.hashes.len().max(1);
                }
            }
            tx.execute("DELETE FROM parked_changes WHERE id = ?1", [id])?;
            progress = true;
        }
        if !progress {
            return Ok(());
        }
    }
}
