//! One module per kind of record, each holding its inputs (`NewClient`,
//! `NewCase`, `RecordHearing` …), its checks and its operations: methods on
//! [`WriteTxn`](crate::write::WriteTxn) that change records inside a write
//! transaction, and shorthands on [`Diary`](crate::Diary) that run one such
//! change in a transaction of its own.

pub mod case;
pub mod client;
pub mod corrected;
pub mod document;
pub mod fee;
pub mod hearing;
pub mod note;
pub mod task;

pub use case::{CaseEdit, NewCase, WholeCase, STATUSES};
pub use client::NewClient;
pub use corrected::Corrected;
pub use document::{DocumentEdit, MAX_DOCUMENT_BYTES};
pub use fee::{FeeEdit, NewFee, PaymentMode};
pub use hearing::{NextStep, RecordHearing};
pub use note::{NewNote, NoteEdit};
pub use task::{NewTask, TaskEdit};
pub mod child;

pub use child::ChildKind;
