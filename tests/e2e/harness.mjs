// What every part of the desktop end-to-end test shares: where the binaries
// are, the throwaway diary folder, the WebDriver session (`s`, which follows
// the current app session across relaunches), the desktop notification
// server, and helpers that act as a person would (click, fill, screenshot).
// The test itself is app.test.mjs, which runs the parts in order.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { startDriver, Session, Keys } from "./webdriver.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
export const app = process.env.NEXTDATE_APP || join(targetDir, "debug", "nextdate-app");
export const cli = join(targetDir, "debug", "nextdate");
export const relayBin = join(targetDir, "debug", "nextdate-relay");
export const recorderBin = join(targetDir, "debug", "examples", "notification_recorder");
export const artifacts = join(root, "artifacts", "e2e");
mkdirSync(artifacts, { recursive: true });

export const PASS = "correct horse battery staple";
export const NEW_PASS = "a newer passphrase for court";
export const diaryDir = mkdtempSync(join(tmpdir(), "nextdate-e2e-"));
/** The driver, the current app session and the notification server. */
export const ctx = { driver: null, session: null, notifications: null };
/** The current app session: every call goes to the session open now. */
export const s = new Proxy(
  {},
  {
    get(_, key) {
      const v = ctx.session?.[key];
      return typeof v === "function" ? v.bind(ctx.session) : v;
    },
  },
);

export function localDate(offsetDays = 0) {
  const d = new Date();
  d.setHours(12, 0, 0, 0);
  d.setDate(d.getDate() + offsetDays);
  return d;
}
export const iso = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
export const dmy = (d) => `${String(d.getDate()).padStart(2, "0")}-${String(d.getMonth() + 1).padStart(2, "0")}-${d.getFullYear()}`;

export async function shot(name) {
  // The whole virtual screen, as a person would see it (WebKitWebDriver's own
  // screenshot stalls while inputs have focus).
  await s.executeAsync("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));");
  execFileSync("import", ["-window", "root", join(artifacts, `${name}.png`)]);
}

export async function click(id) {
  await (await s.byTestId(id)).click();
}

export async function fill(id, text) {
  if (process.env.E2E_DEBUG) console.error("fill", id);
  await (await s.byTestId(id)).fill(text);
}

export async function launch() {
  if (process.env.E2E_DEBUG) console.error("launch");
  // One app at a time (a second launch hands over to the first and exits):
  // wait until the one quit before has gone.
  const end = Date.now() + 20000;
  while (Date.now() < end) {
    try {
      execFileSync("pgrep", ["-x", "nextdate-app"]);
    } catch {
      break; // pgrep exits 1: none running
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  ctx.session = await Session.start(ctx.driver.url, app);
}

/**
 * This run's app processes still running, found by the diary folder they were
 * given. Ending a WebDriver session does not always close the app; one left
 * behind keeps the test runner's output open, and the run never ends.
 */
export function leftoverApps(dir = diaryDir) {
  const pids = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() !== "nextdate-app") continue;
      if (readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes(`NEXTDATE_DIARY=${dir}`)) pids.push(Number(d));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Ends this run's apps (on `dir`) that outlived their session (see `leftoverApps`), by their ids. */
export async function stopLeftoverApps(dir = diaryDir) {
  for (const signal of ["SIGTERM", "SIGKILL"]) {
    const end = Date.now() + 5000;
    while (Date.now() < end && leftoverApps(dir).length) await new Promise((r) => setTimeout(r, 100));
    const left = leftoverApps(dir);
    if (!left.length) return;
    for (const pid of left) {
      try {
        process.kill(pid, signal);
      } catch {}
    }
  }
}

export async function invoke(cmd, args) {
  // The app's own IPC, as the UI would call it (withGlobalTauri is off; this is Tauri's internal bridge).
  return s.executeAsync(
    "const done = arguments[arguments.length - 1]; window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: v }), (e) => done({ err: e }));",
    cmd,
    args,
  );
}


/// The desktop's notification server on this test's D-Bus session: a recorder
/// that logs what the app sends and clicks a notification when asked.
export function startNotificationServer() {
  const child = spawn(recorderBin, [], { stdio: ["pipe", "pipe", "inherit"] });
  const received = [];
  const lines = createInterface({ input: child.stdout });
  return new Promise((ready, reject) => {
    lines.on("line", (line) => {
      if (line === "ready") {
        ready({
          received,
          click: (id) => child.stdin.write(`click ${id}\n`),
          stop: () => child.kill(),
        });
      }
      const [kind, id, summary, body] = line.split("\t");
      if (kind === "notify") received.push({ id: Number(id), summary, body });
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the notification recorder exited (${code})`)));
  });
}

export const d3 = localDate(3);
export const d17 = localDate(17);
export const NUMBER = "CRL.A. 123/2024";
/** The case the first part creates, used by the later parts. */
/** Secrets the window showed once, for later parts (the backup identities, the automatic backup). */
export const secrets = { setupIdentity: "", autoIdentity: "", autoFolder: "" };

/** The automatic backups in a folder, oldest first (their names sort by time). */
export const backups = (folder) =>
  readdirSync(folder)
    .filter((n) => /^nextdate-[0-9a-z]{8}-\d{4}-\d{2}-\d{2}-\d{6}\.age$/.test(n))
    .sort();

export let caseId;
export function setCaseId(id) {
  caseId = id;
}

/** Opens the day board of `d` and says whether the case is on it. */
export async function onBoard(d) {
  await s.execute("window.location.hash = arguments[0]", `#/diary/${iso(d)}/day`);
  await s.waitFor(`[data-testid="diary-board"][data-date="${iso(d)}"]`);
  // The board is drawn once it says how many hearings it has.
  await s.waitFor('[data-testid="diary-board"] .card-title .muted');
  return (await s.findAll(`[data-testid="diary-board"] [data-testid="hearing-row"][data-case-number="${NUMBER}"]`)).length > 0;
}

/** Clicks an element scrolled to the middle of the window, clear of the Undo bar at the bottom. */
export async function clickCentred(idOrElement) {
  const el = typeof idOrElement === "string" ? await s.byTestId(idOrElement) : idOrElement;
  await s.execute("arguments[0].scrollIntoView({ block: 'center' })", el);
  await el.click();
}

/** Dismisses the Undo bar, as its × does (WebKitWebDriver cannot click fixed elements). */
export async function dismissUndo() {
  await s.execute("document.querySelector('[data-testid=undo-bar] [aria-label=Dismiss]')?.click()");
  await s.waitGone('[data-testid="undo-bar"]');
}

/**
 * Starts a real nextdate-relay on a free loopback port; resolves to
 * { url, stop, token }. With `open: false` it registers chambers only with a
 * registration token, and `token()` makes one as its operator would.
 */
export function startRelay({ open = true } = {}) {
  const data = mkdtempSync(join(tmpdir(), "nextdate-e2e-relay-"));
  const args = ["--data", data, "--listen", "127.0.0.1:0", "--plain-http"];
  if (open) args.push("--open-registration");
  const child = spawn(relayBin, args, { stdio: ["ignore", "pipe", "ignore"] });
  const token = () => execFileSync(relayBin, ["--data", data, "token", "create", "--note", "e2e"]).toString().split("\n")[0].trim();
  return new Promise((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) resolveUrl({ url: m[1], stop: () => child.kill("SIGKILL"), token });
      else reject(new Error(`relay said ${line}`));
    });
    child.once("error", reject);
  });
}
