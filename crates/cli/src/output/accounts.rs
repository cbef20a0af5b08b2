//! Printing accounts: a case's account, time entries, the timer and receipts.

use std::path::Path;

use nextdate_diary::accounts::{
    describe_terms, format_minutes, CaseAccount, Receipt, RunningTimer, TimeRow, TimerStopped,
};
use nextdate_diary::money::format_money;
use serde_json::json;

use super::{dmy, Out};

impl Out {
    pub fn case_account(&self, a: &CaseAccount) {
        if self.json {
            return self.print_json(a);
        }
        let m = |v: i64| format_money(v, &a.currency);
        match &a.terms {
            Some(t) => println!("Terms: {}", describe_terms(t)),
            None => println!("Terms: none set"),
        }
        println!(
            "Appearances: {} ({} non-effective) — {}",
            a.appearances,
            a.non_effective,
            m(a.appearance_fees_minor)
        );
        println!(
            "Time: {} billable, {} not billable — {}",
            format_minutes(a.billable_minutes),
            format_minutes(a.unbillable_minutes),
            m(a.time_fees_minor)
        );
        if a.fixed_minor > 0 {
            println!("Fixed fee: {}", m(a.fixed_minor));
        }
        println!(
            "Agreed entries: {} · expenses: {}",
            m(a.agreed_minor),
            m(a.expense_minor)
        );
        println!(
            "Charged {} · received {} · due {}",
            m(a.charged_minor),
            m(a.received_minor),
            m(a.due_minor)
        );
    }

    pub fn time_entries(&self, rows: &[TimeRow]) {
        if self.json {
            return self.print_json(rows);
        }
        if rows.is_empty() {
            println!("No time recorded.");
            return;
        }
        for t in rows {
            println!(
                "{}  {}  {:<12} {:<18} {}{}  [{}]",
                t.id,
                dmy(&t.date),
                format_minutes(t.minutes),
                t.case_number,
                t.member,
                if t.billable { "" } else { " (not billable)" },
                t.note.as_deref().unwrap_or("")
            );
        }
    }

    pub fn timer(&self, t: Option<&RunningTimer>) {
        if self.json {
            return self.print_json(&json!({ "timer": t }));
        }
        match t {
            Some(t) => println!(
                "Timer running on case {} ({}) since {}",
                t.case_number, t.case_title, t.started_at
            ),
            None => println!("No timer is running."),
        }
    }

    pub fn timer_stopped(&self, s: &TimerStopped) {
        if self.json {
            return self.print_json(s);
        }
        println!("Recorded {} ({})", format_minutes(s.minutes), s.entry_id);
    }

    pub fn receipt(&self, r: &Receipt, path: &Path) {
        if self.json {
            return self.print_json(&json!({ "receipt": r, "file": path }));
        }
        println!(
            "Receipt {} for {} written to {}{}",
            r.number,
            format_money(r.amount_minor, &r.currency),
            path.display(),
            if r.cancelled.is_some() { " (cancelled)" } else { "" }
        );
    }
}

impl Out {
    pub fn bill(&self, b: &nextdate_diary::accounts::BillDoc, path: &Path) {
        if self.json {
            return self.print_json(&json!({ "bill": b, "file": path }));
        }
        println!(
            "Bill {} for {} to {}: {} due, written to {}",
            b.number,
            dmy(&b.from),
            dmy(&b.to),
            format_money(b.due_minor, &b.currency),
            path.display()
        );
    }

    pub fn bills(&self, rows: &[nextdate_diary::accounts::BillRow]) {
        if self.json {
            return self.print_json(rows);
        }
        if rows.is_empty() {
            println!("No bills issued.");
        }
        for b in rows {
            println!(
                "{}  {:<14} {} to {}  issued {}  {} due{}",
                b.id,
                b.number,
                dmy(&b.from),
                dmy(&b.to),
                dmy(&b.issued_on),
                format_money(b.due_minor, &b.currency),
                b.void_reason
                    .as_deref()
                    .map(|r| format!("  (cancelled: {r})"))
                    .unwrap_or_default()
            );
        }
    }

    pub fn statement(&self, s: &nextdate_diary::accounts::StatementDoc, path: &Path) {
        if self.json {
            return self.print_json(&json!({ "statement": s, "file": path }));
        }
        println!(
            "Statement for {} ({} entries): balance {}, written to {}",
            s.client_name,
            s.lines.len(),
            format_money(s.closing_balance_minor, &s.currency),
            path.display()
        );
    }

    pub fn outstanding(&self, o: &nextdate_diary::accounts::Outstanding) {
        if self.json {
            return self.print_json(o);
        }
        if o.cases.is_empty() && o.unpaid_bills.is_empty() {
            println!("Nothing is outstanding.");
            return;
        }
        println!("Clients, oldest first:");
        for r in &o.clients {
            println!(
                "  {:<32} {:>16}  owed since {} ({} days)",
                r.label,
                format_money(r.due_minor, &r.currency),
                dmy(&r.due_since),
                r.days
            );
        }
        println!("Cases, oldest first:");
        for r in &o.cases {
            println!(
                "  {:<48} {:>16}  owed since {} ({} days)  {}",
                r.label,
                format_money(r.due_minor, &r.currency),
                dmy(&r.due_since),
                r.days,
                r.clients
            );
        }
        if !o.unpaid_bills.is_empty() {
            println!("Unpaid bills:");
            for b in &o.unpaid_bills {
                println!(
                    "  {:<14} issued {} ({} days): {} of {} unpaid",
                    b.number,
                    dmy(&b.issued_on),
                    b.days,
                    format_money(b.unpaid_minor, &b.currency),
                    format_money(b.due_minor, &b.currency)
                );
            }
        }
    }

    pub fn billing(&self, b: &nextdate_diary::accounts::Billing) {
        if self.json {
            return self.print_json(b);
        }
        println!("Address: {}", b.address.as_deref().unwrap_or("—").replace('\n', ", "));
        println!("GSTIN: {}", b.gstin.as_deref().unwrap_or("—"));
        match (&b.tax_label, b.tax_rate_bp) {
            (Some(l), Some(bp)) => println!("Tax line on bills: {l} at {}.{:02}%", bp / 100, bp % 100),
            _ => println!("Tax line on bills: off"),
        }
    }
}
