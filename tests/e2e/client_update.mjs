// Part 2b: a client update. For a client who takes updates in Hindi, on a
// case of their own: the case page's "Client update" writes the message in
// Hindi (Devanagari) with the court and next date, switches to English when
// asked, copies it, and saves the same as a one-page status report (PDF)
// that pdftotext reads back; the client's page gives the update for all
// their pending cases. Nothing private (a private note) is ever in it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { click, clickCentred, diaryDir, dmy, invoke, localDate, s, shot } from "./harness.mjs";

const NUMBER = "CRL.A. 912/2026";
const CLIENT = "Kamla Devi";
const next = localDate(12);
const go = (hash) => s.execute("window.location.hash = arguments[0]", hash);
const textOf = async (id) => (await (await s.byTestId(id)).text()).trim();
const message = async () => (await s.byTestId("client-update-text")).prop("value");

const EN_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const HI_DAYS = ["रविवार", "सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार"];
const HI_MONTHS = ["जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर"];
const inWords = (d, days, months) => `${days[d.getDay()]}, ${d.getDate()} ${months[d.getMonth()]} ${d.getFullYear()}`;

const u = { clientId: null, caseId: null };

test("a client update in the client's Hindi, then English, copied and saved as a status report", async () => {
  const client = await invoke("add_client", { input: { name: CLIENT, phone: "98110 44556", email: null, address: null, update_language: "hi" } });
  assert.ok(client.ok, JSON.stringify(client.err));
  u.clientId = client.ok;
  const made = await invoke("save_case", {
    id: null,
    input: {
      title: "Kamla Devi v. State of Rajasthan", number: NUMBER, court: "Rajasthan High Court", cnr: null, bench: "Court No. 7",
      case_type: null, stage: "Admission", parties: [], client_ids: [u.clientId], next_date: dmy(next), purpose: "Hearing on bail", item: 4,
    },
  });
  assert.ok(made.ok, JSON.stringify(made.err));
  u.caseId = made.ok;
  const note = await invoke("add_note", { caseId: u.caseId, text: "Alibi witness is shaky", clientVisible: false });
  assert.ok(note.ok, JSON.stringify(note.err));

  await go(`#/cases/${u.caseId}`);
  await s.until(async () => (await textOf("case-heading")).includes(NUMBER), "the case page");
  await click("client-update-open");
  await s.byTestId("client-update");
  await s.until(async () => (await message()).includes("अगली तारीख"), "the message in Hindi");
  const hi = await message();
  for (const want of [
    `नमस्ते ${CLIENT} जी,`,
    `${NUMBER} — Kamla Devi v. State of Rajasthan`,
    "न्यायालय: Rajasthan High Court, Court No. 7",
    "चरण: Admission",
    `अगली तारीख: ${inWords(next, HI_DAYS, HI_MONTHS)}`,
    "प्रयोजन: Hearing on bail",
  ]) assert.ok(hi.includes(want), `${want} in\n${hi}`);
  assert.ok(!hi.includes("Alibi"), hi);
  assert.equal(await (await s.byTestId("client-update-language")).prop("value"), "hi");
  await s.until(async () => (await (await s.byTestId("client-update-preview-page")).attr("src"))?.startsWith("data:image/png"), "the report's page");
  await shot("23g-client-update-hindi");

  // English on request, for this message only.
  await s.select(await s.byTestId("client-update-language"), "en");
  await s.until(async () => (await message()).includes("Next date:"), "the message in English");
  const en = await message();
  assert.ok(en.startsWith(`Dear ${CLIENT},\n`), en);
  assert.ok(en.includes(`Next date: ${inWords(next, EN_DAYS, EN_MONTHS)}\n`), en);
  assert.ok(en.includes("Court: Rajasthan High Court, Court No. 7\n"), en);
  // Ticking the outcome asks again; no hearing is recorded yet, so no line is added.
  await clickCentred("client-update-outcome");
  await s.until(async () => !(await s.findAll('[data-testid="client-update-error"]')).length, "no error");
  assert.ok(!(await message()).includes("Last hearing"));

  await clickCentred("client-update-copy");
  await s.until(async () => (await s.findAll('[data-testid="client-update-copied"], [data-testid="client-update-error"]')).length > 0, "the copy's result");
  const copied = await s.findAll('[data-testid="client-update-copied"]');
  assert.equal(copied.length, 1, "copied to the clipboard");
  await shot("23h-client-update-english");

  // "Save PDF…" asks the system's save dialog for a path (which WebDriver cannot
  // reach); the app then saves the report with that path, exactly like this.
  const pdf = `${diaryDir}-status.pdf`;
  const saved = await invoke("save_status_report", { id: u.caseId, options: { language: "hi", with_outcome: false }, path: pdf });
  assert.ok(saved.ok, JSON.stringify(saved.err));
  assert.equal(readFileSync(pdf).subarray(0, 4).toString(), "%PDF");
  const text = execFileSync("pdftotext", [pdf, "-"]).toString().replace(/\s+/g, "");
  for (const want of [NUMBER, "RajasthanHighCourt,CourtNo.7", "Hearingonbail", "मुकदमेकीस्थिति"]) assert.ok(text.includes(want.replace(/\s+/g, "")), `${want} in\n${text}`);
  assert.ok(!text.includes("Alibi"), text);
  await click("client-update-cancel");
  await s.waitGone('[data-testid="client-update"]');
  // Without a chamber relay there are no status links, and the page says why.
  assert.match(await textOf("status-links-no-relay"), /served by your chamber's relay/);

  // The client's page: the update for all their pending cases, in their language.
  await go(`#/clients/${u.clientId}`);
  await s.byTestId("client-page");
  await click("client-update-open");
  await s.until(async () => (await message()).includes(NUMBER), "the client's update");
  assert.ok((await message()).includes("आपके मुकदमे की ताज़ा जानकारी"), await message());
  await click("client-update-cancel");
  await s.waitGone('[data-testid="client-update"]');
});
