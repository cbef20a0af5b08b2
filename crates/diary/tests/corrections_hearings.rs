//! Correcting hearings: editing a hearing's fields, removing one entered by
//! mistake, and re-recording a hearing with another next date. Each refusal
//! is checked to leave the diary as it was, and the board, the printed list's
//! rows and the calendar agree afterwards. Listing a case on a date is in
//! `listing_hearings.rs`.

mod common;
mod hearing_support;

use common::*;
use hearing_support::*;
use nextdate_diary::{HearingEdit, NextStep, RecordHearing};

#[test]
fn re_recording_a_hearing_replaces_its_earlier_next_date() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, hid) = recorded_case(&mut d, "CRL.A. 41/2031");
    assert_eq!(board_cases(&d, "10-04-2031"), vec![case.clone()]);

    let again = d
        .record_hearing(&case, adjourn("01-04-2031", "20-04-2031", None))
        .unwrap();
    assert_eq!(again, hid, "the same hearing is recorded again");
    // The case is on the 20-04 board only.
    assert!(board_cases(&d, "10-04-2031").is_empty());
    let board = d.board(day("20-04-2031")).unwrap();
    assert_eq!(board.len(), 1);
    let entry = &board.courts[0].hearings[0];
    assert_eq!(entry.case_id, case);
    assert_eq!(entry.previous_date.as_deref(), Some(iso("01-04-2031").as_str()));
    assert_eq!(entry.purpose.as_deref(), Some("Evidence"), "the purpose carries over");
    assert_eq!(
        hearing_on(&d, &case, "01-04-2031").next_date.as_deref(),
        Some(iso("20-04-2031").as_str())
    );
    // The printed list's rows (the printer reads `hearings_in_range`) and the calendar agree.
    let listed = d.hearings_in_range(day("02-04-2031"), day("30-04-2031"), None).unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].date, iso("20-04-2031"));
    assert_eq!(listed[0].previous_date.as_deref(), Some(iso("01-04-2031").as_str()));
    let ics = d
        .hearings_ics(Some(day("02-04-2031")), Some(day("30-04-2031")))
        .unwrap();
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1, "{ics}");
    assert!(ics.contains("DTSTART;VALUE=DATE:20310420"), "{ics}");
    assert!(!ics.contains("20310410"), "{ics}");
    assert!(ics.contains("Previous date: 01-04-2031"), "{ics}");
    // The stale listing is removed (kept in the document, listed as removed), and history says so.
    assert_eq!(
        removed(&d, &case),
        vec![("hearing".into(), "hearing of 10-04-2031".into())]
    );
    assert_eq!(hearings(&d, &case).len(), 2);
    assert!(
        last_message(&d, &case).ends_with("next date 20-04-2031 (was 10-04-2031)"),
        "{}",
        last_message(&d, &case)
    );
    // The incremental projection is what a rebuild gives.
    let before = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(nextdate_diary::projection::dump(d.conn()).unwrap(), before);
}

#[test]
fn a_listing_that_was_heard_or_is_still_named_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    // Something was recorded at the 10-04 listing: it stays when 01-04 is re-recorded.
    let (case, _) = recorded_case(&mut d, "O.S. 1/2031");
    d.edit_hearing(
        &case,
        &hearing_on(&d, &case, "10-04-2031").id,
        HearingEdit {
            outcome: Some(Some("Witness examined".into())),
            ..Default::default()
        },
    )
    .unwrap();
    d.record_hearing(&case, adjourn("01-04-2031", "20-04-2031", None))
        .unwrap();
    assert_eq!(board_cases(&d, "10-04-2031"), vec![case.clone()]);
    assert_eq!(board_cases(&d, "20-04-2031"), vec![case.clone()]);
    assert!(removed(&d, &case).is_empty());

    // Another hearing still names 15-04 as its next date: re-recording one of them keeps it.
    let (_, other) = seed(&mut d, "Kiran Rao", "O.S. 2/2031", day("01-04-2031"));
    d.record_hearing(&other, adjourn("01-04-2031", "15-04-2031", None))
        .unwrap();
    d.record_hearing(&other, adjourn("05-04-2031", "15-04-2031", None))
        .unwrap();
    d.record_hearing(&other, adjourn("05-04-2031", "25-04-2031", None))
        .unwrap();
    assert_eq!(board_cases(&d, "15-04-2031"), vec![other.clone()]);
    assert_eq!(board_cases(&d, "25-04-2031"), vec![other.clone()]);
    assert!(removed(&d, &other).is_empty());
}

#[test]
fn correcting_the_next_date_moves_the_listing_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, hid) = recorded_case(&mut d, "W.P.(C) 7/2031");
    let old_listing = hearing_on(&d, &case, "10-04-2031").id;
    let change = d
        .edit_hearing(
            &case,
            &hid,
            HearingEdit {
                next_date: Some(Some(day("20-04-2031"))),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        change.message,
        "Next date changed from 10-04-2031 to 20-04-2031 (hearing of 01-04-2031)"
    );
    assert_eq!(last_message(&d, &case), change.message);
    assert_eq!(change.changes.len(), 1);
    assert_eq!(change.changes[0].field, "next_date");
    assert_eq!(change.changes[0].from.as_deref(), Some(iso("10-04-2031").as_str()));
    assert_eq!(change.changes[0].to.as_deref(), Some(iso("20-04-2031").as_str()));
    assert_eq!(change.removed, vec![old_listing]);
    let listing = hearing_on(&d, &case, "20-04-2031");
    assert_eq!(change.listing_id.as_deref(), Some(listing.id.as_str()));
    assert_eq!(listing.purpose.as_deref(), Some("Evidence"));
    assert!(board_cases(&d, "10-04-2031").is_empty());
    let entry = &d.board(day("20-04-2031")).unwrap().courts[0].hearings[0];
    assert_eq!(entry.previous_date.as_deref(), Some(iso("01-04-2031").as_str()));
}

#[test]
fn correcting_item_purpose_and_outcome_and_clearing_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, hid) = recorded_case(&mut d, "CS 9/2031");
    let change = d
        .edit_hearing(
            &case,
            &hid,
            HearingEdit {
                item: Some(Some(12)),
                purpose: Some(None),
                outcome: Some(Some("  Part heard  ".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        change.message,
        "Item changed from 7 to 12; purpose cleared (was Arguments); outcome changed from Adjourned to Part heard \
         (hearing of 01-04-2031)"
    );
    let h = hearing_on(&d, &case, "01-04-2031");
    assert_eq!(
        (h.item, h.purpose, h.outcome.as_deref()),
        (Some(12), None, Some("Part heard"))
    );
    assert!(change.removed.is_empty());
    assert_eq!(
        board_cases(&d, "10-04-2031"),
        vec![case.clone()],
        "the listing is untouched"
    );

    // The same values again: nothing is written.
    let before = state(&d);
    let again = d
        .edit_hearing(
            &case,
            &hid,
            HearingEdit {
                item: Some(Some(12)),
                purpose: Some(Some("   ".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(again.changes.is_empty(), "{again:?}");
    assert_eq!(state(&d), before);
}

#[test]
fn moving_a_hearing_day_carries_the_next_date_that_named_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, hid) = recorded_case(&mut d, "CRL.M.C. 3/2031");
    let listing = hearing_on(&d, &case, "10-04-2031").id;
    let change = d
        .edit_hearing(
            &case,
            &listing,
            HearingEdit {
                date: Some(day("12-04-2031")),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        change.message,
        "Date changed from 10-04-2031 to 12-04-2031; next date of the hearing of 01-04-2031 changed from \
         10-04-2031 to 12-04-2031"
    );
    assert_eq!(
        hearing_on(&d, &case, "01-04-2031").next_date.as_deref(),
        Some(iso("12-04-2031").as_str())
    );
    assert_eq!(board_cases(&d, "12-04-2031"), vec![case.clone()]);
    assert!(board_cases(&d, "10-04-2031").is_empty());

    // Onto the day of another hearing of the case, or before the hearing that named it: refused.
    refused(&mut d, "already_listed", |d| {
        d.edit_hearing(
            &case,
            &listing,
            HearingEdit {
                date: Some(day("01-04-2031")),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "next_date_not_after", |d| {
        d.edit_hearing(
            &case,
            &listing,
            HearingEdit {
                date: Some(day("25-03-2031")),
                ..Default::default()
            },
        )
    });
    // The recorded hearing's own next date must stay after it.
    refused(&mut d, "next_date_not_after", |d| {
        d.edit_hearing(
            &case,
            &hid,
            HearingEdit {
                date: Some(day("12-04-2031")),
                ..Default::default()
            },
        )
    });
}

#[test]
fn clearing_a_next_date_removes_its_listing_and_leaves_the_case_undated() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, hid) = recorded_case(&mut d, "MAT.APP. 2/2031");
    let change = d
        .edit_hearing(
            &case,
            &hid,
            HearingEdit {
                next_date: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        change.message,
        "Next date cleared (was 10-04-2031) (hearing of 01-04-2031)"
    );
    assert_eq!(change.listing_id, None);
    assert_eq!(change.removed.len(), 1);
    assert!(board_cases(&d, "10-04-2031").is_empty());
    let undated: Vec<String> = d
        .undated(day("02-04-2031"))
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert!(undated.contains(&case), "{undated:?}");
}

#[test]
fn removing_a_hearing_entered_by_mistake() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    // A listing named by a recorded hearing: it goes, and that hearing no longer has a next date.
    let (case, hid) = recorded_case(&mut d, "CS(OS) 5/2031");
    let listing = hearing_on(&d, &case, "10-04-2031").id;
    let change = d.remove_hearing(&case, &listing).unwrap();
    assert_eq!(
        change.message,
        "Removed hearing of 10-04-2031; next date of the hearing of 01-04-2031 cleared (was 10-04-2031)"
    );
    assert_eq!(last_message(&d, &case), change.message);
    assert_eq!(change.removed, vec![listing.clone()]);
    assert!(board_cases(&d, "10-04-2031").is_empty());
    let recorded = hearing_on(&d, &case, "01-04-2031");
    assert_eq!((recorded.id.as_str(), recorded.next_date), (hid.as_str(), None));
    assert_eq!(
        removed(&d, &case),
        vec![("hearing".into(), "hearing of 10-04-2031".into())]
    );
    refused(&mut d, "already_removed", |d| d.remove_hearing(&case, &listing));
    refused(&mut d, "already_removed", |d| {
        d.edit_hearing(
            &case,
            &listing,
            HearingEdit {
                item: Some(Some(3)),
                ..Default::default()
            },
        )
    });
    assert_eq!(
        d.case_of(nextdate_diary::records::ChildKind::Hearing, &listing)
            .unwrap(),
        case
    );

    // A recorded hearing with its next date: its listing goes with it.
    let (other, recorded) = recorded_case(&mut d, "CS(OS) 6/2031");
    let change = d.remove_hearing(&other, &recorded).unwrap();
    assert_eq!(
        change.message,
        "Removed hearing of 01-04-2031; its listing on 10-04-2031 removed with it"
    );
    assert_eq!(change.removed.len(), 2);
    assert!(hearings(&d, &other).is_empty());
    assert!(board_cases(&d, "01-04-2031").contains(&case) && !board_cases(&d, "01-04-2031").contains(&other));
}

#[test]
fn a_disposed_case_keeps_its_past_correctable_but_not_its_next_dates() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, hid) = recorded_case(&mut d, "ARB.P. 8/2031");
    let disposal = d
        .record_hearing(
            &case,
            RecordHearing {
                non_effective: false,
                date: day("10-04-2031"),
                outcome: Some("Allowed".into()),
                item: None,
                next: NextStep::Disposed,
                attended_by: None,
            },
        )
        .unwrap();
    let change = d
        .edit_hearing(
            &case,
            &hid,
            HearingEdit {
                outcome: Some(Some("Arguments heard".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        change.message,
        "Outcome changed from Adjourned to Arguments heard (hearing of 01-04-2031)"
    );
    refused(&mut d, "not_pending", |d| {
        d.edit_hearing(
            &case,
            &hid,
            HearingEdit {
                next_date: Some(Some(day("20-04-2031"))),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "not_pending", |d| {
        d.edit_hearing(
            &case,
            &disposal,
            HearingEdit {
                next_date: Some(Some(day("20-04-2031"))),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "bad_status_change", |d| d.remove_hearing(&case, &disposal));
    refused(&mut d, "not_pending", |d| {
        d.list_case(&case, day("20-04-2031"), None, None)
    });
}

#[test]
fn disposal_marks_later_listings_removed_instead_of_dropping_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, _) = recorded_case(&mut d, "RFA 4/2031");
    // Disposed of at a hearing the court advanced to 05-04: the 10-04 listing no longer stands.
    d.record_hearing(
        &case,
        RecordHearing {
            non_effective: false,
            date: day("05-04-2031"),
            outcome: None,
            item: None,
            next: NextStep::Disposed,
            attended_by: None,
        },
    )
    .unwrap();
    assert!(board_cases(&d, "10-04-2031").is_empty());
    assert_eq!(
        removed(&d, &case),
        vec![("hearing".into(), "hearing of 10-04-2031".into())]
    );
}

#[test]
fn every_bad_correction_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, hid) = recorded_case(&mut d, "CRL.REV.P. 1/2031");
    let (other, _) = recorded_case(&mut d, "CRL.REV.P. 2/2031");
    let unknown = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
    let edit = |e: HearingEdit| e;
    let next = |n: &str| {
        edit(HearingEdit {
            next_date: Some(Some(day(n))),
            ..Default::default()
        })
    };
    refused(&mut d, "nothing_to_change", |d| {
        d.edit_hearing(&case, &hid, HearingEdit::default())
    });
    refused(&mut d, "unknown_id", |d| {
        d.edit_hearing(&case, unknown, next("20-04-2031"))
    });
    refused(&mut d, "unknown_id", |d| {
        d.edit_hearing(unknown, &hid, next("20-04-2031"))
    });
    refused(&mut d, "wrong_case", |d| {
        d.edit_hearing(&other, &hid, next("20-04-2031"))
    });
    refused(&mut d, "wrong_case", |d| d.remove_hearing(&other, &hid));
    refused(&mut d, "unknown_id", |d| d.remove_hearing(&case, unknown));
    refused(&mut d, "next_date_not_after", |d| {
        d.edit_hearing(&case, &hid, next("01-04-2031"))
    });
    refused(&mut d, "next_date_not_after", |d| {
        d.edit_hearing(&case, &hid, next("25-03-2031"))
    });
    refused(&mut d, "invalid_date", |d| {
        d.edit_hearing(&case, &hid, next("01-01-2201"))
    });
    refused(&mut d, "invalid_date", |d| {
        d.edit_hearing(
            &case,
            &hid,
            HearingEdit {
                date: Some(day("31-12-1899")),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "out_of_range", |d| {
        d.edit_hearing(
            &case,
            &hid,
            HearingEdit {
                item: Some(Some(100_001)),
                ..Default::default()
            },
        )
    });
    // Re-recording with a next date before the hearing is refused the same way.
    refused(&mut d, "next_date_not_after", |d| {
        d.record_hearing(&case, adjourn("01-04-2031", "31-03-2031", None))
    });
    // After all of that, the case reads as it did.
    assert_eq!(
        hearing_on(&d, &case, "01-04-2031").next_date.as_deref(),
        Some(iso("10-04-2031").as_str())
    );
    assert_eq!(board_cases(&d, "10-04-2031").len(), 2);
}
