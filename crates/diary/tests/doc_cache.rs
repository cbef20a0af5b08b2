//! Documents kept loaded between changes (`doc_cache`), the chamber as last
//! read, and a second connection to the diary (`open_again`): a change made
//! elsewhere (another connection to the same file, as when the CLI runs beside
//! the app, or the app's background sync) or a change that rolled back is
//! never built upon, and the projection stays equal to a rebuild.

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use nextdate_diary::{CaseEdit, Diary, DiaryError, NextStep, RecordHearing};

fn adjourn(d: &mut Diary, case: &str, date: NaiveDate, days: i64) {
    d.record_hearing(
        case,
        RecordHearing {
            date,
            outcome: Some(format!("Adjourned by {days} days")),
            item: None,
            next: NextStep::Adjourned {
                next_date: date + Duration::days(days),
                purpose: None,
            },
            attended_by: None,
            non_effective: false,
        },
    )
    .unwrap();
}

fn assert_projection_is_a_rebuild(d: &mut Diary) {
    let before = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(nextdate_diary::projection::dump(d.conn()).unwrap(), before);
}

fn hearing_dates(d: &Diary, case: &str) -> Vec<String> {
    d.case_detail(case)
        .unwrap()
        .hearings
        .into_iter()
        .map(|h| h.date)
        .collect()
}

#[test]
fn a_change_from_another_connection_is_built_upon() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _) = passphrase_diary(dir.path());
    let first = today() + Duration::days(3);
    let (_, case) = seed(&mut a, "Rajesh Sharma", "W.P.(C) 1234/2026", first);
    // A keeps the case loaded after its change...
    adjourn(&mut a, &case, first, 7);
    // ...then another connection to the same file changes it twice.
    let mut b = open(dir.path());
    b.edit_case(
        &case,
        CaseEdit {
            title: Some("Rajesh Sharma v. Union of India".into()),
            ..Default::default()
        },
    )
    .unwrap();
    adjourn(&mut b, &case, first + Duration::days(7), 14);
    drop(b);
    // A's next change starts from what is stored, not from what it kept.
    adjourn(&mut a, &case, first + Duration::days(21), 28);
    let detail = a.case_detail(&case).unwrap();
    assert_eq!(detail.summary.title, "Rajesh Sharma v. Union of India");
    let last = (first + Duration::days(49)).to_string();
    assert!(
        hearing_dates(&a, &case).contains(&last),
        "{:?}",
        hearing_dates(&a, &case)
    );
    assert_eq!(detail.summary.latest_date.as_deref(), Some(last.as_str()));
    assert_projection_is_a_rebuild(&mut a);
}

#[test]
fn a_change_that_rolled_back_is_not_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(dir.path());
    let first = today() + Duration::days(3);
    let (_, case) = seed(&mut d, "Meena Iyer", "CS(OS) 77/2026", first);
    adjourn(&mut d, &case, first, 7);
    let before = hearing_dates(&d, &case);
    let err = d
        .write(|w| {
            w.record_hearing(
                &case,
                RecordHearing {
                    date: first + Duration::days(7),
                    outcome: Some("Rolled back".into()),
                    item: None,
                    next: NextStep::Adjourned {
                        next_date: first + Duration::days(30),
                        purpose: None,
                    },
                    attended_by: None,
                    non_effective: false,
                },
            )?;
            Err::<(), _>(DiaryError::Document("stop here".into()))
        })
        .unwrap_err();
    assert!(err.to_string().contains("stop here"));
    assert_eq!(hearing_dates(&d, &case), before);
    // The next change is made on the stored case, without the rolled-back hearing.
    d.edit_case(
        &case,
        CaseEdit {
            stage: Some(Some("Evidence".into())),
            ..Default::default()
        },
    )
    .unwrap();
    let stored = nextdate_diary::store::load_doc(d.conn(), &case).unwrap();
    let value: nextdate_diary::model::CaseDoc = autosurgeon::hydrate(&stored).unwrap();
    assert!(
        value
            .hearings
            .values()
            .all(|h| h.outcome.as_deref() != Some("Rolled back")),
        "the rolled-back hearing came back"
    );
    assert_eq!(hearing_dates(&d, &case), before);
    assert_projection_is_a_rebuild(&mut d);
}

#[test]
fn fifty_entries_on_one_case_in_one_transaction_are_all_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(dir.path());
    let first = today() + Duration::days(3);
    let (_, case) = seed(&mut d, "Anil Kapoor", "CRL.A. 5/2026", first);
    d.write(|w| {
        for i in 0..50 {
            w.add_fee(
                &case,
                nextdate_diary::NewFee {
                    kind: nextdate_diary::FeeKind::Expense,
                    amount_minor: 1_000 + i,
                    currency: None,
                    date: first,
                    mode: None,
                    remark: Some(format!("Entry {i}")),
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(d.case_detail(&case).unwrap().fees.len(), 50);
    assert_projection_is_a_rebuild(&mut d);
}

#[test]
fn the_chamber_renamed_elsewhere_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = passphrase_diary(dir.path());
    assert_eq!(a.chamber().unwrap().name, "Test Chambers");
    let mut b = open(dir.path());
    b.set_names("Iyer & Associates", "Adv. Test").unwrap();
    drop(b);
    assert_eq!(a.chamber().unwrap().name, "Iyer & Associates");
}

#[test]
fn a_second_connection_sees_the_first_and_takes_up_a_chamber_it_joined() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, _) = passphrase_diary(dir.path());
    let mut b = a.open_again().unwrap();
    let first = today() + Duration::days(3);
    let (_, case) = seed(&mut a, "Sunita Rao", "MAC 9/2026", first);
    assert_eq!(hearing_dates(&b, &case), hearing_dates(&a, &case));
    a.adopt_chamber("01JOINEDCHAMBER").unwrap();
    assert_ne!(b.chamber_id(), "01JOINEDCHAMBER");
    assert!(b.refresh_identity().unwrap());
    assert_eq!(b.chamber_id(), "01JOINEDCHAMBER");
    assert!(!b.refresh_identity().unwrap(), "nothing more changed");
}
