// The webhooks benchmark: one bridge with one webhook endpoint, a receiver in this process that
// answers 204 at once, and REST load on 1,000 meetings (join + leave pairs, 16 concurrent). It counts
// deliveries per second and per bridge CPU second, the lag from an event's recording to its arrival
// (p50 / p99), and checks that every event arrived once, in order per meeting. The same load then
// runs against a bridge without webhooks, so the difference is what webhooks cost.
//
//   node bench/lib/webhooks.mjs [--meetings=1000] [--pairs=10] [--out=DIR] [--jfr (profile the bridge with webhooks)]
//   node bench/lib/webhooks.mjs --receiver=PORT     only the receiver (for scenario 2 with webhooks on:
//                                                   BENCH_BRIDGE_ARGS='--bridge.webhooks.url=...' bench/run.sh)
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, jarPath, startBridge, startRedis, stopAll, stopServer } from './procs.mjs';
import { Api, fmtInt, fmtMs, mintToken, nowMs, sleep, summarize } from './util.mjs';

const { values: opts } = parseArgs({
  options: {
    meetings: { type: 'string', default: '1000' },
    pairs: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '16' },
    receiver: { type: 'string' },
    out: { type: 'string' },
    jfr: { type: 'boolean', default: false },
  },
});

/** A webhook receiver: answers 204 at once and notes each delivery's id, arrival and lag. */
function receiver(port) {
  const deliveries = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const arrived = nowMs();
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = /"timestamp":"([^"]+)"/.exec(body)?.[1];
      deliveries.push({ id: req.headers['webhook-id'], lag: timestamp ? arrived - Date.parse(timestamp) : NaN, arrived });
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, deliveries })));
}

if (opts.receiver) {
  const { deliveries } = await receiver(Number(opts.receiver));
  console.log(`webhook receiver on 127.0.0.1:${opts.receiver}; Ctrl-C to stop`);
  setInterval(() => console.log(`${deliveries.length} deliveries`), 10_000);
} else {
  await main();
}

async function main() {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const jar = jarPath(root);
  if (!jar) throw new Error('no bridge jar: ./mvnw -DskipTests package (or BENCH_JAR)');
  const javaHome = process.env.JAVA_HOME ?? '/usr/lib/jvm/temurin-25-jdk-amd64';
  const outDir = opts.out ?? path.join(os.tmpdir(), `meeting-bridge-webhooks-${Date.now()}`);
  mkdirSync(outDir, { recursive: true });
  const meetings = Number(opts.meetings);
  const pairs = Number(opts.pairs);
  const secret = randomBytes(32).toString('hex');
  const redis = await startRedis(outDir);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const hooks = await receiver(port);
  const rows = [];
  try {
    for (const webhooks of [true, false]) {
      const extraArgs = webhooks
        ? [`--bridge.webhooks.url=http://127.0.0.1:${port}/hooks`, `--bridge.webhooks.secret=whsec_${randomBytes(32).toString('base64')}`]
        : [];
      const jfr = opts.jfr && webhooks ? path.join(outDir, 'webhooks.jfr') : undefined;
      const bridge = await startBridge({ jar, javaHome, redis, secret, outDir, name: webhooks ? 'webhooks' : 'plain',
        javaOpts: ['-Xmx1g'], extraArgs, jfr });
      try {
        rows.push(await run(bridge, hooks, { webhooks, meetings, pairs, secret }));
      } finally {
        await stopServer(bridge);
      }
    }
  } finally {
    hooks.server.close();
    await redis.client.quit().catch(() => {});
    stopAll();
  }
  const [on, off] = rows;
  const table = [
    `| webhooks: ${fmtInt(meetings)} meetings x ${pairs} join+leave pairs over REST, 16 concurrent, receiver answers at once | value |`,
    '| --- | --- |',
    `| events recorded | ${fmtInt(on.events)} |`,
    `| delivered / expected (each once, in order per meeting) | ${fmtInt(on.delivered)} / ${fmtInt(on.events)}${on.problems ? ` (${on.problems})` : ''} |`,
    `| deliveries/s (first to last arrival) | ${fmtInt(on.rate)} |`,
    `| deliveries per bridge CPU s (everything the bridge did) | ${fmtInt(on.delivered / on.cpu)} |`,
    `| lag from recording to arrival p50 / p99 / max ms | ${fmtMs(on.lag.p50)} / ${fmtMs(on.lag.p99)} / ${fmtMs(on.lag.max)} |`,
    `| bridge CPU ms per event: webhooks on / off | ${(on.cpu * 1000 / on.events).toFixed(3)} / ${(off.cpu * 1000 / off.events).toFixed(3)} |`,
    `| REST pairs/s: webhooks on / off | ${fmtInt(on.pairsPerSecond)} / ${fmtInt(off.pairsPerSecond)} |`,
  ].join('\n');
  console.log(table);
  if (on.problems) process.exitCode = 1;
}

async function run(bridge, hooks, { webhooks, meetings, pairs, secret }) {
  const api = new Api(bridge.base, mintToken(secret, { server: true }), 32);
  const ids = Array.from({ length: meetings }, (_, i) => `wh-${webhooks ? 'on' : 'off'}-${i}-${process.pid}`);
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map((meetingId) => api.expect([201], 'POST', '/api/meetings', { meetingId })));
  }
  hooks.deliveries.length = 0;
  const cpuBefore = cpuSeconds(bridge.pid);
  const started = nowMs();
  let next = 0;
  const work = Array.from({ length: Number(opts.concurrency) }, async () => {
    while (next < ids.length * pairs) {
      const index = next++;
      const meetingId = ids[index % ids.length];
      const participantId = `p${Math.floor(index / ids.length)}`;
      await api.expect([201], 'POST', `/api/meetings/${meetingId}/participants`, { participantId, displayName: participantId });
      await api.expect([204], 'DELETE', `/api/meetings/${meetingId}/participants/${participantId}`);
    }
  });
  await Promise.all(work);
  const loadSeconds = (nowMs() - started) / 1000;
  const events = ids.length * pairs * 2;
  if (webhooks) {
    const deadline = Date.now() + 300_000;
    while (hooks.deliveries.length < events && Date.now() < deadline) await sleep(100);
    // A little longer, so that a duplicate would show.
    await sleep(1000);
  }
  const cpu = cpuSeconds(bridge.pid) - cpuBefore;
  api.close();
  if (!webhooks) return { events, cpu, pairsPerSecond: (ids.length * pairs) / loadSeconds };
  const deliveries = hooks.deliveries.slice();
  const problems = [];
  const last = new Map();
  const seen = new Set();
  for (const { id } of deliveries) {
    if (seen.has(id)) problems.push(`duplicate ${id}`);
    seen.add(id);
    const meetingId = id.slice(0, id.indexOf(':'));
    const sequence = Number(id.slice(id.lastIndexOf(':') + 1));
    if (sequence !== (last.get(meetingId) ?? 0) + 1) problems.push(`out of order ${id}`);
    last.set(meetingId, sequence);
  }
  if (deliveries.length < events) problems.push(`${events - deliveries.length} missing`);
  const span = (deliveries.at(-1).arrived - deliveries[0].arrived) / 1000;
  return {
    events, cpu, delivered: deliveries.length, rate: deliveries.length / span,
    lag: summarize(deliveries.map((d) => d.lag)),
    pairsPerSecond: (ids.length * pairs) / loadSeconds,
    problems: problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` and ${problems.length - 3} more` : ''),
  };
}
