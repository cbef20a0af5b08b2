//! Receipts: the first time a receipt is asked for a payment received, the
//! payment is given the next number of this laptop's series in the payment's
//! financial year (one change to the case, so it syncs and every laptop
//! prints the same number); afterwards the same receipt is printed again. A
//! voided payment's receipt prints as cancelled and keeps its number.

use rusqlite::OptionalExtension;

use super::numbering::{financial_year, series_of, take_number, Numbered};
use super::receipt_data::Receipt;
use crate::dates::parse_iso;
use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{CaseDoc, DocKind, FeeKind};
use crate::money::format_money;
use crate::records::ChildKind;
use crate::write::now_rfc3339;

impl Diary {
    /// The receipt for payment `fee_id`, giving it a number first if it has
    /// none. Refused for an agreed fee or an expense ([`DiaryError::NotAPayment`])
    /// and for a payment voided before any receipt was issued.
    pub fn receipt(&mut self, fee_id: &str) -> Result<Receipt> {
        let case_id = self.case_of(ChildKind::Fee, fee_id)?;
        let case = self.case_doc(&case_id)?;
        let fee = case
            .fees
            .get(fee_id)
            .filter(|f| f.removed_at.is_none())
            .ok_or_else(|| DiaryError::AlreadyRemoved {
                kind: "fee",
                id: fee_id.into(),
            })?;
        if FeeKind::parse(&fee.kind) != Some(FeeKind::Received) {
            return Err(DiaryError::NotAPayment(format!(
                "{} of {}",
                if fee.kind == "expense" {
                    "an expense"
                } else {
                    "an agreed fee"
                },
                format_money(fee.amount_minor, &fee.currency)
            )));
        }
        if fee.receipt.is_none() {
            if let Some(reason) = &fee
                .voided_at
                .as_ref()
                .map(|_| fee.void_reason.clone().unwrap_or_default())
            {
                return Err(DiaryError::NotAPayment(format!(
                    "a payment of {} voided ({reason}) before any receipt was issued",
                    format_money(fee.amount_minor, &fee.currency)
                )));
            }
            self.number_receipt(&case_id, fee_id, &fee.date)?;
        }
        self.receipt_of(&case_id, fee_id)
    }

    /// Gives payment `fee_id` the next receipt number, in one change.
    fn number_receipt(&mut self, case_id: &str, fee_id: &str, date: &str) -> Result<()> {
        let series = series_of(&self.chamber()?, &self.actor_hex());
        let year = financial_year(parse_iso(date)?);
        self.write(|w| {
            let number = take_number(w.tx, Numbered::Receipt, &series, &year, &now_rfc3339())?;
            let label = number.label();
            w.change::<CaseDoc, _>(case_id, DocKind::Case, |c, _| {
                let f = c.fees.get_mut(fee_id).ok_or_else(|| DiaryError::UnknownId {
                    kind: "fee",
                    id: fee_id.into(),
                })?;
                let msg = format!(
                    "Receipt {label} issued for the payment of {}",
                    format_money(f.amount_minor, &f.currency)
                );
                f.receipt = Some(number);
                Ok(((), msg))
            })
        })
    }

    /// The receipt of a payment that has its number, gathered for printing.
    fn receipt_of(&self, case_id: &str, fee_id: &str) -> Result<Receipt> {
        let case = self.case_doc(case_id)?;
        let fee = case.fees.get(fee_id).ok_or_else(|| DiaryError::UnknownId {
            kind: "fee",
            id: fee_id.into(),
        })?;
        let number = fee.receipt.clone().ok_or_else(|| DiaryError::UnknownId {
            kind: "receipt",
            id: fee_id.into(),
        })?;
        let chamber = self.chamber()?;
        let mut names = Vec::new();
        for client in &case.client_ids {
            let name: Option<String> = self
                .conn()
                .prepare_cached("SELECT name FROM clients WHERE id = ?1")?
                .query_row([client], |r| r.get(0))
                .optional()?;
            names.extend(name);
        }
        Ok(Receipt {
            number: number.label(),
            financial_year: number.year.clone(),
            date: fee.date.clone(),
            chamber_name: chamber.name.clone(),
            chamber_address: chamber.address.clone(),
            advocate: self.advocate_name()?,
            received_from: names.join(", "),
            case_number: case.number.clone(),
            case_title: case.title.clone(),
            court: case.court.clone(),
            amount_minor: fee.amount_minor,
            currency: fee.currency.clone(),
            mode: fee.mode.clone(),
            reference: fee.remark.clone(),
            cancelled: fee
                .voided_at
                .as_ref()
                .map(|_| fee.void_reason.clone().unwrap_or_else(|| "voided".into())),
        })
    }
}
