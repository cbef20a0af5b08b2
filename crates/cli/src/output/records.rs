//! Printing the diary's records: clients, cases (list and detail), boards,
//! search hits, tasks, fees and a case's history.

use nextdate_diary::dates::parse_iso;
use nextdate_diary::money::format_amount;
use nextdate_diary::queries::{ClientRow, FeeRow};
use nextdate_diary::{Board, CaseDetail, CaseSummary, FeeBalance, HistoryEntry, SearchHit, TaskRow};
use serde_json::json;

use super::{balance_line, dmy, opt_dmy, Out};

impl Out {
    pub fn clients(&self, rows: &[ClientRow]) {
        if self.json {
            return self.print_json(rows);
        }
        for c in rows {
            println!("{}  {}  {}", c.id, c.name, c.phones);
        }
    }

    pub fn client(&self, c: &ClientRow, cases: &[CaseSummary], balance: &[FeeBalance]) {
        if self.json {
            return self.print_json(&json!({ "client": c, "cases": cases, "balance": balance }));
        }
        println!("{}  ({})", c.name, c.id);
        if !c.phones.is_empty() {
            println!("  phone: {}", c.phones);
        }
        if let Some(e) = &c.email {
            println!("  email: {e}");
        }
        println!("Cases:");
        for s in cases {
            println!("  {}  {} — {}  [{}]", s.id, s.number, s.title, s.status);
        }
        for b in balance {
            println!("Fees: {}", balance_line(b));
        }
    }

    pub fn cases(&self, rows: &[CaseSummary]) {
        if self.json {
            return self.print_json(rows);
        }
        for c in rows {
            println!(
                "{}  {:<22} {:<40} {:<30} {:<9} {}",
                c.id,
                c.number,
                c.title,
                c.court,
                c.status,
                opt_dmy(&c.latest_date)
            );
        }
        println!("{} case(s)", rows.len());
    }

    pub fn case(&self, c: &CaseDetail) {
        if self.json {
            return self.print_json(c);
        }
        let s = &c.summary;
        println!("{} — {}", s.number, s.title);
        println!("  id: {}", s.id);
        println!(
            "  court: {}{}",
            s.court,
            c.bench.as_deref().map(|b| format!(", {b}")).unwrap_or_default()
        );
        if let Some(cnr) = &s.cnr {
            println!("  CNR: {cnr}");
        }
        println!(
            "  status: {}{}",
            s.status,
            s.stage
                .as_deref()
                .map(|st| format!(" · stage: {st}"))
                .unwrap_or_default()
        );
        for p in &c.parties {
            println!("  {}: {}", p.side, p.name);
        }
        for cl in &c.clients {
            println!("  client: {} ({})", cl.name, cl.id);
        }
        println!("Hearings:");
        for h in &c.hearings {
            println!(
                "  {}  item {:<4} {:<22} {}{}",
                dmy(&h.date),
                h.item.map(|i| i.to_string()).unwrap_or_else(|| "—".into()),
                h.purpose.as_deref().unwrap_or("—"),
                h.outcome.as_deref().unwrap_or("(not recorded)"),
                match (&h.next_date, h.disposed) {
                    (_, true) => " → disposed".to_string(),
                    (Some(n), _) => format!(" → {}", dmy(n)),
                    _ => String::new(),
                }
            );
        }
        if !c.tasks.is_empty() {
            println!("Tasks:");
            for t in &c.tasks {
                println!(
                    "  [{}] {} (due {})  {}",
                    if t.done { "x" } else { " " },
                    t.title,
                    opt_dmy(&t.due),
                    t.id
                );
            }
        }
        if !c.notes.is_empty() {
            println!("Notes:");
            for n in &c.notes {
                println!(
                    "  [{}] {}",
                    if n.client_visible { "client-visible" } else { "private" },
                    n.text
                );
            }
        }
        for b in &c.balance {
            println!("Fees: {}", balance_line(b));
        }
    }

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
