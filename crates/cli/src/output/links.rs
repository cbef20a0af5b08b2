//! Printing status links: a new link's address (and QR code), the list of
//! links with how often each was opened, and a revocation.

use nextdate_diary::dates::iso_to_dmy;
use nextdate_diary::status_links::LinkRow;
use nextdate_sync::links::{qr_text, GivenLink, LinkStatus};
use serde_json::json;

use super::Out;

impl Out {
    pub fn link_given(&self, g: &GivenLink, qr: bool) {
        if self.json {
            return self.print_json(g);
        }
        println!("{}", g.status.url);
        if qr {
            println!("{}", qr_text(&g.status.url));
        }
        match &g.problem {
            None => eprintln!("Status link for {} is live.", g.status.link.owner_label),
            Some(why) => eprintln!(
                "Status link for {} made; it opens once this laptop reaches the relay ({why}).",
                g.status.link.owner_label
            ),
        }
    }

    pub fn links(&self, rows: &[LinkStatus]) {
        if self.json {
            return self.print_json(rows);
        }
        for s in rows {
            let l = &s.link;
            let opened = s
                .opened
                .map_or("opened: unknown".to_string(), |n| format!("opened {n}×"));
            let expires = l
                .expires_on
                .as_deref()
                .map(|d| format!(", until {}", iso_to_dmy(d)))
                .unwrap_or_default();
            println!(
                "{}  {}  [{}{expires}]  {opened}  {}",
                l.id, l.owner_label, l.state, s.url
            );
        }
    }

    pub fn link_revoked(&self, row: &LinkRow, told: bool) {
        if self.json {
            return self.print_json(&json!({ "link": row, "relay_told": told }));
        }
        if told {
            println!(
                "Revoked the status link {} of {}; it no longer opens.",
                row.id, row.owner_label
            );
        } else {
            println!(
                "Revoked the status link {} of {}; the relay is told at the next sync.",
                row.id, row.owner_label
            );
        }
    }
}
