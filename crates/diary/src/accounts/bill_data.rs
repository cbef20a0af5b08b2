//! What a printed bill (fee memo) and a statement of account show, gathered
//! by [`crate::Diary::issue_bill`] and [`crate::Diary::statement`]: the
//! printer (`nextdate-print`) lays them out and never reads the diary itself.
//! Amounts are minor units (paise) of `currency`, always positive; `kind`
//! says which way an entry goes.

use serde::Serialize;

/// One entry of a bill or a statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountLine {
    /// ISO date.
    pub date: String,
    pub case_number: String,
    /// `fixed`, `appearance`, `time`, `agreed`, `expense`, `tax` (charges)
    /// or `received` (a payment).
    pub kind: String,
    /// In words: "Appearance on 04-05-2026 (non-effective)", "2 h 30 min:
    /// drafting the reply", "Court fees", "Payment by cheque (Ref. 004512)".
    pub description: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
    /// The receipt's number for a payment, or the bill that charged an entry.
    pub reference: Option<String>,
    /// The balance after this entry (statements only; 0 on bills).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub balance_minor: i64,
}

impl AccountLine {
    /// Whether the entry is a payment (a credit) rather than a charge.
    pub fn is_payment(&self) -> bool {
        self.kind == "received"
    }
}

/// The chamber's tax line on bills, when it has turned one on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaxLine {
    /// As printed: "GST @ 18%".
    pub label: String,
    /// The professional fees it is charged on.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub on_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
}

/// A bill (fee memo) for a case or for all of a client's cases over a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BillDoc {
    /// `A-3/2026-27`.
    pub number: String,
    /// The day it was issued (ISO).
    pub date: String,
    pub chamber_name: String,
    pub chamber_address: Option<String>,
    /// The chamber's GSTIN, printed only when the chamber turned tax on.
    pub gstin: Option<String>,
    pub advocate: String,
    /// Who the bill is to.
    pub client_name: String,
    pub client_address: Option<String>,
    /// "CS(COMM) 55/2026 — Pooja Malhotra v. State, Delhi High Court", or
    /// "All matters" for a client's bill.
    pub matter: String,
    /// The period (ISO dates, inclusive).
    pub from: String,
    pub to: String,
    pub currency: String,
    /// Due before the period began (negative: paid in advance).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub opening_balance_minor: i64,
    /// Every charge and payment in the period, by date.
    pub lines: Vec<AccountLine>,
    /// Fixed and agreed fees in the period.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub fees_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub appearances_minor: i64,
    /// Appearances in the period (of which non-effective).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub appearance_count: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub non_effective_count: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub time_minor: i64,
    /// Billable minutes in the period.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub billable_minutes: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub expenses_minor: i64,
    pub tax: Option<TaxLine>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub received_minor: i64,
    /// Opening balance + charges + tax - received.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub due_minor: i64,
    /// Set when the bill was cancelled: the reason.
    pub cancelled: Option<String>,
}

/// A client's statement of account: every entry with a running balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatementDoc {
    /// The day it was made (ISO).
    pub date: String,
    pub chamber_name: String,
    pub chamber_address: Option<String>,
    pub advocate: String,
    pub client_name: String,
    pub client_address: Option<String>,
    /// The period (ISO dates, inclusive); `None`: from the first entry.
    pub from: Option<String>,
    pub to: String,
    pub currency: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub opening_balance_minor: i64,
    pub lines: Vec<AccountLine>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub charged_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub received_minor: i64,
    /// The balance at the end (negative: in credit).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub closing_balance_minor: i64,
}
