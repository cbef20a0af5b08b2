//! What a printed fee receipt shows, gathered from the diary's projection by
//! [`crate::Diary::receipt`]: the printer (`nextdate-print`) lays it out and
//! never reads the diary itself.

use serde::Serialize;

/// A receipt for one payment received, ready to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Receipt {
    /// The receipt number, e.g. `A-7/2026-27`: this laptop's series, its
    /// running number in the financial year, and the year (April to March).
    pub number: String,
    /// The financial year, `2026-27`.
    pub financial_year: String,
    /// The payment's date (ISO `YYYY-MM-DD`): the receipt's date.
    pub date: String,
    pub chamber_name: String,
    /// The chamber's postal address (several lines), if set.
    pub chamber_address: Option<String>,
    /// Whose signature the receipt carries: the diary's advocate.
    pub advocate: String,
    /// Who paid: the case's clients' names, joined with ", " (empty when the
    /// case has no client).
    pub received_from: String,
    pub case_number: String,
    pub case_title: String,
    pub court: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
    /// ISO 4217, e.g. `INR`.
    pub currency: String,
    /// The payment mode as stored (`cash`, `UPI`, `cheque`, `bank transfer`, `card`).
    pub mode: Option<String>,
    /// The payment's reference or remark (cheque number, UPI reference).
    pub reference: Option<String>,
    /// Set when the payment was voided: the reason. The receipt then prints
    /// as cancelled; its number is never given to another payment.
    pub cancelled: Option<String>,
}
