//! The operator's commands, as the binary runs them against the relay's
//! storage (while the relay serves or not): `token create|list|revoke`,
//! `chambers list|delete|quota` and `quota`. Each returns the text it prints,
//! or an error in plain words.

use chrono::{DateTime, Utc};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::operations::{size, Quota};
use crate::storage::{Storage, StoreError};

fn day(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| secs.to_string())
}

fn plain(e: StoreError) -> String {
    e.to_string()
}

/// Makes a one-time registration token valid for `days`, keeps its hash,
/// and returns what to hand over: the token on the first line.
pub fn create_token(storage: &dyn Storage, note: &str, days: u32, now: i64) -> Result<String, String> {
    if !(1..=365).contains(&days) {
        return Err("a registration token is valid for 1 to 365 days".into());
    }
    let mut token = [0u8; 32];
    OsRng.fill_bytes(&mut token);
    let hash: [u8; 32] = Sha256::digest(token).into();
    let expires = now + i64::from(days) * 86_400;
    storage
        .add_registration_token(&hash, note, now, expires)
        .map_err(plain)?;
    Ok(format!(
        "{}\nregisters one chamber, until {} (token {}); give it to the chamber's owner, \
         who types it when starting the chamber\n",
        nextdate_protocol::registration::format(&token),
        day(expires),
        crate::operations::token_id(&hash),
    ))
}

/// Every registration token: id, state, note.
pub fn list_tokens(storage: &dyn Storage, now: i64) -> Result<String, String> {
    let tokens = storage.registration_tokens().map_err(plain)?;
    if tokens.is_empty() {
        return Ok("no registration tokens; make one with `nextdate-relay token create`\n".into());
    }
    let mut out = format!("{:<8}  {:<40}  {}\n", "token", "state", "note");
    for t in tokens {
        let state = match (&t.used_by, t.revoked_at) {
            (Some(chamber), _) => format!("used by {chamber}"),
            (None, Some(at)) => format!("revoked {}", day(at)),
            (None, None) if t.expires_at <= now => format!("expired {}", day(t.expires_at)),
            (None, None) => format!("unused, until {}", day(t.expires_at)),
        };
        out.push_str(&format!("{:<8}  {:<40}  {}\n", t.id, state, t.note));
    }
    Ok(out)
}

pub fn revoke_token(storage: &dyn Storage, id: &str, now: i64) -> Result<String, String> {
    match storage.revoke_registration_token(id, now) {
        Ok(()) => Ok(format!("token {id} revoked\n")),
        Err(StoreError::NotFound) => Err(format!(
            "no unused registration token {id}; `nextdate-relay token list` shows them"
        )),
        Err(e) => Err(plain(e)),
    }
}

/// Every chamber with its usage and quota as a JSON list (for scripts).
pub fn list_chambers_json(storage: &dyn Storage) -> Result<String, String> {
    let chambers = storage.chambers().map_err(plain)?;
    serde_json::to_string_pretty(&chambers)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

/// Every chamber with what it stores against its quota.
pub fn list_chambers(storage: &dyn Storage) -> Result<String, String> {
    let chambers = storage.chambers().map_err(plain)?;
    let default = storage.default_quota().map_err(plain)?;
    let mut out = format!("default quota: {}\n", quota_text(&default));
    if chambers.is_empty() {
        out.push_str("no chambers\n");
        return Ok(out);
    }
    out.push_str(&format!(
        "{:<36}  {:>7}  {:>21}  {:>9}  {:>9}  {:>5}  {}\n",
        "chamber", "devices", "stored", "batches", "documents", "links", "registered"
    ));
    for c in chambers {
        let stored = format!("{} of {}", size(c.bytes), size(c.quota.bytes));
        out.push_str(&format!(
            "{:<36}  {:>7}  {:>21}  {:>9}  {:>9}  {:>5}  {}{}\n",
            c.id,
            c.devices,
            stored,
            c.batches,
            c.blobs,
            c.links,
            day(c.created_at),
            if c.own_quota {
                format!("  (own quota: {})", quota_text(&c.quota))
            } else {
                String::new()
            }
        ));
    }
    Ok(out)
}

fn quota_text(q: &Quota) -> String {
    format!("{}, {} batches, {} documents", size(q.bytes), q.batches, q.blobs)
}

pub fn delete_chamber(storage: &dyn Storage, chamber: &str) -> Result<String, String> {
    match storage.delete_chamber(chamber) {
        Ok(()) => Ok(format!(
            "chamber {chamber} deleted: its devices, batches, documents and status links are gone from this relay\n"
        )),
        Err(StoreError::NotFound) => Err(format!("no chamber {chamber} on this relay")),
        Err(e) => Err(plain(e)),
    }
}

/// Parts of a quota to change; the rest stays as it is.
#[derive(Debug, Default, Clone, Copy)]
pub struct QuotaChange {
    pub bytes: Option<u64>,
    pub batches: Option<u64>,
    pub blobs: Option<u64>,
}

impl QuotaChange {
    fn apply(self, to: Quota) -> Quota {
        Quota {
            bytes: self.bytes.unwrap_or(to.bytes),
            batches: self.batches.unwrap_or(to.batches),
            blobs: self.blobs.unwrap_or(to.blobs),
        }
    }
}

/// Changes the relay-wide default quota.
pub fn set_default_quota(storage: &dyn Storage, change: QuotaChange) -> Result<String, String> {
    let quota = change.apply(storage.default_quota().map_err(plain)?);
    storage.set_default_quota(quota).map_err(plain)?;
    Ok(format!("default quota: {}\n", quota_text(&quota)))
}

/// Gives a chamber its own quota (parts not given stay as they are now), or
/// with `reset` the relay's default again.
pub fn set_chamber_quota(
    storage: &dyn Storage,
    chamber: &str,
    change: QuotaChange,
    reset: bool,
) -> Result<String, String> {
    let current = storage
        .chambers()
        .map_err(plain)?
        .into_iter()
        .find(|c| c.id == chamber)
        .ok_or_else(|| format!("no chamber {chamber} on this relay"))?;
    let quota = (!reset).then(|| change.apply(current.quota));
    storage.set_quota(chamber, quota).map_err(plain)?;
    Ok(match quota {
        Some(q) => format!("{chamber}: own quota {}\n", quota_text(&q)),
        None => format!("{chamber}: the relay's default quota\n"),
    })
}

/// Reads a size: `500MiB`, `10GiB`, `2G`, `1048576`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("\"{text}\" is not a size (say 500MiB or 10GiB)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("\"{text}\" is not a size (say 500MiB or 10GiB)")),
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("\"{text}\" is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_the_units_operators_write() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("500MiB"), Ok(500 << 20));
        assert_eq!(parse_size("10 GiB"), Ok(10 << 30));
        assert_eq!(parse_size("2g"), Ok(2 << 30));
        assert!(parse_size("ten gigs").is_err());
        assert!(parse_size("5 parsecs").is_err());
        assert!(parse_size("99999999999T").is_err());
    }
}
