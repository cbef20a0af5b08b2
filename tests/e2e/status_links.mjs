// Part of the chamber sync test (it needs the chamber's relay): a status link
// given from a case page — what it shows chosen in its dialog, its address
// and QR code shown, the sealed snapshot served by the relay — listed with
// its state, then revoked after asking, which the relay answers with 410.
import assert from "node:assert/strict";
import { click, dismissUndo, invoke, s, shot } from "./harness.mjs";

const go = (hash) => s.execute("window.location.hash = arguments[0]", hash);

/** Gives and revokes a link on case `caseId` through the window; `relayUrl` serves it. */
export async function statusLinkInTheApp(caseId, relayUrl) {
  await go(`#/cases/${caseId}`);
  await s.byTestId("status-links");
  await s.execute("document.querySelector('[data-testid=status-links]').scrollIntoView({ block: 'center' })");
  await click("status-link-new");
  await s.byTestId("status-link-dialog");
  await click("status-link-outcomes");
  await click("status-link-dialog-save");
  await s.byTestId("status-link-shown");
  const url = await (await s.byTestId("status-link-url")).prop("value");
  assert.match(url, new RegExp(`^${relayUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/s/[0-9a-v]{26}#[A-Za-z0-9_-]{43}$`));
  assert.equal(await (await s.byTestId("status-link-note")).text(), "The link is live.");
  assert.equal((await s.findAll('[data-testid="status-link-shown"] svg')).length, 1, "the QR code is drawn");
  await shot("18g-status-link-given");
  const base = url.split("#")[0];
  assert.equal((await fetch(`${base}/data`)).status, 200, "the relay serves the sealed snapshot");
  await click("status-link-shown-cancel");
  await s.waitGone('[data-testid="status-link-shown"]');

  const row = async () => s.waitFor(`[data-testid="status-link-row"][data-id="${base.split("/").pop()}"]`);
  assert.equal(await (await row()).attr("data-state"), "live");
  await (await (await row()).findAll('[data-testid="status-link-revoke"]'))[0].click();
  await s.byTestId("status-link-revoke-confirm");
  await click("status-link-revoke-confirm-save");
  await s.until(async () => (await (await row()).attr("data-state")) === "revoked", "the link shown revoked");
  await shot("18h-status-link-revoked");
  const gone = await fetch(`${base}/data`);
  assert.equal(gone.status, 410);
  assert.deepEqual(await gone.json(), { state: "revoked" });
  // Neither giving nor revoking is offered to "Undo": the relay forgot the link for good.
  const undo = await s.findAll('[data-testid="undo-bar"]');
  if (undo.length) assert.doesNotMatch(await undo[0].text(), /status link/);
  assert.doesNotMatch((await invoke("undo_preview", {})).ok ?? "", /status link/);
  // Whatever the bar offers, it goes, so it covers nothing the later parts click.
  await dismissUndo();
}
