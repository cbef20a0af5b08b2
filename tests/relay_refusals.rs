//! The relay as it faces the network, end to end against a real
//! `nextdate-relay` process on 127.0.0.1: strangers, bad tokens and garbage
//! are refused while it keeps serving, and it serves TLS: with a given
//! certificate, or its own, which devices pin through the invite.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use std::io::{Read, Write};
use std::time::Duration;

use nextdate_diary::roles::Role;
use nextdate_diary::NewClient;
use nextdate_protocol::frame::{ErrorCode, Frame, MAX_FRAME_BYTES};
use nextdate_sync::client::RelayClient;
use nextdate_sync::crypto::DeviceKeys;
use nextdate_sync::SyncError;
use nextdate_sync::{engine, joining};
use support_chamber::chamber;
use support_relay::*;

/// Unregistered devices, used and expired tokens, garbage and oversized frames
/// are all refused with an error, and the relay keeps serving everyone else.
#[test]
fn the_relay_refuses_strangers_bad_tokens_and_garbage_and_keeps_serving() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber(root.path(), &relay, 2);
    let chamber_id = devices[0].chamber_id().to_string();

    // A device that never joined.
    let stranger = DeviceKeys::generate();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    match client.authenticate(&stranger, &chamber_id) {
        Err(SyncError::Relay {
            code: ErrorCode::Forbidden,
            ..
        }) => {}
        other => panic!("a stranger got {other:?}"),
    }

    // A used token.
    let invite = joining::invite(&mut devices[0], Duration::from_secs(3600), Role::Clerk)
        .unwrap()
        .invite;
    let mut third = new_diary(&root.path().join("third"), "Clerk");
    joining::join(&mut third, &invite.code(), "clerk pc").unwrap();
    let mut fourth = new_diary(&root.path().join("fourth"), "Intruder");
    let err = joining::join(&mut fourth, &invite.code(), "x").unwrap_err();
    assert!(
        matches!(
            err,
            SyncError::Relay {
                code: ErrorCode::BadToken,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("already been used"), "{err}");
    assert!(
        engine::status(&fourth).unwrap().relay.is_none(),
        "a refused join changes nothing"
    );
    assert_eq!(fourth.chamber_id(), reopen(&root.path().join("fourth")).chamber_id());

    // An expired token (the relay checks, whatever the device thinks). Two
    // seconds, not one: the relay refuses an invite that is already expired
    // when it arrives, and a one-second invite is whenever a second boundary
    // passes between the device making it and the relay storing it.
    let short = joining::invite(&mut devices[0], Duration::from_secs(2), Role::Advocate)
        .unwrap()
        .invite;
    std::thread::sleep(Duration::from_millis(3100));
    assert!(matches!(
        joining::join(&mut fourth, &short.code(), "x"),
        Err(SyncError::InviteExpired)
    ));
    let mut c = RelayClient::new(&relay.url, None).unwrap();
    match c.join(&DeviceKeys::generate(), &chamber_id, short.token) {
        Err(SyncError::Relay {
            code: ErrorCode::BadToken,
            message,
        }) => assert!(message.contains("expired")),
        other => panic!("an expired token got {other:?}"),
    }

    // Garbage and oversized bodies over HTTP.
    let garbage = ureq::post(&format!("{}/v1", relay.url)).send_bytes(b"\xff\xfe not a frame at all");
    match garbage {
        Err(ureq::Error::Status(400, resp)) => {
            let mut body = Vec::new();
            resp.into_reader().read_to_end(&mut body).unwrap();
            assert!(matches!(
                Frame::decode(&body, MAX_FRAME_BYTES),
                Ok(Frame::Error {
                    code: ErrorCode::Malformed,
                    ..
                })
            ));
        }
        other => panic!("garbage got {other:?}"),
    }
    let huge = vec![0u8; MAX_FRAME_BYTES + 10];
    match ureq::post(&format!("{}/v1", relay.url)).send_bytes(&huge) {
        Err(ureq::Error::Status(413, _)) => {}
        Err(ureq::Error::Transport(_)) => {} // the relay may close the connection mid-upload
        other => panic!("an oversized body got {other:?}"),
    }

    // Garbage over the WebSocket: an error frame, and the same connection still works.
    let mut session = RelayClient::new(&relay.url, None).unwrap();
    let keys = DeviceKeys::from_secret_hex(&devices[1].sync_state("device").unwrap().unwrap()).unwrap();
    let s = session.authenticate(&keys, &chamber_id).unwrap();
    let mut req =
        tungstenite::client::IntoClientRequest::into_client_request(format!("ws://{}/v1/live", relay.addr())).unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", data_encoding::HEXLOWER.encode(&s.token))
            .parse()
            .unwrap(),
    );
    let (mut ws, _) = tungstenite::connect(req).unwrap();
    ws.send(tungstenite::Message::Binary(vec![0xde, 0xad, 0xbe, 0xef].into()))
        .unwrap();
    let reply = ws.read().unwrap().into_data();
    assert!(matches!(
        Frame::decode(&reply, MAX_FRAME_BYTES),
        Ok(Frame::Error {
            code: ErrorCode::Malformed,
            ..
        })
    ));
    ws.send(tungstenite::Message::Binary(vec![1u8; MAX_FRAME_BYTES + 1].into()))
        .unwrap();
    let reply = ws.read().unwrap().into_data();
    assert!(matches!(
        Frame::decode(&reply, MAX_FRAME_BYTES),
        Ok(Frame::Error {
            code: ErrorCode::TooLarge,
            ..
        })
    ));
    ws.send(tungstenite::Message::Binary(
        Frame::Pull { after: 0, limit: 5 }.encode().into(),
    ))
    .unwrap();
    let reply = ws.read().unwrap().into_data();
    assert!(matches!(
        Frame::decode(&reply, MAX_FRAME_BYTES),
        Ok(Frame::Batches { .. })
    ));

    // A change pushed by another device is announced on the live connection.
    devices[0]
        .add_client(NewClient {
            name: "Live Update".into(),
            ..Default::default()
        })
        .unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    let note = ws.read().unwrap().into_data();
    assert!(matches!(Frame::decode(&note, MAX_FRAME_BYTES), Ok(Frame::Notify { latest }) if latest > 0));

    // Everyone else is still served.
    engine::sync_now(&mut devices[1]).unwrap();
    assert!(devices[1].clients().unwrap().iter().any(|c| c.name == "Live Update"));
    assert_eq!(relay.health()["status"], "ok");

    // A relay that is not there: a clear error, and the change stays queued.
    let url = relay.url.clone();
    drop(relay);
    devices[1]
        .add_client(NewClient {
            name: "Offline Edit".into(),
            ..Default::default()
        })
        .unwrap();
    let err = engine::sync_now(&mut devices[1]).unwrap_err();
    assert!(matches!(err, SyncError::Unreachable(..)), "{err}");
    assert!(err.to_string().contains(&url));
    assert_eq!(engine::status(&devices[1]).unwrap().pending_changes, 1);
    let _ = std::io::stderr().flush();
}

/// With `--tls-cert`/`--tls-key` the relay serves HTTPS (a client that trusts the
/// certificate gets its health), and plain HTTP to it fails.
#[test]
fn the_relay_serves_tls() {
    let root = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let (cert_pem, key_pem) = (root.path().join("cert.pem"), root.path().join("key.pem"));
    std::fs::write(&cert_pem, cert.cert.pem()).unwrap();
    std::fs::write(&key_pem, cert.key_pair.serialize_pem()).unwrap();
    let log = std::fs::File::create(root.path().join("relay.log")).unwrap();
    let mut child = std::process::Command::new(relay_bin())
        .args([
            "--data",
            root.path().join("relay").to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .arg("--tls-cert")
        .arg(&cert_pem)
        .arg("--tls-key")
        .arg(&key_pem)
        .stdout(std::process::Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut out, &mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{line}");
    let mut pin_line = String::new();
    std::io::BufRead::read_line(&mut out, &mut pin_line).unwrap();
    let pin = nextdate_protocol::CertPin::of_certificate(cert.cert.der()).unwrap();
    assert_eq!(
        pin_line.trim(),
        format!("certificate pin {pin}"),
        "the pin of the given certificate"
    );

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(cert.cert.der().to_vec()))
        .unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let agent = ureq::AgentBuilder::new()
        .tls_config(std::sync::Arc::new(config))
        .build();
    let body = agent
        .get(&format!("{url}/health"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    let plain = url.replace("https://", "http://");
    assert!(
        ureq::get(&format!("{plain}/health")).call().is_err(),
        "plain HTTP must not be served"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// A relay with its own certificate works for devices that pin it through
/// the invite; a relay with another certificate at the pinned chamber's
/// address is refused with its own error, and nothing is sent to it.
#[test]
fn a_self_signed_relay_is_pinned_through_the_invite_and_an_impostor_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start_tls(&root.path().join("relay"), &root.path().join("relay.log"));
    assert!(root.path().join("relay/tls/relay-cert.pem").is_file());
    let mut devices = chamber(root.path(), &relay, 2);
    devices[1]
        .add_client(NewClient {
            name: "Pinned Client".into(),
            ..Default::default()
        })
        .unwrap();
    engine::sync_now(&mut devices[1]).unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    assert!(devices[0].clients().unwrap().iter().any(|c| c.name == "Pinned Client"));
    let pin = relay.pin.unwrap().to_string();
    for d in &devices {
        assert_eq!(engine::status(d).unwrap().relay_pin.as_deref(), Some(pin.as_str()));
    }

    // Restarted, the relay keeps its certificate: the pin still holds.
    let mut relay = relay;
    let (data, addr) = (relay.data.clone(), relay.url.trim_start_matches("https://").to_string());
    relay.kill();
    let relay = RelayProc::start_with(&data, &root.path().join("relay.log"), &["--listen", &addr]);
    assert_eq!(relay.pin.unwrap().to_string(), pin);

    // Another relay (another key) where the chamber's relay should be.
    let impostor = RelayProc::start_tls(&root.path().join("impostor"), &root.path().join("impostor.log"));
    assert_ne!(impostor.pin, relay.pin);
    devices[1].set_sync_state(&[("relay", Some(&impostor.url))]).unwrap();
    let before = engine::status(&devices[1]).unwrap().pending_changes;
    devices[1]
        .add_client(NewClient {
            name: "Not For The Impostor".into(),
            ..Default::default()
        })
        .unwrap();
    let err = engine::sync_now(&mut devices[1]).unwrap_err();
    assert_eq!(err.code().as_str(), "impostor_relay", "{err}");
    assert!(err.to_string().contains("not the one this chamber pinned"), "{err}");
    assert!(
        !err.is_transient(),
        "an impostor is not retried as if the network dropped"
    );
    assert_eq!(
        engine::status(&devices[1]).unwrap().pending_changes,
        before + 1,
        "nothing was sent"
    );

    // Without the pin, a self-signed relay is not trusted at all.
    let mut unpinned = RelayClient::new(&relay.url, None).unwrap();
    let err = unpinned
        .authenticate(&DeviceKeys::generate(), devices[0].chamber_id())
        .unwrap_err();
    assert_eq!(err.code().as_str(), "relay_unreachable", "{err}");
    // With the right pin, the right relay still answers.
    devices[1].set_sync_state(&[("relay", Some(&relay.url))]).unwrap();
    engine::sync_now(&mut devices[1]).unwrap();
    engine::sync_now(&mut devices[0]).unwrap();
    assert!(devices[0]
        .clients()
        .unwrap()
        .iter()
        .any(|c| c.name == "Not For The Impostor"));
    // The live socket goes through the same pinned TLS.
    let target = nextdate_sync::live::LiveTarget::of(&devices[0]).unwrap();
    nextdate_sync::live::LiveFeed::connect(&target).expect("a live socket to the pinned relay");
}

/// `--plain-http` is refused unless the relay listens on a loopback address
/// (checked before it binds: nothing listens, nothing is sent).
#[test]
fn the_relay_refuses_plain_http_beyond_loopback() {
    let root = tempfile::tempdir().unwrap();
    for listen in ["0.0.0.0:0", "[::]:0", "10.1.2.3:7070"] {
        let out = std::process::Command::new(relay_bin())
            .args([
                "--data",
                root.path().join("relay").to_str().unwrap(),
                "--listen",
                listen,
                "--plain-http",
            ])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{listen}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("plain HTTP is only for a loopback address"),
            "{listen}: {err}"
        );
        assert!(out.stdout.is_empty(), "{listen}: it never listened");
    }
}

/// The relay stores only batches signed by the device whose session pushes
/// them, for that session's chamber: a batch signed by another device (even
/// one of the same chamber), one sealed for another chamber, and bytes that
/// are no envelope are refused, and the log does not grow.
#[test]
fn the_relay_takes_only_batches_the_pushing_device_signed_for_its_chamber() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let devices = chamber(root.path(), &relay, 2);
    let keys =
        |d: &nextdate_diary::Diary| DeviceKeys::from_secret_hex(&d.sync_state("device").unwrap().unwrap()).unwrap();
    let (mine, theirs) = (keys(&devices[0]), keys(&devices[1]));
    let chamber_id = devices[0].chamber_id().to_string();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    client.authenticate(&mine, &chamber_id).unwrap();
    let logged = client.pull(0, 1000).unwrap().batches.len();
    let key = nextdate_sync::crypto::ChamberKey::generate();
    let payload = nextdate_protocol::BatchPayload {
        changes: vec![],
        ..Default::default()
    };
    let refused = |envelope: Vec<u8>, code: ErrorCode, words: &str| match client.push([7; 16], envelope) {
        Err(SyncError::Relay { code: got, message }) => {
            assert_eq!(got, code, "{message}");
            assert!(message.contains(words), "{message:?} lacks {words:?}");
        }
        other => panic!("expected {code:?}, got {other:?}"),
    };
    refused(
        nextdate_sync::crypto::seal(&theirs, &key, &chamber_id, [7; 16], &payload),
        ErrorCode::Forbidden,
        "signed by the device that sends it",
    );
    refused(
        nextdate_sync::crypto::seal(&mine, &key, "01JOTHERCHAMBER", [7; 16], &payload),
        ErrorCode::Forbidden,
        "another chamber",
    );
    refused(b"not an envelope".to_vec(), ErrorCode::Malformed, "not an envelope");
    assert_eq!(
        client.pull(0, 1000).unwrap().batches.len(),
        logged,
        "nothing was stored"
    );
}

/// The operator's view: metrics on their own listener (counts and kinds, no
/// chamber or device named), `/health` saying only "ok" on the public port,
/// and JSON logs in which no token, session or chamber key ever appears.
#[test]
fn the_operator_gets_metrics_and_logs_that_hold_no_secret() {
    let root = tempfile::tempdir().unwrap();
    let log = root.path().join("relay.log");
    let relay = RelayProc::start_closed(
        &root.path().join("relay"),
        &log,
        &[
            "--listen",
            "127.0.0.1:0",
            "--plain-http",
            "--log-format",
            "json",
            "--metrics-listen",
            "127.0.0.1:0",
        ],
    );
    let metrics_url = relay.metrics.clone().expect("the relay prints its metrics address");
    let token = relay.registration_token();
    let mut admin = new_diary(&root.path().join("admin"), "Adv. Meera Iyer");
    engine::init(&mut admin, &relay.url, None, Some(&token)).unwrap();
    let invite = joining::invite(&mut admin, Duration::from_secs(3600), Role::Clerk)
        .unwrap()
        .invite;
    let mut clerk = new_diary(&root.path().join("clerk"), "Clerk");
    joining::join(&mut clerk, &invite.code(), "clerk pc").unwrap();
    engine::sync_now(&mut admin).unwrap();
    engine::sync_now(&mut clerk).unwrap();
    let stranger = DeviceKeys::generate();
    let mut client = RelayClient::new(&relay.url, None).unwrap();
    assert!(client.authenticate(&stranger, admin.chamber_id()).is_err());
    let keys = DeviceKeys::from_secret_hex(&admin.sync_state("device").unwrap().unwrap()).unwrap();
    let session = RelayClient::new(&relay.url, None)
        .unwrap()
        .authenticate(&keys, admin.chamber_id())
        .unwrap();

    // Public: up or not, nothing more; no metrics there.
    assert_eq!(relay.health(), serde_json::json!({"status": "ok"}));
    assert!(matches!(
        ureq::get(&format!("{}/metrics", relay.url)).call(),
        Err(ureq::Error::Status(404, _))
    ));
    let text = ureq::get(&metrics_url).call().unwrap().into_string().unwrap();
    let value = |series: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(series))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert!(value("nextdate_relay_requests_total{frame=\"push\"}") >= 2.0);
    assert!(value("nextdate_relay_batches_stored_total") >= 2.0);
    assert!(value("nextdate_relay_refusals_total{code=\"forbidden\"}") >= 1.0);
    assert_eq!(value("nextdate_relay_stored{what=\"chambers\"}"), 1.0);
    assert_eq!(value("nextdate_relay_stored{what=\"devices\"}"), 2.0);
    assert_eq!(value("nextdate_relay_storage_up"), 1.0);
    assert!(!text.contains(admin.chamber_id()), "no chamber is named in metrics");

    // The logs: JSON lines, none holding a secret.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.lines().count() > 10);
    for line in logged.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
    }
    let chamber_key = admin.sync_state("chamber_key").unwrap().unwrap();
    let secrets = [
        ("the registration token", token.clone()),
        (
            "the registration token's bytes",
            data_encoding::HEXLOWER.encode(&nextdate_protocol::registration::parse(&token).unwrap()),
        ),
        ("the invite code", invite.code().to_string()),
        ("the invite token", data_encoding::HEXLOWER.encode(&invite.token)),
        ("a session token", data_encoding::HEXLOWER.encode(&session.token)),
        ("the chamber key", chamber_key),
        ("the device's secret key", admin.sync_state("device").unwrap().unwrap()),
    ];
    for (what, secret) in secrets {
        assert!(!logged.contains(&secret), "{what} is in the relay's log");
    }
}
