//! Property test: after any sequence of operations (valid or not), the
//! incrementally kept projection equals a full rebuild from the documents.

mod common;

use chrono::Duration;
use common::*;
use nextdate_diary::{
    CaseEdit, Diary, FeeKind, HearingEdit, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, Party, RecordHearing,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    AddClient(String),
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
    ]
}

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
            Op::Edit { case, stage, bench } => d.edit_case(
                &pick(cases, case),
                CaseEdit {
                    stage: Some(stage),
                    bench: Some(bench),
                    ..Default::default()
                },
            ),
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
