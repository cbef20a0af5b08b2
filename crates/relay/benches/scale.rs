//! Relay scale benchmarks (figures, not assertions), with real
//! `nextdate-relay` processes on 127.0.0.1 and a real PostgreSQL cluster
//! started in a temporary folder:
//!
//! 1. Ingest: 4 devices in 4 chambers push sealed one-edit batches as fast as
//!    they can, through a relay on SQLite and then on PostgreSQL: batches a
//!    second, side by side.
//! 2. Live devices: 500 chambers of 10 devices, every device holding a live
//!    WebSocket to one relay (SQLite); one device per chamber in turn pushes
//!    a batch and the others' notifications are timed from the push (p50,
//!    p99), with the relay's resident memory at rest and with all sockets open.
//! 3. The same 5,000 devices across two relay instances on one PostgreSQL:
//!    half the sockets on each, every push through the first, so half the
//!    notifications cross instances.
//!
//! `cargo bench -p nextdate-relay --bench scale` (`-- --quick`: 50 chambers).

#[path = "../../../benches/table.rs"]
mod table;

#[path = "../../../tests/support/postgres.rs"]
mod postgres;
#[path = "support/mod.rs"]
mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use nextdate_protocol::{BatchPayload, Frame, WireChange};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::{self, ChamberKey, DeviceKeys};
use sha2::{Digest, Sha256};
use support::{rss_mb, start_relay_with, Relay};

/// A one-edit batch from `keys` for `chamber`, the `n`th of that device.
fn batch(keys: &DeviceKeys, key: &ChamberKey, chamber: &str, n: u64) -> ([u8; 16], Vec<u8>) {
    let payload = BatchPayload {
        changes: vec![WireChange {
            doc_id: format!("01CASE{n:020}"),
            kind: "case".into(),
            bytes: vec![7u8; 160],
            replaces: false,
            context: vec![3u8; 32],
            signatures: Vec::new(),
        }],
        ..Default::default()
    };
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&n.to_be_bytes());
    id[8..].copy_from_slice(&keys.public()[..8]);
    (id, crypto::seal(keys, key, chamber, id, &payload))
}

/// Batches a second from 4 devices pushing 5,000 batches in all.
fn ingest(relay: &Relay) -> f64 {
    const PUSHERS: u64 = 4;
    const PUSHES: u64 = 5000;
    let key = ChamberKey::generate();
    let pushers: Vec<_> = (0..PUSHERS)
        .map(|p| {
            let chamber = format!("INGEST{p}");
            let keys = DeviceKeys::generate();
            let mut client = RelayClient::new(&relay.url, None).unwrap();
            client.register_chamber(&keys, &chamber, None).unwrap();
            (chamber, keys, client)
        })
        .collect();
    let start = Instant::now();
    let threads: Vec<_> = pushers
        .into_iter()
        .map(|(chamber, keys, client)| {
            let key = key.clone();
            std::thread::spawn(move || {
                for n in 0..PUSHES / PUSHERS {
                    let (id, env) = batch(&keys, &key, &chamber, n);
                    client.push(id, env).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    PUSHES as f64 / start.elapsed().as_secs_f64()
}

/// A chamber's devices: the admin (who pushes) and every device's keys
/// (the admin's first).
struct Chamber {
    id: String,
    admin: DeviceKeys,
    client: RelayClient,
    devices: Vec<DeviceKeys>,
}

fn chambers(url: &str, count: usize, per: usize) -> Vec<Chamber> {
    (0..count)
        .map(|c| {
            let id = format!("LIVE{c:04}");
            let admin = DeviceKeys::generate();
            let mut client = RelayClient::new(url, None).unwrap();
            client.register_chamber(&admin, &id, None).unwrap();
            let mut devices = vec![DeviceKeys::from_secret_hex(&admin.to_secret_hex()).unwrap()];
            for _ in 1..per {
                let mut token = [0u8; 32];
                rand::Rng::fill(&mut rand::thread_rng(), &mut token);
                client
                    .create_invite(Sha256::digest(token).into(), chrono::Utc::now().timestamp() + 3600)
                    .unwrap();
                let keys = DeviceKeys::generate();
                RelayClient::new(url, None).unwrap().join(&keys, &id, token).unwrap();
                devices.push(keys);
            }
            Chamber {
                id,
                admin,
                client,
                devices,
            }
        })
        .collect()
}

struct Live {
    sockets: usize,
    rest_mb: f64,
    open_mb: Vec<f64>,
    p50_ms: f64,
    p99_ms: f64,
    notices: usize,
}

/// Opens every device's socket (device `i` of a chamber on `relays[i %
/// relays.len()]`, authenticated there: sessions are each instance's own),
/// then has each chamber's admin push one batch in turn, timing the notices.
fn live(relays: &[&Relay], chambers: Vec<Chamber>, pushes_per_second: f64) -> Live {
    let rest_mb = rss_mb(relays[0].child.id(), "VmRSS");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    // When each chamber's latest push was sent, in µs since `started`.
    let sent: Arc<Vec<AtomicU64>> = Arc::new((0..chambers.len()).map(|_| AtomicU64::new(0)).collect());
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let opened = Arc::new(AtomicU64::new(0));
    let mut sockets = 0;
    for (c, chamber) in chambers.iter().enumerate() {
        for (i, keys) in chamber.devices.iter().enumerate() {
            let relay = relays[i % relays.len()];
            let token = RelayClient::new(&relay.url, None)
                .unwrap()
                .authenticate(keys, &chamber.id)
                .unwrap()
                .token;
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
            let (sent, latencies, opened) = (sent.clone(), latencies.clone(), opened.clone());
            sockets += 1;
            runtime.spawn(async move {
                let Ok((mut ws, _)) = tokio_tungstenite::connect_async(req).await else {
                    return;
                };
                opened.fetch_add(1, Ordering::Relaxed);
                while let Some(Ok(msg)) = ws.next().await {
                    if let tokio_tungstenite::tungstenite::Message::Binary(b) = msg {
                        if let Ok(Frame::Notify { .. }) = Frame::decode(&b, 1 << 20) {
                            let at = started.elapsed().as_micros() as u64;
                            let from = sent[c].load(Ordering::Acquire);
                            latencies
                                .lock()
                                .unwrap()
                                .push((at.saturating_sub(from)) as f64 / 1000.0);
                        }
                    }
                }
            });
        }
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    while opened.load(Ordering::Relaxed) < sockets as u64 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    let open_mb = relays.iter().map(|r| rss_mb(r.child.id(), "VmRSS")).collect();
    let key = ChamberKey::generate();
    let gap = Duration::from_secs_f64(1.0 / pushes_per_second);
    for (c, chamber) in chambers.iter().enumerate() {
        let (id, env) = batch(&chamber.admin, &key, &chamber.id, 0);
        sent[c].store(started.elapsed().as_micros() as u64, Ordering::Release);
        chamber.client.push(id, env).unwrap();
        std::thread::sleep(gap);
    }
    let expected = chambers.iter().map(|c| c.devices.len()).sum::<usize>();
    let deadline = Instant::now() + Duration::from_secs(30);
    while latencies.lock().unwrap().len() < expected && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut l = latencies.lock().unwrap().clone();
    l.sort_by(|a, b| a.total_cmp(b));
    let pick = |q: f64| {
        l.get(((l.len() as f64 * q) as usize).min(l.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::NAN)
    };
    runtime.shutdown_background();
    Live {
        sockets: opened.load(Ordering::Relaxed) as usize,
        rest_mb,
        open_mb,
        p50_ms: pick(0.5),
        p99_ms: pick(0.99),
        notices: l.len(),
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let quick = std::env::args().any(|a| a == "--quick");
    let chambers_n = if quick { 50 } else { 500 };
    let root = tempfile::tempdir().unwrap();
    let cluster = postgres::PgCluster::start();

    let sqlite = start_relay_with(&root.path().join("sqlite"), &[]);
    let sqlite_rate = ingest(&sqlite);
    drop(sqlite);
    let database = cluster.new_database();
    let pg = start_relay_with(&root.path().join("pg"), &["--database", &database]);
    let pg_rate = ingest(&pg);
    drop(pg);
    println!("relay ingest, 4 devices pushing 5,000 one-edit batches");
    println!("  SQLite      {sqlite_rate:8.0} batches/s   (target >= 5,000)");
    println!(
        "  PostgreSQL  {pg_rate:8.0} batches/s   (target >= 3,000; {:.2}x SQLite)",
        pg_rate / sqlite_rate
    );
    table::record(
        "relay ingest on SQLite (target >= 5,000/s)",
        sqlite_rate,
        "batches/s",
        None,
        None,
    );
    table::record(
        "relay ingest on PostgreSQL (target >= 3,000/s), beside SQLite",
        pg_rate,
        "batches/s",
        Some(sqlite_rate),
        None,
    );

    let one = start_relay_with(&root.path().join("live"), &[]);
    let cs = chambers(&one.url, chambers_n, 10);
    let single = live(&[&one], cs, 200.0);
    drop(one);
    println!(
        "{} live devices in {chambers_n} chambers on one relay (SQLite)",
        single.sockets
    );
    println!(
        "  memory {:.1} MB with every socket open, {:.1} MB before (target < 150 MB)",
        single.open_mb[0], single.rest_mb
    );
    println!(
        "  notification p50 {:.2} ms, p99 {:.2} ms over {} notices (target p99 < 100 ms)",
        single.p50_ms, single.p99_ms, single.notices
    );
    let devices = single.sockets;
    table::record(
        &format!("relay memory, {devices} live devices (target < 150 MB), beside at rest"),
        single.open_mb[0],
        "MB",
        Some(single.rest_mb),
        None,
    );
    table::record(
        &format!("relay notification p99, {devices} live devices (target < 100 ms)"),
        single.p99_ms,
        "ms",
        None,
        None,
    );

    let database = cluster.new_database();
    let a = start_relay_with(&root.path().join("a"), &["--database", &database]);
    let b = start_relay_with(&root.path().join("b"), &["--database", &database]);
    let cs = chambers(&a.url, chambers_n, 10);
    let pair = live(&[&a, &b], cs, 200.0);
    println!(
        "{} live devices in {chambers_n} chambers across two relays on one PostgreSQL",
        pair.sockets
    );
    println!(
        "  memory {:.1} MB and {:.1} MB with every socket open",
        pair.open_mb[0], pair.open_mb[1]
    );
    println!(
        "  notification p50 {:.2} ms, p99 {:.2} ms over {} notices (half cross instances)",
        pair.p50_ms, pair.p99_ms, pair.notices
    );
    table::record(
        &format!("relay notification p99, {devices} live devices on two instances"),
        pair.p99_ms,
        "ms",
        Some(single.p99_ms),
        None,
    );
}
