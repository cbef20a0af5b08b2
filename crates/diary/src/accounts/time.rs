//! Time entries: the time a member spent on a case (date, whole minutes,
//! what was done, billable or not). They are corrected and removed like any
//! other record of a case, and billable time is charged at the case's hourly
//! rate (see [`super::terms`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::iso_to_dmy;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{CaseDoc, DocKind, TimeEntry};
use crate::records::child::{describe_change, ChildKind};
use crate::records::corrected::given;
use crate::records::Corrected;
use crate::validate::{check_date, clean_opt};
use crate::write::{new_id, now_rfc3339, WriteTxn};

/// The longest one entry may be: a day.
pub const MAX_MINUTES: i64 = 24 * 60;

/// Time spent, as given.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewTimeEntry {
    pub date: NaiveDate,
    pub minutes: i64,
    /// The member who did the work: this laptop's member when left out.
    #[serde(default)]
    pub member_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub billable: bool,
}

/// A correction of a time entry; `note: Some(None)` clears the note.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TimeEdit {
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default)]
    pub minutes: Option<i64>,
    #[serde(default)]
    pub member_id: Option<String>,
    #[serde(default, deserialize_with = "given")]
    pub note: Option<Option<String>>,
    #[serde(default)]
    pub billable: Option<bool>,
}

/// One time entry as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimeRow {
    pub id: String,
    pub case_id: String,
    pub case_number: String,
    pub date: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub minutes: i64,
    pub member_id: String,
    /// The member's name (empty when the chamber no longer lists them).
    pub member: String,
    pub note: Option<String>,
    pub billable: bool,
}

/// Checks a duration in minutes: 1 to [`MAX_MINUTES`].
pub fn check_minutes(minutes: i64) -> Result<i64> {
    if (1..=MAX_MINUTES).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(DiaryError::InvalidDuration(minutes.to_string()))
    }
}

/// Reads a duration as people type it: `90` (minutes), `45m`, `2h`,
/// `1h30m`, `1h 30m` or `1:30`.
pub fn parse_duration(input: &str) -> Result<i64> {
    let bad = || DiaryError::InvalidDuration(input.to_string());
    let s: String = input.trim().to_lowercase().split_whitespace().collect();
    let number = |t: &str| -> Result<i64> {
        if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) || t.len() > 6 {
            return Err(bad());
        }
        t.parse().map_err(|_| bad())
    };
    let minutes = if let Some((h, m)) = s.split_once(':') {
        let m = number(m)?;
        if m >= 60 {
            return Err(bad());
        }
        number(h)? * 60 + m
    } else if let Some((h, rest)) = s.split_once('h') {
        let m = match rest.strip_suffix('m').unwrap_or(rest) {
            "" => 0,
            m => number(m)?,
        };
        number(h)? * 60 + m
    } else {
        number(s.strip_suffix('m').unwrap_or(&s))?
    };
    check_minutes(minutes).map_err(|_| bad())
}

/// `1 h 30 min`, `45 min`, `2 h`.
pub fn format_minutes(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

impl Diary {
    /// Records time spent on a case; returns the entry's id.
    pub fn add_time(&mut self, case_id: &str, t: NewTimeEntry) -> Result<String> {
        let member = self.time_member(t.member_id.as_deref())?;
        self.write(|w| w.add_time(case_id, t, &member))
    }

    pub fn edit_time(&mut self, case_id: &str, entry_id: &str, e: TimeEdit) -> Result<Corrected> {
        let member = match e.member_id.as_deref() {
            Some(m) => Some(self.time_member(Some(m))?),
            None => None,
        };
        self.write(|w| w.edit_time(case_id, entry_id, e, member))
    }

    pub fn remove_time(&mut self, case_id: &str, entry_id: &str) -> Result<Corrected> {
        self.write(|w| w.remove_time(case_id, entry_id))
    }

    /// The member a time entry names: given by id or name, or this laptop's.
    fn time_member(&self, who: Option<&str>) -> Result<String> {
        match who.map(str::trim).filter(|w| !w.is_empty()) {
            Some(w) => Ok(self.find_member(w)?.id),
            None => Ok(self.member_id().to_string()),
        }
    }

    /// Time entries of one case (or of every case), oldest first.
    pub fn time_entries(&self, case_id: Option<&str>) -> Result<Vec<TimeRow>> {
        if let Some(id) = case_id {
            self.require_case(id)?;
        }
        let mut stmt = self.conn().prepare_cached(
            "SELECT t.id, t.case_id, c.number, t.date, t.minutes, t.member_id, coalesce(m.name, ''), t.note, t.billable
             FROM time_entries t JOIN cases c ON c.id = t.case_id LEFT JOIN members m ON m.id = t.member_id
             WHERE ?1 IS NULL OR t.case_id = ?1 ORDER BY t.date, t.created_at, t.id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(TimeRow {
                id: r.get(0)?,
                case_id: r.get(1)?,
                case_number: r.get(2)?,
                date: r.get(3)?,
                minutes: r.get(4)?,
                member_id: r.get(5)?,
                member: r.get(6)?,
                note: r.get(7)?,
                billable: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

fn entry_words(t: &TimeEntry) -> String {
    format!("{} on {}", format_minutes(t.minutes), iso_to_dmy(&t.date))
}

impl WriteTxn<'_> {
    /// See [`Diary::add_time`]; `member` is a member id already checked.
    pub fn add_time(&mut self, case_id: &str, t: NewTimeEntry, member: &str) -> Result<String> {
        let minutes = check_minutes(t.minutes)?;
        let date = check_date(t.date)?;
        let note = clean_opt(t.note);
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            if c.removed_at.is_some() {
                return Err(DiaryError::UnknownId {
                    kind: "case",
                    id: case_id.into(),
                });
            }
            let id = new_id();
            let entry = TimeEntry {
                date,
                minutes,
                member_id: member.to_string(),
                note,
                billable: t.billable,
                created_at: now_rfc3339(),
                removed_at: None,
            };
            let msg = format!(
                "Time recorded: {}{}",
                entry_words(&entry),
                if entry.billable { "" } else { " (not billable)" }
            );
            c.time_entries.insert(id.clone(), entry);
            Ok((id, msg))
        })
    }

    fn change_time(
        &mut self,
        case_id: &str,
        entry_id: &str,
        f: impl FnOnce(&mut TimeEntry) -> Result<String>,
    ) -> Result<Corrected> {
        self.check_child(case_id, ChildKind::Time, entry_id)?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let entry = c.time_entries.get_mut(entry_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "time",
                id: entry_id.into(),
            })?;
            let msg = f(entry)?;
            Ok((Corrected::new(entry_id, case_id, msg.clone()), msg))
        })
    }

    /// Corrects a time entry; `member` is the new member's id, already checked.
    pub fn edit_time(
        &mut self,
        case_id: &str,
        entry_id: &str,
        e: TimeEdit,
        member: Option<String>,
    ) -> Result<Corrected> {
        if e.date.is_none() && e.minutes.is_none() && member.is_none() && e.note.is_none() && e.billable.is_none() {
            return Err(DiaryError::NothingToChange("time entry"));
        }
        let minutes = e.minutes.map(check_minutes).transpose()?;
        let date = e.date.map(check_date).transpose()?;
        let note = e.note.map(clean_opt);
        self.change_time(case_id, entry_id, |t| {
            let was = entry_words(t);
            let mut parts = Vec::new();
            if let Some(d) = date {
                parts.extend(describe_change(
                    "date",
                    Some(&iso_to_dmy(&t.date)),
                    Some(&iso_to_dmy(&d)),
                ));
                t.date = d;
            }
            if let Some(m) = minutes {
                parts.extend(describe_change(
                    "duration",
                    Some(&format_minutes(t.minutes)),
                    Some(&format_minutes(m)),
                ));
                t.minutes = m;
            }
            if let Some(m) = member {
                if m != t.member_id {
                    parts.push("member changed".to_string());
                    t.member_id = m;
                }
            }
            if let Some(n) = note {
                parts.extend(describe_change("note", t.note.as_deref(), n.as_deref()));
                t.note = n;
            }
            if let Some(b) = e.billable {
                if b != t.billable {
                    parts.push(if b { "now billable" } else { "now not billable" }.to_string());
                    t.billable = b;
                }
            }
            Ok(if parts.is_empty() {
                String::new()
            } else {
                format!("Time of {was}: {}", parts.join("; "))
            })
        })
    }

    pub fn remove_time(&mut self, case_id: &str, entry_id: &str) -> Result<Corrected> {
        self.change_time(case_id, entry_id, |t| {
            t.removed_at = Some(now_rfc3339());
            Ok(format!("Removed time entry: {}", entry_words(t)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_type_them() {
        for (input, minutes) in [
            ("90", 90),
            ("45m", 45),
            ("2h", 120),
            ("1h30m", 90),
            ("1h 30m", 90),
            ("1H30", 90),
            ("1:05", 65),
            ("24h", 1440),
        ] {
            assert_eq!(parse_duration(input).unwrap(), minutes, "{input}");
        }
        for bad in ["", "0", "-5", "1.5h", "abc", "25h", "1:75", "h", "9999999"] {
            assert_eq!(parse_duration(bad).unwrap_err().code(), "invalid_duration", "{bad}");
        }
        assert_eq!(format_minutes(90), "1 h 30 min");
        assert_eq!(format_minutes(45), "45 min");
        assert_eq!(format_minutes(120), "2 h");
    }
}
