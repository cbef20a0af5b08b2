//! Merging accepted remote changes into the stored documents and the
//! projection: runs of changes per document, replacements (erasures) in their
//! place.

use automerge::AutoCommit;
use rusqlite::Transaction;

use super::{parse_kind, DocChange, MergeReport};
use crate::error::{DiaryError, Result};
use crate::model::DocKind;
use crate::{projection, store};

/// Merges accepted changes: runs of changes per document, and replacements
/// (erasures) in their place.
pub(super) fn merge_changes(
    tx: &Transaction,
    chamber_id: &str,
    changes: &[DocChange],
    released: &mut std::collections::BTreeSet<String>,
    report: &mut MergeReport,
) -> Result<()> {
    // Changes to one document are merged together: it is loaded, stored and
    // projected once per run of changes, not once per change. A replacement
    // (an erasure) ends a run: what came before it is merged first, then the
    // document is replaced.
    let mut rest = changes;
    while !rest.is_empty() {
        let run = rest.iter().position(|c| c.replaces).unwrap_or(rest.len());
        merge_run(tx, chamber_id, &rest[..run], released, report)?;
        if let Some(c) = rest.get(run) {
            let kind = parse_kind(&c.kind)?;
            match crate::erasure::replace_remote(tx, &c.doc_id, kind, &c.bytes)? {
                crate::erasure::Replaced::Replaced => report.erased += 1,
                crate::erasure::Replaced::AlreadyKnown => report.already_known += 1,
            }
        }
        rest = &rest[(run + 1).min(rest.len())..];
    }
    Ok(())
}

fn merge_run(
    tx: &Transaction,
    chamber_id: &str,
    changes: &[DocChange],
    released: &mut std::collections::BTreeSet<String>,
    report: &mut MergeReport,
) -> Result<()> {
    let mut order: Vec<(&str, &str)> = Vec::new();
    let mut grouped: std::collections::HashMap<&str, Vec<u8>> = std::collections::HashMap::new();
    for c in changes {
        let bytes = grouped.entry(c.doc_id.as_str()).or_insert_with(|| {
            order.push((c.doc_id.as_str(), c.kind.as_str()));
            Vec::new()
        });
        bytes.extend_from_slice(&c.bytes);
    }
    for (doc_id, kind_name) in order {
        let kind = parse_kind(kind_name)?;
        if kind == DocKind::Chamber && doc_id != chamber_id {
            return Err(DiaryError::Document(format!(
                "a change names chamber {doc_id} but this diary belongs to chamber {chamber_id}"
            )));
        }
        if merge_one(tx, doc_id, kind, &grouped[doc_id], released)? {
            report.docs_changed += 1;
        } else {
            report.already_known += 1;
        }
    }
    Ok(())
}

fn merge_one(
    tx: &Transaction,
    doc_id: &str,
    kind: DocKind,
    bytes: &[u8],
    released: &mut std::collections::BTreeSet<String>,
) -> Result<bool> {
    let existing = store::doc_kind(tx, doc_id)?;
    if let Some(k) = existing {
        if k != kind {
            return Err(DiaryError::Document(format!(
                "document {} is a {} here but a change calls it a {}",
                doc_id,
                k.as_str(),
                kind.as_str()
            )));
        }
    }
    let mut doc = match existing {
        Some(_) => store::load_doc(tx, doc_id)?,
        None => AutoCommit::new(),
    };
    if existing.is_some() && kind == DocKind::Client && crate::erasure::is_erased(&doc)? {
        // The client was erased: what was changed in the old document is gone with it.
        return Ok(false);
    }
    let before = doc.get_heads();
    let named_before = match (existing, kind) {
        (Some(_), DocKind::Case) => crate::records::document::blob_refs(&doc)?,
        _ => Default::default(),
    };
    doc.load_incremental(bytes)?;
    let after = doc.get_heads();
    if before == after {
        return Ok(false);
    }
    if !named_before.is_empty() {
        let named_after = crate::records::document::blob_refs(&doc)?;
        released.extend(named_before.difference(&named_after).cloned());
    }
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match existing {
        None => store::insert_remote_doc(tx, doc_id, kind, &mut doc, &now)?,
        Some(_) => store::append_remote_change(tx, doc_id, kind, bytes, &mut doc)?,
    }
    projection::project_doc(tx, doc_id, kind, &mut doc)?;
    Ok(true)
}
