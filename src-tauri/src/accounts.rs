//! Commands behind a case's accounts: its fee terms and account (earned
//! against received), time entries, the timer, and receipts (a preview of
//! the page, and saving it as PDF). Amounts and durations arrive as typed and
//! are read by the core's parsers; everything else is the core's.

use chrono::Local;
use nextdate_diary::accounts::{
    parse_duration, CaseAccount, NewTimeEntry, Receipt, RunningTimer, TermsInput, TimeEdit, TimeRow, TimerStopped,
};
use nextdate_diary::money::parse_amount;
use nextdate_diary::records::Corrected;
use nextdate_diary::DiaryError;
use nextdate_print::Paper;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::commands::{date, today, Res};
use crate::session::Session;

/// A receipt page for the screen, in pixels per inch.
const PREVIEW_PPI: f32 = 110.0;

/// An amount as typed: blank is none.
fn amount(text: &Option<String>) -> Result<Option<i64>, DiaryError> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(parse_amount)
        .transpose()
}

/// Fee terms as the form has them: amounts as typed, blank for "not charged that way".
#[derive(Deserialize, Type)]
pub struct TermsForm {
    pub currency: Option<String>,
    pub fixed: Option<String>,
    pub per_appearance: Option<String>,
    pub non_effective: Option<String>,
    pub hourly: Option<String>,
}

/// A case's account: terms, appearances, time, charged, received, due.
#[tauri::command]
#[specta::specta]
pub fn case_account(s: State<'_, Session>, case_id: String) -> Res<CaseAccount> {
    Ok(s.with(|d| d.case_account(&case_id))?)
}

/// Sets a case's fee terms, or clears them (`terms` left out).
#[tauri::command]
#[specta::specta]
pub fn set_fee_terms(s: State<'_, Session>, case_id: String, terms: Option<TermsForm>) -> Res<Corrected> {
    let terms = match terms {
        None => None,
        Some(t) => Some(TermsInput {
            currency: t.currency.filter(|c| !c.trim().is_empty()),
            fixed_minor: amount(&t.fixed)?,
            per_appearance_minor: amount(&t.per_appearance)?,
            non_effective_minor: amount(&t.non_effective)?,
            hourly_minor: amount(&t.hourly)?,
        }),
    };
    Ok(s.with(|d| d.set_fee_terms(&case_id, terms))?)
}

/// Time spent, as the form has it.
#[derive(Deserialize, Type)]
pub struct TimeInput {
    /// The day, as typed (blank: today).
    pub date: Option<String>,
    /// `90`, `1h30m`, `1:30`.
    pub duration: String,
    /// A member's id (blank: you).
    pub member_id: Option<String>,
    pub note: Option<String>,
    pub billable: bool,
}

/// Time entries of one case, or of every case.
#[tauri::command]
#[specta::specta]
pub fn time_entries(s: State<'_, Session>, case_id: Option<String>) -> Res<Vec<TimeRow>> {
    Ok(s.with(|d| d.time_entries(case_id.as_deref()))?)
}

#[tauri::command]
#[specta::specta]
pub fn add_time(s: State<'_, Session>, case_id: String, input: TimeInput) -> Res<String> {
    let day = match input.date.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => date(t)?,
        None => today(),
    };
    let entry = NewTimeEntry {
        date: day,
        minutes: parse_duration(&input.duration)?,
        member_id: input.member_id.filter(|m| !m.trim().is_empty()),
        note: input.note,
        billable: input.billable,
    };
    Ok(s.with(|d| d.add_time(&case_id, entry))?)
}

/// A time entry as the correction dialog has it: every field as it should read.
#[derive(Deserialize, Type)]
pub struct TimeEditInput {
    pub date: String,
    pub duration: String,
    /// Blank clears the note.
    pub note: Option<String>,
    pub billable: bool,
}

#[tauri::command]
#[specta::specta]
pub fn edit_time(s: State<'_, Session>, case_id: String, entry_id: String, input: TimeEditInput) -> Res<Corrected> {
    let edit = TimeEdit {
        date: Some(date(&input.date)?),
        minutes: Some(parse_duration(&input.duration)?),
        member_id: None,
        note: Some(input.note),
        billable: Some(input.billable),
    };
    Ok(s.with(|d| d.edit_time(&case_id, &entry_id, edit))?)
}

#[tauri::command]
#[specta::specta]
pub fn remove_time(s: State<'_, Session>, case_id: String, entry_id: String) -> Res<Corrected> {
    Ok(s.with(|d| d.remove_time(&case_id, &entry_id))?)
}

/// The timer running on this laptop, if one is.
#[tauri::command]
#[specta::specta]
pub fn running_timer(s: State<'_, Session>) -> Res<Option<RunningTimer>> {
    Ok(s.with(|d| d.running_timer())?)
}

#[tauri::command]
#[specta::specta]
pub fn start_timer(s: State<'_, Session>, case_id: String, note: Option<String>) -> Res<RunningTimer> {
    Ok(s.with(|d| d.start_timer(&case_id, note, Local::now().fixed_offset()))?)
}

#[tauri::command]
#[specta::specta]
pub fn stop_timer(s: State<'_, Session>, billable: bool) -> Res<TimerStopped> {
    Ok(s.with(|d| d.stop_timer(Local::now().fixed_offset(), billable))?)
}

#[tauri::command]
#[specta::specta]
pub fn discard_timer(s: State<'_, Session>) -> Res<RunningTimer> {
    Ok(s.with(|d| d.discard_timer())?)
}

/// A receipt and its page as an image.
#[derive(Serialize, Type)]
pub struct ReceiptView {
    pub receipt: Receipt,
    /// The page as a PNG data URL.
    pub preview: String,
}

/// The receipt for a payment (numbered the first time), with its preview.
#[tauri::command]
#[specta::specta]
pub fn receipt_preview(s: State<'_, Session>, fee_id: String) -> Res<ReceiptView> {
    let receipt = s.with(|d| d.receipt(&fee_id))?;
    let png = nextdate_print::receipt::receipt(&receipt, Paper::A4)?.png(PREVIEW_PPI)?;
    Ok(ReceiptView {
        receipt,
        preview: crate::printing::png_data_url(&png),
    })
}

/// Saves the receipt for a payment as a PDF at `path` (the save dialog asked
/// before replacing a file).
#[tauri::command]
#[specta::specta]
pub fn save_receipt(s: State<'_, Session>, fee_id: String, path: String) -> Res<String> {
    let path = std::path::PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(DiaryError::BadPath("choose where to save the receipt".into()).into());
    }
    let receipt = s.with(|d| d.receipt(&fee_id))?;
    let pdf = nextdate_print::receipt::receipt(&receipt, Paper::A4)?.pdf()?;
    nextdate_diary::atomic_file::write_file(&path, &pdf, true)?;
    Ok(path.display().to_string())
}
