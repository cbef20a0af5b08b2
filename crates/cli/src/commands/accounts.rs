//! `nextdate terms`, `nextdate time …` and `nextdate receipt`: a case's fee
//! terms and account, time entries and the timer, and printed receipts.

use chrono::Local;
use nextdate_diary::accounts::{parse_duration, NewTimeEntry, TermsInput, TimeEdit};
use nextdate_diary::money::parse_amount;
use nextdate_diary::records::ChildKind;
use nextdate_diary::{Diary, DiaryError};

use super::{opt_date_arg, today};
use crate::args::{ReceiptArgs, TermsArgs, TimeCmd};
use crate::failure::Failure;
use crate::output::Out;

fn amount(s: Option<&str>) -> Result<Option<i64>, DiaryError> {
    s.map(parse_amount).transpose()
}

/// Shows a case's account, after setting or clearing its terms when asked.
pub fn terms(diary: &mut Diary, args: TermsArgs, out: &Out) -> Result<(), DiaryError> {
    let TermsArgs {
        case_id,
        fixed,
        per_appearance,
        non_effective,
        hourly,
        currency,
        clear,
    } = args;
    let given = fixed.is_some() || per_appearance.is_some() || non_effective.is_some() || hourly.is_some();
    if clear {
        diary.set_fee_terms(&case_id, None)?;
    } else if given || currency.is_some() {
        let terms = TermsInput {
            currency,
            fixed_minor: amount(fixed.as_deref())?,
            per_appearance_minor: amount(per_appearance.as_deref())?,
            non_effective_minor: amount(non_effective.as_deref())?,
            hourly_minor: amount(hourly.as_deref())?,
        };
        diary.set_fee_terms(&case_id, Some(terms))?;
    }
    out.case_account(&diary.case_account(&case_id)?);
    Ok(())
}

pub fn time(diary: &mut Diary, cmd: TimeCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        TimeCmd::Add {
            case_id,
            minutes,
            date,
            member,
            note,
            unbillable,
        } => {
            let entry = NewTimeEntry {
                date: opt_date_arg(date.as_deref())?.unwrap_or_else(today),
                minutes: parse_duration(&minutes)?,
                member_id: member,
                note,
                billable: !unbillable,
            };
            out.id(&diary.add_time(&case_id, entry)?);
        }
        TimeCmd::List { case_id } => out.time_entries(&diary.time_entries(case_id.as_deref())?),
        TimeCmd::Edit {
            id,
            minutes,
            date,
            member,
            note,
            billable,
        } => {
            let edit = TimeEdit {
                date: opt_date_arg(date.as_deref())?,
                minutes: minutes.as_deref().map(parse_duration).transpose()?,
                member_id: member,
                // The core reads a blank text as "clear it".
                note: note.map(Some),
                billable,
            };
            let case = diary.case_of(ChildKind::Time, &id)?;
            out.corrected(&diary.edit_time(&case, &id, edit)?);
        }
        TimeCmd::Remove { id } => {
            let case = diary.case_of(ChildKind::Time, &id)?;
            out.corrected(&diary.remove_time(&case, &id)?);
        }
        TimeCmd::Start { case_id, note } => {
            let t = diary.start_timer(&case_id, note, Local::now().fixed_offset())?;
            out.timer(Some(&t));
        }
        TimeCmd::Stop { unbillable } => {
            let stopped = diary.stop_timer(Local::now().fixed_offset(), !unbillable)?;
            out.timer_stopped(&stopped);
        }
        TimeCmd::Status => out.timer(diary.running_timer()?.as_ref()),
        TimeCmd::Discard => {
            let t = diary.discard_timer()?;
            out.ok(&format!(
                "Discarded the timer on case {} (started {})",
                t.case_number, t.started_at
            ));
        }
    }
    Ok(())
}

/// Numbers (on first print) and prints the receipt for a payment.
pub fn receipt(diary: &mut Diary, args: ReceiptArgs, out: &Out) -> Result<(), Failure> {
    let ReceiptArgs {
        fee_id,
        output,
        png,
        paper,
    } = args;
    if output.exists() {
        return Err(DiaryError::FileExists(output).into());
    }
    // Numbered once, on the first print; printing again gives the same receipt.
    let receipt = diary.receipt(&fee_id)?;
    let printed = nextdate_print::receipt::receipt(&receipt, paper).map_err(Failure::Print)?;
    let pdf = printed.pdf().map_err(Failure::Print)?;
    nextdate_diary::atomic_file::write_file(&output, &pdf, false)?;
    if let Some(png_path) = &png {
        let image = printed.png(110.0).map_err(Failure::Print)?;
        nextdate_diary::atomic_file::write_file(png_path, &image, true)?;
    }
    out.receipt(&receipt, &output);
    Ok(())
}
