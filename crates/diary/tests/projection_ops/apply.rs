//! Applying [`super::Op`]s to a real diary. Errors are part of the property:
//! a refused change must not disturb the projection.

use chrono::Duration;
use nextdate_diary::client_update::Language;
use nextdate_diary::{
    CaseEdit, Diary, FeeKind, HearingEdit, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, Party, RecordHearing,
};
use nextdate_diary::{CaseStatus, ClientEdit, StatusChange};

use super::{Op, COURTS};
use crate::common::today;

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

pub fn apply(d: &mut Diary, ops: &[Op], clients: &mut Vec<String>, cases: &mut Vec<String>, tasks: &mut Vec<String>) {
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
                hindi,
            } => d
                .edit_client(
                    &pick(clients, client),
                    ClientEdit {
                        name,
                        phones,
                        email,
                        address: None,
                        notes,
                        update_language: hindi.map(|h| if h { Language::Hi } else { Language::En }),
                    },
                )
                .map(|_| ()),
            Op::RemoveClient(i) => d.remove_client(&pick(clients, i)).map(|_| ()),
            Op::EraseClient(i) => {
                let id = pick(clients, i);
                let name = d.client(&id).map(|c| c.name).unwrap_or_default();
                d.erase_client(&id, &name).map(|_| ())
            }
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
                        non_effective: false,
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
                                    non_effective: false,
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
                        non_effective: None,
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
                        non_effective: false,
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
