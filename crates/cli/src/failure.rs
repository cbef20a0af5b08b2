//! Why a command failed, as the CLI reports it: a diary, sync, printing or
//! reminder error, each with its stable code and its sentence.

use nextdate_diary::DiaryError;

/// A diary, sync, printing or reminder error, each with its code.
pub enum Failure {
    Diary(DiaryError),
    Sync(nextdate_sync::SyncError),
    Print(nextdate_print::PrintError),
    Remind(nextdate_remind::RemindError),
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
            Failure::Print(e) => e.code(),
            Failure::Remind(e) => e.code(),
        }
    }

    pub fn message(&self) -> String {
        match self {
            Failure::Diary(e) => e.to_string(),
            Failure::Sync(e) => e.to_string(),
            Failure::Print(e) => e.to_string(),
            Failure::Remind(e) => e.to_string(),
        }
    }
}
