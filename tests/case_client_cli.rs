//! End to end: correcting clients and cases with the `nextdate` binary —
//! `client edit`, `client remove`, `case edit`, `case status` — each printing
//! what changed (in words, and field by field with `--json`), `case show`
//! listing every record with its id and the removed ones, and each bad input
//! refused with its code while the diary stays as it was.

mod support;

use chrono::Duration;
use serde_json::Value;
use support::*;

const UNKNOWN: &str = "01JUNKNOWNUNKNOWNUNKNOWN00";

fn dmy(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// A diary with one client and one case listed in five days; returns (cli, client, case).
fn diary() -> (Cli, String, String) {
    let (cli, _) = Cli::init();
    let client = cli.id(&[
        "client",
        "add",
        "--name",
        "Rajesh Sharma",
        "--phone",
        "98100 12345",
        "--email",
        "rajesh@example.in",
    ]);
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Sharma v. State",
        "--number",
        "CS 1/2026",
        "--court",
        "Saket District Court",
        "--client",
        &client,
        "--party",
        "Rajesh Sharma:petitioner:Adv. Mehta",
        "--party",
        "State:respondent",
        "--next-date",
        &dmy(today() + Duration::days(5)),
    ]);
    (cli, client, case)
}

/// What the diary shows of a client and a case, to prove a refusal changed nothing.
fn snapshot(cli: &Cli, case: &str) -> Vec<Value> {
    vec![
        cli.json(&["client", "list"]),
        cli.json(&["case", "show", case]),
        cli.json(&["history", case]),
        cli.json(&["case", "list"]),
    ]
}

/// Each command fails with its code and a message containing the words; nothing changes.
fn all_refused(cli: &Cli, case: &str, bad: &[(Vec<&str>, &str, &str)]) {
    let before = snapshot(cli, case);
    for (args, code, words) in bad {
        let (got, msg) = cli.fails(args);
        assert_eq!(&got, code, "{args:?}: {msg}");
        assert!(msg.contains(words), "{args:?}: {msg:?} lacks {words:?}");
    }
    assert_eq!(snapshot(cli, case), before, "a refused correction changed the diary");
}

#[test]
fn client_edit_replaces_and_clears_fields_and_says_what_changed() {
    let (cli, client, _) = diary();
    let v = cli.json(&["client", "edit", &client, "--phone", "99100 54321"]);
    assert_eq!(v["changed"], true);
    assert_eq!(v["message"], "Phone changed from 98100 12345 to 99100 54321");
    assert_eq!(v["fields"][0]["field"], "phone");
    assert_eq!(v["fields"][0]["from"], "98100 12345");
    assert_eq!(v["fields"][0]["to"], "99100 54321");

    let out = cli.run(&[
        "client",
        "edit",
        &client,
        "--name",
        "Rajesh Kumar Sharma",
        "--phone",
        "99100 54321",
        "--phone",
        "011 2345 6789",
        "--address",
        "Lajpat Nagar, New Delhi",
        "--notes",
        "Calls after six",
        "--email",
        "",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim_end(),
        "Name changed from Rajesh Sharma to Rajesh Kumar Sharma; phones changed from 99100 54321 to \
         99100 54321, 011 2345 6789; email cleared (was rajesh@example.in); address set to Lajpat Nagar, \
         New Delhi; notes set to Calls after six"
    );
    let shown = cli.json(&["client", "show", &client]);
    assert_eq!(shown["client"]["name"], "Rajesh Kumar Sharma");
    assert_eq!(shown["client"]["phones"], "99100 54321, 011 2345 6789");
    assert_eq!(shown["client"]["email"], Value::Null);
    assert_eq!(shown["client"]["address"], "Lajpat Nagar, New Delhi");
    assert_eq!(shown["client"]["notes"], "Calls after six");

    // The same again changes nothing, and says so.
    let v = cli.json(&["client", "edit", &client, "--name", "Rajesh Kumar Sharma"]);
    assert_eq!(
        (v["changed"].clone(), v["message"].clone()),
        (Value::Bool(false), Value::from(""))
    );
    let out = cli.run(&["client", "edit", &client, "--phone", ""]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Phones cleared"));
}

#[test]
fn bad_client_edits_are_refused() {
    let (cli, client, case) = diary();
    all_refused(
        &cli,
        &case,
        &[
            (
                vec!["client", "edit", UNKNOWN, "--name", "A"],
                "unknown_id",
                "no client with id",
            ),
            (
                vec!["client", "edit", &case, "--name", "A"],
                "unknown_id",
                "no client with id",
            ),
            (
                vec!["client", "edit", &client],
                "nothing_to_change",
                "nothing to change",
            ),
            (
                vec!["client", "edit", &client, "--name", " "],
                "empty_field",
                "client name",
            ),
            (
                vec!["client", "edit", &client, "--email", "rajesh at example"],
                "invalid_email",
                "invalid email",
            ),
            (vec!["client", "remove", UNKNOWN], "unknown_id", "no client with id"),
        ],
    );
}

#[test]
fn a_client_is_removed_after_the_cases_naming_them_are_detached() {
    let (cli, client, case) = diary();
    all_refused(
        &cli,
        &case,
        &[(
            vec!["client", "remove", &client],
            "client_in_use",
            "client Rajesh Sharma is named in case CS 1/2026; detach them from it first",
        )],
    );
    let v = cli.json(&["case", "edit", &case, "--client", ""]);
    assert_eq!(v["message"], "Clients cleared (was Rajesh Sharma)");
    let v = cli.json(&["client", "remove", &client]);
    assert_eq!(v["message"], "Removed client Rajesh Sharma");
    assert_eq!(v["id"], client.as_str());
    assert_eq!(cli.json(&["client", "list"]), Value::Array(vec![]));
    assert!(cli
        .json(&["search", "Rajesh"])
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["kind"] != "client"));
    assert_eq!(cli.fails(&["client", "show", &client]).0, "unknown_id");
    all_refused(
        &cli,
        &case,
        &[
            (vec!["client", "remove", &client], "already_removed", "already removed"),
            (
                vec!["client", "edit", &client, "--name", "R"],
                "already_removed",
                "already removed",
            ),
            (
                vec!["case", "edit", &case, "--client", &client],
                "already_removed",
                "already removed",
            ),
        ],
    );
}

#[test]
fn a_client_is_erased_only_when_confirmed_and_no_case_names_them() {
    let (cli, client, case) = diary();
    all_refused(
        &cli,
        &case,
        &[
            (
                vec!["client", "erase", UNKNOWN, "--confirm", "X"],
                "unknown_id",
                "no client with id",
            ),
            (
                vec!["client", "erase", &client, "--confirm", "Rajesh"],
                "erasure_not_confirmed",
                "\"Rajesh Sharma\"",
            ),
            (
                vec!["client", "erase", &client, "--confirm", "Rajesh Sharma"],
                "client_in_use",
                "CS 1/2026",
            ),
        ],
    );
    cli.json(&["case", "edit", &case, "--client", ""]);
    let out = cli.run(&["client", "erase", &client, "--confirm", "rajesh sharma"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Erased the personal data of client Rajesh Sharma\n"),
        "{text}"
    );
    assert_eq!(cli.fails(&["client", "show", &client]).0, "unknown_id");
    assert!(cli.json(&["search", "98100"]).as_array().unwrap().is_empty());
    let history = cli.json(&["history", &case]);
    let last = history.as_array().unwrap().last().unwrap();
    assert_eq!(last["message"], "Clients cleared (was Erased client)");
    let (code, msg) = cli.fails(&["client", "erase", &client, "--confirm", "Erased client"]);
    assert_eq!(code, "already_erased", "{msg}");
}

#[test]
fn client_erase_prints_json() {
    let (cli, _, _) = diary();
    let lone = cli.id(&["client", "add", "--name", "Anil Kapoor", "--phone", "98111 22233"]);
    let v = cli.json(&["client", "erase", &lone, "--confirm", "Anil Kapoor"]);
    assert_eq!(v["id"], lone.as_str());
    assert_eq!(v["message"], "Erased the personal data of client Anil Kapoor");
}

#[test]
fn case_edit_corrects_every_field_and_keeps_counsel() {
    let (cli, client, case) = diary();
    let other = cli.id(&["client", "add", "--name", "Anil Kapoor"]);
    let out = cli.run(&[
        "case",
        "edit",
        &case,
        "--court",
        "Tis Hazari Court",
        "--stage",
        "Evidence",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim_end(),
        "Court changed from Saket District Court to Tis Hazari Court; stage set to Evidence"
    );
    let v = cli.json(&[
        "case",
        "edit",
        &case,
        "--title",
        "Sharma v. State of NCT",
        "--number",
        "CS 11/2026",
        "--bench",
        "Court No. 4",
        "--cnr",
        "dlct010000112026",
        "--case-type",
        "Civil Suit",
        "--stage",
        "",
        "--party",
        "Rajesh Sharma:plaintiff:Adv. R. Mehta",
        "--party",
        "State (NCT of Delhi):defendant",
        "--client",
        &other,
        "--client",
        &client,
        "--assign",
        "Adv. Test",
    ]);
    let fields: Vec<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "title",
            "number",
            "bench",
            "CNR",
            "case type",
            "stage",
            "parties",
            "clients"
        ],
        "the member was already assigned"
    );
    assert_eq!(v["fields"][5]["from"], "Evidence");
    assert_eq!(v["fields"][5]["to"], Value::Null);
    let page = cli.json(&["case", "show", &case]);
    assert_eq!(page["title"], "Sharma v. State of NCT");
    assert_eq!(page["number"], "CS 11/2026");
    assert_eq!(page["court"], "Tis Hazari Court");
    assert_eq!(page["bench"], "Court No. 4");
    assert_eq!(page["cnr"], "DLCT010000112026");
    assert_eq!(page["case_type"], "Civil Suit");
    assert_eq!(page["stage"], Value::Null);
    assert_eq!(page["parties"][0]["counsel"], "Adv. R. Mehta");
    assert_eq!(page["parties"][1]["counsel"], Value::Null);
    assert_eq!(page["clients"].as_array().unwrap().len(), 2);
    assert_eq!(page["assigned"][0]["name"], "Adv. Test");
    let history = cli.json(&["history", &case]);
    let last = history.as_array().unwrap().last().unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(last, v["message"].as_str().unwrap());
    assert!(last.contains("number changed from CS 1/2026 to CS 11/2026"), "{last}");

    // An edit of another field keeps the counsel.
    cli.json(&["case", "edit", &case, "--bench", ""]);
    assert_eq!(
        cli.json(&["case", "show", &case])["parties"][0]["counsel"],
        "Adv. R. Mehta"
    );
}

#[test]
fn bad_case_edits_are_refused() {
    let (cli, _, case) = diary();
    cli.id(&[
        "case",
        "add",
        "--title",
        "Other",
        "--number",
        "CS 2/2026",
        "--court",
        "Saket District Court",
    ]);
    all_refused(
        &cli,
        &case,
        &[
            (
                vec!["case", "edit", UNKNOWN, "--title", "T"],
                "unknown_id",
                "no case with id",
            ),
            (vec!["case", "edit", &case], "nothing_to_change", "nothing to change"),
            (vec!["case", "edit", &case, "--title", ""], "empty_field", "case title"),
            (
                vec!["case", "edit", &case, "--number", "cs 2/2026"],
                "duplicate_case_number",
                "already exists",
            ),
            (
                vec!["case", "edit", &case, "--party", "no side given"],
                "bad_party",
                "NAME:SIDE",
            ),
            (
                vec!["case", "edit", &case, "--client", UNKNOWN],
                "unknown_id",
                "no client with id",
            ),
            (
                vec!["case", "edit", &case, "--assign", "Nobody"],
                "unknown_id",
                "no member with id",
            ),
            (vec!["case", "edit", &case, "--assign", ""], "empty_field", "assigned"),
        ],
    );
}

#[test]
fn case_status_disposes_reopens_transfers_and_stays() {
    let (cli, _, case) = diary();
    let t = today();
    let listed = dmy(t + Duration::days(5));
    let v = cli.json(&["case", "status", &case, "--to", "disposed", "--remark", "settled"]);
    assert_eq!(
        v["message"],
        format!(
            "Disposed of on {}: settled; the listing of {listed} no longer stands",
            dmy(t)
        )
    );
    let page = cli.json(&["case", "show", &case]);
    assert_eq!(page["status"], "disposed");
    assert_eq!(page["status_date"], t.to_string());
    assert_eq!(page["status_remark"], "settled");
    assert_eq!(page["removed"][0]["kind"], "hearing");
    assert_eq!(page["removed"][0]["label"], format!("hearing of {listed}"));
    let text = String::from_utf8(cli.run(&["case", "show", &case]).stdout).unwrap();
    let removed_id = page["removed"][0]["id"].as_str().unwrap();
    assert!(
        text.contains(&format!("Removed:\n  {removed_id}  hearing of {listed}")),
        "{text}"
    );

    all_refused(
        &cli,
        &case,
        &[
            (
                vec!["case", "status", &case, "--to", "disposed"],
                "bad_status_change",
                "case CS 1/2026 is already disposed",
            ),
            (
                vec!["case", "status", UNKNOWN, "--to", "stayed"],
                "unknown_id",
                "no case with id",
            ),
            (
                vec!["case", "status", &case, "--to", "transferred"],
                "bad_status_change",
                "a transfer needs the court",
            ),
            (
                vec![
                    "case",
                    "status",
                    &case,
                    "--to",
                    "pending",
                    "--court",
                    "Tis Hazari Court",
                ],
                "bad_status_change",
                "only a transfer",
            ),
            (
                vec!["case", "status", &case, "--to", "pending", "--date", "31-02-2026"],
                "invalid_date",
                "invalid date",
            ),
        ],
    );
    let bad_word = cli.run(&["case", "status", &case, "--to", "won"]);
    assert_eq!(bad_word.status.code(), Some(2), "not a status: a usage error");

    let v = cli.json(&[
        "case",
        "status",
        &case,
        "--to",
        "pending",
        "--date",
        &dmy(t),
        "--remark",
        "disposed by mistake",
    ]);
    assert_eq!(
        v["message"],
        format!("Reopened on {} (was disposed): disposed by mistake", dmy(t))
    );
    let undated = cli.json(&["case", "list", "--undated"]);
    assert_eq!(undated[0]["id"], case.as_str());

    let v = cli.json(&[
        "case",
        "status",
        &case,
        "--to",
        "stayed",
        "--remark",
        "stayed by the High Court",
    ]);
    assert_eq!(v["message"], format!("Stayed on {}: stayed by the High Court", dmy(t)));
    assert_eq!(
        cli.json(&["case", "list", "--undated"]),
        Value::Array(vec![]),
        "stayed is not undated"
    );
    assert_eq!(
        cli.json(&["case", "list", "--status", "stayed"])[0]["id"],
        case.as_str()
    );

    let v = cli.json(&[
        "case",
        "status",
        &case,
        "--to",
        "transferred",
        "--court",
        "Tis Hazari Court",
        "--date",
        "yesterday",
    ]);
    assert_eq!(
        v["message"],
        format!(
            "Transferred from Saket District Court to Tis Hazari Court on {}",
            dmy(t - Duration::days(1))
        )
    );
    let page = cli.json(&["case", "show", &case]);
    assert_eq!(
        (page["status"].clone(), page["court"].clone()),
        ("transferred".into(), "Tis Hazari Court".into())
    );
    let out = cli.run(&["case", "status", &case, "--to", "pending"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim_end(),
        format!("Pending again on {} (was transferred)", dmy(t))
    );
}

#[test]
fn case_show_lists_every_record_with_its_id() {
    let (cli, client, case) = diary();
    let task = cli.id(&["task", "add", &case, "--title", "File reply"]);
    let note = cli.id(&["note", "add", &case, "--text", "Original deed with the client"]);
    let fee = cli.id(&["fee", "add", &case, "--kind", "agreed", "--amount", "5000"]);
    let page = cli.json(&["case", "show", &case]);
    let hearing = page["hearings"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(page["tasks"][0]["id"], task.as_str());
    assert_eq!(page["notes"][0]["id"], note.as_str());
    assert_eq!(page["fees"][0]["id"], fee.as_str());
    assert_eq!(page["clients"][0]["id"], client.as_str());
    assert_eq!(page["removed"], Value::Array(vec![]));
    let text = String::from_utf8(cli.run(&["case", "show", &case]).stdout).unwrap();
    for id in [&hearing, &task, &note, &fee, &client] {
        assert!(text.contains(id.as_str()), "{id} missing from:\n{text}");
    }
    assert!(
        text.contains("petitioner: Rajesh Sharma (counsel Adv. Mehta)"),
        "{text}"
    );
    assert!(text.contains("assigned: Adv. Test"), "{text}");
}
