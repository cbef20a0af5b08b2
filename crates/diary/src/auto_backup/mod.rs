//! Automatic backups: an age backup written to a folder the advocate picked once
//! (a USB drive, or a folder a cloud client syncs, which only ever sees
//! ciphertext), on a schedule, without asking for anything.
//!
//! They are encrypted to the diary's *backup recipient*, an age X25519 public
//! key. Its identity (the private half) is made at setup or with a new recovery
//! sheet, printed on that sheet and never kept on the laptop: a thief with the
//! laptop and the USB drive still cannot read the backups without the sheet.
//!
//! A backup is due when the folder holds none of this diary's backups from
//! today; at quit, when the diary changed since the last one. After each
//! backup the retention ([`retention`]) deletes the older ones. Times are the
//! laptop's local wall-clock time, passed in (an injected clock), so a whole
//! year of schedule can be run in a test.

pub mod retention;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::backup::{sync_dir, BackupSummary, BackupTo};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::progress::Progress;
use crate::store;

pub use retention::Retention;

const FOLDER: &str = "backup.folder";
const RECIPIENT: &str = "backup.recipient";
const LAST_SUCCESS: &str = "backup.last_success";
const LAST_FILE: &str = "backup.last_file";
const LAST_ERROR: &str = "backup.last_error";
const MARKER: &str = "backup.marker";

/// A backup older than this many days (or none at all) is warned about.
pub const WARN_AFTER_DAYS: i64 = 3;

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";
const NAME_TIME_FORMAT: &str = "%Y-%m-%d-%H%M%S";

/// A new backup key: the identity to print (shown once) and the recipient the
/// laptop keeps.
pub struct BackupKey {
    /// `AGE-SECRET-KEY-1…`: goes on the recovery sheet, never on disk.
    pub identity: Zeroizing<String>,
    /// `age1…`: what backups are encrypted to.
    pub recipient: String,
}

impl BackupKey {
    pub fn generate() -> BackupKey {
        use age::secrecy::ExposeSecret;
        let identity = age::x25519::Identity::generate();
        BackupKey {
            identity: Zeroizing::new(identity.to_string().expose_secret().to_string()),
            recipient: identity.to_public().to_string(),
        }
    }
}

/// When [`Diary::auto_backup`] writes a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// When the folder has no backup of this diary from today (the schedule, cron).
    IfDue,
    /// When the diary changed since the last automatic backup (at quit).
    IfChanged,
    /// Now, whatever the schedule says ("Back up now").
    Always,
}

/// What one run of the schedule did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AutoBackupRun {
    /// The backup written, if one was (none when nothing was due).
    pub written: Option<String>,
    pub documents: u32,
    pub attachments: u32,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// Older backups the retention deleted.
    pub deleted: Vec<String>,
}

/// What Today and `nextdate backup status` say about automatic backups.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AutoBackupStatus {
    /// The folder picked, if any.
    pub folder: Option<String>,
    /// Whether that folder is there now (a USB drive may be unplugged).
    pub folder_present: bool,
    /// Whether the diary has a backup key (a recipient) to encrypt to.
    pub has_key: bool,
    /// When the last automatic backup succeeded (local time, `YYYY-MM-DDTHH:MM:SS`).
    pub last_success: Option<String>,
    pub last_file: Option<String>,
    /// The last failure, in plain words, when it came after the last success.
    pub last_error: Option<String>,
    /// Whether a backup is due now (none from today in the folder).
    pub due: bool,
    /// What the advocate should know, in plain words (none when all is well).
    pub warning: Option<String>,
}

/// This diary's automatic backups in `folder`, oldest first, with their times.
pub fn list_backups(folder: &Path, diary_id: &str) -> Result<Vec<(NaiveDateTime, PathBuf)>> {
    let tag = diary_tag(diary_id);
    let mut out = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(t) = parse_file_name(name, &tag) {
            out.push((t, entry.path()));
        }
    }
    out.sort();
    Ok(out)
}

/// The part of a backup's file name that says which diary it is.
fn diary_tag(diary_id: &str) -> String {
    // ULIDs start with their time; the random tail tells diaries apart.
    let tail = &diary_id[diary_id.len().saturating_sub(8)..];
    tail.to_ascii_lowercase()
}

fn file_name(diary_id: &str, at: NaiveDateTime) -> String {
    format!("nextdate-{}-{}.age", diary_tag(diary_id), at.format(NAME_TIME_FORMAT))
}

fn parse_file_name(name: &str, tag: &str) -> Option<NaiveDateTime> {
    let rest = name.strip_prefix("nextdate-")?.strip_prefix(tag)?.strip_prefix('-')?;
    let stamp = rest.strip_suffix(".age")?;
    NaiveDateTime::parse_from_str(stamp, NAME_TIME_FORMAT).ok()
}

impl Diary {
    /// The age recipient automatic backups are encrypted to, if the diary has one.
    pub fn backup_recipient(&self) -> Result<Option<String>> {
        store::meta_get(self.conn(), RECIPIENT)
    }

    pub(crate) fn set_backup_recipient(&self, recipient: &str) -> Result<()> {
        recipient
            .parse::<age::x25519::Recipient>()
            .map_err(|e| DiaryError::Output(format!("backup key ({e})")))?;
        store::meta_set(self.conn(), RECIPIENT, recipient)
    }

    /// The folder automatic backups go to, if one was picked.
    pub fn backup_folder(&self) -> Result<Option<PathBuf>> {
        Ok(store::meta_get(self.conn(), FOLDER)?.map(PathBuf::from))
    }

    /// Picks the folder automatic backups go to (it must exist, be writable and
    /// lie outside the diary's own folder). Needs the diary's backup key.
    pub fn set_backup_folder(&mut self, folder: &Path) -> Result<PathBuf> {
        if self.backup_recipient()?.is_none() {
            return Err(DiaryError::NoBackupKey);
        }
        if !folder.is_dir() {
            return Err(DiaryError::BadPath(format!(
                "{} is not a folder; create it (or plug in the drive) first",
                folder.display()
            )));
        }
        let folder = folder.canonicalize()?;
        let diary_dir = self.dir().canonicalize()?;
        if folder.starts_with(&diary_dir) {
            return Err(DiaryError::BadPath(
                "backups must go outside the diary's own folder (a USB drive, or another folder)".into(),
            ));
        }
        // Prove it takes a file before promising backups there.
        let probe = folder.join(".nextdate-write-test");
        fs::write(&probe, b"")
            .and_then(|()| fs::remove_file(&probe))
            .map_err(|e| DiaryError::BadPath(format!("cannot write in {}: {e}", folder.display())))?;
        store::meta_set(self.conn(), FOLDER, &folder.to_string_lossy())?;
        self.conn().execute("DELETE FROM meta WHERE key = ?1", [LAST_ERROR])?;
        Ok(folder)
    }

    /// Stops automatic backups (the backups already written stay where they are).
    pub fn clear_backup_folder(&mut self) -> Result<()> {
        self.conn()
            .execute("DELETE FROM meta WHERE key IN (?1, ?2)", [FOLDER, LAST_ERROR])?;
        Ok(())
    }

    /// Runs the schedule once at `now` (local time): writes a backup when `when`
    /// says so, then deletes the ones the retention no longer keeps. A failure
    /// is remembered for the status and returned; nothing half-written stays.
    pub fn auto_backup(&mut self, now: NaiveDateTime, when: When) -> Result<AutoBackupRun> {
        self.auto_backup_with_progress(now, when, &Progress::none())
    }

    /// [`Diary::auto_backup`], reporting each record written. Cancelled, no
    /// file is written, none is deleted, and no failure is remembered.
    pub fn auto_backup_with_progress(
        &mut self,
        now: NaiveDateTime,
        when: When,
        progress: &Progress<'_>,
    ) -> Result<AutoBackupRun> {
        let result = self.auto_backup_inner(now, when, progress);
        match &result {
            // A cancel is not a failure to warn about.
            Err(DiaryError::Cancelled) | Ok(_) => {}
            Err(e) => {
                let line = format!("{}|{}", now.format(TIME_FORMAT), e);
                let _ = store::meta_set(self.conn(), LAST_ERROR, &line);
            }
        }
        result
    }

    fn auto_backup_inner(&mut self, now: NaiveDateTime, when: When, progress: &Progress<'_>) -> Result<AutoBackupRun> {
        let folder = self.backup_folder()?.ok_or(DiaryError::NoBackupFolder)?;
        let recipient = self.backup_recipient()?.ok_or(DiaryError::NoBackupKey)?;
        if !folder.is_dir() {
            return Err(DiaryError::BackupFolderMissing(folder));
        }
        let recipient: age::x25519::Recipient = recipient
            .parse()
            .map_err(|e| DiaryError::Output(format!("backup key ({e})")))?;
        let existing = list_backups(&folder, self.diary_id())?;
        let marker = self.change_marker()?;
        let write = match when {
            When::Always => true,
            When::IfDue => !existing.iter().any(|(t, _)| t.date() == now.date()),
            When::IfChanged => store::meta_get(self.conn(), MARKER)?.as_deref() != Some(marker.as_str()),
        };
        let mut run = AutoBackupRun {
            written: None,
            documents: 0,
            attachments: 0,
            bytes: 0,
            deleted: Vec::new(),
        };
        if write {
            // Two runs in one second would name the same file: the later one waits its turn.
            let mut at = now;
            while existing.iter().any(|(t, _)| *t == at) || folder.join(file_name(self.diary_id(), at)).exists() {
                at += chrono::Duration::seconds(1);
            }
            let path = folder.join(file_name(self.diary_id(), at));
            let BackupSummary { docs, blobs, bytes } =
                self.backup_encrypted_with_progress(&path, BackupTo::Recipient(&recipient), false, progress)?;
            store::meta_set(self.conn(), LAST_SUCCESS, &now.format(TIME_FORMAT).to_string())?;
            store::meta_set(self.conn(), LAST_FILE, &path.to_string_lossy())?;
            store::meta_set(self.conn(), MARKER, &marker)?;
            self.conn().execute("DELETE FROM meta WHERE key = ?1", [LAST_ERROR])?;
            run.written = Some(path.to_string_lossy().into_owned());
            (run.documents, run.attachments, run.bytes) = (docs as u32, blobs as u32, bytes);
        }
        run.deleted = apply_retention(&folder, self.diary_id(), Retention::default())?;
        Ok(run)
    }

    /// Something that changes whenever the diary does: the outbox's last
    /// sequence number (every local change) and the sync cursor (every merge).
    fn change_marker(&self) -> Result<String> {
        let outbox: i64 = self.conn().query_row(
            "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)",
            [],
            |r| r.get(0),
        )?;
        let cursor = store::meta_get(self.conn(), "sync.cursor")?.unwrap_or_default();
        Ok(format!("{outbox}:{cursor}"))
    }

    /// The state of automatic backups at `now` (local time), for Today and the CLI.
    pub fn auto_backup_status(&self, now: NaiveDateTime) -> Result<AutoBackupStatus> {
        let folder = self.backup_folder()?;
        let has_key = self.backup_recipient()?.is_some();
        let folder_present = folder.as_deref().is_some_and(Path::is_dir);
        let last_success = store::meta_get(self.conn(), LAST_SUCCESS)?;
        let last_file = store::meta_get(self.conn(), LAST_FILE)?;
        let last_error = store::meta_get(self.conn(), LAST_ERROR)?
            .map(|l| l.split_once('|').map(|(_, m)| m.to_string()).unwrap_or(l));
        let last_time = last_success
            .as_deref()
            .and_then(|t| NaiveDateTime::parse_from_str(t, TIME_FORMAT).ok());
        let due = match (&folder, folder_present) {
            (Some(f), true) => !list_backups(f, self.diary_id())?
                .iter()
                .any(|(t, _)| t.date() == now.date()),
            _ => false,
        };
        let warning = match (&folder, folder_present, last_time) {
            (None, _, _) => None,
            (Some(f), false, _) => Some(format!(
                "The backup folder {} is not there (is the drive plugged in?).",
                f.display()
            )),
            (Some(_), true, None) => Some("No automatic backup has been made yet.".to_string()),
            (Some(_), true, Some(t)) if (now - t).num_days() >= WARN_AFTER_DAYS => {
                Some(format!("The last backup was {} days ago.", (now - t).num_days()))
            }
            _ => None,
        };
        let warning = match (warning, has_key, &folder) {
            (_, false, Some(_)) => Some("This diary has no backup key: make a new recovery sheet.".to_string()),
            (w, _, _) => w,
        };
        Ok(AutoBackupStatus {
            folder: folder.map(|f| f.to_string_lossy().into_owned()),
            folder_present,
            has_key,
            last_success,
            last_file,
            last_error,
            due,
            warning,
        })
    }
}

/// Deletes this diary's automatic backups in `folder` that `policy` does not
/// keep; returns what it deleted. Files of other diaries, and any file not
/// named like an automatic backup, are never touched.
pub fn apply_retention(folder: &Path, diary_id: &str, policy: Retention) -> Result<Vec<String>> {
    let backups = list_backups(folder, diary_id)?;
    let times: Vec<NaiveDateTime> = backups.iter().map(|(t, _)| *t).collect();
    let kept = retention::keep(&times, policy);
    let mut deleted = Vec::new();
    for (i, (_, path)) in backups.iter().enumerate() {
        if !kept.contains(&i) {
            fs::remove_file(path)?;
            deleted.push(path.to_string_lossy().into_owned());
        }
    }
    if !deleted.is_empty() {
        sync_dir(folder);
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip_and_belong_to_one_diary() {
        let id = "01KBX3Y7Q2M4ZP8W6T0ABCDEFG";
        let at = NaiveDateTime::parse_from_str("2026-12-06T19:43:07", TIME_FORMAT).unwrap();
        let name = file_name(id, at);
        assert_eq!(name, "nextdate-0abcdefg-2026-12-06-194307.age");
        assert_eq!(parse_file_name(&name, &diary_tag(id)), Some(at));
        assert_eq!(parse_file_name(&name, "zzzzzzzz"), None);
        assert_eq!(parse_file_name("nextdate-x.age", &diary_tag(id)), None);
    }

    #[test]
    fn a_new_backup_key_is_an_age_pair() {
        let k = BackupKey::generate();
        assert!(k.identity.starts_with("AGE-SECRET-KEY-1"));
        let id: age::x25519::Identity = k.identity.parse().unwrap();
        assert_eq!(id.to_public().to_string(), k.recipient);
    }
}
