//! Client updates: for a case, or for all of a client's pending cases, a
//! short message ready to paste into WhatsApp, SMS or e-mail — the case
//! number and short title, the court and bench, the stage, the next date and
//! its purpose, and the last hearing's outcome when the advocate chooses to
//! share it — in the client's language ([`Language`], kept per client). The
//! same lines make the one-page printed status report (`nextdate-print`).
//!
//! Read from the projection only, on the laptop: no relay, no network. What
//! a client must not see is never read here: notes, documents, fees,
//! assignments and other clients' cases.

pub mod words;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::dates::parse_iso;
use crate::diary::Diary;
use crate::error::Result;
use crate::queries::CaseOrClient;
pub use words::Language;

/// Longest case title a message carries before it is shortened.
const SHORT_TITLE: usize = 60;

/// What the advocate chose for an update.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdateOptions {
    /// The language; `None`: the client's own (English when the case's
    /// clients differ or have none set).
    pub language: Option<Language>,
    /// Add the last hearing's outcome (proceedings) to each case.
    pub with_outcome: bool,
}

/// One labelled line of a case in an update: "Next date: Friday, 15 January 2027".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdateLine {
    pub label: String,
    pub value: String,
}

/// One case in an update.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseUpdate {
    pub case_id: String,
    /// The case number and short title: `CS 123/2024 — Sharma v. State`.
    pub heading: String,
    pub lines: Vec<UpdateLine>,
}

/// A client update, as a message and as the parts a printed report lays out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ClientUpdate {
    pub language: Language,
    pub chamber: String,
    pub chamber_address: Option<String>,
    pub advocate: String,
    /// The client it is addressed to, when there is exactly one.
    pub client: Option<String>,
    /// The day it speaks of (ISO).
    pub as_of: String,
    /// "Case status" in the update's language (the printed report's heading).
    pub title: String,
    /// "As on Monday, 7 December 2026" in the update's language.
    pub as_of_words: String,
    pub greeting: String,
    pub intro: String,
    pub cases: Vec<CaseUpdate>,
    pub sign_off: String,
    /// The whole message, ready to paste.
    pub text: String,
}

/// What the projection says of one case, for an update.
struct CaseFacts {
    id: String,
    number: String,
    title: String,
    court: String,
    bench: Option<String>,
    status: String,
    status_date: Option<String>,
    stage: Option<String>,
    /// The next listing: the earliest unrecorded hearing today or later.
    next: Option<(String, Option<String>)>,
    /// The latest recorded hearing up to today, with its outcome.
    last: Option<(String, Option<String>)>,
    /// The hearing the case was disposed of at, if any.
    disposed_on: Option<String>,
}

impl Diary {
    /// The update for a case or a client (all their pending cases) as on `today`.
    pub fn client_update(&self, id: &str, opts: &UpdateOptions, today: NaiveDate) -> Result<ClientUpdate> {
        let (case_ids, clients) = match self.case_or_client(id)? {
            CaseOrClient::Case(id) => {
                let clients = self.update_clients_of_case(&id)?;
                (vec![id], clients)
            }
            CaseOrClient::Client(id) => {
                let client = self.client(&id)?;
                let cases = self.pending_case_ids(&id)?;
                (cases, vec![(client.name, client.update_language)])
            }
        };
        let language = opts.language.unwrap_or_else(|| {
            let mut langs: Vec<Language> = clients.iter().map(|c| c.1).collect();
            langs.dedup();
            match langs.as_slice() {
                [one] => *one,
                _ => Language::En,
            }
        });
        let client = match clients.as_slice() {
            [(name, _)] => Some(name.clone()),
            _ => None,
        };
        let today_iso = today.to_string();
        let facts = case_ids
            .iter()
            .map(|id| self.case_facts(id, &today_iso))
            .collect::<Result<Vec<_>>>()?;
        let chamber = self.chamber()?;
        let w = words::words(language);
        let cases: Vec<CaseUpdate> = facts.iter().map(|f| case_update(f, opts, language)).collect();
        let mut update = ClientUpdate {
            language,
            chamber: chamber.name,
            chamber_address: chamber.address,
            advocate: self.advocate_name()?,
            as_of: today_iso,
            title: w.title.to_string(),
            as_of_words: match language {
                Language::En => format!("As on {}", words::day_and_date(today, language)),
                Language::Hi => format!("दिनांक {}", words::day_and_date(today, language)),
            },
            greeting: words::greeting(client.as_deref(), language),
            intro: words::intro(cases.len(), today, language),
            client,
            cases,
            sign_off: w.sign_off.to_string(),
            text: String::new(),
        };
        update.text = message(&update);
        Ok(update)
    }

    /// The names and languages of a case's clients, by name.
    fn update_clients_of_case(&self, case_id: &str) -> Result<Vec<(String, Language)>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT cl.name, cl.update_language FROM case_clients cc JOIN clients cl ON cl.id = cc.client_id
             WHERE cc.case_id = ?1 ORDER BY cl.name, cl.id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok((
                r.get(0)?,
                Language::of_record(r.get::<_, Option<String>>(1)?.as_deref()),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// A client's cases still before a court (pending or stayed), by court and number.
    fn pending_case_ids(&self, client_id: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.id FROM case_clients cc JOIN cases c ON c.id = cc.case_id
             WHERE cc.client_id = ?1 AND c.status IN ('pending', 'stayed')
             ORDER BY c.court, c.number_key, c.id",
        )?;
        let rows = stmt.query_map([client_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    fn case_facts(&self, id: &str, today: &str) -> Result<CaseFacts> {
        let c = self.conn();
        let mut facts = c
            .prepare_cached("SELECT number, title, court, bench, status, status_date, stage FROM cases WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(CaseFacts {
                    id: id.to_string(),
                    number: r.get(0)?,
                    title: r.get(1)?,
                    court: r.get(2)?,
                    bench: r.get(3)?,
                    status: r.get(4)?,
                    status_date: r.get(5)?,
                    stage: r.get(6)?,
                    next: None,
                    last: None,
                    disposed_on: None,
                })
            })?;
        facts.next = c
            .prepare_cached(
                "SELECT date, purpose FROM hearings WHERE case_id = ?1 AND recorded_at IS NULL AND date >= ?2
                 ORDER BY date, id LIMIT 1",
            )?
            .query_row([id, today], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        facts.last = c
            .prepare_cached(
                "SELECT date, outcome FROM hearings WHERE case_id = ?1 AND recorded_at IS NOT NULL AND date <= ?2
                 ORDER BY date DESC, id DESC LIMIT 1",
            )?
            .query_row([id, today], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        facts.disposed_on = c
            .prepare_cached("SELECT date FROM hearings WHERE case_id = ?1 AND disposed ORDER BY date DESC LIMIT 1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        Ok(facts)
    }
}

/// A title cut to about [`SHORT_TITLE`] characters at a word, with "…".
pub fn short_title(title: &str) -> String {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.chars().count() <= SHORT_TITLE {
        return title;
    }
    let mut cut = String::new();
    for word in title.split(' ') {
        if cut.chars().count() + word.chars().count() + 1 > SHORT_TITLE {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = title.chars().take(SHORT_TITLE).collect();
    }
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

fn date_words(iso: &str, lang: Language) -> String {
    parse_iso(iso)
        .map(|d| words::date(d, lang))
        .unwrap_or_else(|_| iso.to_string())
}

fn some_text(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn case_update(f: &CaseFacts, opts: &UpdateOptions, lang: Language) -> CaseUpdate {
    let w = words::words(lang);
    let mut lines = Vec::new();
    let mut line = |label: &str, value: String| {
        lines.push(UpdateLine {
            label: label.to_string(),
            value,
        })
    };
    let mut court = f.court.trim().to_string();
    if let Some(bench) = some_text(&f.bench) {
        court = if court.is_empty() {
            bench.to_string()
        } else {
            format!("{court}, {bench}")
        };
    }
    if !court.is_empty() {
        line(w.court, court);
    }
    let still_before_court = matches!(f.status.as_str(), "pending" | "stayed");
    if f.status != "pending" {
        let mut status = words::status(&f.status, lang);
        let when = f.status_date.as_deref().or(if f.status == "disposed" {
            f.disposed_on.as_deref()
        } else {
            None
        });
        if let Some(when) = when {
            status = format!("{status} ({})", date_words(when, lang));
        }
        line(w.status, status);
    }
    if let Some(stage) = some_text(&f.stage) {
        line(w.stage, stage.to_string());
    }
    if still_before_court {
        match &f.next {
            Some((date, purpose)) => {
                let value = parse_iso(date)
                    .map(|d| words::day_and_date(d, lang))
                    .unwrap_or_else(|_| date.clone());
                line(w.next_date, value);
                if let Some(p) = some_text(purpose) {
                    line(w.purpose, p.to_string());
                }
            }
            None => line(w.next_date, w.not_fixed.to_string()),
        }
    }
    if opts.with_outcome {
        if let Some((date, outcome)) = &f.last {
            let on = date_words(date, lang);
            let value = match some_text(outcome) {
                Some(outcome) => format!("{on} — {outcome}"),
                None => on,
            };
            line(w.last_hearing, value);
        }
    }
    let number = f.number.trim();
    let title = short_title(&f.title);
    let heading = match (number.is_empty(), title.is_empty()) {
        (false, false) => format!("{number} — {title}"),
        (false, true) => number.to_string(),
        _ => title,
    };
    CaseUpdate {
        case_id: f.id.clone(),
        heading,
        lines,
    }
}

/// The message: greeting, intro, each case with its lines, sign-off and the chamber.
fn message(u: &ClientUpdate) -> String {
    let mut out = format!("{}\n\n{}\n", u.greeting, u.intro);
    for case in &u.cases {
        out.push('\n');
        out.push_str(&case.heading);
        out.push('\n');
        for l in &case.lines {
            out.push_str(&format!("{}: {}\n", l.label, l.value));
        }
    }
    out.push('\n');
    out.push_str(&u.sign_off);
    out.push('\n');
    out.push_str(u.chamber.trim());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut_at_a_word() {
        assert_eq!(short_title("Sharma  v.  State"), "Sharma v. State");
        let long = "Ramesh Kumar Sharma and others, residents of Village Rampur, District Meerut v. State of Uttar Pradesh and others";
        let short = short_title(long);
        assert!(short.ends_with('…'), "{short}");
        assert!(short.chars().count() <= SHORT_TITLE + 1, "{short}");
        assert!(long.starts_with(short.trim_end_matches('…')), "{short}");
        let one_word = "x".repeat(100);
        assert_eq!(short_title(&one_word).chars().count(), SHORT_TITLE + 1);
    }
}
