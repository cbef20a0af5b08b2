//! Chamber sync in the app: the sync panel's commands (status, set up, invite,
//! join, sync now) and background sync while the diary is open and set up for
//! sync: local changes go out within seconds, the relay's live connection
//! brings other devices' changes at once, and a round runs every minute
//! regardless. The engine is `nextdate-sync`; the shell only holds the diary
//! lock around it and tells the window when something arrived.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nextdate_diary::{Diary, DiaryError};
use nextdate_sync::client::relay_endpoint;
use nextdate_sync::engine;
use nextdate_sync::live::{LiveEvent, LiveFeed, LiveTarget};
use nextdate_sync::{SyncError, SyncReport, SyncStatus};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::commands::AppError;
use crate::session::Session;

/// A round at least this often, live connection or not.
const ROUND_EVERY: Duration = Duration::from_secs(60);
/// How often the sync thread looks for local changes to send.
const TICK: Duration = Duration::from_secs(2);
/// The first wait after a failed round or connection (doubling up to [`ROUND_EVERY`]).
const MIN_BACKOFF: Duration = Duration::from_secs(5);
/// How often an idle live connection is checked.
const PING_EVERY: Duration = Duration::from_secs(30);

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

/// Whether the live connection to the relay is open right now.
static LIVE: AtomicBool = AtomicBool::new(false);

/// Whether other laptops' changes arrive at once (the live connection is open)
/// or only with the minute round. Reads no diary, so polling it is not activity.
#[tauri::command]
#[specta::specta]
pub fn sync_live() -> bool {
    LIVE.load(Ordering::Relaxed)
}

/// Whether the relay's host answers at all (checked without holding the diary,
/// so an unreachable relay never stalls the window).
fn reachable(relay: &str) -> bool {
    relay_endpoint(relay).is_ok_and(|e| e.connect(Duration::from_secs(2)).is_ok())
}

/// Why the sync thread woke.
enum Wake {
    /// The relay says the chamber's log now ends here.
    Grew(u64),
    /// The live connection was (re)opened: catch up on what was missed.
    Connected,
}

/// What the sync thread needs to know to decide on a round, read in one short peek.
struct Due {
    relay: String,
    pending: i64,
    cursor: u64,
}

fn due(session: &Session) -> Option<Due> {
    session
        .peek(|d| {
            Ok(d.sync_state("relay")?.map(|relay| Due {
                relay,
                pending: d.outbox_len().unwrap_or(0),
                cursor: d
                    .sync_state("cursor")
                    .ok()
                    .flatten()
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0),
            }))
        })
        .flatten()
}

/// Starts background sync for the app's lifetime: a round soon after local
/// changes (once none has come for a [`TICK`]), at once when the relay says there is something
/// new, and every [`ROUND_EVERY`] regardless. Failed rounds back off.
pub fn start(app: AppHandle) {
    let (wake, woken) = mpsc::channel::<Wake>();
    let live_app = app.clone();
    std::thread::Builder::new()
        .name("sync-live".into())
        .spawn(move || listen(live_app, wake))
        .expect("the live sync thread starts");
    std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || {
            let mut last_round: Option<Instant> = None;
            let mut pending_after_round = 0;
            // Local changes go out once the advocate pauses (no new change for a
            // tick), so a round, which holds the diary, never lands mid-typing.
            let mut pending_last_tick = 0;
            let mut backoff = MIN_BACKOFF;
            let mut not_before = Instant::now();
            loop {
                let hint = woken.recv_timeout(TICK);
                let session = app.state::<Session>();
                let Some(now) = due(&session) else {
                    last_round = None;
                    continue;
                };
                let asked = match hint {
                    Ok(Wake::Grew(latest)) => latest > now.cursor,
                    Ok(Wake::Connected) => true,
                    Err(_) => false,
                };
                let settled = now.pending == pending_last_tick;
                pending_last_tick = now.pending;
                let run = asked
                    || (now.pending > 0 && settled && now.pending != pending_after_round)
                    || last_round.is_none_or(|t| t.elapsed() >= ROUND_EVERY);
                if !run || Instant::now() < not_before {
                    continue;
                }
                last_round = Some(Instant::now());
                if !reachable(&now.relay) {
                    let _ = session.quietly(|d| {
                        d.set_sync_state(&[(
                            "last_error",
                            Some(&format!(
                                "the relay at {} cannot be reached; changes stay queued",
                                now.relay
                            )),
                        )])
                    });
                    not_before = Instant::now() + backoff;
                    backoff = (backoff * 2).min(ROUND_EVERY);
                    continue;
                }
                // Not activity: background sync must not keep an idle diary from locking.
                let mut report = None;
                let _ = session.quietly(|d| -> Result<(), DiaryError> {
                    report = Some(engine::sync_now(d));
                    Ok(())
                });
                match report {
                    Some(Ok(r)) => {
                        backoff = MIN_BACKOFF;
                        pending_after_round = due(&session).map_or(0, |d| d.pending);
                        if r.merged_docs > 0 || r.blobs_received > 0 {
                            let _ = app.emit("synced", r.merged_docs);
                        }
                    }
                    Some(Err(_)) => {
                        not_before = Instant::now() + backoff;
                        backoff = (backoff * 2).min(ROUND_EVERY);
                    }
                    None => {}
                }
            }
        })
        .expect("the sync thread starts");
}

/// Keeps a live connection to the relay open while the diary is unlocked and
/// set up for sync, and wakes the sync thread when the chamber's log grows.
fn listen(app: AppHandle, wake: mpsc::Sender<Wake>) {
    let mut backoff = MIN_BACKOFF;
    loop {
        let session = app.state::<Session>();
        let Some(target) = session.peek(|d| Ok(LiveTarget::of(d).ok())).flatten() else {
            std::thread::sleep(TICK);
            continue;
        };
        let mut feed = match LiveFeed::connect(&target) {
            Ok(feed) => feed,
            Err(_) => {
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(ROUND_EVERY);
                continue;
            }
        };
        backoff = MIN_BACKOFF;
        LIVE.store(true, Ordering::Relaxed);
        if wake.send(Wake::Connected).is_err() {
            return;
        }
        let mut last_ping = Instant::now();
        loop {
            // Locked, or pointed at another relay: drop this connection.
            let same = session.peek(|d| d.sync_state("relay")).flatten();
            if same.as_deref() != Some(target.relay()) {
                break;
            }
            match feed.next(TICK) {
                Ok(LiveEvent::Grew(latest)) => {
                    if wake.send(Wake::Grew(latest)).is_err() {
                        return;
                    }
                }
                Ok(LiveEvent::Quiet) if last_ping.elapsed() >= PING_EVERY => {
                    if feed.ping().is_err() {
                        break;
                    }
                    last_ping = Instant::now();
                }
                Ok(LiveEvent::Quiet) => {}
                Err(_) => break,
            }
        }
        LIVE.store(false, Ordering::Relaxed);
    }
}
