//! Running a relay for many chambers, end to end with the real `nextdate`
//! and `nextdate-relay` binaries on 127.0.0.1: a chamber registers only with
//! the operator's one-time token, the operator lists chambers with their
//! usage, a chamber over its quota is told so in plain words and keeps its
//! changes for later, and a deleted chamber is gone from the relay.

#[path = "support/relay.rs"]
mod relay_support;
mod support;

use relay_support::RelayProc;
use support::Cli;

#[test]
fn an_operator_admits_limits_and_deletes_chambers() {
    let (a, _) = Cli::init();
    let relay = RelayProc::start_closed(
        &a.tmp.path().join("relay"),
        &a.tmp.path().join("relay.log"),
        &["--listen", "127.0.0.1:0", "--plain-http"],
    );
    a.id(&[
        "case",
        "add",
        "--title",
        "Meera v. State",
        "--number",
        "Crl.A. 12/2026",
        "--court",
        "Sessions Court",
    ]);

    // No token, a mistyped one, and one the relay never made.
    let (code, msg) = a.fails(&["sync", "init", "--relay", &relay.url]);
    assert_eq!(code, "registration_refused");
    assert!(msg.contains("registration token from its operator"), "{msg}");
    let (code, msg) = a.fails(&["sync", "init", "--relay", &relay.url, "--token", "abcd-efgh"]);
    assert_eq!(code, "registration_refused");
    assert!(msg.contains("52 letters"), "{msg}");
    let stranger = nextdate_protocol::registration::format(&[7; 32]);
    let (code, msg) = a.fails(&["sync", "init", "--relay", &relay.url, "--token", &stranger]);
    assert_eq!(code, "registration_refused");
    assert!(msg.contains("does not know that registration token"), "{msg}");
    assert_eq!(
        a.json(&["sync", "status"])["configured"],
        false,
        "a refused start changes nothing"
    );

    // The operator's token works once; its use shows in `token list`.
    let token = relay.registration_token();
    let init = a.json(&["sync", "init", "--relay", &relay.url, "--token", &token]);
    assert!(init["pushed_changes"].as_u64().unwrap() >= 1);
    let (b, _) = Cli::init();
    let (code, msg) = b.fails(&["sync", "init", "--relay", &relay.url, "--token", &token]);
    assert_eq!(code, "registration_refused");
    assert!(msg.contains("already been used"), "{msg}");
    let chamber = a.json(&["sync", "status"])["chamber"].as_str().unwrap().to_string();
    let tokens = relay.operate(&["token", "list"]);
    assert!(tokens.contains(&format!("used by {chamber}")), "{tokens}");
    assert!(
        !tokens.contains(&token),
        "the token itself is never shown again: {tokens}"
    );
    let spare = relay.registration_token();
    let spare_id = relay
        .operate(&["token", "list"])
        .lines()
        .find(|l| l.contains("unused"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .to_string();
    relay.operate(&["token", "revoke", &spare_id]);
    let (code, msg) = b.fails(&["sync", "init", "--relay", &relay.url, "--token", &spare]);
    assert_eq!(code, "registration_refused");
    assert!(msg.contains("revoked"), "{msg}");

    // The operator sees the chamber's usage.
    let list = relay.operate(&["chambers", "list"]);
    let row = list.lines().find(|l| l.starts_with(&chamber)).expect(&list);
    assert!(row.contains("of 10.0 GiB"), "{row}");

    // Over its quota: the change stays on the laptop, the error says why.
    let usage: serde_json::Value = serde_json::from_str(&relay.operate(&["chambers", "list", "--json"])).unwrap();
    assert_eq!(usage[0]["id"], chamber.as_str());
    assert_eq!(usage[0]["devices"], 1);
    assert_eq!(usage[0]["own_quota"], false);
    let batches = usage[0]["batches"].as_u64().unwrap();
    assert!(batches >= 1 && usage[0]["bytes"].as_u64().unwrap() > 0, "{usage}");
    relay.operate(&["chambers", "quota", &chamber, "--batches", &batches.to_string()]);
    a.id(&[
        "case",
        "add",
        "--title",
        "Ravi v. Ravi",
        "--number",
        "O.S. 3/2026",
        "--court",
        "City Civil Court",
    ]);
    let (code, msg) = a.fails(&["sync", "now"]);
    assert_eq!(code, "relay_quota_exceeded");
    assert!(msg.contains(&format!("the {batches} batches it may store")), "{msg}");
    assert!(msg.contains("stays on this laptop"), "{msg}");
    assert!(a.json(&["sync", "status"])["pending_changes"].as_u64().unwrap() >= 1);
    let list = relay.operate(&["chambers", "list"]);
    assert!(list.contains("own quota"), "{list}");
    // More room: the same changes go out.
    relay.operate(&["chambers", "quota", &chamber, "--default"]);
    a.json(&["sync", "now"]);
    assert_eq!(a.json(&["sync", "status"])["pending_changes"], 0);

    // Deleting needs --yes; then the chamber's laptops are refused.
    let out = std::process::Command::new(relay_support::relay_bin())
        .args(["--data", relay.data.to_str().unwrap(), "chambers", "delete", &chamber])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    relay.operate(&["chambers", "delete", &chamber, "--yes"]);
    assert!(relay.operate(&["chambers", "list"]).contains("no chambers"));
    let (code, _) = a.fails(&["sync", "now"]);
    assert_eq!(code, "device_refused", "the deleted chamber's laptop is not served");
}
