//! Commands behind bills, statements and the outstanding list: a draft
//! bill's preview, issuing one (numbered, saved as PDF), cancelling one, a
//! client's statement (preview and PDF), the outstanding list, the chamber's
//! billing details and the ledger CSV. Dates and rates arrive as typed and
//! are read by the core's parsers; layout is `nextdate-print`'s.

use nextdate_diary::accounts::billing::parse_rate;
use nextdate_diary::accounts::{BillDoc, BillRow, Billing, Outstanding, StatementDoc};
use nextdate_diary::records::Corrected;
use nextdate_diary::DiaryError;
use nextdate_print::Paper;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::commands::{date, opt_date, today, Res};
use crate::printing::png_data_url;
use crate::session::Session;

/// Pages for the screen, in pixels per inch.
const PREVIEW_PPI: f32 = 110.0;

fn data_urls(pages: Vec<Vec<u8>>) -> Vec<String> {
    pages.iter().map(|png| png_data_url(png)).collect()
}

fn save_path(path: &str, what: &str) -> Result<std::path::PathBuf, DiaryError> {
    let path = std::path::PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(DiaryError::BadPath(format!("choose where to save the {what}")));
    }
    Ok(path)
}

/// A bill and its pages as images.
#[derive(Serialize, Type)]
pub struct BillView {
    pub bill: BillDoc,
    /// Set once the bill is issued.
    pub bill_id: Option<String>,
    pub pages: Vec<String>,
}

/// A draft bill for a case or a client (`id`) over a period, as it would be
/// issued today: not numbered, nothing kept.
#[tauri::command]
#[specta::specta]
pub fn bill_preview(s: State<'_, Session>, id: String, from: String, to: Option<String>) -> Res<BillView> {
    let (from, to) = (date(&from)?, opt_date(&to)?.unwrap_or_else(today));
    let bill = s.with(|d| {
        let scope = d.case_or_client(&id)?;
        d.draft_bill(&scope, from, to, today())
    })?;
    let pages = nextdate_print::bill::bill(&bill, Paper::A4)?.png_pages(PREVIEW_PPI)?;
    Ok(BillView {
        bill,
        bill_id: None,
        pages: data_urls(pages),
    })
}

/// Issues the bill (numbered and kept) and saves it as a PDF at `path`.
#[tauri::command]
#[specta::specta]
pub fn issue_bill(s: State<'_, Session>, id: String, from: String, to: Option<String>, path: String) -> Res<BillView> {
    let path = save_path(&path, "bill")?;
    let (from, to) = (date(&from)?, opt_date(&to)?.unwrap_or_else(today));
    let (bill_id, bill) = s.with(|d| {
        let scope = d.case_or_client(&id)?;
        d.issue_bill(&scope, from, to, today())
    })?;
    let printed = nextdate_print::bill::bill(&bill, Paper::A4)?;
    nextdate_diary::atomic_file::write_file(&path, &printed.pdf()?, true)?;
    Ok(BillView {
        pages: data_urls(printed.png_pages(PREVIEW_PPI)?),
        bill,
        bill_id: Some(bill_id),
    })
}

/// Bills issued for a case or client (or all), newest first.
#[tauri::command]
#[specta::specta]
pub fn bills(s: State<'_, Session>, owner_id: Option<String>) -> Res<Vec<BillRow>> {
    Ok(s.with(|d| d.bills(owner_id.as_deref()))?)
}

#[tauri::command]
#[specta::specta]
pub fn void_bill(s: State<'_, Session>, bill_id: String, reason: String) -> Res<Corrected> {
    Ok(s.with(|d| d.void_bill(&bill_id, &reason))?)
}

/// A statement and its pages as images.
#[derive(Serialize, Type)]
pub struct StatementView {
    pub statement: StatementDoc,
    pub pages: Vec<String>,
}

fn statement_of(s: &Session, client_id: &str, from: &Option<String>, to: &Option<String>) -> Res<StatementDoc> {
    let (from, to) = (opt_date(from)?, opt_date(to)?.unwrap_or_else(today));
    Ok(s.with(|d| d.statement(client_id, from, to, today()))?)
}

#[tauri::command]
#[specta::specta]
pub fn statement_preview(
    s: State<'_, Session>,
    client_id: String,
    from: Option<String>,
    to: Option<String>,
) -> Res<StatementView> {
    let statement = statement_of(&s, &client_id, &from, &to)?;
    let pages = nextdate_print::statement::statement(&statement, Paper::A4)?.png_pages(PREVIEW_PPI)?;
    Ok(StatementView {
        statement,
        pages: data_urls(pages),
    })
}

#[tauri::command]
#[specta::specta]
pub fn save_statement(
    s: State<'_, Session>,
    client_id: String,
    from: Option<String>,
    to: Option<String>,
    path: String,
) -> Res<String> {
    let path = save_path(&path, "statement")?;
    let statement = statement_of(&s, &client_id, &from, &to)?;
    let pdf = nextdate_print::statement::statement(&statement, Paper::A4)?.pdf()?;
    nextdate_diary::atomic_file::write_file(&path, &pdf, true)?;
    Ok(path.display().to_string())
}

/// Clients and cases with a balance due, oldest first, and unpaid bills.
#[tauri::command]
#[specta::specta]
pub fn outstanding(s: State<'_, Session>) -> Res<Outstanding> {
    Ok(s.with(|d| d.outstanding(today()))?)
}

#[tauri::command]
#[specta::specta]
pub fn billing(s: State<'_, Session>) -> Res<Billing> {
    Ok(s.with(|d| d.billing())?)
}

/// The billing details as the Settings form has them: the tax rate in percent, as typed.
#[derive(Deserialize, Type)]
pub struct BillingForm {
    pub address: Option<String>,
    pub gstin: Option<String>,
    pub tax_label: Option<String>,
    /// `18`, `12.5`; blank with a blank label: no tax line.
    pub tax_rate: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn set_billing(s: State<'_, Session>, form: BillingForm) -> Res<Billing> {
    let blank = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
    let tax_rate_bp = blank(form.tax_rate).map(|r| parse_rate(&r)).transpose()?;
    let billing = Billing {
        address: blank(form.address),
        gstin: blank(form.gstin),
        tax_label: blank(form.tax_label),
        tax_rate_bp,
    };
    Ok(s.with(|d| d.set_billing(billing))?)
}

/// Writes the whole ledger as CSV at `path` (the save dialog asked before
/// replacing a file); returns how many entries it holds.
#[tauri::command]
#[specta::specta]
pub fn export_ledger(s: State<'_, Session>, path: String) -> Res<u32> {
    let path = save_path(&path, "ledger")?;
    let (csv, rows) = s.with(|d| {
        Ok((
            d.ledger_csv()?,
            d.ledger(nextdate_diary::accounts::LedgerScope::All)?.len(),
        ))
    })?;
    nextdate_diary::atomic_file::write_file(&path, &csv, true)?;
    Ok(rows as u32)
}
