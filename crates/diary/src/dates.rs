//! Parsing of the date shapes an advocate types: `2026-11-23`, `23-11-2026`,
//! `23/11/2026`, `today`, `tomorrow`, `yesterday`, `+3d`, `+2w`, `+1m`, `next mon`,
//! and weekday names. Everything is relative to a given "today" so it is testable.

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

use crate::error::{DiaryError, Result};

/// Parses a user-typed date relative to `today`.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate> {
    let bad = || DiaryError::InvalidDate(input.to_string());
    let s = input.trim().to_lowercase();
    if s.is_empty() {
        return Err(bad());
    }
    match s.as_str() {
        "today" | "tod" => return Ok(today),
        "tomorrow" | "tom" => return today.succ_opt().ok_or_else(bad),
        "yesterday" => return today.pred_opt().ok_or_else(bad),
        _ => {}
    }
    if let Some(rest) = s.strip_prefix('+') {
        let (num, unit) = rest.split_at(rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()));
        let n: u32 = num.parse().map_err(|_| bad())?;
        if n > 3660 {
            return Err(bad());
        }
        return match unit.trim() {
            "" | "d" | "day" | "days" => today.checked_add_signed(Duration::days(n.into())).ok_or_else(bad),
            "w" | "wk" | "week" | "weeks" => today.checked_add_signed(Duration::weeks(n.into())).ok_or_else(bad),
            "m" | "mo" | "month" | "months" => today.checked_add_months(Months::new(n)).ok_or_else(bad),
            "y" | "year" | "years" => today.checked_add_months(Months::new(n * 12)).ok_or_else(bad),
            _ => Err(bad()),
        };
    }
    if let Some(rest) = s.strip_prefix("next ") {
        let wd = parse_weekday(rest.trim()).ok_or_else(bad)?;
        return Ok(next_weekday(today, wd));
    }
    if let Some(wd) = parse_weekday(&s) {
        return Ok(next_weekday(today, wd));
    }
    if let Ok(d) = NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
        return check_year(d).ok_or_else(bad);
    }
    for fmt in ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(&s, fmt) {
            return check_year(d).ok_or_else(bad);
        }
    }
    Err(bad())
}

/// Parses a stored ISO date (`YYYY-MM-DD`), the only shape kept in documents.
pub fn parse_iso(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| DiaryError::InvalidDate(s.to_string()))
}

/// Formats a date the way Indian cause lists print it: `23-11-2026`.
pub fn format_dmy(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// An ISO date as DD-MM-YYYY, or the text as it is when it is not a date.
pub fn iso_to_dmy(s: &str) -> String {
    parse_iso(s).map(format_dmy).unwrap_or_else(|_| s.to_string())
}

fn check_year(d: NaiveDate) -> Option<NaiveDate> {
    crate::validate::in_years(d).then_some(d)
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// The first `wd` strictly after `today`.
fn next_weekday(today: NaiveDate, wd: Weekday) -> NaiveDate {
    let mut d = today + Duration::days(1);
    while d.weekday() != wd {
        d += Duration::days(1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn parses_every_documented_shape() {
        let today = d(2026, 11, 24); // a Tuesday
        assert_eq!(parse_date("2026-11-23", today).unwrap(), d(2026, 11, 23));
        assert_eq!(parse_date("23-11-2026", today).unwrap(), d(2026, 11, 23));
        assert_eq!(parse_date("23/11/2026", today).unwrap(), d(2026, 11, 23));
        assert_eq!(parse_date("today", today).unwrap(), today);
        assert_eq!(parse_date("Tomorrow", today).unwrap(), d(2026, 11, 25));
        assert_eq!(parse_date("+3d", today).unwrap(), d(2026, 11, 27));
        assert_eq!(parse_date("+2w", today).unwrap(), d(2026, 12, 8));
        assert_eq!(parse_date("+1m", today).unwrap(), d(2026, 12, 24));
        assert_eq!(parse_date("next mon", today).unwrap(), d(2026, 11, 30));
        assert_eq!(parse_date("next tue", today).unwrap(), d(2026, 12, 1));
        assert_eq!(parse_date("fri", today).unwrap(), d(2026, 11, 27));
    }

    #[test]
    fn rejects_impossible_and_garbage_dates() {
        let today = d(2026, 11, 24);
        for bad in [
            "31-02-2026",
            "2026-13-01",
            "30-02-2025",
            "",
            "soon",
            "+x",
            "+3q",
            "next holiday",
            "1-1-99999",
        ] {
            let err = parse_date(bad, today).unwrap_err();
            assert_eq!(err.code(), "invalid_date", "{bad}");
        }
    }
}
