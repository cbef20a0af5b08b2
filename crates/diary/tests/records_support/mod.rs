//! Helpers shared by the tests of corrections to tasks, notes, fees and
//! documents: two cases to work on, a refusal that must change nothing, and
//! the projection checked against a rebuild.

#![allow(dead_code)]

use chrono::Duration;
use nextdate_diary::Diary;

use crate::common::{seed, state, today};

pub const UNKNOWN: &str = "01JZZZZZZZZZZZZZZZZZZZZZZZ";

/// Everything a refusal must leave alone: the projection, the documents'
/// chunks, the outbox and the attachments' bytes.
pub fn snapshot(d: &Diary) -> (Vec<String>, i64, i64, Vec<String>) {
    let (dump, chunks, outbox) = state(d);
    let mut stmt = d.conn().prepare("SELECT id FROM blobs ORDER BY id").unwrap();
    let blobs = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
    (dump, chunks, outbox, blobs)
}

/// Runs `f`, expects the error `code`, and checks that nothing changed.
pub fn refused<T: std::fmt::Debug>(d: &mut Diary, code: &str, f: impl FnOnce(&mut Diary) -> nextdate_diary::Result<T>) {
    let before = snapshot(d);
    let err = f(d).expect_err(&format!("expected {code}"));
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(snapshot(d), before, "a refused change ({code}) wrote something");
}

/// The incrementally kept projection equals a rebuild.
pub fn assert_projection_sound(d: &mut Diary) {
    let incremental = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(incremental, nextdate_diary::projection::dump(d.conn()).unwrap());
}

pub fn last_message(d: &Diary, case: &str) -> String {
    d.history(case).unwrap().last().unwrap().message.clone()
}

pub fn removed(d: &Diary, kind: &str, id: &str) -> bool {
    d.conn()
        .query_row(
            "SELECT count(*) FROM removed_records WHERE kind = ?1 AND id = ?2",
            [kind, id],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
        == 1
}

pub fn two_cases(d: &mut Diary) -> (String, String) {
    let (_, a) = seed(d, "Pooja Malhotra", "CS(COMM) 55/2026", today() + Duration::days(3));
    let (_, b) = seed(d, "Ravi Kumar", "CRL.A. 9/2026", today() + Duration::days(5));
    (a, b)
}
