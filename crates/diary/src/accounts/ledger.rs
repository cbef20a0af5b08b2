//! The ledger: every charge and payment of a case, a client or the whole
//! diary, read from the projection — the fixed fee (dated the day the case
//! was opened), each recorded hearing at its appearance rate, billable time
//! at the hourly rate (each entry to the nearest paisa), agreed fees,
//! expenses, the tax a bill charged (on the last day of its period), and payments received (with their
//! receipt numbers). Bills, statements, the outstanding list and the
//! accountant's CSV are all made from it, so they always agree.

use rusqlite::params;
use serde::Serialize;

use super::earned::{appearance_fee, time_fee};
use super::time::format_minutes;
use crate::dates::iso_to_dmy;
use crate::diary::Diary;
use crate::error::Result;

/// Whose entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerScope<'a> {
    All,
    Case(&'a str),
    /// Every case the client is a client in.
    Client(&'a str),
}

impl LedgerScope<'_> {
    /// An SQL condition on a `case_id` column `col`, with the scope's id as `?1`.
    fn condition(&self, col: &str) -> String {
        match self {
            LedgerScope::All => format!("(?1 IS NULL AND {col} IS NOT NULL)"),
            LedgerScope::Case(_) => format!("{col} = ?1"),
            LedgerScope::Client(_) => format!("{col} IN (SELECT case_id FROM case_clients WHERE client_id = ?1)"),
        }
    }

    fn id(&self) -> Option<&str> {
        match self {
            LedgerScope::All => None,
            LedgerScope::Case(id) | LedgerScope::Client(id) => Some(id),
        }
    }
}

/// One charge or payment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LedgerEntry {
    pub case_id: String,
    pub case_number: String,
    /// ISO date.
    pub date: String,
    /// `fixed`, `appearance`, `time`, `agreed`, `expense`, `tax` or `received`.
    pub kind: String,
    pub description: String,
    /// Always positive; [`LedgerEntry::signed`] says which way it goes.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
    pub currency: String,
    /// A payment's receipt number, or the bill a tax entry belongs to.
    pub reference: Option<String>,
    /// The record it comes from (fee, hearing, time entry, bill or case id).
    pub record_id: String,
    /// Set for a voided payment or fee, or a cancelled bill's tax: listed,
    /// never counted.
    pub voided: Option<String>,
}

impl LedgerEntry {
    /// Whether it is a payment received (a credit).
    pub fn is_payment(&self) -> bool {
        self.kind == "received"
    }

    /// What it does to the balance due: charges add, payments subtract,
    /// voided entries nothing.
    pub fn signed(&self) -> i64 {
        match (&self.voided, self.is_payment()) {
            (Some(_), _) => 0,
            (None, true) => -self.amount_minor,
            (None, false) => self.amount_minor,
        }
    }

    /// Order of entries on one day: charges before payments.
    fn rank(&self) -> u8 {
        u8::from(self.is_payment())
    }
}

/// What a fee entry of `kind` is called in a ledger.
fn fee_words(kind: &str, mode: Option<&str>, remark: Option<&str>) -> String {
    let mut s = match kind {
        "agreed" => "Fee agreed".to_string(),
        "expense" => "Expense".to_string(),
        _ => match mode {
            Some(m) => format!("Payment by {m}"),
            None => "Payment".to_string(),
        },
    };
    if let Some(r) = remark.filter(|r| !r.trim().is_empty()) {
        s.push_str(&format!(" ({})", r.trim()));
    }
    s
}

impl Diary {
    /// Every charge and payment in `scope`, by date (charges before payments
    /// on the same day), voided ones included but marked.
    pub fn ledger(&self, scope: LedgerScope<'_>) -> Result<Vec<LedgerEntry>> {
        let mut out = self.ledger_unordered(scope)?;
        out.sort_by(|a, b| {
            (&a.date, a.rank(), &a.case_number, &a.record_id).cmp(&(&b.date, b.rank(), &b.case_number, &b.record_id))
        });
        Ok(out)
    }

    /// The entries of [`Diary::ledger`] in no particular order, for totals
    /// that do not need them by date (sorting a whole diary's ledger is a
    /// good part of the outstanding list's time).
    pub(crate) fn ledger_unordered(&self, scope: LedgerScope<'_>) -> Result<Vec<LedgerEntry>> {
        let conn = self.conn();
        let id = scope.id();
        let mut out = Vec::new();
        let fees_sql = format!(
            "SELECT f.case_id, c.number, f.id, f.kind, f.amount_minor, f.currency, f.date, f.mode, f.remark,
                    f.voided_at, f.void_reason,
                    CASE WHEN f.receipt_seq IS NOT NULL THEN f.receipt_series || '-' || f.receipt_seq || '/' || f.receipt_year END
             FROM fees f JOIN cases c ON c.id = f.case_id WHERE {}",
            scope.condition("f.case_id")
        );
        let mut stmt = conn.prepare_cached(&fees_sql)?;
        let rows = stmt.query_map(params![id], |r| {
            let kind: String = r.get(3)?;
            let (mode, remark): (Option<String>, Option<String>) = (r.get(7)?, r.get(8)?);
            let voided: Option<String> = r.get(9)?;
            let reason: Option<String> = r.get(10)?;
            Ok(LedgerEntry {
                case_id: r.get(0)?,
                case_number: r.get(1)?,
                record_id: r.get(2)?,
                description: fee_words(&kind, mode.as_deref(), remark.as_deref()),
                kind,
                amount_minor: r.get(4)?,
                currency: r.get(5)?,
                date: r.get(6)?,
                reference: r.get(11)?,
                voided: voided.map(|_| reason.unwrap_or_else(|| "voided".into())),
            })
        })?;
        for row in rows {
            out.push(row?);
        }

        let appearances_sql = format!(
            "SELECT h.case_id, c.number, h.id, h.date, h.non_effective, t.currency,
                    t.per_appearance_minor, t.non_effective_minor
             FROM hearings h JOIN fee_terms t ON t.case_id = h.case_id JOIN cases c ON c.id = h.case_id
             WHERE h.recorded_at IS NOT NULL AND {}",
            scope.condition("h.case_id")
        );
        let mut stmt = conn.prepare_cached(&appearances_sql)?;
        let rows = stmt.query_map(params![id], |r| {
            let date: String = r.get(3)?;
            let non_effective: bool = r.get(4)?;
            let amount = appearance_fee(r.get(6)?, r.get(7)?, non_effective);
            Ok((
                amount,
                LedgerEntry {
                    case_id: r.get(0)?,
                    case_number: r.get(1)?,
                    record_id: r.get(2)?,
                    description: format!(
                        "Appearance on {}{}",
                        iso_to_dmy(&date),
                        if non_effective { " (non-effective)" } else { "" }
                    ),
                    date,
                    kind: "appearance".into(),
                    amount_minor: 0,
                    currency: r.get(5)?,
                    reference: None,
                    voided: None,
                },
            ))
        })?;
        for row in rows {
            let (amount, mut e) = row?;
            if let Some(a) = amount {
                e.amount_minor = a;
                out.push(e);
            }
        }

        let time_sql = format!(
            "SELECT te.case_id, c.number, te.id, te.date, te.minutes, te.note, t.currency, t.hourly_minor
             FROM time_entries te JOIN fee_terms t ON t.case_id = te.case_id JOIN cases c ON c.id = te.case_id
             WHERE te.billable AND t.hourly_minor IS NOT NULL AND {}",
            scope.condition("te.case_id")
        );
        let mut stmt = conn.prepare_cached(&time_sql)?;
        let rows = stmt.query_map(params![id], |r| {
            let minutes: i64 = r.get(4)?;
            let note: Option<String> = r.get(5)?;
            Ok(LedgerEntry {
                case_id: r.get(0)?,
                case_number: r.get(1)?,
                record_id: r.get(2)?,
                date: r.get(3)?,
                kind: "time".into(),
                description: match note {
                    Some(n) => format!("{}: {n}", format_minutes(minutes)),
                    None => format_minutes(minutes),
                },
                currency: r.get(6)?,
                amount_minor: time_fee(minutes, r.get(7)?),
                reference: None,
                voided: None,
            })
        })?;
        for row in rows {
            out.push(row?);
        }

        let fixed_sql = format!(
            "SELECT t.case_id, c.number, substr(c.created_at, 1, 10), t.currency, t.fixed_minor
             FROM fee_terms t JOIN cases c ON c.id = t.case_id WHERE t.fixed_minor IS NOT NULL AND {}",
            scope.condition("t.case_id")
        );
        let mut stmt = conn.prepare_cached(&fixed_sql)?;
        let rows = stmt.query_map(params![id], |r| {
            let case_id: String = r.get(0)?;
            Ok(LedgerEntry {
                record_id: case_id.clone(),
                case_id,
                case_number: r.get(1)?,
                date: r.get(2)?,
                kind: "fixed".into(),
                description: "Fixed fee".into(),
                currency: r.get(3)?,
                amount_minor: r.get(4)?,
                reference: None,
                voided: None,
            })
        })?;
        for row in rows {
            out.push(row?);
        }

        out.extend(self.bill_taxes(scope)?);
        Ok(out)
    }

    /// Every client's cases, for totals over a client's matters.
    pub(crate) fn cases_by_client(&self) -> Result<std::collections::HashMap<String, Vec<String>>> {
        let mut out: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT client_id, case_id FROM case_clients")?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (client, case) = row?;
            out.entry(client).or_default().push(case);
        }
        Ok(out)
    }

    /// The tax each bill in `scope` charged, as ledger entries on the last
    /// day of the bill's period (so the next bill brings it forward). A client's bill charges its tax to the first of the
    /// client's cases (by number), so it is counted once.
    fn bill_taxes(&self, scope: LedgerScope<'_>) -> Result<Vec<LedgerEntry>> {
        let sql = format!(
            "SELECT x.*, c.number FROM (
               SELECT b.id, b.to_date, b.currency, b.tax_label, b.tax_minor, b.voided_at, b.void_reason,
                      b.series || '-' || b.seq || '/' || b.year,
                      CASE b.scope WHEN 'case' THEN b.owner_id
                        ELSE (SELECT cc.case_id FROM case_clients cc JOIN cases c2 ON c2.id = cc.case_id
                              WHERE cc.client_id = b.owner_id ORDER BY c2.number, c2.id LIMIT 1) END AS case_id
               FROM bills b WHERE b.tax_minor > 0) x
             JOIN cases c ON c.id = x.case_id WHERE {}",
            scope.condition("x.case_id")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params![scope.id()], |r| {
            let label: Option<String> = r.get(3)?;
            let voided: Option<String> = r.get(5)?;
            let reason: Option<String> = r.get(6)?;
            let number: String = r.get(7)?;
            Ok(LedgerEntry {
                record_id: r.get(0)?,
                date: r.get(1)?,
                currency: r.get(2)?,
                kind: "tax".into(),
                description: format!("{} on bill {number}", label.unwrap_or_else(|| "Tax".into())),
                amount_minor: r.get(4)?,
                voided: voided.map(|_| reason.unwrap_or_else(|| "cancelled".into())),
                reference: Some(number),
                case_id: r.get(8)?,
                case_number: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
