//! `nextdate hearing record`: a hearing's outcome and the next date (or
//! disposal), as one operation.

use nextdate_diary::{Diary, DiaryError, NextStep, RecordHearing};

use super::{date_arg, opt_date_arg};
use crate::args::HearingCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: HearingCmd, out: &Out) -> Result<(), DiaryError> {
    let HearingCmd::Record {
        case_id,
        date,
        next_date,
        purpose,
        disposed,
        outcome,
        item,
    } = cmd;
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
            date,
            outcome,
            item,
            next,
            attended_by: None,
        },
    )?;
    out.id(&id);
    Ok(())
}
