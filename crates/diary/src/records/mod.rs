//! One module per kind of record, each holding its inputs (`NewClient`,
//! `NewCase`, `RecordHearing` …), its checks and its operations: methods on
//! [`WriteTxn`](crate::write::WriteTxn) that change records inside a write
//! transaction, and shorthands on [`Diary`](crate::Diary) that run one such
//! change in a transaction of its own.

pub mod case;
pub mod case_edit;
pub mod case_status_change;
pub mod changes;
pub mod client;
pub mod document;
pub mod fee;
pub mod hearing;
pub mod note;
pub mod task;

pub use case::{NewCase, WholeCase, STATUSES};
pub use case_edit::CaseEdit;
pub use case_status_change::StatusChange;
pub use changes::{Changes, FieldChange};
pub use client::{ClientEdit, NewClient};
pub use document::MAX_DOCUMENT_BYTES;
pub use fee::NewFee;
pub use hearing::{NextStep, RecordHearing};
pub use note::NewNote;
pub use task::NewTask;
// `check_child` has no caller on the cases branch (the hearing and record
// corrections use it); drop this allow when they are merged.
#[allow(dead_code)]
pub mod child;

pub use child::ChildKind;
