//! Who may change what, decided the same way on every laptop.
//!
//! Every Automerge change that arrives from another laptop is judged before it
//! enters the diary ([`Gate`]), and every local change before it is written
//! ([`check_local`]):
//!
//! - **Who wrote it.** The chamber document lists each device by the Automerge
//!   actor it writes as, with its signing key. A change is accepted only when
//!   its actor is a listed, not-removed device whose key signed the batch that
//!   carried it. Before any device key is listed (a diary's history from before
//!   it became a chamber), only the chamber's founder may have written it.
//! - **What it does**, read from the change itself: the paths it touches
//!   relative to its own history (`diff(deps, [hash])`), mapped to a record
//!   and an operation ([`crate::roles::Action`]), checked against the
//!   author's role with [`crate::roles::allows`].
//! - **Against which roles.** A change to the chamber document is judged
//!   against the chamber as of its own dependencies; any other change against
//!   the chamber heads its author had when writing it (the outbox `context`,
//!   carried signed inside the batch). The decision depends only on the
//!   change, so every laptop reaches the same one in whatever order changes
//!   arrive. A change whose context or dependencies have not arrived yet is
//!   parked and judged once they have.

mod actions;

use std::collections::HashMap;

use automerge::{AutoCommit, ChangeHash};
use rusqlite::{params, Transaction};

use crate::error::{DiaryError, Result};
use crate::model::{ChamberDoc, DocKind};
use crate::roles::{allows, refusal, Action, Op, Record, Role};
use crate::store;

pub use actions::change_hashes;
use actions::{chamber_at, verdict};

/// What the gate decided about one document change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    Accept,
    /// Not yet decidable: its context or dependencies are missing.
    Park,
    Refuse(Refusal),
}

/// A refused change: who sent it and why, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub who: String,
    pub reason: String,
    /// The Automerge changes refused (so that changes built on them are too).
    pub hashes: Vec<String>,
}

/// The author of a change as the chamber lists it.
enum Author {
    /// From before any device key was listed, signed by the founder (or a
    /// chamber set up before keys were listed, whose founder is not known).
    Founder,
    Member(Role),
}

/// A change's judged context: the chamber as its author saw it.
fn author_of(
    chamber: &ChamberDoc,
    actor: &str,
    signer: &str,
    founder: Option<&str>,
) -> std::result::Result<Author, String> {
    let keyed = chamber.devices.values().any(|d| !d.signing_key.is_empty());
    if !keyed {
        return match founder {
            Some(f) if f != signer => Err("it is not from the laptop that founded the chamber".into()),
            _ => Ok(Author::Founder),
        };
    }
    let Some(device) = chamber.devices.get(actor) else {
        return Err(if chamber.devices.values().any(|d| d.signing_key == signer) {
            "it was written under an author id that is not that laptop's".into()
        } else {
            "it is from a laptop that is not in the chamber".into()
        });
    };
    if device.signing_key != signer {
        return Err("it was written in the name of another laptop".into());
    }
    if device.removed_at.is_some() {
        return Err("the laptop had been removed from the chamber".into());
    }
    let role = chamber
        .members
        .get(&device.member_id)
        .and_then(|m| Role::parse(&m.role))
        .ok_or("its member has no role in the chamber")?;
    Ok(Author::Member(role))
}

/// "Ravi's laptop", or the key's first bytes when the chamber does not list it.
fn who(chamber: &ChamberDoc, actor: &str, signer: &str) -> String {
    let listed = chamber
        .devices
        .get(actor)
        .filter(|d| d.signing_key == signer)
        .or_else(|| chamber.devices.values().find(|d| d.signing_key == signer));
    match listed {
        Some(d) => match chamber.members.get(&d.member_id) {
            Some(m) if !m.name.trim().is_empty() => format!("{}'s {}", m.name.trim(), d.label.trim()),
            _ => d.label.trim().to_string(),
        },
        None => format!("a laptop with key {}…", &signer[..signer.len().min(12)]),
    }
}

/// Decides remote changes inside one merge transaction. It keeps its own
/// working copy of every document it has judged a change to (with the accepted
/// changes applied), so later changes in the same merge are judged against
/// earlier ones.
pub(crate) struct Gate {
    chamber_id: String,
    founder: Option<String>,
    docs: HashMap<String, AutoCommit>,
    contexts: HashMap<Vec<ChangeHash>, ChamberDoc>,
}

/// 32-byte hashes one after another, as the outbox and the wire carry a context.
pub(crate) fn parse_context(raw: &[u8]) -> Option<Vec<ChangeHash>> {
    if !raw.len().is_multiple_of(32) {
        return None;
    }
    Some(
        raw.chunks(32)
            .map(|c| ChangeHash(c.try_into().expect("32 bytes")))
            .collect(),
    )
}

impl Gate {
    pub(crate) fn new(chamber_id: &str, founder: Option<String>) -> Gate {
        Gate {
            chamber_id: chamber_id.to_string(),
            founder,
            docs: HashMap::new(),
            contexts: HashMap::new(),
        }
    }

    fn working(&mut self, tx: &Transaction, id: &str) -> Result<&mut AutoCommit> {
        Ok(self.working_or(tx, id, None)?.0)
    }

    /// The working copy of document `id`: the one kept, or the stored
    /// document, or, for a document new here, `first` (its first change
    /// already loaded: then `true`, it holds that change) or an empty one.
    fn working_or(&mut self, tx: &Transaction, id: &str, first: Option<AutoCommit>) -> Result<(&mut AutoCommit, bool)> {
        let mut holds_first = false;
        if !self.docs.contains_key(id) {
            let doc = match (store::doc_kind(tx, id)?, first) {
                (Some(_), _) => store::load_doc(tx, id)?,
                (None, Some(first)) => {
                    holds_first = true;
                    first
                }
                (None, None) => AutoCommit::new(),
            };
            self.docs.insert(id.to_string(), doc);
        }
        Ok((self.docs.get_mut(id).expect("just inserted"), holds_first))
    }

    /// The chamber as of `heads`, or `None` when some of them have not arrived.
    fn context(&mut self, tx: &Transaction, heads: &[ChangeHash]) -> Result<Option<ChamberDoc>> {
        if let Some(c) = self.contexts.get(heads) {
            return Ok(Some(c.clone()));
        }
        let chamber_id = self.chamber_id.clone();
        let chamber = self.working(tx, &chamber_id)?;
        if heads.iter().any(|h| chamber.get_change_by_hash(h).is_none()) {
            return Ok(None);
        }
        let state = chamber_at(chamber, heads)?;
        self.contexts.insert(heads.to_vec(), state.clone());
        Ok(Some(state))
    }

    /// Judges one document change signed by `signer` (hex); an accepted one
    /// stays applied to the gate's working copy.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide(
        &mut self,
        tx: &Transaction,
        signer: &str,
        doc_id: &str,
        kind: DocKind,
        bytes: &[u8],
        replaces: bool,
        context: &[u8],
        loaded: Option<AutoCommit>,
    ) -> Result<Decision> {
        let refuse =
            |who: String, reason: String, hashes: Vec<String>| Decision::Refuse(Refusal { who, reason, hashes });
        let Some(context) = parse_context(context) else {
            return Ok(refuse(
                "a laptop".into(),
                "its chamber context is damaged".into(),
                Vec::new(),
            ));
        };
        if replaces {
            let mut replacement = match AutoCommit::load(bytes) {
                Ok(doc) => doc,
                Err(e) => {
                    return Ok(refuse(
                        "a laptop".into(),
                        format!("the erasure is damaged: {e}"),
                        Vec::new(),
                    ))
                }
            };
            let Some(chamber) = self.context(tx, &context)? else {
                return Ok(Decision::Park);
            };
            let changes = replacement.get_changes(&[]);
            let hashes: Vec<String> = changes.iter().map(|c| c.hash().to_string()).collect();
            for c in &changes {
                let actor = c.actor_id().to_hex_string();
                let role = match author_of(&chamber, &actor, signer, self.founder.as_deref()) {
                    Ok(Author::Founder) | Ok(Author::Member(Role::Owner)) => continue,
                    Ok(Author::Member(role)) => role,
                    Err(why) => return Ok(refuse(who(&chamber, &actor, signer), why, hashes)),
                };
                let erase = Action::new(Record::Client, Op::Remove);
                if !allows(role, erase) {
                    return Ok(refuse(who(&chamber, &actor, signer), refusal(role, erase), hashes));
                }
            }
            self.docs.insert(doc_id.to_string(), replacement);
            return Ok(Decision::Accept);
        }
        // A new document's first change, loaded while its signatures were
        // checked, is not loaded again: the copy is that document, and
        // nothing came before it.
        let (doc, holds_first) = self.working_or(tx, doc_id, loaded)?;
        let before = if holds_first { Vec::new() } else { doc.get_heads() };
        if kind == DocKind::Client && !before.is_empty() && crate::erasure::is_erased(doc)? {
            return Ok(Decision::Accept); // the merge drops it: the erasure won
        }
        let read = if holds_first {
            Ok(0)
        } else {
            doc.load_incremental(bytes)
        };
        if let Err(e) = read {
            self.reset(doc_id, &before)?;
            return Ok(refuse(
                "a laptop".into(),
                format!("its change could not be read ({e})"),
                change_hashes(bytes),
            ));
        }
        let missing = doc.get_missing_deps(&[]);
        if !missing.is_empty() {
            self.reset(doc_id, &before)?;
            let refused = builds_on_refused(tx, &missing)?;
            return Ok(match refused {
                // Listed by hash, so that what builds on this is refused in turn.
                Some(r) => refuse(
                    r.0,
                    format!("it builds on a change that was refused ({})", r.1),
                    change_hashes(bytes),
                ),
                None => Decision::Park,
            });
        }
        let changes = doc.get_changes(&before);
        if changes.is_empty() {
            return Ok(Decision::Accept);
        }
        let hashes: Vec<String> = changes.iter().map(|c| c.hash().to_string()).collect();
        for c in &changes {
            let actor = c.actor_id().to_hex_string();
            let chamber = if kind == DocKind::Chamber {
                let doc = self.docs.get_mut(doc_id).expect("working copy");
                chamber_at(doc, c.deps())?
            } else {
                match self.context(tx, &context)? {
                    Some(c) => c,
                    None => {
                        self.reset(doc_id, &before)?;
                        return Ok(Decision::Park);
                    }
                }
            };
            let who = || who(&chamber, &actor, signer);
            let role = match author_of(&chamber, &actor, signer, self.founder.as_deref()) {
                Ok(Author::Founder) | Ok(Author::Member(Role::Owner)) => continue,
                Ok(Author::Member(role)) => role,
                Err(why) => {
                    let who = who();
                    self.reset(doc_id, &before)?;
                    return Ok(refuse(who, why, hashes));
                }
            };
            let doc = self.docs.get_mut(doc_id).expect("working copy");
            if let Err(why) = verdict(doc, kind, c, role)? {
                let who = who();
                self.reset(doc_id, &before)?;
                return Ok(refuse(who, why, hashes));
            }
        }
        Ok(Decision::Accept)
    }

    /// Puts a working copy back as it was before a change that was not accepted.
    fn reset(&mut self, doc_id: &str, before: &[ChangeHash]) -> Result<()> {
        if before.is_empty() {
            self.docs.remove(doc_id);
        } else if let Some(doc) = self.docs.get_mut(doc_id) {
            let back = doc.fork_at(before)?;
            self.docs.insert(doc_id.to_string(), back);
        }
        Ok(())
    }
}

/// The first of `missing` that was refused here, with who sent it and why.
fn builds_on_refused(tx: &Transaction, missing: &[ChangeHash]) -> Result<Option<(String, String)>> {
    let mut stmt = tx.prepare_cached("SELECT who, reason FROM refused_changes WHERE hash = ?1")?;
    for h in missing {
        let found = stmt.query_row([h.to_string()], |r| Ok((r.get(0)?, r.get(1)?))).ok();
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Records a refusal (each refused change once).
pub(crate) fn record_refusal(tx: &Transaction, doc_id: &str, signer: &str, r: &Refusal, now: &str) -> Result<()> {
    let hashes = if r.hashes.is_empty() {
        // A change that could not even be read: one row under a made-up id.
        vec![format!("unreadable-{}", ulid::Ulid::new())]
    } else {
        r.hashes.clone()
    };
    for h in hashes {
        tx.prepare_cached(
            "INSERT OR IGNORE INTO refused_changes (hash, doc_id, signer, who, reason, refused_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![h, doc_id, signer, r.who, r.reason, now])?;
    }
    Ok(())
}

/// This laptop's own role in its chamber (`None` for a diary whose device is
/// not listed with a member, which acts as its owner).
pub fn own_role(conn: &rusqlite::Connection) -> Result<Option<Role>> {
    let Some(actor) = store::meta_get(conn, "actor")? else {
        return Ok(None);
    };
    let role: Option<String> = conn
        .prepare_cached("SELECT m.role FROM devices d JOIN members m ON m.id = d.member_id WHERE d.actor = ?1")?
        .query_row([&actor], |r| r.get(0))
        .ok();
    Ok(role.map(|r| Role::parse(&r).unwrap_or(Role::Viewer)))
}

/// Refuses, before it is written, a local change this laptop's member may
/// not make: the changes `doc` holds beyond `before`.
pub(crate) fn check_local(tx: &Transaction, kind: DocKind, doc: &mut AutoCommit, before: &[ChangeHash]) -> Result<()> {
    let role = match own_role(tx)? {
        None | Some(Role::Owner) => return Ok(()),
        Some(Role::Admin) if kind != DocKind::Chamber => return Ok(()),
        Some(role) => role,
    };
    for c in &doc.get_changes(before) {
        if let Err(why) = verdict(doc, kind, c, role)? {
            return Err(DiaryError::NotAllowed(why));
        }
    }
    Ok(())
}

/// Refuses, before it is written, a local erasure this laptop's member may not make.
pub(crate) fn check_local_action(tx: &Transaction, action: Action) -> Result<()> {
    match own_role(tx)? {
        Some(role) if !allows(role, action) => Err(DiaryError::NotAllowed(refusal(role, action))),
        _ => Ok(()),
    }
}
