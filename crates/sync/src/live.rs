//! Live updates: a WebSocket to the relay's `/v1/live` on which the relay says
//! when the chamber's log has grown (`Notify { latest }`), so a device pulls at
//! once instead of waiting for its next timed round.
//!
//! The socket is only a hint. What a device has is decided by its cursor and
//! the HTTP pull, so a socket that drops, or a notification that is missed,
//! loses nothing: the next round (timed, or after reconnecting) catches up.
//! Nothing secret travels on it: the session token (as on every request) and
//! the log position.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use nextdate_diary::Diary;
use nextdate_protocol::frame::{Frame, MAX_FRAME_BYTES};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::{Message, WebSocket};

use crate::client::{relay_endpoint, RelayClient};
use crate::crypto::DeviceKeys;
use crate::engine::load_config;
use crate::error::SyncError;

/// Where to listen, read from the diary (so the diary is not held while connecting).
pub struct LiveTarget {
    relay: String,
    pin: Option<nextdate_protocol::CertPin>,
    keys: DeviceKeys,
    chamber: String,
}

impl LiveTarget {
    /// The live target of a diary set up for sync.
    pub fn of(d: &Diary) -> Result<LiveTarget, SyncError> {
        let cfg = load_config(d)?;
        Ok(LiveTarget {
            relay: cfg.relay,
            pin: cfg.pin,
            keys: cfg.keys,
            chamber: cfg.chamber,
        })
    }

    pub fn relay(&self) -> &str {
        &self.relay
    }
}

/// A byte stream a WebSocket can run on: plain TCP or TLS over TCP.
trait Transport: Read + Write + Send {}
impl<T: Read + Write + Send> Transport for T {}

/// An open live connection.
pub struct LiveFeed {
    socket: WebSocket<Box<dyn Transport>>,
    /// The TCP connection under the socket, to set read timeouts on.
    tcp: TcpStream,
}

impl std::fmt::Debug for LiveFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveFeed").finish_non_exhaustive()
    }
}

/// What waiting on the feed gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    /// The chamber's log now ends at this position.
    Grew(u64),
    /// Nothing within the wait.
    Quiet,
}

fn unreachable(relay: &str, e: impl std::fmt::Display) -> SyncError {
    SyncError::Unreachable(relay.to_string(), e.to_string())
}

/// The open connection failed (the relay stopped or the network dropped).
fn lost(e: impl std::fmt::Display) -> SyncError {
    unreachable("the live connection", e)
}

impl LiveFeed {
    /// Proves this device to the relay (over HTTP, as a sync round does) and
    /// opens the live socket with that session.
    pub fn connect(target: &LiveTarget) -> Result<LiveFeed, SyncError> {
        let mut client = RelayClient::new(&target.relay, target.pin)?;
        let session = client.authenticate(&target.keys, &target.chamber)?;
        let relay = &target.relay;
        let end = relay_endpoint(relay)?;
        let tcp = end.connect(Duration::from_secs(5)).map_err(|e| unreachable(relay, e))?;
        tcp.set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| unreachable(relay, e))?;
        tcp.set_nodelay(true).map_err(|e| unreachable(relay, e))?;
        let handle = tcp.try_clone().map_err(|e| unreachable(relay, e))?;
        let stream: Box<dyn Transport> = if end.tls {
            let name = rustls::pki_types::ServerName::try_from(end.host.clone())
                .map_err(|e| SyncError::BadRelayUrl(format!("{relay} ({e})")))?;
            let conn = rustls::ClientConnection::new(crate::tls::client_config(target.pin), name)
                .map_err(|e| unreachable(relay, e))?;
            Box::new(rustls::StreamOwned::new(conn, tcp))
        } else {
            Box::new(tcp)
        };
        let scheme = if end.tls { "wss" } else { "ws" };
        let mut request = format!("{scheme}://{}/v1/live", end.host_port)
            .into_client_request()
            .map_err(|e| SyncError::BadRelayUrl(format!("{relay} ({e})")))?;
        let bearer = format!("Bearer {}", data_encoding::HEXLOWER.encode(&session.token));
        request.headers_mut().insert(
            "authorization",
            HeaderValue::from_str(&bearer).expect("hex is a valid header value"),
        );
        let config = tungstenite::protocol::WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME_BYTES))
            .max_frame_size(Some(MAX_FRAME_BYTES));
        let (socket, _) = tungstenite::client::client_with_config(request, stream, Some(config))
            .map_err(|e| unreachable(relay, format!("live connection refused: {e}")))?;
        Ok(LiveFeed { socket, tcp: handle })
    }

    /// Waits up to `wait` for the relay to say the log grew. An error means the
    /// connection is gone (relay stopped, network dropped, or it sent something
    /// that is not a frame): connect again later.
    pub fn next(&mut self, wait: Duration) -> Result<LiveEvent, SyncError> {
        self.tcp
            .set_read_timeout(Some(wait.max(Duration::from_millis(10))))
            .map_err(lost)?;
        match self.socket.read() {
            Ok(Message::Binary(bytes)) => match Frame::decode(&bytes, MAX_FRAME_BYTES) {
                Ok(Frame::Notify { latest }) => Ok(LiveEvent::Grew(latest)),
                Ok(Frame::Error {
                    code: nextdate_protocol::frame::ErrorCode::Removed,
                    ..
                }) => Err(SyncError::Removed),
                Ok(Frame::Error { message, .. }) => Err(lost(format!("the relay said: {message}"))),
                Ok(_) => Ok(LiveEvent::Quiet),
                Err(e) => Err(SyncError::Protocol(e.to_string())),
            },
            Ok(Message::Close(_)) => Err(lost("the relay closed it")),
            Ok(_) => Ok(LiveEvent::Quiet), // ping, pong, text: nothing to act on
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
            {
                Ok(LiveEvent::Quiet)
            }
            Err(e) => Err(lost(e)),
        }
    }

    /// Checks the connection is still there (a ping the relay answers).
    pub fn ping(&mut self) -> Result<(), SyncError> {
        self.socket.send(Message::Ping(Vec::new().into())).map_err(lost)
    }
}
