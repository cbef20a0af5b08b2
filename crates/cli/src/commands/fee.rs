//! `nextdate fee …` (add, edit, void) and `nextdate fees`: fee entries and balances.

use nextdate_diary::records::{ChildKind, FeeEdit};
use nextdate_diary::{money::parse_amount, Diary, DiaryError, NewFee};

use super::{date_arg, opt_date_arg, today};
use crate::args::FeeCmd;
use crate::output::Out;

pub fn run(diary: &mut Diary, cmd: FeeCmd, out: &Out) -> Result<(), DiaryError> {
    match cmd {
        FeeCmd::Add {
            case_id,
            kind,
            amount,
            date,
            note,
            mode,
            currency,
        } => {
            let amount_minor = parse_amount(&amount)?;
            let date = opt_date_arg(date.as_deref())?.unwrap_or_else(today);
            let id = diary.add_fee(
                &case_id,
                NewFee {
                    kind,
                    amount_minor,
                    currency: Some(currency),
                    date,
                    mode,
                    remark: note,
                },
            )?;
            out.id(&id);
        }
        FeeCmd::Edit {
            id,
            kind,
            amount,
            currency,
            date,
            mode,
            remark,
        } => {
            let edit = FeeEdit {
                kind,
                amount_minor: amount.as_deref().map(parse_amount).transpose()?,
                currency,
                date: date.as_deref().map(date_arg).transpose()?,
                mode: mode.map(Some),
                remark: remark.map(Some),
            };
            let case = diary.case_of(ChildKind::Fee, &id)?;
            out.corrected(&diary.edit_fee(&case, &id, edit)?);
        }
        FeeCmd::Void { id, reason } => {
            let case = diary.case_of(ChildKind::Fee, &id)?;
            out.corrected(&diary.void_fee(&case, &id, &reason)?);
        }
    }
    Ok(())
}

/// Fee entries and the balance of one case, or of all.
pub fn fees(diary: &Diary, case_id: Option<&str>, out: &Out) -> Result<(), DiaryError> {
    let rows = diary.fees(case_id)?;
    let balance = match case_id {
        Some(id) => diary.case_balance(id)?,
        None => diary.total_balance()?,
    };
    out.fees(&rows, &balance);
    Ok(())
}
