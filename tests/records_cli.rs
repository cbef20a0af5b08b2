//! The `nextdate` binary correcting tasks (of cases and of the chamber),
//! notes, fees and documents: every command with `--json` prints what changed,
//! and every bad input fails with its code and one line, changing nothing.

mod support;

use serde_json::Value;
use support::Cli;

const UNKNOWN: &str = "01JZZZZZZZZZZZZZZZZZZZZZZZ";

fn new_case(cli: &Cli, number: &str) -> String {
    cli.id(&[
        "case",
        "add",
        "--title",
        "Sunita Devi v. State",
        "--number",
        number,
        "--court",
        "Delhi High Court",
        "--next-date",
        "+5d",
    ])
}

/// What a refusal must leave alone: the case page (its tasks, notes, fees,
/// balance and documents) and the open tasks, the chamber's too.
fn seen(cli: &Cli, case: &str) -> (Value, Value) {
    (cli.json(&["case", "show", case]), cli.json(&["tasks"]))
}

/// Expects each of `refusals` to fail with its code, the case and the tasks
/// unchanged after each; returns their messages.
fn refused(cli: &Cli, case: &str, refusals: &[(&[&str], &str)]) -> Vec<String> {
    let before = seen(cli, case);
    let mut messages = Vec::new();
    for (args, code) in refusals {
        let (got, message) = cli.fails(args);
        assert_eq!(got, *code, "{args:?}: {message}");
        assert_eq!(seen(cli, case), before, "{args:?} was refused but changed something");
        messages.push(message);
    }
    messages
}

/// Runs a correction with `--json`; returns its message after checking the shape.
fn corrected(cli: &Cli, args: &[&str], id: &str) -> String {
    let v = cli.json(args);
    assert_eq!(v["id"], id, "{v}");
    assert!(v["case_id"].is_string(), "{v}");
    assert_eq!(v["changed"], true, "{v}");
    v["message"].as_str().unwrap().to_string()
}

#[test]
fn tasks_are_added_to_cases_or_the_chamber_corrected_reopened_and_removed() {
    let (cli, _) = Cli::init();
    let case = new_case(&cli, "CRL.A. 12/2026");
    let chamber = cli.json(&["sync", "status"])["chamber"].as_str().unwrap().to_string();

    let follow_up = cli.id(&[
        "task",
        "add",
        "--title",
        "Renew Bar Council ID",
        "--assign",
        "adv. test",
    ]);
    let on_case = cli.id(&["task", "add", "--case", &case, "--title", "File reply", "--due", "+2d"]);
    let old_style = cli.id(&["task", "add", &case, "--title", "Collect certified copy"]);
    let open = cli.json(&["tasks"]);
    let row = |id: &str| open.as_array().unwrap().iter().find(|t| t["id"] == id).unwrap().clone();
    assert_eq!(row(&follow_up)["case_number"], Value::Null);
    assert_eq!(row(&follow_up)["case_id"], chamber.as_str());
    assert!(row(&follow_up)["assignee"].is_string());
    assert_eq!(row(&on_case)["case_number"], "CRL.A. 12/2026");
    assert_eq!(row(&old_style)["case_id"], case.as_str());
    let text = cli.run(&["tasks"]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("Renew Bar Council ID  (chamber)"));

    let msg = corrected(
        &cli,
        &[
            "task",
            "edit",
            &on_case,
            "--title",
            "File the reply",
            "--due",
            "",
            "--assign",
            "Adv. Test",
        ],
        &on_case,
    );
    assert!(
        msg.starts_with("Task \u{201c}File reply\u{201d}: title changed from \u{201c}File reply\u{201d} to \u{201c}File the reply\u{201d}; due date cleared (was "),
        "{msg}"
    );
    assert!(msg.ends_with("; assignee set to Adv. Test"), "{msg}");
    let page = cli.json(&["case", "show", &case]);
    let t = page["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == on_case.as_str())
        .unwrap();
    assert_eq!((t["title"].as_str(), &t["due"]), (Some("File the reply"), &Value::Null));
    // The text form prints the same words.
    let plain = cli.run(&["task", "edit", &follow_up, "--title", "Renew the Bar Council ID"]);
    assert_eq!(
        String::from_utf8_lossy(&plain.stdout).trim(),
        "Task \u{201c}Renew Bar Council ID\u{201d}: title changed from \u{201c}Renew Bar Council ID\u{201d} to \u{201c}Renew the Bar Council ID\u{201d}"
    );
    let same = cli.json(&["task", "edit", &follow_up, "--title", "Renew the Bar Council ID"]);
    assert_eq!(
        (same["changed"].as_bool(), same["message"].as_str()),
        (Some(false), Some(""))
    );

    refused(
        &cli,
        &case,
        &[
            (&["task", "edit", &on_case], "nothing_to_change"),
            (&["task", "edit", &on_case, "--title", " "], "empty_field"),
            (&["task", "edit", &on_case, "--due", "someday"], "invalid_date"),
            (&["task", "edit", &on_case, "--assign", "Nobody"], "unknown_id"),
            (&["task", "edit", UNKNOWN, "--title", "x"], "unknown_id"),
            (&["task", "add", "--case", UNKNOWN, "--title", "x"], "unknown_id"),
            (&["task", "add", "--title", "x", "--assign", "Nobody"], "unknown_id"),
            (&["task", "reopen", &on_case], "bad_status_change"),
            (&["task", "reopen", UNKNOWN], "unknown_id"),
        ],
    );

    cli.json(&["task", "done", &follow_up]);
    let msg = corrected(&cli, &["task", "reopen", &follow_up], &follow_up);
    assert_eq!(msg, "Reopened task \u{201c}Renew the Bar Council ID\u{201d}");
    let msg = corrected(&cli, &["task", "remove", &on_case], &on_case);
    assert_eq!(msg, "Removed task \u{201c}File the reply\u{201d}");
    assert_eq!(
        cli.json(&["history", &case]).as_array().unwrap().last().unwrap()["message"],
        msg.as_str()
    );
    corrected(&cli, &["task", "remove", &follow_up], &follow_up);
    let open = cli.json(&["tasks"]);
    assert_eq!(open.as_array().unwrap().len(), 1, "{open}");
    refused(
        &cli,
        &case,
        &[
            (&["task", "remove", &on_case], "already_removed"),
            (&["task", "edit", &follow_up, "--title", "x"], "already_removed"),
            (&["task", "done", &follow_up], "already_removed"),
            (&["task", "remove", UNKNOWN], "unknown_id"),
        ],
    );
}

#[test]
fn notes_are_corrected_and_removed() {
    let (cli, _) = Cli::init();
    let case = new_case(&cli, "W.P.(C) 7/2026");
    let note = cli.id(&["note", "add", &case, "--text", "Client to bring the FIR copy"]);
    let msg = corrected(
        &cli,
        &[
            "note",
            "edit",
            &note,
            "--text",
            "Client to bring the certified FIR copy",
            "--client-visible",
            "true",
        ],
        &note,
    );
    assert_eq!(
        msg,
        "Note \u{201c}Client to bring the FIR copy\u{201d}: text changed to \u{201c}Client to bring the certified FIR copy\u{201d}; made visible to the client"
    );
    let page = cli.json(&["case", "show", &case]);
    assert_eq!(page["notes"][0]["text"], "Client to bring the certified FIR copy");
    assert_eq!(page["notes"][0]["client_visible"], true);
    let msg = corrected(&cli, &["note", "edit", &note, "--client-visible", "false"], &note);
    assert!(msg.ends_with(": made private"), "{msg}");

    refused(
        &cli,
        &case,
        &[
            (&["note", "edit", &note], "nothing_to_change"),
            (&["note", "edit", &note, "--text", " "], "empty_field"),
            (&["note", "edit", UNKNOWN, "--text", "x"], "unknown_id"),
            (&["note", "remove", UNKNOWN], "unknown_id"),
        ],
    );

    let msg = corrected(&cli, &["note", "remove", &note], &note);
    assert_eq!(
        msg,
        "Removed private note \u{201c}Client to bring the certified FIR copy\u{201d}"
    );
    assert!(cli.json(&["case", "show", &case])["notes"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(cli.json(&["search", "certified"]).as_array().unwrap().is_empty());
    refused(
        &cli,
        &case,
        &[
            (&["note", "remove", &note], "already_removed"),
            (&["note", "edit", &note, "--text", "x"], "already_removed"),
        ],
    );
}

#[test]
fn fees_are_corrected_and_voided_and_a_voided_entry_leaves_the_balance() {
    let (cli, _) = Cli::init();
    let case = new_case(&cli, "CS(COMM) 55/2026");
    cli.id(&["fee", "add", &case, "--kind", "agreed", "--amount", "50,000"]);
    let paid = cli.id(&[
        "fee", "add", &case, "--kind", "received", "--amount", "5000", "--mode", "upi",
    ]);
    let twice = cli.id(&[
        "fee", "add", &case, "--kind", "received", "--amount", "5000", "--mode", "NEFT",
    ]);
    refused(
        &cli,
        &case,
        &[(
            &[
                "fee", "add", &case, "--kind", "received", "--amount", "10", "--mode", "paytm",
            ],
            "unknown_value",
        )],
    );

    let msg = corrected(
        &cli,
        &[
            "fee",
            "edit",
            &paid,
            "--amount",
            "4500",
            "--mode",
            "cheque",
            "--remark",
            "first instalment",
        ],
        &paid,
    );
    assert_eq!(
        msg,
        "Fee of \u{20b9}5,000: amount changed from \u{20b9}5,000 to \u{20b9}4,500; mode changed from UPI to cheque; remark set to first instalment"
    );
    let msg = corrected(&cli, &["fee", "edit", &paid, "--remark", ""], &paid);
    assert_eq!(msg, "Fee of \u{20b9}4,500: remark cleared (was first instalment)");

    let message = refused(
        &cli,
        &case,
        &[(&["fee", "edit", &paid, "--mode", "paytm"], "unknown_value")],
    )
    .remove(0);
    assert!(
        message.contains("use cash, UPI, cheque, bank transfer or card"),
        "{message}"
    );
    refused(
        &cli,
        &case,
        &[
            (&["fee", "edit", &paid, "--amount", "0"], "invalid_amount"),
            (&["fee", "edit", &paid, "--amount", "-5"], "invalid_amount"),
            (&["fee", "edit", &paid, "--currency", "rupees"], "invalid_currency"),
            (&["fee", "edit", &paid, "--date", "someday"], "invalid_date"),
            (&["fee", "edit", &paid], "nothing_to_change"),
            (&["fee", "edit", UNKNOWN, "--amount", "1"], "unknown_id"),
            (&["fee", "void", UNKNOWN, "--reason", "x"], "unknown_id"),
            (&["fee", "void", &twice, "--reason", " "], "empty_field"),
        ],
    );

    let msg = corrected(&cli, &["fee", "void", &twice, "--reason", "entered twice"], &twice);
    assert_eq!(msg, "Fee of \u{20b9}5,000 voided: entered twice");
    let fees = cli.json(&["fees", &case]);
    let entries = fees["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3, "a voided entry stays in the ledger");
    let voided = entries.iter().find(|f| f["id"] == twice.as_str()).unwrap();
    assert_eq!(voided["void_reason"], "entered twice");
    assert!(voided["voided_at"].is_string());
    assert_eq!(voided["mode"], "bank transfer");
    assert_eq!(fees["balance"][0]["received"], 450_000);
    assert_eq!(fees["balance"][0]["outstanding"], 4_550_000);
    let plain = String::from_utf8(cli.run(&["fees", &case]).stdout).unwrap();
    assert!(plain.contains("[VOIDED: entered twice]"), "{plain}");

    refused(
        &cli,
        &case,
        &[(&["fee", "void", &twice, "--reason", "again"], "already_voided")],
    );
    let message = refused(
        &cli,
        &case,
        &[(&["fee", "edit", &twice, "--amount", "100"], "fee_voided")],
    )
    .remove(0);
    assert!(message.contains("add a new entry instead"), "{message}");
}

#[test]
fn documents_are_attached_listed_saved_exactly_renamed_and_removed() {
    let (cli, _) = Cli::init();
    let case = new_case(&cli, "MAC.APP. 3/2026");
    let dir = cli.tmp.path();
    // Every byte value, so a round trip that alters any byte shows.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let file = dir.join("Vakalatnama.pdf");
    std::fs::write(&file, &bytes).unwrap();
    let doc = cli.id(&["doc", "add", &case, file.to_str().unwrap(), "--client-visible"]);
    let list = cli.json(&["doc", "list", &case]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], doc.as_str());
    assert_eq!(list[0]["name"], "Vakalatnama.pdf");
    assert_eq!(list[0]["media_type"], "application/pdf");
    assert_eq!(list[0]["size"], 70_000);
    assert_eq!(list[0]["client_visible"], true);

    let out = dir.join("saved.pdf");
    let saved = cli.json(&["doc", "save", &doc, "-o", out.to_str().unwrap()]);
    assert_eq!(
        (saved["id"].as_str(), saved["bytes"].as_i64()),
        (Some(doc.as_str()), Some(70_000))
    );
    assert_eq!(std::fs::read(&out).unwrap(), bytes, "saved byte for byte");
    std::fs::write(&out, b"mine").unwrap();
    refused(
        &cli,
        &case,
        &[(&["doc", "save", &doc, "-o", out.to_str().unwrap()], "bad_path")],
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"mine", "an existing file is left alone");
    cli.json(&["doc", "save", &doc, "-o", out.to_str().unwrap(), "--force"]);
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    refused(
        &cli,
        &case,
        &[
            (&["doc", "save", &doc, "-o", dir.to_str().unwrap()], "bad_path"),
            (&["doc", "save", UNKNOWN, "-o", out.to_str().unwrap()], "unknown_id"),
        ],
    );

    let msg = corrected(
        &cli,
        &[
            "doc",
            "edit",
            &doc,
            "--name",
            "Vakalatnama (signed).pdf",
            "--client-visible",
            "false",
        ],
        &doc,
    );
    assert_eq!(
        msg,
        "Document \u{201c}Vakalatnama.pdf\u{201d}: renamed \u{201c}Vakalatnama (signed).pdf\u{201d}; made private"
    );
    let list = cli.json(&["doc", "list", &case]);
    assert_eq!(
        (list[0]["name"].as_str(), list[0]["client_visible"].as_bool()),
        (Some("Vakalatnama (signed).pdf"), Some(false))
    );

    let empty = dir.join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    refused(
        &cli,
        &case,
        &[
            (&["doc", "add", &case, empty.to_str().unwrap()], "empty_field"),
            (&["doc", "add", &case, dir.to_str().unwrap()], "bad_path"),
            (&["doc", "add", &case, dir.join("missing.pdf").to_str().unwrap()], "io"),
            (&["doc", "add", UNKNOWN, file.to_str().unwrap()], "unknown_id"),
            (&["doc", "list", UNKNOWN], "unknown_id"),
            (&["doc", "edit", &doc], "nothing_to_change"),
            (&["doc", "edit", &doc, "--name", " "], "empty_field"),
            (&["doc", "edit", UNKNOWN, "--name", "x"], "unknown_id"),
        ],
    );

    let msg = corrected(&cli, &["doc", "remove", &doc], &doc);
    assert_eq!(msg, "Removed private document \u{201c}Vakalatnama (signed).pdf\u{201d}");
    assert!(cli.json(&["doc", "list", &case]).as_array().unwrap().is_empty());
    refused(
        &cli,
        &case,
        &[
            (&["doc", "remove", &doc], "already_removed"),
            (&["doc", "edit", &doc, "--name", "x"], "already_removed"),
            (
                &["doc", "save", &doc, "-o", dir.join("again.pdf").to_str().unwrap()],
                "already_removed",
            ),
        ],
    );
    assert!(!dir.join("again.pdf").exists());
}
