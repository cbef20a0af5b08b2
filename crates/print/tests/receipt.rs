//! Fee receipts read back the way a client (or an auditor) would: `pdftotext`
//! for every field, and the page as PNG in artifacts/print/ to look at.

mod common;

use common::{artifacts, squeeze};

use std::process::Command;

use nextdate_diary::accounts::Receipt;
use nextdate_print::receipt::receipt;
use nextdate_print::Paper;

fn a_receipt() -> Receipt {
    Receipt {
        number: "A-7/2026-27".into(),
        financial_year: "2026-27".into(),
        date: "2026-11-23".into(),
        chamber_name: "Sharma Chambers".into(),
        chamber_address: Some("Chamber 214, Lawyers' Block\nDelhi High Court\nNew Delhi 110003".into()),
        advocate: "Adv. Meera Sharma".into(),
        received_from: "राजेश कुमार".into(),
        case_number: "CS(COMM) 412/2026".into(),
        case_title: "Rajesh Kumar v. Orbit Builders Pvt. Ltd.".into(),
        court: "High Court of Delhi".into(),
        amount_minor: 15_000_050, // ₹1,50,000.50
        currency: "INR".into(),
        mode: Some("cheque".into()),
        reference: Some("Cheque No. 004512, HDFC Bank".into()),
        cancelled: None,
    }
}

/// Writes the PDF and the page as PNG under `name`; returns the PDF's text.
fn print(r: &Receipt, name: &str) -> String {
    let printed = receipt(r, Paper::A4).unwrap();
    assert_eq!(printed.page_count(), 1, "a receipt is one page");
    let pdf = artifacts().join(format!("{name}.pdf"));
    std::fs::write(&pdf, printed.pdf().unwrap()).unwrap();
    std::fs::write(artifacts().join(format!("{name}.png")), printed.png(110.0).unwrap()).unwrap();
    let out = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils) is installed");
    let info = String::from_utf8(out.stdout).unwrap();
    assert!(
        info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")),
        "{info}"
    );
    // Reading order rather than -layout: the slanted CANCELLED stamp comes
    // out whole, and after the text it lies across.
    let out = Command::new("pdftotext")
        .args(["-raw"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn assert_has(text: &str, words: &str) {
    assert!(
        squeeze(text).contains(&squeeze(words)),
        "{words:?} missing from:\n{text}"
    );
}

#[test]
fn every_field_of_a_receipt_reads_back() {
    let text = print(&a_receipt(), "receipt");
    for words in [
        "Sharma Chambers",
        "Chamber 214, Lawyers' Block",
        "New Delhi 110003",
        "RECEIPT",
        "Receipt No.",
        "A-7/2026-27",
        "23-11-2026",
        "Received with thanks from",
        "राजेश कुमार",
        "the sum of Rupees One Lakh Fifty Thousand and Paise Fifty Only",
        "in the matter of CS(COMM) 412/2026 — Rajesh Kumar v. Orbit Builders Pvt. Ltd., High Court of Delhi",
        "by cheque",
        "(Ref. Cheque No. 004512, HDFC Bank)",
        "\u{20b9}1,50,000.50",
        "Adv. Meera Sharma",
    ] {
        assert_has(&text, words);
    }
    assert!(!text.contains("CANCELLED"), "{text}");
    assert!(!text.contains("2026-11-23"), "the date is DD-MM-YYYY:\n{text}");
}

#[test]
fn a_cancelled_receipt_says_so_and_keeps_its_amount() {
    let r = Receipt {
        cancelled: Some("cheque returned unpaid".into()),
        ..a_receipt()
    };
    let text = print(&r, "receipt-cancelled");
    for words in [
        "CANCELLED",
        "Cancelled: cheque returned unpaid",
        "A-7/2026-27",
        "\u{20b9}1,50,000.50",
        "One Lakh Fifty Thousand and Paise Fifty",
    ] {
        assert_has(&text, words);
    }
}

#[test]
fn a_receipt_without_client_mode_or_paise_still_reads() {
    let r = Receipt {
        received_from: String::new(),
        chamber_address: None,
        amount_minor: 2_500_000, // ₹25,000.00
        mode: None,
        reference: None,
        ..a_receipt()
    };
    let text = print(&r, "receipt-plain");
    assert_has(
        &text,
        "Received with thanks the sum of Rupees Twenty-Five Thousand Only",
    );
    assert_has(&text, "\u{20b9}25,000.00");
    assert!(!text.contains("Ref."), "{text}");
    assert!(!text.contains(" by "), "{text}");
    let letter = receipt(&r, Paper::Letter).unwrap();
    assert_eq!(letter.page_count(), 1, "one page on US Letter too");
}

#[test]
fn long_texts_and_the_largest_amount_stay_on_one_page() {
    let long = "Shri Venkataramanan Subramaniam Iyer, Smt. Lakshmi Venkataramanan, \
                M/s Subramaniam Textiles and Handlooms Private Limited";
    let r = Receipt {
        chamber_name: "Law Chambers of Venkataramanan, Subramaniam & Associates, Advocates and Solicitors".into(),
        received_from: long.into(),
        case_title: format!("{long} v. Union of India and 14 others"),
        court: "High Court of Judicature at Madras, Madurai Bench, Court Hall No. 12".into(),
        amount_minor: i64::MAX,
        reference: Some("NEFT UTR HDFCR52026112300012345678 dated 23-11-2026 from a joint account".into()),
        cancelled: Some("entered twice by mistake; the same payment is receipt A-8/2026-27".into()),
        ..a_receipt()
    };
    let text = print(&r, "receipt-long");
    assert_has(&text, "\u{20b9}92,23,37,20,36,85,47,758.07");
    assert_has(
        &text,
        "Crore Eighty-Five Lakh Forty-Seven Thousand Seven Hundred Fifty-Eight and Paise Seven Only",
    );
    assert_has(&text, "Madurai Bench, Court Hall No. 12");
}
