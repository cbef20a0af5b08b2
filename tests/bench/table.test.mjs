// The benchmark table (scripts/bench-table.mjs): rows read from what the
// benchmarks recorded, ratios and targets, the printed table and the JSON list.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { readRows, table, meets, figure } from "../../scripts/bench-table.mjs";

const script = resolve(dirname(fileURLToPath(import.meta.url)), "../../scripts/bench-table.mjs");
const recorded = [
  { figure: "diary, 10000 cases: rebuild projection (median)", value: 6900, unit: "ms", baseline: 550, target: 3 },
  { figure: "diary, 10000 cases: record hearing + next date (median)", value: 0.5, unit: "ms", baseline: 0.28, target: 2 },
  { figure: "relay ingest on SQLite (target >= 5,000/s)", value: 6197.4, unit: "batches/s", baseline: null, target: null },
]
  .map((r) => JSON.stringify(r))
  .join("\n");

test("each row gets its ratio, and a target is met or not", () => {
  const rows = readRows(recorded + "\n\n");
  assert.equal(rows.length, 3);
  assert.ok(Math.abs(rows[0].ratio - 6900 / 550) < 1e-9);
  assert.equal(meets(rows[0]), false, "12.5x over a 3x target");
  assert.equal(meets(rows[1]), true);
  assert.equal(rows[2].ratio, null);
  assert.equal(meets(rows[2]), null, "no baseline, no verdict");
});

test("the table shows figure, baseline, ratio and target, and flags what is over", () => {
  const text = table(readRows(recorded));
  const lines = text.trimEnd().split("\n");
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^figure\s+value\s+baseline\s+ratio\s+target$/);
  assert.match(lines[2], /rebuild projection.*6,900 ms\s+550 ms\s+12\.55×\s+≤ 3×\s+OVER$/);
  assert.match(lines[3], /record hearing.*0\.500 ms\s+0\.280 ms\s+1\.79×\s+≤ 2×\s+ok$/);
  assert.match(lines[4], /relay ingest on SQLite.*6,197 batches\/s\s+—\s+—$/);
  assert.equal(figure(-1), "timeout");
});

test("the command prints the table and writes the JSON list", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-table-"));
  writeFileSync(join(dir, "rows"), recorded + "\n");
  const out = execFileSync("node", [script, join(dir, "rows"), "--json", join(dir, "table.json")], { encoding: "utf8" });
  assert.match(out, /rebuild projection/);
  const list = JSON.parse(readFileSync(join(dir, "table.json"), "utf8"));
  assert.deepEqual(Object.keys(list[0]), ["figure", "value", "unit", "baseline", "ratio", "target"]);
  assert.equal(list[2].baseline, null);
  assert.equal(list[1].target, 2);
});

test("a damaged rows file is refused with the line it is on", () => {
  assert.throws(() => readRows(recorded + "\n{not json"), /row 4 is not JSON/);
  assert.throws(() => readRows('{"figure":"x","value":"1","unit":"ms"}'), /numeric value/);
});
