//! `nextdate export json|csv` and `nextdate import csv` end to end with the real binary.

mod support;

use support::{files, Cli};

#[test]
fn export_then_import_into_another_diary_and_bad_csv_names_every_line() {
    let (a, _) = Cli::init();
    assert!(a.run(&["demo", "--cases", "25"]).status.success());
    let csv_dir = a.tmp.path().join("out-csv");
    let plain = a.run(&["export", "csv", "-o", csv_dir.to_str().unwrap()]);
    assert!(plain.status.success());
    assert!(
        String::from_utf8_lossy(&plain.stderr).contains("not encrypted"),
        "the plaintext warning is shown"
    );
    assert!(String::from_utf8_lossy(&plain.stdout).contains("25 cases"));
    let json_dir = a.tmp.path().join("out-json");
    let v = a.json(&["export", "json", "-o", json_dir.to_str().unwrap()]);
    assert_eq!(v["summary"]["cases"], 25);
    assert!(json_dir.join("diary.json").is_file());
    let (code, _) = a.fails(&["export", "json", "-o", json_dir.to_str().unwrap()]);
    assert_eq!(code, "already_exists");

    let (b, _) = Cli::init();
    let dry = b.json(&["import", "csv", "--dry-run", csv_dir.to_str().unwrap()]);
    assert_eq!(
        (dry["cases"].as_u64(), dry["applied"].as_bool()),
        (Some(25), Some(false))
    );
    assert_eq!(
        b.json(&["case", "list"]).as_array().unwrap().len(),
        0,
        "a dry run writes nothing"
    );
    let done = b.json(&["import", "csv", csv_dir.to_str().unwrap()]);
    assert_eq!(done["applied"], true);
    assert_eq!(b.json(&["case", "list"]), a.json(&["case", "list"]));
    assert_eq!(b.json(&["fees"]), a.json(&["fees"]));

    let bad = b.tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Case No.,Court,Next Date\nX 1/2026,Saket,32-01-2027\n,Saket,01-02-2027\nX 3/2026,Saket,01-02-2027\n",
    )
    .unwrap();
    let before = files(&b.dir());
    let out = b.run(&["import", "csv", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("bad.csv:2: next_date: \"32-01-2027\" is not a date"),
        "{err}"
    );
    assert!(err.contains("bad.csv:3: number: is required"), "{err}");
    assert!(
        err.trim_end()
            .ends_with("nextdate: 2 bad rows in the CSV; nothing was imported"),
        "{err}"
    );
    assert_eq!(files(&b.dir()), before, "nothing changed");
}
