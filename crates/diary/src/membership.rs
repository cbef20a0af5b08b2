//! The chamber's members and devices: listing them with their roles and
//! keys, adding a device (an admin admitting a new laptop, or a diary listing
//! its own keys when it becomes a chamber), changing a member's role and
//! removing a device. Each is an ordinary change to the chamber document, so
//! it syncs, and every laptop judges it like any other (only owners and admins
//! manage members; only an owner touches an owner; see [`crate::authorize`]).

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{ChamberDoc, Device, DocKind, Member};
use crate::roles::Role;

impl Diary {
    /// Lists this device in the chamber document with its public keys (when
    /// a diary becomes a chamber), as a member of `role`.
    pub fn register_this_device(&mut self, keys: &DeviceKeysHex, role: Role, label: &str) -> Result<()> {
        let device = NewDevice {
            actor: self.actor_hex(),
            member_id: self.member_id().to_string(),
            member_name: self.advocate_name()?,
            role,
            label: label.to_string(),
            keys: keys.clone(),
        };
        self.add_device(&device)
    }

    /// Adds a device (and its member, unless already there) to the chamber
    /// document: how an admin's laptop admits a new one. Refused unless this
    /// laptop's member may manage members.
    pub fn add_device(&mut self, device: &NewDevice) -> Result<()> {
        let chamber_id = self.chamber_id().to_string();
        let d = device.clone();
        self.write(|w| {
            w.not_undoable();
            w.change::<ChamberDoc, _>(&chamber_id, DocKind::Chamber, |c, _| {
                c.members.entry(d.member_id.clone()).or_insert(Member {
                    name: d.member_name.trim().to_string(),
                    role: d.role.as_str().to_string(),
                });
                // A device listed again (its keys, when a diary becomes a
                // chamber) keeps the receipt series it already issues from.
                let receipt_series = match c.devices.get(&d.actor) {
                    Some(_) => crate::accounts::numbering::series_of(c, &d.actor),
                    None => crate::accounts::numbering::next_series(c),
                };
                c.devices.insert(
                    d.actor.clone(),
                    Device {
                        label: d.label.trim().to_string(),
                        member_id: d.member_id.clone(),
                        added_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        signing_key: d.keys.signing.clone(),
                        dh_key: d.keys.dh.clone(),
                        removed_at: None,
                        receipt_series,
                    },
                );
                Ok(((), format!("Added {}'s {}", d.member_name.trim(), d.label.trim())))
            })
        })
    }

    /// Every device the chamber lists (removed ones too), with its member.
    pub fn chamber_members(&self) -> Result<Vec<MemberDevice>> {
        let chamber = self.chamber()?;
        let me = self.actor_hex();
        let mut out: Vec<MemberDevice> = chamber
            .devices
            .iter()
            .map(|(actor, d)| {
                let member = chamber.members.get(&d.member_id);
                MemberDevice {
                    member_id: d.member_id.clone(),
                    member: member.map(|m| m.name.clone()).unwrap_or_default(),
                    role: member.map(|m| m.role.clone()).unwrap_or_default(),
                    actor: actor.clone(),
                    label: d.label.clone(),
                    signing_key: d.signing_key.clone(),
                    dh_key: d.dh_key.clone(),
                    added_at: d.added_at.clone(),
                    removed_at: d.removed_at.clone(),
                    this_device: *actor == me,
                }
            })
            .collect();
        out.sort_by(|a, b| (&a.member, &a.label, &a.actor).cmp(&(&b.member, &b.label, &b.actor)));
        Ok(out)
    }

    /// Gives `member_id` the role `role`. Refused unless this laptop's member
    /// manages members (and is an owner, when an owner is involved), and
    /// when it would leave the chamber without an owner.
    pub fn set_member_role(&mut self, member_id: &str, role: Role) -> Result<()> {
        let chamber_id = self.chamber_id().to_string();
        let member_id = member_id.to_string();
        self.write(|w| {
            w.not_undoable();
            w.change::<ChamberDoc, _>(&chamber_id, DocKind::Chamber, |c, _| {
                let Some(m) = c.members.get_mut(&member_id) else {
                    return Err(DiaryError::UnknownId {
                        kind: "member",
                        id: member_id.clone(),
                    });
                };
                let old = m.role.clone();
                m.role = role.as_str().to_string();
                let name = m.name.clone();
                if !c.members.values().any(|m| m.role == "owner") {
                    return Err(DiaryError::BadStatusChange(format!(
                        "{name} is the chamber's only owner; make someone else owner first"
                    )));
                }
                Ok(((), format!("Changed {name}'s role from {old} to {}", role.as_str())))
            })
        })
    }

    /// Marks a device removed: nothing it writes from now on is accepted by
    /// any laptop of the chamber. Its member stays (with their other devices).
    pub fn remove_device(&mut self, actor: &str) -> Result<()> {
        let chamber_id = self.chamber_id().to_string();
        let actor = actor.to_string();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.write(|w| {
            w.not_undoable();
            w.change::<ChamberDoc, _>(&chamber_id, DocKind::Chamber, |c, _| {
                let Some(d) = c.devices.get_mut(&actor) else {
                    return Err(DiaryError::UnknownId {
                        kind: "device",
                        id: actor.clone(),
                    });
                };
                if d.removed_at.is_some() {
                    return Err(DiaryError::AlreadyRemoved {
                        kind: "device",
                        id: actor.clone(),
                    });
                }
                d.removed_at = Some(now.clone());
                Ok(((), format!("Removed the device {}", d.label)))
            })
        })
    }

    /// The chamber's devices with their members, by member name then label.
    pub fn chamber_devices(&self) -> Result<Vec<ChamberDevice>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.actor, d.label, coalesce(m.name, ''), coalesce(m.role, '') FROM devices d
             LEFT JOIN members m ON m.id = d.member_id ORDER BY 3, 2",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ChamberDevice {
                actor: r.get(0)?,
                label: r.get(1)?,
                member: r.get(2)?,
                role: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A device's public keys, in hex, as the chamber document lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceKeysHex {
    pub signing: String,
    pub dh: String,
}

/// A device an admin adds to the chamber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    /// The Automerge actor the device writes as (hex).
    pub actor: String,
    pub member_id: String,
    pub member_name: String,
    pub role: Role,
    pub label: String,
    pub keys: DeviceKeysHex,
}

/// One device of the chamber, with the member it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChamberDevice {
    /// The device's Automerge actor, in hex.
    pub actor: String,
    pub label: String,
    /// The member's name, empty when the device names no member.
    pub member: String,
    /// The member's role, empty when the device names no member.
    pub role: String,
}

/// A device of the chamber with its member, as `sync members` lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MemberDevice {
    pub member_id: String,
    pub member: String,
    pub role: String,
    /// The device's Automerge actor (hex).
    pub actor: String,
    pub label: String,
    pub signing_key: String,
    pub dh_key: String,
    pub added_at: String,
    pub removed_at: Option<String>,
    pub this_device: bool,
}
