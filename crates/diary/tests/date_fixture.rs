//! The typed-date parser against the fixture shared with the front end
//! (tests/fixtures/dates.json, also read by ui/tests/date_fixture.test.ts), so the
//! core and the window's instant preview read every date the same way.

use chrono::NaiveDate;
use nextdate_diary::dates::parse_date;
use serde_json::Value;

fn fixture() -> Vec<Value> {
    let path = format!(
        "{}/../../tests/fixtures/dates.json",
        std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string())
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("the date fixture is a JSON list")
}

fn field<'a>(case: &'a Value, name: &str) -> Option<&'a str> {
    case.get(name).and_then(Value::as_str)
}

#[test]
fn core_parser_reads_every_fixture_date() {
    let cases = fixture();
    assert!(cases.len() > 50, "the fixture looks truncated");
    let mut failures = Vec::new();
    for case in &cases {
        let today = NaiveDate::parse_from_str(field(case, "today").expect("today"), "%Y-%m-%d").expect("today is ISO");
        let input = field(case, "input").expect("input");
        let got = parse_date(input, today);
        let error = case.get("error").and_then(Value::as_bool).unwrap_or(false);
        match (field(case, "expected"), error, &got) {
            (Some(want), false, Ok(d)) if d.format("%Y-%m-%d").to_string() == want => {}
            (None, true, Err(e)) if e.code() == "invalid_date" => {}
            (None, false, _) | (Some(_), true, _) => panic!("a fixture case needs expected or error: {case}"),
            _ => failures.push(format!("{input:?} on {today}: got {got:?}, fixture says {case}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
