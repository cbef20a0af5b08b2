//! One module per command group. Each takes its parsed arguments and the open
//! diary (or, before unlocking, the diary folder), calls `nextdate-diary` (or
//! `nextdate-sync`, `nextdate-print`, `nextdate-remind`) and prints the outcome
//! through [`crate::output::Out`]. No logic of the diary's own lives here.

pub mod accounts;
pub mod backup;
pub mod bills;
pub mod board;
pub mod case;
pub mod client;
pub mod client_update;
pub mod doc;
pub mod export;
pub mod fee;
pub mod hearing;
pub mod import;
pub mod init;
pub mod key;
pub mod links;
pub mod listing;
pub mod maintenance;
pub mod note;
pub mod print;
pub mod remind;
pub mod search;
pub mod sync;
pub mod task;
pub mod undo;

use chrono::{Local, NaiveDate};
use nextdate_diary::{dates::parse_date, DiaryError};

/// Today on this computer.
pub(crate) fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// A date as typed on the command line (`23-11-2026`, `+2w`, `next mon`, …).
pub(crate) fn date_arg(s: &str) -> Result<NaiveDate, DiaryError> {
    parse_date(s, today())
}

/// An optional date argument.
pub(crate) fn opt_date_arg(s: Option<&str>) -> Result<Option<NaiveDate>, DiaryError> {
    s.map(date_arg).transpose()
}

/// Text typed on one command line with `\n` for each new line.
pub(crate) fn typed_lines(typed: &str) -> String {
    typed.replace("\\n", "\n")
}
