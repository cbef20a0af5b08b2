//! The client list, one client, a client's cases, and telling a case's id
//! from a client's ([`CaseOrClient`]). Removed clients are
//! not here: the projection keeps them out of `clients` (and out of search),
//! listing them in `removed_records` instead.

use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::cases::{case_summary, CASE_SELECT};
use super::{require, CaseSummary};
use crate::client_update::Language;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::DocKind;
use crate::store;

/// An id that names a case or a client: what a bill, a statement or a
/// client update is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOrClient {
    Case(String),
    Client(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub phones: String,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The advocate's private notes about the client.
    pub notes: Option<String>,
    /// The language the client's updates are written in.
    pub update_language: Language,
}

/// The columns [`client_row`] reads, for a `clients` table aliased `cl`.
pub(super) const CLIENT_COLUMNS: &str = "cl.id, cl.name, cl.phones, cl.email, cl.address, cl.notes, cl.update_language";

pub(super) fn client_row(r: &Row) -> rusqlite::Result<ClientRow> {
    Ok(ClientRow {
        id: r.get(0)?,
        name: r.get(1)?,
        phones: r.get(2)?,
        email: r.get(3)?,
        address: r.get(4)?,
        notes: r.get(5)?,
        update_language: Language::of_record(r.get::<_, Option<String>>(6)?.as_deref()),
    })
}

impl Diary {
    /// All clients by name (removed ones left out).
    pub fn clients(&self) -> Result<Vec<ClientRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CLIENT_COLUMNS} FROM clients cl ORDER BY cl.name, cl.id"
        ))?;
        let rows = stmt.query_map([], client_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One client; a removed client is unknown here.
    pub fn client(&self, id: &str) -> Result<ClientRow> {
        self.conn
            .prepare_cached(&format!("SELECT {CLIENT_COLUMNS} FROM clients cl WHERE cl.id = ?1"))?
            .query_row([id], client_row)
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "client",
                id: id.into(),
            })
    }

    /// The cases of one client.
    pub fn client_cases(&self, client_id: &str) -> Result<Vec<CaseSummary>> {
        self.require_client(client_id)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{CASE_SELECT} WHERE id IN (SELECT case_id FROM case_clients WHERE client_id = ?1) ORDER BY court, number_key"
        ))?;
        let rows = stmt.query_map([client_id], case_summary)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Whether `id` is a case or a (live) client; anything else is unknown.
    pub fn case_or_client(&self, id: &str) -> Result<CaseOrClient> {
        match store::doc_kind(self.conn(), id)? {
            Some(DocKind::Case) => {
                self.require_case(id)?;
                Ok(CaseOrClient::Case(id.to_string()))
            }
            Some(DocKind::Client) => {
                self.require_client(id)?;
                Ok(CaseOrClient::Client(id.to_string()))
            }
            _ => Err(DiaryError::UnknownId {
                kind: "case or client",
                id: id.into(),
            }),
        }
    }

    pub(super) fn require_client(&self, id: &str) -> Result<()> {
        require(&self.conn, "clients", "client", id)
    }
}
