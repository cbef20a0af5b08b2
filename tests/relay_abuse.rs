//! A relay facing strangers, as a real process on 127.0.0.1: slow headers,
//! slow bodies, a flood of `Hello`s, an unauthenticated 80 MiB upload, a
//! chamber over its quota and a WebSocket flood are each cut off, while a
//! well-behaved chamber (two real diaries) keeps syncing through the same
//! relay in the same test, and the relay's memory stays bounded. The abuser
//! sends from 127.0.0.2, so the per-address limit it runs into is its own.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use nextdate_diary::{Diary, NewCase};
use nextdate_protocol::frame::{ErrorCode, Frame, MAX_FRAME_BYTES, PROTOCOL_VERSION};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::DeviceKeys;
use nextdate_sync::engine;
use support_chamber::chamber;
use support_relay::RelayProc;

/// A relay with short timeouts, so the test waits seconds, not minutes.
fn relay(root: &std::path::Path, extra: &[&str]) -> RelayProc {
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--plain-http",
        "--header-timeout",
        "2",
        "--body-timeout",
        "2",
        "--socket-idle",
        "6",
    ];
    args.extend_from_slice(extra);
    RelayProc::start_with(&root.join("relay"), &root.join("relay.log"), &args)
}

/// A TCP connection to the relay from `source` (another loopback address).
fn connect_from(source: &str, relay: &RelayProc) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    let from: SocketAddr = format!("{source}:0").parse().unwrap();
    socket.bind(&from.into()).unwrap();
    let to: SocketAddr = relay.addr().parse().unwrap();
    socket.connect(&to.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream.set_nodelay(true).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream
}

/// Sends one request's head (and `body`), reads the answer: status and body.
fn exchange(stream: &mut TcpStream, head: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let mut request = head.as_bytes().to_vec();
    request.extend_from_slice(body);
    stream.write_all(&request)?;
    read_response(stream)
}

fn read_response(stream: &mut TcpStream) -> std::io::Result<(u16, Vec<u8>)> {
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    if reader.read_line(&mut status_line)? == 0 {
        return Err(ErrorKind::UnexpectedEof.into());
    }
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(ErrorKind::InvalidData)?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        if line.trim().is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((status, body))
}

fn post_head(path: &str, length: usize, auth: Option<&str>) -> String {
    let auth = auth
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!("POST {path} HTTP/1.1\r\nHost: relay\r\n{auth}Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n")
}

/// Whether the relay closed `stream` (waiting up to its read timeout).
fn closed_by_relay(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // an answer (408 or an error frame) before the close
            Err(e) if matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) => return true,
            Err(_) => return false,
        }
    }
}

/// The well-behaved chamber still works: a case written on one laptop arrives on the other.
fn still_serves(devices: &mut [Diary], title: &str) {
    static CASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
    let n = CASES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = devices[0]
        .add_case(NewCase {
            title: title.into(),
            number: format!("CS {n}/2026"),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    engine::sync_now(&mut devices[0]).expect("the well-behaved laptop syncs");
    engine::sync_now(&mut devices[1]).expect("the other laptop syncs");
    assert!(devices[1].case_doc(&id).is_ok(), "{title}: the case arrived");
}

fn rss_kib(relay: &RelayProc) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", relay.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[test]
fn slow_headers_and_slow_bodies_are_cut_off_while_the_chamber_syncs() {
    let root = tempfile::tempdir().unwrap();
    let relay = relay(root.path(), &[]);
    let mut devices = chamber(root.path(), &relay, 2);

    // Slow headers: a header line every half second, never the blank line.
    let mut slow = connect_from("127.0.0.2", &relay);
    slow.write_all(b"POST /v1 HTTP/1.1\r\nHost: relay\r\n").unwrap();
    let started = Instant::now();
    let mut cut = false;
    for i in 0..40 {
        std::thread::sleep(Duration::from_millis(500));
        if slow.write_all(format!("X-Slow-{i}: y\r\n").as_bytes()).is_err() {
            cut = true;
            break;
        }
        slow.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
        let mut b = [0u8; 256];
        match slow.read(&mut b) {
            Ok(0) => {
                cut = true;
                break;
            }
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                cut = true;
                break;
            }
            _ => {}
        }
        if i == 2 {
            still_serves(&mut devices, "Slow Headers v. Relay");
        }
    }
    assert!(cut, "a client dribbling headers for 20 s was never cut off");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "not before the header timeout"
    );

    // Slow body: the head in full, then a byte now and then.
    let mut dribble = connect_from("127.0.0.2", &relay);
    dribble.write_all(post_head("/v1", 1000, None).as_bytes()).unwrap();
    dribble.write_all(b"\x00").unwrap();
    still_serves(&mut devices, "Slow Body v. Relay");
    assert!(closed_by_relay(&mut dribble), "a body that stops arriving is cut off");

    // An idle connection between requests is closed too.
    let mut idle = connect_from("127.0.0.2", &relay);
    let hello = Frame::Hello {
        version: PROTOCOL_VERSION,
        device: [1; 32],
    }
    .encode();
    let (status, _) = exchange(&mut idle, &post_head("/v1", hello.len(), None), &hello).unwrap();
    assert_eq!(status, 200);
    assert!(closed_by_relay(&mut idle), "an idle keep-alive connection is closed");
}

#[test]
fn a_hello_flood_and_an_unauthenticated_upload_do_not_reach_the_chamber() {
    let root = tempfile::tempdir().unwrap();
    let relay = relay(root.path(), &[]);
    let mut devices = chamber(root.path(), &relay, 2);
    let before = rss_kib(&relay);

    // 10,000 Hellos from one address over keep-alive connections: its burst
    // is answered, the rest refused with "rate limited", never "busy".
    let (mut answered, mut limited) = (0, 0);
    let mut flood = connect_from("127.0.0.2", &relay);
    for i in 0..10_000u32 {
        let mut device = [0u8; 32];
        device[..4].copy_from_slice(&i.to_le_bytes());
        let hello = Frame::Hello {
            version: PROTOCOL_VERSION,
            device,
        }
        .encode();
        let reply = exchange(&mut flood, &post_head("/v1", hello.len(), None), &hello).or_else(|_| {
            flood = connect_from("127.0.0.2", &relay);
            exchange(&mut flood, &post_head("/v1", hello.len(), None), &hello)
        });
        let (status, body) = reply.unwrap();
        match Frame::decode(&body, MAX_FRAME_BYTES).unwrap() {
            Frame::Challenge { .. } => answered += 1,
            Frame::Error {
                code: ErrorCode::RateLimited,
                ..
            } => {
                assert_eq!(status, 429);
                limited += 1
            }
            other => panic!("a Hello got {other:?}"),
        }
        if i == 5_000 {
            still_serves(&mut devices, "Flood v. Relay");
        }
    }
    assert!(
        answered >= 1000 && limited >= 5000,
        "answered {answered}, limited {limited}"
    );
    still_serves(&mut devices, "After The Flood v. Relay");

    // An 80 MiB upload without a session: refused at once on the blob route
    // (nothing read), and after 16 KiB on the general one.
    let mut upload = connect_from("127.0.0.3", &relay);
    upload
        .write_all(post_head("/v1/blob", 80 << 20, None).as_bytes())
        .unwrap();
    let (status, body) = read_response(&mut upload).unwrap();
    assert_eq!(status, 401);
    assert!(matches!(
        Frame::decode(&body, MAX_FRAME_BYTES),
        Ok(Frame::Error {
            code: ErrorCode::Unauthenticated,
            ..
        })
    ));
    let mut upload = connect_from("127.0.0.3", &relay);
    upload.write_all(post_head("/v1", 80 << 20, None).as_bytes()).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut sent = 0usize;
    while sent < 80 << 20 {
        if upload.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
    }
    assert!(sent < 80 << 20, "the relay read all 80 MiB from a stranger");
    still_serves(&mut devices, "Upload v. Relay");

    let after = rss_kib(&relay);
    assert!(
        after < before + 64 * 1024,
        "the relay grew from {before} KiB to {after} KiB under the flood"
    );
}

#[test]
fn a_flood_of_devices_cannot_push_a_fresh_challenge_out() {
    let root = tempfile::tempdir().unwrap();
    // No per-address limit to speak of: challenges keep nothing until answered,
    // so the flood has nothing to fill.
    let relay = relay(root.path(), &["--requests-per-address", "1000000"]);
    let mut devices = chamber(root.path(), &relay, 2);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let floods: Vec<_> = (0..2)
        .map(|t| {
            let stop = stop.clone();
            let url = relay.url.clone();
            std::thread::spawn(move || {
                let mut sent = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut device = [t as u8; 32];
                    device[..4].copy_from_slice(&sent.to_le_bytes());
                    let hello = Frame::Hello {
                        version: PROTOCOL_VERSION,
                        device,
                    };
                    let _ = ureq::post(&format!("{url}/v1")).send_bytes(&hello.encode());
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    for i in 0..5 {
        still_serves(&mut devices, &format!("Challenged {i} v. Relay"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let sent: u32 = floods.into_iter().map(|f| f.join().unwrap()).sum();
    assert!(sent > 100, "the flood ran ({sent} Hellos)");
}

#[test]
fn a_websocket_flood_is_closed_and_a_chamber_over_quota_is_refused_alone() {
    let root = tempfile::tempdir().unwrap();
    let relay = relay(root.path(), &[]);
    let mut devices = chamber(root.path(), &relay, 2);
    let before = rss_kib(&relay);

    // A stranger's own chamber (open registration), flooding its live socket.
    let keys = DeviceKeys::generate();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    let session = client.register_chamber(&keys, "FLOOD", None).unwrap();
    let live = || {
        let mut req =
            tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/v1/live", relay.addr()))
                .unwrap();
        req.headers_mut().insert(
            "authorization",
            format!("Bearer {}", data_encoding::HEXLOWER.encode(&session.token))
                .parse()
                .unwrap(),
        );
        tungstenite::connect(req)
    };
    let mut sockets: Vec<_> = (0..4).map(|_| live().expect("a live socket").0).collect();
    match live() {
        Err(tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 429),
        other => panic!("a fifth live socket for one device got {:?}", other.map(|_| ())),
    }
    let pull = Frame::Pull { after: 0, limit: 1 }.encode();
    let flooded = &mut sockets[0];
    let mut closed = false;
    for _ in 0..5_000 {
        if flooded.send(tungstenite::Message::Binary(pull.clone().into())).is_err() {
            closed = true;
            break;
        }
    }
    while !closed {
        match flooded.read() {
            Ok(tungstenite::Message::Binary(b)) => {
                if let Ok(Frame::Error {
                    code: ErrorCode::RateLimited,
                    ..
                }) = Frame::decode(&b, MAX_FRAME_BYTES)
                {
                    continue;
                }
            }
            Ok(_) => {}
            Err(_) => closed = true,
        }
    }
    assert!(closed, "the flooded socket was closed");
    still_serves(&mut devices, "WebSocket Flood v. Relay");

    // The stranger's chamber over its quota: refused; the other chamber is not.
    relay.operate(&["chambers", "quota", "FLOOD", "--bytes", "1KiB"]);
    let mut big = vec![0u8; 4096];
    rand::Rng::fill(&mut rand::thread_rng(), &mut big[..]);
    match client.put_blob([7; 32], big) {
        Err(nextdate_sync::SyncError::QuotaExceeded(why)) => assert!(why.contains("1.0 KiB"), "{why}"),
        other => panic!("a chamber over its quota got {other:?}"),
    }
    still_serves(&mut devices, "Quota v. Relay");

    drop(sockets);
    let after = rss_kib(&relay);
    assert!(
        after < before + 64 * 1024,
        "the relay grew from {before} KiB to {after} KiB"
    );
}
