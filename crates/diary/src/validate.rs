//! Checks shared by every record kind and by imports: required text, optional
//! text, e-mail addresses, item numbers, the years a date may fall in, and the
//! rule that a next date comes after the date it follows. One copy of each.

use chrono::{Datelike, NaiveDate};

use crate::error::{DiaryError, Result};

/// The years a date in the diary may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Collapses runs of whitespace into single spaces and trims the ends.
pub(crate) fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`clean`] for an optional field; blank becomes `None`.
pub(crate) fn clean_opt(s: Option<String>) -> Option<String> {
    s.map(|v| clean(&v)).filter(|v| !v.is_empty())
}

/// An optional text of several lines, such as a postal address: each line
/// [`clean`]ed, blank lines dropped, the lines kept; blank becomes `None`.
pub(crate) fn clean_lines(s: Option<String>) -> Option<String> {
    s.map(|v| {
        v.lines()
            .map(clean)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    })
    .filter(|v| !v.is_empty())
}

/// A required one-line field, cleaned; blank is refused as `Empty(what)`.
pub(crate) fn required(s: &str, what: &'static str) -> Result<String> {
    let c = clean(s);
    if c.is_empty() {
        Err(DiaryError::Empty(what))
    } else {
        Ok(c)
    }
}

/// A required free text (kept line by line, only trimmed); blank is refused.
pub(crate) fn required_text(s: &str, what: &'static str) -> Result<String> {
    let t = s.trim().to_string();
    if t.is_empty() {
        Err(DiaryError::Empty(what))
    } else {
        Ok(t)
    }
}

/// Whether `e` looks like an e-mail address.
pub(crate) fn is_email(e: &str) -> bool {
    e.contains('@') && !e.contains(' ')
}

/// An optional e-mail address, cleaned and checked.
pub(crate) fn check_email(email: Option<String>) -> Result<Option<String>> {
    let email = clean_opt(email);
    if let Some(e) = &email {
        if !is_email(e) {
            return Err(DiaryError::InvalidEmail(e.clone()));
        }
    }
    Ok(email)
}

/// An item (serial) number on a cause list, if given, is between 1 and 100000.
pub(crate) fn check_item(item: Option<i64>) -> Result<()> {
    match item {
        Some(i) if !(1..=100_000).contains(&i) => Err(DiaryError::OutOfRange(format!(
            "item number {i} must be between 1 and 100000"
        ))),
        _ => Ok(()),
    }
}

/// Whether `d` falls in the years the diary accepts.
pub(crate) fn in_years(d: NaiveDate) -> bool {
    YEARS.contains(&d.year())
}

/// A date in the accepted years, as stored (ISO).
pub(crate) fn check_date(d: NaiveDate) -> Result<String> {
    if !in_years(d) {
        return Err(DiaryError::InvalidDate(d.to_string()));
    }
    Ok(d.to_string())
}

/// The date-range rule: a next date must come after the date it follows.
/// Works on dates and on stored ISO strings alike.
pub(crate) fn next_is_after<D: PartialOrd>(date: &D, next: &D) -> bool {
    next > date
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_their_lines() {
        assert_eq!(
            clean_lines(Some("  Chamber 214,  Lawyers' Block \r\n\n Delhi High Court\n".into())).as_deref(),
            Some("Chamber 214, Lawyers' Block\nDelhi High Court")
        );
        assert_eq!(clean_lines(Some(" \n ".into())), None);
        assert_eq!(
            clean_lines(Some("12, Lajpat Nagar".into())).as_deref(),
            Some("12, Lajpat Nagar")
        );
    }
}
