// Benchmark (figures, not assertions): from opening a client's status link
// to the page painted with the case, in headless Chromium against a real
// relay on 127.0.0.1 — the page, its script, the sealed snapshot fetched,
// opened with WebCrypto and laid out — beside the same page answering at
// once that a link without its key cannot be opened (no fetch, no
// decryption), measured in the same run. The time is the viewer's own
// `status-shown` mark (after the next frame), read from the page.
//
// node benches/status-link/paint.mjs   (after `cargo build -p nextdate-cli -p nextdate-relay`)

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { cliOn, day, dmy, freePort, startBrowser, startRelay, workDir } from "../../tests/browser/support.mjs";

const RUNS = Number(process.env.RUNS || 30);
const work = workDir();
mkdirSync(join(work, "downloads"));
const cli = cliOn(join(work, "diary"));
const relay = await startRelay(join(work, "relay"), `127.0.0.1:${await freePort()}`);
const browser = await startBrowser(join(work, "downloads"));
const s = browser.session;

try {
  cli.init("Bench Chambers", "Adv. Bench");
  cli("sync", "init", "--relay", relay.url);
  const client = cli("client", "add", "--name", "Kamla Devi").id;
  for (let i = 0; i < 5; i++) {
    cli("case", "add", "--title", `Kamla Devi v. Respondent ${i}`, "--number", `CS ${i}/2026`, "--court", "Delhi High Court", "--client", client, "--next-date", dmy(day(10 + i)));
  }
  const url = cli("link", "create", client, "--outcomes").url;
  const keyless = url.split("#")[0];

  const shownAt = async (u) => {
    await s.cmd("POST", "/url", { url: "about:blank" });
    await s.cmd("POST", "/url", { url: u });
    await s.waitFor("article.case, .message");
    return s.until(() => s.execute("return performance.getEntriesByName('status-shown')[0]?.startTime"), "the mark");
  };
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  // Alternated, so that drift in the machine's load falls on both alike.
  await shownAt(url); // warm the cache of script and style
  await shownAt(keyless);
  const [opened, keyed] = [[], []];
  for (let i = 0; i < RUNS; i++) {
    opened.push(await shownAt(url));
    keyed.push(await shownAt(keyless));
  }
  const painted = median(opened);
  const baseline = median(keyed);
  console.log(`Status link, opened in headless Chromium (${RUNS} runs, median; a client with 5 cases):`);
  console.log(`  open to painted with the cases                   ${painted.toFixed(1).padStart(7)} ms`);
  console.log(`  baseline: the same page, a link without its key  ${baseline.toFixed(1).padStart(7)} ms`);
  console.log(`  fetch, WebCrypto and layout                      ${(painted - baseline).toFixed(1).padStart(7)} ms (${(painted / baseline).toFixed(2)}x)`);
} finally {
  await s.quit();
  browser.stop();
  await relay.stop();
}
