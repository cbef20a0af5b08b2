// Baseline convergence benchmark: the plaintext automerge-repo sync server.
//
// WHAT: the "reference" convergence workload, run through the stock
// `@automerge/automerge-repo-sync-server` from npm, for side-by-side comparison
// with our own relay. Three devices (three automerge-repo `Repo` instances in
// this process, in-memory, no storage) share ONE document (a chamber's case
// diary). All three go offline, each makes 1,000 separate edits (one
// `handle.change` per edit; 900 new cases + 100 edits of the `stage` field of
// 10 shared cases, so the same field is edited concurrently on all devices),
// then all three reconnect at the same moment.
//
// MEASURED (from the instant of reconnect):
//   converge_ms    wall-clock time until all three docs have identical heads
//                  (and contain all 3,000 edits, checked afterwards)
//   bytes_on_wire  websocket message payload bytes, both directions, summed
//                  over the three client sockets (each message counted once:
//                  client->server at send, server->client at receive)
//   bytes_per_edit bytes_on_wire / 3000
//   tcp_bytes      raw TCP bytes of the three reconnected sockets (HTTP
//                  upgrade + websocket framing included), for reference
//   server_rss_mb  VmRSS of the server process at the end (/proc/<pid>/status)
//
// HOW: the sync server is started as a separate process
// (node_modules/@automerge/automerge-repo-sync-server/src/index.js, PORT and
// DATA_DIR env vars; DATA_DIR is a fresh temp dir), the clients connect to
// ws://127.0.0.1:<free port> with the package's BrowserWebSocketClientAdapter.
// "Offline" = the client adapter's socket is closed with automatic retry
// disabled (the Repo sees the server peer disconnect); "reconnect" = the
// adapter's own connect() is called again on all three devices in the same
// tick. Prints ONE JSON line on stdout; notes go to stderr. Exits non-zero on
// failure or after a 120 s overall timeout.

import { spawn } from "node:child_process"
import fs from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { performance } from "node:perf_hooks"
import WebSocket from "ws"
import * as A from "@automerge/automerge"
import { Repo } from "@automerge/automerge-repo"
import { BrowserWebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"

const DEVICES = 3
const EDITS_PER_DEVICE = 1000
const SHARED_CASES = 10 // seeded online; every 10th offline edit changes one's `stage`
const TIMEOUT_MS = 120_000

const here = path.dirname(fileURLToPath(import.meta.url))
const serverEntry = path.join(here, "node_modules/@automerge/automerge-repo-sync-server/src/index.js")

const log = (...a) => console.error("[bench]", ...a)
const sleep = ms => new Promise(r => setTimeout(r, ms))

let serverProc = null
let dataDir = null
function cleanup() {
  if (serverProc && serverProc.exitCode === null) serverProc.kill("SIGKILL")
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
}
function fail(msg) {
  console.error(`[bench] FAILED: ${msg}`)
  cleanup()
  process.exit(1)
}
const overall = setTimeout(() => fail(`timeout after ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS)
process.on("unhandledRejection", e => fail(e?.stack || String(e)))
process.on("uncaughtException", e => fail(e?.stack || String(e)))

async function waitFor(cond, what, ms = 30_000, step = 10) {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(step)
  }
}

// ---- byte counting (client side, so it covers every message through the server)
let counting = false
let bytesSent = 0
let bytesRecv = 0
const origSend = WebSocket.prototype.send
WebSocket.prototype.send = function (data, ...rest) {
  if (counting) bytesSent += data.byteLength ?? Buffer.byteLength(data)
  return origSend.call(this, data, ...rest)
}
class CountingAdapter extends BrowserWebSocketClientAdapter {
  receiveMessage(messageBytes) {
    if (counting) bytesRecv += messageBytes.byteLength
    return super.receiveMessage(messageBytes)
  }
}

// ---- server process
async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function startServer() {
  const port = await freePort()
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "amrg-baseline-"))
  serverProc = spawn(process.execPath, [serverEntry], {
    cwd: dataDir, // the server serves express.static("public") relative to cwd
    env: { ...process.env, PORT: String(port), DATA_DIR: path.join(dataDir, "data") },
    stdio: ["ignore", "pipe", "pipe"],
  })
  serverProc.stderr.on("data", d => process.stderr.write(`[server] ${d}`))
  serverProc.on("exit", (code, sig) => {
    if (!shuttingDown) fail(`sync server exited early (code ${code}, signal ${sig})`)
  })
  await new Promise((resolve, reject) => {
    let out = ""
    serverProc.stdout.on("data", d => {
      out += d
      if (out.includes("Listening on port")) resolve()
    })
    setTimeout(() => reject(new Error("sync server did not start within 15 s")), 15_000)
  })
  log(`sync server pid ${serverProc.pid} listening on port ${port}, data dir ${dataDir}`)
  return port
}
let shuttingDown = false

function serverRssMb() {
  try {
    const status = fs.readFileSync(`/proc/${serverProc.pid}/status`, "utf8")
    const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m)
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : null
  } catch {
    return null
  }
}

// ---- workload helpers
const headsKey = h => [...h].sort().join(",")
const seedId = j => `seed-${j}`

function makeDevice(k, url) {
  const adapter = new CountingAdapter(url, 5000)
  const repo = new Repo({ network: [adapter], peerId: `device-${k}` })
  return { k, adapter, repo, handle: null }
}

function goOffline(dev) {
  return new Promise(resolve => {
    dev.adapter.retryInterval = 0 // onClose will not schedule a reconnect
    dev.adapter.socket.addEventListener("close", () => resolve(), { once: true })
    dev.adapter.socket.close()
  })
}

function reconnect(dev) {
  dev.adapter.retryInterval = 5000
  dev.adapter.connect(dev.adapter.peerId, dev.adapter.peerMetadata)
}

function offlineEdits(dev) {
  const k = dev.k
  for (let i = 0; i < EDITS_PER_DEVICE; i++) {
    if (i % 10 === 0) {
      // same field edited on every device: stage of a shared case
      const target = seedId((i / 10) % SHARED_CASES)
      dev.handle.change(doc => {
        doc.cases[target].stage = `stage-d${k}-${i}`
      })
    } else {
      const id = `d${k}-c${i}`
      const day = String((i % 28) + 1).padStart(2, "0")
      dev.handle.change(doc => {
        doc.cases[id] = { number: `${k}${String(i).padStart(4, "0")}/2026`, stage: "filed", next_date: `2026-12-${day}` }
      })
    }
  }
}

// ---- main
async function main() {
  const port = await startServer()
  const url = `ws://127.0.0.1:${port}`

  // Phase 1: online. Device 1 creates the diary, devices 2 and 3 find it.
  const devs = Array.from({ length: DEVICES }, (_, i) => makeDevice(i + 1, url))
  await waitFor(() => devs.every(d => d.repo.peers.length === 1), "all devices to join the server")

  const d1 = devs[0]
  d1.handle = d1.repo.create()
  d1.handle.change(doc => {
    doc.title = "Chamber case diary"
    doc.cases = {}
    for (let j = 0; j < SHARED_CASES; j++) {
      doc.cases[seedId(j)] = { number: `S${j}/2026`, stage: "filed", next_date: "2026-12-01" }
    }
  })
  // wait until the server holds device 1's heads (it has storage => a storageId)
  await waitFor(() => {
    const sid = d1.repo.getStorageIdOfPeer(d1.repo.peers[0])
    const rh = sid && d1.handle.getRemoteHeads(sid)
    return rh && headsKey(rh) === headsKey(d1.handle.heads())
  }, "server to receive the document")

  for (const d of devs.slice(1)) {
    d.handle = d.repo.find(d1.handle.url)
    await d.handle.whenReady()
  }
  const baseHeads = headsKey(d1.handle.heads())
  await waitFor(() => devs.every(d => headsKey(d.handle.heads()) === baseHeads), "initial sync")
  const baseChanges = A.getAllChanges(d1.handle.docSync()).length
  log(`phase 1: doc ${d1.handle.documentId} on all ${DEVICES} devices (${baseChanges} changes)`)

  // Phase 2: offline, 1,000 separate edits per device.
  await Promise.all(devs.map(goOffline))
  await sleep(200) // let the server process the disconnects
  if (devs.some(d => d.repo.peers.length !== 0)) throw new Error("a device still sees a peer while offline")
  const tEdit = performance.now()
  for (const d of devs) offlineEdits(d)
  log(`phase 2: ${DEVICES * EDITS_PER_DEVICE} offline edits made in ${(performance.now() - tEdit).toFixed(0)} ms`)
  if (new Set(devs.map(d => headsKey(d.handle.heads()))).size !== DEVICES) throw new Error("devices did not diverge")

  // Phase 3: reconnect all three in the same tick; time until identical heads.
  const converged = () => {
    const h = headsKey(devs[0].handle.heads())
    return devs.every(d => headsKey(d.handle.heads()) === h)
  }
  let resolveDone
  const done = new Promise(r => (resolveDone = r))
  let tEnd = null
  const check = () => {
    if (tEnd === null && converged()) {
      tEnd = performance.now()
      resolveDone()
    }
  }
  for (const d of devs) d.handle.on("change", check)
  const poll = setInterval(check, 20) // fallback; the change events give the precise time

  bytesSent = 0
  bytesRecv = 0
  counting = true
  const t0 = performance.now()
  for (const d of devs) reconnect(d)
  await done
  counting = false
  clearInterval(poll)
  const convergeMs = tEnd - t0
  const tcpBytes = devs.reduce((s, d) => s + (d.adapter.socket._socket?.bytesRead ?? 0) + (d.adapter.socket._socket?.bytesWritten ?? 0), 0)

  // Verify: all 3,000 edits present on every device.
  const expectedCases = SHARED_CASES + DEVICES * EDITS_PER_DEVICE * 0.9
  for (const d of devs) {
    const doc = d.handle.docSync()
    const nChanges = A.getAllChanges(doc).length
    const nCases = Object.keys(doc.cases).length
    if (nChanges !== baseChanges + DEVICES * EDITS_PER_DEVICE) throw new Error(`device ${d.k}: ${nChanges} changes, expected ${baseChanges + DEVICES * EDITS_PER_DEVICE}`)
    if (nCases !== expectedCases) throw new Error(`device ${d.k}: ${nCases} cases, expected ${expectedCases}`)
  }
  log(`phase 3: converged in ${convergeMs.toFixed(1)} ms; ${bytesSent} B client->server, ${bytesRecv} B server->client`)

  const rss = serverRssMb()
  const bytes = bytesSent + bytesRecv
  const result = {
    baseline: "automerge-repo-sync-server",
    server_version: "0.2.8",
    devices: DEVICES,
    edits_per_device: EDITS_PER_DEVICE,
    converge_ms: Math.round(convergeMs * 10) / 10,
    bytes_on_wire: bytes,
    bytes_per_edit: Math.round((bytes / (DEVICES * EDITS_PER_DEVICE)) * 10) / 10,
    bytes_client_to_server: bytesSent,
    bytes_server_to_client: bytesRecv,
    tcp_bytes: tcpBytes,
    server_rss_mb: rss,
  }

  shuttingDown = true
  for (const d of devs) {
    d.adapter.retryInterval = 0
    d.adapter.socket.close()
  }
  cleanup()
  clearTimeout(overall)
  process.stdout.write(JSON.stringify(result) + "\n")
  process.exit(0)
}

main().catch(e => fail(e?.stack || String(e)))
