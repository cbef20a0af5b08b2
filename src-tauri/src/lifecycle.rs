//! Commands that open and close the diary: where the app stands (no diary,
//! locked, open), creating a diary (its secrets shown once), unlocking, locking
//! and the activity heartbeat that postpones auto-lock. The session itself is
//! in [`crate::session`].

use nextdate_diary::{Diary, InitOptions, Protection, Unlock};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::commands::{secret, today, Res};
use crate::session::Session;

#[derive(Serialize, Type)]
pub struct AppStatus {
    pub diary_exists: bool,
    /// `keyring` or `passphrase`, when a diary exists.
    pub key_mode: Option<String>,
    pub unlocked: bool,
    pub dir: String,
    pub diary_name: Option<String>,
    pub advocate_name: Option<String>,
    /// Today's date on this computer (ISO).
    pub today: String,
    /// What the quick check found after a session that did not end properly (said once).
    pub startup_check: Option<String>,
}

/// Where the app stands: no diary yet, locked, or open.
#[tauri::command]
#[specta::specta]
pub fn app_status(s: State<'_, Session>) -> AppStatus {
    s.lock_if_idle();
    let exists = Diary::exists(&s.dir);
    let key_mode = if exists {
        Diary::key_mode(&s.dir).ok().map(|m| m.as_str().to_string())
    } else {
        None
    };
    let names = s.peek(|d| Ok((d.chamber()?.name, d.advocate_name()?)));
    AppStatus {
        diary_exists: exists,
        key_mode,
        unlocked: s.is_unlocked(),
        dir: s.dir.display().to_string(),
        diary_name: names.as_ref().map(|n| n.0.clone()),
        advocate_name: names.map(|n| n.1),
        today: today().to_string(),
        startup_check: s.take_startup_check(),
    }
}

/// A new diary's secrets, shown once and put on its recovery sheet.
#[derive(Serialize, Type)]
pub struct NewDiarySecrets {
    pub recovery_key: String,
    /// Opens the automatic backups; kept nowhere on the laptop.
    pub backup_identity: String,
}

/// Creates the diary; returns its recovery key and backup identity, to be shown once.
/// With no passphrase the key goes to the OS keyring.
#[tauri::command]
#[specta::specta]
pub fn create_diary(
    s: State<'_, Session>,
    name: String,
    advocate: String,
    passphrase: Option<String>,
) -> Res<NewDiarySecrets> {
    let protection = match passphrase {
        Some(p) => Protection::Passphrase(secret(p)),
        None => Protection::Keyring,
    };
    let nextdate_diary::NewDiary {
        diary,
        recovery_key,
        backup_identity,
    } = Diary::init(
        &s.dir,
        InitOptions {
            name,
            advocate: Some(advocate),
            protection,
        },
    )?;
    s.set(diary);
    Ok(NewDiarySecrets {
        recovery_key: recovery_key.to_string(),
        backup_identity: backup_identity.to_string(),
    })
}

/// Unlocks with the passphrase, the recovery key, or (neither given) the OS keyring.
#[tauri::command]
#[specta::specta]
pub fn unlock(s: State<'_, Session>, passphrase: Option<String>, recovery_key: Option<String>) -> Res<()> {
    let how = match (passphrase, recovery_key) {
        (_, Some(rk)) => Unlock::RecoveryKey(secret(rk)),
        (Some(p), None) => Unlock::Passphrase(secret(p)),
        (None, None) => Unlock::Keyring,
    };
    let diary = Diary::open(&s.dir, &how)?;
    s.set(diary);
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn lock(s: State<'_, Session>) {
    s.lock();
}

/// The user is active (keys, clicks): postpones auto-lock.
#[tauri::command]
#[specta::specta]
pub fn heartbeat(s: State<'_, Session>) {
    if s.is_unlocked() {
        s.touch();
    }
}
