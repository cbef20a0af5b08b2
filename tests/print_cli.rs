//! `nextdate print` end to end: the real binary writes a hearing list PDF that
//! pdftotext reads back, refuses to overwrite, and leaves no file on bad input.

mod support;

use support::Cli;

fn pdftotext(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn print_writes_tomorrows_list_and_refuses_bad_requests() {
    let (cli, _) = Cli::init();
    for (number, court, item) in [
        ("CRL.A. 77/2025", "Delhi High Court", "12"),
        ("O.S. 5/2026", "City Civil Court", "3"),
    ] {
        cli.id(&[
            "case",
            "add",
            "--title",
            "Matter",
            "--number",
            number,
            "--court",
            court,
            "--next-date",
            "tomorrow",
            "--item",
            item,
        ]);
    }
    let file = cli.tmp.path().join("board.pdf");
    let v = cli.json(&[
        "print",
        "--date",
        "tomorrow",
        "--paper",
        "letter",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(v["hearings"], 2);
    assert_eq!(v["pages"], 1);
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(v["bytes"], bytes.len());
    let text = pdftotext(&file);
    let (city, delhi) = (
        text.find("City Civil Court").unwrap(),
        text.find("Delhi High Court").unwrap(),
    );
    assert!(city < delhi, "courts in order:\n{text}");
    assert!(text.find("O.S. 5/2026").unwrap() < delhi && delhi < text.find("CRL.A. 77/2025").unwrap());

    let (code, msg) = cli.fails(&["print", "-o", file.to_str().unwrap()]);
    assert_eq!(code, "already_exists", "{msg}");
    assert_eq!(std::fs::read(&file).unwrap(), bytes, "the existing file is untouched");

    let other = cli.tmp.path().join("other.pdf");
    for (args, want) in [
        (vec!["print", "--date", "31-02-2026"], "invalid_date"),
        (vec!["print", "--date", "+3d", "--to", "today"], "out_of_range"),
        (vec!["print", "--advocate", "Nobody Such"], "unknown_id"),
    ] {
        let mut args = args;
        args.extend(["-o", other.to_str().unwrap()]);
        let (code, msg) = cli.fails(&args);
        assert_eq!(code, want, "{args:?}: {msg}");
        assert!(!other.exists(), "{args:?} left a file behind");
    }
    // --force replaces; --advocate by name works for the diary's owner.
    let owner = cli.json(&[
        "print",
        "--force",
        "--advocate",
        "adv. test",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(owner["hearings"], 2);
    let left: Vec<_> = std::fs::read_dir(cli.tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(
        !left.iter().any(|n| n.to_string_lossy().ends_with(".partial")),
        "{left:?}"
    );
}
