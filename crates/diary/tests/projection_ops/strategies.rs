//! Proptest strategies for [`super::Op`]: any operation ([`op`]), and
//! mostly corrections of clients and cases ([`correction_op`]).

use proptest::prelude::*;

use super::Op;

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Z][a-z]{2,8} [A-Z][a-z]{2,8}",
        Just("राम कुमार".to_string()),
        Just("सुनीता देवी".to_string()),
        Just("  ".to_string()),
    ]
}

pub fn op() -> impl Strategy<Value = Op> {
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
pub fn correction_op() -> impl Strategy<Value = Op> {
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
            of(of("[a-z ]{0,20}")),
            of(any::<bool>())
        )
            .prop_map(|(client, name, phones, email, notes, hindi)| Op::EditClient {
                client,
                name,
                phones,
                email,
                notes,
                hindi
            }),
        (0usize..8).prop_map(Op::RemoveClient),
        (0usize..8).prop_map(Op::EraseClient),
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
