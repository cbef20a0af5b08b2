//! Helpers shared by the diary's integration tests: real diaries in temporary
//! folders, and fingerprints of every file to prove a failure changed nothing.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Local, NaiveDate};
use nextdate_diary::{Diary, InitOptions, NewCase, NewClient, Party, Protection, Unlock, Zeroizing};

pub const PASSPHRASE: &str = "correct horse battery staple";

pub fn pass(p: &str) -> Zeroizing<String> {
    Zeroizing::new(p.to_string())
}

pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// A new passphrase diary in `dir`, with its recovery key.
pub fn passphrase_diary(dir: &Path) -> (Diary, Zeroizing<String>) {
    Diary::init(
        dir,
        InitOptions {
            name: "Test Chambers".into(),
            advocate: Some("Adv. Test".into()),
            protection: Protection::Passphrase(pass(PASSPHRASE)),
        },
    )
    .map(|n| (n.diary, n.recovery_key))
    .expect("init")
}

pub fn open(dir: &Path) -> Diary {
    Diary::open(dir, &Unlock::Passphrase(pass(PASSPHRASE))).expect("open")
}

/// Every file in `dir` with its full contents.
pub fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect()
}

/// Adds one client and one case with a next date; returns (client id, case id).
pub fn seed(d: &mut Diary, client: &str, number: &str, next: NaiveDate) -> (String, String) {
    let client_id = d
        .add_client(NewClient {
            name: client.into(),
            phones: vec!["+91 98100 12345".into()],
            ..Default::default()
        })
        .unwrap();
    let case_id = d
        .add_case(NewCase {
            title: format!("{client} v. State"),
            number: number.into(),
            court: "Delhi High Court".into(),
            cnr: Some("DLHC010098762031".into()),
            parties: vec![
                Party {
                    name: client.into(),
                    side: "petitioner".into(),
                    counsel: None,
                },
                Party {
                    name: "State (NCT of Delhi)".into(),
                    side: "respondent".into(),
                    counsel: None,
                },
            ],
            client_ids: vec![client_id.clone()],
            next_date: Some(next),
            purpose: Some("Arguments".into()),
            item: Some(7),
            ..Default::default()
        })
        .unwrap();
    (client_id, case_id)
}

/// The diary's whole state as seen through the projection and the stored documents.
pub fn state(d: &Diary) -> (Vec<String>, i64, i64) {
    let dump = nextdate_diary::projection::dump(d.conn()).unwrap();
    let chunks: i64 = d
        .conn()
        .query_row("SELECT count(*) FROM doc_chunks", [], |r| r.get(0))
        .unwrap();
    let outbox: i64 = d
        .conn()
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();
    (dump, chunks, outbox)
}
