//! `nextdate-app`: the thin Tauri v2 shell of Nextdate. It opens the diary
//! folder (the app data folder for the app's identifier, or `NEXTDATE_DIARY`),
//! exposes the commands in [`commands`] and keeps the session ([`session`]).

pub mod accounts;
pub mod backups;
pub mod bills;
pub mod client_updates;
pub mod commands;
pub mod corrections;
pub mod data;
pub mod documents;
pub mod lifecycle;
pub mod links;
pub mod printing;
pub mod progress;
pub mod record_corrections;
pub mod reminders;
pub mod session;
pub mod session_lock;
pub mod settings;
pub mod sync;

use std::path::PathBuf;
use std::time::Duration;

use tauri::Manager;

/// The diary folder: `NEXTDATE_DIARY` if set (tests use a throwaway folder),
/// else the app data folder.
fn diary_dir(app: &tauri::AppHandle) -> PathBuf {
    if let Some(dir) = std::env::var_os("NEXTDATE_DIARY").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    app.path()
        .app_data_dir()
        .ok()
        .or_else(nextdate_diary::Diary::default_dir)
        .expect("no data folder on this system")
}

pub fn run() {
    let builder = commands::bindings();
    documents::sweep();
    tauri::Builder::default()
        // First: a second launch hands over to the window already open (brought
        // forward) and exits, so one diary is never opened twice.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let dir = diary_dir(app.handle());
            app.manage(session::Session::new(dir));
            reminders::start(app.handle().clone());
            session_lock::start(app.handle().clone());
            sync::start(app.handle().clone());
            backups::start(app.handle().clone());
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(Duration::from_secs(15));
                handle.state::<session::Session>().lock_if_idle();
            });
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("error while building the Nextdate window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                // Closing the diary writes the closing backup when it changed.
                app.state::<session::Session>().lock();
                documents::sweep();
            }
        });
}
