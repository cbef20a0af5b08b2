//! The streamed export writes exactly what the export built in memory wrote
//! (`export_support/reference.rs`, the code as it was): `diary.json`, every
//! CSV file and `export.json` byte for byte, the same attachments under the
//! same names, the same counts; on a diary with removed records, clashing
//! and non-ASCII attachment names, several members, chamber tasks and the
//! accounts. And an export that fails half-way (the disk fills up) leaves
//! neither the export nor its staging folder behind.

mod common;
mod export_support;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use common::{open, passphrase_diary, today};
use export_support::reference::Reference;
use nextdate_diary::accounts::{CaseOrClient, NewTimeEntry, TermsInput};
use nextdate_diary::export::ExportFormat;
use nextdate_diary::membership::{DeviceKeysHex, NewDevice};
use nextdate_diary::roles::Role;
use nextdate_diary::{Diary, FeeKind, NewCase, NewClient, NewFee, NewNote, NewTask, Party};

/// The ids of `table`'s rows (`sql` selects them), in order.
fn ids(d: &Diary, sql: &str) -> Vec<(String, String)> {
    let mut stmt = d.conn().prepare(sql).unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.map(Result::unwrap).collect()
}

/// A demo diary and, besides: clients and a case in Devanagari and Tamil,
/// records of each kind removed, attachments whose names clash, are unsafe or
/// not ASCII (and one whose bytes are missing), two more members, chamber
/// tasks, fee terms, time, receipts and bills (of a case and of a client).
fn rich_diary(dir: &Path) -> Diary {
    let (mut d, _) = passphrase_diary(dir);
    nextdate_diary::demo::generate(&mut d, 30, 11, today(), 30, |_| {}).unwrap();
    for (name, role) in [("अधिवक्ता प्रिया", Role::Advocate), ("கிளார்க் ராமு", Role::Clerk)]
    {
        let n = d.chamber_members().unwrap().len();
        d.add_device(&NewDevice {
            actor: format!("{:032x}", 0xabc0 + n),
            member_id: format!("member-{n}"),
            member_name: name.into(),
            role,
            label: "Laptop".into(),
            keys: DeviceKeysHex {
                signing: format!("{:064x}", 1 + n),
                dh: format!("{:064x}", 100 + n),
            },
        })
        .unwrap();
    }
    let client = d
        .add_client(NewClient {
            name: "सुनीता देवी".into(),
            phones: vec!["+91 98100 00001".into(), "011-2345 6789".into()],
            email: Some("sunita@example.in".into()),
            address: Some("12, Lajpat Nagar, \"Block C\", New Delhi".into()),
            notes: Some("Prefers calls after 6 pm;\nspeaks Hindi".into()),
            update_language: Some(nextdate_diary::client_update::Language::Hi),
        })
        .unwrap();
    let gone = d
        .add_client(NewClient {
            name: "முருகன்".into(),
            ..Default::default()
        })
        .unwrap();
    d.remove_client(&gone).unwrap();
    let case = d
        .add_case(NewCase {
            title: "सुनीता देवी v. State".into(),
            number: "CRL.A. 123/2024".into(),
            court: "दिल्ली उच्च न्यायालय".into(),
            parties: vec![
                Party {
                    name: "सुनीता देवी".into(),
                    side: "appellant".into(),
                    counsel: Some("Adv. Meera".into()),
                },
                Party {
                    name: "State (NCT of Delhi)".into(),
                    side: "respondent".into(),
                    counsel: None,
                },
            ],
            client_ids: vec![client.clone()],
            next_date: Some(today() + chrono::Duration::days(3)),
            item: Some(14),
            ..Default::default()
        })
        .unwrap();
    for (kind, amount_minor, mode) in [
        (FeeKind::Agreed, 1_500_000, None),
        (FeeKind::Received, 500_050, Some("UPI")),
        (FeeKind::Received, 1, Some("cash")),
    ] {
        let (mode, date) = (mode.map(str::to_string), today());
        let fee = NewFee {
            kind,
            amount_minor,
            currency: None,
            date,
            mode,
            remark: Some("फ़ीस, \"first\"".into()),
        };
        d.add_fee(&case, fee).unwrap();
    }
    let voided = ids(&d, "SELECT case_id, id FROM fees WHERE amount_minor = 1").remove(0);
    d.void_fee(&voided.0, &voided.1, "entered twice").unwrap();
    let task = |title: &str| NewTask {
        title: title.into(),
        due: Some(today() + chrono::Duration::days(2)),
        assignee: Some("member-1".into()),
    };
    d.add_task(&case, task("Synopsis, 3 copies")).unwrap();
    d.add_chamber_task(task("Renew the bar licence")).unwrap();
    d.add_chamber_task(task("कैलेंडर मँगवाना")).unwrap();
    let note = NewNote {
        text: "FIR date is wrong, see \"page 4\"\nसत्यापित करें".into(),
        client_visible: true,
    };
    d.add_note(&case, note).unwrap();
    let attach: &[(&str, &[u8])] = &[
        ("../वकालतनामा.pdf", b"%PDF-1.4 first"),
        ("../वकालतनामा.pdf", b"%PDF-1.4 second"),
        ("वकालतनामा.pdf", b"%PDF-1.4 third"),
        ("  .hidden:name?.txt ", b"odd name"),
        ("...", b"no name"),
        ("removed.pdf", b"removed"),
    ];
    for (name, bytes) in attach {
        d.attach_document(&case, name, "application/pdf", bytes, false).unwrap();
    }
    let other = ids(&d, "SELECT id, id FROM cases ORDER BY number_key LIMIT 1")
        .remove(0)
        .0;
    d.attach_document(&other, "वकालतनामा.pdf", "application/pdf", b"other case", true)
        .unwrap();
    let removed = ids(&d, "SELECT case_id, id FROM documents WHERE name = 'removed.pdf'").remove(0);
    d.remove_document(&removed.0, &removed.1).unwrap();
    // A document listed whose bytes are not in this diary (not synced yet).
    d.attach_document(&other, "missing.pdf", "application/pdf", b"never here", false)
        .unwrap();
    d.conn()
        .execute(
            "DELETE FROM blobs WHERE id = (SELECT sha256 FROM documents WHERE name = 'missing.pdf')",
            [],
        )
        .unwrap();
    // One of each kind of record removed.
    for (sql, kind) in [
        ("SELECT case_id, id FROM hearings ORDER BY id LIMIT 1", "hearing"),
        ("SELECT case_id, id FROM notes ORDER BY id LIMIT 1", "note"),
        ("SELECT case_id, id FROM tasks WHERE case_id != (SELECT value FROM meta WHERE key = 'chamber_id') ORDER BY id LIMIT 1", "task"),
    ] {
        let (c, id) = ids(&d, sql).remove(0);
        match kind {
            "hearing" => d.remove_hearing(&c, &id).map(|_| ()),
            "note" => d.remove_note(&c, &id).map(|_| ()),
            _ => d.remove_task(&c, &id).map(|_| ()),
        }
        .unwrap();
    }
    accounts(&mut d, &case, client);
    d
}

/// Fee terms, time (one entry removed) and bills of the case (one cancelled)
/// and of its client.
fn accounts(d: &mut Diary, case: &str, client: String) {
    let terms = TermsInput {
        fixed_minor: Some(5_000_000),
        per_appearance_minor: Some(500_000),
        non_effective_minor: Some(0),
        hourly_minor: Some(300_050),
        ..Default::default()
    };
    d.set_fee_terms(case, Some(terms)).unwrap();
    for (minutes, member) in [(95, None), (20, Some("member-1")), (5, None)] {
        let entry = NewTimeEntry {
            date: today(),
            minutes,
            member_id: member.map(str::to_string),
            note: Some("Drafting the \"grounds\"".into()),
            billable: minutes > 10,
        };
        d.add_time(case, entry).unwrap();
    }
    let short = ids(d, "SELECT case_id, id FROM time_entries WHERE minutes = 5").remove(0);
    d.remove_time(&short.0, &short.1).unwrap();
    let (from, to) = (today() - chrono::Duration::days(10), today());
    let (first, _) = d
        .issue_bill(&CaseOrClient::Case(case.into()), from, to, today())
        .unwrap();
    d.void_bill(&first, "wrong period").unwrap();
    d.issue_bill(&CaseOrClient::Case(case.into()), from, to, today())
        .unwrap();
    d.issue_bill(&CaseOrClient::Client(client), from, to, today()).unwrap();
}

/// Every file under `dir` (relative path, with `/`) and its bytes; the
/// moment of the export, which differs between two exports, blanked.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                let mut bytes = fs::read(&p).unwrap();
                if rel.ends_with(".json") {
                    bytes = blank_exported_at(&String::from_utf8(bytes).unwrap()).into_bytes();
                }
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn blank_exported_at(json: &str) -> String {
    json.lines()
        .map(|l| match l.trim_start().starts_with("\"exported_at\": ") {
            true => "  \"exported_at\": \"…\",",
            false => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The export of `d` in `format` and the reference's, file for file.
fn same_as_reference(d: &Diary, format: ExportFormat, scratch: &Path) {
    let name = format.as_str();
    let streamed = scratch.join(format!("streamed-{name}"));
    let reference = scratch.join(format!("reference-{name}"));
    let s = d.export(format, &streamed).unwrap();
    let r = Reference(d).export_into(format, &reference).unwrap();
    assert_eq!(s, r, "the counts");
    let (got, want) = (tree(&streamed), tree(&reference));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "the files"
    );
    for (file, bytes) in &want {
        if got[file] != *bytes {
            let (g, w) = (String::from_utf8_lossy(&got[file]), String::from_utf8_lossy(bytes));
            let at = g.lines().zip(w.lines()).position(|(a, b)| a != b);
            let line = |s: &str| at.and_then(|i| s.lines().nth(i)).unwrap_or("(shorter)").to_string();
            panic!(
                "{file} differs at line {at:?}:\n  got  {}\n  want {}",
                line(&g),
                line(&w)
            );
        }
    }
    assert_eq!(s.files, got.len(), "every file counted");
}

#[test]
fn streamed_json_is_byte_for_byte_the_export_built_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let d = rich_diary(&tmp.path().join("diary"));
    same_as_reference(&d, ExportFormat::Json, tmp.path());
    // What the rich diary holds is in it: the clashing names kept apart, the
    // missing bytes said, removed records and the removed client absent.
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(tmp.path().join("streamed-json/diary.json")).unwrap()).unwrap();
    let case = v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == "CRL.A. 123/2024")
        .unwrap();
    let files: Vec<&str> = case["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        files,
        [
            "_वकालतनामा.pdf",
            "_वकालतनामा (2).pdf",
            "वकालतनामा.pdf",
            "hidden_name_.txt",
            "document"
        ]
    );
    assert!(v["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["documents"].as_array().unwrap())
        .any(|d| d["name"] == "missing.pdf" && d["file"].is_null()));
    assert!(!v["clients"].as_array().unwrap().iter().any(|c| c["name"] == "முருகன்"));
    assert_eq!(v["chamber"]["members"].as_array().unwrap().len(), 3);
    assert_eq!(v["chamber"]["tasks"].as_array().unwrap().len(), 2);
    assert_eq!(case["time_entries"].as_array().unwrap().len(), 2);
}

#[test]
fn streamed_csv_files_are_byte_for_byte_the_export_built_in_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let d = rich_diary(&tmp.path().join("diary"));
    same_as_reference(&d, ExportFormat::Csv, tmp.path());
}

#[test]
fn an_empty_diary_exports_the_same_too() {
    let tmp = tempfile::tempdir().unwrap();
    let (d, _) = passphrase_diary(&tmp.path().join("diary"));
    same_as_reference(&d, ExportFormat::Json, tmp.path());
    same_as_reference(&d, ExportFormat::Csv, tmp.path());
}

/// Runs in a child process (see below), on a small disk of its own.
const SMALL_DISK: &str = r#"
set -eu
mount -t tmpfs -o size=96k tmpfs "$MNT"
exec "$TEST_EXE" --exact export_on_a_full_disk_child --ignored --nocapture --test-threads=1
"#;

#[test]
fn an_export_that_fills_the_disk_leaves_nothing_that_looks_complete() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    drop(rich_diary(&dir));
    let mnt = tmp.path().join("small-disk");
    fs::create_dir(&mnt).unwrap();
    let out = Command::new("unshare")
        .args(["--mount", "--map-root-user", "sh", "-c", SMALL_DISK])
        .env("MNT", &mnt)
        .env("DIARY", &dir)
        .env("TEST_EXE", std::env::current_exe().unwrap())
        .output()
        .expect("unshare (util-linux) runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the child failed ({:?}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Inside the child: each export fails for lack of space, says so, and
/// leaves the small disk as empty as it found it.
#[test]
#[ignore = "run by an_export_that_fills_the_disk_leaves_nothing_that_looks_complete, on a small disk"]
fn export_on_a_full_disk_child() {
    let (Ok(mnt), Ok(dir)) = (std::env::var("MNT"), std::env::var("DIARY")) else {
        panic!("run by an_export_that_fills_the_disk_leaves_nothing_that_looks_complete");
    };
    let d = open(Path::new(&dir));
    let mnt = Path::new(&mnt);
    for format in [ExportFormat::Json, ExportFormat::Csv] {
        let target = mnt.join(format!("export-{}", format.as_str()));
        let err = d.export(format, &target).unwrap_err();
        let said = format!("{err}");
        println!("{}: {} ({said})", format.as_str(), err.code());
        assert!(
            err.code() == "disk_full" || said.contains("No space left"),
            "{}: {} {said}",
            format.as_str(),
            err.code()
        );
        assert_eq!(
            fs::read_dir(mnt).unwrap().count(),
            0,
            "{}: something was left on the disk",
            format.as_str()
        );
    }
}
