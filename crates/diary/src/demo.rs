//! A realistic demo diary: Indian courts, case numbers like `CRL.A. 123/2024`,
//! CNRs, Hindi and English party names, and hearings spread over past and
//! coming months, with outcomes, next dates, tasks, notes, fees, and for
//! some cases fee terms and time spent.
//! Deterministic for a given seed and "today".

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::diary::Diary;
use crate::error::{DiaryError, Result};
use crate::model::*;
use crate::progress::{Progress, Stage};
use crate::records::WholeCase;
use crate::write::WriteTxn;

const COURTS: &[(&str, &str, &[&str])] = &[
    (
        "Delhi High Court",
        "DLHC01",
        &["Court No. 12", "Court No. 27", "Court No. 4"],
    ),
    (
        "Saket District Courts, New Delhi",
        "DLST01",
        &["Court of ASJ-03 (South)", "Court of CJM (South)"],
    ),
    (
        "Tis Hazari Courts, Delhi",
        "DLCT01",
        &["Court of ADJ-05 (Central)", "Court of MM-11 (Central)"],
    ),
    ("Patiala House Courts, New Delhi", "DLND01", &["Court of ASJ-02 (NDD)"]),
    (
        "Karkardooma Courts, Delhi",
        "DLSH01",
        &["Court of ASJ-01 (Shahdara)", "Family Court-02 (East)"],
    ),
    ("Bombay High Court", "HCBM01", &["Court Room 14", "Court Room 46"]),
    ("City Civil Court, Mumbai", "MHCC01", &["Court Room 9"]),
    ("Allahabad High Court, Lucknow Bench", "UPHC02", &["Court No. 6"]),
    ("District Court, Gurugram", "HRGR01", &["Court of CJSD"]),
    ("NCDRC, New Delhi", "NCDR01", &["Bench I"]),
];

const CASE_TYPES: &[(&str, &str, &str, &str)] = &[
    ("CRL.A.", "Criminal Appeal", "appellant", "respondent"),
    ("W.P.(C)", "Writ Petition (Civil)", "petitioner", "respondent"),
    ("CS(OS)", "Civil Suit (Original Side)", "plaintiff", "defendant"),
    ("CS(COMM)", "Commercial Suit", "plaintiff", "defendant"),
    ("BAIL APPLN.", "Bail Application", "applicant", "respondent"),
    ("CRL.M.C.", "Criminal Misc. Case", "petitioner", "respondent"),
    ("MAC.APP.", "Motor Accident Claims Appeal", "appellant", "respondent"),
    ("RFA", "Regular First Appeal", "appellant", "respondent"),
    ("C.C.", "Complaint Case (NI Act)", "complainant", "accused"),
    ("HMA", "Matrimonial Petition", "petitioner", "respondent"),
    ("O.S.", "Original Suit", "plaintiff", "defendant"),
];

const FIRST_EN: &[&str] = &[
    "Rajesh", "Anita", "Suresh", "Priya", "Vikram", "Meera", "Arjun", "Kavita", "Rohan", "Sunita", "Imran", "Farah",
    "Gurpreet", "Deepak", "Neha", "Joseph", "Lakshmi", "Aditya", "Pooja", "Sanjay",
];
const LAST_EN: &[&str] = &[
    "Sharma", "Verma", "Gupta", "Singh", "Khan", "Iyer", "Nair", "Mehta", "Kapoor", "Reddy", "Das", "Chauhan", "Joshi",
    "Agarwal", "Bose", "D'Souza", "Malhotra", "Bhatia",
];
const NAMES_HI: &[&str] = &[
    "राम कुमार",
    "सुनीता देवी",
    "मोहम्मद आरिफ़",
    "प्रिया शर्मा",
    "अजय सिंह",
    "गीता वर्मा",
    "राजेश गुप्ता",
    "कमला देवी",
    "सुरेश यादव",
    "अनीता चौहान",
    "विकास मिश्रा",
    "रेखा तिवारी",
];
const RESPONDENTS: &[&str] = &[
    "State (NCT of Delhi)",
    "Union of India",
    "State of Maharashtra",
    "State of U.P.",
    "Delhi Development Authority",
    "Municipal Corporation of Delhi",
    "ICICI Lombard General Insurance Co. Ltd.",
    "HDFC Bank Ltd.",
    "Oriental Insurance Co. Ltd.",
    "उत्तर प्रदेश राज्य",
];
const PURPOSES: &[&str] = &[
    "Arguments",
    "Evidence",
    "Framing of charges",
    "Reply",
    "Rejoinder",
    "Appearance",
    "Final arguments",
    "Orders",
    "Admission",
    "Cross-examination of PW-1",
    "Misc. application",
    "Compliance",
];
const OUTCOMES: &[&str] = &[
    "Adjourned at the request of the respondent",
    "Arguments heard in part",
    "Reply filed; rejoinder sought",
    "Court did not assemble; adjourned",
    "PW-1 examined and discharged",
    "Notice issued to the respondent",
    "Matter passed over; taken up after lunch and adjourned",
    "Counsel for the State sought time",
    "Lower court record requisitioned",
    "Part-heard; to continue",
];
const STAGES: &[&str] = &[
    "Admission",
    "Pleadings",
    "Evidence",
    "Arguments",
    "Final arguments",
    "Orders",
];

/// What the generator made.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DemoSummary {
    pub clients: usize,
    pub cases: usize,
    pub hearings: usize,
}

/// A ULID drawn from the seeded generator, so demo diaries are reproducible.
fn demo_id(rng: &mut StdRng) -> String {
    ulid::Ulid::from_parts(
        1_767_225_600_000 + rng.gen_range(0..10_000_000_000u64),
        rng.gen::<u128>(),
    )
    .to_string()
}

fn person(rng: &mut StdRng) -> String {
    if rng.gen_bool(0.3) {
        NAMES_HI.choose(rng).unwrap().to_string()
    } else {
        format!("{} {}", FIRST_EN.choose(rng).unwrap(), LAST_EN.choose(rng).unwrap())
    }
}

/// Builds one demo case document (not yet stored).
pub fn demo_case(rng: &mut StdRng, serial: usize, today: NaiveDate, client_ids: Vec<String>) -> CaseDoc {
    let (court, cnr_prefix, benches) = COURTS.choose(rng).unwrap();
    let (abbr, case_type, side_a, side_b) = CASE_TYPES.choose(rng).unwrap();
    let year = rng.gen_range(2019..=2026);
    let petitioner = person(rng);
    let respondent = if rng.gen_bool(0.5) {
        RESPONDENTS.choose(rng).unwrap().to_string()
    } else {
        person(rng)
    };
    let mut case = CaseDoc {
        title: format!("{petitioner} v. {respondent}"),
        number: format!("{abbr} {}/{year}", serial + 1),
        cnr: Some(format!("{cnr_prefix}{:06}{year}", serial + 1)),
        court: court.to_string(),
        bench: Some(benches.choose(rng).unwrap().to_string()),
        case_type: Some(case_type.to_string()),
        status: "pending".into(),
        stage: Some(STAGES.choose(rng).unwrap().to_string()),
        parties: vec![
            Party {
                name: petitioner,
                side: side_a.to_string(),
                counsel: None,
            },
            Party {
                name: respondent,
                side: side_b.to_string(),
                counsel: Some(format!("Adv. {}", person(rng))),
            },
        ],
        client_ids,
        created_at: "2026-01-01T00:00:00.000Z".into(),
        ..Default::default()
    };
    // Hearings: walk back from the next date at 2–6 week intervals.
    let n = rng.gen_range(5..=15);
    let roll: f64 = rng.gen();
    let (disposed, undated) = (roll < 0.08, (0.08..0.13).contains(&roll));
    let last = if disposed || undated {
        today - Duration::days(rng.gen_range(3..120))
    } else {
        today + Duration::days(rng.gen_range(0..90))
    };
    let mut dates = vec![last];
    for _ in 1..n {
        let prev = *dates.last().unwrap() - Duration::days(rng.gen_range(14..=42));
        dates.push(prev);
    }
    dates.reverse();
    for (i, d) in dates.iter().enumerate() {
        let is_last = i + 1 == dates.len();
        let recorded = !is_last || disposed;
        let h = Hearing {
            date: d.to_string(),
            item: Some(rng.gen_range(1..=60)),
            purpose: Some(PURPOSES.choose(rng).unwrap().to_string()),
            outcome: recorded.then(|| {
                if is_last {
                    "Judgment pronounced; disposed of".to_string()
                } else {
                    OUTCOMES.choose(rng).unwrap().to_string()
                }
            }),
            next_date: if recorded && !is_last {
                Some(dates[i + 1].to_string())
            } else {
                None
            },
            disposed: is_last && disposed,
            attended_by: None,
            recorded_at: recorded.then(|| format!("{d}T12:00:00.000Z")),
            ..Default::default()
        };
        case.hearings.insert(demo_id(rng), h);
    }
    if disposed {
        case.status = "disposed".into();
    }
    if rng.gen_bool(0.4) {
        let agreed = rng.gen_range(20..=300) * 100_000;
        case.fees.insert(
            demo_id(rng),
            Fee {
                kind: "agreed".into(),
                amount_minor: agreed,
                currency: "INR".into(),
                date: dates[0].to_string(),
                mode: None,
                remark: Some("Professional fee".into()),
                ..Default::default()
            },
        );
        case.fees.insert(
            demo_id(rng),
            Fee {
                kind: "received".into(),
                amount_minor: agreed / 2,
                currency: "INR".into(),
                date: dates[0].to_string(),
                mode: Some("UPI".into()),
                remark: None,
                ..Default::default()
            },
        );
    }
    if rng.gen_bool(0.2) {
        let due = today + Duration::days(rng.gen_range(-20..20));
        case.tasks.insert(
            demo_id(rng),
            Task {
                title: [
                    "File written submissions",
                    "Collect certified copy",
                    "Prepare list of dates",
                    "Serve notice on respondent",
                ]
                .choose(rng)
                .unwrap()
                .to_string(),
                due: Some(due.to_string()),
                created_at: "2026-01-01T00:00:00.000Z".into(),
                ..Default::default()
            },
        );
    }
    if rng.gen_bool(0.2) {
        case.notes.insert(
            demo_id(rng),
            Note {
                text: "Client to bring original sale deed and rent receipts.".into(),
                client_visible: rng.gen_bool(0.5),
                author: String::new(),
                at: "2026-01-01T00:00:00.000Z".into(),
                ..Default::default()
            },
        );
    }
    demo_accounts(&mut case, serial);
    case
}

/// Fee terms, non-effective appearances and time for some demo cases, from a
/// generator of their own (seeded by the case's serial), so the rest of the
/// demo diary stays as it was before accounts existed.
fn demo_accounts(case: &mut CaseDoc, serial: usize) {
    let rng = &mut StdRng::seed_from_u64(0xacc0_0000 ^ serial as u64);
    if !rng.gen_bool(0.3) {
        return;
    }
    let hourly = rng.gen_bool(0.4).then(|| rng.gen_range(20..=60) * 10_000);
    case.fee_terms = Some(FeeTerms {
        currency: "INR".into(),
        fixed_minor: None,
        per_appearance_minor: Some(rng.gen_range(4..=30) * 50_000),
        non_effective_minor: rng.gen_bool(0.5).then_some(100_000),
        hourly_minor: hourly,
    });
    for h in case.hearings.values_mut() {
        if h.recorded_at.is_some() && rng.gen_bool(0.15) {
            h.non_effective = true;
        }
    }
    if hourly.is_some() {
        let first = case.hearings.values().map(|h| h.date.clone()).min().unwrap_or_default();
        for _ in 0..rng.gen_range(1..=3) {
            case.time_entries.insert(
                demo_id(rng),
                TimeEntry {
                    date: first.clone(),
                    minutes: rng.gen_range(2..=16) * 15,
                    member_id: String::new(),
                    note: Some("Drafting and conference".into()),
                    billable: rng.gen_bool(0.85),
                    created_at: "2026-01-01T00:00:00.000Z".into(),
                    removed_at: None,
                },
            );
        }
    }
}

/// Adds `cases` demo cases (and about half as many clients) to `diary`,
/// committing every `batch` cases; `on_commit` gets the ids of each committed batch.
pub fn generate(
    diary: &mut Diary,
    cases: usize,
    seed: u64,
    today: NaiveDate,
    batch: usize,
    on_commit: impl FnMut(&[String]),
) -> Result<DemoSummary> {
    generate_with_progress(diary, cases, seed, today, batch, on_commit, &Progress::none())
}

/// [`generate`], reporting the cases added after each batch. A cancel is seen
/// between batches: the batches already committed stay (each whole), and the
/// error says how many cases they hold.
pub fn generate_with_progress(
    diary: &mut Diary,
    cases: usize,
    seed: u64,
    today: NaiveDate,
    batch: usize,
    mut on_commit: impl FnMut(&[String]),
    progress: &Progress<'_>,
) -> Result<DemoSummary> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut summary = DemoSummary::default();
    let mut clients: Vec<String> = Vec::new();
    let batch = batch.max(1);
    let serial_base: usize = diary
        .conn()
        .query_row("SELECT count(*) FROM cases", [], |r| r.get::<_, i64>(0))? as usize;
    let mut done = 0;
    let member = diary.member_id().to_string();
    progress.report(Stage::Demo, 0, cases as u64);
    while done < cases {
        if progress.is_cancelled() {
            return Err(match done {
                0 => DiaryError::Cancelled,
                _ => DiaryError::CancelledAfter(format!(
                    "{done} of {cases} demo cases were added (in whole batches of {batch}); nothing else was changed"
                )),
            });
        }
        let n = batch.min(cases - done);
        let ids = diary.write(|b: &mut WriteTxn| {
            let mut docs = Vec::with_capacity(n);
            for i in 0..n {
                let client = if clients.is_empty() || rng.gen_bool(0.6) {
                    let name = person(&mut rng);
                    let id = b.add_client(crate::NewClient {
                        name,
                        phones: vec![format!("+91 9{:09}", rng.gen_range(0..1_000_000_000u64))],
                        ..Default::default()
                    })?;
                    clients.push(id.clone());
                    summary.clients += 1;
                    id
                } else {
                    clients.choose(&mut rng).unwrap().clone()
                };
                let mut doc = demo_case(&mut rng, serial_base + done + i, today, vec![client]);
                for t in doc.time_entries.values_mut() {
                    t.member_id = member.clone();
                }
                summary.hearings += doc.hearings.len();
                let msg = format!("Opened case {} (demo)", doc.number);
                docs.push(WholeCase {
                    id: None,
                    doc,
                    message: msg,
                });
            }
            b.insert_case_docs(docs)
        })?;
        summary.cases += ids.len();
        on_commit(&ids);
        done += n;
        progress.report(Stage::Demo, done as u64, cases as u64);
    }
    Ok(summary)
}
