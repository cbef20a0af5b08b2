// Part 2: reminders, search, bad input, documents, fees, tasks, notes and Undo.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname, basename } from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { Keys } from "./webdriver.mjs";
import {
  NEW_PASS,
  NUMBER,
  PASS,
  app,
  artifacts,
  caseId,
  cli,
  click,
  clickCentred,
  ctx,
  d17,
  d3,
  diaryDir,
  dismissUndo,
  dmy,
  fill,
  invoke,
  iso,
  launch,
  localDate,
  onBoard,
  recorderBin,
  relayBin,
  root,
  s,
  setCaseId,
  shot,
  startNotificationServer,
  startRelay,
  targetDir,
} from "./harness.mjs";

test("the evening reminder arrives on the desktop, and clicking it opens its day", async () => {
  const tomorrow = localDate(1);
  const made = await invoke("save_case", {
    id: null,
    input: {
      title: "Reminder v. State", number: "CS 900/2026", court: "Saket District Courts", cnr: null, bench: null,
      case_type: null, stage: null, parties: [], client_ids: [], next_date: dmy(tomorrow), purpose: "Evidence", item: 3,
    },
  });
  assert.ok(made.ok, JSON.stringify(made.err));
  // The digest is due from 00:00: the app's next reminder round (every 30 s) sends it.
  const rs = (await invoke("reminder_settings", {})).ok;
  assert.ok((await invoke("save_reminder_settings", { settings: { ...rs, digest_time: "00:00" } })).ok !== undefined);
  await click("nav-cases");
  let digest;
  await s.until(
    async () => (digest = ctx.notifications.received.find((n) => n.summary.startsWith("Tomorrow:"))) !== undefined,
    "the digest notification",
    45000,
  );
  assert.equal(digest.summary, "Tomorrow: 1 hearing in 1 court");
  assert.match(digest.body, /Saket District Courts/);
  assert.doesNotMatch(digest.body + digest.summary, /Reminder v\. State|CS 900/, "no case details on the lock screen");
  ctx.notifications.click(digest.id);
  const row = await s.waitFor(`[data-testid="diary-board"] [data-testid="hearing-row"][data-case-number="CS 900/2026"]`, { timeout: 15000 });
  assert.equal(await row.attr("data-date"), iso(tomorrow));
  await shot("10b-reminder-opened-day");
  // Once only: no second digest for tomorrow in the next rounds.
  await new Promise((r) => setTimeout(r, 31000));
  assert.equal(ctx.notifications.received.filter((n) => n.summary.startsWith("Tomorrow:")).length, 1);
  assert.ok((await invoke("save_reminder_settings", { settings: rs })).ok !== undefined);
});

test("Ctrl+K search finds the case", async () => {
  await s.press(Keys.CTRL, "k");
  await s.byTestId("palette");
  await fill("palette-input", "123/2024");
  const hit = await s.waitFor(`[data-testid="palette-result"][data-id="${caseId}"]`);
  assert.equal(await hit.attr("data-kind"), "case");
  await shot("11-palette");
  await s.press(Keys.ESC);
  await s.waitGone('[data-testid="palette"]');
});

test("bad input shows its message and changes nothing", async () => {
  const count = async () => (await invoke("cases", { filter: { court: null, status: null, stage: null, undated: false } })).ok.length;
  const before = await count();

  await click("nav-cases");
  await click("new-case");
  await fill("case-number", "W.P.(C) 1/2026");
  await fill("case-court", "Delhi High Court");
  await click("case-save");
  assert.match(await (await s.byTestId("case-form-error")).text(), /case title must not be empty/);
  await fill("case-title", "Bose v. DDA");
  await fill("case-next-date", "31-02-2026");
  await click("case-save");
  await s.until(async () => /invalid date/.test(await (await s.byTestId("case-form-error")).text()), "invalid date message");
  await shot("12-case-form-error");
  assert.equal(await count(), before);

  // A negative fee on the case page.
  const page = await invoke("case_detail", { id: caseId });
  assert.equal(page.ok.fees.length, 0);
  await s.execute("window.location.hash = arguments[0]", `#/cases/${caseId}`);
  await s.byTestId("case-page");
  await fill("fee-amount", "-500");
  await click("fee-add");
  assert.match(await (await s.byTestId("fee-error")).text(), /invalid amount/);
  assert.equal((await invoke("case_detail", { id: caseId })).ok.fees.length, 0);
  await fill("fee-amount", "1500.50");
  await click("fee-add");
  await s.waitFor('[data-testid="fee-row"]');
  assert.match(await (await s.byTestId("fee-balance")).text(), /1,500\.50/);
  await shot("13-case-fees");

  // Unknown ids through the same IPC the UI uses.
  const unknown = await invoke("case_detail", { id: "01JUNKNOWNUNKNOWNUNKNOWN00" });
  assert.equal(unknown.err.code, "unknown_id");
  const rec = await invoke("record_hearing", {
    caseId: "01JUNKNOWNUNKNOWNUNKNOWN00",
    input: { date: "today", outcome: null, item: null, next_date: "+7d", purpose: null, disposed: false, non_effective: false },
  });
  assert.equal(rec.err.code, "unknown_id");
  assert.equal(await count(), before);
  // And a case page for an id that does not exist says so.
  await s.execute("window.location.hash = arguments[0]", "#/cases/01JUNKNOWNUNKNOWNUNKNOWN00");
  const banner = await s.byTestId("error-banner");
  await s.until(async () => /no case with id/.test(await banner.text()), "unknown case message");
  await shot("13b-unknown-case");
});

test("an attached document is stored encrypted and listed on the case page", async () => {
  const file = join(diaryDir, "..", `vakalatnama-${process.pid}.txt`);
  writeFileSync(file, "Vakalatnama: privileged attachment text ".repeat(40));
  // The file dialog is the OS's; the app receives its chosen path exactly like this.
  const attached = await invoke("attach_document", { caseId, path: file, clientVisible: false });
  assert.ok(attached.ok, JSON.stringify(attached.err));
  await s.execute("window.location.hash = arguments[0]", `#/cases/${caseId}`);
  const row = await s.waitFor('[data-testid="document-row"]');
  assert.match(await row.text(), /vakalatnama/);
  await shot("13c-documents");
  const missing = await invoke("attach_document", { caseId, path: "/nonexistent/file.pdf", clientVisible: false });
  assert.equal(missing.err.code, "io");
});

test("a fee entry is voided with its reason: struck out, and out of the balance", async () => {
  await s.execute("window.location.hash = arguments[0]", `#/cases/${caseId}`);
  const row = await s.waitFor('[data-testid="fee-row"][data-voided="no"]');
  const feeId = await row.attr("data-fee-id");
  assert.match(await (await s.byTestId("fee-balance")).text(), /received\s*₹ 1,500\.50/i);
  await (await row.findAll('[data-testid="fee-void"]'))[0].click();
  await s.byTestId("fee-void-dialog");
  // No reason: refused, and the entry is untouched.
  await click("fee-void-save");
  await s.until(async () => /reason for voiding must not be empty/.test(await (await s.byTestId("fee-void-dialog-error")).text()), "reason required");
  const untouched = (await invoke("case_detail", { id: caseId })).ok;
  assert.equal(untouched.fees.find((f) => f.id === feeId).voided_at, null);
  assert.equal(untouched.balance[0].received, 150050);
  await fill("fee-void-reason", "Entered twice");
  await shot("13c1-fee-void-dialog");
  await click("fee-void-save");
  await s.waitGone('[data-testid="fee-void-dialog"]');

  const voided = await s.waitFor(`[data-testid="fee-row"][data-fee-id="${feeId}"][data-voided="yes"]`);
  assert.match(await voided.text(), /Void: Entered twice/);
  const amount = (await voided.findAll('[data-testid="fee-amount-text"]'))[0];
  assert.match(await amount.attr("class"), /\bstrike\b/);
  assert.equal((await voided.findAll('[data-testid="fee-void"]')).length, 0, "a voided entry is not voided again");
  await s.until(async () => /received\s*₹ 0\.00/i.test(await (await s.byTestId("fee-balance")).text()), "the balance leaves it out");
  const page = (await invoke("case_detail", { id: caseId })).ok;
  assert.equal(page.fees.length, 1, "the voided entry stays in the ledger");
  assert.ok(page.balance.every((b) => b.received === 0 && b.agreed === 0));
  const history = (await invoke("history", { id: caseId })).ok;
  assert.equal(history.at(-1).message, "Fee of ₹1,500.50 voided: Entered twice");
  await shot("13c2-fee-voided");
});

test("a task is corrected, assigned, done, reopened and removed; a note is corrected and removed", async () => {
  await s.execute("window.location.hash = arguments[0]", `#/cases/${caseId}`);
  await s.waitFor('[data-testid="task-title"]');
  const tasksBefore = (await s.findAll('[data-testid="task-row"]')).length;
  await fill("task-title", "File written submisions");
  await clickCentred("task-add");
  const row = await s.waitFor('[data-testid="task-row"] [data-testid="task-edit"]');
  await clickCentred(row);
  await s.byTestId("task-edit-dialog");
  const [member] = (await invoke("members", {})).ok;
  await fill("task-edit-title", "File written submissions");
  await fill("task-edit-due", dmy(d3));
  await s.select(await s.byTestId("task-edit-assignee"), member.id);
  await shot("13c3-task-edit-dialog");
  await clickCentred("task-edit-save");
  await s.waitGone('[data-testid="task-edit-dialog"]');
  await s.until(async () => {
    const t = await (await s.waitFor('[data-testid="task-row"]')).text();
    return t.includes("File written submissions") && t.includes(dmy(d3)) && t.includes(member.name);
  }, "the corrected task");
  let task = (await invoke("case_detail", { id: caseId })).ok.tasks.find((t) => t.title === "File written submissions");
  assert.equal(task.due, iso(d3));
  assert.equal(task.assignee, member.id);
  assert.match((await invoke("history", { id: caseId })).ok.at(-1).message, /^Task “File written submisions”: title changed/);

  await clickCentred("task-done");
  await clickCentred("task-reopen");
  await s.waitFor('[data-testid="task-row"] [data-testid="task-done"]');
  await clickCentred("task-remove");
  assert.match(await (await s.byTestId("confirm-dialog-question")).text(), /Remove the task “File written submissions”\?/);
  await shot("13c4-task-remove-confirm");
  await clickCentred("confirm-dialog-save");
  await s.waitGone('[data-testid="confirm-dialog"]');
  await s.until(async () => (await s.findAll('[data-testid="task-row"]')).length === tasksBefore, "the task is gone");
  const removed = (await invoke("case_detail", { id: caseId })).ok.removed;
  assert.ok(removed.some((r) => r.kind === "task"), "kept as a removed record");

  // A note: corrected, made client-visible, then removed (the notes are as they were).
  const notesBefore = (await s.findAll('[data-testid="note-row"]')).length;
  await fill("note-text", "Client to bring the original sale deed");
  await clickCentred("note-add");
  const note = await s.waitFor('[data-testid="note-row"] [data-testid="note-edit"]');
  await clickCentred(note);
  await s.byTestId("note-edit-dialog");
  await fill("note-edit-text", "Client to bring the original sale deed and two copies");
  await clickCentred("note-edit-save");
  await s.waitGone('[data-testid="note-edit-dialog"]');
  await s.until(async () => /and two copies/.test(await (await s.waitFor('[data-testid="note-row"]')).text()), "the corrected note");
  await clickCentred("note-visibility");
  await s.waitFor('[data-testid="note-row"][data-visibility="client"]');
  await shot("13c5-note-corrected");
  await clickCentred("note-remove");
  assert.match(await (await s.byTestId("confirm-dialog-question")).text(), /Remove the client-visible note “Client to bring the original sale deed and two copies”\?/);
  await clickCentred("confirm-dialog-save");
  await s.until(async () => (await s.findAll('[data-testid="note-row"]')).length === notesBefore, "the note is gone");

  // The attached document: renamed and shown to the client (it stays attached for the tests after this one).
  await clickCentred("document-rename");
  await s.byTestId("document-rename-dialog");
  await fill("document-rename-name", "Vakalatnama (signed).txt");
  await clickCentred("document-rename-save");
  await s.waitGone('[data-testid="document-rename-dialog"]');
  await clickCentred("document-visibility");
  const doc = await s.waitFor('[data-testid="document-row"][data-visibility="client"]');
  assert.match(await doc.text(), /Vakalatnama \(signed\)\.txt/);
  await shot("13c6-document-corrected");
  const docs = (await invoke("case_detail", { id: caseId })).ok.documents;
  assert.deepEqual(docs.map((d) => [d.name, d.client_visible]), [["Vakalatnama (signed).txt", true]]);
  await dismissUndo();
});

test("a change offers Undo, and Undo takes it back", async () => {
  await s.execute("window.location.hash = arguments[0]", `#/cases/${caseId}`);
  await s.waitFor('[data-testid="note-text"]');
  const before = (await s.findAll('[data-testid="note-row"]')).length;
  await fill("note-text", "Note written in the wrong case");
  await click("note-add");
  await s.until(async () => (await s.findAll('[data-testid="note-row"]')).length === before + 1, "the note is listed");
  // (WebKitWebDriver reports the fixed bar as not displayed, though it is on screen: see the screenshot.)
  await s.waitFor('[data-testid="undo-message"]', { visible: false });
  const textOf = (id) => s.execute("return document.querySelector(`[data-testid=${arguments[0]}]`).textContent", id);
  assert.equal(await textOf("undo-message"), "Added a private note");
  await shot("13d-undo-offered");
  // Ctrl+Z outside a text field takes the change back.
  await s.execute("document.activeElement?.blur()");
  await s.press(Keys.CTRL, "z");
  await s.waitFor('[data-testid="undo-done"]', { visible: false });
  assert.equal(await textOf("undo-done"), "Undone: Added a private note");
  await s.until(async () => (await s.findAll('[data-testid="note-row"]')).length === before, "the note is gone");
  await shot("13e-undone");
  // The history says so, in words.
  const history = await invoke("history", { id: caseId });
  assert.match(history.ok.at(-1).message, /^Undid: /);
});
