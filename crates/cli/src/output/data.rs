//! Printing whole-diary operations: printed lists, exports, imports, demo data
//! and reminders (a new or restored diary and backups are in `keys_backups.rs`).

use std::path::Path;

use nextdate_diary::demo::DemoSummary;
use serde_json::json;

use super::Out;

impl Out {
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
                "exported {} clients, {} cases, {} hearings, {} fees, {} time entries, {} bills, {} tasks, {} notes and {} documents to {}",
                s.clients,
                s.cases,
                s.hearings,
                s.fees,
                s.time_entries,
                s.bills,
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
                "evening round at {}: digest {}, undated cases {}, tasks {}, unpaid bills {}",
                s.digest_time,
                onoff(s.digest),
                onoff(s.undated),
                onoff(s.tasks),
                onoff(s.unpaid_bills)
            );
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

    /// What a check (or a repair) found.
    pub fn checked(&self, r: &nextdate_diary::check::CheckReport, repaired: bool) {
        if self.json {
            return self.print_json(r);
        }
        if r.rebuilt {
            println!("rebuilt the lists and search from the records");
        }
        println!("checked {} records and {} attachments", r.documents, r.attachments);
        if r.problems.is_empty() {
            println!("no problems found");
        }
        for p in &r.problems {
            println!("{:?}: {}", p.kind, p.detail);
        }
        if !r.problems.is_empty() {
            if repaired {
                println!("what is listed could not be repaired here: restore it from the latest backup");
            }
            match &r.latest_backup {
                Some(file) => println!("the latest automatic backup is {file}: `nextdate restore {file} --replace`"),
                None => println!(
                    "no automatic backup of this diary was found (pick a folder with `nextdate backup settings`)"
                ),
            }
        }
    }

    pub fn verified(&self, r: &nextdate_diary::authorship::AuthorshipReport) {
        if self.json {
            return self.print_json(r);
        }
        println!(
            "checked {} changes: {} signed by the laptop that wrote them, {} written on this laptop and not sent yet",
            r.changes, r.verified, r.this_laptop
        );
        if r.all_attributed() {
            println!("every change is attributed");
        }
        for u in &r.unattributed {
            println!(
                "cannot attribute {} in {} {} (written as {}): {}",
                &u.hash[..u.hash.len().min(16)],
                u.kind,
                u.doc_id,
                &u.actor[..u.actor.len().min(12)],
                u.reason
            );
        }
        if r.unattributed_count as usize > r.unattributed.len() {
            println!("… and {} more", r.unattributed_count as usize - r.unattributed.len());
        }
    }
}
