//! The operations of the projection property tests (`projection_rebuild.rs`):
//! every change a diary can be asked for, valid or not, as data ([`Op`]),
//! proptest strategies that make them (`strategies.rs`), and applying them to
//! a real diary (`apply.rs`), refusals included.

#![allow(dead_code)]

mod apply;
mod strategies;

pub use apply::apply;
pub use strategies::{correction_op, op};

#[derive(Debug, Clone)]
pub enum Op {
    AddClient(String),
    // ---- Client and case corrections: client edit and removal, case edit, status change ----
    EditClient {
        client: usize,
        name: Option<String>,
        phones: Option<Vec<String>>,
        email: Option<Option<String>>,
        notes: Option<Option<String>>,
        /// The language of updates: Hindi, English, or left as it is.
        hindi: Option<bool>,
    },
    RemoveClient(usize),
    /// Erase a client's personal data (confirmed with the name they have now).
    EraseClient(usize),
    EditCase {
        case: usize,
        title: Option<String>,
        court: Option<u8>,
        number: Option<u16>,
        /// Replaces the parties, the first with this counsel.
        counsel: Option<Option<String>>,
        attach: Option<Vec<usize>>,
        /// Assign to this diary's member (`true`) or to an unknown one.
        assign_me: Option<bool>,
    },
    ChangeStatus {
        case: usize,
        to: u8,
        day: i64,
        court: Option<u8>,
        remark: Option<String>,
    },
    // ---- end of client and case corrections ----
    AddCase {
        title: String,
        number: u16,
        court: u8,
        client: Option<usize>,
        next_in: Option<i64>,
    },
    Record {
        case: usize,
        day: i64,
        next_in: Option<i64>,
        outcome: Option<String>,
    },
    AddTask {
        case: usize,
        title: String,
        due_in: Option<i64>,
    },
    CompleteTask(usize),
    AddFee {
        case: usize,
        kind: u8,
        amount: i64,
    },
    AddNote {
        case: usize,
        text: String,
        visible: bool,
    },
    Edit {
        case: usize,
        stage: Option<String>,
        bench: Option<String>,
    },
    Rebuild,
    // ---- Hearing corrections (hearings): edit, remove, re-record, list on a date. ----
    /// A case listed on a day and, with `next_in`, recorded there with a next date:
    /// material for the corrections below.
    ListedCase {
        number: u16,
        listed_in: i64,
        next_in: Option<i64>,
    },
    /// `hearing` picks among the case's hearings, removed ones included.
    EditHearing {
        case: usize,
        hearing: usize,
        date_in: Option<i64>,
        item: Option<Option<i64>>,
        purpose: Option<Option<String>>,
        outcome: Option<Option<String>>,
        next_in: Option<Option<i64>>,
    },
    RemoveHearing {
        case: usize,
        hearing: usize,
    },
    /// Records one of the case's hearings again, with another next date.
    ReRecord {
        case: usize,
        hearing: usize,
        next_in: i64,
    },
    ListCase {
        case: usize,
        day: i64,
        purpose: Option<String>,
        item: Option<i64>,
    },
    // ---- end of hearing corrections ----
    // --- Corrections of tasks (on cases and on the chamber), notes, fees and
    // documents: see `apply_record_op`. Indexes pick among the records made so
    // far, removed ones included; `wrong` names another case than the record's.
    AddChamberTask {
        title: String,
        due_in: Option<i64>,
    },
    EditTask {
        task: usize,
        title: Option<String>,
        due_in: Option<Option<i64>>,
        wrong: bool,
    },
    ReopenTask(usize),
    RemoveTask(usize),
    EditNote {
        note: usize,
        text: Option<String>,
        visible: Option<bool>,
    },
    RemoveNote(usize),
    EditFee {
        fee: usize,
        amount: Option<i64>,
        mode: Option<u8>,
        wrong: bool,
    },
    VoidFee {
        fee: usize,
        reason: String,
    },
    AttachDocument {
        case: usize,
        content: u8,
        visible: bool,
    },
    EditDocument {
        doc: usize,
        name: Option<String>,
        visible: Option<bool>,
    },
    RemoveDocument(usize),
    // --- end of the corrections of tasks, notes, fees and documents.
}

pub const COURTS: &[&str] = &["Delhi High Court", "Saket District Courts", "Bombay High Court"];
