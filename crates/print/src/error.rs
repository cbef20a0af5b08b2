//! What can go wrong printing (a hearing list, a receipt, a bill…): a paper size or a range the
//! printer does not take, a page the list does not have, a layout that could
//! not be produced, or the diary failing underneath. Each has its code from
//! the app-wide [`ErrorCode`] list.

use nextdate_diary::{DiaryError, ErrorCode};

/// Everything `nextdate-print` can refuse or fail at.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("unknown paper size {0:?}: use a4 or letter")]
    UnknownPaper(String),
    #[error("the list ends ({to}) before it starts ({from})")]
    EndsBeforeStart { from: String, to: String },
    #[error("a list covers at most {max} days; this range has {days}")]
    TooManyDays { max: i64, days: i64 },
    #[error("the list has no page {0}")]
    NoSuchPage(usize),
    /// Typst could not lay out or export the list; a bug, not bad input.
    #[error("could not lay out the page ({0})")]
    Layout(String),
    #[error(transparent)]
    Diary(#[from] DiaryError),
}

impl PrintError {
    /// The stable, machine-readable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            PrintError::UnknownPaper(_) => ErrorCode::UnknownValue,
            PrintError::EndsBeforeStart { .. } | PrintError::TooManyDays { .. } | PrintError::NoSuchPage(_) => {
                ErrorCode::OutOfRange
            }
            PrintError::Layout(_) => ErrorCode::OutputFailed,
            PrintError::Diary(e) => e.code(),
        }
    }
}
