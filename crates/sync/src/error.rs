//! Sync errors, each with a plain-words message for the advocate and a stable code.

use nextdate_diary::DiaryError;
use nextdate_protocol::frame::ErrorCode;

use crate::invite::InviteError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the relay at {0} cannot be reached ({1}); changes stay queued and go out at the next sync")]
    Unreachable(String, String),
    #[error("the relay refused: {message}")]
    Relay { code: ErrorCode, message: String },
    #[error("the relay sent something that is not a valid reply ({0})")]
    Protocol(String),
    #[error("this diary is not set up for chamber sync; set it up with a relay address or join with an invite code")]
    NotConfigured,
    #[error("this diary already syncs with chamber {0} through {1}")]
    AlreadyConfigured(String, String),
    #[error(transparent)]
    Invite(#[from] InviteError),
    #[error("the invite has expired; ask for a new one")]
    InviteExpired,
    #[error("{0:?} is not a relay address (use http://host:port or https://host)")]
    BadRelayUrl(String),
    #[error("only the chamber's admin device can invite devices")]
    NotAdmin,
    #[error("a single change is too large to sync ({0} bytes)")]
    ChangeTooLarge(usize),
    #[error("the sync settings in this diary are damaged: {0}")]
    DamagedState(String),
    #[error(transparent)]
    Diary(#[from] DiaryError),
}

impl SyncError {
    /// A stable, machine-readable code (`snake_case`).
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Unreachable(..) => "relay_unreachable",
            SyncError::Relay { code, .. } => match code {
                ErrorCode::BadToken => "invite_refused",
                ErrorCode::Forbidden => "device_refused",
                ErrorCode::ChamberExists => "chamber_exists",
                ErrorCode::TooLarge => "too_large",
                _ => "relay_refused",
            },
            SyncError::Protocol(_) => "relay_protocol",
            SyncError::NotConfigured => "sync_not_configured",
            SyncError::AlreadyConfigured(..) => "sync_already_configured",
            SyncError::Invite(_) => "bad_invite",
            SyncError::InviteExpired => "invite_expired",
            SyncError::BadRelayUrl(_) => "bad_relay_url",
            SyncError::NotAdmin => "not_admin",
            SyncError::ChangeTooLarge(_) => "change_too_large",
            SyncError::DamagedState(_) => "sync_state_damaged",
            SyncError::Diary(e) => e.code(),
        }
    }

    /// Whether trying again later may help (the relay was down or the network dropped).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Unreachable(..)
                | SyncError::Relay {
                    code: ErrorCode::Internal | ErrorCode::Unauthenticated,
                    ..
                }
        )
    }
}
