//! Fee entries and balances: per case, per client and over the whole diary.
//! A voided entry stays in the ledger (with when and why it was voided, so a
//! screen can strike it out) and leaves every balance.

use serde::Serialize;

use crate::diary::Diary;
use crate::error::Result;

/// Fee totals in minor units, per currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeeBalance {
    pub currency: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub agreed: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub received: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub expense: i64,
    /// Agreed fees not yet received.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub outstanding: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FeeRow {
    pub id: String,
    pub case_id: String,
    pub kind: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub amount_minor: i64,
    pub currency: String,
    pub date: String,
    pub mode: Option<String>,
    pub remark: Option<String>,
    /// When the entry was voided (RFC 3339); a voided entry counts in no balance.
    pub voided_at: Option<String>,
    pub void_reason: Option<String>,
    /// The receipt's number (`A-7/2026-27`) once one was issued for this payment.
    pub receipt_number: Option<String>,
}

impl Diary {
    fn balances(&self, where_sql: &str, id: &str) -> Result<Vec<FeeBalance>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT currency,
                    coalesce(sum(CASE kind WHEN 'agreed' THEN amount_minor END), 0),
                    coalesce(sum(CASE kind WHEN 'received' THEN amount_minor END), 0),
                    coalesce(sum(CASE kind WHEN 'expense' THEN amount_minor END), 0)
             FROM fees WHERE voided_at IS NULL AND {where_sql} GROUP BY currency ORDER BY currency"
        ))?;
        let rows = stmt.query_map([id], |r| {
            let (agreed, received): (i64, i64) = (r.get(1)?, r.get(2)?);
            Ok(FeeBalance {
                currency: r.get(0)?,
                agreed,
                received,
                expense: r.get(3)?,
                outstanding: agreed - received,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Fee totals over every case.
    pub fn total_balance(&self) -> Result<Vec<FeeBalance>> {
        self.balances("?1 = ?1", "")
    }

    /// Fee totals for one case.
    pub fn case_balance(&self, case_id: &str) -> Result<Vec<FeeBalance>> {
        self.require_case(case_id)?;
        self.balances("case_id = ?1", case_id)
    }

    /// Fee totals over all cases of one client.
    pub fn client_balance(&self, client_id: &str) -> Result<Vec<FeeBalance>> {
        self.require_client(client_id)?;
        self.balances(
            "case_id IN (SELECT case_id FROM case_clients WHERE client_id = ?1)",
            client_id,
        )
    }

    /// Fee entries of one case, or of every case, voided ones included.
    pub fn fees(&self, case_id: Option<&str>) -> Result<Vec<FeeRow>> {
        if let Some(id) = case_id {
            self.require_case(id)?;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, case_id, kind, amount_minor, currency, date, mode, remark, voided_at, void_reason,
                    CASE WHEN receipt_seq IS NOT NULL THEN receipt_series || '-' || receipt_seq || '/' || receipt_year END
             FROM fees
             WHERE ?1 IS NULL OR case_id = ?1 ORDER BY date, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(FeeRow {
                id: r.get(0)?,
                case_id: r.get(1)?,
                kind: r.get(2)?,
                amount_minor: r.get(3)?,
                currency: r.get(4)?,
                date: r.get(5)?,
                mode: r.get(6)?,
                remark: r.get(7)?,
                voided_at: r.get(8)?,
                void_reason: r.get(9)?,
                receipt_number: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
