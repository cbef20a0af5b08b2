//! Status links: what a client's browser opens. A laptop seals a snapshot of
//! what the client may see (and each client-visible document) under a key of
//! the link's own; the relay stores only the sealed bytes under the link's
//! id; the key travels only in the link's fragment (`https://RELAY/s/ID#KEY`),
//! which browsers never send to a server.
//!
//! AES-256-GCM, because every browser opens it with WebCrypto and no script
//! need be sent for the cipher itself: sealed bytes are the 12-byte nonce,
//! then the ciphertext with its 16-byte tag. The associated data binds each
//! sealed part to its link and its place ("snapshot", or "file:" and the
//! file's id), so the relay cannot hand one link's bytes out as another's, or
//! a document as the snapshot. The viewer page (`viewer/status.js` in the
//! relay) opens exactly this format; a change here is a change there.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use data_encoding::{BASE32_DNSSEC, BASE64URL_NOPAD};
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Bytes of a link's id (random, named in its address).
pub const LINK_ID_BYTES: usize = 16;
/// Bytes of a link's key (random, only in its fragment).
pub const LINK_KEY_BYTES: usize = 32;
/// Bytes of a document's id within a link.
pub const FILE_ID_BYTES: usize = 16;
/// Bytes of a seal's nonce.
pub const NONCE_BYTES: usize = 12;
/// Largest sealed snapshot the relay keeps.
pub const MAX_SNAPSHOT_BYTES: usize = 512 * 1024;
/// Most documents one link may carry.
pub const MAX_LINK_FILES: usize = 64;

const DOMAIN: &[u8] = b"nextdate-status-link-v1";

/// A link's key. Never stored by the relay, never logged.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct LinkKey([u8; LINK_KEY_BYTES]);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(…)")
    }
}

impl LinkKey {
    pub fn from_bytes(bytes: [u8; LINK_KEY_BYTES]) -> Self {
        LinkKey(bytes)
    }

    /// The key as a link's fragment carries it (base64url, no padding: 43 characters).
    pub fn to_fragment(&self) -> String {
        BASE64URL_NOPAD.encode(&self.0)
    }

    /// A fragment back to a key; `None` for anything that is not one.
    pub fn from_fragment(text: &str) -> Option<Self> {
        let bytes = BASE64URL_NOPAD.decode(text.trim().as_bytes()).ok()?;
        Some(LinkKey(bytes.try_into().ok()?))
    }

    /// The id a document has within this link: keyed, so the relay cannot
    /// tell which document it is from its content's hash.
    pub fn file_id(&self, content_sha256: &[u8; 32]) -> [u8; FILE_ID_BYTES] {
        let mut h = Sha256::new();
        h.update(DOMAIN);
        h.update(b"\0file-id\0");
        h.update(self.0);
        h.update(content_sha256);
        let digest: [u8; 32] = h.finalize().into();
        let mut id = [0u8; FILE_ID_BYTES];
        id.copy_from_slice(&digest[..FILE_ID_BYTES]);
        id
    }
}

/// What a sealed part is within its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Snapshot,
    File([u8; FILE_ID_BYTES]),
}

/// A link's or a file's id as it is written in an address: lower-case
/// base32 (`0-9a-v`, no padding; 26 characters for a link), which never
/// starts with a `-` a command line would take for an option.
pub fn id_text(id: &[u8]) -> String {
    BASE32_DNSSEC.encode(id)
}

/// An id from an address; `None` for anything that is not `N` bytes.
pub fn parse_id<const N: usize>(text: &str) -> Option<[u8; N]> {
    BASE32_DNSSEC.decode(text.as_bytes()).ok()?.try_into().ok()
}

/// The associated data: the domain, the link's id and the part's name
/// (`snapshot`, or `file:` and the file's id), ids as [`id_text`] writes them.
fn aad(link: &[u8; LINK_ID_BYTES], part: Part) -> Vec<u8> {
    let mut a = DOMAIN.to_vec();
    a.push(b'|');
    a.extend_from_slice(id_text(link).as_bytes());
    a.push(b'|');
    match part {
        Part::Snapshot => a.extend_from_slice(b"snapshot"),
        Part::File(id) => {
            a.extend_from_slice(b"file:");
            a.extend_from_slice(id_text(&id).as_bytes());
        }
    }
    a
}

/// Why sealed bytes did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkOpenError {
    #[error("too short to be sealed")]
    TooShort,
    #[error("the key does not open it, or it was altered")]
    Refused,
}

/// Seals `plaintext` as `part` of link `link` with a fresh `nonce` (the caller's randomness).
pub fn seal(
    key: &LinkKey,
    link: &[u8; LINK_ID_BYTES],
    part: Part,
    nonce: [u8; NONCE_BYTES],
    plaintext: &[u8],
) -> Vec<u8> {
    let cipher = Aes256Gcm::new_from_slice(&key.0).expect("a 32-byte key");
    let ad = aad(link, part);
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &ad,
            },
        )
        .expect("AES-GCM seals any length a link carries");
    let mut out = Vec::with_capacity(NONCE_BYTES + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Opens what [`seal`] made, checking it is `part` of link `link`.
pub fn open(key: &LinkKey, link: &[u8; LINK_ID_BYTES], part: Part, sealed: &[u8]) -> Result<Vec<u8>, LinkOpenError> {
    if sealed.len() < NONCE_BYTES + 16 {
        return Err(LinkOpenError::TooShort);
    }
    let (nonce, body) = sealed.split_at(NONCE_BYTES);
    let cipher = Aes256Gcm::new_from_slice(&key.0).expect("a 32-byte key");
    let ad = aad(link, part);
    cipher
        .decrypt(Nonce::from_slice(nonce), Payload { msg: body, aad: &ad })
        .map_err(|_| LinkOpenError::Refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: [u8; 16] = [7; 16];

    #[test]
    fn a_sealed_snapshot_opens_only_with_its_key_link_and_part() {
        let key = LinkKey::from_bytes([1; 32]);
        let sealed = seal(&key, &LINK, Part::Snapshot, [9; 12], b"next date 15-01-2027");
        assert_eq!(sealed.len(), 12 + 20 + 16);
        assert!(!sealed.windows(4).any(|w| w == b"next"));
        assert_eq!(
            open(&key, &LINK, Part::Snapshot, &sealed).unwrap(),
            b"next date 15-01-2027"
        );
        let other = LinkKey::from_bytes([2; 32]);
        assert_eq!(
            open(&other, &LINK, Part::Snapshot, &sealed),
            Err(LinkOpenError::Refused)
        );
        assert_eq!(
            open(&key, &[8; 16], Part::Snapshot, &sealed),
            Err(LinkOpenError::Refused)
        );
        assert_eq!(
            open(&key, &LINK, Part::File([0; 16]), &sealed),
            Err(LinkOpenError::Refused)
        );
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert_eq!(open(&key, &LINK, Part::Snapshot, &flipped), Err(LinkOpenError::Refused));
        assert_eq!(
            open(&key, &LINK, Part::Snapshot, &sealed[..27]),
            Err(LinkOpenError::TooShort)
        );
    }

    #[test]
    fn keys_and_ids_round_trip_through_an_address() {
        let key = LinkKey::from_bytes([0xab; 32]);
        let text = key.to_fragment();
        assert_eq!(text.len(), 43);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(LinkKey::from_fragment(&text), Some(key.clone()));
        assert_eq!(LinkKey::from_fragment("short"), None);
        assert_eq!(LinkKey::from_fragment(&format!("{text}AA")), None);
        let id = id_text(&LINK);
        assert_eq!(id.len(), 26);
        assert!(
            id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'v').contains(&b)),
            "{id}"
        );
        assert_eq!(parse_id::<16>(&id), Some(LINK));
        assert_eq!(parse_id::<16>("not an id!"), None);
        // A document's id depends on the key, not only on its content.
        let sha = [3u8; 32];
        assert_ne!(key.file_id(&sha), LinkKey::from_bytes([0xac; 32]).file_id(&sha));
        assert_eq!(key.file_id(&sha), key.file_id(&sha));
    }

    /// Fixed bytes, which Node's WebCrypto (`crypto.subtle.encrypt` with the
    /// same key, nonce and associated data) also gives: a change to the
    /// format changes them, and the viewer page must change with it.
    #[test]
    fn the_format_is_fixed_and_is_what_webcrypto_makes() {
        let key = LinkKey::from_bytes(core::array::from_fn(|i| i as u8));
        let sealed = seal(&key, &[0x11; 16], Part::Snapshot, [0x22; 12], b"{}");
        assert_eq!(
            data_encoding::HEXLOWER.encode(&sealed),
            "2222222222222222222222220669fa5750b7159d990850b83311988e3a79"
        );
    }
}
