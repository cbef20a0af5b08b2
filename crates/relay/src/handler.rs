//! What the relay does with each frame, whatever carried it (HTTP or
//! WebSocket): challenges and proofs, sessions, chambers, invites, the batch
//! log and attachments. Every refusal is an error frame with a code; nothing
//! here panics on bad input.

use std::sync::Arc;

use nextdate_protocol::frame::{
    AdmissionRequest, ErrorCode, Frame, KeyGrant, Proof, ProofPurpose, SealedKey, StoredBatch, MAX_ADMISSION_BYTES,
    MAX_BATCH_BYTES, MAX_BLOB_FRAME_BYTES, MAX_FRAME_BYTES, MAX_GRANTS, MAX_PULL, PROTOCOL_VERSION,
};
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;

use crate::notifications::{Channels, Listener};
pub use crate::sessions::SessionInfo;
use crate::sessions::Sessions;
use crate::storage::{DeviceAccess, Storage, StorageEvent, StoreError, StoreResult};

/// How a relay admits new chambers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Anyone may register a chamber (an office relay on its own network);
    /// otherwise registering takes a token from the operator.
    pub open_registration: bool,
}

/// What a removed device is told, whatever it asks.
const REMOVED: &str = "this laptop was removed from the chamber; the relay serves it nothing";
/// Longest an invite may be valid.
const MAX_INVITE_SECS: i64 = 30 * 24 * 3600;

/// A refusal before it becomes an error frame.
pub type Refusal = (ErrorCode, String);

/// The relay's shared state.
pub struct Relay {
    pub storage: Box<dyn Storage>,
    pub policy: Policy,
    pub metrics: crate::metrics::Metrics,
    /// Challenges issued and sessions open (this instance's own).
    sessions: Sessions,
    /// Each chamber's live notifications (see `crate::notifications`).
    live: Channels,
    /// Devices just removed (chamber, device): their live sockets close.
    removals: broadcast::Sender<(String, [u8; 32])>,
    pub connections: std::sync::atomic::AtomicUsize,
}

pub(crate) fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn short(device: &[u8; 32]) -> String {
    data_encoding::HEXLOWER.encode(&device[..6])
}

pub(crate) fn refuse(code: ErrorCode, message: impl Into<String>) -> Frame {
    Frame::error(code, message)
}

pub(crate) fn store_error(e: StoreError) -> Frame {
    match e {
        StoreError::ChamberExists => refuse(ErrorCode::ChamberExists, e.to_string()),
        StoreError::BadToken(why) => refuse(ErrorCode::BadToken, why),
        StoreError::NotFound => refuse(ErrorCode::NotFound, "not found"),
        StoreError::WrongEpoch(_) => refuse(ErrorCode::Unexpected, e.to_string()),
        StoreError::OldKey { .. } => refuse(ErrorCode::OldKey, e.to_string()),
        StoreError::Gone => refuse(ErrorCode::Gone, e.to_string()),
        StoreError::QuotaExceeded(what) => refuse(
            ErrorCode::QuotaExceeded,
            format!("the chamber has used {what} on this relay; nothing more was stored"),
        ),
        StoreError::Incomplete(_) => refuse(ErrorCode::Malformed, format!("{e}; nothing was stored, send it again")),
        StoreError::Internal(why) => {
            tracing::error!(error = %why, "storage failure");
            refuse(ErrorCode::Internal, "the relay could not store or read that; try again")
        }
    }
}

impl Relay {
    pub fn new(storage: Box<dyn Storage>, policy: Policy) -> Arc<Relay> {
        let relay = Arc::new(Relay {
            storage,
            policy,
            metrics: Default::default(),
            sessions: Sessions::default(),
            live: Channels::default(),
            removals: broadcast::channel(64).0,
            connections: Default::default(),
        });
        // What other instances on the same storage store reaches this one's live sockets too.
        let this = Arc::downgrade(&relay);
        relay.storage.watch(Box::new(move |event| {
            if let Some(relay) = this.upgrade() {
                relay.stored_elsewhere(event);
            }
        }));
        relay
    }

    /// The session a bearer token names, if it is open (not expired, its
    /// device not removed), read from this instance's cache or, when not
    /// read lately, from storage (off the async workers).
    pub async fn session(self: &Arc<Self>, token: &[u8; 32]) -> StoreResult<Option<SessionInfo>> {
        if let Some(s) = self.sessions.cached(token) {
            return Ok(Some(s));
        }
        let (relay, token) = (self.clone(), *token);
        tokio::task::spawn_blocking(move || relay.lookup_session(&token))
            .await
            .unwrap_or_else(|e| Err(StoreError::Internal(format!("the session lookup failed: {e}"))))
    }

    /// [`Relay::session`] for a caller that may block (it may read storage).
    pub fn lookup_session(&self, token: &[u8; 32]) -> StoreResult<Option<SessionInfo>> {
        self.sessions.get(&*self.storage, token)
    }

    /// Whether a session is still open; a storage that does not answer ends none.
    pub async fn session_alive(self: &Arc<Self>, s: &SessionInfo) -> bool {
        !matches!(self.session(&s.token).await, Ok(None))
    }

    /// Live notifications for a chamber: the newest sequence number after
    /// appends (a burst told at once, see `crate::notifications`).
    pub fn subscribe(&self, chamber: &str) -> Listener {
        self.live.subscribe(chamber)
    }

    /// Forgets a chamber's notification channel once no live socket listens to it.
    pub fn release(&self, chamber: &str) {
        self.live.release(chamber);
    }

    /// Sessions open on every instance (for the metrics; reads storage).
    pub fn open_sessions(&self) -> StoreResult<u64> {
        self.storage.open_sessions(now_secs())
    }

    /// Chambers with a live notification channel (for the metrics and tests).
    pub fn live_chambers(&self) -> usize {
        self.live.len()
    }

    /// Devices removed from now on, for live sockets to close on.
    pub fn removals(&self) -> broadcast::Receiver<(String, [u8; 32])> {
        self.removals.subscribe()
    }

    /// Ends every session of the removed devices and tells their live sockets.
    fn end_sessions(&self, chamber: &str, removed: &[[u8; 32]]) {
        self.sessions.forget(chamber, removed);
        for device in removed {
            let _ = self.removals.send((chamber.to_string(), *device));
        }
    }

    fn notify(&self, chamber: &str, latest: u64) {
        self.live.notify(chamber, latest);
    }

    /// A batch or removal another relay instance stored: told to this one's
    /// live sockets as if it had been stored here.
    pub fn stored_elsewhere(&self, event: StorageEvent) {
        match event {
            StorageEvent::Batch { chamber, latest } => self.notify(&chamber, latest),
            StorageEvent::Removed { chamber, device } => self.end_sessions(&chamber, &[device]),
            StorageEvent::Access { chamber, device } => self.sessions.forget(&chamber, &[device]),
        }
    }

    fn issue_challenge(&self, device: [u8; 32]) -> Frame {
        match self.sessions.issue_challenge(&*self.storage, device) {
            Ok(nonce) => Frame::Challenge { nonce },
            Err((code, message)) => refuse(code, message),
        }
    }

    fn check_proof(&self, proof: &Proof, purpose: ProofPurpose, chamber: &str) -> Result<(), Refusal> {
        self.sessions.check_proof(&*self.storage, proof, purpose, chamber)
    }

    fn open_session(&self, chamber: &str, device: [u8; 32], access: DeviceAccess) -> Frame {
        match self.sessions.open(&*self.storage, chamber, device, access) {
            Ok(s) => Frame::Session {
                token: s.token,
                chamber: s.chamber,
                admin: s.admin,
            },
            Err(e) => store_error(e),
        }
    }

    /// Open sessions of `device` take a changed push right at once (those
    /// on other instances hear of it from storage).
    fn set_session_access(&self, chamber: &str, device: &[u8; 32]) {
        self.sessions.forget(chamber, &[*device]);
    }

    /// Handles one request frame. `blob_route` is true on the attachment endpoint.
    pub fn handle(&self, frame: Frame, session: Option<&SessionInfo>, blob_route: bool) -> Frame {
        let name = frame.name();
        let reply = match (frame, session) {
            (Frame::Hello { version, device }, _) => {
                if version != PROTOCOL_VERSION {
                    refuse(
                        ErrorCode::Unexpected,
                        format!("protocol version {version} is not supported (this relay speaks {PROTOCOL_VERSION})"),
                    )
                } else {
                    self.issue_challenge(device)
                }
            }
            (Frame::Authenticate { chamber, proof }, _) => {
                match self.check_proof(&proof, ProofPurpose::Authenticate, &chamber) {
                    Err((code, message)) => refuse(code, message),
                    Ok(()) => match self.storage.device_access(&chamber, &proof.device) {
                        Ok(Some(access)) if access.removed => {
                            tracing::warn!(chamber = %chamber, device = %short(&proof.device), "removed device refused");
                            refuse(ErrorCode::Removed, REMOVED)
                        }
                        Ok(Some(access)) => {
                            tracing::info!(chamber = %chamber, device = %short(&proof.device), "authenticated");
                            self.open_session(&chamber, proof.device, access)
                        }
                        Ok(None) => {
                            tracing::warn!(chamber = %chamber, device = %short(&proof.device), "unregistered device refused");
                            refuse(ErrorCode::Forbidden, "this device is not registered in that chamber")
                        }
                        Err(e) => store_error(e),
                    },
                }
            }
            (Frame::RegisterChamber { chamber, proof }, _) if !self.policy.open_registration => {
                tracing::warn!(chamber = %chamber, device = %short(&proof.device), "registration without a token refused");
                refuse(
                    ErrorCode::BadToken,
                    "this relay registers a chamber only with a registration token from its operator",
                )
            }
            (Frame::RegisterChamber { chamber, proof }, _)
            | (Frame::RegisterChamberWithToken { chamber, proof, .. }, _)
                if self.policy.open_registration =>
            {
                self.register(&chamber, &proof, None)
            }
            (Frame::RegisterChamberWithToken { chamber, token, proof }, _) => {
                let hash: [u8; 32] = Sha256::digest(token).into();
                self.register(&chamber, &proof, Some(&hash))
            }
            (Frame::Join { chamber, token, proof }, _) => {
                match self.check_proof(&proof, ProofPurpose::Join, &chamber) {
                    Err((code, message)) => refuse(code, message),
                    Ok(()) => {
                        let hash: [u8; 32] = Sha256::digest(token).into();
                        let redeemed = self
                            .storage
                            .redeem_invite(&chamber, &hash, &proof.device, now_secs())
                            .and_then(|()| self.storage.device_access(&chamber, &proof.device));
                        match redeemed {
                            Ok(Some(access)) if access.removed => refuse(ErrorCode::Removed, REMOVED),
                            Ok(access) => {
                                tracing::info!(chamber = %chamber, device = %short(&proof.device), "device joined");
                                let access = access.unwrap_or(DeviceAccess {
                                    admin: false,
                                    read_only: false,
                                    removed: false,
                                });
                                self.open_session(&chamber, proof.device, access)
                            }
                            Err(e) => {
                                tracing::warn!(chamber = %chamber, device = %short(&proof.device), reason = %e, "join refused");
                                store_error(e)
                            }
                        }
                    }
                }
            }
            (_, None) => refuse(ErrorCode::Unauthenticated, "authenticate first"),
            (Frame::CreateInvite { token_hash, expires_at }, Some(s)) => {
                let now = now_secs();
                if !s.admin {
                    refuse(ErrorCode::Forbidden, "only the chamber's admin device can invite")
                } else if expires_at <= now || expires_at > now + MAX_INVITE_SECS {
                    refuse(ErrorCode::Malformed, "an invite must expire within 30 days")
                } else {
                    match self.storage.add_invite(&s.chamber, &token_hash, &s.device, expires_at) {
                        Ok(()) => Frame::Done,
                        Err(e) => store_error(e),
                    }
                }
            }
            (Frame::RequestAdmission { request }, Some(s)) => {
                if request.len() > MAX_ADMISSION_BYTES {
                    refuse(ErrorCode::TooLarge, "an admission request is at most 4 KiB")
                } else {
                    match self
                        .storage
                        .request_admission(&s.chamber, &s.device, &request, now_secs())
                    {
                        Ok(()) => {
                            tracing::info!(chamber = %s.chamber, device = %short(&s.device), "admission requested");
                            Frame::Done
                        }
                        Err(e) => store_error(e),
                    }
                }
            }
            (Frame::ListAdmissions, Some(s)) if s.admin => match self.storage.pending_admissions(&s.chamber) {
                Ok(rows) => Frame::Admissions {
                    requests: rows
                        .into_iter()
                        .map(|(device, request)| AdmissionRequest { device, request })
                        .collect(),
                },
                Err(e) => store_error(e),
            },
            (
                Frame::Admit {
                    device,
                    grant,
                    read_only,
                },
                Some(s),
            ) if s.admin => {
                if grant.len() > MAX_ADMISSION_BYTES {
                    refuse(ErrorCode::TooLarge, "an admission answer is at most 4 KiB")
                } else {
                    match self.storage.admit(&s.chamber, &device, &grant, read_only, now_secs()) {
                        Ok(()) => {
                            tracing::info!(chamber = %s.chamber, device = %short(&device), admitted = !grant.is_empty(), read_only, "admission answered");
                            self.set_session_access(&s.chamber, &device);
                            Frame::Done
                        }
                        Err(e) => store_error(e),
                    }
                }
            }
            (Frame::SetDeviceAccess { device, read_only }, Some(s)) if s.admin => {
                match self.storage.set_read_only(&s.chamber, &device, read_only) {
                    Ok(()) => {
                        tracing::info!(chamber = %s.chamber, device = %short(&device), read_only, "device access changed");
                        self.set_session_access(&s.chamber, &device);
                        Frame::Done
                    }
                    Err(e) => store_error(e),
                }
            }
            (Frame::Rotate { removed, epoch, grants }, Some(s)) if s.admin => self.rotate(s, removed, epoch, grants),
            (Frame::ListAdmissions | Frame::Admit { .. } | Frame::SetDeviceAccess { .. }, Some(_)) => refuse(
                ErrorCode::Forbidden,
                "only the chamber's admin device answers admissions",
            ),
            (Frame::Rotate { .. }, Some(_)) => refuse(
                ErrorCode::Forbidden,
                "only the chamber's admin device removes devices and changes the chamber key",
            ),
            (Frame::FetchKeys { after }, Some(s)) => match (
                self.storage.epoch(&s.chamber),
                self.storage.sealed_keys(&s.chamber, &s.device, after),
            ) {
                (Ok(epoch), Ok(rows)) => Frame::Keys {
                    epoch,
                    grants: rows
                        .into_iter()
                        .map(|(epoch, sealed)| SealedKey { epoch, sealed })
                        .collect(),
                },
                (Err(e), _) | (_, Err(e)) => store_error(e),
            },
            (Frame::FetchAdmission, Some(s)) => match self.storage.admission(&s.chamber, &s.device) {
                Ok(grant) => Frame::Admission { grant },
                Err(e) => store_error(e),
            },
            (Frame::Push { .. } | Frame::PutBlob { .. }, Some(s)) if s.read_only => {
                tracing::warn!(chamber = %s.chamber, device = %short(&s.device), "push from a read-only device refused");
                refuse(
                    ErrorCode::Forbidden,
                    "this device may read the chamber but not change it (a viewer)",
                )
            }
            (Frame::Push { batch_id, envelope }, Some(s)) => {
                if envelope.len() > MAX_BATCH_BYTES {
                    refuse(
                        ErrorCode::TooLarge,
                        format!("a batch may be at most {MAX_BATCH_BYTES} bytes"),
                    )
                } else {
                    match own_envelope(&envelope, &s.chamber, &s.device)
                        .map_err(|(code, message)| Box::new(refuse(code, message)))
                        .and_then(|epoch| {
                            self.storage
                                .append_batch(&s.chamber, &batch_id, &s.device, &envelope, epoch, now_secs())
                                .map_err(|e| Box::new(store_error(e)))
                        }) {
                        Ok((seq, duplicate)) => {
                            tracing::info!(chamber = %s.chamber, device = %short(&s.device), seq, bytes = envelope.len(), duplicate, "batch");
                            if !duplicate {
                                self.notify(&s.chamber, seq);
                            }
                            Frame::Pushed { seq, duplicate }
                        }
                        Err(refusal) => *refusal,
                    }
                }
            }
            (Frame::Pull { after, limit }, Some(s)) => self.pull(s, after, limit),
            (Frame::PutBlob { id, bytes }, Some(s)) if blob_route => {
                match self.storage.put_blob(&s.chamber, &id, &bytes) {
                    Ok(()) => {
                        tracing::info!(chamber = %s.chamber, bytes = bytes.len(), "attachment stored");
                        Frame::Done
                    }
                    Err(e) => store_error(e),
                }
            }
            (Frame::GetBlob { id }, Some(s)) if blob_route => match self.storage.get_blob(&s.chamber, &id) {
                Ok(Some(bytes)) => Frame::Blob { bytes },
                Ok(None) => refuse(ErrorCode::NotFound, "no such attachment"),
                Err(e) => store_error(e),
            },
            (Frame::PutBlob { .. } | Frame::GetBlob { .. }, Some(_)) => {
                refuse(ErrorCode::Unexpected, "attachments go to /v1/blob")
            }
            (Frame::HasBlobs { ids }, Some(s)) => {
                if ids.len() > MAX_PULL as usize {
                    refuse(ErrorCode::TooLarge, "ask about at most 1000 attachments at once")
                } else {
                    let present: Result<Vec<bool>, _> =
                        ids.iter().map(|id| self.storage.has_blob(&s.chamber, id)).collect();
                    match present {
                        Ok(present) => Frame::BlobsPresent { present },
                        Err(e) => store_error(e),
                    }
                }
            }
            (frame, Some(s)) if crate::links::is_link_request(&frame) => self.handle_link(frame, s, blob_route),
            (Frame::ChamberStatus, Some(s)) => {
                match (
                    self.storage.device_count(&s.chamber),
                    self.storage.latest_seq(&s.chamber),
                ) {
                    (Ok(devices), Ok(latest)) => Frame::ChamberInfo { devices, latest },
                    (Err(e), _) | (_, Err(e)) => store_error(e),
                }
            }
            (other, Some(_)) => refuse(ErrorCode::Unexpected, format!("{} is not a request", other.name())),
        };
        if let Frame::Error { code, message } = &reply {
            tracing::debug!(frame = name, code = code.as_str(), message = %message, "refused");
        }
        self.metrics.observe(name, &reply);
        reply
    }

    /// Registers `chamber` with the proving device as its admin, using up the
    /// registration token with hash `token` when the relay needs one.
    fn register(&self, chamber: &str, proof: &Proof, token: Option<&[u8; 32]>) -> Frame {
        if let Err((code, message)) = self.check_proof(proof, ProofPurpose::RegisterChamber, chamber) {
            return refuse(code, message);
        }
        match self.storage.create_chamber(chamber, &proof.device, token, now_secs()) {
            Ok(()) => {
                tracing::info!(chamber = %chamber, device = %short(&proof.device), "chamber registered");
                self.open_session(
                    chamber,
                    proof.device,
                    DeviceAccess {
                        admin: true,
                        read_only: false,
                        removed: false,
                    },
                )
            }
            Err(e) => {
                tracing::warn!(chamber = %chamber, device = %short(&proof.device), reason = %e, "registration refused");
                store_error(e)
            }
        }
    }

    fn rotate(&self, s: &SessionInfo, removed: Vec<[u8; 32]>, epoch: u32, grants: Vec<KeyGrant>) -> Frame {
        if grants.len() > MAX_GRANTS || removed.len() > MAX_GRANTS {
            return refuse(
                ErrorCode::TooLarge,
                format!("a rotation covers at most {MAX_GRANTS} devices"),
            );
        }
        if grants.iter().any(|g| g.sealed.len() > MAX_ADMISSION_BYTES) {
            return refuse(ErrorCode::TooLarge, "a sealed key is at most 4 KiB");
        }
        if removed.contains(&s.device) {
            return refuse(ErrorCode::Forbidden, "the chamber's admin device cannot remove itself");
        }
        if grants.iter().any(|g| removed.contains(&g.device)) {
            return refuse(ErrorCode::Malformed, "a removed device cannot be given the new key");
        }
        let grants: Vec<([u8; 32], Vec<u8>)> = grants.into_iter().map(|g| (g.device, g.sealed)).collect();
        match self.storage.rotate(&s.chamber, &removed, epoch, &grants, now_secs()) {
            Ok(()) => {
                tracing::info!(chamber = %s.chamber, epoch, removed = removed.len(), grants = grants.len(), "chamber key rotated");
                self.end_sessions(&s.chamber, &removed);
                Frame::Done
            }
            Err(e) => store_error(e),
        }
    }

    /// Batches after `after` for the session's chamber.
    pub fn pull(&self, s: &SessionInfo, after: u64, limit: u32) -> Frame {
        let limit = limit.clamp(1, MAX_PULL);
        // Leave room in the frame for the sequence numbers and lengths.
        let budget = MAX_FRAME_BYTES - 64 * 1024;
        match (
            self.storage.batches_after(&s.chamber, after, limit, budget),
            self.storage.latest_seq(&s.chamber),
        ) {
            (Ok(rows), Ok(latest)) => Frame::Batches {
                items: rows
                    .into_iter()
                    .map(|(seq, envelope)| StoredBatch { seq, envelope })
                    .collect(),
                latest,
            },
            (Err(e), _) | (_, Err(e)) => store_error(e),
        }
    }
}

/// Frame size limit of a route.
pub fn limit_for(blob_route: bool) -> usize {
    if blob_route {
        MAX_BLOB_FRAME_BYTES
    } else {
        MAX_FRAME_BYTES
    }
}

/// The key epoch of a pushed envelope that is the session's own, or why it
/// is not: each device pushes only what it signed itself, for its own
/// chamber (so a device cannot pass off a batch as another's, and a copied
/// batch cannot be replayed through another session or chamber).
fn own_envelope(envelope: &[u8], chamber: &str, device: &[u8; 32]) -> Result<u32, Refusal> {
    match nextdate_protocol::envelope::signed_body(envelope) {
        Err(nextdate_protocol::OpenError::BadSignature) => {
            Err((ErrorCode::Forbidden, "the batch's signature does not verify".into()))
        }
        Err(e) => Err((ErrorCode::Malformed, format!("the batch is not an envelope ({e})"))),
        Ok(body) if &body.device != device => Err((
            ErrorCode::Forbidden,
            "a batch must be signed by the device that sends it".into(),
        )),
        Ok(body) if body.chamber != chamber => {
            Err((ErrorCode::Forbidden, "the batch is sealed for another chamber".into()))
        }
        Ok(body) => Ok(body.epoch),
    }
}
