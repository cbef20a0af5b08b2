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
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliOn, day, dmy, freePort, root, startBrowser, startRelay, workDir } from "./support.mjs";

const artifacts = join(root, "artifacts", "browser");
const work = workDir();
const diary = join(work, "diary");
const relayData = join(work, "relay");
const downloads = join(work, "downloads");
const cli = cliOn(diary);

const ctx = { relay: null, browser: null, s: null, relayUrl: "" };

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

const c = { caseId: "", url: "", linkId: "", hindiUrl: "" };

before(async () => {
  ctx.relay = await startRelay(relayData, `127.0.0.1:${await freePort()}`);
  ctx.relayUrl = ctx.relay.url;
  ctx.browser = await startBrowser(downloads);
  ctx.s = ctx.browser.session;
  cli.init("Sharma Chambers", "Adv. Meera Sharma");
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
  ctx.browser?.stop();
  await ctx.relay?.stop();
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
  await ctx.relay.stop();
  ctx.relay = await startRelay(relayData, listen, "+3d");
  text = await openLink(expiring);
  assert.ok(text.includes("This link has expired."), text);
  assert.ok(!text.includes("CRL.A."), text);
  await shot("status-link-expired");
});
