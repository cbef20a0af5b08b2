//! Who may talk to this relay instance: the challenges it issued (see
//! `crate::challenges`) and the sessions it opened for proven devices, each
//! kept in this process's memory. A proof is checked against a challenge
//! issued here (each works once) and the device's signature; a session lasts
//! an hour, a device keeps at most eight (its oldest goes first), and a
//! removed device's sessions end at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nextdate_protocol::frame::{ErrorCode, Proof, ProofPurpose};
use nextdate_protocol::proof::verify_proof;
use rand::rngs::OsRng;
use rand::RngCore;

use crate::challenges::Challenges;
use crate::handler::Refusal;
use crate::storage::DeviceAccess;

const SESSION_TTL: Duration = Duration::from_secs(3600);
/// Outstanding challenges are capped so a flood cannot exhaust memory.
const MAX_CHALLENGES: usize = 100_000;
const CHALLENGES_PER_DEVICE: usize = 4;
/// Open sessions per device: a laptop needs one or two; its oldest goes first.
const SESSIONS_PER_DEVICE: usize = 8;

/// An authenticated device.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub chamber: String,
    pub device: [u8; 32],
    pub admin: bool,
    /// A viewer's device: reads, never pushes.
    pub read_only: bool,
    pub(crate) token: [u8; 32],
    expires: Instant,
}

/// Challenges issued and sessions open.
pub struct Sessions {
    challenges: Mutex<Challenges>,
    open: Mutex<HashMap<[u8; 32], SessionInfo>>,
}

impl Default for Sessions {
    fn default() -> Sessions {
        Sessions {
            challenges: Mutex::new(Challenges::new(MAX_CHALLENGES, CHALLENGES_PER_DEVICE)),
            open: Mutex::new(HashMap::new()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // Nothing here is left half-changed by a panic, so a poisoned lock is safe to use.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn valid_chamber_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Sessions {
    /// A fresh nonce for `device` to sign.
    pub fn issue_challenge(&self, device: [u8; 32]) -> [u8; 32] {
        let mut nonce = [0u8; 32];
        OsRng.fill_bytes(&mut nonce);
        lock(&self.challenges).issue(device, nonce, Instant::now());
        nonce
    }

    /// Checks a proof against a challenge this relay issued (each challenge works once).
    pub fn check_proof(&self, proof: &Proof, purpose: ProofPurpose, chamber: &str) -> Result<(), Refusal> {
        if !valid_chamber_id(chamber) {
            return Err((ErrorCode::Malformed, "that is not a chamber id".into()));
        }
        if !lock(&self.challenges).take(&proof.nonce, &proof.device, Instant::now()) {
            return Err((
                ErrorCode::BadProof,
                "unknown or expired challenge; ask for a new one".into(),
            ));
        }
        if !verify_proof(proof, purpose, chamber) {
            return Err((ErrorCode::BadProof, "the signature does not verify".into()));
        }
        Ok(())
    }

    /// Opens a session for a proven device.
    pub fn open(&self, chamber: &str, device: [u8; 32], access: DeviceAccess) -> SessionInfo {
        let mut token = [0u8; 32];
        OsRng.fill_bytes(&mut token);
        let mut open = lock(&self.open);
        let now = Instant::now();
        open.retain(|_, s| s.expires > now);
        let mut mine: Vec<([u8; 32], Instant)> = open
            .values()
            .filter(|s| s.chamber == chamber && s.device == device)
            .map(|s| (s.token, s.expires))
            .collect();
        if mine.len() >= SESSIONS_PER_DEVICE {
            mine.sort_by_key(|(_, expires)| *expires);
            for (token, _) in &mine[..=mine.len() - SESSIONS_PER_DEVICE] {
                open.remove(token);
            }
        }
        let session = SessionInfo {
            chamber: chamber.to_string(),
            device,
            admin: access.admin,
            read_only: access.read_only,
            token,
            expires: now + SESSION_TTL,
        };
        open.insert(token, session.clone());
        session
    }

    /// The session a bearer token names, if it is valid.
    pub fn get(&self, token: &[u8; 32]) -> Option<SessionInfo> {
        lock(&self.open)
            .get(token)
            .filter(|s| s.expires > Instant::now())
            .cloned()
    }

    /// Whether a session is still open (not expired, its device not removed).
    pub fn alive(&self, s: &SessionInfo) -> bool {
        self.get(&s.token).is_some()
    }

    /// Open sessions of `device` take a changed push right at once.
    pub fn set_access(&self, chamber: &str, device: &[u8; 32], read_only: bool) {
        for s in lock(&self.open).values_mut() {
            if s.chamber == chamber && s.device == *device {
                s.read_only = read_only;
            }
        }
    }

    /// Ends every session of the removed devices.
    pub fn end(&self, chamber: &str, removed: &[[u8; 32]]) {
        lock(&self.open).retain(|_, s| !(s.chamber == chamber && removed.contains(&s.device)));
    }

    /// Open sessions and outstanding challenges (for the metrics).
    pub fn pending(&self) -> (usize, usize) {
        (lock(&self.open).len(), lock(&self.challenges).len())
    }
}
