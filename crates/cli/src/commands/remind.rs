//! `nextdate remind`: send the reminders due now as desktop notifications
//! (for cron), or show and change their settings.

use chrono::Local;
use nextdate_diary::{Diary, DiaryError};

use crate::args::{OnOff, RemindCmd};
use crate::failure::Failure;
use crate::output::Out;

pub fn run(diary: &mut Diary, at: Option<String>, cmd: Option<RemindCmd>, out: &Out) -> Result<(), Failure> {
    match cmd {
        None => send_due(diary, at, out),
        Some(RemindCmd::Settings {
            digest_time,
            digest,
            undated,
            tasks,
            unpaid_bills,
        }) => {
            let mut s = diary.reminder_settings()?;
            let on = |v: OnOff| matches!(v, OnOff::On);
            if let Some(t) = digest_time {
                s.digest_time = t;
            }
            if let Some(v) = digest {
                s.digest = on(v);
            }
            if let Some(v) = undated {
                s.undated = on(v);
            }
            if let Some(v) = tasks {
                s.tasks = on(v);
            }
            if let Some(v) = unpaid_bills {
                s.unpaid_bills = on(v);
            }
            diary.set_reminder_settings(&s)?;
            out.reminder_settings(&diary.reminder_settings()?);
            Ok(())
        }
    }
}

/// Sends what is due at `at` ("YYYY-MM-DD HH:MM", default: now).
fn send_due(diary: &mut Diary, at: Option<String>, out: &Out) -> Result<(), Failure> {
    let now = match at {
        Some(t) => {
            chrono::NaiveDateTime::parse_from_str(t.trim(), "%Y-%m-%d %H:%M").map_err(|_| DiaryError::InvalidTime {
                input: t.clone(),
                hint: "\"YYYY-MM-DD HH:MM\"",
            })?
        }
        None => Local::now().naive_local(),
    };
    let notifier = nextdate_remind::DesktopNotifier::new("Nextdate", None);
    let sent = nextdate_remind::tick(diary, now, &notifier).map_err(Failure::Remind)?;
    out.reminded(&sent);
    Ok(())
}
