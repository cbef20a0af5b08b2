//! Undo on a real encrypted diary: each undo is a new change that puts back
//! the previous values, walks back one action at a time, survives reopening,
//! and leaves the projection equal to a rebuild.

mod common;

use chrono::Duration;
use common::*;
use nextdate_diary::queries::CaseFilter;
use nextdate_diary::{CaseEdit, Diary, ErrorCode, FeeKind, NextStep, RecordHearing};

fn title_of(d: &Diary, case_id: &str) -> String {
    d.case_detail(case_id).unwrap().summary.title
}

fn assert_projection_is_a_rebuild(d: &mut Diary) {
    let before = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(nextdate_diary::projection::dump(d.conn()).unwrap(), before);
}

#[test]
fn undo_puts_back_the_previous_values_as_a_new_change() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(dir.path());
    let next = today() + Duration::days(10);
    let (_, case_id) = seed(&mut d, "Rajesh Sharma", "W.P.(C) 1234/2026", next);
    d.edit_case(
        &case_id,
        CaseEdit {
            title: Some("Wrong title".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(title_of(&d, &case_id), "Wrong title");
    let outbox_before: i64 = d
        .conn()
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();

    let edit = "Title changed from Rajesh Sharma v. State to Wrong title";
    assert_eq!(d.undo_preview().unwrap().as_deref(), Some(edit));
    let undone = d.undo().unwrap();
    assert!(undone.restored);
    assert_eq!(undone.messages, vec![edit.to_string()]);
    assert_eq!(undone.doc_ids, vec![case_id.clone()]);
    assert_eq!(title_of(&d, &case_id), "Rajesh Sharma v. State");

    // The undo is a change of its own: queued for the chamber and in the history.
    let outbox_after: i64 = d
        .conn()
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();
    assert_eq!(outbox_after, outbox_before + 1);
    let history = d.history(&case_id).unwrap();
    assert_eq!(history.last().unwrap().message, format!("Undid: {edit}"));
    assert_projection_is_a_rebuild(&mut d);
}

#[test]
fn undo_walks_back_one_action_at_a_time_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(dir.path());
    let next = today() + Duration::days(3);
    let (_, case_id) = seed(&mut d, "Meera Iyer", "CS 77/2026", next);
    d.record_hearing(
        &case_id,
        RecordHearing {
            non_effective: false,
            date: next,
            outcome: Some("Arguments heard in part".into()),
            item: None,
            next: NextStep::Adjourned {
                next_date: next + Duration::days(14),
                purpose: Some("Further arguments".into()),
            },
            attended_by: None,
        },
    )
    .unwrap();
    d.add_fee(
        &case_id,
        nextdate_diary::records::NewFee {
            kind: FeeKind::Received,
            amount_minor: 500_000,
            currency: None,
            date: today(),
            mode: Some("UPI".into()),
            remark: None,
        },
    )
    .unwrap();
    assert_eq!(d.board(next + Duration::days(14)).unwrap().len(), 1);
    drop(d);

    let mut d = open(dir.path());
    // First undo: the fee.
    let undone = d.undo().unwrap();
    assert!(
        undone.messages[0].starts_with("Fee of ₹5,000 received"),
        "{:?}",
        undone.messages
    );
    let fees: i64 = d
        .conn()
        .query_row("SELECT count(*) FROM fees", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fees, 0);
    // Second: the hearing's record and the listing it created.
    let undone = d.undo().unwrap();
    assert!(undone.messages[0].starts_with("Hearing of"), "{:?}", undone.messages);
    assert!(d.board(next + Duration::days(14)).unwrap().is_empty());
    let board = d.board(next).unwrap();
    assert_eq!(board.len(), 1);
    assert_eq!(board.courts[0].hearings[0].outcome, None);
    // Third: the case itself was opened on this laptop, so undo removes it.
    d.undo().unwrap();
    assert!(d.cases(&CaseFilter::default()).unwrap().is_empty());
    assert!(d.board(next).unwrap().is_empty());
    assert_projection_is_a_rebuild(&mut d);
    // Fourth: the client.
    d.undo().unwrap();
    assert!(d.clients().unwrap().is_empty());
    // Creating the diary is not undone.
    assert_eq!(d.undo().unwrap_err().code(), ErrorCode::NothingToUndo);
    assert_eq!(d.undo_preview().unwrap(), None);
    assert_projection_is_a_rebuild(&mut d);
}

#[test]
fn an_undone_case_takes_no_further_changes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(dir.path());
    let (_, case_id) = seed(&mut d, "Anil Kapoor", "CRL.A. 9/2026", today() + Duration::days(5));
    d.undo().unwrap();
    let before = state(&d);
    let day = today() + Duration::days(5);
    let err = d
        .record_hearing(
            &case_id,
            RecordHearing {
                non_effective: false,
                date: day,
                outcome: Some("Heard".into()),
                item: None,
                next: NextStep::Adjourned {
                    next_date: day + Duration::days(7),
                    purpose: None,
                },
                attended_by: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyRemoved);
    assert_eq!(state(&d), before, "a refused change writes nothing");
}

#[test]
fn a_failed_change_leaves_nothing_to_undo() {
    let dir = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(dir.path());
    let err = d
        .add_case(nextdate_diary::NewCase {
            title: " ".into(),
            number: "X 1/2026".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::EmptyField);
    assert_eq!(d.undo().unwrap_err().code(), ErrorCode::NothingToUndo);
}
