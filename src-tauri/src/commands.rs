//! The commands the web front end can call. Each is declared once here; the
//! TypeScript bindings in `ui/src/lib/bindings.ts` are generated from these
//! declarations (see `bindings()`), and errors cross as `{code, message}`.
//! Commands only translate: all logic lives in `nextdate-diary`.
//!
//! The screens' reads (the board, day counts, search, lists, a case) are
//! `async` commands: they run on Tauri's worker threads, not on the main
//! thread that also runs the window, so a large diary's query never holds up
//! a frame. They still take their turn at the session's diary.

use chrono::{Local, NaiveDate};
use nextdate_diary::client_update::Language;
use nextdate_diary::dates::parse_date;
use nextdate_diary::money::parse_amount;
use nextdate_diary::queries::ClientRow;
use nextdate_diary::records::PaymentMode;
use nextdate_diary::{
    Board, CaseDetail, CaseEdit, CaseFilter, CaseSummary, DayCount, DiaryError, ErrorCode, FeeBalance, FeeKind,
    HistoryEntry, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, Party, RecordHearing, SearchHit, TaskPage,
    UndatedPreview, Zeroizing,
};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::session::Session;

/// An error as the UI sees it: a stable code and a sentence for people.
#[derive(Debug, Serialize, Type)]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<DiaryError> for AppError {
    fn from(e: DiaryError) -> Self {
        AppError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<nextdate_print::PrintError> for AppError {
    fn from(e: nextdate_print::PrintError) -> Self {
        AppError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

pub(crate) type Res<T> = Result<T, AppError>;

pub(crate) fn today() -> NaiveDate {
    Local::now().date_naive()
}

pub(crate) fn date(text: &str) -> Result<NaiveDate, DiaryError> {
    parse_date(text, today())
}

pub(crate) fn opt_date(text: &Option<String>) -> Result<Option<NaiveDate>, DiaryError> {
    text.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(date)
        .transpose()
}

pub(crate) fn secret(s: String) -> Zeroizing<String> {
    Zeroizing::new(s)
}

/// Parses a typed date (`23-11-2026`, `+2w`, `next mon`) to ISO.
#[tauri::command]
#[specta::specta]
pub fn parse_typed_date(text: String) -> Res<String> {
    Ok(date(&text)?.to_string())
}

#[tauri::command(async)]
#[specta::specta]
pub fn board(s: State<'_, Session>, date_text: String) -> Res<Board> {
    let d = date(&date_text)?;
    Ok(s.with(|diary| diary.board(d))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn hearing_counts(s: State<'_, Session>, from: String, to: String) -> Res<Vec<DayCount>> {
    let (f, t) = (date(&from)?, date(&to)?);
    Ok(s.with(|d| d.hearing_counts(f, t))?)
}

/// How many pending cases have no date, with the `limit` last heard most
/// recently (the Cases page, filtered to undated, lists them all).
#[tauri::command(async)]
#[specta::specta]
pub fn undated_preview(s: State<'_, Session>, limit: u32) -> Res<UndatedPreview> {
    Ok(s.with(|d| d.undated_preview(today(), limit as usize))?)
}

/// `limit` overdue tasks from the `offset`th on (the longest overdue first),
/// and how many are overdue in all.
#[tauri::command(async)]
#[specta::specta]
pub fn overdue_tasks(s: State<'_, Session>, offset: u32, limit: u32) -> Res<TaskPage> {
    Ok(s.with(|d| d.overdue_tasks_page(today(), offset as usize, limit as usize))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn search(s: State<'_, Session>, query: String, limit: u32) -> Res<Vec<SearchHit>> {
    Ok(s.with(|d| d.search(&query, limit as usize))?)
}

#[derive(Deserialize, Type)]
pub struct CaseFilterInput {
    pub court: Option<String>,
    pub status: Option<String>,
    pub stage: Option<String>,
    pub undated: bool,
}

#[tauri::command(async)]
#[specta::specta]
pub fn cases(s: State<'_, Session>, filter: CaseFilterInput) -> Res<Vec<CaseSummary>> {
    let f = CaseFilter {
        court: filter.court.filter(|c| !c.is_empty()),
        status: filter.status.filter(|c| !c.is_empty()),
        stage: filter.stage.filter(|c| !c.is_empty()),
        undated_as_of: filter.undated.then(today),
    };
    Ok(s.with(|d| d.cases(&f))?)
}

#[derive(Serialize, Type)]
pub struct Vocabulary {
    pub courts: Vec<String>,
    pub stages: Vec<String>,
}

/// Courts and stages in use, for filters and suggestions.
#[tauri::command(async)]
#[specta::specta]
pub fn vocabulary(s: State<'_, Session>) -> Res<Vocabulary> {
    Ok(s.with(|d| {
        Ok(Vocabulary {
            courts: d.distinct_case_values("court")?,
            stages: d.distinct_case_values("stage")?,
        })
    })?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn case_detail(s: State<'_, Session>, id: String) -> Res<CaseDetail> {
    Ok(s.with(|d| d.case_detail(&id))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn history(s: State<'_, Session>, id: String) -> Res<Vec<HistoryEntry>> {
    Ok(s.with(|d| d.history(&id))?)
}

#[derive(Deserialize, Type)]
pub struct CaseInput {
    pub title: String,
    pub number: String,
    pub court: String,
    pub cnr: Option<String>,
    pub bench: Option<String>,
    pub case_type: Option<String>,
    pub stage: Option<String>,
    pub parties: Vec<Party>,
    pub client_ids: Vec<String>,
    /// Only for a new case: its first (next) date, as typed.
    pub next_date: Option<String>,
    pub purpose: Option<String>,
    pub item: Option<i32>,
}

/// Creates a case (no `id`) or edits one; returns its id.
#[tauri::command]
#[specta::specta]
pub fn save_case(s: State<'_, Session>, id: Option<String>, input: CaseInput) -> Res<String> {
    let next_date = opt_date(&input.next_date)?;
    Ok(s.with(|d| match id {
        None => d.add_case(NewCase {
            title: input.title,
            number: input.number,
            court: input.court,
            cnr: input.cnr,
            bench: input.bench,
            case_type: input.case_type,
            stage: input.stage,
            parties: input.parties,
            client_ids: input.client_ids,
            next_date,
            purpose: input.purpose.filter(|p| !p.trim().is_empty()),
            item: input.item.map(i64::from),
        }),
        Some(id) => {
            d.edit_case(
                &id,
                CaseEdit {
                    title: Some(input.title),
                    number: Some(input.number),
                    court: Some(input.court),
                    cnr: Some(input.cnr),
                    bench: Some(input.bench),
                    case_type: Some(input.case_type),
                    stage: Some(input.stage),
                    parties: Some(input.parties),
                    client_ids: Some(input.client_ids),
                    assigned: None,
                },
            )?;
            Ok(id)
        }
    })?)
}

#[derive(Deserialize, Type)]
pub struct HearingInput {
    /// The hearing's date, as typed.
    pub date: String,
    pub outcome: Option<String>,
    pub item: Option<i32>,
    /// The next date, as typed; ignored when `disposed`.
    pub next_date: Option<String>,
    pub purpose: Option<String>,
    pub disposed: bool,
    /// Count it as a non-effective appearance (adjourned on the first call).
    pub non_effective: bool,
}

/// Records a hearing's outcome and the next date (or disposal) in one step.
/// With no outcome and no hearing on `date` (an undated case given its next
/// date), the case is listed on the next date and no hearing is invented
/// (`Diary::record_or_list`).
#[tauri::command]
#[specta::specta]
pub fn record_hearing(s: State<'_, Session>, case_id: String, input: HearingInput) -> Res<String> {
    let on = date(&input.date)?;
    let next = if input.disposed {
        NextStep::Disposed
    } else {
        let next_date = opt_date(&input.next_date)?
            .ok_or_else(|| DiaryError::NextDateRequired("give the next date, or mark the case disposed".into()))?;
        NextStep::Adjourned {
            next_date,
            purpose: input.purpose,
        }
    };
    let r = RecordHearing {
        non_effective: input.non_effective,
        date: on,
        outcome: input.outcome,
        item: input.item.map(i64::from),
        next,
        attended_by: None,
    };
    Ok(s.with(|d| d.record_or_list(&case_id, r))?)
}

#[derive(Deserialize, Type)]
pub struct ClientInput {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The language of the client's updates; none is English.
    pub update_language: Option<Language>,
}

#[tauri::command]
#[specta::specta]
pub fn add_client(s: State<'_, Session>, input: ClientInput) -> Res<String> {
    let c = NewClient {
        name: input.name,
        phones: input.phone.into_iter().filter(|p| !p.trim().is_empty()).collect(),
        email: input.email.filter(|e| !e.trim().is_empty()),
        address: input.address,
        notes: None,
        update_language: input.update_language,
    };
    Ok(s.with(|d| d.add_client(c))?)
}

#[tauri::command(async)]
#[specta::specta]
pub fn clients(s: State<'_, Session>) -> Res<Vec<ClientRow>> {
    Ok(s.with(|d| d.clients())?)
}

#[derive(Serialize, Type)]
pub struct ClientDetail {
    pub client: ClientRow,
    pub cases: Vec<CaseSummary>,
    pub balance: Vec<FeeBalance>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn client_detail(s: State<'_, Session>, id: String) -> Res<ClientDetail> {
    Ok(s.with(|d| {
        Ok(ClientDetail {
            client: d.client(&id)?,
            cases: d.client_cases(&id)?,
            balance: d.client_balance(&id)?,
        })
    })?)
}

/// Adds a task to a case; `assignee` is a chamber member's id, or none.
#[tauri::command]
#[specta::specta]
pub fn add_task(
    s: State<'_, Session>,
    case_id: String,
    title: String,
    due: Option<String>,
    assignee: Option<String>,
) -> Res<String> {
    let due = opt_date(&due)?;
    let assignee = assignee.filter(|a| !a.trim().is_empty());
    Ok(s.with(|d| d.add_task(&case_id, NewTask { title, due, assignee }))?)
}

#[tauri::command]
#[specta::specta]
pub fn complete_task(s: State<'_, Session>, id: String) -> Res<()> {
    Ok(s.with(|d| d.complete_task(&id))?)
}

/// A new fee entry; `amount` as typed (`1500.50`, `1,50,000`).
#[derive(Deserialize, Type)]
pub struct FeeInput {
    pub kind: FeeKind,
    pub amount: String,
    /// A three-letter code; none is INR.
    pub currency: Option<String>,
    /// The date as typed; none is today.
    pub date: Option<String>,
    pub mode: Option<PaymentMode>,
    pub remark: Option<String>,
}

/// Adds a fee entry to a case.
#[tauri::command]
#[specta::specta]
pub fn add_fee(s: State<'_, Session>, case_id: String, fee: FeeInput) -> Res<String> {
    let amount_minor = parse_amount(&fee.amount)?;
    let on = opt_date(&fee.date)?.unwrap_or_else(today);
    let fee = NewFee {
        kind: fee.kind,
        amount_minor,
        currency: fee.currency.filter(|c| !c.trim().is_empty()),
        date: on,
        mode: fee.mode.map(|m| m.as_str().to_string()),
        remark: fee.remark,
    };
    Ok(s.with(|d| d.add_fee(&case_id, fee))?)
}

#[tauri::command]
#[specta::specta]
pub fn add_note(s: State<'_, Session>, case_id: String, text: String, client_visible: bool) -> Res<String> {
    Ok(s.with(|d| d.add_note(&case_id, NewNote { text, client_visible }))?)
}

/// Attaches a file from disk to a case (stored encrypted in the diary).
#[tauri::command]
#[specta::specta]
pub fn attach_document(s: State<'_, Session>, case_id: String, path: String, client_visible: bool) -> Res<String> {
    let path = std::path::PathBuf::from(path);
    let meta = std::fs::metadata(&path).map_err(DiaryError::from)?;
    if meta.len() as usize > nextdate_diary::records::MAX_DOCUMENT_BYTES {
        return Err(DiaryError::TooLarge(format!("{} is too large to attach", path.display())).into());
    }
    let bytes = std::fs::read(&path).map_err(DiaryError::from)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "document".into());
    let media = media_type(&name);
    Ok(s.with(|d| d.attach_document(&case_id, &name, media, &bytes, client_visible))?)
}

fn media_type(name: &str) -> &'static str {
    match name.rsplit('.').next().map(str::to_lowercase).as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("txt") => "text/plain",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("odt") => "application/vnd.oasis.opendocument.text",
        _ => "application/octet-stream",
    }
}

/// Opens a document in the system viewer from a private copy that is removed on lock and quit.
#[tauri::command]
#[specta::specta]
pub fn open_document(s: State<'_, Session>, id: String) -> Res<()> {
    let nextdate_diary::queries::AttachedDocument { row, bytes } = s.with(|d| d.document(&id))?;
    crate::documents::open_copy(&row.name, &bytes).map_err(DiaryError::from)?;
    Ok(())
}

/// Every command, for the invoke handler and the generated bindings.
pub fn bindings() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        crate::lifecycle::app_status,
        crate::lifecycle::create_diary,
        crate::lifecycle::unlock,
        crate::lifecycle::lock,
        crate::lifecycle::heartbeat,
        parse_typed_date,
        board,
        hearing_counts,
        undated_preview,
        overdue_tasks,
        search,
        cases,
        vocabulary,
        case_detail,
        history,
        save_case,
        record_hearing,
        add_client,
        clients,
        client_detail,
        add_task,
        complete_task,
        add_fee,
        add_note,
        attach_document,
        open_document,
        crate::settings::settings,
        crate::settings::save_settings,
        crate::settings::set_passphrase,
        crate::settings::use_keyring,
        crate::data::backup_diary,
        crate::data::restore_backup,
        crate::progress::cancel_work,
        crate::backups::backup_status,
        crate::backups::set_backup_folder,
        crate::backups::turn_off_backups,
        crate::backups::back_up_now,
        crate::backups::backup_file_kind,
        crate::backups::recovery_sheet_preview,
        crate::backups::save_recovery_sheet,
        crate::backups::renew_recovery_sheet,
        crate::data::delete_everything,
        crate::accounts::case_account,
        crate::accounts::set_fee_terms,
        crate::accounts::time_entries,
        crate::accounts::add_time,
        crate::accounts::edit_time,
        crate::accounts::remove_time,
        crate::accounts::running_timer,
        crate::accounts::start_timer,
        crate::accounts::stop_timer,
        crate::accounts::discard_timer,
        crate::accounts::receipt_preview,
        crate::accounts::save_receipt,
        crate::bills::bill_preview,
        crate::bills::issue_bill,
        crate::bills::bills,
        crate::bills::void_bill,
        crate::bills::statement_preview,
        crate::bills::save_statement,
        crate::bills::outstanding,
        crate::bills::billing,
        crate::bills::set_billing,
        crate::bills::export_ledger,
        crate::client_updates::client_update,
        crate::client_updates::save_status_report,
        crate::links::status_links,
        crate::links::give_status_link,
        crate::links::revoke_status_link,
        crate::links::status_link_qr,
        crate::printing::members,
        crate::printing::print_preview,
        crate::printing::save_hearing_list,
        crate::printing::print_window,
        crate::reminders::reminder_settings,
        crate::reminders::save_reminder_settings,
        crate::data::export_diary,
        crate::data::import_csv,
        crate::sync::sync_status,
        crate::sync::sync_setup,
        crate::sync::sync_invite,
        crate::sync::sync_join,
        crate::sync::sync_set_role,
        crate::sync::sync_remove_device,
        crate::sync::verify_authorship,
        crate::sync::sync_now,
        crate::sync::sync_live,
        crate::record_corrections::edit_task,
        crate::record_corrections::reopen_task,
        crate::record_corrections::remove_task,
        crate::record_corrections::edit_note,
        crate::record_corrections::remove_note,
        crate::record_corrections::edit_fee,
        crate::record_corrections::void_fee,
        crate::record_corrections::edit_document,
        crate::record_corrections::remove_document,
        crate::corrections::undo,
        crate::corrections::undo_preview,
        crate::corrections::edit_hearing,
        crate::corrections::remove_hearing,
        crate::corrections::list_case,
        crate::corrections::edit_client,
        crate::corrections::remove_client,
        crate::corrections::erase_client,
        crate::corrections::change_case_status,
    ])
}

/// The TypeScript bindings, as committed in `ui/src/lib/bindings.ts`.
pub fn typescript() -> String {
    let ts = specta_typescript::Typescript::default()
        .header("// Generated from src-tauri/src/commands.rs by `scripts/bindings`. Do not edit.\n");
    let tmp = std::env::temp_dir().join(format!("nextdate-bindings-{}.ts", std::process::id()));
    bindings().export(ts, &tmp).expect("bindings export");
    let out = std::fs::read_to_string(&tmp).expect("bindings read");
    let _ = std::fs::remove_file(&tmp);
    out
}
