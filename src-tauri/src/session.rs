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
    last_activity: Mutex<Instant>,
}

impl Session {
    pub fn new(dir: PathBuf) -> Self {
        Session {
            dir,
            diary: Mutex::new(None),
            last_activity: Mutex::new(Instant::now()),
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

    pub fn is_unlocked(&self) -> bool {
        self.diary.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }

    pub fn set(&self, diary: Diary) {
        *self.diary.lock().unwrap_or_else(|e| e.into_inner()) = Some(diary);
        self.touch();
    }

    /// Takes the open diary out of the session (which is then locked).
    pub fn take(&self) -> Option<Diary> {
        let d = self.diary.lock().unwrap_or_else(|e| e.into_inner()).take();
        crate::documents::sweep();
        d
    }

    /// Closes the diary, after the closing backup (when automatic backups are on
    /// and the diary changed since the last one).
    pub fn lock(&self) {
        let mut guard = self.diary.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(d) = guard.as_mut() {
            crate::backups::on_close(d);
        }
        *guard = None;
        drop(guard);
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
    fn zero_minutes_never_locks() {
        let (_tmp, s) = unlocked_session();
        s.with(|d| d.set_setting("auto_lock_minutes", "0")).unwrap();
        *s.last_activity.lock().unwrap() = Instant::now() - Duration::from_secs(24 * 3600);
        s.lock_if_idle();
        assert!(s.is_unlocked());
    }
}
