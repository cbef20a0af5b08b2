//! What a client's browser gets from the relay for a status link: the page
//! (`GET /s/{id}`, the same static page for every id, embedded in the
//! binary, under a strict Content-Security-Policy: only its own script and
//! style, fetches to this relay only, no third-party script or font), its
//! script and style (`/viewer/…`), and the sealed bytes (`GET /s/{id}/data`,
//! counted as a fetch; `GET /s/{id}/files/{file}`). A revoked or expired link
//! answers 410 with `{"state": "revoked" | "expired"}`; an unknown one 404.
//! The key never reaches the relay: it stays in the address's fragment.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use nextdate_protocol::status_link::{parse_id, FILE_ID_BYTES, LINK_ID_BYTES};

use crate::handler::{now_secs, Relay};
use crate::link_storage::Served;

const PAGE: &str = include_str!("status.html");
const SCRIPT: &str = include_str!("status.js");
const STYLE: &str = include_str!("status.css");

/// Only the page's own script and style; fetches to this relay; no frames,
/// forms, plugins or base changes.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
                       img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub fn routes() -> Router<Arc<Relay>> {
    Router::new()
        .route("/s/{id}", get(page))
        .route("/s/{id}/data", get(data))
        .route("/s/{id}/files/{file}", get(file))
        .route(
            "/viewer/status.js",
            get(|| async { asset(SCRIPT, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/viewer/status.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        )
}

/// Headers every viewer answer carries.
fn guarded(mut response: Response, cache: &'static str) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    response
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    guarded(
        ([(header::CONTENT_TYPE, kind)], body).into_response(),
        "public, max-age=300",
    )
}

async fn page(Path(_id): Path<String>) -> Response {
    guarded(
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], PAGE).into_response(),
        "no-store",
    )
}

fn state(status: StatusCode, state: &'static str) -> Response {
    guarded(
        (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            format!("{{\"state\":\"{state}\"}}"),
        )
            .into_response(),
        "no-store",
    )
}

fn served(result: Result<Served, crate::StoreError>) -> Response {
    match result {
        Ok(Served::Sealed(bytes)) => guarded(
            ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response(),
            "no-store",
        ),
        Ok(Served::Revoked) => state(StatusCode::GONE, "revoked"),
        Ok(Served::Expired) => state(StatusCode::GONE, "expired"),
        Ok(Served::Unknown) => state(StatusCode::NOT_FOUND, "unknown"),
        Err(e) => {
            tracing::error!(error = %e, "status link storage failure");
            state(StatusCode::INTERNAL_SERVER_ERROR, "unavailable")
        }
    }
}

async fn data(State(relay): State<Arc<Relay>>, Path(id): Path<String>) -> Response {
    let Some(id) = parse_id::<LINK_ID_BYTES>(&id) else {
        return state(StatusCode::NOT_FOUND, "unknown");
    };
    let result = tokio::task::spawn_blocking(move || relay.storage.serve_link(&id, now_secs())).await;
    served(result.unwrap_or_else(|_| Err(crate::StoreError::Internal("the lookup failed".into()))))
}

async fn file(State(relay): State<Arc<Relay>>, Path((id, file)): Path<(String, String)>) -> Response {
    let (Some(id), Some(file)) = (parse_id::<LINK_ID_BYTES>(&id), parse_id::<FILE_ID_BYTES>(&file)) else {
        return state(StatusCode::NOT_FOUND, "unknown");
    };
    let result = tokio::task::spawn_blocking(move || relay.storage.serve_link_file(&id, &file, now_secs())).await;
    served(result.unwrap_or_else(|_| Err(crate::StoreError::Internal("the lookup failed".into()))))
}
