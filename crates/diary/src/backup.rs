//! Encrypted backups in the age format, readable with the standard `age` tool:
//! protected by a passphrase (age's scrypt recipient, `age -d backup.age`) or,
//! for automatic backups, encrypted to the diary's backup recipient, an age
//! X25519 key whose identity is printed on the recovery sheet and never kept
//! on the laptop (`age -d -i identity.txt backup.age`; see [`crate::auto_backup`]).
//!
//! The plaintext inside is JSON Lines: a header, then every Automerge document
//! (saved whole), every attachment blob and the device settings, then an end
//! line with counts so a truncated file is detected. Nothing plaintext is ever
//! written to disk: the stream is encrypted as it is produced, into a temporary
//! file beside the target that is renamed into place when complete.

use std::fs;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use automerge::ActorId;
use data_encoding::BASE64;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::diary::{Diary, InitOptions};
use crate::error::{DiaryError, Result};
use crate::keys::KEY_FILE;
use crate::model::{ChamberDoc, DocKind};
use crate::progress::{Progress, Stage};
use crate::store::{self, DB_FILE};

const FORMAT: &str = "nextdate-backup/1";

#[derive(Serialize, Deserialize)]
struct Header {
    format: String,
    chamber_id: String,
    member_id: String,
    created_at: String,
    schema: i64,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Line {
    Header(Header),
    Doc {
        id: String,
        kind: String,
        created_at: String,
        bytes: String,
    },
    Blob {
        id: String,
        bytes: String,
    },
    Setting {
        key: String,
        value: String,
    },
    End {
        docs: usize,
        blobs: usize,
    },
}

/// What a backup or restore covered.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BackupSummary {
    pub docs: usize,
    pub blobs: usize,
    pub bytes: u64,
}

/// A restored diary, open: its new recovery key (to be shown once), what came
/// back, and where the diary it replaced was moved aside to, if one was.
pub struct Restored {
    pub diary: Diary,
    pub recovery_key: Zeroizing<String>,
    /// The restored diary's new backup identity (for its recovery sheet).
    pub backup_identity: Zeroizing<String>,
    pub summary: BackupSummary,
    /// `DIR.replaced-TIMESTAMP` beside the diary folder, when `replace` moved one there.
    pub replaced_dir: Option<PathBuf>,
}

impl Restored {
    /// The sentence telling where the replaced diary now lies, if one was replaced.
    pub fn replaced_message(&self) -> Option<String> {
        self.replaced_dir.as_deref().map(replaced_message)
    }
}

/// "The diary that was here was moved to DIR." — where a restore put the diary it replaced.
pub fn replaced_message(aside: &Path) -> String {
    format!("The diary that was here was moved to {}.", aside.display())
}

/// What a backup is encrypted to.
pub enum BackupTo<'a> {
    /// A passphrase the advocate types (age's scrypt recipient).
    Passphrase(&'a str),
    /// An age X25519 recipient (`age1…`), for automatic backups.
    Recipient(&'a age::x25519::Recipient),
}

/// What opens a backup: the passphrase it was made with, or the backup
/// identity (`AGE-SECRET-KEY-1…`) from the recovery sheet.
pub enum BackupSecret {
    Passphrase(Zeroizing<String>),
    Identity(Zeroizing<String>),
}

/// How a backup file is protected, read from its age header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// Made with "Back up" and a passphrase.
    Passphrase,
    /// An automatic backup: opens with the recovery sheet's backup identity.
    Identity,
}

/// Whether `path` is a passphrase backup or an automatic one (not decrypting it).
pub fn backup_kind(path: &Path) -> Result<BackupKind> {
    let file = fs::File::open(path)?;
    let dec = age::Decryptor::new_buffered(BufReader::new(file)).map_err(bad_backup)?;
    Ok(if dec.is_scrypt() {
        BackupKind::Passphrase
    } else {
        BackupKind::Identity
    })
}

fn bad_backup(why: impl std::fmt::Display) -> DiaryError {
    DiaryError::BadBackup(why.to_string())
}

impl Diary {
    /// Writes an encrypted backup of the whole diary to `out` (which must not exist).
    pub fn backup(&self, out: &Path, passphrase: &str) -> Result<BackupSummary> {
        self.backup_to(out, passphrase, false)
    }

    /// Like [`Diary::backup`]; with `replace`, an existing file at `out` is replaced
    /// (atomically, once the new backup is complete) — for a path the user picked
    /// in a save dialog that already asked about overwriting.
    pub fn backup_to(&self, out: &Path, passphrase: &str, replace: bool) -> Result<BackupSummary> {
        self.backup_to_with_progress(out, passphrase, replace, &Progress::none())
    }

    /// [`Diary::backup_to`], reporting each record written; cancelled, no file appears.
    pub fn backup_to_with_progress(
        &self,
        out: &Path,
        passphrase: &str,
        replace: bool,
        progress: &Progress<'_>,
    ) -> Result<BackupSummary> {
        if passphrase.chars().count() < crate::keys::MIN_PASSPHRASE {
            return Err(DiaryError::WeakPassphrase(crate::keys::MIN_PASSPHRASE));
        }
        self.backup_encrypted_with_progress(out, BackupTo::Passphrase(passphrase), replace, progress)
    }

    /// Writes a backup to `out`, encrypted as `to` says; the file appears only
    /// when complete (written beside it, synced, then renamed into place).
    pub fn backup_encrypted(&self, out: &Path, to: BackupTo<'_>, replace: bool) -> Result<BackupSummary> {
        self.backup_encrypted_with_progress(out, to, replace, &Progress::none())
    }

    /// [`Diary::backup_encrypted`], reporting each document and attachment
    /// written. Cancelled, the temporary file is removed: `out` never appears
    /// (a file already there stays as it was).
    pub fn backup_encrypted_with_progress(
        &self,
        out: &Path,
        to: BackupTo<'_>,
        replace: bool,
        progress: &Progress<'_>,
    ) -> Result<BackupSummary> {
        if out.is_dir() || (out.exists() && !replace) {
            return Err(DiaryError::FileExists(out.to_path_buf()));
        }
        let dir = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let tmp = dir.join(format!(
            ".{}.partial",
            out.file_name().and_then(|n| n.to_str()).unwrap_or("backup")
        ));
        let result = self.write_backup(&tmp, to, progress);
        match result {
            Ok(summary) => {
                fs::rename(&tmp, out)?;
                sync_dir(dir);
                Ok(BackupSummary {
                    bytes: fs::metadata(out)?.len(),
                    ..summary
                })
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    fn write_backup(&self, tmp: &Path, to: BackupTo<'_>, progress: &Progress<'_>) -> Result<BackupSummary> {
        let enc = match to {
            BackupTo::Passphrase(p) => age::Encryptor::with_user_passphrase(SecretString::from(p.to_string())),
            BackupTo::Recipient(r) => age::Encryptor::with_recipients(std::iter::once(r as &dyn age::Recipient))
                .map_err(|e| DiaryError::Output(format!("backup encryption ({e})")))?,
        };
        let file = fs::File::create(tmp)?;
        let mut w = enc.wrap_output(BufWriter::new(file))?;
        let conn = self.conn();
        // One read transaction: the backup is a consistent snapshot.
        conn.execute_batch("BEGIN")?;
        let out = (|| -> Result<BackupSummary> {
            let line = |l: &Line, w: &mut dyn Write| -> Result<()> {
                serde_json::to_writer(&mut *w, l).map_err(|e| DiaryError::from(std::io::Error::from(e)))?;
                w.write_all(b"\n")?;
                Ok(())
            };
            let header = Header {
                format: FORMAT.into(),
                chamber_id: self.chamber_id().to_string(),
                member_id: store::meta_get(conn, "member_id")?.unwrap_or_default(),
                created_at: chrono::Utc::now().to_rfc3339(),
                schema: store::schema_version(),
            };
            line(&Line::Header(header), &mut w)?;
            let mut summary = BackupSummary::default();
            let total = crate::progress::count(
                conn,
                "SELECT (SELECT count(*) FROM docs) + (SELECT count(*) FROM blobs)",
            )?;
            let mut stmt = conn.prepare("SELECT id, kind, created_at FROM docs ORDER BY id")?;
            let docs: Vec<(String, String, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (id, kind, created_at) in docs {
                let bytes = Zeroizing::new(store::load_doc(conn, &id)?.save());
                line(
                    &Line::Doc {
                        id,
                        kind,
                        created_at,
                        bytes: BASE64.encode(&bytes),
                    },
                    &mut w,
                )?;
                summary.docs += 1;
                progress.step(Stage::Backup, summary.docs as u64, total)?;
            }
            let mut stmt = conn.prepare("SELECT id, bytes FROM blobs ORDER BY id")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: String = r.get(0)?;
                let bytes = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
                line(
                    &Line::Blob {
                        id,
                        bytes: BASE64.encode(bytes),
                    },
                    &mut w,
                )?;
                summary.blobs += 1;
                progress.step(Stage::Backup, (summary.docs + summary.blobs) as u64, total)?;
            }
            let mut stmt = conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'setting.%' ORDER BY key")?;
            let settings: Vec<(String, String)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (key, value) in settings {
                line(&Line::Setting { key, value }, &mut w)?;
            }
            line(
                &Line::End {
                    docs: summary.docs,
                    blobs: summary.blobs,
                },
                &mut w,
            )?;
            Ok(summary)
        })();
        conn.execute_batch("COMMIT")?;
        let summary = out?;
        let inner = w.finish()?;
        let file = inner.into_inner().map_err(|e| DiaryError::from(e.into_error()))?;
        file.sync_all()?;
        Ok(summary)
    }

    /// Restores a backup into `dir` as a new diary protected as `opts` says.
    /// Refuses a folder that holds a diary unless `replace` is set; a replaced
    /// diary is moved aside (to `DIR.replaced-TIMESTAMP`), never deleted.
    /// Returns the new diary, its recovery key and where the replaced one went.
    pub fn restore(
        backup: &Path,
        backup_passphrase: &str,
        dir: &Path,
        opts: InitOptions,
        replace: bool,
    ) -> Result<Restored> {
        let secret = BackupSecret::Passphrase(Zeroizing::new(backup_passphrase.to_string()));
        Self::restore_with(backup, &secret, dir, opts, replace)
    }

    /// Like [`Diary::restore`], opening the backup with `secret`: its passphrase,
    /// or the backup identity from the recovery sheet for an automatic backup.
    pub fn restore_with(
        backup: &Path,
        secret: &BackupSecret,
        dir: &Path,
        opts: InitOptions,
        replace: bool,
    ) -> Result<Restored> {
        Self::restore_with_progress(backup, secret, dir, opts, replace, &Progress::none())
    }

    /// [`Diary::restore_with`], reporting each record read in (then the
    /// rebuild). Cancelled, the staging folder is removed and a diary already
    /// in `dir` is left untouched.
    pub fn restore_with_progress(
        backup: &Path,
        secret: &BackupSecret,
        dir: &Path,
        opts: InitOptions,
        replace: bool,
        progress: &Progress<'_>,
    ) -> Result<Restored> {
        let lines = read_backup(backup, secret)?;
        progress.check()?;
        if Diary::exists(dir) && !replace {
            return Err(DiaryError::AlreadyExists(dir.to_path_buf()));
        }
        // Build the restored diary beside the target, then move it into place.
        let staging = sibling(dir, "restoring");
        let _ = fs::remove_dir_all(&staging);
        let built = (|| -> Result<(Zeroizing<String>, Zeroizing<String>, BackupSummary)> {
            let crate::NewDiary {
                diary: d,
                recovery_key: recovery,
                backup_identity,
            } = Diary::init(&staging, opts)?;
            let summary = load_into(&d, &lines, progress)?;
            drop(d);
            // The last moment to stop: nothing has been moved yet.
            progress.check()?;
            Ok((recovery, backup_identity, summary))
        })();
        let (recovery, backup_identity, summary) = match built {
            Ok(v) => v,
            Err(e) => {
                remove_diary_dir(&staging);
                return Err(e);
            }
        };
        let mut replaced_dir = None;
        if Diary::exists(dir) {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S").to_string();
            let mut aside = sibling(dir, &format!("replaced-{stamp}"));
            // Two restores in one second: the second diary aside gets its own name.
            let mut n = 2;
            while aside.exists() {
                aside = sibling(dir, &format!("replaced-{stamp}-{n}"));
                n += 1;
            }
            fs::rename(dir, &aside)?;
            replaced_dir = Some(aside);
        } else if dir.exists() {
            fs::remove_dir(dir).map_err(|_| DiaryError::FolderNotEmpty(dir.to_path_buf()))?;
        }
        fs::rename(&staging, dir)?;
        // The new recovery key opens it whichever way its key is kept.
        let diary = Diary::open(dir, &crate::Unlock::RecoveryKey(recovery.clone()))?;
        Ok(Restored {
            diary,
            recovery_key: recovery,
            backup_identity,
            summary,
            replaced_dir,
        })
    }
}

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("diary");
    dir.with_file_name(format!("{name}.{suffix}"))
}

fn remove_diary_dir(dir: &Path) {
    for f in [DB_FILE, "diary.db-wal", "diary.db-shm", KEY_FILE] {
        let _ = fs::remove_file(dir.join(f));
    }
    let _ = fs::remove_dir(dir);
}

/// Fsyncs a folder so a rename into it survives a power cut (best effort).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Reads a backup identity (`AGE-SECRET-KEY-1…`), as typed from the recovery sheet.
pub fn parse_backup_identity(text: &str) -> Result<age::x25519::Identity> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    cleaned
        .to_ascii_uppercase()
        .parse::<age::x25519::Identity>()
        .map_err(|_| DiaryError::MalformedBackupIdentity)
}

/// Decrypts and parses a whole backup, checking its structure and completeness.
fn read_backup(path: &Path, secret: &BackupSecret) -> Result<Vec<Line>> {
    let file = fs::File::open(path)?;
    let dec = age::Decryptor::new_buffered(BufReader::new(file)).map_err(bad_backup)?;
    let reader = match secret {
        BackupSecret::Passphrase(passphrase) => {
            if !dec.is_scrypt() {
                return Err(DiaryError::BackupNeedsIdentity);
            }
            let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
            dec.decrypt(std::iter::once(&identity as &dyn age::Identity))
                .map_err(|e| match e {
                    age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                        DiaryError::WrongPassphrase
                    }
                    other => bad_backup(other),
                })?
        }
        BackupSecret::Identity(text) => {
            let identity = parse_backup_identity(text)?;
            if dec.is_scrypt() {
                return Err(DiaryError::BackupNeedsPassphrase);
            }
            dec.decrypt(std::iter::once(&identity as &dyn age::Identity))
                .map_err(|e| match e {
                    age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                        DiaryError::WrongBackupIdentity
                    }
                    other => bad_backup(other),
                })?
        }
    };
    let mut lines = Vec::new();
    for l in BufReader::new(reader).lines() {
        let l = l.map_err(|e| bad_backup(format!("damaged ({e})")))?;
        lines.push(serde_json::from_str::<Line>(&l).map_err(bad_backup)?);
    }
    match lines.first() {
        Some(Line::Header(h)) if h.format == FORMAT => {
            if h.schema > store::schema_version() {
                return Err(DiaryError::NewerSchema {
                    found: h.schema,
                    known: store::schema_version(),
                });
            }
        }
        _ => return Err(bad_backup("no header")),
    }
    let (docs, blobs) = lines.iter().fold((0, 0), |(d, b), l| match l {
        Line::Doc { .. } => (d + 1, b),
        Line::Blob { .. } => (d, b + 1),
        _ => (d, b),
    });
    match lines.last() {
        Some(Line::End { docs: d, blobs: b }) if *d == docs && *b == blobs => Ok(lines),
        _ => Err(bad_backup("it is incomplete")),
    }
}

/// Loads parsed backup lines into a freshly created diary, replacing its chamber.
fn load_into(d: &Diary, lines: &[Line], progress: &Progress<'_>) -> Result<BackupSummary> {
    let Some(Line::Header(h)) = lines.first() else {
        return Err(bad_backup("no header"));
    };
    let conn: &Connection = d.conn();
    let tx = conn.unchecked_transaction()?;
    tx.execute("DELETE FROM doc_chunks", [])?;
    tx.execute("DELETE FROM outbox", [])?;
    tx.execute("DELETE FROM docs", [])?;
    let mut summary = BackupSummary::default();
    let total = match lines.last() {
        Some(Line::End { docs, blobs }) => (docs + blobs) as u64,
        _ => 0,
    };
    for l in lines {
        match l {
            Line::Doc {
                id,
                kind,
                created_at,
                bytes,
            } => {
                let kind = DocKind::parse(kind).ok_or_else(|| bad_backup(format!("unknown document kind {kind:?}")))?;
                let raw = BASE64.decode(bytes.as_bytes()).map_err(bad_backup)?;
                automerge::AutoCommit::load(&raw).map_err(|e| bad_backup(format!("document {id}: {e}")))?;
                tx.execute(
                    "INSERT INTO docs (id, kind, created_at) VALUES (?1, ?2, ?3)",
                    params![id, kind.as_str(), created_at],
                )?;
                tx.execute(
                    "INSERT INTO doc_chunks (doc_id, seq, bytes) VALUES (?1, 0, ?2)",
                    params![id, raw],
                )?;
                summary.docs += 1;
                progress.step(Stage::Restore, (summary.docs + summary.blobs) as u64, total)?;
            }
            Line::Blob { id, bytes } => {
                let raw = BASE64.decode(bytes.as_bytes()).map_err(bad_backup)?;
                tx.execute(
                    "INSERT OR REPLACE INTO blobs (id, size, bytes) VALUES (?1, ?2, ?3)",
                    params![id, raw.len() as i64, raw],
                )?;
                summary.blobs += 1;
                progress.step(Stage::Restore, (summary.docs + summary.blobs) as u64, total)?;
            }
            Line::Setting { key, value } => store::meta_set(&tx, key, value)?,
            Line::Header(_) | Line::End { .. } => {}
        }
    }
    if store::doc_kind(&tx, &h.chamber_id)? != Some(DocKind::Chamber) {
        return Err(bad_backup("the chamber document is missing"));
    }
    // This device keeps its own (new) Automerge actor, registered in the restored
    // chamber as the same member, so its future edits never reuse the old device's.
    store::meta_set(&tx, "chamber_id", &h.chamber_id)?;
    store::meta_set(&tx, "member_id", &h.member_id)?;
    let actor_hex = store::meta_get(&tx, "actor")?.unwrap_or_default();
    let mut chamber_doc = store::load_doc(&tx, &h.chamber_id)?;
    let actor = ActorId::from(
        data_encoding::HEXLOWER
            .decode(actor_hex.as_bytes())
            .map_err(bad_backup)?,
    );
    chamber_doc.set_actor(actor);
    let mut chamber: ChamberDoc = autosurgeon::hydrate(&chamber_doc)?;
    // A series of its own: the laptop the backup came from may still issue
    // receipts from the old one.
    let receipt_series = crate::accounts::numbering::next_series(&chamber);
    chamber.devices.insert(
        actor_hex,
        crate::model::Device {
            label: "restored from backup".into(),
            member_id: h.member_id.clone(),
            added_at: chrono::Utc::now().to_rfc3339(),
            receipt_series,
            ..Default::default()
        },
    );
    let heads = chamber_doc.get_heads();
    autosurgeon::reconcile(&mut chamber_doc, &chamber)?;
    chamber_doc.commit_with(
        automerge::transaction::CommitOptions::default().with_message("Restored from a backup".to_string()),
    );
    let change = chamber_doc.save_after(&heads);
    store::append_change(
        &tx,
        &h.chamber_id,
        DocKind::Chamber,
        &change,
        &mut chamber_doc,
        &chrono::Utc::now().to_rfc3339(),
    )?;
    crate::projection::rebuild_with_progress(&tx, progress)?;
    tx.commit()?;
    Ok(summary)
}
