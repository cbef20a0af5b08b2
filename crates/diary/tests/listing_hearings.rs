//! Listing a case on a date (`list_case`) without inventing a hearing, and
//! the app's record dialog, which lists an undated case instead of recording
//! a hearing nobody attended (`record_or_list`). Each refusal is checked to
//! leave the diary as it was.

mod common;
mod hearing_support;

use common::*;
use hearing_support::*;
use nextdate_diary::{HearingEdit, NewCase};

#[test]
fn listing_an_undated_case_on_a_date() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let case = d
        .add_case(NewCase {
            title: "Rao v. Rao".into(),
            number: "HMA 12/2031".into(),
            court: "Family Court, Saket".into(),
            ..Default::default()
        })
        .unwrap();
    let change = d
        .list_case(&case, day("20-04-2031"), Some(" Mediation  report ".into()), Some(4))
        .unwrap();
    assert_eq!(change.message, "Listed on 20-04-2031 for Mediation report, item 4");
    assert_eq!(last_message(&d, &case), change.message);
    let rows = hearings(&d, &case);
    assert_eq!(rows.len(), 1, "no hearing is invented: {rows:?}");
    let h = &rows[0];
    assert_eq!(change.hearing_id, h.id);
    assert_eq!(
        (
            h.date.as_str(),
            h.item,
            h.purpose.as_deref(),
            h.outcome.as_deref(),
            h.next_date.as_deref()
        ),
        (
            iso("20-04-2031").as_str(),
            Some(4),
            Some("Mediation report"),
            None,
            None
        )
    );
    let entry = &d.board(day("20-04-2031")).unwrap().courts[0].hearings[0];
    assert_eq!(
        (entry.case_id.as_str(), entry.previous_date.as_deref()),
        (case.as_str(), None)
    );

    // Already listed (any date, before or after): correct that listing instead.
    for on in ["25-04-2031", "10-04-2031", "20-04-2031"] {
        refused(&mut d, "already_listed", |d| d.list_case(&case, day(on), None, None));
    }
    // After a heard hearing without a next date, the listing must come after it.
    let (_, heard) = seed(&mut d, "Suresh Pillai", "HMA 13/2031", day("01-04-2031"));
    let hid = d
        .record_hearing(&heard, adjourn("01-04-2031", "10-04-2031", None))
        .unwrap();
    d.edit_hearing(
        &heard,
        &hid,
        HearingEdit {
            next_date: Some(None),
            ..Default::default()
        },
    )
    .unwrap();
    refused(&mut d, "next_date_not_after", |d| {
        d.list_case(&heard, day("01-04-2031"), None, None)
    });
    let change = d.list_case(&heard, day("15-04-2031"), None, None).unwrap();
    assert_eq!(change.message, "Listed on 15-04-2031");
    let entry = &d.board(day("15-04-2031")).unwrap().courts[0].hearings[0];
    assert_eq!(entry.previous_date.as_deref(), Some(iso("01-04-2031").as_str()));
    // Bad input.
    let fresh = d
        .add_case(NewCase {
            title: "A v. B".into(),
            number: "HMA 14/2031".into(),
            court: "Family Court, Saket".into(),
            ..Default::default()
        })
        .unwrap();
    refused(&mut d, "unknown_id", |d| {
        d.list_case("01JZZZZZZZZZZZZZZZZZZZZZZZ", day("20-04-2031"), None, None)
    });
    refused(&mut d, "invalid_date", |d| {
        d.list_case(&fresh, day("01-01-2201"), None, None)
    });
    refused(&mut d, "out_of_range", |d| {
        d.list_case(&fresh, day("20-04-2031"), None, Some(0))
    });
}

#[test]
fn the_record_dialog_lists_an_undated_case_without_inventing_a_hearing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let case = d
        .add_case(NewCase {
            title: "Das v. Das".into(),
            number: "CS 77/2031".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    // "Give next date" with no hearing on the day the dialog names and no outcome: a listing only.
    let id = d
        .record_or_list(&case, adjourn("02-04-2031", "20-04-2031", Some("Framing of issues")))
        .unwrap();
    let rows = hearings(&d, &case);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].id.as_str(), rows[0].date.as_str()),
        (id.as_str(), iso("20-04-2031").as_str())
    );
    assert_eq!(rows[0].outcome, None);
    assert_eq!(last_message(&d, &case), "Listed on 20-04-2031 for Framing of issues");
    // On the day of a hearing it has, it records that hearing (and replaces its next date).
    let recorded = d
        .record_or_list(&case, adjourn("20-04-2031", "30-04-2031", None))
        .unwrap();
    assert_eq!(recorded, id);
    assert_eq!(
        hearing_on(&d, &case, "20-04-2031").outcome.as_deref(),
        Some("Adjourned")
    );
    // With an outcome given, a hearing that was never diarised is recorded.
    let mut r = adjourn("05-05-2031", "15-05-2031", None);
    r.outcome = Some("Appearance for the other side".into());
    d.record_or_list(&case, r).unwrap();
    assert_eq!(
        hearing_on(&d, &case, "05-05-2031").outcome.as_deref(),
        Some("Appearance for the other side")
    );
}
