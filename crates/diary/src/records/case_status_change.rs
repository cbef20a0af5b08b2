//! Changing a case's status outside a hearing: disposing of it, transferring
//! it to another court, staying it, and bringing it back to pending (lifting
//! a stay, or reopening a case disposed of by mistake). Each change keeps its
//! date and remark on the case (`status_date`, `status_remark`) and says in
//! the history what happened: "Transferred from Saket District Court to Tis
//! Hazari Court on 10-04-2031: pecuniary jurisdiction".
//!
//! A disposed or transferred case has no dates left before this court: its
//! listings after the status date that were never recorded are removed (a
//! mark, so an undo brings them back), and the message names them. A stayed
//! case keeps its listings.

use chrono::{Local, NaiveDate};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::changes::Changes;
use crate::case_status::CaseStatus;
use crate::dates::{format_dmy, iso_to_dmy};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{check_date, clean_opt};
use crate::write::{now_rfc3339, WriteTxn};

/// A change of a case's status.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusChange {
    pub to: CaseStatus,
    /// The day the status changed; `None` is today on this computer (callers
    /// that know the day should give it).
    pub date: Option<NaiveDate>,
    /// Why, in the advocate's words ("settled", "disposed of by mistake").
    pub remark: Option<String>,
    /// The court a transferred case goes to: required for a transfer and
    /// refused for any other status (a wrong court is corrected by an edit).
    pub court: Option<String>,
}

impl Diary {
    pub fn change_case_status(&mut self, case_id: &str, s: StatusChange) -> Result<Changes> {
        self.write(|w| w.change_case_status(case_id, s))
    }
}

/// The status change in words, without its remark: "Disposed of on 10-04-2031".
fn said(from: &str, to: CaseStatus, date: &str, old_court: &str, new_court: &str) -> String {
    match to {
        CaseStatus::Disposed => format!("Disposed of on {date}"),
        CaseStatus::Transferred => format!("Transferred from {old_court} to {new_court} on {date}"),
        CaseStatus::Stayed => format!("Stayed on {date}"),
        CaseStatus::Pending => match from {
            "stayed" => format!("Stay lifted on {date}"),
            "disposed" => format!("Reopened on {date} (was disposed)"),
            other => format!("Pending again on {date} (was {other})"),
        },
    }
}

impl WriteTxn<'_> {
    /// Changes a case's status; returns what changed. Refused: an unknown
    /// case, the status the case already has, a transfer without a court (or
    /// to the court it is in, or where its number is taken), and a court given
    /// with any status but transferred.
    pub fn change_case_status(&mut self, case_id: &str, s: StatusChange) -> Result<Changes> {
        let day = s.date.unwrap_or_else(|| Local::now().date_naive());
        let date = check_date(day)?;
        let remark = clean_opt(s.remark);
        let court = clean_opt(s.court);
        let (number, cur_court, status) = self
            .tx
            .prepare_cached("SELECT number, court, status FROM cases WHERE id = ?1")?
            .query_row([case_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "case",
                id: case_id.into(),
            })?;
        if status == s.to.as_str() {
            return Err(DiaryError::BadStatusChange(format!(
                "case {number} is already {status}"
            )));
        }
        match (s.to, &court) {
            (CaseStatus::Transferred, None) => {
                return Err(DiaryError::BadStatusChange(format!(
                    "a transfer needs the court case {number} goes to"
                )))
            }
            (CaseStatus::Transferred, Some(c)) if *c == cur_court => {
                return Err(DiaryError::BadStatusChange(format!(
                    "case {number} is already in {c}; give the court it is transferred to"
                )))
            }
            (CaseStatus::Transferred, Some(c)) => self.check_unique_number(&number, c, Some(case_id))?,
            (_, Some(_)) => {
                return Err(DiaryError::BadStatusChange(format!(
                    "only a transfer moves case {number} to another court; correct its court with an edit"
                )))
            }
            (_, None) => {}
        }
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let old = c.clone();
            c.status = s.to.as_str().to_string();
            c.status_date = Some(date.clone());
            c.status_remark = remark.clone();
            if let Some(court) = court {
                c.court = court;
            }
            // Dates fixed after a disposal or transfer no longer stand here.
            let mut dropped: Vec<String> = Vec::new();
            if !s.to.is_open() {
                let now = now_rfc3339();
                for h in c.hearings.values_mut() {
                    if h.removed_at.is_none() && h.outcome.is_none() && h.date > date {
                        h.removed_at = Some(now.clone());
                        dropped.push(h.date.clone());
                    }
                }
                dropped.sort();
            }
            let mut ch = Changes::default();
            ch.compare("status", Some(&old.status), Some(&c.status));
            let dmy = |d: &Option<String>| d.as_deref().map(iso_to_dmy);
            ch.compare(
                "status date",
                dmy(&old.status_date).as_deref(),
                dmy(&c.status_date).as_deref(),
            );
            ch.compare(
                "status remark",
                old.status_remark.as_deref(),
                c.status_remark.as_deref(),
            );
            ch.compare("court", Some(&old.court), Some(&c.court));
            for d in &dropped {
                ch.compare("listing", Some(&iso_to_dmy(d)), None);
            }
            let mut msg = said(&old.status, s.to, &format_dmy(day), &old.court, &c.court);
            if let Some(r) = &c.status_remark {
                msg.push_str(&format!(": {r}"));
            }
            match dropped.as_slice() {
                [] => {}
                [one] => msg.push_str(&format!("; the listing of {} no longer stands", iso_to_dmy(one))),
                many => msg.push_str(&format!(
                    "; the listings of {} no longer stand",
                    many.iter().map(|d| iso_to_dmy(d)).collect::<Vec<_>>().join(", ")
                )),
            }
            ch.message = msg.clone();
            Ok((ch, msg))
        })
    }
}
