//! Reminders in the app: every half minute, while the diary is open, the due
//! reminders go out as desktop notifications; clicking one brings the window
//! forward on that day (the `open-day` event). Rules live in
//! `nextdate_diary::reminders`, delivery in `nextdate-remind`.

use std::sync::Arc;
use std::time::Duration;

use chrono::Local;
use nextdate_diary::reminders::ReminderSettings;
use nextdate_remind::DesktopNotifier;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::commands::AppError;
use crate::session::Session;

const CHECK_EVERY: Duration = Duration::from_secs(30);
/// After a failure (no notification server), wait this long before trying again.
const AFTER_FAILURE: Duration = Duration::from_secs(600);

/// Starts the reminder loop for the app's lifetime.
pub fn start(app: AppHandle) {
    let handle = app.clone();
    let on_click: nextdate_remind::OnClick = Arc::new(move |day| {
        if let Some(w) = handle.get_webview_window("main") {
            let _ = w.unminimize();
            let _ = w.show();
            let _ = w.set_focus();
        }
        let _ = handle.emit("open-day", day.to_string());
    });
    let notifier = DesktopNotifier::new("Nextdate", Some(on_click));
    std::thread::Builder::new()
        .name("reminders".into())
        .spawn(move || loop {
            std::thread::sleep(CHECK_EVERY);
            let session = app.state::<Session>();
            let now = Local::now().naive_local();
            // Not activity: reminders must not keep an idle diary from locking.
            if let Err(e) = session.quietly(|d| nextdate_remind::tick(d, now, &notifier)) {
                eprintln!("nextdate: {e}");
                std::thread::sleep(AFTER_FAILURE);
            }
        })
        .expect("the reminder thread starts");
}

#[tauri::command]
#[specta::specta]
pub fn reminder_settings(s: State<'_, Session>) -> Result<ReminderSettings, AppError> {
    Ok(s.with(|d| d.reminder_settings())?)
}

#[tauri::command]
#[specta::specta]
pub fn save_reminder_settings(s: State<'_, Session>, settings: ReminderSettings) -> Result<(), AppError> {
    Ok(s.with(|d| d.set_reminder_settings(&settings))?)
}
