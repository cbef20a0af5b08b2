//! What every correction of a record inside a case shares: finding the case
//! that holds a record (removed ones too), checking that a record belongs to
//! the case it is asked of, and saying a correction in words for the history.

use rusqlite::OptionalExtension;

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::write::WriteTxn;

/// The kinds of record a case holds (tasks may also belong to the chamber).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildKind {
    Hearing,
    Task,
    Note,
    Fee,
    Document,
    /// A time entry.
    Time,
}

impl ChildKind {
    /// The record kind's name, in messages and in `removed_records`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChildKind::Hearing => "hearing",
            ChildKind::Task => "task",
            ChildKind::Note => "note",
            ChildKind::Fee => "fee",
            ChildKind::Document => "document",
            ChildKind::Time => "time",
        }
    }

    fn table(self) -> &'static str {
        match self {
            ChildKind::Hearing => "hearings",
            ChildKind::Task => "tasks",
            ChildKind::Note => "notes",
            ChildKind::Fee => "fees",
            ChildKind::Document => "documents",
            ChildKind::Time => "time_entries",
        }
    }
}

/// Where a record was found: live in its table, or listed as removed.
fn find(conn: &rusqlite::Connection, kind: ChildKind, id: &str) -> Result<Option<(String, bool)>> {
    let live: Option<String> = conn
        .prepare_cached(&format!("SELECT case_id FROM {} WHERE id = ?1 LIMIT 1", kind.table()))?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(case) = live {
        return Ok(Some((case, false)));
    }
    let removed: Option<String> = conn
        .prepare_cached("SELECT owner_id FROM removed_records WHERE kind = ?1 AND id = ?2 LIMIT 1")?
        .query_row([kind.as_str(), id], |r| r.get(0))
        .optional()?;
    Ok(removed.map(|case| (case, true)))
}

impl Diary {
    /// The case (or, for a chamber task, the chamber) that holds the record
    /// `id`, even when the record was removed; unknown ids are an error.
    pub fn case_of(&self, kind: ChildKind, id: &str) -> Result<String> {
        match find(&self.conn, kind, id)? {
            Some((case, _)) => Ok(case),
            None => Err(DiaryError::UnknownId {
                kind: kind.as_str(),
                id: id.into(),
            }),
        }
    }
}

impl WriteTxn<'_> {
    /// Checks that `id` is a record of `kind` in `case_id` that is not removed:
    /// unknown ids, records of another case and removed records are each
    /// their own error.
    pub(crate) fn check_child(&self, case_id: &str, kind: ChildKind, id: &str) -> Result<()> {
        match find(self.tx, kind, id)? {
            None => Err(DiaryError::UnknownId {
                kind: kind.as_str(),
                id: id.into(),
            }),
            Some((owner, _)) if owner != case_id => Err(DiaryError::WrongCase {
                kind: kind.as_str(),
                id: id.into(),
                case: case_id.into(),
            }),
            Some((_, true)) => Err(DiaryError::AlreadyRemoved {
                kind: kind.as_str(),
                id: id.into(),
            }),
            Some((_, false)) => Ok(()),
        }
    }
}

/// One field's correction in words for the history, or `None` when it did not
/// change: "next date changed from 10-04-2031 to 20-04-2031", "purpose set to
/// Evidence", "remark cleared (was Paid twice)".
pub fn describe_change(field: &str, old: Option<&str>, new: Option<&str>) -> Option<String> {
    match (old, new) {
        (a, b) if a == b => None,
        (None, Some(b)) => Some(format!("{field} set to {b}")),
        (Some(a), None) => Some(format!("{field} cleared (was {a})")),
        (Some(a), Some(b)) => Some(format!("{field} changed from {a} to {b}")),
        (None, None) => None,
    }
}

/// Several corrections as one sentence, the first word capitalised:
/// "Next date changed from … to …; purpose set to …".
pub fn sentence(parts: &[String]) -> String {
    let joined = parts.join("; ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_said_in_words() {
        assert_eq!(
            describe_change("next date", Some("10-04-2031"), Some("20-04-2031")).as_deref(),
            Some("next date changed from 10-04-2031 to 20-04-2031")
        );
        assert_eq!(
            describe_change("purpose", None, Some("Evidence")).as_deref(),
            Some("purpose set to Evidence")
        );
        assert_eq!(
            describe_change("remark", Some("Paid twice"), None).as_deref(),
            Some("remark cleared (was Paid twice)")
        );
        assert_eq!(describe_change("item", Some("4"), Some("4")), None);
        assert_eq!(
            sentence(&["next date changed from a to b".into(), "item set to 3".into()]),
            "Next date changed from a to b; item set to 3"
        );
    }
}
