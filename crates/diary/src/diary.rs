//! The diary: opening and creating one, and every change to its records.
//!
//! Each change loads one Automerge document, applies the change through
//! `autosurgeon`, commits it with a human-readable message, stores the
//! incremental bytes, queues them in the outbox and updates the projection, all
//! in one SQLite transaction. Validation happens before anything is written.

use std::fs;
use std::path::{Path, PathBuf};

use automerge::transaction::CommitOptions;
use automerge::{ActorId, AutoCommit};
use chrono::{NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::dates::{format_dmy, parse_iso};
use crate::docdiff::DocValue;
use crate::error::{DiaryError, Result};
use crate::keys::{KeyFile, KeyMode, Protection, Unlock, KEY_FILE};
use crate::model::*;
use crate::projection::{self, number_key};
use crate::store::{self, DB_FILE};

/// A new client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewClient {
    pub name: String,
    #[serde(default)]
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// A new case, optionally with its first (next) date.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewCase {
    pub title: String,
    pub number: String,
    pub court: String,
    pub cnr: Option<String>,
    pub bench: Option<String>,
    pub case_type: Option<String>,
    pub stage: Option<String>,
    #[serde(default)]
    pub parties: Vec<Party>,
    #[serde(default)]
    pub client_ids: Vec<String>,
    pub next_date: Option<NaiveDate>,
    pub purpose: Option<String>,
    pub item: Option<i64>,
}

/// Changes to a case's header; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CaseEdit {
    pub title: Option<String>,
    pub number: Option<String>,
    pub court: Option<String>,
    pub cnr: Option<Option<String>>,
    pub bench: Option<Option<String>>,
    pub case_type: Option<Option<String>>,
    pub stage: Option<Option<String>>,
    pub status: Option<String>,
    pub parties: Option<Vec<Party>>,
    pub client_ids: Option<Vec<String>>,
}

/// What was decided at a hearing: adjourned to a next date, or disposed of.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum NextStep {
    Adjourned {
        next_date: NaiveDate,
        purpose: Option<String>,
    },
    Disposed,
}

/// Recording a hearing's outcome and the next date, as one operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordHearing {
    pub date: NaiveDate,
    pub outcome: Option<String>,
    pub item: Option<i64>,
    pub next: NextStep,
    pub attended_by: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewTask {
    pub title: String,
    pub due: Option<NaiveDate>,
    pub assignee: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewFee {
    pub kind: FeeKind,
    pub amount_minor: i64,
    pub currency: Option<String>,
    pub date: NaiveDate,
    pub mode: Option<String>,
    pub remark: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewNote {
    pub text: String,
    pub client_visible: bool,
}

/// How a new diary is set up.
pub struct InitOptions {
    /// The diary's (chamber's) name.
    pub name: String,
    /// The advocate who owns it; defaults to the diary name.
    pub advocate: Option<String>,
    pub protection: Protection,
}

/// The desktop app's identifier, which also names the default diary folder.
pub const APP_ID: &str = "in.nextdate.diary";

/// Largest attachment accepted, in bytes.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// Statuses a case can have.
pub const STATUSES: &[&str] = &["pending", "disposed", "transferred"];

/// An open, unlocked diary.
pub struct Diary {
    pub(crate) conn: Connection,
    dir: PathBuf,
    diary_id: String,
    chamber_id: String,
    member_id: String,
    actor: ActorId,
}

fn now_rfc3339() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Keeps the diary folder and files private to the user (best effort; Unix only).
fn restrict(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

fn new_id() -> String {
    ulid::Ulid::new().to_string()
}

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clean_opt(s: Option<String>) -> Option<String> {
    s.map(|v| clean(&v)).filter(|v| !v.is_empty())
}

fn required(s: &str, what: &'static str) -> Result<String> {
    let c = clean(s);
    if c.is_empty() {
        Err(DiaryError::Empty(what))
    } else {
        Ok(c)
    }
}

fn check_item(item: Option<i64>) -> Result<()> {
    match item {
        Some(i) if !(1..=100_000).contains(&i) => Err(DiaryError::Invalid(format!(
            "item number {i} must be between 1 and 100000"
        ))),
        _ => Ok(()),
    }
}

fn check_date(d: NaiveDate) -> Result<String> {
    use chrono::Datelike;
    if !(1900..=2200).contains(&d.year()) {
        return Err(DiaryError::InvalidDate(d.to_string()));
    }
    Ok(d.to_string())
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
    pub fn init(dir: &Path, opts: InitOptions) -> Result<(Diary, Zeroizing<String>)> {
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
        let result = (|| -> Result<(Diary, Zeroizing<String>)> {
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
            };
            diary.write(|tx, d| {
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
            restrict(&db_path, 0o600);
            let (kf, recovery) = KeyFile::create(&diary_id, &key, &opts.protection)?;
            kf.write(dir)?;
            Ok((diary, recovery))
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
        let conn = store::open(&db_path, &key)?;
        let get = |k: &str| -> Result<String> {
            store::meta_get(&conn, k)?.ok_or_else(|| DiaryError::DamagedDatabase(db_path.clone()))
        };
        let diary_id = get("diary_id")?;
        if diary_id != kf.diary_id {
            return Err(DiaryError::DamagedDatabase(db_path));
        }
        let actor = ActorId::from(
            data_encoding::HEXLOWER
                .decode(get("actor")?.as_bytes())
                .map_err(|_| DiaryError::DamagedDatabase(db_path.clone()))?,
        );
        let chamber_id = get("chamber_id")?;
        let member_id = get("member_id")?;
        let stale = store::meta_get(&conn, "projection.stale")?.is_some();
        let mut diary = Diary {
            conn,
            dir: dir.to_path_buf(),
            diary_id,
            chamber_id,
            member_id,
            actor,
        };
        if stale {
            diary.rebuild()?;
        }
        Ok(diary)
    }

    /// Changes protection, unlocking with `current` to prove the key is held.
    pub fn reprotect(&self, current: &Unlock, protection: Protection) -> Result<()> {
        let mut kf = KeyFile::read(&self.dir)?;
        let key = kf.unlock(current)?;
        kf.reprotect(&self.dir, &key, &protection)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn diary_id(&self) -> &str {
        &self.diary_id
    }
    pub fn chamber_id(&self) -> &str {
        &self.chamber_id
    }
    pub(crate) fn set_chamber_id(&mut self, id: String) {
        self.chamber_id = id;
    }
    /// The member (person) using this device.
    pub fn member_id(&self) -> &str {
        &self.member_id
    }
    /// This device's Automerge actor id, in hex.
    pub fn actor_hex(&self) -> String {
        self.actor.to_hex_string()
    }
    /// The underlying connection, for queries that read the projection.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one IMMEDIATE transaction; nothing is kept unless it succeeds.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction, &Self) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let out = f(&tx, self)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs several changes in one transaction (used by bulk generators and imports).
    pub fn batch<T>(&mut self, f: impl FnOnce(&mut Batch<'_>) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let out = {
            let mut b = Batch {
                tx: &tx,
                diary: Ctx::of(self),
            };
            f(&mut b)?
        };
        tx.commit()?;
        Ok(out)
    }

    fn create_doc<T: autosurgeon::Reconcile + projection::Projected>(
        &self,
        tx: &Transaction,
        id: &str,
        kind: DocKind,
        value: &T,
        msg: &str,
    ) -> Result<()> {
        Ctx::of(self).create_doc(tx, id, kind, value, msg)
    }

    pub fn add_client(&mut self, c: NewClient) -> Result<String> {
        self.batch(|b| b.add_client(c))
    }
    pub fn add_case(&mut self, c: NewCase) -> Result<String> {
        self.batch(|b| b.add_case(c))
    }
    pub fn edit_case(&mut self, id: &str, e: CaseEdit) -> Result<()> {
        self.batch(|b| b.edit_case(id, e))
    }
    pub fn record_hearing(&mut self, case_id: &str, r: RecordHearing) -> Result<String> {
        self.batch(|b| b.record_hearing(case_id, r))
    }
    pub fn add_task(&mut self, case_id: &str, t: NewTask) -> Result<String> {
        self.batch(|b| b.add_task(case_id, t))
    }
    pub fn complete_task(&mut self, task_id: &str) -> Result<()> {
        self.batch(|b| b.complete_task(task_id))
    }
    pub fn add_fee(&mut self, case_id: &str, f: NewFee) -> Result<String> {
        self.batch(|b| b.add_fee(case_id, f))
    }
    pub fn add_note(&mut self, case_id: &str, n: NewNote) -> Result<String> {
        self.batch(|b| b.add_note(case_id, n))
    }

    /// Drops the projection and rebuilds it from the documents.
    pub fn rebuild(&mut self) -> Result<()> {
        self.write(|tx, _| projection::rebuild(tx))
    }

    /// The whole case document (for export and tests; screens read the projection).
    pub fn case_doc(&self, id: &str) -> Result<CaseDoc> {
        if store::doc_kind(&self.conn, id)? != Some(DocKind::Case) {
            return Err(DiaryError::UnknownId {
                kind: "case",
                id: id.to_string(),
            });
        }
        Ok(autosurgeon::hydrate(&store::load_doc(&self.conn, id)?)?)
    }

    /// The chamber document.
    pub fn chamber(&self) -> Result<ChamberDoc> {
        Ok(autosurgeon::hydrate(&store::load_doc(&self.conn, &self.chamber_id)?)?)
    }

    /// Renames the diary (chamber) and its owner, the advocate.
    pub fn set_names(&mut self, diary_name: &str, advocate: &str) -> Result<()> {
        let name = required(diary_name, "diary name")?;
        let advocate = required(advocate, "advocate name")?;
        let (chamber_id, member_id) = (self.chamber_id.clone(), self.member_id.clone());
        self.batch(|b| {
            b.change::<ChamberDoc, _>(&chamber_id, DocKind::Chamber, |c, _| {
                c.name = name;
                if let Some(m) = c.members.get_mut(&member_id) {
                    m.name = advocate;
                }
                Ok(((), "Renamed the diary".to_string()))
            })
        })
    }

    /// The name of the advocate using this device.
    pub fn advocate_name(&self) -> Result<String> {
        let name: Option<String> = self
            .conn
            .query_row("SELECT name FROM members WHERE id = ?1", [&self.member_id], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(name.unwrap_or_default())
    }

    /// A device-local setting (not synced), such as the auto-lock delay.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        store::meta_get(&self.conn, &format!("setting.{key}"))
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        store::meta_set(&self.conn, &format!("setting.{key}"), value)
    }

    /// Attaches a document to a case; its bytes are stored in the encrypted database.
    pub fn attach_document(
        &mut self,
        case_id: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        client_visible: bool,
    ) -> Result<String> {
        self.batch(|b| b.attach_document(case_id, name, media_type, bytes, client_visible))
    }

    /// Deletes the whole diary: the key from the OS keyring, the key file (so no
    /// copy of the database can be decrypted any more, not even with the recovery
    /// key), then the database and its WAL. `confirm` must be the diary's name.
    pub fn delete_everything(self, confirm: &str) -> Result<PathBuf> {
        let name = self.chamber()?.name;
        if confirm.trim() != name {
            return Err(DiaryError::Invalid(format!(
                "to delete everything, confirm with the diary's name exactly: {name:?}"
            )));
        }
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
        let _ = fs::remove_dir(&dir);
        Ok(dir)
    }

    /// Number of local changes waiting in the outbox.
    pub fn outbox_len(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?)
    }
}

/// What a batch needs of the diary, borrowed apart from its connection.
#[derive(Clone)]
struct Ctx {
    actor: ActorId,
    member_id: String,
}

/// A new document ready to store: its full save and its history rows.
struct BuiltDoc {
    saved: Vec<u8>,
    history: Vec<projection::HistoryRow>,
}

impl Ctx {
    fn of(d: &Diary) -> Ctx {
        Ctx {
            actor: d.actor.clone(),
            member_id: d.member_id.clone(),
        }
    }

    fn commit(doc: &mut AutoCommit, msg: &str) {
        doc.commit_with(
            CommitOptions::default()
                .with_message(msg.to_string())
                .with_time(Utc::now().timestamp()),
        );
    }

    /// A new document holding `value`, as one change with `msg`: its full save
    /// and its history rows. Pure work with no database, so bulk writers can
    /// run it on several threads.
    fn build_doc<T: autosurgeon::Reconcile>(&self, value: &T, msg: &str) -> Result<BuiltDoc> {
        let mut doc = AutoCommit::new().with_actor(self.actor.clone());
        autosurgeon::reconcile(&mut doc, value)?;
        Self::commit(&mut doc, msg);
        Ok(BuiltDoc {
            saved: doc.save(),
            history: projection::history_rows(&mut doc),
        })
    }

    /// Builds many documents on every core, keeping their order.
    fn build_docs<T: autosurgeon::Reconcile + Sync>(&self, items: &[(String, T, String)]) -> Result<Vec<BuiltDoc>> {
        crate::parallel::map(items, |(_, value, msg)| self.build_doc(value, msg))
    }

    /// Stores a built document, queues it for sync and projects `value` as it
    /// is (the projection tests check this matches a rebuild from the documents).
    fn write_doc<T: projection::Projected>(
        tx: &Transaction,
        id: &str,
        kind: DocKind,
        value: &T,
        built: &BuiltDoc,
    ) -> Result<()> {
        store::insert_doc(tx, id, kind, &built.saved, &now_rfc3339())?;
        value.project(tx, id)?;
        projection::insert_history(tx, id, &built.history)
    }

    fn create_doc<T: autosurgeon::Reconcile + projection::Projected>(
        &self,
        tx: &Transaction,
        id: &str,
        kind: DocKind,
        value: &T,
        msg: &str,
    ) -> Result<()> {
        let built = self.build_doc(value, msg)?;
        Self::write_doc(tx, id, kind, value, &built)
    }
}

/// Changes made inside one transaction. Every method validates before it writes.
pub struct Batch<'a> {
    tx: &'a Transaction<'a>,
    diary: Ctx,
}

impl Batch<'_> {
    fn require_kind(&self, id: &str, kind: DocKind, name: &'static str) -> Result<()> {
        if store::doc_kind(self.tx, id)? != Some(kind) {
            return Err(DiaryError::UnknownId {
                kind: name,
                id: id.to_string(),
            });
        }
        Ok(())
    }

    /// Loads a document, lets `f` change its hydrated value and give a commit
    /// message, then writes only what changed to the document and the projection.
    /// A change that alters nothing writes nothing.
    pub(crate) fn change<T, R>(
        &mut self,
        id: &str,
        kind: DocKind,
        f: impl FnOnce(&mut T, &Transaction) -> Result<(R, String)>,
    ) -> Result<R>
    where
        T: DocValue,
    {
        self.require_kind(id, kind, kind.as_str())?;
        let mut doc = store::load_doc(self.tx, id)?;
        doc.set_actor(self.diary.actor.clone());
        let old: T = autosurgeon::hydrate(&doc)?;
        let mut value = old.clone();
        let (out, msg) = f(&mut value, self.tx)?;
        if value == old {
            return Ok(out);
        }
        let heads = doc.get_heads();
        T::write_diff(&mut doc, &old, &value)?;
        Ctx::commit(&mut doc, &msg);
        let bytes = doc.save_after(&heads);
        store::append_change(self.tx, id, kind, &bytes, &mut doc, &now_rfc3339())?;
        T::project(self.tx, id, Some(&old), &value)?;
        projection::project_history(self.tx, id, &mut doc)?;
        Ok(out)
    }

    pub fn add_client(&mut self, c: NewClient) -> Result<String> {
        let name = required(&c.name, "client name")?;
        let email = clean_opt(c.email);
        if let Some(e) = &email {
            if !e.contains('@') || e.contains(' ') {
                return Err(DiaryError::Invalid(format!("invalid email address {e:?}")));
            }
        }
        let doc = ClientDoc {
            phones: c.phones.iter().map(|p| clean(p)).filter(|p| !p.is_empty()).collect(),
            email,
            address: clean_opt(c.address),
            notes: c.notes.filter(|n| !n.trim().is_empty()),
            created_at: now_rfc3339(),
            name: name.clone(),
        };
        let id = new_id();
        self.diary
            .create_doc(self.tx, &id, DocKind::Client, &doc, &format!("Added client {name}"))?;
        Ok(id)
    }

    /// Adds a whole client document, keeping `id` when given and unused.
    pub fn insert_client_doc(
        &mut self,
        id: Option<String>,
        c: NewClient,
        created_at: Option<String>,
    ) -> Result<String> {
        let name = required(&c.name, "client name")?;
        let email = clean_opt(c.email);
        if let Some(e) = &email {
            if !e.contains('@') || e.contains(' ') {
                return Err(DiaryError::Invalid(format!("invalid email address {e:?}")));
            }
        }
        let doc = ClientDoc {
            phones: c.phones.iter().map(|p| clean(p)).filter(|p| !p.is_empty()).collect(),
            email,
            address: clean_opt(c.address),
            notes: c.notes.filter(|n| !n.trim().is_empty()),
            created_at: created_at.unwrap_or_else(now_rfc3339),
            name: name.clone(),
        };
        let id = self.fresh_id(id)?;
        self.diary
            .create_doc(self.tx, &id, DocKind::Client, &doc, &format!("Imported client {name}"))?;
        Ok(id)
    }

    /// `id` if given and not yet used in this diary, else a new one.
    fn fresh_id(&self, id: Option<String>) -> Result<String> {
        match id.map(|i| i.trim().to_string()).filter(|i| !i.is_empty()) {
            None => Ok(new_id()),
            Some(id) => {
                if store::doc_kind(self.tx, &id)?.is_some() {
                    return Err(DiaryError::Invalid(format!(
                        "a record with id {id} is already in this diary"
                    )));
                }
                Ok(id)
            }
        }
    }

    fn check_clients(&self, ids: &[String]) -> Result<()> {
        for id in ids {
            self.require_kind(id, DocKind::Client, "client")?;
        }
        Ok(())
    }

    fn check_unique_number(&self, number: &str, court: &str, except: Option<&str>) -> Result<()> {
        let existing: Option<String> = self
            .tx
            .prepare_cached("SELECT id FROM cases WHERE court = ?1 AND number_key = ?2 AND id IS NOT ?3 LIMIT 1")?
            .query_row(rusqlite::params![court, number_key(number), except], |r| r.get(0))
            .optional()?;
        match existing {
            Some(existing) => Err(DiaryError::DuplicateCaseNumber {
                number: number.into(),
                court: court.into(),
                existing,
            }),
            None => Ok(()),
        }
    }

    fn check_parties(parties: Vec<Party>) -> Result<Vec<Party>> {
        parties
            .into_iter()
            .map(|p| {
                Ok(Party {
                    name: required(&p.name, "party name")?,
                    side: required(&p.side, "party side")?.to_lowercase(),
                    counsel: clean_opt(p.counsel),
                })
            })
            .collect()
    }

    pub fn add_case(&mut self, c: NewCase) -> Result<String> {
        let title = required(&c.title, "case title")?;
        let number = required(&c.number, "case number")?;
        let court = required(&c.court, "court")?;
        check_item(c.item)?;
        self.check_clients(&c.client_ids)?;
        self.check_unique_number(&number, &court, None)?;
        let parties = Self::check_parties(c.parties)?;
        let now = now_rfc3339();
        let mut doc = CaseDoc {
            title: title.clone(),
            number: number.clone(),
            cnr: clean_opt(c.cnr).map(|s| s.to_uppercase()),
            court,
            bench: clean_opt(c.bench),
            case_type: clean_opt(c.case_type),
            status: "pending".into(),
            stage: clean_opt(c.stage),
            parties,
            client_ids: c.client_ids,
            assigned: vec![self.diary.member_id.clone()],
            created_at: now,
            ..Default::default()
        };
        let mut msg = format!("Opened case {number} ({title})");
        if let Some(next) = c.next_date {
            let date = check_date(next)?;
            msg.push_str(&format!("; next date {}", format_dmy(next)));
            doc.hearings.insert(
                new_id(),
                Hearing {
                    date,
                    item: c.item,
                    purpose: clean_opt(c.purpose),
                    ..Default::default()
                },
            );
        } else if c.purpose.is_some() || c.item.is_some() {
            return Err(DiaryError::Invalid("a purpose or item number needs a next date".into()));
        }
        let id = new_id();
        self.diary.create_doc(self.tx, &id, DocKind::Case, &doc, &msg)?;
        Ok(id)
    }

    /// Stores a whole case document at once (demo data, imports), after the same
    /// checks a new case gets: required fields, dates, amounts, clients, duplicates.
    pub fn insert_case_doc(&mut self, doc: CaseDoc, msg: &str) -> Result<String> {
        self.insert_case_doc_as(None, doc, msg)
    }

    /// Like [`Batch::insert_case_doc`], keeping `id` when given (an import from
    /// another Nextdate diary); an id already in this diary is refused.
    pub fn insert_case_doc_as(&mut self, id: Option<String>, doc: CaseDoc, msg: &str) -> Result<String> {
        let (id, doc) = self.checked_case_doc(id, doc)?;
        self.diary.create_doc(self.tx, &id, DocKind::Case, &doc, msg)?;
        Ok(id)
    }

    /// Stores many whole case documents (an import), each as
    /// [`Batch::insert_case_doc_as`] would, and refuses a case number that
    /// comes twice for one court. The documents are built on every core, a
    /// few hundred at a time, and written in order.
    pub fn insert_case_docs(&mut self, cases: Vec<(Option<String>, CaseDoc, String)>) -> Result<Vec<String>> {
        const AT_A_TIME: usize = 256;
        let mut ids = Vec::with_capacity(cases.len());
        let mut seen_numbers: std::collections::HashMap<(String, String), String> = Default::default();
        let mut seen_ids = std::collections::HashSet::new();
        let mut cases = cases.into_iter().peekable();
        while cases.peek().is_some() {
            let mut ready = Vec::with_capacity(AT_A_TIME);
            for (id, doc, msg) in cases.by_ref().take(AT_A_TIME) {
                let (id, doc) = self.checked_case_doc(id, doc)?;
                if !seen_ids.insert(id.clone()) {
                    return Err(DiaryError::Invalid(format!("the id {id} is given to two cases")));
                }
                let key = (doc.court.clone(), number_key(&doc.number));
                if let Some(existing) = seen_numbers.insert(key, id.clone()) {
                    return Err(DiaryError::DuplicateCaseNumber {
                        number: doc.number,
                        court: doc.court,
                        existing,
                    });
                }
                ready.push((id, doc, msg));
            }
            let built = self.diary.build_docs(&ready)?;
            for ((id, doc, _), built) in ready.into_iter().zip(built) {
                Ctx::write_doc(self.tx, &id, DocKind::Case, &doc, &built)?;
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// A case document after the checks every new case gets, with its id.
    fn checked_case_doc(&self, id: Option<String>, mut doc: CaseDoc) -> Result<(String, CaseDoc)> {
        doc.title = required(&doc.title, "case title")?;
        doc.number = required(&doc.number, "case number")?;
        doc.court = required(&doc.court, "court")?;
        if !STATUSES.contains(&doc.status.as_str()) {
            return Err(DiaryError::Invalid(format!("unknown status {:?}", doc.status)));
        }
        self.check_clients(&doc.client_ids)?;
        self.check_unique_number(&doc.number, &doc.court, None)?;
        doc.parties = Self::check_parties(std::mem::take(&mut doc.parties))?;
        for h in doc.hearings.values() {
            check_date(parse_iso(&h.date)?)?;
            if let Some(n) = &h.next_date {
                check_date(parse_iso(n)?)?;
            }
            check_item(h.item)?;
        }
        for t in doc.tasks.values() {
            required(&t.title, "task title")?;
            if let Some(d) = &t.due {
                check_date(parse_iso(d)?)?;
            }
        }
        for f in doc.fees.values() {
            if f.amount_minor <= 0 || FeeKind::parse(&f.kind).is_none() {
                return Err(DiaryError::InvalidAmount(crate::money::format_amount(f.amount_minor)));
            }
            crate::money::check_currency(&f.currency)?;
            check_date(parse_iso(&f.date)?)?;
        }
        for n in doc.notes.values_mut() {
            if n.author.is_empty() {
                n.author = self.diary.member_id.clone();
            }
        }
        if doc.assigned.is_empty() {
            doc.assigned.push(self.diary.member_id.clone());
        }
        let id = self.fresh_id(id)?;
        Ok((id, doc))
    }

    pub fn edit_case(&mut self, id: &str, e: CaseEdit) -> Result<()> {
        if let Some(ids) = &e.client_ids {
            self.check_clients(ids)?;
        }
        let parties = e.parties.map(Self::check_parties).transpose()?;
        let batch: &Batch = self;
        let check_unique = |number: &str, court: &str| batch.check_unique_number(number, court, Some(id));
        // Validate against the current record before changing anything.
        let current = batch
            .tx
            .query_row("SELECT number, court FROM cases WHERE id = ?1", [id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            });
        let (cur_number, cur_court) = current.optional()?.ok_or_else(|| DiaryError::UnknownId {
            kind: "case",
            id: id.into(),
        })?;
        let number = e.number.as_deref().map(|n| required(n, "case number")).transpose()?;
        let court = e.court.as_deref().map(|c| required(c, "court")).transpose()?;
        let title = e.title.as_deref().map(|t| required(t, "case title")).transpose()?;
        if number.is_some() || court.is_some() {
            check_unique(
                number.as_deref().unwrap_or(&cur_number),
                court.as_deref().unwrap_or(&cur_court),
            )?;
        }
        if let Some(s) = &e.status {
            if !STATUSES.contains(&s.as_str()) {
                return Err(DiaryError::Invalid(format!(
                    "unknown status {s:?}: use pending, disposed or transferred"
                )));
            }
        }
        self.change::<CaseDoc, _>(id, DocKind::Case, |c, _| {
            let mut changed = Vec::new();
            if let Some(t) = title {
                c.title = t;
                changed.push("title");
            }
            if let Some(n) = number {
                c.number = n;
                changed.push("number");
            }
            if let Some(v) = court {
                c.court = v;
                changed.push("court");
            }
            if let Some(v) = e.cnr {
                c.cnr = clean_opt(v).map(|s| s.to_uppercase());
                changed.push("CNR");
            }
            if let Some(v) = e.bench {
                c.bench = clean_opt(v);
                changed.push("bench");
            }
            if let Some(v) = e.case_type {
                c.case_type = clean_opt(v);
                changed.push("case type");
            }
            if let Some(v) = e.stage {
                c.stage = clean_opt(v);
                changed.push("stage");
            }
            if let Some(v) = e.status {
                c.status = v;
                changed.push("status");
            }
            if let Some(v) = parties {
                c.parties = v;
                changed.push("parties");
            }
            if let Some(v) = e.client_ids {
                c.client_ids = v;
                changed.push("clients");
            }
            Ok(((), format!("Edited {}", changed.join(", "))))
        })
    }

    /// Records what happened at the hearing on `r.date` and fixes the next date
    /// (or disposes of the case). The recorded hearing keeps its outcome; the
    /// next date becomes a new hearing. Returns the recorded hearing's id.
    pub fn record_hearing(&mut self, case_id: &str, r: RecordHearing) -> Result<String> {
        let date = check_date(r.date)?;
        check_item(r.item)?;
        let next = match &r.next {
            NextStep::Adjourned { next_date, purpose } => {
                if *next_date <= r.date {
                    return Err(DiaryError::NextDateNotAfter {
                        date: format_dmy(r.date),
                        next: format_dmy(*next_date),
                    });
                }
                Some((check_date(*next_date)?, clean_opt(purpose.clone())))
            }
            NextStep::Disposed => None,
        };
        let outcome = r.outcome.map(|o| o.trim().to_string()).filter(|o| !o.is_empty());
        let attended_by = clean_opt(r.attended_by);
        self.change::<CaseDoc, _>(case_id, DocKind::Case, move |c, _| {
            if c.status != "pending" {
                return Err(DiaryError::Invalid(format!(
                    "case {} is {}, not pending",
                    c.number, c.status
                )));
            }
            let now = now_rfc3339();
            // The hearing listed on that date, or a new one if it was never diarised.
            let hid = c
                .hearings
                .iter()
                .filter(|(_, h)| h.date == date)
                .map(|(id, _)| id.clone())
                .next()
                .unwrap_or_else(new_id);
            let h = c.hearings.entry(hid.clone()).or_insert_with(|| Hearing {
                date: date.clone(),
                ..Default::default()
            });
            if r.item.is_some() {
                h.item = r.item;
            }
            h.outcome = outcome.clone().or_else(|| h.outcome.clone());
            h.attended_by = attended_by.or_else(|| h.attended_by.clone());
            h.recorded_at = Some(now);
            let shown = parse_iso(&date).map(format_dmy).unwrap_or(date.clone());
            let msg = match next {
                Some((next_date, purpose)) => {
                    h.next_date = Some(next_date.clone());
                    h.disposed = false;
                    if h.outcome.is_none() {
                        h.outcome = Some("Adjourned".into());
                    }
                    let outcome_text = h.outcome.clone().unwrap_or_default();
                    let exists = c.hearings.values_mut().find(|x| x.date == next_date);
                    match exists {
                        Some(existing) => {
                            if purpose.is_some() {
                                existing.purpose = purpose.clone();
                            }
                        }
                        None => {
                            c.hearings.insert(
                                new_id(),
                                Hearing {
                                    date: next_date.clone(),
                                    purpose: purpose.clone(),
                                    ..Default::default()
                                },
                            );
                        }
                    }
                    let nd = parse_iso(&next_date).map(format_dmy).unwrap_or(next_date);
                    match purpose {
                        Some(p) => {
                            format!("Hearing of {shown}: {outcome_text}; next date {nd} for {p}")
                        }
                        None => format!("Hearing of {shown}: {outcome_text}; next date {nd}"),
                    }
                }
                None => {
                    h.next_date = None;
                    h.disposed = true;
                    if h.outcome.is_none() {
                        h.outcome = Some("Disposed of".into());
                    }
                    let outcome_text = h.outcome.clone().unwrap_or_default();
                    c.status = "disposed".into();
                    // Dates fixed after this hearing no longer stand; keep recorded ones.
                    c.hearings.retain(|_, x| x.date <= date || x.outcome.is_some());
                    format!("Hearing of {shown}: {outcome_text}; case disposed of")
                }
            };
            Ok((hid, msg))
        })
    }

    pub fn add_task(&mut self, case_id: &str, t: NewTask) -> Result<String> {
        let title = required(&t.title, "task title")?;
        let due = t.due.map(check_date).transpose()?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let msg = match &due {
                Some(d) => format!(
                    "Added task \u{201c}{title}\u{201d} due {}",
                    parse_iso(d).map(format_dmy).unwrap_or_default()
                ),
                None => format!("Added task \u{201c}{title}\u{201d}"),
            };
            c.tasks.insert(
                id.clone(),
                Task {
                    title,
                    due,
                    assignee: clean_opt(t.assignee),
                    done: false,
                    done_at: None,
                    created_at: now_rfc3339(),
                },
            );
            Ok((id, msg))
        })
    }

    pub fn complete_task(&mut self, task_id: &str) -> Result<()> {
        let case_id: String = self
            .tx
            .query_row("SELECT case_id FROM tasks WHERE id = ?1", [task_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "task",
                id: task_id.into(),
            })?;
        self.change::<CaseDoc, _>(&case_id, DocKind::Case, |c, _| {
            let t = c.tasks.get_mut(task_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "task",
                id: task_id.into(),
            })?;
            if t.done {
                return Err(DiaryError::Invalid(format!(
                    "task \u{201c}{}\u{201d} is already done",
                    t.title
                )));
            }
            t.done = true;
            t.done_at = Some(now_rfc3339());
            Ok(((), format!("Completed task \u{201c}{}\u{201d}", t.title)))
        })
    }

    pub fn add_fee(&mut self, case_id: &str, f: NewFee) -> Result<String> {
        if f.amount_minor <= 0 {
            return Err(DiaryError::InvalidAmount(crate::money::format_amount(f.amount_minor)));
        }
        let date = check_date(f.date)?;
        let currency = crate::money::check_currency(f.currency.as_deref().unwrap_or("INR"))?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let msg = format!(
                "Fee {}: {} {}",
                f.kind.as_str(),
                currency,
                crate::money::format_amount(f.amount_minor)
            );
            c.fees.insert(
                id.clone(),
                Fee {
                    kind: f.kind.as_str().into(),
                    amount_minor: f.amount_minor,
                    currency,
                    date,
                    mode: clean_opt(f.mode),
                    remark: clean_opt(f.remark),
                },
            );
            Ok((id, msg))
        })
    }

    pub fn attach_document(
        &mut self,
        case_id: &str,
        name: &str,
        media_type: &str,
        bytes: &[u8],
        client_visible: bool,
    ) -> Result<String> {
        let name = required(name, "document name")?;
        if bytes.is_empty() {
            return Err(DiaryError::Empty("document"));
        }
        if bytes.len() > MAX_DOCUMENT_BYTES {
            return Err(DiaryError::Invalid(format!(
                "{name} is {} MB; documents up to {} MB can be attached",
                bytes.len() / (1024 * 1024),
                MAX_DOCUMENT_BYTES / (1024 * 1024)
            )));
        }
        use sha2::Digest;
        let sha = data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(bytes));
        let media_type = if media_type.trim().is_empty() {
            "application/octet-stream".to_string()
        } else {
            media_type.trim().to_string()
        };
        let tx = self.tx;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            tx.prepare_cached("INSERT OR IGNORE INTO blobs (id, size, bytes) VALUES (?1, ?2, ?3)")?
                .execute(rusqlite::params![sha, bytes.len() as i64, bytes])?;
            let id = new_id();
            let vis = if client_visible { "client-visible" } else { "private" };
            c.documents.insert(
                id.clone(),
                DocumentRef {
                    name: name.clone(),
                    size: bytes.len() as i64,
                    media_type,
                    sha256: sha.clone(),
                    blob_id: sha.clone(),
                    client_visible,
                    added_at: now_rfc3339(),
                },
            );
            Ok((id, format!("Attached {vis} document {name}")))
        })
    }

    pub fn add_note(&mut self, case_id: &str, n: NewNote) -> Result<String> {
        let text = n.text.trim().to_string();
        if text.is_empty() {
            return Err(DiaryError::Empty("note text"));
        }
        let author = self.diary.member_id.clone();
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let vis = if n.client_visible { "client-visible" } else { "private" };
            c.notes.insert(
                id.clone(),
                Note {
                    text,
                    client_visible: n.client_visible,
                    author,
                    at: now_rfc3339(),
                },
            );
            Ok((id, format!("Added a {vis} note")))
        })
    }
}
