//! Attachments streamed through a real relay process on 127.0.0.1: a 60 MiB
//! attachment goes up with the laptop's client and comes back identical
//! while the relay's peak memory grows by far less than the attachment (on
//! SQLite, and on PostgreSQL in a throwaway cluster); an
//! upload without a session, too large or without a length is refused
//! before its body is read, and a viewer's is refused; an upload that
//! breaks off or stalls stores nothing (and leaves no spool file); older
//! laptops' attachment frames still work, both ways, with the new routes;
//! and a new laptop falls back to frames with a relay older than them.

#[path = "support/postgres.rs"]
mod support_postgres;
#[path = "support/relay.rs"]
mod support_relay;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use nextdate_protocol::frame::{ErrorCode, Frame, MAX_BLOB_BYTES, MAX_FRAME_BYTES};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::DeviceKeys;
use nextdate_sync::SyncError;
use sha2::{Digest, Sha256};
use support_relay::RelayProc;

const MIB: usize = 1024 * 1024;

fn relay(root: &std::path::Path) -> RelayProc {
    RelayProc::start_with(
        &root.join("relay"),
        &root.join("relay.log"),
        &["--listen", "127.0.0.1:0", "--plain-http", "--body-timeout", "2"],
    )
}

/// A laptop's client with a session in a new chamber of its own.
fn laptop(relay: &RelayProc, chamber: &str) -> (RelayClient, DeviceKeys) {
    let keys = DeviceKeys::generate();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    client.register_chamber(&keys, chamber, None).unwrap();
    (client, keys)
}

fn random(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    rand::Rng::fill(&mut rand::thread_rng(), &mut bytes[..]);
    bytes
}

/// A field of the relay's `/proc/PID/status`, in KiB (`VmHWM`: its peak resident memory).
fn memory_kib(relay: &RelayProc, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", relay.child.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn bearer(client: &RelayClient) -> String {
    data_encoding::HEXLOWER.encode(&client.session().unwrap().token)
}

/// What the chamber stores: (bytes, documents), as the operator's
/// `chambers list` says (on the PostgreSQL `database`, if given).
fn stored(relay: &RelayProc, database: Option<&str>, chamber: &str) -> (u64, u64) {
    let mut args = vec!["chambers", "list", "--json"];
    if let Some(url) = database {
        args.extend(["--database", url]);
    }
    let list: serde_json::Value = serde_json::from_str(&relay.operate(&args)).unwrap();
    let c = list.as_array().unwrap().iter().find(|c| c["id"] == chamber).unwrap();
    (c["bytes"].as_u64().unwrap(), c["blobs"].as_u64().unwrap())
}

/// A raw connection to the relay, for what the laptop's client never sends.
fn connect(relay: &RelayProc) -> TcpStream {
    let stream = TcpStream::connect(relay.addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// A `PUT /v1/blobs/{id}` head: with `length` as its `Content-Length`, or chunked.
fn put_head(id: &[u8; 32], length: Option<usize>, token: Option<&str>) -> String {
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let length = match length {
        Some(n) => format!("Content-Length: {n}\r\n"),
        None => "Transfer-Encoding: chunked\r\n".to_string(),
    };
    format!(
        "PUT /v1/blobs/{} HTTP/1.1\r\nHost: relay\r\n{auth}{length}\r\n",
        data_encoding::HEXLOWER.encode(id)
    )
}

/// Sends a head and nothing else; the answer's status and error frame.
fn refused_before_the_body(relay: &RelayProc, head: &str) -> (u16, ErrorCode) {
    let mut stream = connect(relay);
    stream.write_all(head.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .expect("an answer without the body being sent");
    let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        if header.trim().is_empty() {
            break;
        }
        if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    match Frame::decode(&body, MAX_FRAME_BYTES).unwrap() {
        Frame::Error { code, .. } => (status, code),
        other => panic!("expected an error frame, got {other:?}"),
    }
}

/// Waits (up to 20 s) until the relay's log says `what`.
fn logged(relay: &RelayProc, what: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if std::fs::read_to_string(&relay.log).unwrap_or_default().contains(what) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_sixty_mib_attachment_streams_through_the_relay_in_bounded_memory() {
    let root = tempfile::tempdir().unwrap();
    sixty_mib_round_trip(&relay(root.path()), None);
}

#[test]
fn a_sixty_mib_attachment_streams_through_a_relay_on_postgres() {
    let cluster = support_postgres::PgCluster::shared();
    let url = cluster.new_database();
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start_on(&root.path().join("relay"), &root.path().join("relay.log"), Some(&url));
    sixty_mib_round_trip(&relay, Some(&url));
}

/// 60 MiB up and back through `relay` (on the PostgreSQL `database`, if
/// given), its peak memory read before and after each way.
fn sixty_mib_round_trip(relay: &RelayProc, database: Option<&str>) {
    let (client, _) = laptop(relay, "BIG");
    // One small attachment each way first: the relay's one-off allocations
    // (its first upload, its first download) are not the big one's.
    let small = random(3 * MIB);
    client.put_blob([1; 32], small.clone()).unwrap();
    assert!(client.get_blob([1; 32]).unwrap() == Some(small.clone()));

    let before = memory_kib(relay, "VmHWM");
    let big = random(60 * MIB);
    let digest = Sha256::digest(&big);
    client.put_blob([2; 32], big).unwrap();
    let after_upload = memory_kib(relay, "VmHWM");
    let back = client.get_blob([2; 32]).unwrap().expect("the attachment is there");
    let after_download = memory_kib(relay, "VmHWM");
    assert_eq!(back.len(), 60 * MIB);
    assert!(Sha256::digest(&back) == digest, "it came back identical");
    eprintln!(
        "relay on {}: VmHWM {before} KiB before, {after_upload} KiB after the 60 MiB upload, \
         {after_download} KiB after its download (VmRSS now {} KiB)",
        database.map_or("SQLite", |_| "PostgreSQL"),
        memory_kib(relay, "VmRSS")
    );
    for (when, peak) in [("upload", after_upload), ("download", after_download)] {
        assert!(
            peak < before + 32 * 1024,
            "the relay's peak grew from {before} KiB to {peak} KiB with the {when}"
        );
    }
    assert_eq!(stored(relay, database, "BIG"), ((63 * MIB) as u64, 2));
    // Sent again (a lost answer): nothing more is stored.
    client.put_blob([2; 32], back).unwrap();
    assert_eq!(stored(relay, database, "BIG"), ((63 * MIB) as u64, 2));
}

#[test]
fn refusals_come_before_the_body_is_read() {
    let root = tempfile::tempdir().unwrap();
    let relay = relay(root.path());
    let (admin, _) = laptop(&relay, "REFUSALS");
    let token = bearer(&admin);
    let id = [3; 32];

    // 80 MiB announced, none sent: each answered at once.
    let stranger = refused_before_the_body(&relay, &put_head(&id, Some(80 * MIB), None));
    assert_eq!(stranger, (401, ErrorCode::Unauthenticated));
    let expired = "ab".repeat(32);
    let stale = refused_before_the_body(&relay, &put_head(&id, Some(80 * MIB), Some(&expired)));
    assert_eq!(stale, (401, ErrorCode::Unauthenticated));
    let too_large = refused_before_the_body(&relay, &put_head(&id, Some(MAX_BLOB_BYTES + 1), Some(&token)));
    assert_eq!(too_large, (413, ErrorCode::TooLarge));
    let no_length = refused_before_the_body(&relay, &put_head(&id, None, Some(&token)));
    assert_eq!(no_length, (411, ErrorCode::Malformed));
    let bad_id = put_head(&id, Some(MIB), Some(&token)).replace(&data_encoding::HEXLOWER.encode(&id), "not-an-id");
    assert_eq!(refused_before_the_body(&relay, &bad_id), (400, ErrorCode::Malformed));
    let download = format!(
        "GET /v1/blobs/{} HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer {token}\r\n\r\n",
        data_encoding::HEXLOWER.encode(&id)
    );
    assert_eq!(refused_before_the_body(&relay, &download), (404, ErrorCode::NotFound));
    assert_eq!(admin.get_blob(id).unwrap(), None);

    // A viewer's laptop (read-only) may download but not upload.
    let viewer_keys = DeviceKeys::generate();
    let invite = [9u8; 32];
    admin
        .create_invite(Sha256::digest(invite).into(), chrono::Utc::now().timestamp() + 600)
        .unwrap();
    let mut viewer = RelayClient::new(&relay.url, None).unwrap();
    viewer.join(&viewer_keys, "REFUSALS", invite).unwrap();
    admin.set_device_access(viewer_keys.public(), true).unwrap();
    admin.put_blob([4; 32], b"sealed by the admin".to_vec()).unwrap();
    match viewer.put_blob(id, b"sealed by a viewer".to_vec()) {
        Err(SyncError::Relay {
            code: ErrorCode::Forbidden,
            ..
        }) => {}
        other => panic!("a viewer's upload got {other:?}"),
    }
    let viewer_token = bearer(&viewer);
    let big_from_viewer = refused_before_the_body(&relay, &put_head(&id, Some(80 * MIB), Some(&viewer_token)));
    assert_eq!(big_from_viewer, (403, ErrorCode::Forbidden));
    assert_eq!(viewer.get_blob([4; 32]).unwrap(), Some(b"sealed by the admin".to_vec()));
    assert_eq!(admin.has_blobs(vec![id]).unwrap(), [false]);
    assert_eq!(stored(&relay, None, "REFUSALS"), (19, 1));

    // HEAD, which a laptop asks before it uploads: stored or not, and its
    // size; its status, type and length.
    let head = |id: &[u8; 32]| {
        let url = format!("{}/v1/blobs/{}", relay.url, data_encoding::HEXLOWER.encode(id));
        let answer = match ureq::head(&url).set("authorization", &format!("Bearer {token}")).call() {
            Ok(answer) | Err(ureq::Error::Status(_, answer)) => answer,
            Err(e) => panic!("HEAD got no answer: {e}"),
        };
        let length = answer.header("content-length").map(str::to_string);
        (answer.status(), answer.content_type().to_string(), length)
    };
    let octets = "application/octet-stream".to_string();
    assert_eq!(head(&[4; 32]), (200, octets.clone(), Some("19".to_string())));
    assert_eq!(head(&id).0, 404);
    assert_eq!(head(&id).1, octets, "an error frame's type: the route is there");
}

#[test]
fn an_upload_that_breaks_off_or_stalls_stores_nothing() {
    let root = tempfile::tempdir().unwrap();
    let relay = relay(root.path());
    let (client, _) = laptop(&relay, "BROKEN");
    let token = bearer(&client);
    let id = [5; 32];
    let whole = random(8 * MIB);

    // 3 of 8 MiB, then the connection goes.
    let mut cut = connect(&relay);
    cut.write_all(put_head(&id, Some(whole.len()), Some(&token)).as_bytes())
        .unwrap();
    cut.write_all(&whole[..3 * MIB]).unwrap();
    drop(cut);
    assert!(
        logged(&relay, "attachment upload broke off"),
        "the relay saw it break off"
    );
    assert_eq!(client.has_blobs(vec![id]).unwrap(), [false]);

    // 1 of 8 MiB, then nothing more (past the 2 s body timeout).
    let mut stalled = connect(&relay);
    stalled
        .write_all(put_head(&id, Some(whole.len()), Some(&token)).as_bytes())
        .unwrap();
    stalled.write_all(&whole[..MIB]).unwrap();
    let mut answer = Vec::new();
    match stalled.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) => assert!(matches!(e.kind(), ErrorKind::ConnectionReset), "{e}"),
    }
    assert_eq!(client.has_blobs(vec![id]).unwrap(), [false]);
    assert_eq!(stored(&relay, None, "BROKEN"), (0, 0));
    let spool = relay.data.join("incoming");
    let left = std::fs::read_dir(&spool).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "nothing left in {}", spool.display());

    // Sent whole, it is stored whole.
    client.put_blob(id, whole.clone()).unwrap();
    assert!(client.get_blob(id).unwrap() == Some(whole));
    assert_eq!(stored(&relay, None, "BROKEN"), ((8 * MIB) as u64, 1));
}

#[test]
fn older_laptops_attachment_frames_still_work_both_ways() {
    let root = tempfile::tempdir().unwrap();
    let relay = relay(root.path());
    let (client, _) = laptop(&relay, "MIXED");
    // An older laptop's upload, in a frame; a new laptop's download, streamed.
    let old = random(3 * MIB + 17);
    let put = Frame::PutBlob {
        id: [6; 32],
        bytes: old.clone(),
    };
    assert_eq!(client.call(&put).unwrap(), Frame::Done);
    assert!(client.get_blob([6; 32]).unwrap() == Some(old));
    // A new laptop's upload, streamed; an older laptop's download, in a frame.
    let new = random(2 * MIB + 5);
    client.put_blob([7; 32], new.clone()).unwrap();
    match client.call(&Frame::GetBlob { id: [7; 32] }).unwrap() {
        Frame::Blob { bytes } => assert!(bytes == new),
        other => panic!("{other:?}"),
    }
    match client.call(&Frame::GetBlob { id: [8; 32] }) {
        Err(SyncError::Relay {
            code: ErrorCode::NotFound,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
}

/// A relay from before the attachment routes, in this process: only the
/// frame routes, over the same request handler. Its address.
fn older_relay(dir: &std::path::Path) -> String {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{header, HeaderMap, StatusCode, Uri};
    use axum::response::IntoResponse;
    use nextdate_protocol::frame::MAX_BLOB_FRAME_BYTES;
    use nextdate_relay::{Policy, Relay};
    use std::sync::Arc;

    async fn frames(State(relay): State<Arc<Relay>>, uri: Uri, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
        let token: Option<[u8; 32]> = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()?.strip_prefix("Bearer "))
            .and_then(|t| data_encoding::HEXLOWER.decode(t.as_bytes()).ok())
            .and_then(|t| t.try_into().ok());
        let session = match token {
            Some(token) => relay.session(&token).await.unwrap(),
            None => None,
        };
        let frame = Frame::decode(&body, MAX_BLOB_FRAME_BYTES).unwrap();
        let reply = relay.handle(frame, session.as_ref(), uri.path() == "/v1/blob");
        let status = match &reply {
            Frame::Error { code, .. } => StatusCode::from_u16(code.http_status()).unwrap(),
            _ => StatusCode::OK,
        };
        (
            status,
            [(header::CONTENT_TYPE, "application/octet-stream")],
            reply.encode(),
        )
    }

    let relay = nextdate_relay::open(
        dir,
        Policy {
            open_registration: true,
        },
    )
    .unwrap();
    let app = axum::Router::new()
        .route("/v1", axum::routing::post(frames))
        .route("/v1/blob", axum::routing::post(frames))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(relay);
    let (tell, told) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tell.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", told.recv().unwrap())
}

#[test]
fn a_new_laptop_sends_frames_to_an_older_relay() {
    let root = tempfile::tempdir().unwrap();
    let url = older_relay(root.path());
    let keys = DeviceKeys::generate();
    let mut client = RelayClient::new(&url, None).unwrap();
    client.register_chamber(&keys, "OLDER", None).unwrap();
    let sealed = random(3 * MIB + 1);
    client.put_blob([1; 32], sealed.clone()).unwrap();
    assert!(client.get_blob([1; 32]).unwrap() == Some(sealed));
    assert_eq!(client.get_blob([2; 32]).unwrap(), None);
    assert_eq!(client.has_blobs(vec![[1; 32], [2; 32]]).unwrap(), [true, false]);
}
