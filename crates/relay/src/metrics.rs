//! What the relay tells its operator, in the Prometheus text format, on a
//! listener of its own (`--metrics-listen ADDR`; never on the public port):
//! requests by frame kind, refusals by error code, batches stored, requests
//! refused for their rate, and, read when scraped, live sockets, open sessions
//! and the stored totals. Counts and kinds only: no
//! chamber id, device key, token or content is ever a label.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use nextdate_protocol::frame::Frame;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::handler::Relay;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FrameLabel {
    frame: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WhatLabel {
    what: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabel {
    code: &'static str,
}

/// The relay's counters and the gauges filled in at each scrape.
pub struct Metrics {
    registry: Registry,
    requests: Family<FrameLabel, Counter>,
    refusals: Family<CodeLabel, Counter>,
    batches: Counter,
    /// Requests refused for their rate (counted by `crate::limits`).
    pub rate_limited: Counter,
    live_sockets: Gauge,
    live_chambers: Gauge,
    sessions: Gauge,
    stored: Family<WhatLabel, Gauge>,
    storage_up: Gauge,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let mut registry = Registry::with_prefix("nextdate_relay");
        let m = Metrics {
            requests: Family::default(),
            refusals: Family::default(),
            batches: Counter::default(),
            rate_limited: Counter::default(),
            live_sockets: Gauge::default(),
            live_chambers: Gauge::default(),
            sessions: Gauge::default(),
            stored: Family::default(),
            storage_up: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register("requests", "Requests handled, by frame kind", m.requests.clone());
        registry.register("refusals", "Requests refused, by error code", m.refusals.clone());
        registry.register("batches_stored", "New batches stored", m.batches.clone());
        registry.register(
            "rate_limited",
            "Requests refused for their rate",
            m.rate_limited.clone(),
        );
        registry.register("live_sockets", "Open live WebSockets", m.live_sockets.clone());
        registry.register(
            "live_chambers",
            "Chambers with a live notification channel",
            m.live_chambers.clone(),
        );
        registry.register(
            "sessions",
            "Open device sessions (on every instance)",
            m.sessions.clone(),
        );
        registry.register(
            "stored",
            "What storage holds: chambers, devices, batches, blobs",
            m.stored.clone(),
        );
        registry.register("storage_up", "1 when storage answered the scrape", m.storage_up.clone());
        Metrics { registry, ..m }
    }
}

impl Metrics {
    /// Counts a handled request and, when refused, its code; and a stored batch.
    pub fn observe(&self, frame: &'static str, reply: &Frame) {
        self.requests.get_or_create(&FrameLabel { frame }).inc();
        match reply {
            Frame::Error { code, .. } => {
                self.refusals.get_or_create(&CodeLabel { code: code.as_str() }).inc();
            }
            Frame::Pushed { duplicate: false, .. } => {
                self.batches.inc();
            }
            _ => {}
        }
    }

    /// The text a scrape gets (reads storage: call off the async workers).
    pub fn render(&self, relay: &Relay) -> String {
        self.live_sockets.set(relay.connections.load(Ordering::Relaxed) as i64);
        self.live_chambers.set(relay.live_chambers() as i64);
        if let Ok(sessions) = relay.open_sessions() {
            self.sessions.set(sessions as i64);
        }
        match relay.storage.stats() {
            Ok(stats) => {
                self.storage_up.set(1);
                for (what, n) in [
                    ("chambers", stats.chambers),
                    ("devices", stats.devices),
                    ("batches", stats.batches),
                    ("blobs", stats.blobs),
                ] {
                    self.stored.get_or_create(&WhatLabel { what }).set(n as i64);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "storage did not answer the metrics scrape");
                self.storage_up.set(0);
            }
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::error!(error = %e, "metrics did not encode");
        }
        out
    }
}

/// The operator's listener: `GET /metrics`.
pub fn router(relay: Arc<Relay>) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let relay = relay.clone();
            async move {
                let text = tokio::task::spawn_blocking(move || relay.metrics.render(&relay))
                    .await
                    .unwrap_or_default();
                (
                    [(
                        header::CONTENT_TYPE,
                        "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    )],
                    text,
                )
                    .into_response()
            }
        }),
    )
}
