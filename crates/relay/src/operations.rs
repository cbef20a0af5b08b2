//! What the relay's operator manages, beside what devices ask for:
//! registration tokens (a chamber registers only with one, unless the relay
//! is open to anyone), each chamber's usage and quota (the relay's default
//! and a chamber's own, both kept in storage so every instance agrees), and
//! deleting a chamber. [`Operations`] is part of the [`crate::Storage`] seam; the
//! `nextdate-relay token …` and `chambers …` commands (`crate::operator`)
//! call it, and so does the relay when a chamber registers or stores.

use crate::storage::StoreResult;

/// How much one chamber may keep on the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Quota {
    /// Bytes of batches, attachments and status links together.
    pub bytes: u64,
    pub batches: u64,
    /// Attachments (encrypted documents).
    pub blobs: u64,
}

impl Default for Quota {
    /// Room for a large chamber over decades: 10 GiB, five million batches,
    /// two hundred thousand documents.
    fn default() -> Quota {
        Quota {
            bytes: 10 << 30,
            batches: 5_000_000,
            blobs: 200_000,
        }
    }
}

impl Quota {
    /// Refuses, naming the part gone past, when a chamber holding `bytes`,
    /// `batches` and `blobs` (documents) is over this quota.
    pub fn admits(&self, bytes: u64, batches: u64, blobs: u64) -> crate::storage::StoreResult<()> {
        let over = if bytes > self.bytes {
            format!("the {} it may store", size(self.bytes))
        } else if batches > self.batches {
            format!("the {} batches it may store", self.batches)
        } else if blobs > self.blobs {
            format!("the {} documents it may store", self.blobs)
        } else {
            return Ok(());
        };
        Err(crate::storage::StoreError::QuotaExceeded(over))
    }
}

/// A chamber as its operator sees it: sizes and counts, never contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChamberUsage {
    pub id: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Devices not removed.
    pub devices: u32,
    pub bytes: u64,
    pub batches: u64,
    pub blobs: u64,
    pub links: u64,
    /// The quota in force: the chamber's own, or the relay's default.
    pub quota: Quota,
    /// Whether the chamber has a quota of its own.
    pub own_quota: bool,
}

/// A registration token as the operator sees it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenInfo {
    /// The first 8 hex digits of the token's hash: enough to name it.
    pub id: String,
    pub note: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// The chamber it registered, once used.
    pub used_by: Option<String>,
    pub used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// The operator's side of storage.
pub trait Operations {
    /// Keeps a new registration token's hash.
    fn add_registration_token(&self, hash: &[u8; 32], note: &str, now: i64, expires_at: i64) -> StoreResult<()>;
    /// Every token, newest first.
    fn registration_tokens(&self) -> StoreResult<Vec<TokenInfo>>;
    /// Revokes the unused token whose id is `id` (see [`TokenInfo::id`]).
    fn revoke_registration_token(&self, id: &str, now: i64) -> StoreResult<()>;
    /// Every chamber with its usage, by id.
    fn chambers(&self) -> StoreResult<Vec<ChamberUsage>>;
    /// Deletes a chamber and everything the relay holds for it.
    fn delete_chamber(&self, chamber: &str) -> StoreResult<()>;
    /// The quota of a chamber without its own ([`Quota::default`] until the operator sets one).
    fn default_quota(&self) -> StoreResult<Quota>;
    fn set_default_quota(&self, quota: Quota) -> StoreResult<()>;
    /// Gives a chamber a quota of its own, or back the relay's default (`None`).
    fn set_quota(&self, chamber: &str, quota: Option<Quota>) -> StoreResult<()>;
}

/// The hex id of a token hash, as [`TokenInfo::id`] shows it.
pub fn token_id(hash: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(&hash[..4.min(hash.len())])
}

/// Bytes in plain words: "512 B", "3.4 MiB", "10.0 GiB".
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_plain_units() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(10 << 30), "10.0 GiB");
        assert_eq!(token_id(&[0xab, 0xcd, 0xef, 0x01, 0x99]), "abcdef01");
    }
}
