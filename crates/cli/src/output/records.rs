//! Printing the diary's records: boards, search hits, tasks, fees and a
//! case's history (clients and cases are in [`super::case_client`]).

use nextdate_diary::dates::parse_iso;
use nextdate_diary::money::format_amount;
use nextdate_diary::queries::FeeRow;
use nextdate_diary::{Board, FeeBalance, HistoryEntry, SearchHit, TaskRow};
use serde_json::json;

use super::{balance_line, dmy, opt_dmy, Out};

impl Out {
    pub fn boards(&self, boards: &[Board]) {
        if self.json {
            return self.print_json(if boards.len() == 1 {
                &boards[0] as &dyn erased::Ser
            } else {
                &boards as &dyn erased::Ser
            });
        }
        for b in boards {
            let d = parse_iso(&b.date).expect("board dates are ISO");
            println!(
                "Board for {} — {} hearing(s) in {} court(s)",
                d.format("%a %d-%m-%Y"),
                b.len(),
                b.courts.len()
            );
            for g in &b.courts {
                println!();
                println!("{}", g.court);
                for e in &g.hearings {
                    println!(
                        "  {:>4}  {:<22} {:<44} {:<20} prev {}",
                        e.item.map(|i| i.to_string()).unwrap_or_else(|| "—".into()),
                        e.number,
                        e.title,
                        e.purpose.as_deref().unwrap_or("—"),
                        opt_dmy(&e.previous_date)
                    );
                }
            }
            println!();
        }
    }

    pub fn search(&self, hits: &[SearchHit]) {
        if self.json {
            return self.print_json(hits);
        }
        for h in hits {
            println!("{:<6} {}  {}  ({})", h.kind, h.id, h.label, h.detail);
        }
        if hits.is_empty() {
            println!("nothing found");
        }
    }

    pub fn tasks(&self, rows: &[TaskRow]) {
        if self.json {
            return self.print_json(rows);
        }
        for t in rows {
            let of = t.case_number.as_deref().unwrap_or("chamber");
            let who = t
                .assignee_name
                .as_deref()
                .map(|n| format!("  · {n}"))
                .unwrap_or_default();
            println!("{}  due {}  {}  ({of}){who}", t.id, opt_dmy(&t.due), t.title);
        }
        println!("{} open task(s)", rows.len());
    }

    pub fn fees(&self, rows: &[FeeRow], balance: &[FeeBalance]) {
        if self.json {
            return self.print_json(&json!({ "entries": rows, "balance": balance }));
        }
        for f in rows {
            let voided = match &f.void_reason {
                Some(why) if f.voided_at.is_some() => format!("  [VOIDED: {why}]"),
                _ if f.voided_at.is_some() => "  [VOIDED]".to_string(),
                _ => String::new(),
            };
            println!(
                "{}  {}  {:<8} {} {:>12}  {:<13} {}{voided}",
                f.id,
                dmy(&f.date),
                f.kind,
                f.currency,
                format_amount(f.amount_minor),
                f.mode.as_deref().unwrap_or("—"),
                f.remark.as_deref().unwrap_or("")
            );
        }
        for b in balance {
            println!("{}", balance_line(b));
        }
    }

    pub fn history(&self, rows: &[HistoryEntry]) {
        if self.json {
            return self.print_json(rows);
        }
        for h in rows {
            let when = chrono::DateTime::from_timestamp(h.time, 0)
                .map(|t| t.with_timezone(&chrono::Local).format("%d-%m-%Y %H:%M").to_string())
                .unwrap_or_default();
            println!("{when}  {:<16} {}", h.who, h.message);
        }
    }
}

/// Lets one call print either a single board or a list of them.
mod erased {
    pub trait Ser {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("serializes")
        }
    }
    impl serde::Serialize for dyn Ser + '_ {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.json().serialize(s)
        }
    }
}
