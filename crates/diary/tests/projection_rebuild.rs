//! Property test: after any sequence of operations (valid or not), the
//! incrementally kept projection equals a full rebuild from the documents.
//! The operations are in `projection_ops/`.

mod common;
mod projection_ops;

use chrono::Duration;
use common::*;
use projection_ops::{apply, correction_op, op, Op};
use proptest::prelude::*;

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
