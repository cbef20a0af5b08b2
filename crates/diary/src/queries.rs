//! Read-only queries over the projection: the day's board, hearings in a range,
//! undated cases, tasks, search, fee balances, case pages and history.
//! Nothing here loads a whole Automerge document.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

use crate::diary::Diary;
use crate::error::{DiaryError, Result};

/// One hearing as it appears on a board.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BoardEntry {
    pub hearing_id: String,
    pub case_id: String,
    pub date: String,
    pub court: String,
    pub bench: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub item: Option<i64>,
    pub number: String,
    pub title: String,
    pub stage: Option<String>,
    pub purpose: Option<String>,
    pub outcome: Option<String>,
    pub next_date: Option<String>,
    pub previous_date: Option<String>,
    pub clients: Option<String>,
    pub status: String,
}

/// Hearings of one court on a board, in item order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CourtGroup {
    pub court: String,
    pub hearings: Vec<BoardEntry>,
}

/// The day's board: hearings on a date, grouped by court.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Board {
    pub date: String,
    pub courts: Vec<CourtGroup>,
}

impl Board {
    pub fn len(&self) -> usize {
        self.courts.iter().map(|c| c.hearings.len()).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

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

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskRow {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub title: String,
    pub due: Option<String>,
    pub assignee: Option<String>,
    pub done: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    /// `case` or `client`.
    pub kind: String,
    pub id: String,
    pub label: String,
    pub detail: String,
}

/// Fee totals in minor units, per currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeeBalance {
    pub currency: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub agreed: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub received: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub expense: i64,
    /// Agreed fees not yet received.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub outstanding: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeeRow {
    pub id: String,
    pub case_id: String,
    pub kind: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
    pub currency: String,
    pub date: String,
    pub mode: Option<String>,
    pub remark: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryEntry {
    /// Seconds since the Unix epoch, UTC.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub time: i64,
    pub who: String,
    pub message: String,
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
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoteRow {
    pub id: String,
    pub text: String,
    pub client_visible: bool,
    pub at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub phones: String,
    pub email: Option<String>,
}

/// Everything a case page shows, read from the projection.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub bench: Option<String>,
    pub case_type: Option<String>,
    pub parties: Vec<PartyRow>,
    pub clients: Vec<ClientRow>,
    pub hearings: Vec<HearingRow>,
    pub tasks: Vec<TaskRow>,
    pub notes: Vec<NoteRow>,
    pub fees: Vec<FeeRow>,
    pub balance: Vec<FeeBalance>,
    pub documents: Vec<DocumentRow>,
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

/// Hearings on one day (for month and week views).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayCount {
    pub date: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub hearings: i64,
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

pub(crate) const BOARD_SELECT: &str = "
    SELECT h.id, h.case_id, h.date, c.court, c.bench, h.item, c.number, c.title, c.stage, h.purpose, h.outcome,
           h.next_date,
           (SELECT max(p.date) FROM hearings p WHERE p.case_id = h.case_id AND p.date < h.date),
           (SELECT group_concat(cl.name, ', ') FROM case_clients cc JOIN clients cl ON cl.id = cc.client_id
             WHERE cc.case_id = h.case_id),
           c.status
    FROM hearings h JOIN cases c ON c.id = h.case_id";

pub(crate) fn board_entry(r: &Row) -> rusqlite::Result<BoardEntry> {
    Ok(BoardEntry {
        hearing_id: r.get(0)?,
        case_id: r.get(1)?,
        date: r.get(2)?,
        court: r.get(3)?,
        bench: r.get(4)?,
        item: r.get(5)?,
        number: r.get(6)?,
        title: r.get(7)?,
        stage: r.get(8)?,
        purpose: r.get(9)?,
        outcome: r.get(10)?,
        next_date: r.get(11)?,
        previous_date: r.get(12)?,
        clients: r.get(13)?,
        status: r.get(14)?,
    })
}

fn case_summary(r: &Row) -> rusqlite::Result<CaseSummary> {
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

const CASE_SELECT: &str = "SELECT id, title, number, court, cnr, status, stage, latest_date FROM cases";

pub(crate) fn task_row(r: &Row) -> rusqlite::Result<TaskRow> {
    Ok(TaskRow {
        id: r.get(0)?,
        case_id: r.get(1)?,
        case_number: r.get(2)?,
        title: r.get(3)?,
        due: r.get(4)?,
        assignee: r.get(5)?,
        done: r.get(6)?,
    })
}

pub(crate) const TASK_SELECT: &str =
    "SELECT t.id, t.case_id, c.number, t.title, t.due, t.assignee, t.done FROM tasks t JOIN cases c ON c.id = t.case_id";

/// Groups entries (already sorted by court) into court groups.
fn group_by_court(date: String, entries: Vec<BoardEntry>) -> Board {
    let mut courts: Vec<CourtGroup> = Vec::new();
    for e in entries {
        match courts.last_mut() {
            Some(g) if g.court == e.court => g.hearings.push(e),
            _ => courts.push(CourtGroup {
                court: e.court.clone(),
                hearings: vec![e],
            }),
        }
    }
    Board { date, courts }
}

/// Turns a user's search text into an FTS5 query: every word must match as a prefix.
fn fts_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !(c.is_alphanumeric() || is_mark(c)))
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Combining marks (Devanagari vowel signs and the like) belong inside words.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0962..=0x0963 | 0x0981..=0x0983 | 0x09BC..=0x09D7 | 0x0A01..=0x0A03 | 0x0A3C..=0x0A51 | 0x0A81..=0x0A83 | 0x0ABC..=0x0ACD | 0x0B01..=0x0B03 | 0x0B3C..=0x0B57 | 0x0B82..=0x0BCD | 0x0BD7 | 0x0C00..=0x0C04 | 0x0C3C..=0x0C56 | 0x0C81..=0x0C83 | 0x0CBC..=0x0CD6 | 0x0D00..=0x0D03 | 0x0D3B..=0x0D57 | 0x200C..=0x200D)
}

impl Diary {
    /// The board for `date`: every hearing that day, grouped by court, in item order.
    pub fn board(&self, date: NaiveDate) -> Result<Board> {
        board_on(&self.conn, date)
    }

    /// Hearings from `from` to `to` inclusive, by date, court and item.
    pub fn hearings_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<BoardEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{BOARD_SELECT} WHERE h.date BETWEEN ?1 AND ?2
             ORDER BY h.date, c.court, coalesce(c.bench, ''), h.item IS NULL, h.item, c.number"
        ))?;
        let rows = stmt.query_map(params![from.to_string(), to.to_string()], board_entry)?;
        let mut entries = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        crate::order::sort_hearings(&mut entries);
        Ok(entries)
    }

    /// Hearing counts per day from `from` to `to` inclusive (for month and week views).
    pub fn hearing_counts(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayCount>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT date, count(*) FROM hearings WHERE date BETWEEN ?1 AND ?2 GROUP BY date ORDER BY date",
        )?;
        let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
            Ok(DayCount {
                date: r.get(0)?,
                hearings: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Pending cases with no hearing on or after `today`: the ones to get dated.
    pub fn undated(&self, today: NaiveDate) -> Result<Vec<CaseSummary>> {
        self.cases(&CaseFilter {
            undated_as_of: Some(today),
            ..Default::default()
        })
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
            sql.push_str(&format!(
                " AND status = 'pending' AND (latest_date IS NULL OR latest_date < ?{})",
                args.len()
            ));
        }
        sql.push_str(" ORDER BY court, number_key");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), case_summary)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Open tasks (all, or only those due before `overdue_as_of`), earliest due first.
    pub fn tasks(&self, overdue_as_of: Option<NaiveDate>) -> Result<Vec<TaskRow>> {
        let (sql, arg) = match overdue_as_of {
            Some(d) => (
                format!("{TASK_SELECT} WHERE t.done = 0 AND t.due < ?1 ORDER BY t.due, c.number"),
                d.to_string(),
            ),
            None => (
                format!("{TASK_SELECT} WHERE t.done = 0 AND ?1 = ?1 ORDER BY t.due IS NULL, t.due, c.number"),
                String::new(),
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map([arg], task_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Overdue tasks: open, with a due date before `today`.
    pub fn overdue_tasks(&self, today: NaiveDate) -> Result<Vec<TaskRow>> {
        self.tasks(Some(today))
    }

    /// Search cases (number, CNR, title, parties, notes, court) and clients (name,
    /// phone, email). A client hit also brings that client's cases.
    pub fn search(&self, q: &str, limit: usize) -> Result<Vec<SearchHit>> {
        search_on(&self.conn, q, limit)
    }

    fn balances(&self, where_sql: &str, id: &str) -> Result<Vec<FeeBalance>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT currency,
                    coalesce(sum(CASE kind WHEN 'agreed' THEN amount_minor END), 0),
                    coalesce(sum(CASE kind WHEN 'received' THEN amount_minor END), 0),
                    coalesce(sum(CASE kind WHEN 'expense' THEN amount_minor END), 0)
             FROM fees WHERE {where_sql} GROUP BY currency ORDER BY currency"
        ))?;
        let rows = stmt.query_map([id], |r| {
            let (agreed, received): (i64, i64) = (r.get(1)?, r.get(2)?);
            Ok(FeeBalance {
                currency: r.get(0)?,
                agreed,
                received,
                expense: r.get(3)?,
                outstanding: agreed - received,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Fee totals over every case.
    pub fn total_balance(&self) -> Result<Vec<FeeBalance>> {
        self.balances("?1 = ?1", "")
    }

    /// Fee totals for one case.
    pub fn case_balance(&self, case_id: &str) -> Result<Vec<FeeBalance>> {
        self.require_case(case_id)?;
        self.balances("case_id = ?1", case_id)
    }

    /// Fee totals over all cases of one client.
    pub fn client_balance(&self, client_id: &str) -> Result<Vec<FeeBalance>> {
        self.require_client(client_id)?;
        self.balances(
            "case_id IN (SELECT case_id FROM case_clients WHERE client_id = ?1)",
            client_id,
        )
    }

    /// Fee entries of one case, or of every case.
    pub fn fees(&self, case_id: Option<&str>) -> Result<Vec<FeeRow>> {
        if let Some(id) = case_id {
            self.require_case(id)?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, kind, amount_minor, currency, date, mode, remark FROM fees
             WHERE ?1 IS NULL OR case_id = ?1 ORDER BY date, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(FeeRow {
                id: r.get(0)?,
                case_id: r.get(1)?,
                kind: r.get(2)?,
                amount_minor: r.get(3)?,
                currency: r.get(4)?,
                date: r.get(5)?,
                mode: r.get(6)?,
                remark: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn require_case(&self, id: &str) -> Result<()> {
        require(&self.conn, "cases", "case", id)
    }

    fn require_client(&self, id: &str) -> Result<()> {
        require(&self.conn, "clients", "client", id)
    }

    /// All clients by name.
    pub fn clients(&self) -> Result<Vec<ClientRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, phones, email FROM clients ORDER BY name, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(ClientRow {
                id: r.get(0)?,
                name: r.get(1)?,
                phones: r.get(2)?,
                email: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Distinct values of a case column in use (`court` or `stage`), for filters.
    pub fn distinct_case_values(&self, column: &str) -> Result<Vec<String>> {
        let column = match column {
            "court" => "court",
            "stage" => "stage",
            other => return Err(DiaryError::Invalid(format!("cannot list values of {other:?}"))),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT {column} FROM cases WHERE {column} IS NOT NULL ORDER BY {column}"
        ))?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// One client.
    pub fn client(&self, id: &str) -> Result<ClientRow> {
        self.conn
            .prepare_cached("SELECT id, name, phones, email FROM clients WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(ClientRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    phones: r.get(2)?,
                    email: r.get(3)?,
                })
            })
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "client",
                id: id.into(),
            })
    }

    /// The cases of one client.
    pub fn client_cases(&self, client_id: &str) -> Result<Vec<CaseSummary>> {
        self.require_client(client_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{CASE_SELECT} WHERE id IN (SELECT case_id FROM case_clients WHERE client_id = ?1) ORDER BY court, number_key"
        ))?;
        let rows = stmt.query_map([client_id], case_summary)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Everything the case page shows.
    pub fn case_detail(&self, id: &str) -> Result<CaseDetail> {
        let c = &self.conn;
        let mut row = c.prepare_cached(
            "SELECT id, title, number, court, cnr, status, stage, latest_date, bench, case_type FROM cases WHERE id = ?1",
        )?;
        let (summary, bench, case_type) = row
            .query_row([id], |r| Ok((case_summary(r)?, r.get(8)?, r.get(9)?)))
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
            .prepare_cached(
                "SELECT cl.id, cl.name, cl.phones, cl.email FROM case_clients cc JOIN clients cl ON cl.id = cc.client_id
                 WHERE cc.case_id = ?1 ORDER BY cl.name",
            )?
            .query_map([id], |r| Ok(ClientRow { id: r.get(0)?, name: r.get(1)?, phones: r.get(2)?, email: r.get(3)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let hearings = c
            .prepare_cached(
                "SELECT id, date, item, purpose, outcome, next_date, disposed FROM hearings WHERE case_id = ?1 ORDER BY date, id",
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
            parties,
            clients,
            hearings,
            tasks,
            notes,
            fees: self.fees(Some(id))?,
            balance: self.case_balance(id)?,
            documents: self.documents(id)?,
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
    pub fn document(&self, id: &str) -> Result<(DocumentRow, Vec<u8>)> {
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
        Ok((row, bytes))
    }

    /// Who changed what in a case, and when, oldest first.
    pub fn history(&self, case_id: &str) -> Result<Vec<HistoryEntry>> {
        self.require_case(case_id)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.time, coalesce(m.name, d.label, substr(h.actor, 1, 8)), coalesce(h.message, '')
             FROM history h LEFT JOIN devices d ON d.actor = h.actor LEFT JOIN members m ON m.id = d.member_id
             WHERE h.doc_id = ?1 ORDER BY h.time, h.seq, h.hash",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(HistoryEntry {
                time: r.get(0)?,
                who: r.get(1)?,
                message: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The board for `date` on any connection holding the projection tables
/// (the diary's, or the benchmark's plain-SQLite baseline).
pub fn board_on(conn: &Connection, date: NaiveDate) -> Result<Board> {
    let d = date.to_string();
    let mut stmt = conn.prepare_cached(&format!(
        "{BOARD_SELECT} WHERE h.date = ?1 ORDER BY c.court, coalesce(c.bench, ''), h.item IS NULL, h.item, c.number"
    ))?;
    let mut entries = stmt
        .query_map([&d], board_entry)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    crate::order::sort_hearings(&mut entries);
    Ok(group_by_court(d, entries))
}

/// Search on any connection holding the projection tables.
/// Search cases (number, CNR, title, parties, notes, court) and clients (name,
/// phone, email). A client hit also brings that client's cases.
pub fn search_on(conn: &Connection, q: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let Some(fq) = fts_query(q) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT f.kind, f.id,
                coalesce(c.number || ' — ' || c.title, cl.name),
                coalesce(c.court, cl.phones, '')
         FROM search_fts f
         LEFT JOIN cases c ON f.kind = 'case' AND c.id = f.id
         LEFT JOIN clients cl ON f.kind = 'client' AND cl.id = f.id
         WHERE search_fts MATCH ?1
         ORDER BY f.kind = 'client', rank
         LIMIT ?2",
    )?;
    let hits = stmt
        .query_map(params![fq, limit as i64], |r| {
            Ok(SearchHit {
                kind: r.get(0)?,
                id: r.get(1)?,
                label: r.get(2)?,
                detail: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<SearchHit> = hits.iter().filter(|h| h.kind == "case").cloned().collect();
    let mut client_cases = conn.prepare_cached(&format!(
        "{CASE_SELECT} WHERE id IN (SELECT case_id FROM case_clients WHERE client_id = ?1)"
    ))?;
    for h in hits.iter().filter(|h| h.kind == "client") {
        for c in client_cases.query_map([&h.id], case_summary)? {
            let c = c?;
            if !out.iter().any(|o| o.id == c.id) {
                out.push(SearchHit {
                    kind: "case".into(),
                    id: c.id,
                    label: format!("{} — {}", c.number, c.title),
                    detail: format!("{} · client {}", c.court, h.label),
                });
            }
        }
    }
    out.extend(hits.into_iter().filter(|h| h.kind == "client"));
    out.truncate(limit);
    Ok(out)
}

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

fn require(conn: &Connection, table: &str, kind: &'static str, id: &str) -> Result<()> {
    let found: Option<i64> = conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    found
        .map(|_| ())
        .ok_or_else(|| DiaryError::UnknownId { kind, id: id.into() })
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn search_text_becomes_prefix_terms() {
        assert_eq!(
            fts_query("CRL.A. 123/2024").unwrap(),
            "\"CRL\"* \"A\"* \"123\"* \"2024\"*"
        );
        assert_eq!(fts_query("राम कुमार").unwrap(), "\"राम\"* \"कुमार\"*");
        assert!(fts_query(" ./- ").is_none());
    }
}
