//! The client list, one client, and a client's cases.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::cases::{case_summary, CASE_SELECT};
use super::{require, CaseSummary};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub phones: String,
    pub email: Option<String>,
}

impl Diary {
    /// All clients by name.
    pub fn clients(&self) -> Result<Vec<ClientRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, name, phones, email FROM clients ORDER BY name, id")?;
        let rows = stmt.query_map([], |r| {
            Ok(ClientRow {
                id: r.get(0)?,
                name: r.get(1)?,
                phones: r.get(2)?,
                email: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One client.
    pub fn client(&self, id: &str) -> Result<ClientRow> {
        self.conn
            .prepare_cached("SELECT id, name, phones, email FROM clients WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(ClientRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    phones: r.get(2)?,
                    email: r.get(3)?,
                })
            })
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

    pub(super) fn require_client(&self, id: &str) -> Result<()> {
        require(&self.conn, "clients", "client", id)
    }
}
