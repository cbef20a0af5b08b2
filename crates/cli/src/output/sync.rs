//! Printing chamber sync: a round's report, the sync status and an invite.

use serde_json::json;

use super::Out;

impl Out {
    pub fn synced(&self, r: &nextdate_sync::SyncReport) {
        if self.json {
            self.print_json(r);
        } else {
            println!(
                "sent {} batches ({} changes), received {} batches, merged {} documents, {} attachments sent, {} received",
                r.pushed_batches, r.pushed_changes, r.pulled_batches, r.merged_docs, r.blobs_sent, r.blobs_received
            );
            if r.refused_changes > 0 {
                println!(
                    "refused {} changes the chamber's roles do not allow (see `nextdate sync status`)",
                    r.refused_changes
                );
            }
            if r.admitted_devices > 0 {
                println!("let {} new laptop(s) into the chamber", r.admitted_devices);
            }
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
        if let Some(role) = &s.role {
            println!("your role:       {role}");
        }
        if let Some(epoch) = s.key_epoch.filter(|e| *e > 1) {
            println!("chamber key:     epoch {epoch}");
        }
        if s.awaiting_admission {
            println!("waiting:         for the chamber's admin laptop to let this laptop in");
        }
        for m in &s.missing_batches {
            println!("missing:         {m}");
        }
        for r in &s.refusals {
            println!("refused:         {r}");
        }
        if s.waiting_changes > 0 {
            println!(
                "waiting changes: {} (their earlier changes have not arrived yet)",
                s.waiting_changes
            );
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

    pub fn members(&self, devices: &[nextdate_sync::engine::DeviceInfo]) {
        if self.json {
            return self.print_json(&devices);
        }
        for d in devices {
            println!(
                "{:<24} {:<9} {} ({}){}{}",
                d.member,
                d.role,
                d.label,
                &d.actor[..d.actor.len().min(12)],
                if d.removed { "  removed" } else { "" },
                if d.this_device { "  ← this device" } else { "" }
            );
        }
    }

    pub fn invite(&self, invite: &nextdate_sync::invite::Invite, role: nextdate_diary::roles::Role, qr: bool) {
        let code = invite.code();
        let expires = chrono::DateTime::from_timestamp(invite.expires_at, 0)
            .map(|t| t.with_timezone(&chrono::Local).format("%d-%m-%Y %H:%M").to_string())
            .unwrap_or_default();
        if self.json {
            println!(
                "{}",
                json!({ "code": code.as_str(), "expires": expires, "chamber": invite.chamber, "role": role.as_str() })
            );
            return;
        }
        if qr {
            println!("{}", invite.qr_text());
        }
        println!("{}", code.as_str());
        eprintln!(
            "One-time invite for {}, valid until {expires}. It carries no key: the new laptop is let in when this laptop next syncs. Still, give it only to the person joining.",
            role.with_article()
        );
    }
}
