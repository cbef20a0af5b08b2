//! Sync benchmarks (figures, not assertions), with a real `nextdate-relay`
//! process on 127.0.0.1:
//!
//! 1. Convergence: three diaries in one chamber each make 1,000 edits offline
//!    (900 new cases, 100 stage changes on 10 shared cases), then reconnect; the
//!    time until all three hold identical documents, and the bytes on the wire
//!    (counted by a TCP proxy in front of the relay) per edit.
//! 2. Ingest: 500 devices (50 chambers of 10) hold live WebSocket connections
//!    while 4 devices push sealed one-edit batches as fast as they can; batches
//!    per second, and the relay's resident memory.
//!    The convergence is run again through a relay on PostgreSQL (a
//!    throwaway cluster, as the tests start one), beside the SQLite figure.
//! 3. The same convergence workload through the reference automerge-repo sync
//!    server from npm (plaintext), run side by side when Node is available
//!    (`benches/automerge-repo-baseline`).
//!
//! `cargo bench -p nextdate-relay --bench sync` (`NEXTDATE_BENCH_ONLY=ingest`
//! runs only the ingest, its workload unchanged, and prints its figures;
//! `=converge` only the convergence and its baseline, for profiling).

#[path = "../../../benches/table.rs"]
mod table;

#[path = "../../../tests/support/postgres.rs"]
mod postgres;
#[path = "support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use nextdate_diary::{CaseEdit, Diary, NewCase};
use nextdate_protocol::{BatchPayload, WireChange};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::{self, ChamberKey, DeviceKeys};
use nextdate_sync::engine;
use sha2::{Digest, Sha256};
use support::{new_diary, rss_mb, start_relay, start_relay_with};

/// A TCP proxy that counts every byte in both directions.
fn counting_proxy(target: String) -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let bytes = Arc::new(AtomicU64::new(0));
    let counter = bytes.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(&target) else {
                continue;
            };
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let mut buf = [0u8; 64 * 1024];
                    loop {
                        match from.read(&mut buf) {
                            Ok(0) | Err(_) => {
                                let _ = to.shutdown(std::net::Shutdown::Write);
                                return;
                            }
                            Ok(n) => {
                                counter.fetch_add(n as u64, Ordering::Relaxed);
                                if to.write_all(&buf[..n]).is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        }
    });
    (format!("http://{addr}"), bytes)
}

struct Convergence {
    millis: f64,
    wire_bytes: u64,
    edits: u64,
}

/// The convergence run through a relay on SQLite, or on the PostgreSQL
/// database at `database`; `root` is this run's own folder.
fn convergence(root: &Path, database: Option<&str>) -> Convergence {
    let relay = match database {
        Some(url) => start_relay_with(&root.join("relay"), &["--database", url]),
        None => start_relay(&root.join("relay")),
    };
    let target = relay.url.trim_start_matches("http://").to_string();
    let (proxy, wire) = counting_proxy(target);
    let mut devices: Vec<Diary> = Vec::new();
    let mut a = new_diary(&root.join("a"), "Senior");
    engine::init(&mut a, &proxy, None, None).unwrap();
    let shared: Vec<String> = (0..10)
        .map(|i| {
            a.add_case(NewCase {
                title: format!("Shared {i} v. State"),
                number: format!("SH {i}/2026"),
                court: "High Court".into(),
                ..Default::default()
            })
            .unwrap()
        })
        .collect();
    engine::sync_now(&mut a).unwrap();
    devices.push(a);
    for name in ["b", "c"] {
        let code = nextdate_sync::joining::invite(
            &mut devices[0],
            Duration::from_secs(600),
            nextdate_diary::roles::Role::Advocate,
        )
        .unwrap()
        .invite
        .code()
        .to_string();
        let mut d = new_diary(&root.join(name), name);
        nextdate_sync::joining::join(&mut d, &code, name).unwrap();
        engine::sync_now(&mut devices[0]).unwrap();
        devices.push(d);
    }
    for d in devices.iter_mut() {
        engine::sync_now(d).unwrap();
    }
    // Offline: 1,000 edits each.
    let stages = ["Admission", "Evidence", "Arguments", "Orders"];
    for (k, d) in devices.iter_mut().enumerate() {
        for i in 0..1000 {
            if i % 10 == 9 {
                d.edit_case(
                    &shared[i % 10],
                    CaseEdit {
                        stage: Some(Some(format!("{} {k}-{i}", stages[i % 4]))),
                        ..Default::default()
                    },
                )
                .unwrap();
            } else {
                d.add_case(NewCase {
                    title: format!("Matter {k}-{i} v. State"),
                    number: format!("CS {k}-{i}/2026"),
                    court: "District Court".into(),
                    stage: Some("Admission".into()),
                    ..Default::default()
                })
                .unwrap();
            }
        }
    }
    // Reconnect: all three sync at once, each round after round as a laptop
    // online does (told of a push within the relay's 10 ms gathering of
    // notifications, it pulls again), until a round that began once every
    // laptop had pushed all it had: that round pulled everything. The clock
    // stops there, when the last laptop is done, as automerge-repo's stops at
    // the last peer's heads; comparing the heads here (every document of
    // every diary loaded again, a check this bench makes and a laptop does
    // not) comes after it.
    wire.store(0, Ordering::Relaxed);
    let pushed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let handles: Vec<_> = devices
        .drain(..)
        .map(|mut d| {
            let pushed = pushed.clone();
            std::thread::spawn(move || {
                let mut counted = false;
                for _ in 0..200 {
                    let everyone_pushed = pushed.load(Ordering::SeqCst) == 3;
                    let report = engine::sync_now(&mut d).unwrap();
                    if !counted && d.outbox_len().unwrap() == 0 {
                        counted = true;
                        pushed.fetch_add(1, Ordering::SeqCst);
                    }
                    if everyone_pushed {
                        return d;
                    }
                    if report.pulled_batches == 0 {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                }
                panic!("no convergence after 200 rounds");
            })
        })
        .collect();
    devices = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let millis = start.elapsed().as_secs_f64() * 1000.0;
    let heads: Vec<_> = devices.iter().map(|d| d.doc_heads().unwrap()).collect();
    assert!(heads.windows(2).all(|w| w[0] == w[1]), "the devices did not converge");
    assert!(devices.iter().all(|d| d.outbox_len().unwrap() == 0));
    assert_eq!(heads[0].len(), 1 + 10 + 2700);
    Convergence {
        millis,
        wire_bytes: wire.load(Ordering::Relaxed),
        edits: 3000,
    }
}

struct Ingest {
    batches_per_sec: f64,
    batches: u64,
    connected: usize,
    rss_mb: f64,
    peak_mb: f64,
    idle_rss_mb: f64,
}

fn ingest(root: &Path) -> Ingest {
    const CHAMBERS: usize = 50;
    const PER_CHAMBER: usize = 10;
    const PUSHERS: usize = 4;
    const PUSHES: u64 = 5000;
    let relay = start_relay(&root.join("relay-ingest"));
    let idle_rss_mb = rss_mb(relay.child.id(), "VmRSS");
    let mut sockets = Vec::new();
    let mut pushers = Vec::new();
    for c in 0..CHAMBERS {
        let chamber = format!("BENCH{c:03}");
        let admin = DeviceKeys::generate();
        let mut client = RelayClient::new(&relay.url, None).unwrap();
        client.register_chamber(&admin, &chamber, None).unwrap();
        let mut members = vec![(admin, client)];
        for _ in 1..PER_CHAMBER {
            let mut token = [0u8; 32];
            rand::Rng::fill(&mut rand::thread_rng(), &mut token);
            members[0]
                .1
                .create_invite(Sha256::digest(token).into(), chrono::Utc::now().timestamp() + 600)
                .unwrap();
            let keys = DeviceKeys::generate();
            let mut cl = RelayClient::new(&relay.url, None).unwrap();
            cl.join(&keys, &chamber, token).unwrap();
            members.push((keys, cl));
        }
        for (keys, cl) in members {
            let token = cl.session().unwrap().token;
            let mut req = tungstenite::client::IntoClientRequest::into_client_request(format!(
                "ws://{}/v1/live",
                relay.url.trim_start_matches("http://")
            ))
            .unwrap();
            req.headers_mut().insert(
                "authorization",
                format!("Bearer {}", data_encoding::HEXLOWER.encode(&token))
                    .parse()
                    .unwrap(),
            );
            let (ws, _) = tungstenite::connect(req).unwrap();
            sockets.push(ws);
            if pushers.len() < PUSHERS && c % (CHAMBERS / PUSHERS) == 0 {
                pushers.push((chamber.clone(), keys, cl));
            }
        }
    }
    // Drain notifications so the relay never blocks on a full socket.
    let received = Arc::new(AtomicU64::new(0));
    let connected = sockets.len();
    let mut readers = Vec::new();
    for mut ws in sockets {
        let received = received.clone();
        readers.push(std::thread::spawn(move || {
            while let Ok(msg) = ws.read() {
                if msg.is_binary() {
                    received.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let key = ChamberKey::generate();
    let start = Instant::now();
    let handles: Vec<_> = pushers
        .into_iter()
        .map(|(chamber, keys, client)| {
            let key = key.clone();
            std::thread::spawn(move || {
                for i in 0..PUSHES / PUSHERS as u64 {
                    let payload = BatchPayload {
                        changes: vec![WireChange {
                            doc_id: format!("01CASE{i:020}"),
                            kind: "case".into(),
                            bytes: vec![7u8; 160],
                            replaces: false,
                            context: vec![3u8; 32],
                            signatures: Vec::new(),
                        }],
                        ..Default::default()
                    };
                    let mut id = [0u8; 16];
                    id[..8].copy_from_slice(&i.to_be_bytes());
                    id[8..].copy_from_slice(&keys.public()[..8]);
                    let env = crypto::seal(&keys, &key, &chamber, id, &payload);
                    client.push(id, env).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let secs = start.elapsed().as_secs_f64();
    let rss = rss_mb(relay.child.id(), "VmRSS");
    let peak = rss_mb(relay.child.id(), "VmHWM");
    drop(relay);
    for r in readers {
        let _ = r.join();
    }
    Ingest {
        batches_per_sec: PUSHES as f64 / secs,
        batches: PUSHES,
        connected,
        rss_mb: rss,
        peak_mb: peak,
        idle_rss_mb,
    }
}

fn print_ingest(ing: &Ingest) {
    println!(
        "ingest with {} live WebSocket devices: {:.0} batches/s ({} batches, 4 pushers, every batch sealed and signed)",
        ing.connected, ing.batches_per_sec, ing.batches
    );
    println!(
        "relay memory: {:.1} MB idle, {:.1} MB with {} devices connected after ingest (peak {:.1} MB)",
        ing.idle_rss_mb, ing.rss_mb, ing.connected, ing.peak_mb
    );
}

/// The automerge-repo sync server running the same convergence workload, if Node is here.
fn baseline() -> Option<serde_json::Value> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../benches/automerge-repo-baseline");
    if !dir.join("node_modules").is_dir() {
        let ok = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .stdout(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !ok {
            eprintln!("(baseline skipped: npm ci failed in {})", dir.display());
            return None;
        }
    }
    let out = Command::new("node").arg("run.mjs").current_dir(&dir).output().ok()?;
    if !out.status.success() {
        eprintln!("(baseline failed: {})", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    serde_json::from_slice(&out.stdout).ok()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    if std::env::var("NEXTDATE_BENCH_ONLY").is_ok_and(|v| v == "ingest") {
        eprintln!("ingest: 500 live devices, 4 pushers …");
        let ing = ingest(root.path());
        print_ingest(&ing);
        return;
    }
    eprintln!("convergence: 3 devices × 1,000 offline edits …");
    let conv = convergence(&root.path().join("sqlite"), None);
    if std::env::var("NEXTDATE_BENCH_ONLY").is_ok_and(|v| v == "converge") {
        // For profiling: the convergence alone, beside the baseline's.
        let base = baseline();
        let theirs = base.as_ref().and_then(|v| v["converge_ms"].as_f64());
        println!("converge: {:.0} ms, automerge-repo {theirs:?} ms", conv.millis);
        return;
    }
    eprintln!("convergence through a relay on PostgreSQL …");
    let cluster = postgres::PgCluster::start();
    let conv_pg = convergence(&root.path().join("postgres"), Some(&cluster.new_database()));
    drop(cluster);
    eprintln!("ingest: 500 live devices, 4 pushers …");
    let ing = ingest(root.path());
    eprintln!("baseline: automerge-repo-sync-server …");
    let base = baseline();

    println!();
    println!("{:<46} {:>16} {:>22}", "", "nextdate-relay", "automerge-repo server");
    let b = |k: &str| base.as_ref().and_then(|v| v[k].as_f64());
    let fmt = |v: Option<f64>, digits: usize| v.map(|x| format!("{x:.digits$}")).unwrap_or_else(|| "—".into());
    println!(
        "{:<46} {:>16.0} {:>22}",
        "converge, 3 devices × 1,000 offline edits (ms)",
        conv.millis,
        fmt(b("converge_ms"), 0)
    );
    println!(
        "{:<46} {:>16.0} {:>22}",
        "  the same, relay on PostgreSQL (ms)", conv_pg.millis, "—"
    );
    println!(
        "{:<46} {:>16.0} {:>22}",
        "bytes on the wire per edit",
        conv.wire_bytes as f64 / conv.edits as f64,
        fmt(b("bytes_per_edit"), 0)
    );
    println!(
        "{:<46} {:>16} {:>22}",
        "encrypted end to end",
        "yes",
        if base.is_some() { "no (plaintext)" } else { "—" }
    );
    println!();
    print_ingest(&ing);
    table::record(
        "converge, 3 devices x 1,000 offline edits, beside automerge-repo",
        conv.millis,
        "ms",
        b("converge_ms"),
        Some(0.5),
    );
    table::record(
        "converge through a relay on PostgreSQL, beside SQLite",
        conv_pg.millis,
        "ms",
        Some(conv.millis),
        None,
    );
    table::record(
        "bytes on the wire per edit, beside automerge-repo",
        conv.wire_bytes as f64 / conv.edits as f64,
        "bytes",
        b("bytes_per_edit"),
        Some(1.0),
    );
    table::record(
        "relay ingest, 500 live devices (target >= 5,000/s)",
        ing.batches_per_sec,
        "batches/s",
        None,
        None,
    );
    if let Some(v) = base.as_ref().and_then(|v| v["server_rss_mb"].as_f64()) {
        println!("automerge-repo sync server memory after its convergence run: {v:.1} MB");
    }
}
