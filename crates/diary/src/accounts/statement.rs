//! A client's statement of account: every charge and payment of all their
//! cases, by date, with the balance after each, from the
//! [`ledger`](super::ledger); over a period, it opens with the balance
//! brought forward.

use chrono::NaiveDate;

use super::bill::{line_of, one_currency};
use super::bill_data::StatementDoc;
use super::ledger::{LedgerEntry, LedgerScope};
use crate::dates::format_dmy;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};

impl Diary {
    /// The statement of client `client_id` up to `to` (from `from`, with the
    /// balance before it brought forward, when given).
    pub fn statement(
        &self,
        client_id: &str,
        from: Option<NaiveDate>,
        to: NaiveDate,
        today: NaiveDate,
    ) -> Result<StatementDoc> {
        if from.is_some_and(|f| f > to) {
            return Err(DiaryError::EmptyPeriod(format!(
                "the period ends ({}) before it begins ({})",
                format_dmy(to),
                format_dmy(from.unwrap_or(to))
            )));
        }
        let (name, address): (String, Option<String>) = self
            .conn()
            .query_row("SELECT name, address FROM clients WHERE id = ?1", [client_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|_| DiaryError::UnknownId {
                kind: "client",
                id: client_id.into(),
            })?;
        let to_iso = to.to_string();
        let from_iso = from.map(|f| f.to_string());
        let entries: Vec<LedgerEntry> = self
            .ledger(LedgerScope::Client(client_id))?
            .into_iter()
            .filter(|e| e.voided.is_none() && e.date <= to_iso)
            .collect();
        let currency = one_currency(&entries, &name)?;
        let before = |e: &&LedgerEntry| from_iso.as_ref().is_some_and(|f| e.date < *f);
        let opening_balance_minor: i64 = entries.iter().filter(before).map(LedgerEntry::signed).sum();
        let in_period: Vec<&LedgerEntry> = entries.iter().filter(|e| !before(e)).collect();
        let Some(currency) = currency.filter(|_| !in_period.is_empty() || opening_balance_minor != 0) else {
            return Err(DiaryError::EmptyPeriod(format!(
                "nothing was charged to or received from {name}{}",
                match from {
                    Some(f) => format!(" between {} and {}", format_dmy(f), format_dmy(to)),
                    None => format!(" up to {}", format_dmy(to)),
                }
            )));
        };
        let mut balance = opening_balance_minor;
        let mut lines = Vec::with_capacity(in_period.len());
        for e in &in_period {
            balance += e.signed();
            let mut line = line_of(e);
            line.balance_minor = balance;
            lines.push(line);
        }
        let charged_minor = in_period
            .iter()
            .filter(|e| !e.is_payment())
            .map(|e| e.amount_minor)
            .sum();
        let received_minor = in_period
            .iter()
            .filter(|e| e.is_payment())
            .map(|e| e.amount_minor)
            .sum();
        let chamber = self.chamber()?;
        Ok(StatementDoc {
            date: today.to_string(),
            chamber_name: chamber.name,
            chamber_address: chamber.address,
            advocate: self.advocate_name()?,
            client_name: name,
            client_address: address,
            from: from_iso,
            to: to_iso,
            currency,
            opening_balance_minor,
            lines,
            charged_minor,
            received_minor,
            closing_balance_minor: balance,
        })
    }
}
