//! `nextdate init`: create a new diary and show its recovery key and backup
//! identity once (and, if asked, write them on a recovery sheet to print).

use std::path::{Path, PathBuf};

use nextdate_diary::{Diary, DiaryError, InitOptions, KeyMode, NewDiary, Protection};
use nextdate_print::Paper;

use crate::failure::Failure;
use crate::output::Out;
use crate::unlocking::read_secret;

pub fn run(
    dir: &Path,
    passphrase: bool,
    name: String,
    advocate: Option<String>,
    sheet: Option<PathBuf>,
    out: &Out,
) -> Result<(), Failure> {
    if let Some(path) = &sheet {
        if path.exists() {
            return Err(DiaryError::AlreadyExists(path.clone()).into());
        }
    }
    let (protection, mode) = if passphrase {
        (
            Protection::Passphrase(read_secret("NEXTDATE_PASSPHRASE", "New passphrase: ", true)?),
            KeyMode::Passphrase,
        )
    } else {
        (Protection::Keyring, KeyMode::Keyring)
    };
    let NewDiary {
        diary,
        recovery_key,
        backup_identity,
    } = Diary::init(
        dir,
        InitOptions {
            name,
            advocate,
            protection,
        },
    )?;
    // The diary exists now: show the secrets even if the sheet cannot be written.
    let written = sheet
        .as_deref()
        .map(|path| super::backup::write_sheet(&diary, &recovery_key, &backup_identity, path, Paper::A4));
    out.init(dir, mode, &recovery_key, &backup_identity, sheet.as_deref());
    if let Some(result) = written {
        result?;
    }
    Ok(())
}
