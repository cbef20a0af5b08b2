//! Correcting a hearing (its date, item, purpose, outcome and next date) and
//! removing one entered by mistake, with the checks recording gets, the
//! listings kept in step with the next dates (see [`super::hearing`]) and the
//! history saying each correction in words.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::child::{describe_change, sentence, ChildKind};
use super::hearing::{
    clean_outcome, drop_stale_listings, is_live, live_on, require_open, set_next_date, FieldChange, HearingChange,
};
use crate::dates::iso_to_dmy;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{check_date, check_item, clean_opt, next_is_after};
use crate::write::{now_rfc3339, WriteTxn};

/// Corrections to a hearing; `None` leaves a field as it is, `Some(None)`
/// clears it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HearingEdit {
    pub date: Option<NaiveDate>,
    pub item: Option<Option<i64>>,
    pub purpose: Option<Option<String>>,
    pub outcome: Option<Option<String>>,
    pub next_date: Option<Option<NaiveDate>>,
    /// Count the hearing as a non-effective appearance, or not (accounts).
    #[serde(default)]
    pub non_effective: Option<bool>,
}

impl HearingEdit {
    /// Whether the edit names no field at all.
    pub fn is_empty(&self) -> bool {
        self.date.is_none()
            && self.item.is_none()
            && self.purpose.is_none()
            && self.outcome.is_none()
            && self.next_date.is_none()
            && self.non_effective.is_none()
    }
}

impl Diary {
    /// See [`WriteTxn::edit_hearing`].
    pub fn edit_hearing(&mut self, case_id: &str, hearing_id: &str, e: HearingEdit) -> Result<HearingChange> {
        self.write(|w| w.edit_hearing(case_id, hearing_id, e))
    }

    /// See [`WriteTxn::remove_hearing`].
    pub fn remove_hearing(&mut self, case_id: &str, hearing_id: &str) -> Result<HearingChange> {
        self.write(|w| w.remove_hearing(case_id, hearing_id))
    }
}

/// The live hearing `id` of a case document.
fn live_hearing<'c>(c: &'c CaseDoc, id: &str) -> Result<&'c Hearing> {
    c.hearings
        .get(id)
        .filter(|h| is_live(h))
        .ok_or_else(|| DiaryError::UnknownId {
            kind: "hearing",
            id: id.into(),
        })
}

/// How a hearing counts in the accounts, in words.
fn appearance(h: &Hearing) -> &'static str {
    if h.non_effective {
        "non-effective"
    } else {
        "effective"
    }
}

fn field(name: &str, from: Option<String>, to: Option<String>) -> Option<FieldChange> {
    (from != to).then(|| FieldChange {
        field: name.into(),
        from,
        to,
    })
}

/// A field change in words, dates as DD-MM-YYYY.
fn in_words(label: &str, f: &FieldChange) -> Option<String> {
    let show = |v: &Option<String>| {
        v.as_deref().map(|s| {
            if f.field.contains("date") {
                iso_to_dmy(s)
            } else {
                s.to_string()
            }
        })
    };
    describe_change(label, show(&f.from).as_deref(), show(&f.to).as_deref())
}

impl WriteTxn<'_> {
    /// Corrects a hearing of `case_id`. The same checks as recording apply: the
    /// years of each date, the item number, a next date after the hearing
    /// date; the case must exist and the hearing be a live hearing of it
    /// (`UnknownId`, `WrongCase`, `AlreadyRemoved`); an edit naming no field is
    /// `NothingToChange`, and one that names fields as they already are
    /// writes nothing (its `changes` are empty).
    ///
    /// The hearings of a disposed case can still be corrected, except their
    /// next dates (`NotPending`), and the hearing at which a case was disposed
    /// of has no next date (`BadStatusChange`). Changing the next date moves
    /// the case's listing: the one on the old date goes unless something was
    /// recorded at it or another hearing names it, and the case is listed on
    /// the new date with the old listing's purpose. Moving a hearing's date
    /// onto a day the case already has a hearing on is `AlreadyListed`; the
    /// hearing that named the old day as its next date names the new one.
    pub fn edit_hearing(&mut self, case_id: &str, hearing_id: &str, e: HearingEdit) -> Result<HearingChange> {
        if e.is_empty() {
            return Err(DiaryError::NothingToChange("hearing"));
        }
        let date = e.date.map(check_date).transpose()?;
        let item_edit = e.item;
        if let Some(item) = item_edit {
            check_item(item)?;
        }
        let next = e.next_date.map(|n| n.map(check_date).transpose()).transpose()?;
        let purpose = e.purpose.map(clean_opt);
        let outcome = e.outcome.map(clean_outcome);
        self.require_kind(case_id, DocKind::Case, "case")?;
        self.check_child(case_id, ChildKind::Hearing, hearing_id)?;
        let (case, hid) = (case_id.to_string(), hearing_id.to_string());
        self.change::<CaseDoc, _>(case_id, DocKind::Case, move |c, _| {
            let old = live_hearing(c, &hid)?.clone();
            let new_date = date.unwrap_or_else(|| old.date.clone());
            let new_next = next.unwrap_or_else(|| old.next_date.clone());
            if new_next != old.next_date {
                require_open(c)?;
                if old.disposed {
                    return Err(DiaryError::BadStatusChange(format!(
                        "case {} was disposed of at the hearing of {}, which has no next date",
                        c.number,
                        iso_to_dmy(&old.date)
                    )));
                }
            }
            if let Some(n) = &new_next {
                if !next_is_after(&new_date, n) {
                    return Err(DiaryError::NextDateNotAfter {
                        date: iso_to_dmy(&new_date),
                        next: iso_to_dmy(n),
                    });
                }
            }
            // Hearings that named the old day as their next date follow the hearing to its new day.
            let mut followers = Vec::new();
            if new_date != old.date {
                if live_on(c, &new_date, Some(&hid)).is_some() {
                    return Err(DiaryError::AlreadyListed {
                        number: c.number.clone(),
                        date: iso_to_dmy(&new_date),
                    });
                }
                if live_on(c, &old.date, Some(&hid)).is_none() {
                    for (id, x) in &c.hearings {
                        if *id != hid && is_live(x) && x.next_date.as_deref() == Some(old.date.as_str()) {
                            if !next_is_after(&x.date, &new_date) {
                                return Err(DiaryError::NextDateNotAfter {
                                    date: iso_to_dmy(&x.date),
                                    next: iso_to_dmy(&new_date),
                                });
                            }
                            followers.push((id.clone(), x.date.clone()));
                        }
                    }
                }
            }
            let now = now_rfc3339();
            if let Some(h) = c.hearings.get_mut(&hid) {
                h.date = new_date.clone();
                if let Some(i) = item_edit {
                    h.item = i;
                }
                if let Some(p) = purpose {
                    h.purpose = p;
                }
                if let Some(o) = outcome {
                    h.outcome = o;
                }
                if let Some(n) = e.non_effective {
                    h.non_effective = n;
                }
            }
            for (id, _) in &followers {
                if let Some(x) = c.hearings.get_mut(id) {
                    x.next_date = Some(new_date.clone());
                }
            }
            let (listing_id, removed) = if new_next != old.next_date {
                set_next_date(c, &hid, new_next, None, &now)
            } else {
                (old.next_date.as_deref().and_then(|n| live_on(c, n, None)), Vec::new())
            };
            let new = live_hearing(c, &hid)?.clone();
            let item = |h: &Hearing| h.item.map(|i| i.to_string());
            let changes: Vec<FieldChange> = [
                field("date", Some(old.date.clone()), Some(new.date.clone())),
                field("item", item(&old), item(&new)),
                field("purpose", old.purpose.clone(), new.purpose.clone()),
                field("outcome", old.outcome.clone(), new.outcome.clone()),
                field("next_date", old.next_date.clone(), new.next_date.clone()),
                field(
                    "appearance",
                    Some(appearance(&old).to_string()),
                    Some(appearance(&new).to_string()),
                ),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut parts: Vec<String> = changes
                .iter()
                .filter_map(|f| in_words(&f.field.replace('_', " "), f))
                .collect();
            for (_, on) in &followers {
                parts.extend(describe_change(
                    &format!("next date of the hearing of {}", iso_to_dmy(on)),
                    Some(&iso_to_dmy(&old.date)),
                    Some(&iso_to_dmy(&new.date)),
                ));
            }
            let mut message = sentence(&parts);
            if changes.is_empty() {
                message = format!(
                    "Nothing to change: the hearing of {} already reads so",
                    iso_to_dmy(&old.date)
                );
            } else if old.date == new.date {
                message.push_str(&format!(" (hearing of {})", iso_to_dmy(&new.date)));
            }
            let change = HearingChange {
                case_id: case,
                hearing_id: hid,
                message: message.clone(),
                changes,
                listing_id,
                removed,
            };
            Ok((change, message))
        })
    }

    /// Removes a hearing entered by mistake: it is marked removed (it leaves
    /// the boards, lists and calendar, and can be brought back), with the
    /// history saying "Removed hearing of DD-MM-YYYY". The listing on its next
    /// date goes too unless something was recorded at it or another hearing
    /// names it; a hearing that named the removed one's day as its next date
    /// no longer has one (unless the case has another hearing that day).
    /// Removing a removed hearing is `AlreadyRemoved`; the hearing at which a
    /// disposed case was disposed of stays while the case is disposed
    /// (`BadStatusChange`).
    pub fn remove_hearing(&mut self, case_id: &str, hearing_id: &str) -> Result<HearingChange> {
        self.require_kind(case_id, DocKind::Case, "case")?;
        self.check_child(case_id, ChildKind::Hearing, hearing_id)?;
        let (case, hid) = (case_id.to_string(), hearing_id.to_string());
        self.change::<CaseDoc, _>(case_id, DocKind::Case, move |c, _| {
            let old = live_hearing(c, &hid)?.clone();
            let on = iso_to_dmy(&old.date);
            if old.disposed && c.status == "disposed" {
                return Err(DiaryError::BadStatusChange(format!(
                    "case {} was disposed of at the hearing of {on}; make the case pending again before removing that hearing",
                    c.number
                )));
            }
            let now = now_rfc3339();
            if let Some(h) = c.hearings.get_mut(&hid) {
                h.removed_at = Some(now.clone());
            }
            let mut removed = vec![hid.clone()];
            let mut parts = vec![format!("removed hearing of {on}")];
            if let Some(n) = &old.next_date {
                let listings = drop_stale_listings(c, n, &now);
                if !listings.is_empty() {
                    parts.push(format!("its listing on {} removed with it", iso_to_dmy(n)));
                }
                removed.extend(listings);
            }
            if live_on(c, &old.date, None).is_none() {
                for x in c.hearings.values_mut() {
                    if is_live(x) && x.next_date.as_deref() == Some(old.date.as_str()) {
                        x.next_date = None;
                        parts.extend(describe_change(
                            &format!("next date of the hearing of {}", iso_to_dmy(&x.date)),
                            Some(&on),
                            None,
                        ));
                    }
                }
            }
            let message = sentence(&parts);
            let change = HearingChange {
                case_id: case,
                hearing_id: hid,
                message: message.clone(),
                changes: Vec::new(),
                listing_id: None,
                removed,
            };
            Ok((change, message))
        })
    }
}
