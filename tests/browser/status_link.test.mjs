// A client's status link in a real browser: headless Chromium driven by
// chromedriver (both from the distribution), a real relay process on
// 127.0.0.1, and a diary made with the real `nextdate` binary. The page shows
// the next date and court and nothing private; after the next date is changed
// on the laptop and synced, a reload shows the new one; a link in Hindi with a
// Tamil title reads on a 360 px phone; no fragment, a wrong key, a revoked and
// an expired link (the relay run a few days ahead with faketime) each show
// their message and nothing else. Screenshots at 360×740 and 1366×768 go to
// artifacts/browser/.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { Session } from "../e2e/webdriver.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const targetDir = process.env.CARGO_TARGET_DIR || join(root, "target");
const cliBin = join(targetDir, "debug", "nextdate");
const relayBin = join(targetDir, "debug", "nextdate-relay");
const artifacts = join(root, "artifacts", "browser");
const work = mkdtempSync(join(tmpdir(), "nextdate-browser-"));
const diary = join(work, "diary");
const relayData = join(work, "relay");
const PASS = "a passphrase for the browser test";
const downloads = join(work, "downloads");

const ctx = { relay: null, driver: null, s: null, relayUrl: "" };

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on("error", fail);
  });
}

/** Runs the real CLI on the test diary; `--json` output parsed. */
function cli(...args) {
  const out = execFileSync(cliBin, ["--diary", diary, "--json", ...args], { env: { ...process.env, NEXTDATE_PASSPHRASE: PASS } });
  return JSON.parse(out.toString());
}

/** Starts the relay on `listen` (optionally under faketime); resolves to its URL. */
function startRelay(listen, fake) {
  const args = ["--data", relayData, "--listen", listen, "--plain-http"];
  const child = fake ? spawn("faketime", ["-f", fake, relayBin, ...args], { stdio: ["ignore", "pipe", "ignore"] }) : spawn(relayBin, args, { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((ok, fail) => {
    createInterface({ input: child.stdout }).once("line", (line) => {
      const m = /listening on (\S+)/.exec(line);
      if (m) ok({ url: m[1], child });
      else fail(new Error(`relay said ${line}`));
    });
    child.once("error", fail);
  });
}

async function startChromedriver() {
  const port = await freePort();
  const child = spawn("chromedriver", [`--port=${port}`, "--allowed-ips=127.0.0.1"], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/status`)).ok) return { url, child };
    } catch {}
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error("chromedriver did not start");
}

const pageText = () => ctx.s.execute("return document.body.innerText");
const setSize = (width, height) => ctx.s.cmd("POST", "/window/rect", { width, height });

async function openLink(url) {
  await ctx.s.cmd("POST", "/url", { url: "about:blank" });
  await ctx.s.cmd("POST", "/url", { url });
  // Painted: the case's card, or a message.
  await ctx.s.waitFor("article.case, .message");
  return pageText();
}

async function shot(name) {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(join(artifacts, `${name}.png`), await ctx.s.screenshot());
}

const EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const inWords = (d) => `${d.getDate()} ${EN_MONTHS[d.getMonth()]} ${d.getFullYear()}`;
const day = (offset) => {
  const d = new Date();
  d.setHours(12, 0, 0, 0);
  d.setDate(d.getDate() + offset);
  return d;
};
const dmy = (d) => `${String(d.getDate()).padStart(2, "0")}-${String(d.getMonth() + 1).padStart(2, "0")}-${d.getFullYear()}`;

const c = { caseId: "", url: "", linkId: "", hindiUrl: "" };

before(async () => {
  const relayPort = await freePort();
  ctx.relay = await startRelay(`127.0.0.1:${relayPort}`);
  ctx.relayUrl = ctx.relay.url;
  ctx.driver = await startChromedriver();
  ctx.s = await Session.open(ctx.driver.url, {
    browserName: "chrome",
    "goog:chromeOptions": {
      binary: "/usr/bin/chromium",
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=en-IN"],
      prefs: { "download.default_directory": downloads, "download.prompt_for_download": false },
    },
  });

  execFileSync(cliBin, ["--diary", diary, "init", "--passphrase", "--name", "Sharma Chambers", "--advocate", "Adv. Meera Sharma"], {
    env: { ...process.env, NEXTDATE_PASSPHRASE: PASS },
    stdio: "ignore",
  });
  cli("sync", "init", "--relay", ctx.relayUrl);
  const client = cli("client", "add", "--name", "Kamla Devi").id;
  c.caseId = cli(
    "case", "add", "--title", "Kamla Devi v. State of Rajasthan", "--number", "CRL.A. 912/2026", "--court", "Rajasthan High Court",
    "--bench", "Court No. 7", "--client", client, "--next-date", dmy(day(12)), "--purpose", "Hearing on bail",
  ).id;
  cli("note", "add", c.caseId, "--text", "Alibi witness is shaky; keep this to ourselves");
  cli("note", "add", c.caseId, "--text", "Please bring your Aadhaar card to court", "--client-visible");
  const docs = join(work, "docs");
  mkdirSync(docs);
  writeFileSync(join(docs, "internal-strategy.pdf"), "%PDF strategy");
  writeFileSync(join(docs, "bail-order.pdf"), "%PDF the bail order");
  cli("doc", "add", c.caseId, join(docs, "internal-strategy.pdf"));
  cli("doc", "add", c.caseId, join(docs, "bail-order.pdf"), "--client-visible");
  const made = cli("link", "create", c.caseId);
  assert.equal(made.published, true, JSON.stringify(made));
  c.url = made.url;
  c.linkId = made.id;
  // A second case of the client, titled in Tamil, and a Hindi link to all their cases.
  cli("case", "add", "--title", "முருகன் செல்வம் v. காவல் துறை", "--number", "CC 44/2025", "--court", "Madras High Court", "--client", client);
  c.hindiUrl = cli("link", "create", client, "--lang", "hi", "--outcomes").url;
});

after(async () => {
  if (ctx.s) await ctx.s.quit();
  ctx.driver?.child.kill("SIGTERM");
  ctx.relay?.child.kill("SIGKILL");
});

test("the link shows the next date and court, and nothing private", async () => {
  await setSize(1366, 768);
  const text = await openLink(c.url);
  for (const want of ["Sharma Chambers", "Case status", "CRL.A. 912/2026", "Rajasthan High Court, Court No. 7", inWords(day(12)), "Hearing on bail", "Please bring your Aadhaar card to court", "bail-order.pdf", "Last updated"]) {
    assert.ok(text.includes(want), `${want} in\n${text}`);
  }
  const html = await ctx.s.execute("return document.documentElement.outerHTML");
  for (const never of ["Alibi", "shaky", "internal-strategy", "Meera"]) {
    assert.ok(!html.includes(never), `${never} in the page`);
  }
  await shot("status-link-1366x768");

  // The client-visible document downloads, opened in the browser, byte for byte.
  mkdirSync(downloads, { recursive: true });
  await (await ctx.s.waitFor("button[data-file]")).click();
  const saved = join(downloads, "bail-order.pdf");
  await ctx.s.until(() => existsSync(saved) && readFileSync(saved, "utf8") === "%PDF the bail order", "the document downloaded");
  await setSize(360, 740);
  await openLink(c.url);
  const overflow = await ctx.s.execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 360 px`);
  await shot("status-link-360x740");

  // The laptop's list says how often the relay served it (the two opens above), and nothing more.
  const listed = cli("link", "list", c.caseId);
  assert.equal(listed.length, 1);
  assert.equal(listed[0].url, c.url);
  assert.equal(listed[0].state, "live");
  assert.equal(listed[0].opened, 2);
});

test("a Hindi link with a Tamil title reads on a phone", async () => {
  await setSize(360, 740);
  const text = await openLink(c.hindiUrl);
  for (const want of ["मुकदमे की स्थिति", "अगली तारीख", "न्यायालय", "Kamla Devi", "முருகன் செல்வம் v. காவல் துறை", "Madras High Court"]) {
    assert.ok(text.includes(want), `${want} in\n${text}`);
  }
  assert.equal(await ctx.s.execute("return document.documentElement.lang"), "hi");
  await shot("status-link-hindi-tamil-360x740");
});

test("a new next date, synced from the laptop, shows on reload", async () => {
  const listed = cli("case", "show", c.caseId).hearings.find((h) => !h.recorded);
  cli("hearing", "edit", listed.id, "--date", dmy(day(19)));
  cli("sync", "now");
  await setSize(1366, 768);
  const text = await openLink(c.url);
  assert.ok(text.includes(inWords(day(19))), text);
  assert.ok(!text.includes(inWords(day(12))), text);
});

test("no fragment, a wrong key, a revoked and an expired link each say so and show nothing else", async () => {
  const base = c.url.split("#")[0];
  for (const [url, want] of [
    [base, "This link cannot be opened."],
    [`${base}#${"A".repeat(43)}`, "This link cannot be opened."],
    [`${base}#short`, "This link cannot be opened."],
    [`${ctx.relayUrl}/s/aaaaaaaaaaaaaaaaaaaaaaaaaa#${c.url.split("#")[1]}`, "This link cannot be opened."],
  ]) {
    const text = await openLink(url);
    assert.ok(text.includes(want), `${url}: ${text}`);
    assert.ok(!text.includes("CRL.A.") && !text.includes("Kamla"), `${url} showed: ${text}`);
  }
  await shot("status-link-cannot-open");

  cli("link", "revoke", c.linkId);
  let text = await openLink(c.url);
  assert.ok(text.includes("This link has been withdrawn."), text);
  assert.ok(!text.includes("CRL.A."), text);
  await shot("status-link-revoked");

  // A link that works until today: run the relay three days ahead, and it has expired.
  const expiring = cli("link", "create", c.caseId, "--expires", dmy(day(0))).url;
  assert.ok((await openLink(expiring)).includes("CRL.A. 912/2026"));
  const listen = new URL(ctx.relayUrl).host;
  ctx.relay.child.kill("SIGKILL");
  await new Promise((ok) => ctx.relay.child.once("exit", ok));
  ctx.relay = await startRelay(listen, "+3d");
  text = await openLink(expiring);
  assert.ok(text.includes("This link has expired."), text);
  assert.ok(!text.includes("CRL.A."), text);
  await shot("status-link-expired");
});
