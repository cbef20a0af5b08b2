//! Chamber sync in the app: the sync panel's commands (status, set up, invite,
//! join, sync now) and a background round every minute while the diary is open
//! and set up for sync. The engine is `nextdate-sync`; the shell only holds the
//! diary lock around it and tells the window when something arrived.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use nextdate_diary::{Diary, DiaryError};
use nextdate_sync::engine;
use nextdate_sync::{SyncError, SyncReport, SyncStatus};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::commands::AppError;
use crate::session::Session;

const ROUND_EVERY: Duration = Duration::from_secs(60);

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        AppError {
            code: e.code().to_string(),
            message: e.to_string(),
        }
    }
}

/// Runs a sync call on the unlocked diary.
fn with_sync<T>(s: &Session, f: impl FnOnce(&mut Diary) -> Result<T, SyncError>) -> Result<T, AppError> {
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
pub fn sync_setup(s: State<'_, Session>, relay: String) -> Result<SyncReport, AppError> {
    with_sync(&s, |d| engine::init(d, &relay))
}

#[tauri::command]
#[specta::specta]
pub fn sync_invite(s: State<'_, Session>, hours: u32) -> Result<InviteView, AppError> {
    let made = with_sync(&s, |d| {
        engine::invite(d, Duration::from_secs(u64::from(hours.clamp(1, 24 * 30)) * 3600))
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
    with_sync(&s, |d| engine::join(d, &code, label.trim()))
}

#[tauri::command]
#[specta::specta]
pub fn sync_now(s: State<'_, Session>) -> Result<SyncReport, AppError> {
    with_sync(&s, |d| engine::sync_with_retry(d, 2))
}

/// Whether the relay's host answers at all (checked without holding the diary,
/// so an unreachable relay never stalls the window).
fn reachable(relay: &str) -> bool {
    let host = relay.split("://").nth(1).unwrap_or(relay);
    let default_port = if relay.starts_with("https://") { 443 } else { 80 };
    let with_port = if host.contains(':') {
        host.to_string()
    } else {
        format!("{host}:{default_port}")
    };
    with_port
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_ok())
}

/// Starts the background sync loop for the app's lifetime.
pub fn start(app: AppHandle) {
    std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || loop {
            std::thread::sleep(ROUND_EVERY);
            let session = app.state::<Session>();
            let relay = session.peek(|d| d.sync_state("relay")).flatten();
            let Some(relay) = relay else { continue };
            if !reachable(&relay) {
                let _ = session.quietly(|d| {
                    d.set_sync_state(&[(
                        "last_error",
                        Some(&format!("the relay at {relay} cannot be reached; changes stay queued")),
                    )])
                });
                continue;
            }
            // Not activity: background sync must not keep an idle diary from locking.
            let mut report = None;
            let _ = session.quietly(|d| -> Result<(), DiaryError> {
                report = Some(engine::sync_now(d));
                Ok(())
            });
            if let Some(Ok(r)) = report {
                if r.merged_docs > 0 || r.blobs_received > 0 {
                    let _ = app.emit("synced", r.merged_docs);
                }
            }
        })
        .expect("the sync thread starts");
}
