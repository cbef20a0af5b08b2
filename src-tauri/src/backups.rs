//! Automatic backups and the recovery sheet in the app: the backup folder
//! (Settings), the status Today shows, "Back up now", the schedule (a check
//! every few minutes while the diary is open: a backup when none was made
//! today; and one when the diary closes, at lock or quit, if it changed), and
//! the recovery sheet shown at setup or made anew from Settings after the
//! passphrase (or the keyring) proves the key is held. Rules live in
//! `nextdate_diary::auto_backup`, the sheet's layout in `nextdate-print`.

use std::path::PathBuf;
use std::time::Duration;

use chrono::Local;
use nextdate_diary::auto_backup::{AutoBackupRun, AutoBackupStatus, When};
use nextdate_diary::backup::{backup_kind, BackupKind};
use nextdate_diary::{Diary, DiaryError, KeyMode, Unlock, Zeroizing};
use nextdate_print::recovery_sheet::{recovery_sheet, RecoverySheet, SheetInput};
use nextdate_print::Paper;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager, State};

use crate::commands::AppError;
use crate::session::Session;

type Res<T> = Result<T, AppError>;

/// How often the schedule looks whether a backup is due.
const CHECK_EVERY: Duration = Duration::from_secs(300);
/// The sheet's preview, in pixels per inch.
const PREVIEW_PPI: f32 = 90.0;

/// Starts the backup schedule for the app's lifetime.
pub fn start(app: AppHandle) {
    std::thread::Builder::new()
        .name("backups".into())
        .spawn(move || loop {
            // A first look soon after start (the diary is usually unlocked by then).
            std::thread::sleep(Duration::from_secs(60));
            run_due(&app.state::<Session>());
            std::thread::sleep(CHECK_EVERY.saturating_sub(Duration::from_secs(60)));
        })
        .expect("the backup thread starts");
}

/// One look at the schedule: a backup when one is due and a folder is set.
/// Failures are kept in the diary for Today's warning. It runs on the
/// diary's background connection: a backup of a large diary takes seconds,
/// and the screens must not wait for it.
pub fn run_due(session: &Session) {
    let _ = session.in_background(|d| -> Result<(), DiaryError> {
        if d.backup_folder()?.is_some() {
            if let Err(e) = d.auto_backup(Local::now().naive_local(), When::IfDue) {
                eprintln!("nextdate: automatic backup: {e}");
            }
        }
        Ok(())
    });
}

/// The closing backup (lock, quit): written when the diary changed since the last one.
pub fn on_close(d: &mut Diary) {
    if matches!(d.backup_folder(), Ok(Some(_))) {
        if let Err(e) = d.auto_backup(Local::now().naive_local(), When::IfChanged) {
            eprintln!("nextdate: backup at close: {e}");
        }
    }
}

#[tauri::command]
#[specta::specta]
pub fn backup_status(s: State<'_, Session>) -> Res<AutoBackupStatus> {
    Ok(s.quietly(|d| d.auto_backup_status(Local::now().naive_local()))?
        .ok_or(DiaryError::Locked)?)
}

/// Picks the folder for automatic backups and makes the first backup there at once.
#[tauri::command]
#[specta::specta]
pub fn set_backup_folder(s: State<'_, Session>, folder: String) -> Res<AutoBackupStatus> {
    let folder = PathBuf::from(folder.trim());
    Ok(s.with(|d| {
        d.set_backup_folder(&folder)?;
        let now = Local::now().naive_local();
        d.auto_backup(now, When::IfDue)?;
        d.auto_backup_status(now)
    })?)
}

#[tauri::command]
#[specta::specta]
pub fn turn_off_backups(s: State<'_, Session>) -> Res<AutoBackupStatus> {
    Ok(s.with(|d| {
        d.clear_backup_folder()?;
        d.auto_backup_status(Local::now().naive_local())
    })?)
}

/// One automatic backup at once, with its progress shown; cancelled, no file
/// is written and no failure is remembered.
#[tauri::command(async)]
#[specta::specta]
pub fn back_up_now(app: AppHandle, s: State<'_, Session>) -> Res<AutoBackupRun> {
    Ok(crate::progress::run(&app, nextdate_diary::Stage::Backup, |p| {
        s.with(|d| d.auto_backup_with_progress(Local::now().naive_local(), When::Always, p))
    })?)
}

/// Whether a backup file opens with a passphrase or with the recovery sheet.
#[tauri::command]
#[specta::specta]
pub fn backup_file_kind(path: String) -> Res<BackupKind> {
    Ok(backup_kind(&PathBuf::from(path.trim()))?)
}

/// A diary's recovery secrets, shown once, and the sheet's preview.
#[derive(Serialize, Type)]
pub struct RecoverySheetView {
    pub recovery_key: String,
    pub backup_identity: String,
    /// The sheet as a PNG data URL.
    pub preview: String,
}

fn lay_out(d: &Diary, recovery_key: &str, backup_identity: &str) -> Result<RecoverySheet, AppError> {
    let folder = d.backup_folder()?.map(|f| f.to_string_lossy().into_owned());
    Ok(recovery_sheet(&SheetInput {
        diary_name: &d.chamber()?.name,
        advocate: &d.advocate_name()?,
        recovery_key,
        backup_identity,
        backup_folder: folder.as_deref(),
        made_at: Local::now().naive_local(),
        paper: Paper::A4,
    })?)
}

/// The sheet for secrets the window is showing (at setup, after a restore, or
/// just renewed), as a preview.
#[tauri::command]
#[specta::specta]
pub fn recovery_sheet_preview(
    s: State<'_, Session>,
    recovery_key: String,
    backup_identity: String,
) -> Res<RecoverySheetView> {
    let (recovery_key, backup_identity) = (Zeroizing::new(recovery_key), Zeroizing::new(backup_identity));
    let png = s.with_any(|d| {
        lay_out(d, &recovery_key, &backup_identity)?
            .png(PREVIEW_PPI)
            .map_err(AppError::from)
    })?;
    Ok(RecoverySheetView {
        recovery_key: recovery_key.to_string(),
        backup_identity: backup_identity.to_string(),
        preview: crate::printing::png_data_url(&png),
    })
}

/// Writes the sheet for the secrets the window is showing to `path` as PDF.
#[tauri::command]
#[specta::specta]
pub fn save_recovery_sheet(
    s: State<'_, Session>,
    path: String,
    recovery_key: String,
    backup_identity: String,
) -> Res<String> {
    let (recovery_key, backup_identity) = (Zeroizing::new(recovery_key), Zeroizing::new(backup_identity));
    let out = PathBuf::from(path.trim());
    s.with_any(|d| -> Res<()> {
        let pdf = lay_out(d, &recovery_key, &backup_identity)?.pdf()?;
        nextdate_diary::atomic_file::write_file(&out, &pdf, true)?;
        Ok(())
    })?;
    Ok(out.display().to_string())
}

/// Makes new recovery secrets (Settings): the passphrase proves the key is held
/// (a keyring diary proves it by reading the keyring). The old recovery key stops
/// working; older automatic backups still open with the old sheet.
#[tauri::command]
#[specta::specta]
pub fn renew_recovery_sheet(s: State<'_, Session>, passphrase: Option<String>) -> Res<RecoverySheetView> {
    let mode = Diary::key_mode(&s.dir)?;
    let unlock = match (mode, passphrase) {
        (KeyMode::Passphrase, Some(p)) => Unlock::Passphrase(Zeroizing::new(p)),
        (KeyMode::Passphrase, None) => return Err(DiaryError::PassphraseRequired.into()),
        (KeyMode::Keyring, _) => Unlock::Keyring,
    };
    let secrets = s.with(|d| d.renew_recovery(&unlock))?;
    recovery_sheet_preview(s, secrets.recovery_key.to_string(), secrets.backup_identity.to_string())
}
