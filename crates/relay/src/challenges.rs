//! The relay's challenges, which any of its instances can check without
//! remembering having issued them. A device asks (`Hello`), signs the nonce
//! and answers within two minutes. The nonce carries when it was issued, 8
//! random bytes, and an HMAC-SHA-256 (cut to 16 bytes) over those and the
//! device's key under the relay's own secret (kept in storage, shared by
//! every instance on one database). So issuing a challenge keeps nothing,
//! and no flood of `Hello`s can fill a table or push a device's challenge
//! out; the one thing remembered is that a challenge was answered, so none
//! works twice (`SessionStorage::spend_challenge`).

use std::time::Duration;

use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;

/// How long a challenge may wait for its answer.
pub const CHALLENGE_TTL: Duration = Duration::from_secs(120);
/// How far ahead of this instance's clock another instance's may be.
const CLOCK_SKEW_MS: u64 = 5_000;
/// Tells these MACs apart from any other use of the secret.
const DOMAIN: &[u8] = b"nextdate-relay challenge v1";

type HmacSha256 = Hmac<Sha256>;

/// Issues and checks challenges under one secret.
pub struct ChallengeKey {
    secret: [u8; 32],
}

impl ChallengeKey {
    pub fn new(secret: [u8; 32]) -> ChallengeKey {
        ChallengeKey { secret }
    }

    fn mac(&self, device: &[u8; 32], head: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(DOMAIN);
        mac.update(device);
        mac.update(head);
        mac
    }

    /// A fresh nonce for `device` to sign, issued at `now_ms` (Unix milliseconds).
    pub fn issue(&self, device: &[u8; 32], now_ms: u64) -> [u8; 32] {
        let mut nonce = [0u8; 32];
        nonce[..8].copy_from_slice(&now_ms.to_be_bytes());
        OsRng.fill_bytes(&mut nonce[8..16]);
        let tag = self.mac(device, &nonce[..16]).finalize().into_bytes();
        nonce[16..].copy_from_slice(&tag[..16]);
        nonce
    }

    /// When the challenge `nonce` stops working (Unix seconds), if this
    /// relay issued it to `device` and it has not expired by `now_ms`.
    pub fn check(&self, nonce: &[u8; 32], device: &[u8; 32], now_ms: u64) -> Option<i64> {
        // Compared in constant time by the MAC itself.
        self.mac(device, &nonce[..16])
            .verify_truncated_left(&nonce[16..])
            .ok()?;
        let issued = u64::from_be_bytes(nonce[..8].try_into().ok()?);
        let expires = issued.checked_add(CHALLENGE_TTL.as_millis() as u64)?;
        if issued > now_ms.saturating_add(CLOCK_SKEW_MS) || expires <= now_ms {
            return None;
        }
        i64::try_from(expires / 1000 + 1).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000_000;

    #[test]
    fn a_challenge_checks_for_its_device_until_it_expires() {
        let key = ChallengeKey::new([1; 32]);
        let nonce = key.issue(&[7; 32], NOW);
        let expires = key.check(&nonce, &[7; 32], NOW + 1_000).expect("a fresh challenge");
        assert_eq!(expires, ((NOW + 120_000) / 1000 + 1) as i64);
        assert!(key.check(&nonce, &[8; 32], NOW).is_none(), "another device's challenge");
        assert!(
            key.check(&nonce, &[7; 32], NOW + CHALLENGE_TTL.as_millis() as u64)
                .is_none(),
            "expired"
        );
        assert!(
            key.check(&nonce, &[7; 32], NOW - 10_000).is_none(),
            "issued in the future"
        );
        assert!(
            key.check(&nonce, &[7; 32], NOW - 1_000).is_some(),
            "a little clock skew is fine"
        );
    }

    #[test]
    fn a_forged_or_altered_challenge_is_refused() {
        let key = ChallengeKey::new([1; 32]);
        let nonce = key.issue(&[7; 32], NOW);
        assert!(
            ChallengeKey::new([2; 32]).check(&nonce, &[7; 32], NOW).is_none(),
            "another relay's"
        );
        for byte in [0, 7, 8, 15, 16, 31] {
            let mut altered = nonce;
            altered[byte] ^= 1;
            assert!(key.check(&altered, &[7; 32], NOW).is_none(), "byte {byte} altered");
        }
        // A later issue time with the old tag (to stretch its life) does not check.
        let mut stretched = nonce;
        stretched[..8].copy_from_slice(&(NOW + 100_000).to_be_bytes());
        assert!(key.check(&stretched, &[7; 32], NOW + 150_000).is_none());
    }

    #[test]
    fn two_challenges_for_one_device_at_one_moment_differ() {
        let key = ChallengeKey::new([1; 32]);
        assert_ne!(key.issue(&[7; 32], NOW), key.issue(&[7; 32], NOW));
    }
}
