//! `nextdate import csv`: records from CSV files, all or nothing, or checked
//! only with `--dry-run`.

use nextdate_diary::import::ImportMode;
use nextdate_diary::{Diary, DiaryError};

use crate::args::ImportCmd;
use crate::output::Out;
use crate::progress_bar;

pub fn run(diary: &mut Diary, cmd: ImportCmd, out: &Out) -> Result<(), DiaryError> {
    let ImportCmd::Csv { paths, dry_run } = cmd;
    let mode = if dry_run { ImportMode::DryRun } else { ImportMode::Apply };
    let report = progress_bar::run(|p| diary.import_csv_with_progress(&paths, mode, p))?;
    out.imported(&report);
    if !report.errors.is_empty() {
        return Err(DiaryError::ImportRefused {
            count: report.errors.len(),
        });
    }
    Ok(())
}
