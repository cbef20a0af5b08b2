//! `nextdate case date CASE --next-date D`: list a case on a date (give an
//! undated case its next date) without recording, or inventing, a hearing.

use nextdate_diary::{Diary, DiaryError};

use super::date_arg;
use crate::args::CaseDate;
use crate::output::Out;

pub fn run(diary: &mut Diary, a: CaseDate, out: &Out) -> Result<(), DiaryError> {
    let date = date_arg(&a.next_date)?;
    out.hearing_change(&diary.list_case(&a.case_id, date, a.purpose, a.item)?);
    Ok(())
}
