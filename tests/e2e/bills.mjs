// Part 2a, continued: bills, statements and what is owed. On a case and a client of
// their own (fees dated weeks back, a hearing far ahead), so the later parts
// find the boards, lists and counts as they left them: the Outstanding screen
// (reached from the sidebar and by Alt+5) naming the case and its client with
// what they owe since when; the chamber's billing details and the unpaid-bills
// reminder in Settings; a bill previewed in its dialog, issued as a numbered
// PDF, listed on the case, shown unpaid on the Outstanding screen, refused for
// a period already billed, and cancelled with a reason; the client's
// statement previewed and saved; the ledger exported as CSV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { Keys } from "./webdriver.mjs";
import { click, clickCentred, diaryDir, dismissUndo, dmy, fill, invoke, localDate, s, shot } from "./harness.mjs";

const NUMBER = "O.A. 310/2026";
const CLIENT = "Anita Desai";
const agreedOn = localDate(-40);
const paidOn = localDate(-20);
const today = localDate(0);
const b = { caseId: null, clientId: null, number: null, from: "", to: "" };

const textOf = async (id) => (await (await s.byTestId(id)).text()).trim();
const go = (hash) => s.execute("window.location.hash = arguments[0]", hash);
const within = async (el, id) => (await (await el.findAll(`[data-testid="${id}"]`))[0].text()).trim();
/** April 1 of the financial year today falls in. */
const fyStart = () => dmy(new Date(today.getMonth() >= 3 ? today.getFullYear() : today.getFullYear() - 1, 3, 1, 12));

async function addFee(kind, amount, date, mode) {
  await s.select(await s.byTestId("fee-kind"), kind);
  await fill("fee-amount", amount);
  await fill("fee-date", dmy(date));
  if (mode) await s.select(await s.byTestId("fee-mode"), mode);
  const before = (await s.findAll('[data-testid="fee-row"]')).length;
  await clickCentred("fee-add");
  await s.until(async () => (await s.findAll('[data-testid="fee-row"]')).length === before + 1, `the ${kind} entry`);
}

test("the Outstanding screen names the case and its client with what they owe, oldest first", async () => {
  const client = await invoke("add_client", { input: { name: CLIENT, phone: null, email: null, address: "12 Lodhi Estate\nNew Delhi 110003" } });
  assert.ok(client.ok, JSON.stringify(client.err));
  b.clientId = client.ok;
  const made = await invoke("save_case", {
    id: null,
    input: {
      title: "Desai v. Union of India", number: NUMBER, court: "Central Administrative Tribunal", cnr: null, bench: "Bench II",
      case_type: null, stage: null, parties: [], client_ids: [b.clientId], next_date: dmy(localDate(45)), purpose: "Hearing", item: 9,
    },
  });
  assert.ok(made.ok, JSON.stringify(made.err));
  b.caseId = made.ok;

  // A fee agreed and part of it paid, weeks back, entered on the case page.
  await go(`#/cases/${b.caseId}`);
  await s.until(async () => (await textOf("case-heading")).includes(NUMBER), "the case page");
  await addFee("agreed", "50,000", agreedOn, null);
  await addFee("received", "20,000", paidOn, "bank_transfer");
  await dismissUndo();

  // Alt+5 opens the Outstanding screen (after Clients in the sidebar).
  assert.match(await textOf("nav-outstanding"), /^Outstanding\s*Alt 5$/);
  await s.press(Keys.ALT, "5");
  await s.byTestId("outstanding-page");
  const row = await s.waitFor(`[data-testid="outstanding-case"][data-id="${b.caseId}"]`);
  assert.match(await row.text(), /O\.A\. 310\/2026 — Desai v\. Union of India/);
  assert.match(await row.text(), new RegExp(CLIENT));
  assert.equal(await within(row, "outstanding-due"), "₹ 30,000.00");
  assert.equal(await within(row, "outstanding-since"), dmy(agreedOn));
  assert.equal(await within(row, "outstanding-days"), "40 days");
  const who = await s.waitFor(`[data-testid="outstanding-client"][data-id="${b.clientId}"]`);
  assert.match(await who.text(), new RegExp(CLIENT));
  assert.equal(await within(who, "outstanding-due"), "₹ 30,000.00");
  assert.equal(await within(who, "outstanding-since"), dmy(agreedOn));
  // Oldest first: the rows are ordered by the day since which money is owed.
  const since = await Promise.all((await s.findAll('[data-testid="outstanding-case"] [data-testid="outstanding-since"]')).map((e) => e.text()));
  const isoOf = (t) => t.trim().split("-").reverse().join("-");
  assert.deepEqual(since.map(isoOf), [...since.map(isoOf)].sort(), since.join(", "));
  const list = (await invoke("outstanding", {})).ok;
  assert.deepEqual(
    list.cases.filter((c) => c.id === b.caseId).map((c) => [c.due_minor, c.days]),
    [[3000000, 40]],
  );

  // A row opens its case or client.
  // (WebDriver clicks a cell of the row: a whole row is not "interactable" to it.)
  const cell = async (el) => (await el.findAll('[data-testid="outstanding-due"]'))[0];
  await clickCentred(await cell(who));
  await s.until(async () => (await s.findAll('[data-testid="client-page"]')).length === 1, "the client's page");
  await s.press(Keys.ALT, "5");
  await clickCentred(await cell(await s.waitFor(`[data-testid="outstanding-case"][data-id="${b.caseId}"]`)));
  await s.until(async () => (await textOf("case-heading")).includes(NUMBER), "the case's page");
});

test("Settings: the chamber's billing details, with a tax line, and the unpaid-bills reminder", async () => {
  await click("nav-settings");
  await s.byTestId("billing-settings");
  await s.until(async () => (await textOf("billing-tax-line")) === "Bills now carry no tax line.", "no tax line at first");
  await fill("billing-address", `Chamber No. 214, Lawyers' Chambers${Keys.ENTER}Delhi High Court, New Delhi 110003`);
  await fill("billing-gstin", "07AAAPS1234A1Z5");
  await fill("billing-tax-label", "GST");
  await clickCentred("billing-save");
  await s.until(async () => /a tax line needs both a label \(like GST\) and a rate/.test(await textOf("billing-error")), "a label without a rate is refused");
  await fill("billing-tax-rate", "18");
  await clickCentred("billing-save");
  await s.byTestId("billing-saved");
  assert.equal(await textOf("billing-tax-line"), "Bills now carry GST @ 18% on professional fees.");
  const billing = (await invoke("billing", {})).ok;
  // The address is typed on two lines and kept on two lines, as bills print it.
  assert.deepEqual(billing, {
    address: "Chamber No. 214, Lawyers' Chambers\nDelhi High Court, New Delhi 110003",
    gstin: "07AAAPS1234A1Z5",
    tax_label: "GST",
    tax_rate_bp: 1800,
  });

  // The reminder is off unless switched on; it is saved with the others.
  const unpaid = await s.byTestId("reminder-unpaid-bills");
  assert.equal(await unpaid.prop("checked"), false);
  await clickCentred(unpaid);
  await clickCentred("reminders-save");
  await s.byTestId("reminders-saved");
  assert.equal((await invoke("reminder_settings", {})).ok.unpaid_bills, true);
  await s.execute("document.querySelector('[data-testid=billing-settings]').scrollIntoView({ block: 'start' })");
  await shot("23b-settings-billing");
  // Back off, as it was, for the parts after this one.
  await clickCentred("reminder-unpaid-bills");
  await clickCentred("reminders-save");
  await s.until(async () => (await invoke("reminder_settings", {})).ok.unpaid_bills === false, "the reminder off again");
});

test("a bill: previewed in its dialog, issued as a numbered PDF, listed, unpaid on the Outstanding screen, then cancelled", async () => {
  await go(`#/cases/${b.caseId}`);
  await s.byTestId("bills-panel");
  await s.byTestId("bills-none");
  await clickCentred("bill-open");
  await s.byTestId("bill-dialog");
  // Nothing billed yet: from the start of the financial year, to today.
  assert.equal(await (await s.byTestId("bill-from")).prop("value"), fyStart());
  assert.equal(await (await s.byTestId("bill-to")).prop("value"), dmy(today));

  // A period with nothing in it is refused in plain words, and nothing can be issued.
  await fill("bill-from", dmy(localDate(-10)));
  await fill("bill-to", dmy(localDate(-5)));
  await click("bill-preview");
  const refusal = await s.waitFor('[data-testid="bill-dialog"] [data-testid="error-banner"]');
  await s.until(async () => new RegExp(`nothing was charged to or received from ${CLIENT} between`).test(await refusal.text()), "empty_period shown");
  assert.equal(await (await s.byTestId("bill-issue")).attr("disabled"), "true");

  await fill("bill-from", dmy(localDate(-60)));
  await fill("bill-to", dmy(today));
  await click("bill-preview");
  const page = await s.waitFor('[data-testid="bill-pages-page"]', { timeout: 20000 });
  await s.until(async () => (await page.prop("naturalWidth")) > 500, "the bill's page is rendered");
  await s.waitGone('[data-testid="bill-dialog"] [data-testid="error-banner"]');
  assert.match(await textOf("bill-summary"), new RegExp(`^Draft: ${dmy(localDate(-60))} to ${dmy(today)}, 2 entries on 1 page`));
  await shot("23c-bill-dialog");
  const totals = await textOf("bill-totals");
  assert.match(totals, /GST @ 18%\s*₹ 9,000\.00/i);
  assert.match(totals, /Received\s*₹ 20,000\.00/i);
  assert.match(await textOf("bill-totals-due"), /^Due\s*₹ 39,000\.00$/i);
  assert.equal(await (await s.byTestId("bill-issue")).attr("disabled"), null);

  // "Issue and save PDF…" asks the system's save dialog for a path (the OS's
  // own window, which WebDriver cannot reach); the app then issues the bill
  // for the period previewed, with that path, exactly like this.
  b.from = await (await s.byTestId("bill-from")).prop("value");
  b.to = await (await s.byTestId("bill-to")).prop("value");
  const pdf = `${diaryDir}-bill.pdf`;
  const issued = await invoke("issue_bill", { id: b.caseId, from: b.from, to: b.to, path: pdf });
  assert.ok(issued.ok, JSON.stringify(issued.err));
  b.number = issued.ok.bill.number;
  assert.match(b.number, /^A-\d+\/20\d\d-\d\d$/);
  assert.equal(issued.ok.bill.due_minor, 3900000);
  assert.equal(readFileSync(pdf).subarray(0, 4).toString(), "%PDF");
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
  for (const want of [b.number, CLIENT, NUMBER, "07AAAPS1234A1Z5", "39,000.00"]) assert.ok(text.includes(want), `${want} in\n${text}`);
  assert.ok(!text.includes("DRAFT"), text);
  await click("bill-dialog-cancel");
  await s.waitGone('[data-testid="bill-dialog"]');

  // The Outstanding screen: the bill unpaid, and its tax now owed on the case.
  await click("nav-outstanding");
  const unpaid = await s.waitFor(`[data-testid="unpaid-bill"][data-owner-id="${b.caseId}"]`);
  assert.equal(await within(unpaid, "unpaid-bill-number"), b.number);
  assert.equal(await within(unpaid, "unpaid-bill-amount"), "₹ 39,000.00 of ₹ 39,000.00");
  assert.match(await unpaid.text(), new RegExp(`${NUMBER.replace(/[.()/]/g, "\\$&")} — Desai`));
  const row = await s.waitFor(`[data-testid="outstanding-case"][data-id="${b.caseId}"]`);
  assert.equal(await within(row, "outstanding-due"), "₹ 39,000.00");
  await shot("23a-outstanding");

  // Its row opens the case, where the bill is listed with its number.
  await clickCentred((await unpaid.findAll('[data-testid="unpaid-bill-amount"]'))[0]);
  const listed = await s.waitFor(`[data-testid="bill-row"][data-number="${b.number}"]`);
  assert.equal(await listed.attr("data-cancelled"), "no");
  assert.match(await listed.text(), new RegExp(`${dmy(localDate(-60))} to ${dmy(today)}`));
  assert.match(await listed.text(), /₹ 39,000\.00/);
  // The tax it charged is in the case's account.
  assert.match(await textOf("account-tax"), /₹ 9,000\.00$/);
  assert.match(await textOf("account-due"), /₹ 39,000\.00$/);
  await s.execute("document.querySelector('[data-testid=account-panel]').scrollIntoView({ block: 'start' })");
  await shot("23e-case-bills");

  // A second bill starts the day after this one ends (tomorrow): a period that ends before it begins.
  await clickCentred("bill-open");
  assert.equal(await (await s.byTestId("bill-from")).prop("value"), dmy(localDate(1)));
  await s.until(
    async () => /the period ends \(.*\) before it begins/.test(await (await s.waitFor('[data-testid="bill-dialog"] [data-testid="error-banner"]')).text()),
    "the period refused in words",
  );
  await click("bill-dialog-cancel");
  await s.waitGone('[data-testid="bill-dialog"]');
  const overlap = await invoke("issue_bill", { id: b.caseId, from: b.from, to: b.to, path: `${diaryDir}-bill-again.pdf` });
  assert.equal(overlap.err?.code, "out_of_range", JSON.stringify(overlap));
  assert.match(overlap.err.message, new RegExp(`bill ${b.number.replace("/", "\\/")} already covers`));

  // Cancelled with a reason: it stays listed, marked, and leaves the unpaid bills.
  await clickCentred((await listed.findAll('[data-testid="bill-cancel"]'))[0]);
  await s.byTestId("bill-cancel-dialog");
  await click("bill-cancel-save");
  await s.until(async () => /reason/.test(await textOf("bill-cancel-dialog-error")), "a reason is asked for");
  await fill("bill-cancel-reason", "Wrong period");
  await click("bill-cancel-save");
  await s.waitGone('[data-testid="bill-cancel-dialog"]');
  const cancelled = await s.waitFor(`[data-testid="bill-row"][data-number="${b.number}"][data-cancelled="yes"]`);
  assert.equal(await within(cancelled, "bill-cancelled"), "Cancelled: Wrong period");
  assert.equal((await cancelled.findAll('[data-testid="bill-cancel"]')).length, 0);
  await s.until(async () => (await s.findAll('[data-testid="account-tax"]')).length === 0, "its tax leaves the case's account");
  assert.match(await textOf("account-due"), /₹ 30,000\.00$/);
  const rows = (await invoke("bills", { ownerId: b.caseId })).ok;
  assert.deepEqual(rows.map((r) => [r.number, r.void_reason]), [[b.number, "Wrong period"]]);
  await dismissUndo();
  await s.execute("document.querySelector('[data-testid=account-panel]').scrollIntoView({ block: 'start' })");
  await shot("23f-case-bill-cancelled");
  await click("nav-outstanding");
  const after = await s.waitFor(`[data-testid="outstanding-case"][data-id="${b.caseId}"]`);
  await s.until(async () => (await within(after, "outstanding-due")) === "₹ 30,000.00", "the cancelled bill's tax leaves the accounts");
  assert.equal((await s.findAll(`[data-testid="unpaid-bill"][data-owner-id="${b.caseId}"]`)).length, 0);
});

test("the client's statement previews and saves; a bill for all their cases previews; the ledger exports as CSV", async () => {
  await go(`#/clients/${b.clientId}`);
  await s.byTestId("bills-panel");
  await clickCentred("statement-open");
  await s.byTestId("statement-dialog");
  const page = await s.waitFor('[data-testid="statement-pages-page"]', { timeout: 20000 });
  await s.until(async () => (await page.prop("naturalWidth")) > 500, "the statement's page is rendered");
  assert.match(await textOf("statement-summary"), new RegExp(`^Statement up to ${dmy(today)}, 2 entries on 1 page`));
  await shot("23d-statement-dialog");
  assert.match(await textOf("statement-totals-due"), /^Balance due\s*₹ 30,000\.00$/i);
  const pdf = `${diaryDir}-statement.pdf`;
  const saved = await invoke("save_statement", { clientId: b.clientId, from: null, to: null, path: pdf });
  assert.ok(saved.ok, JSON.stringify(saved.err));
  assert.equal(readFileSync(pdf).subarray(0, 4).toString(), "%PDF");
  assert.ok(execFileSync("pdftotext", ["-layout", pdf, "-"]).toString().includes(CLIENT));
  await click("statement-dialog-cancel");
  await s.waitGone('[data-testid="statement-dialog"]');

  await clickCentred("bill-open");
  await s.byTestId("bill-dialog");
  await fill("bill-from", dmy(localDate(-60)));
  await fill("bill-to", dmy(today));
  await click("bill-preview");
  await s.until(async () => /^Draft: .* 2 entries on 1 page/.test(await textOf("bill-summary")), "the client's draft bill");
  await s.waitFor('[data-testid="bill-pages-page"]');
  await click("bill-dialog-cancel");
  await s.waitGone('[data-testid="bill-dialog"]');
  assert.deepEqual((await invoke("bills", { ownerId: b.clientId })).ok, [], "a preview issues nothing");

  // Backup & data: the button is there; the save dialog's path goes to the command like this.
  await click("nav-data");
  await s.byTestId("ledger-export-button");
  const csv = `${diaryDir}-ledger.csv`;
  const entries = await invoke("export_ledger", { path: csv });
  assert.ok(entries.ok >= 2, JSON.stringify(entries));
  const ledger = readFileSync(csv).toString();
  assert.equal(ledger.trim().split("\n").length - 1 >= entries.ok, true, ledger);
  assert.ok(ledger.includes(NUMBER) && ledger.includes(CLIENT), ledger);
});
