//! Commands that correct a case's tasks, notes, fees and documents: edit,
//! reopen (tasks), void (fees) and remove. Each takes the id of the document
//! holding the record (a case, or the chamber for a chamber task, as the
//! rows the UI has carry it) and returns the core's [`Corrected`], whose
//! `message` is the history's sentence (empty when nothing changed).
//!
//! Edits send only what the person changed: a field left out (`null`) is
//! left alone; for fields that can be cleared, empty text clears them.
//! Dates and amounts arrive as typed and are read by the core's parsers.

use nextdate_diary::money::parse_amount;
use nextdate_diary::records::{Corrected, DocumentEdit, FeeEdit, NoteEdit, TaskEdit};
use nextdate_diary::FeeKind;
use serde::Deserialize;
use specta::Type;
use tauri::State;

use crate::commands::{date, Res};
use crate::session::Session;

/// Text that may clear a field: `None` leaves it, blank clears it, else sets it.
fn clearable(text: Option<String>) -> Option<Option<String>> {
    text.map(|t| {
        let t = t.trim().to_string();
        (!t.is_empty()).then_some(t)
    })
}

/// A correction of a task; each field given is changed.
#[derive(Deserialize, Type)]
pub struct TaskEditInput {
    pub title: Option<String>,
    /// The due date as typed; empty text clears it.
    pub due: Option<String>,
    /// A chamber member's id; empty text leaves the task with nobody.
    pub assignee: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn edit_task(s: State<'_, Session>, case_id: String, task_id: String, edit: TaskEditInput) -> Res<Corrected> {
    let due = clearable(edit.due)
        .map(|d| d.as_deref().map(date).transpose())
        .transpose()?;
    let e = TaskEdit {
        title: edit.title,
        due,
        assignee: clearable(edit.assignee),
    };
    Ok(s.with(|d| d.edit_task(&case_id, &task_id, e))?)
}

/// Opens a done task again.
#[tauri::command]
#[specta::specta]
pub fn reopen_task(s: State<'_, Session>, case_id: String, task_id: String) -> Res<Corrected> {
    Ok(s.with(|d| d.reopen_task(&case_id, &task_id))?)
}

/// Removes a task (a mark: Undo brings it back).
#[tauri::command]
#[specta::specta]
pub fn remove_task(s: State<'_, Session>, case_id: String, task_id: String) -> Res<Corrected> {
    Ok(s.with(|d| d.remove_task(&case_id, &task_id))?)
}

/// Corrects a note's text, or whether the client may see it.
#[tauri::command]
#[specta::specta]
pub fn edit_note(
    s: State<'_, Session>,
    case_id: String,
    note_id: String,
    text: Option<String>,
    client_visible: Option<bool>,
) -> Res<Corrected> {
    Ok(s.with(|d| d.edit_note(&case_id, &note_id, NoteEdit { text, client_visible }))?)
}

#[tauri::command]
#[specta::specta]
pub fn remove_note(s: State<'_, Session>, case_id: String, note_id: String) -> Res<Corrected> {
    Ok(s.with(|d| d.remove_note(&case_id, &note_id))?)
}

/// A correction of a fee entry; each field given is changed.
#[derive(Deserialize, Type)]
pub struct FeeEditInput {
    pub kind: Option<FeeKind>,
    /// The amount as typed (`1500.50`, `1,50,000`).
    pub amount: Option<String>,
    /// A three-letter code (`INR`).
    pub currency: Option<String>,
    /// The entry's date as typed.
    pub date: Option<String>,
    /// A payment mode (`cash`, `upi`, `cheque`, `bank_transfer`, `card`); empty text clears it.
    pub mode: Option<String>,
    /// Empty text clears it.
    pub remark: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn edit_fee(s: State<'_, Session>, case_id: String, fee_id: String, edit: FeeEditInput) -> Res<Corrected> {
    let amount_minor = edit.amount.as_deref().map(parse_amount).transpose()?;
    let on = edit
        .date
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(date)
        .transpose()?;
    let e = FeeEdit {
        kind: edit.kind,
        amount_minor,
        currency: edit.currency,
        date: on,
        mode: clearable(edit.mode),
        remark: clearable(edit.remark),
    };
    Ok(s.with(|d| d.edit_fee(&case_id, &fee_id, e))?)
}

/// Voids a fee entry with a reason: it stays listed, struck out, and leaves the balance.
#[tauri::command]
#[specta::specta]
pub fn void_fee(s: State<'_, Session>, case_id: String, fee_id: String, reason: String) -> Res<Corrected> {
    Ok(s.with(|d| d.void_fee(&case_id, &fee_id, &reason))?)
}

/// Renames a document, or changes whether the client may see it.
#[tauri::command]
#[specta::specta]
pub fn edit_document(
    s: State<'_, Session>,
    case_id: String,
    document_id: String,
    name: Option<String>,
    client_visible: Option<bool>,
) -> Res<Corrected> {
    Ok(s.with(|d| d.edit_document(&case_id, &document_id, DocumentEdit { name, client_visible }))?)
}

/// Removes a document from the case (a mark: its bytes stay, and Undo brings it back).
#[tauri::command]
#[specta::specta]
pub fn remove_document(s: State<'_, Session>, case_id: String, document_id: String) -> Res<Corrected> {
    Ok(s.with(|d| d.remove_document(&case_id, &document_id))?)
}

#[cfg(test)]
mod tests {
    use super::clearable;

    #[test]
    fn blank_clears_and_absent_leaves() {
        assert_eq!(clearable(None), None);
        assert_eq!(clearable(Some("  ".into())), Some(None));
        assert_eq!(clearable(Some(" UPI ".into())), Some(Some("UPI".into())));
    }
}
