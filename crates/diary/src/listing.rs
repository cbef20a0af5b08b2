//! Queries behind printed hearing lists: the chamber's members, the parties
//! of the cases heard in a date range, and the open tasks falling due in it.
//! The hearings themselves come from the one range query,
//! [`Diary::hearings_in_range`].
//! Like every screen, they read the projection only.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::queries::{member_clause, task_row, PartyRow, TaskRow, TASK_SELECT};

/// A member of the chamber (advocate, clerk, …).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub role: String,
}

impl Diary {
    /// The chamber's members, by name.
    pub fn members(&self) -> Result<Vec<MemberRow>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, name, role FROM members ORDER BY name, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(MemberRow {
                id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Checks that `member` is a member of the chamber.
    pub fn require_member(&self, member: &str) -> Result<MemberRow> {
        self.members()?
            .into_iter()
            .find(|m| m.id == member)
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "member",
                id: member.to_string(),
            })
    }

    /// The parties of every case with a hearing in the range, in their order.
    pub fn listed_parties(&self, from: NaiveDate, to: NaiveDate) -> Result<HashMap<String, Vec<PartyRow>>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.case_id, p.name, p.side, p.counsel FROM case_parties p
             WHERE p.case_id IN (SELECT case_id FROM hearings WHERE date BETWEEN ?1 AND ?2)
             ORDER BY p.case_id, p.position",
        )?;
        let mut out: HashMap<String, Vec<PartyRow>> = HashMap::new();
        let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                PartyRow {
                    name: r.get(1)?,
                    side: r.get(2)?,
                    counsel: r.get(3)?,
                },
            ))
        })?;
        for row in rows {
            let (case_id, party) = row?;
            out.entry(case_id).or_default().push(party);
        }
        Ok(out)
    }

    /// Open tasks due from `from` to `to` inclusive, by due date and case number
    /// (the chamber's own tasks, of no case, first); with `member`, only on the
    /// cases assigned to that member and the chamber tasks assigned to them.
    pub fn tasks_due_between(&self, from: NaiveDate, to: NaiveDate, member: Option<&str>) -> Result<Vec<TaskRow>> {
        let mine = match member {
            Some(_) => format!(
                " AND (c.id IS NULL AND t.assignee = ?3 OR c.id IS NOT NULL{})",
                member_clause("t.case_id", member)
            ),
            None => member_clause("t.case_id", member),
        };
        let sql =
            format!("{TASK_SELECT} WHERE t.done = 0 AND t.due BETWEEN ?1 AND ?2{mine} ORDER BY t.due, c.number, t.id");
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![from.to_string(), to.to_string(), member], task_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
