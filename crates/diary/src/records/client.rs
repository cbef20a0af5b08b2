//! Clients: a new client's details, their checks, adding one (typed in, or a
//! whole client document from an import), correcting any of their details,
//! and removing a client no case names any more.
use rusqlite::{OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::changes::{brief, listed, Changes};
use crate::client_update::Language;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{check_email, clean, clean_lines, required};
use crate::write::{new_id, now_rfc3339, WriteTxn};

/// A new client.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewClient {
    pub name: String,
    #[serde(default)]
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// The language of the client's updates; `None` is English.
    #[serde(default)]
    pub update_language: Option<Language>,
}

/// Corrections to a client; `None` leaves a field as it is. `phones` replaces
/// the whole list; `Some(None)` (or blank text) clears a clearable field.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ClientEdit {
    pub name: Option<String>,
    pub phones: Option<Vec<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Option<String>>,
    pub notes: Option<Option<String>>,
    #[serde(default)]
    pub update_language: Option<Language>,
}

impl ClientEdit {
    /// Whether the edit gives no field at all.
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.phones.is_none()
            && self.email.is_none()
            && self.address.is_none()
            && self.notes.is_none()
            && self.update_language.is_none()
    }
}

impl Diary {
    pub fn add_client(&mut self, c: NewClient) -> Result<String> {
        self.write(|w| w.add_client(c))
    }
    pub fn edit_client(&mut self, id: &str, e: ClientEdit) -> Result<Changes> {
        self.write(|w| w.edit_client(id, e))
    }
    pub fn remove_client(&mut self, id: &str) -> Result<Changes> {
        self.write(|w| w.remove_client(id))
    }
}

/// Phone numbers as kept: cleaned, blanks dropped.
fn clean_phones(phones: &[String]) -> Vec<String> {
    phones.iter().map(|p| clean(p)).filter(|p| !p.is_empty()).collect()
}

/// Free-text notes as kept: blank is none.
fn clean_notes(notes: Option<String>) -> Option<String> {
    notes.filter(|n| !n.trim().is_empty())
}

/// A language as a client's record keeps it: English is the default, kept as none.
fn language_record(lang: Option<Language>) -> Option<String> {
    lang.filter(|l| *l != Language::En).map(|l| l.code().to_string())
}

/// What changed between two versions of a client, in words.
fn client_changes(old: &ClientDoc, new: &ClientDoc) -> Changes {
    let mut ch = Changes::default();
    ch.compare("name", Some(&old.name), Some(&new.name));
    let phones = if old.phones.len() > 1 || new.phones.len() > 1 {
        "phones"
    } else {
        "phone"
    };
    ch.compare(phones, listed(&old.phones).as_deref(), listed(&new.phones).as_deref());
    ch.compare("email", old.email.as_deref(), new.email.as_deref());
    ch.compare("address", old.address.as_deref(), new.address.as_deref());
    let language = |c: &ClientDoc| Language::of_record(c.update_language.as_deref()).name();
    ch.compare("update language", Some(language(old)), Some(language(new)));
    if old.notes != new.notes {
        // Notes can be long: the history names their first words.
        ch.compare(
            "notes",
            old.notes.as_deref().map(brief).as_deref(),
            new.notes.as_deref().map(brief).as_deref(),
        );
    }
    ch.said()
}

/// The numbers of the cases that name client `id`, by court and number.
pub(crate) fn cases_naming(tx: &Transaction, id: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT c.number FROM case_clients cc JOIN cases c ON c.id = cc.case_id
         WHERE cc.client_id = ?1 ORDER BY c.court, c.number_key, c.id",
    )?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// A client document from `c`, after the checks every client gets: a name
/// and, if given, a well-formed e-mail address.
fn checked_client_doc(c: NewClient, created_at: Option<String>) -> Result<ClientDoc> {
    let name = required(&c.name, "client name")?;
    let email = check_email(c.email)?;
    Ok(ClientDoc {
        phones: clean_phones(&c.phones),
        email,
        address: clean_lines(c.address),
        notes: clean_notes(c.notes),
        update_language: language_record(c.update_language),
        created_at: created_at.unwrap_or_else(now_rfc3339),
        name,
        ..Default::default()
    })
}

impl WriteTxn<'_> {
    pub fn add_client(&mut self, c: NewClient) -> Result<String> {
        let doc = checked_client_doc(c, None)?;
        let id = new_id();
        self.author.create_doc(
            self.tx,
            &id,
            DocKind::Client,
            &doc,
            &format!("Added client {}", doc.name),
        )?;
        Ok(id)
    }

    /// Adds a whole client document, keeping `id` when given and unused.
    pub fn insert_client_doc(
        &mut self,
        id: Option<String>,
        c: NewClient,
        created_at: Option<String>,
    ) -> Result<String> {
        let doc = checked_client_doc(c, created_at)?;
        let id = self.fresh_id(id)?;
        self.author.create_doc(
            self.tx,
            &id,
            DocKind::Client,
            &doc,
            &format!("Imported client {}", doc.name),
        )?;
        Ok(id)
    }

    /// Corrects a client's details. An edit that gives no field is refused
    /// (`NothingToChange`); one that gives only what the client already reads
    /// writes nothing and returns no changes. A removed client is not edited.
    pub fn edit_client(&mut self, id: &str, e: ClientEdit) -> Result<Changes> {
        if e.is_empty() {
            return Err(DiaryError::NothingToChange("client"));
        }
        let name = e.name.as_deref().map(|n| required(n, "client name")).transpose()?;
        let email = e.email.map(check_email).transpose()?;
        let phones = e.phones.as_deref().map(clean_phones);
        let address = e.address.map(clean_lines);
        let notes = e.notes.map(clean_notes);
        self.change::<ClientDoc, _>(id, DocKind::Client, |c, _| {
            if c.removed_at.is_some() {
                return Err(DiaryError::AlreadyRemoved {
                    kind: "client",
                    id: id.into(),
                });
            }
            let old = c.clone();
            if let Some(v) = name {
                c.name = v;
            }
            if let Some(v) = phones {
                c.phones = v;
            }
            if let Some(v) = email {
                c.email = v;
            }
            if let Some(v) = address {
                c.address = v;
            }
            if let Some(v) = notes {
                c.notes = v;
            }
            if let Some(v) = e.update_language {
                c.update_language = language_record(Some(v));
            }
            let changes = client_changes(&old, c);
            let msg = changes.message.clone();
            Ok((changes, msg))
        })
    }

    /// Removes a client (a mark: the document stays, so the removal syncs and
    /// can be undone). Refused while any case names the client
    /// (`ClientInUse`, naming the cases: detach them with a case edit first),
    /// and for a client already removed.
    pub fn remove_client(&mut self, id: &str) -> Result<Changes> {
        self.change::<ClientDoc, _>(id, DocKind::Client, |c, tx| {
            if c.removed_at.is_some() {
                return Err(DiaryError::AlreadyRemoved {
                    kind: "client",
                    id: id.into(),
                });
            }
            let cases = cases_naming(tx, id)?;
            if !cases.is_empty() {
                return Err(DiaryError::ClientInUse {
                    name: c.name.clone(),
                    cases,
                });
            }
            c.removed_at = Some(now_rfc3339());
            let msg = format!("Removed client {}", c.name);
            Ok((
                Changes {
                    message: msg.clone(),
                    fields: Vec::new(),
                },
                msg,
            ))
        })
    }

    /// Checks that every id names a client of this diary that is not removed.
    pub(crate) fn check_clients(&self, ids: &[String]) -> Result<()> {
        for id in ids {
            self.require_kind(id, DocKind::Client, "client")?;
            let removed: Option<i64> = self
                .tx
                .prepare_cached("SELECT 1 FROM removed_records WHERE kind = 'client' AND id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if removed.is_some() {
                return Err(DiaryError::AlreadyRemoved {
                    kind: "client",
                    id: id.clone(),
                });
            }
        }
        Ok(())
    }
}
