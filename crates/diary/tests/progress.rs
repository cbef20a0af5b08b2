//! Long work reports its progress and can be cancelled: a backup, a restore,
//! a rebuild, a CSV import and demo data, each on a real encrypted diary.
//! Every report's totals add up; a cancel part-way (set from inside the report
//! callback after some steps) gives `cancelled` and leaves every file exactly
//! as it was, with no temporary file or staging folder behind.

mod common;

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use nextdate_diary::backup::BackupSecret;
use nextdate_diary::export::ExportFormat;
use nextdate_diary::import::ImportMode;
use nextdate_diary::{Cancel, Diary, InitOptions, Progress, Protection, Stage, Step, Zeroizing};

const BACKUP_PASS: &str = "backup passphrase for the chamber";

/// Records every step; sets the cancel flag at the `at`-th step of `stage` (if any).
struct Recorder {
    steps: RefCell<Vec<Step>>,
    cancel: Cancel,
    at: Option<(Stage, usize)>,
    seen: Cell<usize>,
}

impl Recorder {
    fn new() -> Self {
        Recorder {
            steps: RefCell::new(Vec::new()),
            cancel: Cancel::new(),
            at: None,
            seen: Cell::new(0),
        }
    }

    fn cancelling_at(stage: Stage, n: usize) -> Self {
        Recorder {
            at: Some((stage, n)),
            ..Recorder::new()
        }
    }

    fn hear(&self, s: Step) {
        self.steps.borrow_mut().push(s);
        if let Some((stage, n)) = self.at {
            if s.stage == stage {
                self.seen.set(self.seen.get() + 1);
                if self.seen.get() == n {
                    self.cancel.cancel();
                }
            }
        }
    }

    fn of(&self, stage: Stage) -> Vec<Step> {
        self.steps
            .borrow()
            .iter()
            .copied()
            .filter(|s| s.stage == stage)
            .collect()
    }
}

/// Runs `f` with a progress handle that reports to (and is cancelled by) `r`.
fn with<T>(r: &Recorder, f: impl FnOnce(&Progress<'_>) -> T) -> T {
    let report = |s: Step| r.hear(s);
    f(&Progress::new(&report, &r.cancel))
}

/// Steps of one stage count 1, 2, … up to a total that never changes.
fn assert_adds_up(steps: &[Step], total: u64) {
    assert!(!steps.is_empty(), "no progress was reported");
    assert!(steps.iter().all(|s| s.total == total), "totals changed: {steps:?}");
    let done: Vec<u64> = steps.iter().map(|s| s.done).filter(|d| *d > 0).collect();
    assert_eq!(done, (1..=total).collect::<Vec<_>>(), "steps {steps:?}");
}

/// A diary with demo cases and an attachment, closed, in `dir`.
fn rich_diary(dir: &Path, cases: usize) {
    let (mut d, _) = passphrase_diary(dir);
    let (_, case) = seed(&mut d, "Asha Rao", "W.P.(C) 9911/2026", today());
    d.attach_document(&case, "plaint.pdf", "application/pdf", b"a plaint", true)
        .unwrap();
    nextdate_diary::demo::generate(&mut d, cases, 3, today(), 25, |_| {}).unwrap();
}

/// The diary's files after it is closed.
fn closed_files(d: Diary) -> BTreeMap<String, Vec<u8>> {
    let dir = d.dir().to_path_buf();
    drop(d);
    files(&dir)
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn docs(d: &Diary) -> u64 {
    d.conn()
        .query_row("SELECT count(*) FROM docs", [], |r| r.get::<_, i64>(0))
        .unwrap() as u64
}

#[test]
fn a_backup_reports_every_record_and_a_cancelled_one_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    rich_diary(&dir, 30);
    let out_dir = tmp.path().join("backups");
    std::fs::create_dir(&out_dir).unwrap();

    let d = open(&dir);
    let r = Recorder::new();
    let summary = with(&r, |p| {
        d.backup_to_with_progress(&out_dir.join("full.age"), BACKUP_PASS, false, p)
    })
    .unwrap();
    let total = (summary.docs + summary.blobs) as u64;
    assert_eq!(summary.blobs, 1);
    assert_eq!(total, docs(&d) + 1);
    assert_adds_up(&r.of(Stage::Backup), total);
    let before = closed_files(d);

    // Cancelled part-way, then at the very last record: no file, nothing left over.
    for n in [5, total as usize] {
        let d = open(&dir);
        let state_before = state(&d);
        let r = Recorder::cancelling_at(Stage::Backup, n);
        let err = with(&r, |p| {
            d.backup_to_with_progress(&out_dir.join("cut.age"), BACKUP_PASS, false, p)
        })
        .unwrap_err();
        assert_eq!(err.code(), "cancelled");
        assert_eq!(err.to_string(), "cancelled: nothing was changed");
        assert_eq!(r.of(Stage::Backup).len(), n, "it stopped at once");
        assert_eq!(names(&out_dir), vec!["full.age"], "no backup and no temporary file");
        assert_eq!(state(&d), state_before);
        assert_eq!(closed_files(d), before, "the diary's files changed");
    }

    // Replacing a file: a cancel leaves the old one as it was.
    let old = std::fs::read(out_dir.join("full.age")).unwrap();
    let d = open(&dir);
    let r = Recorder::cancelling_at(Stage::Backup, 3);
    let err = with(&r, |p| {
        d.backup_to_with_progress(&out_dir.join("full.age"), BACKUP_PASS, true, p)
    })
    .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(std::fs::read(out_dir.join("full.age")).unwrap(), old);
    assert_eq!(names(&out_dir), vec!["full.age"]);

    // An automatic backup: cancelled, no file and no failure remembered for Today.
    let auto_dir = tmp.path().join("auto");
    std::fs::create_dir(&auto_dir).unwrap();
    let mut d = d;
    d.set_backup_folder(&auto_dir).unwrap();
    let now = chrono::Local::now().naive_local();
    let status = d.auto_backup_status(now).unwrap();
    let r = Recorder::cancelling_at(Stage::Backup, 2);
    let err = with(&r, |p| {
        d.auto_backup_with_progress(now, nextdate_diary::auto_backup::When::Always, p)
    })
    .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(names(&auto_dir).is_empty(), "{:?}", names(&auto_dir));
    assert_eq!(
        format!("{:?}", d.auto_backup_status(now).unwrap()),
        format!("{status:?}")
    );
}

#[test]
fn a_cancelled_restore_leaves_the_diary_it_would_replace_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    rich_diary(&source, 30);
    let file = tmp.path().join("diary.age");
    let d = open(&source);
    let summary = d.backup(&file, BACKUP_PASS).unwrap();
    drop(d);
    let total = (summary.docs + summary.blobs) as u64;

    // The diary a restore would replace.
    let target = tmp.path().join("target");
    let (mut t, _) = passphrase_diary(&target);
    seed(&mut t, "Kiran Bedi", "O.S. 1/2026", today());
    let before = closed_files(t);
    let around = names(tmp.path());

    let secret = BackupSecret::Passphrase(Zeroizing::new(BACKUP_PASS.to_string()));
    let opts = || InitOptions {
        name: "Restored".into(),
        advocate: None,
        protection: Protection::Passphrase(pass(PASSPHRASE)),
    };
    // Cancelled while reading records in, and later while rebuilding the lists.
    for (stage, n) in [
        (Stage::Restore, 4),
        (Stage::Restore, total as usize),
        (Stage::Rebuild, 3),
    ] {
        let r = Recorder::cancelling_at(stage, n);
        let err = with(&r, |p| {
            Diary::restore_with_progress(&file, &secret, &target, opts(), true, p)
        })
        .err()
        .expect("cancelled");
        assert_eq!(err.code(), "cancelled", "{err}");
        assert_eq!(names(tmp.path()), around, "no staging folder, nothing moved aside");
        assert_eq!(files(&target), before, "the diary there changed");
    }

    // Into an empty place: nothing appears.
    let fresh = tmp.path().join("fresh");
    let r = Recorder::cancelling_at(Stage::Restore, 2);
    assert!(with(&r, |p| Diary::restore_with_progress(
        &file,
        &secret,
        &fresh,
        opts(),
        false,
        p
    ))
    .is_err());
    assert!(!fresh.exists());
    assert_eq!(names(tmp.path()), around);

    // Not cancelled: every record, then the rebuild, each adding up.
    let r = Recorder::new();
    let restored = with(&r, |p| {
        Diary::restore_with_progress(&file, &secret, &target, opts(), true, p)
    })
    .unwrap();
    assert_adds_up(&r.of(Stage::Restore), total);
    assert_adds_up(&r.of(Stage::Rebuild), summary.docs as u64);
    assert!(restored.replaced_dir.is_some());
    assert_eq!(files(restored.replaced_dir.as_deref().unwrap()), before);
}

#[test]
fn a_cancelled_rebuild_is_rolled_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("diary");
    rich_diary(&dir, 60);
    let mut d = open(&dir);
    let total = docs(&d);
    let r = Recorder::new();
    with(&r, |p| d.rebuild_with_progress(p)).unwrap();
    assert_adds_up(&r.of(Stage::Rebuild), total);
    let before = closed_files(d);

    for n in [1, 40, total as usize] {
        let mut d = open(&dir);
        let state_before = state(&d);
        let r = Recorder::cancelling_at(Stage::Rebuild, n);
        assert_eq!(
            with(&r, |p| d.rebuild_with_progress(p)).unwrap_err().code(),
            "cancelled"
        );
        assert_eq!(state(&d), state_before, "the projection changed");
        assert_eq!(closed_files(d), before, "the diary's files changed");
    }
    let mut d = open(&dir);
    assert!(d.check().unwrap().problems.is_empty());
}

#[test]
fn a_cancelled_import_imports_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("source");
    rich_diary(&source, 300);
    let csv = tmp.path().join("export");
    open(&source).export(ExportFormat::Csv, &csv).unwrap();

    let dir = tmp.path().join("diary");
    let (mut d, _) = passphrase_diary(&dir);
    seed(&mut d, "Kiran Bedi", "O.S. 1/2026", today());
    let before = closed_files(d);
    for n in [1, 5, 50] {
        let mut d = open(&dir);
        let state_before = state(&d);
        let r = Recorder::cancelling_at(Stage::Import, n);
        let err = with(&r, |p| {
            d.import_csv_with_progress(std::slice::from_ref(&csv), ImportMode::Apply, p)
        })
        .unwrap_err();
        assert_eq!(err.code(), "cancelled");
        assert_eq!(state(&d), state_before, "something was imported");
        assert_eq!(closed_files(d), before, "the diary's files changed");
    }
    let mut d = open(&dir);
    let r = Recorder::new();
    let report = with(&r, |p| d.import_csv_with_progress(&[csv], ImportMode::Apply, p)).unwrap();
    assert!(report.applied);
    let steps = r.of(Stage::Import);
    let total = (report.clients + report.cases) as u64;
    assert!(steps.iter().all(|s| s.total == total && s.done <= total), "{steps:?}");
    assert!(steps.windows(2).all(|w| w[0].done < w[1].done), "{steps:?}");
    assert_eq!(steps.last().unwrap().done, total);
    assert_eq!(d.cases(&Default::default()).unwrap().len(), 1 + 301);
}

#[test]
fn demo_data_stops_between_whole_batches() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut d, _) = passphrase_diary(tmp.path());
    let r = Recorder::cancelling_at(Stage::Demo, 3);
    let mut committed = Vec::new();
    let err = with(&r, |p| {
        nextdate_diary::demo::generate_with_progress(&mut d, 200, 9, today(), 30, |ids| committed.push(ids.len()), p)
    })
    .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(
        err.to_string(),
        "cancelled: 60 of 200 demo cases were added (in whole batches of 30); nothing else was changed"
    );
    assert_eq!(committed, vec![30, 30]);
    let steps: Vec<(u64, u64)> = r.of(Stage::Demo).iter().map(|s| (s.done, s.total)).collect();
    assert_eq!(steps, vec![(0, 200), (30, 200), (60, 200)]);
    assert_eq!(d.cases(&Default::default()).unwrap().len(), 60);
    assert!(d.check().unwrap().problems.is_empty());

    // Cancelled before it starts: nothing at all.
    let state_before = state(&d);
    let cancel = Cancel::new();
    cancel.cancel();
    let err = nextdate_diary::demo::generate_with_progress(
        &mut d,
        50,
        9,
        today(),
        10,
        |_| {},
        &Progress::cancellable(&cancel),
    )
    .unwrap_err();
    assert_eq!(err.to_string(), "cancelled: nothing was changed");
    assert_eq!(state(&d), state_before);

    // Not cancelled: one report per batch, the last one complete.
    let r = Recorder::new();
    with(&r, |p| {
        nextdate_diary::demo::generate_with_progress(&mut d, 25, 9, today(), 10, |_| {}, p)
    })
    .unwrap();
    let steps: Vec<u64> = r.of(Stage::Demo).iter().map(|s| s.done).collect();
    assert_eq!(steps, vec![0, 10, 20, 25]);
}
