// Part 1: a new diary, its first client and case, the board, and correcting
// hearings, a case's status and a client (their data erased too).
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
  secrets,
  setCaseId,
  shot,
  startNotificationServer,
  startRelay,
  targetDir,
} from "./harness.mjs";

test("create a passphrase diary and see the recovery key once", async () => {
  await launch();
  await fill("setup-name", "Sharma Chambers");
  await fill("setup-advocate", "Adv. Meera Sharma");
  await click("setup-mode-passphrase");
  await fill("setup-passphrase", PASS);
  await fill("setup-passphrase-confirm", PASS);
  await shot("01-setup");
  await click("setup-create");
  const key = await (await s.byTestId("recovery-key", { timeout: 20000 })).text();
  assert.match(key.trim(), /^ND1-[A-Z2-7]{4}(-[A-Z2-7]{1,4}){12}$/);
  // The backup identity is shown beside it, with the recovery sheet to save and print.
  secrets.setupIdentity = (await (await s.byTestId("backup-identity")).text()).trim();
  assert.match(secrets.setupIdentity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
  await s.byTestId("recovery-sheet-preview", { timeout: 20000 });
  await shot("02-recovery-key");
  await click("recovery-confirm");
  await click("recovery-continue");
  await s.byTestId("today-page");
  await shot("03-today-empty");
});

test("add a client and a case with a next date", async () => {
  await click("nav-clients");
  await click("new-client");
  await fill("client-name", "सुनीता देवी");
  await fill("client-phone", "+91 98110 22334");
  await fill("client-email", "sunita@example.in");
  await click("client-save");
  const row = await s.waitFor('[data-testid="client-row"]');
  const clientId = await row.attr("data-client-id");
  assert.ok(clientId);
  assert.match(await row.text(), /सुनीता देवी/);
  await shot("04-clients");

  await click("nav-cases");
  await click("new-case");
  await fill("case-title", "Sunita Devi v. State");
  await fill("case-number", NUMBER);
  await fill("case-court", "Delhi High Court");
  await fill("case-cnr", "DLHC010001232024");
  await fill("case-bench", "Court No. 12");
  await s.select(await s.byTestId("case-client"), clientId);
  await fill("case-next-date", dmy(d3));
  await fill("case-purpose", "Arguments");
  await fill("case-item", "14");
  await shot("05-case-form");
  await click("case-save");
  const page = await s.byTestId("case-page");
  assert.match(await (await s.byTestId("case-heading")).text(), /CRL\.A\. 123\/2024/);
  await shot("06-case-page");
  assert.ok(page);
});

test("the case is on its date's board, and recording the outcome moves it", async () => {
  await click("nav-diary");
  await fill("diary-date", dmy(d3));
  await click("diary-go");
  const row = await s.waitFor(`[data-testid="diary-board"] [data-testid="hearing-row"][data-case-number="${NUMBER}"]`);
  setCaseId(await row.attr("data-case-id"));
  assert.equal(await row.attr("data-date"), iso(d3));
  const group = await s.waitFor(`[data-testid="diary-board"] [data-testid="court-group"][data-court="Delhi High Court"]`);
  assert.ok(group);
  await shot("07-diary-day");

  const button = (await row.findAll('[data-testid="record-outcome"]'))[0];
  await button.click();
  await s.byTestId("record-dialog");
  await fill("record-outcome-text", "Arguments heard in part");
  await fill("record-next-date", dmy(d17));
  await s.until(async () => (await (await s.byTestId("record-next-date-preview")).text()).includes(dmy(d17)), "next-date preview");
  await fill("record-purpose", "Final arguments");
  await shot("08-record-dialog");
  await click("record-save");
  await s.waitGone('[data-testid="record-dialog"]');

  await fill("diary-date", dmy(d17));
  await click("diary-go");
  const moved = await s.waitFor(`[data-testid="diary-board"] [data-testid="hearing-row"][data-case-number="${NUMBER}"]`);
  assert.equal(await moved.attr("data-date"), iso(d17));
  assert.match(await moved.text(), /Final arguments/);
  await shot("09-moved");

  await click("diary-view-month");
  const cell = await s.waitFor(`[data-testid="month-day"][data-date="${iso(d17)}"]`);
  assert.equal(await cell.attr("data-count"), "1");
  await shot("10-month");
});

test("correcting a hearing's next date on the case page moves the case to the new date's board, and Undo moves it back", async () => {
  const d24 = localDate(24);
  await s.execute("window.location.hash = arguments[0]", `#/cases/${caseId}`);
  const row = await s.waitFor(`[data-testid="timeline-row"][data-date="${iso(d3)}"]`);
  await (await row.findAll('[data-testid="hearing-correct"]'))[0].click();
  await s.byTestId("hearing-edit");
  // Prefilled with what the hearing reads.
  assert.equal(await (await s.byTestId("hearing-edit-date")).prop("value"), dmy(d3));
  assert.equal(await (await s.byTestId("hearing-edit-next")).prop("value"), dmy(d17));
  assert.equal(await (await s.byTestId("hearing-edit-outcome")).prop("value"), "Arguments heard in part");
  assert.equal(await (await s.byTestId("hearing-edit-item")).prop("value"), "14");
  // A next date before the hearing is refused with the core's words, and nothing changes.
  await fill("hearing-edit-next", dmy(localDate(1)));
  await click("hearing-edit-save");
  await s.until(async () => /after/.test(await (await s.byTestId("hearing-edit-error")).text()), "the next-date error");
  await shot("09a-hearing-correct-refused");
  assert.equal((await invoke("case_detail", { id: caseId })).ok.hearings.find((h) => h.date === iso(d3)).next_date, iso(d17));

  await fill("hearing-edit-next", dmy(d24));
  await s.until(async () => (await (await s.byTestId("hearing-edit-next-preview")).text()).includes(dmy(d24)), "next-date preview");
  await shot("09b-hearing-correct-dialog");
  await click("hearing-edit-save");
  await s.waitGone('[data-testid="hearing-edit"]');
  const said = `Next date changed from ${dmy(d17)} to ${dmy(d24)} (hearing of ${dmy(d3)})`;
  await s.until(async () => (await (await s.byTestId("hearing-notice")).text()).includes(said), "the correction in words");
  await s.waitFor(`[data-testid="timeline-row"][data-date="${iso(d24)}"]`);
  assert.equal((await s.findAll(`[data-testid="timeline-row"][data-date="${iso(d17)}"]`)).length, 0);
  await shot("09c-hearing-corrected");

  assert.equal(await onBoard(d17), false, "the case left the old date's board");
  assert.equal(await onBoard(d24), true, "the case is on the new date's board");
  const moved = await s.waitFor(`[data-testid="diary-board"] [data-testid="hearing-row"][data-case-number="${NUMBER}"]`);
  assert.match(await moved.text(), /Final arguments/);
  await shot("09d-moved-to-corrected-date");

  // Undo (Ctrl+Z outside a text field) takes the correction back: the later tests read d17's board.
  await s.execute("document.activeElement?.blur()");
  await s.press(Keys.CTRL, "z");
  await s.waitFor('[data-testid="undo-done"]', { visible: false });
  const undone = await s.execute("return document.querySelector('[data-testid=undo-done]').textContent");
  assert.ok(undone.includes(said), undone);
  assert.equal(await onBoard(d24), false);
  assert.equal(await onBoard(d17), true, "the case is back on d17's board");
  await shot("09e-correction-undone");
});

test("removing a hearing asks first, naming its date; the case page lists it as removed", async () => {
  // A listing entered by mistake, through the same command the record dialog uses for an undated day.
  const other = (await invoke("save_case", {
    id: null,
    input: {
      title: "Mistake v. Entry", number: "CS 77/2026", court: "Saket District Courts", cnr: null, bench: null,
      case_type: null, stage: null, parties: [], client_ids: [], next_date: null, purpose: null, item: null,
    },
  })).ok;
  assert.ok(other);
  const listed = await invoke("list_case", { caseId: other, dateText: dmy(d17), purpose: "Evidence", item: 9 });
  assert.ok(listed.ok, JSON.stringify(listed.err));
  assert.equal(listed.ok.message, `Listed on ${dmy(d17)} for Evidence, item 9`);
  await s.execute("window.location.hash = arguments[0]", `#/cases/${other}`);
  const row = await s.waitFor(`[data-testid="timeline-row"][data-date="${iso(d17)}"]`);
  await (await row.findAll('[data-testid="hearing-remove"]'))[0].click();
  const question = await s.byTestId("hearing-remove-confirm-question");
  assert.match(await question.text(), new RegExp(`Remove the hearing of \\w+ ${dmy(d17)}\\?`));
  await shot("09f-hearing-remove-confirm");
  await click("hearing-remove-confirm-save");
  await s.waitGone('[data-testid="hearing-remove-confirm"]');
  await s.until(async () => (await (await s.byTestId("hearing-notice")).text()).includes(`Removed hearing of ${dmy(d17)}`), "the removal in words");
  await s.until(async () => (await s.findAll('[data-testid="timeline-row"]')).length === 0, "the hearing leaves the list");
  const removed = await s.waitFor('[data-testid="removed-row"][data-kind="hearing"]');
  assert.match(await removed.text(), new RegExp(dmy(d17)));
  await s.execute("const p = document.querySelector('[data-testid=removed-panel]'); p.open = true; p.scrollIntoView();");
  await shot("09g-hearing-removed");
});

test("changing a case's status: stay it with a remark, then lift the stay", async () => {
  const other = (await invoke("cases", { filter: { court: null, status: null, stage: null, undated: false } })).ok.find((c) => c.number === "CS 77/2026").id;
  await s.execute("window.location.hash = arguments[0]", `#/cases/${other}`);
  await click("change-status");
  await s.byTestId("status-dialog");
  await s.select(await s.byTestId("status-to"), "stayed");
  await fill("status-remark", "Stayed by the High Court in CM(M) 12/2026");
  await shot("09h-status-dialog");
  await click("status-dialog-save");
  await s.waitGone('[data-testid="status-dialog"]');
  await s.until(async () => (await (await s.byTestId("case-status")).attr("data-status")) === "stayed", "the case is stayed");
  assert.match(await (await s.byTestId("status-notice")).text(), /^Stayed on \d\d-\d\d-\d{4}/);
  assert.equal(await (await s.byTestId("case-status-remark")).text(), "Stayed by the High Court in CM(M) 12/2026");
  await shot("09i-case-stayed");
  // And back to pending: the stay is lifted.
  await click("change-status");
  await s.select(await s.byTestId("status-to"), "pending");
  await click("status-dialog-save");
  await s.waitGone('[data-testid="status-dialog"]');
  await s.until(async () => (await (await s.byTestId("case-status")).attr("data-status")) === "pending", "the stay is lifted");
  assert.match(await (await s.byTestId("status-notice")).text(), /^Stay lifted on/);
});

test("a client's details are corrected on the client page; removing a client a case names is refused", async () => {
  const client = (await invoke("clients", {})).ok.find((c) => c.name === "सुनीता देवी");
  await s.execute("window.location.hash = arguments[0]", `#/clients/${client.id}`);
  await s.byTestId("client-page");
  await click("client-edit-open");
  await s.byTestId("client-edit");
  assert.equal(await (await s.byTestId("client-edit-phones")).prop("value"), "+91 98110 22334");
  assert.equal(await (await s.byTestId("client-edit-email")).prop("value"), "sunita@example.in");
  await fill("client-edit-phones", "+91 98110 99887");
  await fill("client-edit-address", "14, Lajpat Nagar, New Delhi");
  await shot("09j-client-edit-dialog");
  await click("client-edit-save");
  await s.waitGone('[data-testid="client-edit"]');
  await s.until(async () => (await (await s.byTestId("client-phones")).text()) === "+91 98110 99887", "the new phone is shown");
  assert.equal(await (await s.byTestId("client-address")).text(), "14, Lajpat Nagar, New Delhi");
  assert.match(await (await s.byTestId("client-notice")).text(), /Phone changed from \+91 98110 22334 to \+91 98110 99887/);
  await shot("09k-client-edited");

  await click("client-remove");
  await click("client-remove-confirm-save");
  const refusal = await s.byTestId("client-remove-confirm-error");
  await s.until(async () => /is named in .*CRL\.A\. 123\/2024/.test(await refusal.text()), "the refusal");
  await shot("09l-client-remove-refused");
  await click("client-remove-confirm-cancel");
  await s.waitGone('[data-testid="client-remove-confirm"]');
  assert.ok((await invoke("clients", {})).ok.some((c) => c.id === client.id), "the client is still there");
});

test("a client's personal data is erased on request, after their name is typed to confirm", async () => {
  const made = await invoke("add_client", {
    input: { name: "Farida Khan", phone: "+91 98711 44550", email: "farida@example.in", address: "22 Daryaganj" },
  });
  assert.ok(made.ok, JSON.stringify(made.err));
  await s.execute("window.location.hash = arguments[0]", `#/clients/${made.ok}`);
  await s.byTestId("client-page");
  await click("client-erase-open");
  await s.byTestId("client-erase");
  await fill("client-erase-name", "Farida");
  await click("client-erase-save");
  const refusal = await s.byTestId("client-erase-error");
  await s.until(async () => /confirm with their name exactly .*"Farida Khan"/.test(await refusal.text()), "the refusal");
  await fill("client-erase-name", "farida khan");
  await shot("09m-client-erase-dialog");
  await click("client-erase-save");
  await s.waitGone('[data-testid="client-erase"]');
  const notice = await s.byTestId("clients-notice");
  assert.match(await notice.text(), /Erased the personal data of client Farida Khan/);
  await shot("09n-client-erased");
  assert.ok(!(await invoke("clients", {})).ok.some((c) => c.id === made.ok), "the client is gone");
  const hits = (await invoke("search", { query: "98711", limit: 10 })).ok;
  assert.equal(hits.length, 0, "the phone is out of search");
});
