//! Invite codes: how a new device learns where the chamber's relay is, which
//! chamber to join, a one-time token and the chamber key. The code travels out of
//! band (read out, pasted, or scanned as a QR code); the relay only ever sees the
//! token (and stores only its hash).
//!
//! Text form: `NDJOIN2-` then base32 (upper case, so a QR code can use its compact
//! alphanumeric mode) of the postcard-encoded invite followed by a 4-byte SHA-256
//! checksum, so a mistyped code is caught before anything is sent. Version 2
//! added the relay's certificate pin; a version-1 code (no pin) is still read.

use qrcode::QrCode;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::crypto::ChamberKey;
use nextdate_protocol::CertPin;

/// An invite as version-1 codes encode it (no pin).
#[derive(Deserialize)]
struct InviteV1 {
    relay: String,
    chamber: String,
    token: [u8; 32],
    epoch: u32,
    key: [u8; 32],
    expires_at: i64,
}

/// An invite as version-2 codes encode it.
#[derive(Serialize, Deserialize)]
struct InviteV2 {
    relay: String,
    pin: Option<[u8; 32]>,
    chamber: String,
    token: [u8; 32],
    epoch: u32,
    key: [u8; 32],
    expires_at: i64,
}

const PREFIX: &str = "NDJOIN2-";
/// Codes made before invites carried the relay's pin.
const PREFIX_V1: &str = "NDJOIN1-";

/// Everything a device needs to join a chamber.
#[derive(Clone)]
pub struct Invite {
    pub relay: String,
    /// The relay certificate's pin, when the chamber knows its relay by one.
    pub pin: Option<CertPin>,
    pub chamber: String,
    pub token: [u8; 32],
    pub epoch: u32,
    pub key: [u8; 32],
    /// Unix seconds after which the relay refuses the token.
    pub expires_at: i64,
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
}

impl Invite {
    pub fn chamber_key(&self) -> ChamberKey {
        ChamberKey::from_bytes(self.epoch, self.key)
    }

    /// The code as text.
    pub fn code(&self) -> Zeroizing<String> {
        let v2 = InviteV2 {
            relay: self.relay.clone(),
            pin: self.pin.map(|p| p.0),
            chamber: self.chamber.clone(),
            token: self.token,
            epoch: self.epoch,
            key: self.key,
            expires_at: self.expires_at,
        };
        let mut raw = Zeroizing::new(postcard::to_allocvec(&v2).expect("invite serializes"));
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
        let (version, body) = match (cleaned.strip_prefix(PREFIX), cleaned.strip_prefix(PREFIX_V1)) {
            (Some(body), _) => (2, body),
            (None, Some(body)) => (1, body),
            (None, None) => return Err(InviteError::NotAnInvite),
        };
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
        if version == 1 {
            let v: InviteV1 = postcard::from_bytes(data).map_err(|_| InviteError::Mistyped)?;
            return Ok(Invite {
                relay: v.relay,
                pin: None,
                chamber: v.chamber,
                token: v.token,
                epoch: v.epoch,
                key: v.key,
                expires_at: v.expires_at,
            });
        }
        let v: InviteV2 = postcard::from_bytes(data).map_err(|_| InviteError::Mistyped)?;
        Ok(Invite {
            relay: v.relay,
            pin: v.pin.map(CertPin),
            chamber: v.chamber,
            token: v.token,
            epoch: v.epoch,
            key: v.key,
            expires_at: v.expires_at,
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
            epoch: 1,
            key: [6; 32],
            expires_at: 1_900_000_000,
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
        assert_eq!(back.key, [6; 32]);
        assert_eq!(back.pin, Some(CertPin([9; 32])), "the pin travels with the invite");
        assert!(code.starts_with("NDJOIN2-"));
    }

    /// A code made before invites carried a pin still joins (without a pin).
    #[test]
    fn a_version_1_code_is_still_read() {
        let i = invite();
        let v1 = postcard::to_allocvec(&(
            i.relay.clone(),
            i.chamber.clone(),
            i.token,
            i.epoch,
            i.key,
            i.expires_at,
        ))
        .unwrap();
        let mut raw = v1.clone();
        raw.extend_from_slice(&Sha256::digest(&v1)[..4]);
        let code = format!("NDJOIN1-{}", data_encoding::BASE32_NOPAD.encode(&raw));
        let back = Invite::parse(&code).unwrap();
        assert_eq!(
            (back.pin, back.chamber.as_str(), back.key),
            (None, "01JCHAMBER", [6; 32])
        );
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
