//! Long work in the app — a backup, a restore, an import, "Back up now" —
//! tells the window how far it is (`progress` events carrying a
//! [`WorkProgress`]) and stops when the window calls [`cancel_work`]. The core
//! decides where stopping is safe (see `nextdate_diary::progress`); this only
//! keeps the running work's cancel flag and forwards its reports, at most
//! about ten a second.
//!
//! The flag is held here, in a `static`, rather than in the app's managed
//! state, so that it needs nothing from the app's setup. Such commands run off
//! the main thread (`#[tauri::command(async)]`), so that the window's call to
//! `cancel_work` is heard while they run.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use nextdate_diary::{Cancel, Progress, Stage, Step};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Emitter};

/// The event the window hears while long work runs.
pub const EVENT: &str = "progress";

/// Reports closer together than this are not all sent (the last one always is).
const EVERY: Duration = Duration::from_millis(100);

/// Where long work stands, as the window shows it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct WorkProgress {
    pub stage: Stage,
    /// What is being done, in words ("Backing up").
    pub label: String,
    /// What `done` and `total` count ("records").
    pub unit: String,
    pub done: u32,
    /// 0 while the total is not known yet.
    pub total: u32,
    /// Cancel was asked for: the work stops at its next safe point.
    pub cancelling: bool,
    /// The work is over (finished, failed or cancelled): the bar goes.
    pub finished: bool,
}

impl WorkProgress {
    fn new(stage: Stage, done: u64, total: u64) -> Self {
        WorkProgress {
            stage,
            label: stage.label().to_string(),
            unit: stage.unit().to_string(),
            done: u32::try_from(done).unwrap_or(u32::MAX),
            total: u32::try_from(total.max(done)).unwrap_or(u32::MAX),
            cancelling: false,
            finished: false,
        }
    }
}

/// The work running now: its cancel flag and its latest report.
struct Running {
    cancel: Cancel,
    latest: WorkProgress,
}

static RUNNING: Mutex<Option<Running>> = Mutex::new(None);

fn running() -> MutexGuard<'static, Option<Running>> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` as the app's long work, starting at `stage`: the window hears its
/// progress (and a last event with `finished` when it is over, however it
/// ends), and [`cancel_work`] stops it.
pub fn run<T>(app: &AppHandle, stage: Stage, f: impl FnOnce(&Progress<'_>) -> T) -> T {
    let cancel = Cancel::new();
    let start = WorkProgress::new(stage, 0, 0);
    *running() = Some(Running {
        cancel: cancel.clone(),
        latest: start.clone(),
    });
    let _ = app.emit(EVENT, &start);
    let last_sent = Mutex::new(Instant::now());
    let report = |s: Step| {
        let mut now = WorkProgress::new(s.stage, s.done, s.total);
        now.cancelling = cancel.is_cancelled();
        if let Some(r) = running().as_mut() {
            r.latest = now.clone();
        }
        let mut last = last_sent.lock().unwrap_or_else(|e| e.into_inner());
        if last.elapsed() >= EVERY || s.done >= s.total {
            *last = Instant::now();
            let _ = app.emit(EVENT, &now);
        }
    };
    let out = f(&Progress::new(&report, &cancel));
    let mut end = running().take().map(|r| r.latest).unwrap_or(start);
    end.finished = true;
    let _ = app.emit(EVENT, &end);
    out
}

/// Asks the long work running now to stop at its next safe point; nothing
/// half-done stays. Returns where it was (none when nothing runs).
#[tauri::command]
#[specta::specta]
pub fn cancel_work(app: AppHandle) -> Option<WorkProgress> {
    let mut guard = running();
    let r = guard.as_mut()?;
    r.cancel.cancel();
    r.latest.cancelling = true;
    let now = r.latest.clone();
    drop(guard);
    let _ = app.emit(EVENT, &now);
    Some(now)
}
