//! Chamber sync in the app: the sync panel's commands (status, set up, invite,
//! join, sync now) and starting background sync while the diary is open and
//! set up for sync. The engine and its scheduler (when rounds run, back-off,
//! the live connection) are `nextdate-sync`; the shell only lends it the
//! diary through the session and tells the window when something arrived.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use nextdate_diary::roles::Role;
use nextdate_diary::{Diary, DiaryError};
use nextdate_sync::background::{self, DiaryHost, SyncEvent};
use nextdate_sync::engine;
use nextdate_sync::{SyncError, SyncReport, SyncStatus};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::commands::AppError;
use crate::session::Session;

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        AppError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// Runs a sync call on the unlocked diary.
pub(crate) fn with_sync<T>(s: &Session, f: impl FnOnce(&mut Diary) -> Result<T, SyncError>) -> Result<T, AppError> {
    let mut out = None;
    s.with(|d| {
        out = Some(f(d));
        Ok(())
    })?;
    out.expect("ran").map_err(AppError::from)
}

/// A new invite as the panel shows it.
#[derive(Serialize, Type)]
pub struct InviteView {
    pub code: String,
    /// The code as a QR code (SVG markup).
    pub qr_svg: String,
    /// When it stops working (local time, "DD-MM-YYYY HH:MM").
    pub expires: String,
}

#[tauri::command]
#[specta::specta]
pub fn sync_status(s: State<'_, Session>) -> Result<SyncStatus, AppError> {
    with_sync(&s, |d| engine::status(d))
}

#[tauri::command]
#[specta::specta]
pub fn sync_setup(
    s: State<'_, Session>,
    relay: String,
    pin: Option<String>,
    token: Option<String>,
) -> Result<SyncReport, AppError> {
    let pin = pin
        .filter(|p| !p.trim().is_empty())
        .map(|p| nextdate_sync::protocol::CertPin::parse(&p))
        .transpose()
        .map_err(SyncError::from)?;
    with_sync(&s, |d| engine::init(d, &relay, pin, token.as_deref()))
}

#[tauri::command]
#[specta::specta]
pub fn sync_invite(s: State<'_, Session>, hours: u32, role: Role) -> Result<InviteView, AppError> {
    let made = with_sync(&s, |d| {
        nextdate_sync::joining::invite(d, Duration::from_secs(u64::from(hours.clamp(1, 24 * 30)) * 3600), role)
    })?;
    let invite = made.invite;
    Ok(InviteView {
        code: invite.code().to_string(),
        qr_svg: invite.qr_svg(),
        expires: chrono::DateTime::from_timestamp(invite.expires_at, 0)
            .map(|t| t.with_timezone(&chrono::Local).format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_default(),
    })
}

#[tauri::command]
#[specta::specta]
pub fn sync_join(s: State<'_, Session>, code: String, label: String) -> Result<SyncReport, AppError> {
    let label = if label.trim().is_empty() {
        "laptop".to_string()
    } else {
        label
    };
    with_sync(&s, |d| nextdate_sync::joining::join(d, &code, label.trim()))
}

/// Changes a member's role (Sync → Members); syncs so every laptop learns it.
#[tauri::command]
#[specta::specta]
pub fn sync_set_role(s: State<'_, Session>, member_id: String, role: Role) -> Result<SyncStatus, AppError> {
    with_sync(&s, |d| {
        nextdate_sync::members::set_role(d, &member_id, role)?;
        engine::status(d)
    })
}

/// Removes a laptop from the chamber and changes the chamber key so it can
/// read nothing written from now on (Sync → Members, the admin laptop only).
#[tauri::command]
#[specta::specta]
pub fn sync_remove_device(s: State<'_, Session>, actor: String) -> Result<SyncStatus, AppError> {
    with_sync(&s, |d| {
        nextdate_sync::rotation::remove(d, &actor)?;
        engine::status(d)
    })
}

/// Re-checks the author of every change in the diary (Sync → Authorship).
#[tauri::command]
#[specta::specta]
pub fn verify_authorship(s: State<'_, Session>) -> Result<nextdate_diary::authorship::AuthorshipReport, AppError> {
    with_sync(&s, |d| Ok(d.verify_authorship()?))
}

#[tauri::command]
#[specta::specta]
pub fn sync_now(s: State<'_, Session>) -> Result<SyncReport, AppError> {
    with_sync(&s, |d| engine::sync_with_retry(d, 2))
}

/// Whether the live connection to the relay is open right now.
static LIVE: AtomicBool = AtomicBool::new(false);

/// Whether other laptops' changes arrive at once (the live connection is open)
/// or only with the minute round. Reads no diary, so polling it is not activity.
#[tauri::command]
#[specta::specta]
pub fn sync_live() -> bool {
    LIVE.load(Ordering::Relaxed)
}

/// The app's session as background sync sees it.
struct AppDiary(AppHandle);

impl DiaryHost for AppDiary {
    fn peek<T>(&self, f: impl FnOnce(&Diary) -> T) -> Option<T> {
        self.0.state::<Session>().peek(|d| Ok(f(d)))
    }
    fn quietly<T>(&self, f: impl FnOnce(&mut Diary) -> T) -> Option<T> {
        self.0
            .state::<Session>()
            .quietly(|d| Ok::<_, DiaryError>(f(d)))
            .ok()
            .flatten()
    }
    fn in_background<T>(&self, f: impl FnOnce(&mut Diary) -> T) -> Option<T> {
        self.0.state::<Session>().in_background(f)
    }
}

/// Starts background sync for the app's lifetime: a round soon after local
/// changes, at once when the relay says there is something new, and every
/// minute regardless (see `nextdate_sync::scheduler`). The window hears
/// `synced` (with the number of documents merged) when something arrived.
pub fn start(app: AppHandle) {
    let events = app.clone();
    background::start(Arc::new(AppDiary(app)), move |event| match event {
        SyncEvent::Received(r) => {
            let _ = events.emit("synced", r.merged_docs);
        }
        SyncEvent::Live(open) => LIVE.store(open, Ordering::Relaxed),
    });
}
