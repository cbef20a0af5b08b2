//! `nextdate client-update` end to end: the real binary writes the message
//! for a case and for a client in English and in Hindi (the client's own
//! language, kept by `client edit --update-language`), and the same as a PDF
//! status report that pdftotext reads back; an existing file is refused and
//! an unknown id leaves no file behind. No relay and no network are involved.

mod support;

use chrono::Duration;
use support::*;

fn dmy(d: chrono::NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

fn stdout(cli: &Cli, args: &[&str]) -> String {
    let out = cli.run(args);
    assert!(
        out.status.success(),
        "nextdate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_case_and_a_client_get_their_update_in_their_language_and_as_a_pdf() {
    let (cli, _) = Cli::init();
    let client = cli.id(&[
        "client",
        "add",
        "--name",
        "Sunita Devi",
        "--address",
        "12 Civil Lines\\nPrayagraj",
    ]);
    let next = today() + Duration::days(9);
    let case = cli.id(&[
        "case",
        "add",
        "--title",
        "Sunita Devi v. State of U.P.",
        "--number",
        "CRL.A. 77/2025",
        "--court",
        "Allahabad High Court",
        "--bench",
        "Court No. 4",
        "--client",
        &client,
        "--next-date",
        &dmy(next),
        "--purpose",
        "Hearing on bail",
    ]);
    cli.id(&["note", "add", &case, "--text", "Witness unreliable; private"]);
    // The address typed with \n keeps its lines.
    let shown = cli.json(&["client", "show", &client]);
    assert_eq!(shown["client"]["address"], "12 Civil Lines\nPrayagraj");
    assert_eq!(shown["client"]["update_language"], "en");

    let en = stdout(&cli, &["client-update", &case]);
    assert!(en.starts_with("Dear Sunita Devi,\n"), "{en}");
    assert!(en.contains("CRL.A. 77/2025 — Sunita Devi v. State of U.P.\n"), "{en}");
    assert!(en.contains("Court: Allahabad High Court, Court No. 4\n"), "{en}");
    assert!(
        en.contains(&format!("Next date: {}\n", next.format("%A, %-d %B %Y"))),
        "{en}"
    );
    assert!(en.contains("Purpose: Hearing on bail\n"), "{en}");
    assert!(en.ends_with("Regards,\nTest Chambers\n"), "{en}");
    assert!(!en.contains("Witness"), "{en}");

    // The client prefers Hindi: every later update is in Hindi unless told otherwise.
    cli.json(&["client", "edit", &client, "--update-language", "hi"]);
    let hi = stdout(&cli, &["client-update", &client]);
    assert!(hi.starts_with("नमस्ते Sunita Devi जी,\n"), "{hi}");
    assert!(hi.contains("न्यायालय: Allahabad High Court, Court No. 4\n"), "{hi}");
    assert!(hi.contains("अगली तारीख: "), "{hi}");
    assert!(hi.contains("प्रयोजन: Hearing on bail\n"), "{hi}");
    let back = stdout(&cli, &["client-update", &client, "--lang", "en"]);
    assert!(back.contains("Next date: "), "{back}");

    let pdf = cli.tmp.path().join("status.pdf");
    let png = cli.tmp.path().join("status.png");
    let v = cli.json(&[
        "client-update",
        &client,
        "--pdf",
        pdf.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
    ]);
    assert_eq!(v["update"]["language"], "hi");
    assert_eq!(v["update"]["cases"].as_array().unwrap().len(), 1);
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
    let read = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(read.status.success(), "{}", String::from_utf8_lossy(&read.stderr));
    let text: String = String::from_utf8(read.stdout).unwrap().split_whitespace().collect();
    for words in [
        "TestChambers",
        "CRL.A.77/2025",
        "AllahabadHighCourt,CourtNo.4",
        "Hearingonbail",
        "मुकदमेकीस्थिति",
    ] {
        assert!(text.contains(words), "{words:?} missing from the PDF:\n{text}");
    }

    // An existing file is never replaced; an unknown id writes nothing.
    let (code, msg) = cli.fails(&["client-update", &case, "--pdf", pdf.to_str().unwrap()]);
    assert_eq!(code, "already_exists", "{msg}");
    assert_eq!(std::fs::read(&pdf).unwrap(), bytes);
    let other = cli.tmp.path().join("other.pdf");
    let (code, msg) = cli.fails(&[
        "client-update",
        "01JUNKNOWNUNKNOWNUNKNOWN00",
        "--pdf",
        other.to_str().unwrap(),
    ]);
    assert_eq!(code, "unknown_id", "{msg}");
    assert!(msg.contains("case or client"), "{msg}");
    assert!(!other.exists());
    let out = cli.run(&["client", "edit", &client, "--update-language", "ta"]);
    assert!(!out.status.success(), "an unknown language is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'ta'"));
}
