// Part 2a: a case's accounts on its page: fee terms, a non-effective
// appearance counted in the account, the timer (shown in the sidebar on every
// page, still there after the app is closed and opened again, stopped into a
// time entry), time added, corrected, removed and brought back, and the
// receipt for a payment: its number, its preview, the PDF, and the receipt
// cancelled with the payment.
// On a case of its own, so the later parts find the first case as they left it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { Keys } from "./webdriver.mjs";
import {
  PASS,
  caseId,
  click,
  clickCentred,
  ctx,
  diaryDir,
  dismissUndo,
  dmy,
  fill,
  invoke,
  iso,
  launch,
  localDate,
  s,
  shot,
} from "./harness.mjs";

const NUMBER = "W.P.(C) 4521/2026";
const heard = localDate(-2);
const next = localDate(30);
const acct = { id: null, feeId: null, receipt: null };

const textOf = async (id) => (await (await s.byTestId(id)).text()).trim();
const open = (id) => s.execute("window.location.hash = arguments[0]", `#/cases/${id}`);

test("fee terms are set, and a hearing recorded as non-effective counts in the account", async () => {
  const client = await invoke("add_client", { input: { name: "Rohan Kapoor", phone: null, email: null, address: null } });
  assert.ok(client.ok, JSON.stringify(client.err));
  const made = await invoke("save_case", {
    id: null,
    input: {
      title: "Kapoor v. Union of India", number: NUMBER, court: "Delhi High Court", cnr: null, bench: "Court No. 3",
      case_type: null, stage: null, parties: [], client_ids: [client.ok], next_date: dmy(heard), purpose: "Admission", item: 5,
    },
  });
  assert.ok(made.ok, JSON.stringify(made.err));
  acct.id = made.ok;
  await open(acct.id);
  await s.byTestId("account-panel");
  await s.until(async () => (await textOf("account-terms")) === "No fee terms", "no terms yet");

  await clickCentred("terms-edit");
  await s.byTestId("terms-dialog");
  await fill("terms-per-appearance", "5,000");
  await click("terms-dialog-save");
  await s.waitGone('[data-testid="terms-dialog"]');
  await s.until(async () => (await textOf("account-terms")).includes("₹ 5,000.00 per appearance"), "the terms in words");

  // Recorded as adjourned on the first call: a non-effective appearance.
  await clickCentred(await s.waitFor(`[data-testid="timeline-row"][data-date="${iso(heard)}"] [data-testid="hearing-record"]`));
  await s.byTestId("record-dialog");
  await fill("record-outcome-text", "Adjourned: Bench did not assemble");
  await fill("record-next-date", dmy(next));
  await click("record-non-effective");
  await click("record-save");
  await s.waitGone('[data-testid="record-dialog"]');
  await s.waitFor(`[data-testid="timeline-row"][data-date="${iso(heard)}"] [data-testid="hearing-non-effective"]`);
  await s.until(async () => (await textOf("account-appearances-text")) === "1 appearance (non-effective)", "one non-effective appearance");
  // A non-effective appearance with no rate of its own is charged as an effective one.
  assert.match(await textOf("account-appearances"), /₹ 5,000\.00$/);
  const a = (await invoke("case_account", { caseId: acct.id })).ok;
  assert.deepEqual([a.appearances, a.non_effective, a.appearance_fees_minor, a.due_minor], [1, 1, 500000, 500000]);

  // The correction dialog shows it, prefilled.
  await clickCentred(await s.waitFor(`[data-testid="timeline-row"][data-date="${iso(heard)}"] [data-testid="hearing-correct"]`));
  await s.byTestId("hearing-edit");
  assert.equal(await (await s.byTestId("hearing-edit-non-effective")).prop("checked"), true);
  await click("hearing-edit-cancel");
  await s.waitGone('[data-testid="hearing-edit"]');
});

test("the timer runs in the sidebar on every page, survives closing the app, and stops into a time entry", async () => {
  await open(acct.id);
  await fill("timer-note", "Drafting rejoinder");
  await clickCentred("timer-start");
  const indicator = await s.byTestId("timer-indicator");
  assert.equal(await indicator.attr("data-case-id"), acct.id);
  assert.equal(await textOf("timer-case"), NUMBER);
  await s.byTestId("timer-here");
  const first = await textOf("timer-elapsed");
  assert.match(first, /^0:00:\d\d$/);
  await s.until(async () => (await textOf("timer-elapsed")) !== first, "the elapsed time ticks", 5000);

  // One timer at a time: starting another on the first case is refused in the core's words.
  await open(caseId);
  await s.waitFor('[data-testid="case-heading"]');
  await s.until(async () => (await textOf("case-heading")).includes("CRL.A. 123/2024"), "the first case");
  await clickCentred("timer-start");
  await s.until(async () => /a timer is already running for case W\.P\.\(C\) 4521\/2026/.test(await textOf("timer-error")), "timer_running shown");

  // The core keeps it: after the app is closed and opened again, the sidebar still shows it, still counting.
  await s.quit();
  ctx.session = null;
  await launch();
  await fill("unlock-passphrase", PASS);
  await click("unlock-submit");
  await s.waitFor('[data-testid="timer-indicator"]', { timeout: 20000 });
  assert.equal(await textOf("timer-case"), NUMBER);
  assert.match(await textOf("timer-elapsed"), /^0:0\d:\d\d$/);
  await open(acct.id);
  await s.byTestId("timer-here");
  await shot("22a-timer-running");

  await click("timer-stop");
  await s.waitGone('[data-testid="timer-indicator"]');
  const row = await s.waitFor('[data-testid="time-row"]');
  assert.match(await (await row.findAll('[data-testid="time-duration"]'))[0].text(), /^\d min$/);
  assert.match(await row.text(), /Drafting rejoinder/);
  assert.equal(await row.attr("data-billable"), "yes");
  assert.equal((await invoke("running_timer", {})).ok, null);
  await s.until(async () => (await (await s.waitFor('[data-testid="account-time"]')).text()).match(/\d min billable/), "the account counts it");
});

test("time is added, corrected, removed, and Undo brings it back", async () => {
  await open(acct.id);
  await s.waitFor('[data-testid="time-row"]');
  await fill("time-duration-input", "1:30m");
  await clickCentred("time-add");
  await s.until(async () => /invalid duration/.test(await textOf("time-error")), "a bad duration is refused");
  await fill("time-duration-input", "1h30m");
  await fill("time-note-input", "Conference with client");
  await click("time-billable");
  await clickCentred("time-add");
  await s.until(async () => (await s.findAll('[data-testid="time-row"]')).length === 2, "the new entry");
  const added = (await s.findAll('[data-testid="time-row"][data-billable="no"]'))[0];
  assert.match(await added.text(), /1 h 30 min/);
  assert.match(await added.text(), /not billable/);
  await s.until(async () => /\d min billable · 1 h 30 min not billable/.test(await textOf("account-time")), "time in the account");

  await clickCentred((await added.findAll('[data-testid="time-correct"]'))[0]);
  await s.byTestId("time-edit-dialog");
  assert.equal(await (await s.byTestId("time-edit-duration")).prop("value"), "1h30m");
  assert.equal(await (await s.byTestId("time-edit-date")).prop("value"), dmy(localDate(0)));
  await fill("time-edit-duration", "1h45m");
  await click("time-edit-dialog-save");
  await s.waitGone('[data-testid="time-edit-dialog"]');
  await s.until(async () => /1 h 45 min/.test(await (await s.waitFor('[data-testid="time-row"][data-billable="no"]')).text()), "the corrected entry");

  await clickCentred((await (await s.waitFor('[data-testid="time-row"][data-billable="no"]')).findAll('[data-testid="time-remove"]'))[0]);
  assert.match(await textOf("time-remove-confirm-question"), /^Remove 1 h 45 min on \d\d-\d\d-\d{4} \(Conference with client\)\?$/);
  await click("time-remove-confirm-save");
  await s.waitGone('[data-testid="time-remove-confirm"]');
  await s.until(async () => (await s.findAll('[data-testid="time-row"]')).length === 1, "the entry is gone");
  await s.waitFor('[data-testid="undo-message"]', { visible: false });
  await s.execute("document.activeElement?.blur()");
  await s.press(Keys.CTRL, "z");
  await s.waitFor('[data-testid="undo-done"]', { visible: false });
  await s.until(async () => (await s.findAll('[data-testid="time-row"]')).length === 2, "Undo brings it back");
  await s.until(async () => /1 h 45 min not billable/.test(await textOf("account-time")), "and back in the account");
  await dismissUndo();
});

test("a payment's receipt: numbered, previewed, saved as PDF, and cancelled with the payment", async () => {
  await open(acct.id);
  await fill("fee-amount", "5000");
  await s.select(await s.byTestId("fee-mode"), "upi");
  await fill("fee-remark", "UPI ref 4471");
  await clickCentred("fee-add");
  const row = await s.waitFor('[data-testid="fee-row"][data-voided="no"]');
  acct.feeId = await row.attr("data-fee-id");
  await s.until(async () => /₹ 5,000\.00$/.test(await textOf("account-received")), "received in the account");
  await s.until(async () => /₹ 0\.00$/.test(await textOf("account-due")), "nothing due");
  await dismissUndo();
  await s.execute("document.querySelector('.case-grid').scrollIntoView({ block: 'start' })");
  await shot("22b-case-account-time");

  await clickCentred((await row.findAll('[data-testid="fee-receipt"]'))[0]);
  await s.byTestId("receipt-dialog");
  const preview = await s.byTestId("receipt-preview", { timeout: 20000 });
  assert.ok((await preview.prop("naturalWidth")) > 500, "the receipt page is rendered");
  acct.receipt = await textOf("receipt-number");
  assert.match(acct.receipt, /^A-1\/20\d\d-\d\d$/);
  await shot("22c-receipt-dialog");

  // The native save dialog is the OS's; the app receives its chosen path exactly like this.
  const pdf = `${diaryDir}-receipt.pdf`;
  const saved = await invoke("save_receipt", { feeId: acct.feeId, path: pdf });
  assert.ok(saved.ok, JSON.stringify(saved.err));
  assert.equal(readFileSync(pdf).subarray(0, 4).toString(), "%PDF");
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
  assert.ok(text.includes(acct.receipt), text);
  assert.ok(text.includes("Rohan Kapoor"), text);
  await click("receipt-dialog-cancel");
  await s.waitGone('[data-testid="receipt-dialog"]');
  // The fees panel shows the number; asking again gives the same one.
  await s.until(async () => (await textOf("fee-receipt-number")) === `Receipt ${acct.receipt}`, "the number on the entry");
  assert.equal((await invoke("receipt_preview", { feeId: acct.feeId })).ok.receipt.number, acct.receipt);

  // Voided, the payment keeps its receipt, which now shows as cancelled.
  await clickCentred((await (await s.waitFor(`[data-testid="fee-row"][data-fee-id="${acct.feeId}"]`)).findAll('[data-testid="fee-void"]'))[0]);
  await fill("fee-void-reason", "Payment reversed by the bank");
  await click("fee-void-save");
  await s.waitGone('[data-testid="fee-void-dialog"]');
  const voided = await s.waitFor(`[data-testid="fee-row"][data-fee-id="${acct.feeId}"][data-voided="yes"]`);
  assert.match(await voided.text(), new RegExp(`Receipt ${acct.receipt.replace(/[/]/g, "\\/")} \\(cancelled\\)`));
  await clickCentred((await voided.findAll('[data-testid="fee-receipt"]'))[0]);
  await s.byTestId("receipt-preview", { timeout: 20000 });
  assert.equal(await textOf("receipt-number"), acct.receipt);
  assert.match(await textOf("receipt-cancelled"), /Cancelled: Payment reversed by the bank/);
  await shot("22d-receipt-cancelled");
  const cancelledPdf = `${diaryDir}-receipt-cancelled.pdf`;
  assert.ok((await invoke("save_receipt", { feeId: acct.feeId, path: cancelledPdf })).ok);
  // The cancelled receipt keeps its number and says why (the CANCELLED mark across it is in the preview's screenshot).
  const cancelledText = execFileSync("pdftotext", [cancelledPdf, "-"]).toString();
  assert.ok(cancelledText.includes(acct.receipt), cancelledText);
  assert.match(cancelledText, /Cancelled: Payment reversed by the bank/);
  await click("receipt-dialog-cancel");
  await s.waitGone('[data-testid="receipt-dialog"]');
  await dismissUndo().catch(() => {});
});
