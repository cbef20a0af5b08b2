//! What a case has earned against what was received: the fixed fee, the
//! appearances (recorded hearings, effective or not) at the per-appearance
//! rates, billable time at the hourly rate, agreed fees and expenses, the
//! payments received, and the balance due. The amounts are the case's
//! [`ledger`](super::ledger) (priced by [`appearance_fee`] and [`time_fee`],
//! the one copy of those rules), so corrected and removed hearings and time
//! entries count as they now stand, and bills and statements agree.

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

/// What one recorded hearing earns under the rates of the terms: the
/// per-appearance fee, or for a non-effective hearing its own fee (the
/// per-appearance fee when none is set). `None`: not charged.
pub fn appearance_fee(
    per_appearance: Option<i64>,
    non_effective_rate: Option<i64>,
    non_effective: bool,
) -> Option<i64> {
    let fee = if non_effective {
        non_effective_rate.or(per_appearance)
    } else {
        per_appearance
    };
    fee.filter(|f| *f > 0)
}

/// What `minutes` of billable time earn at `hourly`, to the nearest paisa.
pub fn time_fee(minutes: i64, hourly: i64) -> i64 {
    i64::try_from((i128::from(hourly) * i128::from(minutes) + 30) / 60).unwrap_or(i64::MAX)
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
        // The amounts are the ledger's, so the account, bills and statements agree.
        let (mut fixed_minor, mut appearance_fees_minor, mut time_fees_minor) = (0, 0, 0);
        let (mut agreed_minor, mut expense_minor, mut tax_minor, mut received_minor) = (0, 0, 0, 0);
        for e in self.ledger_unordered(super::LedgerScope::Case(case_id))? {
            if e.voided.is_some() || e.currency != currency {
                continue;
            }
            let total = match e.kind.as_str() {
                "fixed" => &mut fixed_minor,
                "appearance" => &mut appearance_fees_minor,
                "time" => &mut time_fees_minor,
                "agreed" => &mut agreed_minor,
                "expense" => &mut expense_minor,
                "tax" => &mut tax_minor,
                _ => &mut received_minor,
            };
            *total += e.amount_minor;
        }
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
        // 4 appearances, 1 of them non-effective, at ₹5,000 (₹1,000 non-effective).
        let fee = |ne| appearance_fee(Some(500_000), Some(100_000), ne).unwrap();
        assert_eq!(3 * fee(false) + fee(true), 1_600_000);
        // No non-effective rate: the same as an effective appearance.
        assert_eq!(appearance_fee(Some(500_000), None, true), Some(500_000));
        assert_eq!(appearance_fee(None, Some(100_000), false), None);
        assert_eq!(appearance_fee(Some(500_000), Some(0), true), None);
        // 90 billable minutes at ₹3,000 an hour.
        assert_eq!(time_fee(90, 300_000), 450_000);
        // 7 minutes at ₹1,000 an hour is ₹116.666…: ₹116.67.
        assert_eq!(time_fee(7, 100_000), 11_667);
    }
}
