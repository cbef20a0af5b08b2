//! Rows of the project's one benchmark table (`scripts/bench`). Each Rust
//! benchmark includes this file (`#[path = "…/benches/table.rs"] mod
//! table;`) and, beside what it prints for a person, records its figures
//! here: when `NEXTDATE_BENCH_ROWS` names a file, each row is appended to it
//! as a line of JSON (`figure`, `value`, `unit`, `baseline`, `target`), which
//! `scripts/bench-table` gathers into the table (and its `--json` list).
//! Without the variable nothing is written.

#![allow(dead_code)]

use std::io::Write;

/// Records one figure: `value` in `unit`, beside `baseline` (the same
/// measure of the reference, in the same run, same unit) where there is
/// one, and `target`, the ratio value / baseline must stay under, where the
/// project has set one.
pub fn record(figure: &str, value: f64, unit: &str, baseline: Option<f64>, target: Option<f64>) {
    let Ok(path) = std::env::var("NEXTDATE_BENCH_ROWS") else {
        return;
    };
    let line = serde_json::json!({
        "figure": figure,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "target": target,
    });
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open the benchmark rows file {path}: {e}"));
    // One write per row, so rows from benchmarks run one after another never interleave.
    file.write_all(format!("{line}\n").as_bytes())
        .unwrap_or_else(|e| panic!("cannot write the benchmark rows file {path}: {e}"));
}
