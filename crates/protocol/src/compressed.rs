//! Format version 5: a batch payload compressed before it is encrypted.
//!
//! Ciphertext does not compress, so a batch is compressed before it is
//! sealed. The plaintext inside a version-5 envelope is
//!
//! - the payload's size once inflated, a postcard varint (`u32`), then
//! - the raw DEFLATE stream (RFC 1951: no zlib or gzip wrapper, no checksum;
//!   the AEAD tag already covers every byte) of the payload in the
//!   version-4 layout (the postcard encoding of [`BatchPayload`]).
//!
//! DEFLATE, written by `miniz_oxide` at level 6: pure Rust, already in every
//! build (Automerge compresses with it through `flate2`), and on real batches
//! of the sync benchmark within 6 % of zstd's size (4.5 times smaller than
//! uncompressed, against 4.8) at about 10 ms to compress and 0.5 ms to inflate
//! a batch of a thousand changes.
//!
//! Opening never inflates more than [`MAX_PAYLOAD_BYTES`]: a declared size
//! above it is refused before anything is inflated, and the stream is
//! inflated into at most one byte more than it declares, so a small stream
//! that would grow past that (a decompression bomb) is refused as
//! [`OpenError::Malformed`] saying so, as is a stream that does not inflate,
//! or inflates to another size than it declares, or does not decode. A device
//! seals a batch compressed only when that is smaller and the payload is
//! within the cap, so every batch it seals opens everywhere.

use zeroize::Zeroizing;

use crate::change::BatchPayload;
use crate::envelope::OpenError;
use crate::frame::MAX_BATCH_BYTES;

/// The largest payload a version-5 batch may inflate to: twice the largest
/// sealed batch the relay stores ([`MAX_BATCH_BYTES`]). A batch of the sync
/// engine carries at most 512 KiB of change data (or one larger change)
/// besides signatures and names, so this leaves room without letting one
/// small batch take much memory. Larger payloads are sealed uncompressed
/// (and are then over the relay's limit, refused before they are sent).
pub const MAX_PAYLOAD_BYTES: usize = 2 * MAX_BATCH_BYTES;

/// The format version of a compressed batch.
pub const VERSION: u8 = 5;

/// The DEFLATE level (0–10, miniz's scale): 6, zlib's default. Higher levels
/// barely shrink real batches and cost more time.
const LEVEL: u8 = 6;

/// The payload in the layout a version-5 batch compresses: version 4's
/// (deterministic: the same payload always gives the same bytes).
pub fn layout(payload: &BatchPayload) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(postcard::to_allocvec(payload).expect("payload serializes"))
}

/// Reads the layout (already inflated).
pub fn read_layout(bytes: &[u8]) -> Result<BatchPayload, OpenError> {
    postcard::from_bytes(bytes).map_err(|e| OpenError::Malformed(e.to_string()))
}

/// The plaintext of a version-5 envelope for `payload`, or `None` when its
/// layout is larger than [`MAX_PAYLOAD_BYTES`] (it is sealed uncompressed).
pub fn compress(payload: &BatchPayload) -> Option<Zeroizing<Vec<u8>>> {
    compress_layout(&layout(payload))
}

/// [`compress`] for a payload already in its [`layout`].
pub fn compress_layout(layout: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if layout.len() > MAX_PAYLOAD_BYTES {
        return None;
    }
    let mut out = Zeroizing::new(postcard::to_allocvec(&(layout.len() as u32)).expect("a size serializes"));
    out.extend_from_slice(&Zeroizing::new(deflate(layout)));
    Some(out)
}

/// The raw DEFLATE stream of `bytes`, as version 5 writes it.
pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(bytes, LEVEL)
}

/// Inflates the plaintext of a version-5 envelope to its layout, never to
/// more than [`MAX_PAYLOAD_BYTES`] (nor more than it declares).
pub fn inflate(plain: &[u8]) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    let (declared, stream) = postcard::take_from_bytes::<u32>(plain)
        .map_err(|e| OpenError::Malformed(format!("the compressed batch has no size: {e}")))?;
    let declared = declared as usize;
    if declared > MAX_PAYLOAD_BYTES {
        return Err(OpenError::Malformed(format!(
            "the compressed batch declares {declared} bytes, more than the {MAX_PAYLOAD_BYTES} a batch may \
             decompress to (refused as a decompression bomb)"
        )));
    }
    let bomb = || {
        OpenError::Malformed(format!(
            "the compressed batch decompresses to more than the {declared} bytes it declares \
             (refused as a decompression bomb)"
        ))
    };
    // One byte of room past the declared size, so that a stream that ends
    // exactly there always finishes, and one that goes on is caught.
    let inflated = miniz_oxide::inflate::decompress_to_vec_with_limit(stream, declared + 1).map_err(|e| {
        let _ = Zeroizing::new(e.output);
        match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => bomb(),
            status => OpenError::Malformed(format!(
                "the compressed batch is damaged and does not decompress ({status:?})"
            )),
        }
    })?;
    let inflated = Zeroizing::new(inflated);
    if inflated.len() > declared {
        return Err(bomb());
    }
    if inflated.len() != declared {
        return Err(OpenError::Malformed(format!(
            "the compressed batch decompresses to {} bytes, not the {declared} it declares",
            inflated.len()
        )));
    }
    Ok(inflated)
}

/// Reads the plaintext of a version-5 envelope.
pub fn decompress(plain: &[u8]) -> Result<BatchPayload, OpenError> {
    read_layout(&inflate(plain)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change::WireChange;
    use proptest::prelude::*;

    fn change(i: usize, context: &[u8]) -> WireChange {
        WireChange {
            doc_id: format!("01JCASE{i:019}"),
            kind: "case".into(),
            bytes: format!("Matter {i} v. State, District Court, Admission").into_bytes(),
            replaces: i % 7 == 3,
            context: context.to_vec(),
            signatures: vec![(i % 100) as u8; 64],
        }
    }

    fn payload(n: usize) -> BatchPayload {
        let heads = [[0xAB; 32], [0xCD; 32]].concat();
        BatchPayload {
            changes: (0..n)
                .map(|i| change(i, if i % 5 == 0 { &heads[..32] } else { &heads }))
                .collect(),
            device_seq: 9,
            previous: vec![4; 32],
        }
    }

    /// The plaintext: a declared size, then a DEFLATE stream of `layout`.
    fn plain_of(declared: u32, layout: &[u8]) -> Vec<u8> {
        let mut p = postcard::to_allocvec(&declared).unwrap();
        p.extend(deflate(layout));
        p
    }

    fn malformed(r: Result<BatchPayload, OpenError>) -> String {
        match r {
            Err(OpenError::Malformed(why)) => why,
            other => panic!("not refused as malformed: {other:?}"),
        }
    }

    #[test]
    fn round_trips_a_payload_in_the_version_4_layout() {
        let p = payload(200);
        assert_eq!(p.format_version(), 4);
        assert_eq!(*layout(&p), p.encode());
        assert_eq!(read_layout(&layout(&p)).unwrap(), p);
        let plain = compress(&p).unwrap();
        assert_eq!(
            plain[..3],
            postcard::to_allocvec(&(p.encode().len() as u32)).unwrap()[..]
        );
        assert!(
            plain.len() * 3 < p.encode().len(),
            "{} of {}",
            plain.len(),
            p.encode().len()
        );
        assert_eq!(decompress(&plain).unwrap(), p);
        // Payloads that older versions carry are compressed in the same layout.
        let old = BatchPayload {
            changes: vec![WireChange {
                signatures: Vec::new(),
                ..change(1, &[])
            }],
            ..Default::default()
        };
        assert_eq!(old.format_version(), 1);
        assert_eq!(decompress(&compress(&old).unwrap()).unwrap(), old);
        assert_eq!(
            decompress(&compress(&BatchPayload::default()).unwrap()).unwrap(),
            BatchPayload::default()
        );
    }

    #[test]
    fn only_payloads_within_the_cap_are_compressed() {
        let mut big = payload(1);
        big.changes[0].bytes = vec![7; MAX_PAYLOAD_BYTES];
        assert!(compress(&big).is_none());
        assert_eq!(
            big.sealed_form().0,
            4,
            "sealed uncompressed (and over the relay's limit)"
        );
        big.changes[0].bytes.truncate(MAX_PAYLOAD_BYTES - 200);
        assert_eq!(decompress(&compress(&big).unwrap()).unwrap(), big);
        assert_eq!(big.sealed_form().0, VERSION);
    }

    #[test]
    fn a_bomb_is_refused_before_it_grows_past_the_cap() {
        // 8 MiB of zeros deflate to about 8 KiB.
        let zeros = vec![0u8; 8 * 1024 * 1024];
        // Honest about its size: refused before inflating anything.
        let honest = plain_of(zeros.len() as u32, &zeros);
        assert!(honest.len() < 16 * 1024, "{}", honest.len());
        let why = malformed(decompress(&honest));
        assert!(
            why.contains("decompression bomb") && why.contains("declares 8388608 bytes"),
            "{why}"
        );
        // Lying about its size: inflated only up to what it declares.
        let lying = plain_of(1000, &zeros);
        let why = malformed(decompress(&lying));
        assert!(
            why.contains("decompression bomb") && why.contains("more than the 1000 bytes"),
            "{why}"
        );
        // Just past the cap, declared as the cap.
        let past = vec![0u8; MAX_PAYLOAD_BYTES + 1];
        let why = malformed(decompress(&plain_of(MAX_PAYLOAD_BYTES as u32, &past)));
        assert!(why.contains("decompression bomb"), "{why}");
    }

    #[test]
    fn damaged_streams_sizes_and_layouts_are_refused() {
        let p = payload(50);
        let plain = compress(&p).unwrap();
        let (declared, _) = postcard::take_from_bytes::<u32>(&plain).unwrap();
        // Cut short.
        let why = malformed(decompress(&plain[..plain.len() / 2]));
        assert!(why.contains("damaged"), "{why}");
        // Not DEFLATE at all (0xFF: a block of the reserved type 3).
        let mut garbage = postcard::to_allocvec(&declared).unwrap();
        garbage.extend([0xFF; 64]);
        assert!(malformed(decompress(&garbage)).contains("damaged"));
        // Declares more than it holds.
        let mut larger = postcard::to_allocvec(&(declared + 1)).unwrap();
        larger.extend(&plain[postcard::to_allocvec(&declared).unwrap().len()..]);
        assert!(malformed(decompress(&larger)).contains("not the"));
        // No size at all.
        assert!(malformed(decompress(&[])).contains("no size"));
        // Inflates, but not to a payload.
        let why = malformed(decompress(&plain_of(3, &[0xFF, 0xFF, 0xFF])));
        assert!(!why.contains("damaged"), "{why}");
    }

    fn any_change() -> impl Strategy<Value = WireChange> {
        (
            "[0-9A-Z]{0,26}",
            prop_oneof![Just("case".to_string()), Just("client".to_string()), "[a-z]{0,8}"],
            proptest::collection::vec(any::<u8>(), 0..300),
            any::<bool>(),
            prop_oneof![
                Just(Vec::new()),
                Just(vec![0xAB; 32]),
                proptest::collection::vec(any::<u8>(), 0..96)
            ],
            proptest::collection::vec(any::<u8>(), 0..130),
        )
            .prop_map(|(doc_id, kind, bytes, replaces, context, signatures)| WireChange {
                doc_id,
                kind,
                bytes,
                replaces,
                context,
                signatures,
            })
    }

    proptest! {
        // Each case compresses (slow without optimisation): fewer cases.
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_payload_survives_compression(
            changes in proptest::collection::vec(any_change(), 0..40),
            device_seq in any::<u64>(),
            previous in proptest::collection::vec(any::<u8>(), 0..40),
        ) {
            let p = BatchPayload { changes, device_seq, previous };
            prop_assert_eq!(decompress(&compress(&p).unwrap()).unwrap(), p);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn arbitrary_plaintext_never_panics_nor_grows_past_the_cap(
            bytes in proptest::collection::vec(any::<u8>(), 0..512),
        ) {
            if let Ok(inflated) = inflate(&bytes) {
                prop_assert!(inflated.len() <= MAX_PAYLOAD_BYTES);
            }
            let _ = decompress(&bytes);
        }

        #[test]
        fn a_damaged_compressed_batch_is_refused_or_reads_as_some_payload(
            n in 1usize..60,
            at in any::<prop::sample::Index>(),
            xor in 1u8..=255,
        ) {
            let mut plain = compress(&payload(n)).unwrap().to_vec();
            let i = at.index(plain.len());
            plain[i] ^= xor;
            // DEFLATE has no checksum (the AEAD tag guards the bytes): a
            // damaged stream is refused, or by chance reads as another
            // payload, but never panics nor grows past the cap.
            if let Ok(inflated) = inflate(&plain) {
                prop_assert!(inflated.len() <= MAX_PAYLOAD_BYTES);
            }
            let _ = decompress(&plain);
        }
    }
}
