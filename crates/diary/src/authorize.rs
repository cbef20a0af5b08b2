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

use std::collections::{BTreeSet, HashMap};

use automerge::{AutoCommit, Change, ChangeHash, PatchAction, Prop};
use rusqlite::{params, Transaction};

use crate::error::{DiaryError, Result};
use crate::model::{ChamberDoc, DocKind};
use crate::roles::{allows, refusal, Action, Op, Record, Role};
use crate::store;

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

/// What one change does, from the paths it touches relative to its own history.
pub(crate) fn actions_of(doc: &mut AutoCommit, kind: DocKind, change: &Change) -> BTreeSet<Action> {
    let created = change.deps().is_empty();
    let patches = doc.diff(change.deps(), &[change.hash()]);
    let paths: Vec<(Vec<String>, bool)> = patches
        .into_iter()
        .map(|p| {
            let mut props: Vec<String> = p
                .path
                .into_iter()
                .map(|(_, prop)| match prop {
                    Prop::Map(s) => s,
                    Prop::Seq(_) => "#".to_string(),
                })
                .collect();
            let deleted = matches!(p.action, PatchAction::DeleteMap { .. } | PatchAction::DeleteSeq { .. });
            if let PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } = p.action {
                props.push(key);
            }
            (props, deleted)
        })
        .collect();
    // Entries of a collection put whole by this change are added, fields and all.
    let new_entries: BTreeSet<(&str, &str)> = paths
        .iter()
        .filter(|(p, deleted)| p.len() == 2 && !deleted)
        .map(|(p, _)| (p[0].as_str(), p[1].as_str()))
        .collect();
    let mut out = BTreeSet::new();
    if created {
        out.insert(Action::new(record_of(kind), Op::Add));
    }
    for (props, deleted) in &paths {
        let props: Vec<&str> = props.iter().map(String::as_str).collect();
        let fresh = props.len() >= 2 && new_entries.contains(&(props[0], props[1]));
        if let Some(a) = classify(kind, created, fresh, &props, *deleted) {
            out.insert(a);
        }
    }
    out
}

fn record_of(kind: DocKind) -> Record {
    match kind {
        DocKind::Case => Record::Case,
        DocKind::Client => Record::Client,
        DocKind::Chamber => Record::ChamberSettings,
    }
}

fn is_removal(key: &str) -> bool {
    matches!(key, "removed_at" | "voided_at" | "void_reason" | "erased_at")
}

/// The action one touched path stands for.
fn classify(kind: DocKind, created: bool, fresh: bool, props: &[&str], deleted: bool) -> Option<Action> {
    let first = *props.first()?;
    let sub = match (kind, first) {
        (DocKind::Case, "hearings") => Some(Record::Hearing),
        (DocKind::Case, "tasks") => Some(Record::CaseTask),
        (DocKind::Case, "notes") => Some(Record::Note),
        (DocKind::Case, "fees") => Some(Record::Fee),
        (DocKind::Case, "documents") => Some(Record::Document),
        (DocKind::Chamber, "tasks") => Some(Record::ChamberTask),
        (DocKind::Chamber, "members" | "devices") => return Some(Action::new(Record::Membership, Op::Edit)),
        _ => None,
    };
    let Some(record) = sub else {
        let record = record_of(kind);
        let op = if created {
            Op::Add
        } else if is_removal(first) {
            Op::Remove
        } else {
            Op::Edit
        };
        return Some(Action::new(record, op));
    };
    let op = match props.len() {
        // The collection itself, made with its record.
        1 if created => return None,
        1 => Op::Edit,
        2 if deleted => Op::Remove,
        2 => Op::Add,
        _ if fresh => Op::Add,
        _ if is_removal(props[2]) => Op::Remove,
        _ => Op::Edit,
    };
    Some(Action::new(record, op))
}

/// Whether `role` may make the membership change `change` (to the chamber
/// document `doc`): owners and admins manage members, and only an owner
/// changes an owner (their role, or their devices) or makes one.
fn membership_allowed(doc: &mut AutoCommit, change: &Change, role: Role) -> Result<std::result::Result<(), String>> {
    if !role.manages_members() {
        return Ok(Err(refusal(role, Action::new(Record::Membership, Op::Edit))));
    }
    if role == Role::Owner {
        return Ok(Ok(()));
    }
    let before: ChamberDoc = chamber_at(doc, change.deps())?;
    let after: ChamberDoc = chamber_at(doc, &[change.hash()])?;
    let is_owner = |c: &ChamberDoc, member: &str| c.members.get(member).is_some_and(|m| m.role == "owner");
    let members: BTreeSet<&String> = before.members.keys().chain(after.members.keys()).collect();
    for id in members {
        if before.members.get(id) != after.members.get(id) && (is_owner(&before, id) || is_owner(&after, id)) {
            return Ok(Err("only an owner may change an owner or make one".into()));
        }
    }
    let devices: BTreeSet<&String> = before.devices.keys().chain(after.devices.keys()).collect();
    for actor in devices {
        let (b, a) = (before.devices.get(actor), after.devices.get(actor));
        if b != a {
            let member = a.or(b).map(|d| d.member_id.as_str()).unwrap_or_default();
            if is_owner(&before, member) || is_owner(&after, member) {
                return Ok(Err("only an owner may change an owner's laptops".into()));
            }
        }
    }
    Ok(Ok(()))
}

/// The chamber document as of `heads`, hydrated.
fn chamber_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<ChamberDoc> {
    if heads.is_empty() {
        return Ok(ChamberDoc::default());
    }
    Ok(autosurgeon::hydrate(&doc.fork_at(heads)?)?)
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
        if !self.docs.contains_key(id) {
            let doc = match store::doc_kind(tx, id)? {
                Some(_) => store::load_doc(tx, id)?,
                None => AutoCommit::new(),
            };
            self.docs.insert(id.to_string(), doc);
        }
        Ok(self.docs.get_mut(id).expect("just inserted"))
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
        let doc = self.working(tx, doc_id)?;
        if kind == DocKind::Client && !doc.get_heads().is_empty() && crate::erasure::is_erased(doc)? {
            return Ok(Decision::Accept); // the merge drops it: the erasure won
        }
        let before = doc.get_heads();
        if let Err(e) = doc.load_incremental(bytes) {
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
            let mut verdict = Ok(());
            for action in actions_of(doc, kind, c) {
                verdict = if action.record == Record::Membership {
                    membership_allowed(doc, c, role)?
                } else if allows(role, action) {
                    Ok(())
                } else {
                    Err(refusal(role, action))
                };
                if verdict.is_err() {
                    break;
                }
            }
            if let Err(why) = verdict {
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

/// The hashes of the Automerge changes in `bytes` (change chunks one after
/// another, as `save_after` writes them), read without applying them: each
/// chunk is magic (4 bytes), checksum (4), type (1), a LEB128 length and the
/// data. Chunks that are not changes (a whole saved document) are skipped.
pub fn change_hashes(bytes: &[u8]) -> Vec<String> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    let mut out = Vec::new();
    let mut rest = bytes;
    while rest.len() > 9 && rest[..4] == MAGIC {
        let (mut len, mut shift, mut at) = (0usize, 0u32, 9usize);
        loop {
            let Some(&b) = rest.get(at) else { return out };
            if shift > 56 {
                return out;
            }
            len |= ((b & 0x7f) as usize) << shift;
            at += 1;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let Some(end) = at.checked_add(len).filter(|e| *e <= rest.len()) else {
            return out;
        };
        if matches!(rest[8], 1 | 2) {
            if let Ok(change) = Change::from_bytes(rest[..end].to_vec()) {
                out.push(change.hash().to_string());
            }
        }
        rest = &rest[end..];
    }
    out
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
        for action in actions_of(doc, kind, c) {
            let verdict = if action.record == Record::Membership {
                membership_allowed(doc, c, role)?
            } else if allows(role, action) {
                Ok(())
            } else {
                Err(refusal(role, action))
            };
            if let Err(why) = verdict {
                return Err(DiaryError::NotAllowed(why));
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    #[test]
    fn change_hashes_are_read_without_applying_the_changes() {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "title", "Kaveri Rao v. Union of India")
            .unwrap();
        doc.commit();
        let base = doc.get_heads();
        doc.put(automerge::ROOT, "stage", "Arguments").unwrap();
        doc.commit();
        doc.put(automerge::ROOT, "notes", "x".repeat(4000)).unwrap(); // large enough to compress
        doc.commit();
        let want: Vec<String> = doc.get_changes(&base).iter().map(|c| c.hash().to_string()).collect();
        assert_eq!(want.len(), 2);
        let bytes = doc.save_after(&base);
        assert_eq!(change_hashes(&bytes), want);
        assert!(
            change_hashes(&bytes[..bytes.len() - 1]).len() < 2,
            "a cut chunk is not read"
        );
        assert!(change_hashes(b"garbage").is_empty());
    }

    #[test]
    fn paths_map_to_records_and_operations() {
        use Op::*;
        use Record::*;
        let a = |r, o| Some(Action::new(r, o));
        assert_eq!(
            classify(DocKind::Case, false, false, &["fees", "01F"], false),
            a(Fee, Add)
        );
        assert_eq!(
            classify(DocKind::Case, false, false, &["fees", "01F", "voided_at"], false),
            a(Fee, Remove)
        );
        assert_eq!(
            classify(DocKind::Case, false, true, &["hearings", "01H", "removed_at"], false),
            a(Hearing, Add)
        );
        assert_eq!(
            classify(DocKind::Case, false, false, &["hearings", "01H", "next_date"], false),
            a(Hearing, Edit)
        );
        assert_eq!(
            classify(DocKind::Case, false, false, &["removed_at"], false),
            a(Case, Remove)
        );
        assert_eq!(
            classify(DocKind::Case, true, false, &["removed_at"], false),
            a(Case, Add)
        );
        assert_eq!(
            classify(DocKind::Case, false, false, &["parties", "#", "name"], false),
            a(Case, Edit)
        );
        assert_eq!(
            classify(DocKind::Client, false, false, &["erased_at"], false),
            a(Client, Remove)
        );
        assert_eq!(
            classify(DocKind::Chamber, false, false, &["members", "01M", "role"], false),
            a(Membership, Edit)
        );
        assert_eq!(
            classify(DocKind::Chamber, false, false, &["courts", "#"], false),
            a(ChamberSettings, Edit)
        );
        assert_eq!(
            classify(DocKind::Chamber, false, false, &["tasks", "01T", "done"], false),
            a(ChamberTask, Edit)
        );
    }
}
