//! `nextdate hearing edit`, `hearing remove` and `case date` end to end: the
//! real binary corrects, removes and lists hearings, prints what changed (with
//! `--json` too), refuses bad input with its code and leaves the case as it
//! was; after a corrected next date the board, the printed list and the
//! calendar agree.

mod support;

use serde_json::Value;
use support::Cli;

fn pdftotext(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(out.stdout).unwrap()
}

/// A case listed on 01-04-2031; returns its id.
fn add_case(cli: &Cli, number: &str) -> String {
    cli.id(&[
        "case",
        "add",
        "--title",
        "Meera Iyer v. State",
        "--number",
        number,
        "--court",
        "Delhi High Court",
        "--next-date",
        "01-04-2031",
        "--purpose",
        "Arguments",
        "--item",
        "7",
    ])
}

/// The case's hearings as `case show --json` gives them.
fn hearings(cli: &Cli, case: &str) -> Vec<Value> {
    cli.json(&["case", "show", case])["hearings"]
        .as_array()
        .unwrap()
        .clone()
}

fn hearing_on(cli: &Cli, case: &str, iso: &str) -> Value {
    hearings(cli, case)
        .into_iter()
        .find(|h| h["date"] == iso)
        .unwrap_or_else(|| panic!("no hearing on {iso}"))
}

/// Hearings on the board of one day.
fn board(cli: &Cli, date: &str) -> Vec<Value> {
    let v = cli.json(&["board", "--date", date]);
    v["courts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["hearings"].as_array().unwrap().clone())
        .collect()
}

/// Expects `args` to fail with `code` and leave `case` as it was.
fn refused(cli: &Cli, case: &str, args: &[&str], code: &str) {
    let before = cli.json(&["case", "show", case]);
    let history = cli.json(&["history", case]);
    let (got, msg) = cli.fails(args);
    assert_eq!(got, code, "{args:?}: {msg}");
    assert_eq!(cli.json(&["case", "show", case]), before, "{args:?} changed the case");
    assert_eq!(cli.json(&["history", case]), history, "{args:?} wrote history");
}

#[test]
fn correcting_a_next_date_moves_the_listing_on_board_print_and_calendar() {
    let (cli, _) = Cli::init();
    let case = add_case(&cli, "CRL.A. 41/2031");
    let hid = cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        "01-04-2031",
        "--next-date",
        "10-04-2031",
        "--purpose",
        "Evidence",
    ]);
    let old_listing = hearing_on(&cli, &case, "2031-04-10")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = cli.json(&["hearing", "edit", &hid, "--next-date", "20-04-2031"]);
    assert_eq!(
        v["message"],
        "Next date changed from 10-04-2031 to 20-04-2031 (hearing of 01-04-2031)"
    );
    assert_eq!(
        (v["case_id"].as_str(), v["hearing_id"].as_str()),
        (Some(case.as_str()), Some(hid.as_str()))
    );
    assert_eq!(v["changes"][0]["field"], "next_date");
    assert_eq!(v["changes"][0]["from"], "2031-04-10");
    assert_eq!(v["changes"][0]["to"], "2031-04-20");
    assert_eq!(v["removed"], serde_json::json!([old_listing]));
    let listing = hearing_on(&cli, &case, "2031-04-20");
    assert_eq!(v["listing_id"], listing["id"]);
    assert_eq!(listing["purpose"], "Evidence");

    // The board: on 20-04 only, with the recorded hearing as its previous date.
    assert!(board(&cli, "10-04-2031").is_empty());
    let on_20 = board(&cli, "20-04-2031");
    assert_eq!(on_20.len(), 1);
    assert_eq!(on_20[0]["previous_date"], "2031-04-01");
    // The printed list: one row, on 20-04, with 01-04 as its previous date.
    let pdf = cli.tmp.path().join("list.pdf");
    let p = cli.json(&[
        "print",
        "--date",
        "02-04-2031",
        "--to",
        "30-04-2031",
        "-o",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(p["hearings"], 1);
    let text = pdftotext(&pdf);
    assert_eq!(text.matches("CRL.A. 41/2031").count(), 1, "{text}");
    let row = text.lines().find(|l| l.contains("CRL.A. 41/2031")).unwrap();
    assert!(row.contains("01-04-2031"), "previous date on the row: {row}");
    let at = text.find("CRL.A. 41/2031").unwrap();
    assert!(
        text.find("20-04-2031").unwrap() < at && at < text.find("21-04-2031").unwrap(),
        "{text}"
    );
    // The calendar: one event, on 20-04, saying the previous date.
    let ics = cli.tmp.path().join("hearings.ics");
    cli.json(&[
        "export",
        "ics",
        "-o",
        ics.to_str().unwrap(),
        "--from",
        "02-04-2031",
        "--to",
        "30-04-2031",
    ]);
    let cal = std::fs::read_to_string(&ics).unwrap();
    assert_eq!(cal.matches("BEGIN:VEVENT").count(), 1, "{cal}");
    assert!(cal.contains("DTSTART;VALUE=DATE:20310420"), "{cal}");
    assert!(cal.contains("Previous date: 01-04-2031"), "{cal}");

    // Re-recording with another next date moves it again, the same way.
    cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        "01-04-2031",
        "--next-date",
        "25-04-2031",
    ]);
    assert!(board(&cli, "20-04-2031").is_empty());
    assert_eq!(board(&cli, "25-04-2031").len(), 1);
}

#[test]
fn correcting_fields_clearing_them_and_removing_a_hearing() {
    let (cli, _) = Cli::init();
    let case = add_case(&cli, "CS 9/2031");
    let hid = cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        "01-04-2031",
        "--next-date",
        "10-04-2031",
    ]);
    // Plain text says the change in words.
    let out = cli.run(&["hearing", "edit", &hid, "--item", "12", "--outcome", "Part heard"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with(
            "Item changed from 7 to 12; outcome changed from Adjourned to Part heard (hearing of 01-04-2031)\n"
        ),
        "{text}"
    );
    assert!(text.contains(&hid), "{text}");
    // '' clears a field.
    let v = cli.json(&["hearing", "edit", &hid, "--purpose", "", "--item", ""]);
    assert_eq!(
        v["message"],
        "Item cleared (was 12); purpose cleared (was Arguments) (hearing of 01-04-2031)"
    );
    let h = hearing_on(&cli, &case, "2031-04-01");
    assert_eq!((h["item"].clone(), h["purpose"].clone()), (Value::Null, Value::Null));
    // Moving the listing's date carries the next date that named it.
    let listing = hearing_on(&cli, &case, "2031-04-10")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let v = cli.json(&["hearing", "edit", &listing, "--date", "12-04-2031"]);
    assert_eq!(
        v["message"],
        "Date changed from 10-04-2031 to 12-04-2031; next date of the hearing of 01-04-2031 changed from 10-04-2031 \
         to 12-04-2031"
    );
    assert_eq!(hearing_on(&cli, &case, "2031-04-01")["next_date"], "2031-04-12");
    // Removing the listing: it leaves the board and the recorded hearing's next date.
    let v = cli.json(&["hearing", "remove", &listing]);
    assert_eq!(
        v["message"],
        "Removed hearing of 12-04-2031; next date of the hearing of 01-04-2031 cleared (was 12-04-2031)"
    );
    assert_eq!(v["removed"], serde_json::json!([listing]));
    assert!(board(&cli, "12-04-2031").is_empty());
    assert_eq!(hearings(&cli, &case).len(), 1);
    let history = cli.json(&["history", &case]);
    assert_eq!(history.as_array().unwrap().last().unwrap()["message"], v["message"]);
    // Removing it again, or correcting it, is refused.
    refused(&cli, &case, &["hearing", "remove", &listing], "already_removed");
    refused(
        &cli,
        &case,
        &["hearing", "edit", &listing, "--item", "3"],
        "already_removed",
    );
}

#[test]
fn bad_corrections_are_refused_with_their_code_and_change_nothing() {
    let (cli, _) = Cli::init();
    let case = add_case(&cli, "W.P.(C) 7/2031");
    let hid = cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        "01-04-2031",
        "--next-date",
        "10-04-2031",
    ]);
    let listing = hearing_on(&cli, &case, "2031-04-10")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let unknown = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
    for (args, code) in [
        (vec!["hearing", "edit", unknown, "--item", "3"], "unknown_id"),
        (vec!["hearing", "remove", unknown], "unknown_id"),
        (vec!["hearing", "edit", &hid], "nothing_to_change"),
        (
            vec!["hearing", "edit", &hid, "--next-date", "25-03-2031"],
            "next_date_not_after",
        ),
        (
            vec!["hearing", "edit", &hid, "--next-date", "01-04-2031"],
            "next_date_not_after",
        ),
        (
            vec!["hearing", "edit", &hid, "--date", "15-04-2031"],
            "next_date_not_after",
        ),
        (
            vec!["hearing", "edit", &listing, "--date", "01-04-2031"],
            "already_listed",
        ),
        (
            vec!["hearing", "edit", &listing, "--date", "25-03-2031"],
            "next_date_not_after",
        ),
        (
            vec!["hearing", "edit", &hid, "--next-date", "31-02-2031"],
            "invalid_date",
        ),
        (vec!["hearing", "edit", &hid, "--date", "soon"], "invalid_date"),
        (vec!["hearing", "edit", &hid, "--item", "0"], "out_of_range"),
    ] {
        refused(&cli, &case, &args, code);
    }
    // An item that is not a number is a usage error (exit 2), as for `hearing record`.
    let out = cli.run(&["hearing", "edit", &hid, "--item", "twelve"]);
    assert_eq!(out.status.code(), Some(2));

    // A disposed case: its past can be corrected, not its next dates.
    let disposal = cli.id(&[
        "hearing",
        "record",
        &case,
        "--date",
        "10-04-2031",
        "--disposed",
        "--outcome",
        "Allowed",
    ]);
    let v = cli.json(&["hearing", "edit", &hid, "--outcome", "Arguments heard"]);
    assert_eq!(
        v["message"],
        "Outcome changed from Adjourned to Arguments heard (hearing of 01-04-2031)"
    );
    refused(
        &cli,
        &case,
        &["hearing", "edit", &hid, "--next-date", "20-04-2031"],
        "not_pending",
    );
    refused(
        &cli,
        &case,
        &["hearing", "edit", &hid, "--next-date", ""],
        "not_pending",
    );
    refused(&cli, &case, &["hearing", "remove", &disposal], "bad_status_change");
}

#[test]
fn case_date_lists_an_undated_case_without_inventing_a_hearing() {
    let (cli, _) = Cli::init();
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Rao v. Rao",
        "--number",
        "HMA 12/2031",
        "--court",
        "Saket",
    ]);
    let v = cli.json(&[
        "case",
        "date",
        &case,
        "--next-date",
        "20-04-2031",
        "--purpose",
        "Mediation report",
        "--item",
        "4",
    ]);
    assert_eq!(v["message"], "Listed on 20-04-2031 for Mediation report, item 4");
    let rows = hearings(&cli, &case);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(v["hearing_id"], rows[0]["id"]);
    assert_eq!(rows[0]["outcome"], Value::Null);
    let on_20 = board(&cli, "20-04-2031");
    assert_eq!(on_20.len(), 1);
    assert_eq!(
        (on_20[0]["purpose"].as_str(), on_20[0]["item"].as_i64()),
        (Some("Mediation report"), Some(4))
    );
    let out = cli.run(&["case", "date", "--help"]);
    assert!(out.status.success());

    // Already listed: correct that hearing instead.
    refused(
        &cli,
        &case,
        &["case", "date", &case, "--next-date", "25-04-2031"],
        "already_listed",
    );
    // After a heard hearing, the listing must come after it.
    let other = add_case(&cli, "HMA 13/2031");
    let hid = cli.id(&[
        "hearing",
        "record",
        &other,
        "--date",
        "01-04-2031",
        "--next-date",
        "10-04-2031",
    ]);
    cli.json(&["hearing", "edit", &hid, "--next-date", ""]);
    refused(
        &cli,
        &other,
        &["case", "date", &other, "--next-date", "01-04-2031"],
        "next_date_not_after",
    );
    let v = cli.json(&["case", "date", &other, "--next-date", "15-04-2031"]);
    assert_eq!(v["message"], "Listed on 15-04-2031");
    assert_eq!(board(&cli, "15-04-2031")[0]["previous_date"], "2031-04-01");
    // Bad input.
    let fresh = cli.id(&[
        "case",
        "add",
        "--title",
        "A v. B",
        "--number",
        "HMA 14/2031",
        "--court",
        "Saket",
    ]);
    refused(
        &cli,
        &fresh,
        &["case", "date", &fresh, "--next-date", "31-02-2031"],
        "invalid_date",
    );
    refused(
        &cli,
        &fresh,
        &["case", "date", &fresh, "--next-date", "20-04-2031", "--item", "0"],
        "out_of_range",
    );
    let (code, _) = cli.fails(&[
        "case",
        "date",
        "01JZZZZZZZZZZZZZZZZZZZZZZZ",
        "--next-date",
        "20-04-2031",
    ]);
    assert_eq!(code, "unknown_id");
    // A case that is not pending.
    cli.id(&["hearing", "record", &other, "--date", "15-04-2031", "--disposed"]);
    refused(
        &cli,
        &other,
        &["case", "date", &other, "--next-date", "30-04-2031"],
        "not_pending",
    );
}
