//! The app's session: which diary folder, whether it is unlocked, and the
//! auto-lock clock. Locking drops the open diary (and with it the key) and
//! removes any document copies opened for viewing.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nextdate_diary::{Diary, DiaryError};

/// Default idle minutes before the diary locks itself.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 15;

pub struct Session {
    pub dir: PathBuf,
    diary: Mutex<Option<Diary>>,
    /// The same diary on a connection of its own, for background sync rounds
    /// (opened when first needed, dropped with the lock): a round talks to
    /// the relay between its transactions, and the screens must not wait.
    background: Mutex<Option<Diary>>,
    last_activity: Mutex<Instant>,
    /// What the quick check found when this session began after one that did not
    /// end properly (shown once on Today); none after a proper close.
    startup_check: Mutex<Option<String>>,
}

impl Session {
    pub fn new(dir: PathBuf) -> Self {
        Session {
            dir,
            diary: Mutex::new(None),
            background: Mutex::new(None),
            last_activity: Mutex::new(Instant::now()),
            startup_check: Mutex::new(None),
        }
    }

    /// Runs `f` on the unlocked diary, counting it as activity.
    pub fn with<T>(&self, f: impl FnOnce(&mut Diary) -> Result<T, DiaryError>) -> Result<T, DiaryError> {
        self.with_any(f)
    }

    /// [`Session::with`] for work whose errors are not the diary's own (printing).
    pub fn with_any<T, E: From<DiaryError>>(&self, f: impl FnOnce(&mut Diary) -> Result<T, E>) -> Result<T, E> {
        self.touch();
        let mut guard = self.diary.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_mut() {
            Some(d) => f(d),
            None => Err(DiaryError::Locked.into()),
        }
    }

    /// Runs `f` on the unlocked diary, if it is, without counting as activity
    /// (background work such as reminders). Locked: nothing happens.
    pub fn quietly<T, E>(&self, f: impl FnOnce(&mut Diary) -> Result<T, E>) -> Result<Option<T>, E> {
        let mut guard = self.diary.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_mut().map(f).transpose()
    }

    /// Reads from the unlocked diary without counting as activity (status polls).
    pub fn peek<T>(&self, f: impl FnOnce(&Diary) -> Result<T, DiaryError>) -> Option<T> {
        let guard = self.diary.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().and_then(|d| f(d).ok())
    }

    /// Runs `f` on the background connection, if the diary is unlocked. A
    /// lock that comes while `f` runs drops that connection as soon as `f` is
    /// done.
    pub fn in_background<T>(&self, f: impl FnOnce(&mut Diary) -> T) -> Option<T> {
        let mut guard = self.background.lock().unwrap_or_else(|e| e.into_inner());
        // Locked, or another diary opened since (deleted and made again):
        // the connection held is not the one to use.
        let Some(open) = self.peek(|d| Ok(d.diary_id().to_string())) else {
            *guard = None;
            return None;
        };
        if guard.as_ref().is_none_or(|b| b.diary_id() != open) {
            *guard = Some(self.peek(|d| d.open_again())?);
        }
        let out = guard.as_mut().map(f);
        if !self.is_unlocked() {
            *guard = None;
        }
        out
    }

    /// Drops the background connection, unless a round holds it (it is then
    /// dropped when the round ends, see [`Session::in_background`]).
    fn drop_background(&self) {
        if let Ok(mut guard) = self.background.try_lock() {
            *guard = None;
        }
    }

    pub fn is_unlocked(&self) -> bool {
        self.diary.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    /// Opens the session on `diary`. When the last session did not end properly
    /// (the app crashed, the power went), the quick check runs first and what it
    /// found is kept for Today.
    pub fn set(&self, diary: Diary) {
        let note = match diary.begin_session() {
            Ok(true) => Some(match diary.quick_check() {
                Ok(r) if r.is_healthy() => {
                    "Nextdate was not closed properly last time. The diary was checked: no damage found.".to_string()
                }
                Ok(r) => format!(
                    "Nextdate was not closed properly last time, and the check found: {}. Run `nextdate repair`, or restore the latest backup.",
                    r.problems.iter().map(|p| p.detail.as_str()).collect::<Vec<_>>().join("; ")
                ),
                Err(e) => format!("Nextdate was not closed properly last time, and the diary could not be checked: {e}"),
            }),
            _ => None,
        };
        *self.startup_check.lock().unwrap_or_else(|e| e.into_inner()) = note;
        *self.diary.lock().unwrap_or_else(|e| e.into_inner()) = Some(diary);
        self.touch();
    }

    /// What the start-up check found, once (it is cleared when read).
    pub fn take_startup_check(&self) -> Option<String> {
        self.startup_check.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    /// Takes the open diary out of the session (which is then locked).
    pub fn take(&self) -> Option<Diary> {
        let d = self.diary.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(d) = &d {
            d.end_session();
        }
        self.drop_background();
        crate::documents::sweep();
        d
    }

    /// Closes the diary, after the closing backup (when automatic backups are on
    /// and the diary changed since the last one).
    pub fn lock(&self) {
        let mut guard = self.diary.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(d) = guard.as_mut() {
            crate::backups::on_close(d);
            d.end_session();
        }
        *guard = None;
        drop(guard);
        self.drop_background();
        crate::documents::sweep();
    }

    pub fn touch(&self) {
        *self.last_activity.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
    }

    /// Locks when idle for longer than the diary's auto-lock setting (0 = never).
    pub fn lock_if_idle(&self) {
        let minutes = {
            let guard = self.diary.lock().unwrap_or_else(|e| e.into_inner());
            match guard.as_ref() {
                None => return,
                Some(d) => auto_lock_minutes(d),
            }
        };
        if minutes == 0 {
            return;
        }
        let idle = self.last_activity.lock().unwrap_or_else(|e| e.into_inner()).elapsed();
        if idle > Duration::from_secs(u64::from(minutes) * 60) {
            self.lock();
        }
    }
}

pub fn auto_lock_minutes(d: &Diary) -> u32 {
    d.setting("auto_lock_minutes")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_AUTO_LOCK_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nextdate_diary::{InitOptions, Protection, Zeroizing};

    fn unlocked_session() -> (tempfile::TempDir, Session) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("diary");
        let d = Diary::init(
            &dir,
            InitOptions {
                name: "T".into(),
                advocate: None,
                protection: Protection::Passphrase(Zeroizing::new("session test passphrase".into())),
            },
        )
        .unwrap()
        .diary;
        let s = Session::new(dir);
        s.set(d);
        (tmp, s)
    }

    #[test]
    fn a_background_round_has_its_own_connection_and_ends_with_the_lock() {
        use std::sync::{mpsc, Arc};
        let (_tmp, s) = unlocked_session();
        let s = Arc::new(s);
        let (entered_tx, entered) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let round = {
            let s = s.clone();
            std::thread::spawn(move || {
                s.in_background(|d| {
                    entered_tx.send(()).unwrap();
                    // A round waiting for the relay...
                    released.recv().unwrap();
                    // ...then seeing what the screens committed meanwhile.
                    d.search("Rajesh", 10).unwrap().len()
                })
            })
        };
        entered.recv().unwrap();
        // The screens go on while the round waits (on another thread, so a
        // screen that waited would fail this test rather than hang it).
        let (done_tx, done) = mpsc::channel();
        let screens = s.clone();
        std::thread::spawn(move || {
            let added = screens.with(|d| {
                d.add_client(nextdate_diary::NewClient {
                    name: "Rajesh Sharma".into(),
                    ..Default::default()
                })
            });
            done_tx.send(added.is_ok()).unwrap();
        });
        assert_eq!(
            done.recv_timeout(Duration::from_secs(20)),
            Ok(true),
            "a screen waited for the round"
        );
        // Locking does not wait for the round either.
        s.lock();
        assert!(!s.is_unlocked());
        release.send(()).unwrap();
        assert_eq!(round.join().unwrap(), Some(1));
        // The round's connection went with the lock.
        assert!(s.background.lock().unwrap().is_none());
        assert!(s.in_background(|_| ()).is_none());
    }

    #[test]
    fn idle_diary_locks_and_status_polls_do_not_keep_it_open() {
        let (_tmp, s) = unlocked_session();
        s.with(|d| d.set_setting("auto_lock_minutes", "1")).unwrap();
        *s.last_activity.lock().unwrap() = Instant::now() - Duration::from_secs(30);
        s.lock_if_idle();
        assert!(s.is_unlocked(), "30 s idle must not lock a 1-minute auto-lock");
        for _ in 0..3 {
            assert!(s.peek(|d| d.chamber()).is_some());
        }
        *s.last_activity.lock().unwrap() = Instant::now() - Duration::from_secs(61);
        s.peek(|d| d.chamber());
        s.lock_if_idle();
        assert!(!s.is_unlocked(), "61 s idle must lock");
        assert_eq!(
            s.with(|d| d.chamber()).err().unwrap().to_string(),
            "the diary is locked"
        );
    }

    #[test]
    fn a_session_after_one_that_did_not_end_properly_runs_the_quick_check_once() {
        let (tmp, s) = unlocked_session();
        assert!(s.take_startup_check().is_none(), "a first start has nothing to say");
        // The app dies: the session is never locked; the next start opens the diary again.
        let dir = s.dir.clone();
        std::mem::forget(s);
        let again = Session::new(dir.clone());
        let d = Diary::open(
            &dir,
            &nextdate_diary::Unlock::Passphrase(Zeroizing::new("session test passphrase".into())),
        )
        .unwrap();
        again.set(d);
        let note = again.take_startup_check().expect("the quick check ran");
        assert!(
            note.contains("not closed properly") && note.contains("no damage found"),
            "{note}"
        );
        assert!(again.take_startup_check().is_none(), "said once");
        // A proper close, then a start: nothing to say.
        again.lock();
        let d = Diary::open(
            &dir,
            &nextdate_diary::Unlock::Passphrase(Zeroizing::new("session test passphrase".into())),
        )
        .unwrap();
        again.set(d);
        assert!(again.take_startup_check().is_none());
        drop(tmp);
    }

    #[test]
    fn zero_minutes_never_locks() {
        let (_tmp, s) = unlocked_session();
        s.with(|d| d.set_setting("auto_lock_minutes", "0")).unwrap();
        *s.last_activity.lock().unwrap() = Instant::now() - Duration::from_secs(24 * 3600);
        s.lock_if_idle();
        assert!(s.is_unlocked());
    }
}
