//! Bills, statements, the outstanding list and the ledger CSV on a real
//! diary file: figures that agree with each other and with the case's
//! account, numbers that are never given twice, a tax line only when the
//! chamber turns it on, and bad periods refused with nothing changed.

// Amounts in paise are written rupees_paise: 5_000_00 is ₹5,000.00.
#![allow(clippy::inconsistent_digit_grouping)]

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use nextdate_diary::accounts::{Billing, CaseOrClient, LedgerScope, NewTimeEntry, TermsInput};
use nextdate_diary::reminders::ReminderKind;
use nextdate_diary::{Diary, FeeKind, NewCase, NewFee, NextStep, RecordHearing};

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn fee(kind: FeeKind, minor: i64, date: NaiveDate) -> NewFee {
    NewFee {
        kind,
        amount_minor: minor,
        currency: None,
        date,
        mode: Some("upi".into()),
        remark: None,
    }
}

fn record(d: &mut Diary, case: &str, on: NaiveDate, non_effective: bool) {
    d.record_hearing(
        case,
        RecordHearing {
            non_effective,
            date: on,
            outcome: Some("Adjourned".into()),
            item: None,
            next: NextStep::Adjourned {
                next_date: on + Duration::days(21),
                purpose: None,
            },
            attended_by: None,
        },
    )
    .unwrap();
}

/// A client with two cases: appearances, time, fees, expenses and payments
/// from April to August 2026.
fn practice(d: &mut Diary) -> (String, String, String) {
    let (client, case1) = seed(d, "Pooja Malhotra", "CS(COMM) 55/2026", ymd(2026, 4, 6));
    let case2 = d
        .add_case(NewCase {
            title: "Pooja Malhotra v. Orbit Builders".into(),
            number: "RERA 12/2026".into(),
            court: "RERA Delhi".into(),
            client_ids: vec![client.clone()],
            ..Default::default()
        })
        .unwrap();
    d.set_fee_terms(
        &case1,
        Some(TermsInput {
            per_appearance_minor: Some(5_000_00),
            non_effective_minor: Some(1_000_00),
            hourly_minor: Some(3_000_00),
            ..Default::default()
        }),
    )
    .unwrap();
    record(d, &case1, ymd(2026, 4, 6), false);
    record(d, &case1, ymd(2026, 4, 27), true);
    record(d, &case1, ymd(2026, 5, 18), false);
    record(d, &case1, ymd(2026, 7, 6), false);
    d.add_time(
        &case1,
        NewTimeEntry {
            date: ymd(2026, 4, 20),
            minutes: 90,
            member_id: None,
            note: Some("Drafting the reply".into()),
            billable: true,
        },
    )
    .unwrap();
    d.add_fee(&case1, fee(FeeKind::Expense, 1_250_00, ymd(2026, 4, 7)))
        .unwrap();
    d.add_fee(&case1, fee(FeeKind::Received, 8_000_00, ymd(2026, 5, 2)))
        .unwrap();
    d.add_fee(&case2, fee(FeeKind::Agreed, 25_000_00, ymd(2026, 5, 10)))
        .unwrap();
    d.add_fee(&case2, fee(FeeKind::Received, 10_000_00, ymd(2026, 8, 1)))
        .unwrap();
    (client, case1, case2)
}

#[test]
fn bills_statements_and_the_outstanding_list_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let (client, case1, case2) = practice(&mut d);
    let today = ymd(2026, 9, 15);

    // A case's bill for April–June: nothing brought forward.
    let scope = d.case_or_client(&case1).unwrap();
    assert_eq!(scope, CaseOrClient::Case(case1.clone()));
    let draft = d.draft_bill(&scope, ymd(2026, 4, 1), ymd(2026, 6, 30), today).unwrap();
    assert_eq!(draft.number, "DRAFT");
    assert_eq!(draft.opening_balance_minor, 0);
    assert_eq!((draft.appearance_count, draft.non_effective_count), (3, 1));
    assert_eq!(draft.appearances_minor, 5_000_00 + 1_000_00 + 5_000_00);
    assert_eq!((draft.time_minor, draft.billable_minutes), (4_500_00, 90));
    assert_eq!(draft.expenses_minor, 1_250_00);
    assert_eq!(draft.received_minor, 8_000_00);
    assert_eq!(draft.tax, None);
    assert_eq!(draft.gstin, None);
    assert_eq!(draft.due_minor, 11_000_00 + 4_500_00 + 1_250_00 - 8_000_00);
    assert_eq!(draft.lines.len(), 6);
    assert_eq!(draft.client_name, "Pooja Malhotra");
    assert!(draft.matter.starts_with("CS(COMM) 55/2026"), "{}", draft.matter);

    // Issued with the chamber's tax line on: numbered, and the tax is charged.
    d.set_billing(Billing {
        address: Some("Chamber 214, Lawyers' Block\nDelhi High Court".into()),
        gstin: Some("07AAAPM1234C1Z5".into()),
        tax_label: Some("GST".into()),
        tax_rate_bp: Some(1800),
    })
    .unwrap();
    let (bill_id, bill) = d.issue_bill(&scope, ymd(2026, 4, 1), ymd(2026, 6, 30), today).unwrap();
    assert_eq!(bill.number, "A-1/2026-27");
    let tax = bill.tax.clone().expect("tax line on");
    assert_eq!(tax.label, "GST @ 18%");
    assert_eq!(tax.on_minor, 11_000_00 + 4_500_00);
    assert_eq!(tax.amount_minor, 2_790_00);
    assert_eq!(bill.gstin.as_deref(), Some("07AAAPM1234C1Z5"));
    assert_eq!(bill.due_minor, draft.due_minor + 2_790_00);
    // The next bill brings that forward, tax included.
    let next = d.draft_bill(&scope, ymd(2026, 7, 1), ymd(2026, 9, 15), today).unwrap();
    assert_eq!(next.opening_balance_minor, bill.due_minor);
    // An overlapping bill is refused; a period with nothing in it too; nothing is written.
    let before = state(&d);
    let overlap = d
        .issue_bill(&scope, ymd(2026, 6, 1), ymd(2026, 7, 31), today)
        .unwrap_err();
    assert_eq!(overlap.code(), "out_of_range");
    assert!(overlap.to_string().contains("A-1/2026-27"), "{overlap}");
    let empty = d
        .issue_bill(&scope, ymd(2026, 1, 1), ymd(2026, 3, 31), today)
        .unwrap_err();
    assert_eq!(empty.code(), "empty_period");
    assert!(
        empty.to_string().contains("between 01-01-2026 and 31-03-2026"),
        "{empty}"
    );
    assert_eq!(
        d.issue_bill(&scope, ymd(2026, 7, 1), ymd(2026, 6, 1), today)
            .unwrap_err()
            .code(),
        "empty_period"
    );
    assert_eq!(state(&d), before);

    // The case's account now includes the bill's tax, and agrees with the ledger.
    let account = d.case_account(&case1).unwrap();
    assert_eq!(account.tax_minor, 2_790_00);
    let ledger_due: i64 = d
        .ledger(LedgerScope::Case(&case1))
        .unwrap()
        .iter()
        .map(|e| e.signed())
        .sum();
    assert_eq!(account.due_minor, ledger_due);

    // The client's statement: both cases, a running balance that ends where the accounts do.
    let st = d.statement(&client, None, today, today).unwrap();
    let case2_due = d.case_account(&case2).unwrap().due_minor;
    assert_eq!(st.closing_balance_minor, account.due_minor + case2_due);
    assert_eq!(st.lines.last().unwrap().balance_minor, st.closing_balance_minor);
    assert!(st.lines.iter().any(|l| l.case_number == "RERA 12/2026"));
    let from_june = d.statement(&client, Some(ymd(2026, 6, 1)), today, today).unwrap();
    assert_eq!(from_june.closing_balance_minor, st.closing_balance_minor);
    assert!(from_june.lines.iter().all(|l| l.date.as_str() >= "2026-06-01"));

    // Outstanding: oldest first, by the day since which money has been owed.
    let o = d.outstanding(today).unwrap();
    let labels: Vec<&str> = o.cases.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(labels[0].starts_with("CS(COMM) 55/2026"), "{labels:?}");
    // ₹8,000 paid covers the first appearance (₹5,000) and the expense (₹1,250): owed since the time entry.
    assert_eq!(o.cases[0].due_since, "2026-04-20");
    assert_eq!(o.cases[0].days, (today - ymd(2026, 4, 20)).num_days());
    assert_eq!(o.clients.len(), 1);
    assert_eq!(o.clients[0].due_minor, st.closing_balance_minor);
    assert_eq!(o.unpaid_bills.len(), 1);
    assert_eq!(o.unpaid_bills[0].number, "A-1/2026-27");

    // The evening round mentions it once it is over 30 days old, when switched on.
    let unpaid = |d: &Diary, day: NaiveDate| -> Vec<String> {
        d.due_reminders(day.and_hms_opt(19, 30, 0).unwrap())
            .unwrap()
            .into_iter()
            .filter(|r| r.kind == ReminderKind::UnpaidBills)
            .map(|r| r.title)
            .collect()
    };
    assert!(unpaid(&d, today + Duration::days(40)).is_empty(), "off by default");
    let mut settings = d.reminder_settings().unwrap();
    settings.unpaid_bills = true;
    d.set_reminder_settings(&settings).unwrap();
    assert!(unpaid(&d, today + Duration::days(30)).is_empty(), "not yet 30 days old");
    assert_eq!(
        unpaid(&d, today + Duration::days(31)),
        ["1 bill unpaid for more than 30 days"]
    );

    // Cancelled: the tax leaves the accounts, the number stays taken.
    d.void_bill(&bill_id, "Wrong period").unwrap();
    assert_eq!(d.case_account(&case1).unwrap().tax_minor, 0);
    assert!(d.outstanding(today).unwrap().unpaid_bills.is_empty());
    let (_, again) = d.issue_bill(&scope, ymd(2026, 4, 1), ymd(2026, 6, 30), today).unwrap();
    assert_eq!(again.number, "A-2/2026-27");
    assert_eq!(d.void_bill(&bill_id, "again").unwrap_err().code(), "already_voided");

    // A client's bill covers both cases.
    let all = d
        .draft_bill(&d.case_or_client(&client).unwrap(), ymd(2026, 4, 1), today, today)
        .unwrap();
    assert_eq!(all.matter, "All matters (2 cases)");
    assert!(all.lines.iter().any(|l| l.case_number == "RERA 12/2026"));

    // The ledger CSV: a row per entry, receipt and bill numbers where they belong.
    let payment = d
        .fees(Some(&case1))
        .unwrap()
        .into_iter()
        .find(|f| f.kind == "received")
        .unwrap();
    let receipt = d.receipt(&payment.id).unwrap();
    let csv_text = String::from_utf8(d.ledger_csv().unwrap()).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), d.ledger(LedgerScope::All).unwrap().len());
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let paid = rows
        .iter()
        .find(|r| r[col("kind")] == *"received" && r[col("case_number")] == *"CS(COMM) 55/2026")
        .unwrap();
    assert_eq!(&paid[col("receipt_number")], receipt.number.as_str());
    assert_eq!(&paid[col("credit")], "8000.00");
    assert_eq!(&paid[col("clients")], "Pooja Malhotra");
    let appearance = rows.iter().find(|r| r[col("kind")] == *"appearance").unwrap();
    assert_eq!(&appearance[col("bill_number")], "A-2/2026-27");
    assert_eq!(&appearance[col("debit")], "5000.00");
    let cancelled_tax = rows.iter().find(|r| r[col("kind")] == *"tax").unwrap();
    assert_eq!(&cancelled_tax[col("voided")], "Wrong period");

    // A rebuild gives the same projection (bills included).
    let kept = nextdate_diary::projection::dump(d.conn()).unwrap();
    d.rebuild().unwrap();
    assert_eq!(nextdate_diary::projection::dump(d.conn()).unwrap(), kept);
}

#[test]
fn billing_details_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let before = state(&d);
    let half = Billing {
        tax_label: Some("GST".into()),
        ..Default::default()
    };
    assert_eq!(d.set_billing(half).unwrap_err().code(), "out_of_range");
    let bad_gstin = Billing {
        gstin: Some("123".into()),
        ..Default::default()
    };
    assert_eq!(d.set_billing(bad_gstin).unwrap_err().code(), "unknown_value");
    assert_eq!(state(&d), before);
    // A statement for a client with nothing charged says so.
    let (client, _) = seed(&mut d, "Anil Kapoor", "CRL.A. 9/2026", ymd(2026, 5, 4));
    let err = d
        .statement(&client, None, ymd(2026, 9, 1), ymd(2026, 9, 1))
        .unwrap_err();
    assert_eq!(err.code(), "empty_period");
}
