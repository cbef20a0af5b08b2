//! What is owed: every case and every client with a balance due, oldest
//! first — by the day since which the balance has been owed (payments settle
//! the oldest charges first) — and the bills left unpaid. Made from the
//! [`ledger`](super::ledger) of the whole diary in one pass.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::ledger::{LedgerEntry, LedgerScope};
use crate::dates::parse_iso;
use crate::diary::Diary;
use crate::error::Result;

/// A case or a client with a balance due.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutstandingRow {
    /// The case's or the client's id.
    pub id: String,
    /// For a case, "WP(C) 77/2026 — Kaveri Rao v. Union of India"; for a client, their name.
    pub label: String,
    /// A case's clients, joined with ", " (empty for a client's row).
    pub clients: String,
    pub currency: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub due_minor: i64,
    /// The day of the oldest charge not yet paid (ISO).
    pub due_since: String,
    /// Days from then to today.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub days: i64,
}

/// The latest bill of a case or client, not paid in full since it was issued.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UnpaidBill {
    pub id: String,
    pub number: String,
    pub owner_id: String,
    pub issued_on: String,
    pub currency: String,
    /// What the bill said was due.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub due_minor: i64,
    /// What is still unpaid of it.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unpaid_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub days: i64,
}

/// The outstanding list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Outstanding {
    pub cases: Vec<OutstandingRow>,
    pub clients: Vec<OutstandingRow>,
    pub unpaid_bills: Vec<UnpaidBill>,
}

/// The balance of `entries` (one currency) and, when it is due, the day of
/// the oldest charge the payments have not covered.
pub fn due_since(entries: &[&LedgerEntry]) -> Option<(i64, String)> {
    let live = entries.iter().filter(|e| e.voided.is_none());
    let balance: i64 = live.clone().map(|e| e.signed()).sum();
    if balance <= 0 {
        return None;
    }
    let mut paid: i64 = live.clone().filter(|e| e.is_payment()).map(|e| e.amount_minor).sum();
    let mut charges: Vec<&&LedgerEntry> = live.filter(|e| !e.is_payment()).collect();
    charges.sort_by(|a, b| a.date.cmp(&b.date));
    for c in charges {
        if paid >= c.amount_minor {
            paid -= c.amount_minor;
        } else {
            return Some((balance, c.date.clone()));
        }
    }
    None
}

fn days_between(since: &str, today: NaiveDate) -> i64 {
    parse_iso(since).map(|d| (today - d).num_days()).unwrap_or(0)
}

impl Diary {
    /// Cases and clients with a balance due, oldest first, and unpaid bills.
    pub fn outstanding(&self, today: NaiveDate) -> Result<Outstanding> {
        let entries = self.ledger_unordered(LedgerScope::All)?;
        let mut by_case: HashMap<(&str, &str), Vec<&LedgerEntry>> = HashMap::new();
        for e in &entries {
            by_case
                .entry((e.case_id.as_str(), e.currency.as_str()))
                .or_default()
                .push(e);
        }
        let mut case_info: HashMap<String, (String, Vec<(String, String)>)> = HashMap::new();
        {
            let mut stmt = self.conn().prepare_cached(
                "SELECT c.id, c.number || ' \u{2014} ' || c.title, cl.id, cl.name
                 FROM cases c LEFT JOIN case_clients cc ON cc.case_id = c.id LEFT JOIN clients cl ON cl.id = cc.client_id
                 WHERE c.id IN (SELECT DISTINCT case_id FROM fees UNION SELECT case_id FROM fee_terms)
                 ORDER BY c.id, cl.name",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?;
            for row in rows {
                let (case, label, client, name) = row?;
                let info = case_info.entry(case).or_insert_with(|| (label, Vec::new()));
                if let (Some(c), Some(n)) = (client, name) {
                    info.1.push((c, n));
                }
            }
        }
        let mut cases = Vec::new();
        let mut by_client: HashMap<(String, String), Vec<&LedgerEntry>> = HashMap::new();
        for ((case, currency), list) in &by_case {
            let info = case_info.get(*case);
            for (client, _) in info.map(|i| i.1.as_slice()).unwrap_or_default() {
                by_client
                    .entry((client.clone(), currency.to_string()))
                    .or_default()
                    .extend(list.iter().copied());
            }
            if let Some((due, since)) = due_since(list) {
                cases.push(OutstandingRow {
                    id: case.to_string(),
                    label: info.map(|i| i.0.clone()).unwrap_or_default(),
                    clients: info
                        .map(|i| i.1.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(", "))
                        .unwrap_or_default(),
                    currency: currency.to_string(),
                    due_minor: due,
                    days: days_between(&since, today),
                    due_since: since,
                });
            }
        }
        let names: HashMap<&str, &str> = case_info
            .values()
            .flat_map(|i| i.1.iter().map(|(c, n)| (c.as_str(), n.as_str())))
            .collect();
        let mut clients = Vec::new();
        for ((client, currency), list) in &by_client {
            if let Some((due, since)) = due_since(list) {
                clients.push(OutstandingRow {
                    id: client.clone(),
                    label: names.get(client.as_str()).copied().unwrap_or_default().to_string(),
                    clients: String::new(),
                    currency: currency.clone(),
                    due_minor: due,
                    days: days_between(&since, today),
                    due_since: since,
                });
            }
        }
        let oldest_first = |a: &OutstandingRow, b: &OutstandingRow| {
            (&a.due_since, std::cmp::Reverse(a.due_minor), &a.label).cmp(&(
                &b.due_since,
                std::cmp::Reverse(b.due_minor),
                &b.label,
            ))
        };
        cases.sort_by(oldest_first);
        clients.sort_by(oldest_first);
        Ok(Outstanding {
            cases,
            clients,
            unpaid_bills: self.unpaid_bills(&entries, today)?,
        })
    }

    /// The latest bill of each case and client that payments made since it
    /// was issued have not covered.
    fn unpaid_bills(&self, entries: &[LedgerEntry], today: NaiveDate) -> Result<Vec<UnpaidBill>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT b.id, b.series || '-' || b.seq || '/' || b.year, b.owner_id, b.scope, b.issued_on, b.currency, b.due_minor
             FROM bills b WHERE b.voided_at IS NULL AND b.due_minor > 0
               AND NOT EXISTS (SELECT 1 FROM bills n WHERE n.owner_id = b.owner_id AND n.voided_at IS NULL
                               AND (n.issued_on, n.year, n.seq) > (b.issued_on, b.year, b.seq))
             ORDER BY b.issued_on",
        )?;
        let bills = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let client_cases = self.cases_by_client()?;
        let mut out = Vec::new();
        for (id, number, owner, scope, issued_on, currency, due) in bills {
            let in_scope = |e: &&LedgerEntry| {
                if scope == "case" {
                    e.case_id == owner
                } else {
                    client_cases.get(&owner).is_some_and(|cs| cs.contains(&e.case_id))
                }
            };
            let paid: i64 = entries
                .iter()
                .filter(in_scope)
                .filter(|e| e.is_payment() && e.voided.is_none() && e.currency == currency && e.date >= issued_on)
                .map(|e| e.amount_minor)
                .sum();
            if paid < due {
                out.push(UnpaidBill {
                    days: days_between(&issued_on, today),
                    id,
                    number,
                    owner_id: owner,
                    issued_on,
                    currency,
                    due_minor: due,
                    unpaid_minor: due - paid,
                });
            }
        }
        Ok(out)
    }
}
