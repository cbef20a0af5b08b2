// Part 3: settings, relaunch and unlock, printing, import and export, chamber
// sync and backup, restore and deletion.
import { test } from "node:test";
import { statusLinkInTheApp } from "./status_links.mjs";
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
  backups,
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

test("settings: names, auto-lock, change passphrase, lock now", async () => {
  await click("nav-settings");
  await s.byTestId("settings-page");
  await fill("settings-advocate", "Adv. Meera Sharma-Rao");
  await fill("settings-autolock", "5");
  await click("settings-save");
  await s.byTestId("settings-saved");
  assert.equal((await invoke("settings", {})).ok.auto_lock_minutes, 5);
  await fill("current-passphrase", "not the passphrase");
  await fill("new-passphrase", NEW_PASS);
  await fill("new-passphrase-confirm", NEW_PASS);
  await click("change-passphrase");
  await s.until(async () => /wrong passphrase/i.test(await (await s.byTestId("key-error")).text()), "wrong current passphrase");
  await fill("current-passphrase", PASS);
  await fill("new-passphrase", NEW_PASS);
  await fill("new-passphrase-confirm", NEW_PASS);
  await click("change-passphrase");
  await s.until(async () => /Passphrase changed/.test(await (await s.byTestId("key-message")).text()), "passphrase changed");
  await shot("14-settings");
  await click("lock-now");
  await fill("unlock-passphrase", PASS);
  await click("unlock-submit");
  await s.until(async () => /wrong passphrase/i.test(await (await s.byTestId("unlock-error")).text()), "old passphrase refused");
  await fill("unlock-passphrase", NEW_PASS);
  await click("unlock-submit");
  await click("nav-today");
  await s.byTestId("today-page");
  await shot("15-today");
});

test("quit, relaunch, wrong then right passphrase; nothing in plaintext on disk", async () => {
  await s.quit();
  ctx.session = null;
  const files = readdirSync(diaryDir);
  assert.ok(files.includes("diary.db"), files.join(","));
  for (const f of files) {
    const bytes = readFileSync(join(diaryDir, f));
    for (const secret of [NUMBER, "सुनीता देवी", "DLHC010001232024", "Arguments heard in part", "privileged attachment text"]) {
      assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} found in ${f}`);
    }
  }
  assert.notEqual(readFileSync(join(diaryDir, "diary.db")).subarray(0, 15).toString(), "SQLite format 3");

  await launch();
  await fill("unlock-passphrase", "not the passphrase");
  await click("unlock-submit");
  const err = await s.byTestId("unlock-error");
  await s.until(async () => /wrong passphrase/i.test(await err.text()), "wrong passphrase message");
  await shot("16-unlock-wrong");
  await fill("unlock-passphrase", NEW_PASS);
  await click("unlock-submit");
  await s.byTestId("today-page");
  await click("nav-cases");
  const row = await s.waitFor(`[data-testid="case-row"][data-case-number="${NUMBER}"]`);
  assert.equal(await row.attr("data-case-id"), caseId);
  await shot("17-cases-after-relaunch");
  const page = await invoke("case_detail", { id: caseId });
  assert.equal(page.ok.hearings.length, 2);
  assert.equal(page.ok.fees.length, 1);
});

test("print: the hearing list previews page by page and saves as a PDF that reads back", async () => {
  await click("nav-print");
  await s.byTestId("print-page");
  await fill("print-from", dmy(d17));
  await s.until(async () => /1 hearing on 1 page/.test(await (await s.byTestId("print-summary")).text()), "preview of the day");
  const sheets = await s.findAll('[data-testid="print-sheet"]');
  assert.equal(sheets.length, 1);
  assert.ok((await sheets[0].prop("naturalWidth")) > 1000, "the page image is rendered");
  await shot("17b-print");
  const request = { from: dmy(d17), to: null, paper: "a4", member: null, include_tasks: true };
  const pdf = `${diaryDir}-list.pdf`;
  const saved = await invoke("save_hearing_list", { request, path: pdf, replace: false });
  assert.ok(saved.ok, JSON.stringify(saved.err));
  assert.equal(saved.ok.hearings, 1);
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
  assert.ok(text.includes(NUMBER), text);
  assert.ok(text.includes(`Hearing list of ${dmy(d17)}`), text);
  const again = await invoke("save_hearing_list", { request, path: pdf, replace: false });
  assert.equal(again.err?.code, "already_exists");
  const bad = await invoke("print_preview", { request: { ...request, from: "31-02-2026" }, forPrinter: false });
  assert.equal(bad.err?.code, "invalid_date");
  await fill("print-from", "31-02-2026");
  await s.until(async () => /invalid date/i.test(await (await s.byTestId("print-error")).text()), "bad date shown");
});

test("reminder settings, export and CSV import from the app", async () => {
  await click("nav-settings");
  await s.byTestId("reminder-time");
  await click("reminder-undated");
  await fill("reminder-time", "20:15");
  await click("reminders-save");
  await s.byTestId("reminders-saved");
  const rs = (await invoke("reminder_settings", {})).ok;
  assert.equal(rs.undated, false);
  assert.equal(rs.digest, true);
  const badTime = await invoke("save_reminder_settings", { settings: { ...rs, digest_time: "25:99" } });
  assert.equal(badTime.err?.code, "invalid_time");

  const parent = mkdtempSync(join(tmpdir(), "nextdate-e2e-export-"));
  const exported = await invoke("export_diary", { format: "csv", parent });
  assert.ok(exported.ok, JSON.stringify(exported.err));
  assert.ok(readFileSync(join(exported.ok.dir, "cases.csv")).toString().includes(NUMBER));
  assert.equal(readdirSync(join(exported.ok.dir, "attachments")).length, 1);

  const bad = join(parent, "cause-list.csv");
  writeFileSync(bad, "Case No.,Court,NDOH\nO.S. 7/2026,Saket District Courts,31-02-2027\n,Saket District Courts,01-03-2027\n");
  const checked = await invoke("import_csv", { paths: [bad], dryRun: true });
  assert.deepEqual(checked.ok.errors.map((e) => e.split(": ").slice(0, 2).join(": ")), ["cause-list.csv:2: next_date", "cause-list.csv:3: number"]);
  const refused = await invoke("import_csv", { paths: [bad], dryRun: false });
  assert.equal(refused.ok.applied, false);
  const good = join(parent, "good-cases.csv");
  writeFileSync(good, "Case No.,Title,Court,NDOH,Client\nO.S. 7/2026,Imported matter,Saket District Courts,01-03-2027,रमेश कुमार\n");
  const applied = await invoke("import_csv", { paths: [good], dryRun: false });
  assert.equal(applied.ok.applied, true, JSON.stringify(applied));
  await click("nav-data");
  await s.byTestId("export-csv");
  await shot("17c-data-export-import");
  await click("nav-cases");
  await s.waitFor('[data-testid="case-row"][data-case-number="O.S. 7/2026"]');
});

test("chamber sync: start a chamber, invite a device (code and QR), and see its edits arrive", async () => {
  assert.ok(existsSync(relayBin), `build the relay first: ${relayBin}`);
  // A relay that registers chambers only with its operator's token.
  const relay = await startRelay({ open: false });
  try {
    await click("nav-sync");
    await s.byTestId("sync-page");
    await fill("sync-relay", "not a url");
    await click("sync-setup");
    await s.until(async () => /not a relay address/.test(await (await s.byTestId("sync-error")).text()), "bad address refused");
    await fill("sync-relay", relay.url);
    await click("sync-setup");
    await s.until(async () => /registration token from its operator/.test(await (await s.byTestId("sync-error")).text()), "no token: refused in plain words");
    await shot("sync-registration-token-needed");
    await fill("sync-token", "abcd-efgh");
    await click("sync-setup");
    await s.until(async () => /registration token is 52 letters/.test(await (await s.byTestId("sync-error")).text()), "a short token: refused before asking the relay");
    await fill("sync-token", relay.token());
    await click("sync-setup");
    await s.until(async () => (await (await s.byTestId("sync-relay-shown")).text()).includes(relay.url), "set up");
    assert.equal(await (await s.byTestId("sync-pending")).text(), "nothing");
    const liveIs = async (v) => (await (await s.byTestId("sync-live")).attr("data-live")) === v;
    await s.until(() => liveIs("yes"), "the live connection to the relay is shown as up", 15000);
    await click("sync-invite");
    await s.byTestId("sync-invite-shown");
    const code = await (await s.byTestId("sync-invite-code")).prop("value");
    assert.match(code, /^NDJOIN3-[A-Z2-7]+$/);
    assert.equal((await s.findAll('[data-testid="sync-invite-shown"] svg')).length, 1, "the QR code is drawn");
    await s.execute('document.querySelector(\'[data-testid="sync-invite-shown"]\').scrollIntoView({ block: "center" })');
    await shot("18-sync-invite");

    // A second laptop (the real CLI on its own diary) joins and adds a case.
    const other = mkdtempSync(join(tmpdir(), "nextdate-e2e-junior-"));
    const env = { ...process.env, NEXTDATE_PASSPHRASE: PASS };
    const nd = (...args) => execFileSync(cli, ["--diary", join(other, "diary"), "--json", ...args], { env }).toString();
    nd("init", "--passphrase", "--name", "Junior", "--advocate", "Adv. Junior");
    assert.equal(JSON.parse(nd("sync", "join", code, "--label", "junior laptop")).awaiting_admission, true);
    // The window lets the junior's laptop in at its next sync (this one, or a background one).
    await click("sync-now");
    await s.until(async () => (await (await s.byTestId("sync-devices")).text()).includes("junior laptop"), "the junior's laptop is let in");
    assert.equal(JSON.parse(nd("sync", "now")).awaiting_admission, false);
    nd("case", "add", "--title", "Synced matter v. State", "--number", "BAIL 55/2026", "--court", "Saket District Courts");
    nd("sync", "now");

    // "Sync now" reports what it did; the junior's case may already have come
    // in the background (the relay tells the window at once), so what matters
    // is that the report shows and the case is here.
    await click("sync-now");
    await s.until(async () => /^Synced: /.test(await (await s.byTestId("sync-report")).text()), "sync report shown");
    await s.until(async () => (await (await s.byTestId("sync-devices")).text()).includes("junior laptop"), "two devices listed");
    await shot("18b-sync-status");
    await click("nav-cases");
    await s.waitFor('[data-testid="case-row"][data-case-number="BAIL 55/2026"]');
    const st = (await invoke("sync_status", {})).ok;
    assert.equal(st.devices.length, 2);
    assert.equal(st.admin, true);

    // Live, with nobody pressing "Sync now" (the timed round is a minute away):
    // the junior's next case reaches the open window through the relay's live
    // connection, and a note written in the window goes out within seconds.
    nd("case", "add", "--title", "Live matter v. State", "--number", "BAIL 56/2026", "--court", "Saket District Courts");
    nd("sync", "now");
    await s.until(
      async () => (await s.findAll('[data-testid="case-row"][data-case-number="BAIL 56/2026"]')).length === 1,
      "the junior's second case appears in the window by itself",
      20000,
    );
    const noted = await invoke("add_note", { caseId, text: "Senior's note, sent live", clientVisible: false });
    assert.ok(noted.ok, JSON.stringify(noted.err));
    await s.until(
      async () => {
        nd("sync", "now");
        return JSON.parse(nd("case", "show", caseId)).notes.some((n) => n.text === "Senior's note, sent live");
      },
      "the window's note reaches the junior without Sync now",
      20000,
    );
    assert.equal((await invoke("sync_status", {})).ok.pending_changes, 0);

    // Who wrote what checks out: every change in the window's diary is
    // attributed to the laptop that wrote it (Sync → Authorship).
    await click("nav-sync");
    await click("authorship-check");
    const attributed = await (await s.byTestId("authorship-ok")).text();
    assert.match(attributed, /^All \d+ changes attributed: [1-9]\d* signed by the laptop that wrote them/);
    await s.execute('document.querySelector(\'[data-testid="authorship-ok"]\').scrollIntoView({ block: "center" })');
    await shot("18c-sync-authorship");

    // A status link for the client, given and revoked from the case page.
    await statusLinkInTheApp(caseId, relay.url);

    // The junior's laptop is lost: the window removes it (two clicks), the
    // relay refuses it at once and the chamber key changes.
    await click("nav-sync");
    await click("sync-remove");
    await s.byTestId("sync-remove-confirm");
    await shot("18d-sync-remove-confirm");
    await click("sync-remove-confirm");
    await s.until(async () => (await (await s.byTestId("sync-devices")).text()).includes("(removed)"), "the junior's laptop is shown removed");
    await s.until(async () => /changed 1 time/.test(await (await s.byTestId("sync-key-epoch")).text()), "the chamber key changed");
    await shot("18e-sync-removed");
    let refusal = null;
    try {
      nd("sync", "now");
    } catch (e) {
      refusal = JSON.parse(e.stderr.toString().trim().split("\n").pop()).error;
    }
    assert.equal(refusal?.code, "device_removed", JSON.stringify(refusal));

    // The relay gone: "Sync now" says so in plain words.
    relay.stop();
    await click("nav-sync");
    await click("sync-now");
    await s.until(async () => /cannot be reached/.test(await (await s.byTestId("sync-error")).text()), "unreachable shown");
    await s.until(() => liveIs("no"), "the live connection is shown as down", 15000);
    await shot("18f-sync-relay-gone");
  } finally {
    relay.stop();
  }
});

test("backup to an encrypted file, restore it over the diary, then delete everything", async () => {
  const BACKUP_PASS = "backup passphrase for the almirah";
  const backupFile = `${diaryDir}-backup.age`;
  const weak = await invoke("backup_diary", { path: backupFile, passphrase: "short", replace: false });
  assert.equal(weak.err?.code, "weak_passphrase", JSON.stringify(weak));
  const made = await invoke("backup_diary", { path: backupFile, passphrase: BACKUP_PASS, replace: false });
  assert.ok(made.ok, JSON.stringify(made.err));
  assert.ok(made.ok.records >= 5 && made.ok.documents === 1, JSON.stringify(made.ok));
  const bytes = readFileSync(backupFile);
  assert.equal(bytes.subarray(0, 21).toString(), "age-encryption.org/v1");
  for (const secret of [NUMBER, "सुनीता देवी", "Arguments heard in part", "privileged attachment text"]) {
    assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} found in the backup`);
  }
  const again = await invoke("backup_diary", { path: backupFile, passphrase: BACKUP_PASS, replace: false });
  assert.equal(again.err?.code, "already_exists", JSON.stringify(again));

  await click("nav-data");
  await s.byTestId("data-page");
  await shot("18-data");
  await click("restore-open");
  await fill("restore-file", backupFile);
  await fill("restore-backup-passphrase", "not the backup passphrase");
  await fill("restore-confirm", "REPLACE");
  await click("restore-submit");
  await s.until(async () => /wrong passphrase/i.test(await (await s.byTestId("restore-error")).text()), "wrong backup passphrase");
  // Nothing was replaced: the open diary is the same one.
  assert.equal((await invoke("case_detail", { id: caseId })).ok.hearings.length, 2);
  assert.deepEqual(readdirSync(dirname(diaryDir)).filter((n) => n.startsWith(`${basename(diaryDir)}.replaced-`)), []);

  await fill("restore-backup-passphrase", BACKUP_PASS);
  await click("restore-submit");
  const key = await (await s.byTestId("recovery-key")).text();
  assert.match(key.trim(), /^ND1-[A-Z2-7]{4}(-[A-Z2-7]{1,4}){12}$/);
  assert.match(await (await s.byTestId("restore-summary")).text(), /moved to/);
  await shot("19-restored");
  await click("recovery-confirm");
  await click("recovery-continue");
  const restored = await invoke("case_detail", { id: caseId });
  assert.equal(restored.ok.hearings.length, 2);
  assert.equal(restored.ok.fees.length, 1);
  assert.equal(restored.ok.documents.length, 1);
  const aside = readdirSync(dirname(diaryDir)).filter((n) => n.startsWith(`${basename(diaryDir)}.replaced-`));
  assert.equal(aside.length, 1, "the replaced diary is kept beside it");
  assert.ok(existsSync(join(dirname(diaryDir), aside[0], "diary.db")));

  // The automatic backup from part 2b, with the backup identity from the recovery sheet.
  await click("restore-open");
  const autoBackups = backups(secrets.autoFolder);
  assert.ok(autoBackups.length >= 1 && autoBackups.length <= 2, `${autoBackups}`);
  await fill("restore-file", join(secrets.autoFolder, autoBackups.at(-1)));
  await s.until(async () => /backup identity/i.test(await (await s.waitFor('label[for="restore-backup-pass"]')).text()), "the form asks for the identity");
  await fill("restore-backup-passphrase", secrets.setupIdentity);
  await fill("restore-confirm", "REPLACE");
  await click("restore-submit");
  await s.until(async () => /not made for that backup identity/.test(await (await s.byTestId("restore-error")).text()), "the older sheet's identity is refused");
  await fill("restore-backup-passphrase", secrets.autoIdentity);
  await click("restore-submit");
  const identity = (await (await s.byTestId("backup-identity", { timeout: 20000 })).text()).trim();
  assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
  await shot("19b-restored-automatic");
  await click("recovery-confirm");
  await click("recovery-continue");
  const fromAuto = await invoke("case_detail", { id: caseId });
  assert.equal(fromAuto.ok.hearings.length, 2);
  assert.equal(fromAuto.ok.documents.length, 1);
  const asideNow = readdirSync(dirname(diaryDir)).filter((n) => n.startsWith(`${basename(diaryDir)}.replaced-`));
  assert.equal(asideNow.length, 2, "each replaced diary is kept beside it");

  const name = (await invoke("app_status", {})).ok.diary_name;
  await fill("delete-confirm", `${name} (not quite)`);
  assert.equal(await (await s.byTestId("delete-everything")).attr("disabled"), "true");
  const refused = await invoke("delete_everything", { confirm: "not the name" });
  assert.equal(refused.err?.code, "confirmation_mismatch");
  assert.ok(existsSync(join(diaryDir, "diary.db")));
  await fill("delete-confirm", name);
  await shot("20-delete-confirm");
  await click("delete-everything");
  await s.byTestId("setup-name");
  await shot("21-after-delete");
  assert.ok(!existsSync(join(diaryDir, "diary.db")), "the database is gone");
  assert.ok(!existsSync(join(diaryDir, "nextdate-key.json")), "the key file is gone");
});
