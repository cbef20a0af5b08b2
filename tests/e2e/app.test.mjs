// End-to-end test of the real Nextdate desktop app: the built binary (front end
// embedded) driven by tauri-driver + WebKitWebDriver under Xvfb, on a throwaway
// diary folder. Screenshots of each screen go to artifacts/e2e/. One app
// session runs the parts in order (each builds on the diary the previous left).

import { before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { startDriver } from "./webdriver.mjs";
import { app, ctx, diaryDir, recorderBin, startNotificationServer, stopLeftoverApps } from "./harness.mjs";

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(existsSync(recorderBin), `build the notification recorder first: ${recorderBin}`);
  ctx.notifications = await startNotificationServer();
  ctx.driver = await startDriver({ NEXTDATE_DIARY: diaryDir, WEBKIT_DISABLE_COMPOSITING_MODE: "1" });
});

after(async () => {
  if (ctx.session) await ctx.session.quit();
  if (ctx.driver) ctx.driver.stop();
  if (ctx.notifications) ctx.notifications.stop();
  await stopLeftoverApps();
});

await import("./first_day.mjs");
await import("./records.mjs");
await import("./accounts.mjs");
await import("./bills.mjs");
await import("./client_update.mjs");
await import("./backups.mjs");
await import("./lifecycle.mjs");
await import("./long_board.mjs");
