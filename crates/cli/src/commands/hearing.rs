//! `nextdate hearing …`: record a hearing's outcome and the next date (or
//! disposal) as one operation, correct a hearing, remove one entered by mistake.

use nextdate_diary::records::ChildKind;
use nextdate_diary::{Diary, DiaryError, HearingEdit, NextStep, RecordHearing};

use super::{date_arg, opt_date_arg};
use crate::args::HearingCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: HearingCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        HearingCmd::Record {
            case_id,
            date,
            next_date,
            purpose,
            disposed,
            outcome,
            item,
            non_effective,
        } => {
            let date = date_arg(&date)?;
            let next = if disposed {
                NextStep::Disposed
            } else {
                let nd = opt_date_arg(next_date.as_deref())?.expect("clap requires --next-date");
                NextStep::Adjourned { next_date: nd, purpose }
            };
            let id = diary.record_hearing(
                &case_id,
                RecordHearing {
                    non_effective,
                    date,
                    outcome,
                    item,
                    next,
                    attended_by: None,
                },
            )?;
            out.id(&id);
        }
        HearingCmd::Edit {
            hearing_id,
            date,
            item,
            purpose,
            outcome,
            next_date,
            non_effective,
        } => {
            let edit = HearingEdit {
                date: opt_date_arg(date.as_deref())?,
                item: item.map(|i| i.0),
                // The core reads a blank text as "clear it".
                purpose: purpose.map(Some),
                outcome: outcome.map(Some),
                next_date: next_date.as_deref().map(date_or_clear).transpose()?,
                non_effective,
            };
            let case_id = diary.case_of(ChildKind::Hearing, &hearing_id)?;
            out.hearing_change(&diary.edit_hearing(&case_id, &hearing_id, edit)?);
        }
        HearingCmd::Remove { hearing_id } => {
            let case_id = diary.case_of(ChildKind::Hearing, &hearing_id)?;
            out.hearing_change(&diary.remove_hearing(&case_id, &hearing_id)?);
        }
    }
    Ok(())
}

/// A date to set, or '' to clear the field.
fn date_or_clear(s: &str) -> Result<Option<chrono::NaiveDate>, DiaryError> {
    match s.trim() {
        "" => Ok(None),
        d => date_arg(d).map(Some),
    }
}
