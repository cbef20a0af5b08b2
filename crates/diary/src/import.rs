//! Import of clients, cases, hearings, fees, tasks and notes from CSV files:
//! a Nextdate CSV export, the template in `docs/import.md`, or the shapes other
//! practice tools and court websites export (header aliases such as "Case No.",
//! "NDOH", "Coram"; dates like 05/01/2026 or 5-Jan-2026).
//!
//! Every row of every file is checked first and every problem is reported as
//! `file:line: column: message`. Only an import with no problem at all is
//! written, in one transaction; a dry run only reports.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{CaseDoc, Fee, FeeKind, Hearing, Note, Party, Task};
use crate::money::{check_currency, parse_amount};
use crate::projection::number_key;
use crate::records::{NewClient, WholeCase};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Check and count, write nothing.
    DryRun,
    /// Write everything, or nothing if any row is bad.
    Apply,
}

/// A bad row: where it is and what is wrong.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ImportIssue {
    pub file: String,
    /// Line in the file as a spreadsheet shows it (the header is line 1).
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ImportIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "{}:{}: {}: {}", self.file, self.line, c, self.message),
            None => write!(f, "{}:{}: {}", self.file, self.line, self.message),
        }
    }
}

/// What an import found, and whether it was written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub clients: usize,
    pub cases: usize,
    pub hearings: usize,
    pub fees: usize,
    pub tasks: usize,
    pub notes: usize,
    pub errors: Vec<ImportIssue>,
    pub warnings: Vec<String>,
    pub applied: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Clients,
    Cases,
    Parties,
    Hearings,
    Fees,
    Tasks,
    Notes,
}

/// Header aliases (lower case, letters and digits only) for each field.
fn aliases(kind: Kind) -> &'static [(&'static str, &'static [&'static str])] {
    match kind {
        Kind::Clients => &[
            ("id", &["id", "clientid"]),
            ("name", &["name", "clientname", "client", "fullname"]),
            (
                "phones",
                &[
                    "phones",
                    "phone",
                    "mobile",
                    "mobileno",
                    "phoneno",
                    "contact",
                    "contactno",
                ],
            ),
            ("email", &["email", "emailid", "emailaddress"]),
            ("address", &["address"]),
            ("notes", &["notes", "remarks", "note"]),
            ("created_at", &["createdat"]),
        ],
        Kind::Cases => &[
            ("id", &["id", "caseid"]),
            (
                "number",
                &[
                    "number",
                    "caseno",
                    "casenumber",
                    "casenum",
                    "regno",
                    "registrationno",
                    "filingno",
                ],
            ),
            ("title", &["title", "casetitle", "causetitle", "matter", "casename"]),
            ("cnr", &["cnr", "cnrno", "cnrnumber"]),
            (
                "court",
                &["court", "courtname", "courtcomplex", "forum", "establishment"],
            ),
            (
                "bench",
                &[
                    "bench",
                    "judge",
                    "coram",
                    "courthall",
                    "courtno",
                    "courtnohall",
                    "courtroom",
                    "courtnumber",
                ],
            ),
            ("case_type", &["casetype", "type"]),
            ("status", &["status", "casestatus"]),
            ("stage", &["stage", "casestage", "stageofcase"]),
            (
                "petitioner",
                &[
                    "petitioner",
                    "petitioners",
                    "appellant",
                    "plaintiff",
                    "complainant",
                    "applicant",
                    "petitionername",
                ],
            ),
            (
                "respondent",
                &[
                    "respondent",
                    "respondents",
                    "defendant",
                    "accused",
                    "oppositeparty",
                    "respondentname",
                ],
            ),
            ("client_ids", &["clientids"]),
            ("clients", &["clients", "client", "clientname", "clientnames"]),
            (
                "next_date",
                &[
                    "nextdate",
                    "nexthearingdate",
                    "ndoh",
                    "nexthearing",
                    "dateofnexthearing",
                    "nextdateofhearing",
                ],
            ),
            (
                "previous_date",
                &[
                    "previousdate",
                    "lastdate",
                    "lasthearingdate",
                    "prevdate",
                    "previoushearingdate",
                ],
            ),
            (
                "purpose",
                &["purpose", "nextpurpose", "purposeofhearing", "purposeofnexthearing"],
            ),
            ("item", &["item", "itemno", "itemnumber", "serialno", "srno"]),
            ("created_at", &["createdat"]),
        ],
        Kind::Parties => &[
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("position", &["position"]),
            ("name", &["name", "partyname"]),
            ("side", &["side", "role"]),
            ("counsel", &["counsel", "advocate"]),
        ],
        Kind::Hearings => &[
            ("id", &["id", "hearingid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court", "courtname"]),
            ("date", &["date", "hearingdate", "dateofhearing", "businessdate"]),
            ("item", &["item", "itemno"]),
            ("purpose", &["purpose", "purposeofhearing"]),
            ("outcome", &["outcome", "proceedings", "business", "result"]),
            ("next_date", &["nextdate", "nexthearingdate", "ndoh"]),
            ("disposed", &["disposed"]),
            ("attended_by", &["attendedby", "appearedby"]),
            ("recorded_at", &["recordedat"]),
        ],
        Kind::Fees => &[
            ("id", &["id", "feeid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("kind", &["kind", "type", "feetype"]),
            ("amount", &["amount", "amountrs", "amountinr"]),
            ("amount_minor", &["amountminor"]),
            ("currency", &["currency"]),
            ("date", &["date", "feedate", "paymentdate"]),
            ("mode", &["mode", "paymentmode"]),
            ("remark", &["remark", "remarks", "narration"]),
        ],
        Kind::Tasks => &[
            ("id", &["id", "taskid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("title", &["title", "task"]),
            ("due", &["due", "duedate"]),
            ("assignee", &["assignee", "assignedto"]),
            ("done", &["done", "completed"]),
            ("done_at", &["doneat"]),
            ("created_at", &["createdat"]),
        ],
        Kind::Notes => &[
            ("id", &["id", "noteid"]),
            ("case_id", &["caseid"]),
            ("case_number", &["casenumber", "caseno"]),
            ("court", &["court"]),
            ("text", &["text", "note"]),
            ("client_visible", &["clientvisible"]),
            ("author", &["author"]),
            ("at", &["at", "date"]),
        ],
    }
}

fn norm(h: &str) -> String {
    h.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which table a file holds, from its name.
fn kind_of(path: &Path) -> Option<Kind> {
    let stem = norm(&path.file_stem()?.to_string_lossy());
    Some(if stem.contains("client") {
        Kind::Clients
    } else if stem.contains("part") {
        Kind::Parties
    } else if stem.contains("hearing") {
        Kind::Hearings
    } else if stem.contains("fee") {
        Kind::Fees
    } else if stem.contains("task") {
        Kind::Tasks
    } else if stem.contains("note") {
        Kind::Notes
    } else if stem.contains("document") || stem == "export" {
        return None;
    } else {
        Kind::Cases
    })
}

/// Dates as people and other tools write them.
pub fn parse_import_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    const FORMATS: &[&str] = &[
        "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%d-%B-%Y", "%d %B %Y", "%d/%b/%Y",
    ];
    FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
}

/// One data row, with its fields found by alias.
struct Rec {
    file: String,
    line: u64,
    fields: HashMap<&'static str, String>,
}

impl Rec {
    fn get(&self, f: &str) -> Option<&str> {
        self.fields.get(f).map(|s| s.trim()).filter(|s| !s.is_empty())
    }
    fn issue(&self, column: Option<&str>, message: impl Into<String>) -> ImportIssue {
        ImportIssue {
            file: self.file.clone(),
            line: self.line,
            column: column.map(str::to_string),
            message: message.into(),
        }
    }
}

struct Reader<'a> {
    errors: &'a mut Vec<ImportIssue>,
}

impl Reader<'_> {
    fn required(&mut self, r: &Rec, f: &str) -> Option<String> {
        match r.get(f) {
            Some(v) => Some(v.to_string()),
            None => {
                self.errors.push(r.issue(Some(f), "is required"));
                None
            }
        }
    }
    fn date(&mut self, r: &Rec, f: &str) -> Option<Option<String>> {
        match r.get(f) {
            None => Some(None),
            Some(v) => match parse_import_date(v) {
                Some(d) => Some(Some(d.to_string())),
                None => {
                    self.errors
                        .push(r.issue(Some(f), format!("{v:?} is not a date (use DD-MM-YYYY or YYYY-MM-DD)")));
                    None
                }
            },
        }
    }
    fn int(&mut self, r: &Rec, f: &str) -> Option<Option<i64>> {
        match r.get(f) {
            None => Some(None),
            Some(v) => match v.parse::<i64>() {
                Ok(n) if n >= 0 => Some(Some(n)),
                _ => {
                    self.errors
                        .push(r.issue(Some(f), format!("{v:?} is not a whole number")));
                    None
                }
            },
        }
    }
    fn flag(&mut self, r: &Rec, f: &str) -> bool {
        matches!(
            r.get(f).map(str::to_lowercase).as_deref(),
            Some("1" | "true" | "yes" | "y")
        )
    }
}

fn list(s: Option<&str>) -> Vec<String> {
    s.map(|s| {
        s.split(';')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

fn read_file(path: &Path, kind: Kind, warnings: &mut Vec<String>, errors: &mut Vec<ImportIssue>) -> Vec<Rec> {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut rdr = match csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
    {
        Ok(r) => r,
        Err(e) => {
            errors.push(ImportIssue {
                file,
                line: 0,
                column: None,
                message: format!("cannot be read ({e})"),
            });
            return Vec::new();
        }
    };
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(ImportIssue {
                file,
                line: 1,
                column: None,
                message: format!("has no readable header row ({e})"),
            });
            return Vec::new();
        }
    };
    let table = aliases(kind);
    let mut columns: Vec<Option<&'static str>> = Vec::new();
    let mut unknown = Vec::new();
    for h in headers.iter() {
        let n = norm(h.trim_start_matches('\u{feff}'));
        let field = table
            .iter()
            .find(|(_, names)| names.contains(&n.as_str()))
            .map(|(f, _)| *f);
        if field.is_none()
            && !h.trim().is_empty()
            && !matches!(n.as_str(), "amount" | "file" | "clients" | "casenumber")
        {
            unknown.push(h.to_string());
        }
        columns.push(field);
    }
    if !unknown.is_empty() {
        warnings.push(format!("{file}: columns ignored: {}", unknown.join(", ")));
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map(|p| p.line()).unwrap_or_default();
                if rec.iter().all(|v| v.trim().is_empty()) {
                    continue;
                }
                let mut fields = HashMap::new();
                for (i, v) in rec.iter().enumerate() {
                    if let Some(Some(f)) = columns.get(i) {
                        fields.insert(*f, v.to_string());
                    }
                }
                out.push(Rec {
                    file: file.clone(),
                    line,
                    fields,
                });
            }
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or_default();
                errors.push(ImportIssue {
                    file: file.clone(),
                    line,
                    column: None,
                    message: format!("cannot be read ({e})"),
                });
            }
        }
    }
    out
}

/// A client to create.
struct ClientPlan {
    id: Option<String>,
    client: NewClient,
    created_at: Option<String>,
}

/// A case to create, with the file ids / names of its clients.
struct CasePlan {
    id: Option<String>,
    doc: CaseDoc,
    client_ids: Vec<String>,
    client_names: Vec<String>,
}

impl Diary {
    /// Imports the CSV files at `paths` (files, or folders whose `.csv` files are read).
    pub fn import_csv(&mut self, paths: &[PathBuf], mode: ImportMode) -> Result<ImportReport> {
        let mut files: Vec<(Kind, PathBuf)> = Vec::new();
        let mut report = ImportReport::default();
        for p in paths {
            if p.is_dir() {
                let mut inside: Vec<PathBuf> = std::fs::read_dir(p)?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|f| f.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
                    .collect();
                inside.sort();
                for f in inside {
                    match kind_of(&f) {
                        Some(k) => files.push((k, f)),
                        None => report.warnings.push(format!(
                            "{}: not imported (attachments are not imported from CSV)",
                            f.display()
                        )),
                    }
                }
            } else if p.is_file() {
                match kind_of(p) {
                    Some(k) => files.push((k, p.clone())),
                    None => report.warnings.push(format!("{}: not imported", p.display())),
                }
            } else {
                return Err(DiaryError::Invalid(format!("{} does not exist", p.display())));
            }
        }
        if files.is_empty() {
            return Err(DiaryError::Invalid("no CSV files to import".into()));
        }
        files.sort();
        let mut errors = Vec::new();
        let mut recs: BTreeMap<Kind, Vec<Rec>> = BTreeMap::new();
        for (k, f) in &files {
            let rows = read_file(f, *k, &mut report.warnings, &mut errors);
            recs.entry(*k).or_default().extend(rows);
        }
        let (clients, cases) = self.plan(&mut recs, &mut errors)?;
        report.clients = clients.len();
        report.cases = cases.len();
        for c in &cases {
            report.hearings += c.doc.hearings.len();
            report.fees += c.doc.fees.len();
            report.tasks += c.doc.tasks.len();
            report.notes += c.doc.notes.len();
        }
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        report.errors = errors;
        if mode == ImportMode::DryRun || !report.errors.is_empty() {
            return Ok(report);
        }
        // Clients named in cases.csv are the diary's clients of that name, or new ones.
        let mut by_name: HashMap<String, String> = self
            .clients()?
            .into_iter()
            .map(|c| (c.name.trim().to_lowercase(), c.id))
            .collect();
        self.write(|b| {
            let mut new_ids: HashMap<String, String> = HashMap::new();
            for c in clients {
                let file_id = c.id.clone();
                let name = c.client.name.trim().to_lowercase();
                let id = b.insert_client_doc(c.id, c.client, c.created_at)?;
                if let Some(f) = file_id {
                    new_ids.insert(f, id.clone());
                }
                by_name.insert(name, id);
            }
            let mut ready = Vec::with_capacity(cases.len());
            for mut c in cases {
                let mut ids: Vec<String> = c
                    .client_ids
                    .iter()
                    .map(|i| new_ids.get(i).cloned().unwrap_or_else(|| i.clone()))
                    .collect();
                for n in &c.client_names {
                    let id = match by_name.get(&n.to_lowercase()) {
                        Some(id) => id.clone(),
                        None => {
                            let id = b.insert_client_doc(
                                None,
                                NewClient {
                                    name: n.clone(),
                                    ..Default::default()
                                },
                                None,
                            )?;
                            by_name.insert(n.to_lowercase(), id.clone());
                            id
                        }
                    };
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                c.doc.client_ids = ids;
                let msg = format!("Imported case {}", c.doc.number);
                ready.push(WholeCase {
                    id: c.id,
                    doc: c.doc,
                    message: msg,
                });
            }
            b.insert_case_docs(ready)?;
            Ok(())
        })?;
        report.applied = true;
        Ok(report)
    }

    fn plan(
        &self,
        recs: &mut BTreeMap<Kind, Vec<Rec>>,
        errors: &mut Vec<ImportIssue>,
    ) -> Result<(Vec<ClientPlan>, Vec<CasePlan>)> {
        let mut rd = Reader { errors };
        let existing_cases: HashMap<(String, String), String> = {
            let mut stmt = self.conn().prepare("SELECT court, number_key, id FROM cases")?;
            let rows = stmt.query_map([], |r| {
                Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?), r.get::<_, String>(2)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let used = |id: &str| -> Result<bool> { Ok(crate::store::doc_kind(self.conn(), id)?.is_some()) };

        let mut clients = Vec::new();
        let mut client_file_ids: HashMap<String, ()> = HashMap::new();
        for r in recs.remove(&Kind::Clients).unwrap_or_default() {
            let Some(name) = rd.required(&r, "name") else { continue };
            let email = r.get("email").map(str::to_string);
            if let Some(e) = &email {
                if !e.contains('@') || e.contains(' ') {
                    rd.errors
                        .push(r.issue(Some("email"), format!("{e:?} is not an email address")));
                    continue;
                }
            }
            let id = r.get("id").map(str::to_string);
            if let Some(id) = &id {
                client_file_ids.insert(id.clone(), ());
            }
            let id = match id {
                Some(i) if !used(&i)? => Some(i),
                _ => None,
            };
            clients.push(ClientPlan {
                id,
                client: NewClient {
                    name,
                    phones: list(r.get("phones")),
                    email,
                    address: r.get("address").map(str::to_string),
                    notes: r.get("notes").map(str::to_string),
                },
                created_at: r.get("created_at").map(str::to_string),
            });
        }
        // Clients given by id in cases must be in this import (by its ids) or in the diary.
        let mut cases: Vec<CasePlan> = Vec::new();
        let mut keys: HashMap<(String, String), (String, u64)> = HashMap::new();
        for r in recs.remove(&Kind::Cases).unwrap_or_default() {
            let number = rd.required(&r, "number");
            let court = rd.required(&r, "court");
            let next = rd.date(&r, "next_date");
            let prev = rd.date(&r, "previous_date");
            let item = rd.int(&r, "item");
            let (Some(number), Some(court), Some(next), Some(prev), Some(item)) = (number, court, next, prev, item)
            else {
                continue;
            };
            let status = r
                .get("status")
                .map(str::to_lowercase)
                .unwrap_or_else(|| "pending".into());
            if !crate::records::case::is_status(&status) {
                rd.errors.push(r.issue(
                    Some("status"),
                    format!("{status:?} is not one of pending, disposed, transferred"),
                ));
                continue;
            }
            let key = (court.clone(), number_key(&number));
            if let Some(existing) = existing_cases.get(&key) {
                rd.errors.push(r.issue(
                    Some("number"),
                    format!("case {number} in {court} is already in the diary (case {existing})"),
                ));
                continue;
            }
            if let Some((file, line)) = keys.get(&key) {
                rd.errors.push(r.issue(
                    Some("number"),
                    format!("case {number} in {court} is also on {file}:{line}"),
                ));
                continue;
            }
            keys.insert(key, (r.file.clone(), r.line));
            let mut parties = Vec::new();
            for p in list(r.get("petitioner")) {
                parties.push(Party {
                    name: p,
                    side: "petitioner".into(),
                    counsel: None,
                });
            }
            for p in list(r.get("respondent")) {
                parties.push(Party {
                    name: p,
                    side: "respondent".into(),
                    counsel: None,
                });
            }
            let client_ids = list(r.get("client_ids"));
            let mut bad_client = false;
            for id in &client_ids {
                if !client_file_ids.contains_key(id)
                    && crate::store::doc_kind(self.conn(), id)? != Some(crate::model::DocKind::Client)
                {
                    rd.errors.push(r.issue(
                        Some("client_ids"),
                        format!("no client with id {id} in this import or the diary"),
                    ));
                    bad_client = true;
                }
            }
            if bad_client {
                continue;
            }
            let names: Vec<String> = if client_ids.is_empty() {
                list(r.get("clients"))
            } else {
                Vec::new()
            };
            let title = r.get("title").map(str::to_string).unwrap_or_else(|| {
                match (
                    parties.iter().find(|p| p.side == "petitioner"),
                    parties.iter().find(|p| p.side == "respondent"),
                ) {
                    (Some(a), Some(b)) => format!("{} v. {}", a.name, b.name),
                    _ => number.clone(),
                }
            });
            let mut doc = CaseDoc {
                title,
                number,
                cnr: r.get("cnr").map(str::to_uppercase),
                court,
                bench: r.get("bench").map(str::to_string),
                case_type: r.get("case_type").map(str::to_string),
                status,
                stage: r.get("stage").map(str::to_string),
                parties,
                created_at: r
                    .get("created_at")
                    .map(str::to_string)
                    .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
                ..Default::default()
            };
            if let Some(p) = &prev {
                if next.as_ref().is_some_and(|n| n <= p) {
                    rd.errors
                        .push(r.issue(Some("next_date"), "must be after the previous date"));
                    continue;
                }
                doc.hearings.insert(
                    ulid::Ulid::new().to_string(),
                    Hearing {
                        date: p.clone(),
                        next_date: next.clone(),
                        ..Default::default()
                    },
                );
            }
            if let Some(n) = &next {
                doc.hearings.insert(
                    ulid::Ulid::new().to_string(),
                    Hearing {
                        date: n.clone(),
                        item,
                        purpose: r.get("purpose").map(str::to_string),
                        ..Default::default()
                    },
                );
            }
            let id = match r.get("id") {
                Some(i) if !used(i)? => Some(i.to_string()),
                _ => None,
            };
            cases.push(CasePlan {
                id,
                doc,
                client_ids,
                client_names: names,
            });
        }
        // Child rows find their case by id (from a Nextdate export) or by number (and court).
        let find = |cases: &[CasePlan], r: &Rec| -> std::result::Result<usize, String> {
            if let Some(id) = r.get("case_id") {
                return cases
                    .iter()
                    .position(|c| c.id.as_deref() == Some(id))
                    .ok_or_else(|| format!("no case with id {id} in this import"));
            }
            let Some(number) = r.get("case_number") else {
                return Err("give the case's number (or id)".into());
            };
            let k = number_key(number);
            let hits: Vec<usize> = cases
                .iter()
                .enumerate()
                .filter(|(_, c)| number_key(&c.doc.number) == k && r.get("court").is_none_or(|ct| ct == c.doc.court))
                .map(|(i, _)| i)
                .collect();
            match hits.as_slice() {
                [one] => Ok(*one),
                [] => Err(format!("no case {number} in this import")),
                _ => Err(format!(
                    "case {number} is in more than one court here; add a court column"
                )),
            }
        };
        let new_key = || ulid::Ulid::new().to_string();
        for kind in [Kind::Parties, Kind::Hearings, Kind::Fees, Kind::Tasks, Kind::Notes] {
            let mut rows = recs.remove(&kind).unwrap_or_default();
            if kind == Kind::Parties {
                rows.sort_by_key(|r| {
                    r.get("position")
                        .and_then(|p| p.parse::<i64>().ok())
                        .unwrap_or(i64::MAX)
                });
            }
            for r in rows {
                let i = match find(&cases, &r) {
                    Ok(i) => i,
                    Err(m) => {
                        rd.errors.push(r.issue(
                            Some(if r.get("case_id").is_some() {
                                "case_id"
                            } else {
                                "case_number"
                            }),
                            m,
                        ));
                        continue;
                    }
                };
                let key = r.get("id").map(str::to_string).unwrap_or_else(new_key);
                match kind {
                    Kind::Parties => {
                        let (Some(name), Some(side)) = (rd.required(&r, "name"), rd.required(&r, "side")) else {
                            continue;
                        };
                        cases[i].doc.parties.push(Party {
                            name,
                            side: side.to_lowercase(),
                            counsel: r.get("counsel").map(str::to_string),
                        });
                    }
                    Kind::Hearings => {
                        let date = rd.date(&r, "date");
                        let next = rd.date(&r, "next_date");
                        let item = rd.int(&r, "item");
                        let (Some(date), Some(next), Some(item)) = (date, next, item) else {
                            continue;
                        };
                        let Some(date) = date else {
                            rd.errors.push(r.issue(Some("date"), "is required"));
                            continue;
                        };
                        if next.as_ref().is_some_and(|n| *n <= date) {
                            rd.errors
                                .push(r.issue(Some("next_date"), "must be after the hearing date"));
                            continue;
                        }
                        let disposed = rd.flag(&r, "disposed");
                        cases[i].doc.hearings.insert(
                            key,
                            Hearing {
                                date,
                                item,
                                purpose: r.get("purpose").map(str::to_string),
                                outcome: r.get("outcome").map(str::to_string),
                                next_date: next,
                                disposed,
                                attended_by: r.get("attended_by").map(str::to_string),
                                recorded_at: r.get("recorded_at").map(str::to_string),
                            },
                        );
                    }
                    Kind::Fees => {
                        let kind_text = r.get("kind").map(str::to_lowercase).unwrap_or_default();
                        let Some(fee_kind) = FeeKind::parse(&kind_text) else {
                            rd.errors.push(r.issue(
                                Some("kind"),
                                format!("{kind_text:?} is not agreed, received or expense"),
                            ));
                            continue;
                        };
                        let amount = match (r.get("amount_minor"), r.get("amount")) {
                            (Some(m), _) => m
                                .parse::<i64>()
                                .ok()
                                .filter(|m| *m > 0)
                                .ok_or_else(|| format!("{m:?} is not a positive amount in paise")),
                            (None, Some(a)) => parse_amount(&a.replace(',', "")).map_err(|e| e.to_string()),
                            (None, None) => Err("is required".into()),
                        };
                        let amount = match amount {
                            Ok(a) => a,
                            Err(m) => {
                                rd.errors.push(r.issue(Some("amount"), m));
                                continue;
                            }
                        };
                        let currency = match check_currency(r.get("currency").unwrap_or("INR")) {
                            Ok(c) => c,
                            Err(e) => {
                                rd.errors.push(r.issue(Some("currency"), e.to_string()));
                                continue;
                            }
                        };
                        let Some(Some(date)) = rd.date(&r, "date") else {
                            if r.get("date").is_none() {
                                rd.errors.push(r.issue(Some("date"), "is required"));
                            }
                            continue;
                        };
                        cases[i].doc.fees.insert(
                            key,
                            Fee {
                                kind: fee_kind.as_str().to_string(),
                                amount_minor: amount,
                                currency,
                                date,
                                mode: r.get("mode").map(str::to_string),
                                remark: r.get("remark").map(str::to_string),
                            },
                        );
                    }
                    Kind::Tasks => {
                        let Some(title) = rd.required(&r, "title") else {
                            continue;
                        };
                        let Some(due) = rd.date(&r, "due") else { continue };
                        let done = rd.flag(&r, "done");
                        cases[i].doc.tasks.insert(
                            key,
                            Task {
                                title,
                                due,
                                assignee: r.get("assignee").map(str::to_string),
                                done,
                                done_at: r.get("done_at").map(str::to_string),
                                created_at: r
                                    .get("created_at")
                                    .map(str::to_string)
                                    .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
                            },
                        );
                    }
                    Kind::Notes => {
                        let Some(text) = rd.required(&r, "text") else { continue };
                        let client_visible = rd.flag(&r, "client_visible");
                        cases[i].doc.notes.insert(
                            key,
                            Note {
                                text,
                                client_visible,
                                author: r.get("author").map(str::to_string).unwrap_or_default(),
                                at: r
                                    .get("at")
                                    .map(str::to_string)
                                    .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
                            },
                        );
                    }
                    Kind::Clients | Kind::Cases => unreachable!("handled above"),
                }
            }
        }
        Ok((clients, cases))
    }
}
