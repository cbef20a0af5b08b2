//! Locking with the desktop: when the screen locks, the laptop is about to
//! suspend, or logind asks this session to lock, the diary locks as with
//! "Lock now". The signals are watched by `nextdate_remind::session_lock`; the
//! window learns of the lock from its `app_status` poll.

use nextdate_remind::session_lock::{watch, Buses};
use tauri::{AppHandle, Manager};

use crate::session::Session;

/// Starts watching the desktop's session and system buses for the app's lifetime.
pub fn start(app: AppHandle) {
    // The watcher's threads run as long as their buses; nothing to keep.
    let _watcher = watch(Buses::desktop(), move |_reason| {
        app.state::<Session>().lock();
    });
}
