//! `nextdate client-update`: the update message for a case or a client, and
//! the same as a one-page status report.

use nextdate_diary::client_update::UpdateOptions;
use nextdate_diary::{Diary, DiaryError};

use super::today;
use crate::args::ClientUpdateArgs;
use crate::failure::Failure;
use crate::output::Out;

pub fn run(diary: &Diary, args: ClientUpdateArgs, out: &Out) -> Result<(), Failure> {
    let ClientUpdateArgs {
        id,
        lang,
        with_outcome,
        pdf,
        png,
        paper,
    } = args;
    if let Some(path) = &pdf {
        if path.exists() {
            return Err(DiaryError::FileExists(path.clone()).into());
        }
    }
    let opts = UpdateOptions {
        language: lang,
        with_outcome,
    };
    let update = diary.client_update(&id, &opts, today())?;
    if let Some(path) = &pdf {
        let printed = nextdate_print::status_report::status_report(&update, paper).map_err(Failure::Print)?;
        let bytes = printed.pdf().map_err(Failure::Print)?;
        nextdate_diary::atomic_file::write_file(path, &bytes, false)?;
        if let Some(png_path) = &png {
            let image = printed.png(110.0).map_err(Failure::Print)?;
            nextdate_diary::atomic_file::write_file(png_path, &image, true)?;
        }
    }
    out.client_update(&update, pdf.as_deref());
    Ok(())
}
