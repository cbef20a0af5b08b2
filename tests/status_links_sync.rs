//! Status links through a real relay process, read back as a browser would
//! (plain HTTP on 127.0.0.1) and opened with the key from the link's
//! fragment: the page is the relay's own, under a strict CSP; the snapshot
//! holds what the client may see and nothing private; a client-visible
//! document downloads intact; a change made on another laptop of the chamber
//! is resealed when that laptop syncs; a revoked link says so, an unknown
//! one is not found, and a clerk may not give links. The relay's files and
//! log hold none of the plaintext.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use chrono::{Duration, Local, NaiveDate};
use nextdate_diary::records::HearingEdit;
use nextdate_diary::roles::Role;
use nextdate_diary::status_links::NewLink;
use nextdate_diary::{Diary, NewCase, NewClient, NewNote};
use nextdate_protocol::status_link::{open, parse_id, LinkKey, Part};
use nextdate_sync::{engine, links};
use support_chamber::chamber_of;
use support_relay::*;

fn settle(devices: &mut [Diary]) {
    for _ in 0..2 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

/// `GET url`: status, headers and body, whatever the status.
fn get(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let resp = match ureq::get(url).call() {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{url}: {e}"),
    };
    let status = resp.status();
    let csp = resp.header("content-security-policy").map(str::to_string);
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut resp.into_reader(), &mut body).unwrap();
    (status, csp, body)
}

/// The snapshot behind a link's address, opened with the fragment's key.
fn opened(url: &str) -> String {
    let (base, key) = url.split_once('#').unwrap();
    let id = base.rsplit('/').next().unwrap();
    let (status, _, sealed) = get(&format!("{base}/data"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&sealed));
    let key = LinkKey::from_fragment(key).unwrap();
    let plain = open(&key, &parse_id::<16>(id).unwrap(), Part::Snapshot, &sealed).unwrap();
    String::from_utf8(plain).unwrap()
}

fn day_words(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

#[test]
fn a_status_link_shows_the_current_next_date_and_nothing_private() {
    let root = tempfile::tempdir().unwrap();
    let log = root.path().join("relay.log");
    let relay = RelayProc::start(&root.path().join("relay"), &log, "127.0.0.1:0");
    // A viewer's laptop syncs too: it reads the links but leaves publishing to the others.
    let mut devices = chamber_of(
        root.path(),
        &relay,
        &[Role::Owner, Role::Advocate, Role::Clerk, Role::Viewer],
    );
    let today = Local::now().date_naive();
    let next = today + Duration::days(10);

    let owner = &mut devices[0];
    let client = owner
        .add_client(NewClient {
            name: "Kaveri Rao".into(),
            ..Default::default()
        })
        .unwrap();
    let case = owner
        .add_case(NewCase {
            title: "Kaveri Rao v. Union of India".into(),
            number: "WP(C) 4411/2026".into(),
            court: "Delhi High Court".into(),
            client_ids: vec![client.clone()],
            next_date: Some(next),
            purpose: Some("Final hearing".into()),
            ..Default::default()
        })
        .unwrap();
    owner
        .add_note(
            &case,
            NewNote {
                text: "Opposing counsel hinted at settlement for 12 lakh".into(),
                client_visible: false,
            },
        )
        .unwrap();
    owner
        .add_note(
            &case,
            NewNote {
                text: "Please send the rent receipts for 2024".into(),
                client_visible: true,
            },
        )
        .unwrap();
    owner
        .attach_document(
            &case,
            "internal-strategy.pdf",
            "application/pdf",
            b"%PDF strategy",
            false,
        )
        .unwrap();
    owner
        .attach_document(
            &case,
            "order-sheet.pdf",
            "application/pdf",
            b"%PDF the order sheet",
            true,
        )
        .unwrap();
    let made = owner.create_status_link(&case, NewLink::default(), today).unwrap();
    let report = engine::sync_now(owner).unwrap();
    assert_eq!(report.links_sealed, 1, "{report:?}");
    let url = links::link_url(owner, &relay.url, &made.link).unwrap();
    assert!(
        url.starts_with(&format!("{}/s/", relay.url)) && url.contains('#'),
        "{url}"
    );

    // The page is the relay's own, the same for every link, under a strict CSP.
    let (status, csp, page) = get(url.split('#').next().unwrap());
    assert_eq!(status, 200);
    let csp = csp.expect("a Content-Security-Policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains("/viewer/status.js") && !page.contains("Kaveri"), "{page}");
    let (status, _, script) = get(&format!("{}/viewer/status.js", relay.url));
    assert_eq!(status, 200);
    assert!(String::from_utf8(script).unwrap().contains("AES-GCM"));

    let snap = opened(&url);
    for want in [
        "WP(C) 4411/2026",
        "Delhi High Court",
        &day_words(next),
        "Final hearing",
        "Please send the rent receipts for 2024",
        "order-sheet.pdf",
    ] {
        assert!(snap.contains(want), "{want:?} missing from {snap}");
    }
    for never in ["12 lakh", "settlement", "internal-strategy", "Junior"] {
        assert!(!snap.contains(never), "{never:?} in {snap}");
    }

    // The client-visible document downloads intact.
    let v: serde_json::Value = serde_json::from_str(&snap).unwrap();
    let file = v["cases"][0]["documents"][0]["file"].as_str().unwrap().to_string();
    let base = url.split('#').next().unwrap();
    let (status, _, sealed) = get(&format!("{base}/files/{file}"));
    assert_eq!(status, 200);
    let key = LinkKey::from_fragment(url.split('#').nth(1).unwrap()).unwrap();
    let link_id = parse_id::<16>(&made.link.id).unwrap();
    let doc = open(&key, &link_id, Part::File(parse_id::<16>(&file).unwrap()), &sealed).unwrap();
    assert_eq!(doc, b"%PDF the order sheet");
    // Nothing changed: the next round seals nothing.
    assert_eq!(engine::sync_now(&mut devices[0]).unwrap().links_sealed, 0);

    // Another laptop moves the next date and syncs: the link shows the new date.
    settle(&mut devices);
    let later = next + Duration::days(7);
    let advocate = &mut devices[1];
    let listed = advocate
        .case_detail(&case)
        .unwrap()
        .hearings
        .into_iter()
        .find(|h| h.date == next.to_string())
        .unwrap();
    advocate
        .edit_hearing(
            &case,
            &listed.id,
            HearingEdit {
                date: Some(later),
                ..Default::default()
            },
        )
        .unwrap();
    let report = engine::sync_now(advocate).unwrap();
    assert_eq!(report.links_sealed, 1, "{report:?}");
    let snap = opened(&url);
    assert!(
        snap.contains(&day_words(later)) && !snap.contains(&day_words(next)),
        "{snap}"
    );
    assert!(
        v["updated"].as_str().is_some_and(|u| !u.is_empty()),
        "stamped when sealed"
    );

    // The relay counts fetches, nothing more.
    let listed = links::link_statuses(&devices[0], Some(&case), today).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].url, url);
    assert!(listed[0].opened.is_some_and(|n| n >= 2), "{listed:?}");

    // A clerk may not give links.
    settle(&mut devices);
    let err = devices[2]
        .create_status_link(&case, NewLink::default(), today)
        .unwrap_err();
    assert_eq!(err.code(), "not_allowed", "{err}");

    // Revoked: the page says so; an unknown link is not found; a wrong key opens nothing.
    let wrong = LinkKey::from_bytes([9; 32]);
    let (_, _, sealed) = get(&format!("{base}/data"));
    assert!(open(&wrong, &link_id, Part::Snapshot, &sealed).is_err());
    devices[0].revoke_status_link(&made.link.id, today).unwrap();
    assert_eq!(engine::sync_now(&mut devices[0]).unwrap().links_revoked, 1);
    let (status, _, body) = get(&format!("{base}/data"));
    assert_eq!(
        (status, String::from_utf8(body).unwrap().as_str()),
        (410, "{\"state\":\"revoked\"}")
    );
    let (status, _, _) = get(&format!("{base}/files/{file}"));
    assert_eq!(status, 410);
    let (status, _, body) = get(&format!("{}/s/aaaaaaaaaaaaaaaaaaaaaaaaaa/data", relay.url));
    assert_eq!(
        (status, String::from_utf8(body).unwrap().as_str()),
        (404, "{\"state\":\"unknown\"}")
    );

    // The relay's files and log hold none of it in plaintext.
    drop(relay);
    let mut stored = Vec::new();
    for entry in walk(&root.path().join("relay")).into_iter().chain([log]) {
        stored.extend(std::fs::read(entry).unwrap());
    }
    for secret in [
        "Kaveri",
        "WP(C) 4411",
        "Final hearing",
        "rent receipts",
        "order sheet",
        &day_words(later),
        url.split('#').nth(1).unwrap(),
    ] {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret:?} is in the relay's files or log"
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
