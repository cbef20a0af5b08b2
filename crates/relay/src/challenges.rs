//! The challenges the relay has issued and not yet seen answered. A device
//! asks (`Hello`), signs the nonce, and answers within two minutes. The table
//! is bounded two ways so that no flood can make it refuse a well-behaved
//! device: each device keeps at most a few outstanding challenges (its
//! oldest goes first), and when the whole table is full the oldest challenge
//! anywhere goes. A device answers within milliseconds, so its challenge is
//! long gone from a flood's reach only if the flood out-paces the cap, which
//! the per-address rate limit in front of the relay prevents.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// How long a challenge may wait for its answer.
pub const CHALLENGE_TTL: Duration = Duration::from_secs(120);

/// Issued, unanswered challenges.
pub struct Challenges {
    issued: HashMap<[u8; 32], ([u8; 32], Instant)>,
    /// Nonces in the order issued (some already answered: skipped when met).
    order: VecDeque<[u8; 32]>,
    by_device: HashMap<[u8; 32], VecDeque<[u8; 32]>>,
    cap: usize,
    per_device: usize,
}

impl Challenges {
    pub fn new(cap: usize, per_device: usize) -> Challenges {
        Challenges {
            issued: HashMap::new(),
            order: VecDeque::new(),
            by_device: HashMap::new(),
            cap: cap.max(1),
            per_device: per_device.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.issued.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.issued.is_empty()
    }

    fn forget(&mut self, nonce: &[u8; 32]) -> Option<([u8; 32], Instant)> {
        let (device, expires) = self.issued.remove(nonce)?;
        if let Some(mine) = self.by_device.get_mut(&device) {
            mine.retain(|n| n != nonce);
            if mine.is_empty() {
                self.by_device.remove(&device);
            }
        }
        Some((device, expires))
    }

    /// Keeps `nonce` as issued to `device` until `now` + [`CHALLENGE_TTL`],
    /// making room as described above.
    pub fn issue(&mut self, device: [u8; 32], nonce: [u8; 32], now: Instant) {
        let oldest_mine = self
            .by_device
            .get(&device)
            .filter(|mine| mine.len() >= self.per_device)
            .and_then(|mine| mine.front().copied());
        if let Some(old) = oldest_mine {
            self.forget(&old);
        }
        while self.issued.len() >= self.cap {
            match self.order.pop_front() {
                Some(old) => {
                    self.forget(&old);
                }
                None => break,
            }
        }
        // Answered nonces linger in `order`; drop them once they outnumber the live ones.
        if self.order.len() > 2 * self.cap {
            let issued = &self.issued;
            self.order.retain(|n| issued.contains_key(n));
        }
        self.issued.insert(nonce, (device, now + CHALLENGE_TTL));
        self.order.push_back(nonce);
        self.by_device.entry(device).or_default().push_back(nonce);
    }

    /// Takes the challenge `nonce` if it was issued to `device` and has not
    /// expired; either way it cannot be used again.
    pub fn take(&mut self, nonce: &[u8; 32], device: &[u8; 32], now: Instant) -> bool {
        matches!(self.forget(nonce), Some((d, expires)) if d == *device && expires > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(i: u32) -> [u8; 32] {
        let mut b = [0; 32];
        b[..4].copy_from_slice(&i.to_le_bytes());
        b
    }

    #[test]
    fn a_challenge_works_once_for_its_device_until_it_expires() {
        let t = Instant::now();
        let mut c = Challenges::new(10, 3);
        c.issue([1; 32], n(1), t);
        assert!(!c.take(&n(1), &[2; 32], t), "another device's challenge");
        c.issue([1; 32], n(2), t);
        assert!(c.take(&n(2), &[1; 32], t));
        assert!(!c.take(&n(2), &[1; 32], t), "used twice");
        c.issue([1; 32], n(3), t);
        assert!(!c.take(&n(3), &[1; 32], t + CHALLENGE_TTL), "expired");
        assert!(c.is_empty());
    }

    #[test]
    fn a_flood_evicts_its_own_oldest_and_never_a_fresh_challenge() {
        let t = Instant::now();
        let mut c = Challenges::new(100, 4);
        // One device asking over and over keeps only its newest four.
        for i in 0..1000 {
            c.issue([9; 32], n(i), t);
        }
        assert_eq!(c.len(), 4);
        assert!(c.take(&n(999), &[9; 32], t));
        assert!(!c.take(&n(0), &[9; 32], t));
        // Many devices fill the table; the oldest go, the newest stay.
        c.issue([1; 32], n(5000), t);
        for i in 0..10_000u32 {
            let mut device = [0; 32];
            device[..4].copy_from_slice(&i.to_le_bytes());
            device[31] = 7;
            c.issue(device, n(10_000 + i), t);
        }
        assert_eq!(c.len(), 100);
        assert!(c.by_device.len() <= 100);
        assert!(c.order.len() <= 201);
        c.issue([1; 32], n(6000), t);
        assert!(c.take(&n(6000), &[1; 32], t), "a fresh challenge survives the flood");
    }
}
