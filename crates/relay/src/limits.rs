//! What keeps one client from stalling or filling the relay for everyone:
//! per-address and per-device rate limits (governor's GCRA limiters, keyed),
//! a cap on each device's live sockets, the timeouts and the body cap for
//! requests without a session. The timeouts on headers (hyper), bodies and
//! whole requests (tower-http) and the concurrency limit (tower) are set up
//! in `crate::server` from the same [`Limits`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota as Rate, RateLimiter};
use nextdate_protocol::frame::{ErrorCode, Frame};
use prometheus_client::metrics::counter::Counter;

/// The relay's limits; [`Limits::default`] is what a relay facing the internet uses.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A connection must send a request's headers within this (idle keep-alive included).
    pub header_timeout: Duration,
    /// Longest wait for the next piece of a request body.
    pub body_timeout: Duration,
    /// Longest a request on `/v1` may take from its headers to its answer.
    pub request_timeout: Duration,
    /// The same for `/v1/blob` (a large document on a slow line).
    pub blob_timeout: Duration,
    /// A live socket that sends nothing (not even a pong) for this long is closed;
    /// the relay pings every third of it.
    pub socket_idle: Duration,
    /// Requests per second from one address, and the burst it may save up.
    pub per_address: (u32, u32),
    /// Requests (and live messages) per second from one device, and its burst.
    pub per_device: (u32, u32),
    pub sockets_per_device: usize,
    /// Requests handled at once; more wait their turn (within their timeout).
    pub concurrency: usize,
    /// Largest body read from a request without a session (`Hello`,
    /// `Authenticate`, registering and joining are a few hundred bytes).
    pub unauthenticated_body: usize,
    /// Take the client's address from `X-Forwarded-For` (a relay behind a
    /// proxy on the same machine, `--plain-http`).
    pub trust_forwarded: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(20),
            request_timeout: Duration::from_secs(60),
            blob_timeout: Duration::from_secs(15 * 60),
            socket_idle: Duration::from_secs(90),
            per_address: (100, 1000),
            per_device: (200, 2000),
            sockets_per_device: 4,
            concurrency: 256,
            unauthenticated_body: 16 * 1024,
            trust_forwarded: false,
        }
    }
}

fn rate((per_second, burst): (u32, u32)) -> Rate {
    let per_second = NonZeroU32::new(per_second.max(1)).expect("at least one");
    Rate::per_second(per_second).allow_burst(NonZeroU32::new(burst.max(1)).expect("at least one"))
}

/// The limiters and socket counts, shared by every request.
pub struct Guard {
    pub limits: Limits,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_device: DefaultKeyedRateLimiter<[u8; 32]>,
    sockets: Mutex<HashMap<[u8; 32], usize>>,
    /// Requests refused for their rate (a metric).
    rate_limited: Counter,
}

/// A live socket counted against its device until dropped.
pub struct SocketSlot {
    guard: Arc<Guard>,
    device: [u8; 32],
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut sockets = self.guard.sockets.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = sockets.get_mut(&self.device) {
            *n -= 1;
            if *n == 0 {
                sockets.remove(&self.device);
            }
        }
    }
}

impl Guard {
    pub fn new(limits: Limits) -> Arc<Guard> {
        Guard::counted(limits, Counter::default())
    }

    /// A guard that counts its refusals in `rate_limited` (the relay's metric).
    pub fn counted(limits: Limits, rate_limited: Counter) -> Arc<Guard> {
        Arc::new(Guard {
            by_address: RateLimiter::keyed(rate(limits.per_address)),
            by_device: RateLimiter::keyed(rate(limits.per_device)),
            sockets: Mutex::new(HashMap::new()),
            rate_limited,
            limits,
        })
    }

    /// Whether `device` may make one more request now.
    pub fn device_allowed(&self, device: &[u8; 32]) -> bool {
        let allowed = self.by_device.check_key(device).is_ok();
        if !allowed {
            self.rate_limited.inc();
        }
        allowed
    }

    /// A slot for one more live socket of `device`, unless it has its share.
    pub fn open_socket(self: &Arc<Guard>, device: [u8; 32]) -> Option<SocketSlot> {
        let mut sockets = self.sockets.lock().unwrap_or_else(|p| p.into_inner());
        let n = sockets.entry(device).or_insert(0);
        if *n >= self.limits.sockets_per_device {
            return None;
        }
        *n += 1;
        Some(SocketSlot {
            guard: self.clone(),
            device,
        })
    }

    /// Forgets limiter state of addresses and devices quiet long enough to
    /// have their whole burst back (so the maps do not grow for ever).
    pub fn prune(&self) {
        self.by_address.retain_recent();
        self.by_address.shrink_to_fit();
        self.by_device.retain_recent();
        self.by_device.shrink_to_fit();
    }

    /// The address a request counts against.
    fn address(&self, request: &Request) -> Option<IpAddr> {
        let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        if self.limits.trust_forwarded {
            if let Some(forwarded) = forwarded_for(request.headers()) {
                return Some(forwarded);
            }
        }
        peer
    }
}

/// The client address a proxy on this machine added last to `X-Forwarded-For`.
pub fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .and_then(|a| a.trim().parse().ok())
}

/// The refusal for too many requests: an error frame on the device routes,
/// plain words for a browser.
pub fn too_many(path: &str) -> Response {
    let mut response = if path.starts_with("/v1") {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/octet-stream")],
            Frame::error(ErrorCode::RateLimited, "too many requests; wait a moment and try again").encode(),
        )
            .into_response()
    } else {
        (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many requests from your network; wait a moment and reload.\n",
        )
            .into_response()
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// Middleware: refuses a request over its address's rate before anything else runs.
pub async fn per_address(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    if let Some(ip) = guard.address(&request) {
        if guard.by_address.check_key(&ip).is_err() {
            guard.rate_limited.inc();
            tracing::debug!(%ip, path = request.uri().path(), "rate limited");
            return too_many(request.uri().path());
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forwarded_address_is_the_one_the_proxy_added_last() {
        let mut h = HeaderMap::new();
        h.append("x-forwarded-for", HeaderValue::from_static("10.0.0.1, 203.0.113.9"));
        assert_eq!(forwarded_for(&h), Some("203.0.113.9".parse().unwrap()));
        h.append("x-forwarded-for", HeaderValue::from_static("198.51.100.7"));
        assert_eq!(forwarded_for(&h), Some("198.51.100.7".parse().unwrap()));
        assert_eq!(forwarded_for(&HeaderMap::new()), None);
        let mut bad = HeaderMap::new();
        bad.append("x-forwarded-for", HeaderValue::from_static("not an address"));
        assert_eq!(forwarded_for(&bad), None);
    }

    #[test]
    fn a_device_gets_its_burst_then_waits_and_its_sockets_are_capped() {
        let guard = Guard::new(Limits {
            per_device: (1, 3),
            sockets_per_device: 2,
            ..Limits::default()
        });
        let allowed = (0..10).filter(|_| guard.device_allowed(&[1; 32])).count();
        assert_eq!(allowed, 3);
        assert!(guard.device_allowed(&[2; 32]), "another device has its own allowance");
        let a = guard.open_socket([1; 32]).unwrap();
        let _b = guard.open_socket([1; 32]).unwrap();
        assert!(guard.open_socket([1; 32]).is_none());
        assert!(guard.open_socket([2; 32]).is_some());
        drop(a);
        assert!(guard.open_socket([1; 32]).is_some(), "a closed socket frees its slot");
    }
}
