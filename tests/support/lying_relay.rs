//! A relay stand-in that lies: an HTTP forwarder on 127.0.0.1 in front of a
//! real relay that, when told, acknowledges a push without passing it on, or
//! leaves a batch out of the pages it serves. Everything else goes through
//! unchanged. For the tests that devices never trust the relay with the
//! completeness of the log.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use nextdate_protocol::frame::{Frame, MAX_FRAME_BYTES};

/// What the stand-in does to the next request of its kind.
#[derive(Default)]
pub struct Lies {
    /// Acknowledge the next push without storing it.
    pub drop_next_push: AtomicBool,
    /// Leave the batch with this sequence number out of every page (0: none).
    pub hide_seq: AtomicU64,
    /// Leave the batch with this sequence number out and number the later
    /// ones down by one, so the log shows no gap (0: none).
    pub hide_and_renumber: AtomicU64,
    /// Pushes acknowledged and dropped so far.
    pub dropped: AtomicU64,
}

/// A running stand-in; `url` is where devices point.
pub struct LyingRelay {
    pub url: String,
    pub lies: Arc<Lies>,
}

impl LyingRelay {
    /// Forwards to the relay at `target` (an `http://127.0.0.1:…` address).
    pub fn start(target: &str) -> LyingRelay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let lies = Arc::new(Lies::default());
        let (target, shared) = (target.to_string(), lies.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (target, lies) = (target.clone(), shared.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &target, &lies);
                });
            }
        });
        LyingRelay { url, lies }
    }
}

/// One request per connection (answered with `Connection: close`).
fn serve(mut conn: TcpStream, target: &str, lies: &Lies) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut headers = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end().to_string();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
            headers.push((name.trim().to_string(), value.trim().to_string()));
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));

    if method == "POST" && path == "/v1" {
        if let Ok(Frame::Push { .. }) = Frame::decode(&body, MAX_FRAME_BYTES) {
            if lies.drop_next_push.swap(false, Ordering::SeqCst) {
                lies.dropped.fetch_add(1, Ordering::SeqCst);
                let ack = Frame::Pushed {
                    seq: 1_000_000,
                    duplicate: false,
                }
                .encode();
                return respond(&mut conn, 200, &ack);
            }
        }
    }
    let renumber = lies.hide_and_renumber.load(Ordering::SeqCst);
    let path = if renumber != 0 && path.starts_with("/v1/batches") {
        shifted_after(path, renumber)
    } else {
        path.to_string()
    };
    let path = path.as_str();
    let mut req = ureq::request(method, &format!("{target}{path}"));
    for (name, value) in &headers {
        if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("content-type") {
            req = req.set(name, value);
        }
    }
    let (status, mut reply) = match if method == "GET" {
        req.call()
    } else {
        req.send_bytes(&body)
    } {
        Ok(r) => (r.status(), read_all(r)),
        Err(ureq::Error::Status(code, r)) => (code, read_all(r)),
        Err(e) => return respond(&mut conn, 502, e.to_string().as_bytes()),
    };
    let hide = lies.hide_seq.load(Ordering::SeqCst);
    if hide != 0 && path.starts_with("/v1/batches") {
        if let Ok(Frame::Batches { mut items, latest }) = Frame::decode(&reply, MAX_FRAME_BYTES) {
            items.retain(|b| b.seq != hide);
            reply = Frame::Batches { items, latest }.encode();
        }
    }
    if renumber != 0 && path.starts_with("/v1/batches") {
        if let Ok(Frame::Batches { mut items, latest }) = Frame::decode(&reply, MAX_FRAME_BYTES) {
            items.retain(|b| b.seq != renumber);
            for b in &mut items {
                if b.seq > renumber {
                    b.seq -= 1;
                }
            }
            let latest = if latest >= renumber { latest - 1 } else { latest };
            reply = Frame::Batches { items, latest }.encode();
        }
    }
    respond(&mut conn, status, &reply)
}

/// `/v1/batches?after=N…` as the real log numbers it, when positions from
/// `hidden` on are shown one lower.
fn shifted_after(path: &str, hidden: u64) -> String {
    let Some((route, query)) = path.split_once('?') else {
        return path.to_string();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some(("after", n)) => match n.parse::<u64>() {
                Ok(n) if n >= hidden => format!("after={}", n + 1),
                _ => kv.to_string(),
            },
            _ => kv.to_string(),
        })
        .collect();
    format!("{route}?{}", query.join("&"))
}

fn read_all(r: ureq::Response) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = r.into_reader().take(MAX_FRAME_BYTES as u64 * 2).read_to_end(&mut out);
    out
}

fn respond(conn: &mut TcpStream, status: u16, body: &[u8]) -> std::io::Result<()> {
    write!(
        conn,
        "HTTP/1.1 {status} X\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    conn.write_all(body)?;
    conn.flush()
}
