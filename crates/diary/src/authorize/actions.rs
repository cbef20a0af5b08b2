//! What a change does: the paths it touches relative to its own history,
//! mapped to a record and an operation, and whether a role allows them; and
//! the hashes of changes read from their bytes without applying them.

use std::collections::BTreeSet;

use automerge::{AutoCommit, Change, ChangeHash, PatchAction, Prop};

use crate::error::Result;
use crate::model::{ChamberDoc, DocKind};
use crate::roles::{allows, refusal, Action, Op, Record, Role};

/// Whether `role` may make `change` (held by `doc`, a document of `kind`):
/// `Err` with the refusal in plain words when one thing it does is not allowed.
pub(super) fn verdict(
    doc: &mut AutoCommit,
    kind: DocKind,
    change: &Change,
    role: Role,
) -> Result<std::result::Result<(), String>> {
    for action in actions_of(doc, kind, change) {
        let allowed = if action.record == Record::Membership {
            membership_allowed(doc, change, role)?
        } else if allows(role, action) {
            Ok(())
        } else {
            Err(refusal(role, action))
        };
        if allowed.is_err() {
            return Ok(allowed);
        }
    }
    Ok(Ok(()))
}

/// What one change does, from the paths it touches relative to its own history.
pub(super) fn actions_of(doc: &mut AutoCommit, kind: DocKind, change: &Change) -> BTreeSet<Action> {
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
        (DocKind::Case, "fees" | "fee_terms" | "time_entries" | "bills") => Some(Record::Fee),
        (DocKind::Client, "bills") => Some(Record::Fee),
        (DocKind::Case | DocKind::Client, "status_links") => Some(Record::StatusLink),
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
pub(super) fn chamber_at(doc: &mut AutoCommit, heads: &[ChangeHash]) -> Result<ChamberDoc> {
    if heads.is_empty() {
        return Ok(ChamberDoc::default());
    }
    Ok(autosurgeon::hydrate(&doc.fork_at(heads)?)?)
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
            classify(DocKind::Case, false, false, &["status_links", "AbC"], false),
            a(StatusLink, Add)
        );
        assert_eq!(
            classify(
                DocKind::Client,
                false,
                false,
                &["status_links", "AbC", "revoked_at"],
                false
            ),
            a(StatusLink, Edit)
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
