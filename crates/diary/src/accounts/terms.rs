//! Fee terms: how a case is charged. Any mix of a fixed fee, a fee per
//! appearance (with its own amount for a non-effective hearing, such as an
//! adjournment on the first call) and an hourly rate for billable time, in
//! one currency. Setting terms replaces the old ones; clearing removes them.
//! Like fees, terms are the accounts side of a case (see `docs/roles.md`).

use serde::{Deserialize, Serialize};

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{CaseDoc, DocKind, FeeTerms};
use crate::money::{check_currency, format_money};
use crate::records::Corrected;
use crate::write::WriteTxn;

/// Terms as given: every amount in minor units, `None` for "not charged
/// that way". A currency left out is the chamber's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TermsInput {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub fixed_minor: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub per_appearance_minor: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub non_effective_minor: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub hourly_minor: Option<i64>,
}

/// The terms in words, for the history and the CLI: "₹5,000 per appearance
/// (₹1,000 non-effective); ₹3,000 an hour; fixed fee ₹50,000".
pub fn describe_terms(t: &FeeTerms) -> String {
    let m = |v: i64| format_money(v, &t.currency);
    let mut parts = Vec::new();
    if let Some(f) = t.fixed_minor {
        parts.push(format!("fixed fee {}", m(f)));
    }
    if let Some(a) = t.per_appearance_minor {
        let mut s = format!("{} per appearance", m(a));
        if let Some(n) = t.non_effective_minor {
            s.push_str(&format!(" ({} non-effective)", m(n)));
        }
        parts.push(s);
    } else if let Some(n) = t.non_effective_minor {
        parts.push(format!("{} per non-effective appearance", m(n)));
    }
    if let Some(h) = t.hourly_minor {
        parts.push(format!("{} an hour", m(h)));
    }
    parts.join("; ")
}

/// An amount of the terms: positive, or zero where `zero_ok` (nothing for a
/// non-effective appearance is a real choice).
fn check_rate(v: Option<i64>, zero_ok: bool) -> Result<Option<i64>> {
    match v {
        Some(n) if n < 0 || (n == 0 && !zero_ok) => Err(DiaryError::InvalidAmount(crate::money::format_amount(n))),
        other => Ok(other),
    }
}

impl Diary {
    /// Sets (or, with `None`, clears) the fee terms of a case.
    pub fn set_fee_terms(&mut self, case_id: &str, terms: Option<TermsInput>) -> Result<Corrected> {
        let chamber_currency = self.chamber()?.currency;
        self.write(|w| w.set_fee_terms(case_id, terms, &chamber_currency))
    }

    /// The fee terms of a case, if it has any.
    pub fn fee_terms(&self, case_id: &str) -> Result<Option<FeeTerms>> {
        self.require_case(case_id)?;
        Ok(self.case_doc(case_id)?.fee_terms)
    }
}

impl WriteTxn<'_> {
    /// See [`Diary::set_fee_terms`]. Terms in a currency other than the one
    /// the case's fees are kept in are refused: they could not be added up.
    pub fn set_fee_terms(
        &mut self,
        case_id: &str,
        terms: Option<TermsInput>,
        default_currency: &str,
    ) -> Result<Corrected> {
        let terms = match terms {
            None => None,
            Some(t) => {
                let currency = check_currency(t.currency.as_deref().unwrap_or(if default_currency.is_empty() {
                    "INR"
                } else {
                    default_currency
                }))?;
                let t = FeeTerms {
                    currency,
                    fixed_minor: check_rate(t.fixed_minor, false)?,
                    per_appearance_minor: check_rate(t.per_appearance_minor, false)?,
                    non_effective_minor: check_rate(t.non_effective_minor, true)?,
                    hourly_minor: check_rate(t.hourly_minor, false)?,
                };
                if t.fixed_minor.is_none()
                    && t.per_appearance_minor.is_none()
                    && t.non_effective_minor.is_none()
                    && t.hourly_minor.is_none()
                {
                    return Err(DiaryError::NothingToChange("fee terms"));
                }
                Some(t)
            }
        };
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            if c.removed_at.is_some() {
                return Err(DiaryError::UnknownId {
                    kind: "case",
                    id: case_id.into(),
                });
            }
            if let Some(t) = &terms {
                let other = c
                    .fees
                    .values()
                    .filter(|f| f.removed_at.is_none() && f.voided_at.is_none())
                    .find(|f| f.currency != t.currency);
                if let Some(f) = other {
                    return Err(DiaryError::CurrencyMismatch(format!(
                        "case {} keeps its fees in {}; terms in {} would not add up with them: give the rates in {}",
                        c.number, f.currency, t.currency, f.currency
                    )));
                }
            }
            let msg = match (&c.fee_terms, &terms) {
                (_, Some(t)) => format!("Fee terms set: {}", describe_terms(t)),
                (Some(_), None) => "Fee terms cleared".to_string(),
                (None, None) => String::new(),
            };
            c.fee_terms = terms.clone();
            Ok((Corrected::new(case_id, case_id, msg.clone()), msg))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_said_in_words() {
        let t = FeeTerms {
            currency: "INR".into(),
            fixed_minor: Some(5_000_000),
            per_appearance_minor: Some(500_000),
            non_effective_minor: Some(100_000),
            hourly_minor: Some(300_000),
        };
        assert_eq!(
            describe_terms(&t),
            "fixed fee \u{20b9}50,000; \u{20b9}5,000 per appearance (\u{20b9}1,000 non-effective); \u{20b9}3,000 an hour"
        );
        assert!(check_rate(Some(-1), true).is_err());
        assert!(check_rate(Some(0), false).is_err());
        assert_eq!(check_rate(Some(0), true).unwrap(), Some(0));
    }
}
