//! Invite codes: how a new device learns where the chamber's relay is (and its
//! certificate pin), which chamber to join, a one-time token, and the public
//! keys of the admin device that lets it in and of the device that founded
//! the chamber (every change in the chamber's history traces back to it). No
//! secret beyond the one-time token: the chamber key reaches the new device
//! sealed to its own key (see [`crate::admission`]). The code travels out of
//! band (read out, pasted, or scanned as a QR code); the relay only ever sees
//! the token (and stores only its hash).
//!
//! Text form: `NDJOIN3-` then base32 (upper case, so a QR code can use its compact
//! alphanumeric mode) of the postcard-encoded invite followed by a 4-byte SHA-256
//! checksum, so a mistyped code is caught before anything is sent. Codes of
//! versions 1 and 2 carried the chamber key itself; they are refused with a
//! request for a new code.

use qrcode::QrCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use nextdate_protocol::CertPin;

/// An invite as version-3 codes encode it.
#[derive(Serialize, Deserialize)]
struct InviteV3 {
    relay: String,
    pin: Option<[u8; 32]>,
    chamber: String,
    token: [u8; 32],
    expires_at: i64,
    admin_dh: [u8; 32],
    founder: [u8; 32],
}

const PREFIX: &str = "NDJOIN3-";
/// Codes made before the chamber key stopped travelling in them.
const OLD_PREFIXES: [&str; 2] = ["NDJOIN1-", "NDJOIN2-"];

/// Everything a device needs to ask to join a chamber.
#[derive(Clone)]
pub struct Invite {
    pub relay: String,
    /// The relay certificate's pin, when the chamber knows its relay by one.
    pub pin: Option<CertPin>,
    pub chamber: String,
    pub token: [u8; 32],
    /// Unix seconds after which the relay and the admin refuse the token.
    pub expires_at: i64,
    /// The admin device's X25519 key: the request to join is sealed to it,
    /// and only a grant sealed by it is accepted.
    pub admin_dh: [u8; 32],
    /// The founding device's signing key: the chamber's history from before
    /// any device key was listed must be signed by it.
    pub founder: [u8; 32],
}

impl std::fmt::Debug for Invite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Invite")
            .field("relay", &self.relay)
            .field("chamber", &self.chamber)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Why a code is not an invite.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    #[error("that is not an invite code (it should start with {PREFIX})")]
    NotAnInvite,
    #[error("the invite code is mistyped or incomplete")]
    Mistyped,
    #[error("that invite code was made by an older version of Nextdate and no longer works; ask the chamber's admin for a new one")]
    Outdated,
}

impl Invite {
    /// The code as text.
    pub fn code(&self) -> Zeroizing<String> {
        let v3 = InviteV3 {
            relay: self.relay.clone(),
            pin: self.pin.map(|p| p.0),
            chamber: self.chamber.clone(),
            token: self.token,
            expires_at: self.expires_at,
            admin_dh: self.admin_dh,
            founder: self.founder,
        };
        let mut raw = Zeroizing::new(postcard::to_allocvec(&v3).expect("invite serializes"));
        let sum = Sha256::digest(&raw[..]);
        raw.extend_from_slice(&sum[..4]);
        Zeroizing::new(format!("{PREFIX}{}", data_encoding::BASE32_NOPAD.encode(&raw)))
    }

    /// Parses a code, ignoring spaces, line breaks and letter case.
    pub fn parse(code: &str) -> Result<Invite, InviteError> {
        let cleaned: String = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        if OLD_PREFIXES.iter().any(|p| cleaned.starts_with(p)) {
            return Err(InviteError::Outdated);
        }
        let body = cleaned.strip_prefix(PREFIX).ok_or(InviteError::NotAnInvite)?;
        let raw = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(body.as_bytes())
                .map_err(|_| InviteError::Mistyped)?,
        );
        if raw.len() < 5 {
            return Err(InviteError::Mistyped);
        }
        let (data, sum) = raw.split_at(raw.len() - 4);
        if Sha256::digest(data)[..4] != *sum {
            return Err(InviteError::Mistyped);
        }
        let v: InviteV3 = postcard::from_bytes(data).map_err(|_| InviteError::Mistyped)?;
        Ok(Invite {
            relay: v.relay,
            pin: v.pin.map(CertPin),
            chamber: v.chamber,
            token: v.token,
            expires_at: v.expires_at,
            admin_dh: v.admin_dh,
            founder: v.founder,
        })
    }

    /// The code as a QR code in SVG, for the app.
    pub fn qr_svg(&self) -> String {
        QrCode::new(self.code().as_bytes())
            .expect("an invite fits in a QR code")
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(240, 240)
            .build()
    }

    /// The code as a QR code drawn with block characters, for a terminal.
    pub fn qr_text(&self) -> String {
        QrCode::new(self.code().as_bytes())
            .expect("an invite fits in a QR code")
            .render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invite() -> Invite {
        Invite {
            relay: "https://relay.office.lan:7070".into(),
            pin: Some(CertPin([9; 32])),
            chamber: "01JCHAMBER".into(),
            token: [5; 32],
            expires_at: 1_900_000_000,
            admin_dh: [6; 32],
            founder: [7; 32],
        }
    }

    #[test]
    fn code_round_trips_with_spaces_and_case() {
        let code = invite().code();
        let spaced: String = code
            .chars()
            .enumerate()
            .flat_map(|(i, c)| if i % 8 == 7 { vec![c, ' '] } else { vec![c] })
            .collect::<String>()
            .to_lowercase();
        let back = Invite::parse(&spaced).unwrap();
        assert_eq!(back.chamber, "01JCHAMBER");
        assert_eq!(back.token, [5; 32]);
        assert_eq!((back.admin_dh, back.founder), ([6; 32], [7; 32]));
        assert_eq!(back.pin, Some(CertPin([9; 32])), "the pin travels with the invite");
        assert!(code.starts_with("NDJOIN3-"));
    }

    /// Codes that carried the chamber key are refused, with a way forward.
    #[test]
    fn older_codes_are_refused_plainly() {
        for prefix in ["NDJOIN1-", "ndjoin2-"] {
            let err = Invite::parse(&format!("{prefix}AAAA")).unwrap_err();
            assert_eq!(err, InviteError::Outdated);
            assert!(err.to_string().contains("ask the chamber's admin for a new one"));
        }
    }

    #[test]
    fn mistyped_codes_are_caught() {
        let code = invite().code().to_string();
        assert_eq!(Invite::parse("hello").unwrap_err(), InviteError::NotAnInvite);
        let mut chars: Vec<char> = code.chars().collect();
        let i = chars.len() - 10;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(Invite::parse(&typo).unwrap_err(), InviteError::Mistyped);
        assert_eq!(
            Invite::parse(&code[..code.len() - 3]).unwrap_err(),
            InviteError::Mistyped
        );
    }

    #[test]
    fn renders_qr_codes() {
        assert!(invite().qr_svg().starts_with("<?xml"));
        assert!(invite().qr_text().lines().count() > 20);
    }
}
