//! Money as integer minor units (paise, cents) with an ISO 4217 currency code.
//! Parsing never goes through a float.

use crate::error::{DiaryError, Result};

/// Parses `1500`, `1500.5`, `1500.50` or `1,50,000.00` into minor units (two decimals).
/// Negative, empty or over-precise amounts are refused.
pub fn parse_amount(input: &str) -> Result<i64> {
    let bad = || DiaryError::InvalidAmount(input.to_string());
    let s: String = input.trim().chars().filter(|c| *c != ',' && *c != '_').collect();
    if s.is_empty() || s.starts_with('-') || s.starts_with('+') {
        return Err(bad());
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

/// Formats minor units as `1500.50`.
pub fn format_amount(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Formats an amount for people, as history messages say it: `₹5,000`,
/// `₹1,50,000.50` (Indian digit grouping, paise only when there are some), or
/// `USD 1,500` for any other currency.
pub fn format_money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let whole = group_indian(&(abs / 100).to_string());
    let body = match abs % 100 {
        0 => whole,
        paise => format!("{whole}.{paise:02}"),
    };
    match currency {
        "INR" => format!("{sign}\u{20b9}{body}"),
        other => format!("{sign}{other} {body}"),
    }
}

/// Formats an amount for a printed figure, always with paise: `₹1,50,000.00`,
/// `₹0.05`, `USD 1,500.00` (receipts, bills, statements).
pub fn format_figure(minor: i64, currency: &str) -> String {
    let text = format_money(minor, currency);
    if minor % 100 == 0 {
        format!("{text}.00")
    } else {
        text
    }
}

/// Groups whole-number digits the Indian way: `1,50,00,000`.
fn group_indian(digits: &str) -> String {
    if digits.len() <= 3 {
        return digits.to_string();
    }
    let (rest, last3) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<&str> = Vec::new();
    let mut rest = rest;
    while rest.len() > 2 {
        let (head, pair) = rest.split_at(rest.len() - 2);
        groups.push(pair);
        rest = head;
    }
    if !rest.is_empty() {
        groups.push(rest);
    }
    groups.reverse();
    format!("{},{last3}", groups.join(","))
}

/// Checks an ISO 4217-shaped currency code (three ASCII capitals).
pub fn check_currency(code: &str) -> Result<String> {
    let c = code.trim().to_uppercase();
    if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(DiaryError::InvalidCurrency(code.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_amounts_exactly() {
        assert_eq!(parse_amount("1500.50").unwrap(), 150050);
        assert_eq!(parse_amount("1500.5").unwrap(), 150050);
        assert_eq!(parse_amount("1500").unwrap(), 150000);
        assert_eq!(parse_amount("1,50,000.05").unwrap(), 15000005);
        assert_eq!(parse_amount("0.01").unwrap(), 1);
        assert_eq!(format_amount(150050), "1500.50");
        assert_eq!(format_amount(-5), "-0.05");
    }

    #[test]
    fn formats_money_for_people() {
        assert_eq!(format_money(500_000, "INR"), "\u{20b9}5,000");
        assert_eq!(format_money(15_000_050, "INR"), "\u{20b9}1,50,000.50");
        assert_eq!(format_money(1_000_000_000, "INR"), "\u{20b9}1,00,00,000");
        assert_eq!(format_money(5, "INR"), "\u{20b9}0.05");
        assert_eq!(format_money(99_900, "INR"), "\u{20b9}999");
        assert_eq!(format_money(150_000, "USD"), "USD 1,500");
        assert_eq!(format_money(-250_000, "INR"), "-\u{20b9}2,500");
        assert_eq!(format_figure(15_000_000, "INR"), "\u{20b9}1,50,000.00");
        assert_eq!(format_figure(5, "INR"), "\u{20b9}0.05");
    }

    #[test]
    fn refuses_bad_amounts() {
        for bad in ["-10", "", "abc", "1.234", "1e3", ".", "99999999999999999999"] {
            assert_eq!(parse_amount(bad).unwrap_err().code(), "invalid_amount", "{bad}");
        }
    }
}
