//! `nextdate-remind`: sends the diary's due reminders ([`nextdate_diary::reminders`])
//! as desktop notifications with `notify-rust`, and reports which day to open
//! when one is clicked. Shared by the desktop app (a timer) and the CLI
//! (`nextdate remind`, for cron). It also watches the desktop session's lock
//! and suspend signals over D-Bus ([`session_lock`]), so the app can lock the
//! diary with the screen.

pub mod session_lock;

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use nextdate_diary::reminders::Reminder;
use nextdate_diary::{Diary, DiaryError, ErrorCode};

/// Something that shows reminders.
pub trait Notifier {
    /// Hands the reminder to the notification server; an error means it was not shown.
    fn send(&self, r: &Reminder) -> Result<(), String>;
}

/// What to do when a reminder is clicked: open that day.
pub type OnClick = Arc<dyn Fn(NaiveDate) + Send + Sync>;

/// Desktop notifications through the session's notification server (D-Bus on Linux).
pub struct DesktopNotifier {
    app_name: String,
    on_click: Option<OnClick>,
}

impl DesktopNotifier {
    /// With `on_click`, a thread per notification waits for it to be clicked
    /// (or closed) and calls back with the reminder's day.
    pub fn new(app_name: &str, on_click: Option<OnClick>) -> Self {
        DesktopNotifier {
            app_name: app_name.to_string(),
            on_click,
        }
    }
}

/// Action keys: "default" is a click on the notification itself.
pub const OPEN_ACTIONS: &[&str] = &["default", "open"];

impl Notifier for DesktopNotifier {
    fn send(&self, r: &Reminder) -> Result<(), String> {
        let mut n = notify_rust::Notification::new();
        n.appname(&self.app_name)
            .summary(&r.title)
            .body(&r.body)
            .icon("calendar")
            .action("default", "Open day")
            .action("open", "Open day");
        let handle = n.show().map_err(|e| e.to_string())?;
        if let Some(on_click) = self.on_click.clone() {
            let day = r.open_date;
            std::thread::Builder::new()
                .name("reminder-click".into())
                .spawn(move || {
                    #[cfg(all(unix, not(target_os = "macos")))]
                    handle.wait_for_action(|action| {
                        if OPEN_ACTIONS.contains(&action) {
                            on_click(day);
                        }
                    });
                    #[cfg(not(all(unix, not(target_os = "macos"))))]
                    {
                        let _ = (handle, on_click, day);
                    }
                })
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

/// What can go wrong sending reminders.
#[derive(Debug, thiserror::Error)]
pub enum RemindError {
    /// The notification server refused or is missing; nothing was recorded as sent.
    #[error("could not produce the reminder notification ({0}); it will be sent next time")]
    Notification(String),
    #[error(transparent)]
    Diary(#[from] DiaryError),
}

impl RemindError {
    /// The stable, machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            RemindError::Notification(_) => ErrorCode::NotificationFailed,
            RemindError::Diary(e) => e.code(),
        }
    }
}

/// Sends every reminder due at `now` and records each as sent once the
/// notification server has taken it. If the server is missing, the error is
/// returned, nothing is recorded, and the same reminders are due next time.
pub fn tick(diary: &mut Diary, now: NaiveDateTime, notifier: &dyn Notifier) -> Result<Vec<Reminder>, RemindError> {
    let mut sent = Vec::new();
    for r in diary.due_reminders(now)? {
        notifier.send(&r).map_err(RemindError::Notification)?;
        diary.mark_reminder_fired(&r.key, now)?;
        sent.push(r);
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use chrono::{Days, NaiveDate};
    use nextdate_diary::{Diary, InitOptions, NewCase, Protection, Zeroizing};

    use super::*;

    struct Refusing;
    impl Notifier for Refusing {
        fn send(&self, _: &Reminder) -> Result<(), String> {
            Err("no notification server".into())
        }
    }

    #[test]
    fn a_refused_notification_is_its_own_error_and_is_due_again() {
        let tmp = tempfile::tempdir().unwrap();
        let mut d = Diary::init(
            &tmp.path().join("diary"),
            InitOptions {
                name: "Test Chambers".into(),
                advocate: None,
                protection: Protection::Passphrase(Zeroizing::new("remind test passphrase".into())),
            },
        )
        .unwrap()
        .diary;
        let today = NaiveDate::from_ymd_opt(2031, 3, 10).unwrap();
        d.add_case(NewCase {
            title: "A v. B".into(),
            number: "C.S. 1/2031".into(),
            court: "Saket".into(),
            next_date: Some(today.checked_add_days(Days::new(1)).unwrap()),
            ..Default::default()
        })
        .unwrap();
        let evening = today.and_hms_opt(19, 5, 0).unwrap();
        let err = tick(&mut d, evening, &Refusing).unwrap_err();
        assert_eq!(err.code(), "notification_failed");
        assert!(err.to_string().contains("it will be sent next time"), "{err}");
        assert!(
            !d.due_reminders(evening).unwrap().is_empty(),
            "nothing was recorded as sent"
        );
    }
}
