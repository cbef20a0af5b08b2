//! Publishing status links at the end of each sync round: every live link
//! of the diary whose snapshot changed since this laptop last sent it is
//! sealed again (`nextdate_protocol::status_link`, under the link's own
//! key) with its client-visible documents, and put at the relay; a revoked
//! link is revoked at the relay. The relay only ever receives sealed bytes;
//! the key stays in the chamber's documents and the link's fragment.
//!
//! Whichever laptop syncs after a case changes reseals its links, so a link
//! shows the current next date once any laptop of the chamber has synced.

use chrono::{Local, NaiveDate, NaiveTime, TimeZone, Utc};
use nextdate_diary::status_links::{LinkRow, REVOKED_UPLOAD};
use nextdate_diary::Diary;
use nextdate_protocol::frame::{ErrorCode, Frame, LinkInfo};
use nextdate_protocol::status_link::{id_text, parse_id, seal, LinkKey, Part, LINK_ID_BYTES, NONCE_BYTES};
use rand::rngs::OsRng;
use rand::RngCore;

use crate::client::RelayClient;
use crate::error::SyncError;

/// What publishing did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub sealed: u32,
    pub revoked: u32,
    pub files: u32,
}

fn unexpected(what: &str, f: &Frame) -> SyncError {
    SyncError::Protocol(format!("expected {what}, got {}", f.name()))
}

impl RelayClient {
    fn done(&self, frame: &Frame) -> Result<(), SyncError> {
        match self.call(frame)? {
            Frame::Done => Ok(()),
            f => Err(unexpected("done", &f)),
        }
    }

    pub fn put_link(
        &self,
        id: [u8; 16],
        sealed: Vec<u8>,
        expires_at: Option<i64>,
        files: Vec<[u8; 16]>,
    ) -> Result<(), SyncError> {
        self.done(&Frame::PutLink {
            id,
            sealed,
            expires_at,
            files,
        })
    }

    pub fn put_link_file(&self, link: [u8; 16], file: [u8; 16], sealed: Vec<u8>) -> Result<(), SyncError> {
        self.done(&Frame::PutLinkFile { link, file, sealed })
    }

    pub fn has_link_files(&self, link: [u8; 16], files: Vec<[u8; 16]>) -> Result<Vec<bool>, SyncError> {
        match self.call(&Frame::HasLinkFiles { link, files })? {
            Frame::BlobsPresent { present } => Ok(present),
            f => Err(unexpected("present", &f)),
        }
    }

    /// Revokes a link at the relay; one it never had is not an error.
    pub fn revoke_link(&self, id: [u8; 16]) -> Result<(), SyncError> {
        match self.done(&Frame::RevokeLink { id }) {
            Err(SyncError::Relay {
                code: ErrorCode::NotFound,
                ..
            }) => Ok(()),
            other => other,
        }
    }

    /// The chamber's links as the relay knows them (with how often each was opened).
    pub fn list_links(&self) -> Result<Vec<LinkInfo>, SyncError> {
        match self.call(&Frame::ListLinks)? {
            Frame::Links { items } => Ok(items),
            f => Err(unexpected("links", &f)),
        }
    }
}

fn link_id(row: &LinkRow) -> Result<[u8; LINK_ID_BYTES], SyncError> {
    parse_id::<LINK_ID_BYTES>(&row.id).ok_or_else(|| SyncError::DamagedState(format!("link id {:?}", row.id)))
}

/// When a link stops opening: the end of its last day, on this laptop's clock.
fn expires_at(row: &LinkRow) -> Option<i64> {
    let day = NaiveDate::parse_from_str(row.expires_on.as_deref()?, "%Y-%m-%d").ok()?;
    let next = day.succ_opt()?.and_time(NaiveTime::MIN);
    Local
        .from_local_datetime(&next)
        .earliest()
        .map(|t| t.timestamp())
        .or_else(|| Some(Utc.from_utc_datetime(&next).timestamp()))
}

fn nonce() -> [u8; NONCE_BYTES] {
    let mut n = [0u8; NONCE_BYTES];
    OsRng.fill_bytes(&mut n);
    n
}

/// Seals and puts every link whose snapshot changed, and revokes the revoked.
/// A viewer's laptop, which the relay lets change nothing, leaves it to the others.
pub fn publish(d: &Diary, client: &RelayClient, today: NaiveDate) -> Result<Published, SyncError> {
    let mut done = Published::default();
    if nextdate_diary::authorize::own_role(d.conn())? == Some(nextdate_diary::roles::Role::Viewer) {
        return Ok(done);
    }
    for row in d.status_links(None, today)? {
        let sent = d.link_upload(&row.id)?;
        match row.state.as_str() {
            "revoked" if sent != Some(REVOKED_UPLOAD) => {
                client.revoke_link(link_id(&row)?)?;
                d.record_link_upload(&row.id, &REVOKED_UPLOAD)?;
                done.revoked += 1;
            }
            "live" if publish_one(d, client, &row, sent, today)? => done.sealed += 1,
            // Expired: the relay stops serving it at its expiry by itself.
            _ => {}
        }
    }
    Ok(done)
}

/// Seals and puts one live link if what it shows changed; says whether it did.
fn publish_one(
    d: &Diary,
    client: &RelayClient,
    row: &LinkRow,
    sent: Option<[u8; 32]>,
    today: NaiveDate,
) -> Result<bool, SyncError> {
    let id = link_id(row)?;
    let key = LinkKey::from_fragment(&d.status_link_key(&row.id)?)
        .ok_or_else(|| SyncError::DamagedState(format!("the key of link {}", row.id)))?;
    let mut snapshot = d.status_snapshot(row, today)?;
    // Documents this laptop does not hold yet wait for a later round.
    let mut bytes = Vec::new();
    for case in &mut snapshot.cases {
        case.documents.retain(|doc| match d.document(&doc.document_id) {
            Ok(found) => {
                bytes.push(found.bytes);
                true
            }
            Err(_) => false,
        });
    }
    let mut files = Vec::new();
    for doc in snapshot.documents_mut() {
        let sha: [u8; 32] = data_encoding::HEXLOWER
            .decode(doc.sha256.as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| SyncError::DamagedState(format!("the hash of document {}", doc.name)))?;
        let file = key.file_id(&sha);
        doc.file = id_text(&file);
        files.push(file);
    }
    let hash = snapshot.content_hash();
    if sent == Some(hash) {
        return Ok(false);
    }
    let present = if files.is_empty() {
        Vec::new()
    } else {
        client.has_link_files(id, files.clone())?
    };
    for ((file, content), held) in files
        .iter()
        .zip(bytes)
        .zip(present.iter().chain(std::iter::repeat(&false)))
    {
        if !held {
            client.put_link_file(id, *file, seal(&key, &id, Part::File(*file), nonce(), &content))?;
        }
    }
    snapshot.stamp(Utc::now());
    let sealed = seal(&key, &id, Part::Snapshot, nonce(), &snapshot.to_json());
    match client.put_link(id, sealed, expires_at(row), files) {
        // Revoked at the relay by another laptop whose revocation has not reached this one yet.
        Err(SyncError::Relay {
            code: ErrorCode::Gone, ..
        }) => return Ok(false),
        other => other?,
    }
    d.record_link_upload(&row.id, &hash)?;
    Ok(true)
}

/// A link as the advocate sees it: the diary's record, and how often the
/// relay served it (`None` before it reached the relay).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LinkStatus {
    #[serde(flatten)]
    pub link: LinkRow,
    /// The link's address, with its key in the fragment.
    pub url: String,
    pub opened: Option<u32>,
}

/// The address of link `row` at `relay`: `RELAY/s/ID#KEY`.
pub fn link_url(d: &Diary, relay: &str, row: &LinkRow) -> Result<String, SyncError> {
    Ok(format!(
        "{}/s/{}#{}",
        relay.trim_end_matches('/'),
        row.id,
        d.status_link_key(&row.id)?
    ))
}

/// How to reach the chamber's relay, taken from the diary so that the
/// network is used without holding it.
pub struct RelayAccess(crate::engine::Config);

impl RelayAccess {
    /// How often the relay served each of the chamber's links, by id; empty
    /// when the relay cannot be reached now.
    pub fn open_counts(&self) -> std::collections::HashMap<String, u32> {
        let cfg = &self.0;
        RelayClient::new(&cfg.relay, cfg.pin)
            .and_then(|mut c| c.authenticate(&cfg.keys, &cfg.chamber).map(|_| c))
            .and_then(|c| c.list_links())
            .map(|items| {
                items
                    .into_iter()
                    .map(|i| (id_text(&i.id), i.fetches.min(u64::from(u32::MAX)) as u32))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Every link of the diary (of one case or client, or all) with its
/// address, without asking the relay (`opened` is `None`), and the access
/// to ask it with [`RelayAccess::open_counts`] afterwards.
pub fn local_statuses(
    d: &Diary,
    owner: Option<&str>,
    today: NaiveDate,
) -> Result<(Vec<LinkStatus>, RelayAccess), SyncError> {
    let cfg = crate::engine::load_config(d)?;
    let rows = d
        .status_links(owner, today)?
        .into_iter()
        .map(|row| {
            Ok(LinkStatus {
                url: link_url(d, &cfg.relay, &row)?,
                opened: None,
                link: row,
            })
        })
        .collect::<Result<Vec<_>, SyncError>>()?;
    Ok((rows, RelayAccess(cfg)))
}

/// Fills in how often each link was opened.
pub fn with_open_counts(mut rows: Vec<LinkStatus>, access: &RelayAccess) -> Vec<LinkStatus> {
    let counts = access.open_counts();
    for r in &mut rows {
        r.opened = counts.get(&r.link.id).copied();
    }
    rows
}

/// Every link of the diary (of one case or client, or all) with its address
/// and, when the relay can be reached, how often it was opened.
pub fn link_statuses(d: &Diary, owner: Option<&str>, today: NaiveDate) -> Result<Vec<LinkStatus>, SyncError> {
    let (rows, access) = local_statuses(d, owner, today)?;
    Ok(with_open_counts(rows, &access))
}

/// A session at the chamber's relay, for requests outside a sync round.
pub fn connect(d: &Diary) -> Result<RelayClient, SyncError> {
    let cfg = crate::engine::load_config(d)?;
    let mut client = RelayClient::new(&cfg.relay, cfg.pin)?;
    client.authenticate(&cfg.keys, &cfg.chamber)?;
    Ok(client)
}

/// A link just given: where it is, whether it reached the relay yet, and
/// its address as a QR code.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GivenLink {
    #[serde(flatten)]
    pub status: LinkStatus,
    /// Sealed and stored at the relay; when not, the next sync does it (and
    /// `problem` says why it could not now).
    pub published: bool,
    pub problem: Option<String>,
    /// The address as a QR code (SVG).
    pub qr_svg: String,
}

/// The address as a QR code in SVG, for the app and the printed page.
pub fn qr_svg(url: &str) -> String {
    qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .expect("a link's address fits in a QR code")
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(220, 220)
        .build()
}

/// The address as a QR code drawn with block characters, for a terminal.
pub fn qr_text(url: &str) -> String {
    qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .expect("a link's address fits in a QR code")
        .render::<qrcode::render::unicode::Dense1x2>()
        .quiet_zone(true)
        .build()
}

/// Gives a link to a case or a client and publishes it with a sync round.
/// Refused (writing nothing) when the diary has no relay: the relay serves links.
pub fn give(
    d: &mut Diary,
    owner: &str,
    new: nextdate_diary::status_links::NewLink,
    today: NaiveDate,
) -> Result<GivenLink, SyncError> {
    let cfg = crate::engine::load_config(d)?;
    let made = d.create_status_link(owner, new, today)?;
    let (published, problem) = match crate::engine::sync_now(d) {
        Ok(_) => (true, None),
        Err(e) => (false, Some(e.to_string())),
    };
    let url = link_url(d, &cfg.relay, &made.link)?;
    Ok(GivenLink {
        qr_svg: qr_svg(&url),
        status: LinkStatus {
            url,
            opened: published.then_some(0),
            link: made.link,
        },
        published,
        problem,
    })
}

/// Revokes a link and tells the relay at once (or at the next sync, if it
/// cannot be reached now: `Ok(false)`).
pub fn revoke(d: &mut Diary, id: &str, today: NaiveDate) -> Result<(LinkRow, bool), SyncError> {
    let row = d.revoke_status_link(id, today)?;
    let told = crate::engine::sync_now(d).is_ok();
    Ok((row, told))
}
