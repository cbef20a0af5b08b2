//! `nextdate print`: the hearing list of a date or a range, as a PDF file
//! (laid out by `nextdate-print`), written whole or not at all.

use chrono::Local;
use nextdate_diary::{Diary, DiaryError};

use super::{date_arg, opt_date_arg};
use crate::args::PrintArgs;
use crate::failure::Failure;
use crate::output::Out;

pub fn run(diary: &Diary, args: PrintArgs, out: &Out) -> Result<(), Failure> {
    let PrintArgs {
        date,
        to,
        paper,
        advocate,
        tasks,
        output,
        force,
    } = args;
    let from = date_arg(&date)?;
    let to = opt_date_arg(to.as_deref())?.unwrap_or(from);
    if output.exists() && !force {
        return Err(DiaryError::FileExists(output).into());
    }
    let member = match advocate {
        Some(who) => Some(diary.find_member(&who)?.id),
        None => None,
    };
    let opts = nextdate_print::ListOptions {
        from,
        to,
        paper,
        member,
        include_tasks: tasks,
        printed_at: Local::now().naive_local(),
    };
    let list = nextdate_print::hearing_list(diary, &opts).map_err(Failure::Print)?;
    let pdf = list.pdf().map_err(Failure::Print)?;
    nextdate_diary::atomic_file::write_file(&output, &pdf, force)?;
    out.printed(&output, list.hearing_count(), list.page_count(), pdf.len());
    Ok(())
}
