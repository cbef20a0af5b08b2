//! The one list of error codes: every error Nextdate reports, from the diary,
//! sync, printing or reminders, carries one of these. The CLI prints it with
//! `--json`, the app sends it to the window (the generated TypeScript bindings
//! hold the same list), and the UI switches on it. The text form
//! (`snake_case`) is stable: scripts and the UI depend on it.

use serde::Serialize;

macro_rules! error_codes {
    ($($variant:ident => $text:literal,)*) => {
        /// A stable, machine-readable error code (`snake_case` on the wire).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[cfg_attr(feature = "specta", derive(specta::Type))]
        pub enum ErrorCode {
            $(#[serde(rename = $text)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code's stable text, as the CLI and the UI see it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                }
            }
        }
    };
}

error_codes! {
    // The diary: opening, keys and schema.
    NoDiary => "no_diary",
    AlreadyExists => "already_exists",
    NotADiary => "not_a_diary",
    DamagedKeyFile => "damaged_key_file",
    DamagedDatabase => "damaged_database",
    MissingDatabase => "missing_database",
    WrongPassphrase => "wrong_passphrase",
    WrongRecoveryKey => "wrong_recovery_key",
    MalformedRecoveryKey => "malformed_recovery_key",
    PassphraseRequired => "passphrase_required",
    KeyringEntryMissing => "keyring_entry_missing",
    KeyringUnavailable => "keyring_unavailable",
    WeakPassphrase => "weak_passphrase",
    NoPassphrase => "no_passphrase",
    PassphrasesDiffer => "passphrases_differ",
    NewerSchema => "newer_schema",
    Locked => "locked",
    ConfirmationMismatch => "confirmation_mismatch",
    // Bad input.
    InvalidDate => "invalid_date",
    InvalidAmount => "invalid_amount",
    InvalidCurrency => "invalid_currency",
    InvalidEmail => "invalid_email",
    InvalidTime => "invalid_time",
    EmptyField => "empty_field",
    OutOfRange => "out_of_range",
    UnknownValue => "unknown_value",
    UnknownId => "unknown_id",
    DuplicateId => "duplicate_id",
    DuplicateCaseNumber => "duplicate_case_number",
    NextDateNotAfter => "next_date_not_after",
    NextDateRequired => "next_date_required",
    NotPending => "not_pending",
    AlreadyDone => "already_done",
    TooLarge => "too_large",
    AmbiguousMember => "ambiguous_member",
    BadParty => "bad_party",
    BadPath => "bad_path",
    FolderNotEmpty => "folder_not_empty",
    BadBackup => "bad_backup",
    BadChamberId => "bad_chamber_id",
    ImportRefused => "import_refused",
    NothingToImport => "nothing_to_import",
    NothingToChange => "nothing_to_change",
    AlreadyRemoved => "already_removed",
    WrongCase => "wrong_case",
    BadStatusChange => "bad_status_change",
    ClientInUse => "client_in_use",
    AlreadyListed => "already_listed",
    AlreadyVoided => "already_voided",
    NothingToUndo => "nothing_to_undo",
    AlreadyErased => "already_erased",
    ErasureNotConfirmed => "erasure_not_confirmed",
    NotAllowed => "not_allowed",
    UnattributedChanges => "unattributed_changes",
    // Failures of the machine rather than of the input.
    Database => "database",
    Document => "document",
    Io => "io",
    OutputFailed => "output_failed",
    NotificationFailed => "notification_failed",
    // Chamber sync.
    RelayUnreachable => "relay_unreachable",
    InviteRefused => "invite_refused",
    DeviceRefused => "device_refused",
    ChamberExists => "chamber_exists",
    RelayRefused => "relay_refused",
    RelayProtocol => "relay_protocol",
    SyncNotConfigured => "sync_not_configured",
    SyncAlreadyConfigured => "sync_already_configured",
    BadInvite => "bad_invite",
    InviteExpired => "invite_expired",
    BadRelayUrl => "bad_relay_url",
    ImpostorRelay => "impostor_relay",
    NotAdmin => "not_admin",
    ChamberBeforeRoles => "chamber_before_roles",
    DeviceRemoved => "device_removed",
    KeyWithheld => "key_withheld",
    ChangeTooLarge => "change_too_large",
    SyncStateDamaged => "sync_state_damaged",
    RegistrationRefused => "registration_refused",
    RelayQuotaExceeded => "relay_quota_exceeded",
    RelayBusy => "relay_busy",
    // Records (tasks, notes, fees, documents).
    FeeVoided => "fee_voided",
    // Backups and the recovery sheet.
    MalformedBackupIdentity => "malformed_backup_identity",
    WrongBackupIdentity => "wrong_backup_identity",
    BackupNeedsIdentity => "backup_needs_identity",
    BackupNeedsPassphrase => "backup_needs_passphrase",
    NoBackupFolder => "no_backup_folder",
    NoBackupKey => "no_backup_key",
    BackupFolderMissing => "backup_folder_missing",
    DiskFull => "disk_full",
    UpgradeFailed => "upgrade_failed",
    // Accounts.
    NotAPayment => "not_a_payment",
    InvalidDuration => "invalid_duration",
    CurrencyMismatch => "currency_mismatch",
    TimerRunning => "timer_running",
    NoTimer => "no_timer",
    EmptyPeriod => "empty_period",
    // Long work stopped by the user.
    Cancelled => "cancelled",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for ErrorCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_unique_snake_case_and_serialise_as_their_text() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            assert!(text.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{text}");
            assert_eq!(serde_json::to_string(code).unwrap(), format!("\"{text}\""));
        }
    }
}
