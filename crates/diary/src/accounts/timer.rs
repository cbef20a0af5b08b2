//! The timer: "start" on a case, "stop" when the work is done, and the time
//! becomes a time entry. The running timer is kept in this laptop's diary
//! (`running_timer`, local, never synced), so it survives the app or the
//! laptop being closed. One timer runs at a time. Every moment comes from the
//! caller (an injected clock), with its UTC offset, so the entry is dated by
//! the day the work started where it was done.

use chrono::{DateTime, FixedOffset, SecondsFormat};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::time::{format_minutes, NewTimeEntry, MAX_MINUTES};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};

/// The timer running on this laptop.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunningTimer {
    pub case_id: String,
    pub case_number: String,
    pub case_title: String,
    pub member_id: String,
    /// When it started (RFC 3339 with the local offset).
    pub started_at: String,
    pub note: Option<String>,
}

/// What stopping the timer recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TimerStopped {
    pub case_id: String,
    /// The time entry written.
    pub entry_id: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub minutes: i64,
}

/// Whole minutes from `start` to `end`, rounded up (a timer stopped after 61
/// seconds counts 2 minutes), at least 1.
pub fn elapsed_minutes(start: DateTime<FixedOffset>, end: DateTime<FixedOffset>) -> i64 {
    let seconds = (end - start).num_seconds().max(0);
    ((seconds + 59) / 60).max(1)
}

impl Diary {
    /// The timer running on this laptop, if one is.
    pub fn running_timer(&self) -> Result<Option<RunningTimer>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT t.case_id, coalesce(c.number, ''), coalesce(c.title, ''), t.member_id, t.started_at, t.note
                 FROM running_timer t LEFT JOIN cases c ON c.id = t.case_id",
                [],
                |r| {
                    Ok(RunningTimer {
                        case_id: r.get(0)?,
                        case_number: r.get(1)?,
                        case_title: r.get(2)?,
                        member_id: r.get(3)?,
                        started_at: r.get(4)?,
                        note: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Starts the timer on a case at `now`. Refused while one is running.
    pub fn start_timer(
        &mut self,
        case_id: &str,
        note: Option<String>,
        now: DateTime<FixedOffset>,
    ) -> Result<RunningTimer> {
        self.require_case(case_id)?;
        if let Some(t) = self.running_timer()? {
            return Err(DiaryError::TimerRunning {
                case: t.case_number,
                since: t.started_at,
            });
        }
        let member = self.member_id().to_string();
        let note = crate::validate::clean_opt(note);
        self.conn().execute(
            "INSERT INTO running_timer (only, case_id, member_id, started_at, note) VALUES (1, ?1, ?2, ?3, ?4)",
            params![case_id, member, now.to_rfc3339_opts(SecondsFormat::Secs, false), note],
        )?;
        self.running_timer()?.ok_or(DiaryError::NoTimer)
    }

    /// Stops the timer at `now` and records the time as an entry on the day
    /// it started, in the same transaction that clears the timer. A timer
    /// left running for more than a day is refused (and kept): discard it
    /// and add the time by hand.
    pub fn stop_timer(&mut self, now: DateTime<FixedOffset>, billable: bool) -> Result<TimerStopped> {
        let t = self.running_timer()?.ok_or(DiaryError::NoTimer)?;
        let start = DateTime::parse_from_rfc3339(&t.started_at)
            .map_err(|_| DiaryError::Document(format!("the running timer's start {:?} is unreadable", t.started_at)))?;
        let minutes = elapsed_minutes(start, now);
        if minutes > MAX_MINUTES {
            return Err(DiaryError::InvalidDuration(format!(
                "the timer has run {} since {}: more than a day. Discard it and add the time by hand",
                format_minutes(minutes),
                t.started_at
            )));
        }
        let entry = NewTimeEntry {
            date: start.date_naive(),
            minutes,
            member_id: Some(t.member_id.clone()),
            note: t.note.clone(),
            billable,
        };
        let case_id = t.case_id.clone();
        let entry_id = self.write(|w| {
            let id = w.add_time(&case_id, entry, &t.member_id)?;
            w.tx.execute("DELETE FROM running_timer", [])?;
            Ok(id)
        })?;
        Ok(TimerStopped {
            case_id,
            entry_id,
            minutes,
        })
    }

    /// Throws the running timer away without recording anything.
    pub fn discard_timer(&mut self) -> Result<RunningTimer> {
        let t = self.running_timer()?.ok_or(DiaryError::NoTimer)?;
        self.conn().execute("DELETE FROM running_timer", [])?;
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_round_up() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
        assert_eq!(
            elapsed_minutes(at("2026-12-06T10:00:00+05:30"), at("2026-12-06T10:00:10+05:30")),
            1
        );
        assert_eq!(
            elapsed_minutes(at("2026-12-06T10:00:00+05:30"), at("2026-12-06T10:01:01+05:30")),
            2
        );
        assert_eq!(
            elapsed_minutes(at("2026-12-06T10:00:00+05:30"), at("2026-12-06T11:30:00+05:30")),
            90
        );
        assert_eq!(
            elapsed_minutes(at("2026-12-06T10:00:00+05:30"), at("2026-12-06T09:00:00+05:30")),
            1
        );
    }
}
