//! Removing a member or a lost laptop, and rotating the chamber key.
//!
//! On the chamber's admin laptop, [`remove`]:
//! 1. marks the devices removed in the chamber document (so every laptop
//!    refuses what they write from then on, see `nextdate_diary::authorize`);
//! 2. makes the next epoch's chamber key and keeps it, with what it is for,
//!    as a pending rotation, so a relay that vanishes mid-way loses nothing:
//!    the next round sends the same rotation again;
//! 3. seals the new key to each remaining device's X25519 key with HPKE
//!    (RFC 9180, auth mode: the device knows the admin sealed it) and sends
//!    the relay one `Rotate`: in one transaction the relay refuses the removed
//!    devices from then on (ending their sessions and closing their live
//!    sockets), keeps each sealed key for its device, and refuses any batch
//!    sealed under an older epoch;
//! 4. syncs, sealing everything from then on under the new key.
//!
//! Every other device, told by the relay that its batch is sealed under an
//! old key or finding a batch under a newer one, fetches its sealed key
//! ([`refresh`]) and carries on. A removed device holds no copy of the new
//! key, so whatever it can read of the relay's storage, it cannot decrypt
//! anything written after its removal.

use hpke::{OpModeR, OpModeS};
use zeroize::Zeroizing;

use nextdate_diary::membership::MemberDevice;
use nextdate_diary::roles::Role;
use nextdate_diary::{Diary, DiaryError};
use nextdate_protocol::frame::KeyGrant;

use crate::admission::{open_sealed, public, seal, secret};
use crate::client::RelayClient;
use crate::crypto::{ChamberKey, DeviceKeys};
use crate::engine::{load_config, sync_now, Config, SyncReport};
use crate::error::SyncError;

fn hex(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    data_encoding::HEXLOWER.decode(s.as_bytes()).ok()?.try_into().ok()
}

fn key_info(chamber: &str, device: &[u8; 32], epoch: u32) -> Vec<u8> {
    [
        b"nextdate-epoch-key-v1\0".as_slice(),
        chamber.as_bytes(),
        b"\0",
        device,
        &epoch.to_be_bytes(),
    ]
    .concat()
}

/// Seals chamber key `key` to `device`, authenticated as this admin device.
pub fn seal_epoch_key(
    admin: &DeviceKeys,
    chamber: &str,
    device: &[u8; 32],
    device_dh: &[u8; 32],
    key: &ChamberKey,
) -> Result<Vec<u8>, SyncError> {
    let own = (secret(admin), public(&admin.dh_public())?);
    seal(
        &OpModeS::Auth(own),
        device_dh,
        &key_info(chamber, device, key.epoch),
        key.bytes(),
    )
}

/// Opens a key of `epoch` sealed to this device by one of `senders` (the
/// X25519 keys of the chamber's admin laptops); `None` when none sealed it.
pub fn open_epoch_key(
    keys: &DeviceKeys,
    senders: &[[u8; 32]],
    chamber: &str,
    epoch: u32,
    sealed: &[u8],
) -> Option<ChamberKey> {
    let info = key_info(chamber, &keys.public(), epoch);
    senders.iter().find_map(|sender| {
        let plain: Zeroizing<Vec<u8>> = open_sealed(&OpModeR::Auth(public(sender).ok()?), keys, &info, sealed)?;
        let bytes: [u8; 32] = plain.as_slice().try_into().ok()?;
        Some(ChamberKey::from_bytes(epoch, bytes))
    })
}

/// The devices `who` names: a device's actor (or its first 8 or more hex
/// digits) or its label, or a member (id or part of the name) for all of
/// that member's devices still in the chamber.
pub fn devices_named(d: &Diary, who: &str) -> Result<Vec<MemberDevice>, SyncError> {
    let wanted = who.trim().to_lowercase();
    let devices = d.chamber_members()?;
    let by_device: Vec<&MemberDevice> = devices
        .iter()
        .filter(|m| {
            (wanted.len() >= 8 && m.actor.starts_with(&wanted))
                || (!wanted.is_empty() && m.label.to_lowercase() == wanted)
        })
        .collect();
    match by_device.as_slice() {
        [one] => return Ok(vec![(*one).clone()]),
        [] => {}
        many => {
            return Err(DiaryError::AmbiguousMember(format!(
                "{who:?} matches {} laptops; give the laptop's actor id (see `nextdate sync members`)",
                many.len()
            ))
            .into())
        }
    }
    let member = d.find_member(who)?;
    let of_member: Vec<MemberDevice> = devices
        .into_iter()
        .filter(|m| m.member_id == member.id && m.removed_at.is_none())
        .collect();
    if of_member.is_empty() {
        return Err(DiaryError::AlreadyRemoved {
            kind: "member's laptops",
            id: member.name,
        }
        .into());
    }
    Ok(of_member)
}

/// What a removal did.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Removal {
    /// The laptops removed, as "label (member)".
    pub removed: Vec<String>,
    /// The chamber key's new epoch.
    pub epoch: u32,
    pub report: SyncReport,
}

/// (admin laptop) Removes the devices `who` names, rotates the chamber key so
/// that they can read nothing written from now on, and syncs.
pub fn remove(d: &mut Diary, who: &str) -> Result<Removal, SyncError> {
    let cfg = load_config(d)?;
    if d.sync_state("admin")?.as_deref() != Some("1") {
        return Err(SyncError::NotAdmin);
    }
    let targets = devices_named(d, who)?;
    if targets.iter().any(|t| t.this_device) {
        return Err(SyncError::CannotRemoveSelf);
    }
    // A rotation already pending (a removal the relay never confirmed) is
    // sent together with this one, under its key.
    let mut signers: Vec<[u8; 32]> = targets.iter().filter_map(|t| unhex32(&t.signing_key)).collect();
    let (epoch, key) = match pending(d)? {
        Some(Pending { key, removed }) => {
            signers.extend(removed);
            (key.epoch, key)
        }
        None => {
            let epoch = cfg.ring.current().epoch + 1;
            (epoch, ChamberKey::generate_for(epoch))
        }
    };
    signers.sort();
    signers.dedup();
    let record = format!(
        "{epoch} {} {}",
        hex(key.bytes()),
        signers.iter().map(|s| hex(s)).collect::<Vec<_>>().join(",")
    );
    // The relay-side removal is kept first: interrupted after it, running the
    // removal again finishes the rest.
    d.set_sync_state(&[("rotation", Some(&record))])?;
    let mut removed = Vec::new();
    for t in &targets {
        if t.removed_at.is_none() {
            d.remove_device(&t.actor)?;
        }
        removed.push(format!("{} ({})", t.label, t.member));
    }
    let report = sync_now(d)?;
    Ok(Removal { removed, epoch, report })
}

/// A rotation this admin laptop started and the relay has not confirmed.
struct Pending {
    key: ChamberKey,
    /// The signing keys of the devices it removes.
    removed: Vec<[u8; 32]>,
}

/// The rotation this admin laptop started and the relay has not confirmed.
fn pending(d: &Diary) -> Result<Option<Pending>, SyncError> {
    let Some(record) = d.sync_state("rotation")? else {
        return Ok(None);
    };
    let damaged = || SyncError::DamagedState("the pending key rotation".into());
    let mut parts = record.splitn(3, ' ');
    let epoch: u32 = parts.next().and_then(|e| e.parse().ok()).ok_or_else(damaged)?;
    let key = parts.next().and_then(unhex32).ok_or_else(damaged)?;
    let removed = parts
        .next()
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| unhex32(s).ok_or_else(damaged))
        .collect::<Result<_, _>>()?;
    Ok(Some(Pending {
        key: ChamberKey::from_bytes(epoch, key),
        removed,
    }))
}

/// (admin laptop, at the start of a round) Sends a pending rotation to the
/// relay; once confirmed, the new key is this laptop's current one.
pub(crate) fn complete_pending(d: &mut Diary, cfg: &mut Config, relay: &RelayClient) -> Result<(), SyncError> {
    let Some(Pending { key, removed }) = pending(d)? else {
        return Ok(());
    };
    let epoch = key.epoch;
    let me = cfg.keys.public();
    let mut grants = Vec::new();
    for m in d.chamber_members()? {
        let (Some(device), Some(dh)) = (unhex32(&m.signing_key), unhex32(&m.dh_key)) else {
            continue;
        };
        if m.removed_at.is_some() || device == me || removed.contains(&device) {
            continue;
        }
        grants.push(KeyGrant {
            device,
            sealed: seal_epoch_key(&cfg.keys, &cfg.chamber, &device, &dh, &key)?,
        });
    }
    relay.rotate(removed, epoch, grants)?;
    cfg.ring.insert(key);
    cfg.ring.store(d, &[("rotation", None)])?;
    Ok(())
}

/// The X25519 keys whose sealed chamber keys this device accepts: the
/// admin's from the invite, and every owner's and admin's laptop still in
/// the chamber.
fn trusted_senders(d: &Diary) -> Result<Vec<[u8; 32]>, SyncError> {
    let mut senders: Vec<[u8; 32]> = d
        .sync_state("admin_dh")?
        .and_then(|h| unhex32(&h))
        .into_iter()
        .collect();
    if d.has_chamber_doc()? {
        for m in d.chamber_members()? {
            let admin = matches!(Role::parse(&m.role), Some(Role::Owner | Role::Admin));
            if admin && m.removed_at.is_none() {
                senders.extend(unhex32(&m.dh_key));
            }
        }
    }
    Ok(senders)
}

/// Fetches the chamber keys sealed to this device since its newest one.
/// Returns whether a newer key came; an error when the chamber has moved on
/// and no key for this device is there (the relay withholds it, or this
/// laptop is being removed).
pub(crate) fn refresh(d: &mut Diary, cfg: &mut Config, relay: &RelayClient) -> Result<bool, SyncError> {
    let before = cfg.ring.current().epoch;
    let (chamber_epoch, sealed) = relay.fetch_keys(before)?;
    let senders = trusted_senders(d)?;
    for s in sealed {
        if let Some(key) = open_epoch_key(&cfg.keys, &senders, &cfg.chamber, s.epoch, &s.sealed) {
            cfg.ring.insert(key);
        }
    }
    let now = cfg.ring.current().epoch;
    if now > before {
        cfg.ring.store(d, &[])?;
    }
    if chamber_epoch > now {
        return Err(SyncError::KeyWithheld(chamber_epoch));
    }
    Ok(now > before)
}
