//! Correcting a case: every field of its header (title, number, court, bench,
//! CNR, case type, stage), its parties with their counsel, its clients and
//! the members it is assigned to. The history names each changed field with
//! its old and new value in words. A case's status changes through its own
//! operation ([`super::case_status_change`]), never through an edit.

use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::changes::{listed, Changes};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{clean_opt, required};
use crate::write::WriteTxn;

/// Corrections to a case; `None` leaves a field as it is. For a clearable
/// field, `Some(None)` (or blank text) clears it. Lists replace the old list
/// whole: `parties` (each with its side and counsel), `client_ids` (clients
/// of this diary, not removed) and `assigned` (members of the chamber, at
/// least one).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CaseEdit {
    pub title: Option<String>,
    pub number: Option<String>,
    pub court: Option<String>,
    pub cnr: Option<Option<String>>,
    pub bench: Option<Option<String>>,
    pub case_type: Option<Option<String>>,
    pub stage: Option<Option<String>>,
    pub parties: Option<Vec<Party>>,
    pub client_ids: Option<Vec<String>>,
    pub assigned: Option<Vec<String>>,
}

impl CaseEdit {
    /// Whether the edit gives no field at all.
    pub fn is_empty(&self) -> bool {
        let CaseEdit {
            title,
            number,
            court,
            cnr,
            bench,
            case_type,
            stage,
            parties,
            client_ids,
            assigned,
        } = self;
        title.is_none()
            && number.is_none()
            && court.is_none()
            && cnr.is_none()
            && bench.is_none()
            && case_type.is_none()
            && stage.is_none()
            && parties.is_none()
            && client_ids.is_none()
            && assigned.is_none()
    }
}

impl Diary {
    pub fn edit_case(&mut self, id: &str, e: CaseEdit) -> Result<Changes> {
        self.write(|w| w.edit_case(id, e))
    }
}

/// Ids in their first order, each once.
fn once_each(ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().filter(|i| seen.insert(i.clone())).collect()
}

/// A party in words: "Rajesh Sharma (petitioner, counsel Adv. Mehta)".
fn party_words(p: &Party) -> String {
    match &p.counsel {
        Some(c) => format!("{} ({}, counsel {c})", p.name, p.side),
        None => format!("{} ({})", p.name, p.side),
    }
}

/// The name a client is known by, removed clients too; the id if none.
fn client_name(tx: &Transaction, id: &str) -> Result<String> {
    Ok(crate::erasure::client_label(tx, id)?.unwrap_or_else(|| id.to_string()))
}

/// A member's name; the id if the chamber does not know it.
fn member_name(tx: &Transaction, id: &str) -> Result<String> {
    let name: Option<String> = tx
        .prepare_cached("SELECT name FROM members WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(name.unwrap_or_else(|| id.to_string()))
}

/// What changed between two versions of a case's header, in words. With
/// `for_history`, clients are named by a token the history resolves when it
/// is read (`crate::erasure::client_token`), so that a client's name never
/// sits in a case's history, where an erasure could not take it out.
fn case_changes(tx: &Transaction, old: &CaseDoc, new: &CaseDoc, for_history: bool) -> Result<Changes> {
    let mut ch = Changes::default();
    ch.compare("title", Some(&old.title), Some(&new.title));
    ch.compare("number", Some(&old.number), Some(&new.number));
    ch.compare("court", Some(&old.court), Some(&new.court));
    ch.compare("bench", old.bench.as_deref(), new.bench.as_deref());
    ch.compare("CNR", old.cnr.as_deref(), new.cnr.as_deref());
    ch.compare("case type", old.case_type.as_deref(), new.case_type.as_deref());
    ch.compare("stage", old.stage.as_deref(), new.stage.as_deref());
    if old.parties != new.parties {
        let words = |ps: &[Party]| listed(&ps.iter().map(party_words).collect::<Vec<_>>());
        ch.compare(
            "parties",
            words(&old.parties).as_deref(),
            words(&new.parties).as_deref(),
        );
    }
    if old.client_ids != new.client_ids {
        let names = |ids: &[String]| -> Result<Option<String>> {
            Ok(listed(
                &ids.iter()
                    .map(|i| match for_history {
                        true => Ok(crate::erasure::client_token(i)),
                        false => client_name(tx, i),
                    })
                    .collect::<Result<Vec<_>>>()?,
            ))
        };
        ch.compare(
            "clients",
            names(&old.client_ids)?.as_deref(),
            names(&new.client_ids)?.as_deref(),
        );
    }
    if old.assigned != new.assigned {
        let names = |ids: &[String]| -> Result<Option<String>> {
            Ok(listed(
                &ids.iter().map(|i| member_name(tx, i)).collect::<Result<Vec<_>>>()?,
            ))
        };
        ch.compare(
            "assigned to",
            names(&old.assigned)?.as_deref(),
            names(&new.assigned)?.as_deref(),
        );
    }
    Ok(ch.said())
}

impl WriteTxn<'_> {
    /// Checks that every id names a member of the chamber and that there is
    /// at least one; returns them each once.
    fn checked_members(&self, ids: Vec<String>) -> Result<Vec<String>> {
        let ids = once_each(ids.into_iter().map(|i| i.trim().to_string()).collect());
        if ids.is_empty() {
            return Err(DiaryError::Empty("the members a case is assigned to"));
        }
        for id in &ids {
            let known: Option<i64> = self
                .tx
                .prepare_cached("SELECT 1 FROM members WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if known.is_none() {
                return Err(DiaryError::UnknownId {
                    kind: "member",
                    id: id.clone(),
                });
            }
        }
        Ok(ids)
    }

    /// Corrects a case. Every given field is checked before anything is
    /// written: required text, one number per court, parties, clients (of
    /// this diary and not removed) and members (of the chamber). An edit that
    /// gives no field is refused (`NothingToChange`); one that gives only what
    /// the case already reads writes nothing and returns no changes.
    pub fn edit_case(&mut self, id: &str, e: CaseEdit) -> Result<Changes> {
        if e.is_empty() {
            return Err(DiaryError::NothingToChange("case"));
        }
        let (cur_number, cur_court) = self
            .tx
            .prepare_cached("SELECT number, court FROM cases WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "case",
                id: id.into(),
            })?;
        let title = e.title.as_deref().map(|t| required(t, "case title")).transpose()?;
        let number = e.number.as_deref().map(|n| required(n, "case number")).transpose()?;
        let court = e.court.as_deref().map(|c| required(c, "court")).transpose()?;
        if number.is_some() || court.is_some() {
            self.check_unique_number(
                number.as_deref().unwrap_or(&cur_number),
                court.as_deref().unwrap_or(&cur_court),
                Some(id),
            )?;
        }
        let parties = e.parties.map(Self::check_parties).transpose()?;
        let client_ids = match e.client_ids {
            Some(ids) => {
                let ids = once_each(ids);
                self.check_clients(&ids)?;
                Some(ids)
            }
            None => None,
        };
        let assigned = e.assigned.map(|ids| self.checked_members(ids)).transpose()?;
        self.change::<CaseDoc, _>(id, DocKind::Case, |c, tx| {
            let old = c.clone();
            if let Some(v) = title {
                c.title = v;
            }
            if let Some(v) = number {
                c.number = v;
            }
            if let Some(v) = court {
                c.court = v;
            }
            if let Some(v) = e.cnr {
                c.cnr = clean_opt(v).map(|s| s.to_uppercase());
            }
            if let Some(v) = e.bench {
                c.bench = clean_opt(v);
            }
            if let Some(v) = e.case_type {
                c.case_type = clean_opt(v);
            }
            if let Some(v) = e.stage {
                c.stage = clean_opt(v);
            }
            if let Some(v) = parties {
                c.parties = v;
            }
            if let Some(v) = client_ids {
                c.client_ids = v;
            }
            if let Some(v) = assigned {
                c.assigned = v;
            }
            let changes = case_changes(tx, &old, c, false)?;
            let msg = case_changes(tx, &old, c, true)?.message;
            Ok((changes, msg))
        })
    }
}
