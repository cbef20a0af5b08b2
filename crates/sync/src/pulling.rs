//! Pulling the chamber's log: every batch after the cursor is verified,
//! opened with its epoch's key, followed in its sender's chain (see
//! `chains`), judged and merged, page by page, each page with the new cursor
//! in one transaction. The relay is never trusted with completeness: a gap in
//! the log stops the cursor before it (see `confirm`), this device's own
//! batches acknowledged but never served are queued again, and a batch
//! missing from another laptop's chain is reported and looked for.

use nextdate_diary::progress::{Progress, Stage};
use nextdate_diary::replication::SignedChanges;
use nextdate_diary::Diary;
use nextdate_protocol::frame::MAX_PULL;

use crate::chains::Chains;
use crate::client::RelayClient;
use crate::confirm;
use crate::crypto;
use crate::engine::{check_cancel, state_i64, Config, SyncReport};
use crate::error::SyncError;
use crate::rotation;
use crate::wire::from_wire;

const PULL_PAGE: u32 = 200;

/// At most this much opened (decompressed) batch content is held and merged
/// at once: a page stops early past it, and the next page goes on from there
/// (a page always takes at least one batch). Without it, 200 batches of up to
/// 4 MiB each would be one page.
const PAGE_PLAIN_BYTES: usize = 32 << 20;

/// How much room an opened batch takes: its changes' bytes and signatures.
fn plain_size(o: &nextdate_protocol::OpenedBatch) -> usize {
    o.payload
        .changes
        .iter()
        .map(|c| c.bytes.len() + c.signatures.len() + c.context.len() + c.doc_id.len())
        .sum()
}

pub(crate) fn pull(
    d: &mut Diary,
    cfg: &mut Config,
    client: &RelayClient,
    report: &mut SyncReport,
    progress: &Progress<'_>,
) -> Result<(), SyncError> {
    let me = cfg.keys.public();
    let acknowledged_before: Vec<[u8; 16]> = confirm::load(d)?.iter().map(|u| u.id).collect();
    // Progress counts the batches after where this pull started (or a re-read restarted).
    let mut start = state_i64(d, "cursor")? as u64;
    loop {
        // Between pages: every page before is merged with its cursor, whole.
        check_cancel(progress, report)?;
        let cursor = state_i64(d, "cursor")? as u64;
        start = start.min(cursor);
        let page = client.pull(cursor, PULL_PAGE.min(MAX_PULL))?;
        let latest = page.latest;
        let mut items = page.batches;
        // A relay serving positions already read again: not new.
        items.retain(|b| b.seq > cursor);
        let gap = confirm::first_gap(cursor + 1, items.iter().map(|b| b.seq));
        if let Some((missing, found)) = gap {
            // Never move the cursor past batches not seen: stop before the gap.
            items.retain(|b| b.seq < missing);
            report.withheld_batches += (found - missing) as u32;
            d.set_sync_state(&[(
                "last_rejection",
                Some(&format!(
                    "the relay skipped batches {missing} to {} of the chamber's log; they are asked for again at the next sync",
                    found - 1
                )),
            )])?;
        }
        if items.is_empty() {
            if gap.is_none() {
                requeue_missing(d, &acknowledged_before, report)?;
                if reread_for_missing(d)? {
                    continue;
                }
            }
            return Ok(());
        }
        let mut chains = Chains::load(d)?;
        let open_page = |cfg: &Config| {
            let mut held = 0;
            let mut opened = Vec::new();
            for b in &items {
                if held > PAGE_PLAIN_BYTES {
                    break;
                }
                let o = crypto::open_with(&b.envelope, &cfg.ring, &cfg.chamber);
                held += o.1.as_ref().map_or(0, plain_size);
                opened.push(o);
            }
            opened
        };
        let mut opened = open_page(cfg);
        if opened
            .iter()
            .any(|(e, _)| e.is_some_and(|e| e > cfg.ring.current().epoch))
        {
            // Sealed under a key this device has not fetched yet: fetch it
            // (an error, and nothing moves, when the relay has none for it).
            rotation::refresh(d, cfg, client)?;
            opened = open_page(cfg);
        }
        // A batch in a format newer than this build reads: stop before it,
        // so that once Nextdate is updated here it is read, not skipped.
        let newer = opened
            .iter()
            .position(|(_, r)| matches!(r, Err(nextdate_protocol::OpenError::UnsupportedVersion(_))));
        if let Some(at) = newer {
            if at == 0 {
                let why = opened.swap_remove(0).1.expect_err("refused");
                return Err(SyncError::NewerBatch(why.to_string()));
            }
            opened.truncate(at);
        }
        items.truncate(opened.len());
        let last_seq = items.last().map(|b| b.seq).expect("at least one batch");
        let last = last_seq.to_string();
        let mut log_epoch = state_i64(d, "log_epoch")?.max(1) as u32;
        let mut good: Vec<(u64, SignedChanges)> = Vec::new();
        let mut rejected: Vec<(u64, String)> = Vec::new();
        let mut own: Vec<[u8; 16]> = Vec::new();
        for (b, (epoch, result)) in items.iter().zip(opened) {
            // Once the log holds a batch under a newer key, a batch under an
            // older one is refused: the relay refuses them, so only a relay
            // replaying a removed laptop's writes would serve one.
            if let (Some(epoch), Ok(_)) = (epoch, &result) {
                if epoch < log_epoch {
                    rejected.push((
                        b.seq,
                        format!("it is sealed with the chamber's old key (epoch {epoch}) after the chamber moved to epoch {log_epoch}"),
                    ));
                    continue;
                }
                log_epoch = epoch;
            }
            match result {
                Ok(o) if o.device == me => own.push(o.batch_id),
                Ok(o) => {
                    let (newly, problem) = chains.observe(&o.device, &o.batch_id, &o.payload);
                    report.withheld_batches += newly;
                    if let Some(problem) = problem {
                        rejected.push((b.seq, problem));
                    }
                    good.push((
                        b.seq,
                        SignedChanges {
                            signer: o.device,
                            changes: o.payload.changes.into_iter().map(from_wire).collect(),
                        },
                    ))
                }
                Err(e) => rejected.push((b.seq, e.to_string())),
            }
        }
        let log_epoch = log_epoch.to_string();
        let chains = chains.encode();
        report.pulled_batches += items.len() as u32;
        // The whole page and the new cursor in one transaction; if a batch that
        // verified still fails to merge, merge batch by batch so that only the
        // bad one is set aside.
        let all: Vec<SignedChanges> = good.iter().map(|(_, c)| c.clone()).collect();
        let moved_on = [
            ("cursor", Some(last.as_str())),
            ("log_epoch", Some(log_epoch.as_str())),
            ("chains", Some(chains.as_str())),
        ];
        match d.merge_remote(&all, &moved_on) {
            Ok(m) => {
                report.merged_docs += m.docs_changed as u32;
                report.refused_changes += m.refused as u32;
            }
            Err(e) if is_content_error(&e) => {
                for (seq, changes) in &good {
                    match d.merge_remote(std::slice::from_ref(changes), &[("cursor", Some(&seq.to_string()))]) {
                        Ok(m) => {
                            report.merged_docs += m.docs_changed as u32;
                            report.refused_changes += m.refused as u32;
                        }
                        Err(e) if is_content_error(&e) => rejected.push((*seq, e.to_string())),
                        Err(e) => return Err(e.into()),
                    }
                }
                d.set_sync_state(&moved_on)?;
            }
            Err(e) => return Err(e.into()),
        }
        // Read again to look for a missing batch: what was refused before is not counted twice.
        let reread_until = state_i64(d, "reread_until")? as u64;
        rejected.retain(|(seq, _)| *seq > reread_until);
        if let Some((seq, why)) = rejected.iter().max_by_key(|(s, _)| *s) {
            let total = state_i64(d, "rejected")? + rejected.len() as i64;
            d.set_sync_state(&[
                ("rejected", Some(&total.to_string())),
                ("last_rejection", Some(&format!("batch {seq}: {why}"))),
            ])?;
            report.rejected_batches += rejected.len() as u32;
        }
        confirm_seen(d, &own)?;
        progress.report(Stage::Pull, last_seq - start, latest.max(last_seq) - start);
        if gap.is_some() {
            return Ok(());
        }
    }
}

/// This device's own batches came back: their outbox entries go.
fn confirm_seen(d: &mut Diary, own: &[[u8; 16]]) -> Result<(), SyncError> {
    let mut waiting = confirm::load(d)?;
    while let Some(at) = waiting.iter().position(|u| own.contains(&u.id)) {
        let u = waiting.remove(at);
        d.outbox_confirm(
            u.first,
            u.last,
            &[("unconfirmed", confirm::encode(&waiting).as_deref())],
        )?;
    }
    Ok(())
}

/// At the end of the log, a batch acknowledged before this pull and still not
/// seen was never stored: it is queued again (sent at the next push).
fn requeue_missing(d: &mut Diary, acknowledged_before: &[[u8; 16]], report: &mut SyncReport) -> Result<(), SyncError> {
    let waiting = confirm::load(d)?;
    let (missing, keep): (Vec<_>, Vec<_>) = waiting.into_iter().partition(|u| acknowledged_before.contains(&u.id));
    if missing.is_empty() {
        return Ok(());
    }
    report.resent_batches += missing.len() as u32;
    // Sent again as they were: same ids, outbox ranges and chain numbers.
    let mut resend = confirm::load_resend(d)?;
    resend.extend(missing.iter().cloned());
    d.set_sync_state(&[
        ("unconfirmed", confirm::encode(&keep).as_deref()),
        ("resend", confirm::encode(&resend).as_deref()),
        (
            "last_rejection",
            Some(&format!(
                "the relay acknowledged {} batch{} of this laptop's changes but never served {}; sent again",
                missing.len(),
                if missing.len() == 1 { "" } else { "es" },
                if missing.len() == 1 { "it" } else { "them" }
            )),
        ),
    ])?;
    Ok(())
}

/// A merge failure caused by the batch's content (not by the local database).
fn is_content_error(e: &nextdate_diary::DiaryError) -> bool {
    matches!(e, nextdate_diary::DiaryError::Document(_))
}

/// At the end of the log, batches of other laptops still missing from their
/// chains (see `chains`) are looked for in the whole log, read again from
/// the start (a relay that left one out and renumbered around it, then stopped
/// lying, serves it there; merging what is already here changes nothing).
/// Only when the log has moved on since the last look, and at most
/// [`MAX_REREADS`] times for the same missing batches (one that arrived
/// damaged stays missing; the log is not read again at every round for it).
/// Returns whether a re-read starts.
fn reread_for_missing(d: &mut Diary) -> Result<bool, SyncError> {
    let missing = format!("{:?}", Chains::load(d)?.missing());
    if missing == "[]" {
        return Ok(false);
    }
    let cursor = state_i64(d, "cursor")?;
    let last: Option<Reread> = d
        .sync_state("reread")?
        .and_then(|json| serde_json::from_str(&json).ok());
    let count = match last {
        Some(r) if r.missing == missing && (r.cursor == cursor || r.count >= MAX_REREADS) => return Ok(false),
        Some(r) if r.missing == missing => r.count + 1,
        _ => 1,
    };
    let record = serde_json::to_string(&Reread { missing, cursor, count }).expect("serializes");
    d.set_sync_state(&[
        ("reread", Some(&record)),
        ("reread_until", Some(&cursor.to_string())),
        ("cursor", Some("0")),
        ("log_epoch", Some("1")),
    ])?;
    Ok(true)
}

/// Most times the log is read again for the same missing batches.
const MAX_REREADS: u32 = 3;

/// The last look for missing batches: what was missing, where the log ended, how many looks.
#[derive(serde::Serialize, serde::Deserialize)]
struct Reread {
    missing: String,
    cursor: i64,
    count: u32,
}
