//! A bill (fee memo): the chamber's name, address and (when tax is on) GSTIN,
//! the bill's number and date (DD-MM-YYYY), who it is to, the matter and the
//! period, then every charge and payment of the period in a table with two
//! figure columns, Charges and Received, whose heading repeats on every page.
//! A summary closes it: the balance brought forward, fees, appearances, time,
//! expenses, the tax line, what was received and the balance due in figures
//! and in Indian words, above the advocate's signature line. A bill runs to as
//! many pages as it needs, numbered "Page 1 of 3"; a cancelled bill still
//! prints, stamped CANCELLED on every page with its reason. Every text reaches
//! the template (`bill.typ`) as a JSON string, never as markup.

use nextdate_diary::accounts::{format_minutes, AccountLine, BillDoc};
use nextdate_diary::dates::iso_to_dmy;
use nextdate_diary::money::format_figure as figure;
use nextdate_diary::money_words::amount_in_words;
use serde::Serialize;

use crate::{Paper, PrintError};

/// A laid-out bill.
pub type PrintedBill = crate::printed::Printed;

#[derive(Serialize)]
struct Data {
    paper: &'static str,
    title: String,
    chamber: String,
    address: Vec<String>,
    gstin: String,
    advocate: String,
    number: String,
    date: String,
    client: String,
    client_address: Vec<String>,
    matter: String,
    period: String,
    /// `₹`, or the currency's code, for the figure columns' headings.
    sign: String,
    rows: Vec<Row>,
    empty: &'static str,
    summary: Vec<SumRow>,
    due_label: &'static str,
    due_figure: String,
    due_words: String,
    footer: String,
    cancelled: bool,
    cancel_line: String,
}

#[derive(Serialize)]
struct Row {
    date: String,
    case: String,
    particulars: String,
    /// The receipt's number under a payment, a bill's under a charge.
    note: String,
    charge: String,
    received: String,
}

#[derive(Serialize)]
struct SumRow {
    label: String,
    figure: String,
}

/// The amount with paise and without the currency, for a column whose
/// heading names it: `1,50,000.50`, `-0.05`.
pub(crate) fn bare(minor: i64) -> String {
    figure(minor, "INR").replacen('\u{20b9}', "", 1)
}

/// What the figure columns' headings name the currency by: `₹` or `USD`.
pub(crate) fn sign(currency: &str) -> String {
    match currency.trim() {
        "INR" => "\u{20b9}".to_string(),
        other => other.to_string(),
    }
}

/// A postal address's non-empty lines.
pub(crate) fn address_lines(text: &Option<String>) -> Vec<String> {
    text.as_deref()
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn row(line: &AccountLine, number: &str) -> Row {
    let reference = line.reference.as_deref().map(str::trim).unwrap_or_default();
    let note = match (line.is_payment(), reference) {
        (_, "") => String::new(),
        (true, r) => format!("Receipt No. {r}"),
        // A charge's own bill goes without saying.
        (false, r) if r == number => String::new(),
        (false, r) => format!("Bill No. {r}"),
    };
    let (charge, received) = if line.is_payment() {
        (String::new(), bare(line.amount_minor))
    } else {
        (bare(line.amount_minor), String::new())
    };
    Row {
        date: iso_to_dmy(&line.date),
        case: line.case_number.trim().to_string(),
        particulars: line.description.trim().to_string(),
        note,
        charge,
        received,
    }
}

/// The summary's rows above the balance due, leaving out what is nil.
fn summary(b: &BillDoc) -> Vec<SumRow> {
    let mut rows = Vec::new();
    let mut push = |label: String, minor: i64| {
        rows.push(SumRow {
            label,
            figure: bare(minor),
        })
    };
    if b.opening_balance_minor > 0 {
        push("Balance brought forward".into(), b.opening_balance_minor);
    } else if b.opening_balance_minor < 0 {
        push(
            "Less: balance brought forward, in advance".into(),
            b.opening_balance_minor.saturating_neg(),
        );
    }
    if b.fees_minor != 0 {
        push("Fees".into(), b.fees_minor);
    }
    if b.appearances_minor != 0 || b.appearance_count != 0 {
        let label = match b.non_effective_count {
            0 => format!("Appearances ({})", b.appearance_count),
            k => format!("Appearances ({}, of which {k} non-effective)", b.appearance_count),
        };
        push(label, b.appearances_minor);
    }
    if b.time_minor != 0 || b.billable_minutes != 0 {
        push(format!("Time ({})", format_minutes(b.billable_minutes)), b.time_minor);
    }
    if b.expenses_minor != 0 {
        push("Expenses".into(), b.expenses_minor);
    }
    if let Some(t) = &b.tax {
        push(format!("{} on {}", t.label.trim(), bare(t.on_minor)), t.amount_minor);
    }
    if b.received_minor != 0 {
        push("Less: received".into(), b.received_minor);
    }
    rows
}

/// Lays out the bill.
pub fn bill(b: &BillDoc, paper: Paper) -> Result<PrintedBill, PrintError> {
    let cancel_line = match b.cancelled.as_deref().map(str::trim) {
        None => String::new(),
        Some("") => "Cancelled".to_string(),
        Some(reason) => format!("Cancelled: {reason}"),
    };
    let (due_label, due) = if b.due_minor < 0 {
        ("Paid in advance", b.due_minor.saturating_neg())
    } else {
        ("Balance due", b.due_minor)
    };
    let date = iso_to_dmy(&b.date);
    let data = Data {
        paper: paper.typst_name(),
        title: format!("Fee memo {} — {}", b.number, b.chamber_name),
        chamber: b.chamber_name.trim().to_string(),
        address: address_lines(&b.chamber_address),
        gstin: b.gstin.as_deref().map(str::trim).unwrap_or_default().to_string(),
        advocate: b.advocate.trim().to_string(),
        number: b.number.clone(),
        footer: format!("Fee memo {} of {date}", b.number),
        date,
        client: b.client_name.trim().to_string(),
        client_address: address_lines(&b.client_address),
        matter: b.matter.trim().to_string(),
        period: format!("For the period {} to {}", iso_to_dmy(&b.from), iso_to_dmy(&b.to)),
        sign: sign(&b.currency),
        rows: b.lines.iter().map(|l| row(l, &b.number)).collect(),
        empty: "No charges or payments in this period.",
        summary: summary(b),
        due_label,
        due_figure: figure(due, &b.currency),
        due_words: amount_in_words(due, &b.currency),
        cancelled: b.cancelled.is_some(),
        cancel_line,
    };
    crate::printed::Printed::lay_out(include_str!("bill.typ"), &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_always_show_paise() {
        assert_eq!(figure(15_000_050, "INR"), "\u{20b9}1,50,000.50");
        assert_eq!(figure(0, "INR"), "\u{20b9}0.00");
        assert_eq!(bare(15_000_000), "1,50,000.00");
        assert_eq!(bare(5), "0.05");
        assert_eq!(bare(-250_000), "-2,500.00");
        assert_eq!(sign("INR"), "\u{20b9}");
        assert_eq!(sign("USD"), "USD");
    }

    #[test]
    fn a_payment_names_its_receipt_and_a_charge_another_bill() {
        let line = AccountLine {
            date: "2026-05-04".into(),
            case_number: "CS(COMM) 55/2026".into(),
            kind: "received".into(),
            description: "Payment by cheque".into(),
            amount_minor: 2_500_000,
            reference: Some("A-7/2026-27".into()),
            balance_minor: 0,
        };
        let r = row(&line, "A-3/2026-27");
        assert_eq!((r.date.as_str(), r.received.as_str()), ("04-05-2026", "25,000.00"));
        assert_eq!((r.note.as_str(), r.charge.as_str()), ("Receipt No. A-7/2026-27", ""));
        let charge = AccountLine {
            kind: "fixed".into(),
            reference: Some("A-3/2026-27".into()),
            ..line
        };
        assert_eq!(row(&charge, "A-3/2026-27").note, "");
        assert_eq!(row(&charge, "A-9/2026-27").note, "Bill No. A-3/2026-27");
    }
}
