//! Status links: a case (or all of a client's pending cases) as the client
//! may see it, for a link the advocate sends. A link lives in the case's or
//! client's document (so every laptop of the chamber can seal it again when
//! the case changes) with its key, its expiry and what it shares beyond the
//! basics: the outcomes of past hearings, and the fee statement.
//!
//! Giving or revoking a link is judged like any change ([`crate::roles`]:
//! owners, admins and advocates). What the link shows is built by
//! [`snapshot`], from the projection and only from what a client may see;
//! sealing it and the relay are `nextdate-sync`'s and `nextdate-relay`'s.

pub mod snapshot;

use chrono::NaiveDate;
use rand::rngs::OsRng;
use rand::RngCore;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::client_update::Language;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{CaseDoc, ClientDoc, DocKind, StatusLink};
use crate::queries::CaseOrClient;
use crate::write::now_rfc3339;

pub use snapshot::{Snapshot, SnapshotCase};

/// Bytes of a link's id and key (as `nextdate_protocol::status_link` has them).
const ID_BYTES: usize = 16;
const KEY_BYTES: usize = 32;

/// What the advocate chooses for a new link.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewLink {
    /// The last day it opens; `None`: until revoked.
    pub expires_on: Option<String>,
    /// Show the outcomes of past hearings.
    pub share_outcomes: bool,
    /// Show the fee statement (agreed, received, balance).
    pub share_fees: bool,
    /// The page's language; `None`: the client's own.
    pub language: Option<Language>,
}

/// A link as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LinkRow {
    pub id: String,
    /// The case or client it shows, and which.
    pub owner_id: String,
    pub owner_kind: String,
    /// "CS 123/2024" or the client's name.
    pub owner_label: String,
    pub created_at: String,
    pub expires_on: Option<String>,
    pub revoked_at: Option<String>,
    pub share_outcomes: bool,
    pub share_fees: bool,
    pub language: Language,
    /// `live`, `expired` or `revoked`, as on the day asked.
    pub state: String,
}

/// A new link, with the key its address carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreatedLink {
    pub link: LinkRow,
    /// The key (base64url) for the address's fragment: `…/s/ID#KEY`.
    pub key: String,
}

fn b64(bytes: &[u8]) -> String {
    data_encoding::BASE64URL_NOPAD.encode(bytes)
}

/// A link's state on `today`.
fn state(revoked_at: Option<&str>, expires_on: Option<&str>, today: NaiveDate) -> &'static str {
    if revoked_at.is_some() {
        "revoked"
    } else if expires_on.is_some_and(|e| e < today.to_string().as_str()) {
        "expired"
    } else {
        "live"
    }
}

impl Diary {
    /// Gives a new link to a case or a client (all their pending cases).
    pub fn create_status_link(&mut self, owner: &str, new: NewLink, today: NaiveDate) -> Result<CreatedLink> {
        let target = self.case_or_client(owner)?;
        let expires_on = match new.expires_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => {
                let day = crate::dates::parse_date(text, today)?;
                if day < today {
                    return Err(DiaryError::OutOfRange(format!(
                        "a link cannot expire on {}, which has passed",
                        crate::dates::format_dmy(day)
                    )));
                }
                Some(day.to_string())
            }
        };
        let language = match new.language {
            Some(l) => l,
            None => self.client_update(owner, &Default::default(), today)?.language,
        };
        let mut id = [0u8; ID_BYTES];
        let mut key = [0u8; KEY_BYTES];
        OsRng.fill_bytes(&mut id);
        OsRng.fill_bytes(&mut key);
        // As `nextdate_protocol::status_link` writes them: the id in
        // lower-case base32 (the address), the key in base64url (the fragment).
        let (id, key) = (data_encoding::BASE32_DNSSEC.encode(&id), b64(&key));
        let link = StatusLink {
            key: key.clone(),
            created_at: now_rfc3339(),
            created_by: self.member_id().to_string(),
            expires_on,
            revoked_at: None,
            share_outcomes: new.share_outcomes,
            share_fees: new.share_fees,
            language: language.code().to_string(),
        };
        let message = "Gave a status link".to_string();
        self.write(|w| {
            // Not for "Undo": a link is taken back by revoking it, which the
            // relay is told of; undoing the giving would leave it served.
            w.not_undoable();
            match &target {
                CaseOrClient::Case(case) => w.change::<CaseDoc, _>(case, DocKind::Case, |c, _| {
                    c.status_links.insert(id.clone(), link.clone());
                    Ok(((), format!("{message} for case {}", c.number)))
                }),
                CaseOrClient::Client(client) => w.change::<ClientDoc, _>(client, DocKind::Client, |c, _| {
                    c.status_links.insert(id.clone(), link.clone());
                    Ok(((), format!("{message} for client {}", c.name)))
                }),
            }
        })?;
        Ok(CreatedLink {
            link: self.status_link(&id, today)?,
            key,
        })
    }

    /// Revokes a link at once: it never opens again (the relay is told at the
    /// next sync). Neither giving nor revoking a link is taken back by "Undo".
    pub fn revoke_status_link(&mut self, id: &str, today: NaiveDate) -> Result<LinkRow> {
        let row = self.status_link(id, today)?;
        if row.revoked_at.is_some() {
            return Err(DiaryError::AlreadyRemoved {
                kind: "status link",
                id: id.into(),
            });
        }
        let at = now_rfc3339();
        self.write(|w| {
            // Not for "Undo": the relay forgets a revoked link for good.
            w.not_undoable();
            let revoke = |links: &mut std::collections::BTreeMap<String, StatusLink>| {
                if let Some(l) = links.get_mut(id) {
                    l.revoked_at = Some(at.clone());
                }
            };
            if row.owner_kind == "case" {
                w.change::<CaseDoc, _>(&row.owner_id, DocKind::Case, |c, _| {
                    revoke(&mut c.status_links);
                    Ok(((), format!("Revoked a status link of case {}", c.number)))
                })
            } else {
                w.change::<ClientDoc, _>(&row.owner_id, DocKind::Client, |c, _| {
                    revoke(&mut c.status_links);
                    Ok(((), format!("Revoked a status link of client {}", c.name)))
                })
            }
        })?;
        self.status_link(id, today)
    }

    /// Every link (of one case or client, or all), newest first.
    pub fn status_links(&self, owner: Option<&str>, today: NaiveDate) -> Result<Vec<LinkRow>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{LINK_SELECT} WHERE (?1 IS NULL OR l.owner_id = ?1) ORDER BY l.created_at DESC, l.id"
        ))?;
        let rows = stmt.query_map([owner], |r| link_row(r, today))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One link.
    pub fn status_link(&self, id: &str, today: NaiveDate) -> Result<LinkRow> {
        self.conn()
            .prepare_cached(&format!("{LINK_SELECT} WHERE l.id = ?1"))?
            .query_row([id], |r| link_row(r, today))
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "status link",
                id: id.into(),
            })
    }

    /// A link's key (base64url), read from its document.
    pub fn status_link_key(&self, id: &str) -> Result<String> {
        let row = self.status_link(id, chrono::Local::now().date_naive())?;
        let links = if row.owner_kind == "case" {
            self.case_doc(&row.owner_id)?.status_links
        } else {
            let doc: ClientDoc = crate::hydration::hydrate(&crate::store::load_doc(self.conn(), &row.owner_id)?)?;
            doc.status_links
        };
        links
            .get(id)
            .map(|l| l.key.clone())
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "status link",
                id: id.into(),
            })
    }
}

/// What this laptop last sent to the relay for a link (local, never synced).
impl Diary {
    /// The hash of the snapshot last sent for `link`, if any (all zero: its revocation was sent).
    pub fn link_upload(&self, link: &str) -> Result<Option<[u8; 32]>> {
        let hash: Option<Vec<u8>> = self
            .conn()
            .prepare_cached("SELECT content_hash FROM link_uploads WHERE link_id = ?1")?
            .query_row([link], |r| r.get(0))
            .optional()?;
        Ok(hash.and_then(|h| h.try_into().ok()))
    }

    /// Records what was sent for `link`.
    pub fn record_link_upload(&self, link: &str, hash: &[u8; 32]) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO link_uploads (link_id, content_hash, uploaded_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (link_id) DO UPDATE SET content_hash = excluded.content_hash, uploaded_at = excluded.uploaded_at",
            )?
            .execute(rusqlite::params![link, &hash[..], now_rfc3339()])?;
        Ok(())
    }
}

/// The hash recorded once a link's revocation has reached the relay.
pub const REVOKED_UPLOAD: [u8; 32] = [0; 32];

const LINK_SELECT: &str = "SELECT l.id, l.owner_id, l.owner_kind,
       COALESCE((SELECT number FROM cases WHERE id = l.owner_id), (SELECT name FROM clients WHERE id = l.owner_id), ''),
       l.created_at, l.expires_on, l.revoked_at, l.share_outcomes, l.share_fees, l.language
     FROM status_links l";

fn link_row(r: &rusqlite::Row, today: NaiveDate) -> rusqlite::Result<LinkRow> {
    let revoked_at: Option<String> = r.get(6)?;
    let expires_on: Option<String> = r.get(5)?;
    Ok(LinkRow {
        id: r.get(0)?,
        owner_id: r.get(1)?,
        owner_kind: r.get(2)?,
        owner_label: r.get(3)?,
        created_at: r.get(4)?,
        state: state(revoked_at.as_deref(), expires_on.as_deref(), today).to_string(),
        expires_on,
        revoked_at,
        share_outcomes: r.get(7)?,
        share_fees: r.get(8)?,
        language: Language::of_record(r.get::<_, Option<String>>(9)?.as_deref()),
    })
}
