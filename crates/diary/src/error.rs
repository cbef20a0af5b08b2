//! Typed errors of the diary core. Every failure a user can cause has its own
//! variant and a stable machine-readable [`ErrorCode`], so the CLI and the
//! desktop app can show `{code, message}` instead of a bare string.

use std::path::PathBuf;

pub use crate::error_code::ErrorCode;

/// Everything that can go wrong in the diary core.
#[derive(Debug, thiserror::Error)]
pub enum DiaryError {
    #[error("no diary in {0}; create one with `nextdate init`")]
    NoDiary(PathBuf),
    #[error("a diary already exists in {0}; refusing to touch it")]
    AlreadyExists(PathBuf),
    /// An output file or folder that is already there: nothing was written.
    #[error("{} already exists; nothing was written (choose another name)", .0.display())]
    FileExists(PathBuf),
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
    #[error("the diary is locked")]
    Locked,
    #[error("to delete everything, type the diary's name exactly: {expected:?}")]
    ConfirmationMismatch { expected: String },
    /// A number or a span outside what is allowed; the message says the limits.
    #[error("{0}")]
    OutOfRange(String),
    #[error("invalid email address {0:?}")]
    InvalidEmail(String),
    #[error("invalid time {input:?}: use {hint}")]
    InvalidTime { input: String, hint: &'static str },
    #[error("invalid currency code {0:?}: use a code like INR")]
    InvalidCurrency(String),
    /// A word that is not one of the allowed values; the message names them.
    #[error("{0}")]
    UnknownValue(String),
    #[error("case {number} is {status}; reopen it (status pending) first")]
    NotPending { number: String, status: String },
    #[error("task \u{201c}{0}\u{201d} is already done")]
    AlreadyDone(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    DuplicateId(String),
    #[error("{0}")]
    NextDateRequired(String),
    #[error("{0:?} is not a chamber id")]
    BadChamberId(String),
    #[error("not a readable Nextdate backup: {0}")]
    BadBackup(String),
    #[error("{} is not empty", .0.display())]
    FolderNotEmpty(PathBuf),
    /// A path that cannot be used for what was asked; the message says why.
    #[error("{0}")]
    BadPath(String),
    #[error("this diary keeps its key in the OS keyring and has no passphrase")]
    NoPassphrase,
    #[error("the two passphrases differ")]
    PassphrasesDiffer,
    #[error("{0}")]
    AmbiguousMember(String),
    #[error("party {0:?} should be \"NAME:SIDE\", e.g. \"Rajesh Sharma:petitioner\"")]
    BadParty(String),
    #[error("{count} bad row{} in the CSV; nothing was imported", plural_s(.count))]
    ImportRefused { count: usize },
    #[error("no CSV files to import")]
    NothingToImport,
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
    #[error("nothing to change: give at least one field of the {0} to correct")]
    NothingToChange(&'static str),
    #[error("the {kind} {id} was already removed")]
    AlreadyRemoved { kind: &'static str, id: String },
    #[error("the {kind} {id} belongs to another case, not {case}")]
    WrongCase {
        kind: &'static str,
        id: String,
        case: String,
    },
    /// A status change that makes no sense (disposing a disposed case); the message says why.
    #[error("{0}")]
    BadStatusChange(String),
    #[error("client {name} is named in {}; detach them from {} first", plural_cases(.cases), if .cases.len() == 1 { "it" } else { "them" })]
    ClientInUse { name: String, cases: Vec<String> },
    #[error("case {number} is already listed on {date}; correct that hearing instead")]
    AlreadyListed { number: String, date: String },
    #[error("that fee entry was already voided ({0})")]
    AlreadyVoided(String),
    #[error("nothing to undo: this device has made no change that is not undone yet")]
    NothingToUndo,
    #[error("the check found {0} problem(s) in this diary (listed above)")]
    CheckFailed(usize),
    #[error("{0} change(s) in this diary could not be attributed to a laptop the chamber lists (listed above)")]
    Unattributed(u32),
    #[error("client {0}'s personal data was already erased")]
    AlreadyErased(String),
    #[error("to erase this client's data, confirm with their name exactly as the diary has it ({name:?}); {given:?} is not it")]
    ErasureNotConfirmed { name: String, given: String },
    /// The chamber role of this laptop's member does not allow the change.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    #[error("database error: {0}")]
    Database(rusqlite::Error),
    #[error("document error: {0}")]
    Document(String),
    #[error("file error: {0}")]
    Io(std::io::Error),
    /// An output (a printed list, an export) could not be produced; a bug, not bad input.
    #[error("could not produce the {0}")]
    Output(String),
    // Backups and the recovery sheet.
    #[error("that is not a backup identity (expected the AGE-SECRET-KEY-1… line from the recovery sheet)")]
    MalformedBackupIdentity,
    #[error("this backup was not made for that backup identity (is it the recovery sheet of another diary, or an older sheet?)")]
    WrongBackupIdentity,
    #[error("this is an automatic backup: open it with the backup identity from the recovery sheet (AGE-SECRET-KEY-1…), not a passphrase")]
    BackupNeedsIdentity,
    #[error("this backup is protected by a passphrase, not by the recovery sheet's backup identity")]
    BackupNeedsPassphrase,
    #[error("automatic backups are not set up: pick a backup folder first")]
    NoBackupFolder,
    #[error("this diary has no backup key yet: make a recovery sheet first (it creates one)")]
    NoBackupKey,
    #[error("the backup folder {} is not there (is the drive plugged in?); no backup was written", .0.display())]
    BackupFolderMissing(PathBuf),
    #[error("the disk is full: nothing was saved; free some space and try again")]
    DiskFull,
    #[error("upgrading the diary failed at step {step} ({why}); the diary was left exactly as it was")]
    UpgradeFailed { step: String, why: String },
    // Records (tasks, notes, fees, documents): a voided fee entry is not corrected.
    #[error("the fee of {amount} was voided ({reason}); a voided entry cannot be corrected: add a new entry instead")]
    FeeVoided { amount: String, reason: String },
    // Accounts (see `crate::accounts`).
    #[error("a receipt is only for a payment received; this entry is {0}")]
    NotAPayment(String),
    #[error("invalid duration {0:?}: give whole minutes from 1 to 1440, like 90, or hours and minutes like 1h30m")]
    InvalidDuration(String),
    #[error("{0}")]
    CurrencyMismatch(String),
    #[error("a timer is already running for case {case} (since {since}); stop it first")]
    TimerRunning { case: String, since: String },
    #[error("no timer is running on this laptop")]
    NoTimer,
    #[error("{0}")]
    EmptyPeriod(String),
    // Long work stopped by the user (see `crate::progress`).
    #[error("cancelled: nothing was changed")]
    Cancelled,
    /// Cancelled after whole steps were done and kept; the message says which.
    #[error("cancelled: {0}")]
    CancelledAfter(String),
}

impl DiaryError {
    /// The stable, machine-readable code for this error.
    pub fn code(&self) -> ErrorCode {
        use DiaryError::*;
        match self {
            NoDiary(_) => ErrorCode::NoDiary,
            AlreadyExists(_) | FileExists(_) => ErrorCode::AlreadyExists,
            NotADiary(_) => ErrorCode::NotADiary,
            DamagedKeyFile(..) => ErrorCode::DamagedKeyFile,
            DamagedDatabase(_) => ErrorCode::DamagedDatabase,
            MissingDatabase(_) => ErrorCode::MissingDatabase,
            WrongPassphrase => ErrorCode::WrongPassphrase,
            WrongRecoveryKey => ErrorCode::WrongRecoveryKey,
            MalformedRecoveryKey => ErrorCode::MalformedRecoveryKey,
            PassphraseRequired => ErrorCode::PassphraseRequired,
            KeyringEntryMissing => ErrorCode::KeyringEntryMissing,
            KeyringUnavailable(_) => ErrorCode::KeyringUnavailable,
            WeakPassphrase(_) => ErrorCode::WeakPassphrase,
            NewerSchema { .. } => ErrorCode::NewerSchema,
            InvalidDate(_) => ErrorCode::InvalidDate,
            InvalidAmount(_) => ErrorCode::InvalidAmount,
            Empty(_) => ErrorCode::EmptyField,
            Locked => ErrorCode::Locked,
            ConfirmationMismatch { .. } => ErrorCode::ConfirmationMismatch,
            OutOfRange(_) => ErrorCode::OutOfRange,
            InvalidEmail(_) => ErrorCode::InvalidEmail,
            InvalidTime { .. } => ErrorCode::InvalidTime,
            InvalidCurrency(_) => ErrorCode::InvalidCurrency,
            UnknownValue(_) => ErrorCode::UnknownValue,
            NotPending { .. } => ErrorCode::NotPending,
            AlreadyDone(_) => ErrorCode::AlreadyDone,
            TooLarge(_) => ErrorCode::TooLarge,
            DuplicateId(_) => ErrorCode::DuplicateId,
            NextDateRequired(_) => ErrorCode::NextDateRequired,
            BadChamberId(_) => ErrorCode::BadChamberId,
            BadBackup(_) => ErrorCode::BadBackup,
            FolderNotEmpty(_) => ErrorCode::FolderNotEmpty,
            BadPath(_) => ErrorCode::BadPath,
            NoPassphrase => ErrorCode::NoPassphrase,
            PassphrasesDiffer => ErrorCode::PassphrasesDiffer,
            AmbiguousMember(_) => ErrorCode::AmbiguousMember,
            BadParty(_) => ErrorCode::BadParty,
            ImportRefused { .. } => ErrorCode::ImportRefused,
            NothingToImport => ErrorCode::NothingToImport,
            UnknownId { .. } => ErrorCode::UnknownId,
            DuplicateCaseNumber { .. } => ErrorCode::DuplicateCaseNumber,
            NextDateNotAfter { .. } => ErrorCode::NextDateNotAfter,
            NothingToChange(_) => ErrorCode::NothingToChange,
            AlreadyRemoved { .. } => ErrorCode::AlreadyRemoved,
            WrongCase { .. } => ErrorCode::WrongCase,
            BadStatusChange(_) => ErrorCode::BadStatusChange,
            ClientInUse { .. } => ErrorCode::ClientInUse,
            AlreadyListed { .. } => ErrorCode::AlreadyListed,
            AlreadyVoided(_) => ErrorCode::AlreadyVoided,
            NothingToUndo => ErrorCode::NothingToUndo,
            AlreadyErased(_) => ErrorCode::AlreadyErased,
            NotAllowed(_) => ErrorCode::NotAllowed,
            CheckFailed(_) => ErrorCode::DamagedDatabase,
            Unattributed(_) => ErrorCode::UnattributedChanges,
            ErasureNotConfirmed { .. } => ErrorCode::ErasureNotConfirmed,
            Database(_) => ErrorCode::Database,
            Document(_) => ErrorCode::Document,
            Io(_) => ErrorCode::Io,
            Output(_) => ErrorCode::OutputFailed,
            FeeVoided { .. } => ErrorCode::FeeVoided,
            MalformedBackupIdentity => ErrorCode::MalformedBackupIdentity,
            WrongBackupIdentity => ErrorCode::WrongBackupIdentity,
            BackupNeedsIdentity => ErrorCode::BackupNeedsIdentity,
            BackupNeedsPassphrase => ErrorCode::BackupNeedsPassphrase,
            NoBackupFolder => ErrorCode::NoBackupFolder,
            NoBackupKey => ErrorCode::NoBackupKey,
            BackupFolderMissing(_) => ErrorCode::BackupFolderMissing,
            DiskFull => ErrorCode::DiskFull,
            UpgradeFailed { .. } => ErrorCode::UpgradeFailed,
            NotAPayment(_) => ErrorCode::NotAPayment,
            InvalidDuration(_) => ErrorCode::InvalidDuration,
            CurrencyMismatch(_) => ErrorCode::CurrencyMismatch,
            TimerRunning { .. } => ErrorCode::TimerRunning,
            NoTimer => ErrorCode::NoTimer,
            EmptyPeriod(_) => ErrorCode::EmptyPeriod,
            Cancelled | CancelledAfter(_) => ErrorCode::Cancelled,
        }
    }
}

/// A full disk is its own error, whichever layer noticed it: SQLite
/// (`SQLITE_FULL`, after which the transaction is rolled back) or a file write.
impl From<rusqlite::Error> for DiaryError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => DiaryError::DiskFull,
            _ => DiaryError::Database(e),
        }
    }
}

impl From<std::io::Error> for DiaryError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::StorageFull {
            DiaryError::DiskFull
        } else {
            DiaryError::Io(e)
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

fn plural_cases(cases: &[String]) -> String {
    match cases {
        [one] => format!("case {one}"),
        many => format!("cases {}", many.join(", ")),
    }
}

fn plural_s(n: &usize) -> &'static str {
    if *n == 1 {
        ""
    } else {
        "s"
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = DiaryError> = std::result::Result<T, E>;
