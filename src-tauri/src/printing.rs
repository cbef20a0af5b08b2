//! Commands behind the Print screen: a preview of the hearing list as page
//! images, saving it as PDF, and printing through the system print dialog.
//! Layout is `nextdate-print`'s; these only translate.

use chrono::Local;
use data_encoding::BASE64;
use nextdate_diary::{DiaryError, MemberRow};
use nextdate_print::{hearing_list, HearingList, ListOptions, Paper, PrintError};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::commands::{date, AppError};
use crate::session::Session;

type Res<T> = Result<T, AppError>;

/// Page images for the screen, in pixels per inch.
const PREVIEW_PPI: f32 = 110.0;
/// Page images sent to the printer, in pixels per inch.
const PRINT_PPI: f32 = 200.0;

/// What to print, as the Print screen asks for it.
#[derive(Deserialize, Type)]
pub struct PrintRequest {
    /// The list's (first) date, typed the diary's way.
    pub from: String,
    /// The last date of a range; empty for one day.
    pub to: Option<String>,
    /// `a4` or `letter`.
    pub paper: String,
    /// A member's id for their cases only; none for the whole chamber.
    pub member: Option<String>,
    pub include_tasks: bool,
}

/// A laid-out list: its pages as PNG data URLs.
#[derive(Serialize, Type)]
pub struct PrintPreview {
    pub pages: Vec<String>,
    pub hearings: u32,
    /// The dates covered (ISO), as understood from the request.
    pub from: String,
    pub to: String,
}

/// A list saved as PDF.
#[derive(Serialize, Type)]
pub struct SavedList {
    pub path: String,
    pub hearings: u32,
    pub pages: u32,
}

fn layout(s: &Session, req: &PrintRequest) -> Result<(HearingList, ListOptions), PrintError> {
    let from = date(&req.from)?;
    let to = match req.to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => date(t)?,
        None => from,
    };
    let opts = ListOptions {
        from,
        to,
        paper: req.paper.parse::<Paper>()?,
        member: req.member.clone().filter(|m| !m.is_empty()),
        include_tasks: req.include_tasks,
        printed_at: Local::now().naive_local(),
    };
    let list = s.with_any(|d| hearing_list(d, &opts))?;
    Ok((list, opts))
}

/// A PNG page as a data URL the window shows as an image.
pub(crate) fn png_data_url(png: &[u8]) -> String {
    format!("data:image/png;base64,{}", BASE64.encode(png))
}

fn data_urls(list: &HearingList, ppi: f32) -> Result<Vec<String>, PrintError> {
    Ok(list.png_pages(ppi)?.iter().map(|png| png_data_url(png)).collect())
}

/// The chamber's members, for "whose list".
#[tauri::command]
#[specta::specta]
pub fn members(s: State<'_, Session>) -> Res<Vec<MemberRow>> {
    Ok(s.with(|d| d.members())?)
}

/// The list laid out, as page images for the screen (or, with `for_printer`,
/// sharper ones for the printer).
#[tauri::command]
#[specta::specta]
pub fn print_preview(s: State<'_, Session>, request: PrintRequest, for_printer: bool) -> Res<PrintPreview> {
    let (list, opts) = layout(&s, &request)?;
    let pages = data_urls(&list, if for_printer { PRINT_PPI } else { PREVIEW_PPI })?;
    Ok(PrintPreview {
        pages,
        hearings: list.hearing_count() as u32,
        from: opts.from.to_string(),
        to: opts.to.to_string(),
    })
}

/// Saves the list as a PDF at `path` (chosen in the save dialog, which asked
/// before replacing a file: `replace`).
#[tauri::command]
#[specta::specta]
pub fn save_hearing_list(s: State<'_, Session>, request: PrintRequest, path: String, replace: bool) -> Res<SavedList> {
    let path = std::path::PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(DiaryError::BadPath("choose where to save the list".into()).into());
    }
    let (list, _) = layout(&s, &request)?;
    let pdf = list.pdf()?;
    nextdate_diary::atomic_file::write_file(&path, &pdf, replace)?;
    Ok(SavedList {
        path: path.display().to_string(),
        hearings: list.hearing_count() as u32,
        pages: list.page_count() as u32,
    })
}

/// Opens the system print dialog for the window (the Print screen shows only
/// the list's pages when printed).
#[tauri::command]
#[specta::specta]
pub fn print_window(window: tauri::WebviewWindow) -> Res<()> {
    window
        .print()
        .map_err(|e| DiaryError::Output(format!("print dialog ({e})")).into())
}
