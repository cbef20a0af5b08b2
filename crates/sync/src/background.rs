//! Background sync for an app that keeps a diary open: two threads, one that
//! runs rounds when the [`Scheduler`] says so and one that keeps the relay's
//! live connection open and wakes it. The diary is reached through a
//! [`DiaryHost`] (the app's session, which may be locked at any moment), and
//! what the window should hear about comes out as [`SyncEvent`]s.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use nextdate_diary::Diary;

use crate::client::relay_endpoint;
use crate::engine::{self, SyncReport, SyncState};
use crate::live::{LiveEvent, LiveFeed, LiveTarget};
use crate::scheduler::{Backoff, Scheduler, Wake, PING_EVERY, TICK};

/// Where the open diary lives. Neither call counts as the advocate's activity:
/// background sync must not keep an idle diary from locking.
pub trait DiaryHost: Send + Sync + 'static {
    /// Reads the diary; `None` when it is locked.
    fn peek<T>(&self, f: impl FnOnce(&Diary) -> T) -> Option<T>;
    /// Writes to the diary; `None` when it is locked.
    fn quietly<T>(&self, f: impl FnOnce(&mut Diary) -> T) -> Option<T>;
    /// Runs a sync round's work on the diary; `None` when it is locked. A host
    /// gives it a connection of its own ([`Diary::open_again`]), so the
    /// screens never wait while the round talks to the relay; by default it is
    /// the same diary as [`DiaryHost::quietly`].
    fn in_background<T>(&self, f: impl FnOnce(&mut Diary) -> T) -> Option<T> {
        self.quietly(f)
    }
}

/// What background sync tells the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent {
    /// A round brought documents or attachments from other devices.
    Received(SyncReport),
    /// The live connection opened (`true`) or closed (`false`).
    Live(bool),
}

/// Whether the relay's host answers at all (checked without holding the diary,
/// so an unreachable relay never stalls the app).
fn reachable(relay: &str) -> bool {
    relay_endpoint(relay).is_ok_and(|e| e.connect(Duration::from_secs(2)).is_ok())
}

fn sync_state<H: DiaryHost>(host: &H) -> Option<SyncState> {
    host.peek(|d| engine::state(d).ok().flatten()).flatten()
}

/// Starts background sync for the app's lifetime.
pub fn start<H: DiaryHost>(host: Arc<H>, on_event: impl Fn(SyncEvent) + Send + Sync + 'static) {
    let on_event = Arc::new(on_event);
    let (wake, woken) = mpsc::channel::<Wake>();
    let (live_host, live_events) = (host.clone(), on_event.clone());
    std::thread::Builder::new()
        .name("sync-live".into())
        .spawn(move || listen(&*live_host, wake, &*live_events))
        .expect("the live sync thread starts");
    std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || run_rounds(&*host, woken, &*on_event))
        .expect("the sync thread starts");
}

/// The round thread: looks every [`TICK`] (or when woken) and runs a round when the scheduler says so.
fn run_rounds<H: DiaryHost>(host: &H, woken: mpsc::Receiver<Wake>, on_event: &dyn Fn(SyncEvent)) {
    let mut scheduler = Scheduler::new(Instant::now());
    loop {
        let wake = woken.recv_timeout(TICK).ok();
        let Some(state) = sync_state(host) else {
            scheduler.idle();
            continue;
        };
        if !scheduler.decide(Instant::now(), &state, wake) {
            continue;
        }
        if !reachable(&state.relay) {
            let why = format!("the relay at {} cannot be reached; changes stay queued", state.relay);
            let _ = host.quietly(|d| engine::note_error(d, &why));
            scheduler.round_failed(Instant::now());
            continue;
        }
        // The round's connection first takes up any chamber the screens'
        // connection joined; afterwards the screens take up any change the
        // round made to the diary's identity.
        let round = host.in_background(|d| {
            d.refresh_identity()?;
            engine::sync_now(d)
        });
        let _ = host.quietly(|d| d.refresh_identity());
        match round {
            Some(Ok(report)) => {
                scheduler.round_done(sync_state(host).map_or(0, |s| s.pending_changes));
                if report.merged_docs > 0 || report.blobs_received > 0 {
                    on_event(SyncEvent::Received(report));
                }
            }
            Some(Err(_)) => scheduler.round_failed(Instant::now()),
            None => {}
        }
    }
}

/// Keeps a live connection to the relay open while the diary is unlocked and
/// set up for sync, and wakes the round thread when the chamber's log grows.
fn listen<H: DiaryHost>(host: &H, wake: mpsc::Sender<Wake>, on_event: &dyn Fn(SyncEvent)) {
    let mut backoff = Backoff::default();
    loop {
        let Some(target) = host.peek(|d| LiveTarget::of(d).ok()).flatten() else {
            std::thread::sleep(TICK);
            continue;
        };
        let mut feed = match LiveFeed::connect(&target) {
            Ok(feed) => feed,
            Err(_) => {
                std::thread::sleep(backoff.fail());
                continue;
            }
        };
        backoff.reset();
        on_event(SyncEvent::Live(true));
        if wake.send(Wake::Connected).is_err() {
            return;
        }
        let mut last_ping = Instant::now();
        loop {
            // Locked, or pointed at another relay: drop this connection.
            let same = sync_state(host).map(|s| s.relay);
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
        on_event(SyncEvent::Live(false));
    }
}
