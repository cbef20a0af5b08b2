//! Commands that move the whole diary in or out: encrypted backup and restore,
//! and deleting everything. Paths come from the system file dialogs in the UI;
//! all logic lives in `nextdate-diary`. Backup, restore and import run off the
//! main thread, report their progress to the window and can be cancelled
//! ([`crate::progress`]).

use std::path::PathBuf;

use nextdate_diary::backup::{backup_kind, BackupKind, BackupSecret};
use nextdate_diary::{Diary, DiaryError, InitOptions, Protection, Stage, Zeroizing};
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};

use crate::commands::AppError;
use crate::progress;
use crate::session::Session;

type Res<T> = Result<T, AppError>;

/// What a backup or a restore covered.
#[derive(Serialize, Type)]
pub struct BackupReport {
    /// Records (chamber, clients, cases) in the file.
    pub records: u32,
    /// Attached documents in the file.
    pub documents: u32,
    /// Size of the backup file in bytes.
    pub bytes: f64,
    pub path: String,
}

/// A restored diary: its new recovery key and backup identity (shown once) and what came back.
#[derive(Serialize, Type)]
pub struct RestoreReport {
    pub recovery_key: String,
    pub backup_identity: String,
    pub records: u32,
    pub documents: u32,
    /// Where the diary that was replaced now lies, if one was.
    pub replaced_dir: Option<String>,
}

fn path(text: &str) -> Result<PathBuf, DiaryError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(DiaryError::BadPath("choose a file first".into()));
    }
    Ok(PathBuf::from(t))
}

/// Writes an encrypted backup (age format, protected by `passphrase`) to `path`.
/// An existing file is replaced only with `replace` (the save dialog asked).
/// Cancelled, no file is written (an existing one stays as it was).
#[tauri::command(async)]
#[specta::specta]
pub fn backup_diary(
    app: AppHandle,
    s: State<'_, Session>,
    path: String,
    passphrase: String,
    replace: bool,
) -> Res<BackupReport> {
    let out = self::path(&path)?;
    let passphrase = Zeroizing::new(passphrase);
    let summary = progress::run(&app, Stage::Backup, |p| {
        s.with(|d| d.backup_to_with_progress(&out, &passphrase, replace, p))
    })?;
    Ok(BackupReport {
        records: summary.docs as u32,
        documents: summary.blobs as u32,
        bytes: summary.bytes as f64,
        path: out.display().to_string(),
    })
}

/// Restores a backup as this app's diary. `backup_secret` is the backup's
/// passphrase, or for an automatic backup the recovery sheet's backup identity
/// (see `backup_file_kind`). With `new_passphrase` the restored diary asks for
/// it; without, its key goes to the OS keyring. An existing diary is only
/// replaced when `replace` is set, and then it is moved aside, not deleted.
/// Cancelled, nothing is replaced and the diary that was open stays open.
#[tauri::command(async)]
#[specta::specta]
pub fn restore_backup(
    app: AppHandle,
    s: State<'_, Session>,
    path: String,
    backup_secret: String,
    new_passphrase: Option<String>,
    replace: bool,
) -> Res<RestoreReport> {
    let file = self::path(&path)?;
    let secret = match backup_kind(&file)? {
        BackupKind::Passphrase => BackupSecret::Passphrase(Zeroizing::new(backup_secret)),
        BackupKind::Identity => BackupSecret::Identity(Zeroizing::new(backup_secret)),
    };
    let protection = match new_passphrase {
        Some(p) => Protection::Passphrase(Zeroizing::new(p)),
        None => Protection::Keyring,
    };
    if Diary::exists(&s.dir) && !replace {
        return Err(DiaryError::AlreadyExists(s.dir.clone()).into());
    }
    // The open diary must let go of its files before they are moved aside.
    let previous = s.take();
    let opts = InitOptions {
        name: "Restored diary".into(),
        advocate: None,
        protection,
    };
    match progress::run(&app, Stage::Restore, |p| {
        Diary::restore_with_progress(&file, &secret, &s.dir, opts, replace, p)
    }) {
        Ok(restored) => {
            drop(previous);
            let report = RestoreReport {
                recovery_key: restored.recovery_key.to_string(),
                backup_identity: restored.backup_identity.to_string(),
                records: restored.summary.docs as u32,
                documents: restored.summary.blobs as u32,
                replaced_dir: restored.replaced_dir.map(|p| p.display().to_string()),
            };
            s.set(restored.diary);
            Ok(report)
        }
        Err(e) => {
            // Nothing was replaced: the diary that was open stays open.
            if let Some(d) = previous {
                s.set(d);
            }
            Err(e.into())
        }
    }
}

/// Deletes the diary, its attachments and its key (keyring entry and key file).
/// `confirm` must be the diary's name, exactly.
#[tauri::command]
#[specta::specta]
pub fn delete_everything(s: State<'_, Session>, confirm: String) -> Res<String> {
    // Check the confirmation while the diary stays open, so a typo changes nothing.
    s.with(|d| d.check_delete_confirmation(&confirm))?;
    let diary = s.take().ok_or_else(|| DiaryError::Locked)?;
    let dir = diary.delete_everything(&confirm)?;
    Ok(dir.display().to_string())
}

/// How much an export wrote, and where.
#[derive(Serialize, Type)]
pub struct ExportReport {
    pub dir: String,
    pub clients: u32,
    pub cases: u32,
    pub hearings: u32,
    pub documents: u32,
}

/// Exports everything (`json` or `csv`) into a new folder `nextdate-export-DATE-FORMAT`
/// inside `parent` (picked in the folder dialog). Off the window's thread: a
/// 100,000-case export takes a quarter of a minute, and the window stays
/// drawn and answering meanwhile.
#[tauri::command(async)]
#[specta::specta]
pub fn export_diary(s: State<'_, Session>, format: String, parent: String) -> Res<ExportReport> {
    use nextdate_diary::export::{new_export_folder, ExportFormat};
    let fmt = ExportFormat::parse(&format)?;
    let parent = self::path(&parent)?;
    let dir = new_export_folder(&parent, fmt, chrono::Local::now().date_naive());
    let summary = s.with(|d| d.export(fmt, &dir))?;
    Ok(ExportReport {
        dir: dir.display().to_string(),
        clients: summary.clients as u32,
        cases: summary.cases as u32,
        hearings: summary.hearings as u32,
        documents: summary.documents as u32,
    })
}

/// One bad row of an import, as `file:line: column: message`.
#[derive(Serialize, Type)]
pub struct ImportResult {
    pub applied: bool,
    pub clients: u32,
    pub cases: u32,
    pub hearings: u32,
    pub fees: u32,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// Checks (`dry_run`) or imports CSV files; with any bad row nothing is written,
/// and cancelled, nothing is either (the import is one transaction).
#[tauri::command(async)]
#[specta::specta]
pub fn import_csv(app: AppHandle, s: State<'_, Session>, paths: Vec<String>, dry_run: bool) -> Res<ImportResult> {
    use nextdate_diary::import::ImportMode;
    let paths: Vec<PathBuf> = paths.iter().map(|p| self::path(p)).collect::<Result<_, _>>()?;
    let mode = if dry_run { ImportMode::DryRun } else { ImportMode::Apply };
    let r = progress::run(&app, Stage::Import, |p| {
        s.with(|d| d.import_csv_with_progress(&paths, mode, p))
    })?;
    Ok(ImportResult {
        applied: r.applied,
        clients: r.clients as u32,
        cases: r.cases as u32,
        hearings: r.hearings as u32,
        fees: r.fees as u32,
        errors: r.errors.iter().map(|e| e.to_string()).collect(),
        warnings: r.warnings,
    })
}
