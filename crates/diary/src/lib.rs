//! `nextdate-diary`: the core of Nextdate, an encrypted, local-first case diary
//! for advocates.
//!
//! Records (chamber, clients, cases with their hearings, tasks, notes, fees and
//! documents) are Automerge documents ([`model`]) stored in a SQLCipher database
//! ([`store`]) whose key is kept in the OS keyring or wrapped by a passphrase
//! ([`keys`]). Every change updates an SQL projection ([`projection`]) in the same
//! transaction, and every screen reads that projection ([`queries`]).
//!
//! Where things are: the [`diary`] itself and its [`lifecycle`](diary::lifecycle)
//! (create, open, reprotect, delete); the [`write`] path every change takes;
//! shared checks in [`validate`]; one module per kind of record in [`records`].
//! No Tauri and no network here.

pub mod accounts;
pub mod atomic_file;
pub mod authorize;
pub mod authorship;
pub mod auto_backup;
pub mod backup;
pub mod blob_exchange;
pub mod calendar;
pub mod case_status;
pub mod check;
pub mod client_update;
pub mod dates;
pub mod deletion;
pub mod demo;
pub mod diary;
pub(crate) mod doc_cache;
pub mod docdiff;
pub mod erasure;
pub mod error;
pub mod error_code;
pub mod export;
pub mod hydration;
pub mod import;
pub mod keys;
pub mod listing;
pub mod membership;
pub mod model;
pub mod money;
pub mod money_words;
pub mod order;
pub(crate) mod parallel;
pub mod progress;
pub mod projection;
pub mod queries;
pub mod records;
pub mod reminders;
pub mod replication;
pub mod roles;
pub mod status_links;
pub mod store;
pub mod undo;
pub mod validate;
pub mod write;

pub use case_status::CaseStatus;
pub use diary::{Diary, InitOptions, NewDiary, RecoverySecrets};
pub use error::{DiaryError, ErrorCode, Result};
pub use keys::{KeyMode, Protection, Unlock};
pub use listing::MemberRow;
pub use model::{FeeKind, Party};
pub use progress::{Cancel, Progress, Stage, Step};
pub use queries::{
    Board, BoardEntry, CaseDetail, CaseFilter, CaseSummary, DayCount, DocumentRow, FeeBalance, HistoryEntry, SearchHit,
    TaskPage, TaskRow, UndatedPreview,
};
pub use records::{CaseEdit, NewCase, NewClient, NewFee, NewNote, NewTask, NextStep, RecordHearing, WholeCase};
pub use records::{Changes, ClientEdit, FieldChange, HearingChange, HearingEdit, StatusChange};
pub use write::WriteTxn;
pub use zeroize::Zeroizing;
