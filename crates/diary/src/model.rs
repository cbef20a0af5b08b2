//! The diary's records as Automerge documents, mapped with `autosurgeon`.
//!
//! One document per chamber, client and case. Collections inside a case
//! (hearings, tasks, notes, fees, documents) are maps keyed by ULID, so records
//! added on different laptops merge without clashing. Dates are ISO
//! `YYYY-MM-DD` strings, moments are RFC 3339 UTC strings, money is integer
//! minor units; all fields are plain scalars, never collaborative text.
//!
//! Records are never deleted from a document: removing one sets its
//! `removed_at`, which takes it out of the projection. A removal therefore
//! merges with an edit made elsewhere at the same time (the record stays
//! removed, carrying the edit), and undoing it brings the record back. Fields
//! added after the first release hydrate as empty from older documents.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

/// Which kind of document a ULID names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocKind {
    Chamber,
    Client,
    Case,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Chamber => "chamber",
            DocKind::Client => "client",
            DocKind::Case => "case",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "chamber" => DocKind::Chamber,
            "client" => DocKind::Client,
            "case" => DocKind::Case,
            _ => return None,
        })
    }
}

/// The chamber: its name, members, devices and vocabularies.
#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ChamberDoc {
    pub name: String,
    pub members: BTreeMap<String, Member>,
    /// Devices by Automerge actor id (hex), so history can name who made a change.
    pub devices: BTreeMap<String, Device>,
    /// Tasks that belong to no case (chamber follow-ups), keyed by ULID.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub tasks: BTreeMap<String, Task>,
    pub courts: Vec<String>,
    pub currency: String,
    /// The chamber's postal address (several lines), printed on receipts and bills.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub address: Option<String>,
    /// The chamber's GSTIN, printed on bills when a tax line is on.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub gstin: Option<String>,
    /// The tax line bills carry, if the chamber turned one on ("GST").
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub tax_label: Option<String>,
    /// Its rate in basis points (1800 is 18%).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub tax_rate_bp: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Member {
    pub name: String,
    /// owner, admin, advocate, clerk, accounts or viewer.
    pub role: String,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Device {
    pub label: String,
    pub member_id: String,
    pub added_at: String,
    /// The device's Ed25519 public key (hex) that signs what it sends; empty
    /// for a diary never set up for sync (or set up before keys were listed).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub signing_key: String,
    /// The device's X25519 public key (hex), for sealing chamber keys to it.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub dh_key: String,
    /// When the device was removed from the chamber (RFC 3339): nothing it
    /// writes afterwards is accepted.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub removed_at: Option<String>,
    /// The series of receipt and bill numbers this device issues (`A`, `B`,
    /// …), given when the device is listed so that laptops numbering offline
    /// at the same time never clash; empty for a device listed before
    /// receipts existed (see `crate::accounts::numbering`).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub receipt_series: String,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct ClientDoc {
    pub name: String,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub created_at: String,
    /// When the client was removed (RFC 3339); a removed client leaves the
    /// projection but its document stays, so the removal syncs and can be undone.
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
    /// When the client's personal data was erased on request (RFC 3339): the
    /// document was replaced by one without history that keeps only this,
    /// `created_at` and a removal mark (see `crate::erasure`).
    #[autosurgeon(missing = "Default::default")]
    pub erased_at: Option<String>,
    /// The language the client's updates are written in (`en`, `hi`);
    /// none is English.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub update_language: Option<String>,
    /// Bills issued to the client for all their cases, keyed by ULID.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub bills: BTreeMap<String, BillRecord>,
    /// Status links showing the client all their pending cases, keyed by
    /// the link's id (see `crate::status_links`).
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub status_links: BTreeMap<String, StatusLink>,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct CaseDoc {
    pub title: String,
    pub number: String,
    pub cnr: Option<String>,
    pub court: String,
    pub bench: Option<String>,
    pub case_type: Option<String>,
    /// pending, disposed, transferred or stayed.
    pub status: String,
    /// The date (ISO) the status last changed outside a hearing, if it did.
    #[autosurgeon(missing = "Default::default")]
    pub status_date: Option<String>,
    /// The remark given with that status change.
    #[autosurgeon(missing = "Default::default")]
    pub status_remark: Option<String>,
    pub stage: Option<String>,
    pub parties: Vec<Party>,
    pub client_ids: Vec<String>,
    pub assigned: Vec<String>,
    pub created_at: String,
    pub hearings: BTreeMap<String, Hearing>,
    pub tasks: BTreeMap<String, Task>,
    pub notes: BTreeMap<String, Note>,
    pub fees: BTreeMap<String, Fee>,
    pub documents: BTreeMap<String, DocumentRef>,
    /// How the advocate charges for this case, if set.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub fee_terms: Option<FeeTerms>,
    /// Time spent on the case, keyed by ULID.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub time_entries: BTreeMap<String, TimeEntry>,
    /// Bills issued for this case, keyed by ULID.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub bills: BTreeMap<String, BillRecord>,
    /// Status links showing this case to its client, keyed by the link's id.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub status_links: BTreeMap<String, StatusLink>,
    /// When the case was removed (RFC 3339): only undoing its opening does
    /// this; a removed case leaves the projection but its document stays.
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Party {
    pub name: String,
    /// petitioner, respondent, appellant, plaintiff, defendant, complainant, accused, …
    pub side: String,
    pub counsel: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Hearing {
    pub date: String,
    pub item: Option<i64>,
    pub purpose: Option<String>,
    /// What happened (proceedings); `None` until the hearing is recorded.
    pub outcome: Option<String>,
    /// The next date fixed at this hearing.
    pub next_date: Option<String>,
    /// Set when the case was disposed of at this hearing.
    pub disposed: bool,
    pub attended_by: Option<String>,
    pub recorded_at: Option<String>,
    /// Set when the advocate counts this recorded hearing as a non-effective
    /// appearance (adjourned on the first call), charged at that rate.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub non_effective: bool,
    /// When the record was removed (RFC 3339): it leaves the projection but
    /// stays in the document, so the removal merges with concurrent edits and
    /// can be undone.
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Task {
    pub title: String,
    pub due: Option<String>,
    pub assignee: Option<String>,
    pub done: bool,
    pub done_at: Option<String>,
    pub created_at: String,
    /// When the record was removed (RFC 3339): it leaves the projection but
    /// stays in the document, so the removal merges with concurrent edits and
    /// can be undone.
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
    /// `true` when the note may be shown to the client; otherwise private.
    pub client_visible: bool,
    pub author: String,
    pub at: String,
    /// When the record was removed (RFC 3339): it leaves the projection but
    /// stays in the document, so the removal merges with concurrent edits and
    /// can be undone.
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
}

/// agreed, received or expense.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum FeeKind {
    Agreed,
    Received,
    Expense,
}

impl FeeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FeeKind::Agreed => "agreed",
            FeeKind::Received => "received",
            FeeKind::Expense => "expense",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "agreed" => FeeKind::Agreed,
            "received" => FeeKind::Received,
            "expense" => FeeKind::Expense,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Fee {
    pub kind: String,
    pub amount_minor: i64,
    pub currency: String,
    pub date: String,
    pub mode: Option<String>,
    pub remark: Option<String>,
    /// When the entry was voided (RFC 3339); a voided entry stays in the ledger,
    /// struck out, and leaves the balance.
    #[autosurgeon(missing = "Default::default")]
    pub voided_at: Option<String>,
    #[autosurgeon(missing = "Default::default")]
    pub void_reason: Option<String>,
    /// The receipt issued for a payment received, once one is: its number
    /// stays with the payment for good, even when it is voided.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub receipt: Option<IssuedNumber>,
    /// When the entry was removed (RFC 3339): it leaves the projection but
    /// stays in the document, so the removal merges with concurrent edits and
    /// can be undone.
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct DocumentRef {
    pub name: String,
    pub size: i64,
    pub media_type: String,
    pub sha256: String,
    pub blob_id: String,
    pub client_visible: bool,
    pub added_at: String,
    /// When the record was removed (RFC 3339): it leaves the projection but
    /// stays in the document, so the removal merges with concurrent edits and
    /// can be undone.
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
}

/// How a case is charged: any mix of a fixed fee, a fee per appearance (with
/// its own amount for a non-effective hearing) and an hourly rate, all in one
/// currency. Amounts are minor units; `None` is "not charged that way".
#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeeTerms {
    pub currency: String,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub fixed_minor: Option<i64>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub per_appearance_minor: Option<i64>,
    /// For a non-effective appearance; `None`: the same as an effective one.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub non_effective_minor: Option<i64>,
    /// Per hour of billable time.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub hourly_minor: Option<i64>,
}

/// Time a member spent on a case.
#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct TimeEntry {
    /// The day the work was done (ISO).
    pub date: String,
    /// Whole minutes, at least one.
    pub minutes: i64,
    pub member_id: String,
    /// What was done.
    pub note: Option<String>,
    pub billable: bool,
    pub created_at: String,
    /// When the record was removed (RFC 3339); see [`Hearing::removed_at`].
    #[autosurgeon(missing = "Default::default")]
    pub removed_at: Option<String>,
}

/// A receipt's or bill's number: the issuing device's series, the financial
/// year (April to March, `2026-27`) and the running number in both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct IssuedNumber {
    pub series: String,
    pub year: String,
    pub seq: i64,
    /// When it was issued (RFC 3339).
    pub issued_at: String,
}

impl IssuedNumber {
    /// As printed: `A-7/2026-27`.
    pub fn label(&self) -> String {
        format!("{}-{}/{}", self.series, self.seq, self.year)
    }
}

/// A bill (fee memo) as issued: its number and period, and what it said
/// was due, kept so the number is never given again and the outstanding
/// list can tell a bill left unpaid.
#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct BillRecord {
    pub number: IssuedNumber,
    /// The period billed (ISO dates, inclusive).
    pub from: String,
    pub to: String,
    /// The day it was issued (ISO).
    pub issued_on: String,
    pub currency: String,
    /// The tax it charged, if the chamber had a tax line on (its label and amount).
    pub tax_label: Option<String>,
    pub tax_minor: i64,
    /// The balance due the bill showed.
    pub due_minor: i64,
    /// When it was cancelled (RFC 3339), and why: its tax leaves the
    /// accounts; its number is never given again.
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
}

/// A status link: the case (or all of a client's pending cases) as the
/// client may see it, sealed under `key` and kept by the relay under the
/// link's id. The key is here so that every laptop of the chamber can seal
/// the link again when the case changes; it never leaves the chamber's
/// documents except in the link's address.
#[derive(Debug, Clone, Default, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct StatusLink {
    /// The link's key, base64url (what the address's fragment carries).
    pub key: String,
    /// When it was made (RFC 3339) and by which member.
    pub created_at: String,
    pub created_by: String,
    /// The last day it opens (ISO), if it expires.
    pub expires_on: Option<String>,
    /// When it was revoked (RFC 3339): it never opens again.
    pub revoked_at: Option<String>,
    /// Show the outcomes of past hearings.
    pub share_outcomes: bool,
    /// Show the fee statement (agreed, received, balance).
    pub share_fees: bool,
    /// The language the page speaks (`en`, `hi`).
    pub language: String,
}
