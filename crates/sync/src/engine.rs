//! The sync engine: setting a diary up as a chamber, inviting and joining
//! devices, and one sync round (push the outbox, pull after the cursor, verify,
//! decrypt and merge, exchange attachments). All its state lives in the diary's
//! encrypted database; a diary with no relay works exactly as before.
//!
//! Crash safety: a batch is given its id and outbox range before it is sent and
//! resent unchanged until the relay acknowledges it, so a relay that dies
//! mid-push never stores a batch twice; pulled batches are merged together with
//! the new cursor in one transaction, so a drop mid-pull loses nothing.

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use serde::Serialize;

use nextdate_diary::progress::{Progress, Stage};
use nextdate_diary::{Diary, DiaryError};
use nextdate_protocol::frame::{ErrorCode, MAX_BATCH_BYTES};
use nextdate_protocol::{batch_digest, BatchPayload, CertPin};

use crate::chains::Link;
use crate::client::{normalise_relay_url, RelayClient};
use crate::confirm;
use crate::crypto::{self, ChamberKey, DeviceKeys};
use crate::epochs::ChamberKeys;
use crate::error::SyncError;
use crate::invite::Invite;
use crate::joining;
use crate::pulling;
use crate::rotation;
use crate::wire::to_wire;
use nextdate_diary::membership::DeviceKeysHex;
use nextdate_diary::roles::Role;

pub use crate::status::{state, status, DeviceInfo, SyncState, SyncStatus};

/// Change data per batch before encryption (well under [`MAX_BATCH_BYTES`]).
const BATCH_BYTES: usize = 512 * 1024;
const BATCH_ENTRIES: usize = 1000;
/// How long an invite works unless told otherwise.
pub const DEFAULT_INVITE_TTL: Duration = Duration::from_secs(48 * 3600);

/// What one sync round did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    pub pushed_batches: u32,
    pub pushed_changes: u32,
    pub pulled_batches: u32,
    pub merged_docs: u32,
    pub rejected_batches: u32,
    /// Changes from other laptops refused by the chamber's roles.
    pub refused_changes: u32,
    /// Batches the relay acknowledged but never served back, queued again.
    pub resent_batches: u32,
    /// Batches the relay skipped in the log (the cursor stopped before them).
    pub withheld_batches: u32,
    /// This laptop asked to join and the chamber's admin laptop has not let it in yet.
    pub awaiting_admission: bool,
    /// New devices this (admin) laptop let into the chamber.
    pub admitted_devices: u32,
    pub blobs_sent: u32,
    pub blobs_received: u32,
    /// Status links sealed again (what they show had changed) and revoked at the relay.
    pub links_sealed: u32,
    pub links_revoked: u32,
}

/// A freshly made invite.
pub struct CreatedInvite {
    pub invite: Invite,
}

pub(crate) struct Config {
    pub(crate) relay: String,
    /// The relay certificate's pin, when the chamber knows its relay by one.
    pub(crate) pin: Option<CertPin>,
    pub(crate) keys: DeviceKeys,
    /// Every chamber key this device holds; new batches use the newest.
    pub(crate) ring: ChamberKeys,
    pub(crate) chamber: String,
}

pub(crate) fn state_i64(d: &Diary, key: &str) -> Result<i64, SyncError> {
    match d.sync_state(key)? {
        None => Ok(0),
        Some(v) => v
            .parse()
            .map_err(|_| SyncError::DamagedState(format!("{key} is {v:?}"))),
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn load_config(d: &Diary) -> Result<Config, SyncError> {
    let Some(relay) = d.sync_state("relay")? else {
        return Err(SyncError::NotConfigured);
    };
    let damaged = |what: &str| SyncError::DamagedState(what.to_string());
    let keys = d
        .sync_state("device")?
        .and_then(|h| DeviceKeys::from_secret_hex(&h))
        .ok_or_else(|| damaged("device key"))?;
    let ring = ChamberKeys::load(d)?.ok_or_else(|| damaged("chamber key"))?;
    let pin = d
        .sync_state("relay_pin")?
        .map(|p| CertPin::parse(&p).map_err(|_| damaged("relay pin")))
        .transpose()?;
    Ok(Config {
        relay,
        pin,
        keys,
        ring,
        chamber: d.chamber_id().to_string(),
    })
}

/// The relay, its pin and this device's keys (all a device waiting to be let in has).
fn load_identity(d: &Diary) -> Result<(String, Option<CertPin>, DeviceKeys), SyncError> {
    let relay = d.sync_state("relay")?.ok_or(SyncError::NotConfigured)?;
    let damaged = |what: &str| SyncError::DamagedState(what.to_string());
    let keys = d
        .sync_state("device")?
        .and_then(|h| DeviceKeys::from_secret_hex(&h))
        .ok_or_else(|| damaged("device key"))?;
    let pin = d
        .sync_state("relay_pin")?
        .map(|p| CertPin::parse(&p).map_err(|_| damaged("relay pin")))
        .transpose()?;
    Ok((relay, pin, keys))
}

/// Records why sync is not getting through, in plain words, for the sync panel.
pub fn note_error(d: &mut Diary, message: &str) -> Result<(), SyncError> {
    Ok(d.set_sync_state(&[("last_error", Some(message))])?)
}

pub(crate) fn ensure_unconfigured(d: &Diary) -> Result<(), SyncError> {
    if let Some(relay) = d.sync_state("relay")? {
        return Err(SyncError::AlreadyConfigured(d.chamber_id().to_string(), relay));
    }
    Ok(())
}

/// Registers this diary as a chamber on `relay`, with this device as its admin,
/// then sends everything in it. With `pin` (what the relay printed when it
/// started), the relay's certificate must have that key, here and on every
/// device invited later; without one it must come from a public authority.
/// `token` is the registration token the relay's operator gave (as typed); a
/// relay open to anyone needs none.
pub fn init(d: &mut Diary, relay: &str, pin: Option<CertPin>, token: Option<&str>) -> Result<SyncReport, SyncError> {
    ensure_unconfigured(d)?;
    let relay = normalise_relay_url(relay)?;
    let token = token
        .filter(|t| !t.trim().is_empty())
        .map(nextdate_protocol::registration::parse)
        .transpose()?;
    let keys = DeviceKeys::generate();
    let key = ChamberKey::generate();
    let mut client = RelayClient::new(&relay, pin)?;
    client.register_chamber(&keys, d.chamber_id(), token)?;
    let secret = keys.to_secret_hex();
    let pin_text = pin.map(|p| p.to_string());
    let founder = data_encoding::HEXLOWER.encode(&keys.public());
    ChamberKeys::new(key).store(
        d,
        &[
            ("relay", Some(&relay)),
            ("relay_pin", pin_text.as_deref()),
            ("device", Some(&secret)),
            ("admin", Some("1")),
            ("founder", Some(&founder)),
            ("cursor", Some("0")),
        ],
    )?;
    // From here on, what this laptop writes is judged by its listed key.
    let label = d
        .chamber_members()?
        .into_iter()
        .find(|m| m.this_device)
        .map(|m| m.label)
        .unwrap_or_else(|| "laptop".into());
    d.register_this_device(
        &DeviceKeysHex {
            signing: founder.clone(),
            dh: data_encoding::HEXLOWER.encode(&keys.dh_public()),
        },
        Role::Owner,
        &label,
    )?;
    sync_now(d)
}

/// One sync round: push, pull, attachments. Records the outcome (last sync or
/// the error in plain words) in the diary either way.
pub fn sync_now(d: &mut Diary) -> Result<SyncReport, SyncError> {
    sync_now_with_progress(d, &Progress::none())
}

/// [`sync_now`], reporting the changes sent and the batches received. A
/// cancel is seen between batches (each merged, with the cursor, in its own
/// transaction): what was sent and received stays, and the next round goes on
/// from there. A cancelled round is not recorded as a failure.
pub fn sync_now_with_progress(d: &mut Diary, progress: &Progress<'_>) -> Result<SyncReport, SyncError> {
    let result = round(d, progress);
    match &result {
        Ok(_) => d.set_sync_state(&[("last_sync", Some(&now())), ("last_error", None)])?,
        Err(SyncError::Diary(DiaryError::Cancelled | DiaryError::CancelledAfter(_))) => {}
        Err(e) => {
            let _ = note_error(d, &e.to_string());
        }
    }
    result
}

/// Runs [`sync_now`] up to `attempts` times, waiting 0.5 s, 1 s, 2 s … between
/// tries while the failure is one that may pass (relay down, network dropped).
pub fn sync_with_retry(d: &mut Diary, attempts: u32) -> Result<SyncReport, SyncError> {
    sync_with_retry_with_progress(d, attempts, &Progress::none())
}

/// [`sync_with_retry`], each round reporting to and cancelled by `progress`.
pub fn sync_with_retry_with_progress(
    d: &mut Diary,
    attempts: u32,
    progress: &Progress<'_>,
) -> Result<SyncReport, SyncError> {
    let mut wait = Duration::from_millis(500);
    let mut tries = 0;
    loop {
        tries += 1;
        match sync_now_with_progress(d, progress) {
            Err(e) if e.is_transient() && tries < attempts => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_secs(30));
            }
            other => return other,
        }
    }
}

/// At a point between batches: stops the round when it was cancelled.
pub(crate) fn check_cancel(progress: &Progress<'_>, report: &SyncReport) -> Result<(), SyncError> {
    if !progress.is_cancelled() {
        return Ok(());
    }
    Err(SyncError::Diary(
        if report.pushed_batches + report.pulled_batches == 0 {
            DiaryError::Cancelled
        } else {
            DiaryError::CancelledAfter(
            "sync stopped between batches; what was sent and received so far is kept, and the next sync goes on from there"
                .into(),
        )
        },
    ))
}

fn round(d: &mut Diary, progress: &Progress<'_>) -> Result<SyncReport, SyncError> {
    if joining::awaiting_admission(d)? {
        let (relay, pin, keys) = load_identity(d)?;
        let mut client = RelayClient::new(&relay, pin)?;
        client.authenticate(&keys, d.chamber_id())?;
        if !joining::collect_grant(d, &keys, &client)? {
            return Ok(SyncReport {
                awaiting_admission: true,
                ..Default::default()
            });
        }
    }
    let mut cfg = load_config(d)?;
    let mut client = RelayClient::new(&cfg.relay, cfg.pin)?;
    client.authenticate(&cfg.keys, &cfg.chamber)?;
    let mut report = SyncReport::default();
    rotation::complete_pending(d, &mut cfg, &client)?;
    if d.sync_state("restamp")?.is_some() {
        // Just let in: take the chamber first (it lists this laptop now), then
        // send what this diary already had, judged against that chamber.
        pulling::pull(d, &mut cfg, &client, &mut report, progress)?;
        let me = data_encoding::HEXLOWER.encode(&cfg.keys.public());
        if !d
            .chamber_members()?
            .iter()
            .any(|m| m.this_device && m.signing_key == me)
        {
            report.awaiting_admission = true;
            return Ok(report);
        }
        d.restamp_outbox()?;
        d.set_sync_state(&[("restamp", None)])?;
    }
    push(d, &mut cfg, &client, &mut report, progress)?;
    pulling::pull(d, &mut cfg, &client, &mut report, progress)?;
    report.admitted_devices += joining::answer_requests(d, &mut cfg, &client)?;
    if report.resent_batches > 0 {
        // What the relay dropped goes again now, and is looked for once more.
        push(d, &mut cfg, &client, &mut report, progress)?;
        pulling::pull(d, &mut cfg, &client, &mut report, progress)?;
    }
    blobs(d, &cfg, &client, &mut report)?;
    let links = crate::links::publish(d, &client, chrono::Local::now().date_naive())?;
    report.links_sealed = links.sealed;
    report.links_revoked = links.revoked;
    Ok(report)
}

pub(crate) fn push(
    d: &mut Diary,
    cfg: &mut Config,
    client: &RelayClient,
    report: &mut SyncReport,
    progress: &Progress<'_>,
) -> Result<(), SyncError> {
    let (mut sent, mut total) = (0, d.outbox_after(state_i64(d, "pushed_through")?)?);
    loop {
        // Between batches: one in flight is sent again, unchanged, next time.
        check_cancel(progress, report)?;
        let batch = match d.sync_state("inflight")? {
            Some(inflight) => {
                let mut batch = confirm::parse(&inflight)
                    .ok_or_else(|| SyncError::DamagedState(format!("inflight is {inflight:?}")))?;
                if batch.link.is_none() {
                    batch.link = Some(Link::next(d)?); // in flight from before batches were numbered
                }
                batch
            }
            None => match next_batch(d)? {
                None => return Ok(()),
                Some(batch) => {
                    d.set_sync_state(&[("inflight", Some(&batch.encode()))])?;
                    batch
                }
            },
        };
        let (batch_id, first, last) = (batch.id, batch.first, batch.last);
        let link = batch.link.clone().expect("every batch sent is numbered");
        let changes = d.outbox_range(first, last)?;
        if changes.is_empty() {
            let mut resend = confirm::load_resend(d)?;
            resend.retain(|r| r.id != batch_id);
            let pushed_through = last.max(state_i64(d, "pushed_through")?).to_string();
            d.set_sync_state(&[
                ("inflight", None),
                ("pushed_through", Some(&pushed_through)),
                ("resend", confirm::encode(&resend).as_deref()),
            ])?;
            continue;
        }
        let n = changes.len() as u32;
        // Each change signed, with the hashes it was signed over (kept below
        // without listing them a second time).
        let signed: Vec<_> = changes.into_iter().map(|c| sign_change(cfg, c)).collect();
        let payload = BatchPayload {
            changes: signed.iter().map(|(c, _)| to_wire(c.clone())).collect(),
            device_seq: link.seq,
            previous: link.previous.clone(),
        };
        let envelope = crypto::seal(&cfg.keys, cfg.ring.current(), &cfg.chamber, batch_id, &payload);
        if envelope.len() > MAX_BATCH_BYTES {
            return Err(SyncError::ChangeTooLarge(envelope.len()));
        }
        match client.push(batch_id, envelope) {
            Err(SyncError::Relay {
                code: ErrorCode::OldKey,
                message,
            }) => {
                // The chamber key changed: take the new one and seal the same
                // batch again (the relay stored nothing).
                if !rotation::refresh(d, cfg, client)? {
                    return Err(SyncError::Relay {
                        code: ErrorCode::OldKey,
                        message,
                    });
                }
                continue;
            }
            other => other?,
        };
        d.keep_signatures(&cfg.keys.public(), &signed)?;
        // Acknowledged, but kept in the outbox until seen back (see `confirm`).
        let mut waiting = confirm::load(d)?;
        waiting.push(batch);
        let mut resend = confirm::load_resend(d)?;
        resend.retain(|r| r.id != batch_id);
        let pushed_through = last.max(state_i64(d, "pushed_through")?).to_string();
        let mut state: Vec<(&str, Option<String>)> = vec![
            ("inflight", None),
            ("pushed_through", Some(pushed_through)),
            ("unconfirmed", confirm::encode(&waiting)),
            ("resend", confirm::encode(&resend)),
        ];
        if link.seq >= Link::next(d)?.seq {
            // A batch sent again keeps its number; only a new one moves the chain on.
            state.extend(link.acknowledged(&batch_digest(&batch_id, &payload)));
        }
        let state: Vec<(&str, Option<&str>)> = state.iter().map(|(k, v)| (*k, v.as_deref())).collect();
        d.set_sync_state(&state)?;
        report.pushed_batches += 1;
        report.pushed_changes += n;
        sent += u64::from(n);
        total = total.max(sent);
        progress.report(Stage::Push, sent, total);
    }
}

/// A local change with this device's signature of each Automerge change in
/// it, and the hashes of those changes.
fn sign_change(
    cfg: &Config,
    mut c: nextdate_diary::replication::DocChange,
) -> (
    nextdate_diary::replication::DocChange,
    Vec<nextdate_diary::authorship::ChangeHash>,
) {
    let hashes = nextdate_diary::authorship::hashes_of(&c);
    c.signatures = hashes
        .iter()
        .flat_map(|h| {
            cfg.keys
                .sign(&nextdate_diary::authorship::signing_message(&cfg.chamber, h))
        })
        .collect();
    (c, hashes)
}

/// The next batch to push: one the relay lost (sent again as it was), or a
/// new one from the outbox, numbered after this device's last.
fn next_batch(d: &Diary) -> Result<Option<confirm::Unconfirmed>, SyncError> {
    if let Some(again) = confirm::load_resend(d)?.into_iter().next() {
        return Ok(Some(again));
    }
    let Some(run) = d.outbox_run(state_i64(d, "pushed_through")?, BATCH_BYTES, BATCH_ENTRIES)? else {
        return Ok(None);
    };
    let mut id = [0u8; 16];
    OsRng.fill_bytes(&mut id);
    Ok(Some(confirm::Unconfirmed {
        id,
        first: run.first,
        last: run.last,
        link: Some(Link::next(d)?),
    }))
}

fn blobs(d: &mut Diary, cfg: &Config, client: &RelayClient, report: &mut SyncReport) -> Result<(), SyncError> {
    for nextdate_diary::replication::BlobPresence { sha256: sha, present } in d.blob_inventory()? {
        let flag = format!("blob_sent.{sha}");
        if present {
            if d.sync_state(&flag)?.is_none() {
                let key = cfg.ring.current();
                let id = key.blob_id(&sha);
                let bytes = d.blob(&sha)?.unwrap_or_default();
                client.put_blob(id, key.seal_blob(&id, &bytes))?;
                d.set_sync_state(&[(&flag, Some("1"))])?;
                report.blobs_sent += 1;
            }
            continue;
        }
        // Sent under whichever key was current then: look under each, newest first.
        for key in cfg.ring.all().rev() {
            let id = key.blob_id(&sha);
            let Some(sealed) = client.get_blob(id)? else {
                continue;
            };
            match cfg.ring.open_blob(&id, &sealed) {
                Ok(bytes) => {
                    d.put_blob(&sha, &bytes)?;
                    d.set_sync_state(&[(&flag, Some("1"))])?;
                    report.blobs_received += 1;
                }
                Err(e) => {
                    d.set_sync_state(&[("last_rejection", Some(&format!("attachment {sha}: {e}")))])?;
                }
            }
            break;
        }
    }
    Ok(())
}
