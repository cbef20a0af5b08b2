//! Benchmark of moving a whole diary in and out: export (JSON, CSV), CSV
//! import into a fresh diary, encrypted backup and restore, on a demo diary of
//! 10,000 cases (`BENCH_CASES` overrides). Baselines in the same run: copying
//! the diary's database file (the disk's floor) and reading every projection
//! row (the query floor). Figures, not assertions.

#[path = "../../../benches/table.rs"]
mod table;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Local;
use nextdate_diary::export::ExportFormat;
use nextdate_diary::import::ImportMode;
use nextdate_diary::{Diary, InitOptions, Protection, Zeroizing};

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

/// Median of `n` runs of `f`, each given a fresh run number.
fn time(n: usize, mut f: impl FnMut(usize)) -> Duration {
    let mut v: Vec<Duration> = (0..n)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    v.sort();
    v[n / 2]
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
    let dir = tmp.path().join("diary");
    let mut d = new_diary(&dir);
    let t = Instant::now();
    let summary = nextdate_diary::demo::generate(&mut d, cases, 42, Local::now().date_naive(), 500, |_| {}).unwrap();
    eprintln!(
        "built a demo diary of {summary:?} in {:.1} s",
        t.elapsed().as_secs_f64()
    );
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
        "Diary: {cases} cases, {} hearings, {} clients; database {:.1} MB; backup {:.1} MB",
        summary.hearings,
        summary.clients,
        db_size as f64 / 1e6,
        backup_size as f64 / 1e6
    );
    println!();
    println!("operation (median of {runs})                seconds   x copy of the database file");
    let line = |name: &str, d: Duration| {
        println!("{name:<40} {:>8.2}   {:>6.1}x", s(d), s(d) / s(copy));
        if !name.starts_with("baseline") {
            table::record(
                &format!("portability, {cases} cases: {name}, beside copying the file"),
                s(d),
                "s",
                Some(s(copy)),
                None,
            );
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
