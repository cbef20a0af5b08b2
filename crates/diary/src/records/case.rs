//! Cases: a new case, its checks (required fields, statuses, parties, one
//! number per court), and storing whole case documents at once (demo data,
//! imports). Corrections to a case are in `case_edit`, status changes in
//! `case_status_change`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::dates::format_dmy;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::projection::number_key;
use crate::validate::{check_date, check_item, clean_opt, required};
use crate::write::{new_id, now_rfc3339, WriteTxn};

/// A new case, optionally with its first (next) date.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewCase {
    pub title: String,
    pub number: String,
    pub court: String,
    pub cnr: Option<String>,
    pub bench: Option<String>,
    pub case_type: Option<String>,
    pub stage: Option<String>,
    #[serde(default)]
    pub parties: Vec<Party>,
    #[serde(default)]
    pub client_ids: Vec<String>,
    pub next_date: Option<NaiveDate>,
    pub purpose: Option<String>,
    pub item: Option<i64>,
}

/// Statuses a case can have.
pub const STATUSES: &[&str] = &["pending", "disposed", "transferred", "stayed"];

/// Whether `s` is one of the [`STATUSES`].
pub(crate) fn is_status(s: &str) -> bool {
    STATUSES.contains(&s)
}

/// A whole case document to store at once: its id (kept when given and not
/// yet used), the document, and the message its first change carries.
#[derive(Debug, Clone)]
pub struct WholeCase {
    pub id: Option<String>,
    pub doc: CaseDoc,
    pub message: String,
}

impl Diary {
    pub fn add_case(&mut self, c: NewCase) -> Result<String> {
        self.write(|w| w.add_case(c))
    }
}

impl WriteTxn<'_> {
    pub(super) fn check_unique_number(&self, number: &str, court: &str, except: Option<&str>) -> Result<()> {
        let existing: Option<String> = self
            .tx
            .prepare_cached("SELECT id FROM cases WHERE court = ?1 AND number_key = ?2 AND id IS NOT ?3 LIMIT 1")?
            .query_row(rusqlite::params![court, number_key(number), except], |r| r.get(0))
            .optional()?;
        match existing {
            Some(existing) => Err(DiaryError::DuplicateCaseNumber {
                number: number.into(),
                court: court.into(),
                existing,
            }),
            None => Ok(()),
        }
    }

    pub(super) fn check_parties(parties: Vec<Party>) -> Result<Vec<Party>> {
        parties
            .into_iter()
            .map(|p| {
                Ok(Party {
                    name: required(&p.name, "party name")?,
                    side: required(&p.side, "party side")?.to_lowercase(),
                    counsel: clean_opt(p.counsel),
                })
            })
            .collect()
    }

    pub fn add_case(&mut self, c: NewCase) -> Result<String> {
        let title = required(&c.title, "case title")?;
        let number = required(&c.number, "case number")?;
        let court = required(&c.court, "court")?;
        check_item(c.item)?;
        self.check_clients(&c.client_ids)?;
        self.check_unique_number(&number, &court, None)?;
        let parties = Self::check_parties(c.parties)?;
        let now = now_rfc3339();
        let mut doc = CaseDoc {
            title: title.clone(),
            number: number.clone(),
            cnr: clean_opt(c.cnr).map(|s| s.to_uppercase()),
            court,
            bench: clean_opt(c.bench),
            case_type: clean_opt(c.case_type),
            status: "pending".into(),
            stage: clean_opt(c.stage),
            parties,
            client_ids: c.client_ids,
            assigned: vec![self.author.member_id.clone()],
            created_at: now,
            ..Default::default()
        };
        let mut msg = format!("Opened case {number} ({title})");
        if let Some(next) = c.next_date {
            let date = check_date(next)?;
            msg.push_str(&format!("; next date {}", format_dmy(next)));
            doc.hearings.insert(
                new_id(),
                Hearing {
                    date,
                    item: c.item,
                    purpose: clean_opt(c.purpose),
                    ..Default::default()
                },
            );
        } else if c.purpose.is_some() || c.item.is_some() {
            return Err(DiaryError::NextDateRequired(
                "a purpose or item number needs a next date".into(),
            ));
        }
        let id = new_id();
        self.author.create_doc(self.tx, &id, DocKind::Case, &doc, &msg)?;
        Ok(id)
    }

    /// Stores a whole case document at once (demo data, imports), after the same
    /// checks a new case gets: required fields, dates, amounts, clients, duplicates.
    pub fn insert_case_doc(&mut self, doc: CaseDoc, msg: &str) -> Result<String> {
        self.insert_case_doc_as(None, doc, msg)
    }

    /// Like [`WriteTxn::insert_case_doc`], keeping `id` when given (an import from
    /// another Nextdate diary); an id already in this diary is refused.
    pub fn insert_case_doc_as(&mut self, id: Option<String>, doc: CaseDoc, msg: &str) -> Result<String> {
        let (id, doc) = self.checked_case_doc(id, doc)?;
        self.author.create_doc(self.tx, &id, DocKind::Case, &doc, msg)?;
        Ok(id)
    }

    /// Stores many whole case documents (an import), each as
    /// [`WriteTxn::insert_case_doc_as`] would, and refuses a case number that
    /// comes twice for one court. The documents are built on every core, a
    /// few hundred at a time, and written in order.
    pub fn insert_case_docs(&mut self, cases: Vec<WholeCase>) -> Result<Vec<String>> {
        self.insert_case_docs_with(cases, |_| Ok(()))
    }

    /// [`WriteTxn::insert_case_docs`], calling `written` with the number of
    /// cases written so far after each few hundred (an error stops, and the
    /// caller's transaction is rolled back).
    pub fn insert_case_docs_with(
        &mut self,
        cases: Vec<WholeCase>,
        mut written: impl FnMut(usize) -> Result<()>,
    ) -> Result<Vec<String>> {
        const AT_A_TIME: usize = 256;
        let mut ids = Vec::with_capacity(cases.len());
        let mut seen_numbers: HashMap<(String, String), String> = Default::default();
        let mut seen_ids = HashSet::new();
        let mut cases = cases.into_iter().peekable();
        while cases.peek().is_some() {
            let mut ready = Vec::with_capacity(AT_A_TIME);
            for WholeCase { id, doc, message } in cases.by_ref().take(AT_A_TIME) {
                let (id, doc) = self.checked_case_doc(id, doc)?;
                if !seen_ids.insert(id.clone()) {
                    return Err(DiaryError::DuplicateId(format!("the id {id} is given to two cases")));
                }
                let key = (doc.court.clone(), number_key(&doc.number));
                if let Some(existing) = seen_numbers.insert(key, id.clone()) {
                    return Err(DiaryError::DuplicateCaseNumber {
                        number: doc.number,
                        court: doc.court,
                        existing,
                    });
                }
                ready.push((id, doc, message));
            }
            let built = self.author.build_docs(&ready)?;
            for ((id, doc, _), built) in ready.into_iter().zip(built) {
                self.author.write_doc(self.tx, &id, DocKind::Case, &doc, &built)?;
                ids.push(id);
            }
            written(ids.len())?;
        }
        Ok(ids)
    }

    /// A case document after the checks every new case gets, with its id.
    fn checked_case_doc(&self, id: Option<String>, mut doc: CaseDoc) -> Result<(String, CaseDoc)> {
        doc.title = required(&doc.title, "case title")?;
        doc.number = required(&doc.number, "case number")?;
        doc.court = required(&doc.court, "court")?;
        if !is_status(&doc.status) {
            return Err(DiaryError::UnknownValue(format!("unknown status {:?}", doc.status)));
        }
        self.check_clients(&doc.client_ids)?;
        self.check_unique_number(&doc.number, &doc.court, None)?;
        doc.parties = Self::check_parties(std::mem::take(&mut doc.parties))?;
        for h in doc.hearings.values() {
            super::hearing::check_stored_hearing(h)?;
        }
        for t in doc.tasks.values() {
            super::task::check_stored_task(t)?;
        }
        for f in doc.fees.values() {
            super::fee::check_stored_fee(f)?;
        }
        for n in doc.notes.values_mut() {
            if n.author.is_empty() {
                n.author = self.author.member_id.clone();
            }
        }
        if doc.assigned.is_empty() {
            doc.assigned.push(self.author.member_id.clone());
        }
        let id = self.fresh_id(id)?;
        Ok((id, doc))
    }
}
