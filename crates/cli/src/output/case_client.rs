//! Printing clients and cases: the lists, one client, a whole case with every
//! record's id (so any of them can be corrected) and what was removed from
//! it, and what a correction changed.

use std::path::Path;

use nextdate_diary::client_update::ClientUpdate;
use nextdate_diary::money::format_amount;
use nextdate_diary::queries::ClientRow;
use nextdate_diary::{CaseDetail, CaseSummary, Changes, FeeBalance};
use serde_json::json;

use super::{balance_line, dmy, opt_dmy, Out};

/// A moment (RFC 3339) as a local date, DD-MM-YYYY.
fn local_day(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Local).format("%d-%m-%Y").to_string())
        .unwrap_or_else(|_| at.to_string())
}

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
        if let Some(a) = &c.address {
            println!("  address: {a}");
        }
        if let Some(n) = &c.notes {
            println!("  notes: {}", n.replace('\n', " / "));
        }
        println!("  updates in: {}", c.update_language.name());
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
                "{}  {:<22} {:<40} {:<30} {:<11} {}",
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

    /// What a correction changed: its message, or that nothing needed changing.
    pub fn changed(&self, id: &str, c: &Changes) {
        if self.json {
            return self.print_json(&json!({
                "id": id,
                "changed": !c.is_empty(),
                "message": c.message,
                "fields": c.fields,
            }));
        }
        if c.is_empty() {
            println!("nothing changed: {id} already reads so");
        } else {
            println!("{}", c.message);
        }
    }

    /// An erasure: what was erased, and that the other laptops follow at their next sync.
    pub fn erased(&self, e: &nextdate_diary::erasure::Erased) {
        if self.json {
            return self.print_json(e);
        }
        println!("{}", e.message);
        println!("The other laptops of the chamber erase it too when they next sync.");
    }

    pub fn case(&self, c: &CaseDetail) {
        if self.json {
            return self.print_json(c);
        }
        self.case_header(c);
        println!("Hearings:");
        for h in &c.hearings {
            println!(
                "  {}  {}  item {:<4} {:<22} {}{}",
                h.id,
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
                    "  {}  [{}] {} (due {})",
                    t.id,
                    if t.done { "x" } else { " " },
                    t.title,
                    opt_dmy(&t.due)
                );
            }
        }
        if !c.notes.is_empty() {
            println!("Notes:");
            for n in &c.notes {
                println!(
                    "  {}  [{}] {}",
                    n.id,
                    if n.client_visible { "client-visible" } else { "private" },
                    n.text.replace('\n', " / ")
                );
            }
        }
        if !c.fees.is_empty() {
            println!("Fees:");
            for f in &c.fees {
                println!(
                    "  {}  {}  {:<8} {} {:>12}  {}",
                    f.id,
                    dmy(&f.date),
                    f.kind,
                    f.currency,
                    format_amount(f.amount_minor),
                    f.remark.as_deref().unwrap_or("")
                );
            }
        }
        for b in &c.balance {
            println!("Balance: {}", balance_line(b));
        }
        if !c.documents.is_empty() {
            println!("Documents:");
            for d in &c.documents {
                println!("  {}  {}  ({}, {} bytes)", d.id, d.name, d.media_type, d.size);
            }
        }
        if !c.removed.is_empty() {
            println!("Removed:");
            for r in &c.removed {
                println!("  {}  {}  (removed {})", r.id, r.label, local_day(&r.removed_at));
            }
        }
    }

    /// The case's own fields, parties, clients and assigned members.
    fn case_header(&self, c: &CaseDetail) {
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
        if let Some(t) = &c.case_type {
            println!("  type: {t}");
        }
        println!(
            "  status: {}{}{}",
            s.status,
            c.status_date
                .as_deref()
                .map(|d| format!(" since {}", dmy(d)))
                .unwrap_or_default(),
            c.status_remark
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
        if let Some(st) = &s.stage {
            println!("  stage: {st}");
        }
        for p in &c.parties {
            match &p.counsel {
                Some(counsel) => println!("  {}: {} (counsel {counsel})", p.side, p.name),
                None => println!("  {}: {}", p.side, p.name),
            }
        }
        for cl in &c.clients {
            println!("  client: {} ({})", cl.name, cl.id);
        }
        for m in &c.assigned {
            println!("  assigned: {} ({})", m.name, m.id);
        }
    }
}

impl Out {
    /// A client update: the message as it is to be pasted (and where its report went).
    pub fn client_update(&self, u: &ClientUpdate, pdf: Option<&Path>) {
        if self.json {
            return self.print_json(&json!({ "update": u, "file": pdf }));
        }
        print!("{}", u.text);
        if let Some(path) = pdf {
            eprintln!("Status report written to {}", path.display());
        }
    }
}
