//! The device side of the relay protocol over plain HTTP (blocking): challenge
//! and proof, sessions, pushing encrypted batches, pulling after a cursor, and
//! encrypted attachments (in `blobs`: raw bodies on `/v1/blobs/{id}`, which
//! the relay streams). Every reply is checked to be the frame expected.

use std::io::Read;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::crypto::DeviceKeys;
use crate::error::SyncError;
use nextdate_protocol::frame::{
    AdmissionRequest, ErrorCode, Frame, KeyGrant, ProofPurpose, SealedKey, StoredBatch, MAX_BLOB_FRAME_BYTES,
    MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use nextdate_protocol::CertPin;

mod blobs;

/// The `Content-Type` of the relay's frames, its error frames included.
const FRAME_TYPE: &str = "application/octet-stream";

/// A session the relay granted.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: [u8; 32],
    pub chamber: String,
    pub admin: bool,
}

/// Runs a request again while the relay answers "too many requests" (it
/// handled nothing, so any request may be sent again), waiting a little
/// longer each time, for about half a minute in all; then gives up with
/// [`SyncError::RateLimited`], which the scheduler treats as transient.
fn patiently<T>(mut request: impl FnMut() -> Result<T, SyncError>) -> Result<T, SyncError> {
    let mut wait = Duration::from_millis(250);
    let mut waited = Duration::ZERO;
    loop {
        match request() {
            Err(SyncError::RateLimited) if waited < Duration::from_secs(30) => {
                std::thread::sleep(wait);
                waited += wait;
                wait = (wait * 2).min(Duration::from_secs(4));
            }
            other => return other,
        }
    }
}

/// A connection to one relay.
pub struct RelayClient {
    base: String,
    agent: ureq::Agent,
    session: Option<Session>,
}

/// Checks and normalises a relay address. Plain `http://` is refused except
/// on this computer (a loopback address or `localhost`): session and invite
/// tokens must not cross a network in clear.
pub fn normalise_relay_url(url: &str) -> Result<String, SyncError> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| SyncError::BadRelayUrl(url.to_string()))?;
    if rest.is_empty() || rest.contains(char::is_whitespace) || rest.contains('/') {
        return Err(SyncError::BadRelayUrl(url.to_string()));
    }
    let end = relay_endpoint_of(url)?;
    if !end.tls && !is_loopback_host(&end.host) {
        return Err(SyncError::PlainHttp(url.to_string()));
    }
    Ok(url.to_string())
}

/// Whether a host names this computer: `localhost`, 127.0.0.0/8 or ::1.
pub fn is_loopback_host(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Where a relay address points: whether it uses TLS, the host name (for the
/// certificate) and `host:port`, with the scheme's port when none is given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayEndpoint {
    pub tls: bool,
    pub host: String,
    pub host_port: String,
}

/// Splits a relay address into its [`RelayEndpoint`].
pub fn relay_endpoint(relay: &str) -> Result<RelayEndpoint, SyncError> {
    relay_endpoint_of(&normalise_relay_url(relay)?)
}

fn relay_endpoint_of(url: &str) -> Result<RelayEndpoint, SyncError> {
    let (tls, rest) = match url.strip_prefix("https://") {
        Some(rest) => (true, rest),
        None => (false, url.strip_prefix("http://").unwrap_or(url)),
    };
    let has_port = rest
        .rsplit_once(':')
        .is_some_and(|(h, p)| !h.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let host_port = if has_port {
        rest.to_string()
    } else {
        format!("{rest}:{}", if tls { 443 } else { 80 })
    };
    let host = host_port
        .rsplit_once(':')
        .map_or(rest, |(h, _)| h)
        .trim_matches(|c| c == '[' || c == ']')
        .to_string();
    Ok(RelayEndpoint { tls, host, host_port })
}

impl RelayEndpoint {
    /// A TCP connection to the relay, given up on after `timeout`.
    pub fn connect(&self, timeout: Duration) -> std::io::Result<TcpStream> {
        let addr =
            self.host_port.to_socket_addrs()?.next().ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::NotFound, "the relay's name gives no address")
            })?;
        TcpStream::connect_timeout(&addr, timeout)
    }
}

/// Why a request never got an answer, in words an advocate can act on.
fn in_plain_words(t: &ureq::Transport) -> String {
    let detail = t.to_string();
    match t.kind() {
        ureq::ErrorKind::Dns => "its address could not be found; check the relay address and the network".into(),
        ureq::ErrorKind::ConnectionFailed => {
            "nothing answered there; is the relay running, and is this laptop on the chamber's network?".into()
        }
        ureq::ErrorKind::Io if detail.contains("timed out") => "it did not answer in time".into(),
        ureq::ErrorKind::Io => "the connection dropped".into(),
        _ => detail,
    }
}

impl RelayClient {
    /// A client for `relay`; with `pin`, its TLS certificate must have that key.
    pub fn new(relay: &str, pin: Option<CertPin>) -> Result<RelayClient, SyncError> {
        Ok(RelayClient {
            base: normalise_relay_url(relay)?,
            agent: ureq::AgentBuilder::new()
                .tls_config(crate::tls::client_config(pin))
                .timeout_connect(Duration::from_secs(5))
                .timeout(Duration::from_secs(120))
                .build(),
            session: None,
        })
    }

    pub fn relay(&self) -> &str {
        &self.base
    }

    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    fn read_frame(&self, resp: ureq::Response, limit: usize) -> Result<Frame, SyncError> {
        let mut buf = Vec::new();
        resp.into_reader()
            .take(limit as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| SyncError::Unreachable(self.base.clone(), e.to_string()))?;
        Frame::decode(&buf, limit).map_err(|e| SyncError::Protocol(e.to_string()))
    }

    fn finish(&self, result: Result<ureq::Response, ureq::Error>, limit: usize) -> Result<Frame, SyncError> {
        let frame = match result {
            Ok(resp) => self.read_frame(resp, limit)?,
            Err(ureq::Error::Status(status, resp)) => match self.read_frame(resp, MAX_FRAME_BYTES) {
                Ok(f @ Frame::Error { .. }) => f,
                _ => {
                    return Err(SyncError::Protocol(format!(
                        "HTTP status {status} without an error frame"
                    )))
                }
            },
            Err(ureq::Error::Transport(t)) if crate::tls::is_pin_mismatch(&format!("{t:?}")) => {
                return Err(SyncError::ImpostorRelay(self.base.clone()))
            }
            Err(ureq::Error::Transport(t)) => {
                return Err(SyncError::Unreachable(self.base.clone(), in_plain_words(&t)))
            }
        };
        match frame {
            Frame::Error {
                code: ErrorCode::Removed,
                ..
            } => Err(SyncError::Removed),
            Frame::Error {
                code: ErrorCode::QuotaExceeded,
                message,
            } => Err(SyncError::QuotaExceeded(message)),
            Frame::Error {
                code: ErrorCode::RateLimited,
                ..
            } => Err(SyncError::RateLimited),
            Frame::Error { code, message } => Err(SyncError::Relay { code, message }),
            f => Ok(f),
        }
    }

    fn authorization(&self) -> Option<String> {
        self.session
            .as_ref()
            .map(|s| format!("Bearer {}", data_encoding::HEXLOWER.encode(&s.token)))
    }

    /// Sends one frame to `POST /v1` (or `/v1/blob` for attachments).
    pub fn call(&self, frame: &Frame) -> Result<Frame, SyncError> {
        let blob = matches!(
            frame,
            Frame::PutBlob { .. } | Frame::GetBlob { .. } | Frame::PutLinkFile { .. }
        );
        let (path, limit) = if blob {
            ("/v1/blob", MAX_BLOB_FRAME_BYTES)
        } else {
            ("/v1", MAX_FRAME_BYTES)
        };
        let mut req = self
            .agent
            .post(&format!("{}{path}", self.base))
            .set("content-type", FRAME_TYPE);
        if let Some(auth) = self.authorization() {
            req = req.set("authorization", &auth);
        }
        let body = frame.encode();
        patiently(|| self.finish(req.clone().send_bytes(&body), limit))
    }

    fn challenge(&self, keys: &DeviceKeys) -> Result<[u8; 32], SyncError> {
        match self.call(&Frame::Hello {
            version: PROTOCOL_VERSION,
            device: keys.public(),
        })? {
            Frame::Challenge { nonce } => Ok(nonce),
            f => Err(unexpected("challenge", &f)),
        }
    }

    fn open_session(&mut self, request: Frame) -> Result<Session, SyncError> {
        match self.call(&request)? {
            Frame::Session { token, chamber, admin } => {
                let s = Session { token, chamber, admin };
                self.session = Some(s.clone());
                Ok(s)
            }
            f => Err(unexpected("session", &f)),
        }
    }

    /// Proves this device's key and opens a session in `chamber`.
    pub fn authenticate(&mut self, keys: &DeviceKeys, chamber: &str) -> Result<Session, SyncError> {
        let nonce = self.challenge(keys)?;
        let proof = keys.prove(ProofPurpose::Authenticate, chamber, nonce);
        self.open_session(Frame::Authenticate {
            chamber: chamber.to_string(),
            proof,
        })
    }

    /// Registers a new chamber with this device as its admin, with the
    /// operator's registration token when the relay needs one.
    pub fn register_chamber(
        &mut self,
        keys: &DeviceKeys,
        chamber: &str,
        token: Option<[u8; 32]>,
    ) -> Result<Session, SyncError> {
        let nonce = self.challenge(keys)?;
        let proof = keys.prove(ProofPurpose::RegisterChamber, chamber, nonce);
        let chamber = chamber.to_string();
        let frame = match token {
            Some(token) => Frame::RegisterChamberWithToken { chamber, token, proof },
            None => Frame::RegisterChamber { chamber, proof },
        };
        self.open_session(frame).map_err(|e| match e {
            SyncError::Relay {
                code: ErrorCode::BadToken,
                message,
            } => SyncError::RegistrationRefused(message),
            other => other,
        })
    }

    /// Redeems an invite token for this device.
    pub fn join(&mut self, keys: &DeviceKeys, chamber: &str, token: [u8; 32]) -> Result<Session, SyncError> {
        let nonce = self.challenge(keys)?;
        let proof = keys.prove(ProofPurpose::Join, chamber, nonce);
        self.open_session(Frame::Join {
            chamber: chamber.to_string(),
            token,
            proof,
        })
    }

    pub fn create_invite(&self, token_hash: [u8; 32], expires_at: i64) -> Result<(), SyncError> {
        match self.call(&Frame::CreateInvite { token_hash, expires_at })? {
            Frame::Done => Ok(()),
            f => Err(unexpected("done", &f)),
        }
    }

    /// Stores a sealed batch; returns its sequence number and whether the relay already had it.
    pub fn push(&self, batch_id: [u8; 16], envelope: Vec<u8>) -> Result<Pushed, SyncError> {
        match self.call(&Frame::Push { batch_id, envelope })? {
            Frame::Pushed { seq, duplicate } => Ok(Pushed { seq, duplicate }),
            f => Err(unexpected("pushed", &f)),
        }
    }

    /// Plain HTTP pull: `GET /v1/batches?after=N&limit=M`.
    pub fn pull(&self, after: u64, limit: u32) -> Result<Page, SyncError> {
        let mut req = self
            .agent
            .get(&format!("{}/v1/batches", self.base))
            .query("after", &after.to_string())
            .query("limit", &limit.to_string());
        if let Some(auth) = self.authorization() {
            req = req.set("authorization", &auth);
        }
        match patiently(|| self.finish(req.clone().call(), MAX_FRAME_BYTES))? {
            Frame::Batches { items, latest } => {
                let mut prev = after;
                for b in &items {
                    if b.seq <= prev {
                        return Err(SyncError::Protocol("batches out of order".into()));
                    }
                    prev = b.seq;
                }
                Ok(Page { batches: items, latest })
            }
            f => Err(unexpected("batches", &f)),
        }
    }

    /// Leaves this (just joined) device's sealed request to be let in.
    pub fn request_admission(&self, request: Vec<u8>) -> Result<(), SyncError> {
        match self.call(&Frame::RequestAdmission { request })? {
            Frame::Done => Ok(()),
            f => Err(unexpected("done", &f)),
        }
    }

    /// (admin) The requests waiting for an answer.
    pub fn list_admissions(&self) -> Result<Vec<AdmissionRequest>, SyncError> {
        match self.call(&Frame::ListAdmissions)? {
            Frame::Admissions { requests } => Ok(requests),
            f => Err(unexpected("admissions", &f)),
        }
    }

    /// (admin) Answers a request (an empty grant refuses it).
    pub fn admit(&self, device: [u8; 32], grant: Vec<u8>, read_only: bool) -> Result<(), SyncError> {
        match self.call(&Frame::Admit {
            device,
            grant,
            read_only,
        })? {
            Frame::Done => Ok(()),
            f => Err(unexpected("done", &f)),
        }
    }

    /// The answer to this device's request, once the admin has given one.
    pub fn fetch_admission(&self) -> Result<Option<Vec<u8>>, SyncError> {
        match self.call(&Frame::FetchAdmission)? {
            Frame::Admission { grant } => Ok(grant),
            f => Err(unexpected("admission", &f)),
        }
    }

    /// (admin) Whether a device may push (a viewer's may not).
    pub fn set_device_access(&self, device: [u8; 32], read_only: bool) -> Result<(), SyncError> {
        match self.call(&Frame::SetDeviceAccess { device, read_only })? {
            Frame::Done => Ok(()),
            f => Err(unexpected("done", &f)),
        }
    }

    /// (admin) Removes devices and starts key epoch `epoch` with each
    /// remaining device's sealed copy of the new key.
    pub fn rotate(&self, removed: Vec<[u8; 32]>, epoch: u32, grants: Vec<KeyGrant>) -> Result<(), SyncError> {
        match self.call(&Frame::Rotate { removed, epoch, grants })? {
            Frame::Done => Ok(()),
            f => Err(unexpected("done", &f)),
        }
    }

    /// The chamber's current key epoch and the keys sealed to this device after `after`.
    pub fn fetch_keys(&self, after: u32) -> Result<(u32, Vec<SealedKey>), SyncError> {
        match self.call(&Frame::FetchKeys { after })? {
            Frame::Keys { epoch, grants } => Ok((epoch, grants)),
            f => Err(unexpected("keys", &f)),
        }
    }

    pub fn chamber_status(&self) -> Result<ChamberStatus, SyncError> {
        match self.call(&Frame::ChamberStatus)? {
            Frame::ChamberInfo { devices, latest } => Ok(ChamberStatus { devices, latest }),
            f => Err(unexpected("chamber info", &f)),
        }
    }
}

/// Where the relay filed a pushed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// The batch's sequence number in the chamber's log.
    pub seq: u64,
    /// The relay already had this batch id (a retried push).
    pub duplicate: bool,
}

/// One page of the chamber's log.
#[derive(Debug, Clone)]
pub struct Page {
    /// The batches after the cursor, in sequence order.
    pub batches: Vec<StoredBatch>,
    /// The newest sequence number the relay holds.
    pub latest: u64,
}

/// What the relay knows of the chamber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChamberStatus {
    /// Devices registered with the relay.
    pub devices: u32,
    /// The newest sequence number in the chamber's log.
    pub latest: u64,
}

fn unexpected(wanted: &str, got: &Frame) -> SyncError {
    SyncError::Protocol(format!("expected {wanted}, got {}", got.name()))
}

#[cfg(test)]
mod tests {
    use super::{is_loopback_host, normalise_relay_url, relay_endpoint, RelayEndpoint};
    use crate::error::SyncError;

    #[test]
    fn relay_addresses_split_into_tls_host_and_port() {
        let e = |tls, host: &str, host_port: &str| RelayEndpoint {
            tls,
            host: host.into(),
            host_port: host_port.into(),
        };
        assert_eq!(
            relay_endpoint("https://10.0.0.5:7070/").unwrap(),
            e(true, "10.0.0.5", "10.0.0.5:7070")
        );
        assert_eq!(
            relay_endpoint("https://relay.example.in").unwrap(),
            e(true, "relay.example.in", "relay.example.in:443")
        );
        assert_eq!(
            relay_endpoint("http://localhost").unwrap(),
            e(false, "localhost", "localhost:80")
        );
        assert_eq!(
            relay_endpoint("http://[::1]:7070").unwrap(),
            e(false, "::1", "[::1]:7070")
        );
        assert_eq!(relay_endpoint("https://[::1]").unwrap(), e(true, "::1", "[::1]:443"));
        assert_eq!(relay_endpoint("ftp://x").unwrap_err().code(), "bad_relay_url");
    }

    /// Plain HTTP only to this computer: the check itself, with no traffic
    /// sent anywhere.
    #[test]
    fn plain_http_is_refused_beyond_loopback() {
        for ok in [
            "http://127.0.0.1:7070",
            "http://127.8.9.10",
            "http://[::1]:7070",
            "http://LocalHost:1",
        ] {
            assert!(normalise_relay_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.5:7070",
            "http://relay.office.lan",
            "http://0.0.0.0:7070",
            "http://[::]:7070",
            "http://[fe80::1]",
        ] {
            let err = normalise_relay_url(bad).unwrap_err();
            assert!(matches!(err, SyncError::PlainHttp(_)), "{bad}: {err}");
            assert!(err.to_string().contains("https://"), "{err}");
        }
        assert!(normalise_relay_url("https://10.0.0.5:7070").is_ok());
        assert!(is_loopback_host("127.0.0.1") && !is_loopback_host("localhost.evil.example"));
    }
}
