//! `nextdate key …`: how the diary key is kept (status), and moving it to a
//! new passphrase or to the OS keyring.

use std::path::Path;

use nextdate_diary::{Diary, DiaryError, Protection, Unlock};
use serde_json::json;

use crate::args::KeyCmd;
use crate::output::Out;
use crate::unlocking::read_secret;

/// `key status`: answered from the key file, without unlocking.
pub fn status(dir: &Path, out: &Out) -> Result<(), DiaryError> {
    let m = Diary::key_mode(dir)?.as_str();
    if out.json {
        println!("{}", json!({ "diary": dir, "mode": m }));
    } else {
        println!("diary: {}\nkey kept in: {m}", dir.display());
    }
    Ok(())
}

/// `key passphrase` and `key keyring`, proving the way the diary was unlocked.
pub fn run(diary: &mut Diary, unlock: &Unlock, cmd: KeyCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        KeyCmd::Status => unreachable!("handled before unlocking"),
        KeyCmd::Passphrase => {
            let new = read_secret("NEXTDATE_NEW_PASSPHRASE", "New passphrase: ", true)?;
            diary.reprotect(unlock, Protection::Passphrase(new))?;
            out.ok("the diary key is now protected by the new passphrase");
        }
        KeyCmd::Keyring => {
            diary.reprotect(unlock, Protection::Keyring)?;
            out.ok("the diary key is now kept in the OS keyring");
        }
    }
    Ok(())
}
