//! `nextdate export json|csv|ledger|ics`: everything into a new folder (JSON
//! or CSV plus attachments), the accounts' ledger as one CSV file, or the
//! hearings as an iCalendar file.

use nextdate_diary::export::ExportFormat;
use nextdate_diary::{Diary, DiaryError};

use super::opt_date_arg;
use crate::args::ExportCmd;
use crate::output::Out;

pub fn run(diary: &Diary, cmd: ExportCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        ExportCmd::Json { output } => {
            let s = diary.export(ExportFormat::Json, &output)?;
            out.exported(&output, &s);
        }
        ExportCmd::Csv { output } => {
            let s = diary.export(ExportFormat::Csv, &output)?;
            out.exported(&output, &s);
        }
        ExportCmd::Ledger { output, force } => {
            let csv = diary.ledger_csv()?;
            nextdate_diary::atomic_file::write_file(&output, &csv, force)?;
            let rows = diary.ledger(nextdate_diary::accounts::LedgerScope::All)?.len();
            out.ok(&format!("wrote {rows} ledger entries to {}", output.display()));
        }
        ExportCmd::Ics {
            output,
            from,
            to,
            force,
        } => {
            let from = opt_date_arg(from.as_deref())?;
            let to = opt_date_arg(to.as_deref())?;
            let events = diary.write_hearings_ics(&output, from, to, force)?;
            out.ok(&format!("wrote {events} hearings to {}", output.display()));
        }
    }
    Ok(())
}
