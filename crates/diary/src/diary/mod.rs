//! The diary: one open, unlocked diary ([`Diary`]) and what it knows about
//! itself (its folder, ids, names and device-local settings).
//!
//! Where the rest lives: creating, opening and deleting a diary in
//! [`lifecycle`]; the write transaction every change goes through in
//! [`crate::write`]; the operations on each kind of record in
//! [`crate::records`]; the screens' reads in [`crate::queries`].

use std::path::{Path, PathBuf};

use automerge::ActorId;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::projection;
use crate::store;
use crate::validate::required;

pub mod lifecycle;

pub use lifecycle::{InitOptions, NewDiary, RecoverySecrets};

/// The file that says a session has the diary open (see [`Diary::begin_session`]).
pub const SESSION_MARKER: &str = "session.open";

/// The desktop app's identifier, which also names the default diary folder.
pub const APP_ID: &str = "in.nextdate.diary";

/// An open, unlocked diary.
pub struct Diary {
    pub(crate) conn: Connection,
    dir: PathBuf,
    diary_id: String,
    chamber_id: String,
    pub(crate) member_id: String,
    pub(crate) actor: ActorId,
    /// Set when the write-ahead log was found cut short at open (see `store::torn_log`).
    pub(crate) torn_log: Option<String>,
    /// Documents kept hydrated between changes (see [`crate::doc_cache`]).
    pub(crate) doc_cache: crate::doc_cache::DocCache,
    /// The chamber document as last read, with its id and newest chunk
    /// number: many screens (and the app's status poll) ask for its name or
    /// currency, and it changes rarely.
    chamber_read: std::sync::Mutex<Option<(String, i64, ChamberDoc)>>,
    /// The database key, for a second connection ([`Diary::open_again`]).
    /// SQLCipher holds it in memory for as long as the diary is open anyway.
    key: crate::keys::DbKey,
}

/// Keeps the diary folder and files private to the user (best effort; Unix only).
fn restrict(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::fs;
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

impl Diary {
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

    /// Drops the projection and rebuilds it from the documents.
    pub fn rebuild(&mut self) -> Result<()> {
        self.rebuild_with_progress(&crate::Progress::none())
    }

    /// [`Diary::rebuild`], reporting each document; cancelled, it is rolled back.
    pub fn rebuild_with_progress(&mut self, progress: &crate::Progress<'_>) -> Result<()> {
        // A rebuild rewrites every projected page in one transaction: it gets
        // a page cache as large as it can use while it runs.
        store::large_page_cache(&self.conn, true)?;
        let rebuilt = self.with_transaction(|tx, _| projection::rebuild_with_progress(tx, progress));
        store::large_page_cache(&self.conn, false)?;
        rebuilt
    }

    /// The whole case document (for export and tests; screens read the projection).
    pub fn case_doc(&self, id: &str) -> Result<CaseDoc> {
        if store::doc_kind(&self.conn, id)? != Some(DocKind::Case) {
            return Err(DiaryError::UnknownId {
                kind: "case",
                id: id.to_string(),
            });
        }
        crate::hydration::hydrate(&store::load_doc(&self.conn, id)?)
    }

    /// The chamber document. Read again only when it changed since the last
    /// read (its newest chunk number moved; see [`crate::doc_cache`]).
    pub fn chamber(&self) -> Result<ChamberDoc> {
        // Inside a transaction the document may be a change that rolls back:
        // read it, keep nothing.
        if !self.conn.is_autocommit() {
            return crate::hydration::hydrate(&store::load_doc(&self.conn, &self.chamber_id)?);
        }
        // The number first: a change landing between the two reads then
        // only costs one more read next time, never a stale answer.
        let seq = store::latest_chunk(&self.conn, &self.chamber_id)?;
        let mut kept = self.chamber_read.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((id, at, chamber)) = kept.as_ref() {
            if *id == self.chamber_id && *at == seq {
                return Ok(chamber.clone());
            }
        }
        let chamber: ChamberDoc = crate::hydration::hydrate(&store::load_doc(&self.conn, &self.chamber_id)?)?;
        *kept = Some((self.chamber_id.clone(), seq, chamber.clone()));
        Ok(chamber)
    }

    /// Renames the diary (chamber) and its owner, the advocate.
    pub fn set_names(&mut self, diary_name: &str, advocate: &str) -> Result<()> {
        let name = required(diary_name, "diary name")?;
        let advocate = required(advocate, "advocate name")?;
        let (chamber_id, member_id) = (self.chamber_id.clone(), self.member_id.clone());
        self.write(|w| {
            w.change::<ChamberDoc, _>(&chamber_id, DocKind::Chamber, |c, _| {
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

    /// Marks the diary as open in a long-lived session (the app), by a file in
    /// its folder. Returns true when the mark was already there: the last
    /// session did not end properly (a crash, a power cut, a kill), and the
    /// quick check ([`Diary::quick_check`]) is worth running.
    pub fn begin_session(&self) -> Result<bool> {
        let marker = self.dir.join(SESSION_MARKER);
        let was_open = marker.exists();
        std::fs::write(&marker, format!("{}\n", std::process::id()))?;
        Ok(was_open)
    }

    /// Ends the session [`Diary::begin_session`] began (a proper close).
    pub fn end_session(&self) {
        let _ = std::fs::remove_file(self.dir.join(SESSION_MARKER));
    }

    /// Number of local changes waiting in the outbox.
    pub fn outbox_len(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?)
    }
}
