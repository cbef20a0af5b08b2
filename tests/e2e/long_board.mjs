// Part 8: a chamber's busy day. A second app session on a demo diary of a few
// thousand cases, where a date's board runs to about three hundred hearings
// and only the rows in and around the window are drawn: keys reach every row,
// down to the last; whatever is scrolled into view is drawn; Ctrl+K still
// finds a case far down the list and opens it; Today counts every undated
// case but draws only the latest few.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keys, Session, startDriver } from "./webdriver.mjs";
import { app, cli, ctx, iso, localDate, s, shot, stopLeftoverApps } from "./harness.mjs";

const CASES = Number(process.env.E2E_LONG_BOARD_CASES || 8000);
const longDir = mkdtempSync(join(tmpdir(), "nextdate-e2e-long-"));
let driver = null;

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")}: exit ${code}: ${err}`))));
  });
}

// The debug CLI takes a while to write thousands of cases: it does so in the
// background, at low priority, while the parts before this one run.
const made = run(cli, ["--diary", longDir, "init", "--name", "Busy Chambers"]).then(() =>
  run("nice", ["-n", "19", cli, "--diary", longDir, "demo", "--cases", String(CASES), "--batch", "4000"]),
);
made.catch(() => {}); // awaited (and reported) by the first test below

after(async () => {
  if (driver) {
    await ctx.session?.quit();
    ctx.session = null;
    driver.stop();
  }
  await stopLeftoverApps(longDir);
  rmSync(longDir, { recursive: true, force: true });
});

/** The app's own IPC, as the UI calls it. */
async function call(cmd, args) {
  const r = await s.executeAsync(
    "const done = arguments[arguments.length - 1]; window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then((v) => done({ ok: v }), (e) => done({ err: e }));",
    cmd,
    args,
  );
  assert.ok(r.ok !== undefined, `${cmd}: ${JSON.stringify(r.err)}`);
  return r.ok;
}

/** Presses `key` `times` times, like a person holding it down, a few dozen presses per request. */
async function pressTimes(key, times) {
  for (let done = 0; done < times; ) {
    const n = Math.min(40, times - done);
    const actions = [];
    for (let k = 0; k < n; k++) actions.push({ type: "keyDown", value: key }, { type: "keyUp", value: key });
    await s.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    done += n;
  }
  await s.cmd("DELETE", "/actions");
}

/** A pattern matching `text` as it is (case numbers are full of dots and brackets). */
const literally = (text) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

const frames = () => s.executeAsync("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));");

/** The row focused now: its place on the board and hearing. */
const focused = () =>
  s.execute("const r = document.activeElement?.closest?.('[data-testid=hearing-row]'); return r ? { index: Number(r.dataset.index), id: r.dataset.hearingId } : null;");

let date = "";
let order = []; // the board's hearings, in the core's order
let farCase = null; // a hearing near the end of the board

test("a busy day's board draws the rows in view, and keys reach every row down to the last", async () => {
  await made;
  // The e2e diary's session is over (the lifecycle part deleted it): the demo diary, in a session of its own.
  await ctx.session?.quit();
  ctx.session = null;
  await stopLeftoverApps();
  for (let i = 0; i < 200; i++) {
    try {
      execFileSync("pgrep", ["-x", "nextdate-app"]);
    } catch {
      break; // none running
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  driver = await startDriver({ NEXTDATE_DIARY: longDir, WEBKIT_DISABLE_COMPOSITING_MODE: "1" });
  ctx.session = await Session.start(driver.url, app);
  await s.waitFor('[data-testid="today-page"]', { timeout: 60000 });

  // The busiest day of the coming fortnight.
  const counts = await call("hearing_counts", { from: iso(localDate(0)), to: iso(localDate(14)) });
  const busiest = counts.reduce((a, b) => ((b.hearings ?? 0) > (a.hearings ?? 0) ? b : a));
  date = busiest.date;
  const board = await call("board", { dateText: date });
  order = board.courts.flatMap((g) => g.hearings);
  assert.ok(order.length >= 200, `a long board: ${order.length} hearings on ${date}`);
  farCase = order[order.length - 3];

  await s.execute("window.location.hash = arguments[0]", `#/diary/${date}/day`);
  const shown = await s.waitFor(`[data-testid="diary-board"][data-date="${date}"] [data-testid="board"]`);
  assert.equal(Number(await shown.attr("data-total")), order.length);
  assert.match(await (await s.waitFor('[data-testid="diary-board"] .card-title .muted')).text(), new RegExp(`^${order.length} hearings$`));
  await frames();
  // Only what is in and around the window is drawn, not hundreds of rows.
  const drawn = (await s.findAll('[data-testid="diary-board"] [data-testid="hearing-row"]')).length;
  assert.ok(drawn > 0 && drawn < 80, `${drawn} rows drawn of ${order.length}`);
  // Each court's table tells a screen reader how many rows it has.
  const firstGroup = board.courts[0];
  const table = await s.waitFor(`[data-testid="court-group"][data-court="${firstGroup.court}"] table`);
  assert.equal(await table.attr("aria-rowcount"), String(firstGroup.hearings.length + 1));
  await shot("24-long-board");

  // From the first row, ArrowDown through every row: each is drawn and focused, once, in the board's order.
  await s.execute(`window.__visited = [];
    document.addEventListener('focusin', (e) => { const r = e.target.closest?.('[data-testid=hearing-row]'); if (r) window.__visited.push(r.dataset.hearingId); });
    document.querySelector('[data-testid=diary-board] [data-testid=hearing-row]').focus();`);
  const started = Date.now();
  await pressTimes("\uE015", order.length - 1); // ArrowDown
  const visited = await s.execute("return window.__visited");
  assert.deepEqual(visited, order.map((h) => h.hearing_id), "every row, in order, once");
  assert.deepEqual(await focused(), { index: order.length - 1, id: order.at(-1).hearing_id });
  // The last row is in view, drawn where it belongs (the card ends below it), and a further ArrowDown stays put.
  const inView = await s.execute(`const r = document.activeElement.getBoundingClientRect(); const m = document.getElementById('main').getBoundingClientRect();
    return r.top >= m.top - 1 && r.bottom <= m.bottom + 1;`);
  assert.ok(inView, "the last row is scrolled into view");
  await s.press("\uE015");
  assert.equal((await focused()).index, order.length - 1);
  await frames();
  await shot("24b-long-board-last-row");
  if (process.env.E2E_DEBUG) console.error(`ArrowDown through ${order.length} rows took ${Date.now() - started} ms`);

  // Back up a few, then Home and End jump to the ends, drawing them first.
  await pressTimes("\uE013", 3); // ArrowUp
  assert.equal((await focused()).index, order.length - 4);
  await s.press("\uE011"); // Home
  assert.deepEqual(await focused(), { index: 0, id: order[0].hearing_id });
  await s.press("\uE010"); // End
  assert.deepEqual(await focused(), { index: order.length - 1, id: order.at(-1).hearing_id });
  await s.press("\uE00E"); // PageUp
  const paged = (await focused()).index;
  assert.ok(paged < order.length - 1 && paged > 0, `PageUp moved to ${paged}`);

  // R on a row far down records its outcome; closing the dialog gives the row its focus back.
  await s.press("\uE010"); // End
  await s.press("r");
  const dialog = await s.byTestId("record-dialog");
  assert.match(await dialog.text(), literally(order.at(-1).number));
  await s.press(Keys.ESC);
  await s.waitGone('[data-testid="record-dialog"]');
  assert.deepEqual(await focused(), { index: order.length - 1, id: order.at(-1).hearing_id });
});

test("whatever part of the long board is scrolled into view is drawn, and the focused row stays", async () => {
  // A row near the top has the focus while the page is scrolled away from it (a mouse wheel).
  await s.press("\uE011"); // Home
  await pressTimes("\uE015", 10);
  assert.equal((await focused()).index, 10);
  for (const at of [0.5, 0.2, 0.85, 0.35, 1, 0]) {
    await s.execute("const m = document.getElementById('main'); m.scrollTo({ top: (m.scrollHeight - m.clientHeight) * arguments[0] });", at);
    await frames();
    // Down the middle of the board, no point in view is on the space held open for rows not drawn.
    const blank = await s.execute(`const m = document.getElementById('main').getBoundingClientRect();
      const b = document.querySelector('[data-testid=diary-board] [data-testid=board]').getBoundingClientRect();
      const x = b.left + b.width / 2; const out = [];
      for (let y = Math.max(m.top, b.top) + 4; y < Math.min(m.bottom, b.bottom) - 4; y += 24) {
        const el = document.elementFromPoint(x, y);
        if (!el || el.closest('.board-gap, .board-gap-row')) out.push(Math.round(y));
      }
      return out;`);
    assert.deepEqual(blank, [], `scrolled to ${at}: points on undrawn rows`);
    assert.equal((await focused())?.index, 10, `the focused row stays, scrolled to ${at}`);
    // And there are rows in view.
    assert.ok(await s.execute(`const m = document.getElementById('main').getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid=diary-board] [data-testid=hearing-row]')].some((r) => { const b = r.getBoundingClientRect(); return b.bottom > m.top && b.top < m.bottom; });`), `rows in view at ${at}`);
  }
  // Scrolled far from it, Tab still goes on from the focused row to the next one (past its button), and the arrows too.
  await s.execute("const m = document.getElementById('main'); m.scrollTo({ top: m.scrollHeight });");
  await frames();
  for (let i = 0; i < 3 && (await focused()).index === 10; i++) await s.press(Keys.TAB);
  assert.equal((await focused()).index, 11);
  await s.press("\uE015");
  assert.equal((await focused()).index, 12);
  await s.execute("document.activeElement?.blur()");
});

test("Ctrl+K finds a case far down the long board and opens it", async () => {
  await s.press(Keys.CTRL, "k");
  await (await s.byTestId("palette-input")).type(farCase.number);
  const palette = await s.byTestId("palette");
  await s.until(async () => (await palette.attr("data-query")) === farCase.number && (await palette.attr("data-busy")) === "false", "the search for the number");
  const hit = await s.waitFor(`[data-testid="palette-result"][data-id="${farCase.case_id}"]`);
  // Choose it with the arrow keys (the first result is chosen at first), as a person would, and open it.
  const ids = await s.execute("return [...document.querySelectorAll('[data-testid=palette-result]')].map((r) => r.dataset.id)");
  const at = ids.indexOf(farCase.case_id);
  assert.ok(at >= 0, `${farCase.number} among ${ids.length} results`);
  await pressTimes("\uE015", at);
  assert.equal(await hit.attr("aria-selected"), "true");
  await shot("24c-long-board-palette");
  await s.press(Keys.ENTER);
  await s.waitGone('[data-testid="palette"]');
  await s.waitFor(`[data-testid="case-page"]`);
  assert.match(await (await s.byTestId("case-heading")).text(), literally(farCase.number));
  assert.match(await s.execute("return location.hash"), new RegExp(`#/cases/${farCase.case_id}$`));
});

test("on Today, ArrowDown from the last of today's long board goes on to tomorrow's", async () => {
  const today = await call("board", { dateText: iso(localDate(0)) });
  const tomorrow = await call("board", { dateText: iso(localDate(1)) });
  const todays = today.courts.flatMap((g) => g.hearings);
  const tomorrows = tomorrow.courts.flatMap((g) => g.hearings);
  assert.ok(todays.length > 50 && tomorrows.length > 0, `${todays.length} today, ${tomorrows.length} tomorrow`);
  await s.execute("window.location.hash = '#/today'");
  await s.waitFor('[data-testid="today-page"] [data-testid="hearing-row"]');
  await s.execute("document.querySelector('[data-testid=today-page] [data-testid=hearing-row]').focus()");
  await s.press("\uE010"); // End
  assert.deepEqual(await focused(), { index: todays.length - 1, id: todays.at(-1).hearing_id });
  await s.press("\uE015"); // ArrowDown
  assert.deepEqual(await focused(), { index: 0, id: tomorrows[0].hearing_id });
  assert.ok(await s.execute("return !!document.activeElement.closest('[data-testid=tomorrow-board]')"));
  await s.press("\uE013"); // ArrowUp
  assert.deepEqual(await focused(), { index: todays.length - 1, id: todays.at(-1).hearing_id });
});

test("Today counts every undated case, draws the latest few, and Show all lists them all", async () => {
  const all = await call("cases", { filter: { court: null, status: null, stage: null, undated: true } });
  assert.ok(all.length > 12, `${all.length} undated cases`);
  await s.waitFor(`[data-testid="undated-list"][data-total="${all.length}"]`);
  const rows = await s.execute(
    "return [...document.querySelectorAll('[data-testid=undated-row]')].map((r) => r.dataset.caseId)",
  );
  assert.equal(rows.length, 12, "a dozen drawn, not thousands");
  // The ones last heard most recently, latest first.
  const byId = new Map(all.map((c) => [c.id, c]));
  const dates = rows.map((id) => byId.get(id)?.latest_date ?? "");
  assert.ok(dates.every((d) => d), "each drawn row is an undated case with a last date");
  assert.deepEqual(dates, [...dates].sort().reverse(), "latest first");
  const latest = all.map((c) => c.latest_date ?? "").sort().reverse();
  assert.equal(dates[0], latest[0]);
  assert.equal(dates.at(-1), latest[11]);
  assert.match(await (await s.waitFor('[data-testid="today-page"] .stat.warn')).text(), new RegExp(`^${all.length}\\s+undated`));

  // Overdue tasks: all counted, a dozen drawn, fifty more on asking, the longest overdue first.
  const overdue = await call("overdue_tasks", { offset: 0, limit: 100000 });
  assert.ok(overdue.total > 62 && overdue.tasks.length === overdue.total, `${overdue.total} overdue tasks`);
  await s.waitFor(`[data-testid="overdue-list"][data-total="${overdue.total}"]`);
  const taskIds = () => s.execute("return [...document.querySelectorAll('[data-testid=overdue-list] [data-testid=task-row]')].map((r) => r.dataset.taskId)");
  assert.deepEqual(await taskIds(), overdue.tasks.slice(0, 12).map((t) => t.id));
  // Clicked in the page: scrolled down to it, the boards above draw the rows
  // now in reach and the page's layout moves under a pointer's click.
  await s.execute("document.querySelector('[data-testid=overdue-more]').click()");
  await s.until(async () => (await taskIds()).length === 62, "fifty more drawn");
  assert.deepEqual(await taskIds(), overdue.tasks.slice(0, 62).map((t) => t.id));
  // One marked done: the rest stay drawn, and the next comes up.
  await s.execute("document.querySelectorAll('[data-testid=overdue-list] [data-testid=task-row] button')[5].click()");
  const rest = overdue.tasks.filter((_, i) => i !== 5).slice(0, 62).map((t) => t.id);
  await s.until(async () => JSON.stringify(await taskIds()) === JSON.stringify(rest), "the done task gone, the list kept");
  await s.waitFor(`[data-testid="overdue-list"][data-total="${overdue.total - 1}"]`);

  await s.execute("document.querySelector('[data-testid=undated-all]').click()");
  await s.waitFor('[data-testid="cases-page"]');
  const sub = () => s.execute("return document.querySelector('[data-testid=cases-page] .page-sub').textContent");
  await s.until(async () => (await sub()) === `${all.length} of ${all.length} shown`, "every undated case listed");
  assert.equal(await s.execute("return document.querySelector('[data-testid=filter-undated]').checked"), true);
  const undatedRows = await s.execute("return [...document.querySelectorAll('[data-testid=case-row]')].map((r) => r.dataset.caseId)");
  assert.deepEqual(undatedRows, all.slice(0, 200).map((c) => c.id), "the first page of them, in the list's order");
});

test("the case list of thousands draws a page at a time, as it is scrolled or stepped through", async () => {
  const every = await call("cases", { filter: { court: null, status: null, stage: null, undated: false } });
  await (await s.byTestId("filter-undated")).click();
  const sub = () => s.execute("return document.querySelector('[data-testid=cases-page] .page-sub').textContent");
  await s.until(async () => (await sub()) === `${every.length} of ${every.length} shown`, "the whole list");
  const drawnIds = () => s.execute("return [...document.querySelectorAll('[data-testid=case-row]')].map((r) => r.dataset.caseId)");
  assert.deepEqual(await drawnIds(), every.slice(0, 200).map((c) => c.id), "the first page drawn, not thousands");

  // ArrowDown from the last row drawn draws the next page and steps into it.
  await s.execute("const l = document.querySelectorAll('[data-testid=case-row] a.case-link'); l[l.length - 1].focus();");
  await s.press("\uE015");
  const focusedCase = () => s.execute("return document.activeElement?.closest('[data-testid=case-row]')?.dataset.caseId ?? null");
  assert.equal(await focusedCase(), every[200].id);
  assert.ok((await drawnIds()).length >= 400);

  // Scrolled to the end of what is drawn, the next page comes; a filter starts again from the first page.
  const before = (await drawnIds()).length;
  await s.execute("const m = document.getElementById('main'); m.scrollTo({ top: m.scrollHeight });");
  await s.until(async () => (await drawnIds()).length > before, "the next page drawn on scrolling");
  const far = every.at(-1);
  await (await s.byTestId("cases-search")).type(far.number);
  await s.until(async () => (await drawnIds()).includes(far.id), "the last case found by its number");
  assert.ok((await drawnIds()).length <= 200);
});
