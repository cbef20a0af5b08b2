//! The ledger as CSV for an accountant: one row per charge or payment of
//! the whole diary, with its client, case, amount as a debit or a credit,
//! its receipt number (payments) or the bill that charged it, and whether
//! it was voided. Voided rows stay, so a cancelled receipt's number is
//! accounted for.

use super::ledger::{LedgerEntry, LedgerScope};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::money::format_amount;

/// The columns, in order.
pub const LEDGER_COLUMNS: [&str; 13] = [
    "date",
    "clients",
    "case_number",
    "case_title",
    "kind",
    "particulars",
    "debit",
    "credit",
    "currency",
    "receipt_number",
    "bill_number",
    "voided",
    "record_id",
];

/// A bill as the CSV looks it up: who it covers and when.
struct BillSpan {
    number: String,
    cases: Vec<String>,
    from: String,
    to: String,
}

impl Diary {
    /// The whole ledger as CSV bytes (UTF-8, a header row, then one row per entry by date).
    pub fn ledger_csv(&self) -> Result<Vec<u8>> {
        let entries = self.ledger(LedgerScope::All)?;
        let bills = self.bill_spans()?;
        let mut cases = std::collections::BTreeMap::new();
        {
            let mut stmt = self.conn().prepare_cached(
                "SELECT c.id, c.title, coalesce(group_concat(cl.name, ', '), '')
                 FROM cases c LEFT JOIN case_clients cc ON cc.case_id = c.id LEFT JOIN clients cl ON cl.id = cc.client_id
                 GROUP BY c.id",
            )?;
            for row in stmt.query_map([], |r| {
                Ok((r.get::<_, String>(0)?, (r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            })? {
                let (id, v) = row?;
                cases.insert(id, v);
            }
        }
        let err = |e: csv::Error| DiaryError::Output(format!("ledger CSV ({e})"));
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(LEDGER_COLUMNS).map_err(err)?;
        for e in &entries {
            let (title, clients) = cases.get(&e.case_id).cloned().unwrap_or_default();
            let amount = format_amount(e.amount_minor);
            let (debit, credit) = if e.is_payment() {
                ("", amount.as_str())
            } else {
                (amount.as_str(), "")
            };
            let receipt = if e.is_payment() { e.reference.clone() } else { None };
            let bill = if e.kind == "tax" {
                e.reference.clone()
            } else {
                bill_of(&bills, e)
            };
            w.write_record([
                e.date.as_str(),
                &clients,
                &e.case_number,
                &title,
                &e.kind,
                &e.description,
                debit,
                credit,
                &e.currency,
                receipt.as_deref().unwrap_or(""),
                bill.as_deref().unwrap_or(""),
                e.voided.as_deref().unwrap_or(""),
                &e.record_id,
            ])
            .map_err(err)?;
        }
        w.into_inner()
            .map_err(|e| DiaryError::Output(format!("ledger CSV ({e})")))
    }

    /// Every issued, not cancelled bill with the cases it covers.
    fn bill_spans(&self) -> Result<Vec<BillSpan>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT series || '-' || seq || '/' || year, owner_id, scope, from_date, to_date FROM bills
             WHERE voided_at IS NULL ORDER BY issued_on, year, seq",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let client_cases = self.cases_by_client()?;
        let mut out = Vec::new();
        for (number, owner, scope, from, to) in rows {
            let cases = if scope == "case" {
                vec![owner]
            } else {
                client_cases.get(&owner).cloned().unwrap_or_default()
            };
            out.push(BillSpan {
                number,
                cases,
                from,
                to,
            });
        }
        Ok(out)
    }
}

/// The first bill that charged a (non-payment) entry: one covering its
/// case and its date.
fn bill_of(bills: &[BillSpan], e: &LedgerEntry) -> Option<String> {
    if e.is_payment() {
        return None;
    }
    bills
        .iter()
        .find(|b| b.cases.contains(&e.case_id) && b.from <= e.date && e.date <= b.to)
        .map(|b| b.number.clone())
}
