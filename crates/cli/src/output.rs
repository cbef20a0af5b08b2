//! How the CLI prints: plain text for people, or JSON with `--json`.
//! Errors are one line on stderr; with `--json`, one line of `{code, message}`.

use std::path::Path;

use nextdate_diary::dates::{format_dmy, parse_iso};
use nextdate_diary::demo::DemoSummary;
use nextdate_diary::money::format_amount;
use nextdate_diary::queries::{ClientRow, FeeRow};
use nextdate_diary::{Board, CaseDetail, CaseSummary, FeeBalance, HistoryEntry, SearchHit, TaskRow};
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

    pub fn printed(&self, path: &Path, hearings: usize, pages: usize, bytes: usize) {
        if self.json {
            println!(
                "{}",
                json!({ "path": path, "hearings": hearings, "pages": pages, "bytes": bytes })
            );
        } else {
            println!(
                "printed {hearings} hearing{} on {pages} page{} to {}",
                if hearings == 1 { "" } else { "s" },
                if pages == 1 { "" } else { "s" },
                path.display()
            );
        }
    }

    pub fn exported(&self, dir: &Path, s: &nextdate_diary::export::ExportSummary) {
        if self.json {
            println!("{}", json!({ "dir": dir, "summary": s }));
        } else {
            eprintln!("nextdate: the export is not encrypted; keep {} safe", dir.display());
            println!(
                "exported {} clients, {} cases, {} hearings, {} fees, {} tasks, {} notes and {} documents to {}",
                s.clients,
                s.cases,
                s.hearings,
                s.fees,
                s.tasks,
                s.notes,
                s.documents,
                dir.display()
            );
        }
    }

    /// An import's outcome; bad rows go to stderr, one per line, before the summary.
    pub fn imported(&self, r: &nextdate_diary::import::ImportReport) {
        if self.json {
            println!("{}", serde_json::to_string(r).expect("report serializes"));
            return;
        }
        for w in &r.warnings {
            eprintln!("warning: {w}");
        }
        for e in &r.errors {
            eprintln!("{e}");
        }
        let what = format!(
            "{} clients, {} cases, {} hearings, {} fees, {} tasks, {} notes",
            r.clients, r.cases, r.hearings, r.fees, r.tasks, r.notes
        );
        if r.applied {
            println!("imported {what}");
        } else if r.errors.is_empty() {
            println!("dry run: would import {what}; nothing was written");
        }
    }

    pub fn reminded(&self, sent: &[nextdate_diary::reminders::Reminder]) {
        if self.json {
            println!("{}", json!({ "sent": sent }));
        } else if sent.is_empty() {
            println!("no reminders due");
        } else {
            for r in sent {
                println!("sent: {}", r.title);
            }
        }
    }

    pub fn reminder_settings(&self, s: &nextdate_diary::reminders::ReminderSettings) {
        if self.json {
            self.print_json(s);
        } else {
            let onoff = |b: bool| if b { "on" } else { "off" };
            println!(
                "evening round at {}: digest {}, undated cases {}, tasks {}",
                s.digest_time,
                onoff(s.digest),
                onoff(s.undated),
                onoff(s.tasks)
            );
        }
    }

    pub fn synced(&self, r: &nextdate_sync::SyncReport) {
        if self.json {
            self.print_json(r);
        } else {
            println!(
                "sent {} batches ({} changes), received {} batches, merged {} documents, {} attachments sent, {} received",
                r.pushed_batches, r.pushed_changes, r.pulled_batches, r.merged_docs, r.blobs_sent, r.blobs_received
            );
            if r.rejected_batches > 0 {
                println!(
                    "refused {} batches that did not verify (see `nextdate sync status`)",
                    r.rejected_batches
                );
            }
        }
    }

    pub fn sync_status(&self, s: &nextdate_sync::SyncStatus) {
        if self.json {
            return self.print_json(s);
        }
        let Some(relay) = &s.relay else {
            println!("not syncing: this diary stays on this device (set up with `nextdate sync init --relay URL` or `nextdate sync join CODE`)");
            return;
        };
        println!("relay:           {relay}");
        println!(
            "chamber:         {}{}",
            s.chamber,
            if s.admin { " (this device is its admin)" } else { "" }
        );
        println!("last sync:       {}", s.last_sync.as_deref().unwrap_or("never"));
        println!("pending changes: {}", s.pending_changes);
        if let Some(e) = &s.last_error {
            println!("last error:      {e}");
        }
        if s.rejected_batches > 0 {
            println!(
                "refused batches: {} ({})",
                s.rejected_batches,
                s.last_rejection.as_deref().unwrap_or("")
            );
        }
        println!("devices:");
        for d in &s.devices {
            println!(
                "  {} — {} ({}){}",
                d.label,
                d.member,
                d.role,
                if d.this_device { "  ← this device" } else { "" }
            );
        }
    }

    pub fn invite(&self, invite: &nextdate_sync::invite::Invite, qr: bool) {
        let code = invite.code();
        let expires = chrono::DateTime::from_timestamp(invite.expires_at, 0)
            .map(|t| t.with_timezone(&chrono::Local).format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_default();
        if self.json {
            println!(
                "{}",
                json!({ "code": code.as_str(), "expires": expires, "chamber": invite.chamber })
            );
            return;
        }
        if qr {
            println!("{}", invite.qr_text());
        }
        println!("{}", code.as_str());
        eprintln!(
            "One-time invite, valid until {expires}. It carries the chamber key: give it only to the person joining, in person or over a channel you trust."
        );
    }

    pub fn ok(&self, msg: &str) {
        if self.json {
            println!("{}", json!({ "ok": true, "message": msg }));
        } else {
            println!("{msg}");
        }
    }

    pub fn init(&self, dir: &Path, mode: &str, recovery: &str) {
        if self.json {
            println!(
                "{}",
                json!({ "diary": dir, "key_mode": mode, "recovery_key": recovery })
            );
        } else {
            println!("Created a new diary in {}", dir.display());
            println!(
                "Its key is kept in the {}.",
                if mode == "keyring" {
                    "OS keyring"
                } else {
                    "passphrase you chose"
                }
            );
            println!();
            println!("Recovery key (shown only now; write it down and keep it somewhere safe):");
            println!();
            println!("    {recovery}");
            println!();
            println!("It unlocks the diary if the keyring entry or the passphrase is ever lost:");
            println!("    nextdate --recovery-key 'ND1-…' board");
        }
    }

    pub fn restored(&self, dir: &Path, recovery: &str, docs: usize, blobs: usize) {
        if self.json {
            println!(
                "{}",
                json!({ "diary": dir, "recovery_key": recovery, "documents": docs, "attachments": blobs })
            );
        } else {
            println!(
                "Restored {docs} documents and {blobs} attachments into {}",
                dir.display()
            );
            println!();
            println!("New recovery key for this diary (shown only now; write it down):");
            println!();
            println!("    {recovery}");
        }
    }

    pub fn committed(&self, ids: &[String]) {
        if self.json {
            for id in ids {
                println!("{}", json!({ "committed": id }));
            }
        }
    }

    pub fn demo(&self, s: &DemoSummary) {
        if self.json {
            println!("{}", json!({ "demo": s }));
        } else {
            println!(
                "Added {} cases, {} clients and {} hearings.",
                s.cases, s.clients, s.hearings
            );
        }
    }

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
            println!("{}  due {}  {}  ({})", t.id, opt_dmy(&t.due), t.title, t.case_number);
        }
        println!("{} open task(s)", rows.len());
    }

    pub fn fees(&self, rows: &[FeeRow], balance: &[FeeBalance]) {
        if self.json {
            return self.print_json(&json!({ "entries": rows, "balance": balance }));
        }
        for f in rows {
            println!(
                "{}  {}  {:<8} {} {:>12}  {}",
                f.id,
                dmy(&f.date),
                f.kind,
                f.currency,
                format_amount(f.amount_minor),
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
