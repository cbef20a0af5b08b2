//! Clients: a new client's details, their checks, and adding one (typed in,
//! or a whole client document from an import).
use serde::{Deserialize, Serialize};

use crate::diary::Diary;
use crate::error::Result;
use crate::model::*;
use crate::validate::{check_email, clean, clean_opt, required};
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
}

impl Diary {
    pub fn add_client(&mut self, c: NewClient) -> Result<String> {
        self.write(|w| w.add_client(c))
    }
}

/// A client document from `c`, after the checks every client gets: a name
/// and, if given, a well-formed e-mail address.
fn checked_client_doc(c: NewClient, created_at: Option<String>) -> Result<ClientDoc> {
    let name = required(&c.name, "client name")?;
    let email = check_email(c.email)?;
    Ok(ClientDoc {
        phones: c.phones.iter().map(|p| clean(p)).filter(|p| !p.is_empty()).collect(),
        email,
        address: clean_opt(c.address),
        notes: c.notes.filter(|n| !n.trim().is_empty()),
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

    /// Checks that every id names a client of this diary.
    pub(crate) fn check_clients(&self, ids: &[String]) -> Result<()> {
        for id in ids {
            self.require_kind(id, DocKind::Client, "client")?;
        }
        Ok(())
    }
}
