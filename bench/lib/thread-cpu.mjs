// Where the CPU of a lone REST request goes, thread by thread: a server process (the bridge or the
// peer) is warmed at saturation, left quiet, measured idle, then sent requests of one kind at a
// steady rate; /proc/<pid>/task/*/schedstat (run time in ns) and status (context switches) are read
// before and after each phase. Threads are grouped by name without their numbers.
//
//   node bench/lib/thread-cpu.mjs --url=http://127.0.0.1:8080 --pid=<server pid> [--kind=chat|token|join]
//        [--rate=20] [--seconds=10] [--warmup=20000]      (BRIDGE_JWT_SECRET: the server's secret)
import { readdirSync, readFileSync } from 'node:fs';
import { Api, mintToken, nowMs, sleep } from './util.mjs';

const options = Object.fromEntries(process.argv.slice(2).map((arg) => {
  const [key, value = 'true'] = arg.replace(/^--/, '').split('=');
  return [key, value];
}));
const pid = Number(options.pid);
const kind = options.kind ?? 'chat';
const rate = Number(options.rate ?? 20);
const seconds = Number(options.seconds ?? 10);
const warmup = Number(options.warmup ?? 20_000);
const secret = process.env.BRIDGE_JWT_SECRET;
if (!pid || !options.url || !secret || !['chat', 'token', 'join'].includes(kind)) {
  console.error('usage: BRIDGE_JWT_SECRET=... node bench/lib/thread-cpu.mjs --url=URL --pid=PID [--kind=chat|token|join] [--rate=20] [--seconds=10] [--warmup=20000]');
  process.exit(2);
}

/** Run time (ns) and context switches of every thread of the process, by thread id. */
function threads() {
  const found = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const runNs = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const switches = [...status.matchAll(/voluntary_ctxt_switches:\s+(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      found.set(tid, { name, runNs, switches });
    } catch {
      // the thread ended meanwhile
    }
  }
  return found;
}

/** CPU and wake-ups per thread group between two snapshots (threads that ended in between are missed). */
function between(before, after) {
  const groups = new Map();
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? { runNs: 0, switches: 0 };
    const group = now.name.replace(/[-#]?\d+$/, '').replace(/-\d+-$/, '-');
    const sum = groups.get(group) ?? { ms: 0, switches: 0 };
    sum.ms += (now.runNs - then.runNs) / 1e6;
    sum.switches += now.switches - then.switches;
    groups.set(group, sum);
  }
  return groups;
}

const api = new Api(options.url, mintToken(secret, { server: true }), 16);
const { from, to, connection } = await api.chatSetUp('cpu');
let sent = 0;
/** One request of the kind (join: a join, then its leave, counted as two). */
async function one() {
  const n = sent++;
  if (kind === 'chat') {
    await api.expect([201], 'POST', `/api/meetings/${from}/connections/${connection.id}/chat-messages`, { message: `m${n}`, senderId: 'sender' });
  } else if (kind === 'token') {
    await api.expect([201], 'POST', '/api/tokens', { participantId: 'sender' });
  } else {
    await api.expect([201], 'POST', `/api/meetings/${to}/participants`, { participantId: `p${n}`, displayName: 'P' });
    await api.expect([204], 'DELETE', `/api/meetings/${to}/participants/p${n}`);
  }
}

// The warm-up's second half is measured too: the saturated cost per request, for comparison.
let half = null;
await Promise.all(Array.from({ length: 16 }, async () => {
  while (sent < warmup) {
    if (half === null && sent >= warmup / 2) half = { at: nowMs(), sent, threads: threads() };
    await one();
  }
}));
const saturated = { ms: nowMs() - half.at, requests: (sent - half.sent) * (kind === 'join' ? 2 : 1), load: between(half.threads, threads()) };
await sleep(5000);
const quiet = threads();
await sleep(seconds * 1000);
const loaded = threads();
const started = nowMs();
const pending = [];
for (let i = 0; i < seconds * rate; i++) {
  const wait = started + (i * 1000) / rate - nowMs();
  if (wait > 0) await sleep(wait);
  pending.push(one());
}
await Promise.all(pending);
const done = threads();
api.close();

const idle = between(quiet, loaded);
const load = between(loaded, done);
const requests = seconds * rate * (kind === 'join' ? 2 : 1);
const rows = [...load.entries()].sort((a, b) => b[1].ms - a[1].ms);
const total = (groups) => [...groups.values()].reduce((sum, g) => ({ ms: sum.ms + g.ms, switches: sum.switches + g.switches }), { ms: 0, switches: 0 });
const pad = (text, width) => String(text).padStart(width);
const busy = total(saturated.load);
console.log(`${kind} at saturation (16 concurrent, the warm-up's second half): ${Math.round((saturated.requests * 1000) / saturated.ms)} requests/s, `
  + `${((busy.ms * 1000) / saturated.requests).toFixed(1)} µs and ${(busy.switches / saturated.requests).toFixed(2)} wake-ups per request`);
console.log(`${kind} at ${rate}/s for ${seconds} s (${requests} requests), after ${warmup} at saturation; idle: the ${seconds} s before`);
console.log(`${'thread'.padEnd(24)}${pad('µs/request', 12)}${pad('wake-ups/request', 18)}${pad('idle ms/s', 11)}${pad('idle wake-ups/s', 17)}`);
for (const [group, g] of [...rows, ['(all)', total(load)]]) {
  const quietGroup = group === '(all)' ? total(idle) : (idle.get(group) ?? { ms: 0, switches: 0 });
  if (g.ms < 0.5 && quietGroup.ms < 0.5 && group !== '(all)') continue;
  console.log(`${group.padEnd(24)}${pad(((g.ms * 1000) / requests).toFixed(1), 12)}${pad((g.switches / requests).toFixed(2), 18)}`
    + `${pad((quietGroup.ms / seconds).toFixed(2), 11)}${pad((quietGroup.switches / seconds).toFixed(1), 17)}`);
}
