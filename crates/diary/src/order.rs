//! The order of hearing lists, on screen and on paper: by date, court, bench
//! and item, comparing names the way people read them ("Court No. 3" before
//! "Court No. 12").

use std::cmp::Ordering;

use crate::queries::BoardEntry;

/// Compares text with runs of digits taken as numbers, ignoring case.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut n = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(c);
                        it.next();
                    }
                    n
                };
                let (m, n) = (take(&mut x), take(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let o = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if o != Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                let o = c.to_lowercase().cmp(d.to_lowercase());
                if o != Ordering::Equal {
                    return o;
                }
                x.next();
                y.next();
            }
        }
    }
}

/// Sorts hearings for a list: date, court, bench (none first), item (none
/// last), case number. Courts whose names differ only in case stay apart, so
/// grouping by court never splits one.
pub fn sort_hearings(entries: &mut [BoardEntry]) {
    entries.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| natural_cmp(&a.court, &b.court))
            .then_with(|| a.court.cmp(&b.court))
            .then_with(|| natural_cmp(a.bench.as_deref().unwrap_or(""), b.bench.as_deref().unwrap_or("")))
            .then_with(|| a.item.is_none().cmp(&b.item.is_none()))
            .then_with(|| a.item.cmp(&b.item))
            .then_with(|| natural_cmp(&a.number, &b.number))
    });
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;
    use std::cmp::Ordering::*;

    #[test]
    fn numbers_inside_names_compare_as_numbers() {
        assert_eq!(natural_cmp("Court No. 3", "Court No. 12"), Less);
        assert_eq!(natural_cmp("Court Room 46", "Court Room 9"), Greater);
        assert_eq!(natural_cmp("ASJ-03", "ASJ-3"), Equal);
        assert_eq!(natural_cmp("court", "Court"), Equal);
        assert_eq!(natural_cmp("W.P.(C) 99/2025", "W.P.(C) 100/2025"), Less);
        assert_eq!(natural_cmp("", "A"), Less);
    }
}
