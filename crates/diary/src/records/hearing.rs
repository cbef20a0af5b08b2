//! Hearings: recording what happened at a hearing and the next date (or the
//! disposal of the case), as one operation; listing an undated case on a date
//! without inventing a hearing; and the rule that keeps a case's listings in
//! step with its next dates.
//!
//! A case's hearings form a chain: each heard hearing names its next date, and
//! the case is listed (an unrecorded hearing) on that date. When a next date is
//! replaced, cleared or its hearing removed, the listing on the old date no
//! longer stands and is marked removed, unless something was recorded at it or
//! another live hearing still names it. Corrections of a hearing are in
//! [`super::hearing_edit`].
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::dates::{format_dmy, iso_to_dmy, parse_iso};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{check_date, check_item, clean_opt, next_is_after};
use crate::write::{new_id, now_rfc3339, WriteTxn};

pub use super::changes::FieldChange;

/// What was decided at a hearing: adjourned to a next date, or disposed of.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum NextStep {
    Adjourned {
        next_date: NaiveDate,
        purpose: Option<String>,
    },
    Disposed,
}

/// Recording a hearing's outcome and the next date, as one operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordHearing {
    pub date: NaiveDate,
    pub outcome: Option<String>,
    pub item: Option<i64>,
    pub next: NextStep,
    pub attended_by: Option<String>,
    /// Count this hearing as a non-effective appearance (adjourned on the
    /// first call), charged at the case's non-effective rate.
    #[serde(default)]
    pub non_effective: bool,
}

/// What a correction, removal or listing of a hearing did, for the shells to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HearingChange {
    pub case_id: String,
    pub hearing_id: String,
    /// The sentence the case's history shows for the change (nothing is
    /// written when `changes` is empty).
    pub message: String,
    /// The hearing's fields that changed.
    pub changes: Vec<FieldChange>,
    /// The listing on the hearing's next date, when the change made or kept one.
    pub listing_id: Option<String>,
    /// Hearings this change marked removed: the hearing itself for a removal,
    /// and listings on a next date that no longer stands.
    pub removed: Vec<String>,
}

impl Diary {
    pub fn record_hearing(&mut self, case_id: &str, r: RecordHearing) -> Result<String> {
        self.write(|w| w.record_hearing(case_id, r))
    }

    /// See [`WriteTxn::list_case`].
    pub fn list_case(
        &mut self,
        case_id: &str,
        date: NaiveDate,
        purpose: Option<String>,
        item: Option<i64>,
    ) -> Result<HearingChange> {
        self.write(|w| w.list_case(case_id, date, purpose, item))
    }

    /// See [`WriteTxn::record_or_list`].
    pub fn record_or_list(&mut self, case_id: &str, r: RecordHearing) -> Result<String> {
        self.write(|w| w.record_or_list(case_id, r))
    }
}

impl WriteTxn<'_> {
    /// Records what happened at the hearing on `r.date` and fixes the next date
    /// (or disposes of the case). The recorded hearing keeps its outcome; the
    /// next date becomes a new hearing. Returns the recorded hearing's id.
    ///
    /// Recording a hearing again replaces its next date: the listing on the
    /// earlier next date is removed (see [`drop_stale_listings`]) and its
    /// purpose carries over to the new date unless another is given. A
    /// disposal removes the listings after the hearing that nothing was
    /// recorded at.
    pub fn record_hearing(&mut self, case_id: &str, r: RecordHearing) -> Result<String> {
        let date = check_date(r.date)?;
        check_item(r.item)?;
        let next = match &r.next {
            NextStep::Adjourned { next_date, purpose } => {
                if !next_is_after(&r.date, next_date) {
                    return Err(DiaryError::NextDateNotAfter {
                        date: format_dmy(r.date),
                        next: format_dmy(*next_date),
                    });
                }
                Some((check_date(*next_date)?, clean_opt(purpose.clone())))
            }
            NextStep::Disposed => None,
        };
        let outcome = clean_outcome(r.outcome);
        let attended_by = clean_opt(r.attended_by);
        self.change::<CaseDoc, _>(case_id, DocKind::Case, move |c, _| {
            require_open(c)?;
            let now = now_rfc3339();
            // The hearing listed on that date, or a new one if it was never diarised.
            let hid = live_on(c, &date, None).unwrap_or_else(new_id);
            let h = c.hearings.entry(hid.clone()).or_insert_with(|| Hearing {
                date: date.clone(),
                ..Default::default()
            });
            if r.item.is_some() {
                h.item = r.item;
            }
            if outcome.is_some() {
                h.outcome = outcome;
            }
            if attended_by.is_some() {
                h.attended_by = attended_by;
            }
            h.recorded_at = Some(now.clone());
            h.non_effective = r.non_effective;
            let shown = if r.non_effective {
                format!("{} (non-effective)", iso_to_dmy(&date))
            } else {
                iso_to_dmy(&date)
            };
            let msg = match next {
                Some((next_date, purpose)) => {
                    h.disposed = false;
                    let outcome_text = h.outcome.get_or_insert_with(|| "Adjourned".into()).clone();
                    let was = h.next_date.clone().filter(|w| *w != next_date);
                    set_next_date(c, &hid, Some(next_date.clone()), purpose.clone(), &now);
                    let mut msg = format!(
                        "Hearing of {shown}: {outcome_text}; next date {}",
                        iso_to_dmy(&next_date)
                    );
                    if let Some(p) = purpose {
                        msg.push_str(&format!(" for {p}"));
                    }
                    if let Some(w) = was {
                        msg.push_str(&format!(" (was {})", iso_to_dmy(&w)));
                    }
                    msg
                }
                None => {
                    h.next_date = None;
                    h.disposed = true;
                    let outcome_text = h.outcome.get_or_insert_with(|| "Disposed of".into()).clone();
                    c.status = "disposed".into();
                    // Dates fixed after this hearing no longer stand; recorded ones stay.
                    for x in c.hearings.values_mut() {
                        if is_live(x) && x.date > date && !is_heard(x) {
                            x.removed_at = Some(now.clone());
                        }
                    }
                    format!("Hearing of {shown}: {outcome_text}; case disposed of")
                }
            };
            Ok((hid, msg))
        })
    }

    /// Lists a pending case on `date` (for `purpose`, as item `item`) without
    /// inventing a hearing: one new unrecorded hearing on that date, and no
    /// other hearing is touched. Returns what it did; `hearing_id` is the listing.
    ///
    /// The listing comes after everything the case has: a case whose last live
    /// hearing is a listing nothing was recorded at already has its date (an
    /// upcoming one is corrected with [`WriteTxn::edit_hearing`], a passed one
    /// is recorded with [`WriteTxn::record_hearing`], which gives the next
    /// date), so that is refused with `AlreadyListed` naming that listing's
    /// date, whatever `date` is; a case whose last hearing was heard on or
    /// after `date` is refused with `NextDateNotAfter`. A disposed or
    /// transferred case is refused with `NotPending`.
    pub fn list_case(
        &mut self,
        case_id: &str,
        date: NaiveDate,
        purpose: Option<String>,
        item: Option<i64>,
    ) -> Result<HearingChange> {
        let iso = check_date(date)?;
        check_item(item)?;
        let purpose = clean_opt(purpose);
        let case = case_id.to_string();
        self.change::<CaseDoc, _>(case_id, DocKind::Case, move |c, _| {
            require_open(c)?;
            let last = c
                .hearings
                .values()
                .filter(|h| is_live(h))
                .max_by(|a, b| a.date.cmp(&b.date).then(is_heard(b).cmp(&is_heard(a))));
            match last {
                Some(l) if !is_heard(l) => {
                    return Err(DiaryError::AlreadyListed {
                        number: c.number.clone(),
                        date: iso_to_dmy(&l.date),
                    })
                }
                Some(l) if !next_is_after(&l.date, &iso) => {
                    return Err(DiaryError::NextDateNotAfter {
                        date: iso_to_dmy(&l.date),
                        next: format_dmy(date),
                    })
                }
                _ => {}
            }
            let id = new_id();
            c.hearings.insert(
                id.clone(),
                Hearing {
                    date: iso.clone(),
                    item,
                    purpose: purpose.clone(),
                    ..Default::default()
                },
            );
            let mut msg = format!("Listed on {}", format_dmy(date));
            if let Some(p) = &purpose {
                msg.push_str(&format!(" for {p}"));
            }
            if let Some(i) = item {
                msg.push_str(&format!(", item {i}"));
            }
            let set = |field: &str, to: Option<String>| FieldChange {
                field: field.into(),
                from: None,
                to,
            };
            let changes = [
                Some(set("date", Some(iso))),
                item.map(|i| set("item", Some(i.to_string()))),
                purpose.map(|p| set("purpose", Some(p))),
            ]
            .into_iter()
            .flatten()
            .collect();
            let change = HearingChange {
                case_id: case,
                hearing_id: id.clone(),
                message: msg.clone(),
                changes,
                listing_id: Some(id),
                removed: Vec::new(),
            };
            Ok((change, msg))
        })
    }

    /// What the app's record dialog asks for, which also serves "give next
    /// date" for an undated case: when the case has a live hearing on
    /// `r.date`, or an outcome or a disposal is given, the hearing on
    /// `r.date` is recorded ([`WriteTxn::record_hearing`]); otherwise no
    /// hearing is invented on `r.date` with an outcome nobody gave: the case
    /// is listed on the next date ([`WriteTxn::list_case`], with the purpose
    /// and `r.item`). Returns the recorded hearing's id, or the listing's.
    pub fn record_or_list(&mut self, case_id: &str, r: RecordHearing) -> Result<String> {
        if let NextStep::Adjourned { next_date, purpose } = &r.next {
            let unheard_date = clean_outcome(r.outcome.clone()).is_none() && !self.has_hearing_on(case_id, r.date)?;
            if unheard_date {
                return Ok(self.list_case(case_id, *next_date, purpose.clone(), r.item)?.hearing_id);
            }
        }
        self.record_hearing(case_id, r)
    }

    fn has_hearing_on(&self, case_id: &str, date: NaiveDate) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM hearings WHERE case_id = ?1 AND date = ?2 LIMIT 1")?
            .query_row(rusqlite::params![case_id, date.to_string()], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

/// An outcome as typed: trimmed, blank is none.
pub(crate) fn clean_outcome(o: Option<String>) -> Option<String> {
    o.map(|o| o.trim().to_string()).filter(|o| !o.is_empty())
}

/// Refuses a hearing for a case that is finished here (disposed or
/// transferred); a stayed case is still called by the court, so its hearings
/// are recorded and it can be listed.
pub(crate) fn require_open(c: &CaseDoc) -> Result<()> {
    if !crate::CaseStatus::parse(&c.status).is_some_and(|s| s.is_open()) {
        return Err(DiaryError::NotPending {
            number: c.number.clone(),
            status: c.status.clone(),
        });
    }
    Ok(())
}

/// Whether a hearing is still in the diary (not removed).
pub(crate) fn is_live(h: &Hearing) -> bool {
    h.removed_at.is_none()
}

/// Whether something was recorded at a hearing: an outcome, a next date, a
/// disposal, or the moment it was recorded. A hearing that is not heard is a
/// listing: the case is on that day's board.
pub(crate) fn is_heard(h: &Hearing) -> bool {
    h.outcome.is_some() || h.recorded_at.is_some() || h.next_date.is_some() || h.disposed
}

/// The live hearing of the case on `date` other than `except`, if any (the first by id).
pub(crate) fn live_on(c: &CaseDoc, date: &str, except: Option<&str>) -> Option<String> {
    c.hearings
        .iter()
        .find(|(id, h)| is_live(h) && h.date == date && Some(id.as_str()) != except)
        .map(|(id, _)| id.clone())
}

/// Marks removed the listings on `date` that no longer stand: live hearings on
/// that date that nothing was recorded at, when no live hearing of the case
/// names `date` as its next date any more. Returns the ids it removed.
pub(crate) fn drop_stale_listings(c: &mut CaseDoc, date: &str, now: &str) -> Vec<String> {
    let named = c
        .hearings
        .values()
        .any(|h| is_live(h) && h.next_date.as_deref() == Some(date));
    if named {
        return Vec::new();
    }
    let mut removed = Vec::new();
    for (id, h) in c.hearings.iter_mut() {
        if is_live(h) && h.date == date && !is_heard(h) {
            h.removed_at = Some(now.to_string());
            removed.push(id.clone());
        }
    }
    removed
}

/// Gives hearing `hid` the next date `next` (`None` clears it): the listing on
/// the date it named before goes when it no longer stands
/// ([`drop_stale_listings`]), and the case is listed on `next` unless a live
/// hearing is there already. A new listing gets `purpose`, or else the purpose
/// of the listing it replaces; an existing one gets `purpose` when given.
/// Returns the listing on `next` and the ids removed.
pub(crate) fn set_next_date(
    c: &mut CaseDoc,
    hid: &str,
    next: Option<String>,
    purpose: Option<String>,
    now: &str,
) -> (Option<String>, Vec<String>) {
    let Some(h) = c.hearings.get_mut(hid) else {
        return (None, Vec::new());
    };
    let old = std::mem::replace(&mut h.next_date, next.clone());
    let carried = old.as_deref().and_then(|o| {
        c.hearings
            .values()
            .find(|x| is_live(x) && x.date == o && !is_heard(x))
            .and_then(|x| x.purpose.clone())
    });
    let removed = match &old {
        Some(o) if old != next => drop_stale_listings(c, o, now),
        _ => Vec::new(),
    };
    let listing = next.map(|n| match live_on(c, &n, None) {
        Some(id) => {
            if let (Some(p), Some(x)) = (&purpose, c.hearings.get_mut(&id)) {
                x.purpose = Some(p.clone());
            }
            id
        }
        None => {
            let id = new_id();
            c.hearings.insert(
                id.clone(),
                Hearing {
                    date: n,
                    purpose: purpose.or(carried),
                    ..Default::default()
                },
            );
            id
        }
    });
    (listing, removed)
}

/// The checks a hearing in a whole case document gets: its dates and item number.
pub(crate) fn check_stored_hearing(h: &Hearing) -> Result<()> {
    check_date(parse_iso(&h.date)?)?;
    if let Some(n) = &h.next_date {
        check_date(parse_iso(n)?)?;
    }
    check_item(h.item)
}
