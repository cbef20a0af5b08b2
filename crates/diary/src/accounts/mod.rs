//! Accounts: how a case is charged ([`terms`]), the time spent on it
//! ([`time`], with a [`timer`] that survives closing the app), what it has
//! earned against what was received ([`earned`]), and receipts ([`receipt`])
//! whose numbers run by financial year and never clash between the laptops
//! of a chamber ([`numbering`]). Terms, time and receipts are written like
//! fees, so the same chamber roles may change them (see `docs/roles.md`).

mod bill_data;
pub mod earned;
pub mod numbering;
pub mod receipt;
mod receipt_data;
pub mod terms;
pub mod time;
pub mod timer;

pub use bill_data::{AccountLine, BillDoc, StatementDoc, TaxLine};
pub use earned::CaseAccount;
pub use receipt_data::Receipt;
pub use terms::{describe_terms, TermsInput};
pub use time::{format_minutes, parse_duration, NewTimeEntry, TimeEdit, TimeRow};
pub use timer::{RunningTimer, TimerStopped};
