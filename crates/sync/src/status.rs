//! What a diary's sync looks like from outside, read without contacting the
//! relay: [`SyncStatus`] for the sync panel and `nextdate sync status`, and
//! the typed [`SyncState`] a scheduler works from.

use serde::Serialize;

use nextdate_diary::Diary;

use crate::crypto::DeviceKeys;
use crate::engine::state_i64;
use crate::epochs::ChamberKeys;
use crate::error::SyncError;

/// What the sync panel and `nextdate sync status` show.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    pub configured: bool,
    pub relay: Option<String>,
    /// The relay certificate's pin, when the chamber knows its relay by one.
    pub relay_pin: Option<String>,
    pub chamber: String,
    /// This device's public key (hex), its identity at the relay.
    pub device_key: Option<String>,
    pub admin: bool,
    pub last_sync: Option<String>,
    pub last_error: Option<String>,
    /// Local changes not yet sent.
    pub pending_changes: u32,
    /// Batches from the relay refused because they did not verify.
    pub rejected_batches: u32,
    pub last_rejection: Option<String>,
    /// Changes from other laptops refused by the chamber's roles, in plain
    /// words ("3 changes from Ravi's laptop were refused: a clerk may not change fees").
    pub refusals: Vec<String>,
    /// Batches missing from other laptops' chains, in plain words ("1 batch
    /// from Ravi's laptop has not arrived: the relay may be withholding it").
    pub missing_batches: Vec<String>,
    /// Changes from other laptops waiting for what they build on.
    pub waiting_changes: u32,
    /// This laptop asked to join and waits for the admin's laptop to let it in.
    pub awaiting_admission: bool,
    /// This laptop's member's role in the chamber.
    pub role: Option<String>,
    /// The chamber key's epoch this laptop seals with (1, then one more at
    /// each removal).
    pub key_epoch: Option<u32>,
    pub devices: Vec<DeviceInfo>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceInfo {
    pub label: String,
    pub member: String,
    pub member_id: String,
    pub role: String,
    /// The device's Automerge actor (hex): what `sync remove` takes.
    pub actor: String,
    pub this_device: bool,
    /// Removed from the chamber: nothing it writes is accepted.
    pub removed: bool,
}

/// Where a diary's sync stands, as a scheduler needs it: read in one short
/// look by [`state`] instead of picking keys out of the diary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    /// The relay this diary syncs through.
    pub relay: String,
    /// The last position in the chamber's log this device has merged.
    pub cursor: u64,
    /// Local changes not yet sent.
    pub pending_changes: u64,
    pub last_sync: Option<String>,
    pub last_error: Option<String>,
}

/// The sync state of a diary, without contacting the relay.
pub fn status(d: &Diary) -> Result<SyncStatus, SyncError> {
    let relay = d.sync_state("relay")?;
    let device_key = d
        .sync_state("device")?
        .and_then(|h| DeviceKeys::from_secret_hex(&h))
        .map(|k| data_encoding::HEXLOWER.encode(&k.public()));
    let members = if d.has_chamber_doc()? {
        d.chamber_members()?
    } else {
        Vec::new()
    };
    let role = members.iter().find(|m| m.this_device).map(|m| m.role.clone());
    let devices = members
        .into_iter()
        .map(|m| DeviceInfo {
            this_device: m.this_device,
            label: m.label,
            member: m.member,
            member_id: m.member_id,
            role: m.role,
            actor: m.actor,
            removed: m.removed_at.is_some(),
        })
        .collect();
    Ok(SyncStatus {
        configured: relay.is_some(),
        relay,
        relay_pin: d.sync_state("relay_pin")?,
        chamber: d.chamber_id().to_string(),
        device_key,
        admin: d.sync_state("admin")?.as_deref() == Some("1"),
        last_sync: d.sync_state("last_sync")?,
        last_error: d.sync_state("last_error")?,
        pending_changes: d.outbox_len()?.clamp(0, u32::MAX as i64) as u32,
        rejected_batches: state_i64(d, "rejected")?.clamp(0, u32::MAX as i64) as u32,
        last_rejection: d.sync_state("last_rejection")?,
        refusals: d.refused_changes()?.iter().map(|g| g.sentence()).collect(),
        missing_batches: crate::chains::missing_sentences(d)?,
        waiting_changes: d.parked_changes()?,
        awaiting_admission: crate::joining::awaiting_admission(d)?,
        role,
        key_epoch: ChamberKeys::load(d).ok().flatten().map(|r| r.current().epoch),
        devices,
    })
}

/// The sync state of a diary set up for sync (`None` when it is not).
///
/// Read leniently: a cursor that does not parse reads as 0 and an unreadable
/// outbox as empty, so that a scheduler still runs the next round, which then
/// reports the damage in `last_error`.
pub fn state(d: &Diary) -> Result<Option<SyncState>, SyncError> {
    let Some(relay) = d.sync_state("relay")? else {
        return Ok(None);
    };
    Ok(Some(SyncState {
        relay,
        cursor: d
            .sync_state("cursor")
            .ok()
            .flatten()
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
        pending_changes: d.outbox_len().unwrap_or(0).max(0) as u64,
        last_sync: d.sync_state("last_sync")?,
        last_error: d.sync_state("last_error")?,
    }))
}
