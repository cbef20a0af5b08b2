//! Fees on a case: agreed, received and expenses, with their amount, currency,
//! date and payment mode checks; adding an entry, correcting one, and voiding
//! one (it stays in the ledger, struck out, and leaves the balance). A voided
//! entry is not corrected any more: a new entry is added instead.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::child::{describe_change, ChildKind};
use super::corrected::{given, Corrected};
use crate::dates::{iso_to_dmy, parse_iso};
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::money::{check_currency, format_money};
use crate::validate::{check_date, clean_opt, required};
use crate::write::{new_id, now_rfc3339, WriteTxn};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewFee {
    pub kind: FeeKind,
    pub amount_minor: i64,
    pub currency: Option<String>,
    pub date: NaiveDate,
    /// One of the [`PaymentMode`]s, as typed (`upi`, `Bank transfer`, `NEFT`, …).
    pub mode: Option<String>,
    pub remark: Option<String>,
}

/// How a fee was paid. Stored as [`PaymentMode::as_str`]; entries written
/// before modes were checked may hold other text, which is shown as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMode {
    Cash,
    Upi,
    Cheque,
    BankTransfer,
    Card,
}

impl PaymentMode {
    /// Every mode, in the order they are offered.
    pub const ALL: [PaymentMode; 5] = [
        PaymentMode::Cash,
        PaymentMode::Upi,
        PaymentMode::Cheque,
        PaymentMode::BankTransfer,
        PaymentMode::Card,
    ];

    /// The mode as stored and shown: `cash`, `UPI`, `cheque`, `bank transfer`, `card`.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMode::Cash => "cash",
            PaymentMode::Upi => "UPI",
            PaymentMode::Cheque => "cheque",
            PaymentMode::BankTransfer => "bank transfer",
            PaymentMode::Card => "card",
        }
    }

    /// A mode as people type it, in any case: the five names (also with `-`
    /// or `_` for the space), `check`, and NEFT, RTGS and IMPS for a bank transfer.
    pub fn parse(input: &str) -> Result<PaymentMode> {
        let key: String = input
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c == '-' || c == '_' { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Ok(match key.as_str() {
            "cash" => PaymentMode::Cash,
            "upi" => PaymentMode::Upi,
            "cheque" | "check" => PaymentMode::Cheque,
            "bank transfer" | "neft" | "rtgs" | "imps" => PaymentMode::BankTransfer,
            "card" | "debit card" | "credit card" => PaymentMode::Card,
            _ => {
                return Err(DiaryError::UnknownValue(format!(
                    "unknown payment mode {:?}: use cash, UPI, cheque, bank transfer or card",
                    input.trim()
                )))
            }
        })
    }
}

/// A payment mode as typed, checked: blank is none.
fn check_mode(mode: Option<&str>) -> Result<Option<String>> {
    match mode.map(str::trim).filter(|m| !m.is_empty()) {
        None => Ok(None),
        Some(m) => PaymentMode::parse(m).map(|m| Some(m.as_str().to_string())),
    }
}

/// A positive amount, or an invalid-amount error.
fn check_amount(minor: i64) -> Result<i64> {
    if minor <= 0 {
        return Err(DiaryError::InvalidAmount(crate::money::format_amount(minor)));
    }
    Ok(minor)
}

/// A correction of a fee entry: each field given is set; `mode` and `remark`
/// given as `None` are cleared. Nothing given is [`DiaryError::NothingToChange`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FeeEdit {
    #[serde(default)]
    pub kind: Option<FeeKind>,
    #[serde(default)]
    pub amount_minor: Option<i64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "given")]
    pub mode: Option<Option<String>>,
    #[serde(default, deserialize_with = "given")]
    pub remark: Option<Option<String>>,
}

impl FeeEdit {
    fn is_empty(&self) -> bool {
        self.kind.is_none()
            && self.amount_minor.is_none()
            && self.currency.is_none()
            && self.date.is_none()
            && self.mode.is_none()
            && self.remark.is_none()
    }
}

impl Diary {
    pub fn add_fee(&mut self, case_id: &str, f: NewFee) -> Result<String> {
        self.write(|w| w.add_fee(case_id, f))
    }
    pub fn edit_fee(&mut self, case_id: &str, fee_id: &str, e: FeeEdit) -> Result<Corrected> {
        self.write(|w| w.edit_fee(case_id, fee_id, e))
    }
    pub fn void_fee(&mut self, case_id: &str, fee_id: &str, reason: &str) -> Result<Corrected> {
        self.write(|w| w.void_fee(case_id, fee_id, reason))
    }
}

/// A fee entry's amount in words: `₹5,000`.
fn money(f: &Fee) -> String {
    format_money(f.amount_minor, &f.currency)
}

impl WriteTxn<'_> {
    pub fn add_fee(&mut self, case_id: &str, f: NewFee) -> Result<String> {
        let amount_minor = check_amount(f.amount_minor)?;
        let date = check_date(f.date)?;
        let currency = check_currency(f.currency.as_deref().unwrap_or("INR"))?;
        let mode = check_mode(f.mode.as_deref())?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let id = new_id();
            let amount = format_money(amount_minor, &currency);
            let mut msg = match f.kind {
                FeeKind::Agreed => format!("Fee of {amount} agreed"),
                FeeKind::Received => format!("Fee of {amount} received"),
                FeeKind::Expense => format!("Expense of {amount} recorded"),
            };
            if let Some(m) = &mode {
                msg.push_str(&format!(" by {m}"));
            }
            c.fees.insert(
                id.clone(),
                Fee {
                    kind: f.kind.as_str().into(),
                    amount_minor,
                    currency,
                    date,
                    mode,
                    remark: clean_opt(f.remark),
                    ..Default::default()
                },
            );
            Ok((id, msg))
        })
    }

    /// Runs `f` on fee `fee_id` of `case_id` after checking it is there and not removed.
    fn change_fee(
        &mut self,
        case_id: &str,
        fee_id: &str,
        f: impl FnOnce(&mut Fee) -> Result<String>,
    ) -> Result<Corrected> {
        self.check_child(case_id, ChildKind::Fee, fee_id)?;
        self.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
            let fee = c.fees.get_mut(fee_id).ok_or_else(|| DiaryError::UnknownId {
                kind: "fee",
                id: fee_id.into(),
            })?;
            let msg = f(fee)?;
            Ok((Corrected::new(fee_id, case_id, msg.clone()), msg))
        })
    }

    /// Corrects a fee entry: its kind, amount, currency, date, mode or remark.
    /// A voided entry is refused ([`DiaryError::FeeVoided`]).
    pub fn edit_fee(&mut self, case_id: &str, fee_id: &str, e: FeeEdit) -> Result<Corrected> {
        if e.is_empty() {
            return Err(DiaryError::NothingToChange("fee entry"));
        }
        let amount = e.amount_minor.map(check_amount).transpose()?;
        let currency = e.currency.as_deref().map(check_currency).transpose()?;
        let date = e.date.map(check_date).transpose()?;
        let mode = e.mode.as_ref().map(|m| check_mode(m.as_deref())).transpose()?;
        let remark = e.remark.map(clean_opt);
        self.change_fee(case_id, fee_id, |f| {
            if f.voided_at.is_some() {
                return Err(DiaryError::FeeVoided {
                    amount: money(f),
                    reason: f.void_reason.clone().unwrap_or_default(),
                });
            }
            let was = money(f);
            let mut parts = Vec::new();
            if let Some(kind) = e.kind {
                parts.extend(describe_change("kind", Some(&f.kind), Some(kind.as_str())));
                f.kind = kind.as_str().to_string();
            }
            let (old_money, old_amount, old_currency) = (money(f), f.amount_minor, f.currency.clone());
            if let Some(c) = currency {
                f.currency = c;
            }
            if let Some(a) = amount {
                f.amount_minor = a;
            }
            if f.amount_minor != old_amount {
                parts.extend(describe_change("amount", Some(&old_money), Some(&money(f))));
            } else {
                parts.extend(describe_change("currency", Some(&old_currency), Some(&f.currency)));
            }
            if let Some(d) = date {
                parts.extend(describe_change(
                    "date",
                    Some(&iso_to_dmy(&f.date)),
                    Some(&iso_to_dmy(&d)),
                ));
                f.date = d;
            }
            if let Some(m) = mode {
                parts.extend(describe_change("mode", f.mode.as_deref(), m.as_deref()));
                f.mode = m;
            }
            if let Some(r) = remark {
                parts.extend(describe_change("remark", f.remark.as_deref(), r.as_deref()));
                f.remark = r;
            }
            Ok(if parts.is_empty() {
                String::new()
            } else {
                format!("Fee of {was}: {}", parts.join("; "))
            })
        })
    }

    /// Voids a fee entry with a reason: it stays in the ledger, struck out,
    /// and leaves the balance. Voiding it again is [`DiaryError::AlreadyVoided`].
    pub fn void_fee(&mut self, case_id: &str, fee_id: &str, reason: &str) -> Result<Corrected> {
        let reason = required(reason, "reason for voiding")?;
        self.change_fee(case_id, fee_id, |f| {
            if f.voided_at.is_some() {
                return Err(DiaryError::AlreadyVoided(f.void_reason.clone().unwrap_or_default()));
            }
            f.voided_at = Some(now_rfc3339());
            f.void_reason = Some(reason.clone());
            Ok(format!("Fee of {} voided: {reason}", money(f)))
        })
    }
}

/// The checks a fee in a whole case document gets: a positive amount of a
/// known kind, a known currency and a date in range.
pub(crate) fn check_stored_fee(f: &Fee) -> Result<()> {
    if f.amount_minor <= 0 || FeeKind::parse(&f.kind).is_none() {
        return Err(DiaryError::InvalidAmount(crate::money::format_amount(f.amount_minor)));
    }
    check_currency(&f.currency)?;
    check_date(parse_iso(&f.date)?)?;
    Ok(())
}
