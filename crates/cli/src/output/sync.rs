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
}
