// A fresh instance's warm-up, thread by thread: chat over a connection at saturation (16 concurrent
// keep-alive loops) from the very first request, for --seconds, with the server CPU per request of
// each 5 s window split into its thread groups (the compilers, the event loops, the rest), read from
// /proc/<pid>/task/*/schedstat. For comparing two builds or settings of the same jar.
//
//   node bench/lib/warmup-threads.mjs --url=http://127.0.0.1:8080 --pid=<server pid> [--seconds=30]
//        (BRIDGE_JWT_SECRET: the server's secret)
import { readdirSync, readFileSync } from 'node:fs';
import { Api, mintToken, nowMs } from './util.mjs';

const options = Object.fromEntries(process.argv.slice(2).map((arg) => {
  const [key, value = 'true'] = arg.replace(/^--/, '').split('=');
  return [key, value];
}));
const pid = Number(options.pid);
const seconds = Number(options.seconds ?? 30);
const secret = process.env.BRIDGE_JWT_SECRET;
if (!pid || !options.url || !secret) {
  console.error('usage: BRIDGE_JWT_SECRET=... node bench/lib/warmup-threads.mjs --url=URL --pid=PID [--seconds=30]');
  process.exit(2);
}

/** The group a thread counts in. */
function groupOf(name) {
  if (/^C2 Compiler/.test(name)) return 'C2';
  if (/^C1 Compiler/.test(name)) return 'C1';
  if (/reactor-http|io_uring|epoll|nio/.test(name)) return 'loops';
  if (/lettuce/.test(name)) return 'lettuce';
  if (/^G1|^GC |VM Thread/.test(name)) return 'gc+vm';
  return 'other';
}
const GROUPS = ['C2', 'C1', 'loops', 'lettuce', 'gc+vm', 'other'];

/** Run time (ms) per group, summed over the process's threads. */
function snapshot() {
  const sums = Object.fromEntries(GROUPS.map((g) => [g, 0]));
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      sums[groupOf(name)] += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    } catch {
      // the thread ended meanwhile
    }
  }
  return sums;
}

const api = new Api(options.url, mintToken(secret, { server: true }), 16);
const { from, connection } = await api.chatSetUp('warm');

let sent = 0;
/** The slowest request of the window under way, ms. */
let slowest = 0;
const started = nowMs();
const windows = [];
let last = { at: started, sent: 0, cpu: snapshot() };
const timer = setInterval(() => {
  const now = { at: nowMs(), sent, cpu: snapshot() };
  windows.push({ from: Math.round((last.at - started) / 1000), requests: now.sent - last.sent, slowest,
    cpu: Object.fromEntries(GROUPS.map((g) => [g, now.cpu[g] - last.cpu[g]])) });
  last = now;
  slowest = 0;
}, 5000);
await Promise.all(Array.from({ length: 16 }, async () => {
  while (nowMs() - started < seconds * 1000) {
    const n = sent++;
    const at = nowMs();
    await api.expect([201], 'POST', `/api/meetings/${from}/connections/${connection.id}/chat-messages`, { message: `m${n}`, senderId: 'sender' });
    slowest = Math.max(slowest, nowMs() - at);
  }
}));
clearInterval(timer);
api.close();
console.log(`window  requests  slowest ms  µs/request  ${GROUPS.map((g) => g.padStart(8)).join('')}   (µs per request by thread group)`);
for (const w of windows) {
  const total = GROUPS.reduce((sum, g) => sum + w.cpu[g], 0);
  const per = (ms) => ((ms * 1000) / Math.max(1, w.requests)).toFixed(0);
  console.log(`${String(w.from).padStart(3)} s  ${String(w.requests).padStart(8)}  ${w.slowest.toFixed(0).padStart(10)}  ${per(total).padStart(10)}  ${GROUPS.map((g) => per(w.cpu[g]).padStart(8)).join('')}`);
}
