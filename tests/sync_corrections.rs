//! The merge rules of docs/merging.md, each checked through a real relay
//! process with real diaries: corrections made offline on two laptops, then
//! synced, give the same diary on both, as the rules say.

#[path = "support/chamber.rs"]
mod support_chamber;
#[path = "support/relay.rs"]
mod support_relay;

use chrono::{Duration, Local, NaiveDate};
use nextdate_diary::case_status::CaseStatus;
use nextdate_diary::records::{HearingEdit, StatusChange};
use nextdate_diary::{projection, CaseEdit, Diary, NewCase, NextStep, RecordHearing};
use nextdate_sync::engine;
use support_chamber::chamber;
use support_relay::*;

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// Both laptops sync until neither has anything left to send or receive.
fn settle(devices: &mut [Diary]) {
    for _ in 0..3 {
        for d in devices.iter_mut() {
            engine::sync_now(d).unwrap();
        }
    }
}

fn assert_same(devices: &[Diary]) {
    let heads: Vec<_> = devices.iter().map(|d| d.doc_heads().unwrap()).collect();
    assert_eq!(heads[0], heads[1], "the two laptops hold different documents");
    assert_eq!(
        projection::dump(devices[0].conn()).unwrap(),
        projection::dump(devices[1].conn()).unwrap(),
        "the two laptops show different diaries"
    );
}

/// A two-laptop chamber with one case listed on `listed`, known to both.
fn two_laptops_and_a_case(root: &std::path::Path, relay: &RelayProc, listed: NaiveDate) -> (Vec<Diary>, String) {
    let mut devices = chamber(root, relay, 2);
    let case = devices[0]
        .add_case(NewCase {
            title: "Iyer v. Union of India".into(),
            number: "W.P.(C) 4410/2026".into(),
            court: "Delhi High Court".into(),
            next_date: Some(listed),
            purpose: Some("Admission".into()),
            ..Default::default()
        })
        .unwrap();
    settle(&mut devices);
    (devices, case)
}

fn hearing_on(d: &Diary, case: &str, date: NaiveDate) -> String {
    let iso = date.format("%Y-%m-%d").to_string();
    d.case_doc(case)
        .unwrap()
        .hearings
        .into_iter()
        .find(|(_, h)| h.date == iso)
        .map(|(id, _)| id)
        .expect("a hearing on that date")
}

#[test]
fn a_record_removed_on_one_laptop_and_edited_on_another_stays_removed_with_the_edit() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let listed = today() + Duration::days(9);
    let (mut devices, case) = two_laptops_and_a_case(root.path(), &relay, listed);
    let hearing = hearing_on(&devices[0], &case, listed);

    // Offline: the senior removes the listing, the clerk corrects its item number.
    devices[0].remove_hearing(&case, &hearing).unwrap();
    devices[1]
        .edit_hearing(
            &case,
            &hearing,
            HearingEdit {
                item: Some(Some(31)),
                ..Default::default()
            },
        )
        .unwrap();
    settle(&mut devices);
    assert_same(&devices);
    for d in &devices {
        assert!(d.board(listed).unwrap().is_empty(), "the removal stands");
        let h = &d.case_doc(&case).unwrap().hearings[&hearing];
        assert!(h.removed_at.is_some());
        assert_eq!(h.item, Some(31), "the clerk's correction is kept on the removed record");
    }

    // Undoing the removal brings the listing back, with the clerk's item number, everywhere.
    devices[0].undo().unwrap();
    settle(&mut devices);
    assert_same(&devices);
    for d in &devices {
        let board = d.board(listed).unwrap();
        assert_eq!(board.len(), 1);
        assert_eq!(board.courts[0].hearings[0].item, Some(31));
    }
}

#[test]
fn the_same_field_corrected_on_two_laptops_ends_the_same_on_both_and_the_history_has_both() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let (mut devices, case) = two_laptops_and_a_case(root.path(), &relay, today() + Duration::days(4));

    for (d, stage) in devices.iter_mut().zip(["Evidence", "Final arguments"]) {
        d.edit_case(
            &case,
            CaseEdit {
                stage: Some(Some(stage.into())),
                ..Default::default()
            },
        )
        .unwrap();
    }
    settle(&mut devices);
    assert_same(&devices);
    let stage = devices[0].case_detail(&case).unwrap().summary.stage;
    assert!(
        matches!(stage.as_deref(), Some("Evidence") | Some("Final arguments")),
        "{stage:?}"
    );
    for d in &devices {
        let messages: Vec<String> = d.history(&case).unwrap().into_iter().map(|h| h.message).collect();
        for stage in ["Evidence", "Final arguments"] {
            assert!(
                messages.iter().any(|m| m.contains(stage)),
                "the history lists the correction to {stage}: {messages:?}"
            );
        }
    }
}

#[test]
fn undo_leaves_alone_a_field_another_laptop_corrected_since() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let (mut devices, case) = two_laptops_and_a_case(root.path(), &relay, today() + Duration::days(4));

    // The senior sets the stage and the bench; the junior, after syncing, corrects the stage again.
    devices[0]
        .edit_case(
            &case,
            CaseEdit {
                stage: Some(Some("Evidence".into())),
                bench: Some(Some("Court No. 12".into())),
                ..Default::default()
            },
        )
        .unwrap();
    settle(&mut devices);
    devices[1]
        .edit_case(
            &case,
            CaseEdit {
                stage: Some(Some("Arguments".into())),
                ..Default::default()
            },
        )
        .unwrap();
    settle(&mut devices);

    // The senior's undo takes back the bench, not the junior's later stage.
    devices[0].undo().unwrap();
    settle(&mut devices);
    assert_same(&devices);
    for d in &devices {
        let detail = d.case_detail(&case).unwrap();
        assert_eq!(detail.summary.stage.as_deref(), Some("Arguments"));
        assert_eq!(detail.bench, None);
    }
}

#[test]
fn a_disposal_and_an_offline_adjournment_both_stand() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let listed = today() + Duration::days(2);
    let (mut devices, case) = two_laptops_and_a_case(root.path(), &relay, listed);
    let next = listed + Duration::days(21);

    devices[0]
        .change_case_status(
            &case,
            StatusChange {
                to: CaseStatus::Disposed,
                date: Some(today()),
                remark: Some("Settled between the parties".into()),
                court: None,
            },
        )
        .unwrap();
    devices[1]
        .record_hearing(
            &case,
            RecordHearing {
                non_effective: false,
                date: listed,
                outcome: Some("Adjourned at the request of the respondent".into()),
                item: Some(4),
                next: NextStep::Adjourned {
                    next_date: next,
                    purpose: Some("Arguments".into()),
                },
                attended_by: None,
            },
        )
        .unwrap();
    settle(&mut devices);
    assert_same(&devices);
    for d in &devices {
        let board = d.board(next).unwrap();
        assert_eq!(board.len(), 1, "the clerk's listing still appears on its date");
        assert_eq!(
            board.courts[0].hearings[0].status, "disposed",
            "marked with the case's status"
        );
    }
}

#[test]
fn an_undated_case_listed_on_two_dates_offline_is_on_both_boards() {
    let root = tempfile::tempdir().unwrap();
    let relay = RelayProc::start(
        &root.path().join("relay"),
        &root.path().join("relay.log"),
        "127.0.0.1:0",
    );
    let mut devices = chamber(root.path(), &relay, 2);
    let case = devices[0]
        .add_case(NewCase {
            title: "Rao v. Rao".into(),
            number: "HMA 17/2026".into(),
            court: "Saket District Courts".into(),
            ..Default::default()
        })
        .unwrap();
    settle(&mut devices);
    let (first, second) = (today() + Duration::days(6), today() + Duration::days(13));
    devices[0]
        .list_case(&case, first, Some("Mediation".into()), None)
        .unwrap();
    devices[1]
        .list_case(&case, second, Some("Evidence".into()), None)
        .unwrap();
    settle(&mut devices);
    assert_same(&devices);
    for d in &devices {
        assert_eq!(d.board(first).unwrap().len(), 1);
        assert_eq!(d.board(second).unwrap().len(), 1);
        // Listing a case invents no hearing: nothing on the case is recorded.
        let doc = d.case_doc(&case).unwrap();
        assert!(doc
            .hearings
            .values()
            .all(|h| h.outcome.is_none() && h.recorded_at.is_none()));
    }
}
