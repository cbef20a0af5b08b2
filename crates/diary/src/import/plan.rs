//! Planning an import: every row checked and turned into the clients and
//! whole case documents it would create, one function per table, with every
//! problem recorded (the accounts tables in [`super::accounts`]). Nothing is
//! written here.

use std::collections::{BTreeMap, HashMap};

use super::accounts::Accounts;
use super::read::{list, Reader, Rec};
use super::{ImportIssue, Kind};
use crate::client_update::Language;
use crate::diary::Diary;
use crate::error::Result;
use crate::model::{BillRecord, CaseDoc, Fee, FeeKind, Hearing, Note, Party, Task};
use crate::money::{check_currency, parse_amount};
use crate::projection::number_key;
use crate::records::NewClient;
use crate::validate::{is_email, next_is_after};

/// A client to create.
pub(super) struct ClientPlan {
    pub(super) id: Option<String>,
    pub(super) client: NewClient,
    pub(super) created_at: Option<String>,
    /// Bills issued to the client, by id.
    pub(super) bills: BTreeMap<String, BillRecord>,
}

/// A case to create, with the file ids / names of its clients.
pub(super) struct CasePlan {
    pub(super) id: Option<String>,
    pub(super) doc: CaseDoc,
    pub(super) client_ids: Vec<String>,
    pub(super) client_names: Vec<String>,
}

/// Everything an import would create.
pub(super) struct Plan {
    pub(super) clients: Vec<ClientPlan>,
    pub(super) cases: Vec<CasePlan>,
    /// What the advocate should know though nothing is wrong.
    pub(super) warnings: Vec<String>,
}

/// The cases already in the diary, by (court, number key).
type ExistingCases = HashMap<(String, String), String>;

/// Where each (court, number key) was first seen in this import.
type SeenNumbers = HashMap<(String, String), (String, u64)>;

impl Diary {
    /// Checks every row and plans what it creates; problems go to `errors`.
    pub(super) fn plan(&self, recs: &mut BTreeMap<Kind, Vec<Rec>>, errors: &mut Vec<ImportIssue>) -> Result<Plan> {
        let mut rd = Reader { errors };
        let (mut clients, client_file_ids) =
            self.plan_clients(recs.remove(&Kind::Clients).unwrap_or_default(), &mut rd)?;
        // Clients given by id in cases must be in this import (by its ids) or in the diary.
        let existing_cases: ExistingCases = {
            let mut stmt = self.conn().prepare("SELECT court, number_key, id FROM cases")?;
            let rows = stmt.query_map([], |r| {
                Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?), r.get::<_, String>(2)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut cases: Vec<CasePlan> = Vec::new();
        let mut keys: SeenNumbers = HashMap::new();
        for r in recs.remove(&Kind::Cases).unwrap_or_default() {
            if let Some(c) = self.plan_case(&r, &mut rd, &existing_cases, &mut keys, &client_file_ids)? {
                cases.push(c);
            }
        }
        let mut acc = Accounts::new(
            self.conn(),
            self.members()?,
            self.member_id().to_string(),
            self.chamber()?.currency,
        )?;
        // Child rows find their case by id (from a Nextdate export) or by number (and court).
        let index = CaseIndex::new(&cases);
        let new_key = || ulid::Ulid::new().to_string();
        for kind in [
            Kind::Parties,
            Kind::Hearings,
            Kind::Fees,
            Kind::Tasks,
            Kind::Notes,
            Kind::FeeTerms,
            Kind::TimeEntries,
        ] {
            let mut rows = recs.remove(&kind).unwrap_or_default();
            if kind == Kind::Parties {
                rows.sort_by_key(|r| {
                    r.get("position")
                        .and_then(|p| p.parse::<i64>().ok())
                        .unwrap_or(i64::MAX)
                });
            }
            for r in rows {
                let i = match index.find(&cases, &r) {
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
                let doc = &mut cases[i].doc;
                match kind {
                    Kind::Parties => plan_party(&mut rd, &r, doc),
                    Kind::Hearings => plan_hearing(&mut rd, &r, key, doc),
                    Kind::Fees => plan_fee(&mut rd, &r, key, doc, &mut acc),
                    Kind::Tasks => plan_task(&mut rd, &r, key, doc),
                    Kind::Notes => plan_note(&mut rd, &r, key, doc),
                    Kind::FeeTerms => acc.plan_terms(&mut rd, &r, i, doc),
                    Kind::TimeEntries => acc.plan_time(&mut rd, &r, key, doc),
                    Kind::Clients | Kind::Cases | Kind::Bills => unreachable!("handled apart"),
                }
            }
        }
        let bills = recs.remove(&Kind::Bills).unwrap_or_default();
        acc.plan_bills(&mut rd, bills, &mut cases, &index, &mut clients, &client_file_ids);
        Ok(Plan {
            clients,
            cases,
            warnings: acc.warnings(),
        })
    }

    /// Whether a record with `id` is already in the diary.
    fn id_used(&self, id: &str) -> Result<bool> {
        Ok(crate::store::doc_kind(self.conn(), id)?.is_some())
    }

    /// The clients table: the clients to create, and every id the file gives
    /// (with the place in the plan of the client it gives it to).
    fn plan_clients(&self, rows: Vec<Rec>, rd: &mut Reader) -> Result<(Vec<ClientPlan>, HashMap<String, usize>)> {
        let recs = rows;

        let mut clients = Vec::new();
        let mut client_file_ids: HashMap<String, usize> = HashMap::new();
        for r in &recs {
            let Some(name) = rd.required(r, "name") else { continue };
            let email = r.get("email").map(str::to_string);
            if let Some(e) = &email {
                if !is_email(e) {
                    rd.errors
                        .push(r.issue(Some("email"), format!("{e:?} is not an email address")));
                    continue;
                }
            }
            let update_language = match r.get("update_language") {
                None => None,
                Some(code) => match Language::parse(code) {
                    Some(lang) => Some(lang),
                    None => {
                        rd.errors.push(r.issue(
                            Some("update_language"),
                            format!("{code:?} is not a language updates are written in (en or hi)"),
                        ));
                        continue;
                    }
                },
            };
            let id = r.get("id").map(str::to_string);
            if let Some(id) = &id {
                client_file_ids.insert(id.clone(), clients.len());
            }
            let id = match id {
                Some(i) if !self.id_used(&i)? => Some(i),
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
                    update_language,
                },
                created_at: r.get("created_at").map(str::to_string),
                bills: BTreeMap::new(),
            });
        }
        Ok((clients, client_file_ids))
    }

    /// One row of the cases table: the case it creates (with its previous and
    /// next hearings), or `None` if the row has a problem.
    fn plan_case(
        &self,
        r: &Rec,
        rd: &mut Reader,
        existing_cases: &ExistingCases,
        keys: &mut SeenNumbers,
        client_file_ids: &HashMap<String, usize>,
    ) -> Result<Option<CasePlan>> {
        let number = rd.required(r, "number");
        let court = rd.required(r, "court");
        let next = rd.date(r, "next_date");
        let prev = rd.date(r, "previous_date");
        let item = rd.int(r, "item");
        let status_date = rd.date(r, "status_date");
        let (Some(number), Some(court), Some(next), Some(prev), Some(item), Some(status_date)) =
            (number, court, next, prev, item, status_date)
        else {
            return Ok(None);
        };
        let status = r
            .get("status")
            .map(str::to_lowercase)
            .unwrap_or_else(|| "pending".into());
        if !crate::records::case::is_status(&status) {
            rd.errors.push(r.issue(
                Some("status"),
                format!("{status:?} is not one of {}", crate::records::STATUSES.join(", ")),
            ));
            return Ok(None);
        }
        let key = (court.clone(), number_key(&number));
        if let Some(existing) = existing_cases.get(&key) {
            rd.errors.push(r.issue(
                Some("number"),
                format!("case {number} in {court} is already in the diary (case {existing})"),
            ));
            return Ok(None);
        }
        if let Some((file, line)) = keys.get(&key) {
            rd.errors.push(r.issue(
                Some("number"),
                format!("case {number} in {court} is also on {file}:{line}"),
            ));
            return Ok(None);
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
            return Ok(None);
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
            status_date,
            status_remark: r.get("status_remark").map(str::to_string),
            stage: r.get("stage").map(str::to_string),
            parties,
            created_at: r
                .get("created_at")
                .map(str::to_string)
                .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
            ..Default::default()
        };
        if let Some(p) = &prev {
            if next.as_ref().is_some_and(|n| !next_is_after(p, n)) {
                rd.errors
                    .push(r.issue(Some("next_date"), "must be after the previous date"));
                return Ok(None);
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
            Some(i) if !self.id_used(i)? => Some(i.to_string()),
            _ => None,
        };
        Ok(Some(CasePlan {
            id,
            doc,
            client_ids,
            client_names: names,
        }))
    }
}

/// The planned cases by id and by number, so each child row finds its case
/// in constant time (a scan of every case for every row was quadratic: 96%
/// of the time of a 100,000-case import, which did not finish).
pub(super) struct CaseIndex {
    /// The first case of each id.
    by_id: HashMap<String, usize>,
    /// The cases of each number key, in plan order.
    by_number: HashMap<String, Vec<usize>>,
}

impl CaseIndex {
    pub(super) fn new(cases: &[CasePlan]) -> Self {
        let mut by_id = HashMap::with_capacity(cases.len());
        let mut by_number: HashMap<String, Vec<usize>> = HashMap::with_capacity(cases.len());
        for (i, c) in cases.iter().enumerate() {
            if let Some(id) = &c.id {
                by_id.entry(id.clone()).or_insert(i);
            }
            by_number.entry(number_key(&c.doc.number)).or_default().push(i);
        }
        CaseIndex { by_id, by_number }
    }

    /// The case with id `id`.
    pub(super) fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The case of a child row, by `case_id`, or by `case_number` (and `court`).
    pub(super) fn find(&self, cases: &[CasePlan], r: &Rec) -> std::result::Result<usize, String> {
        if let Some(id) = r.get("case_id") {
            return self
                .by_id(id)
                .ok_or_else(|| format!("no case with id {id} in this import"));
        }
        let Some(number) = r.get("case_number") else {
            return Err("give the case's number (or id)".into());
        };
        let same_number = self
            .by_number
            .get(&number_key(number))
            .map(Vec::as_slice)
            .unwrap_or_default();
        let hits: Vec<usize> = same_number
            .iter()
            .copied()
            .filter(|i| r.get("court").is_none_or(|ct| ct == cases[*i].doc.court))
            .collect();
        match hits.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!("no case {number} in this import")),
            _ => Err(format!(
                "case {number} is in more than one court here; add a court column"
            )),
        }
    }
}

/// One row of the parties table, added to its case.
fn plan_party(rd: &mut Reader, r: &Rec, doc: &mut CaseDoc) {
    let (Some(name), Some(side)) = (rd.required(r, "name"), rd.required(r, "side")) else {
        return;
    };
    doc.parties.push(Party {
        name,
        side: side.to_lowercase(),
        counsel: r.get("counsel").map(str::to_string),
    });
}

/// One row of the hearings table, added to its case.
fn plan_hearing(rd: &mut Reader, r: &Rec, key: String, doc: &mut CaseDoc) {
    let date = rd.date(r, "date");
    let next = rd.date(r, "next_date");
    let item = rd.int(r, "item");
    let (Some(date), Some(next), Some(item)) = (date, next, item) else {
        return;
    };
    let Some(date) = date else {
        rd.errors.push(r.issue(Some("date"), "is required"));
        return;
    };
    if next.as_ref().is_some_and(|n| !next_is_after(&date, n)) {
        rd.errors
            .push(r.issue(Some("next_date"), "must be after the hearing date"));
        return;
    }
    let disposed = rd.flag(r, "disposed");
    doc.hearings.insert(
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
            non_effective: rd.flag(r, "non_effective"),
            ..Default::default()
        },
    );
}

/// One row of the fees table, added to its case.
fn plan_fee(rd: &mut Reader, r: &Rec, key: String, doc: &mut CaseDoc, acc: &mut Accounts) {
    let kind_text = r.get("kind").map(str::to_lowercase).unwrap_or_default();
    let Some(fee_kind) = FeeKind::parse(&kind_text) else {
        rd.errors.push(r.issue(
            Some("kind"),
            format!("{kind_text:?} is not agreed, received or expense"),
        ));
        return;
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
            return;
        }
    };
    let currency = match check_currency(r.get("currency").unwrap_or("INR")) {
        Ok(c) => c,
        Err(e) => {
            rd.errors.push(r.issue(Some("currency"), e.to_string()));
            return;
        }
    };
    let Some(Some(date)) = rd.date(r, "date") else {
        if r.get("date").is_none() {
            rd.errors.push(r.issue(Some("date"), "is required"));
        }
        return;
    };
    let mode = match r.get("mode").map(crate::records::PaymentMode::parse).transpose() {
        Ok(m) => m.map(|m| m.as_str().to_string()),
        Err(e) => {
            rd.errors.push(r.issue(Some("mode"), e.to_string()));
            return;
        }
    };
    let Some(receipt) = acc.receipt(rd, r, fee_kind) else {
        return;
    };
    doc.fees.insert(
        key,
        Fee {
            kind: fee_kind.as_str().to_string(),
            amount_minor: amount,
            currency,
            date,
            mode,
            remark: r.get("remark").map(str::to_string),
            voided_at: r.get("voided_at").map(str::to_string),
            void_reason: r.get("void_reason").map(str::to_string),
            receipt,
            ..Default::default()
        },
    );
}

/// One row of the tasks table, added to its case.
fn plan_task(rd: &mut Reader, r: &Rec, key: String, doc: &mut CaseDoc) {
    let Some(title) = rd.required(r, "title") else {
        return;
    };
    let Some(due) = rd.date(r, "due") else { return };
    let done = rd.flag(r, "done");
    doc.tasks.insert(
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
            ..Default::default()
        },
    );
}

/// One row of the notes table, added to its case.
fn plan_note(rd: &mut Reader, r: &Rec, key: String, doc: &mut CaseDoc) {
    let Some(text) = rd.required(r, "text") else { return };
    let client_visible = rd.flag(r, "client_visible");
    doc.notes.insert(
        key,
        Note {
            text,
            client_visible,
            author: r.get("author").map(str::to_string).unwrap_or_default(),
            at: r
                .get("at")
                .map(str::to_string)
                .unwrap_or_else(|| chrono::Utc::now().to_rfc3339()),
            ..Default::default()
        },
    );
}
