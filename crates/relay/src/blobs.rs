//! The attachment routes, which stream instead of holding an attachment whole:
//! - `PUT /v1/blobs/{id}`: the encrypted attachment as the raw body, its
//!   `Content-Length` required and at most [`MAX_BLOB_BYTES`]. The session,
//!   the device's rate, its right to write and the length are all checked
//!   before any of the body is read, and an attachment already stored is
//!   answered at once, its body unread. Otherwise the body is cut into parts
//!   of [`BLOB_PART_BYTES`] that go, a few at a time through a bounded
//!   channel, to a blocking task storing them ([`Storage::put_blob_parts`]);
//!   the answer is `Done` or an error frame, as on `/v1`.
//! - `GET /v1/blobs/{id}`: the attachment as the raw body, with its
//!   `Content-Length`, read from storage a part at a time as the client
//!   takes it (the next part is read while one is sent); a 404 error frame
//!   when it is not stored. `HEAD` says whether it is stored (a laptop asks
//!   before it uploads).
//!
//! Either way the relay holds a few MiB per attachment, whatever its size.
//! Older laptops still send `PutBlob` and `GetBlob` frames to `/v1/blob`
//! (`crate::server`); those are stored in the same parts.
//!
//! [`Storage::put_blob_parts`]: crate::storage::Storage::put_blob_parts

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http_body_util::BodyExt;
use nextdate_protocol::frame::{ErrorCode, Frame, MAX_BLOB_BYTES};
use tokio::sync::mpsc;
use tokio::task::{spawn_blocking, JoinHandle};

use crate::handler::{refuse, short, store_error, Relay, SessionInfo};
use crate::limits::{too_many, Guard};
use crate::server::{bearer, frame_response};
use crate::storage::{StoreError, StoreResult, BLOB_PART_BYTES};

/// Parts on their way from an upload's body to storage at most (besides
/// the one being filled and the one being written).
const PARTS_IN_FLIGHT: usize = 2;

/// The `Content-Type` of an attachment's bytes, as of the relay's frames.
const FRAME_TYPE: &str = "application/octet-stream";

/// A part of an upload, or why the rest will not come.
type Piece = Result<Vec<u8>, String>;

/// Answers with `frame`, counted under `name` like the frame it replaces.
fn answer(relay: &Relay, name: &'static str, frame: Frame) -> Response {
    relay.metrics.observe(name, &frame);
    frame_response(frame)
}

/// The request's session, or the refusal: none (401), an expired or
/// garbled one, or a device over its rate (429).
async fn session_of(relay: &Arc<Relay>, guard: &Guard, headers: &HeaderMap) -> Result<SessionInfo, Box<Response>> {
    let refusal = match bearer(relay, headers).await {
        Ok(Some(s)) if !guard.device_allowed(&s.device) => too_many("/v1/blobs"),
        Ok(Some(s)) => return Ok(s),
        Ok(None) => frame_response(refuse(ErrorCode::Unauthenticated, "authenticate first")),
        Err((code, message)) => frame_response(refuse(code, message)),
    };
    Err(Box::new(refusal))
}

/// An attachment's id from its 64 hex digits.
fn blob_id(hex: &str) -> Option<[u8; 32]> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(hex.as_bytes())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
}

/// The refusal of an id that is not one.
fn not_an_id() -> Frame {
    refuse(ErrorCode::Malformed, "an attachment's id is 64 hex digits")
}

/// Runs a storage call off the async workers.
async fn blocking<T: Send + 'static>(call: impl FnOnce() -> StoreResult<T> + Send + 'static) -> Result<T, Box<Frame>> {
    match spawn_blocking(call).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Box::new(store_error(e))),
        Err(_) => Err(Box::new(refuse(
            ErrorCode::Internal,
            "the relay failed on that request",
        ))),
    }
}

/// `PUT /v1/blobs/{id}`.
pub(crate) async fn put(
    State(relay): State<Arc<Relay>>,
    Extension(guard): Extension<Arc<Guard>>,
    Path(hex): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let s = match session_of(&relay, &guard, &headers).await {
        Ok(s) => s,
        Err(refusal) => return *refusal,
    };
    if s.read_only {
        tracing::warn!(chamber = %s.chamber, device = %short(&s.device), "attachment from a read-only device refused");
        let refusal = refuse(
            ErrorCode::Forbidden,
            "this device may read the chamber but not change it (a viewer)",
        );
        return answer(&relay, "put_blob", refusal);
    }
    let Some(id) = blob_id(&hex) else {
        return answer(&relay, "put_blob", not_an_id());
    };
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let size = match length {
        Some(size) if size <= MAX_BLOB_BYTES as u64 => size,
        Some(size) => {
            tracing::warn!(chamber = %s.chamber, bytes = size, "oversized attachment refused");
            let refusal = refuse(
                ErrorCode::TooLarge,
                format!("an attachment may be at most {MAX_BLOB_BYTES} bytes"),
            );
            return answer(&relay, "put_blob", refusal);
        }
        None => {
            let refusal = refuse(ErrorCode::Malformed, "send the attachment's length (Content-Length)");
            relay.metrics.observe("put_blob", &refusal);
            let mut response = frame_response(refusal);
            *response.status_mut() = StatusCode::LENGTH_REQUIRED;
            return response;
        }
    };
    let (r, chamber) = (relay.clone(), s.chamber.clone());
    match blocking(move || r.storage.has_blob(&chamber, &id)).await {
        // A retry after a lost answer: nothing to read.
        Ok(true) => return answer(&relay, "put_blob", Frame::Done),
        Ok(false) => {}
        Err(refusal) => return answer(&relay, "put_blob", *refusal),
    }

    let (parts, mut arriving) = mpsc::channel::<Piece>(PARTS_IN_FLIGHT);
    let (r, chamber) = (relay.clone(), s.chamber.clone());
    let storing = spawn_blocking(move || {
        let mut source = std::iter::from_fn(|| arriving.blocking_recv());
        r.storage.put_blob_parts(&chamber, &id, size, &mut source)
    });
    let broke = forward(body, size, parts).await;
    let reply = match (storing.await, broke) {
        (Ok(Ok(())), _) => {
            tracing::info!(chamber = %s.chamber, bytes = size, "attachment stored");
            Frame::Done
        }
        (Ok(Err(StoreError::Incomplete(_))), Some(why)) => {
            tracing::warn!(chamber = %s.chamber, device = %short(&s.device), error = %why, "attachment upload broke off");
            refuse(
                ErrorCode::Malformed,
                "the attachment did not arrive in time or broke off; nothing was stored",
            )
        }
        (Ok(Err(e)), _) => store_error(e),
        (Err(_), _) => refuse(ErrorCode::Internal, "the relay failed on that request"),
    };
    answer(&relay, "put_blob", reply)
}

/// Sends `body` to `parts` in parts of [`BLOB_PART_BYTES`] (the last one
/// shorter), waiting while storage is behind; why the body broke off, if it
/// did (storage is told too). When storage stops taking parts, so does this:
/// its answer says why.
async fn forward(mut body: Body, size: u64, parts: mpsc::Sender<Piece>) -> Option<String> {
    let mut left = size;
    let next_part = |left: u64| Vec::with_capacity(left.min(BLOB_PART_BYTES as u64) as usize);
    let mut part = next_part(left);
    while let Some(frame) = body.frame().await {
        let mut data: Bytes = match frame.map(|f| f.into_data()) {
            Ok(Ok(data)) => data,
            Ok(Err(_trailers)) => continue,
            Err(e) => {
                let why = format!("the body broke off: {e}");
                let _ = parts.send(Err(why.clone())).await;
                return Some(why);
            }
        };
        while !data.is_empty() {
            let take = (BLOB_PART_BYTES - part.len()).min(data.len());
            part.extend_from_slice(&data.split_to(take));
            left = left.saturating_sub(take as u64);
            if part.len() == BLOB_PART_BYTES {
                let full = std::mem::replace(&mut part, next_part(left));
                if parts.send(Ok(full)).await.is_err() {
                    return None;
                }
            }
        }
    }
    if !part.is_empty() {
        let _ = parts.send(Ok(part)).await;
    }
    None
}

/// `GET /v1/blobs/{id}` (and `HEAD`: whether it is stored, its size, no body).
pub(crate) async fn get(
    State(relay): State<Arc<Relay>>,
    Extension(guard): Extension<Arc<Guard>>,
    Path(hex): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let s = match session_of(&relay, &guard, &headers).await {
        Ok(s) => s,
        Err(refusal) => return *refusal,
    };
    let Some(id) = blob_id(&hex) else {
        return answer(&relay, "get_blob", not_an_id());
    };
    let (r, chamber) = (relay.clone(), s.chamber.clone());
    let info = match blocking(move || r.storage.blob_info(&chamber, &id)).await {
        Ok(Some(info)) => info,
        Ok(None) => return answer(&relay, "get_blob", refuse(ErrorCode::NotFound, "no such attachment")),
        Err(refusal) => return answer(&relay, "get_blob", *refusal),
    };
    relay.metrics.observe("get_blob", &Frame::Done);
    let length = [(header::CONTENT_LENGTH, info.size.to_string())];
    if method == Method::HEAD {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, FRAME_TYPE)],
            length,
            Body::empty(),
        )
            .into_response();
    }
    let mut stream = PartStream {
        relay,
        chamber: s.chamber,
        id,
        next: 0,
        parts: info.parts,
        reading: None,
    };
    stream.read_next();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, FRAME_TYPE)],
        length,
        Body::from_stream(stream),
    )
        .into_response()
}

/// An attachment's parts as a response body: each read by a blocking task
/// of its own, the next one started as one is handed over, so at most two
/// are held and no thread waits on a slow client.
struct PartStream {
    relay: Arc<Relay>,
    chamber: String,
    id: [u8; 32],
    next: u32,
    parts: u32,
    reading: Option<JoinHandle<StoreResult<Option<Vec<u8>>>>>,
}

impl PartStream {
    /// Starts reading the next part, if there is one.
    fn read_next(&mut self) {
        if self.next < self.parts {
            let (relay, chamber, id, part) = (self.relay.clone(), self.chamber.clone(), self.id, self.next);
            self.next += 1;
            self.reading = Some(spawn_blocking(move || relay.storage.blob_part(&chamber, &id, part)));
        }
    }
}

impl futures_core::Stream for PartStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Some(reading) = this.reading.as_mut() else {
            return Poll::Ready(None);
        };
        let read = ready!(Pin::new(reading).poll(cx));
        this.reading = None;
        let why = match read {
            Ok(Ok(Some(bytes))) => {
                this.read_next();
                return Poll::Ready(Some(Ok(Bytes::from(bytes))));
            }
            Ok(Ok(None)) => "a part of the attachment is missing".to_string(),
            Ok(Err(e)) => e.to_string(),
            Err(e) => e.to_string(),
        };
        // The body ends short of its length: the client sees it broke off.
        tracing::error!(chamber = %this.chamber, error = %why, "attachment download cut off");
        Poll::Ready(Some(Err(std::io::Error::other(why))))
    }
}
