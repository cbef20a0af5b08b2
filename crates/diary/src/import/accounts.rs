//! Planning the accounts side of an import: fee terms and time entries of a
//! case, receipt numbers of payments, and bills of a case or a client. Every
//! row gets the checks the core gives the same record typed in (amounts,
//! durations, currencies, periods), and a receipt or bill number the diary
//! already holds, that this laptop already issued, or that comes twice in
//! the files is refused: numbers are never given twice. Imported numbers go
//! into the documents, so the diary's next number is past them.

use std::collections::{BTreeSet, HashMap, HashSet};

use rusqlite::Connection;

use super::plan::{CaseIndex, CasePlan, ClientPlan};
use super::read::{Reader, Rec};
use crate::accounts::time::{check_minutes, parse_duration};
use crate::error::{DiaryError, Result};
use crate::listing::MemberRow;
use crate::model::{BillRecord, CaseDoc, FeeKind, FeeTerms, IssuedNumber, TimeEntry};
use crate::money::{check_currency, format_amount, parse_amount};
use crate::write::now_rfc3339;

/// A receipt's or bill's number as printed (`A-7/2026-27`): its series,
/// running number and financial year, or `None` if it is not one.
fn parse_number(label: &str) -> Option<(String, i64, String)> {
    let (head, year) = label.trim().rsplit_once('/')?;
    let (series, seq) = head.trim().rsplit_once('-')?;
    let series = series.trim().to_uppercase();
    let (seq, year) = (seq.trim(), year.trim());
    if series.is_empty() || !series.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    if seq.is_empty() || seq.len() > 9 || !seq.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let seq: i64 = seq.parse().ok().filter(|n| *n > 0)?;
    let (start, end) = year.split_once('-')?;
    let ok = start.len() == 4
        && end.len() == 2
        && start.chars().chain(end.chars()).all(|c| c.is_ascii_digit())
        && start.parse::<i64>().ok().map(|s| (s + 1) % 100) == end.parse::<i64>().ok();
    ok.then(|| (series, seq, year.to_string()))
}

/// Receipts and bills are numbered apart: `A-1/2026-27` may be both.
type NumberKey = (&'static str, String, String, i64);

/// Whose a bill is: a case's or a client's, by its place in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Owner {
    Case(usize),
    Client(usize),
}

/// A bill not cancelled, as far as overlapping periods go.
struct LiveBill {
    from: String,
    to: String,
    number: String,
    at: (String, u64),
}

/// What the accounts rows of one import have seen so far.
pub(super) struct Accounts {
    members: Vec<MemberRow>,
    /// This laptop's member: the one who did the work when a row names nobody.
    me: String,
    /// The chamber's currency (INR if it has none), for terms and bills that give none.
    currency: String,
    /// Every number the diary holds.
    in_diary: HashSet<NumberKey>,
    /// The last number this laptop issued, by (what, series, year).
    issued_here: HashMap<(&'static str, String, String), i64>,
    /// Where each number was first given in these files.
    seen: HashMap<NumberKey, (String, u64)>,
    /// Where each case's terms were given (by the case's place in the plan).
    terms_seen: HashMap<usize, (String, u64)>,
    /// Bills not cancelled, by owner.
    live_bills: HashMap<Owner, Vec<LiveBill>>,
    /// Member ids kept as given though the chamber does not list them, by file.
    foreign_members: HashMap<String, BTreeSet<String>>,
}

impl Accounts {
    pub(super) fn new(conn: &Connection, members: Vec<MemberRow>, me: String, currency: String) -> Result<Self> {
        let mut in_diary = HashSet::new();
        let mut stmt = conn.prepare(
            "SELECT 'receipt', receipt_series, receipt_year, receipt_seq FROM fees WHERE receipt_seq IS NOT NULL
             UNION ALL SELECT 'bill', series, year, seq FROM bills",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            in_diary.insert((what(&r.get::<_, String>(0)?), r.get(1)?, r.get(2)?, r.get(3)?));
        }
        let mut issued_here = HashMap::new();
        let mut stmt = conn.prepare("SELECT kind, series, year, last_seq FROM issued_numbers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            issued_here.insert((what(&r.get::<_, String>(0)?), r.get(1)?, r.get(2)?), r.get(3)?);
        }
        Ok(Accounts {
            members,
            me,
            currency: if currency.is_empty() { "INR".into() } else { currency },
            in_diary,
            issued_here,
            seen: HashMap::new(),
            terms_seen: HashMap::new(),
            live_bills: HashMap::new(),
            foreign_members: HashMap::new(),
        })
    }

    /// A word for each kept member id, to tell the advocate once per file.
    pub(super) fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .foreign_members
            .iter()
            .map(|(file, ids)| {
                format!(
                    "{file}: time of members this chamber does not list keeps their member ids ({}); \
                     it shows no member's name",
                    ids.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        out.sort();
        out
    }

    /// The number in column `col` of `r`, checked as new: not in the diary,
    /// not issued by this laptop, not earlier in these files.
    fn number(&mut self, rd: &mut Reader, r: &Rec, col: &str, kind: &'static str, label: &str) -> Option<IssuedNumber> {
        let Some((series, seq, year)) = parse_number(label) else {
            rd.errors
                .push(r.issue(Some(col), format!("{label:?} is not a {kind} number like A-7/2026-27")));
            return None;
        };
        let printed = format!("{series}-{seq}/{year}");
        let key = (kind, series.clone(), year.clone(), seq);
        let problem = if self.in_diary.contains(&key) {
            Some(format!("{kind} {printed} is already in the diary"))
        } else if self
            .issued_here
            .get(&(kind, series.clone(), year.clone()))
            .is_some_and(|last| seq <= *last)
        {
            Some(format!("{kind} {printed} was already issued on this laptop"))
        } else {
            self.seen
                .get(&key)
                .map(|(file, line)| format!("{kind} {printed} is also on {file}:{line}"))
        };
        if let Some(m) = problem {
            rd.errors.push(r.issue(Some(col), m));
            return None;
        }
        self.seen.insert(key, (r.file.clone(), r.line));
        Some(IssuedNumber {
            series,
            year,
            seq,
            issued_at: now_rfc3339(),
        })
    }

    /// The receipt a fee row gives (`receipt_number`): `Some(None)` for none,
    /// `None` if it is bad (recorded in `rd`).
    pub(super) fn receipt(&mut self, rd: &mut Reader, r: &Rec, kind: FeeKind) -> Option<Option<IssuedNumber>> {
        let Some(label) = r.get("receipt_number") else {
            return Some(None);
        };
        if kind != FeeKind::Received {
            rd.errors.push(r.issue(
                Some("receipt_number"),
                format!(
                    "only a payment received has a receipt; this is {}",
                    if kind == FeeKind::Expense {
                        "an expense"
                    } else {
                        "an agreed fee"
                    }
                ),
            ));
            return None;
        }
        self.number(rd, r, "receipt_number", "receipt", label).map(Some)
    }

    /// One row of the fee terms table: the terms of case `i` of the plan.
    pub(super) fn plan_terms(&mut self, rd: &mut Reader, r: &Rec, i: usize, doc: &mut CaseDoc) {
        if let Some((file, line)) = self.terms_seen.get(&i) {
            rd.errors.push(r.issue(
                Some("case_number"),
                format!("the fee terms of case {} are also on {file}:{line}", doc.number),
            ));
            return;
        }
        let fees_in: Option<&str> = doc
            .fees
            .values()
            .find(|f| f.voided_at.is_none())
            .map(|f| f.currency.as_str());
        let currency = match check_currency(r.get("currency").or(fees_in).unwrap_or(&self.currency)) {
            Ok(c) => c,
            Err(e) => {
                rd.errors.push(r.issue(Some("currency"), e.to_string()));
                return;
            }
        };
        if let Some(other) = doc
            .fees
            .values()
            .find(|f| f.voided_at.is_none() && f.currency != currency)
        {
            rd.errors.push(r.issue(
                Some("currency"),
                format!(
                    "case {} keeps its fees in {}; terms in {currency} would not add up with them",
                    doc.number, other.currency
                ),
            ));
            return;
        }
        let mut rates = [None; 4];
        for (n, (minor, human)) in [
            ("fixed_minor", "fixed"),
            ("per_appearance_minor", "per_appearance"),
            ("non_effective_minor", "non_effective"),
            ("hourly_minor", "hourly"),
        ]
        .into_iter()
        .enumerate()
        {
            // Nothing for a non-effective appearance is a real choice; other rates are positive.
            let least = if human == "non_effective" { 0 } else { 1 };
            match amount(r, minor, human) {
                Ok(Some(v)) if v < least => {
                    let e = DiaryError::InvalidAmount(format_amount(v));
                    rd.errors.push(r.issue(Some(human), e.to_string()));
                    return;
                }
                Ok(v) => rates[n] = v,
                Err(m) => {
                    rd.errors.push(r.issue(Some(human), m));
                    return;
                }
            }
        }
        if rates.iter().all(Option::is_none) {
            rd.errors.push(r.issue(
                None,
                "gives no rate: give a fixed fee, a fee per appearance, a non-effective fee or an hourly rate",
            ));
            return;
        }
        let [fixed_minor, per_appearance_minor, non_effective_minor, hourly_minor] = rates;
        self.terms_seen.insert(i, (r.file.clone(), r.line));
        doc.fee_terms = Some(FeeTerms {
            currency,
            fixed_minor,
            per_appearance_minor,
            non_effective_minor,
            hourly_minor,
        });
    }

    /// One row of the time entries table, added to its case.
    pub(super) fn plan_time(&mut self, rd: &mut Reader, r: &Rec, key: String, doc: &mut CaseDoc) {
        let date = match rd.date(r, "date") {
            None => return,
            Some(None) => {
                rd.errors.push(r.issue(Some("date"), "is required"));
                return;
            }
            Some(Some(d)) => d,
        };
        let minutes = match (r.get("minutes"), r.get("hours")) {
            (Some(m), _) => match m.parse::<i64>() {
                Ok(n) => check_minutes(n),
                Err(_) => parse_duration(m),
            }
            .map_err(|e| ("minutes", e.to_string())),
            (None, Some(h)) => hours(h).map_err(|e| ("hours", e.to_string())),
            (None, None) => Err(("minutes", "is required".to_string())),
        };
        let minutes = match minutes {
            Ok(m) => m,
            Err((col, m)) => {
                rd.errors.push(r.issue(Some(col), m));
                return;
            }
        };
        let billable = match r.get("billable").map(str::to_lowercase).as_deref() {
            None | Some("1" | "true" | "yes" | "y") => true,
            Some("0" | "false" | "no" | "n") => false,
            Some(other) => {
                rd.errors
                    .push(r.issue(Some("billable"), format!("{other:?} is not yes or no")));
                return;
            }
        };
        let Some(member_id) = self.member(rd, r) else { return };
        doc.time_entries.insert(
            key,
            TimeEntry {
                date,
                minutes,
                member_id,
                note: r.get("note").map(str::to_string),
                billable,
                created_at: r.get("created_at").map(str::to_string).unwrap_or_else(now_rfc3339),
                removed_at: None,
            },
        );
    }

    /// The member a time row names: a member of this chamber by id, else by
    /// name; nobody named is this laptop's member (as when time is typed in).
    /// An id the chamber does not list (a Nextdate export of another
    /// chamber) is kept, as notes keep their authors; a name it does not
    /// list is refused.
    fn member(&mut self, rd: &mut Reader, r: &Rec) -> Option<String> {
        let id = r.get("member_id");
        if let Some(m) = id.and_then(|id| self.members.iter().find(|m| m.id == id)) {
            return Some(m.id.clone());
        }
        if let Some(name) = r.get("member") {
            let wanted = name.to_lowercase();
            let named: Vec<&MemberRow> = self
                .members
                .iter()
                .filter(|m| m.name.trim().to_lowercase() == wanted)
                .collect();
            match (named.as_slice(), id) {
                ([one], _) => return Some(one.id.clone()),
                ([_, _, ..], None) => {
                    rd.errors.push(r.issue(
                        Some("member"),
                        format!("{name:?} is the name of more than one member; give the member's id"),
                    ));
                    return None;
                }
                _ => {}
            }
        }
        match (id, r.get("member")) {
            (Some(id), _) => {
                self.foreign_members
                    .entry(r.file.clone())
                    .or_default()
                    .insert(id.to_string());
                Some(id.to_string())
            }
            (None, Some(name)) => {
                rd.errors.push(r.issue(
                    Some("member"),
                    format!("no member named {name:?} in this chamber (leave it empty to record the time as yours)"),
                ));
                None
            }
            (None, None) => Some(self.me.clone()),
        }
    }

    /// The bills table: each bill kept with its case (found like any child
    /// row, or by `owner_id`) or its client (by the id clients.csv gives it;
    /// a client's bills come only with the client).
    pub(super) fn plan_bills(
        &mut self,
        rd: &mut Reader,
        rows: Vec<Rec>,
        cases: &mut [CasePlan],
        index: &CaseIndex,
        clients: &mut [ClientPlan],
        client_index: &HashMap<String, usize>,
    ) {
        for r in rows {
            let scope = r.get("scope").map(str::to_lowercase).unwrap_or_else(|| "case".into());
            let owner = match (scope.as_str(), r.get("owner_id")) {
                ("case", Some(id)) => index
                    .by_id(id)
                    .map(Owner::Case)
                    .ok_or_else(|| ("owner_id", format!("no case with id {id} in this import"))),
                ("case", None) => index.find(cases, &r).map(Owner::Case).map_err(|m| ("case_number", m)),
                ("client", Some(id)) => client_index
                    .get(id)
                    .map(|i| Owner::Client(*i))
                    .ok_or_else(|| ("owner_id", format!("no client with id {id} in this import"))),
                ("client", None) => Err(("owner_id", "give the client's id".to_string())),
                (other, _) => Err(("scope", format!("{other:?} is not case or client"))),
            };
            let owner = match owner {
                Ok(o) => o,
                Err((col, m)) => {
                    rd.errors.push(r.issue(Some(col), m));
                    continue;
                }
            };
            let Some(bill) = self.plan_bill(rd, &r, owner) else {
                continue;
            };
            let key = r.get("id").map(str::to_string).unwrap_or_else(crate::write::new_id);
            match owner {
                Owner::Case(i) => cases[i].doc.bills.insert(key, bill),
                Owner::Client(i) => clients[i].bills.insert(key, bill),
            };
        }
    }

    /// One bill row of `owner`, checked.
    fn plan_bill(&mut self, rd: &mut Reader, r: &Rec, owner: Owner) -> Option<BillRecord> {
        let mut dates = Vec::new();
        for col in ["from", "to", "issued_on"] {
            match rd.date(r, col) {
                Some(Some(d)) => dates.push(d),
                Some(None) => rd.errors.push(r.issue(Some(col), "is required")),
                None => {}
            }
        }
        let [from, to, issued_on]: [String; 3] = dates.try_into().ok()?;
        if to < from {
            rd.errors.push(r.issue(Some("to"), "the period ends before it begins"));
            return None;
        }
        let currency = match check_currency(r.get("currency").unwrap_or(&self.currency)) {
            Ok(c) => c,
            Err(e) => {
                rd.errors.push(r.issue(Some("currency"), e.to_string()));
                return None;
            }
        };
        let tax_minor = match amount(r, "tax_minor", "tax") {
            Ok(t) if t.unwrap_or(0) >= 0 => t.unwrap_or(0),
            Ok(Some(t)) => {
                let e = DiaryError::InvalidAmount(format_amount(t));
                rd.errors.push(r.issue(Some("tax"), e.to_string()));
                return None;
            }
            Ok(None) => 0,
            Err(m) => {
                rd.errors.push(r.issue(Some("tax"), m));
                return None;
            }
        };
        // What was due may be less than nothing (paid in advance).
        let due_minor = match amount(r, "due_minor", "due") {
            Ok(Some(d)) => d,
            Ok(None) => {
                rd.errors.push(r.issue(Some("due"), "is required"));
                return None;
            }
            Err(m) => {
                rd.errors.push(r.issue(Some("due"), m));
                return None;
            }
        };
        let label = rd.required(r, "number")?;
        let voided_at = r.get("voided_at").map(str::to_string);
        if voided_at.is_none() {
            let clash = self.live_bills.get(&owner).and_then(|live| {
                live.iter().find(|b| b.from <= to && b.to >= from).map(|b| {
                    let (file, line) = &b.at;
                    format!("the period overlaps bill {} on {file}:{line}", b.number)
                })
            });
            if let Some(m) = clash {
                rd.errors.push(r.issue(Some("from"), m));
                return None;
            }
        }
        let number = self.number(rd, r, "number", "bill", &label)?;
        if voided_at.is_none() {
            self.live_bills.entry(owner).or_default().push(LiveBill {
                from: from.clone(),
                to: to.clone(),
                number: number.label(),
                at: (r.file.clone(), r.line),
            });
        }
        Some(BillRecord {
            number,
            from,
            to,
            issued_on,
            currency,
            tax_label: r.get("tax_label").map(str::to_string),
            tax_minor,
            due_minor,
            voided_at,
            void_reason: r.get("void_reason").map(str::to_string),
        })
    }
}

fn what(kind: &str) -> &'static str {
    if kind == "bill" {
        "bill"
    } else {
        "receipt"
    }
}

/// An amount given in minor units (column `minor`, `150050`) or as people
/// write it (column `human`, `1,500.50`; a leading minus allowed), if given.
fn amount(r: &Rec, minor: &str, human: &str) -> std::result::Result<Option<i64>, String> {
    match (r.get(minor), r.get(human)) {
        (Some(m), _) => m
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("{m:?} is not a whole number of paise")),
        (None, Some(a)) => {
            let (sign, digits) = match a.strip_prefix('-') {
                Some(rest) => (-1, rest),
                None => (1, a),
            };
            parse_amount(digits).map(|v| Some(sign * v)).map_err(|e| e.to_string())
        }
        (None, None) => Ok(None),
    }
}

/// Hours as timesheets give them: `1.5`, `0.25`, or `1:30` / `1h30m`.
fn hours(h: &str) -> Result<i64> {
    if h.contains([':', 'h', 'H', 'm']) {
        return parse_duration(h);
    }
    let hundredths = parse_amount(h).map_err(|_| DiaryError::InvalidDuration(h.to_string()))?;
    check_minutes((hundredths * 60 + 50) / 100).map_err(|_| DiaryError::InvalidDuration(h.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_and_bill_numbers_read_as_printed() {
        assert_eq!(parse_number("A-7/2026-27"), Some(("A".into(), 7, "2026-27".into())));
        assert_eq!(
            parse_number(" ab-12 / 1999-00 "),
            Some(("AB".into(), 12, "1999-00".into()))
        );
        for bad in [
            "",
            "A7/2026-27",
            "A-7",
            "A-0/2026-27",
            "A--7/2026-27",
            "A-7/2026-28",
            "A-7/2026",
            "-7/2026-27",
            "A-x/2026-27",
            "A-+7/2026-27",
            "A B-7/2026-27",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn hours_become_minutes() {
        assert_eq!(hours("1.5").unwrap(), 90);
        assert_eq!(hours("0.25").unwrap(), 15);
        assert_eq!(hours("1:30").unwrap(), 90);
        assert!(hours("0").is_err());
        assert!(hours("25").is_err());
        assert!(hours("-1").is_err());
    }
}
