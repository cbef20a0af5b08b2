//! Typed errors of the diary core. Every failure a user can cause has its own
//! variant and a stable machine-readable `code`, so the CLI and the desktop app
//! can show `{code, message}` instead of a bare string.

use std::path::PathBuf;

/// Everything that can go wrong in the diary core.
#[derive(Debug, thiserror::Error)]
pub enum DiaryError {
    #[error("no diary in {0}; create one with `nextdate init`")]
    NoDiary(PathBuf),
    #[error("a diary already exists in {0}; refusing to touch it")]
    AlreadyExists(PathBuf),
    #[error("{0} is not a Nextdate diary")]
    NotADiary(PathBuf),
    #[error("the diary's key file {0} is damaged: {1}")]
    DamagedKeyFile(PathBuf, String),
    #[error("the diary database {0} is damaged or does not belong to this key file")]
    DamagedDatabase(PathBuf),
    #[error("the diary database {0} is missing (its key file is still there)")]
    MissingDatabase(PathBuf),
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("wrong recovery key")]
    WrongRecoveryKey,
    #[error("that is not a recovery key (expected groups like ND1-XXXX-…)")]
    MalformedRecoveryKey,
    #[error("this diary is protected by a passphrase; give it with NEXTDATE_PASSPHRASE or at the prompt")]
    PassphraseRequired,
    #[error("the OS keyring has no key for this diary; unlock with the recovery key instead")]
    KeyringEntryMissing,
    #[error("the OS keyring is not available ({0}); use a passphrase diary or the recovery key")]
    KeyringUnavailable(String),
    #[error("the passphrase is too short (at least {0} characters)")]
    WeakPassphrase(usize),
    #[error("this diary was written by a newer Nextdate (schema {found}, this build knows {known}); update Nextdate")]
    NewerSchema { found: i64, known: i64 },
    #[error("invalid date {0:?}: use 2026-11-23, 23-11-2026, today, tomorrow, +3d, +2w or next mon")]
    InvalidDate(String),
    #[error("invalid amount {0:?}: use a positive number with at most two decimals, like 1500.50")]
    InvalidAmount(String),
    #[error("{0} must not be empty")]
    Empty(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("no {kind} with id {id}")]
    UnknownId { kind: &'static str, id: String },
    #[error("case number {number} already exists in {court} (case {existing})")]
    DuplicateCaseNumber {
        number: String,
        court: String,
        existing: String,
    },
    #[error("the next date {next} must be after the hearing date {date}")]
    NextDateNotAfter { date: String, next: String },
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("document error: {0}")]
    Document(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    /// An output (a printed list, an export) could not be produced; a bug, not bad input.
    #[error("could not produce the {0}")]
    Output(String),
}

impl DiaryError {
    /// A stable, machine-readable code for this error (`snake_case`).
    pub fn code(&self) -> &'static str {
        use DiaryError::*;
        match self {
            NoDiary(_) => "no_diary",
            AlreadyExists(_) => "already_exists",
            NotADiary(_) => "not_a_diary",
            DamagedKeyFile(..) => "damaged_key_file",
            DamagedDatabase(_) => "damaged_database",
            MissingDatabase(_) => "missing_database",
            WrongPassphrase => "wrong_passphrase",
            WrongRecoveryKey => "wrong_recovery_key",
            MalformedRecoveryKey => "malformed_recovery_key",
            PassphraseRequired => "passphrase_required",
            KeyringEntryMissing => "keyring_entry_missing",
            KeyringUnavailable(_) => "keyring_unavailable",
            WeakPassphrase(_) => "weak_passphrase",
            NewerSchema { .. } => "newer_schema",
            InvalidDate(_) => "invalid_date",
            InvalidAmount(_) => "invalid_amount",
            Empty(_) => "empty_field",
            Invalid(_) => "invalid_input",
            UnknownId { .. } => "unknown_id",
            DuplicateCaseNumber { .. } => "duplicate_case_number",
            NextDateNotAfter { .. } => "next_date_not_after",
            Database(_) => "database",
            Document(_) => "document",
            Io(_) => "io",
            Output(_) => "output_failed",
        }
    }
}

impl From<automerge::AutomergeError> for DiaryError {
    fn from(e: automerge::AutomergeError) -> Self {
        DiaryError::Document(e.to_string())
    }
}
impl From<autosurgeon::ReconcileError> for DiaryError {
    fn from(e: autosurgeon::ReconcileError) -> Self {
        DiaryError::Document(e.to_string())
    }
}
impl From<autosurgeon::HydrateError> for DiaryError {
    fn from(e: autosurgeon::HydrateError) -> Self {
        DiaryError::Document(e.to_string())
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = DiaryError> = std::result::Result<T, E>;
