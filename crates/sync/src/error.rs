//! Sync errors, each with a plain-words message for the advocate and a stable code.

use nextdate_diary::{DiaryError, ErrorCode as Code};
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
    #[error("{0:?} is not a relay address (use https://host:port, or http:// on this computer only)")]
    BadRelayUrl(String),
    #[error("{0} would send the chamber's tokens unencrypted over the network: use https:// (plain http:// is only for a relay on this computer)")]
    PlainHttp(String),
    #[error(transparent)]
    BadPin(#[from] nextdate_protocol::PinError),
    #[error("the relay at {0} showed a certificate that is not the one this chamber pinned: an impostor, or the relay has a new certificate (then ask the chamber's admin for a new invite); nothing was sent")]
    ImpostorRelay(String),
    #[error("only the chamber's admin laptop (the one that set the chamber up) can invite or remove laptops")]
    NotAdmin,
    #[error("this laptop cannot remove itself from the chamber; remove it from another owner's laptop")]
    CannotRemoveSelf,
    #[error("this laptop was removed from the chamber: the relay serves it nothing, and what is written in the chamber from now on is sealed with a key it does not have; its own diary stays as it is")]
    Removed,
    #[error("the chamber's key has changed (epoch {0}) and the relay holds no copy sealed to this laptop: it may be being removed, or the relay withholds the key; ask the chamber's admin")]
    KeyWithheld(u32),
    #[error("this chamber was set up by an older version of Nextdate, before laptops were listed with their keys, so a new laptop could not check who wrote what; set the chamber up again (`nextdate sync init` on a diary that holds everything) to invite with roles")]
    ChamberBeforeRoles,
    #[error("the chamber's admin laptop refused this laptop: the invite was already used, has expired, or was not made for this chamber; ask for a new one")]
    AdmissionRefused,
    #[error("the answer to this laptop's request to join did not come from the chamber's admin laptop; nothing was accepted")]
    ForgedAdmission,
    #[error("a single change is too large to sync ({0} bytes)")]
    ChangeTooLarge(usize),
    #[error("the relay did not register the chamber: {0}")]
    RegistrationRefused(String),
    #[error(transparent)]
    BadRegistrationToken(#[from] nextdate_protocol::registration::TokenError),
    #[error("the relay has no more room for this chamber ({0}); what you write stays on this laptop and goes out once the relay's operator gives the chamber more room")]
    QuotaExceeded(String),
    #[error("the relay is busy with too many requests from this network or laptop; sync tries again shortly")]
    RateLimited,
    #[error("the sync settings in this diary are damaged: {0}")]
    DamagedState(String),
    /// A batch in the chamber's log is in a newer format; pulling stops before
    /// it (nothing after it is skipped) until Nextdate is updated here.
    #[error("{0}")]
    NewerBatch(String),
    #[error(transparent)]
    Diary(#[from] DiaryError),
}

impl SyncError {
    /// The stable, machine-readable code (one of the app-wide [`Code`]s).
    pub fn code(&self) -> Code {
        match self {
            SyncError::Unreachable(..) => Code::RelayUnreachable,
            SyncError::Relay { code, .. } => match code {
                ErrorCode::BadToken => Code::InviteRefused,
                ErrorCode::Forbidden => Code::DeviceRefused,
                ErrorCode::ChamberExists => Code::ChamberExists,
                ErrorCode::TooLarge => Code::TooLarge,
                _ => Code::RelayRefused,
            },
            SyncError::Protocol(_) => Code::RelayProtocol,
            SyncError::NotConfigured => Code::SyncNotConfigured,
            SyncError::AlreadyConfigured(..) => Code::SyncAlreadyConfigured,
            SyncError::Invite(_) => Code::BadInvite,
            SyncError::InviteExpired => Code::InviteExpired,
            SyncError::BadRelayUrl(_) | SyncError::PlainHttp(_) | SyncError::BadPin(_) => Code::BadRelayUrl,
            SyncError::ImpostorRelay(_) => Code::ImpostorRelay,
            SyncError::NotAdmin => Code::NotAdmin,
            SyncError::CannotRemoveSelf => Code::NotAllowed,
            SyncError::Removed => Code::DeviceRemoved,
            SyncError::KeyWithheld(_) => Code::KeyWithheld,
            SyncError::ChamberBeforeRoles => Code::ChamberBeforeRoles,
            SyncError::AdmissionRefused | SyncError::ForgedAdmission => Code::InviteRefused,
            SyncError::ChangeTooLarge(_) => Code::ChangeTooLarge,
            SyncError::DamagedState(_) => Code::SyncStateDamaged,
            SyncError::RegistrationRefused(_) | SyncError::BadRegistrationToken(_) => Code::RegistrationRefused,
            SyncError::QuotaExceeded(_) => Code::RelayQuotaExceeded,
            SyncError::RateLimited => Code::RelayBusy,
            SyncError::NewerBatch(_) => Code::NewerSchema,
            SyncError::Diary(e) => e.code(),
        }
    }

    /// Whether trying again later may help (the relay was down or the network dropped).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SyncError::Unreachable(..)
                | SyncError::RateLimited
                | SyncError::Relay {
                    code: ErrorCode::Internal | ErrorCode::Unauthenticated,
                    ..
                }
        )
    }
}
