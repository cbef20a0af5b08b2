//! `nextdate-print`: printed hearing lists. The board for a date or a range of
//! dates, grouped by court and bench in item order, as a PDF an advocate hands
//! to a clerk — and as PNG pages for an on-screen preview, both from one
//! compiled document.
//!
//! Layout is done by Typst used as a library ([`world`]) with a template
//! (`hearing_list.typ`) that reads its data from JSON, so nothing a user typed
//! is ever read as markup. Fonts are embedded ([`fonts`]) so Devanagari, Tamil
//! and other Indian scripts print the same on every machine. The data comes
//! from the diary's projection only (`nextdate_diary::listing`).
//!
//! The same machinery prints the recovery sheet ([`recovery_sheet`]) and fee
//! receipts ([`receipt`]): one page with the amount in words and in figures,
//! marked CANCELLED when the payment was voided. Bills ([`bill`]) and
//! statements of account ([`statement`]) run to as many pages as their entries
//! need, the table's heading repeated and every page numbered. A client's
//! status report ([`status_report`]) is the client update on one page.

pub mod bill;
pub mod error;
mod fonts;
pub mod parties;
pub mod printed;
pub mod receipt;
pub mod recovery_sheet;
pub mod statement;
pub mod status_report;
mod world;

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use nextdate_diary::dates::format_dmy;
use nextdate_diary::{BoardEntry, Diary};

pub use error::PrintError;
use serde::Serialize;
use typst_layout::PagedDocument;

use crate::parties::short_parties;

/// Longest range one list covers, in days (a quarter).
pub const MAX_DAYS: i64 = 92;

/// Paper sizes; lists are printed landscape, leaving room for notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "us-letter",
        }
    }
}

impl FromStr for Paper {
    type Err = PrintError;
    fn from_str(s: &str) -> Result<Self, PrintError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a4" => Ok(Paper::A4),
            "letter" | "us-letter" => Ok(Paper::Letter),
            other => Err(PrintError::UnknownPaper(other.to_string())),
        }
    }
}

/// What to print.
#[derive(Debug, Clone)]
pub struct ListOptions {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub paper: Paper,
    /// A member's id: only the cases assigned to them. `None`: the whole chamber.
    pub member: Option<String>,
    /// Add the open tasks falling due on each listed date.
    pub include_tasks: bool,
    /// When the list is printed (local time), shown in the footer.
    pub printed_at: NaiveDateTime,
}

fn layout_error(why: impl fmt::Display) -> PrintError {
    PrintError::Layout(why.to_string())
}

/// Lays out `template` with `data_json` as its `/data.json`.
fn compile(template: &str, data_json: Vec<u8>) -> Result<PagedDocument, PrintError> {
    let world = world::PrintWorld::new(template, data_json);
    typst::compile(&world).output.map_err(|errs| {
        layout_error(
            errs.iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// A document's PDF bytes.
fn pdf_of(document: &PagedDocument) -> Result<Vec<u8>, PrintError> {
    typst_pdf::pdf(document, &typst_pdf::PdfOptions::default()).map_err(|errs| {
        layout_error(
            errs.iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// One page of a document as a PNG image at `ppi` pixels per inch.
fn png_of(document: &PagedDocument, index: usize, ppi: f32) -> Result<Vec<u8>, PrintError> {
    let page = document
        .pages()
        .get(index)
        .ok_or_else(|| PrintError::NoSuchPage(index + 1))?;
    let opts = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(f64::from(ppi.clamp(24.0, 600.0)) / 72.0),
        ..Default::default()
    };
    typst_render::render(page, &opts).encode_png().map_err(layout_error)
}

/// A laid-out hearing list, ready to be saved as PDF or shown as images.
pub struct HearingList {
    document: PagedDocument,
    hearings: usize,
}

impl HearingList {
    /// The list as a PDF file's bytes.
    pub fn pdf(&self) -> Result<Vec<u8>, PrintError> {
        pdf_of(&self.document)
    }

    /// One page as a PNG image at `ppi` pixels per inch (96 for a screen).
    pub fn png_page(&self, index: usize, ppi: f32) -> Result<Vec<u8>, PrintError> {
        png_of(&self.document, index, ppi)
    }

    /// Every page as PNG.
    pub fn png_pages(&self, ppi: f32) -> Result<Vec<Vec<u8>>, PrintError> {
        (0..self.page_count()).map(|i| self.png_page(i, ppi)).collect()
    }

    pub fn page_count(&self) -> usize {
        self.document.pages().len()
    }

    pub fn hearing_count(&self) -> usize {
        self.hearings
    }
}

#[derive(Serialize)]
struct Data {
    title: String,
    paper: &'static str,
    chamber: String,
    advocate: String,
    heading: String,
    scope: String,
    printed: String,
    empty: &'static str,
    days: Vec<Day>,
}

#[derive(Serialize)]
struct Day {
    label: String,
    count: String,
    groups: Vec<Group>,
    tasks: Vec<TaskLine>,
    tasks_count: String,
}

#[derive(Serialize)]
struct Group {
    court: String,
    bench: Option<String>,
    count: String,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Row {
    item: String,
    number: String,
    parties: String,
    stage: String,
    previous: String,
    client: String,
}

#[derive(Serialize)]
struct TaskLine {
    number: String,
    title: String,
    assignee: String,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn dmy_text(iso: &Option<String>) -> String {
    iso.as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(format_dmy)
        .unwrap_or_default()
}

/// Gathers the hearings and lays out the list.
pub fn hearing_list(diary: &Diary, opts: &ListOptions) -> Result<HearingList, PrintError> {
    if opts.to < opts.from {
        return Err(PrintError::EndsBeforeStart {
            from: format_dmy(opts.from),
            to: format_dmy(opts.to),
        });
    }
    let days = (opts.to - opts.from).num_days() + 1;
    if days > MAX_DAYS {
        return Err(PrintError::TooManyDays { max: MAX_DAYS, days });
    }
    let member = match &opts.member {
        Some(id) => Some(diary.require_member(id)?),
        None => None,
    };
    let member_id = member.as_ref().map(|m| m.id.as_str());
    let mut hearings = diary.hearings_in_range(opts.from, opts.to, member_id)?;
    nextdate_diary::order::sort_hearings(&mut hearings);
    let parties = diary.listed_parties(opts.from, opts.to)?;
    let tasks = if opts.include_tasks {
        diary.tasks_due_between(opts.from, opts.to, member_id)?
    } else {
        Vec::new()
    };
    let chamber = diary.chamber()?.name;
    let advocate = match &member {
        Some(m) => m.name.clone(),
        None => diary.advocate_name()?,
    };
    let scope = match &member {
        Some(m) => format!("Cases of {}", m.name),
        None => "Whole chamber".to_string(),
    };
    let heading = if opts.from == opts.to {
        format!("Hearing list of {}", format_dmy(opts.from))
    } else {
        format!("Hearing list, {} to {}", format_dmy(opts.from), format_dmy(opts.to))
    };

    let mut out_days = Vec::new();
    let mut date = opts.from;
    while date <= opts.to {
        let iso = date.to_string();
        let todays: Vec<&BoardEntry> = hearings.iter().filter(|h| h.date == iso).collect();
        let mut groups: Vec<Group> = Vec::new();
        for h in &todays {
            let same = groups.last().is_some_and(|g| g.court == h.court && g.bench == h.bench);
            if !same {
                groups.push(Group {
                    court: h.court.clone(),
                    bench: h.bench.clone(),
                    count: String::new(),
                    rows: Vec::new(),
                });
            }
            let case_parties = parties.get(&h.case_id).map(Vec::as_slice).unwrap_or(&[]);
            let stage = match (&h.purpose, &h.stage) {
                (Some(p), _) => p.clone(),
                (None, Some(s)) => s.clone(),
                (None, None) => String::new(),
            };
            groups.last_mut().expect("a group was just pushed").rows.push(Row {
                item: h.item.map(|i| i.to_string()).unwrap_or_default(),
                number: h.number.clone(),
                parties: short_parties(case_parties, &h.title),
                stage,
                previous: dmy_text(&h.previous_date),
                client: h.clients.clone().unwrap_or_default(),
            });
        }
        let courts = {
            let mut c: Vec<&str> = todays.iter().map(|h| h.court.as_str()).collect();
            c.dedup();
            c.len()
        };
        for g in &mut groups {
            g.count = plural(g.rows.len(), "hearing", "hearings");
        }
        let day_tasks: Vec<TaskLine> = tasks
            .iter()
            .filter(|t| t.due.as_deref() == Some(iso.as_str()))
            .map(|t| TaskLine {
                // A chamber task belongs to no case.
                number: t.case_number.clone().unwrap_or_else(|| "Chamber".to_string()),
                title: t.title.clone(),
                assignee: t.assignee_name.clone().unwrap_or_default(),
            })
            .collect();
        out_days.push(Day {
            label: format!("{}, {}", date.format("%A"), format_dmy(date)),
            count: if todays.is_empty() {
                String::new()
            } else {
                format!(
                    "{} in {}",
                    plural(todays.len(), "hearing", "hearings"),
                    plural(courts, "court", "courts")
                )
            },
            groups,
            tasks_count: plural(day_tasks.len(), "task", "tasks"),
            tasks: day_tasks,
        });
        date = date.succ_opt().expect("dates within the diary's range");
    }

    let data = Data {
        title: format!("{heading} — {chamber}"),
        paper: opts.paper.typst_name(),
        chamber,
        advocate,
        heading,
        scope,
        printed: format!(
            "{} {}",
            format_dmy(opts.printed_at.date()),
            opts.printed_at.format("%H:%M")
        ),
        empty: "No hearings are listed for this date.",
        days: out_days,
    };
    let json = serde_json::to_vec(&data).map_err(layout_error)?;
    let document = compile(include_str!("hearing_list.typ"), json)?;
    Ok(HearingList {
        document,
        hearings: hearings.len(),
    })
}
