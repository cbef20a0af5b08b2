//! What a case has earned against what was received: the fixed fee, the
//! appearances (recorded hearings, effective or not) at the per-appearance
//! rates, billable time at the hourly rate, agreed fees and expenses, the
//! payments received, and the balance due. Read from the projection, so
//! corrected and removed hearings and time entries count as they now stand.

use serde::Serialize;

use crate::diary::Diary;
use crate::error::Result;
use crate::model::FeeTerms;

/// One case's account, in the currency of its terms (or the chamber's).
/// Fee entries in any other currency are not added in (terms in another
/// currency than the fees are refused when set).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaseAccount {
    pub case_id: String,
    pub currency: String,
    pub terms: Option<FeeTerms>,
    /// Recorded hearings, all of them.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub appearances: i64,
    /// Of which counted as non-effective.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub non_effective: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub billable_minutes: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unbillable_minutes: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub fixed_minor: i64,
    /// Appearances at the per-appearance rates.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub appearance_fees_minor: i64,
    /// Billable time at the hourly rate (to the nearest paisa).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub time_fees_minor: i64,
    /// Fees agreed as entries (beside the terms).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub agreed_minor: i64,
    /// Expenses to recover from the client.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub expense_minor: i64,
    /// Tax charged by the case's bills (and client bills charged to it).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub tax_minor: i64,
    /// Everything charged: fixed + appearances + time + agreed + expenses + tax.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub charged_minor: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub received_minor: i64,
    /// Charged less received; negative when the client paid in advance.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub due_minor: i64,
}

/// The earnings of `terms` for the given appearances and billable minutes:
/// (fixed, appearance fees, time fees).
pub fn earnings(
    terms: Option<&FeeTerms>,
    appearances: i64,
    non_effective: i64,
    billable_minutes: i64,
) -> (i64, i64, i64) {
    let Some(t) = terms else { return (0, 0, 0) };
    let effective = appearances - non_effective;
    let rate = t.per_appearance_minor.unwrap_or(0);
    let ne_rate = t.non_effective_minor.unwrap_or(rate);
    let appearance = effective * rate + non_effective * ne_rate;
    let time = t
        .hourly_minor
        .map(|h| (i128::from(h) * i128::from(billable_minutes) + 30) / 60)
        .unwrap_or(0);
    (
        t.fixed_minor.unwrap_or(0),
        appearance,
        i64::try_from(time).unwrap_or(i64::MAX),
    )
}

impl Diary {
    /// The account of one case.
    pub fn case_account(&self, case_id: &str) -> Result<CaseAccount> {
        self.require_case(case_id)?;
        let conn = self.conn();
        let terms: Option<FeeTerms> = conn
            .prepare_cached(
                "SELECT currency, fixed_minor, per_appearance_minor, non_effective_minor, hourly_minor
                 FROM fee_terms WHERE case_id = ?1",
            )?
            .query_map([case_id], |r| {
                Ok(FeeTerms {
                    currency: r.get(0)?,
                    fixed_minor: r.get(1)?,
                    per_appearance_minor: r.get(2)?,
                    non_effective_minor: r.get(3)?,
                    hourly_minor: r.get(4)?,
                })
            })?
            .next()
            .transpose()?;
        let currency = match &terms {
            Some(t) => t.currency.clone(),
            None => {
                let first: Option<String> = conn
                    .prepare_cached(
                        "SELECT currency FROM fees WHERE case_id = ?1 AND voided_at IS NULL ORDER BY date LIMIT 1",
                    )?
                    .query_map([case_id], |r| r.get(0))?
                    .next()
                    .transpose()?;
                match first {
                    Some(c) => c,
                    None => self.chamber()?.currency,
                }
            }
        };
        let (appearances, non_effective): (i64, i64) = conn
            .prepare_cached(
                "SELECT count(*), coalesce(sum(non_effective), 0) FROM hearings
                 WHERE case_id = ?1 AND recorded_at IS NOT NULL",
            )?
            .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (billable_minutes, unbillable_minutes): (i64, i64) = conn
            .prepare_cached(
                "SELECT coalesce(sum(CASE WHEN billable THEN minutes END), 0),
                        coalesce(sum(CASE WHEN billable THEN 0 ELSE minutes END), 0)
                 FROM time_entries WHERE case_id = ?1",
            )?
            .query_row([case_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (agreed_minor, received_minor, expense_minor): (i64, i64, i64) = conn
            .prepare_cached(
                "SELECT coalesce(sum(CASE kind WHEN 'agreed' THEN amount_minor END), 0),
                        coalesce(sum(CASE kind WHEN 'received' THEN amount_minor END), 0),
                        coalesce(sum(CASE kind WHEN 'expense' THEN amount_minor END), 0)
                 FROM fees WHERE case_id = ?1 AND currency = ?2 AND voided_at IS NULL",
            )?
            .query_row([case_id, currency.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let (fixed_minor, appearance_fees_minor, _) = earnings(terms.as_ref(), appearances, non_effective, 0);
        // Each entry to the nearest paisa, as the ledger and bills charge it.
        let time_fees_minor: i64 = match terms.as_ref().and_then(|t| t.hourly_minor) {
            Some(hourly) => conn
                .prepare_cached(
                    "SELECT coalesce(sum((minutes * ?2 + 30) / 60), 0) FROM time_entries WHERE case_id = ?1 AND billable",
                )?
                .query_row(rusqlite::params![case_id, hourly], |r| r.get(0))?,
            None => 0,
        };
        let tax_minor: i64 = self
            .bill_taxes(super::LedgerScope::Case(case_id))?
            .iter()
            .filter(|e| e.currency == currency)
            .map(super::LedgerEntry::signed)
            .sum();
        let charged_minor =
            fixed_minor + appearance_fees_minor + time_fees_minor + agreed_minor + expense_minor + tax_minor;
        Ok(CaseAccount {
            case_id: case_id.to_string(),
            currency,
            terms,
            appearances,
            non_effective,
            billable_minutes,
            unbillable_minutes,
            fixed_minor,
            appearance_fees_minor,
            time_fees_minor,
            agreed_minor,
            expense_minor,
            tax_minor,
            charged_minor,
            received_minor,
            due_minor: charged_minor - received_minor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earnings_follow_the_terms() {
        let t = FeeTerms {
            currency: "INR".into(),
            fixed_minor: Some(1_000_000),
            per_appearance_minor: Some(500_000),
            non_effective_minor: Some(100_000),
            hourly_minor: Some(300_000),
        };
        // 4 appearances, 1 of them non-effective, 90 billable minutes.
        assert_eq!(earnings(Some(&t), 4, 1, 90), (1_000_000, 1_600_000, 450_000));
        let same_rate = FeeTerms {
            non_effective_minor: None,
            ..t.clone()
        };
        assert_eq!(earnings(Some(&same_rate), 4, 1, 0).1, 2_000_000);
        // 7 minutes at ₹1,000 an hour is ₹116.666…: ₹116.67.
        let hourly = FeeTerms {
            currency: "INR".into(),
            hourly_minor: Some(100_000),
            ..Default::default()
        };
        assert_eq!(earnings(Some(&hourly), 0, 0, 7).2, 11_667);
        assert_eq!(earnings(None, 5, 0, 60), (0, 0, 0));
    }
}
