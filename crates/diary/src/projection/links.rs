//! The projection of status links: one row per link of a case or a client,
//! without its key (which is read from the document only when the link is
//! sealed).

use std::collections::BTreeMap;

use rusqlite::{params, Transaction};

use super::Prior;
use crate::error::Result;
use crate::model::StatusLink;

/// Replaces the links of `owner` (a case or a client, `kind`) with `links`;
/// `None` removes them all (the owner left the projection).
pub(super) fn status_links(
    tx: &Transaction,
    prior: Prior,
    owner: &str,
    kind: &str,
    links: Option<&BTreeMap<String, StatusLink>>,
) -> Result<()> {
    prior.clear(tx, "DELETE FROM status_links WHERE owner_id = ?1", [owner])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO status_links (id, owner_id, owner_kind, created_at, created_by, expires_on, revoked_at,
           share_outcomes, share_fees, language)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (id, l) in links.into_iter().flatten() {
        ins.execute(params![
            id,
            owner,
            kind,
            l.created_at,
            l.created_by,
            l.expires_on,
            l.revoked_at,
            l.share_outcomes,
            l.share_fees,
            l.language
        ])?;
    }
    Ok(())
}

/// `links` as they stand once their owner was removed at `at`: each revoked
/// (at `at` unless it was before), so the relay is told to forget them.
pub(super) fn revoked_with(links: &BTreeMap<String, StatusLink>, at: &str) -> BTreeMap<String, StatusLink> {
    links
        .iter()
        .map(|(id, l)| {
            let mut l = l.clone();
            l.revoked_at.get_or_insert_with(|| at.to_string());
            (id.clone(), l)
        })
        .collect()
}
