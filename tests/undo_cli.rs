//! End-to-end tests of `nextdate undo` on a real diary: it takes back this
//! device's changes one at a time, newest first, says what it took back (in
//! text and `--json`), and refuses clearly when there is nothing left.

mod support;

use support::*;

#[test]
fn undo_takes_back_changes_newest_first_until_nothing_is_left() {
    let (cli, _) = Cli::init();
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Sharma v. State",
        "--number",
        "W.P.(C) 55/2026",
        "--court",
        "Delhi High Court",
    ]);
    cli.id(&["fee", "add", &case, "--kind", "received", "--amount", "5000"]);
    assert_eq!(cli.json(&["fees", &case])["balance"][0]["received"], 500_000);

    // The fee goes first, and the text output says what was taken back.
    let out = cli.run(&["undo"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("undid: Fee of ₹5,000 received"), "{text}");
    assert!(cli.json(&["fees", &case])["balance"].as_array().unwrap().is_empty());
    let history = cli.json(&["history", &case]);
    let last = history.as_array().unwrap().last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(last.starts_with("Undid: Fee of ₹5,000 received"), "{last}");

    // Then the case itself, with --json.
    let v = cli.json(&["undo"]);
    assert_eq!(v["undone"]["restored"], true);
    assert_eq!(v["undone"]["doc_ids"][0], case.as_str());
    assert!(v["undone"]["messages"][0]
        .as_str()
        .unwrap()
        .starts_with("Opened case W.P.(C) 55/2026"));
    assert!(cli.json(&["case", "list"]).as_array().unwrap().is_empty());

    // Creating the diary is not undone: a specific error, and nothing changes.
    let before = files(&cli.dir());
    let (code, message) = cli.fails(&["undo"]);
    assert_eq!(code, "nothing_to_undo");
    assert!(message.contains("nothing to undo"), "{message}");
    assert_eq!(files(&cli.dir()), before);
}
