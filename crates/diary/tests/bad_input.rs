//! Bad input at the library boundary: each gets its own typed error and the
//! diary (documents, outbox and projection) is exactly as it was.

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use nextdate_diary::{
    CaseEdit, Diary, FeeKind, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, Party, RecordHearing,
};

fn expect_unchanged(d: &mut Diary, code: &str, f: impl FnOnce(&mut Diary) -> nextdate_diary::Result<String>) {
    let before = state(d);
    let err = f(d).err().unwrap_or_else(|| panic!("expected {code}"));
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(state(d), before, "a refused change ({code}) wrote something");
}

#[test]
fn every_bad_input_is_refused_with_its_own_error() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let t = today();
    let (client, case) = seed(&mut d, "Pooja Malhotra", "CS(COMM) 55/2026", t);
    let unknown = "01JZZZZZZZZZZZZZZZZZZZZZZZ".to_string();
    let case_with = |title: &str, number: &str, court: &str| NewCase {
        title: title.into(),
        number: number.into(),
        court: court.into(),
        ..Default::default()
    };

    expect_unchanged(&mut d, "empty_field", |d| {
        d.add_case(case_with("  ", "X 1/2026", "Saket"))
    });
    expect_unchanged(&mut d, "empty_field", |d| d.add_case(case_with("A v. B", "", "Saket")));
    expect_unchanged(&mut d, "empty_field", |d| {
        d.add_case(case_with("A v. B", "X 1/2026", ""))
    });
    expect_unchanged(&mut d, "empty_field", |d| {
        d.add_client(NewClient {
            name: " ".into(),
            ..Default::default()
        })
    });
    expect_unchanged(&mut d, "invalid_email", |d| {
        d.add_client(NewClient {
            name: "A".into(),
            email: Some("not-an-email".into()),
            ..Default::default()
        })
    });
    expect_unchanged(&mut d, "duplicate_case_number", |d| {
        d.add_case(case_with("Other v. Other", "cs(comm)  55/2026", "Delhi High Court"))
    });
    expect_unchanged(&mut d, "unknown_id", |d| {
        d.add_case(NewCase {
            client_ids: vec![unknown.clone()],
            ..case_with("A v. B", "X 2/2026", "Saket")
        })
    });
    expect_unchanged(&mut d, "empty_field", |d| {
        d.add_case(NewCase {
            parties: vec![Party {
                name: "".into(),
                side: "petitioner".into(),
                counsel: None,
            }],
            ..case_with("A v. B", "X 3/2026", "Saket")
        })
    });
    let ancient = NaiveDate::from_ymd_opt(1700, 1, 1).unwrap();
    expect_unchanged(&mut d, "invalid_date", |d| {
        d.add_case(NewCase {
            next_date: Some(ancient),
            ..case_with("A v. B", "X 4/2026", "Saket")
        })
    });
    expect_unchanged(&mut d, "out_of_range", |d| {
        d.add_case(NewCase {
            next_date: Some(t),
            item: Some(-3),
            ..case_with("A v. B", "X 5/2026", "Saket")
        })
    });
    // The next-date workflow.
    let rec = |date: NaiveDate, next: NextStep| RecordHearing {
        non_effective: false,
        date,
        outcome: None,
        item: None,
        next,
        attended_by: None,
    };
    expect_unchanged(&mut d, "next_date_not_after", |d| {
        d.record_hearing(
            &case,
            rec(
                t,
                NextStep::Adjourned {
                    next_date: t,
                    purpose: None,
                },
            ),
        )
    });
    expect_unchanged(&mut d, "next_date_not_after", |d| {
        d.record_hearing(
            &case,
            rec(
                t,
                NextStep::Adjourned {
                    next_date: t - Duration::days(3),
                    purpose: None,
                },
            ),
        )
    });
    expect_unchanged(&mut d, "unknown_id", |d| {
        d.record_hearing(
            &unknown,
            rec(
                t,
                NextStep::Adjourned {
                    next_date: t + Duration::days(7),
                    purpose: None,
                },
            ),
        )
    });
    expect_unchanged(&mut d, "unknown_id", |d| {
        d.record_hearing(&client, rec(t, NextStep::Disposed))
    });
    // Fees.
    let fee = |amount_minor: i64, currency: &str| NewFee {
        kind: FeeKind::Received,
        amount_minor,
        currency: Some(currency.into()),
        date: t,
        mode: None,
        remark: None,
    };
    expect_unchanged(&mut d, "invalid_amount", |d| d.add_fee(&case, fee(-500, "INR")));
    expect_unchanged(&mut d, "invalid_amount", |d| d.add_fee(&case, fee(0, "INR")));
    expect_unchanged(&mut d, "invalid_currency", |d| d.add_fee(&case, fee(100, "rupees")));
    expect_unchanged(&mut d, "unknown_id", |d| d.add_fee(&unknown, fee(100, "INR")));
    // Tasks and notes.
    expect_unchanged(&mut d, "empty_field", |d| {
        d.add_task(
            &case,
            NewTask {
                title: "".into(),
                ..Default::default()
            },
        )
    });
    expect_unchanged(&mut d, "unknown_id", |d| {
        d.complete_task(&unknown).map(|_| String::new())
    });
    expect_unchanged(&mut d, "empty_field", |d| {
        d.add_note(
            &case,
            NewNote {
                text: "\n ".into(),
                client_visible: false,
            },
        )
    });
    // Edits.
    expect_unchanged(&mut d, "empty_field", |d| {
        d.edit_case(
            &case,
            CaseEdit {
                title: Some(" ".into()),
                ..Default::default()
            },
        )
        .map(|_| String::new())
    });
    expect_unchanged(&mut d, "unknown_id", |d| {
        d.edit_case(
            &unknown,
            CaseEdit {
                title: Some("T".into()),
                ..Default::default()
            },
        )
        .map(|_| String::new())
    });
    // A task done twice, and a disposed case recorded again.
    let task = d
        .add_task(
            &case,
            NewTask {
                title: "File reply".into(),
                ..Default::default()
            },
        )
        .unwrap();
    d.complete_task(&task).unwrap();
    expect_unchanged(&mut d, "already_done", |d| {
        d.complete_task(&task).map(|_| String::new())
    });
    d.record_hearing(&case, rec(t, NextStep::Disposed)).unwrap();
    expect_unchanged(&mut d, "not_pending", |d| {
        d.record_hearing(
            &case,
            rec(
                t + Duration::days(1),
                NextStep::Adjourned {
                    next_date: t + Duration::days(9),
                    purpose: None,
                },
            ),
        )
    });
}

#[test]
fn recording_a_hearing_moves_the_case_to_its_next_date_and_keeps_history() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let t = today();
    let (_, case) = seed(&mut d, "Sanjay Reddy", "CRL.M.C. 310/2026", t);
    assert_eq!(d.board(t).unwrap().len(), 1);
    let next = t + Duration::days(14);
    d.record_hearing(
        &case,
        RecordHearing {
            non_effective: false,
            date: t,
            outcome: Some("Adjourned at the request of the respondent".into()),
            item: Some(7),
            next: NextStep::Adjourned {
                next_date: next,
                purpose: Some("Final arguments".into()),
            },
            attended_by: None,
        },
    )
    .unwrap();
    // Today's board still lists the hearing, now with its outcome; the next date has the case.
    let today_board = d.board(t).unwrap();
    let h = &today_board.courts[0].hearings[0];
    assert_eq!(h.outcome.as_deref(), Some("Adjourned at the request of the respondent"));
    assert_eq!(h.next_date.as_deref(), Some(next.to_string().as_str()));
    let next_board = d.board(next).unwrap();
    assert_eq!(next_board.len(), 1);
    let n = &next_board.courts[0].hearings[0];
    assert_eq!(n.case_id, case);
    assert_eq!(n.purpose.as_deref(), Some("Final arguments"));
    assert_eq!(n.previous_date.as_deref(), Some(t.to_string().as_str()));
    assert!(d.undated(t).unwrap().is_empty());
    // Disposal: no longer pending, no longer undated, the adjournment stays in history.
    d.record_hearing(
        &case,
        RecordHearing {
            non_effective: false,
            date: next,
            outcome: Some("Allowed".into()),
            item: None,
            next: NextStep::Disposed,
            attended_by: None,
        },
    )
    .unwrap();
    let detail = d.case_detail(&case).unwrap();
    assert_eq!(detail.summary.status, "disposed");
    assert_eq!(detail.hearings.len(), 2);
    assert!(detail.hearings[1].disposed);
    let history = d.history(&case).unwrap();
    assert_eq!(history.len(), 3, "{history:?}");
    assert!(history[1]
        .message
        .contains("Adjourned at the request of the respondent"));
    assert!(history[2].message.contains("disposed"));
    assert_eq!(history[0].who, "Adv. Test");
}

#[test]
fn a_pending_case_without_a_future_date_is_undated() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let t = today();
    let (_, past) = seed(&mut d, "Aditya Nair", "O.S. 88/2025", t - Duration::days(10));
    let (_, future) = seed(&mut d, "Lakshmi Menon", "O.S. 89/2025", t + Duration::days(10));
    let none = d
        .add_case(NewCase {
            title: "Q v. R".into(),
            number: "O.S. 90/2025".into(),
            court: "Saket".into(),
            ..Default::default()
        })
        .unwrap();
    let undated: Vec<String> = d.undated(t).unwrap().into_iter().map(|c| c.id).collect();
    assert!(
        undated.contains(&past) && undated.contains(&none) && !undated.contains(&future),
        "{undated:?}"
    );

    // Today's preview: every undated case counted, the latest heard first, the never heard last.
    let (_, recent) = seed(&mut d, "Meera Iyer", "O.S. 91/2025", t - Duration::days(3));
    let ids = |p: &nextdate_diary::UndatedPreview| p.recent.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    let two = d.undated_preview(t, 2).unwrap();
    assert_eq!(two.total, 3);
    assert_eq!(ids(&two), [recent.clone(), past.clone()]);
    let all = d.undated_preview(t, 10).unwrap();
    assert_eq!(ids(&all), [recent, past, none]);
    assert_eq!(
        d.undated_preview(t - Duration::days(20), 10).unwrap().total,
        1,
        "only the never heard"
    );
}
