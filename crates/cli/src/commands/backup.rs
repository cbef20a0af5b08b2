//! `nextdate backup`, `nextdate restore` and `nextdate recovery-sheet`: the
//! whole diary to and from an encrypted (age) backup file, automatic backups
//! into a folder (for cron: `nextdate backup --auto`), and the printed
//! recovery sheet that opens them.

use std::path::Path;

use chrono::Local;
use nextdate_diary::auto_backup::When;
use nextdate_diary::backup::{backup_kind, BackupKind, BackupSecret};
use nextdate_diary::{Diary, DiaryError, InitOptions, Protection, Unlock};
use nextdate_print::recovery_sheet::{recovery_sheet as lay_out_sheet, SheetInput};
use nextdate_print::Paper;

use crate::args::BackupCmd;
use crate::failure::Failure;
use crate::output::Out;
use crate::progress_bar;
use crate::unlocking::read_secret;

pub fn backup(diary: &Diary, output: &Path, out: &Out) -> Result<(), DiaryError> {
    let pass = read_secret("NEXTDATE_BACKUP_PASSPHRASE", "Backup passphrase: ", true)?;
    let s = progress_bar::run(|p| diary.backup_to_with_progress(output, &pass, false, p))?;
    out.ok(&format!(
        "backed up {} documents and {} attachments to {} ({} bytes, age-encrypted)",
        s.docs,
        s.blobs,
        output.display(),
        s.bytes
    ));
    Ok(())
}

/// `backup --auto [--now]`: one run of the automatic backup schedule.
pub fn auto(diary: &mut Diary, now: bool, out: &Out) -> Result<(), DiaryError> {
    let when = if now { When::Always } else { When::IfDue };
    let run = progress_bar::run(|p| diary.auto_backup_with_progress(Local::now().naive_local(), when, p))?;
    out.auto_backup(&run);
    Ok(())
}

/// `backup settings` and `backup status`.
pub fn settings(diary: &mut Diary, cmd: BackupCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        BackupCmd::Settings { off: true, .. } => {
            diary.clear_backup_folder()?;
            out.ok("automatic backups are off (the backups already written stay where they are)");
        }
        BackupCmd::Settings { folder, .. } => {
            let folder = folder.expect("clap requires --folder without --off");
            let folder = diary.set_backup_folder(&folder)?;
            out.ok(&format!(
                "automatic backups go to {} (run `nextdate backup --auto` daily, e.g. from cron)",
                folder.display()
            ));
        }
        BackupCmd::Status => out.auto_backup_status(&diary.auto_backup_status(Local::now().naive_local())?),
    }
    Ok(())
}

/// `recovery-sheet -o FILE.pdf`: new recovery secrets, laid out and written.
pub fn recovery_sheet(diary: &Diary, unlock: &Unlock, output: &Path, paper: Paper, out: &Out) -> Result<(), Failure> {
    if output.exists() {
        return Err(DiaryError::FileExists(output.to_path_buf()).into());
    }
    let secrets = diary.renew_recovery(unlock)?;
    write_sheet(diary, &secrets.recovery_key, &secrets.backup_identity, output, paper)?;
    out.recovery_sheet(output, &secrets.recovery_key, &secrets.backup_identity);
    Ok(())
}

/// Lays out a recovery sheet for `diary` and writes it to `output` (complete or not at all).
pub fn write_sheet(
    diary: &Diary,
    recovery_key: &str,
    backup_identity: &str,
    output: &Path,
    paper: Paper,
) -> Result<(), Failure> {
    let folder = diary.backup_folder()?.map(|f| f.to_string_lossy().into_owned());
    let sheet = lay_out_sheet(&SheetInput {
        diary_name: &diary.chamber()?.name,
        advocate: &diary.advocate_name()?,
        recovery_key,
        backup_identity,
        backup_folder: folder.as_deref(),
        made_at: Local::now().naive_local(),
        paper,
    })
    .map_err(Failure::Print)?;
    let pdf = sheet.pdf().map_err(Failure::Print)?;
    nextdate_diary::atomic_file::write_file(output, &pdf, false)?;
    Ok(())
}

/// Restores `file` into `dir` as a new diary; with `replace` an existing one is moved aside.
pub fn restore(dir: &Path, file: &Path, passphrase: bool, replace: bool, out: &Out) -> Result<(), DiaryError> {
    let secret = match backup_kind(file)? {
        BackupKind::Passphrase => {
            BackupSecret::Passphrase(read_secret("NEXTDATE_BACKUP_PASSPHRASE", "Backup passphrase: ", false)?)
        }
        BackupKind::Identity => BackupSecret::Identity(read_secret(
            "NEXTDATE_BACKUP_IDENTITY",
            "Backup identity from the recovery sheet (AGE-SECRET-KEY-1…): ",
            false,
        )?),
    };
    let protection = if passphrase {
        Protection::Passphrase(read_secret(
            "NEXTDATE_PASSPHRASE",
            "New passphrase for the restored diary: ",
            true,
        )?)
    } else {
        Protection::Keyring
    };
    let opts = InitOptions {
        name: "Restored diary".into(),
        advocate: None,
        protection,
    };
    let restored = progress_bar::run(|p| Diary::restore_with_progress(file, &secret, dir, opts, replace, p))?;
    out.restored(dir, &restored);
    Ok(())
}
