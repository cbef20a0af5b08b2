//! The case list (filtered, and the undated cases to get dated) and
//! everything a case page shows: its parties, clients, assigned members,
//! hearings, tasks, notes, fees and attached documents, each with its id so
//! it can be corrected, and the records removed from it.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::clients::{client_row, CLIENT_COLUMNS};
use super::{require, task_row, ClientRow, FeeBalance, FeeRow, TaskRow, TASK_SELECT};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::listing::MemberRow;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseSummary {
    pub id: String,
    pub title: String,
    pub number: String,
    pub court: String,
    pub cnr: Option<String>,
    pub status: String,
    pub stage: Option<String>,
    pub latest_date: Option<String>,
}

/// How many cases wait for a date, and the few that lapsed most recently:
/// what Today shows without drawing thousands of rows (the case list, filtered
/// to undated cases, has them all).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UndatedPreview {
    pub total: u32,
    /// Latest date first (the ones just missed), cases never heard last.
    pub recent: Vec<CaseSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartyRow {
    pub name: String,
    pub side: String,
    pub counsel: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HearingRow {
    pub id: String,
    pub date: String,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub item: Option<i64>,
    pub purpose: Option<String>,
    pub outcome: Option<String>,
    pub next_date: Option<String>,
    pub disposed: bool,
    /// Whether the hearing was recorded (so counts as an appearance).
    pub recorded: bool,
    /// Counted as a non-effective appearance in the accounts.
    pub non_effective: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoteRow {
    pub id: String,
    pub text: String,
    pub client_visible: bool,
    pub at: String,
}

/// A record removed from a case (or a removed client): it is out of its
/// list, and named here so it can be seen and brought back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemovedRecord {
    /// hearing, task, note, fee, document or client.
    pub kind: String,
    pub id: String,
    /// A few words that name it: "hearing of 10-04-2031".
    pub label: String,
    pub removed_at: String,
}

/// Everything a case page shows, read from the projection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub bench: Option<String>,
    pub case_type: Option<String>,
    /// The date (ISO) and remark of the last status change outside a hearing.
    pub status_date: Option<String>,
    pub status_remark: Option<String>,
    pub parties: Vec<PartyRow>,
    pub clients: Vec<ClientRow>,
    /// The members the case is assigned to.
    pub assigned: Vec<MemberRow>,
    pub hearings: Vec<HearingRow>,
    pub tasks: Vec<TaskRow>,
    pub notes: Vec<NoteRow>,
    pub fees: Vec<FeeRow>,
    pub balance: Vec<FeeBalance>,
    pub documents: Vec<DocumentRow>,
    /// Hearings, tasks, notes, fees and documents removed from the case, latest first.
    pub removed: Vec<RemovedRecord>,
}

/// An attached document (its bytes stay in the encrypted database).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DocumentRow {
    pub id: String,
    pub case_id: String,
    pub name: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub size: i64,
    pub media_type: String,
    pub sha256: String,
    pub client_visible: bool,
    pub added_at: String,
}

/// One attached document and its bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct AttachedDocument {
    pub row: DocumentRow,
    pub bytes: Vec<u8>,
}

/// Filters for the case list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub court: Option<String>,
    pub status: Option<String>,
    pub stage: Option<String>,
    /// Only pending cases with no hearing on or after this date.
    pub undated_as_of: Option<NaiveDate>,
}

pub(super) fn case_summary(r: &Row) -> rusqlite::Result<CaseSummary> {
    Ok(CaseSummary {
        id: r.get(0)?,
        title: r.get(1)?,
        number: r.get(2)?,
        court: r.get(3)?,
        cnr: r.get(4)?,
        status: r.get(5)?,
        stage: r.get(6)?,
        latest_date: r.get(7)?,
    })
}

/// A pending case with no hearing on or after the date bound to `?n`.
fn undated_condition(n: usize) -> String {
    format!("status = 'pending' AND (latest_date IS NULL OR latest_date < ?{n})")
}

pub(super) const CASE_SELECT: &str = "SELECT id, title, number, court, cnr, status, stage, latest_date FROM cases";

fn document_row(r: &Row) -> rusqlite::Result<DocumentRow> {
    Ok(DocumentRow {
        id: r.get(0)?,
        case_id: r.get(1)?,
        name: r.get(2)?,
        size: r.get(3)?,
        media_type: r.get(4)?,
        sha256: r.get(5)?,
        client_visible: r.get(6)?,
        added_at: r.get(7)?,
    })
}

impl Diary {
    /// Pending cases with no hearing on or after `today`: the ones to get dated.
    pub fn undated(&self, today: NaiveDate) -> Result<Vec<CaseSummary>> {
        self.cases(&CaseFilter {
            undated_as_of: Some(today),
            ..Default::default()
        })
    }

    /// The number of undated cases (as [`Diary::undated`]) and the `limit` whose
    /// last date is latest.
    pub fn undated_preview(&self, today: NaiveDate, limit: usize) -> Result<UndatedPreview> {
        let undated = undated_condition(1);
        let day = today.to_string();
        let total: u32 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM cases WHERE {undated}"))?
            .query_row([&day], |r| r.get(0))?;
        let recent = self
            .conn
            .prepare_cached(&format!(
                "{CASE_SELECT} WHERE {undated} ORDER BY latest_date IS NULL, latest_date DESC, court, number_key LIMIT ?2"
            ))?
            .query_map(rusqlite::params![day, limit as i64], case_summary)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(UndatedPreview { total, recent })
    }

    /// The case list, filtered.
    pub fn cases(&self, f: &CaseFilter) -> Result<Vec<CaseSummary>> {
        let mut sql = format!("{CASE_SELECT} WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        if let Some(c) = &f.court {
            args.push(c.clone());
            sql.push_str(&format!(" AND court = ?{}", args.len()));
        }
        if let Some(s) = &f.status {
            args.push(s.clone());
            sql.push_str(&format!(" AND status = ?{}", args.len()));
        }
        if let Some(s) = &f.stage {
            args.push(s.clone());
            sql.push_str(&format!(" AND stage = ?{}", args.len()));
        }
        if let Some(today) = f.undated_as_of {
            args.push(today.to_string());
            sql.push_str(&format!(" AND {}", undated_condition(args.len())));
        }
        sql.push_str(" ORDER BY court, number_key");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), case_summary)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Distinct values of a case column in use (`court` or `stage`), for filters.
    pub fn distinct_case_values(&self, column: &str) -> Result<Vec<String>> {
        let column = match column {
            "court" => "court",
            "stage" => "stage",
            other => return Err(DiaryError::UnknownValue(format!("cannot list values of {other:?}"))),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT {column} FROM cases WHERE {column} IS NOT NULL ORDER BY {column}"
        ))?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// Everything the case page shows.
    pub fn case_detail(&self, id: &str) -> Result<CaseDetail> {
        let c = &self.conn;
        let mut row = c.prepare_cached(
            "SELECT id, title, number, court, cnr, status, stage, latest_date, bench, case_type, status_date,
                    status_remark
             FROM cases WHERE id = ?1",
        )?;
        let (summary, bench, case_type, status_date, status_remark) = row
            .query_row([id], |r| {
                Ok((case_summary(r)?, r.get(8)?, r.get(9)?, r.get(10)?, r.get(11)?))
            })
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "case",
                id: id.into(),
            })?;
        let parties = c
            .prepare_cached("SELECT name, side, counsel FROM case_parties WHERE case_id = ?1 ORDER BY position")?
            .query_map([id], |r| {
                Ok(PartyRow {
                    name: r.get(0)?,
                    side: r.get(1)?,
                    counsel: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let clients = c
            .prepare_cached(&format!(
                "SELECT {CLIENT_COLUMNS} FROM case_clients cc JOIN clients cl ON cl.id = cc.client_id
                 WHERE cc.case_id = ?1 ORDER BY cl.name, cl.id"
            ))?
            .query_map([id], client_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let assigned = c
            .prepare_cached(
                "SELECT m.id, m.name, m.role FROM case_members cm JOIN members m ON m.id = cm.member_id
                 WHERE cm.case_id = ?1 ORDER BY m.name, m.id",
            )?
            .query_map([id], |r| {
                Ok(MemberRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let removed = c
            .prepare_cached(
                "SELECT kind, id, label, removed_at FROM removed_records WHERE owner_id = ?1
                 ORDER BY removed_at DESC, kind, id",
            )?
            .query_map([id], |r| {
                Ok(RemovedRecord {
                    kind: r.get(0)?,
                    id: r.get(1)?,
                    label: r.get(2)?,
                    removed_at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let hearings = c
            .prepare_cached(
                "SELECT id, date, item, purpose, outcome, next_date, disposed, recorded_at IS NOT NULL, non_effective
                 FROM hearings WHERE case_id = ?1 ORDER BY date, id",
            )?
            .query_map([id], |r| {
                Ok(HearingRow {
                    id: r.get(0)?,
                    date: r.get(1)?,
                    item: r.get(2)?,
                    purpose: r.get(3)?,
                    outcome: r.get(4)?,
                    next_date: r.get(5)?,
                    disposed: r.get(6)?,
                    recorded: r.get(7)?,
                    non_effective: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let tasks = c
            .prepare_cached(&format!(
                "{TASK_SELECT} WHERE t.case_id = ?1 ORDER BY t.done, t.due IS NULL, t.due, t.id"
            ))?
            .query_map([id], task_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let notes = c
            .prepare_cached("SELECT id, text, client_visible, at FROM notes WHERE case_id = ?1 ORDER BY at, id")?
            .query_map([id], |r| {
                Ok(NoteRow {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    client_visible: r.get(2)?,
                    at: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CaseDetail {
            summary,
            bench,
            case_type,
            status_date,
            status_remark,
            parties,
            clients,
            assigned,
            hearings,
            tasks,
            notes,
            fees: self.fees(Some(id))?,
            balance: self.case_balance(id)?,
            documents: self.documents(id)?,
            removed,
        })
    }

    /// Documents attached to a case, oldest first.
    pub fn documents(&self, case_id: &str) -> Result<Vec<DocumentRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, name, size, media_type, sha256, client_visible, added_at FROM documents
             WHERE case_id = ?1 ORDER BY added_at, id",
        )?;
        let rows = stmt.query_map([case_id], document_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One attached document and its bytes.
    pub fn document(&self, id: &str) -> Result<AttachedDocument> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, case_id, name, size, media_type, sha256, client_visible, added_at FROM documents WHERE id = ?1",
            )?
            .query_row([id], document_row)
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId { kind: "document", id: id.into() })?;
        let bytes: Vec<u8> = self
            .conn
            .query_row("SELECT bytes FROM blobs WHERE id = ?1", [&row.sha256], |r| r.get(0))
            .optional()?
            .ok_or_else(|| DiaryError::Document(format!("the contents of {} are not in this diary yet", row.name)))?;
        Ok(AttachedDocument { row, bytes })
    }

    pub(crate) fn require_case(&self, id: &str) -> Result<()> {
        require(&self.conn, "cases", "case", id)
    }
}
