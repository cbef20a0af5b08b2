//! Two `nextdate-relay` processes on one PostgreSQL database (a throwaway
//! cluster on a Unix socket, `support/postgres.rs`), each with its own
//! `--data` folder, as a hosting service runs several instances behind one
//! address: a chamber whose laptops talk to different instances converges;
//! a batch pushed through one instance is announced on a live socket of the
//! other; a laptop removed through one has its live socket on the other
//! closed; and the operator commands read the same database.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/postgres.rs"]
mod support_postgres;
#[path = "support/relay.rs"]
mod support_relay;

use std::collections::BTreeSet;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use nextdate_diary::roles::Role;
use nextdate_diary::{projection, Diary, NewClient};
use nextdate_protocol::frame::{ErrorCode, Frame, MAX_FRAME_BYTES};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::DeviceKeys;
use nextdate_sync::{engine, joining, rotation};
use sha2::Digest;
use support_chamber::let_in;
use support_postgres::PgCluster;
use support_relay::*;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// How long a live socket waits for a frame that should come.
const WAIT: Duration = Duration::from_secs(30);

type Live = WebSocket<MaybeTlsStream<TcpStream>>;

/// A relay on the shared database, serving plain HTTP on a free loopback port.
fn instance(root: &std::path::Path, name: &str, database: &str) -> RelayProc {
    RelayProc::start_with(
        &root.join(name),
        &root.join(format!("{name}.log")),
        &["--listen", "127.0.0.1:0", "--plain-http", "--database", database],
    )
}

/// An invite to the chamber of `admin` that sends the new laptop to `relay`.
fn invite_through(admin: &mut Diary, relay: &RelayProc) -> String {
    let mut invite = joining::invite(admin, Duration::from_secs(3600), Role::Advocate)
        .unwrap()
        .invite;
    invite.relay = relay.url.clone();
    invite.code().to_string()
}

/// A live socket of `d` on `relay`, authenticated there, its session
/// running on the relay (a request answered) before it is returned.
fn live_socket(relay: &RelayProc, d: &Diary) -> Live {
    let keys = DeviceKeys::from_secret_hex(&d.sync_state("device").unwrap().unwrap()).unwrap();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    let session = client.authenticate(&keys, d.chamber_id()).unwrap();
    let mut request =
        tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/v1/live", relay.addr())).unwrap();
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", data_encoding::HEXLOWER.encode(&session.token))
            .parse()
            .unwrap(),
    );
    let (mut ws, _) = tungstenite::connect(request).unwrap();
    ws.send(Message::Binary(Frame::Pull { after: 0, limit: 1 }.encode().into()))
        .unwrap();
    assert!(matches!(next_frame(&mut ws), Frame::Batches { .. }));
    ws
}

/// The next frame on a live socket (pings skipped); panics after [`WAIT`].
fn next_frame(ws: &mut Live) -> Frame {
    let deadline = Instant::now() + WAIT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no frame on the live socket within {WAIT:?}");
        if let MaybeTlsStream::Plain(tcp) = ws.get_ref() {
            tcp.set_read_timeout(Some(left)).unwrap();
        }
        match ws.read() {
            Ok(Message::Binary(bytes)) => return Frame::decode(&bytes, MAX_FRAME_BYTES).unwrap(),
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            other => panic!("expected a frame on the live socket, got {other:?}"),
        }
    }
}

fn settle(devices: &mut [&mut Diary]) {
    for _ in 0..3 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

fn assert_converged(devices: &[&Diary]) {
    let heads = devices[0].doc_heads().unwrap();
    let dump: BTreeSet<_> = projection::dump(devices[0].conn()).unwrap().into_iter().collect();
    for (i, d) in devices.iter().enumerate().skip(1) {
        assert_eq!(d.doc_heads().unwrap(), heads, "device {i} has different documents");
        let other: BTreeSet<_> = projection::dump(d.conn()).unwrap().into_iter().collect();
        assert_eq!(other, dump, "device {i} has a different projection");
    }
}

fn client_names(d: &Diary) -> BTreeSet<String> {
    d.clients().unwrap().into_iter().map(|c| c.name).collect()
}

#[test]
fn laptops_on_two_relay_instances_of_one_database_converge_and_hear_each_other() {
    let root = tempfile::tempdir().unwrap();
    let cluster = PgCluster::start();
    let database = cluster.new_database();
    let a = instance(root.path(), "relay-a", &database);
    let b = instance(root.path(), "relay-b", &database);

    // Laptop 0 sets the chamber up through A; laptop 1 joins through B and is
    // let in by laptop 0 through A; laptop 2 joins through A.
    let mut d0 = new_diary(&root.path().join("d0"), "Adv. Meera Iyer");
    engine::init(&mut d0, &a.url, None, None).unwrap();
    let mut d1 = new_diary(&root.path().join("d1"), "Junior 1");
    let code = invite_through(&mut d0, &b);
    let_in(&mut d0, &mut d1, &code, "laptop 1");
    assert_eq!(engine::status(&d1).unwrap().relay.as_deref(), Some(b.url.as_str()));
    let mut d2 = new_diary(&root.path().join("d2"), "Junior 2");
    let code = invite_through(&mut d0, &a);
    let_in(&mut d0, &mut d2, &code, "laptop 2");

    // Changes made on either side reach the other.
    d0.add_client(NewClient {
        name: "Pushed Through A".into(),
        ..Default::default()
    })
    .unwrap();
    d1.add_client(NewClient {
        name: "Pushed Through B".into(),
        ..Default::default()
    })
    .unwrap();
    settle(&mut [&mut d0, &mut d1, &mut d2]);
    assert_converged(&[&d0, &d1, &d2]);
    let both: BTreeSet<String> = ["Pushed Through A", "Pushed Through B"].map(String::from).into();
    assert!(client_names(&d1).is_superset(&both), "{:?}", client_names(&d1));

    // A live socket on B hears of a batch pushed through A.
    let mut on_b = live_socket(&b, &d1);
    let mut status = RelayClient::new(&b.url, None).unwrap();
    status
        .authenticate(
            &DeviceKeys::from_secret_hex(&d1.sync_state("device").unwrap().unwrap()).unwrap(),
            d1.chamber_id(),
        )
        .unwrap();
    let before = status.chamber_status().unwrap().latest;
    d0.add_client(NewClient {
        name: "Live Across".into(),
        ..Default::default()
    })
    .unwrap();
    engine::sync_now(&mut d0).unwrap();
    let after = status.chamber_status().unwrap().latest;
    assert!(after > before, "the push stored batches ({before} → {after})");
    let mut heard = Vec::new();
    while heard.last() != Some(&after) {
        match next_frame(&mut on_b) {
            Frame::Notify { latest } => {
                assert!(latest > before && latest <= after, "{latest} not in {before}..={after}");
                heard.push(latest);
            }
            other => panic!("expected a notification, got {other:?}"),
        }
    }
    assert!(heard.windows(2).all(|w| w[0] < w[1]), "in order: {heard:?}");
    engine::sync_now(&mut d1).unwrap();
    assert!(client_names(&d1).contains("Live Across"));

    // Laptop 2, removed through A, has its live socket on B closed.
    let mut removed_on_b = live_socket(&b, &d2);
    rotation::remove(&mut d0, "laptop 2").unwrap();
    match next_frame(&mut removed_on_b) {
        Frame::Error { code, .. } => assert_eq!(code, ErrorCode::Removed),
        other => panic!("expected the removal, got {other:?}"),
    }
    // The others go on under the new key, each through its own instance.
    d1.add_client(NewClient {
        name: "After The Removal".into(),
        ..Default::default()
    })
    .unwrap();
    settle(&mut [&mut d0, &mut d1]);
    assert_converged(&[&d0, &d1]);
    assert!(client_names(&d0).contains("After The Removal"));

    // The operator's commands, on either instance's side, read the same database.
    let out = std::process::Command::new(relay_bin())
        .args(["--data", root.path().join("relay-b").to_str().unwrap()])
        .args(["--database", &database, "chambers", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let chambers: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(chambers[0]["id"], d0.chamber_id());
    assert_eq!(chambers[0]["devices"], 2, "laptop 2 is removed");
    assert!(chambers[0]["batches"].as_u64().unwrap() >= after);
    assert_eq!(a.health()["status"], "ok");
    assert_eq!(b.health()["status"], "ok");
}

/// 10,000 batches pushed at once by 8 devices of one chamber, half of them
/// through each instance: every sequence number from 1 to 10,000 is given
/// exactly once, and each instance serves the same log.
#[test]
fn ten_thousand_concurrent_pushes_through_two_instances_are_numbered_without_gaps() {
    const DEVICES: usize = 8;
    const PUSHES: usize = 10_000;
    let cluster = PgCluster::shared();
    let database = cluster.new_database();
    let root = tempfile::tempdir().unwrap();
    // The pushes come from one address as fast as they can: lift the rate limits.
    let limits = ["--requests-per-address", "1000000", "--requests-per-device", "1000000"];
    let start = |name: &str| {
        let mut args = vec!["--listen", "127.0.0.1:0", "--plain-http", "--database", &database];
        args.extend(limits);
        RelayProc::start_with(&root.path().join(name), &root.path().join(format!("{name}.log")), &args)
    };
    let (a, b) = (start("a"), start("b"));
    let chamber = "PUSHED";
    let admin = DeviceKeys::generate();
    let mut first = RelayClient::new(&a.url, None).unwrap();
    first.register_chamber(&admin, chamber, None).unwrap();
    let key = nextdate_sync::crypto::ChamberKey::generate();
    let mut pushers = vec![(admin, first)];
    for i in 1..DEVICES {
        let mut token = [0u8; 32];
        token[0] = i as u8;
        token[1] = 0x5a;
        let hash: [u8; 32] = sha2::Sha256::digest(token).into();
        pushers[0]
            .1
            .create_invite(hash, chrono::Utc::now().timestamp() + 600)
            .unwrap();
        let keys = DeviceKeys::generate();
        let relay = if i % 2 == 0 { &a } else { &b };
        let mut client = RelayClient::new(&relay.url, None).unwrap();
        client.join(&keys, chamber, token).unwrap();
        pushers.push((keys, client));
    }
    // A reader on each instance, to read the log back through it.
    let readers: Vec<RelayClient> = [(&a, 0), (&b, 1)]
        .into_iter()
        .map(|(relay, d)| {
            let mut reader = RelayClient::new(&relay.url, None).unwrap();
            reader.authenticate(&pushers[d].0, chamber).unwrap();
            reader
        })
        .collect();
    let threads: Vec<_> = pushers
        .into_iter()
        .enumerate()
        .map(|(d, (keys, client))| {
            let key = key.clone();
            std::thread::spawn(move || {
                let mut seqs = Vec::new();
                for n in 0..PUSHES / DEVICES {
                    let payload = nextdate_protocol::BatchPayload {
                        changes: vec![nextdate_protocol::WireChange {
                            doc_id: format!("01PUSH{d:02}{n:016}"),
                            kind: "case".into(),
                            bytes: vec![d as u8; 40],
                            replaces: false,
                            context: vec![],
                            signatures: Vec::new(),
                        }],
                        ..Default::default()
                    };
                    let mut id = [0u8; 16];
                    id[0] = d as u8;
                    id[8..].copy_from_slice(&(n as u64).to_be_bytes());
                    let env = nextdate_sync::crypto::seal(&keys, &key, chamber, id, &payload);
                    let pushed = client.push(id, env).unwrap();
                    assert!(!pushed.duplicate);
                    seqs.push(pushed.seq);
                }
                seqs
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in threads {
        let seqs = t.join().unwrap();
        assert!(
            seqs.windows(2).all(|w| w[0] < w[1]),
            "one device's pushes are numbered in order"
        );
        all.extend(seqs);
    }
    all.sort_unstable();
    let expected: Vec<u64> = (1..=PUSHES as u64).collect();
    assert_eq!(all, expected, "every number from 1 to {PUSHES} exactly once");
    // Both instances serve the same, complete log.
    let logs: Vec<Vec<u64>> = readers
        .iter()
        .map(|reader| {
            let mut seqs = Vec::new();
            loop {
                let page = reader.pull(seqs.last().copied().unwrap_or(0), 1000).unwrap();
                seqs.extend(page.batches.iter().map(|b| b.seq));
                if seqs.last().copied().unwrap_or(0) >= page.latest {
                    break;
                }
            }
            seqs
        })
        .collect();
    assert_eq!(logs[0], expected);
    assert_eq!(logs[1], expected);
}

/// One frame to `POST /v1` of `relay`, with a session token when given.
fn call(relay: &RelayProc, frame: &Frame, token: Option<[u8; 32]>) -> Frame {
    let mut req = ureq::post(&format!("{}/v1", relay.url));
    if let Some(token) = token {
        req = req.set(
            "authorization",
            &format!("Bearer {}", data_encoding::HEXLOWER.encode(&token)),
        );
    }
    let resp = match req.send_bytes(&frame.encode()) {
        Ok(resp) | Err(ureq::Error::Status(_, resp)) => resp,
        Err(e) => panic!("{e}"),
    };
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut resp.into_reader(), &mut body).unwrap();
    Frame::decode(&body, MAX_FRAME_BYTES).unwrap()
}

/// Sessions live in the database, so no load balancer has to keep a laptop
/// on one instance: a laptop that got its challenge from A proves itself to
/// B, and the session B opened serves it on A; the same answer does not
/// work twice on either; and a laptop made a viewer through B has its
/// pushes through A refused at once (A hears of it; it does not wait for
/// its cache to age).
#[test]
fn any_instance_serves_a_session_opened_on_another() {
    let cluster = PgCluster::shared();
    let database = cluster.new_database();
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (
        instance(root.path(), "a", &database),
        instance(root.path(), "b", &database),
    );
    let chamber = "ROAMING";
    let admin = DeviceKeys::generate();
    let mut on_a = RelayClient::new(&a.url, None).unwrap();
    on_a.register_chamber(&admin, chamber, None).unwrap();
    let token = [42u8; 32];
    on_a.create_invite(
        sha2::Sha256::digest(token).into(),
        chrono::Utc::now().timestamp() + 3600,
    )
    .unwrap();
    let member = DeviceKeys::generate();
    RelayClient::new(&b.url, None)
        .unwrap()
        .join(&member, chamber, token)
        .unwrap();

    let hello = Frame::Hello {
        version: nextdate_protocol::PROTOCOL_VERSION,
        device: member.public(),
    };
    let Frame::Challenge { nonce } = call(&a, &hello, None) else {
        panic!("no challenge from A")
    };
    let authenticate = Frame::Authenticate {
        chamber: chamber.into(),
        proof: member.prove(nextdate_protocol::proof::ProofPurpose::Authenticate, chamber, nonce),
    };
    let session = match call(&b, &authenticate, None) {
        Frame::Session { token, .. } => token,
        f => panic!("B did not take A's challenge: {f:?}"),
    };
    for relay in [&a, &b] {
        match call(relay, &authenticate, None) {
            Frame::Error {
                code: ErrorCode::BadProof,
                ..
            } => {}
            f => panic!("an answered challenge worked again: {f:?}"),
        }
        match call(relay, &Frame::Pull { after: 0, limit: 10 }, Some(session)) {
            Frame::Batches { .. } => {}
            f => panic!("the session did not serve on {}: {f:?}", relay.url),
        }
    }
    // A push A can only refuse for what it holds: not sealed by this laptop
    // (so nothing is stored), or, once the laptop is a viewer, forbidden.
    let push = Frame::Push {
        batch_id: [1; 16],
        envelope: vec![0; 64],
    };
    let refused = |frame: Frame| match frame {
        Frame::Error { code, .. } => code,
        f => panic!("a push that cannot be stored was answered {f:?}"),
    };
    assert_ne!(refused(call(&a, &push, Some(session))), ErrorCode::Forbidden);

    let mut admin_on_b = RelayClient::new(&b.url, None).unwrap();
    admin_on_b.authenticate(&admin, chamber).unwrap();
    admin_on_b.set_device_access(member.public(), true).unwrap();
    // Well inside the 30 s after which A would read the session again anyway.
    let deadline = Instant::now() + Duration::from_secs(10);
    while refused(call(&a, &push, Some(session))) != ErrorCode::Forbidden {
        assert!(Instant::now() < deadline, "A still lets a viewer push");
        std::thread::sleep(Duration::from_millis(20));
    }
}
