//! When background sync runs a round, as pure decisions: no threads, no
//! sleeps, no diary. The caller passes the time in (an injected clock), so the
//! rules below are tested by stepping a clock rather than by waiting.
//!
//! - Local changes go out once the advocate pauses: a round runs when changes
//!   are pending and none has been added since the last [`TICK`] (a round holds
//!   the diary, so it should not land mid-typing), and not again for the same
//!   count if they are still pending after a round.
//! - The relay's live connection wakes a round at once when the chamber's log
//!   has grown past this device's cursor, or when it (re)connects.
//! - A round runs every [`ROUND_EVERY`] regardless (the safety round).
//! - A failed round (or an unreachable relay) backs off: 5 s, 10 s, 20 s …
//!   up to [`ROUND_EVERY`]; a good round resets it. The live connection backs
//!   off the same way.

use std::time::{Duration, Instant};

use crate::engine::SyncState;

/// A round at least this often, live connection or not.
pub const ROUND_EVERY: Duration = Duration::from_secs(60);
/// How often the scheduler looks for local changes to send.
pub const TICK: Duration = Duration::from_secs(2);
/// The first wait after a failed round or connection (doubling up to [`ROUND_EVERY`]).
pub const MIN_BACKOFF: Duration = Duration::from_secs(5);
/// How often an idle live connection is checked.
pub const PING_EVERY: Duration = Duration::from_secs(30);

/// Why the scheduler woke before its tick was up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The relay says the chamber's log now ends here.
    Grew(u64),
    /// The live connection was (re)opened: catch up on what was missed.
    Connected,
}

/// A wait that doubles after each failure, from [`MIN_BACKOFF`] up to [`ROUND_EVERY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { next: MIN_BACKOFF }
    }
}

impl Backoff {
    /// Another failure: how long to wait now (the next one waits twice as long).
    pub fn fail(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(ROUND_EVERY);
        wait
    }

    /// A success: the next failure waits [`MIN_BACKOFF`] again.
    pub fn reset(&mut self) {
        self.next = MIN_BACKOFF;
    }
}

/// The scheduler's memory between ticks.
#[derive(Debug, Clone)]
pub struct Scheduler {
    last_round: Option<Instant>,
    /// Changes still pending right after the last good round.
    pending_after_round: u64,
    /// Changes pending at the previous tick (to see whether typing has paused).
    pending_last_tick: u64,
    backoff: Backoff,
    not_before: Instant,
}

impl Scheduler {
    pub fn new(now: Instant) -> Scheduler {
        Scheduler {
            last_round: None,
            pending_after_round: 0,
            pending_last_tick: 0,
            backoff: Backoff::default(),
            not_before: now,
        }
    }

    /// The diary is locked or not set up for sync: when it is again, a round runs at once.
    pub fn idle(&mut self) {
        self.last_round = None;
    }

    /// Whether to start a round at `now`, given the diary's sync state and what
    /// woke the scheduler (`None`: its tick ran out). A `true` counts as the
    /// round starting; report how it went with [`Scheduler::round_done`] or
    /// [`Scheduler::round_failed`].
    pub fn decide(&mut self, now: Instant, state: &SyncState, wake: Option<Wake>) -> bool {
        let asked = match wake {
            Some(Wake::Grew(latest)) => latest > state.cursor,
            Some(Wake::Connected) => true,
            None => false,
        };
        let pending = state.pending_changes;
        let settled = pending == self.pending_last_tick;
        self.pending_last_tick = pending;
        let run = asked
            || (pending > 0 && settled && pending != self.pending_after_round)
            || self.last_round.is_none_or(|t| now.duration_since(t) >= ROUND_EVERY);
        if !run || now < self.not_before {
            return false;
        }
        self.last_round = Some(now);
        true
    }

    /// The round went through; `pending` changes are still waiting after it.
    pub fn round_done(&mut self, pending: u64) {
        self.backoff.reset();
        self.pending_after_round = pending;
    }

    /// The round failed (or the relay could not be reached): no round before the back-off has passed.
    pub fn round_failed(&mut self, now: Instant) {
        self.not_before = now + self.backoff.fail();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(pending: u64, cursor: u64) -> SyncState {
        SyncState {
            relay: "http://127.0.0.1:7070".into(),
            cursor,
            pending_changes: pending,
            last_sync: None,
            last_error: None,
        }
    }

    /// A clock the tests step by hand.
    struct Clock(Instant);
    impl Clock {
        fn at(&self, secs: u64) -> Instant {
            self.0 + Duration::from_secs(secs)
        }
    }

    /// A scheduler that has just had a good round at 0 s with nothing pending.
    fn after_first_round() -> (Clock, Scheduler) {
        let clock = Clock(Instant::now());
        let mut s = Scheduler::new(clock.at(0));
        assert!(s.decide(clock.at(0), &state(0, 0), None), "the first look runs a round");
        s.round_done(0);
        (clock, s)
    }

    #[test]
    fn local_changes_go_out_once_typing_pauses() {
        let (clock, mut s) = after_first_round();
        assert!(!s.decide(clock.at(2), &state(0, 0), None), "nothing to do");
        assert!(!s.decide(clock.at(4), &state(1, 0), None), "still typing");
        assert!(!s.decide(clock.at(6), &state(3, 0), None), "still typing");
        assert!(s.decide(clock.at(8), &state(3, 0), None), "paused for a tick");
        s.round_done(0);
        assert!(!s.decide(clock.at(10), &state(0, 0), None));
    }

    #[test]
    fn changes_left_pending_after_a_round_do_not_rerun_it_every_tick() {
        let (clock, mut s) = after_first_round();
        assert!(!s.decide(clock.at(2), &state(4, 0), None));
        assert!(s.decide(clock.at(4), &state(4, 0), None));
        s.round_done(4);
        assert!(
            !s.decide(clock.at(6), &state(4, 0), None),
            "same count as after the round"
        );
        assert!(
            !s.decide(clock.at(8), &state(5, 0), None),
            "a new change, not yet settled"
        );
        assert!(s.decide(clock.at(10), &state(5, 0), None));
    }

    #[test]
    fn a_round_runs_every_minute_regardless() {
        let (clock, mut s) = after_first_round();
        for t in (2..60).step_by(2) {
            assert!(!s.decide(clock.at(t), &state(0, 0), None), "at {t} s");
        }
        assert!(s.decide(clock.at(60), &state(0, 0), None), "the minute round");
        s.round_done(0);
        assert!(!s.decide(clock.at(62), &state(0, 0), None));
        assert!(s.decide(clock.at(120), &state(0, 0), None));
    }

    #[test]
    fn the_live_connection_wakes_a_round_only_for_news() {
        let (clock, mut s) = after_first_round();
        assert!(
            !s.decide(clock.at(1), &state(0, 7), Some(Wake::Grew(7))),
            "already have it"
        );
        assert!(!s.decide(clock.at(2), &state(0, 7), Some(Wake::Grew(3))));
        assert!(s.decide(clock.at(3), &state(0, 7), Some(Wake::Grew(8))), "the log grew");
        s.round_done(0);
        assert!(
            s.decide(clock.at(4), &state(0, 8), Some(Wake::Connected)),
            "reconnected: catch up"
        );
    }

    #[test]
    fn failures_back_off_from_5_to_60_seconds_and_a_good_round_resets() {
        let (clock, mut s) = after_first_round();
        // How long after a failure at `at` the next round may start, even when asked at once.
        let wait_after_failure = |s: &mut Scheduler, at: Instant| {
            s.round_failed(at);
            let mut wait = 0;
            while !s.decide(at + Duration::from_secs(wait), &state(0, 0), Some(Wake::Connected)) {
                wait += 1;
            }
            at + Duration::from_secs(wait)
        };
        let mut at = clock.at(0);
        let mut waits = Vec::new();
        for _ in 0..7 {
            let next = wait_after_failure(&mut s, at);
            waits.push(next.duration_since(at).as_secs());
            at = next;
        }
        assert_eq!(waits, [5, 10, 20, 40, 60, 60, 60]);
        s.round_done(0);
        let next = wait_after_failure(&mut s, at);
        assert_eq!(next.duration_since(at), MIN_BACKOFF, "a good round resets the back-off");
    }

    #[test]
    fn a_locked_or_unconfigured_diary_runs_a_round_as_soon_as_it_is_back() {
        let (clock, mut s) = after_first_round();
        s.idle();
        assert!(s.decide(clock.at(2), &state(0, 0), None));
    }

    #[test]
    fn backoff_doubles_to_the_minute() {
        let mut b = Backoff::default();
        let waits: Vec<u64> = (0..6).map(|_| b.fail().as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 40, 60, 60]);
        b.reset();
        assert_eq!(b.fail(), MIN_BACKOFF);
    }
}
