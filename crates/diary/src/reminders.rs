//! Which reminders are due, and which have already been sent. Pure logic over
//! the projection; delivery is `nextdate-remind`'s.
//!
//! One round a day, in the evening, at the digest time (default 19:00):
//! - the **digest** for tomorrow: "Tomorrow: 6 hearings in 3 courts" (not sent
//!   when tomorrow has no hearings — there is nothing to prepare);
//! - **tasks falling due** tomorrow, with how many are already overdue;
//! - **undated cases**: pending cases with no next date, while any remain;
//! - **unpaid bills** (off unless switched on): "3 bills unpaid for more
//!   than 30 days" (see `crate::accounts::outstanding`).
//!
//! If the diary was closed at the digest time, the round is sent when it next
//! opens that same evening (until midnight), never for a past day. Each
//! reminder has a key ("digest:2026-11-25") recorded on this device once sent,
//! so it fires once, even across restarts. Each kind can be switched off.
//!
//! Notifications show on screens and lock screens, so they carry counts, court
//! names and dates only: never client names, case titles or task text.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::store;

const FIRED_PREFIX: &str = "reminder.fired.";
/// Sent-reminder records older than this are forgotten.
const KEEP_FIRED_DAYS: i64 = 60;

/// When reminders fire, and which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReminderSettings {
    /// "HH:MM", local time.
    pub digest_time: String,
    pub digest: bool,
    pub undated: bool,
    pub tasks: bool,
    /// Bills unpaid for more than [`UNPAID_BILL_DAYS`] days; off by default.
    #[serde(default)]
    pub unpaid_bills: bool,
}

/// How old an unpaid bill is before the evening round mentions it.
pub const UNPAID_BILL_DAYS: i64 = 30;

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            digest_time: "19:00".into(),
            digest: true,
            undated: true,
            tasks: true,
            unpaid_bills: false,
        }
    }
}

impl ReminderSettings {
    pub fn time(&self) -> Result<NaiveTime> {
        NaiveTime::parse_from_str(self.digest_time.trim(), "%H:%M").map_err(|_| DiaryError::InvalidTime {
            input: self.digest_time.clone(),
            hint: "HH:MM, like 19:00",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReminderKind {
    Digest,
    Tasks,
    Undated,
    UnpaidBills,
}

/// A reminder to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    /// Stable identity: sent once per key.
    pub key: String,
    pub kind: ReminderKind,
    pub title: String,
    pub body: String,
    /// The day the app shows when the reminder is clicked.
    pub open_date: NaiveDate,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Diary {
    pub fn reminder_settings(&self) -> Result<ReminderSettings> {
        Ok(match self.setting("reminders")? {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => ReminderSettings::default(),
        })
    }

    pub fn set_reminder_settings(&mut self, s: &ReminderSettings) -> Result<()> {
        let t = s.time()?;
        let clean = ReminderSettings {
            digest_time: t.format("%H:%M").to_string(),
            ..s.clone()
        };
        let json = serde_json::to_string(&clean).map_err(|e| DiaryError::Output(format!("settings ({e})")))?;
        self.set_setting("reminders", &json)
    }

    fn fired(&self, key: &str) -> Result<bool> {
        Ok(store::meta_get(self.conn(), &format!("{FIRED_PREFIX}{key}"))?.is_some())
    }

    /// Records that `key` was sent at `now`, and forgets records older than 60 days.
    pub fn mark_reminder_fired(&mut self, key: &str, now: NaiveDateTime) -> Result<()> {
        store::meta_set(self.conn(), &format!("{FIRED_PREFIX}{key}"), &now.to_string())?;
        let cutoff = (now - Duration::days(KEEP_FIRED_DAYS)).to_string();
        self.conn().execute(
            "DELETE FROM meta WHERE key LIKE 'reminder.fired.%' AND value < ?1",
            [cutoff],
        )?;
        Ok(())
    }

    /// The reminders due at `now` (local time) that have not been sent yet.
    pub fn due_reminders(&self, now: NaiveDateTime) -> Result<Vec<Reminder>> {
        let s = self.reminder_settings()?;
        if now.time() < s.time()? {
            return Ok(Vec::new());
        }
        let today = now.date();
        let tomorrow = today + Duration::days(1);
        let mut out = Vec::new();
        if s.digest {
            let key = format!("digest:{tomorrow}");
            let board = self.board(tomorrow)?;
            if !board.is_empty() && !self.fired(&key)? {
                let courts: Vec<String> = board
                    .courts
                    .iter()
                    .map(|c| format!("{}: {}", c.court, c.hearings.len()))
                    .collect();
                out.push(Reminder {
                    key,
                    kind: ReminderKind::Digest,
                    title: format!(
                        "Tomorrow: {} in {}",
                        plural(board.len() as i64, "hearing", "hearings"),
                        plural(board.courts.len() as i64, "court", "courts")
                    ),
                    body: courts.join("\n"),
                    open_date: tomorrow,
                });
            }
        }
        if s.tasks {
            let key = format!("tasks:{tomorrow}");
            let (due, overdue): (i64, i64) = self.conn().query_row(
                "SELECT count(*) FILTER (WHERE due = ?1), count(*) FILTER (WHERE due < ?2) FROM tasks WHERE done = 0",
                [tomorrow.to_string(), today.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if due > 0 && !self.fired(&key)? {
                out.push(Reminder {
                    key,
                    kind: ReminderKind::Tasks,
                    title: format!("{} due tomorrow", plural(due, "task", "tasks")),
                    body: if overdue > 0 {
                        format!("{} already overdue.", plural(overdue, "task is", "tasks are"))
                    } else {
                        "Open the diary to see them.".into()
                    },
                    open_date: tomorrow,
                });
            }
        }
        if s.undated {
            let key = format!("undated:{today}");
            let n = self.undated(today)?.len() as i64;
            if n > 0 && !self.fired(&key)? {
                out.push(Reminder {
                    key,
                    kind: ReminderKind::Undated,
                    title: format!("{} no next date", plural(n, "case has", "cases have")),
                    body: "Fix a date for each, or mark it disposed.".into(),
                    open_date: today,
                });
            }
        }
        if s.unpaid_bills {
            let key = format!("unpaid_bills:{today}");
            // The whole diary's ledger is read only until tonight's is sent.
            let n = if self.fired(&key)? {
                0
            } else {
                self.outstanding(today)?
                    .unpaid_bills
                    .iter()
                    .filter(|b| b.days > UNPAID_BILL_DAYS)
                    .count() as i64
            };
            if n > 0 {
                out.push(Reminder {
                    key,
                    kind: ReminderKind::UnpaidBills,
                    title: format!(
                        "{} unpaid for more than {UNPAID_BILL_DAYS} days",
                        plural(n, "bill", "bills")
                    ),
                    body: "Open the outstanding list to follow them up.".into(),
                    open_date: today,
                });
            }
        }
        Ok(out)
    }
}
