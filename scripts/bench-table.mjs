#!/usr/bin/env node
// Gathers the rows the benchmarks recorded (one JSON object a line: figure,
// value, unit, baseline, target; see benches/table.rs) into the project's
// one table of figure, baseline, ratio and target, and with --json FILE
// writes the same rows as a JSON list of {figure, value, unit, baseline,
// ratio, target}. Used by scripts/bench:
//   node scripts/bench-table.mjs ROWS-FILE [--json FILE]

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The rows in a rows file, each with its ratio (value / baseline, or null). */
export function readRows(text) {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      let row;
      try {
        row = JSON.parse(line);
      } catch (e) {
        throw new Error(`benchmark row ${i + 1} is not JSON: ${e.message}`);
      }
      if (typeof row.figure !== "string" || typeof row.value !== "number" || typeof row.unit !== "string") {
        throw new Error(`benchmark row ${i + 1} needs a figure, a numeric value and a unit`);
      }
      const baseline = typeof row.baseline === "number" ? row.baseline : null;
      const target = typeof row.target === "number" ? row.target : null;
      const ratio = baseline !== null && baseline > 0 ? row.value / baseline : null;
      return { figure: row.figure, value: row.value, unit: row.unit, baseline, ratio, target };
    });
}

/** A figure as a person reads it: a few significant digits, thousands grouped. */
export function figure(x) {
  if (x === null || x === undefined) return "—";
  if (x < 0) return "timeout";
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : Math.abs(x) >= 1 ? 2 : 3;
  return x.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Whether a row meets its target: true, false, or null when it has none. */
export function meets(row) {
  if (row.target === null || row.ratio === null) return null;
  return row.ratio <= row.target;
}

/** The table, as text. */
export function table(rows) {
  const head = ["figure", "value", "baseline", "ratio", "target", ""];
  const body = rows.map((r) => {
    const ok = meets(r);
    return [
      r.figure,
      `${figure(r.value)} ${r.unit}`,
      r.baseline === null ? "—" : `${figure(r.baseline)} ${r.unit}`,
      r.ratio === null ? "—" : `${r.ratio.toFixed(2)}×`,
      r.target === null ? "" : `≤ ${r.target}×`,
      ok === null ? "" : ok ? "ok" : "OVER",
    ];
  });
  const widths = head.map((_, c) => Math.max(...[head, ...body].map((line) => [...line[c]].length)));
  const pad = (cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]));
  const line = (cells) => cells.map(pad).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n") + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const jsonAt = args.indexOf("--json");
  const json = jsonAt >= 0 ? args[jsonAt + 1] : null;
  if (jsonAt >= 0 && !json) {
    console.error("--json needs a file name");
    process.exit(2);
  }
  const input = args.filter((_, i) => i !== jsonAt && i !== jsonAt + 1)[0];
  if (!input) {
    console.error("usage: bench-table.mjs ROWS-FILE [--json FILE]");
    process.exit(2);
  }
  const rows = readRows(readFileSync(input, "utf8"));
  process.stdout.write(table(rows));
  if (json) writeFileSync(json, JSON.stringify(rows, null, 2) + "\n");
}
