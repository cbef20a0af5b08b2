//! `nextdate bill`, `bills`, `statement`, `outstanding` and `billing`:
//! bills (fee memos) and statements of account as PDF files, the
//! outstanding list, and the chamber's billing details.

use std::path::Path;

use nextdate_diary::accounts::billing::parse_rate;
use nextdate_diary::accounts::Billing;
use nextdate_diary::{Diary, DiaryError};

use super::{date_arg, opt_date_arg, today, typed_lines};
use crate::args::{BillArgs, BillingArgs, BillsCmd, StatementArgs};
use crate::failure::Failure;
use crate::output::Out;

/// Writes `pdf` to `output`, complete or not at all, refusing to replace a file.
fn write_pdf(output: &Path, pdf: &[u8]) -> Result<(), Failure> {
    Ok(nextdate_diary::atomic_file::write_file(output, pdf, false)?)
}

/// Issues a bill (or prints a draft) and writes it as PDF.
pub fn bill(diary: &mut Diary, args: BillArgs, out: &Out) -> Result<(), Failure> {
    let BillArgs {
        id,
        from,
        to,
        output,
        draft,
        png,
        paper,
    } = args;
    if output.exists() {
        return Err(DiaryError::FileExists(output).into());
    }
    let scope = diary.case_or_client(&id)?;
    let (from, to) = (date_arg(&from)?, opt_date_arg(to.as_deref())?.unwrap_or_else(today));
    let doc = if draft {
        diary.draft_bill(&scope, from, to, today())?
    } else {
        diary.issue_bill(&scope, from, to, today())?.1
    };
    let printed = nextdate_print::bill::bill(&doc, paper).map_err(Failure::Print)?;
    write_pdf(&output, &printed.pdf().map_err(Failure::Print)?)?;
    if let Some(png) = png {
        let pages = printed.png_pages(110.0).map_err(Failure::Print)?;
        if let Some(first) = pages.first() {
            nextdate_diary::atomic_file::write_file(&png, first, true)?;
        }
    }
    out.bill(&doc, &output);
    Ok(())
}

pub fn bills(diary: &mut Diary, cmd: BillsCmd, out: &Out) -> Result<(), Failure> {
    match cmd {
        BillsCmd::List { id } => out.bills(&diary.bills(id.as_deref())?),
        BillsCmd::Cancel { bill_id, reason } => out.corrected(&diary.void_bill(&bill_id, &reason)?),
    }
    Ok(())
}

/// Writes a client's statement of account as PDF.
pub fn statement(diary: &Diary, args: StatementArgs, out: &Out) -> Result<(), Failure> {
    let StatementArgs {
        client_id,
        from,
        to,
        output,
        paper,
    } = args;
    if output.exists() {
        return Err(DiaryError::FileExists(output).into());
    }
    let from = opt_date_arg(from.as_deref())?;
    let to = opt_date_arg(to.as_deref())?.unwrap_or_else(today);
    let doc = diary.statement(&client_id, from, to, today())?;
    let printed = nextdate_print::statement::statement(&doc, paper).map_err(Failure::Print)?;
    write_pdf(&output, &printed.pdf().map_err(Failure::Print)?)?;
    out.statement(&doc, &output);
    Ok(())
}

pub fn outstanding(diary: &Diary, out: &Out) -> Result<(), DiaryError> {
    out.outstanding(&diary.outstanding(today())?);
    Ok(())
}

/// Shows the chamber's billing details, after changing what was given.
pub fn billing(diary: &mut Diary, args: BillingArgs, out: &Out) -> Result<(), DiaryError> {
    let BillingArgs {
        address,
        gstin,
        tax_label,
        tax_rate,
        no_tax,
    } = args;
    let changing = address.is_some() || gstin.is_some() || tax_label.is_some() || no_tax;
    if changing {
        let mut b: Billing = diary.billing()?;
        if let Some(a) = address {
            b.address = Some(typed_lines(&a));
        }
        if let Some(g) = gstin {
            b.gstin = Some(g);
        }
        if no_tax {
            b.tax_label = None;
            b.tax_rate_bp = None;
        }
        if let (Some(label), Some(rate)) = (tax_label, tax_rate) {
            b.tax_label = Some(label);
            b.tax_rate_bp = Some(parse_rate(&rate)?);
        }
        diary.set_billing(b)?;
    }
    out.billing(&diary.billing()?);
    Ok(())
}
