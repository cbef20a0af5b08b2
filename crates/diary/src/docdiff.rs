//! Writing a changed record back into its Automerge document and the
//! projection by difference: only the fields and collection entries that
//! changed are reconciled and re-projected. This keeps the history small (no
//! rewrites of unchanged keys) and a one-hearing change cheap on a long case.
//! The property test in `tests/projection_rebuild.rs` checks the result against
//! a full rebuild.

use std::collections::BTreeMap;

use automerge::{AutoCommit, ObjType, ReadDoc, ROOT};
use autosurgeon::{reconcile_prop, Reconcile};
use rusqlite::Transaction;

use crate::error::Result;
use crate::model::{CaseDoc, ChamberDoc, ClientDoc};
use crate::projection;

/// A record kept as one Automerge document.
pub trait DocValue:
    Reconcile + autosurgeon::Hydrate + serde::de::DeserializeOwned + Clone + PartialEq + std::fmt::Debug + Send + 'static
{
    /// Brings `doc` (which holds `old`) to `new`.
    fn write_diff(doc: &mut AutoCommit, old: &Self, new: &Self) -> Result<()> {
        let _ = old;
        autosurgeon::reconcile(doc, new)?;
        Ok(())
    }
    /// When the record was removed, if it was (a removed record takes no changes
    /// but the one that brings it back).
    fn removed_at(&self) -> Option<&str> {
        None
    }
    /// Updates the projection from `old` (if it was projected) to `new`.
    fn project(tx: &Transaction, id: &str, old: Option<&Self>, new: &Self) -> Result<()>;
}

impl DocValue for ClientDoc {
    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }
    fn project(tx: &Transaction, id: &str, _old: Option<&Self>, new: &Self) -> Result<()> {
        projection::project_client(tx, id, new)
    }
}

/// Reconciles only the entries of a ULID-keyed map that differ.
fn map_diff<V: Reconcile + PartialEq>(
    doc: &mut AutoCommit,
    prop: &str,
    old: &BTreeMap<String, V>,
    new: &BTreeMap<String, V>,
) -> Result<()> {
    if old == new {
        return Ok(());
    }
    let obj = match doc.get(ROOT, prop)? {
        Some((automerge::Value::Object(ObjType::Map), id)) => id,
        _ => {
            reconcile_prop(doc, ROOT, prop, new)?;
            return Ok(());
        }
    };
    for (k, v) in new {
        if old.get(k) != Some(v) {
            reconcile_prop(doc, &obj, k.as_str(), v)?;
        }
    }
    for k in old.keys() {
        if !new.contains_key(k) {
            automerge::transaction::Transactable::delete(doc, &obj, k.as_str())?;
        }
    }
    Ok(())
}

macro_rules! scalar_diff {
    ($doc:expr, $old:expr, $new:expr, $($field:ident),*) => {
        $( if $old.$field != $new.$field { reconcile_prop($doc, ROOT, stringify!($field), &$new.$field)?; } )*
    };
}

impl DocValue for ChamberDoc {
    fn write_diff(doc: &mut AutoCommit, old: &Self, new: &Self) -> Result<()> {
        // Every field is named here: a field added to the document without
        // being written back here would not compile.
        let ChamberDoc {
            name: _,
            members: _,
            devices: _,
            tasks: _,
            courts: _,
            currency: _,
            address: _,
            gstin: _,
            tax_label: _,
            tax_rate_bp: _,
        } = new;
        scalar_diff!(
            doc,
            old,
            new,
            name,
            members,
            devices,
            courts,
            currency,
            address,
            gstin,
            tax_label,
            tax_rate_bp
        );
        map_diff(doc, "tasks", &old.tasks, &new.tasks)
    }

    fn project(tx: &Transaction, id: &str, _old: Option<&Self>, new: &Self) -> Result<()> {
        projection::project_chamber(tx, id, new)
    }
}

impl DocValue for CaseDoc {
    fn write_diff(doc: &mut AutoCommit, old: &Self, new: &Self) -> Result<()> {
        // Every field is named here: a field added to the document without
        // being written back here would not compile.
        let CaseDoc {
            title: _,
            number: _,
            cnr: _,
            court: _,
            bench: _,
            case_type: _,
            status: _,
            status_date: _,
            status_remark: _,
            stage: _,
            parties: _,
            client_ids: _,
            assigned: _,
            created_at: _,
            hearings: _,
            tasks: _,
            notes: _,
            fees: _,
            documents: _,
            fee_terms: _,
            time_entries: _,
            bills: _,
            status_links: _,
            removed_at: _,
        } = new;
        scalar_diff!(
            doc,
            old,
            new,
            title,
            number,
            cnr,
            court,
            bench,
            case_type,
            status,
            status_date,
            status_remark,
            stage,
            parties,
            client_ids,
            assigned,
            created_at,
            fee_terms,
            removed_at
        );
        map_diff(doc, "hearings", &old.hearings, &new.hearings)?;
        map_diff(doc, "tasks", &old.tasks, &new.tasks)?;
        map_diff(doc, "notes", &old.notes, &new.notes)?;
        map_diff(doc, "fees", &old.fees, &new.fees)?;
        map_diff(doc, "documents", &old.documents, &new.documents)?;
        map_diff(doc, "time_entries", &old.time_entries, &new.time_entries)?;
        map_diff(doc, "bills", &old.bills, &new.bills)?;
        map_diff(doc, "status_links", &old.status_links, &new.status_links)?;
        Ok(())
    }

    fn removed_at(&self) -> Option<&str> {
        self.removed_at.as_deref()
    }

    fn project(tx: &Transaction, id: &str, old: Option<&Self>, new: &Self) -> Result<()> {
        match old {
            Some(old) => projection::project_case_diff(tx, id, old, new),
            None => projection::project_case(tx, id, new),
        }
    }
}
