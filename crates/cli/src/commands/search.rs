//! `nextdate search WORDS…`: cases and clients matching the words.

use nextdate_diary::{Diary, DiaryError};

use crate::output::Out;

pub fn run(diary: &Diary, query: &[String], limit: usize, out: &Out) -> Result<(), DiaryError> {
    out.search(&diary.search(&query.join(" "), limit)?);
    Ok(())
}
