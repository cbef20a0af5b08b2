//! Correcting tasks (on cases and on the chamber), notes and fees: each
//! operation does what it says and writes its history in words; each bad
//! input gets its own error and leaves the diary exactly as it was.
//! (Documents and their bytes: `corrections_documents.rs`.)

mod common;
mod records_support;

use chrono::Duration;
use common::*;
use nextdate_diary::model::{CaseDoc, Fee};
use nextdate_diary::records::{ChildKind, FeeEdit, NoteEdit, PaymentMode, TaskEdit, WholeCase};
use nextdate_diary::{Diary, FeeKind, NewFee, NewNote, NewTask};
use records_support::*;

#[test]
fn tasks_are_corrected_on_cases_and_on_the_chamber() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, other) = two_cases(&mut d);
    let chamber = d.chamber_id().to_string();
    let me = d.member_id().to_string();
    let due = today() + Duration::days(2);
    let on_case = d
        .add_task(
            &case,
            NewTask {
                title: "File reply".into(),
                due: Some(due),
                assignee: Some(me.clone()),
            },
        )
        .unwrap();
    let follow_up = d
        .add_chamber_task(NewTask {
            title: "Renew Bar Council ID".into(),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(d.case_of(ChildKind::Task, &follow_up).unwrap(), chamber);
    assert_eq!(d.case_of(ChildKind::Task, &on_case).unwrap(), case);

    // Both show in the open tasks; the chamber's has no case number.
    let open = d.tasks(None).unwrap();
    let row = |id: &str| open.iter().find(|t| t.id == id).unwrap().clone();
    assert_eq!(row(&on_case).case_number.as_deref(), Some("CS(COMM) 55/2026"));
    assert_eq!(row(&follow_up).case_number, None);
    assert_eq!(row(&follow_up).case_id, chamber);
    assert_eq!(d.chamber_tasks().unwrap().len(), 1);

    // Edits say what changed, in words.
    let next = today() + Duration::days(9);
    let c = d
        .edit_task(
            &chamber,
            &follow_up,
            TaskEdit {
                title: Some("Renew the Bar Council ID".into()),
                due: Some(Some(next)),
                assignee: Some(Some(me.clone())),
            },
        )
        .unwrap();
    assert_eq!(
        c.message,
        format!(
            "Task \u{201c}Renew Bar Council ID\u{201d}: title changed from \u{201c}Renew Bar Council ID\u{201d} to \
             \u{201c}Renew the Bar Council ID\u{201d}; due date set to {}; assignee set to Adv. Test",
            nextdate_diary::dates::format_dmy(next)
        )
    );
    assert_eq!(
        (c.id.as_str(), c.case_id.as_str()),
        (follow_up.as_str(), chamber.as_str())
    );
    let t = &d.chamber().unwrap().tasks[&follow_up];
    assert_eq!(
        (t.title.as_str(), t.due.clone(), t.assignee.clone()),
        ("Renew the Bar Council ID", Some(next.to_string()), Some(me.clone()))
    );
    let named = d.tasks(None).unwrap().into_iter().find(|t| t.id == follow_up).unwrap();
    assert_eq!(named.assignee_name.as_deref(), Some("Adv. Test"));
    // The printed list of a member includes the chamber tasks assigned to them.
    let mine = d.tasks_due_between(today(), next, Some(&me)).unwrap();
    assert!(mine.iter().any(|t| t.id == follow_up), "{mine:?}");

    // Clearing the due date and the assignee.
    let c = d
        .edit_task(
            &case,
            &on_case,
            TaskEdit {
                due: Some(None),
                assignee: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(c.message.contains("due date cleared (was "), "{}", c.message);
    assert!(c.message.contains("assignee cleared (was Adv. Test)"), "{}", c.message);
    assert_eq!(last_message(&d, &case), c.message);
    let c = d.assign_task(&case, &on_case, Some(&me)).unwrap();
    assert_eq!(c.message, "Task \u{201c}File reply\u{201d} assigned to Adv. Test");

    // The same values again change nothing and write nothing.
    let before = snapshot(&d);
    let same = d
        .edit_task(
            &case,
            &on_case,
            TaskEdit {
                title: Some(" File   reply ".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!same.changed());
    assert_eq!(snapshot(&d), before);

    // complete_task(id) works for both; reopen takes a task back.
    d.complete_task(&follow_up).unwrap();
    d.complete_task(&on_case).unwrap();
    assert!(d.tasks(None).unwrap().is_empty());
    let c = d.reopen_task(&chamber, &follow_up).unwrap();
    assert_eq!(c.message, "Reopened task \u{201c}Renew the Bar Council ID\u{201d}");
    let t = &d.chamber().unwrap().tasks[&follow_up];
    assert!(!t.done && t.done_at.is_none());
    refused(&mut d, "bad_status_change", |d| d.reopen_task(&chamber, &follow_up));
    refused(&mut d, "already_done", |d| d.complete_task(&on_case));

    // Bad input.
    let edit = || TaskEdit {
        title: Some("x".into()),
        ..Default::default()
    };
    refused(&mut d, "nothing_to_change", |d| {
        d.edit_task(&case, &on_case, TaskEdit::default())
    });
    refused(&mut d, "empty_field", |d| {
        d.edit_task(
            &case,
            &on_case,
            TaskEdit {
                title: Some("  ".into()),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "unknown_id", |d| {
        d.edit_task(
            &case,
            &on_case,
            TaskEdit {
                assignee: Some(Some(UNKNOWN.into())),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "unknown_id", |d| d.assign_task(&case, &on_case, Some("nobody")));
    refused(&mut d, "unknown_id", |d| d.edit_task(&case, UNKNOWN, edit()));
    refused(&mut d, "unknown_id", |d| d.complete_task(UNKNOWN));
    refused(&mut d, "wrong_case", |d| d.edit_task(&other, &on_case, edit()));
    refused(&mut d, "wrong_case", |d| d.edit_task(&chamber, &on_case, edit()));
    refused(&mut d, "wrong_case", |d| d.remove_task(&case, &follow_up));
    refused(&mut d, "unknown_id", |d| {
        d.add_task(
            UNKNOWN,
            NewTask {
                title: "x".into(),
                ..Default::default()
            },
        )
    });
    refused(&mut d, "unknown_id", |d| {
        d.add_chamber_task(NewTask {
            title: "x".into(),
            assignee: Some(UNKNOWN.into()),
            ..Default::default()
        })
    });
    refused(&mut d, "invalid_date", |d| {
        d.edit_task(
            &case,
            &on_case,
            TaskEdit {
                due: Some(Some(chrono::NaiveDate::from_ymd_opt(1800, 1, 1).unwrap())),
                ..Default::default()
            },
        )
    });

    // Removal is a mark: the task leaves the lists and is listed as removed.
    let c = d.remove_task(&chamber, &follow_up).unwrap();
    assert_eq!(c.message, "Removed task \u{201c}Renew the Bar Council ID\u{201d}");
    assert!(d.chamber().unwrap().tasks[&follow_up].removed_at.is_some());
    assert!(d.tasks(None).unwrap().is_empty());
    assert!(removed(&d, "task", &follow_up));
    assert_eq!(d.case_of(ChildKind::Task, &follow_up).unwrap(), chamber);
    refused(&mut d, "already_removed", |d| d.remove_task(&chamber, &follow_up));
    refused(&mut d, "already_removed", |d| d.edit_task(&chamber, &follow_up, edit()));
    refused(&mut d, "already_removed", |d| d.complete_task(&follow_up));
    refused(&mut d, "already_removed", |d| d.reopen_task(&chamber, &follow_up));
    d.remove_task(&case, &on_case).unwrap();
    assert_eq!(last_message(&d, &case), "Removed task \u{201c}File reply\u{201d}");
    assert!(d.case_detail(&case).unwrap().tasks.is_empty());
    assert_projection_sound(&mut d);
}

#[test]
fn notes_are_corrected_and_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, other) = two_cases(&mut d);
    let note = d
        .add_note(
            &case,
            NewNote {
                text: "Client to bring the FIR copy".into(),
                client_visible: false,
            },
        )
        .unwrap();
    let c = d
        .edit_note(
            &case,
            &note,
            NoteEdit {
                text: Some("Client to bring the certified FIR copy".into()),
                client_visible: Some(true),
            },
        )
        .unwrap();
    assert_eq!(
        c.message,
        "Note \u{201c}Client to bring the FIR copy\u{201d}: text changed to \u{201c}Client to bring the certified \
         FIR copy\u{201d}; made visible to the client"
    );
    let shown = &d.case_detail(&case).unwrap().notes[0];
    assert_eq!(
        (shown.text.as_str(), shown.client_visible),
        ("Client to bring the certified FIR copy", true)
    );
    assert_eq!(
        d.search("certified", 10).unwrap().len(),
        1,
        "the search has the new text"
    );
    let c = d
        .edit_note(
            &case,
            &note,
            NoteEdit {
                client_visible: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        c.message,
        "Note \u{201c}Client to bring the certified FIR copy\u{201d}: made private"
    );
    assert!(!d
        .edit_note(
            &case,
            &note,
            NoteEdit {
                client_visible: Some(false),
                ..Default::default()
            }
        )
        .unwrap()
        .changed());

    let text = |t: &str| NoteEdit {
        text: Some(t.into()),
        ..Default::default()
    };
    refused(&mut d, "nothing_to_change", |d| {
        d.edit_note(&case, &note, NoteEdit::default())
    });
    refused(&mut d, "empty_field", |d| d.edit_note(&case, &note, text(" \n ")));
    refused(&mut d, "unknown_id", |d| d.edit_note(&case, UNKNOWN, text("x")));
    refused(&mut d, "wrong_case", |d| d.edit_note(&other, &note, text("x")));
    refused(&mut d, "wrong_case", |d| d.remove_note(&other, &note));

    let c = d.remove_note(&case, &note).unwrap();
    assert_eq!(
        c.message,
        "Removed private note \u{201c}Client to bring the certified FIR copy\u{201d}"
    );
    assert!(d.case_detail(&case).unwrap().notes.is_empty());
    assert!(
        d.search("certified", 10).unwrap().is_empty(),
        "a removed note leaves the search"
    );
    assert!(removed(&d, "note", &note));
    refused(&mut d, "already_removed", |d| d.remove_note(&case, &note));
    refused(&mut d, "already_removed", |d| d.edit_note(&case, &note, text("x")));
    assert_projection_sound(&mut d);
}

fn fee(kind: FeeKind, rupees: i64, mode: Option<&str>) -> NewFee {
    NewFee {
        kind,
        amount_minor: rupees * 100,
        currency: None,
        date: today(),
        mode: mode.map(str::to_string),
        remark: None,
    }
}

#[test]
fn fees_are_corrected_and_voided_entries_stay_in_the_ledger_but_leave_the_balance() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (case, other) = two_cases(&mut d);
    d.add_fee(&case, fee(FeeKind::Agreed, 50_000, None)).unwrap();
    let paid = d.add_fee(&case, fee(FeeKind::Received, 5_000, Some("upi"))).unwrap();
    let twice = d
        .add_fee(&case, fee(FeeKind::Received, 5_000, Some("Bank-Transfer")))
        .unwrap();
    assert_eq!(
        last_message(&d, &case),
        "Fee of \u{20b9}5,000 received by bank transfer"
    );
    let modes = |d: &Diary| {
        d.fees(Some(&case))
            .unwrap()
            .into_iter()
            .map(|f| f.mode)
            .collect::<Vec<_>>()
    };
    assert_eq!(modes(&d), [None, Some("UPI".into()), Some("bank transfer".into())]);
    assert_eq!(d.case_balance(&case).unwrap()[0].outstanding, 4_000_000);

    let date = today() - Duration::days(1);
    let c = d
        .edit_fee(
            &case,
            &paid,
            FeeEdit {
                amount_minor: Some(450_000),
                date: Some(date),
                mode: Some(Some("cheque".into())),
                remark: Some(Some("first instalment".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        c.message,
        format!(
            "Fee of \u{20b9}5,000: amount changed from \u{20b9}5,000 to \u{20b9}4,500; date changed from {} to {}; \
             mode changed from UPI to cheque; remark set to first instalment",
            nextdate_diary::dates::format_dmy(today()),
            nextdate_diary::dates::format_dmy(date)
        )
    );
    let c = d
        .edit_fee(
            &case,
            &paid,
            FeeEdit {
                kind: Some(FeeKind::Expense),
                currency: Some("usd".into()),
                mode: Some(None),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        c.message,
        "Fee of \u{20b9}4,500: kind changed from received to expense; currency changed from INR to USD; mode cleared (was cheque)"
    );
    d.edit_fee(
        &case,
        &paid,
        FeeEdit {
            kind: Some(FeeKind::Received),
            currency: Some("INR".into()),
            ..Default::default()
        },
    )
    .unwrap();

    // Voiding: the entry stays, marked, and leaves the balance.
    let c = d.void_fee(&case, &twice, " entered   twice ").unwrap();
    assert_eq!(c.message, "Fee of \u{20b9}5,000 voided: entered twice");
    assert_eq!(last_message(&d, &case), c.message);
    let rows = d.fees(Some(&case)).unwrap();
    assert_eq!(rows.len(), 3, "a voided entry stays in the ledger");
    let voided = rows.iter().find(|f| f.id == twice).unwrap();
    assert!(voided.voided_at.is_some());
    assert_eq!(voided.void_reason.as_deref(), Some("entered twice"));
    assert!(rows.iter().filter(|f| f.id != twice).all(|f| f.voided_at.is_none()));
    let b = &d.case_balance(&case).unwrap()[0];
    assert_eq!((b.agreed, b.received, b.outstanding), (5_000_000, 450_000, 4_550_000));
    assert_eq!(d.total_balance().unwrap()[0].received, 450_000);
    let client = d.case_detail(&case).unwrap().clients[0].id.clone();
    assert_eq!(d.client_balance(&client).unwrap()[0].received, 450_000);

    let amount = |minor: i64| FeeEdit {
        amount_minor: Some(minor),
        ..Default::default()
    };
    refused(&mut d, "already_voided", |d| d.void_fee(&case, &twice, "again"));
    refused(&mut d, "fee_voided", |d| d.edit_fee(&case, &twice, amount(100)));
    refused(&mut d, "empty_field", |d| d.void_fee(&case, &paid, "  "));
    refused(&mut d, "nothing_to_change", |d| {
        d.edit_fee(&case, &paid, FeeEdit::default())
    });
    refused(&mut d, "invalid_amount", |d| d.edit_fee(&case, &paid, amount(0)));
    refused(&mut d, "invalid_amount", |d| d.edit_fee(&case, &paid, amount(-5)));
    refused(&mut d, "invalid_amount", |d| {
        d.add_fee(&case, fee(FeeKind::Received, 0, None))
    });
    refused(&mut d, "invalid_currency", |d| {
        d.edit_fee(
            &case,
            &paid,
            FeeEdit {
                currency: Some("rupees".into()),
                ..Default::default()
            },
        )
    });
    let mut err = None;
    refused(&mut d, "unknown_value", |d| {
        let e = d.edit_fee(
            &case,
            &paid,
            FeeEdit {
                mode: Some(Some("paytm".into())),
                ..Default::default()
            },
        );
        err = e.as_ref().err().map(|e| e.to_string());
        e
    });
    assert_eq!(
        err.as_deref(),
        Some("unknown payment mode \"paytm\": use cash, UPI, cheque, bank transfer or card")
    );
    refused(&mut d, "unknown_value", |d| {
        d.add_fee(&case, fee(FeeKind::Received, 10, Some("barter")))
    });
    refused(&mut d, "unknown_id", |d| d.edit_fee(&case, UNKNOWN, amount(100)));
    refused(&mut d, "unknown_id", |d| d.void_fee(&case, UNKNOWN, "x"));
    refused(&mut d, "wrong_case", |d| d.edit_fee(&other, &paid, amount(100)));
    refused(&mut d, "wrong_case", |d| d.void_fee(&other, &paid, "x"));
    assert_projection_sound(&mut d);
}

#[test]
fn payment_modes_are_read_as_people_type_them_and_old_free_text_stays_readable() {
    for (typed, mode) in [
        ("cash", PaymentMode::Cash),
        ("UPI", PaymentMode::Upi),
        ("Cheque", PaymentMode::Cheque),
        ("bank_transfer", PaymentMode::BankTransfer),
        (" NEFT ", PaymentMode::BankTransfer),
        ("debit card", PaymentMode::Card),
    ] {
        assert_eq!(PaymentMode::parse(typed).unwrap(), mode, "{typed}");
    }
    for m in PaymentMode::ALL {
        assert_eq!(PaymentMode::parse(m.as_str()).unwrap(), m);
    }
    // An entry written before modes were checked keeps its text, through
    // corrections of its other fields too.
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let mut doc = CaseDoc {
        title: "Old v. Entry".into(),
        number: "OS 1/2020".into(),
        court: "Saket District Courts".into(),
        status: "pending".into(),
        ..Default::default()
    };
    doc.fees.insert(
        "01JOLDFEEOLDFEEOLDFEEOLDFE".into(),
        Fee {
            kind: "received".into(),
            amount_minor: 100_000,
            currency: "INR".into(),
            date: "2020-01-10".into(),
            mode: Some("Paid at the office".into()),
            ..Default::default()
        },
    );
    let case = d
        .write(|w| {
            w.insert_case_docs(vec![WholeCase {
                id: None,
                doc,
                message: "Imported".into(),
            }])
        })
        .unwrap()
        .remove(0);
    let c = d
        .edit_fee(
            &case,
            "01JOLDFEEOLDFEEOLDFEEOLDFE",
            FeeEdit {
                remark: Some(Some("receipt 14".into())),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(c.message, "Fee of \u{20b9}1,000: remark set to receipt 14");
    assert_eq!(
        d.fees(Some(&case)).unwrap()[0].mode.as_deref(),
        Some("Paid at the office")
    );
}

#[test]
fn exports_carry_chamber_tasks_and_voided_fees() {
    use nextdate_diary::export::ExportFormat;
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path().join("diary").as_path());
    let (case, _) = two_cases(&mut d);
    d.add_chamber_task(NewTask {
        title: "Renew Bar Council ID".into(),
        ..Default::default()
    })
    .unwrap();
    d.add_task(
        &case,
        NewTask {
            title: "File reply".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let twice = d.add_fee(&case, fee(FeeKind::Received, 5_000, None)).unwrap();
    d.void_fee(&case, &twice, "entered twice").unwrap();

    let json = tmp.path().join("json");
    d.export(ExportFormat::Json, &json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(json.join("diary.json")).unwrap()).unwrap();
    assert_eq!(v["chamber"]["tasks"][0]["title"], "Renew Bar Council ID");
    let exported = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == case.as_str())
        .unwrap();
    assert_eq!(exported["tasks"][0]["title"], "File reply");
    assert_eq!(exported["fees"][0]["void_reason"], "entered twice");
    assert!(exported["fees"][0]["voided_at"].is_string());

    let csv = tmp.path().join("csv");
    d.export(ExportFormat::Csv, &csv).unwrap();
    let tasks = std::fs::read_to_string(csv.join("tasks.csv")).unwrap();
    assert!(
        tasks.contains("File reply") && !tasks.contains("Renew Bar Council ID"),
        "{tasks}"
    );
    let about: serde_json::Value = serde_json::from_slice(&std::fs::read(csv.join("export.json")).unwrap()).unwrap();
    assert_eq!(about["chamber_tasks"][0]["title"], "Renew Bar Council ID");
    let fees = std::fs::read_to_string(csv.join("fees.csv")).unwrap();
    let header: Vec<&str> = fees.lines().next().unwrap().split(',').collect();
    assert!(
        header.contains(&"voided_at") && header.contains(&"void_reason"),
        "{fees}"
    );
    assert!(fees.contains("entered twice"), "{fees}");
}
