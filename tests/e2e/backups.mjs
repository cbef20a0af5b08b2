// Part 2b: automatic backups and the recovery sheet in the window: a backup
// folder picked in Settings (the first backup is written at once, encrypted),
// Today saying when the last one was made, and a new recovery sheet after the
// passphrase. The automatic backup is restored with the sheet's identity in
// part 3 (lifecycle.mjs), before the diary is deleted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NUMBER, PASS, backups, click, fill, s, secrets, shot } from "./harness.mjs";

test("automatic backups: a folder picked in Settings, Today says when; a new recovery sheet after the passphrase", async () => {
  const folder = mkdtempSync(join(tmpdir(), "nextdate-e2e-usb-"));
  await click("nav-settings");
  await s.byTestId("backup-settings");
  await fill("backup-folder", join(folder, "not-there"));
  await click("backup-use-folder");
  await s.until(async () => /not a folder/.test(await (await s.byTestId("backup-error")).text()), "a missing folder is refused");
  await fill("backup-folder", folder);
  await click("backup-use-folder");
  await s.until(async () => /Automatic backups are on/.test(await (await s.byTestId("backup-message")).text()), "backups on");
  const first = backups(folder);
  assert.equal(first.length, 1, "the first backup is written at once");
  const bytes = readFileSync(join(folder, first[0]));
  assert.equal(bytes.subarray(0, 21).toString(), "age-encryption.org/v1");
  for (const secret of [NUMBER, "सुनीता देवी", "privileged attachment text"]) {
    assert.equal(bytes.indexOf(Buffer.from(secret)), -1, `${secret} found in the automatic backup`);
  }
  assert.match(await (await s.byTestId("backup-state")).text(), /Last backup/);
  await shot("16a-backup-settings");

  // A new recovery sheet needs the passphrase.
  await fill("sheet-passphrase", "not the passphrase");
  await click("sheet-renew");
  await s.until(async () => /wrong passphrase/i.test(await (await s.byTestId("sheet-error")).text()), "wrong passphrase refused");
  await fill("sheet-passphrase", PASS);
  await click("sheet-renew");
  const identity = (await (await s.byTestId("backup-identity", { timeout: 20000 })).text()).trim();
  assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
  assert.notEqual(identity, secrets.setupIdentity, "a new sheet has a new backup identity");
  await s.byTestId("recovery-sheet-preview", { timeout: 20000 });
  await shot("16b-new-recovery-sheet");
  await click("recovery-confirm");
  await click("recovery-continue");

  // Backed up now to the new identity; the same day's older backup gives way to it.
  await click("backup-now");
  await s.until(async () => /Backed up/.test(await (await s.byTestId("backup-message")).text()), "backed up now");
  const now = backups(folder);
  assert.equal(now.length, 1, `one backup a day is kept: ${now}`);
  // Locking and quitting write more (when the diary changed): part 3 restores the newest.
  secrets.autoFolder = folder;
  secrets.autoIdentity = identity;

  await click("nav-today");
  const line = await (await s.byTestId("backup-ok")).text();
  assert.match(line, /Last backup \d\d-\d\d-\d{4} at \d\d:\d\d, encrypted/);
  await shot("16c-today-backup");
});
