//! Statements of account read back the way a client's accountant would:
//! `pdftotext` for every entry, running balance and total, and the first page
//! as PNG in artifacts/print/ to look at.

mod common;

use common::{artifacts, squeeze};

use std::process::Command;

use nextdate_diary::accounts::{AccountLine, StatementDoc};
use nextdate_print::statement::statement;
use nextdate_print::Paper;

fn assert_has(text: &str, words: &str) {
    assert!(
        squeeze(text).contains(&squeeze(words)),
        "{words:?} missing from:\n{text}"
    );
}

/// An entry as (kind, date, case, description, amount, reference).
type Entry<'a> = (&'a str, &'a str, &'a str, &'a str, i64, Option<&'a str>);

/// The entries with the running balance worked out from `opening`.
fn entries(opening: i64, rows: &[Entry]) -> Vec<AccountLine> {
    let mut balance = opening;
    rows.iter()
        .map(|&(kind, date, case, description, amount_minor, reference)| {
            balance += if kind == "received" {
                -amount_minor
            } else {
                amount_minor
            };
            AccountLine {
                date: date.into(),
                case_number: case.into(),
                kind: kind.into(),
                description: description.into(),
                amount_minor,
                reference: reference.map(Into::into),
                balance_minor: balance,
            }
        })
        .collect()
}

/// A client in credit at the start (paid ₹15,000 in advance), charged over
/// two cases and paying by cheque and NEFT.
fn a_statement() -> StatementDoc {
    let opening = -1_500_000;
    let lines = entries(
        opening,
        &[
            ("appearance", "2026-04-20", "CS(COMM) 55/2026", "Appearance on 20-04-2026", 1_000_000, Some("A-3/2026-27")),
            ("fixed", "2026-04-28", "W.P.(C) 1234/2026", "Drafting the writ petition with the application for interim relief, the synopsis and the list of dates", 15_000_050, Some("A-3/2026-27")),
            ("expense", "2026-05-02", "W.P.(C) 1234/2026", "Court fees and photocopies", 1_234_525, None),
            ("received", "2026-05-25", "CS(COMM) 55/2026", "Payment by cheque (Ref. 004512)", 10_000_000, Some("A-7/2026-27")),
            ("received", "2026-06-10", "W.P.(C) 1234/2026", "Payment by NEFT", 20_000_000, Some("A-9/2026-27")),
        ],
    );
    let closing = lines.last().unwrap().balance_minor;
    StatementDoc {
        date: "2026-07-02".into(),
        chamber_name: "Sharma Chambers".into(),
        chamber_address: Some("Chamber 214, Lawyers' Block\nDelhi High Court\nNew Delhi 110003".into()),
        advocate: "Adv. Meera Sharma".into(),
        client_name: "सुनीता देवी अग्रवाल".into(),
        client_address: Some("14, Civil Lines\nPrayagraj 211001".into()),
        from: Some("2026-04-01".into()),
        to: "2026-06-30".into(),
        currency: "INR".into(),
        opening_balance_minor: opening,
        charged_minor: 17_234_575,
        received_minor: 30_000_000,
        closing_balance_minor: closing,
        lines,
    }
}

/// Writes the PDF and the first page as PNG under `name`; returns the text.
fn print(s: &StatementDoc, name: &str) -> (String, usize) {
    let printed = statement(s, Paper::A4).unwrap();
    let pdf = artifacts().join(format!("{name}.pdf"));
    std::fs::write(&pdf, printed.pdf().unwrap()).unwrap();
    std::fs::write(
        artifacts().join(format!("{name}.png")),
        printed.png_page(0, 110.0).unwrap(),
    )
    .unwrap();
    let out = Command::new("pdftotext")
        .arg("-raw")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8(out.stdout).unwrap(), printed.page_count())
}

#[test]
fn every_entry_and_running_balance_reads_back() {
    let s = a_statement();
    // −15,000 + 10,000 + 1,50,000.50 + 12,345.25 − 1,00,000 − 2,00,000
    assert_eq!(s.closing_balance_minor, -14_265_425);
    let (text, pages) = print(&s, "statement");
    assert_eq!(pages, 1);
    for words in [
        "Sharma Chambers",
        "New Delhi 110003",
        "STATEMENT OF ACCOUNT",
        "सुनीता देवी अग्रवाल",
        "Prayagraj 211001",
        "Date 02-07-2026",
        "For the period 01-04-2026 to 30-06-2026",
        "01-04-2026 Opening balance 15,000.00 Cr",
        "20-04-2026 CS(COMM) 55/2026 Appearance on 20-04-2026 A-3/2026-27 10,000.00 5,000.00 Cr",
        "1,50,000.50",
        "1,45,000.50",
        "Court fees and photocopies",
        "12,345.25 1,57,345.75",
        "A-7/2026-27 1,00,000.00 57,345.75",
        "A-9/2026-27 2,00,000.00 1,42,654.25 Cr",
        "Total 1,72,345.75 3,00,000.00 1,42,654.25 Cr",
        "Closing balance on 30-06-2026, in credit \u{20b9}1,42,654.25",
        "Rupees One Lakh Forty-Two Thousand Six Hundred Fifty-Four and Paise Twenty-Five Only",
        "Page 1 of 1",
    ] {
        assert_has(&text, words);
    }
    for absent in ["2026-04-20", "Up to", "Minus"] {
        assert!(!text.contains(absent), "{absent:?} in:\n{text}");
    }
}

#[test]
fn a_statement_from_the_first_entry_has_no_opening_row() {
    let lines = entries(
        0,
        &[
            (
                "agreed",
                "2025-11-03",
                "O.S. 77/2025",
                "Agreed fee for the suit",
                1_500_000_000, // ₹1,50,00,000
                None,
            ),
            (
                "received",
                "2025-11-04",
                "O.S. 77/2025",
                "Payment by RTGS",
                500_000_000, // ₹50,00,000
                Some("A-1/2025-26"),
            ),
        ],
    );
    let s = StatementDoc {
        from: None,
        opening_balance_minor: 0,
        charged_minor: 1_500_000_000,
        received_minor: 500_000_000,
        closing_balance_minor: lines.last().unwrap().balance_minor,
        lines,
        client_address: None,
        ..a_statement()
    };
    let (text, _) = print(&s, "statement-all");
    for words in [
        "Up to 30-06-2026",
        "1,50,00,000.00",
        "50,00,000.00",
        "Closing balance due on 30-06-2026 \u{20b9}1,00,00,000.00",
        "Rupees One Crore Only",
    ] {
        assert_has(&text, words);
    }
    for absent in ["Opening balance", "For the period"] {
        assert!(!text.contains(absent), "{absent:?} in:\n{text}");
    }
    assert!(!text.split_whitespace().any(|w| w == "Cr"), "never in credit:\n{text}");
}

#[test]
fn a_long_statement_repeats_its_heading_on_every_page() {
    let rows: Vec<(String, i64)> = (0..400)
        .map(|i| (format!("Appearance no. {}", i + 1), 200_000 + i))
        .collect();
    let spec: Vec<Entry> = rows
        .iter()
        .map(|(d, a)| ("appearance", "2026-05-04", "CS(COMM) 55/2026", d.as_str(), *a, None))
        .collect();
    let lines = entries(0, &spec);
    let s = StatementDoc {
        from: None,
        opening_balance_minor: 0,
        charged_minor: lines.iter().map(|l| l.amount_minor).sum(),
        received_minor: 0,
        closing_balance_minor: lines.last().unwrap().balance_minor,
        lines,
        ..a_statement()
    };
    let (text, pages) = print(&s, "statement-long");
    assert!(pages >= 3, "{pages} pages");
    for p in 1..=pages {
        assert_has(&text, &format!("Page {p} of {pages}"));
    }
    let heading = "DATE CASE PARTICULARS REFERENCE DEBIT (\u{20b9}) CREDIT (\u{20b9}) BALANCE (\u{20b9})";
    assert_eq!(squeeze(&text).matches(&squeeze(heading)).count(), pages, "{text}");
    assert_has(&text, "Statement of account · सुनीता देवी अग्रवाल (continued)");
    assert_has(&text, "Appearance no. 400");
    // 400 × ₹2,000 + (0 + 1 + … + 399) paise
    assert_has(&text, "\u{20b9}8,00,798.00");
}
