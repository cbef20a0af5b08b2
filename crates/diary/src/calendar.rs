//! Calendar export: hearings as an iCalendar (RFC 5545) file that phone and
//! desktop calendars import. Hearings have dates but no times, so each is an
//! all-day event: `DTSTART;VALUE=DATE` and an exclusive `DTEND` on the next day.

use std::path::Path;

use chrono::{Duration, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

use crate::dates::{format_dmy, parse_iso};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};

impl Diary {
    /// Writes the hearings from `from` to `to` as an `.ics` file at `path`,
    /// complete or not at all ([`crate::atomic_file`]); returns how many events
    /// it holds. An existing file is an error unless `replace`.
    pub fn write_hearings_ics(
        &self,
        path: &Path,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        replace: bool,
    ) -> Result<usize> {
        if path.exists() && !replace {
            return Err(DiaryError::FileExists(path.to_path_buf()));
        }
        let ics = self.hearings_ics(from, to)?;
        crate::atomic_file::write_file(path, ics.as_bytes(), replace)?;
        Ok(ics.matches("BEGIN:VEVENT").count())
    }

    /// Hearings from `from` to `to` (inclusive; default: all) as an `.ics` text.
    pub fn hearings_ics(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<String> {
        let years = crate::validate::YEARS;
        let from = from.unwrap_or(NaiveDate::from_ymd_opt(*years.start(), 1, 1).expect("valid date"));
        let to = to.unwrap_or(NaiveDate::from_ymd_opt(*years.end(), 12, 31).expect("valid date"));
        let name = self.chamber()?.name;
        let mut cal = Calendar::new();
        cal.name(&format!("{name} — hearings"));
        let stamp = Utc::now();
        for h in self.hearings_between(from, to)? {
            let date = parse_iso(&h.date)?;
            let mut summary = format!("{} — {}", h.number, h.title);
            if let Some(i) = h.item {
                summary.push_str(&format!(" (item {i})"));
            }
            let location = match &h.bench {
                Some(b) => format!("{}, {b}", h.court),
                None => h.court.clone(),
            };
            let mut description = Vec::new();
            if let Some(p) = &h.purpose {
                description.push(format!("Purpose: {p}"));
            }
            if let Some(p) = &h.previous_date {
                description.push(format!(
                    "Previous date: {}",
                    parse_iso(p).map(format_dmy).unwrap_or_default()
                ));
            }
            if let Some(o) = &h.outcome {
                description.push(format!("Outcome: {o}"));
            }
            if let Some(n) = &h.next_date {
                description.push(format!(
                    "Next date: {}",
                    parse_iso(n).map(format_dmy).unwrap_or_default()
                ));
            }
            if let Some(c) = &h.clients {
                description.push(format!("Client: {c}"));
            }
            let event = Event::new()
                .uid(&format!("{}@nextdate", h.hearing_id))
                .timestamp(stamp)
                .starts(date)
                .ends(date + Duration::days(1))
                .summary(&summary)
                .location(&location)
                .description(&description.join("\n"))
                .done();
            cal.push(event);
        }
        Ok(refold(&cal.done().to_string()))
    }
}

/// Re-folds content lines to at most 75 octets (RFC 5545 §3.1), never splitting
/// a UTF-8 character: the library folds before escaping newlines, which can
/// leave longer lines.
fn refold(ics: &str) -> String {
    let unfolded = ics.replace("\r\n ", "").replace("\r\n\t", "");
    let mut out = String::with_capacity(unfolded.len() + unfolded.len() / 70 * 3);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let mut budget = 75;
        let mut used = 0;
        for ch in line.chars() {
            if used + ch.len_utf8() > budget {
                out.push_str("\r\n ");
                used = 1;
                budget = 75;
            }
            out.push(ch);
            used += ch.len_utf8();
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::refold;

    #[test]
    fn folds_at_75_octets_on_character_boundaries() {
        let long = format!("SUMMARY:{}", "सुनीता देवी ".repeat(10));
        let out = refold(&format!("BEGIN:VEVENT\r\n{long}\r\nEND:VEVENT\r\n"));
        for l in out.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("BEGIN:VEVENT\r\n{long}\r\nEND:VEVENT\r\n")
        );
    }
}
