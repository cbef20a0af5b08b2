//! Commands that correct what was recorded: a hearing corrected or removed, an
//! undated case listed on a date, a client edited or removed, a case's status
//! changed, and undo (this laptop's last change, taken back by a new change in
//! the core's undo journal). Each takes what the dialog shows, as typed, and
//! hands it to the core, which checks it and says what changed in words.

use nextdate_diary::client_update::Language;
use nextdate_diary::erasure::Erased;
use nextdate_diary::undo::Undone;
use nextdate_diary::{CaseStatus, Changes, ClientEdit, HearingChange, HearingEdit, StatusChange};
use serde::Deserialize;
use specta::Type;
use tauri::State;

use crate::commands::{date, opt_date, Res};
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

/// A hearing as the correction dialog shows it: every field, prefilled with
/// what the hearing reads. What is given is what the hearing will read (a
/// blank field clears it); the core writes only the fields that differ.
#[derive(Deserialize, Type)]
pub struct HearingEditInput {
    /// The hearing's date, as typed.
    pub date: String,
    pub item: Option<i32>,
    pub purpose: Option<String>,
    pub outcome: Option<String>,
    /// The next date, as typed; blank clears it.
    pub next_date: Option<String>,
    /// Counted as a non-effective appearance (accounts).
    pub non_effective: bool,
}

/// Corrects a hearing; the result says what changed, in words.
#[tauri::command]
#[specta::specta]
pub fn edit_hearing(
    s: State<'_, Session>,
    case_id: String,
    hearing_id: String,
    input: HearingEditInput,
) -> Res<HearingChange> {
    let edit = HearingEdit {
        date: Some(date(&input.date)?),
        item: Some(input.item.map(i64::from)),
        purpose: Some(input.purpose),
        outcome: Some(input.outcome),
        next_date: Some(opt_date(&input.next_date)?),
        non_effective: Some(input.non_effective),
    };
    Ok(s.with(|d| d.edit_hearing(&case_id, &hearing_id, edit))?)
}

/// Removes a hearing entered by mistake (a mark: Undo brings it back).
#[tauri::command]
#[specta::specta]
pub fn remove_hearing(s: State<'_, Session>, case_id: String, hearing_id: String) -> Res<HearingChange> {
    Ok(s.with(|d| d.remove_hearing(&case_id, &hearing_id))?)
}

/// Gives an undated case a date (and purpose, item) without inventing a
/// hearing: the case is listed on `date_text`.
#[tauri::command]
#[specta::specta]
pub fn list_case(
    s: State<'_, Session>,
    case_id: String,
    date_text: String,
    purpose: Option<String>,
    item: Option<i32>,
) -> Res<HearingChange> {
    let on = date(&date_text)?;
    Ok(s.with(|d| d.list_case(&case_id, on, purpose, item.map(i64::from)))?)
}

/// A client as the edit dialog shows it, prefilled: what is given is what
/// the client will read.
#[derive(Deserialize, Type)]
pub struct ClientEditInput {
    pub name: String,
    /// The phone numbers, separated by commas as the client page shows them.
    pub phones: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub update_language: Language,
}

/// Corrects a client's details; the result says what changed.
#[tauri::command]
#[specta::specta]
pub fn edit_client(s: State<'_, Session>, id: String, input: ClientEditInput) -> Res<Changes> {
    let edit = ClientEdit {
        name: Some(input.name),
        phones: Some(input.phones.split(',').map(str::to_string).collect()),
        email: Some(input.email),
        address: Some(input.address),
        notes: Some(input.notes),
        update_language: Some(input.update_language),
    };
    Ok(s.with(|d| d.edit_client(&id, edit))?)
}

/// Removes a client; refused while a case names the client.
#[tauri::command]
#[specta::specta]
pub fn remove_client(s: State<'_, Session>, id: String) -> Res<Changes> {
    Ok(s.with(|d| d.remove_client(&id))?)
}

/// Erases a client's personal data on request (`confirm` is their name);
/// refused while a case names the client. Not undoable.
#[tauri::command]
#[specta::specta]
pub fn erase_client(s: State<'_, Session>, id: String, confirm: String) -> Res<Erased> {
    Ok(s.with(|d| d.erase_client(&id, &confirm))?)
}

/// A change of a case's status as the dialog gives it.
#[derive(Deserialize, Type)]
pub struct StatusInput {
    pub to: CaseStatus,
    /// The day it changed, as typed; blank is today.
    pub date: Option<String>,
    pub remark: Option<String>,
    /// The court a transferred case goes to (only for a transfer).
    pub court: Option<String>,
}

/// Disposes of, transfers, stays or reopens a case outside a hearing.
#[tauri::command]
#[specta::specta]
pub fn change_case_status(s: State<'_, Session>, case_id: String, input: StatusInput) -> Res<Changes> {
    let change = StatusChange {
        to: input.to,
        date: Some(opt_date(&input.date)?.unwrap_or_else(crate::commands::today)),
        remark: input.remark,
        court: input.court.filter(|c| !c.trim().is_empty()),
    };
    Ok(s.with(|d| d.change_case_status(&case_id, change))?)
}
