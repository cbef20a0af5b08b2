//! Finding and unlocking the diary: the folder (`--diary` or the OS default),
//! secrets from the environment or a prompt, and how to unlock (recovery key,
//! keyring or passphrase, as the diary's key file says).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use nextdate_diary::{Diary, DiaryError, KeyMode, Unlock, Zeroizing};

/// The diary folder: `--diary DIR`, or the OS data folder ([`Diary::default_dir`]).
pub fn diary_dir(cli_dir: &Option<PathBuf>) -> Result<PathBuf, DiaryError> {
    cli_dir
        .clone()
        .or_else(Diary::default_dir)
        .ok_or_else(|| DiaryError::BadPath("no data folder on this system; pass --diary DIR".into()))
}

/// A secret from the environment variable `env`, or typed at a prompt (twice with `confirm`).
pub fn read_secret(env: &str, prompt: &str, confirm: bool) -> Result<Zeroizing<String>, DiaryError> {
    if let Ok(v) = std::env::var(env) {
        return Ok(Zeroizing::new(v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(DiaryError::PassphraseRequired);
    }
    let first = Zeroizing::new(rpassword::prompt_password(prompt)?);
    if confirm {
        let again = Zeroizing::new(rpassword::prompt_password("Repeat it: ")?);
        if *again != *first {
            return Err(DiaryError::PassphrasesDiffer);
        }
    }
    Ok(first)
}

/// How to unlock the diary in `dir`: the recovery key if given, else as its key is kept.
pub fn unlock_for(dir: &Path, recovery: &Option<String>) -> Result<Unlock, DiaryError> {
    if let Some(rk) = recovery {
        return Ok(Unlock::RecoveryKey(Zeroizing::new(rk.clone())));
    }
    Ok(match Diary::key_mode(dir)? {
        KeyMode::Keyring => Unlock::Keyring,
        KeyMode::Passphrase => Unlock::Passphrase(read_secret("NEXTDATE_PASSPHRASE", "Passphrase: ", false)?),
    })
}
