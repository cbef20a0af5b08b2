//! `nextdate board`: the hearings of a day (or several days), grouped by
//! court, in item order.

use nextdate_diary::{Diary, DiaryError};

use super::date_arg;
use crate::output::Out;

pub fn run(diary: &Diary, date: &str, days: u32, out: &Out) -> Result<(), DiaryError> {
    let from = date_arg(date)?;
    if !(1..=366).contains(&days) {
        return Err(DiaryError::OutOfRange("--days must be between 1 and 366".into()));
    }
    let boards = (0..days)
        .map(|i| diary.board(from + chrono::Duration::days(i.into())))
        .collect::<Result<Vec<_>, _>>()?;
    out.boards(&boards);
    Ok(())
}
