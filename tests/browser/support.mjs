// What the status-link browser test and benchmark share: free loopback
// ports, the real relay (optionally run ahead of time with faketime), the
// real CLI on a throwaway diary, and headless Chromium through chromedriver.

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Session } from "../e2e/webdriver.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
const profile = process.env.NEXTDATE_PROFILE || "debug";
export const cliBin = join(targetDir, profile, "nextdate");
export const relayBin = join(targetDir, profile, "nextdate-relay");
export const PASS = "a passphrase for the browser test";

export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on("error", fail);
  });
}

/** A throwaway folder for a diary, a relay's data and downloads. */
export function workDir() {
  return mkdtempSync(join(tmpdir(), "nextdate-browser-"));
}

/** The real CLI on the diary in `diary`; `--json` output parsed. */
export function cliOn(diary) {
  const env = { ...process.env, NEXTDATE_PASSPHRASE: PASS };
  const json = (...args) => JSON.parse(execFileSync(cliBin, ["--diary", diary, "--json", ...args], { env }).toString());
  json.init = (name, advocate) =>
    execFileSync(cliBin, ["--diary", diary, "init", "--passphrase", "--name", name, "--advocate", advocate], { env, stdio: "ignore" });
  return json;
}

/**
 * Starts the relay on `listen` with data in `data` (under `faketime -f OFFSET`
 * when given); resolves to { url, stop }. The relay runs in its own process
 * group, so `stop` ends it (and so its output pipe) even when faketime
 * started it as a child.
 */
export function startRelay(data, listen, offset) {
  const args = ["--data", data, "--listen", listen, "--plain-http", "--open-registration"];
  const [cmd, argv] = offset ? ["faketime", ["-f", offset, relayBin, ...args]] : [relayBin, args];
  const child = spawn(cmd, argv, { stdio: ["ignore", "pipe", "ignore"], detached: true });
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        done();
      }
    });
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) ok({ url: m[1], stop });
      else fail(new Error(`relay said ${line}`));
    });
    child.once("error", fail);
  });
}

/** chromedriver on a free loopback port, and a headless Chromium session (downloads to `downloads`). */
export async function startBrowser(downloads) {
  const port = await freePort();
  const child = spawn("chromedriver", [`--port=${port}`, "--allowed-ips=127.0.0.1"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/status`)).ok) break;
    } catch {}
    if (i > 100) {
      child.kill("SIGKILL");
      throw new Error("chromedriver did not start");
    }
    await sleep(100);
  }
  const session = await Session.open(url, {
    browserName: "chrome",
    "goog:chromeOptions": {
      binary: "/usr/bin/chromium",
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=en-IN"],
      prefs: { "download.default_directory": downloads, "download.prompt_for_download": false },
    },
  });
  return { session, stop: () => child.kill("SIGTERM") };
}

/** `d` as the CLI takes dates: DD-MM-YYYY. */
export const dmy = (d) => `${String(d.getDate()).padStart(2, "0")}-${String(d.getMonth() + 1).padStart(2, "0")}-${d.getFullYear()}`;

/** Noon, `offset` days from today. */
export function day(offset) {
  const d = new Date();
  d.setHours(12, 0, 0, 0);
  d.setDate(d.getDate() + offset);
  return d;
}
