//! HTTP and WebSocket routes:
//! - `GET /health`: liveness and counts (JSON);
//! - `POST /v1`: one request frame in, one reply frame out;
//! - `POST /v1/blob`: the same for attachments (larger limit);
//! - `GET /v1/batches?after=N&limit=M`: plain HTTP pull;
//! - `GET /v1/live`: WebSocket; request frames in, replies out, and a `Notify`
//!   frame whenever the chamber's log grows;
//! - `GET /s/{id}` and below: a client's status link (see `crate::viewer`).
//!
//! Bodies are read up to the route's limit and decoded; anything else gets an
//! error frame with the matching HTTP status, and the relay carries on.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use nextdate_protocol::frame::{ErrorCode, Frame, MAX_FRAME_BYTES};
use serde::Deserialize;

use crate::handler::{limit_for, Refusal, Relay, SessionInfo};

pub fn router(relay: Arc<Relay>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/v1", post(rpc))
        .route("/v1/blob", post(rpc_blob))
        .route("/v1/batches", get(pull))
        .route("/v1/live", get(live))
        .merge(crate::viewer::routes())
        .layer(DefaultBodyLimit::disable())
        .with_state(relay)
}

fn frame_response(frame: Frame) -> Response {
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

fn bearer(relay: &Relay, headers: &HeaderMap) -> Result<Option<SessionInfo>, Refusal> {
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
    relay.session(&token).map(Some).ok_or_else(|| {
        (
            ErrorCode::Unauthenticated,
            "the session has expired; authenticate again".to_string(),
        )
    })
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, Frame> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| Frame::error(ErrorCode::TooLarge, format!("a request may be at most {limit} bytes")))
}

async fn handle_http(relay: Arc<Relay>, headers: HeaderMap, body: Body, blob_route: bool) -> Response {
    let limit = limit_for(blob_route);
    let session = match bearer(&relay, &headers) {
        Ok(s) => s,
        Err((code, message)) => return frame_response(Frame::error(code, message)),
    };
    let bytes = match read_body(body, limit).await {
        Ok(b) => b,
        Err(f) => {
            tracing::warn!(
                route = if blob_route { "/v1/blob" } else { "/v1" },
                "oversized request refused"
            );
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

async fn rpc(State(relay): State<Arc<Relay>>, headers: HeaderMap, body: Body) -> Response {
    handle_http(relay, headers, body, false).await
}

async fn rpc_blob(State(relay): State<Arc<Relay>>, headers: HeaderMap, body: Body) -> Response {
    handle_http(relay, headers, body, true).await
}

#[derive(Deserialize)]
struct PullQuery {
    #[serde(default)]
    after: u64,
    limit: Option<u32>,
}

async fn pull(State(relay): State<Arc<Relay>>, headers: HeaderMap, Query(q): Query<PullQuery>) -> Response {
    let session = match bearer(&relay, &headers) {
        Ok(Some(s)) => s,
        Ok(None) => return frame_response(Frame::error(ErrorCode::Unauthenticated, "authenticate first")),
        Err((code, message)) => return frame_response(Frame::error(code, message)),
    };
    let reply = tokio::task::spawn_blocking(move || relay.pull(&session, q.after, q.limit.unwrap_or(200)))
        .await
        .unwrap_or_else(|_| Frame::error(ErrorCode::Internal, "the relay failed on that request"));
    frame_response(reply)
}

async fn health(State(relay): State<Arc<Relay>>) -> Response {
    let r = relay.clone();
    match tokio::task::spawn_blocking(move || r.storage.stats()).await {
        Ok(Ok(stats)) => Json(serde_json::json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "chambers": stats.chambers,
            "devices": stats.devices,
            "batches": stats.batches,
            "blobs": stats.blobs,
            "connections": relay.connections.load(Ordering::Relaxed),
        }))
        .into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({"status": "storage unavailable"})),
        )
            .into_response(),
    }
}

async fn live(State(relay): State<Arc<Relay>>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    let session = match bearer(&relay, &headers) {
        Ok(Some(s)) => s,
        Ok(None) => return frame_response(Frame::error(ErrorCode::Unauthenticated, "authenticate first")),
        Err((code, message)) => return frame_response(Frame::error(code, message)),
    };
    // Messages up to twice the frame limit are read and answered with a
    // "too large" error; beyond that the connection is closed.
    ws.max_message_size(2 * MAX_FRAME_BYTES)
        .max_frame_size(2 * MAX_FRAME_BYTES)
        .on_upgrade(move |socket| live_session(relay, session, socket))
}

struct ConnectionGuard(Arc<Relay>);
impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

async fn live_session(relay: Arc<Relay>, session: SessionInfo, mut socket: WebSocket) {
    relay.connections.fetch_add(1, Ordering::Relaxed);
    let _guard = ConnectionGuard(relay.clone());
    let mut updates = relay.subscribe(&session.chamber);
    let mut removals = relay.removals();
    loop {
        tokio::select! {
            removal = removals.recv() => {
                let removed = match removal {
                    Ok((chamber, device)) => chamber == session.chamber && device == session.device,
                    // Missed some: close unless the session is still there.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => !relay.session_alive(&session),
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
            update = updates.recv() => {
                let latest = match update {
                    Ok(latest) => latest,
                    // Missed some notifications: the newest one is what matters.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => return,
                };
                if socket.send(Message::Binary(Frame::Notify { latest }.encode().into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => {
                let reply = match incoming {
                    None | Some(Err(_)) => return,
                    Some(Ok(Message::Binary(_))) if !relay.session_alive(&session) => {
                        let refusal = Frame::error(ErrorCode::Unauthenticated, "the session has ended; authenticate again");
                        let _ = socket.send(Message::Binary(refusal.encode().into())).await;
                        return;
                    }
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
