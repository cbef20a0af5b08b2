//! Hearing lists from a real encrypted diary, read back the way a person would
//! check them: `pdftotext` for the words and their order, `pdfinfo` for the
//! paper, `pdftoppm` for page images (kept in artifacts/print/ to look at).

mod common;

use common::{artifacts, squeeze};

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{NaiveDate, NaiveDateTime};
use nextdate_diary::model::CaseDoc;
use nextdate_diary::{Diary, InitOptions, NewCase, NewClient, NewTask, Party, Protection, Zeroizing};
use nextdate_print::{hearing_list, ListOptions, Paper};

const DAY: &str = "2026-12-08";

fn day() -> NaiveDate {
    NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap()
}

fn printed_at() -> NaiveDateTime {
    day().pred_opt().unwrap().and_hms_opt(19, 30, 0).unwrap()
}

fn new_diary(dir: &Path) -> Diary {
    Diary::init(
        dir,
        InitOptions {
            name: "Sharma Chambers".into(),
            advocate: Some("Adv. Meera Sharma".into()),
            protection: Protection::Passphrase(Zeroizing::new("print test passphrase".into())),
        },
    )
    .unwrap()
    .diary
}

fn party(name: &str, side: &str) -> Party {
    Party {
        name: name.into(),
        side: side.into(),
        counsel: None,
    }
}

fn case(
    d: &mut Diary,
    number: &str,
    court: &str,
    bench: Option<&str>,
    item: Option<i64>,
    parties: Vec<Party>,
    client: Option<&str>,
) -> String {
    let client_ids = client.map(|c| vec![c.to_string()]).unwrap_or_default();
    d.add_case(NewCase {
        title: format!("Matter {number}"),
        number: number.into(),
        court: court.into(),
        bench: bench.map(Into::into),
        parties,
        client_ids,
        next_date: Some(day()),
        purpose: Some("Arguments".into()),
        item,
        ..Default::default()
    })
    .unwrap()
}

fn opts() -> ListOptions {
    ListOptions {
        from: day(),
        to: day(),
        paper: Paper::A4,
        member: None,
        include_tasks: false,
        printed_at: printed_at(),
    }
}

/// Writes the PDF, renders its pages to PNG artifacts, and returns its path.
fn save(name: &str, pdf: &[u8]) -> PathBuf {
    let path = artifacts().join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&path)
        .arg(artifacts().join(name))
        .status()
        .expect("pdftoppm (poppler-utils) is installed");
    assert!(status.success());
    path
}

fn text(pdf: &Path, pages: Option<(usize, usize)>) -> String {
    let mut cmd = Command::new("pdftotext");
    cmd.arg("-layout");
    if let Some((f, l)) = pages {
        cmd.args(["-f", &f.to_string(), "-l", &l.to_string()]);
    }
    let out = cmd
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdfinfo(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn pos(hay: &str, needle: &str) -> usize {
    hay.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the list:\n{hay}"))
}

#[test]
fn a_day_list_has_every_hearing_in_its_court_group_in_item_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = new_diary(&dir.path().join("diary"));
    let sunita = d
        .add_client(NewClient {
            name: "सुनीता देवी".into(),
            ..Default::default()
        })
        .unwrap();
    let murugan = d
        .add_client(NewClient {
            name: "முருகன் செல்வம்".into(),
            ..Default::default()
        })
        .unwrap();
    let hc = "Delhi High Court";
    let saket = "Saket District Courts";
    // Added out of order: the list must sort them.
    case(
        &mut d,
        "CS(OS) 88/2025",
        saket,
        Some("Court of ADJ-03"),
        Some(7),
        vec![party("Anil Gupta", "plaintiff"), party("Vinod Mehra", "defendant")],
        None,
    );
    case(
        &mut d,
        "W.P.(C) 4411/2024",
        hc,
        Some("Court No. 12"),
        Some(31),
        vec![
            party("रमेश कुमार शर्मा", "petitioner"),
            party("Union of India", "respondent"),
            party("DDA", "respondent"),
        ],
        Some(&sunita),
    );
    case(
        &mut d,
        "CRL.A. 123/2024",
        hc,
        Some("Court No. 12"),
        Some(4),
        vec![
            party("Ramesh Kumar", "appellant"),
            party("State (NCT of Delhi)", "respondent"),
        ],
        Some(&murugan),
    );
    case(
        &mut d,
        "BAIL APPLN. 9/2026",
        hc,
        Some("Court No. 3"),
        Some(15),
        vec![party("Imran Khan", "applicant"), party("State", "respondent")],
        None,
    );
    case(
        &mut d,
        "CS(OS) 12/2025",
        saket,
        Some("Court of ADJ-03"),
        Some(2),
        vec![],
        None,
    );
    case(
        &mut d,
        "C.C. 5/2026",
        saket,
        Some("Court of ADJ-03"),
        None,
        vec![party("Kiran Rao", "complainant"), party("Arvind Rao", "accused")],
        None,
    );
    // Another day: not on this list.
    d.add_case(NewCase {
        title: "Other day".into(),
        number: "O.S. 1/2026".into(),
        court: hc.into(),
        next_date: Some(day().succ_opt().unwrap()),
        ..Default::default()
    })
    .unwrap();

    let list = hearing_list(&d, &opts()).unwrap();
    assert_eq!(list.hearing_count(), 6);
    assert_eq!(list.page_count(), 1);
    let pdf = save("day-list", &list.pdf().unwrap());
    let t = text(&pdf, None);

    // Header, footer.
    for s in [
        "Sharma Chambers",
        "Adv. Meera Sharma",
        "Hearing list of 08-12-2026",
        "Whole chamber",
        "Tuesday, 08-12-2026",
        "Printed 07-12-2026 19:30",
        "Page 1 of 1",
    ] {
        pos(&t, s);
    }
    assert!(!t.contains("O.S. 1/2026"), "another day's hearing is listed");
    // Courts in order, benches within them, items in order within a bench.
    let hc12 = pos(&t, "Court No. 12");
    let hc3 = pos(&t, "Court No. 3");
    let saket_at = pos(&t, "Saket District Courts");
    assert!(pos(&t, "Delhi High Court") < saket_at);
    let order = [
        "BAIL APPLN. 9/2026",
        "CRL.A. 123/2024",
        "W.P.(C) 4411/2024",
        "CS(OS) 12/2025",
        "CS(OS) 88/2025",
        "C.C. 5/2026",
    ];
    let at: Vec<usize> = order.iter().map(|n| pos(&t, n)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "hearings out of order: {at:?}\n{t}");
    // Each in its own group: between its court/bench heading and the next one.
    assert!(
        hc3 < at[0] && at[0] < hc12,
        "Court No. 3 sorts before Court No. 12 and holds the bail matter"
    );
    assert!(hc12 < at[1] && at[2] < saket_at);
    assert!(saket_at < at[3]);
    // Parties shortened, Devanagari and Tamil intact, the columns there.
    pos(&t, "Ramesh Kumar v. State (NCT of Delhi)");
    pos(&squeeze(&t), &squeeze("रमेश कुमार शर्मा v. Union of India & Anr."));
    pos(&t, "सुनीता देवी");
    pos(&t, "முருகன் செல்வம்");
    pos(&t, "Matter CS(OS) 12/2025");
    for h in [
        "ITEM",
        "CASE NO.",
        "PARTIES",
        "STAGE / PURPOSE",
        "PREV. DATE",
        "CLIENT",
        "NOTES",
    ] {
        pos(&t, h);
    }
    pos(&t, "6 hearings in 2 courts");
}

#[test]
fn a_long_list_repeats_the_page_header_and_the_table_header_on_page_two() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = new_diary(&dir.path().join("diary"));
    d.write(|b| {
        for i in 1..=150 {
            b.add_case(NewCase {
                title: format!("Matter {i}"),
                number: format!("W.P.(C) {i}/2025"),
                court: "Delhi High Court".into(),
                bench: Some("Court No. 12".into()),
                parties: vec![
                    party(&format!("Petitioner {i}"), "petitioner"),
                    party("Union of India", "respondent"),
                ],
                next_date: Some(day()),
                item: Some(i),
                ..Default::default()
            })?;
        }
        Ok(())
    })
    .unwrap();
    let list = hearing_list(&d, &opts()).unwrap();
    assert_eq!(list.hearing_count(), 150);
    let pages = list.page_count();
    assert!(pages >= 3, "150 hearings fit on {pages} pages?");
    let pdf = save("long-list", &list.pdf().unwrap());
    let p2 = text(&pdf, Some((2, 2)));
    for s in [
        "Sharma Chambers",
        "Hearing list of 08-12-2026",
        "CASE NO.",
        "PARTIES",
        "NOTES",
        "Delhi High Court",
        "Court No. 12",
        &format!("Page 2 of {pages}"),
    ] {
        pos(&p2, s);
    }
    assert!(!p2.contains("W.P.(C) 1/2025 "), "page 2 starts where page 1 ended");
    // Every hearing is somewhere, once, in item order.
    let all = text(&pdf, None);
    let mut last = 0;
    for i in 1..=150 {
        let at = pos(&all, &format!("W.P.(C) {i}/2025 "));
        assert!(at > last, "item {i} out of order");
        last = at;
    }
}

#[test]
fn a4_and_letter_are_printed_landscape_at_their_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = new_diary(&dir.path().join("diary"));
    case(&mut d, "O.S. 2/2026", "City Civil Court", None, Some(1), vec![], None);
    let a4 = save("a4", &hearing_list(&d, &opts()).unwrap().pdf().unwrap());
    assert!(pdfinfo(&a4).contains("841.89 x 595.276 pts"), "{}", pdfinfo(&a4));
    let letter_opts = ListOptions {
        paper: "letter".parse().unwrap(),
        ..opts()
    };
    let letter = save("letter", &hearing_list(&d, &letter_opts).unwrap().pdf().unwrap());
    assert!(pdfinfo(&letter).contains("792 x 612 pts"), "{}", pdfinfo(&letter));
    assert_eq!("A3".parse::<Paper>().unwrap_err().code(), "unknown_value");
}

#[test]
fn one_advocates_list_leaves_out_other_members_cases_and_tasks_come_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = new_diary(&dir.path().join("diary"));
    let mine = case(&mut d, "CRL.A. 1/2026", "Delhi High Court", None, Some(1), vec![], None);
    let theirs = CaseDoc {
        title: "A colleague's matter".into(),
        number: "CRL.A. 2/2026".into(),
        court: "Delhi High Court".into(),
        status: "pending".into(),
        assigned: vec!["01COLLEAGUE0000000000000000".into()],
        hearings: [(
            "01HEARING00000000000000000".to_string(),
            nextdate_diary::model::Hearing {
                date: DAY.into(),
                item: Some(2),
                ..Default::default()
            },
        )]
        .into_iter()
        .collect(),
        ..Default::default()
    };
    d.write(|b| b.insert_case_doc(theirs, "A colleague's case")).unwrap();
    d.add_task(
        &mine,
        NewTask {
            title: "File written synopsis".into(),
            due: Some(day()),
            // Assignees are members; the list names them.
            assignee: Some(d.member_id().to_string()),
        },
    )
    .unwrap();

    let chamber = hearing_list(
        &d,
        &ListOptions {
            include_tasks: true,
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(chamber.hearing_count(), 2);
    let me = d.members().unwrap().into_iter().next().unwrap();
    let only_me = ListOptions {
        member: Some(me.id.clone()),
        include_tasks: true,
        ..opts()
    };
    let list = hearing_list(&d, &only_me).unwrap();
    assert_eq!(list.hearing_count(), 1);
    let pdf = save("one-advocate", &list.pdf().unwrap());
    let t = text(&pdf, None);
    pos(&t, "CRL.A. 1/2026");
    assert!(!t.contains("CRL.A. 2/2026"), "a colleague's case is on my list:\n{t}");
    pos(&t, &format!("Cases of {}", me.name));
    pos(&t, "Tasks due");
    let task = pos(&t, "File written synopsis");
    assert!(t[task..].contains(&me.name), "the task names its assignee:\n{t}");
    assert!(!t.contains(&me.id), "an assignee is named, not given by id:\n{t}");
    let without = text(
        &save("no-tasks", &hearing_list(&d, &opts()).unwrap().pdf().unwrap()),
        None,
    );
    assert!(!without.contains("File written synopsis"));

    let unknown = ListOptions {
        member: Some("01NOBODY".into()),
        ..opts()
    };
    assert_eq!(hearing_list(&d, &unknown).err().unwrap().code(), "unknown_id");
}

#[test]
fn typed_text_is_printed_literally_and_an_empty_day_still_prints() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = new_diary(&dir.path().join("diary"));
    let sneaky = d
        .add_client(NewClient {
            name: "#exit() ] $x^2$ *bold* <lbl> \\".into(),
            ..Default::default()
        })
        .unwrap();
    case(
        &mut d,
        "#set page(width: 1pt)",
        "Court ] #panic()",
        None,
        Some(1),
        vec![party("_under_ @ref", "petitioner"), party("`raw`", "respondent")],
        Some(&sneaky),
    );
    let list = hearing_list(&d, &opts()).unwrap();
    let t = text(&save("literal", &list.pdf().unwrap()), None);
    for s in [
        "#exit() ] $x^2$ *bold*",
        "<lbl> \\",
        "#set page(width: 1pt)",
        "Court ] #panic()",
        "_under_ @ref v. `raw`",
    ] {
        pos(&t, s);
    }

    let empty = ListOptions {
        from: day().succ_opt().unwrap(),
        to: day().succ_opt().unwrap(),
        ..opts()
    };
    let list = hearing_list(&d, &empty).unwrap();
    assert_eq!((list.hearing_count(), list.page_count()), (0, 1));
    let t = text(&save("empty", &list.pdf().unwrap()), None);
    pos(&t, "No hearings are listed for this date.");
    // And the preview renders.
    let png = list.png_page(0, 48.0).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn a_range_gets_a_section_per_day_and_bad_ranges_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = new_diary(&dir.path().join("diary"));
    case(&mut d, "O.S. 3/2026", "City Civil Court", None, Some(1), vec![], None);
    d.add_case(NewCase {
        title: "Later".into(),
        number: "O.S. 4/2026".into(),
        court: "City Civil Court".into(),
        next_date: NaiveDate::from_ymd_opt(2026, 12, 10),
        ..Default::default()
    })
    .unwrap();
    let range = ListOptions {
        to: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
        ..opts()
    };
    let list = hearing_list(&d, &range).unwrap();
    assert_eq!((list.hearing_count(), list.page_count()), (2, 3));
    let pdf = save("range", &list.pdf().unwrap());
    let t = text(&pdf, None);
    pos(&t, "Hearing list, 08-12-2026 to 10-12-2026");
    assert!(pos(&t, "Tuesday, 08-12-2026") < pos(&t, "O.S. 3/2026"));
    assert!(pos(&t, "Wednesday, 09-12-2026") < pos(&t, "Thursday, 10-12-2026"));
    assert!(pos(&t, "Thursday, 10-12-2026") < pos(&t, "O.S. 4/2026"));
    let p3 = text(&pdf, Some((3, 3)));
    pos(&p3, "O.S. 4/2026");

    let backwards = ListOptions {
        from: range.to,
        to: range.from,
        ..opts()
    };
    let e = hearing_list(&d, &backwards).err().unwrap();
    assert_eq!(e.code(), "out_of_range");
    assert!(
        e.to_string()
            .contains("ends (08-12-2026) before it starts (10-12-2026)"),
        "{e}"
    );
    let too_long = ListOptions {
        to: day() + chrono::Duration::days(200),
        ..opts()
    };
    assert!(hearing_list(&d, &too_long)
        .err()
        .unwrap()
        .to_string()
        .contains("at most 92 days"));
}
