//! Live notifications: each chamber with a live socket open has a channel on
//! which every batch stored for it (here or, through storage, on another
//! instance) announces the log's newest sequence number, and each live
//! socket listens to it.
//!
//! A `Notify` is only a hint of the newest number (the device pulls from its
//! own cursor), so a socket need not send every number it hears. When it
//! wakes it takes everything already queued and sends one `Notify` carrying
//! the highest: the highest, not the last heard, since two pushes stored one
//! after the other may announce out of order, and a device told less than
//! the newest may decide it has nothing to pull. After sending, a socket
//! waits [`SPACING`] (10 ms) before taking the next numbers: a push after a
//! quiet moment is told at once, a flood at most 10 ms late and in at most a
//! hundred writes a second per socket however fast batches arrive, the last
//! of them always carrying the newest number. A number no higher than one
//! the socket already sent (announced late) is not sent again: the numbers a
//! socket sends only rise.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::time::Instant;

/// Numbers a chamber's channel holds for a socket that has not taken them
/// yet; a socket further behind skips the oldest (it takes the newest anyway).
const QUEUED: usize = 64;

/// After a `Notify`, how long a socket gathers what comes next before it
/// sends again: a single push is told at once, a flood at most this late.
pub const SPACING: Duration = Duration::from_millis(10);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing here is left half-changed by a panic, so a poisoned lock is safe to use.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Every chamber's notification channel on this instance.
#[derive(Default)]
pub(crate) struct Channels {
    live: Mutex<HashMap<String, broadcast::Sender<u64>>>,
}

impl Channels {
    /// A listener to `chamber`'s channel (made if it has none yet).
    pub(crate) fn subscribe(&self, chamber: &str) -> Listener {
        let rx = lock(&self.live)
            .entry(chamber.to_string())
            .or_insert_with(|| broadcast::channel(QUEUED).0)
            .subscribe();
        Listener {
            rx,
            told: 0,
            spacing: SPACING,
            quiet_until: None,
        }
    }

    /// Forgets `chamber`'s channel once nothing listens to it.
    pub(crate) fn release(&self, chamber: &str) {
        let mut live = lock(&self.live);
        if live.get(chamber).is_some_and(|tx| tx.receiver_count() == 0) {
            live.remove(chamber);
        }
    }

    /// Tells `chamber`'s listeners that its log reached `latest`.
    pub(crate) fn notify(&self, chamber: &str, latest: u64) {
        if let Some(tx) = lock(&self.live).get(chamber) {
            let _ = tx.send(latest);
        }
    }

    /// Chambers with a channel.
    pub(crate) fn len(&self) -> usize {
        lock(&self.live).len()
    }
}

/// One live socket's end of its chamber's channel.
pub struct Listener {
    rx: broadcast::Receiver<u64>,
    /// The highest number this listener has returned.
    told: u64,
    /// [`SPACING`] (none in some tests).
    spacing: Duration,
    /// Until when the last number returned holds what comes after it.
    quiet_until: Option<Instant>,
}

impl Listener {
    /// Waits until the chamber's log grows past what this listener last
    /// returned, then returns the highest number announced (everything
    /// queued by then taken at once), but not within [`SPACING`] of the
    /// last return; `None` once the channel is gone. Cancel-safe (a
    /// `select!` branch): a number above the last one returned is taken
    /// only in the poll that returns it.
    pub async fn next(&mut self) -> Option<u64> {
        if let Some(until) = self.quiet_until.filter(|until| *until > Instant::now()) {
            tokio::time::sleep_until(until).await;
        }
        loop {
            let mut newest = match self.rx.recv().await {
                Ok(latest) => latest,
                // Skipped the oldest: the newest are still queued.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            };
            self.take_queued(&mut newest);
            // A number announced late, after a higher one was told, says nothing new.
            if newest > self.told {
                self.told = newest;
                self.quiet_until = Some(Instant::now() + self.spacing);
                return Some(newest);
            }
        }
    }

    /// Raises `newest` to the highest number already queued, taking them all.
    fn take_queued(&mut self, newest: &mut u64) {
        loop {
            match self.rx.try_recv() {
                Ok(latest) => *newest = (*newest).max(latest),
                Err(TryRecvError::Lagged(_)) => continue,
                Err(TryRecvError::Empty | TryRecvError::Closed) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now(listener: &mut Listener) -> Option<u64> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                tokio::time::timeout(std::time::Duration::from_secs(5), listener.next())
                    .await
                    .expect("a notification was queued")
            })
    }

    fn queued(listener: &Listener) -> usize {
        listener.rx.len()
    }

    #[test]
    fn a_burst_is_one_notification_with_its_highest_number() {
        let channels = Channels::default();
        let mut listener = channels.subscribe("C1");
        // Two pushes stored as 6 and 7 may announce 7 before 6.
        for latest in [5, 7, 6] {
            channels.notify("C1", latest);
        }
        assert_eq!(now(&mut listener), Some(7), "the newest number, not the last heard");
        assert_eq!(queued(&listener), 0, "the burst was taken whole");
        channels.notify("C1", 8);
        assert_eq!(now(&mut listener), Some(8), "what comes after is told too");
        channels.notify("C1", 9);
        channels.notify("C1", 10);
        assert_eq!(now(&mut listener), Some(10));
    }

    #[test]
    fn a_number_announced_late_is_not_told_again() {
        let channels = Channels::default();
        let mut listener = channels.subscribe("C1");
        listener.spacing = Duration::ZERO;
        channels.notify("C1", 7);
        assert_eq!(now(&mut listener), Some(7));
        // The push stored as 6 announces after 7 was told.
        channels.notify("C1", 6);
        let late = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                tokio::select! {
                    biased;
                    told = listener.next() => told,
                    () = std::future::ready(()) => None,
                }
            });
        assert_eq!(late, None, "nothing new to tell");
        assert_eq!(queued(&listener), 0, "taken, and passed over");
        channels.notify("C1", 8);
        assert_eq!(now(&mut listener), Some(8));
    }

    #[test]
    fn a_flood_is_told_at_most_once_a_spacing() {
        let channels = Channels::default();
        let mut listener = channels.subscribe("C1");
        let start = std::time::Instant::now();
        channels.notify("C1", 1);
        assert_eq!(now(&mut listener), Some(1), "the first is told at once");
        channels.notify("C1", 2);
        channels.notify("C1", 3);
        assert_eq!(now(&mut listener), Some(3), "then the newest of what came meanwhile");
        assert!(start.elapsed() >= SPACING, "{:?}", start.elapsed());
    }

    #[test]
    fn a_listener_far_behind_still_gets_the_newest() {
        let channels = Channels::default();
        let mut listener = channels.subscribe("C1");
        let other = channels.subscribe("C2");
        for latest in 1..=(3 * QUEUED as u64) {
            channels.notify("C1", latest);
        }
        assert_eq!(now(&mut listener), Some(3 * QUEUED as u64));
        assert_eq!(queued(&listener), 0);
        assert_eq!(queued(&other), 0, "another chamber hears nothing");
    }

    #[test]
    fn a_channel_goes_with_its_last_listener() {
        let channels = Channels::default();
        let first = channels.subscribe("C1");
        let second = channels.subscribe("C1");
        drop(first);
        channels.release("C1");
        assert_eq!(channels.len(), 1, "one listener is left");
        drop(second);
        channels.release("C1");
        assert_eq!(channels.len(), 0);
        channels.notify("C1", 3); // nobody listens: nothing to do
    }
}
