//! The Settings page's commands: the diary's and advocate's names, auto-lock,
//! and how the database key is protected (a passphrase or the OS keyring).

use nextdate_diary::{Diary, DiaryError, Protection, Unlock};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::commands::{secret, Res};
use crate::session::{auto_lock_minutes, Session};

#[derive(Serialize, Deserialize, Type)]
pub struct Settings {
    pub diary_name: String,
    pub advocate_name: String,
    /// 0 = never.
    pub auto_lock_minutes: u32,
    /// `keyring` or `passphrase` (read only here).
    pub key_mode: String,
}

#[tauri::command]
#[specta::specta]
pub fn settings(s: State<'_, Session>) -> Res<Settings> {
    let mode = Diary::key_mode(&s.dir)?.as_str().to_string();
    Ok(s.with(|d| {
        Ok(Settings {
            diary_name: d.chamber()?.name,
            advocate_name: d.advocate_name()?,
            auto_lock_minutes: auto_lock_minutes(d),
            key_mode: mode,
        })
    })?)
}

#[tauri::command]
#[specta::specta]
pub fn save_settings(s: State<'_, Session>, settings: Settings) -> Res<()> {
    if settings.auto_lock_minutes > 24 * 60 {
        return Err(DiaryError::OutOfRange("auto-lock must be at most 1440 minutes (0 turns it off)".into()).into());
    }
    Ok(s.with(|d| {
        d.set_names(&settings.diary_name, &settings.advocate_name)?;
        d.set_setting("auto_lock_minutes", &settings.auto_lock_minutes.to_string())
    })?)
}

/// Protects the key with a new passphrase. `current` is the present passphrase
/// (passphrase diaries) or `None` (keyring diaries).
#[tauri::command]
#[specta::specta]
pub fn set_passphrase(s: State<'_, Session>, current: Option<String>, new_passphrase: String) -> Res<()> {
    let how = match current {
        Some(p) => Unlock::Passphrase(secret(p)),
        None => Unlock::Keyring,
    };
    Ok(s.with(|d| d.reprotect(&how, Protection::Passphrase(secret(new_passphrase))))?)
}

/// Moves the key to the OS keyring, proving the current passphrase.
#[tauri::command]
#[specta::specta]
pub fn use_keyring(s: State<'_, Session>, current: String) -> Res<()> {
    Ok(s.with(|d| d.reprotect(&Unlock::Passphrase(secret(current)), Protection::Keyring))?)
}
