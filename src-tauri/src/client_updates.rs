//! Commands behind "Client update": the message for a case or a client in
//! the language chosen, with the status report's page as a preview, and the
//! report saved as PDF. The words are the core's
//! (`nextdate_diary::client_update`), the layout `nextdate-print`'s.

use nextdate_diary::client_update::{ClientUpdate, UpdateOptions};
use nextdate_diary::DiaryError;
use nextdate_print::Paper;
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::commands::{today, Res};
use crate::printing::png_data_url;
use crate::session::Session;

/// The report's page for the screen, in pixels per inch.
const PREVIEW_PPI: f32 = 96.0;

/// An update and its printed report's page as an image.
#[derive(Serialize, Type)]
pub struct ClientUpdateView {
    pub update: ClientUpdate,
    /// The status report's first page as a PNG data URL.
    pub preview: String,
}

/// The update for a case or a client (all their pending cases), as on today.
#[tauri::command]
#[specta::specta]
pub fn client_update(s: State<'_, Session>, id: String, options: UpdateOptions) -> Res<ClientUpdateView> {
    let update = s.with(|d| d.client_update(&id, &options, today()))?;
    let png = nextdate_print::status_report::status_report(&update, Paper::A4)?.png(PREVIEW_PPI)?;
    Ok(ClientUpdateView {
        update,
        preview: png_data_url(&png),
    })
}

/// Saves the update as a one-page status report (PDF) at `path` (the save
/// dialog asked before replacing a file).
#[tauri::command]
#[specta::specta]
pub fn save_status_report(s: State<'_, Session>, id: String, options: UpdateOptions, path: String) -> Res<String> {
    let path = std::path::PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(DiaryError::BadPath("choose where to save the status report".into()).into());
    }
    let update = s.with(|d| d.client_update(&id, &options, today()))?;
    let pdf = nextdate_print::status_report::status_report(&update, Paper::A4)?.pdf()?;
    nextdate_diary::atomic_file::write_file(&path, &pdf, true)?;
    Ok(path.display().to_string())
}
