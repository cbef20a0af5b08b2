//! A client's status report: one A4 page (or US Letter) with the chamber's
//! name and address, "Case status" and the day it speaks of, and each case
//! of the update with its court, stage, next date and purpose (and the last
//! hearing's outcome when the advocate chose to share it), in the client's
//! language; signed by the advocate. The words are the client update's
//! (`nextdate_diary::client_update`), so the paper and the message never
//! differ. Every text reaches the template (`status_report.typ`) as a JSON
//! string, never as markup.

use nextdate_diary::client_update::{ClientUpdate, Language, UpdateLine};
use serde::Serialize;

use crate::{Paper, PrintError};

#[derive(Serialize)]
struct Data<'a> {
    paper: &'static str,
    lang: &'static str,
    doc_title: String,
    chamber: &'a str,
    address: Vec<&'a str>,
    title: &'a str,
    as_of: &'a str,
    client: &'a str,
    intro: &'a str,
    cases: Vec<Case<'a>>,
    sign_off: &'a str,
    advocate: &'a str,
    footer: &'static str,
}

#[derive(Serialize)]
struct Case<'a> {
    heading: &'a str,
    lines: &'a [UpdateLine],
}

/// Lays out the report of `update`.
pub fn status_report(update: &ClientUpdate, paper: Paper) -> Result<crate::printed::Printed, PrintError> {
    let data = Data {
        paper: paper.typst_name(),
        lang: update.language.code(),
        doc_title: format!("{} — {}", update.title, update.chamber),
        chamber: update.chamber.trim(),
        address: update
            .chamber_address
            .as_deref()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect(),
        title: &update.title,
        as_of: &update.as_of_words,
        client: update.client.as_deref().unwrap_or_default(),
        intro: &update.intro,
        cases: update
            .cases
            .iter()
            .map(|c| Case {
                heading: &c.heading,
                lines: &c.lines,
            })
            .collect(),
        sign_off: &update.sign_off,
        advocate: &update.advocate,
        footer: match update.language {
            Language::En => "Dates are as fixed by the court and may change; please confirm before travelling.",
            Language::Hi => "तारीखें न्यायालय द्वारा तय की जाती हैं और बदल सकती हैं; कृपया आने से पहले पुष्टि कर लें।",
        },
    };
    crate::printed::Printed::lay_out(include_str!("status_report.typ"), &data)
}
