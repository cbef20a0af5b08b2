//! Live notifications through the relay as a real process on 127.0.0.1:
//! a burst of pushes reaches a live socket that is busy (here, stalled on
//! large replies its laptop has not read yet) as one `Notify` of the
//! burst's newest sequence number, not one per batch; and pushes from
//! several laptops at once leave every live laptop told the newest number,
//! the numbers each is told only rising.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use nextdate_protocol::frame::{Frame, MAX_BATCH_BYTES, MAX_FRAME_BYTES};
use nextdate_protocol::{BatchPayload, WireChange};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::{self, ChamberKey, DeviceKeys};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tungstenite::WebSocket;

/// How long a read may wait before the test fails (a bound, not a pause).
const PATIENCE: Duration = Duration::from_secs(60);

/// A relay process; killed when dropped.
struct Relay {
    child: Child,
    addr: String,
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_relay(data: &Path) -> Relay {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nextdate-relay"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--plain-http",
        ])
        .args(["--open-registration", "--requests-per-address", "1000000"])
        .args(["--requests-per-device", "1000000"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the relay");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap();
    let addr = url.trim_start_matches("http://").to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");
    Relay { child, addr }
}

struct Device {
    keys: DeviceKeys,
    client: RelayClient,
}

/// A new chamber `name` of `size` devices (the first its admin), each with a session.
fn chamber(relay: &Relay, name: &str, size: usize) -> Vec<Device> {
    let url = format!("http://{}", relay.addr);
    let keys = DeviceKeys::generate();
    let mut client = RelayClient::new(&url, None).unwrap();
    client.register_chamber(&keys, name, None).unwrap();
    let mut devices = vec![Device { keys, client }];
    for _ in 1..size {
        let mut token = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut token);
        let expires = chrono::Utc::now().timestamp() + 600;
        devices[0]
            .client
            .create_invite(Sha256::digest(token).into(), expires)
            .unwrap();
        let keys = DeviceKeys::generate();
        let mut client = RelayClient::new(&url, None).unwrap();
        client.join(&keys, name, token).unwrap();
        devices.push(Device { keys, client });
    }
    devices
}

/// `device`'s live socket; with `receive_buffer`, the kernel holds at most
/// about that much of what the relay sends before the test reads it.
fn live(relay: &Relay, device: &Device, receive_buffer: Option<usize>) -> WebSocket<TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    if let Some(bytes) = receive_buffer {
        socket.set_recv_buffer_size(bytes).unwrap();
    }
    let to: SocketAddr = relay.addr.parse().unwrap();
    socket.connect(&to.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut req =
        tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/v1/live", relay.addr)).unwrap();
    let token = data_encoding::HEXLOWER.encode(&device.client.session().unwrap().token);
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    tungstenite::client(req, stream).expect("live socket").0
}

/// Seals and pushes batch number `n` of `device`, `size` bytes of changes;
/// returns its sequence number in the log.
fn push(chamber: &str, key: &ChamberKey, device: &Device, n: u64, size: usize) -> u64 {
    let mut bytes = vec![0u8; size];
    rand::thread_rng().fill_bytes(&mut bytes); // incompressible: the envelope stays this large
    let payload = BatchPayload {
        changes: vec![WireChange {
            doc_id: format!("01CASE{n:020}"),
            kind: "case".into(),
            bytes,
            replaces: false,
            context: vec![3u8; 32],
            signatures: Vec::new(),
        }],
        ..Default::default()
    };
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&n.to_be_bytes());
    id[8..].copy_from_slice(&device.keys.public()[..8]);
    let envelope = crypto::seal(&device.keys, key, chamber, id, &payload);
    let pushed = device.client.push(id, envelope).unwrap();
    assert!(!pushed.duplicate);
    pushed.seq
}

fn send(ws: &mut WebSocket<TcpStream>, frame: &Frame) {
    ws.send(tungstenite::Message::Binary(frame.encode().into())).unwrap();
}

/// The next frame the relay sends (pings and pongs passed over).
fn next_frame(ws: &mut WebSocket<TcpStream>) -> Frame {
    loop {
        match ws.read().expect("the relay sends within the test's patience") {
            tungstenite::Message::Binary(bytes) => return Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap(),
            tungstenite::Message::Close(_) => panic!("the relay closed the live socket"),
            _ => continue,
        }
    }
}

/// Asks for the chamber's status and reads up to its answer: the log's
/// newest number, and the `Notify` numbers that came before the answer.
fn status(ws: &mut WebSocket<TcpStream>) -> (u64, Vec<u64>) {
    send(ws, &Frame::ChamberStatus);
    let mut notified = Vec::new();
    loop {
        match next_frame(ws) {
            Frame::Notify { latest } => notified.push(latest),
            Frame::ChamberInfo { latest, .. } => return (latest, notified),
            other => panic!("unexpected {}", other.name()),
        }
    }
}

fn assert_rising(notified: &[u64]) {
    assert!(
        notified.windows(2).all(|w| w[0] < w[1]),
        "the numbers a socket is told only rise: {notified:?}"
    );
}

#[test]
fn a_burst_reaches_a_busy_socket_as_one_notify_of_the_newest() {
    const PULLS: usize = 4;
    // Fewer than the 64 numbers a chamber's channel queues for a socket, so
    // a relay sending one Notify per push would send every one of them.
    const BURST: u64 = 60;
    let dir = tempfile::tempdir().unwrap();
    let relay = start_relay(dir.path());
    let devices = chamber(&relay, "BURST", 2);
    let key = ChamberKey::generate();
    // Two large batches, so one pull of both is nearly a whole frame.
    let large = MAX_BATCH_BYTES - 200 * 1024;
    for n in 1..=2 {
        push("BURST", &key, &devices[0], n, large);
    }
    // The listening laptop asks for both, four times over, and reads
    // nothing yet: 4 x 3.6 MiB of replies cannot all fit in the relay's
    // and this socket's buffers (4 MiB at most and 64 KiB here), so the
    // relay's side of the socket has a request or a reply in hand until
    // the test reads.
    let mut ws = live(&relay, &devices[1], Some(64 * 1024));
    for _ in 0..PULLS {
        send(&mut ws, &Frame::Pull { after: 0, limit: 2 });
    }
    // The first reply has begun: the relay has taken the first request.
    let mut first = [0u8; 1];
    assert_eq!(ws.get_ref().peek(&mut first).unwrap(), 1);
    let mut newest = 0;
    for n in 3..3 + BURST {
        newest = push("BURST", &key, &devices[0], n, 200);
    }
    assert_eq!(newest, 2 + BURST);

    let mut replies = 0;
    let mut notified = Vec::new();
    while replies < PULLS || notified.last() != Some(&newest) {
        match next_frame(&mut ws) {
            Frame::Batches { items, .. } => {
                assert_eq!(items.len(), 2);
                replies += 1;
            }
            Frame::Notify { latest } => notified.push(latest),
            other => panic!("unexpected {}", other.name()),
        }
    }
    let (latest, after) = status(&mut ws);
    assert_eq!(latest, newest);
    assert_eq!(after, Vec::<u64>::new(), "nothing is told after the newest");
    assert_rising(&notified);
    // The socket sends a Notify only between requests and after its last
    // reply, each of everything announced by then: a handful, not one a push.
    assert!(
        notified.len() <= PULLS + 2,
        "{BURST} pushes to a busy socket became {} Notify frames: {notified:?}",
        notified.len()
    );
}

#[test]
fn pushes_from_several_laptops_at_once_leave_every_live_laptop_told_the_newest() {
    const PUSHERS: usize = 4;
    const LISTENERS: usize = 3;
    const EACH: u64 = 50;
    let dir = tempfile::tempdir().unwrap();
    let relay = start_relay(dir.path());
    let mut devices = chamber(&relay, "TOGETHER", PUSHERS + LISTENERS);
    let newest = PUSHERS as u64 * EACH;
    let listeners: Vec<_> = devices
        .split_off(PUSHERS)
        .iter()
        .map(|d| live(&relay, d, None))
        .map(|mut ws| {
            // Answered from the socket's loop: it listens to the chamber by now.
            assert_eq!(status(&mut ws), (0, Vec::new()));
            std::thread::spawn(move || {
                let mut notified = Vec::new();
                while notified.last() != Some(&newest) {
                    match next_frame(&mut ws) {
                        Frame::Notify { latest } => notified.push(latest),
                        other => panic!("unexpected {}", other.name()),
                    }
                }
                (notified, status(&mut ws))
            })
        })
        .collect();
    let key = ChamberKey::generate();
    let pushers: Vec<_> = devices
        .into_iter()
        .map(|device| {
            let key = key.clone();
            std::thread::spawn(move || {
                (0..EACH)
                    .map(|n| push("TOGETHER", &key, &device, n, 200))
                    .max()
                    .unwrap()
            })
        })
        .collect();
    let highest = pushers.into_iter().map(|p| p.join().unwrap()).max().unwrap();
    assert_eq!(highest, newest);
    for listener in listeners {
        let (notified, (latest, after)) = listener.join().unwrap();
        assert_eq!(latest, newest);
        assert_eq!(after, Vec::<u64>::new(), "nothing is told after the newest");
        assert_rising(&notified);
    }
}
