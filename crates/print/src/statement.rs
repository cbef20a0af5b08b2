//! A client's statement of account: the chamber's name and address, who it is
//! for, the period ("Up to DD-MM-YYYY" when it runs from the first entry), the
//! opening balance when the period starts later, then every entry in a table
//! (Date, Case, Particulars, Reference, Debit, Credit, Balance) whose heading
//! repeats on every page, the running balance marked "Cr" while the client is
//! in credit, a totals row, and the closing balance in figures and in Indian
//! words. Pages are numbered "Page 1 of 3". Every text reaches the template
//! (`statement.typ`) as a JSON string, never as markup.

use nextdate_diary::accounts::{AccountLine, StatementDoc};
use nextdate_diary::dates::iso_to_dmy;
use nextdate_diary::money_words::amount_in_words;
use serde::Serialize;

use crate::bill::{address_lines, bare, sign};
use crate::{Paper, PrintError};
use nextdate_diary::money::format_figure as figure;

/// A laid-out statement of account.
pub type PrintedStatement = crate::printed::Printed;

#[derive(Serialize)]
struct Data {
    paper: &'static str,
    title: String,
    chamber: String,
    address: Vec<String>,
    advocate: String,
    date: String,
    client: String,
    client_address: Vec<String>,
    period: String,
    sign: String,
    /// The opening balance's row, when the period starts after the first entry.
    opening: Option<Row>,
    rows: Vec<Row>,
    empty: &'static str,
    total_debit: String,
    total_credit: String,
    closing: String,
    closing_label: String,
    closing_figure: String,
    closing_words: String,
    footer: String,
}

#[derive(Serialize)]
struct Row {
    date: String,
    case: String,
    particulars: String,
    reference: String,
    debit: String,
    credit: String,
    balance: String,
}

/// A running balance: `1,50,000.00`, or `12,000.00 Cr` while the client is in
/// credit.
fn balance(minor: i64) -> String {
    if minor < 0 {
        format!("{} Cr", bare(minor.saturating_neg()))
    } else {
        bare(minor)
    }
}

fn row(line: &AccountLine) -> Row {
    let (debit, credit) = if line.is_payment() {
        (String::new(), bare(line.amount_minor))
    } else {
        (bare(line.amount_minor), String::new())
    };
    Row {
        date: iso_to_dmy(&line.date),
        case: line.case_number.trim().to_string(),
        particulars: line.description.trim().to_string(),
        reference: line.reference.as_deref().map(str::trim).unwrap_or_default().to_string(),
        debit,
        credit,
        balance: balance(line.balance_minor),
    }
}

/// Lays out the statement.
pub fn statement(s: &StatementDoc, paper: Paper) -> Result<PrintedStatement, PrintError> {
    let to = iso_to_dmy(&s.to);
    let period = match &s.from {
        Some(from) => format!("For the period {} to {to}", iso_to_dmy(from)),
        None => format!("Up to {to}"),
    };
    let opening = s.from.as_ref().map(|from| Row {
        date: iso_to_dmy(from),
        case: String::new(),
        particulars: "Opening balance".to_string(),
        reference: String::new(),
        debit: String::new(),
        credit: String::new(),
        balance: balance(s.opening_balance_minor),
    });
    let closing = s.closing_balance_minor;
    let closing_label = if closing < 0 {
        format!("Closing balance on {to}, in credit")
    } else {
        format!("Closing balance due on {to}")
    };
    let data = Data {
        paper: paper.typst_name(),
        title: format!("Statement of account — {} — {}", s.client_name.trim(), s.chamber_name),
        chamber: s.chamber_name.trim().to_string(),
        address: address_lines(&s.chamber_address),
        advocate: s.advocate.trim().to_string(),
        date: iso_to_dmy(&s.date),
        client: s.client_name.trim().to_string(),
        client_address: address_lines(&s.client_address),
        footer: format!("Statement of account of {} · {period}", iso_to_dmy(&s.date)),
        period,
        sign: sign(&s.currency),
        opening,
        rows: s.lines.iter().map(row).collect(),
        empty: "No entries in this period.",
        total_debit: bare(s.charged_minor),
        total_credit: bare(s.received_minor),
        closing: balance(closing),
        closing_label,
        closing_figure: figure(closing.saturating_abs(), &s.currency),
        closing_words: amount_in_words(closing.saturating_abs(), &s.currency),
    };
    crate::printed::Printed::lay_out(include_str!("statement.typ"), &data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_balance_in_credit_is_marked_cr() {
        assert_eq!(balance(15_000_050), "1,50,000.50");
        assert_eq!(balance(-1_200_000), "12,000.00 Cr");
        assert_eq!(balance(0), "0.00");
    }
}
