//! Letting a new device into a chamber without any long-lived secret in the
//! invite code.
//!
//! 1. The joining device redeems the invite's one-time token at the relay and
//!    leaves a [`JoinRequest`] (the token again, its member, its Automerge
//!    actor and its public keys) sealed to the admin device's X25519 key with
//!    HPKE (RFC 9180, base mode): the relay cannot read it.
//! 2. The admin device opens it, checks the token against the invites it made
//!    (unused, unexpired), lists the device in the chamber document with the
//!    role chosen at invite time, sends that change, and answers with a
//!    [`Grant`] (the chamber key) sealed to the new device's key with HPKE
//!    in auth mode, so the new device knows the admin sealed it.
//! 3. The new device opens the grant and syncs.
//!
//! An invite code therefore carries only the relay, the chamber, a token and
//! the admin's and founder's public keys: once used or expired it is worth
//! nothing, to anyone.

use hpke::aead::ChaCha20Poly1305;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::DeviceKeys;
use crate::error::SyncError;

pub(crate) type Dh = X25519HkdfSha256;
const ENCAPPED: usize = 32;

/// What a joining device asks the admin for, sealed to the admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    /// The invite's one-time token (the admin checks it against its invites).
    pub token: [u8; 32],
    pub member_id: String,
    pub member_name: String,
    pub label: String,
    /// The Automerge actor the device writes as (hex).
    pub actor: String,
    pub signing_key: [u8; 32],
    pub dh_key: [u8; 32],
}

/// The admin's answer: every chamber key so far, by epoch (the log the new
/// device reads holds batches sealed under each).
#[derive(Serialize, Deserialize)]
pub struct Grant {
    pub keys: Vec<(u32, [u8; 32])>,
}

impl Drop for Grant {
    fn drop(&mut self) {
        for (_, key) in &mut self.keys {
            zeroize::Zeroize::zeroize(key);
        }
    }
}

fn request_info(chamber: &str) -> Vec<u8> {
    [b"nextdate-admission-request-v1\0".as_slice(), chamber.as_bytes()].concat()
}

fn grant_info(chamber: &str, device: &[u8; 32]) -> Vec<u8> {
    [
        b"nextdate-admission-grant-v2\0".as_slice(),
        chamber.as_bytes(),
        b"\0",
        device,
    ]
    .concat()
}

pub(crate) fn public(bytes: &[u8; 32]) -> Result<<Dh as Kem>::PublicKey, SyncError> {
    <Dh as Kem>::PublicKey::from_bytes(bytes).map_err(|_| SyncError::Protocol("not an X25519 public key".into()))
}

pub(crate) fn secret(keys: &DeviceKeys) -> <Dh as Kem>::PrivateKey {
    <Dh as Kem>::PrivateKey::from_bytes(&keys.dh_secret()[..]).expect("32 bytes are an X25519 secret")
}

pub(crate) fn open_sealed(
    mode: &OpModeR<Dh>,
    keys: &DeviceKeys,
    info: &[u8],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < ENCAPPED {
        return None;
    }
    let (enc, ct) = sealed.split_at(ENCAPPED);
    let enc = <Dh as Kem>::EncappedKey::from_bytes(enc).ok()?;
    hpke::single_shot_open::<ChaCha20Poly1305, HkdfSha256, Dh>(mode, &secret(keys), &enc, info, ct, &[])
        .ok()
        .map(Zeroizing::new)
}

pub(crate) fn seal(mode: &OpModeS<Dh>, to: &[u8; 32], info: &[u8], plain: &[u8]) -> Result<Vec<u8>, SyncError> {
    let (enc, ct) =
        hpke::single_shot_seal::<ChaCha20Poly1305, HkdfSha256, Dh, _>(mode, &public(to)?, info, plain, &[], &mut OsRng)
            .map_err(|e| SyncError::Protocol(format!("could not seal: {e}")))?;
    Ok([enc.to_bytes().as_slice(), &ct].concat())
}

/// Seals a request to the admin device's X25519 key.
pub fn seal_request(admin_dh: &[u8; 32], chamber: &str, request: &JoinRequest) -> Result<Vec<u8>, SyncError> {
    let plain = Zeroizing::new(postcard::to_allocvec(request).expect("a request serializes"));
    seal(&OpModeS::Base, admin_dh, &request_info(chamber), &plain)
}

/// Opens a request sealed to this (admin) device; `None` when it is not one.
pub fn open_request(admin: &DeviceKeys, chamber: &str, sealed: &[u8]) -> Option<JoinRequest> {
    let plain = open_sealed(&OpModeR::Base, admin, &request_info(chamber), sealed)?;
    postcard::from_bytes(&plain).ok()
}

/// Seals the chamber key to a new device, authenticated as this admin device.
pub fn seal_grant(
    admin: &DeviceKeys,
    chamber: &str,
    device: &[u8; 32],
    device_dh: &[u8; 32],
    grant: &Grant,
) -> Result<Vec<u8>, SyncError> {
    let plain = Zeroizing::new(postcard::to_allocvec(grant).expect("a grant serializes"));
    let own = (secret(admin), public(&admin.dh_public())?);
    seal(&OpModeS::Auth(own), device_dh, &grant_info(chamber, device), &plain)
}

/// Opens a grant sealed to this device by the admin whose X25519 key the
/// invite named; `None` when it does not open (not for this device, or not
/// from that admin).
pub fn open_grant(keys: &DeviceKeys, admin_dh: &[u8; 32], chamber: &str, sealed: &[u8]) -> Option<Grant> {
    let admin = public(admin_dh).ok()?;
    let plain = open_sealed(
        &OpModeR::Auth(admin),
        keys,
        &grant_info(chamber, &keys.public()),
        sealed,
    )?;
    postcard::from_bytes(&plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(joiner: &DeviceKeys) -> JoinRequest {
        JoinRequest {
            token: [5; 32],
            member_id: "01MEMBER".into(),
            member_name: "Ravi".into(),
            label: "laptop".into(),
            actor: "ab".repeat(16),
            signing_key: joiner.public(),
            dh_key: joiner.dh_public(),
        }
    }

    #[test]
    fn a_request_opens_only_for_the_admin_of_that_chamber() {
        let (admin, joiner, other) = (DeviceKeys::generate(), DeviceKeys::generate(), DeviceKeys::generate());
        let sealed = seal_request(&admin.dh_public(), "C1", &request(&joiner)).unwrap();
        assert_eq!(open_request(&admin, "C1", &sealed), Some(request(&joiner)));
        assert_eq!(open_request(&other, "C1", &sealed), None, "another device");
        assert_eq!(open_request(&admin, "C2", &sealed), None, "another chamber");
        assert!(!sealed.windows(4).any(|w| w == b"Ravi"), "the member's name in clear");
        let mut bad = sealed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(open_request(&admin, "C1", &bad), None);
        assert_eq!(open_request(&admin, "C1", &sealed[..20]), None);
    }

    #[test]
    fn a_grant_opens_only_for_its_device_and_only_from_the_named_admin() {
        let (admin, joiner, impostor) = (DeviceKeys::generate(), DeviceKeys::generate(), DeviceKeys::generate());
        let grant = Grant {
            keys: vec![(1, [6; 32]), (2, [7; 32])],
        };
        let sealed = seal_grant(&admin, "C1", &joiner.public(), &joiner.dh_public(), &grant).unwrap();
        let opened = open_grant(&joiner, &admin.dh_public(), "C1", &sealed).unwrap();
        assert_eq!(opened.keys, vec![(1, [6; 32]), (2, [7; 32])]);
        assert!(
            open_grant(&impostor, &admin.dh_public(), "C1", &sealed).is_none(),
            "another device"
        );
        // Sealed by someone who is not the invite's admin (a relay making up a key):
        let forged = seal_grant(&impostor, "C1", &joiner.public(), &joiner.dh_public(), &grant).unwrap();
        assert!(open_grant(&joiner, &admin.dh_public(), "C1", &forged).is_none());
        assert!(
            open_grant(&joiner, &admin.dh_public(), "C2", &sealed).is_none(),
            "another chamber"
        );
    }
}
