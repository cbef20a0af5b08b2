//! Accounts: how a case is charged ([`terms`]), the time spent on it
//! ([`time`], with a [`timer`] that survives closing the app), what it has
//! earned against what was received ([`earned`]), receipts ([`receipt`])
//! and bills ([`bill`]) whose numbers run by financial year and never clash
//! between the laptops of a chamber ([`numbering`]), and what all of them
//! are made from: the [`ledger`] of every charge and payment, which also
//! gives statements of account ([`statement`]), the [`outstanding`] list and
//! the accountant's CSV ([`ledger_csv`]). The chamber's address and tax line
//! are in [`billing`]. Terms, time, receipts and bills are written like
//! fees, so the same chamber roles may change them (see `docs/roles.md`).

pub mod bill;
mod bill_data;
pub mod billing;
pub mod earned;
pub mod ledger;
pub mod ledger_csv;
pub mod numbering;
pub mod outstanding;
pub mod receipt;
mod receipt_data;
pub mod statement;
pub mod terms;
pub mod time;
pub mod timer;

pub use crate::queries::CaseOrClient;
pub use bill::BillRow;
pub use bill_data::{AccountLine, BillDoc, StatementDoc, TaxLine};
pub use billing::Billing;
pub use earned::CaseAccount;
pub use ledger::{LedgerEntry, LedgerScope};
pub use outstanding::{Outstanding, OutstandingRow, UnpaidBill};
pub use receipt_data::Receipt;
pub use terms::{describe_terms, TermsInput};
pub use time::{format_minutes, parse_duration, NewTimeEntry, TimeEdit, TimeRow};
pub use timer::{RunningTimer, TimerStopped};
