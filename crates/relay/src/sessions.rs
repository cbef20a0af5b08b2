//! Who may talk to the relay: challenges (see `crate::challenges`: signed by
//! the relay's secret, so any instance checks any) and the sessions opened
//! for proven devices. Sessions live in storage under the hash of their
//! bearer token, so a laptop that proved itself to one instance is served by
//! every other on the same database; each instance keeps what it read in a
//! small cache, read again after [`RECHECK`] and dropped at once when a
//! device's access changes here or (announced) on another instance. A
//! session lasts an hour, a device keeps at most eight (its oldest goes
//! first), and a removed device's sessions end at once.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use nextdate_protocol::frame::{ErrorCode, Proof, ProofPurpose};
use nextdate_protocol::proof::verify_proof;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::challenges::ChallengeKey;
use crate::handler::{now_secs, Refusal};
use crate::storage::{DeviceAccess, Storage, StoreResult};

const SESSION_TTL: Duration = Duration::from_secs(3600);
/// Open sessions per device: a laptop needs one or two; its oldest goes first.
const SESSIONS_PER_DEVICE: u32 = 8;
/// How long this instance trusts what it read of a session before reading it
/// again (what another instance changed without being heard reaches it by then).
const RECHECK: Duration = Duration::from_secs(30);
/// Sessions one instance keeps in its cache at most.
const CACHED_AT_MOST: usize = 100_000;
/// The name of the secret that signs challenges, in storage.
const CHALLENGE_SECRET: &str = "challenge-key";

/// An authenticated device.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub chamber: String,
    pub device: [u8; 32],
    pub admin: bool,
    /// A viewer's device: reads, never pushes.
    pub read_only: bool,
    pub(crate) token: [u8; 32],
    /// Unix seconds.
    expires_at: i64,
}

struct Cached {
    session: SessionInfo,
    read: Instant,
}

/// The challenge key and this instance's cache of sessions.
#[derive(Default)]
pub struct Sessions {
    key: OnceLock<ChallengeKey>,
    cache: Mutex<HashMap<[u8; 32], Cached>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing here is left half-changed by a panic, so a poisoned lock is safe to use.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn valid_chamber_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// What storage keeps of a token: its hash, so a copy of the database opens no session.
fn token_hash(token: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(token).into()
}

fn internal(what: &str, e: impl std::fmt::Display) -> Refusal {
    tracing::error!(error = %e, "{what}");
    (
        ErrorCode::Internal,
        "the relay could not store or read that; try again".into(),
    )
}

impl Sessions {
    /// The challenge key: read from storage (made there by the first instance to need it).
    fn key(&self, storage: &dyn Storage) -> Result<&ChallengeKey, Refusal> {
        if let Some(key) = self.key.get() {
            return Ok(key);
        }
        let mut fresh = [0u8; 32];
        OsRng.fill_bytes(&mut fresh);
        let secret = storage
            .relay_secret(CHALLENGE_SECRET, &fresh)
            .map_err(|e| internal("cannot read the challenge key", e))?;
        Ok(self.key.get_or_init(|| ChallengeKey::new(secret)))
    }

    /// A fresh nonce for `device` to sign.
    pub fn issue_challenge(&self, storage: &dyn Storage, device: [u8; 32]) -> Result<[u8; 32], Refusal> {
        Ok(self.key(storage)?.issue(&device, now_ms()))
    }

    /// Checks a proof against a challenge this relay issued (each works once).
    pub fn check_proof(
        &self,
        storage: &dyn Storage,
        proof: &Proof,
        purpose: ProofPurpose,
        chamber: &str,
    ) -> Result<(), Refusal> {
        if !valid_chamber_id(chamber) {
            return Err((ErrorCode::Malformed, "that is not a chamber id".into()));
        }
        let Some(expires_at) = self.key(storage)?.check(&proof.nonce, &proof.device, now_ms()) else {
            return Err((
                ErrorCode::BadProof,
                "unknown or expired challenge; ask for a new one".into(),
            ));
        };
        if !verify_proof(proof, purpose, chamber) {
            return Err((ErrorCode::BadProof, "the signature does not verify".into()));
        }
        match storage.spend_challenge(&proof.nonce, expires_at, now_secs()) {
            Ok(true) => Ok(()),
            Ok(false) => Err((
                ErrorCode::BadProof,
                "that challenge was answered already; ask for a new one".into(),
            )),
            Err(e) => Err(internal("cannot record an answered challenge", e)),
        }
    }

    /// Opens a session for a proven device.
    pub fn open(
        &self,
        storage: &dyn Storage,
        chamber: &str,
        device: [u8; 32],
        access: DeviceAccess,
    ) -> StoreResult<SessionInfo> {
        let mut token = [0u8; 32];
        OsRng.fill_bytes(&mut token);
        let now = now_secs();
        let expires_at = now + SESSION_TTL.as_secs() as i64;
        storage.open_session(
            &token_hash(&token),
            chamber,
            &device,
            expires_at,
            now,
            SESSIONS_PER_DEVICE,
        )?;
        let session = SessionInfo {
            chamber: chamber.to_string(),
            device,
            admin: access.admin,
            read_only: access.read_only,
            token,
            expires_at,
        };
        self.remember(session.clone());
        Ok(session)
    }

    fn remember(&self, session: SessionInfo) {
        let mut cache = lock(&self.cache);
        if cache.len() >= CACHED_AT_MOST {
            cache.retain(|_, c| c.read.elapsed() < RECHECK);
            if cache.len() >= CACHED_AT_MOST {
                cache.clear();
            }
        }
        cache.insert(
            session.token,
            Cached {
                session,
                read: Instant::now(),
            },
        );
    }

    /// The session `token` names, from the cache if read there lately
    /// (`None`: ask [`Sessions::get`], which may read storage).
    pub fn cached(&self, token: &[u8; 32]) -> Option<SessionInfo> {
        lock(&self.cache)
            .get(token)
            .filter(|c| c.read.elapsed() < RECHECK && c.session.expires_at > now_secs())
            .map(|c| c.session.clone())
    }

    /// The session a bearer token names, if it is open (not expired, its
    /// device not removed). Blocking: it may read storage.
    pub fn get(&self, storage: &dyn Storage, token: &[u8; 32]) -> StoreResult<Option<SessionInfo>> {
        if let Some(s) = self.cached(token) {
            return Ok(Some(s));
        }
        let stored = storage
            .session(&token_hash(token), now_secs())?
            .filter(|s| !s.access.removed);
        let Some(stored) = stored else {
            lock(&self.cache).remove(token);
            return Ok(None);
        };
        let session = SessionInfo {
            chamber: stored.chamber,
            device: stored.device,
            admin: stored.access.admin,
            read_only: stored.access.read_only,
            token: *token,
            expires_at: stored.expires_at,
        };
        self.remember(session.clone());
        Ok(Some(session))
    }

    /// Forgets what this instance read of the sessions of `devices`, so the
    /// next request reads their access (changed, or removed) from storage.
    pub fn forget(&self, chamber: &str, devices: &[[u8; 32]]) {
        lock(&self.cache).retain(|_, c| !(c.session.chamber == chamber && devices.contains(&c.session.device)));
    }
}
