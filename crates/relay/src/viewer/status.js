// The status page: opens a client's status link in the browser. The link's
// key is in the address's fragment (after '#'), which browsers never send to
// a server; this script reads it, fetches the sealed snapshot from the relay
// and opens it with WebCrypto (AES-256-GCM, the format of
// nextdate_protocol::status_link). Everything is written with textContent:
// nothing from the snapshot is ever read as markup.
"use strict";

(() => {
  const page = document.getElementById("page");
  const DOMAIN = "nextdate-status-link-v1";

  // Said before any snapshot is open, so in English and Hindi together.
  const MESSAGES = {
    cannot: [
      "This link cannot be opened.",
      "यह लिंक नहीं खुल सकता।",
      "Check that the whole link was copied, or ask your advocate for a new one.",
    ],
    revoked: [
      "This link has been withdrawn.",
      "यह लिंक वापस ले लिया गया है।",
      "Your advocate withdrew it. Ask them for a new link.",
    ],
    expired: [
      "This link has expired.",
      "इस लिंक की अवधि समाप्त हो गई है।",
      "Ask your advocate for a new link.",
    ],
    offline: [
      "The case status could not be fetched just now.",
      "अभी मुकदमे की स्थिति नहीं मिल सकी।",
      "Check your connection and open the link again.",
    ],
    browser: [
      "This browser cannot open the case status securely.",
      "यह ब्राउज़र मुकदमे की स्थिति सुरक्षित रूप से नहीं खोल सकता।",
      "Open the link in an up-to-date browser.",
    ],
  };

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    for (const c of children) {
      if (c === null || c === undefined || c === "") continue;
      node.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  function show(kind) {
    const [en, hi, advice] = MESSAGES[kind];
    document.title = en;
    page.replaceChildren(
      el("div", { class: "message", role: "alert", "data-state": kind }, el("strong", {}, en), el("p", { lang: "hi" }, hi), el("p", { class: "muted" }, advice)),
    );
    shown();
  }

  /** Marks when the page shows its answer (for the benchmark of opening a link). */
  function shown() {
    requestAnimationFrame(() => performance.mark("status-shown"));
  }

  function bytesOf(b64url) {
    const b64 = b64url.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - (b64url.length % 4)) % 4);
    const bin = atob(b64);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }

  async function open(key, linkId, part, sealed) {
    if (sealed.length < 28) throw new Error("too short");
    const additionalData = new TextEncoder().encode(`${DOMAIN}|${linkId}|${part}`);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: sealed.slice(0, 12), additionalData }, key, sealed.slice(12));
    return new Uint8Array(plain);
  }

  async function fetchSealed(path) {
    const res = await fetch(path, { cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" });
    if (res.status === 410) {
      const body = await res.json().catch(() => ({}));
      return { state: body.state === "expired" ? "expired" : "revoked" };
    }
    if (res.status === 404) return { state: "cannot" };
    if (!res.ok) return { state: "offline" };
    return { sealed: new Uint8Array(await res.arrayBuffer()) };
  }

  function rows(lines, cls) {
    return el(
      "dl",
      {},
      ...lines.map((l) => el("div", { class: `row${cls ? ` ${cls(l)}` : ""}` }, el("dt", {}, l.label), el("dd", {}, l.value))),
    );
  }

  function size(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
  }

  function documents(snap, key, linkId, docs) {
    return el(
      "ul",
      { class: "docs" },
      ...docs.map((d) => {
        const button = el("button", { type: "button", "data-file": d.file }, snap.words.download);
        button.addEventListener("click", async () => {
          button.disabled = true;
          try {
            const got = await fetchSealed(`/s/${linkId}/files/${d.file}`);
            if (!got.sealed) throw new Error(got.state);
            const plain = await open(key, linkId, `file:${d.file}`, got.sealed);
            const url = URL.createObjectURL(new Blob([plain], { type: d.media_type || "application/octet-stream" }));
            const a = el("a", { href: url, download: d.name });
            document.body.append(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 60_000);
          } catch {
            button.textContent = "✕";
          } finally {
            button.disabled = false;
          }
        });
        return el("li", {}, el("span", { class: "name" }, d.name, " ", el("span", { class: "size" }, size(d.size))), button);
      }),
    );
  }

  function render(snap, key, linkId) {
    const w = snap.words;
    document.documentElement.lang = snap.lang;
    document.title = `${w.title} — ${snap.chamber}`;
    const header = el("header", {}, el("p", { class: "chamber" }, snap.chamber), el("h1", {}, w.title), snap.client ? el("p", { class: "client" }, snap.client) : null);
    const cases = snap.cases.map((c) => {
      const parts = [el("h2", {}, c.heading), el("section", {}, rows(c.lines, (l) => (l.label === w.next_date ? "next" : "")))];
      const more = (title, body) => parts.push(el("section", {}, el("h3", {}, title), body));
      if (c.outcomes.length) more(w.outcomes, rows(c.outcomes));
      if (c.notes.length) more(w.notes, rows(c.notes));
      if (c.documents.length) more(w.documents, documents(snap, key, linkId, c.documents));
      if (c.fees.length) more(w.fees, rows(c.fees));
      return el("article", { class: "case" }, ...parts);
    });
    const footer = el(
      "footer",
      {},
      snap.updated ? el("p", { "data-testid": "updated" }, `${w.updated}: ${snap.updated}`) : null,
      snap.expires ? el("p", {}, `${w.expires} ${snap.expires}`) : null,
    );
    page.replaceChildren(header, ...cases, footer);
    shown();
  }

  async function main() {
    const m = location.pathname.match(/^\/s\/([0-9a-v]{26})\/?$/);
    const fragment = location.hash.replace(/^#/, "");
    if (!m || !/^[A-Za-z0-9_-]{43}$/.test(fragment)) return show("cannot");
    if (!window.crypto || !crypto.subtle) return show("browser");
    const linkId = m[1];
    let key;
    try {
      key = await crypto.subtle.importKey("raw", bytesOf(fragment), "AES-GCM", false, ["decrypt"]);
    } catch {
      return show("cannot");
    }
    let got;
    try {
      got = await fetchSealed(`/s/${linkId}/data`);
    } catch {
      return show("offline");
    }
    if (!got.sealed) return show(got.state);
    let snap;
    try {
      snap = JSON.parse(new TextDecoder().decode(await open(key, linkId, "snapshot", got.sealed)));
      if (snap.v !== 1) throw new Error("format");
    } catch {
      return show("cannot");
    }
    render(snap, key, linkId);
  }

  main();
  // A new fragment (another link pasted into the same tab) opens afresh.
  window.addEventListener("hashchange", main);
})();
