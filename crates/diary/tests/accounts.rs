//! Accounts on a real diary file: fee terms, appearances counted from
//! recorded (and corrected, and removed) hearings, time entries and the
//! timer (which survives closing the diary), and receipt numbers by
//! financial year that are never reused, even after a void.

// Amounts in paise are written rupees_paise: 5_000_00 is ₹5,000.00.
#![allow(clippy::inconsistent_digit_grouping)]

mod common;

use chrono::{DateTime, Duration, NaiveDate};
use common::*;
use nextdate_diary::accounts::{NewTimeEntry, TermsInput, TimeEdit};
use nextdate_diary::records::HearingEdit;
use nextdate_diary::{Diary, FeeKind, NewFee, NextStep, RecordHearing};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn fee(kind: FeeKind, rupees: i64, date: NaiveDate) -> NewFee {
    NewFee {
        kind,
        amount_minor: rupees * 100,
        currency: None,
        date,
        mode: Some("cheque".into()),
        remark: Some("Cheque 004512".into()),
    }
}

fn record(d: &mut Diary, case: &str, on: NaiveDate, non_effective: bool) -> String {
    d.record_hearing(
        case,
        RecordHearing {
            non_effective,
            date: on,
            outcome: Some("Adjourned".into()),
            item: None,
            next: NextStep::Adjourned {
                next_date: on + Duration::days(14),
                purpose: None,
            },
            attended_by: None,
        },
    )
    .unwrap()
}

fn terms() -> TermsInput {
    TermsInput {
        currency: None,
        fixed_minor: Some(10_000_00),
        per_appearance_minor: Some(5_000_00),
        non_effective_minor: Some(1_000_00),
        hourly_minor: Some(3_000_00),
    }
}

#[test]
fn appearances_and_time_earn_against_what_was_received() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let start = ymd(2026, 5, 4);
    let (_, case) = seed(&mut d, "Pooja Malhotra", "CS(COMM) 55/2026", start);

    d.set_fee_terms(&case, Some(terms())).unwrap();
    let h1 = record(&mut d, &case, start, false);
    let _h2 = record(&mut d, &case, start + Duration::days(14), true);
    let h3 = record(&mut d, &case, start + Duration::days(28), false);
    let a = d.case_account(&case).unwrap();
    assert_eq!((a.appearances, a.non_effective), (3, 1));
    assert_eq!(a.appearance_fees_minor, 2 * 5_000_00 + 1_000_00);

    // Correcting a hearing to non-effective, and removing one, count as they now stand.
    d.edit_hearing(
        &case,
        &h1,
        HearingEdit {
            non_effective: Some(true),
            ..Default::default()
        },
    )
    .unwrap();
    d.remove_hearing(&case, &h3).unwrap();
    let a = d.case_account(&case).unwrap();
    assert_eq!((a.appearances, a.non_effective), (2, 2));
    assert_eq!(a.appearance_fees_minor, 2 * 1_000_00);

    // Time: 90 billable minutes at ₹3,000 an hour, 30 not billable.
    let t1 = d
        .add_time(
            &case,
            NewTimeEntry {
                date: start,
                minutes: 90,
                member_id: None,
                note: Some("Drafting the written statement".into()),
                billable: true,
            },
        )
        .unwrap();
    d.add_time(
        &case,
        NewTimeEntry {
            date: start,
            minutes: 30,
            member_id: Some("Adv. Test".into()),
            note: None,
            billable: false,
        },
    )
    .unwrap();
    d.add_fee(&case, fee(FeeKind::Received, 5_000, start)).unwrap();
    d.add_fee(&case, fee(FeeKind::Expense, 750, start)).unwrap();
    let a = d.case_account(&case).unwrap();
    assert_eq!((a.billable_minutes, a.unbillable_minutes), (90, 30));
    assert_eq!(a.time_fees_minor, 4_500_00);
    assert_eq!(a.charged_minor, 10_000_00 + 2_000_00 + 4_500_00 + 750_00);
    assert_eq!(a.received_minor, 5_000_00);
    assert_eq!(a.due_minor, a.charged_minor - 5_000_00);

    // Corrected and removed time.
    let c = d
        .edit_time(
            &case,
            &t1,
            TimeEdit {
                minutes: Some(120),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(
        c.message.contains("duration changed from 1 h 30 min to 2 h"),
        "{}",
        c.message
    );
    assert_eq!(d.case_account(&case).unwrap().time_fees_minor, 6_000_00);
    d.remove_time(&case, &t1).unwrap();
    assert_eq!(d.case_account(&case).unwrap().time_fees_minor, 0);
    assert_eq!(d.remove_time(&case, &t1).unwrap_err().code(), "already_removed");
    let rows = d.time_entries(Some(&case)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].member, "Adv. Test");

    // The projection kept in step is the one a rebuild makes.
    let kept = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(nextdate_diary::projection::dump(d.conn()).unwrap(), kept);
}

#[test]
fn bad_accounts_input_is_refused_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (_, case) = seed(&mut d, "Pooja Malhotra", "CS(COMM) 55/2026", ymd(2026, 5, 4));
    let agreed = d.add_fee(&case, fee(FeeKind::Agreed, 50_000, ymd(2026, 5, 4))).unwrap();
    let expense = d.add_fee(&case, fee(FeeKind::Expense, 500, ymd(2026, 5, 4))).unwrap();
    let before = state(&d);

    let err = d.receipt(&expense).unwrap_err();
    assert_eq!(err.code(), "not_a_payment");
    assert!(err.to_string().contains("an expense of \u{20b9}500"), "{err}");
    assert_eq!(d.receipt(&agreed).unwrap_err().code(), "not_a_payment");
    let negative = NewTimeEntry {
        date: ymd(2026, 5, 4),
        minutes: -30,
        member_id: None,
        note: None,
        billable: true,
    };
    assert_eq!(d.add_time(&case, negative).unwrap_err().code(), "invalid_duration");
    let usd = TermsInput {
        currency: Some("USD".into()),
        ..terms()
    };
    let err = d.set_fee_terms(&case, Some(usd)).unwrap_err();
    assert_eq!(err.code(), "currency_mismatch");
    assert!(err.to_string().contains("keeps its fees in INR"), "{err}");
    let negative_rate = TermsInput {
        hourly_minor: Some(-1),
        ..terms()
    };
    assert_eq!(
        d.set_fee_terms(&case, Some(negative_rate)).unwrap_err().code(),
        "invalid_amount"
    );
    assert_eq!(
        d.set_fee_terms(&case, Some(TermsInput::default())).unwrap_err().code(),
        "nothing_to_change"
    );
    assert_eq!(
        d.receipt("01JZZZZZZZZZZZZZZZZZZZZZZZ").unwrap_err().code(),
        "unknown_id"
    );
    assert_eq!(state(&d), before, "a refused change wrote something");
}

#[test]
fn receipt_numbers_run_by_financial_year_and_are_never_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (_, case) = seed(&mut d, "Pooja Malhotra", "CS(COMM) 55/2026", ymd(2026, 5, 4));
    let p1 = d
        .add_fee(&case, fee(FeeKind::Received, 1_50_000, ymd(2026, 5, 4)))
        .unwrap();
    let p2 = d
        .add_fee(&case, fee(FeeKind::Received, 20_000, ymd(2027, 3, 31)))
        .unwrap();
    let p3 = d
        .add_fee(&case, fee(FeeKind::Received, 5_000, ymd(2027, 4, 1)))
        .unwrap();

    let r1 = d.receipt(&p1).unwrap();
    assert_eq!(r1.number, "A-1/2026-27");
    assert_eq!(r1.received_from, "Pooja Malhotra");
    assert_eq!(r1.amount_minor, 1_50_000_00);
    assert_eq!(r1.reference.as_deref(), Some("Cheque 004512"));
    assert_eq!(r1.cancelled, None);
    assert_eq!(d.receipt(&p2).unwrap().number, "A-2/2026-27");
    assert_eq!(
        d.receipt(&p3).unwrap().number,
        "A-1/2027-28",
        "a new financial year starts at 1"
    );
    assert_eq!(
        d.receipt(&p1).unwrap().number,
        "A-1/2026-27",
        "printed again, same number"
    );

    // Voided: prints as cancelled with its number; the number is not given again.
    d.void_fee(&case, &p2, "Cheque bounced").unwrap();
    let cancelled = d.receipt(&p2).unwrap();
    assert_eq!(cancelled.number, "A-2/2026-27");
    assert_eq!(cancelled.cancelled.as_deref(), Some("Cheque bounced"));
    let p4 = d
        .add_fee(&case, fee(FeeKind::Received, 20_000, ymd(2026, 6, 1)))
        .unwrap();
    assert_eq!(d.receipt(&p4).unwrap().number, "A-3/2026-27");
    // A payment voided before any receipt gets none.
    let p5 = d.add_fee(&case, fee(FeeKind::Received, 100, ymd(2026, 6, 2))).unwrap();
    d.void_fee(&case, &p5, "Entered twice").unwrap();
    assert_eq!(d.receipt(&p5).unwrap_err().code(), "not_a_payment");

    // Even if the record of a number were lost, this laptop remembers it issued it.
    let history = d.history(&case).unwrap();
    assert!(history.iter().any(|h| h.message.contains("Receipt A-3/2026-27 issued")));
    d.undo().unwrap();
    let p6 = d.add_fee(&case, fee(FeeKind::Received, 700, ymd(2026, 6, 3))).unwrap();
    assert_eq!(
        d.receipt(&p6).unwrap().number,
        "A-4/2026-27",
        "an undone receipt's number is not reused"
    );
}

#[test]
fn the_timer_survives_closing_the_diary() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (_, case) = seed(&mut d, "Pooja Malhotra", "CS(COMM) 55/2026", ymd(2026, 5, 4));
    let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap();
    assert_eq!(
        d.stop_timer(at("2026-12-06T11:00:00+05:30"), true).unwrap_err().code(),
        "no_timer"
    );
    let t = d
        .start_timer(
            &case,
            Some("Conference with client".into()),
            at("2026-12-06T23:50:00+05:30"),
        )
        .unwrap();
    assert_eq!(t.case_number, "CS(COMM) 55/2026");
    let again = d.start_timer(&case, None, at("2026-12-06T23:55:00+05:30")).unwrap_err();
    assert_eq!(again.code(), "timer_running");
    drop(d);

    let mut d = open(tmp.path());
    let running = d
        .running_timer()
        .unwrap()
        .expect("the timer is still running after reopening");
    assert_eq!(running.started_at, "2026-12-06T23:50:00+05:30");
    // Across midnight: dated by the day the work started.
    let stopped = d.stop_timer(at("2026-12-07T00:35:30+05:30"), true).unwrap();
    assert_eq!(stopped.minutes, 46);
    assert!(d.running_timer().unwrap().is_none());
    let rows = d.time_entries(Some(&case)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].date, "2026-12-06");
    assert_eq!(rows[0].note.as_deref(), Some("Conference with client"));

    // A timer forgotten over a weekend is refused and kept, to be discarded.
    d.start_timer(&case, None, at("2026-12-11T18:00:00+05:30")).unwrap();
    let err = d.stop_timer(at("2026-12-14T10:00:00+05:30"), true).unwrap_err();
    assert_eq!(err.code(), "invalid_duration");
    assert!(d.running_timer().unwrap().is_some());
    d.discard_timer().unwrap();
    assert_eq!(d.time_entries(Some(&case)).unwrap().len(), 1);
}
