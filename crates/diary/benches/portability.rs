//! Benchmark of moving a whole diary in and out: export (JSON, CSV), CSV
//! import into a fresh diary, encrypted backup and restore, on a demo diary of
//! 10,000 cases (`BENCH_CASES` overrides; `BENCH_DIARY` names a folder that
//! keeps the demo diary for the next runs, which then use it as it is).
//! Baselines in the same run: copying the diary's database file (the disk's
//! floor) and reading every projection row (the query floor). Figures, not
//! assertions. Beside each time, the process's peak resident memory during
//! that step (Linux: `VmHWM`, reset before the step through
//! `/proc/self/clear_refs`) and, as its baseline, what the process held when
//! the step began.

#[path = "../../../benches/table.rs"]
mod table;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Local;
use nextdate_diary::export::ExportFormat;
use nextdate_diary::import::ImportMode;
use nextdate_diary::{Diary, InitOptions, Protection, Unlock, Zeroizing};

const PASSPHRASE: &str = "benchmark passphrase";

fn new_diary(dir: &Path) -> Diary {
    Diary::init(
        dir,
        InitOptions {
            name: "Bench Chambers".into(),
            advocate: None,
            protection: Protection::Passphrase(Zeroizing::new(PASSPHRASE.into())),
        },
    )
    .unwrap()
    .diary
}

/// What a step took: its median time, and the memory the process held at
/// its start and at its peak (MB; none where `/proc` does not say).
struct Step {
    time: Duration,
    rss_before: Option<f64>,
    peak: Option<f64>,
}

/// Median of `n` runs of `f`, each given a fresh run number; the peak
/// memory over all of them.
fn time(n: usize, mut f: impl FnMut(usize)) -> Step {
    // Resets the peak (`VmHWM`) to what is resident now.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let rss_before = memory_mb("VmRSS");
    let mut v: Vec<Duration> = (0..n)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    v.sort();
    Step {
        time: v[n / 2],
        rss_before,
        peak: memory_mb("VmHWM"),
    }
}

/// A figure of this process's `/proc/self/status` (`VmRSS`, `VmHWM`), in MB.
fn memory_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?;
    let kib: f64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

fn s(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn main() {
    let cases: usize = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let tmp = tempfile::tempdir().unwrap();
    // BENCH_DIARY: a folder for the demo diary kept between runs (made there
    // the first time), as a large one takes minutes to make.
    let kept = std::env::var_os("BENCH_DIARY").map(PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| tmp.path().join("diary"));
    let (d, cases, hearings, clients) = match kept.filter(|k| k.join("diary.db").exists()) {
        Some(k) => {
            let d = Diary::open(&k, &Unlock::Passphrase(Zeroizing::new(PASSPHRASE.into()))).unwrap();
            let count = |t: &str| -> usize {
                let n: i64 = d
                    .conn()
                    .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                    .unwrap();
                n as usize
            };
            let (cases, hearings, clients) = (count("cases"), count("hearings"), count("clients"));
            eprintln!("using the diary in {} ({cases} cases)", k.display());
            (d, cases, hearings, clients)
        }
        None => {
            let mut d = new_diary(&dir);
            let t = Instant::now();
            let summary =
                nextdate_diary::demo::generate(&mut d, cases, 42, Local::now().date_naive(), 500, |_| {}).unwrap();
            eprintln!(
                "built a demo diary of {summary:?} in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            (d, cases, summary.hearings, summary.clients)
        }
    };
    let db_size = std::fs::metadata(dir.join("diary.db")).unwrap().len();

    let copy = time(runs, |i| {
        std::fs::copy(dir.join("diary.db"), tmp.path().join(format!("copy-{i}.db"))).unwrap();
    });
    let read_all = time(runs, |_| {
        let mut n = 0usize;
        for t in [
            "clients",
            "cases",
            "case_parties",
            "case_clients",
            "hearings",
            "tasks",
            "notes",
            "fees",
            "documents",
        ] {
            let mut stmt = d.conn().prepare(&format!("SELECT * FROM {t}")).unwrap();
            let cols = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                for c in 0..cols {
                    let _: rusqlite::types::Value = r.get(c).unwrap();
                }
                n += 1;
            }
        }
        assert!(n > cases);
    });
    let export_json = time(runs, |i| {
        d.export(ExportFormat::Json, &tmp.path().join(format!("json-{i}")))
            .unwrap();
    });
    let export_csv = time(runs, |i| {
        d.export(ExportFormat::Csv, &tmp.path().join(format!("csv-{i}")))
            .unwrap();
    });
    let import_csv = time(runs, |i| {
        let mut fresh = new_diary(&tmp.path().join(format!("imported-{i}")));
        let r = fresh
            .import_csv(&[tmp.path().join("csv-0")], ImportMode::Apply)
            .unwrap();
        assert!(r.applied && r.cases == cases, "{:?}", r.errors.first());
    });
    let backup = time(runs, |i| {
        d.backup(&tmp.path().join(format!("backup-{i}.age")), PASSPHRASE)
            .unwrap();
    });
    let backup_size = std::fs::metadata(tmp.path().join("backup-0.age")).unwrap().len();
    let restore = time(runs, |i| {
        let opts = InitOptions {
            name: "Restored".into(),
            advocate: None,
            protection: Protection::Passphrase(Zeroizing::new(PASSPHRASE.into())),
        };
        Diary::restore(
            &tmp.path().join("backup-0.age"),
            PASSPHRASE,
            &tmp.path().join(format!("restored-{i}")),
            opts,
            false,
        )
        .unwrap();
    });

    println!();
    println!(
        "Diary: {cases} cases, {hearings} hearings, {clients} clients; database {:.1} MB; backup {:.1} MB",
        db_size as f64 / 1e6,
        backup_size as f64 / 1e6
    );
    println!();
    println!("operation (median of {runs})                seconds   x copy of the database file   peak MB (at start)");
    let floor = copy.time;
    let mb = |m: Option<f64>| m.map_or("?".to_string(), |m| format!("{m:.0}"));
    let line = |name: &str, step: Step| {
        let d = step.time;
        println!(
            "{name:<40} {:>8.2}   {:>6.1}x {:>29} ({})",
            s(d),
            s(d) / s(floor),
            mb(step.peak),
            mb(step.rss_before)
        );
        if !name.starts_with("baseline") {
            table::record(
                &format!("portability, {cases} cases: {name}, beside copying the file"),
                s(d),
                "s",
                Some(s(floor)),
                None,
            );
            if let Some(peak) = step.peak {
                table::record(
                    &format!("portability, {cases} cases: {name}, peak memory, beside the memory at its start"),
                    peak,
                    "MB",
                    step.rss_before,
                    None,
                );
            }
        }
    };
    line("baseline: copy the database file", copy);
    line("baseline: read every projection row", read_all);
    line("export JSON (diary.json + attachments)", export_json);
    line("export CSV (a file per table)", export_csv);
    line("import that CSV into a fresh diary", import_csv);
    line("encrypted backup (age, scrypt)", backup);
    line("restore the backup into a new diary", restore);
}
