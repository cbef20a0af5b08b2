//! The chamber's billing details: the postal address printed on receipts
//! and bills, and an optional tax line (label and rate, with the GSTIN)
//! that stays off unless the chamber turns it on. They are the chamber's
//! settings, so only owners and admins change them.

use serde::{Deserialize, Serialize};

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::{ChamberDoc, DocKind};
use crate::validate::clean_opt;

/// The chamber's billing details. A tax line needs both a label and a rate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Billing {
    pub address: Option<String>,
    pub gstin: Option<String>,
    /// "GST"; `None`: no tax line on bills.
    pub tax_label: Option<String>,
    /// Basis points: 1800 is 18%.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub tax_rate_bp: Option<i64>,
}

/// A tax rate as typed, in percent (`18`, `12.5`), as basis points.
pub fn parse_rate(input: &str) -> Result<i64> {
    let bad = || {
        DiaryError::OutOfRange(format!(
            "tax rate {input:?}: give a percentage from 0.01 to 100, like 18"
        ))
    };
    let bp = crate::money::parse_amount(input.trim().trim_end_matches('%')).map_err(|_| bad())?;
    if (1..=10_000).contains(&bp) {
        Ok(bp)
    } else {
        Err(bad())
    }
}

/// A GSTIN as written: 15 letters and digits (checked for shape only).
fn check_gstin(g: Option<String>) -> Result<Option<String>> {
    match clean_opt(g).map(|g| g.to_uppercase()) {
        Some(g) if g.len() != 15 || !g.chars().all(|c| c.is_ascii_alphanumeric()) => Err(DiaryError::UnknownValue(
            format!("GSTIN {g:?} should be 15 letters and digits, like 07AAAAA0000A1Z5"),
        )),
        other => Ok(other),
    }
}

impl Diary {
    pub fn billing(&self) -> Result<Billing> {
        let c = self.chamber()?;
        Ok(Billing {
            address: c.address,
            gstin: c.gstin,
            tax_label: c.tax_label,
            tax_rate_bp: c.tax_rate_bp,
        })
    }

    /// Replaces the chamber's billing details.
    pub fn set_billing(&mut self, b: Billing) -> Result<Billing> {
        let gstin = check_gstin(b.gstin)?;
        let tax_label = clean_opt(b.tax_label);
        if tax_label.is_some() != b.tax_rate_bp.is_some() {
            return Err(DiaryError::OutOfRange(
                "a tax line needs both a label (like GST) and a rate (like 18)".into(),
            ));
        }
        if let Some(bp) = b.tax_rate_bp {
            if !(1..=10_000).contains(&bp) {
                return Err(DiaryError::OutOfRange(format!(
                    "tax rate {bp} basis points is not between 0.01% and 100%"
                )));
            }
        }
        let address = crate::validate::clean_lines(b.address);
        let chamber_id = self.chamber_id().to_string();
        self.write(|w| {
            w.change::<ChamberDoc, _>(&chamber_id, DocKind::Chamber, |c, _| {
                c.address = address;
                c.gstin = gstin;
                c.tax_label = tax_label;
                c.tax_rate_bp = b.tax_rate_bp;
                Ok(((), "Billing details changed".to_string()))
            })
        })?;
        self.billing()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_gstins_are_checked() {
        assert_eq!(parse_rate("18").unwrap(), 1800);
        assert_eq!(parse_rate("12.5%").unwrap(), 1250);
        assert!(parse_rate("0").is_err());
        assert!(parse_rate("101").is_err());
        assert!(parse_rate("abc").is_err());
        assert_eq!(
            check_gstin(Some(" 07aaaaa0000a1z5 ".into())).unwrap().as_deref(),
            Some("07AAAAA0000A1Z5")
        );
        assert!(check_gstin(Some("07AAAA".into())).is_err());
        assert_eq!(check_gstin(Some("  ".into())).unwrap(), None);
    }
}
