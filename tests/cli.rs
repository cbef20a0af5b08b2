//! End-to-end tests of the `nextdate` binary on real encrypted diaries.

mod support;

use chrono::Duration;
use serde_json::Value;
use support::*;

fn dmy(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn board_numbers(v: &Value) -> Vec<String> {
    v["courts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            g["hearings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["number"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn the_everyday_workflow() {
    let (cli, _) = Cli::init();
    let t = today();
    let d3 = t + Duration::days(3);
    let client = cli.id(&[
        "client",
        "add",
        "--name",
        "सुनीता देवी",
        "--phone",
        "+91 98110 22334",
        "--email",
        "sunita@example.in",
    ]);
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Sunita Devi v. State",
        "--number",
        "CRL.A. 123/2024",
        "--court",
        "Delhi High Court",
        "--cnr",
        "DLHC010001232024",
        "--client",
        &client,
        "--party",
        "Sunita Devi:appellant",
        "--party",
        "State (NCT of Delhi):respondent",
        "--stage",
        "Arguments",
        "--next-date",
        &dmy(d3),
        "--purpose",
        "Arguments",
        "--item",
        "14",
    ]);
    let other = cli.id(&[
        "case",
        "add",
        "--title",
        "Rao v. Rao",
        "--number",
        "HMA 9/2025",
        "--court",
        "Saket District Courts",
        "--next-date",
        &d3.to_string(),
        "--item",
        "2",
    ]);
    let third = cli.id(&[
        "case",
        "add",
        "--title",
        "Bose v. DDA",
        "--number",
        "W.P.(C) 77/2026",
        "--court",
        "Delhi High Court",
        "--next-date",
        "+3d",
        "--item",
        "3",
    ]);

    // The board for that date: grouped by court, in item order.
    let board = cli.json(&["board", "--date", &dmy(d3)]);
    let courts: Vec<&str> = board["courts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["court"].as_str().unwrap())
        .collect();
    assert_eq!(courts, ["Delhi High Court", "Saket District Courts"]);
    assert_eq!(
        board_numbers(&board),
        ["W.P.(C) 77/2026", "CRL.A. 123/2024", "HMA 9/2025"]
    );
    assert_eq!(board["courts"][0]["hearings"][1]["clients"], "सुनीता देवी");
    let human = String::from_utf8(cli.run(&["board", "--date", &dmy(d3)]).stdout).unwrap();
    assert!(
        human.contains("Delhi High Court") && human.contains("3 hearing(s) in 2 court(s)"),
        "{human}"
    );

    // Record the outcome with a new next date: the case moves.
    let d17 = t + Duration::days(17);
    cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        &dmy(d3),
        "--next-date",
        &dmy(d17),
        "--purpose",
        "Final arguments",
        "--outcome",
        "Arguments heard in part",
    ]);
    let board = cli.json(&["board", "--date", &d17.to_string()]);
    assert_eq!(board_numbers(&board), ["CRL.A. 123/2024"]);
    assert_eq!(board["courts"][0]["hearings"][0]["previous_date"], d3.to_string());
    assert_eq!(board["courts"][0]["hearings"][0]["purpose"], "Final arguments");
    let days = cli.json(&["board", "--date", &d3.to_string(), "--days", "15"]);
    assert_eq!(days.as_array().unwrap().len(), 15);
    cli.id(&[
        "hearing",
        "record",
        &other,
        "--date",
        &d3.to_string(),
        "--disposed",
        "--outcome",
        "Decree of divorce by mutual consent",
    ]);
    let listed = cli.json(&["case", "list", "--status", "disposed"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], other.as_str());

    // Search by case number, CNR, party, client name and court.
    for q in ["123/2024", "DLHC010001232024", "Sunita", "सुनीता", "crl.a. 123"] {
        let hits = cli.json(&["search", q]);
        assert!(
            hits.as_array().unwrap().iter().any(|h| h["id"] == case.as_str()),
            "search {q:?} missed the case: {hits}"
        );
    }
    let hits = cli.json(&["search", "Bose"]);
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(hits[0]["id"], third.as_str());
    assert!(cli.json(&["search", "nonexistentword"]).as_array().unwrap().is_empty());

    // Tasks: an overdue one shows up, and goes when done.
    let task = cli.id(&[
        "task",
        "add",
        &case,
        "--title",
        "File written submissions",
        "--due",
        "yesterday",
    ]);
    cli.id(&[
        "task",
        "add",
        &case,
        "--title",
        "Collect certified copy",
        "--due",
        "+2w",
    ]);
    let overdue = cli.json(&["tasks", "--overdue"]);
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(overdue[0]["id"], task.as_str());
    cli.json(&["task", "done", &task]);
    assert!(cli.json(&["tasks", "--overdue"]).as_array().unwrap().is_empty());
    assert_eq!(cli.json(&["tasks"]).as_array().unwrap().len(), 1);

    // Fees in minor units, balance per case and per client.
    cli.id(&["fee", "add", &case, "--kind", "agreed", "--amount", "50,000"]);
    cli.id(&[
        "fee", "add", &case, "--kind", "received", "--amount", "1500.50", "--date", "today", "--note", "UPI",
    ]);
    cli.id(&["fee", "add", &case, "--kind", "expense", "--amount", "120"]);
    let fees = cli.json(&["fees", &case]);
    assert_eq!(fees["balance"][0]["agreed"], 5_000_000);
    assert_eq!(fees["balance"][0]["received"], 150_050);
    assert_eq!(fees["balance"][0]["outstanding"], 4_849_950);
    let shown = cli.json(&["client", "show", &client]);
    assert_eq!(shown["balance"][0]["outstanding"], 4_849_950);
    assert_eq!(shown["cases"][0]["id"], case.as_str());

    // Notes, the case page and its history.
    cli.id(&[
        "note",
        "add",
        &case,
        "--text",
        "Client to bring the FIR copy",
        "--client-visible",
    ]);
    let page = cli.json(&["case", "show", &case]);
    assert_eq!(page["hearings"].as_array().unwrap().len(), 2);
    assert_eq!(page["hearings"][0]["outcome"], "Arguments heard in part");
    assert_eq!(page["notes"][0]["client_visible"], true);
    assert_eq!(page["parties"][1]["name"], "State (NCT of Delhi)");
    let history = cli.json(&["history", &case]);
    let messages: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].starts_with("Opened case CRL.A. 123/2024"), "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Arguments heard in part") && m.contains(&dmy(d17))),
        "{messages:?}"
    );
    assert!(history.as_array().unwrap().iter().all(|h| h["who"] == "Adv. Test"));

    // Rebuild gives the same answers.
    let before: Vec<Value> = (0..20)
        .map(|i| cli.json(&["board", "--date", &(t + Duration::days(i)).to_string()]))
        .collect();
    let page_before = cli.json(&["case", "show", &case]);
    cli.json(&["rebuild"]);
    let after: Vec<Value> = (0..20)
        .map(|i| cli.json(&["board", "--date", &(t + Duration::days(i)).to_string()]))
        .collect();
    assert_eq!(before, after);
    assert_eq!(page_before, cli.json(&["case", "show", &case]));
}

#[test]
fn undated_cases_are_listed() {
    let (cli, _) = Cli::init();
    let dated = cli.id(&[
        "case",
        "add",
        "--title",
        "A v. B",
        "--number",
        "O.S. 1/2026",
        "--court",
        "Tis Hazari",
        "--next-date",
        "+5d",
    ]);
    let stale = cli.id(&[
        "case",
        "add",
        "--title",
        "C v. D",
        "--number",
        "O.S. 2/2026",
        "--court",
        "Tis Hazari",
        "--next-date",
        "yesterday",
    ]);
    let never = cli.id(&[
        "case",
        "add",
        "--title",
        "E v. F",
        "--number",
        "O.S. 3/2026",
        "--court",
        "Tis Hazari",
    ]);
    let undated: Vec<String> = cli
        .json(&["case", "list", "--undated"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        undated.contains(&stale) && undated.contains(&never) && !undated.contains(&dated),
        "{undated:?}"
    );
}

#[test]
fn bad_input_gets_a_one_line_error_and_changes_nothing() {
    let (cli, _) = Cli::init();
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "A v. B",
        "--number",
        "CS(OS) 4/2026",
        "--court",
        "Delhi High Court",
        "--next-date",
        "today",
    ]);
    let snapshot = || {
        (
            cli.json(&["case", "list"]),
            cli.json(&["case", "show", &case]),
            cli.json(&["history", &case]),
            cli.json(&["fees"]),
            cli.json(&["tasks"]),
            cli.json(&["client", "list"]),
        )
    };
    let before = snapshot();
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["case", "add", "--title", "", "--number", "X 1/2026", "--court", "Saket"],
            "empty_field",
            "case title must not be empty",
        ),
        (
            &[
                "case",
                "add",
                "--title",
                "T",
                "--number",
                "X 1/2026",
                "--court",
                "Saket",
                "--next-date",
                "31-02-2026",
            ],
            "invalid_date",
            "invalid date \"31-02-2026\"",
        ),
        (
            &[
                "case",
                "add",
                "--title",
                "T",
                "--number",
                "cs(os) 4/2026",
                "--court",
                "Delhi High Court",
            ],
            "duplicate_case_number",
            "already exists",
        ),
        (
            &[
                "case",
                "add",
                "--title",
                "T",
                "--number",
                "X 2/2026",
                "--court",
                "Saket",
                "--party",
                "no side given",
            ],
            "bad_party",
            "NAME:SIDE",
        ),
        (
            &[
                "case",
                "add",
                "--title",
                "T",
                "--number",
                "X 2/2026",
                "--court",
                "Saket",
                "--client",
                "01JUNKNOWNUNKNOWNUNKNOWN00",
            ],
            "unknown_id",
            "no client with id",
        ),
        (
            &[
                "hearing",
                "record",
                &case,
                "--date",
                "today",
                "--next-date",
                "2026-13-45",
            ],
            "invalid_date",
            "invalid date",
        ),
        (
            &[
                "hearing",
                "record",
                &case,
                "--date",
                "today",
                "--next-date",
                "yesterday",
            ],
            "next_date_not_after",
            "must be after",
        ),
        (
            &[
                "hearing",
                "record",
                "01JUNKNOWNUNKNOWNUNKNOWN00",
                "--date",
                "today",
                "--disposed",
            ],
            "unknown_id",
            "no case with id",
        ),
        (
            &["fee", "add", &case, "--kind", "received", "--amount", "-100"],
            "invalid_amount",
            "invalid amount \"-100\"",
        ),
        (
            &["fee", "add", &case, "--kind", "received", "--amount", "12.345"],
            "invalid_amount",
            "invalid amount",
        ),
        (
            &["fee", "add", &case, "--kind", "received", "--amount", "abc"],
            "invalid_amount",
            "invalid amount",
        ),
        (
            &["task", "add", &case, "--title", "x", "--due", "someday"],
            "invalid_date",
            "invalid date",
        ),
        (
            &["task", "done", "01JUNKNOWNUNKNOWNUNKNOWN00"],
            "unknown_id",
            "no task with id",
        ),
        (
            &["case", "show", "01JUNKNOWNUNKNOWNUNKNOWN00"],
            "unknown_id",
            "no case with id",
        ),
        (&["history", "nonsense"], "unknown_id", "no case with id"),
        (&["board", "--date", "29-02-2027"], "invalid_date", "invalid date"),
        (&["init", "--passphrase"], "already_exists", "already exists"),
    ];
    for (args, code, message) in cases {
        let (got_code, msg) = cli.fails(args);
        assert_eq!(&got_code, code, "{args:?}: {msg}");
        assert!(msg.contains(message), "{args:?}: {msg:?} lacks {message:?}");
    }
    assert_eq!(snapshot(), before, "a refused command changed the diary");
}

#[test]
fn demo_builds_a_realistic_diary() {
    let (cli, _) = Cli::init();
    let summary = cli
        .command()
        .args(["--json", "demo", "--cases", "40", "--seed", "7"])
        .output()
        .unwrap();
    assert!(summary.status.success());
    let lines: Vec<Value> = String::from_utf8(summary.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or(Value::Null))
        .collect();
    assert_eq!(lines.iter().filter(|l| l.get("committed").is_some()).count(), 40);
    let cases = cli.json(&["case", "list"]);
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 40);
    let number = regex_like_case_number(cases[0]["number"].as_str().unwrap());
    assert!(number, "{}", cases[0]["number"]);
    assert!(cases.iter().all(|c| c["cnr"].as_str().is_some_and(|s| s.len() == 16)));
    assert!(cases.iter().any(|c| c["title"]
        .as_str()
        .unwrap()
        .chars()
        .any(|ch| ('\u{0900}'..='\u{097F}').contains(&ch))));
    let past = (1..120).any(|i| {
        !cli.json(&["board", "--date", &(today() - Duration::days(i)).to_string()])["courts"]
            .as_array()
            .unwrap()
            .is_empty()
    });
    let future = (1..120).any(|i| {
        !cli.json(&["board", "--date", &(today() + Duration::days(i)).to_string()])["courts"]
            .as_array()
            .unwrap()
            .is_empty()
    });
    assert!(past && future, "hearings should spread over past and coming months");
}

/// `TYPE N/YYYY`, e.g. `CRL.A. 123/2024`.
fn regex_like_case_number(s: &str) -> bool {
    let Some((kind, rest)) = s.rsplit_once(' ') else {
        return false;
    };
    let Some((n, year)) = rest.split_once('/') else {
        return false;
    };
    !kind.is_empty() && n.parse::<u32>().is_ok() && year.len() == 4 && year.parse::<u32>().is_ok()
}
