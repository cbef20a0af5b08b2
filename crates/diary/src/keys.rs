//! The database key and how it is kept.
//!
//! Each diary has a random 256-bit SQLCipher key. It is kept in the OS keyring
//! (Secret Service, Keychain, Credential Manager) by default, or wrapped with a
//! passphrase through Argon2id. Either way it is also wrapped with a recovery key
//! shown once at setup. Wrapping uses XChaCha20-Poly1305, so a wrong passphrase or
//! recovery key is detected before the database is touched. The wrapped keys live
//! in `nextdate-key.json` beside the database; the file never holds the key itself.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::{BASE32_NOPAD, HEXLOWER};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{DiaryError, Result};

/// Name of the key file inside a diary folder.
pub const KEY_FILE: &str = "nextdate-key.json";
const FORMAT: &str = "nextdate-key/1";
const KEYRING_SERVICE: &str = "nextdate";
/// Shortest passphrase accepted.
pub const MIN_PASSPHRASE: usize = 8;

/// The raw SQLCipher key. Zeroed when dropped.
#[derive(Clone)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

impl DbKey {
    pub fn random() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        DbKey(k)
    }
    pub fn from_bytes(b: [u8; 32]) -> Self {
        DbKey(Zeroizing::new(b))
    }
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// The key as SQLCipher's raw-key literal, `x'…'`.
    pub fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", HEXLOWER.encode(self.0.as_ref())))
    }
}

/// How a new diary's key is protected.
pub enum Protection {
    Keyring,
    Passphrase(Zeroizing<String>),
}

/// How an existing diary is unlocked.
pub enum Unlock {
    /// The OS keyring (keyring diaries) — fails for passphrase diaries.
    Keyring,
    Passphrase(Zeroizing<String>),
    RecoveryKey(Zeroizing<String>),
}

/// `keyring` or `passphrase`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyMode {
    Keyring,
    Passphrase,
}

impl KeyMode {
    /// `keyring` or `passphrase`, as the CLI and the app name it.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyMode::Keyring => "keyring",
            KeyMode::Passphrase => "passphrase",
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Wrapped {
    nonce: String,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    algorithm: String,
    salt: String,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
}

#[derive(Serialize, Deserialize)]
struct PassphraseWrap {
    kdf: Kdf,
    key: Wrapped,
}

/// Contents of `nextdate-key.json`.
/// A new diary's key file and the recovery key to show once.
pub struct CreatedKeyFile {
    pub key_file: KeyFile,
    pub recovery_key: Zeroizing<String>,
}

#[derive(Serialize, Deserialize)]
pub struct KeyFile {
    format: String,
    pub diary_id: String,
    pub mode: KeyMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    passphrase: Option<PassphraseWrap>,
    recovery: Wrapped,
}

impl KeyFile {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(KEY_FILE)
    }

    /// Reads and checks the key file of the diary in `dir`.
    pub fn read(dir: &Path) -> Result<KeyFile> {
        let path = Self::path(dir);
        let bytes = fs::read(&path)?;
        let kf: KeyFile =
            serde_json::from_slice(&bytes).map_err(|e| DiaryError::DamagedKeyFile(path.clone(), e.to_string()))?;
        if kf.format != FORMAT {
            return Err(DiaryError::DamagedKeyFile(
                path,
                format!("unknown format {:?}", kf.format),
            ));
        }
        if kf.mode == KeyMode::Passphrase && kf.passphrase.is_none() {
            return Err(DiaryError::DamagedKeyFile(
                path,
                "passphrase diary without a wrapped key".into(),
            ));
        }
        Ok(kf)
    }

    /// Writes the key file atomically (temporary file, fsync, rename).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self).expect("key file serializes");
        atomic_write(&Self::path(dir), &json)
    }

    /// Creates the key file for a new diary: wraps `key` for the recovery key and,
    /// in passphrase mode, for the passphrase; in keyring mode stores it in the keyring.
    /// Returns the key file and the recovery key text to show once.
    pub fn create(diary_id: &str, key: &DbKey, protection: &Protection) -> Result<CreatedKeyFile> {
        let mut recovery = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(recovery.as_mut());
        let recovery_wrap = seal(&recovery, diary_id, "recovery", key.bytes())?;
        let (mode, passphrase) = match protection {
            Protection::Keyring => {
                keyring_store(diary_id, key)?;
                (KeyMode::Keyring, None)
            }
            Protection::Passphrase(p) => (KeyMode::Passphrase, Some(wrap_with_passphrase(diary_id, p, key)?)),
        };
        let kf = KeyFile {
            format: FORMAT.into(),
            diary_id: diary_id.into(),
            mode,
            passphrase,
            recovery: recovery_wrap,
        };
        Ok(CreatedKeyFile {
            key_file: kf,
            recovery_key: format_recovery_key(&recovery),
        })
    }

    /// Recovers the database key.
    pub fn unlock(&self, how: &Unlock) -> Result<DbKey> {
        match how {
            Unlock::RecoveryKey(text) => {
                let rk = parse_recovery_key(text)?;
                open(&rk, &self.diary_id, "recovery", &self.recovery).map_err(|_| DiaryError::WrongRecoveryKey)
            }
            Unlock::Passphrase(p) => {
                let Some(pw) = &self.passphrase else {
                    // A keyring diary does not take a passphrase; do not pretend it was wrong.
                    return Err(DiaryError::NoPassphrase);
                };
                let kek = derive(p, &pw.kdf)?;
                open(&kek, &self.diary_id, "passphrase", &pw.key).map_err(|_| DiaryError::WrongPassphrase)
            }
            Unlock::Keyring => match self.mode {
                KeyMode::Passphrase => Err(DiaryError::PassphraseRequired),
                KeyMode::Keyring => keyring_load(&self.diary_id),
            },
        }
    }

    /// Replaces the recovery key with a new one (the old one stops opening the
    /// diary once the key file is written). Returns the new key to show once.
    pub fn renew_recovery(&mut self, dir: &Path, key: &DbKey) -> Result<Zeroizing<String>> {
        let mut recovery = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(recovery.as_mut());
        self.recovery = seal(&recovery, &self.diary_id, "recovery", key.bytes())?;
        self.write(dir)?;
        Ok(format_recovery_key(&recovery))
    }

    /// Switches protection to `protection`, keeping the same database key and recovery key.
    /// In keyring mode the key is stored in the keyring first; leaving keyring mode
    /// removes the keyring entry only after the new key file is safely written.
    pub fn reprotect(&mut self, dir: &Path, key: &DbKey, protection: &Protection) -> Result<()> {
        let was_keyring = self.mode == KeyMode::Keyring;
        match protection {
            Protection::Keyring => {
                keyring_store(&self.diary_id, key)?;
                self.mode = KeyMode::Keyring;
                self.passphrase = None;
            }
            Protection::Passphrase(p) => {
                self.passphrase = Some(wrap_with_passphrase(&self.diary_id, p, key)?);
                self.mode = KeyMode::Passphrase;
            }
        }
        self.write(dir)?;
        if was_keyring && self.mode == KeyMode::Passphrase {
            keyring_delete(&self.diary_id)?;
        }
        Ok(())
    }
}

fn wrap_with_passphrase(diary_id: &str, passphrase: &str, key: &DbKey) -> Result<PassphraseWrap> {
    if passphrase.chars().count() < MIN_PASSPHRASE {
        return Err(DiaryError::WeakPassphrase(MIN_PASSPHRASE));
    }
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let kdf = Kdf {
        algorithm: "argon2id".into(),
        salt: HEXLOWER.encode(&salt),
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 1,
    };
    let kek = derive(passphrase, &kdf)?;
    Ok(PassphraseWrap {
        key: seal(&kek, diary_id, "passphrase", key.bytes())?,
        kdf,
    })
}

fn derive(passphrase: &str, kdf: &Kdf) -> Result<Zeroizing<[u8; 32]>> {
    let damaged = |m: &str| DiaryError::DamagedKeyFile(PathBuf::from(KEY_FILE), m.to_string());
    if kdf.algorithm != "argon2id" {
        return Err(damaged("unknown key derivation"));
    }
    // Bounds keep a tampered key file from asking for absurd memory or time.
    if !(8 * 1024..=4 * 1024 * 1024).contains(&kdf.m_cost_kib)
        || !(1..=64).contains(&kdf.t_cost)
        || !(1..=16).contains(&kdf.p_cost)
    {
        return Err(damaged("key derivation parameters out of range"));
    }
    let salt = HEXLOWER.decode(kdf.salt.as_bytes()).map_err(|_| damaged("bad salt"))?;
    let params = Params::new(kdf.m_cost_kib, kdf.t_cost, kdf.p_cost, Some(32)).map_err(|e| damaged(&e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), &salt, out.as_mut())
        .map_err(|e| damaged(&e.to_string()))?;
    Ok(out)
}

fn aad(diary_id: &str, purpose: &str) -> Vec<u8> {
    format!("{FORMAT}|{diary_id}|{purpose}").into_bytes()
}

fn seal(kek: &[u8; 32], diary_id: &str, purpose: &str, key: &[u8; 32]) -> Result<Wrapped> {
    let cipher = XChaCha20Poly1305::new(kek.into());
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ct = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key,
                aad: &aad(diary_id, purpose),
            },
        )
        .map_err(|_| DiaryError::Document("key wrapping failed".into()))?;
    Ok(Wrapped {
        nonce: HEXLOWER.encode(&nonce),
        ciphertext: HEXLOWER.encode(&ct),
    })
}

/// Unwraps; any failure (bad hex, wrong length, authentication) is `Err(())`.
fn open(kek: &[u8; 32], diary_id: &str, purpose: &str, w: &Wrapped) -> std::result::Result<DbKey, ()> {
    let nonce = HEXLOWER.decode(w.nonce.as_bytes()).map_err(|_| ())?;
    let ct = HEXLOWER.decode(w.ciphertext.as_bytes()).map_err(|_| ())?;
    if nonce.len() != 24 {
        return Err(());
    }
    let cipher = XChaCha20Poly1305::new(kek.into());
    let pt = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &ct,
                    aad: &aad(diary_id, purpose),
                },
            )
            .map_err(|_| ())?,
    );
    let arr: [u8; 32] = pt.as_slice().try_into().map_err(|_| ())?;
    Ok(DbKey::from_bytes(arr))
}

/// `ND1-XXXX-XXXX-…`: 32 random bytes in base32, in groups of four.
fn format_recovery_key(bytes: &[u8; 32]) -> Zeroizing<String> {
    let b32 = Zeroizing::new(BASE32_NOPAD.encode(bytes));
    let groups: Vec<&str> = b32
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    Zeroizing::new(format!("ND1-{}", groups.join("-")))
}

fn parse_recovery_key(text: &str) -> Result<Zeroizing<[u8; 32]>> {
    let t = text.trim().to_uppercase();
    let body = t
        .strip_prefix("ND1-")
        .or_else(|| t.strip_prefix("ND1"))
        .ok_or(DiaryError::MalformedRecoveryKey)?;
    let clean: Zeroizing<String> = Zeroizing::new(body.chars().filter(|c| !matches!(c, '-' | ' ')).collect());
    let raw = Zeroizing::new(
        BASE32_NOPAD
            .decode(clean.as_bytes())
            .map_err(|_| DiaryError::MalformedRecoveryKey)?,
    );
    let arr: [u8; 32] = raw
        .as_slice()
        .try_into()
        .map_err(|_| DiaryError::MalformedRecoveryKey)?;
    Ok(Zeroizing::new(arr))
}

fn keyring_entry(diary_id: &str) -> Result<keyring::Entry> {
    keyring::Entry::new(KEYRING_SERVICE, &format!("diary-{diary_id}")).map_err(keyring_error)
}

fn keyring_error(e: keyring::Error) -> DiaryError {
    match e {
        keyring::Error::NoEntry => DiaryError::KeyringEntryMissing,
        other => DiaryError::KeyringUnavailable(other.to_string()),
    }
}

fn keyring_store(diary_id: &str, key: &DbKey) -> Result<()> {
    let hex = Zeroizing::new(HEXLOWER.encode(key.bytes()));
    keyring_entry(diary_id)?.set_password(&hex).map_err(keyring_error)?;
    // Read it back: some stores accept a write they cannot keep.
    let back = keyring_load(diary_id)?;
    if back.bytes() != key.bytes() {
        return Err(DiaryError::KeyringUnavailable(
            "the keyring did not keep the key".into(),
        ));
    }
    Ok(())
}

fn keyring_load(diary_id: &str) -> Result<DbKey> {
    let hex = Zeroizing::new(keyring_entry(diary_id)?.get_password().map_err(keyring_error)?);
    let raw = Zeroizing::new(
        HEXLOWER
            .decode(hex.as_bytes())
            .map_err(|_| DiaryError::KeyringUnavailable("the keyring entry is not a Nextdate key".into()))?,
    );
    let arr: [u8; 32] = raw
        .as_slice()
        .try_into()
        .map_err(|_| DiaryError::KeyringUnavailable("the keyring entry is not a Nextdate key".into()))?;
    Ok(DbKey::from_bytes(arr))
}

/// Removes this diary's key from the OS keyring (missing entries are fine).
pub fn keyring_delete(diary_id: &str) -> Result<()> {
    match keyring_entry(diary_id)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error(e)),
    }
}

/// Writes `bytes` to `path` so that readers see either the old or the new file.
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file")
    ));
    {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    fs::rename(&tmp, path)?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_key_round_trips_and_rejects_garbage() {
        let bytes = [7u8; 32];
        let text = format_recovery_key(&bytes);
        assert!(text.starts_with("ND1-"));
        assert_eq!(*parse_recovery_key(&text).unwrap(), bytes);
        assert_eq!(*parse_recovery_key(&text.to_lowercase()).unwrap(), bytes);
        assert_eq!(
            parse_recovery_key("ND1-ABCD").unwrap_err().code(),
            "malformed_recovery_key"
        );
        assert_eq!(
            parse_recovery_key("hello").unwrap_err().code(),
            "malformed_recovery_key"
        );
    }

    #[test]
    fn passphrase_wrap_detects_wrong_passphrase() {
        let key = DbKey::random();
        let CreatedKeyFile {
            key_file: kf,
            recovery_key: rk,
        } = KeyFile::create(
            "01TEST",
            &key,
            &Protection::Passphrase(Zeroizing::new("correct horse".into())),
        )
        .unwrap();
        let got = kf
            .unlock(&Unlock::Passphrase(Zeroizing::new("correct horse".into())))
            .unwrap();
        assert_eq!(got.bytes(), key.bytes());
        assert_eq!(
            kf.unlock(&Unlock::Passphrase(Zeroizing::new("wrong horse".into())))
                .unwrap_err()
                .code(),
            "wrong_passphrase"
        );
        assert_eq!(
            kf.unlock(&Unlock::RecoveryKey(rk.clone())).unwrap().bytes(),
            key.bytes()
        );
        let other = format_recovery_key(&[1u8; 32]);
        assert_eq!(
            kf.unlock(&Unlock::RecoveryKey(other)).unwrap_err().code(),
            "wrong_recovery_key"
        );
        assert_eq!(kf.unlock(&Unlock::Keyring).unwrap_err().code(), "passphrase_required");
    }

    #[test]
    fn short_passphrase_is_refused() {
        let err = KeyFile::create(
            "01TEST",
            &DbKey::random(),
            &Protection::Passphrase(Zeroizing::new("short".into())),
        );
        assert_eq!(err.err().unwrap().code(), "weak_passphrase");
    }
}
