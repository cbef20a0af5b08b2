//! Fees on a case: agreed, received and expenses, with their amount, currency
//! and date checks.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::parse_iso;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::validate::{check_date, clean_opt};
use crate::write::{new_id, WriteTxn};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewFee {
    pub kind: FeeKind,
    pub amount_minor: i64,
    pub currency: Option<String>,
    pub date: NaiveDate,
    pub mode: Option<String>,
    pub remark: Option<String>,
}

impl Diary {
    pub fn add_fee(&mut self, case_id: &str, f: NewFee) -> Result<String> {
        self.write(|w| w.add_fee(case_id, f))
    }
}

impl WriteTxn<'_> {
    pub fn add_fee(&mut self, case_id: &str, f: NewFee) -> Result<String> {
        if f.amount_minor <= 0 {
            return Err(DiaryError::InvalidAmount(crate::money::format_amount(f.amount_minor)));
        }
        let date = check_date(f.date)?;
        let currency = crate::money::check_currency(f.currency.as_deref().unwrap_or("INR"))?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let msg = format!(
                "Fee {}: {} {}",
                f.kind.as_str(),
                currency,
                crate::money::format_amount(f.amount_minor)
            );
            c.fees.insert(
                id.clone(),
                Fee {
                    kind: f.kind.as_str().into(),
                    amount_minor: f.amount_minor,
                    currency,
                    date,
                    mode: clean_opt(f.mode),
                    remark: clean_opt(f.remark),
                    ..Default::default()
                },
            );
            Ok((id, msg))
        })
    }
}

/// The checks a fee in a whole case document gets: a positive amount of a
/// known kind, a known currency and a date in range.
pub(crate) fn check_stored_fee(f: &Fee) -> Result<()> {
    if f.amount_minor <= 0 || FeeKind::parse(&f.kind).is_none() {
        return Err(DiaryError::InvalidAmount(crate::money::format_amount(f.amount_minor)));
    }
    crate::money::check_currency(&f.currency)?;
    check_date(parse_iso(&f.date)?)?;
    Ok(())
}
