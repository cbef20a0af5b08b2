//! HTTP and WebSocket routes:
//! - `GET /health`: only whether the relay (and its storage) is up (JSON);
//! - `POST /v1`: one request frame in, one reply frame out;
//! - `POST /v1/blob`: the same for attachments (larger limit), for laptops
//!   from before the next two routes;
//! - `PUT` and `GET /v1/blobs/{id}`: an attachment as the raw body, streamed
//!   in and out a part at a time (see `crate::blobs`);
//! - `GET /v1/batches?after=N&limit=M`: plain HTTP pull;
//! - `GET /v1/live`: WebSocket; request frames in, replies out, and a `Notify`
//!   frame of the newest sequence number whenever the chamber's log grows (a
//!   burst told in one, see `crate::notifications`);
//! - `GET /s/{id}` and below: a client's status link (see `crate::viewer`).
//!
//! Every route but `/health` counts against its address's rate
//! (`crate::limits`), then waits its turn under the concurrency limit, with
//! timeouts on the body and the whole request. A request's session is
//! checked before its body is read: without one, only a few KiB are read
//! (and nothing on the attachment routes); with one, the device's own rate applies.
//! Bodies are read up to the route's limit and decoded; anything else gets an
//! error frame with the matching HTTP status, and the relay carries on.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Extension;
use axum::{Json, Router};
use nextdate_protocol::frame::{ErrorCode, Frame, MAX_FRAME_BYTES};
use serde::Deserialize;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::handler::{limit_for, Refusal, Relay, SessionInfo};
use crate::limits::{too_many, Guard, SocketSlot};

pub fn router(relay: Arc<Relay>, guard: Arc<Guard>) -> Router {
    let limits = &guard.limits;
    let timed = |d| TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, d);
    let requests = Router::new()
        .route("/v1", post(rpc))
        .route("/v1/batches", get(pull))
        .merge(crate::viewer::routes())
        .layer(timed(limits.request_timeout));
    let blobs = Router::new()
        .route("/v1/blob", post(rpc_blob))
        .route("/v1/blobs/{id}", put(crate::blobs::put).get(crate::blobs::get))
        .layer(timed(limits.blob_timeout));
    Router::new()
        .merge(requests)
        .merge(blobs)
        .route("/v1/live", get(live))
        .layer(RequestBodyTimeoutLayer::new(limits.body_timeout))
        .layer(GlobalConcurrencyLimitLayer::new(limits.concurrency.max(1)))
        .layer(axum::middleware::from_fn_with_state(
            guard.clone(),
            crate::limits::per_address,
        ))
        // Monitoring may ask as often as it likes.
        .route("/health", get(health))
        .layer(Extension(guard))
        .layer(DefaultBodyLimit::disable())
        .with_state(relay)
}

pub(crate) fn frame_response(frame: Frame) -> Response {
    let status = match &frame {
        Frame::Error { code, .. } => StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::BAD_REQUEST),
        _ => StatusCode::OK,
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/octet-stream")],
        frame.encode(),
    )
        .into_response()
}

/// The session the request's bearer token names: none without the header;
/// refused when the token is garbled, expired or its device removed.
pub(crate) async fn bearer(relay: &Arc<Relay>, headers: &HeaderMap) -> Result<Option<SessionInfo>, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|h| data_encoding::HEXLOWER.decode(h.as_bytes()).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| {
            (
                ErrorCode::Malformed,
                "the authorization header is not a session token".to_string(),
            )
        })?;
    match relay.session(&token).await {
        Ok(Some(s)) => Ok(Some(s)),
        Ok(None) => Err((
            ErrorCode::Unauthenticated,
            "the session has expired; authenticate again".to_string(),
        )),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a session");
            Err((
                ErrorCode::Internal,
                "the relay could not read the session; try again".to_string(),
            ))
        }
    }
}

/// Reads a body of at most `limit` bytes: over it, "too large"; a body that
/// stops arriving (the body timeout) or breaks off, "malformed".
async fn read_body(body: Body, limit: usize) -> Result<Bytes, Frame> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let over = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if over {
            Frame::error(ErrorCode::TooLarge, format!("a request may be at most {limit} bytes"))
        } else {
            Frame::error(
                ErrorCode::Malformed,
                "the request's body did not arrive in time or broke off",
            )
        }
    })
}

async fn handle_http(
    relay: Arc<Relay>,
    guard: Arc<Guard>,
    headers: HeaderMap,
    body: Body,
    blob_route: bool,
) -> Response {
    let route = if blob_route { "/v1/blob" } else { "/v1" };
    let session = match bearer(&relay, &headers).await {
        Ok(s) => s,
        Err((code, message)) => return frame_response(Frame::error(code, message)),
    };
    let limit = match &session {
        Some(s) if !guard.device_allowed(&s.device) => return too_many(route),
        Some(_) => limit_for(blob_route),
        // Everything on the blob route needs a session: read nothing.
        None if blob_route => return frame_response(Frame::error(ErrorCode::Unauthenticated, "authenticate first")),
        None => guard.limits.unauthenticated_body,
    };
    let bytes = match read_body(body, limit).await {
        Ok(b) => b,
        Err(f) => {
            tracing::warn!(route, authenticated = session.is_some(), "oversized request refused");
            return frame_response(f);
        }
    };
    let frame = match Frame::decode(&bytes, limit) {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(bytes = bytes.len(), error = %e, "malformed request refused");
            return frame_response(Frame::error(e.code(), e.to_string()));
        }
    };
    // Storage calls block briefly on SQLite; keep them off the async workers.
    let reply = tokio::task::spawn_blocking(move || relay.handle(frame, session.as_ref(), blob_route))
        .await
        .unwrap_or_else(|_| Frame::error(ErrorCode::Internal, "the relay failed on that request"));
    frame_response(reply)
}

async fn rpc(
    State(relay): State<Arc<Relay>>,
    Extension(guard): Extension<Arc<Guard>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    handle_http(relay, guard, headers, body, false).await
}

async fn rpc_blob(
    State(relay): State<Arc<Relay>>,
    Extension(guard): Extension<Arc<Guard>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    handle_http(relay, guard, headers, body, true).await
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: u64,
    limit: Option<u32>,
}

async fn pull(
    State(relay): State<Arc<Relay>>,
    Extension(guard): Extension<Arc<Guard>>,
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> Response {
    let session = match bearer(&relay, &headers).await {
        Ok(Some(s)) if !guard.device_allowed(&s.device) => return too_many("/v1/batches"),
        Ok(Some(s)) => s,
        Ok(None) => return frame_response(Frame::error(ErrorCode::Unauthenticated, "authenticate first")),
        Err((code, message)) => return frame_response(Frame::error(code, message)),
    };
    let reply = tokio::task::spawn_blocking(move || relay.pull(&session, q.after, q.limit.unwrap_or(200)))
        .await
        .unwrap_or_else(|_| Frame::error(ErrorCode::Internal, "the relay failed on that request"));
    frame_response(reply)
}

/// Up or not, and nothing else: counts of chambers or devices are for the
/// operator (`chambers list`, the metrics listener), not for anyone who asks.
async fn health(State(relay): State<Arc<Relay>>) -> Response {
    match tokio::task::spawn_blocking(move || relay.storage.ping()).await {
        Ok(Ok(())) => Json(serde_json::json!({"status": "ok"})).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "storage unavailable"})),
        )
            .into_response(),
    }
}

async fn live(
    State(relay): State<Arc<Relay>>,
    Extension(guard): Extension<Arc<Guard>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let session = match bearer(&relay, &headers).await {
        Ok(Some(s)) if !guard.device_allowed(&s.device) => return too_many("/v1/live"),
        Ok(Some(s)) => s,
        Ok(None) => return frame_response(Frame::error(ErrorCode::Unauthenticated, "authenticate first")),
        Err((code, message)) => return frame_response(Frame::error(code, message)),
    };
    let Some(slot) = guard.open_socket(session.device) else {
        tracing::warn!(device = %crate::handler::short(&session.device), "live socket refused: too many open");
        return frame_response(Frame::error(
            ErrorCode::RateLimited,
            "this laptop has too many live connections open; close one and try again",
        ));
    };
    // Messages up to twice the frame limit are read and answered with a
    // "too large" error; beyond that the connection is closed.
    // Small buffers: a live socket mostly idles, and thousands are open at
    // once (tungstenite's default read buffer alone is 128 KiB a socket).
    ws.read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(2 * MAX_FRAME_BYTES)
        .max_frame_size(2 * MAX_FRAME_BYTES)
        .on_upgrade(move |socket| live_session(relay, guard, session, slot, socket))
}

/// Counts a live socket while it is open; when it closes, the chamber's
/// notification channel goes too if no socket listens to it any more.
struct ConnectionGuard(Arc<Relay>, String);
impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
        self.0.release(&self.1);
    }
}

async fn live_session(
    relay: Arc<Relay>,
    guard: Arc<Guard>,
    session: SessionInfo,
    _slot: SocketSlot,
    mut socket: WebSocket,
) {
    relay.connections.fetch_add(1, Ordering::Relaxed);
    // Declared before the receivers, so dropped after them (see its Drop).
    let _counted = ConnectionGuard(relay.clone(), session.chamber.clone());
    let mut updates = relay.subscribe(&session.chamber);
    let mut removals = relay.removals();
    let idle = guard.limits.socket_idle;
    // The first ping a third of the way into the idle time, not at once.
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + idle / 3, idle / 3);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    loop {
        tokio::select! {
            _ = ping.tick() => {
                if last_heard.elapsed() >= idle {
                    tracing::info!(device = %crate::handler::short(&session.device), "idle live socket closed");
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                if socket.send(Message::Ping(Vec::new().into())).await.is_err() {
                    return;
                }
            }
            removal = removals.recv() => {
                let removed = match removal {
                    Ok((chamber, device)) => chamber == session.chamber && device == session.device,
                    // Missed some: close unless the session is still there.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => !relay.session_alive(&session).await,
                    Err(_) => return,
                };
                if removed {
                    tracing::info!(device = %crate::handler::short(&session.device), "live socket of a removed device closed");
                    let refusal = Frame::error(ErrorCode::Removed, "this laptop was removed from the chamber");
                    let _ = socket.send(Message::Binary(refusal.encode().into())).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            }
            // The newest number announced: a burst in one Notify, at most one a `SPACING`.
            update = updates.next() => {
                let Some(latest) = update else { return };
                if socket.send(Message::Binary(Frame::Notify { latest }.encode().into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => {
                last_heard = Instant::now();
                let binary = matches!(incoming, Some(Ok(Message::Binary(_))));
                if binary && !guard.device_allowed(&session.device) {
                    tracing::warn!(device = %crate::handler::short(&session.device), "live socket closed: too many messages");
                    let refusal = Frame::error(ErrorCode::RateLimited, "too many requests; wait a moment and connect again");
                    let _ = socket.send(Message::Binary(refusal.encode().into())).await;
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
                if binary && !relay.session_alive(&session).await {
                    let refusal = Frame::error(ErrorCode::Unauthenticated, "the session has ended; authenticate again");
                    let _ = socket.send(Message::Binary(refusal.encode().into())).await;
                    return;
                }
                let reply = match incoming {
                    None | Some(Err(_)) => return,
                    Some(Ok(Message::Binary(bytes))) => match Frame::decode(&bytes, MAX_FRAME_BYTES) {
                        Ok(frame) => {
                            let r = relay.clone();
                            let s = session.clone();
                            tokio::task::spawn_blocking(move || r.handle(frame, Some(&s), false))
                                .await
                                .unwrap_or_else(|_| Frame::error(ErrorCode::Internal, "the relay failed on that request"))
                        }
                        Err(e) => {
                            tracing::warn!(bytes = bytes.len(), error = %e, "malformed live frame refused");
                            Frame::error(e.code(), e.to_string())
                        }
                    },
                    Some(Ok(Message::Text(_))) => Frame::error(ErrorCode::Malformed, "send binary frames"),
                    Some(Ok(Message::Close(_))) => return,
                    Some(Ok(_)) => continue, // ping/pong are handled by the library
                };
                if socket.send(Message::Binary(reply.encode().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}
