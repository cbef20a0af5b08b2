//! Inviting a device and letting it in (see [`crate::admission`] for the
//! sealing): the admin makes an invite with a role, the new device asks to
//! join with it, and the admin's next sync round answers, listing the device
//! in the chamber with that role before sending it the chamber key.

use std::time::Duration;

use chrono::Utc;
use rand::rngs::OsRng;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use nextdate_diary::membership::{DeviceKeysHex, NewDevice};
use nextdate_diary::roles::Role;
use nextdate_diary::Diary;

use crate::admission::{self, Grant, JoinRequest};
use crate::client::{normalise_relay_url, RelayClient};
use crate::crypto::{ChamberKey, DeviceKeys};
use crate::engine::{load_config, sync_now, Config, CreatedInvite, SyncReport};
use crate::epochs::ChamberKeys;
use crate::error::SyncError;
use crate::invite::Invite;

fn hex(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    data_encoding::HEXLOWER.decode(s.as_bytes()).ok()?.try_into().ok()
}

/// An invite this admin device made and has not seen used.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Outstanding {
    token_hash: String,
    role: String,
    expires_at: i64,
}

fn outstanding(d: &Diary) -> Result<Vec<Outstanding>, SyncError> {
    match d.sync_state("invites")? {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(&json).map_err(|_| SyncError::DamagedState("the list of invites".into())),
    }
}

fn keep_outstanding(d: &mut Diary, list: &[Outstanding]) -> Result<(), SyncError> {
    let json = serde_json::to_string(list).expect("invites serialize");
    Ok(d.set_sync_state(&[("invites", Some(&json))])?)
}

/// Makes a one-time invite for a new device whose member will have `role`
/// (admin device only). The role is kept on this laptop, not in the code.
pub fn invite(d: &mut Diary, ttl: Duration, role: Role) -> Result<CreatedInvite, SyncError> {
    let cfg = load_config(d)?;
    if d.sync_state("admin")?.as_deref() != Some("1") {
        return Err(SyncError::NotAdmin);
    }
    // A chamber started before devices were listed with their keys has no
    // founder to trace its history to: new laptops could not check it.
    let founder = d
        .sync_state("founder")?
        .and_then(|f| unhex32(&f))
        .ok_or(SyncError::ChamberBeforeRoles)?;
    let mut token = [0u8; 32];
    OsRng.fill_bytes(&mut token);
    let expires_at = Utc::now().timestamp() + ttl.as_secs() as i64;
    let mut client = RelayClient::new(&cfg.relay, cfg.pin)?;
    client.authenticate(&cfg.keys, &cfg.chamber)?;
    let token_hash: [u8; 32] = Sha256::digest(token).into();
    client.create_invite(token_hash, expires_at)?;
    let now = Utc::now().timestamp();
    let mut list: Vec<Outstanding> = outstanding(d)?.into_iter().filter(|o| o.expires_at > now).collect();
    list.push(Outstanding {
        token_hash: hex(&token_hash),
        role: role.as_str().to_string(),
        expires_at,
    });
    keep_outstanding(d, &list)?;
    Ok(CreatedInvite {
        invite: Invite {
            relay: cfg.relay,
            pin: cfg.pin,
            chamber: cfg.chamber,
            token,
            expires_at,
            admin_dh: cfg.keys.dh_public(),
            founder,
        },
    })
}

/// Asks to join the chamber an invite names: the relay checks the one-time
/// token, then this laptop leaves its request for the admin's laptop, which
/// lets it in at its next sync. This diary's own cases and clients are kept
/// and shared once it is in. Returns at once; [`sync_now`] finishes the join
/// when the answer is there.
pub fn join(d: &mut Diary, code: &str, label: &str) -> Result<SyncReport, SyncError> {
    crate::engine::ensure_unconfigured(d)?;
    let invite = Invite::parse(code)?;
    if invite.expires_at < Utc::now().timestamp() {
        return Err(SyncError::InviteExpired);
    }
    let relay = normalise_relay_url(&invite.relay)?;
    let keys = DeviceKeys::generate();
    let mut client = RelayClient::new(&relay, invite.pin)?;
    client.join(&keys, &invite.chamber, invite.token)?;
    let request = JoinRequest {
        token: invite.token,
        member_id: d.member_id().to_string(),
        member_name: d.advocate_name()?,
        label: label.trim().to_string(),
        actor: d.actor_hex(),
        signing_key: keys.public(),
        dh_key: keys.dh_public(),
    };
    client.request_admission(admission::seal_request(&invite.admin_dh, &invite.chamber, &request)?)?;
    d.adopt_chamber(&invite.chamber)?;
    let pin_text = invite.pin.map(|p| p.to_string());
    d.set_sync_state(&[
        ("relay", Some(&relay)),
        ("relay_pin", pin_text.as_deref()),
        ("device", Some(&keys.to_secret_hex())),
        ("founder", Some(&hex(&invite.founder))),
        ("admin_dh", Some(&hex(&invite.admin_dh))),
        ("admin", None),
        ("cursor", Some("0")),
        ("admission", Some("pending")),
    ])?;
    sync_now(d)
}

/// Whether this laptop is still waiting to be let in.
pub fn awaiting_admission(d: &Diary) -> Result<bool, SyncError> {
    Ok(d.sync_state("admission")?.as_deref() == Some("pending"))
}

/// Asks the relay for the admin's answer. `Ok(false)`: no answer yet.
/// `Ok(true)`: the chamber key is now in the diary.
pub(crate) fn collect_grant(d: &mut Diary, keys: &DeviceKeys, relay: &RelayClient) -> Result<bool, SyncError> {
    let Some(sealed) = relay.fetch_admission()? else {
        return Ok(false);
    };
    if sealed.is_empty() {
        d.set_sync_state(&[("admission", Some("refused"))])?;
        return Err(SyncError::AdmissionRefused);
    }
    let admin_dh = d
        .sync_state("admin_dh")?
        .and_then(|h| unhex32(&h))
        .ok_or_else(|| SyncError::DamagedState("the admin's key".into()))?;
    let grant = admission::open_grant(keys, &admin_dh, d.chamber_id(), &sealed).ok_or(SyncError::ForgedAdmission)?;
    let ring = ChamberKeys::from_keys(
        grant
            .keys
            .iter()
            .map(|(epoch, key)| ChamberKey::from_bytes(*epoch, *key)),
    )
    .ok_or(SyncError::ForgedAdmission)?;
    ring.store(d, &[("admission", None), ("restamp", Some("1"))])?;
    Ok(true)
}

/// (admin device) Answers the requests waiting at the relay: a request with
/// an outstanding, unexpired token of this device's is let in with the role
/// chosen for it (listed in the chamber, that change sent, then the chamber
/// key sealed to it); any other is refused. Returns how many were let in.
pub(crate) fn answer_requests(d: &mut Diary, cfg: &mut Config, relay: &RelayClient) -> Result<u32, SyncError> {
    if d.sync_state("admin")?.as_deref() != Some("1") {
        return Ok(0);
    }
    let requests = relay.list_admissions()?;
    let mut admitted = 0;
    for r in requests {
        let now = Utc::now().timestamp();
        let mut list = outstanding(d)?;
        let opened = admission::open_request(&cfg.keys, &cfg.chamber, &r.request)
            .filter(|q| q.signing_key == r.device && q.actor.len() == 32 && !q.member_id.trim().is_empty());
        let hash = opened.as_ref().map(|q| hex(&Sha256::digest(q.token)));
        let found = hash
            .as_ref()
            .and_then(|h| list.iter().position(|o| &o.token_hash == h && o.expires_at >= now));
        let (Some(q), Some(at)) = (opened, found) else {
            relay.admit(r.device, Vec::new(), true)?;
            continue;
        };
        let role = Role::parse(&list[at].role).unwrap_or(Role::Viewer);
        d.add_device(&NewDevice {
            actor: q.actor.clone(),
            member_id: q.member_id.clone(),
            member_name: q.member_name.clone(),
            role,
            label: if q.label.trim().is_empty() {
                "laptop".into()
            } else {
                q.label.clone()
            },
            keys: DeviceKeysHex {
                signing: hex(&q.signing_key),
                dh: hex(&q.dh_key),
            },
        })?;
        list.remove(at);
        keep_outstanding(d, &list)?;
        // The listing goes out before the key, so the new laptop finds itself in the chamber.
        let mut report = SyncReport::default();
        crate::engine::push(d, cfg, relay, &mut report, &nextdate_diary::Progress::none())?;
        let grant = Grant {
            keys: cfg.ring.all().map(|k| (k.epoch, *k.bytes())).collect(),
        };
        let sealed = admission::seal_grant(&cfg.keys, &cfg.chamber, &q.signing_key, &q.dh_key, &grant)?;
        relay.admit(r.device, sealed, role == Role::Viewer)?;
        admitted += 1;
    }
    Ok(admitted)
}
