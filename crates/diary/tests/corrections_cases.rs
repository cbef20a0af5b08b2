//! Correcting cases: every field of a case (parties with their counsel,
//! clients, assigned members) and its status changes (disposed, reopened,
//! transferred, stayed); each bad input is refused with its own error and
//! leaves the diary exactly as it was. Clients are in `corrections_clients.rs`.

mod common;

use chrono::Duration;
use common::*;
use nextdate_diary::dates::format_dmy;
use nextdate_diary::{
    CaseEdit, CaseFilter, CaseStatus, Diary, NewCase, NewClient, NextStep, Party, RecordHearing, StatusChange,
};

const UNKNOWN: &str = "01JZZZZZZZZZZZZZZZZZZZZZZZ";

/// `f` fails with `code` and the diary (documents, outbox, projection) is unchanged.
fn refused<T: std::fmt::Debug>(
    d: &mut Diary,
    code: &str,
    f: impl FnOnce(&mut Diary) -> nextdate_diary::Result<T>,
) -> String {
    let before = state(d);
    let err = f(d).expect_err(&format!("expected {code}"));
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(state(d), before, "a refused change ({code}) wrote something");
    err.to_string()
}

fn status(to: CaseStatus, on: chrono::NaiveDate) -> StatusChange {
    StatusChange {
        to,
        date: Some(on),
        remark: None,
        court: None,
    }
}

/// A hearing on `date` adjourned to `next`.
fn adjourned(date: chrono::NaiveDate, next: chrono::NaiveDate) -> RecordHearing {
    RecordHearing {
        non_effective: false,
        date,
        outcome: Some("Adjourned".into()),
        item: None,
        next: NextStep::Adjourned {
            next_date: next,
            purpose: None,
        },
        attended_by: None,
    }
}

#[test]
fn every_field_of_a_case_can_be_corrected_with_the_old_and_new_values_in_the_history() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, case) = seed(&mut d, "Sunita Devi", "CS 4/2026", today() + Duration::days(5));
    let second = d
        .add_client(NewClient {
            name: "Anil Kapoor".into(),
            ..Default::default()
        })
        .unwrap();
    let me = d.member_id().to_string();

    let ch = d
        .edit_case(
            &case,
            CaseEdit {
                court: Some("Saket District Court".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        "Court changed from Delhi High Court to Saket District Court"
    );
    let ch = d
        .edit_case(
            &case,
            CaseEdit {
                court: Some("Tis Hazari Court".into()),
                stage: Some(Some("Evidence".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        "Court changed from Saket District Court to Tis Hazari Court; stage set to Evidence"
    );
    assert_eq!(d.history(&case).unwrap().last().unwrap().message, ch.message);

    let ch = d
        .edit_case(
            &case,
            CaseEdit {
                title: Some("Sunita Devi v. State of NCT".into()),
                number: Some("CS 44/2026".into()),
                cnr: Some(Some("dlct010044442026".into())),
                bench: Some(Some("Court No. 12".into())),
                case_type: Some(Some("Civil Suit".into())),
                stage: Some(None),
                parties: Some(vec![
                    Party {
                        name: "Sunita Devi".into(),
                        side: "Plaintiff".into(),
                        counsel: Some("Adv. R. Mehta".into()),
                    },
                    Party {
                        name: "State (NCT of Delhi)".into(),
                        side: "defendant".into(),
                        counsel: None,
                    },
                ]),
                client_ids: Some(vec![second.clone(), client.clone(), second.clone()]),
                assigned: Some(vec![me.clone()]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        "Title changed from Sunita Devi v. State to Sunita Devi v. State of NCT; number changed from CS 4/2026 \
         to CS 44/2026; bench set to Court No. 12; CNR changed from DLHC010098762031 to DLCT010044442026; \
         case type set to Civil Suit; stage cleared (was Evidence); parties changed from Sunita Devi \
         (petitioner), State (NCT of Delhi) (respondent) to Sunita Devi (plaintiff, counsel Adv. R. Mehta), \
         State (NCT of Delhi) (defendant); clients changed from Sunita Devi to Anil Kapoor, Sunita Devi"
    );
    let page = d.case_detail(&case).unwrap();
    assert_eq!(page.summary.title, "Sunita Devi v. State of NCT");
    assert_eq!(page.summary.number, "CS 44/2026");
    assert_eq!(page.summary.court, "Tis Hazari Court");
    assert_eq!(page.summary.cnr.as_deref(), Some("DLCT010044442026"));
    assert_eq!(page.summary.stage, None);
    assert_eq!(page.bench.as_deref(), Some("Court No. 12"));
    assert_eq!(page.case_type.as_deref(), Some("Civil Suit"));
    assert_eq!(page.parties[0].counsel.as_deref(), Some("Adv. R. Mehta"));
    assert_eq!(page.clients.len(), 2, "each client once");
    assert_eq!(
        page.assigned.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        [me.as_str()]
    );

    // Later edits keep the counsel; the case keeps its hearing and is found by its new number.
    d.edit_case(
        &case,
        CaseEdit {
            bench: Some(None),
            ..Default::default()
        },
    )
    .unwrap();
    let page = d.case_detail(&case).unwrap();
    assert_eq!(page.parties[0].counsel.as_deref(), Some("Adv. R. Mehta"));
    assert_eq!(page.hearings.len(), 1);
    assert_eq!(d.search("44/2026", 5).unwrap()[0].id, case);
    assert_eq!(
        d.board(today() + Duration::days(5)).unwrap().courts[0].court,
        "Tis Hazari Court"
    );

    // The same values again: nothing written.
    let before = state(&d);
    let ch = d
        .edit_case(
            &case,
            CaseEdit {
                court: Some("Tis Hazari Court".into()),
                assigned: Some(vec![me]),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(ch.is_empty());
    assert_eq!(state(&d), before);
}

#[test]
fn bad_case_corrections_are_refused_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (_, case) = seed(&mut d, "Pooja Malhotra", "CS 5/2026", today());
    seed(&mut d, "Anil Kapoor", "CS 6/2026", today());
    let edit = |e: CaseEdit| {
        let case = case.clone();
        move |d: &mut Diary| d.edit_case(&case, e)
    };
    let title = CaseEdit {
        title: Some("T".into()),
        ..Default::default()
    };
    refused(&mut d, "unknown_id", |d| d.edit_case(UNKNOWN, title.clone()));
    refused(&mut d, "nothing_to_change", edit(CaseEdit::default()));
    refused(
        &mut d,
        "empty_field",
        edit(CaseEdit {
            title: Some("  ".into()),
            ..Default::default()
        }),
    );
    refused(
        &mut d,
        "empty_field",
        edit(CaseEdit {
            court: Some("".into()),
            ..Default::default()
        }),
    );
    refused(
        &mut d,
        "duplicate_case_number",
        edit(CaseEdit {
            number: Some("cs  6/2026".into()),
            ..Default::default()
        }),
    );
    refused(
        &mut d,
        "empty_field",
        edit(CaseEdit {
            parties: Some(vec![Party {
                name: "A".into(),
                side: " ".into(),
                counsel: None,
            }]),
            ..Default::default()
        }),
    );
    refused(
        &mut d,
        "unknown_id",
        edit(CaseEdit {
            client_ids: Some(vec![UNKNOWN.into()]),
            ..Default::default()
        }),
    );
    let msg = refused(
        &mut d,
        "unknown_id",
        edit(CaseEdit {
            assigned: Some(vec![UNKNOWN.into()]),
            ..Default::default()
        }),
    );
    assert_eq!(msg, format!("no member with id {UNKNOWN}"));
    refused(
        &mut d,
        "empty_field",
        edit(CaseEdit {
            assigned: Some(vec![]),
            ..Default::default()
        }),
    );
    assert_eq!(d.case_detail(&case).unwrap().summary.title, "Pooja Malhotra v. State");
}

#[test]
fn a_case_is_disposed_reopened_transferred_and_stayed_with_dates_and_remarks() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let t = today();
    let listed = t + Duration::days(10);
    let (_, case) = seed(&mut d, "Rajesh Sharma", "CS 7/2026", listed);
    let on = t - Duration::days(1);

    // Disposed of: the later listing no longer stands, and the case is not undated.
    let ch = d
        .change_case_status(
            &case,
            StatusChange {
                remark: Some("Settled in mediation".into()),
                ..status(CaseStatus::Disposed, on)
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        format!(
            "Disposed of on {}: Settled in mediation; the listing of {} no longer stands",
            format_dmy(on),
            format_dmy(listed)
        )
    );
    assert_eq!(d.history(&case).unwrap().last().unwrap().message, ch.message);
    let page = d.case_detail(&case).unwrap();
    assert_eq!(page.summary.status, "disposed");
    assert_eq!(page.status_date, Some(on.to_string()));
    assert_eq!(page.status_remark.as_deref(), Some("Settled in mediation"));
    assert!(page.hearings.is_empty());
    assert_eq!(page.removed.len(), 1);
    assert_eq!(page.removed[0].label, format!("hearing of {}", format_dmy(listed)));
    assert!(d.board(listed).unwrap().is_empty());
    assert!(d.undated(t).unwrap().is_empty());

    let msg = refused(&mut d, "bad_status_change", |d| {
        d.change_case_status(&case, status(CaseStatus::Disposed, t))
    });
    assert_eq!(msg, "case CS 7/2026 is already disposed");
    refused(&mut d, "unknown_id", |d| {
        d.change_case_status(UNKNOWN, status(CaseStatus::Disposed, t))
    });

    // Disposed of by mistake: back to pending, undated until it gets a date.
    let ch = d
        .change_case_status(
            &case,
            StatusChange {
                remark: Some("disposed by mistake".into()),
                ..status(CaseStatus::Pending, t)
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        format!("Reopened on {} (was disposed): disposed by mistake", format_dmy(t))
    );
    assert_eq!(d.undated(t).unwrap().len(), 1);
    let relisted = t + Duration::days(20);
    d.record_hearing(&case, adjourned(t, relisted)).unwrap();

    // Transferred: only with the court it goes to, and not where its number is taken.
    let msg = refused(&mut d, "bad_status_change", |d| {
        d.change_case_status(&case, status(CaseStatus::Transferred, t))
    });
    assert_eq!(msg, "a transfer needs the court case CS 7/2026 goes to");
    refused(&mut d, "bad_status_change", |d| {
        d.change_case_status(
            &case,
            StatusChange {
                court: Some(" ".into()),
                ..status(CaseStatus::Transferred, t)
            },
        )
    });
    refused(&mut d, "bad_status_change", |d| {
        d.change_case_status(
            &case,
            StatusChange {
                court: Some("Delhi High Court".into()),
                ..status(CaseStatus::Transferred, t)
            },
        )
    });
    refused(&mut d, "bad_status_change", |d| {
        d.change_case_status(
            &case,
            StatusChange {
                court: Some("Saket District Court".into()),
                ..status(CaseStatus::Disposed, t)
            },
        )
    });
    d.add_case(NewCase {
        title: "Other".into(),
        number: "CS 7/2026".into(),
        court: "Karkardooma Courts".into(),
        ..Default::default()
    })
    .unwrap();
    refused(&mut d, "duplicate_case_number", |d| {
        d.change_case_status(
            &case,
            StatusChange {
                court: Some("Karkardooma Courts".into()),
                ..status(CaseStatus::Transferred, t)
            },
        )
    });
    let ch = d
        .change_case_status(
            &case,
            StatusChange {
                court: Some("Saket District Court".into()),
                remark: Some("pecuniary jurisdiction".into()),
                ..status(CaseStatus::Transferred, t)
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        format!(
            "Transferred from Delhi High Court to Saket District Court on {}: pecuniary jurisdiction; \
             the listing of {} no longer stands",
            format_dmy(t),
            format_dmy(relisted)
        )
    );
    let fields: Vec<_> = ch.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["status", "status remark", "court", "listing"],
        "the status date stays {t}"
    );
    let page = d.case_detail(&case).unwrap();
    assert_eq!(
        (page.summary.status.as_str(), page.summary.court.as_str()),
        ("transferred", "Saket District Court")
    );
    assert_eq!(page.hearings.len(), 1, "the recorded hearing stays");

    // Stayed: keeps its listings and is not undated; lifting the stay makes it pending again.
    d.change_case_status(&case, status(CaseStatus::Pending, t)).unwrap();
    let listed = t + Duration::days(30);
    d.record_hearing(&case, adjourned(t, listed)).unwrap();
    let ch = d
        .change_case_status(
            &case,
            StatusChange {
                remark: Some("High Court stayed the proceedings".into()),
                ..status(CaseStatus::Stayed, t)
            },
        )
        .unwrap();
    assert_eq!(
        ch.message,
        format!("Stayed on {}: High Court stayed the proceedings", format_dmy(t))
    );
    assert_eq!(d.board(listed).unwrap().len(), 1, "a stayed case keeps its listing");
    assert!(d
        .undated(listed + Duration::days(1))
        .unwrap()
        .iter()
        .all(|c| c.id != case));
    let stayed = d
        .cases(&CaseFilter {
            status: Some("stayed".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(stayed.len(), 1);
    refused(&mut d, "bad_status_change", |d| {
        d.change_case_status(&case, status(CaseStatus::Stayed, t))
    });
    let ch = d.change_case_status(&case, status(CaseStatus::Pending, t)).unwrap();
    assert_eq!(ch.message, format!("Stay lifted on {}", format_dmy(t)));
    let page = d.case_detail(&case).unwrap();
    assert_eq!(page.status_remark, None, "the remark belongs to the last change");
    assert!(d
        .undated(listed + Duration::days(1))
        .unwrap()
        .iter()
        .any(|c| c.id == case));

    // The court still calls a stayed case: its hearing is recorded, and it stays stayed.
    d.change_case_status(&case, status(CaseStatus::Stayed, t)).unwrap();
    let after = listed + Duration::days(20);
    d.record_hearing(&case, adjourned(listed, after)).unwrap();
    assert_eq!(
        d.board(after).unwrap().len(),
        1,
        "the stayed case is listed on its next date"
    );
    assert_eq!(d.case_detail(&case).unwrap().summary.status, "stayed");

    let kept = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(kept, nextdate_diary::projection::dump(d.conn()).unwrap());
}
