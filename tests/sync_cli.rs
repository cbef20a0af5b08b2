//! `nextdate sync init|invite|join|now|status` end to end: two diaries, the real
//! `nextdate` binary and a real relay process on 127.0.0.1.

#[path = "support/relay.rs"]
mod relay_support;
mod support;

use relay_support::RelayProc;
use support::Cli;

#[test]
fn two_diaries_sync_through_the_cli() {
    let (a, _) = Cli::init();
    let relay_dir = a.tmp.path().join("relay");
    let relay = RelayProc::start(&relay_dir, &a.tmp.path().join("relay.log"), "127.0.0.1:0");

    let (code, _) = a.fails(&["sync", "now"]);
    assert_eq!(code, "sync_not_configured");
    let plain = a.run(&["sync", "status"]);
    assert!(String::from_utf8_lossy(&plain.stdout).contains("not syncing"));

    let case = a.id(&[
        "case",
        "add",
        "--title",
        "Kaveri Rao v. Union of India",
        "--number",
        "WP(C) 77/2026",
        "--court",
        "Delhi High Court",
    ]);
    let init = a.json(&["sync", "init", "--relay", &relay.url]);
    assert!(init["pushed_changes"].as_u64().unwrap() >= 2);
    let (code, _) = a.fails(&["sync", "init", "--relay", &relay.url]);
    assert_eq!(code, "sync_already_configured");

    let invite = a.json(&["sync", "invite", "--hours", "2", "--role", "clerk"]);
    let code_text = invite["code"].as_str().unwrap().to_string();
    assert!(code_text.starts_with("NDJOIN3-"));
    assert_eq!(invite["role"], "clerk");
    let qr = a.run(&["sync", "invite", "--qr"]);
    assert!(String::from_utf8_lossy(&qr.stdout).contains('█'), "a QR code is drawn");

    let (b, _) = Cli::init();
    let (bad, msg) = b.fails(&["sync", "join", "NDJOIN3-NOTAREALCODE"]);
    assert_eq!(bad, "bad_invite");
    assert!(msg.contains("mistyped"), "{msg}");
    let asked = b.json(&["sync", "join", &code_text, "--label", "junior's laptop"]);
    assert_eq!(
        asked["awaiting_admission"], true,
        "nothing to sync before the admin lets it in"
    );
    assert_eq!(b.json(&["sync", "status"])["awaiting_admission"], true);
    let answered = a.json(&["sync", "now"]);
    assert_eq!(answered["admitted_devices"], 1);
    let joined = b.json(&["sync", "now"]);
    assert_eq!(joined["awaiting_admission"], false);
    let shown = b.json(&["case", "show", &case]);
    assert_eq!(shown["number"], "WP(C) 77/2026");
    let (used, _) = b.fails(&["sync", "join", &code_text]);
    assert_eq!(used, "sync_already_configured");

    // B is a clerk: fees are refused on B itself, in plain words.
    let (code, msg) = b.fails(&["fee", "add", &case, "--kind", "received", "--amount", "5000"]);
    assert_eq!(code, "not_allowed");
    assert!(msg.contains("a clerk may not change fees"), "{msg}");
    let members = a.json(&["sync", "members"]);
    let clerk = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["label"] == "junior's laptop")
        .expect("the new laptop is listed")
        .clone();
    assert_eq!(clerk["role"], "clerk");

    // An edit on B reaches A.
    b.json(&["note", "add", &case, "--text", "Counter affidavit filed"]);
    b.json(&["sync", "now"]);
    a.json(&["sync", "now", "--attempts", "3"]);
    let on_a = a.json(&["case", "show", &case]);
    assert!(on_a.to_string().contains("Counter affidavit filed"));

    // Promoted on A, B may record fees once it has synced.
    let promoted = a.run(&["sync", "role", clerk["member_id"].as_str().unwrap(), "advocate"]);
    assert!(
        promoted.status.success(),
        "{}",
        String::from_utf8_lossy(&promoted.stderr)
    );
    assert!(String::from_utf8_lossy(&promoted.stdout).contains("is now an advocate"));
    b.json(&["sync", "now"]);
    b.json(&["fee", "add", &case, "--kind", "received", "--amount", "5000"]);
    b.json(&["sync", "now"]);
    a.json(&["sync", "now"]);
    let fees = a.json(&["case", "show", &case])["fees"].clone();
    assert_eq!(fees.as_array().map(Vec::len), Some(1), "the fee reached A: {fees}");

    let status = a.json(&["sync", "status"]);
    assert_eq!(status["configured"], true);
    assert_eq!(status["admin"], true);
    assert_eq!(status["pending_changes"], 0);
    assert_eq!(status["devices"].as_array().unwrap().len(), 2);
    let text = String::from_utf8_lossy(&b.run(&["sync", "status"]).stdout).to_string();
    assert!(
        text.contains("junior's laptop") && text.contains("this device"),
        "{text}"
    );

    // Every change's author checks out, on both laptops.
    for laptop in [&a, &b] {
        let checked = laptop.json(&["verify"]);
        assert_eq!(checked["unattributed_count"], 0, "{checked}");
        assert!(checked["verified"].as_u64().unwrap() >= 2, "{checked}");
    }
    let said = String::from_utf8_lossy(&a.run(&["verify"]).stdout).to_string();
    assert!(said.contains("every change is attributed"), "{said}");
    // A kept signature of B's altered in A's diary: verify names that change and fails.
    let hash: String = {
        let d = nextdate_diary::Diary::open(
            &a.dir(),
            &nextdate_diary::Unlock::Passphrase(nextdate_diary::Zeroizing::new(support::PASSPHRASE.into())),
        )
        .unwrap();
        let b_actor = b
            .json(&["sync", "members"])
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["this_device"] == true)
            .unwrap()["actor"]
            .as_str()
            .unwrap()
            .to_string();
        let hash: String = d
            .conn()
            .query_row(
                "SELECT s.hash FROM change_signatures s JOIN history h ON h.hash = s.hash WHERE h.actor = ?1 LIMIT 1",
                [&b_actor],
                |r| r.get(0),
            )
            .unwrap();
        d.conn()
            .execute(
                "UPDATE change_signatures SET signature = zeroblob(64) WHERE hash = ?1",
                [&hash],
            )
            .unwrap();
        hash
    };
    let (code, _) = a.fails(&["verify"]);
    assert_eq!(code, "unattributed_changes");
    let named = String::from_utf8_lossy(&a.run(&["verify"]).stdout).to_string();
    assert!(
        named.contains(&format!("cannot attribute {}", &hash[..16])) && named.contains("does not verify"),
        "{named}"
    );

    // The relay gone: a one-line error, the change kept for later.
    drop(relay);
    b.json(&["note", "add", &case, "--text", "Next: arguments"]);
    let (code, msg) = b.fails(&["sync", "now"]);
    assert_eq!(code, "relay_unreachable");
    assert!(msg.contains("stay queued"), "{msg}");
    assert!(msg.contains("nothing answered there"), "in plain words: {msg}");
    assert!(!msg.contains("os error"), "no system jargon: {msg}");
    assert_eq!(b.json(&["sync", "status"])["pending_changes"], 1);
}
