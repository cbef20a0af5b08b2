//! Commands behind clients' status links: the links of a case or client
//! (with how often each was opened), giving one (published at once through
//! a sync round; its address and QR code shown), revoking one, and a link's
//! QR code again. Giving and revoking are the core's and the sync engine's.

use nextdate_diary::status_links::{LinkRow, NewLink};
use nextdate_sync::links::{self, GivenLink, LinkStatus};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::commands::{today, AppError};
use crate::session::Session;
use crate::sync::with_sync;

/// The links of a case or a client (or all), newest first, with how often
/// each was opened (asked of the relay after the diary is let go).
#[tauri::command(async)]
#[specta::specta]
pub fn status_links(s: State<'_, Session>, owner: Option<String>) -> Result<Vec<LinkStatus>, AppError> {
    let (rows, access) = with_sync(&s, |d| links::local_statuses(d, owner.as_deref(), today()))?;
    Ok(links::with_open_counts(rows, &access))
}

/// Gives a link to a case or a client and publishes it.
#[tauri::command(async)]
#[specta::specta]
pub fn give_status_link(s: State<'_, Session>, owner: String, input: NewLink) -> Result<GivenLink, AppError> {
    with_sync(&s, |d| links::give(d, &owner, input, today()))
}

/// A revoked link, and whether the relay was told already.
#[derive(Serialize, Type)]
pub struct RevokedLink {
    pub link: LinkRow,
    pub relay_told: bool,
}

/// Revokes a link at once.
#[tauri::command(async)]
#[specta::specta]
pub fn revoke_status_link(s: State<'_, Session>, id: String) -> Result<RevokedLink, AppError> {
    let (link, relay_told) = with_sync(&s, |d| links::revoke(d, &id, today()))?;
    Ok(RevokedLink { link, relay_told })
}

/// A link's address as a QR code (SVG).
#[tauri::command]
#[specta::specta]
pub fn status_link_qr(url: String) -> String {
    links::qr_svg(&url)
}
