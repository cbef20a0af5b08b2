//! `nextdate init`: create a new diary and show its recovery key once.

use std::path::Path;

use nextdate_diary::{Diary, DiaryError, InitOptions, KeyMode, NewDiary, Protection};

use crate::output::Out;
use crate::unlocking::read_secret;

pub fn run(dir: &Path, passphrase: bool, name: String, advocate: Option<String>, out: &Out) -> Result<(), DiaryError> {
    let (protection, mode) = if passphrase {
        (
            Protection::Passphrase(read_secret("NEXTDATE_PASSPHRASE", "New passphrase: ", true)?),
            KeyMode::Passphrase,
        )
    } else {
        (Protection::Keyring, KeyMode::Keyring)
    };
    let NewDiary { recovery_key, .. } = Diary::init(
        dir,
        InitOptions {
            name,
            advocate,
            protection,
        },
    )?;
    out.init(dir, mode, &recovery_key);
    Ok(())
}
