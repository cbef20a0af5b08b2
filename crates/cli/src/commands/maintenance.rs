//! Whole-diary upkeep: `nextdate rebuild` (the projection from the documents),
//! `nextdate check` and `nextdate repair` (damage found, and what was fixed),
//! `nextdate demo` (realistic sample cases) and `nextdate delete-everything`.

use nextdate_diary::{Diary, DiaryError};

use super::today;
use crate::output::Out;
use crate::progress_bar::{self, Work};

pub fn rebuild(diary: &mut Diary, out: &Out) -> Result<(), DiaryError> {
    progress_bar::run(|p| diary.rebuild_with_progress(p))?;
    out.ok("projection rebuilt from the documents");
    Ok(())
}

/// Checks the diary (after repairing what can be, with `repair`) and prints
/// what it found; a diary with problems is an error (exit code 1).
pub fn check(diary: &mut Diary, repair: bool, out: &Out) -> Result<(), DiaryError> {
    let report = if repair { diary.repair()? } else { diary.check()? };
    out.checked(&report, repair);
    match report.problems.len() {
        0 => Ok(()),
        n => Err(DiaryError::CheckFailed(n)),
    }
}

/// Re-checks every change's author; an error when some could not be attributed.
pub fn verify(diary: &Diary, out: &Out) -> Result<(), DiaryError> {
    let report = diary.verify_authorship()?;
    out.verified(&report);
    match report.unattributed_count {
        0 => Ok(()),
        n => Err(DiaryError::Unattributed(n)),
    }
}

/// Adds `cases` demo cases, `batch` per transaction, printing each committed
/// batch's ids; Ctrl+C stops between batches (those committed stay).
pub fn demo(diary: &mut Diary, cases: usize, seed: u64, batch: usize, out: &Out) -> Result<(), DiaryError> {
    let work = Work::start();
    let summary = work.run(|p| {
        let committed = |ids: &[String]| work.suspend(|| out.committed(ids));
        nextdate_diary::demo::generate_with_progress(diary, cases, seed, today(), batch, committed, p)
    })?;
    drop(work);
    out.demo(&summary);
    Ok(())
}

/// Deletes the diary and its key once `confirm` is the diary's name (checked first: a typo changes nothing).
pub fn delete_everything(diary: Diary, confirm: &str, out: &Out) -> Result<(), DiaryError> {
    diary.check_delete_confirmation(confirm)?;
    let dir = diary.delete_everything(confirm)?;
    out.ok(&format!("deleted the diary in {} and its key", dir.display()));
    Ok(())
}
