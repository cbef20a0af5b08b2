//! How the CLI prints: plain text for people, or JSON with `--json`.
//! Errors are one line on stderr; with `--json`, one line of `{code, message}`.
//!
//! [`Out`] is split by what it prints: clients and cases with what a
//! correction changed ([`case_client`]), hearings and their corrections
//! ([`hearing`]), other records ([`records`]: boards, tasks, fees; their
//! corrections and documents in [`record_edits`]), whole-diary operations
//! ([`data`]: export, import, print, reminders), a new or restored diary and
//! backups ([`keys_backups`]) and chamber
//! sync ([`sync`]).

mod accounts;
mod case_client;
mod data;
mod hearing;
mod keys_backups;
mod links;
mod record_edits;
mod records;
mod sync;

use nextdate_diary::dates::{format_dmy, parse_iso};
use nextdate_diary::money::format_amount;
use nextdate_diary::FeeBalance;
use serde::Serialize;
use serde_json::json;

pub struct Out {
    pub json: bool,
}

fn dmy(iso: &str) -> String {
    parse_iso(iso).map(format_dmy).unwrap_or_else(|_| iso.to_string())
}

fn opt_dmy(iso: &Option<String>) -> String {
    iso.as_deref().map(dmy).unwrap_or_else(|| "—".into())
}

fn balance_line(b: &FeeBalance) -> String {
    format!(
        "{cur} agreed {} · received {} · expenses {} · outstanding {}",
        format_amount(b.agreed),
        format_amount(b.received),
        format_amount(b.expense),
        format_amount(b.outstanding),
        cur = b.currency
    )
}

impl Out {
    fn print_json<T: Serialize + ?Sized>(&self, v: &T) {
        println!("{}", serde_json::to_string_pretty(v).expect("output serializes"));
    }

    pub fn error(&self, code: &str, message: &str) {
        let message = message.replace('\n', " ");
        if self.json {
            eprintln!("{}", json!({ "error": { "code": code, "message": message } }));
        } else {
            eprintln!("nextdate: {message}");
        }
    }

    pub fn id(&self, id: &str) {
        if self.json {
            println!("{}", json!({ "id": id }));
        } else {
            println!("{id}");
        }
    }

    pub fn ok(&self, msg: &str) {
        if self.json {
            println!("{}", json!({ "ok": true, "message": msg }));
        } else {
            println!("{msg}");
        }
    }
}
