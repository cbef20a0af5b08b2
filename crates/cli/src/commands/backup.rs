//! `nextdate backup` and `nextdate restore`: the whole diary to and from an
//! encrypted (age) backup file.

use std::path::Path;

use nextdate_diary::{Diary, DiaryError, InitOptions, Protection};

use crate::output::Out;
use crate::unlocking::read_secret;

pub fn backup(diary: &Diary, output: &Path, out: &Out) -> Result<(), DiaryError> {
    let pass = read_secret("NEXTDATE_BACKUP_PASSPHRASE", "Backup passphrase: ", true)?;
    let s = diary.backup(output, &pass)?;
    out.ok(&format!(
        "backed up {} documents and {} attachments to {} ({} bytes, age-encrypted)",
        s.docs,
        s.blobs,
        output.display(),
        s.bytes
    ));
    Ok(())
}

/// Restores `file` into `dir` as a new diary; with `replace` an existing one is moved aside.
pub fn restore(dir: &Path, file: &Path, passphrase: bool, replace: bool, out: &Out) -> Result<(), DiaryError> {
    let backup_pass = read_secret("NEXTDATE_BACKUP_PASSPHRASE", "Backup passphrase: ", false)?;
    let protection = if passphrase {
        Protection::Passphrase(read_secret(
            "NEXTDATE_PASSPHRASE",
            "New passphrase for the restored diary: ",
            true,
        )?)
    } else {
        Protection::Keyring
    };
    let opts = InitOptions {
        name: "Restored diary".into(),
        advocate: None,
        protection,
    };
    let restored = Diary::restore(file, &backup_pass, dir, opts, replace)?;
    out.restored(dir, &restored);
    Ok(())
}
