//! Receipt and bill numbers: `A-7/2026-27` is the 7th number series `A`
//! issued in the financial year 2026-27 (April to March, as Indian accounts
//! run). Each laptop of a chamber issues from its own series, given when the
//! laptop is listed in the chamber (the founder's is `A`, the next laptop an
//! admin admits `B`, …), so laptops numbering offline at the same time can
//! never give the same number. Within a series the next number is one past
//! the highest this laptop has seen — in the diary, or in its own local
//! record of what it issued (`issued_numbers`), which keeps a number from
//! being given twice even after restoring an older backup. A number, once
//! issued, stays with its record for good: a voided payment keeps its receipt
//! number, printed as cancelled.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::Result;
use crate::model::{ChamberDoc, IssuedNumber};

/// What is numbered; each has its own numbers in every series and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbered {
    Receipt,
    Bill,
}

impl Numbered {
    pub fn as_str(self) -> &'static str {
        match self {
            Numbered::Receipt => "receipt",
            Numbered::Bill => "bill",
        }
    }
}

/// The financial year a date falls in, April to March: `2026-27` for any
/// date from 1 April 2026 to 31 March 2027.
pub fn financial_year(date: NaiveDate) -> String {
    let start = if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    };
    format!("{start}-{:02}", (start + 1).rem_euclid(100))
}

/// The `n`th series name (0-based): `A` … `Z`, then `AA`, `AB`, … — letters
/// only, so they never look like the fallback series of older laptops.
fn series_name(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Every device's series as this chamber document has it. A device listed
/// before receipts existed has none recorded; those take `A`, `B`, … in the
/// order they were listed, skipping letters already given, so the one laptop
/// of a solo diary made by an older release issues from `A`.
pub(crate) fn series_by_device(chamber: &ChamberDoc) -> Vec<(String, String)> {
    let mut used: Vec<String> = chamber
        .devices
        .values()
        .map(|d| d.receipt_series.clone())
        .filter(|s| !s.is_empty())
        .collect();
    let mut out: Vec<(String, String)> = chamber
        .devices
        .iter()
        .filter(|(_, d)| !d.receipt_series.is_empty())
        .map(|(actor, d)| (actor.clone(), d.receipt_series.clone()))
        .collect();
    let mut legacy: Vec<(&String, &String)> = chamber
        .devices
        .iter()
        .filter(|(_, d)| d.receipt_series.is_empty())
        .map(|(actor, d)| (&d.added_at, actor))
        .collect();
    legacy.sort();
    let mut n = 0;
    for (_, actor) in legacy {
        while used.contains(&series_name(n)) {
            n += 1;
        }
        let s = series_name(n);
        used.push(s.clone());
        out.push((actor.clone(), s));
    }
    out
}

/// The series to give a device being listed now: the first not in use.
pub(crate) fn next_series(chamber: &ChamberDoc) -> String {
    let used: Vec<String> = series_by_device(chamber).into_iter().map(|(_, s)| s).collect();
    (0..).map(series_name).find(|s| !used.contains(s)).unwrap_or_default()
}

/// The series of device `actor`: recorded, or as [`series_by_device`]
/// works it out; a device the chamber does not list (it cannot issue
/// anything the chamber accepts) gets the first free one.
pub(crate) fn series_of(chamber: &ChamberDoc, actor: &str) -> String {
    series_by_device(chamber)
        .into_iter()
        .find(|(a, _)| a == actor)
        .map(|(_, s)| s)
        .unwrap_or_else(|| next_series(chamber))
}

/// The highest number of `what` in `series` and `year` this diary holds.
fn highest_in_diary(tx: &Transaction, what: Numbered, series: &str, year: &str) -> Result<i64> {
    let sql = match what {
        Numbered::Receipt => "SELECT max(receipt_seq) FROM fees WHERE receipt_series = ?1 AND receipt_year = ?2",
        Numbered::Bill => "SELECT max(seq) FROM bills WHERE series = ?1 AND year = ?2",
    };
    let n: Option<i64> = tx.prepare_cached(sql)?.query_row(params![series, year], |r| r.get(0))?;
    Ok(n.unwrap_or(0))
}

/// Takes the next number of `what` in `series` for `year` and records it as
/// issued, inside the caller's transaction (so it is taken only if the
/// record that carries it is written).
pub(crate) fn take_number(
    tx: &Transaction,
    what: Numbered,
    series: &str,
    year: &str,
    issued_at: &str,
) -> Result<IssuedNumber> {
    let local: Option<i64> = tx
        .prepare_cached("SELECT last_seq FROM issued_numbers WHERE kind = ?1 AND year = ?2 AND series = ?3")?
        .query_row(params![what.as_str(), year, series], |r| r.get(0))
        .optional()?;
    let seq = local.unwrap_or(0).max(highest_in_diary(tx, what, series, year)?) + 1;
    tx.prepare_cached(
        "INSERT INTO issued_numbers (kind, year, series, last_seq) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, year, series) DO UPDATE SET last_seq = excluded.last_seq",
    )?
    .execute(params![what.as_str(), year, series, seq])?;
    Ok(IssuedNumber {
        series: series.to_string(),
        year: year.to_string(),
        seq,
        issued_at: issued_at.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Device;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn financial_years_run_april_to_march() {
        assert_eq!(financial_year(ymd(2026, 4, 1)), "2026-27");
        assert_eq!(financial_year(ymd(2027, 3, 31)), "2026-27");
        assert_eq!(financial_year(ymd(2027, 1, 15)), "2026-27");
        assert_eq!(financial_year(ymd(2026, 3, 31)), "2025-26");
        assert_eq!(financial_year(ymd(1999, 12, 1)), "1999-00");
        assert_eq!(financial_year(ymd(2099, 6, 1)), "2099-00");
    }

    #[test]
    fn series_names_are_letters_in_order() {
        let names: Vec<String> = [0, 1, 25, 26, 27, 51, 52, 701, 702]
            .iter()
            .map(|n| series_name(*n))
            .collect();
        assert_eq!(names, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    fn device(added: &str, series: &str) -> Device {
        Device {
            added_at: added.into(),
            receipt_series: series.into(),
            ..Default::default()
        }
    }

    #[test]
    fn devices_listed_before_receipts_take_free_letters_in_listing_order() {
        let mut c = ChamberDoc::default();
        c.devices.insert("ff".into(), device("2025-01-01T00:00:00Z", ""));
        assert_eq!(
            series_of(&c, "ff"),
            "A",
            "a solo diary from an older release issues from A"
        );
        assert_eq!(next_series(&c), "B");
        c.devices.insert("aa".into(), device("2026-05-01T00:00:00Z", "B"));
        c.devices.insert("bb".into(), device("2025-06-01T00:00:00Z", ""));
        assert_eq!(series_of(&c, "ff"), "A");
        assert_eq!(series_of(&c, "bb"), "C", "B is taken by a listed device");
        assert_eq!(series_of(&c, "aa"), "B");
        assert_eq!(next_series(&c), "D");
    }
}
