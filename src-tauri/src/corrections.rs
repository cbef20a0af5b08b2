//! Commands that correct what was recorded: undo for now (this laptop's last
//! change, taken back by a new change in the core's undo journal).

use nextdate_diary::undo::Undone;
use tauri::State;

use crate::commands::Res;
use crate::session::Session;

/// Takes back this laptop's newest change that is not undone yet.
#[tauri::command]
#[specta::specta]
pub fn undo(s: State<'_, Session>) -> Res<Undone> {
    Ok(s.with(|d| d.undo())?)
}

/// The history message of the change "Undo" would take back, if any.
#[tauri::command]
#[specta::specta]
pub fn undo_preview(s: State<'_, Session>) -> Res<Option<String>> {
    Ok(s.with(|d| d.undo_preview())?)
}
