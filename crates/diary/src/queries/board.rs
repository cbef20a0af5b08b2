//! The day's board and the calendar's reads: hearings on a date grouped by
//! court, the one query for hearings in a date range (screens and printed
//! lists alike), and hearing counts per day.

use chrono::NaiveDate;
use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::member_clause;
use crate::diary::Diary;
use crate::error::Result;

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

/// Hearings on one day (for month and week views).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DayCount {
    pub date: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub hearings: i64,
}

/// A board row: the hearing, its case, its clients, and the previous date:
/// the date of the case's latest hearing before this one. The `hearings`
/// table holds live hearings only (the projection leaves removed ones out and
/// lists them in `removed_records`), so a removed hearing or a listing that
/// a corrected next date replaced is never anyone's previous date.
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

impl Diary {
    /// The board for `date`: every hearing that day, grouped by court, in item order.
    pub fn board(&self, date: NaiveDate) -> Result<Board> {
        board_on(&self.conn, date)
    }

    /// Every hearing from `from` to `to` inclusive, by date, court and item.
    pub fn hearings_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<BoardEntry>> {
        self.hearings_in_range(from, to, None)
    }

    /// Hearings from `from` to `to` inclusive, by date, court, bench and item;
    /// with `member`, only the cases assigned to that member. The one range
    /// query behind the calendar, the week view and printed lists.
    pub fn hearings_in_range(&self, from: NaiveDate, to: NaiveDate, member: Option<&str>) -> Result<Vec<BoardEntry>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{BOARD_SELECT} WHERE h.date BETWEEN ?1 AND ?2{}
             ORDER BY h.date, c.court, coalesce(c.bench, ''), h.item IS NULL, h.item, c.number",
            member_clause("h.case_id", member)
        ))?;
        let rows = stmt.query_map(params![from.to_string(), to.to_string(), member], board_entry)?;
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
