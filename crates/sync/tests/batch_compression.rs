//! Batches sealed from a real diary, as the sync engine seals them: the
//! sync benchmark's workload (new cases and stage edits of shared cases,
//! made offline), pushed as one multi-change batch, opened and merged into
//! another copy of the same diary. Checks that compressed batches (format
//! version 5) open and merge to the same documents, that version-4 batches
//! still do, and that a decompression bomb or a damaged compressed stream is
//! refused and nothing is merged.
//!
//! `batch_bytes_breakdown` (ignored) prints where the bytes of a typical
//! batch go: `cargo test -p nextdate-sync --test batch_compression -- --ignored --nocapture`.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use nextdate_diary::replication::SignedChanges;
use nextdate_diary::{CaseEdit, Diary, InitOptions, NewCase, Protection, Unlock, Zeroizing};
use nextdate_protocol::compressed::{self, MAX_PAYLOAD_BYTES};
use nextdate_protocol::envelope::{self, Envelope, EnvelopeBody, SealingKey};
use nextdate_protocol::{BatchPayload, OpenError, WireChange};
use nextdate_sync::crypto::{self, ChamberKey, DeviceKeys};
use nextdate_sync::wire::{from_wire, to_wire};

const PASSPHRASE: &str = "compression test passphrase";
/// What the engine puts in one batch at most (`engine::BATCH_BYTES`, `BATCH_ENTRIES`).
const BATCH_BYTES: usize = 512 * 1024;
const BATCH_ENTRIES: usize = 1000;

/// A folder of this test's own, empty, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("nextdate-batch-compression-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unlock() -> Unlock {
    Unlock::Passphrase(Zeroizing::new(PASSPHRASE.into()))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Two copies of one new diary (the same chamber, the same documents), and
/// ten shared cases in both: `a` writes, `b` receives.
struct Copies {
    a: Diary,
    b: Diary,
    shared: Vec<String>,
    /// The last outbox entry both copies hold.
    common: i64,
}

fn two_copies(root: &Path) -> Copies {
    let mut a = Diary::init(
        &root.join("a"),
        InitOptions {
            name: "Senior".into(),
            advocate: Some("Senior".into()),
            protection: Protection::Passphrase(Zeroizing::new(PASSPHRASE.into())),
        },
    )
    .unwrap()
    .diary;
    let shared: Vec<String> = (0..10)
        .map(|i| {
            a.add_case(NewCase {
                title: format!("Shared {i} v. State"),
                number: format!("SH {i}/2026"),
                court: "High Court".into(),
                ..Default::default()
            })
            .unwrap()
        })
        .collect();
    let common = a.outbox_run(0, usize::MAX, usize::MAX).unwrap().unwrap().last;
    drop(a);
    copy_dir(&root.join("a"), &root.join("b"));
    let a = Diary::open(&root.join("a"), &unlock()).unwrap();
    let b = Diary::open(&root.join("b"), &unlock()).unwrap();
    assert_eq!(a.doc_heads().unwrap(), b.doc_heads().unwrap());
    Copies { a, b, shared, common }
}

/// The sync benchmark's offline edits on device `k`: `n` edits, every tenth
/// a stage change of a shared case, the others new cases.
fn bench_edits(d: &mut Diary, shared: &[String], k: usize, n: usize) {
    let stages = ["Admission", "Evidence", "Arguments", "Orders"];
    for i in 0..n {
        if i % 10 == 9 {
            d.edit_case(
                &shared[i % 10],
                CaseEdit {
                    stage: Some(Some(format!("{} {k}-{i}", stages[i % 4]))),
                    ..Default::default()
                },
            )
            .unwrap();
        } else {
            d.add_case(NewCase {
                title: format!("Matter {k}-{i} v. State"),
                number: format!("CS {k}-{i}/2026"),
                court: "District Court".into(),
                stage: Some("Admission".into()),
                ..Default::default()
            })
            .unwrap();
        }
    }
}

/// The outbox's changes after `after`, as the engine batches and signs them
/// (each Automerge change signed by `device`), in batches.
fn outbox_batches(d: &Diary, after: i64, device: &DeviceKeys) -> Vec<BatchPayload> {
    let mut after = after;
    let mut batches = Vec::new();
    while let Some(run) = d.outbox_run(after, BATCH_BYTES, BATCH_ENTRIES).unwrap() {
        after = run.last;
        let changes = run
            .changes
            .into_iter()
            .map(|mut c| {
                let hashes = nextdate_diary::authorship::hashes_of(&c);
                c.signatures = hashes
                    .iter()
                    .flat_map(|h| device.sign(&nextdate_diary::authorship::signing_message(d.chamber_id(), h)))
                    .collect();
                to_wire(c)
            })
            .collect();
        batches.push(BatchPayload {
            changes,
            device_seq: batches.len() as u64 + 1,
            previous: Vec::new(),
        });
    }
    batches
}

fn batch_id(i: usize) -> [u8; 16] {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(i as u64).to_be_bytes());
    id
}

fn body_of(sealed: &[u8]) -> EnvelopeBody {
    let env: Envelope = postcard::from_bytes(sealed).unwrap();
    postcard::from_bytes(&env.body).unwrap()
}

/// A device with known keys: its keys as the sync engine holds them, and
/// its signing key, to seal as other builds would.
fn device() -> (DeviceKeys, SigningKey) {
    let (seed, dh) = ([21u8; 32], [22u8; 32]);
    let keys = DeviceKeys::from_secret_hex(&data_encoding::HEXLOWER.encode(&[seed, dh].concat())).unwrap();
    let signing = SigningKey::from_bytes(&seed);
    assert_eq!(keys.public(), signing.verifying_key().to_bytes());
    (keys, signing)
}

fn sealing(key: &ChamberKey) -> SealingKey<'_> {
    SealingKey {
        epoch: key.epoch,
        key: key.bytes(),
    }
}

/// What a pull does with a page of batches: opens each, merges the ones
/// that opened (all in one go), and returns why the others were refused.
fn pull_into(into: &mut Diary, sealed: &[Vec<u8>], key: &ChamberKey, chamber: &str) -> Vec<OpenError> {
    let mut good = Vec::new();
    let mut refused = Vec::new();
    for s in sealed {
        match crypto::open(s, key, chamber) {
            Ok(opened) => good.push(SignedChanges {
                signer: opened.device,
                changes: opened.payload.changes.into_iter().map(from_wire).collect(),
            }),
            Err(e) => refused.push(e),
        }
    }
    let report = into.merge_remote(&good, &[]).unwrap();
    assert_eq!(report.refused, 0, "{report:?}");
    assert_eq!(report.parked, 0, "{report:?}");
    refused
}

/// The plaintext of a version-5 batch: `declared` as its size, then `stream`
/// (a DEFLATE stream, or not).
fn with_size(declared: u32, stream: &[u8]) -> Vec<u8> {
    [postcard::to_allocvec(&declared).unwrap(), stream.to_vec()].concat()
}

#[test]
fn real_batches_sealed_compressed_open_and_merge_to_the_same_documents() {
    let root = TempDir::new("v5");
    let Copies {
        mut a,
        mut b,
        shared,
        common,
    } = two_copies(&root.0);
    bench_edits(&mut a, &shared, 0, 300);
    let (device, _) = device();
    let key = ChamberKey::generate();
    let chamber = a.chamber_id().to_string();
    let payloads = outbox_batches(&a, common, &device);
    assert_eq!(payloads.len(), 1, "300 edits fit one batch");
    assert_eq!(payloads[0].changes.len(), 300);
    let sealed: Vec<Vec<u8>> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| crypto::seal(&device, &key, &chamber, batch_id(i), p))
        .collect();
    for (s, p) in sealed.iter().zip(&payloads) {
        assert_eq!(body_of(s).version, 5, "a real batch is sealed compressed");
        assert!(
            s.len() * 2 < p.encode().len(),
            "compressed to {} bytes from {}",
            s.len(),
            p.encode().len()
        );
        // What opens is exactly what was sealed, so the chain digest agrees.
        assert_eq!(&crypto::open(s, &key, &chamber).unwrap().payload, p);
    }
    assert_ne!(a.doc_heads().unwrap(), b.doc_heads().unwrap());
    assert_eq!(pull_into(&mut b, &sealed, &key, &chamber), []);
    assert_eq!(a.doc_heads().unwrap(), b.doc_heads().unwrap());
    assert_eq!(
        b.doc_heads().unwrap().len(),
        1 + 10 + 270,
        "chamber, shared cases, new cases"
    );
}

#[test]
fn a_version_4_batch_from_a_real_diary_still_opens_and_merges() {
    let root = TempDir::new("v4");
    let Copies {
        mut a,
        mut b,
        shared,
        common,
    } = two_copies(&root.0);
    bench_edits(&mut a, &shared, 1, 40);
    let (device, signing) = device();
    let key = ChamberKey::generate();
    let chamber = a.chamber_id().to_string();
    let payload = outbox_batches(&a, common, &device).remove(0);
    assert_eq!(payload.format_version(), 4);
    // Sealed as a build before compression sealed it: version 4, uncompressed.
    let sealed = envelope::seal_uncompressed(&signing, sealing(&key), &chamber, batch_id(0), [3; 24], &payload);
    assert_eq!(body_of(&sealed).version, 4);
    assert_eq!(pull_into(&mut b, &[sealed], &key, &chamber), []);
    assert_eq!(a.doc_heads().unwrap(), b.doc_heads().unwrap());
}

/// A member's batch that is small on the wire but would inflate past the
/// cap is refused as a decompression bomb, whatever size it declares, and
/// nothing of it is merged; a good batch beside it still is.
#[test]
fn a_decompression_bomb_is_refused_and_nothing_of_it_merged() {
    let root = TempDir::new("bomb");
    let Copies {
        mut a,
        mut b,
        shared,
        common,
    } = two_copies(&root.0);
    bench_edits(&mut a, &shared, 2, 30);
    let (device, signing) = device();
    let key = ChamberKey::generate();
    let chamber = a.chamber_id().to_string();
    let good = crypto::seal(
        &device,
        &key,
        &chamber,
        batch_id(0),
        &outbox_batches(&a, common, &device)[0],
    );
    let expected = a.doc_heads().unwrap();
    // The bomb: a real layout followed by 8 MiB of zeros.
    let mut bomb_layout = compressed::layout(&BatchPayload::default()).to_vec();
    bomb_layout.resize(2 * MAX_PAYLOAD_BYTES, 0);
    let stream = compressed::deflate(&bomb_layout);
    let bombs: Vec<Vec<u8>> = [MAX_PAYLOAD_BYTES as u32 + 1, 64, MAX_PAYLOAD_BYTES as u32]
        .into_iter()
        .enumerate()
        .map(|(i, declared)| {
            let plain = with_size(declared, &stream);
            assert!(plain.len() < 16 * 1024, "a bomb of {} bytes", plain.len());
            envelope::seal_plain(&signing, sealing(&key), &chamber, batch_id(i + 1), [4; 24], 5, &plain)
        })
        .collect();
    let mut page = vec![good];
    page.extend(bombs);
    let refused = pull_into(&mut b, &page, &key, &chamber);
    assert_eq!(refused.len(), 3);
    for e in &refused {
        assert!(
            matches!(e, OpenError::Malformed(why) if why.contains("decompression bomb")),
            "{e}"
        );
    }
    assert!(
        refused[0].to_string().contains("declares 4194305 bytes"),
        "{}",
        refused[0]
    );
    assert_eq!(b.doc_heads().unwrap(), expected, "the good batch merged, nothing else");
    // Without the good batch, nothing changes at all.
    let before = b.doc_heads().unwrap();
    assert_eq!(pull_into(&mut b, &page[1..], &key, &chamber).len(), 3);
    assert_eq!(b.doc_heads().unwrap(), before);
}

/// A compressed batch whose stream is garbage, cut short, or inflates to
/// another size than it declares is refused (it decrypts and verifies: only
/// a member could send it) and nothing is merged.
#[test]
fn a_damaged_compressed_stream_is_refused_and_nothing_merged() {
    let root = TempDir::new("garbage");
    let Copies {
        mut a,
        mut b,
        shared,
        common,
    } = two_copies(&root.0);
    bench_edits(&mut a, &shared, 3, 20);
    let (device, signing) = device();
    let key = ChamberKey::generate();
    let chamber = a.chamber_id().to_string();
    let real = compressed::compress(&outbox_batches(&a, common, &device)[0])
        .unwrap()
        .to_vec();
    let (declared, stream) = postcard::take_from_bytes::<u32>(&real).unwrap();
    let mut flipped_type = stream.to_vec();
    flipped_type[0] |= 0b110; // block type 3: reserved, never valid
    let plains = [
        with_size(declared, &[0xFF; 200]),
        with_size(declared, &stream[..stream.len() / 2]),
        with_size(declared, &flipped_type),
        with_size(declared + 10, stream),
        with_size(declared - 1, stream),
    ];
    let before = b.doc_heads().unwrap();
    let page: Vec<Vec<u8>> = plains
        .iter()
        .enumerate()
        .map(|(i, plain)| envelope::seal_plain(&signing, sealing(&key), &chamber, batch_id(i), [5; 24], 5, plain))
        .collect();
    let refused = pull_into(&mut b, &page, &key, &chamber);
    assert_eq!(refused.len(), plains.len());
    let words = ["damaged", "damaged", "damaged", "not the", "decompression bomb"];
    for (e, words) in refused.iter().zip(words) {
        assert!(matches!(e, OpenError::Malformed(why) if why.contains(words)), "{e}");
    }
    assert_eq!(b.doc_heads().unwrap(), before);
    // The same stream, whole, opens.
    let whole = envelope::seal_plain(&signing, sealing(&key), &chamber, batch_id(9), [5; 24], 5, &real);
    assert_eq!(pull_into(&mut b, &[whole], &key, &chamber), []);
    assert_eq!(b.doc_heads().unwrap(), a.doc_heads().unwrap());
}

/// Where the bytes of a typical batch of the sync benchmark go. Figures, not
/// assertions: run with `-- --ignored --nocapture`.
#[test]
#[ignore = "prints figures"]
fn batch_bytes_breakdown() {
    let root = TempDir::new("breakdown");
    let Copies {
        mut a, shared, common, ..
    } = two_copies(&root.0);
    bench_edits(&mut a, &shared, 0, 1000);
    let (device, signing) = device();
    let key = ChamberKey::generate();
    let chamber = a.chamber_id().to_string();
    for (i, p) in outbox_batches(&a, common, &device).iter().enumerate() {
        let encoded = p.encode();
        let sum = |f: &dyn Fn(&WireChange) -> usize| p.changes.iter().map(f).sum::<usize>();
        let n = p.changes.len();
        let whole = p
            .changes
            .iter()
            .filter(|c| c.bytes.starts_with(&[0x85, 0x6f, 0x4a, 0x83]) && c.bytes.get(8) == Some(&0))
            .count();
        let bytes = sum(&|c| c.bytes.len());
        let ids = sum(&|c| c.doc_id.len());
        let kinds = sum(&|c| c.kind.len());
        let context = sum(&|c| c.context.len());
        let sigs = sum(&|c| c.signatures.len());
        let framing = encoded.len() - bytes - ids - kinds - context - sigs - p.previous.len();
        let sealed = crypto::seal(&device, &key, &chamber, batch_id(i), p);
        println!(
            "batch {i}: {n} changes ({whole} whole new documents), {} Automerge changes",
            sigs / 64
        );
        let row = |what: &str, b: usize| {
            println!(
                "  {what:<40} {b:>9} bytes {:>7.1} per change {:>5.1} %",
                b as f64 / n as f64,
                100.0 * b as f64 / encoded.len() as f64
            )
        };
        row("Automerge change bytes", bytes);
        row("document ids", ids);
        row("kinds", kinds);
        row("context (chamber heads, 32 bytes each)", context);
        row("signatures (64 bytes per change)", sigs);
        row("postcard framing (lengths, flags, chain)", framing + p.previous.len());
        row("payload, encoded (version 4)", encoded.len());
        println!(
            "  envelope overhead (body fields, AEAD tag, signature) {} bytes",
            envelope::seal_uncompressed(&signing, sealing(&key), &chamber, batch_id(i), [0; 24], p).len()
                - encoded.len()
        );
        println!(
            "  sealed as version {}: {} bytes ({:.1} per change, {:.2}x smaller)",
            body_of(&sealed).version,
            sealed.len(),
            sealed.len() as f64 / n as f64,
            encoded.len() as f64 / sealed.len() as f64
        );
        if let Ok(dir) = std::env::var("NEXTDATE_BATCH_DUMP") {
            std::fs::write(Path::new(&dir).join(format!("payload-{i}.bin")), &encoded).unwrap();
            std::fs::write(Path::new(&dir).join(format!("layout-{i}.bin")), compressed::layout(p)).unwrap();
        }
    }
}
