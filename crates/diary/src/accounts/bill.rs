//! Bills (fee memos) for a case, or for all of a client's cases, over a
//! period: what was owed before it (brought forward), every charge and
//! payment in it from the [`ledger`](super::ledger), the chamber's tax line
//! when it has one on, and the balance due. A draft shows the bill without
//! a number; issuing one numbers it like receipts (this laptop's series, the
//! financial year of the day it is issued) and keeps it in the case's or
//! client's document, so the number syncs and is never given again, even
//! when the bill is cancelled. A second bill for a period that overlaps an
//! issued one of the same case or client is refused: cancel that one first.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::Serialize;

use super::bill_data::{AccountLine, BillDoc, TaxLine};
use super::ledger::{LedgerEntry, LedgerScope};
use super::numbering::{financial_year, series_of, take_number, Numbered};
use crate::dates::{format_dmy, iso_to_dmy};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{BillRecord, CaseDoc, ClientDoc, DocKind};
use crate::money::format_money;
use crate::queries::CaseOrClient;
use crate::records::Corrected;
use crate::write::{new_id, now_rfc3339};

impl CaseOrClient {
    fn ledger(&self) -> LedgerScope<'_> {
        match self {
            CaseOrClient::Case(id) => LedgerScope::Case(id),
            CaseOrClient::Client(id) => LedgerScope::Client(id),
        }
    }
    fn id(&self) -> &str {
        match self {
            CaseOrClient::Case(id) | CaseOrClient::Client(id) => id,
        }
    }
}

/// An issued bill, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BillRow {
    pub id: String,
    /// The case or client billed.
    pub owner_id: String,
    /// `case` or `client`.
    pub scope: String,
    pub number: String,
    pub from: String,
    pub to: String,
    pub issued_on: String,
    pub currency: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub due_minor: i64,
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
}

/// A line of a bill from a ledger entry.
pub(crate) fn line_of(e: &LedgerEntry) -> AccountLine {
    AccountLine {
        date: e.date.clone(),
        case_number: e.case_number.clone(),
        kind: e.kind.clone(),
        description: e.description.clone(),
        amount_minor: e.amount_minor,
        reference: e.reference.clone(),
        balance_minor: 0,
    }
}

/// The one currency of `entries`, or a clear refusal.
pub(crate) fn one_currency(entries: &[LedgerEntry], who: &str) -> Result<Option<String>> {
    let mut currencies: Vec<&str> = entries.iter().map(|e| e.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    match currencies.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.to_string())),
        many => Err(DiaryError::CurrencyMismatch(format!(
            "{who} has fees in {}; a bill or statement is in one currency",
            many.join(" and ")
        ))),
    }
}

impl Diary {
    /// The bill as it would be issued today, marked DRAFT and not numbered.
    pub fn draft_bill(
        &self,
        scope: &CaseOrClient,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<BillDoc> {
        self.compose_bill(scope, from, to, today, "DRAFT".into())
    }

    /// Issues a bill: numbers it and keeps it with the case or client.
    /// Returns its id and what to print.
    pub fn issue_bill(
        &mut self,
        scope: &CaseOrClient,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<(String, BillDoc)> {
        self.refuse_overlap(scope, from, to)?;
        let draft = self.compose_bill(scope, from, to, today, String::new())?;
        let series = series_of(&self.chamber()?, &self.actor_hex());
        let year = financial_year(today);
        let id = new_id();
        let (bill_id, owner) = (id.clone(), scope.clone());
        let doc = self.write(move |w| {
            let number = take_number(w.tx, Numbered::Bill, &series, &year, &now_rfc3339())?;
            let mut doc = draft;
            doc.number = number.label();
            let record = BillRecord {
                number,
                from: doc.from.clone(),
                to: doc.to.clone(),
                issued_on: doc.date.clone(),
                currency: doc.currency.clone(),
                tax_label: doc.tax.as_ref().map(|t| t.label.clone()),
                tax_minor: doc.tax.as_ref().map_or(0, |t| t.amount_minor),
                due_minor: doc.due_minor,
                voided_at: None,
                void_reason: None,
            };
            let msg = format!(
                "Bill {} issued for {} to {}: {} due",
                doc.number,
                iso_to_dmy(&doc.from),
                iso_to_dmy(&doc.to),
                format_money(doc.due_minor, &doc.currency)
            );
            match &owner {
                CaseOrClient::Case(id) => w.change::<CaseDoc, _>(id, DocKind::Case, |c, _| {
                    c.bills.insert(bill_id.clone(), record);
                    Ok(((), msg))
                })?,
                CaseOrClient::Client(id) => w.change::<ClientDoc, _>(id, DocKind::Client, |c, _| {
                    c.bills.insert(bill_id.clone(), record);
                    Ok(((), msg))
                })?,
            }
            Ok(doc)
        })?;
        Ok((id, doc))
    }

    /// Refuses a bill whose period overlaps an issued (not cancelled) bill
    /// of the same case or client.
    fn refuse_overlap(&self, scope: &CaseOrClient, from: NaiveDate, to: NaiveDate) -> Result<()> {
        let (from, to) = (from.to_string(), to.to_string());
        let clash: Option<(String, String, String)> = self
            .conn()
            .query_row(
                "SELECT series || '-' || seq || '/' || year, from_date, to_date FROM bills
                 WHERE owner_id = ?1 AND voided_at IS NULL AND from_date <= ?3 AND to_date >= ?2 LIMIT 1",
                [scope.id(), from.as_str(), to.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        match clash {
            Some((number, f, t)) => Err(DiaryError::OutOfRange(format!(
                "bill {number} already covers {} to {}; cancel it first, or bill a period after it",
                iso_to_dmy(&f),
                iso_to_dmy(&t)
            ))),
            None => Ok(()),
        }
    }

    /// Cancels an issued bill: it stays listed (struck out), its tax leaves
    /// the accounts, and its number is never given again.
    pub fn void_bill(&mut self, bill_id: &str, reason: &str) -> Result<Corrected> {
        let reason = crate::validate::required(reason, "reason for cancelling")?;
        let (owner, scope): (String, String) = self
            .conn()
            .query_row("SELECT owner_id, scope FROM bills WHERE id = ?1", [bill_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .ok_or_else(|| DiaryError::UnknownId {
                kind: "bill",
                id: bill_id.into(),
            })?;
        let now = now_rfc3339();
        let cancel = |bills: &mut std::collections::BTreeMap<String, BillRecord>| -> Result<String> {
            let b = bills.get_mut(bill_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "bill",
                id: bill_id.into(),
            })?;
            if b.voided_at.is_some() {
                return Err(DiaryError::AlreadyVoided(b.void_reason.clone().unwrap_or_default()));
            }
            b.voided_at = Some(now.clone());
            b.void_reason = Some(reason.clone());
            Ok(format!("Bill {} cancelled: {reason}", b.number.label()))
        };
        self.write(|w| {
            let msg = if scope == "case" {
                w.change::<CaseDoc, _>(&owner, DocKind::Case, |c, _| {
                    let m = cancel(&mut c.bills)?;
                    Ok((m.clone(), m))
                })?
            } else {
                w.change::<ClientDoc, _>(&owner, DocKind::Client, |c, _| {
                    let m = cancel(&mut c.bills)?;
                    Ok((m.clone(), m))
                })?
            };
            Ok(Corrected::new(bill_id, &owner, msg))
        })
    }

    /// Issued bills of one case or client (or all), newest first.
    pub fn bills(&self, owner: Option<&str>) -> Result<Vec<BillRow>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, owner_id, scope, series || '-' || seq || '/' || year, from_date, to_date, issued_on, currency,
                    due_minor, voided_at, void_reason
             FROM bills WHERE ?1 IS NULL OR owner_id = ?1 ORDER BY issued_on DESC, year DESC, seq DESC",
        )?;
        let rows = stmt.query_map([owner], |r| {
            Ok(BillRow {
                id: r.get(0)?,
                owner_id: r.get(1)?,
                scope: r.get(2)?,
                number: r.get(3)?,
                from: r.get(4)?,
                to: r.get(5)?,
                issued_on: r.get(6)?,
                currency: r.get(7)?,
                due_minor: r.get(8)?,
                voided_at: r.get(9)?,
                void_reason: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn compose_bill(
        &self,
        scope: &CaseOrClient,
        from: NaiveDate,
        to: NaiveDate,
        today: NaiveDate,
        number: String,
    ) -> Result<BillDoc> {
        if from > to {
            return Err(DiaryError::EmptyPeriod(format!(
                "the period ends ({}) before it begins ({})",
                format_dmy(to),
                format_dmy(from)
            )));
        }
        let (party, matter) = self.billed_party(scope)?;
        let (from_iso, to_iso) = (from.to_string(), to.to_string());
        let entries: Vec<LedgerEntry> = self
            .ledger(scope.ledger())?
            .into_iter()
            .filter(|e| e.voided.is_none() && e.date <= to_iso)
            .collect();
        let in_period: Vec<&LedgerEntry> = entries.iter().filter(|e| e.date >= from_iso).collect();
        if in_period.is_empty() {
            return Err(DiaryError::EmptyPeriod(format!(
                "nothing was charged to or received from {} between {} and {}",
                party.0,
                format_dmy(from),
                format_dmy(to)
            )));
        }
        let currency = one_currency(&entries, &party.0)?.unwrap_or_default();
        let opening_balance_minor: i64 = entries
            .iter()
            .filter(|e| e.date < from_iso)
            .map(LedgerEntry::signed)
            .sum();
        let sum = |kinds: &[&str]| -> i64 {
            in_period
                .iter()
                .filter(|e| kinds.contains(&e.kind.as_str()))
                .map(|e| e.amount_minor)
                .sum()
        };
        // Tax an earlier bill charged inside this period is a fee-side charge here.
        let fees_minor = sum(&["fixed", "agreed", "tax"]);
        let appearances_minor = sum(&["appearance"]);
        let time_minor = sum(&["time"]);
        let expenses_minor = sum(&["expense"]);
        let received_minor = sum(&["received"]);
        let appearance_count = in_period.iter().filter(|e| e.kind == "appearance").count() as i64;
        let non_effective_count = in_period
            .iter()
            .filter(|e| e.kind == "appearance" && e.description.ends_with("(non-effective)"))
            .count() as i64;
        let billable_minutes: i64 = self.billable_minutes(scope, &from_iso, &to_iso)?;
        let chamber = self.chamber()?;
        let tax = match (&chamber.tax_label, chamber.tax_rate_bp) {
            (Some(label), Some(bp)) if bp > 0 => {
                let on = sum(&["fixed", "agreed"]) + appearances_minor + time_minor;
                Some(TaxLine {
                    label: format!("{label} @ {}", percent(bp)),
                    on_minor: on,
                    amount_minor: (i128::from(on) * i128::from(bp) + 5_000).div_euclid(10_000) as i64,
                })
            }
            _ => None,
        };
        let charges = fees_minor + appearances_minor + time_minor + expenses_minor;
        let tax_amount = tax.as_ref().map_or(0, |t| t.amount_minor);
        Ok(BillDoc {
            number,
            date: today.to_string(),
            chamber_name: chamber.name.clone(),
            chamber_address: chamber.address.clone(),
            gstin: tax.as_ref().and(chamber.gstin.clone()),
            advocate: self.advocate_name()?,
            client_name: party.0,
            client_address: party.1,
            matter,
            from: from_iso,
            to: to_iso,
            currency,
            opening_balance_minor,
            lines: in_period.iter().map(|e| line_of(e)).collect(),
            fees_minor,
            appearances_minor,
            appearance_count,
            non_effective_count,
            time_minor,
            billable_minutes,
            expenses_minor,
            tax,
            received_minor,
            due_minor: opening_balance_minor + charges + tax_amount - received_minor,
            cancelled: None,
        })
    }

    /// Billable minutes recorded in the period.
    fn billable_minutes(&self, scope: &CaseOrClient, from: &str, to: &str) -> Result<i64> {
        let cond = match scope {
            CaseOrClient::Case(_) => "case_id = ?1",
            CaseOrClient::Client(_) => "case_id IN (SELECT case_id FROM case_clients WHERE client_id = ?1)",
        };
        Ok(self.conn().query_row(
            &format!(
                "SELECT coalesce(sum(minutes), 0) FROM time_entries WHERE billable AND date BETWEEN ?2 AND ?3 AND {cond}"
            ),
            [scope.id(), from, to],
            |r| r.get(0),
        )?)
    }

    /// Who a bill is to ((name, address)) and the matter it is for.
    fn billed_party(&self, scope: &CaseOrClient) -> Result<((String, Option<String>), String)> {
        match scope {
            CaseOrClient::Client(id) => {
                let (name, address): (String, Option<String>) =
                    self.conn()
                        .query_row("SELECT name, address FROM clients WHERE id = ?1", [id], |r| {
                            Ok((r.get(0)?, r.get(1)?))
                        })?;
                let cases: i64 =
                    self.conn()
                        .query_row("SELECT count(*) FROM case_clients WHERE client_id = ?1", [id], |r| {
                            r.get(0)
                        })?;
                Ok((
                    (name, address),
                    format!("All matters ({cases} case{})", if cases == 1 { "" } else { "s" }),
                ))
            }
            CaseOrClient::Case(id) => {
                let (number, title, court): (String, String, String) =
                    self.conn()
                        .query_row("SELECT number, title, court FROM cases WHERE id = ?1", [id], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })?;
                let client: Option<(String, Option<String>)> = self
                    .conn()
                    .query_row(
                        "SELECT cl.name, cl.address FROM case_clients cc JOIN clients cl ON cl.id = cc.client_id
                         WHERE cc.case_id = ?1 ORDER BY cl.name LIMIT 1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                let party = client.unwrap_or_else(|| (title.clone(), None));
                Ok((party, format!("{number} \u{2014} {title}, {court}")))
            }
        }
    }
}

/// Basis points as a percentage: 1800 is `18%`, 250 is `2.5%`.
fn percent(bp: i64) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tax_rates_read_as_percentages() {
        assert_eq!(super::percent(1800), "18%");
        assert_eq!(super::percent(250), "2.5%");
        assert_eq!(super::percent(1225), "12.25%");
    }
}
