//! Bills (fee memos) read back the way a client would check them: `pdftotext`
//! for every figure, word and date, `pdfinfo` for the pages of a long bill, and
//! the first page as PNG in artifacts/print/ to look at.

mod common;

use common::{artifacts, squeeze};

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use nextdate_diary::accounts::{AccountLine, BillDoc, TaxLine};
use nextdate_print::bill::bill;
use nextdate_print::Paper;

fn assert_has(text: &str, words: &str) {
    assert!(
        squeeze(text).contains(&squeeze(words)),
        "{words:?} missing from:\n{text}"
    );
}

fn line(date: &str, kind: &str, description: &str, amount_minor: i64, reference: Option<&str>) -> AccountLine {
    AccountLine {
        date: date.into(),
        case_number: "CS(COMM) 55/2026".into(),
        kind: kind.into(),
        description: description.into(),
        amount_minor,
        reference: reference.map(Into::into),
        balance_minor: 0,
    }
}

/// A quarter's bill with no tax: ₹25,000 brought forward, fees, three
/// appearances (one non-effective), time, court fees and a cheque received.
fn a_bill() -> BillDoc {
    BillDoc {
        number: "A-3/2026-27".into(),
        date: "2026-07-02".into(),
        chamber_name: "Sharma Chambers".into(),
        chamber_address: Some("Chamber 214, Lawyers' Block\nDelhi High Court\nNew Delhi 110003".into()),
        gstin: None,
        advocate: "Adv. Meera Sharma".into(),
        client_name: "राजेश कुमार".into(),
        client_address: Some("B-12, Lajpat Nagar II\nNew Delhi 110024".into()),
        matter: "CS(COMM) 55/2026 — Rajesh Kumar v. Orbit Builders Pvt. Ltd., Delhi High Court".into(),
        from: "2026-04-01".into(),
        to: "2026-06-30".into(),
        currency: "INR".into(),
        opening_balance_minor: 2_500_000,
        lines: vec![
            line("2026-04-06", "fixed", "Drafting and filing the plaint with documents, including the statement of truth, the list of documents and the application under Order XXXIX Rules 1 and 2 CPC", 15_000_050, None),
            line("2026-04-20", "appearance", "Appearance on 20-04-2026", 2_200_000, None),
            line("2026-05-04", "appearance", "Appearance on 04-05-2026 (non-effective)", 550_000, None),
            line("2026-05-18", "time", "2 h 30 min: drafting the replication", 1_250_000, None),
            line("2026-05-19", "expense", "Court fees", 1_234_525, None),
            line("2026-05-25", "received", "Payment by cheque (Ref. 004512)", 10_000_000, Some("A-7/2026-27")),
            line("2026-06-15", "appearance", "Appearance on 15-06-2026", 2_200_000, None),
        ],
        fees_minor: 15_000_050,
        appearances_minor: 4_950_000,
        appearance_count: 3,
        non_effective_count: 1,
        time_minor: 1_250_000,
        billable_minutes: 150,
        expenses_minor: 1_234_525,
        tax: None,
        received_minor: 10_000_000,
        // 25,000 + 1,50,000.50 + 49,500 + 12,500 + 12,345.25 − 1,00,000
        due_minor: 14_934_575,
        cancelled: None,
    }
}

/// The same bill from a chamber that charges GST, paid partly in advance.
fn a_taxed_bill() -> BillDoc {
    let mut b = a_bill();
    b.number = "A-4/2026-27".into();
    b.gstin = Some("07AAAPS1234F1Z5".into());
    b.opening_balance_minor = -1_200_000;
    b.tax = Some(TaxLine {
        label: "GST @ 18%".into(),
        on_minor: 21_200_050,
        amount_minor: 3_816_009,
    });
    b.lines
        .push(line("2026-06-30", "tax", "GST @ 18% on fees", 3_816_009, None));
    // −12,000 + 1,50,000.50 + 49,500 + 12,500 + 12,345.25 + 38,160.09 − 1,00,000
    b.due_minor = 15_050_584;
    b
}

/// Lays out the bill, writes its PDF and its first page as PNG under `name`;
/// returns the PDF's path and page count.
fn write(b: &BillDoc, name: &str) -> (PathBuf, usize) {
    let printed = bill(b, Paper::A4).unwrap();
    let pdf = artifacts().join(format!("{name}.pdf"));
    std::fs::write(&pdf, printed.pdf().unwrap()).unwrap();
    std::fs::write(
        artifacts().join(format!("{name}.png")),
        printed.png_page(0, 110.0).unwrap(),
    )
    .unwrap();
    let out = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils) is installed");
    let info = String::from_utf8(out.stdout).unwrap();
    let pages = format!(" {}", printed.page_count());
    assert!(
        info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(&pages)),
        "{info}"
    );
    (pdf, printed.page_count())
}

/// The PDF's text, of every page or of page `page` only.
fn text_of(pdf: &Path, page: Option<usize>) -> String {
    let mut cmd = Command::new("pdftotext");
    // Reading order rather than -layout: the slanted CANCELLED stamp comes
    // out whole.
    cmd.arg("-raw");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Writes the bill under `name`; returns its text and page count.
fn print(b: &BillDoc, name: &str) -> (String, usize) {
    let (pdf, pages) = write(b, name);
    (text_of(&pdf, None), pages)
}

#[test]
fn every_figure_of_a_bill_without_tax_reads_back() {
    let (text, pages) = print(&a_bill(), "bill");
    assert_eq!(pages, 1);
    for words in [
        "Sharma Chambers",
        "Chamber 214, Lawyers' Block",
        "New Delhi 110003",
        "FEE MEMO",
        "Bill No. A-3/2026-27",
        "Date 02-07-2026",
        "To राजेश कुमार",
        "B-12, Lajpat Nagar II",
        "In the matter of CS(COMM) 55/2026 — Rajesh Kumar v. Orbit Builders Pvt. Ltd., Delhi High Court",
        "For the period 01-04-2026 to 30-06-2026",
        "Appearance on 04-05-2026 (non-effective)",
        "Order XXXIX Rules 1 and 2 CPC",
        "25-05-2026",
        "Receipt No. A-7/2026-27",
        "Balance brought forward 25,000.00",
        "Fees 1,50,000.50",
        "Appearances (3, of which 1 non-effective) 49,500.00",
        "Time (2 h 30 min) 12,500.00",
        "Expenses 12,345.25",
        "Less: received 1,00,000.00",
        "Balance due \u{20b9}1,49,345.75",
        "Rupees One Lakh Forty-Nine Thousand Three Hundred Forty-Five and Paise Seventy-Five Only",
        "Adv. Meera Sharma",
        "Page 1 of 1",
    ] {
        assert_has(&text, words);
    }
    for figure in ["22,000.00", "5,500.00", "1,00,000.00", "1,50,000.50", "12,345.25"] {
        assert_has(&text, figure);
    }
    for absent in ["GSTIN", "GST", "CANCELLED", "in advance", "2026-04-01", "2026-06-30"] {
        assert!(!text.contains(absent), "{absent:?} in:\n{text}");
    }
}

#[test]
fn a_taxed_bill_shows_the_gstin_the_tax_and_the_advance() {
    let (text, _) = print(&a_taxed_bill(), "bill-tax");
    for words in [
        "GSTIN 07AAAPS1234F1Z5",
        "Bill No. A-4/2026-27",
        "Less: balance brought forward, in advance 12,000.00",
        "GST @ 18% on 2,12,000.50 38,160.09",
        "Balance due \u{20b9}1,50,505.84",
        "Rupees One Lakh Fifty Thousand Five Hundred Five and Paise Eighty-Four Only",
    ] {
        assert_has(&text, words);
    }
    assert!(!text.contains("CANCELLED"), "{text}");
}

#[test]
fn a_cancelled_bill_is_stamped_and_keeps_its_figures() {
    let b = BillDoc {
        cancelled: Some("issued to the wrong client".into()),
        ..a_bill()
    };
    let (text, _) = print(&b, "bill-cancelled");
    for words in [
        "CANCELLED",
        "Cancelled: issued to the wrong client",
        "A-3/2026-27",
        "\u{20b9}1,49,345.75",
    ] {
        assert_has(&text, words);
    }
}

#[test]
fn a_bill_paid_beyond_its_charges_says_so_and_an_empty_one_prints() {
    let b = BillDoc {
        lines: Vec::new(),
        fees_minor: 0,
        appearances_minor: 0,
        appearance_count: 0,
        non_effective_count: 0,
        time_minor: 0,
        billable_minutes: 0,
        expenses_minor: 0,
        received_minor: 0,
        opening_balance_minor: -500_000,
        due_minor: -500_000,
        chamber_address: None,
        client_address: None,
        currency: "USD".into(),
        ..a_bill()
    };
    let (text, pages) = print(&b, "bill-empty");
    assert_eq!(pages, 1);
    for words in [
        "No charges or payments in this period.",
        "CHARGES (USD) RECEIVED (USD)",
        "Paid in advance USD 5,000.00",
        "USD Five Thousand Only",
    ] {
        assert_has(&text, words);
    }
    for absent in ["Fees", "Appearances", "Time (", "Balance due"] {
        assert!(!text.contains(absent), "{absent:?} in:\n{text}");
    }
    let letter = bill(&b, Paper::Letter).unwrap();
    assert_eq!(letter.page_count(), 1, "one page on US Letter too");
}

#[test]
fn a_bill_of_500_entries_runs_over_pages_and_ends_with_the_balance_due() {
    let mut b = a_taxed_bill();
    b.lines = (0..500i64)
        .map(|i| {
            // Unique amounts, ₹1,000.01 up to ₹5,00,000.00 and beyond.
            let amount = (i + 1) * 100_000 + i % 97 + 1;
            let day = format!("2026-{:02}-{:02}", 4 + i / 180, 1 + (i / 6) % 30);
            if i % 25 == 24 {
                line(
                    &day,
                    "received",
                    "Payment by NEFT",
                    amount,
                    Some(&format!("A-{}/2026-27", 100 + i)),
                )
            } else {
                line(
                    &day,
                    "appearance",
                    &format!("Appearance on {} in item {}", day, i + 1),
                    amount,
                    None,
                )
            }
        })
        .collect();
    let (pdf, pages) = write(&b, "bill-500");
    assert!(pages >= 3, "500 entries on {pages} pages");
    let text = text_of(&pdf, None);
    let tokens: HashSet<&str> = text.split_whitespace().collect();
    for l in &b.lines {
        let whole = l.amount_minor / 100;
        let figure = format!("{}.{:02}", indian(whole), l.amount_minor % 100);
        assert!(tokens.contains(figure.as_str()), "{figure} missing");
    }
    assert_has(&text, "Receipt No. A-599/2026-27");
    for p in 1..=pages {
        assert_has(&text, &format!("Page {p} of {pages}"));
    }
    let last = text_of(&pdf, Some(pages));
    assert_has(&last, "Balance due \u{20b9}1,50,505.84");
    assert_has(&last, "Adv. Meera Sharma");
    let second = text_of(&pdf, Some(2));
    assert_has(&second, "Fee memo A-4/2026-27 (continued)");
    assert_has(&second, "DATE CASE PARTICULARS CHARGES (\u{20b9}) RECEIVED (\u{20b9})");
}

#[test]
fn long_names_references_and_amounts_wrap_inside_their_columns() {
    let long = "Shri Venkataramanan Subramaniam Iyer, Smt. Lakshmi Venkataramanan, \
                M/s Subramaniam Textiles and Handlooms Private Limited";
    let mut b = a_taxed_bill();
    b.chamber_name = "Law Chambers of Venkataramanan, Subramaniam & Associates, Advocates and Solicitors".into();
    b.client_name = long.into();
    b.matter = format!("O.S. 1234/2026 — {long} v. Union of India and 14 others, High Court of Judicature at Madras");
    b.lines[0].case_number = "W.P.(MD) No. 12345 of 2026 and W.M.P.(MD) Nos. 1 and 2 of 2026".into();
    b.lines[5].description =
        "Payment by NEFT UTR HDFCR52026112300012345678HDFCR5202611230001 from a joint account".into();
    b.lines[6].amount_minor = 99_999_999_999; // ₹99,99,99,999.99
    b.due_minor = 9_999_999_999_999; // ₹99,99,99,99,999.99
    let (text, pages) = print(&b, "bill-long");
    assert_eq!(pages, 1);
    assert_has(&text, "99,99,99,999.99");
    assert_has(&text, "\u{20b9}99,99,99,99,999.99");
    assert_has(&text, "HDFCR52026112300012345678HDFCR5202611230001");
    assert_has(&text, "W.M.P.(MD) Nos. 1 and 2 of 2026");
}

/// Indian digit grouping, written independently of the printer: 12,34,567.
fn indian(n: i64) -> String {
    let digits = n.to_string();
    if digits.len() <= 3 {
        return digits;
    }
    let (head, last3) = digits.split_at(digits.len() - 3);
    let mut groups: Vec<String> = head
        .as_bytes()
        .rchunks(2)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    groups.reverse();
    format!("{},{last3}", groups.join(","))
}
