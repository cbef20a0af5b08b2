//! Why a command failed, as the CLI reports it: a diary error or a sync error,
//! each with its stable code and its sentence.

use nextdate_diary::DiaryError;

/// A diary error or a sync error, each with its code.
pub enum Failure {
    Diary(DiaryError),
    Sync(nextdate_sync::SyncError),
}

impl<E: Into<DiaryError>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::Diary(e.into())
    }
}

impl Failure {
    pub fn code(&self) -> nextdate_diary::ErrorCode {
        match self {
            Failure::Diary(e) => e.code(),
            Failure::Sync(e) => e.code(),
        }
    }

    pub fn message(&self) -> String {
        match self {
            Failure::Diary(e) => e.to_string(),
            Failure::Sync(e) => e.to_string(),
        }
    }
}
