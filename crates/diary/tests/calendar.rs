//! The `.ics` export parses back, and follows RFC 5545's rules for all-day events.

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime, EventLike};

#[test]
fn hearings_export_as_valid_all_day_events() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let t = today();
    let (_, case) = seed(&mut d, "सुनीता देवी", "CRL.A. 123/2024", t + Duration::days(2));
    d.record_hearing(
        &case,
        nextdate_diary::RecordHearing {
            non_effective: false,
            date: t + Duration::days(2),
            outcome: Some("Arguments heard in part".into()),
            item: Some(7),
            next: nextdate_diary::NextStep::Adjourned {
                next_date: t + Duration::days(20),
                purpose: Some("Final arguments".into()),
            },
            attended_by: None,
        },
    )
    .unwrap();
    nextdate_diary::demo::generate(&mut d, 20, 9, t, 20, |_| {}).unwrap();
    let expected = d
        .hearings_between(
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2200, 1, 1).unwrap(),
        )
        .unwrap();

    let text = d.hearings_ics(None, None).unwrap();
    // RFC 5545 §3.1: CRLF line endings, lines folded to at most 75 octets.
    assert!(text.contains("\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "unfolded line: {line}");
    }
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(text.contains("VERSION:2.0\r\n") && text.contains("PRODID:"));

    let cal: Calendar = text.parse().expect("the export parses back");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), expected.len());
    let mut uids = std::collections::HashSet::new();
    for e in &events {
        assert!(uids.insert(e.get_uid().unwrap().to_string()), "UIDs must be unique");
        assert!(e.property_value("DTSTAMP").is_some(), "DTSTAMP is required");
        let (Some(DatePerhapsTime::Date(start)), Some(DatePerhapsTime::Date(end))) = (e.get_start(), e.get_end())
        else {
            panic!("all-day events need DATE values: {e:?}");
        };
        assert_eq!(end, start + Duration::days(1), "DTEND is exclusive: the next day");
    }
    let mine = events
        .iter()
        .find(|e| e.get_summary().unwrap().starts_with("CRL.A. 123/2024"))
        .unwrap();
    assert_eq!(mine.get_start(), Some(DatePerhapsTime::Date(t + Duration::days(2))));
    assert!(mine.get_summary().unwrap().contains("सुनीता देवी v. State"));
    assert!(mine.get_summary().unwrap().contains("(item 7)"));
    assert_eq!(mine.get_location(), Some("Delhi High Court"));
    assert!(mine
        .get_description()
        .unwrap()
        .contains("Outcome: Arguments heard in part"));
    // A date range exports only that range.
    let one_day = d
        .hearings_ics(Some(t + Duration::days(20)), Some(t + Duration::days(20)))
        .unwrap();
    let cal: Calendar = one_day.parse().unwrap();
    assert_eq!(
        cal.components
            .iter()
            .filter(|c| matches!(c, CalendarComponent::Event(_)))
            .count(),
        d.board(t + Duration::days(20)).unwrap().len()
    );
}

#[test]
fn the_calendar_file_is_written_whole_or_not_at_all() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let t = today();
    seed(&mut d, "Rao", "HMA 9/2025", t + Duration::days(4));
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("hearings.ics");
    assert_eq!(d.write_hearings_ics(&file, None, None, false).unwrap(), 1);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        without_stamps(&text),
        without_stamps(&d.hearings_ics(None, None).unwrap())
    );
    assert!(text.contains("SUMMARY:HMA 9/2025"));
    let names = || {
        std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(), ["hearings.ics"], "no partial file left beside it");

    // An existing file stays as it was unless replacing is asked for.
    std::fs::write(&file, "mine").unwrap();
    let err = d.write_hearings_ics(&file, None, None, false).unwrap_err();
    assert_eq!(err.code(), "already_exists");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    assert_eq!(
        d.write_hearings_ics(&file, Some(t + Duration::days(5)), None, true)
            .unwrap(),
        0
    );
    assert!(!std::fs::read_to_string(&file).unwrap().contains("BEGIN:VEVENT"));
    assert_eq!(names(), ["hearings.ics"]);

    // A file that cannot be written leaves nothing behind.
    assert!(d
        .write_hearings_ics(&out.path().join("missing/h.ics"), None, None, false)
        .is_err());
    assert_eq!(
        d.write_hearings_ics(out.path(), None, None, true).unwrap_err().code(),
        "bad_path"
    );
    assert_eq!(names(), ["hearings.ics"]);
}

/// An `.ics` text without its `DTSTAMP` lines (the moment it was made, which differs between two exports).
fn without_stamps(ics: &str) -> String {
    ics.lines()
        .filter(|l| !l.starts_with("DTSTAMP"))
        .collect::<Vec<_>>()
        .join("\n")
}
