//! Property test: after any sequence of operations (valid or not), the
//! incrementally kept projection equals a full rebuild from the documents.

mod common;

use chrono::Duration;
use common::*;
use nextdate_diary::{
    CaseEdit, Diary, FeeKind, HearingEdit, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, Party, RecordHearing,
};
use nextdate_diary::{CaseStatus, ClientEdit, StatusChange};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    AddClient(String),
    // ---- Client and case corrections: client edit and removal, case edit, status change ----
    EditClient {
        client: usize,
        name: Option<String>,
        phones: Option<Vec<String>>,
        email: Option<Option<String>>,
        notes: Option<Option<String>>,
    },
    RemoveClient(usize),
    EditCase {
        case: usize,
        title: Option<String>,
        court: Option<u8>,
        number: Option<u16>,
        /// Replaces the parties, the first with this counsel.
        counsel: Option<Option<String>>,
        attach: Option<Vec<usize>>,
        /// Assign to this diary's member (`true`) or to an unknown one.
        assign_me: Option<bool>,
    },
    ChangeStatus {
        case: usize,
        to: u8,
        day: i64,
        court: Option<u8>,
        remark: Option<String>,
    },
    // ---- end of client and case corrections ----
    AddCase {
        title: String,
        number: u16,
        court: u8,
        client: Option<usize>,
        next_in: Option<i64>,
    },
    Record {
        case: usize,
        day: i64,
        next_in: Option<i64>,
        outcome: Option<String>,
    },
    AddTask {
        case: usize,
        title: String,
        due_in: Option<i64>,
    },
    CompleteTask(usize),
    AddFee {
        case: usize,
        kind: u8,
        amount: i64,
    },
    AddNote {
        case: usize,
        text: String,
        visible: bool,
    },
    Edit {
        case: usize,
        stage: Option<String>,
        bench: Option<String>,
    },
    Rebuild,
    // ---- Hearing corrections (hearings): edit, remove, re-record, list on a date. ----
    /// A case listed on a day and, with `next_in`, recorded there with a next date:
    /// material for the corrections below.
    ListedCase {
        number: u16,
        listed_in: i64,
        next_in: Option<i64>,
    },
    /// `hearing` picks among the case's hearings, removed ones included.
    EditHearing {
        case: usize,
        hearing: usize,
        date_in: Option<i64>,
        item: Option<Option<i64>>,
        purpose: Option<Option<String>>,
        outcome: Option<Option<String>>,
        next_in: Option<Option<i64>>,
    },
    RemoveHearing {
        case: usize,
        hearing: usize,
    },
    /// Records one of the case's hearings again, with another next date.
    ReRecord {
        case: usize,
        hearing: usize,
        next_in: i64,
    },
    ListCase {
        case: usize,
        day: i64,
        purpose: Option<String>,
        item: Option<i64>,
    },
    // ---- end of hearing corrections ----
    // --- Corrections of tasks (on cases and on the chamber), notes, fees and
    // documents: see `apply_record_op`. Indexes pick among the records made so
    // far, removed ones included; `wrong` names another case than the record's.
    AddChamberTask {
        title: String,
        due_in: Option<i64>,
    },
    EditTask {
        task: usize,
        title: Option<String>,
        due_in: Option<Option<i64>>,
        wrong: bool,
    },
    ReopenTask(usize),
    RemoveTask(usize),
    EditNote {
        note: usize,
        text: Option<String>,
        visible: Option<bool>,
    },
    RemoveNote(usize),
    EditFee {
        fee: usize,
        amount: Option<i64>,
        mode: Option<u8>,
        wrong: bool,
    },
    VoidFee {
        fee: usize,
        reason: String,
    },
    AttachDocument {
        case: usize,
        content: u8,
        visible: bool,
    },
    EditDocument {
        doc: usize,
        name: Option<String>,
        visible: Option<bool>,
    },
    RemoveDocument(usize),
    // --- end of the corrections of tasks, notes, fees and documents.
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][a-z]{2,8} [A-Z][a-z]{2,8}",
        Just("राम कुमार".to_string()),
        Just("सुनीता देवी".to_string()),
        Just("  ".to_string()),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![3 => base_op(), 2 => hearing_op()]
}

fn base_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        name().prop_map(Op::AddClient),
        // Client and case corrections.
        correction_op(),
        (
            name(),
            1u16..40,
            0u8..3,
            proptest::option::of(0usize..8),
            proptest::option::of(-30i64..60)
        )
            .prop_map(|(title, number, court, client, next_in)| Op::AddCase {
                title,
                number,
                court,
                client,
                next_in
            }),
        (
            0usize..8,
            -30i64..30,
            proptest::option::of(-5i64..60),
            proptest::option::of("[a-z ]{0,20}")
        )
            .prop_map(|(case, day, next_in, outcome)| Op::Record {
                case,
                day,
                next_in,
                outcome
            }),
        (0usize..8, "[a-z ]{0,12}", proptest::option::of(-10i64..10)).prop_map(|(case, title, due_in)| Op::AddTask {
            case,
            title,
            due_in
        }),
        (0usize..8).prop_map(Op::CompleteTask),
        (0usize..8, 0u8..3, -100i64..1_000_000).prop_map(|(case, kind, amount)| Op::AddFee { case, kind, amount }),
        (0usize..8, "[a-z ]{0,30}", any::<bool>()).prop_map(|(case, text, visible)| Op::AddNote {
            case,
            text,
            visible
        }),
        (
            0usize..8,
            proptest::option::of("[A-Z][a-z]{3,8}"),
            proptest::option::of("Court No\\. [0-9]{1,2}")
        )
            .prop_map(|(case, stage, bench)| Op::Edit { case, stage, bench }),
        Just(Op::Rebuild),
        // --- Corrections of tasks, notes, fees and documents.
        ("[a-z ]{0,12}", proptest::option::of(-10i64..10))
            .prop_map(|(title, due_in)| Op::AddChamberTask { title, due_in }),
        (
            0usize..8,
            proptest::option::of("[a-z ]{0,12}"),
            proptest::option::of(proptest::option::of(-10i64..10)),
            proptest::bool::weighted(0.1)
        )
            .prop_map(|(task, title, due_in, wrong)| Op::EditTask {
                task,
                title,
                due_in,
                wrong
            }),
        (0usize..8).prop_map(Op::ReopenTask),
        (0usize..8).prop_map(Op::RemoveTask),
        (
            0usize..8,
            proptest::option::of("[a-z ]{0,30}"),
            proptest::option::of(any::<bool>())
        )
            .prop_map(|(note, text, visible)| Op::EditNote { note, text, visible }),
        (0usize..8).prop_map(Op::RemoveNote),
        (
            0usize..8,
            proptest::option::of(-100i64..1_000_000),
            proptest::option::of(0u8..6),
            proptest::bool::weighted(0.1)
        )
            .prop_map(|(fee, amount, mode, wrong)| Op::EditFee {
                fee,
                amount,
                mode,
                wrong
            }),
        (0usize..8, "[a-z ]{0,12}").prop_map(|(fee, reason)| Op::VoidFee { fee, reason }),
        (0usize..8, 0u8..3, any::<bool>()).prop_map(|(case, content, visible)| Op::AttachDocument {
            case,
            content,
            visible
        }),
        (
            0usize..8,
            proptest::option::of("[a-z]{0,8}\\.pdf"),
            proptest::option::of(any::<bool>())
        )
            .prop_map(|(doc, name, visible)| Op::EditDocument { doc, name, visible }),
        (0usize..8).prop_map(Op::RemoveDocument),
        // --- end of the corrections of tasks, notes, fees and documents.
    ]
}

// ---- Client and case corrections ----
/// Client edits and removals, case edits and status changes, valid or not.
fn correction_op() -> impl Strategy<Value = Op> {
    use proptest::option::of;
    prop_oneof![
        (
            0usize..8,
            of(name()),
            of(proptest::collection::vec("9[0-9]{9}| ", 0..3)),
            of(of(prop_oneof![
                "[a-z]{3,6}@example\\.in",
                Just("not-an-email".to_string())
            ])),
            of(of("[a-z ]{0,20}"))
        )
            .prop_map(|(client, name, phones, email, notes)| Op::EditClient {
                client,
                name,
                phones,
                email,
                notes
            }),
        (0usize..8).prop_map(Op::RemoveClient),
        (
            0usize..8,
            of(name()),
            of(0u8..3),
            of(1u16..40),
            of(of("Adv\\. [A-Z][a-z]{3,6}")),
            of(proptest::collection::vec(0usize..8, 0..3)),
            of(any::<bool>())
        )
            .prop_map(
                |(case, title, court, number, counsel, attach, assign_me)| Op::EditCase {
                    case,
                    title,
                    court,
                    number,
                    counsel,
                    attach,
                    assign_me
                }
            ),
        (0usize..8, 0u8..4, -30i64..30, 0u8..3, of("[a-z ]{0,12}"), 0u8..6).prop_map(
            |(case, to, day, court, remark, noise)| Op::ChangeStatus {
                case,
                to,
                day,
                // A court for transfers, and now and then (refused) for another status.
                court: (to == 2 || noise == 0).then_some(court),
                remark,
            }
        ),
    ]
}
// ---- end of client and case corrections ----

/// The hearing corrections' operations (hearings).
fn hearing_op() -> impl Strategy<Value = Op> {
    let opt_text = || proptest::option::of(proptest::option::of("[A-Za-z ]{0,12}"));
    prop_oneof![
        (100u16..400, -20i64..30, proptest::option::of(1i64..40)).prop_map(|(number, listed_in, next_in)| {
            Op::ListedCase {
                number,
                listed_in,
                next_in,
            }
        }),
        (
            (0usize..8, 0usize..6),
            proptest::option::of(-30i64..40),
            proptest::option::of(proptest::option::of(0i64..30)),
            opt_text(),
            opt_text(),
            proptest::option::of(proptest::option::of(-5i64..60)),
        )
            .prop_map(
                |((case, hearing), date_in, item, purpose, outcome, next_in)| Op::EditHearing {
                    case,
                    hearing,
                    date_in,
                    item,
                    purpose,
                    outcome,
                    next_in,
                }
            ),
        (0usize..8, 0usize..6).prop_map(|(case, hearing)| Op::RemoveHearing { case, hearing }),
        (0usize..8, 0usize..6, -5i64..60).prop_map(|(case, hearing, next_in)| Op::ReRecord { case, hearing, next_in }),
        (
            0usize..8,
            -10i64..60,
            proptest::option::of("[A-Za-z ]{0,12}"),
            proptest::option::of(0i64..30)
        )
            .prop_map(|(case, day, purpose, item)| Op::ListCase {
                case,
                day,
                purpose,
                item
            }),
    ]
}

/// One of a case's hearings, removed ones included (by id), or an unknown id.
fn pick_hearing(d: &Diary, case: &str, i: usize) -> (String, Option<chrono::NaiveDate>) {
    let mut all: Vec<(String, String)> = d
        .conn()
        .prepare(
            "SELECT id, date FROM hearings WHERE case_id = ?1
             UNION ALL SELECT id, '' FROM removed_records WHERE owner_id = ?1 AND kind = 'hearing' ORDER BY 1",
        )
        .unwrap()
        .query_map([case], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    if all.is_empty() {
        return ("01UNKNOWNUNKNOWNUNKNOWNUNK".to_string(), None);
    }
    let (id, date) = all.swap_remove(i % all.len());
    (id, nextdate_diary::dates::parse_iso(&date).ok())
}

/// The ids of every record of `kind` so far, live or removed, in id order.
fn record_ids(d: &Diary, kind: &str) -> Vec<String> {
    let table = match kind {
        "note" => "notes",
        "fee" => "fees",
        _ => "documents",
    };
    let mut stmt = d
        .conn()
        .prepare(&format!(
            "SELECT id FROM {table} UNION SELECT id FROM removed_records WHERE kind = ?1 ORDER BY 1"
        ))
        .unwrap();
    let ids = stmt.query_map([kind], |r| r.get(0)).unwrap();
    ids.map(|r| r.unwrap()).collect()
}

/// Applies one correction of a task, note, fee or document; refusals are
/// part of the property.
fn apply_record_op(d: &mut Diary, op: Op, cases: &[String], tasks: &mut Vec<String>) -> nextdate_diary::Result<()> {
    use nextdate_diary::records::{ChildKind, DocumentEdit, FeeEdit, NoteEdit, TaskEdit};
    let t = today();
    let pick = |v: &[String], i: usize| {
        v.get(i % v.len().max(1))
            .cloned()
            .unwrap_or_else(|| "01UNKNOWNUNKNOWNUNKNOWNUNK".into())
    };
    // The case holding a record (or another one, to be refused), as the CLI finds it.
    let owner = |d: &Diary, kind, id: &str, wrong: bool| -> nextdate_diary::Result<String> {
        let case = d.case_of(kind, id)?;
        Ok(match cases.iter().find(|c| **c != case) {
            Some(other) if wrong => other.clone(),
            _ => case,
        })
    };
    match op {
        Op::AddChamberTask { title, due_in } => d
            .add_chamber_task(NewTask {
                title,
                due: due_in.map(|n| t + Duration::days(n)),
                assignee: None,
            })
            .map(|id| tasks.push(id)),
        Op::EditTask {
            task,
            title,
            due_in,
            wrong,
        } => {
            let id = pick(tasks, task);
            let case = owner(d, ChildKind::Task, &id, wrong)?;
            let due = due_in.map(|o| o.map(|n| t + Duration::days(n)));
            d.edit_task(
                &case,
                &id,
                TaskEdit {
                    title,
                    due,
                    assignee: None,
                },
            )
            .map(|_| ())
        }
        Op::ReopenTask(i) => {
            let id = pick(tasks, i);
            let case = owner(d, ChildKind::Task, &id, false)?;
            d.reopen_task(&case, &id).map(|_| ())
        }
        Op::RemoveTask(i) => {
            let id = pick(tasks, i);
            let case = owner(d, ChildKind::Task, &id, false)?;
            d.remove_task(&case, &id).map(|_| ())
        }
        Op::EditNote { note, text, visible } => {
            let id = pick(&record_ids(d, "note"), note);
            let case = owner(d, ChildKind::Note, &id, false)?;
            d.edit_note(
                &case,
                &id,
                NoteEdit {
                    text,
                    client_visible: visible,
                },
            )
            .map(|_| ())
        }
        Op::RemoveNote(i) => {
            let id = pick(&record_ids(d, "note"), i);
            let case = owner(d, ChildKind::Note, &id, false)?;
            d.remove_note(&case, &id).map(|_| ())
        }
        Op::EditFee {
            fee,
            amount,
            mode,
            wrong,
        } => {
            let id = pick(&record_ids(d, "fee"), fee);
            let case = owner(d, ChildKind::Fee, &id, wrong)?;
            let mode = mode.map(|m| {
                ["cash", "UPI", "cheque", "NEFT", "card", "barter"]
                    .get(m as usize)
                    .map(|m| m.to_string())
            });
            let edit = FeeEdit {
                amount_minor: amount,
                mode,
                ..Default::default()
            };
            d.edit_fee(&case, &id, edit).map(|_| ())
        }
        Op::VoidFee { fee, reason } => {
            let id = pick(&record_ids(d, "fee"), fee);
            let case = owner(d, ChildKind::Fee, &id, false)?;
            d.void_fee(&case, &id, &reason).map(|_| ())
        }
        Op::AttachDocument { case, content, visible } => {
            let bytes = format!("document {content}").into_bytes();
            d.attach_document(&pick(cases, case), "order.pdf", "application/pdf", &bytes, visible)
                .map(|_| ())
        }
        Op::EditDocument { doc, name, visible } => {
            let id = pick(&record_ids(d, "document"), doc);
            let case = owner(d, ChildKind::Document, &id, false)?;
            d.edit_document(
                &case,
                &id,
                DocumentEdit {
                    name,
                    client_visible: visible,
                },
            )
            .map(|_| ())
        }
        Op::RemoveDocument(i) => {
            let id = pick(&record_ids(d, "document"), i);
            let case = owner(d, ChildKind::Document, &id, false)?;
            d.remove_document(&case, &id).map(|_| ())
        }
        _ => unreachable!("not a correction of a task, note, fee or document"),
    }
}

const COURTS: &[&str] = &["Delhi High Court", "Saket District Courts", "Bombay High Court"];

fn apply(d: &mut Diary, ops: &[Op], clients: &mut Vec<String>, cases: &mut Vec<String>, tasks: &mut Vec<String>) {
    let t = today();
    let pick = |v: &Vec<String>, i: usize| {
        if v.is_empty() {
            "01UNKNOWNUNKNOWNUNKNOWNUNK".to_string()
        } else {
            v[i % v.len()].clone()
        }
    };
    for op in ops {
        // Errors are part of the property: a refused change must not disturb the projection.
        let _ = match op.clone() {
            Op::AddClient(name) => d
                .add_client(NewClient {
                    name,
                    ..Default::default()
                })
                .map(|id| clients.push(id)),
            // ---- Client and case corrections ----
            Op::EditClient {
                client,
                name,
                phones,
                email,
                notes,
            } => d
                .edit_client(
                    &pick(clients, client),
                    ClientEdit {
                        name,
                        phones,
                        email,
                        address: None,
                        notes,
                    },
                )
                .map(|_| ()),
            Op::RemoveClient(i) => d.remove_client(&pick(clients, i)).map(|_| ()),
            Op::EditCase {
                case,
                title,
                court,
                number,
                counsel,
                attach,
                assign_me,
            } => {
                let me = d.member_id().to_string();
                d.edit_case(
                    &pick(cases, case),
                    CaseEdit {
                        title,
                        court: court.map(|c| COURTS[c as usize].into()),
                        number: number.map(|n| format!("CRL.A. {n}/2026")),
                        parties: counsel.map(|counsel| {
                            vec![
                                Party {
                                    name: "Ram Kumar".into(),
                                    side: "appellant".into(),
                                    counsel,
                                },
                                Party {
                                    name: "State".into(),
                                    side: "respondent".into(),
                                    counsel: None,
                                },
                            ]
                        }),
                        client_ids: attach.map(|a| a.iter().map(|&c| pick(clients, c)).collect()),
                        assigned: assign_me.map(|ok| vec![if ok { me } else { "01UNKNOWNMEMBERUNKNOWNMEMB".into() }]),
                        ..Default::default()
                    },
                )
                .map(|_| ())
            }
            Op::ChangeStatus {
                case,
                to,
                day,
                court,
                remark,
            } => d
                .change_case_status(
                    &pick(cases, case),
                    StatusChange {
                        to: CaseStatus::ALL[to as usize],
                        date: Some(t + Duration::days(day)),
                        remark,
                        court: court.map(|c| COURTS[c as usize].into()),
                    },
                )
                .map(|_| ()),
            // ---- end of client and case corrections ----
            Op::AddCase {
                title,
                number,
                court,
                client,
                next_in,
            } => d
                .add_case(NewCase {
                    title: title.clone(),
                    number: format!("CRL.A. {number}/2026"),
                    court: COURTS[court as usize].into(),
                    parties: vec![Party {
                        name: title,
                        side: "appellant".into(),
                        counsel: None,
                    }],
                    client_ids: client.map(|c| vec![pick(clients, c)]).unwrap_or_default(),
                    next_date: next_in.map(|n| t + Duration::days(n)),
                    ..Default::default()
                })
                .map(|id| cases.push(id)),
            Op::Record {
                case,
                day,
                next_in,
                outcome,
            } => d
                .record_hearing(
                    &pick(cases, case),
                    RecordHearing {
                        date: t + Duration::days(day),
                        outcome,
                        item: None,
                        next: match next_in {
                            Some(n) => NextStep::Adjourned {
                                next_date: t + Duration::days(day + n),
                                purpose: None,
                            },
                            None => NextStep::Disposed,
                        },
                        attended_by: None,
                    },
                )
                .map(|_| ()),
            Op::AddTask { case, title, due_in } => d
                .add_task(
                    &pick(cases, case),
                    NewTask {
                        title,
                        due: due_in.map(|n| t + Duration::days(n)),
                        assignee: None,
                    },
                )
                .map(|id| tasks.push(id)),
            Op::CompleteTask(i) => d.complete_task(&pick(tasks, i)),
            Op::AddFee { case, kind, amount } => d
                .add_fee(
                    &pick(cases, case),
                    NewFee {
                        kind: [FeeKind::Agreed, FeeKind::Received, FeeKind::Expense][kind as usize],
                        amount_minor: amount,
                        currency: Some("INR".into()),
                        date: t,
                        mode: None,
                        remark: None,
                    },
                )
                .map(|_| ()),
            Op::AddNote { case, text, visible } => d
                .add_note(
                    &pick(cases, case),
                    NewNote {
                        text,
                        client_visible: visible,
                    },
                )
                .map(|_| ()),
            Op::Edit { case, stage, bench } => d
                .edit_case(
                    &pick(cases, case),
                    CaseEdit {
                        stage: Some(stage),
                        bench: Some(bench),
                        ..Default::default()
                    },
                )
                .map(|_| ()),
            Op::Rebuild => d.rebuild(),
            // ---- Hearing corrections (hearings). ----
            Op::ListedCase {
                number,
                listed_in,
                next_in,
            } => {
                let listed = t + Duration::days(listed_in);
                d.add_case(NewCase {
                    title: format!("Listed {number}"),
                    number: format!("O.S. {number}/2026"),
                    court: COURTS[number as usize % COURTS.len()].into(),
                    next_date: Some(listed),
                    purpose: Some("Evidence".into()),
                    ..Default::default()
                })
                .and_then(|case| {
                    cases.push(case.clone());
                    match next_in {
                        Some(n) => d
                            .record_hearing(
                                &case,
                                RecordHearing {
                                    date: listed,
                                    outcome: None,
                                    item: None,
                                    next: NextStep::Adjourned {
                                        next_date: listed + Duration::days(n),
                                        purpose: Some("Arguments".into()),
                                    },
                                    attended_by: None,
                                },
                            )
                            .map(|_| ()),
                        None => Ok(()),
                    }
                })
            }
            Op::EditHearing {
                case,
                hearing,
                date_in,
                item,
                purpose,
                outcome,
                next_in,
            } => {
                let case = pick(cases, case);
                let (hearing, _) = pick_hearing(d, &case, hearing);
                d.edit_hearing(
                    &case,
                    &hearing,
                    HearingEdit {
                        date: date_in.map(|n| t + Duration::days(n)),
                        item,
                        purpose,
                        outcome,
                        next_date: next_in.map(|n| n.map(|n| t + Duration::days(n))),
                    },
                )
                .map(|_| ())
            }
            Op::RemoveHearing { case, hearing } => {
                let case = pick(cases, case);
                let (hearing, _) = pick_hearing(d, &case, hearing);
                d.remove_hearing(&case, &hearing).map(|_| ())
            }
            Op::ReRecord { case, hearing, next_in } => {
                let case = pick(cases, case);
                let (_, date) = pick_hearing(d, &case, hearing);
                let date = date.unwrap_or(t);
                d.record_hearing(
                    &case,
                    RecordHearing {
                        date,
                        outcome: None,
                        item: None,
                        next: NextStep::Adjourned {
                            next_date: date + Duration::days(next_in),
                            purpose: None,
                        },
                        attended_by: None,
                    },
                )
                .map(|_| ())
            }
            Op::ListCase {
                case,
                day,
                purpose,
                item,
            } => d
                .list_case(&pick(cases, case), t + Duration::days(day), purpose, item)
                .map(|_| ()),
            op @ (Op::AddChamberTask { .. }
            | Op::EditTask { .. }
            | Op::ReopenTask(_)
            | Op::RemoveTask(_)
            | Op::EditNote { .. }
            | Op::RemoveNote(_)
            | Op::EditFee { .. }
            | Op::VoidFee { .. }
            | Op::AttachDocument { .. }
            | Op::EditDocument { .. }
            | Op::RemoveDocument(_)) => apply_record_op(d, op, cases, tasks),
        };
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn incremental_projection_equals_rebuild(ops in proptest::collection::vec(op(), 1..40)) {
        let tmp = tempfile::tempdir().unwrap();
        let (mut d, _) = passphrase_diary(tmp.path());
        let (mut clients, mut cases, mut tasks) = (Vec::new(), Vec::new(), Vec::new());
        apply(&mut d, &ops, &mut clients, &mut cases, &mut tasks);
        let incremental = nextdate_diary::projection::dump(d.conn()).unwrap();
        let boards: Vec<_> = (-30..90).map(|i| d.board(today() + Duration::days(i)).unwrap()).collect();
        d.rebuild().unwrap();
        let rebuilt = nextdate_diary::projection::dump(d.conn()).unwrap();
        prop_assert_eq!(&incremental, &rebuilt);
        let boards_after: Vec<_> = (-30..90).map(|i| d.board(today() + Duration::days(i)).unwrap()).collect();
        prop_assert_eq!(boards, boards_after);
        // And after closing and reopening the real file, the same again.
        drop(d);
        let d = open(tmp.path());
        prop_assert_eq!(nextdate_diary::projection::dump(d.conn()).unwrap(), rebuilt);
    }
}

// ---- Client and case corrections ----
proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Mostly corrections, on a diary that has clients and dated cases to correct.
    #[test]
    fn corrections_keep_the_projection_equal_to_a_rebuild(
        ops in proptest::collection::vec(prop_oneof![4 => correction_op(), 1 => op()], 1..30)
    ) {
        let tmp = tempfile::tempdir().unwrap();
        let (mut d, _) = passphrase_diary(tmp.path());
        let mut seeded: Vec<Op> = ["Rajesh Sharma", "Pooja Malhotra", "राम कुमार"]
            .iter()
            .map(|n| Op::AddClient(n.to_string()))
            .collect();
        seeded.extend((0..4).map(|i| Op::AddCase {
            title: format!("Matter {i} v. State"),
            number: i as u16 + 1,
            court: (i % 3) as u8,
            client: Some(i),
            next_in: Some(3 + i as i64),
        }));
        seeded.extend(ops);
        let (mut clients, mut cases, mut tasks) = (Vec::new(), Vec::new(), Vec::new());
        apply(&mut d, &seeded, &mut clients, &mut cases, &mut tasks);
        let incremental = nextdate_diary::projection::dump(d.conn()).unwrap();
        d.rebuild().unwrap();
        prop_assert_eq!(incremental, nextdate_diary::projection::dump(d.conn()).unwrap());
    }
}
// ---- end of client and case corrections ----

/// Records to correct, made before the random operations of
/// `corrections_project_as_a_rebuild_does`: two cases with a task, a note, a
/// fee and a document each (the same bytes), and a chamber task.
fn records_to_correct() -> Vec<Op> {
    let mut ops = vec![Op::AddClient("Asha Rao".into())];
    for (i, title) in ["Asha Rao", "Vikram Seth"].into_iter().enumerate() {
        ops.push(Op::AddCase {
            title: title.into(),
            number: 100 + i as u16,
            court: i as u8,
            client: Some(0),
            next_in: Some(5),
        });
    }
    for case in 0..2 {
        ops.extend([
            Op::AddTask {
                case,
                title: "file reply".into(),
                due_in: Some(2),
            },
            Op::AddNote {
                case,
                text: "bring the fir copy".into(),
                visible: case == 0,
            },
            Op::AddFee {
                case,
                kind: 1,
                amount: 500_000,
            },
            Op::AttachDocument {
                case,
                content: 0,
                visible: false,
            },
        ]);
    }
    ops.push(Op::AddChamberTask {
        title: "renew bar council id".into(),
        due_in: None,
    });
    ops
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// The same property, starting from records to correct, so that the
    /// corrections of tasks, notes, fees and documents mostly find one.
    #[test]
    fn corrections_project_as_a_rebuild_does(ops in proptest::collection::vec(op(), 1..40)) {
        let tmp = tempfile::tempdir().unwrap();
        let (mut d, _) = passphrase_diary(tmp.path());
        let (mut clients, mut cases, mut tasks) = (Vec::new(), Vec::new(), Vec::new());
        apply(&mut d, &records_to_correct(), &mut clients, &mut cases, &mut tasks);
        prop_assert_eq!((cases.len(), tasks.len()), (2, 3));
        apply(&mut d, &ops, &mut clients, &mut cases, &mut tasks);
        let incremental = nextdate_diary::projection::dump(d.conn()).unwrap();
        d.rebuild().unwrap();
        prop_assert_eq!(incremental, nextdate_diary::projection::dump(d.conn()).unwrap());
    }
}

/// Bulk writers (imports, demo data) build documents on several threads and
/// project each from its value: the projection must still equal a rebuild, and
/// a case number given twice in one bulk insert is refused with nothing kept.
#[test]
fn bulk_inserted_cases_project_as_a_rebuild_does_and_duplicates_are_refused_whole() {
    use nextdate_diary::model::CaseDoc;
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let summary = nextdate_diary::demo::generate(&mut d, 700, 7, today(), 300, |_| {}).unwrap();
    assert_eq!(summary.cases, 700);
    let incremental = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(incremental, nextdate_diary::projection::dump(d.conn()).unwrap());

    let case = |number: &str| CaseDoc {
        title: format!("Bulk {number}"),
        number: number.to_string(),
        court: "Tis Hazari Courts".into(),
        status: "pending".into(),
        ..Default::default()
    };
    let whole = |doc, message| nextdate_diary::WholeCase { id: None, doc, message };
    let before = nextdate_diary::projection::dump(d.conn()).unwrap();
    let mut docs: Vec<_> = (0..600)
        .map(|i| whole(case(&format!("CS {i}/2026")), format!("Bulk case {i}")))
        .collect();
    // The 600th repeats the first, spaced differently: a later chunk than the first.
    docs.push(whole(case("cs   0/2026"), "Bulk duplicate".into()));
    let err = d.write(|b| b.insert_case_docs(docs)).unwrap_err();
    assert_eq!(err.code(), "duplicate_case_number", "{err}");
    assert_eq!(
        nextdate_diary::projection::dump(d.conn()).unwrap(),
        before,
        "nothing kept"
    );
    // Twice within one chunk (neither is in the database yet).
    let twice = vec![
        whole(case("OS 9/2026"), "One".to_string()),
        whole(case("os 9/2026"), "Two".to_string()),
    ];
    let err = d.write(|b| b.insert_case_docs(twice)).unwrap_err();
    assert_eq!(err.code(), "duplicate_case_number", "{err}");
    assert_eq!(
        nextdate_diary::projection::dump(d.conn()).unwrap(),
        before,
        "nothing kept"
    );
}
