// Load side: opens N connections (ws for the Java variants, socket.io-client for the peer), measures idle
// heap per session via the server's /heap, starts the broadcaster, samples the server's CPU from
// /proc/<pid>/stat over the measured window and counts every frame received.
// usage: node load.mjs --kind ws|sio --port P --pid PID --label NAME [--conns 1000 --rate 20 --warm 10 --window 20]
import fs from 'node:fs';
import { WebSocket } from 'ws';
import { io } from 'socket.io-client';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const kind = args.kind;
const port = Number(args.port);
const pid = Number(args.pid);
const label = args.label;
const conns = Number(args.conns || 1000);
const rate = Number(args.rate || 20);
const warm = Number(args.warm || 10);
const windowS = Number(args.window || 20);
const clkTck = Number(process.env.CLK_TCK || 100);
const frames = rate * (warm + windowS);
const base = `http://127.0.0.1:${port}`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cpuTicks = () => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
  return Number(f[11]) + Number(f[12]); // utime (14) + stime (15)
};
const http = async (method, path) => {
  const r = await fetch(base + path, { method });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
  return r.text();
};

let received = 0;
let bad = 0;

function openWs(i) {
  return new Promise((resolve, reject) => {
    const sub = `sub-${i}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?sub=${sub}`, { perMessageDeflate: false });
    let checked = false;
    ws.on('message', (data) => {
      received++;
      if (!checked) {
        checked = true;
        const s = data.toString();
        if (!s.startsWith('MESSAGE\n') || !s.includes(`\nsubscription:${sub}\n`) || !s.endsWith('\0')) bad++;
      }
    });
    ws.once('open', () => resolve({ close: () => ws.terminate() }));
    ws.once('error', reject);
  });
}

function openSio() {
  return new Promise((resolve, reject) => {
    const s = io(base, { transports: ['websocket'], forceNew: true, reconnection: false });
    let checked = false;
    s.on('chat-message', (msg) => {
      received++;
      if (!checked) {
        checked = true;
        if (typeof msg !== 'string' || !msg.startsWith('{"type":"chat-message"')) bad++;
      }
    });
    s.once('connect', () => resolve({ close: () => s.disconnect() }));
    s.once('connect_error', reject);
  });
}

const open = kind === 'sio' ? openSio : openWs;
async function openMany(n, offset) {
  const out = [];
  for (let i = 0; i < n; i += 50) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 50); j++) batch.push(open(offset + j));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

// Warm the connect path once so the baseline heap already holds what the first connection loads.
const warmup = await openMany(20, 100000);
warmup.forEach((c) => c.close());
await sleep(1000);
const heap0 = Number(await http('GET', '/heap'));
const sessions = await openMany(conns, 0);
await sleep(2000);
const heap1 = Number(await http('GET', '/heap'));
const stats0 = JSON.parse(await http('GET', '/stats'));

await http('POST', `/start?frames=${frames}&rate=${rate}`);
const t0 = performance.now();
const clientCpu0 = process.cpuUsage();
await sleep(t0 + warm * 1000 - performance.now());
const cpu0 = cpuTicks(); const recv0 = received;
const sent0 = JSON.parse(await http('GET', '/stats')).framesSent;
await sleep(t0 + (warm + windowS) * 1000 - performance.now());
const cpu1 = cpuTicks(); const recv1 = received;
const sent1 = JSON.parse(await http('GET', '/stats')).framesSent;
const clientCpu = process.cpuUsage(clientCpu0);
const expected = frames * conns;
const deadline = performance.now() + 20000;
while (received < expected && performance.now() < deadline) await sleep(50);
const stats1 = JSON.parse(await http('GET', '/stats'));

const cpuMicros = ((cpu1 - cpu0) / clkTck) * 1e6;
// Deliveries the server made in the window: frames it broadcast in the window times its sessions
// (the client-side count in the same window is kept as clientWindowReceived; it lags when the client does).
const windowDeliveries = (sent1 - sent0) * stats0.sessions;
const result = {
  label, kind, conns, rate, warm, window: windowS,
  sessionsSeenByServer: stats0.sessions,
  serverCpuMs: cpuMicros / 1000,
  windowFrames: sent1 - sent0, windowDeliveries, clientWindowReceived: recv1 - recv0,
  cpuMicrosPerDelivery: cpuMicros / windowDeliveries,
  deliveriesPerCpuSecond: windowDeliveries / (cpuMicros / 1e6),
  received, expected, badFirstFrames: bad,
  heapBefore: heap0, heapAfter: heap1,
  heapKiBPerSession: (heap1 - heap0) / conns / 1024,
  clientCpuPercentOfOneCore: ((clientCpu.user + clientCpu.system) / 1000) / (performance.now() - t0) * 100,
  serverStats: stats1,
  loadavg: fs.readFileSync('/proc/loadavg', 'utf8').trim(),
};
console.log(JSON.stringify(result));
sessions.forEach((c) => c.close());
await sleep(300);
process.exit(0);
