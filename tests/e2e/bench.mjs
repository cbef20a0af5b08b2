// Benchmark of the real desktop app (figures, not assertions): launch to the
// Today board painted, switching the board's date, search-as-you-type latency
// (each beside the same requests' IPC round trip alone), and memory (RSS and
// PSS of the app and its WebKit processes). Run side by side on an empty diary
// (baseline) and a demo diary of BENCH_CASES cases (default 10,000).
// Needs a Secret Service (keyring diaries unlock without typing), Xvfb and
// tauri-driver: `scripts/bench-app` sets all that up.
//
// Launch is timed from the app process's start to the frame after Today's
// board is in the page: its first rows (the board's `data-total` above 0) or,
// on a day without hearings (the empty diary), its empty state. Not the page
// alone: Today shows "Loading…" until its board has come. The figure is the
// median of BENCH_LAUNCHES launches (3 by default); BENCH_VERBOSE=1 prints
// each, with the page's own marks along the way.
//
// Each run makes its diaries afresh in the temporary folder and removes them
// at the end. A 100,000-case demo diary takes minutes and over a GB to make:
// BENCH_DIARY=/some/folder keeps the demo diary there instead (made on the
// first run with BENCH_CASES cases, reused as it is by later runs; remove the
// folder to make it anew, e.g. for another BENCH_CASES or on another day, as
// the demo's hearings are spread around the day it was made). Its key is in
// the keyring, so `scripts/bench-app` then keeps the bench keyring beside it
// (BENCH_DIARY.keyring). The app is stopped, not closed, after each measure,
// so the kept diary's `session.open` mark is removed before it is launched
// again (the app would otherwise check the whole file first, as after a
// crash). BENCH_VERBOSE=1 also prints every single timing.

import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startDriver, Session } from "./webdriver.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
const profile = process.env.BENCH_PROFILE || "release";
const app = join(targetDir, profile, "nextdate-app");
const cli = join(targetDir, profile, "nextdate");
const cases = Number(process.env.BENCH_CASES || 10000);

/** When the process started, in ms since the epoch (the page's `Date.now()` clock). Its start
 * is counted in clock ticks (USER_HZ, 100 on Linux) since boot; the boot's epoch time comes from
 * /proc/uptime (10 ms steps), not /proc/stat's `btime`, which is cut to whole seconds and would
 * add up to a second to every launch. */
function procStartMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const startTicks = Number(fields[19]);
  const uptime = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const bootMs = Date.now() - uptime * 1000;
  return bootMs + (startTicks * 1000) / 100;
}

function children(pid) {
  const out = [];
  for (const p of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(p), ...children(Number(p)));
    } catch {}
  }
  return out;
}

/** Memory of the app and its WebKit processes: summed RSS (counts shared pages once
 * per process) and summed PSS (shares them out fairly), in MB. */
function memoryMb(pid) {
  let rss = 0;
  let pss = 0;
  for (const p of [pid, ...children(pid)]) {
    try {
      const roll = readFileSync(`/proc/${p}/smaps_rollup`, "utf8");
      rss += Number(/^Rss:\s+(\d+)/m.exec(roll)?.[1] || 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(roll)?.[1] || 0);
    } catch {}
  }
  const own = Number(/^Rss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] || 0);
  return { rss: rss / 1024, pss: pss / 1024, own: own / 1024 };
}

function appPid() {
  const out = execFileSync("pgrep", ["-n", "-x", "nextdate-app"]).toString().trim();
  return Number(out);
}

const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const p95 = (v) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * 0.95))];

/** Launches of each diary timed (the median is the figure); the last one goes on to the other measures. */
const LAUNCHES = Number(process.env.BENCH_LAUNCHES || 3);

/** The app on `dir`, started through tauri-driver. */
async function openApp(dir) {
  const driver = await startDriver({ NEXTDATE_DIARY: dir, WEBKIT_DISABLE_COMPOSITING_MODE: "1" });
  try {
    return { driver, s: await Session.start(driver.url, app) };
  } catch (e) {
    driver.stop();
    throw e;
  }
}

/** Stops the app (as a crash would: see the top) and waits until it is gone. */
async function stopApp({ driver, s }, dir) {
  await s.quit();
  driver.stop();
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync("pgrep", ["-x", "nextdate-app"]);
    } catch {
      break; // none running
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  rmSync(join(dir, "session.open"), { force: true });
}

/** Time from the app process's start to Today's board painted, in ms (see the top). */
async function timeLaunch(s, label) {
  // A large diary's first board may take longer than a script's usual 30 s.
  await s.cmd("POST", "/timeouts", { script: 300000 });
  await s.waitFor('[data-testid="today-page"]', { timeout: 60000 });
  // Today's page is there before its board is loaded ("Loading…"). The
  // board is painted at the frame after its first rows are in the page (a
  // board of hearings: `data-total` above 0 and rows drawn) or, a day
  // without hearings, its empty state; the same watch for both diaries,
  // timed on the page's clock.
  const painted = await s.executeAsync(
    `const done = arguments[0];
     const ready = () => {
       const card = document.querySelector('[data-testid="today-page"] [data-testid="today-board"]');
       if (!card) return false;
       const b = card.querySelector('[data-testid="board"]');
       if (b) return Number(b.getAttribute('data-total')) > 0 && !!b.querySelector('[data-testid="hearing-row"]');
       return !!card.querySelector('[data-testid="board-empty"]');
     };
     const finish = () => requestAnimationFrame(() => requestAnimationFrame(() => done(Date.now())));
     if (ready()) finish();
     else {
       const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); finish(); } });
       obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-total'] });
     }`,
  );
  await s.cmd("POST", "/timeouts", { script: 30000 });
  const pid = appPid();
  const started = procStartMs(pid);
  const launch = painted - started;
  if (process.env.BENCH_VERBOSE) {
    // Where the launch went: the page's own marks (App, Unlock, Today), in ms from the process's start.
    const marks = await s.execute(
      "return [['page', 0], ...performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])].map(([n, t]) => [n, performance.timeOrigin + t])",
    );
    console.log(label, "launch timeline (ms):", marks.map(([n, t]) => `${n} ${Math.round(t - started)}`).join(", "), `painted ${Math.round(launch)}`);
  }
  return launch;
}

async function measure(label, dir) {
  const launches = [];
  for (let i = 1; i < LAUNCHES; i++) {
    const opened = await openApp(dir);
    try {
      launches.push(await timeLaunch(opened.s, label));
    } finally {
      await stopApp(opened, dir);
    }
  }
  const { driver, s } = await openApp(dir);
  try {
    launches.push(await timeLaunch(s, label));
    const launch = median(launches);
    const pid = appPid();
    if (process.env.BENCH_VERBOSE) console.log(label, "launches (ms):", launches.map(Math.round).join(", "));
    // The board draws only the rows in view: its size is on the board itself.
    const rows = Number(
      await s.execute(
        `const b = document.querySelector('[data-testid="today-page"] [data-testid="today-board"] [data-testid="board"]');
         return b ? b.getAttribute('data-total') : 0;`,
      ),
    );

    // Date switch on the Diary page, timed inside the page.
    await (await s.byTestId("nav-diary")).click();
    await s.byTestId("diary-date");
    const switches = [];
    for (let i = 1; i <= 20; i++) {
      const d = new Date();
      d.setDate(d.getDate() + i);
      const iso = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
      const text = iso.split("-").reverse().join("-");
      const ms = await s.executeAsync(
        `const [text, iso, done] = arguments;
         const input = document.querySelector('[data-testid="diary-date"]');
         const t0 = performance.now();
         input.value = text; input.dispatchEvent(new Event('input', {bubbles: true}));
         document.querySelector('[data-testid="diary-go"]').click();
         // Watch the DOM for the new board, then wait for the frame that paints it.
         const ready = () => {
           const board = document.querySelector('[data-testid="diary-board"]');
           return board && board.getAttribute('data-date') === iso;
         };
         const finish = () => requestAnimationFrame(() => done(performance.now() - t0));
         if (ready()) finish();
         else {
           const obs = new MutationObserver(() => { if (ready()) { obs.disconnect(); finish(); } });
           obs.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-date'] });
         }`,
        text,
        iso,
      );
      switches.push(ms);
    }
    // The same boards' IPC round trip alone (the core's query and its
    // serialisation to the page), what a date switch stands beside.
    const ipcs = [];
    for (let i = 1; i <= 20; i++) {
      const d = new Date();
      d.setDate(d.getDate() + i);
      const text = `${String(d.getDate()).padStart(2, "0")}-${String(d.getMonth() + 1).padStart(2, "0")}-${d.getFullYear()}`;
      ipcs.push(
        await s.executeAsync(
          `const [text, done] = arguments;
           const t0 = performance.now();
           window.__TAURI_INTERNALS__.invoke('board', { dateText: text }).then(() => done(performance.now() - t0), () => done(-1));`,
          text,
        ),
      );
    }

    // Search as you type in the Ctrl+K palette: time from a keystroke to its results.
    await s.press("\uE009", "k");
    await s.byTestId("palette-input");
    const searches = [];
    const queries = ["Sharma", "CRL", "राम", "Union of India", "DLHC01", "Kapoor", "W.P.", "sale deed", "Mehta", "2024"];
    for (const q of queries) {
      const ms = await s.executeAsync(
        `const [q, done] = arguments;
         const input = document.querySelector('[data-testid="palette-input"]');
         input.value = ''; input.dispatchEvent(new Event('input', {bubbles: true}));
         setTimeout(() => {
           const t0 = performance.now();
           input.value = q; input.dispatchEvent(new Event('input', {bubbles: true}));
           const check = () => {
             const p = document.querySelector('[data-testid="palette"]');
             if (p && p.getAttribute('data-query') === q && p.getAttribute('data-busy') !== 'true') requestAnimationFrame(() => done(performance.now() - t0));
             else if (performance.now() - t0 > 5000) done(-1);
             else setTimeout(check, 1);
           };
           check();
         }, 50);`,
        q,
      );
      searches.push(ms);
    }
    const mem = memoryMb(pid);
    // The same searches' IPC round trip alone (the core's query and its
    // serialisation to the page), what search as you type stands beside.
    const searchIpcs = [];
    for (const q of queries) {
      searchIpcs.push(
        await s.executeAsync(
          `const [q, done] = arguments;
           const t0 = performance.now();
           window.__TAURI_INTERNALS__.invoke('search', { query: q, limit: 20 }).then(() => done(performance.now() - t0), () => done(-1));`,
          q,
        ),
      );
    }
    if (process.env.BENCH_VERBOSE) console.log(label, { searches, searchIpcs, switches, ipcs });
    return {
      label,
      rows,
      launch,
      switchMed: median(switches),
      ipcMed: median(ipcs),
      switchP95: p95(switches),
      searchMed: median(searches),
      searchP95: p95(searches),
      searchIpcMed: median(searchIpcs),
      rss: mem.rss,
      pss: mem.pss,
      own: mem.own,
    };
  } finally {
    await s.quit();
    driver.stop();
  }
}

/** A new diary with `n` demo cases, in `dir` (made) or a new temporary folder. */
function makeDiary(n, dir = mkdtempSync(join(tmpdir(), "nextdate-bench-"))) {
  mkdirSync(dir, { recursive: true });
  execFileSync(cli, ["--diary", dir, "init", "--name", "Bench Chambers"], { stdio: "ignore" });
  if (n > 0) execFileSync(cli, ["--diary", dir, "demo", "--cases", String(n), "--batch", "1000"], { stdio: "ignore" });
  return dir;
}

const kept = process.env.BENCH_DIARY ? resolve(process.env.BENCH_DIARY) : null;
const made = [];
let empty, full;
try {
  made.push(makeDiary(0));
  empty = await measure("empty diary (baseline)", made[0]);
  let fullDir = kept;
  if (!kept || !existsSync(join(kept, "diary.db"))) {
    fullDir = makeDiary(cases, kept ?? undefined);
    if (!kept) made.push(fullDir);
  }
  // Left by the last run's app, stopped rather than closed (see the top).
  if (fullDir === kept) rmSync(join(kept, "session.open"), { force: true });
  full = await measure(`${cases} cases`, fullDir);
} finally {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
}
const f = (x) => (x < 0 ? "timeout" : x.toFixed(1));
console.log(`\n${"measure".padEnd(36)}${empty.label.padStart(24)}${full.label.padStart(16)}`);
for (const [name, key] of [
  ["launch to Today board painted (ms)", "launch"],
  ["date switch, median (ms)", "switchMed"],
  ["date switch, p95 (ms)", "switchP95"],
  ["those boards' IPC round trip, median (ms)", "ipcMed"],
  ["search as you type, median (ms)", "searchMed"],
  ["search as you type, p95 (ms)", "searchP95"],
  ["those searches' IPC round trip, median (ms)", "searchIpcMed"],
  ["RSS, app + WebKit processes (MB)", "rss"],
  ["PSS, app + WebKit processes (MB)", "pss"],
  ["RSS, app process alone (MB)", "own"],
  ["hearings on today's board", "rows"],
]) {
  console.log(`${name.padEnd(36)}${f(empty[key]).padStart(24)}${f(full[key]).padStart(16)}`);
}

// The rows of the project's benchmark table (`scripts/bench`; see benches/table.rs).
function record(figure, value, unit, baseline, target) {
  const path = process.env.NEXTDATE_BENCH_ROWS;
  if (!path) return;
  const row = { figure, value, unit, baseline: baseline ?? null, target: target ?? null };
  appendFileSync(path, JSON.stringify(row) + "\n");
}
const beside = `${cases} cases, beside an empty diary`;
record(`app launch to Today painted, ${beside}`, full.launch, "ms", empty.launch, 1.15);
record(
  `app board date switch (median of 20 days), ${cases} cases, beside those boards' IPC round trip`,
  full.switchMed,
  "ms",
  full.ipcMed,
  2.0,
);
record(`app search as you type (median), ${beside}`, full.searchMed, "ms", empty.searchMed, null);
record(`app + WebKit memory (PSS), ${beside}`, full.pss, "MB", empty.pss, 1.2);
