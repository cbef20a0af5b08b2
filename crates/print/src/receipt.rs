//! A fee receipt: one A4 page (or US Letter) with the chamber's name and
//! address, the receipt's number and date (DD-MM-YYYY), who paid, the amount in
//! words the Indian way (`nextdate_diary::money_words`) and in figures with
//! paise, the case it was paid in, the mode and reference, and the advocate's
//! signature line. A cancelled receipt still prints, marked CANCELLED with its
//! reason, so a voided number is accounted for. Every text reaches the
//! template (`receipt.typ`) as a JSON string, never as markup.

use nextdate_diary::accounts::Receipt;
use nextdate_diary::dates::iso_to_dmy;
use nextdate_diary::money::format_figure as figure;
use nextdate_diary::money_words::amount_in_words;
use serde::Serialize;

use crate::{Paper, PrintError};

/// A laid-out receipt.
pub type PrintedReceipt = crate::printed::Printed;

#[derive(Serialize)]
struct Data {
    paper: &'static str,
    title: String,
    chamber: String,
    address: Vec<String>,
    number: String,
    date: String,
    from: String,
    words: String,
    matter: String,
    mode: String,
    reference: String,
    figure: String,
    advocate: String,
    cancelled: bool,
    cancel_line: String,
}

/// `WP(C) 123/2026 — Sharma v. State, High Court of Delhi`, leaving out what
/// is empty.
fn matter(r: &Receipt) -> String {
    let mut text = r.case_number.trim().to_string();
    let title = r.case_title.trim();
    if !title.is_empty() {
        if !text.is_empty() {
            text.push_str(" — ");
        }
        text.push_str(title);
    }
    let court = r.court.trim();
    if !court.is_empty() {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(court);
    }
    text
}

fn trimmed(s: &Option<String>) -> String {
    s.as_deref().map(str::trim).unwrap_or_default().to_string()
}

/// Lays out the receipt.
pub fn receipt(r: &Receipt, paper: Paper) -> Result<PrintedReceipt, PrintError> {
    let address = r
        .chamber_address
        .as_deref()
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    let cancel_line = match r.cancelled.as_deref().map(str::trim) {
        None => String::new(),
        Some("") => "Cancelled".to_string(),
        Some(reason) => format!("Cancelled: {reason}"),
    };
    let data = Data {
        paper: paper.typst_name(),
        title: format!("Receipt {} — {}", r.number, r.chamber_name),
        chamber: r.chamber_name.clone(),
        address,
        number: r.number.clone(),
        date: iso_to_dmy(&r.date),
        from: r.received_from.trim().to_string(),
        words: amount_in_words(r.amount_minor, &r.currency),
        matter: matter(r),
        mode: trimmed(&r.mode),
        reference: trimmed(&r.reference),
        figure: figure(r.amount_minor, &r.currency),
        advocate: r.advocate.clone(),
        cancelled: r.cancelled.is_some(),
        cancel_line,
    };
    crate::printed::Printed::lay_out(include_str!("receipt.typ"), &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figure_always_shows_paise() {
        assert_eq!(figure(15_000_000, "INR"), "\u{20b9}1,50,000.00");
        assert_eq!(figure(15_000_050, "INR"), "\u{20b9}1,50,000.50");
        assert_eq!(figure(5, "INR"), "\u{20b9}0.05");
        assert_eq!(figure(0, "INR"), "\u{20b9}0.00");
        assert_eq!(figure(150_000, "USD"), "USD 1,500.00");
    }
}
