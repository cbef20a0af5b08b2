//! Hearings: recording what happened at a hearing and the next date (or the
//! disposal of the case), as one operation.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::{format_dmy, parse_iso};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{check_date, check_item, clean_opt, next_is_after};
use crate::write::{new_id, now_rfc3339, WriteTxn};

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
}

impl Diary {
    pub fn record_hearing(&mut self, case_id: &str, r: RecordHearing) -> Result<String> {
        self.write(|w| w.record_hearing(case_id, r))
    }
}

impl WriteTxn<'_> {
    /// Records what happened at the hearing on `r.date` and fixes the next date
    /// (or disposes of the case). The recorded hearing keeps its outcome; the
    /// next date becomes a new hearing. Returns the recorded hearing's id.
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
        let outcome = r.outcome.map(|o| o.trim().to_string()).filter(|o| !o.is_empty());
        let attended_by = clean_opt(r.attended_by);
        self.change::<CaseDoc, _>(case_id, DocKind::Case, move |c, _| {
            if c.status != "pending" {
                return Err(DiaryError::NotPending {
                    number: c.number.clone(),
                    status: c.status.clone(),
                });
            }
            let now = now_rfc3339();
            // The hearing listed on that date, or a new one if it was never diarised.
            let hid = c
                .hearings
                .iter()
                .filter(|(_, h)| h.date == date)
                .map(|(id, _)| id.clone())
                .next()
                .unwrap_or_else(new_id);
            let h = c.hearings.entry(hid.clone()).or_insert_with(|| Hearing {
                date: date.clone(),
                ..Default::default()
            });
            if r.item.is_some() {
                h.item = r.item;
            }
            h.outcome = outcome.clone().or_else(|| h.outcome.clone());
            h.attended_by = attended_by.or_else(|| h.attended_by.clone());
            h.recorded_at = Some(now);
            let shown = parse_iso(&date).map(format_dmy).unwrap_or(date.clone());
            let msg = match next {
                Some((next_date, purpose)) => {
                    h.next_date = Some(next_date.clone());
                    h.disposed = false;
                    if h.outcome.is_none() {
                        h.outcome = Some("Adjourned".into());
                    }
                    let outcome_text = h.outcome.clone().unwrap_or_default();
                    let exists = c.hearings.values_mut().find(|x| x.date == next_date);
                    match exists {
                        Some(existing) => {
                            if purpose.is_some() {
                                existing.purpose = purpose.clone();
                            }
                        }
                        None => {
                            c.hearings.insert(
                                new_id(),
                                Hearing {
                                    date: next_date.clone(),
                                    purpose: purpose.clone(),
                                    ..Default::default()
                                },
                            );
                        }
                    }
                    let nd = parse_iso(&next_date).map(format_dmy).unwrap_or(next_date);
                    match purpose {
                        Some(p) => {
                            format!("Hearing of {shown}: {outcome_text}; next date {nd} for {p}")
                        }
                        None => format!("Hearing of {shown}: {outcome_text}; next date {nd}"),
                    }
                }
                None => {
                    h.next_date = None;
                    h.disposed = true;
                    if h.outcome.is_none() {
                        h.outcome = Some("Disposed of".into());
                    }
                    let outcome_text = h.outcome.clone().unwrap_or_default();
                    c.status = "disposed".into();
                    // Dates fixed after this hearing no longer stand; keep recorded ones.
                    c.hearings.retain(|_, x| x.date <= date || x.outcome.is_some());
                    format!("Hearing of {shown}: {outcome_text}; case disposed of")
                }
            };
            Ok((hid, msg))
        })
    }
}

/// The checks a hearing in a whole case document gets: its dates and item number.
pub(crate) fn check_stored_hearing(h: &Hearing) -> Result<()> {
    check_date(parse_iso(&h.date)?)?;
    if let Some(n) = &h.next_date {
        check_date(parse_iso(n)?)?;
    }
    check_item(h.item)
}
