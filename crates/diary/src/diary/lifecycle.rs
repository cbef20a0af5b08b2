//! Opening and closing a diary: creating one (with its recovery key), opening
//! and unlocking it, changing how its key is protected, and deleting it.
//! Locking is closing: dropping the [`Diary`] closes the database.

use std::fs;
use std::path::{Path, PathBuf};

use automerge::ActorId;
use zeroize::Zeroizing;

use super::{restrict, Diary, APP_ID};
use crate::auto_backup::BackupKey;
use crate::error::{DiaryError, Result};
use crate::keys::{DbKey, KeyFile, KeyMode, Protection, Unlock, KEY_FILE};
use crate::model::*;
use crate::store::{self, DB_FILE};
use crate::validate::{clean_opt, required};
use crate::write::{new_id, now_rfc3339};

/// How a new diary is set up.
pub struct InitOptions {
    /// The diary's (chamber's) name.
    pub name: String,
    /// The advocate who owns it; defaults to the diary name.
    pub advocate: Option<String>,
    pub protection: Protection,
}

/// A newly created diary and its recovery key, to be shown once.
pub struct NewDiary {
    pub diary: Diary,
    pub recovery_key: Zeroizing<String>,
    /// The identity that opens its automatic backups (`AGE-SECRET-KEY-1…`), for
    /// the recovery sheet: shown once, never kept on the laptop.
    pub backup_identity: Zeroizing<String>,
}

/// A diary's new recovery secrets, for a new recovery sheet: shown once.
pub struct RecoverySecrets {
    pub recovery_key: Zeroizing<String>,
    pub backup_identity: Zeroizing<String>,
}

impl Diary {
    /// The default diary folder: the OS data folder for the app's identifier
    /// (`~/.local/share/in.nextdate.diary` on Linux), shared by the app and the CLI.
    pub fn default_dir() -> Option<PathBuf> {
        directories::BaseDirs::new().map(|b| b.data_dir().join(APP_ID))
    }

    /// Whether `dir` holds a diary (its key file or database).
    pub fn exists(dir: &Path) -> bool {
        dir.join(KEY_FILE).exists() || dir.join(DB_FILE).exists()
    }

    /// How the diary in `dir` keeps its key.
    pub fn key_mode(dir: &Path) -> Result<KeyMode> {
        if !Self::exists(dir) {
            return Err(DiaryError::NoDiary(dir.to_path_buf()));
        }
        Ok(KeyFile::read(dir)?.mode)
    }

    /// Creates a new diary in `dir`. Returns it with the recovery key, to be shown once.
    /// Refuses to touch a folder that already holds a diary.
    pub fn init(dir: &Path, opts: InitOptions) -> Result<NewDiary> {
        let name = required(&opts.name, "diary name")?;
        let advocate = clean_opt(opts.advocate).unwrap_or_else(|| name.clone());
        if let Protection::Passphrase(p) = &opts.protection {
            if p.chars().count() < crate::keys::MIN_PASSPHRASE {
                return Err(DiaryError::WeakPassphrase(crate::keys::MIN_PASSPHRASE));
            }
        }
        if Self::exists(dir) {
            return Err(DiaryError::AlreadyExists(dir.to_path_buf()));
        }
        fs::create_dir_all(dir)?;
        restrict(dir, 0o700);
        let db_path = dir.join(DB_FILE);
        let key = crate::keys::DbKey::random();
        let diary_id = new_id();
        let result = (|| -> Result<NewDiary> {
            let conn = store::create(&db_path, &key)?;
            let actor = ActorId::random();
            let chamber_id = new_id();
            let member_id = new_id();
            let mut diary = Diary {
                conn,
                dir: dir.to_path_buf(),
                diary_id: diary_id.clone(),
                chamber_id,
                member_id,
                actor,
                torn_log: None,
                doc_cache: Default::default(),
                chamber_read: Default::default(),
                key: key.clone(),
            };
            diary.with_transaction(|tx, d| {
                store::meta_set(tx, "diary_id", &d.diary_id)?;
                store::meta_set(tx, "chamber_id", &d.chamber_id)?;
                store::meta_set(tx, "member_id", &d.member_id)?;
                store::meta_set(tx, "actor", &d.actor.to_hex_string())?;
                // A new diary's projection is built as it goes: nothing to rebuild.
                tx.execute("DELETE FROM meta WHERE key = 'projection.stale'", [])?;
                let now = now_rfc3339();
                let mut chamber = ChamberDoc {
                    name: name.clone(),
                    currency: "INR".into(),
                    ..Default::default()
                };
                chamber.members.insert(
                    d.member_id.clone(),
                    Member {
                        name: advocate.clone(),
                        role: "owner".into(),
                    },
                );
                chamber.devices.insert(
                    d.actor.to_hex_string(),
                    Device {
                        label: "this laptop".into(),
                        member_id: d.member_id.clone(),
                        added_at: now.clone(),
                        receipt_series: "A".into(),
                        ..Default::default()
                    },
                );
                d.create_doc(
                    tx,
                    &d.chamber_id.clone(),
                    DocKind::Chamber,
                    &chamber,
                    "Created the diary",
                )
            })?;
            let backup_key = BackupKey::generate();
            diary.set_backup_recipient(&backup_key.recipient)?;
            restrict(&db_path, 0o600);
            let created = KeyFile::create(&diary_id, &key, &opts.protection)?;
            created.key_file.write(dir)?;
            Ok(NewDiary {
                diary,
                recovery_key: created.recovery_key,
                backup_identity: backup_key.identity,
            })
        })();
        if result.is_err() {
            // Only files this call created are removed; the folder held no diary before.
            for suffix in ["", "-wal", "-shm"] {
                let _ = fs::remove_file(dir.join(format!("{DB_FILE}{suffix}")));
            }
        }
        result
    }

    /// Opens the diary in `dir`. Each failure has its own error and leaves every file as it was.
    pub fn open(dir: &Path, how: &Unlock) -> Result<Diary> {
        let kf_path = dir.join(KEY_FILE);
        let db_path = dir.join(DB_FILE);
        match (kf_path.exists(), db_path.exists()) {
            (false, false) => return Err(DiaryError::NoDiary(dir.to_path_buf())),
            (false, true) => {
                return Err(if store::is_plain_sqlite(&db_path) {
                    DiaryError::NotADiary(db_path)
                } else {
                    DiaryError::DamagedKeyFile(kf_path, "the key file is missing".into())
                })
            }
            (true, false) => return Err(DiaryError::MissingDatabase(db_path)),
            (true, true) => {}
        }
        let kf = KeyFile::read(dir)?;
        if store::is_plain_sqlite(&db_path) {
            return Err(DiaryError::NotADiary(db_path));
        }
        let key = kf.unlock(how)?;
        // Looked at before SQLite reads (and later rewrites) the log.
        let torn_log = store::torn_log(&db_path);
        let conn = store::open(&db_path, &key)?;
        if store::meta_get(&conn, "diary_id")?.as_deref() != Some(kf.diary_id.as_str()) {
            return Err(DiaryError::DamagedDatabase(db_path));
        }
        let stale = store::meta_get(&conn, "projection.stale")?.is_some();
        let mut diary = Self::on_connection(dir, conn, key, torn_log)?;
        if stale {
            diary.rebuild()?;
        }
        Ok(diary)
    }

    /// The open diary on a connection of its own, for work that should not
    /// wait for (or hold up) the screens: a background sync round talks to
    /// the relay between its short transactions. Both see each other's
    /// commits; each keeps its own caches, checked against the file.
    pub fn open_again(&self) -> Result<Diary> {
        let conn = store::open(&self.dir.join(DB_FILE), &self.key)?;
        Self::on_connection(&self.dir, conn, self.key.clone(), None)
    }

    /// Takes up the diary's identity again from the file (the chamber it
    /// belongs to changes when a laptop joins one, maybe on another
    /// connection). Says whether anything changed.
    pub fn refresh_identity(&mut self) -> Result<bool> {
        let damaged = || DiaryError::DamagedDatabase(self.dir.join(DB_FILE));
        let chamber_id = store::meta_get(&self.conn, "chamber_id")?.ok_or_else(damaged)?;
        let member_id = store::meta_get(&self.conn, "member_id")?.ok_or_else(damaged)?;
        let changed = (&chamber_id, &member_id) != (&self.chamber_id, &self.member_id);
        self.chamber_id = chamber_id;
        self.member_id = member_id;
        Ok(changed)
    }

    fn on_connection(dir: &Path, conn: rusqlite::Connection, key: DbKey, torn_log: Option<String>) -> Result<Diary> {
        let db_path = dir.join(DB_FILE);
        let get = |k: &str| -> Result<String> {
            store::meta_get(&conn, k)?.ok_or_else(|| DiaryError::DamagedDatabase(db_path.clone()))
        };
        let diary_id = get("diary_id")?;
        let actor = ActorId::from(
            data_encoding::HEXLOWER
                .decode(get("actor")?.as_bytes())
                .map_err(|_| DiaryError::DamagedDatabase(db_path.clone()))?,
        );
        let chamber_id = get("chamber_id")?;
        let member_id = get("member_id")?;
        Ok(Diary {
            conn,
            dir: dir.to_path_buf(),
            diary_id,
            chamber_id,
            member_id,
            actor,
            torn_log,
            doc_cache: Default::default(),
            chamber_read: Default::default(),
            key,
        })
    }

    /// Changes protection, unlocking with `current` to prove the key is held.
    pub fn reprotect(&self, current: &Unlock, protection: Protection) -> Result<()> {
        let mut kf = KeyFile::read(&self.dir)?;
        let key = kf.unlock(current)?;
        kf.reprotect(&self.dir, &key, &protection)
    }

    /// Makes new recovery secrets for a new recovery sheet, after proving the
    /// key is held with `current` (the passphrase, or the keyring): a new
    /// recovery key (the old one stops opening the diary) and a new backup key
    /// (automatic backups from now on open only with the new identity; older
    /// backups still need the older sheet).
    pub fn renew_recovery(&self, current: &Unlock) -> Result<RecoverySecrets> {
        let mut kf = KeyFile::read(&self.dir)?;
        let key = kf.unlock(current)?;
        let backup_key = BackupKey::generate();
        let recovery_key = kf.renew_recovery(&self.dir, &key)?;
        self.set_backup_recipient(&backup_key.recipient)?;
        Ok(RecoverySecrets {
            recovery_key,
            backup_identity: backup_key.identity,
        })
    }

    /// Deletes the whole diary: the key from the OS keyring, the key file (so no
    /// copy of the database can be decrypted any more, not even with the recovery
    /// key), then the database and its WAL. `confirm` must be the diary's name.
    pub fn delete_everything(self, confirm: &str) -> Result<PathBuf> {
        self.check_delete_confirmation(confirm)?;
        let dir = self.dir.clone();
        let kf = KeyFile::read(&dir)?;
        drop(self);
        if kf.mode == KeyMode::Keyring {
            crate::keys::keyring_delete(&kf.diary_id)?;
        } else {
            // A passphrase diary may still have a stale keyring entry from before a switch.
            let _ = crate::keys::keyring_delete(&kf.diary_id);
        }
        fs::remove_file(dir.join(KEY_FILE))?;
        for suffix in ["-wal", "-shm", ""] {
            match fs::remove_file(dir.join(format!("{DB_FILE}{suffix}"))) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        let _ = fs::remove_file(dir.join(super::SESSION_MARKER));
        // Copies kept before upgrades (unreadable without the key file, but gone too).
        for entry in fs::read_dir(&dir)?.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(&format!("{DB_FILE}.schema-")) && name.ends_with(".bak") {
                fs::remove_file(entry.path())?;
            }
        }
        let _ = fs::remove_dir(&dir);
        Ok(dir)
    }
}
