//! Helpers shared by the hearing-correction tests: dates as cause lists
//! print them, a recorded case, what a case's hearings, board and removed
//! records read, and a refusal that must leave the diary as it was.

#![allow(dead_code)]

use chrono::NaiveDate;
use nextdate_diary::queries::HearingRow;
use nextdate_diary::{Diary, NextStep, RecordHearing};

use crate::common::{seed, state};

/// A DD-MM-YYYY date.
pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%d-%m-%Y").unwrap()
}

pub fn iso(s: &str) -> String {
    day(s).to_string()
}

pub fn adjourn(on: &str, next: &str, purpose: Option<&str>) -> RecordHearing {
    RecordHearing {
        non_effective: false,
        date: day(on),
        outcome: None,
        item: None,
        next: NextStep::Adjourned {
            next_date: day(next),
            purpose: purpose.map(str::to_string),
        },
        attended_by: None,
    }
}

/// The case's live hearings, by date.
pub fn hearings(d: &Diary, case: &str) -> Vec<HearingRow> {
    let mut h = d.case_detail(case).unwrap().hearings;
    h.sort_by(|a, b| a.date.cmp(&b.date));
    h
}

pub fn hearing_on(d: &Diary, case: &str, on: &str) -> HearingRow {
    hearings(d, case)
        .into_iter()
        .find(|h| h.date == iso(on))
        .unwrap_or_else(|| panic!("no hearing on {on}"))
}

/// Cases on the board of `on`.
pub fn board_cases(d: &Diary, on: &str) -> Vec<String> {
    d.board(day(on))
        .unwrap()
        .courts
        .into_iter()
        .flat_map(|c| c.hearings)
        .map(|h| h.case_id)
        .collect()
}

/// The case's removed records as (kind, label).
pub fn removed(d: &Diary, case: &str) -> Vec<(String, String)> {
    d.conn()
        .prepare("SELECT kind, label FROM removed_records WHERE owner_id = ?1 ORDER BY label")
        .unwrap()
        .query_map([case], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

pub fn last_message(d: &Diary, case: &str) -> String {
    d.history(case).unwrap().pop().unwrap().message
}

pub fn refused<T: std::fmt::Debug>(d: &mut Diary, code: &str, f: impl FnOnce(&mut Diary) -> nextdate_diary::Result<T>) {
    let before = state(d);
    let err = f(d).expect_err(code);
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(state(d), before, "a refused change ({code}) wrote something");
}

/// A case listed on 01-04-2031 and recorded there with next date 10-04-2031.
pub fn recorded_case(d: &mut Diary, number: &str) -> (String, String) {
    let (_, case) = seed(d, "Meera Iyer", number, day("01-04-2031"));
    let hid = d
        .record_hearing(&case, adjourn("01-04-2031", "10-04-2031", Some("Evidence")))
        .unwrap();
    (case, hid)
}
