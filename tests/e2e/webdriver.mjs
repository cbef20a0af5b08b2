// A small W3C WebDriver client over fetch, enough to drive the Nextdate window
// through tauri-driver (which forwards to WebKitWebDriver), plus the harness
// that starts tauri-driver on free loopback ports.

import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
export const Keys = { CTRL: "\uE009", ENTER: "\uE007", ESC: "\uE00C", NULL: "\uE000", TAB: "\uE004", ALT: "\uE00A" };

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Starts tauri-driver with `env` (e.g. NEXTDATE_DIARY) passed on to the app it launches. */
export async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const bin = process.env.TAURI_DRIVER || "tauri-driver";
  const child = spawn(bin, ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  // Ten seconds, even for a driver that takes the connection and never answers.
  for (const end = Date.now() + 10000; Date.now() < end; ) {
    try {
      const r = await fetch(`${url}/status`, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return { url, stop: () => child.kill("SIGTERM"), child };
    } catch {}
    await sleep(100);
  }
  child.kill("SIGKILL");
  throw new Error("tauri-driver did not start");
}

export class Session {
  constructor(url, id) {
    this.url = url;
    this.id = id;
  }

  static async start(url, application) {
    const body = { capabilities: { alwaysMatch: { "tauri:options": { application } } } };
    const r = await fetch(`${url}/session`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const v = await r.json();
    if (!r.ok || v.value?.error) throw new Error(`new session failed: ${JSON.stringify(v)}`);
    return new Session(url, v.value.sessionId);
  }

  /** A session with any capabilities (a browser's, through its own driver). */
  static async open(url, capabilities) {
    const body = { capabilities: { alwaysMatch: capabilities } };
    const r = await fetch(`${url}/session`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const v = await r.json();
    if (!r.ok || v.value?.error) throw new Error(`new session failed: ${JSON.stringify(v)}`);
    return new Session(url, v.value.sessionId);
  }

  async cmd(method, path, body) {
    const r = await fetch(`${this.url}/session/${this.id}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    const v = await r.json();
    if (v.value && v.value.error) {
      const e = new Error(`${method} ${path}: ${v.value.error}: ${v.value.message}`);
      e.code = v.value.error;
      throw e;
    }
    return v.value;
  }

  async quit() {
    await fetch(`${this.url}/session/${this.id}`, { method: "DELETE" }).catch(() => {});
  }

  async findAll(css) {
    const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return els.map((e) => new Element(this, e[ELEMENT]));
  }

  /** Waits until `css` matches (and is displayed), returns the first match. */
  async waitFor(css, { timeout = 10000, visible = true } = {}) {
    const end = Date.now() + timeout;
    let last;
    while (Date.now() < end) {
      try {
        const els = await this.findAll(css);
        for (const el of els) {
          if (!visible || (await el.displayed())) return el;
        }
      } catch (e) {
        last = e;
      }
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${css}${last ? `: ${last.message}` : ""}`);
  }

  async waitGone(css, { timeout = 10000 } = {}) {
    const end = Date.now() + timeout;
    while (Date.now() < end) {
      if ((await this.findAll(css)).length === 0) return;
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${css} to go`);
  }

  /** Waits until `fn()` returns a truthy value, which it returns. */
  async until(fn, what, timeout = 10000) {
    const end = Date.now() + timeout;
    let last;
    while (Date.now() < end) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
  }

  testid(id) {
    return `[data-testid="${id}"]`;
  }

  async byTestId(id, opts) {
    return this.waitFor(this.testid(id), opts);
  }

  async execute(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args: args.map(wire) });
  }

  async executeAsync(script, ...args) {
    return this.cmd("POST", "/execute/async", { script, args: args.map(wire) });
  }

  /** Sets a <select>'s value the way a user's choice would. */
  async select(el, value) {
    await this.execute(
      "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', {bubbles: true})); arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
      el,
      value,
    );
  }

  /** Presses the keys together (e.g. Keys.CTRL, "k") and releases them, like a person would. */
  async press(...keys) {
    const down = keys.map((value) => ({ type: "keyDown", value }));
    const up = [...keys].reverse().map((value) => ({ type: "keyUp", value }));
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions: [...down, ...up] }] });
    await this.cmd("DELETE", "/actions");
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }
}

function wire(a) {
  return a instanceof Element ? { [ELEMENT]: a.id } : a;
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  click() {
    return this.s.cmd("POST", `/element/${this.id}/click`, {});
  }
  clear() {
    return this.s.cmd("POST", `/element/${this.id}/clear`, {});
  }
  type(text) {
    return this.s.cmd("POST", `/element/${this.id}/value`, { text });
  }
  async fill(text) {
    await this.clear();
    await this.type(text);
  }
  text() {
    return this.s.cmd("GET", `/element/${this.id}/text`);
  }
  attr(name) {
    return this.s.cmd("GET", `/element/${this.id}/attribute/${name}`);
  }
  prop(name) {
    return this.s.cmd("GET", `/element/${this.id}/property/${name}`);
  }
  displayed() {
    return this.s.cmd("GET", `/element/${this.id}/displayed`);
  }
  enabled() {
    return this.s.cmd("GET", `/element/${this.id}/enabled`);
  }
  async findAll(css) {
    const els = await this.s.cmd("POST", `/element/${this.id}/elements`, { using: "css selector", value: css });
    return els.map((e) => new Element(this.s, e[ELEMENT]));
  }
}
