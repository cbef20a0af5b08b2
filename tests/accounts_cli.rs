//! The accounts through the real `nextdate` binary: fee terms, a hearing
//! counted as non-effective, time and the timer, a receipt, a bill and a
//! statement read back from their PDFs with `pdftotext`, the outstanding
//! list, the ledger CSV, and bad input refused with its code and nothing
//! changed.

mod support;

use serde_json::Value;
use support::Cli;

fn pdftotext(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-raw"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(out.stdout).unwrap()
}

/// Whitespace-free text, so a word split across lines or runs still matches.
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect()
}

fn new_case(cli: &Cli) -> (String, String) {
    let client = cli.id(&["client", "add", "--name", "Sunita Devi", "--phone", "+91 98100 12345"]);
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Sunita Devi v. State",
        "--number",
        "CRL.M.C. 101/2026",
        "--court",
        "Delhi High Court",
        "--client",
        &client,
        "--next-date",
        "01-06-2026",
    ]);
    (client, case)
}

#[test]
fn terms_time_receipts_bills_and_statements_end_to_end() {
    let (cli, _) = Cli::init();
    let (client, case) = new_case(&cli);
    let tmp = cli.tmp.path();

    let account = cli.json(&[
        "terms",
        &case,
        "--per-appearance",
        "5000",
        "--non-effective",
        "1000",
        "--hourly",
        "3000",
    ]);
    assert_eq!(account["terms"]["per_appearance_minor"], 500_000);
    cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        "01-06-2026",
        "--next-date",
        "15-06-2026",
        "--non-effective",
    ]);
    cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        "15-06-2026",
        "--next-date",
        "29-06-2026",
    ]);
    cli.id(&[
        "time",
        "add",
        &case,
        "--minutes",
        "1h30m",
        "--date",
        "10-06-2026",
        "--note",
        "Drafting the petition",
    ]);
    cli.id(&[
        "time",
        "add",
        &case,
        "--minutes",
        "20",
        "--date",
        "11-06-2026",
        "--unbillable",
    ]);
    let account = cli.json(&["terms", &case]);
    assert_eq!(account["appearances"], 2);
    assert_eq!(account["non_effective"], 1);
    assert_eq!(account["appearance_fees_minor"], 600_000);
    assert_eq!(account["billable_minutes"], 90);
    assert_eq!(account["time_fees_minor"], 450_000);
    let plain = String::from_utf8(cli.run(&["terms", &case]).stdout).unwrap();
    assert!(
        plain.contains("₹5,000 per appearance (₹1,000 non-effective)"),
        "{plain}"
    );

    // The timer: started, seen, stopped into an entry.
    let started = cli.json(&["time", "start", &case, "--note", "Conference"]);
    assert_eq!(started["timer"]["case_number"], "CRL.M.C. 101/2026");
    assert_eq!(cli.fails(&["time", "start", &case]).0, "timer_running");
    assert_eq!(cli.json(&["time", "status"])["timer"]["note"], "Conference");
    let stopped = cli.json(&["time", "stop"]);
    assert_eq!(stopped["minutes"], 1);
    assert_eq!(cli.json(&["time", "status"])["timer"], Value::Null);
    assert_eq!(cli.fails(&["time", "stop"]).0, "no_timer");
    let entries = cli.json(&["time", "list", &case]);
    assert_eq!(entries.as_array().unwrap().len(), 3);

    // A receipt, read back from its PDF.
    let fee = cli.id(&[
        "fee",
        "add",
        &case,
        "--kind",
        "received",
        "--amount",
        "150000.50",
        "--date",
        "20-06-2026",
        "--mode",
        "cheque",
        "--note",
        "Cheque 004512",
    ]);
    let pdf = tmp.join("receipt.pdf");
    let r = cli.json(&["receipt", &fee, "-o", pdf.to_str().unwrap()]);
    assert_eq!(r["receipt"]["number"], "A-1/2026-27");
    let text = squeezed(&pdftotext(&pdf));
    for want in [
        "A-1/2026-27",
        "20-06-2026",
        "SunitaDevi",
        "CRL.M.C.101/2026",
        "₹1,50,000.50",
        "RupeesOneLakhFiftyThousandandPaiseFiftyOnly",
        "cheque",
        "Cheque004512",
        "Adv.Test",
    ] {
        assert!(text.contains(want), "the receipt lacks {want:?}: {text}");
    }
    assert_eq!(
        cli.fails(&["receipt", &fee, "-o", pdf.to_str().unwrap()]).0,
        "already_exists"
    );

    // A bill for June, and the chamber's billing details on it.
    cli.json(&["billing", "--address", "Chamber 214\\nDelhi High Court"]);
    let bill_pdf = tmp.join("bill.pdf");
    let b = cli.json(&[
        "bill",
        &case,
        "--from",
        "01-06-2026",
        "--to",
        "30-06-2026",
        "-o",
        bill_pdf.to_str().unwrap(),
    ]);
    assert_eq!(b["bill"]["number"], "A-1/2026-27");
    // The timer's minute is today, after June: not on this bill.
    let due = 600_000 + 450_000 - 15_000_050;
    assert_eq!(b["bill"]["due_minor"], due);
    let text = squeezed(&pdftotext(&bill_pdf));
    for want in [
        "A-1/2026-27",
        "01-06-2026",
        "30-06-2026",
        "SunitaDevi",
        "Chamber214",
        "6,000.00",
        "4,500.00",
        "1,50,000.50",
    ] {
        assert!(text.contains(want), "the bill lacks {want:?}: {text}");
    }
    let listed = cli.json(&["bills", "list", &case]);
    assert_eq!(listed[0]["number"], "A-1/2026-27");

    // The statement and the outstanding list.
    let st_pdf = tmp.join("statement.pdf");
    let st = cli.json(&["statement", &client, "-o", st_pdf.to_str().unwrap()]);
    // One timer minute at ₹3,000 an hour is ₹50.
    assert_eq!(st["statement"]["closing_balance_minor"], due + 5_000);
    assert!(squeezed(&pdftotext(&st_pdf)).contains("SunitaDevi"));
    let o = cli.json(&["outstanding"]);
    assert!(
        o["cases"].as_array().unwrap().is_empty(),
        "paid in advance: nothing due"
    );

    // The ledger for the accountant.
    let csv_path = tmp.join("ledger.csv");
    cli.json(&["export", "ledger", "-o", csv_path.to_str().unwrap()]);
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with("date,clients,case_number"), "{csv}");
    assert!(csv.contains("A-1/2026-27"), "{csv}");
    assert_eq!(
        csv.lines().count(),
        1 + 2 + 2 + 1,
        "header, 2 appearances, 2 billable times, 1 payment: {csv}"
    );
}

#[test]
fn bad_accounts_input_is_refused_and_changes_nothing() {
    let (cli, _) = Cli::init();
    let (client, case) = new_case(&cli);
    let expense = cli.id(&[
        "fee",
        "add",
        &case,
        "--kind",
        "expense",
        "--amount",
        "500",
        "--date",
        "01-06-2026",
    ]);
    let seen = || {
        (
            cli.json(&["case", "show", &case]),
            cli.json(&["time", "list"]),
            cli.json(&["bills", "list"]),
        )
    };
    let before = seen();
    let out = cli.tmp.path().join("x.pdf");
    let out = out.to_str().unwrap();
    for (args, code) in [
        (vec!["receipt", expense.as_str(), "-o", out], "not_a_payment"),
        (
            vec!["time", "add", case.as_str(), "--minutes", "-30"],
            "invalid_duration",
        ),
        (
            vec!["time", "add", case.as_str(), "--minutes", "25h"],
            "invalid_duration",
        ),
        (
            vec!["terms", case.as_str(), "--hourly", "3000", "--currency", "USD"],
            "currency_mismatch",
        ),
        (
            vec![
                "bill",
                case.as_str(),
                "--from",
                "01-01-2026",
                "--to",
                "31-01-2026",
                "-o",
                out,
            ],
            "empty_period",
        ),
        (
            vec![
                "bill",
                client.as_str(),
                "--from",
                "30-06-2026",
                "--to",
                "01-06-2026",
                "-o",
                out,
            ],
            "empty_period",
        ),
        (
            vec!["bill", "01JZZZZZZZZZZZZZZZZZZZZZZZ", "--from", "01-06-2026", "-o", out],
            "unknown_id",
        ),
        (vec!["billing", "--gstin", "123"], "unknown_value"),
    ] {
        let (got, message) = cli.fails(&args);
        assert_eq!(got, code, "{args:?}: {message}");
        assert_eq!(seen(), before, "{args:?} changed something");
    }
    assert!(
        !std::path::Path::new(out).exists(),
        "no PDF is left behind by a refusal"
    );
}
