#!/usr/bin/env node
// The benchmark driver behind bench/run.sh: starts Redis, bridge instances and peer processes, runs
// the scenarios of issue 5 against both, prints one table and (full runs) prepends it to RESULTS.md.
// See bench/README.md.
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  Api, fmtInt, fmtMiB, fmtMs, mintToken, nowMs, sleep, summarize,
} from './util.mjs';
import {
  connectedReplicas, cpuSeconds, gcCounts, machineBusySeconds, heapAfterGc, jarPath, redisStats, rssBytes, startBridge, startPeer, startRedis, startReplica,
  stopAll, stopServer,
} from './procs.mjs';
import { closeWorkers, openSubscribers } from './workers.mjs';
import { SCRIPTS as PEER_SCRIPTS } from '../peer/scripts.mjs';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rootDir = path.resolve(benchDir, '..');
const ALL_TYPES = ['participant-joined', 'participant-left', 'chat-message', 'connection-open', 'connection-close', 'meeting-ended'];

const { values: opts } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    scenarios: { type: 'string', default: '1,2,3,4,5,6,7' },
    record: { type: 'boolean' },
    'no-record': { type: 'boolean', default: false },
    jfr: { type: 'boolean', default: false },
    'client-deflate': { type: 'string', default: 'on' },
    members: { type: 'boolean', default: false },
    servers: { type: 'string', default: 'bridge,peer' },
    'bridge-clients': { type: 'string', default: 'stompjs,bundled' },
    out: { type: 'string' },
    note: { type: 'string' },
    'replica-acks': { type: 'string' },
    'aot-cache': { type: 'string', default: 'on' },
  },
});

const smoke = opts.smoke;
const record = opts['no-record'] ? false : (opts.record ?? !smoke);
const deflate = opts['client-deflate'] !== 'off';
const kinds = opts.servers.split(',').map((s) => s.trim()).filter(Boolean);
// Scenarios 1 and 2 run the bridge once per subscriber client: @stomp/stompjs, and the bridge's own
// meeting-bridge.js ('bundled', downloaded from the bridge under test, as users get it).
const bridgeClients = opts['bridge-clients'].split(',').map((s) => s.trim()).filter(Boolean);
const wanted = new Set(opts.scenarios.split(',').map((s) => s.trim()));
// --replica-acks=N: scenario 3 runs the bridge a second time, on an instance of its own started with
// --bridge.redis.replica-acks=N, against the same Redis with N replicas (started for it and stopped
// after it), next to the normal run. Smoke runs do it with N = 1 unless told otherwise; full runs only
// when asked.
const replicaAcks = Number(opts['replica-acks'] ?? (smoke ? 1 : 0));
if (!Number.isInteger(replicaAcks) || replicaAcks < 0 || replicaAcks > 4) {
  console.error(`--replica-acks must be a whole number from 0 to 4, not ${opts['replica-acks']}`);
  process.exit(2);
}
// Scenario 7 measures a fresh bridge's warm-up twice: from the jar as built, and as the Docker image runs
// it, extracted with the JVM's ahead-of-time cache that scripts/aot-cache.sh trains (--aot-cache=off: once).
const aotCache = opts['aot-cache'] !== 'off';
const replicaAcksRun = replicaAcks > 0 && wanted.has('3') && opts.servers.split(',').map((k) => k.trim()).includes('bridge');
const ACKS = 'bridge-acks';
const ACKS_INSTANCE = `acks${replicaAcks}`;
// Spring arguments of particular bridge instances (on top of BENCH_BRIDGE_ARGS).
const instanceArgs = { [ACKS_INSTANCE]: [`--bridge.redis.replica-acks=${replicaAcks}`] };
// The jar and JVM options of particular bridge instances (others: the run's jar and bridgeJavaOpts).
const instanceLaunch = {};
const javaHome = process.env.JAVA_HOME || '/usr/lib/jvm/temurin-25-jdk-amd64';
// Smoke runs only check that nothing is lost or broken: a JVM that starts faster (C1 only, serial GC)
// keeps them short on a busy 2-core machine. Full runs use the JVM's defaults apart from the heap cap.
const bridgeJavaOpts = (process.env.BENCH_BRIDGE_JAVA_OPTS
  ?? (smoke ? '-Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC' : '-Xmx1g')).split(/\s+/).filter(Boolean);

const SIZES = smoke ? {
  fanout: { subscribers: 25, messages: 80, senders: 16, warmup: 20, workers: 1 },
  steady: { subscribers: 25, rate: 20, seconds: 2, warmup: 20, workers: 1 },
  slow: { subscribers: 10, rate: 50, seconds: 1, textLength: 4000, workers: 1 },
  joinLeave: { seconds: 2, warmupSeconds: 1, concurrency: 16, redisBenchmarkRequests: 5000, steadyRate: 20, steadySeconds: 1 },
  idle: { sessions: 200, perMeeting: 10, workers: 2, fresh: false, deadlineMs: 60_000 },
  two: { subscribers: 24, messages: 80, senders: 16, warmup: 20, workers: 1 },
  drain: { idleMs: 5_000, capMs: 30_000 },
  rest: { concurrency: 16, warmupSeconds: 0.2, seconds: 0.5, rate: 20, quietSeconds: 0, steadySeconds: 0.5, idleSeconds: 0.2, windowSeconds: 0.5, windows: 2 },
  restWarmup: 0,
  // Seconds of scripts/aot-train.mjs when scenario 7 trains the AOT cache (smoke: proves it works).
  aotTrainSeconds: 3,
  settleMs: 1_000,
  textLength: 120,
} : {
  fanout: { subscribers: 1000, messages: 2000, senders: 16, warmup: 2000, workers: 2 },
  // steadyWarmup: seconds at the steady rate before the measured ones (see fanoutScenario).
  steady: { subscribers: 1000, rate: 20, seconds: 60, warmup: 1000, steadyWarmup: 30, workers: 2 },
  slow: { subscribers: 20, rate: 60, seconds: 30, textLength: 4000, workers: 1 },
  // steadyRate x steadySeconds: pairs started at a steady rate after the saturated run (open loop).
  joinLeave: { seconds: 20, warmupSeconds: 20, concurrency: 16, redisBenchmarkRequests: 100_000, steadyRate: 20, steadySeconds: 10 },
  idle: { sessions: 10_000, perMeeting: 10, workers: 4, fresh: true, deadlineMs: 300_000 },
  two: { subscribers: 1000, messages: 2000, senders: 16, warmup: 2000, workers: 2 },
  drain: { idleMs: 15_000, capMs: 120_000 },
  // Scenario 7: each request kind at saturation (concurrency loops, seconds measured after warmupSeconds),
  // then at a steady rate (requests/s, open loop) once the server is quiet, quietSeconds more and
  // idleSeconds (measured) of no load; then a fresh instance's
  // chat at saturation in windows of windowSeconds.
  rest: { concurrency: 16, warmupSeconds: 5, seconds: 15, rate: 20, quietSeconds: 15, steadySeconds: 15, idleSeconds: 5, windowSeconds: 5, windows: 12 },
  // Chat messages sent over REST to each server before any scenario, to a meeting nobody follows; the
  // second half is measured (row 0). With 20,000 the JVM was still compiling through the second half.
  restWarmup: Number(process.env.BENCH_REST_WARMUP ?? 80_000),
  aotTrainSeconds: 40,
  settleMs: 20_000,
  textLength: 120,
};

// Extra Spring Boot arguments for every bridge instance, e.g. '--logging.level.org.springframework.messaging=DEBUG'.
const bridgeArgs = (process.env.BENCH_BRIDGE_ARGS ?? '').split(/\s+/).filter(Boolean);
// The idle instance gets room to show what 10,000 sessions need (a heap that is too small thrashes in
// full GCs and refuses sessions, which measures the cap, not the need).
const idleJavaOpts = (process.env.BENCH_BRIDGE_IDLE_JAVA_OPTS ?? '-Xmx2g').split(/\s+/).filter(Boolean);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = opts.out ?? path.join(os.tmpdir(), `meeting-bridge-bench-${stamp}`);
mkdirSync(outDir, { recursive: true });
const secret = randomBytes(32).toString('hex');
const serverToken = mintToken(secret, { server: true });
const problems = [];
const results = {};
// Chat text padding: random base64, so that compression (permessage-deflate) gets realistic, not
// repetitive, input and large messages really are large on the wire.
const NOISE = randomBytes(6144).toString('base64');
const log = (...args) => console.log(`[${new Date().toISOString().slice(11, 19)}]`, ...args);

// ---------------------------------------------------------------------------------------------
// Servers

const state = { redis: null, servers: {} };

const starting = {};

function server(kind, name) {
  const key = `${kind}-${name}`;
  if (!starting[key]) {
    starting[key] = startServer(kind, name).finally(() => { delete starting[key]; });
  }
  return starting[key];
}

async function startServer(kind, name) {
  const key = `${kind}-${name}`;
  if (!state.servers[key]) {
    if (kind === 'bridge') {
      const launch = instanceLaunch[name];
      const jar = launch?.jar ?? jarPath(rootDir);
      if (!jar) throw new Error('target/meeting-bridge-0.1.0-SNAPSHOT.jar is missing: run ./mvnw -DskipTests package');
      const jfr = opts.jfr && name === 'A' ? path.join(outDir, 'bridge-A.jfr') : undefined;
      const javaOpts = launch?.javaOpts ?? (name === 'idle' ? idleJavaOpts : bridgeJavaOpts);
      state.servers[key] = await startBridge({
        jar, javaHome, redis: state.redis, secret, outDir, name, jfr, javaOpts, extraArgs: [...(instanceArgs[name] ?? []), ...bridgeArgs],
      });
    } else {
      state.servers[key] = await startPeer({ redis: state.redis, secret, outDir, name, benchDir });
    }
    log(`${key} ready on port ${state.servers[key].port} in ${state.servers[key].startMs} ms (pid ${state.servers[key].pid})`);
  }
  return state.servers[key];
}

async function stop(kind, name) {
  const key = `${kind}-${name}`;
  if (state.servers[key]) {
    await stopServer(state.servers[key]);
    delete state.servers[key];
  }
}

/**
 * CPU seconds of this run's own processes so far: this driver (whose load clients run in it in scenario 3),
 * Redis, its replicas and every server of the run. With machineBusySeconds(), what other tenants of the
 * machine took meanwhile.
 */
function ownCpuSeconds(extra = []) {
  const self = process.cpuUsage();
  const pids = [state.redis.pid, ...Object.values(state.servers).map((s) => s.pid), ...extra.map((p) => p.pid)];
  return (self.user + self.system) / 1e6 + pids.reduce((n, pid) => {
    try { return n + cpuSeconds(pid); } catch { return n; }
  }, 0);
}

/** Starts a reading of the other tenants' CPU; calling the result gives the cores they used on average since. */
function othersCpu(extra = []) {
  const t0 = nowMs();
  const machine0 = machineBusySeconds();
  const own0 = ownCpuSeconds(extra);
  return () => Math.max(0, (machineBusySeconds() - machine0) - (ownCpuSeconds(extra) - own0)) / ((nowMs() - t0) / 1000);
}

/** Waits until the servers are quiet (under 0.15 cores together over 300 ms), at most maxMs. */
async function settle(servers, maxMs = SIZES.settleMs) {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const before = servers.reduce((n, s) => n + cpuSeconds(s.pid), 0);
    await sleep(300);
    const after = servers.reduce((n, s) => n + cpuSeconds(s.pid), 0);
    if ((after - before) / 0.3 < 0.15) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Set-up over REST (the peer serves the same paths)

async function forEachLimited(count, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await fn(next++);
  }));
}

async function setupChat(target, label, senders, subscribers) {
  const api = new Api(target.base, serverToken);
  const src = `${label}-src`;
  const dst = `${label}-dst`;
  await api.expect([201], 'POST', '/api/meetings', { meetingId: src });
  await api.expect([201], 'POST', '/api/meetings', { meetingId: dst });
  await forEachLimited(senders, 8, (k) => api.expect([201, 200], 'POST', `/api/meetings/${src}/participants`,
    { displayName: `Sender ${k}`, participantId: `sender-${k}` }));
  const connection = await api.expect([201, 200], 'POST', `/api/meetings/${src}/connections`, { meetingId: dst });
  if (opts.members) {
    await forEachLimited(subscribers, 16, (i) => api.expect([201, 200], 'POST', `/api/meetings/${dst}/participants`,
      { displayName: `Listener ${i}`, participantId: `${label}-sub-${i}` }));
  }
  api.close();
  return { src, dst, connectionId: connection.id, senders };
}

/**
 * Sends chat over REST to a meeting nobody follows until the server's request path is compiled.
 * Scenario 2 sends 20 messages/s: without this, the JVM compiles the REST path during the steady
 * measurement (C2 threads took a third of the bridge's CPU there), which no long-running server pays.
 * The peer gets the same messages.
 */
async function warmRest(target, label, messages, key = target.kind) {
  if (!messages) return;
  const setup = await setupChat(target, label, 16, 0);
  const started = nowMs();
  const send = (count) => sendChats({ servers: [target], setup, tag: label, messages: count, concurrency: 16, textLength: SIZES.textLength });
  const half = Math.floor(messages / 2);
  const first = await send(half);
  // The second half is measured: what a chat message over REST costs the server once compiled.
  const cpu0 = cpuSeconds(target.pid);
  const t0 = nowMs();
  const second = await send(messages - half);
  const cpu = cpuSeconds(target.pid) - cpu0;
  const seconds = (nowMs() - t0) / 1000;
  const rest = { sent: second.ok, perSec: second.ok / seconds, cpuMsPerMessage: (cpu * 1000) / second.ok };
  results.restChat = { ...results.restChat, [key]: rest };
  log(`${target.kind}-${target.name} REST warm-up: ${fmtInt(first.ok + second.ok)}/${fmtInt(messages)} chat messages in ${((nowMs() - started) / 1000).toFixed(1)} s; `
    + `the second half ${fmtInt(rest.perSec)}/s at ${rest.cpuMsPerMessage.toFixed(2)} server CPU ms each`);
}

function subscriberToken(label, i) {
  return opts.members ? mintToken(secret, { sub: `${label}-sub-${i}` }) : serverToken;
}

// ---------------------------------------------------------------------------------------------
// Load: chat over HTTP, deliveries measured by the subscriber workers

/**
 * A chat message's text: `<tag>|<send time>|<index>|` then random base64 up to textLength characters (the
 * receivers read the send time and index; the noise keeps compression honest).
 */
function chatText(tag, i, textLength) {
  const head = `${tag}|${nowMs().toFixed(3)}|${i}|`;
  const length = Math.max(1, textLength - head.length);
  const from = (i * 7919) % (NOISE.length - length);
  return head + NOISE.slice(from, from + length);
}

async function sendChats({ servers, setup, tag, messages, concurrency, rate, textLength }) {
  const apis = servers.map((s) => new Api(s.base, serverToken, rate ? 256 : concurrency));
  const statuses = {};
  const samples = [];
  let ok = 0;
  const path_ = `/api/meetings/${setup.src}/connections/${setup.connectionId}/chat-messages`;
  async function sendOne(i) {
    const message = chatText(tag, i, textLength);
    try {
      const res = await apis[i % apis.length].request('POST', path_, { message, senderId: `sender-${i % setup.senders}` });
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 201) ok++;
      else if (samples.length < 3) samples.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    } catch (error) {
      statuses.error = (statuses.error ?? 0) + 1;
      if (samples.length < 3) samples.push(String(error.message));
    }
  }
  const started = nowMs();
  if (rate) {
    const inflight = [];
    for (let i = 0; i < messages; i++) {
      const wait = started + (i * 1000) / rate - nowMs();
      if (wait > 1) await sleep(wait);
      inflight.push(sendOne(i));
    }
    await Promise.all(inflight);
  } else {
    await forEachLimited(messages, concurrency, sendOne);
  }
  apis.forEach((api) => api.close());
  return { ok, statuses, samples, sendMs: nowMs() - started };
}

async function chatPhase({ servers, workers, setup, tag, messages, concurrency = 16, rate, textLength = SIZES.textLength }) {
  await Promise.all(workers.map((w) => w.call('reset', { tag, messages })));
  // The server's own fan-out timing, when one server process does all the fan-out.
  const timed = servers.length === 1 ? servers[0] : null;
  const fanout0 = timed ? await serverFanout(timed) : null;
  const cpu0 = servers.map((s) => cpuSeconds(s.pid));
  const redis0 = await redisStats(state.redis.client);
  const t0 = nowMs();
  const send = await sendChats({ servers, setup, tag, messages, concurrency, rate, textLength });
  const collected = await Promise.all(workers.map((w) => w.call('collect', { perSub: send.ok, ...SIZES.drain })));
  const cpu1 = servers.map((s) => cpuSeconds(s.pid));
  const redis1 = await redisStats(state.redis.client);
  const fanout = timed ? await serverFanout(timed, fanout0) : null;
  const subscribers = collected.reduce((n, c) => n + c.subscribers, 0);
  const delivered = collected.reduce((n, c) => n + c.received, 0);
  const lastDelivery = Math.max(...collected.map((c) => c.lastDelivery));
  const latencies = new Float64Array(collected.reduce((n, c) => n + c.latencies.length, 0));
  let offset = 0;
  for (const c of collected) {
    latencies.set(c.latencies, offset);
    offset += c.latencies.length;
  }
  const serverCpu = cpu1.reduce((n, v, i) => n + v - cpu0[i], 0);
  const elapsedS = (lastDelivery > 0 ? lastDelivery - t0 : nowMs() - t0) / 1000;
  const expected = send.ok * subscribers;
  const result = {
    messages, sent: send.ok, sendStatuses: send.statuses, sendSamples: send.samples, sendMs: send.sendMs,
    subscribers, expected, delivered, lost: expected - delivered,
    duplicates: collected.reduce((n, c) => n + c.duplicates, 0),
    outOfOrder: collected.reduce((n, c) => n + c.outOfOrder, 0),
    closedSubscribers: collected.reduce((n, c) => n + c.closedCount, 0),
    closedSamples: collected.flatMap((c) => c.closed).slice(0, 3),
    timedOut: collected.some((c) => c.timedOut),
    elapsedS,
    deliveriesPerSec: delivered / elapsedS,
    serverCpuSeconds: serverCpu,
    deliveriesPerCpuSec: delivered / serverCpu,
    serverCpuMicrosPerDelivery: (serverCpu * 1e6) / delivered,
    clientCpuSeconds: collected.reduce((n, c) => n + c.clientCpuSeconds, 0),
    clientLoopDelayMaxMs: collected.reduce((n, c) => Math.max(n, c.loopDelayMaxMs ?? 0), 0),
    clientCpuMicrosPerDelivery: (collected.reduce((n, c) => n + c.clientCpuSeconds, 0) * 1e6) / delivered,
    fanout,
    redisCpuSeconds: redis1.cpu - redis0.cpu,
    redisCommandsPerMessage: (redis1.commands - redis0.commands) / Math.max(1, send.ok),
    redisScriptsPerMessage: (redis1.scripts - redis0.scripts) / Math.max(1, send.ok),
    latency: summarize(latencies),
  };
  return result;
}

function checkDelivery(where, r, { orderMatters = true } = {}) {
  if (r.sent !== r.messages) problems.push(`${where}: ${r.messages - r.sent} sends failed (${JSON.stringify(r.sendStatuses)} ${r.sendSamples.join('; ')})`);
  if (r.lost !== 0) {
    problems.push(`${where}: ${r.lost} of ${r.expected} deliveries lost${r.closedSubscribers ? ` (${r.closedSubscribers} subscribers closed: ${r.closedSamples.join('; ')};`
      + ` the subscriber processes' event loops ran up to ${fmtMs(r.clientLoopDelayMaxMs)} ms late)` : ''}`);
  }
  if (r.duplicates !== 0) problems.push(`${where}: ${r.duplicates} duplicate deliveries`);
  if (orderMatters && r.outOfOrder !== 0) problems.push(`${where}: ${r.outOfOrder} deliveries out of sequence order`);
}

function describe(r) {
  const l = r.latency;
  return `${fmtInt(r.delivered)}/${fmtInt(r.expected)} delivered in ${r.elapsedS.toFixed(2)} s: ${fmtInt(r.deliveriesPerSec)}/s, `
    + `${fmtInt(r.deliveriesPerCpuSec)}/server-CPU-s, p50 ${fmtMs(l.p50)} p99 ${fmtMs(l.p99)} max ${fmtMs(l.max)} ms, `
    + `lost ${r.lost}, redis scripts/msg ${r.redisScriptsPerMessage.toFixed(1)} cmds/msg ${r.redisCommandsPerMessage.toFixed(1)}, client CPU ${r.clientCpuSeconds.toFixed(1)} s, client event loop late by up to ${fmtMs(r.clientLoopDelayMaxMs)} ms`
    + (r.fanout?.count ? `, server-side fan-out p50 ${fmtMs(r.fanout.p50)} p99 ${fmtMs(r.fanout.p99)} ms` : '');
}

// ---------------------------------------------------------------------------------------------
// Scenarios

/**
 * Scenarios 1, 2 and 5: one receiving meeting, subscribers on every given server, HTTP senders.
 * {@code client} 'bundled' makes the bridge's subscribers use meeting-bridge.js instead of stompjs.
 */
async function fanoutScenario(kind, servers, label, cfg, { steady = false, client } = {}) {
  const setup = await setupChat(servers[0], label, cfg.senders ?? 16, cfg.subscribers);
  const specs = Array.from({ length: cfg.subscribers }, (_, i) => ({
    id: `${label}-${i}`, url: servers[i % servers.length].ws, meetingId: setup.dst, token: subscriberToken(label, i),
  }));
  const bundled = kind === 'bridge' && client === 'bundled';
  const clientPath = bundled ? await bundledClient(servers[0]) : undefined;
  const opened = await openSubscribers({
    kind: bundled ? 'bundled' : kind, specs, workers: cfg.workers, types: ['chat-message'], deflate, label, clientPath,
  });
  try {
    if (opened.failed) throw new Error(`${opened.failed} subscribers failed to connect: ${opened.errors.join('; ')}`);
    const connect = summarize(opened.connectMs);
    log(`  ${kind}: ${opened.opened} subscribers ready (connect p50 ${fmtMs(connect.p50)} ms), WebSocket extensions: '${opened.extensions}'`);
    const { warmup } = cfg;
    if (warmup) {
      const w = await chatPhase({ servers, workers: opened.workers, setup, tag: `w${label}`, messages: warmup });
      log(`  ${kind} warm-up: ${describe(w)}`);
    }
    if (steady && cfg.steadyWarmup) {
      // The JVM goes on compiling for minutes after a burst (C2 took a seventh of the bridge's CPU in
      // a steady run that followed the burst directly); a long-running server has long finished.
      const w = await chatPhase({ servers, workers: opened.workers, setup, tag: `v${label}`, messages: cfg.rate * cfg.steadyWarmup, rate: cfg.rate });
      log(`  ${kind} steady warm-up: ${describe(w)}`);
    }
    await settle(servers);
    const run = steady
      ? await chatPhase({ servers, workers: opened.workers, setup, tag: `m${label}`, messages: cfg.rate * cfg.seconds, rate: cfg.rate })
      : await chatPhase({ servers, workers: opened.workers, setup, tag: `m${label}`, messages: cfg.messages, concurrency: cfg.senders });
    run.extensions = opened.extensions;
    log(`  ${kind}: ${describe(run)}`);
    return run;
  } finally {
    await closeWorkers(opened.workers);
  }
}

async function metric(target, name) {
  try {
    const text = await (await fetch(`${target.base}/actuator/prometheus`)).text();
    const line = text.split('\n').find((l) => l.startsWith(name));
    return line ? Number(line.split(' ').pop()) : NaN;
  } catch {
    return NaN;
  }
}

let bundledClientPath;

/** meeting-bridge.js as the bridge under test serves it, saved as a module the workers import. */
async function bundledClient(target) {
  if (!bundledClientPath) {
    const response = await fetch(`${target.base}/client/meeting-bridge.js`);
    if (!response.ok) throw new Error(`GET /client/meeting-bridge.js: ${response.status}`);
    bundledClientPath = path.join(outDir, 'meeting-bridge.mjs');
    writeFileSync(bundledClientPath, await response.text());
  }
  return bundledClientPath;
}

/**
 * The bridge's own fan-out histogram (an event's arrival from Redis until the last local
 * subscriber's frame was handed to its socket), as cumulative counts per upper bound in seconds.
 */
async function fanoutHistogram(target) {
  try {
    const text = await (await fetch(`${target.base}/actuator/prometheus`)).text();
    const buckets = new Map();
    for (const line of text.split('\n')) {
      const match = /^bridge_events_fanout_seconds_bucket\{.*le="([^"]+)".*\} ([0-9.eE+-]+)$/.exec(line);
      if (match) buckets.set(match[1] === '+Inf' ? Infinity : Number(match[1]), Number(match[2]));
    }
    return buckets;
  } catch {
    return new Map();
  }
}

/**
 * A server's own fan-out timing: with no `before`, a first reading; with that reading, p50/p99 (ms)
 * of what it timed since (the bridge: its histogram's bucket bounds; the peer: exact).
 */
async function serverFanout(server, before) {
  if (server.kind === 'peer') return peerFanout(server, before);
  const histogram = await fanoutHistogram(server);
  return before ? histogramDelta(before, histogram) : histogram;
}

/**
 * The peer's own timing of its chat emits (encoding the event once and writing it to every local
 * socket of the room, which engine.io does synchronously): with no `since`, the count so far; with
 * the count read before, exact percentiles in ms of the emits since then.
 */
async function peerFanout(target, since) {
  try {
    const body = await (await fetch(`${target.base}/admin/fanout?from=${since?.count ?? 0}`)).json();
    if (!since) return { count: body.count };
    const timed = summarize(body.ms);
    return { count: timed.count, p50: timed.p50, p99: timed.p99, exact: true };
  } catch {
    return since ? null : { count: 0 };
  }
}

/** Percentiles (upper bucket bounds, ms) of what the histograms counted between two readings. */
function histogramDelta(before, after) {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = bounds.map((le) => [le, (after.get(le) ?? 0) - (before.get(le) ?? 0)]);
  const count = delta.length ? delta[delta.length - 1][1] : 0;
  const at = (q) => {
    const wanted = count * q;
    const hit = delta.find(([, cumulative]) => cumulative >= wanted);
    return hit ? hit[0] * 1000 : NaN;
  };
  return { count, p50: at(0.5), p99: at(0.99) };
}

/** Scenario 6: a stalled subscriber next to the others, at a steady rate of large messages. */
async function slowConsumerScenario(kind, target, label, cfg) {
  const setup = await setupChat(target, label, 16, cfg.subscribers + 1);
  const specs = Array.from({ length: cfg.subscribers }, (_, i) => ({
    id: `${label}-${i}`, url: target.ws, meetingId: setup.dst, token: subscriberToken(label, i),
  }));
  const others = await openSubscribers({ kind, specs, workers: cfg.workers, types: ['chat-message'], deflate, label });
  let stalled;
  try {
    if (others.failed) throw new Error(`${others.failed} subscribers failed to connect: ${others.errors.join('; ')}`);
    const messages = cfg.rate * cfg.seconds;
    const phase = (tag) => chatPhase({ servers: [target], workers: others.workers, setup, tag, messages, rate: cfg.rate, textLength: cfg.textLength });
    await chatPhase({ servers: [target], workers: others.workers, setup, tag: `w${label}`, messages: Math.min(50, messages), textLength: cfg.textLength });
    await settle([target]);
    const without = await phase(`a${label}`);
    log(`  ${kind} without a stalled client: ${describe(without)}`);
    stalled = await openSubscribers({
      kind, specs: [{ id: `${label}-stalled`, url: target.ws, meetingId: setup.dst, token: subscriberToken(label, cfg.subscribers) }],
      workers: 1, types: ['chat-message'], deflate, stall: true, label: `${label}-stalled`,
    });
    if (stalled.failed) throw new Error(`the stalled client failed to connect: ${stalled.errors.join('; ')}`);
    await stalled.workers[0].call('reset', { tag: `b${label}`, messages });
    const rss0 = rssBytes(target.pid);
    const closedBefore = kind === 'bridge' ? await metric(target, 'bridge_stomp_sessions_closed_total{reason="slow-consumer"}') : NaN;
    const withStall = await phase(`b${label}`);
    const rss1 = rssBytes(target.pid);
    const closedAfter = kind === 'bridge' ? await metric(target, 'bridge_stomp_sessions_closed_total{reason="slow-consumer"}') : NaN;
    const stalledReport = await stalled.workers[0].call('resume', { waitMs: smoke ? 1000 : 3000 });
    withStall.stalled = {
      received: stalledReport.received, of: withStall.sent, closed: stalledReport.closed[0] ?? null,
      serverClosedCount: closedAfter - closedBefore, serverRssGrowth: rss1 - rss0,
    };
    log(`  ${kind} with a stalled client: ${describe(withStall)}`);
    log(`  ${kind} stalled client: got ${stalledReport.received}/${withStall.sent} after resuming; `
      + `${stalledReport.closed[0] ?? 'still open'}; server RSS ${rss1 >= rss0 ? '+' : ''}${fmtMiB(rss1 - rss0)} MiB`);
    return { without, with: withStall, textLength: cfg.textLength };
  } finally {
    await closeWorkers(others.workers);
    if (stalled) await closeWorkers(stalled.workers);
  }
}

/**
 * Scenario 3: REST join + leave pairs on one instance: 16 loops at saturation, then pairs started at a
 * steady rate (open loop); every join and every leave timed on its own. Then (ceiling) redis-benchmark's
 * rate for the join script. `replicas`: the Redis replicas of a --replica-acks run (their CPU counted).
 */
async function joinLeaveScenario(kind, target, label, cfg, { ceiling = true, replicas = [], where = `3 join/leave ${kind}` } = {}) {
  const api = new Api(target.base, serverToken, cfg.concurrency);
  const meeting = `${label}-jl`;
  await api.expect([201], 'POST', '/api/meetings', { meetingId: meeting });
  // Failures of every phase (warm-up included) are problems; the figures are per phase.
  const statuses = {};
  const samples = [];
  const tally = () => ({ pairs: 0, failed: 0, pairMs: [], joinMs: [], leaveMs: [] });
  let phase = tally();
  async function pair(client, p, into) {
    const t = nowMs();
    let join;
    let leave;
    let t1 = t;
    try {
      join = await client.request('POST', `/api/meetings/${meeting}/participants`, { displayName: `P ${p}`, participantId: p });
      t1 = nowMs();
      leave = join.status === 201 ? await client.request('DELETE', `/api/meetings/${meeting}/participants/${p}`) : join;
    } catch (error) {
      join ??= { status: 'error', body: error.message };
      leave = join.status === 201 ? { status: 'error', body: error.message } : join;
    }
    const t2 = nowMs();
    if (join.status === 201 && leave.status === 204) {
      into.pairs++;
      into.pairMs.push(t2 - t);
      into.joinMs.push(t1 - t);
      into.leaveMs.push(t2 - t1);
    } else {
      into.failed++;
      const key = `${join.status}/${leave.status}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (samples.length < 3) samples.push(`${key} ${JSON.stringify(leave.body ?? join.body).slice(0, 200)}`);
    }
  }
  async function lane(l, deadline) {
    for (let i = 0; Date.now() < deadline; i++) await pair(api, `jl-${l}-${i}`, phase);
  }
  // Warm-up (the same for both servers: the JVM's JIT needs some seconds of this load), then the measured run.
  await Promise.all(Array.from({ length: cfg.concurrency }, (_, l) => lane(`w${l}`, Date.now() + cfg.warmupSeconds * 1000)));
  phase = tally();
  await settle([target]);
  const cpuOf = () => cpuSeconds(target.pid);
  const replicaCpu = () => replicas.reduce((n, r) => n + cpuSeconds(r.pid), 0);
  const cpu0 = cpuOf();
  const replica0 = replicaCpu();
  const redis0 = await redisStats(state.redis.client);
  const others = othersCpu(replicas);
  const t0 = nowMs();
  await Promise.all(Array.from({ length: cfg.concurrency }, (_, l) => lane(`m${l}`, Date.now() + cfg.seconds * 1000)));
  const elapsedS = (nowMs() - t0) / 1000;
  const othersCores = others();
  const cpu = cpuOf() - cpu0;
  const replicaCpuS = replicaCpu() - replica0;
  const redis1 = await redisStats(state.redis.client);
  api.close();
  const { pairs } = phase;
  const result = {
    pairs, failed: phase.failed, elapsedS, pairsPerSec: pairs / elapsedS, serverCpuSeconds: cpu, cpuMsPerPair: (cpu * 1000) / pairs,
    redisCommandsPerPair: (redis1.commands - redis0.commands) / Math.max(1, pairs),
    redisScriptsPerPair: (redis1.scripts - redis0.scripts) / Math.max(1, pairs),
    redisWaitsPerPair: (redis1.waits - redis0.waits) / Math.max(1, pairs),
    redisCpuSeconds: redis1.cpu - redis0.cpu,
    redisCpuMsPerPair: ((redis1.cpu - redis0.cpu) * 1000) / Math.max(1, pairs),
    replicaCpuMsPerPair: replicas.length ? (replicaCpuS * 1000) / Math.max(1, pairs) : NaN,
    pairLatency: summarize(phase.pairMs), joinLatency: summarize(phase.joinMs), leaveLatency: summarize(phase.leaveMs),
    othersCores,
  };

  // Steady rate: a pair (join, then its leave) started every 1/rate s whatever the earlier ones do,
  // the regime users live in (nobody queues behind 15 other loops).
  phase = tally();
  await settle([target]);
  const steadyApi = new Api(target.base, serverToken, 64);
  const count = cfg.steadyRate * cfg.steadySeconds;
  const steadyCpu0 = cpuOf();
  const steadyOthers = othersCpu(replicas);
  const s0 = nowMs();
  const inflight = [];
  for (let i = 0; i < count; i++) {
    const wait = s0 + (i * 1000) / cfg.steadyRate - nowMs();
    if (wait > 1) await sleep(wait);
    inflight.push(pair(steadyApi, `jl-s-${i}`, phase));
  }
  await Promise.all(inflight);
  const steadyCpu = cpuOf() - steadyCpu0;
  steadyApi.close();
  result.steady = {
    rate: cfg.steadyRate, seconds: cfg.steadySeconds, started: count, pairs: phase.pairs, failed: phase.failed,
    elapsedS: (nowMs() - s0) / 1000, cpuMsPerPair: (steadyCpu * 1000) / Math.max(1, phase.pairs), othersCores: steadyOthers(),
    pairLatency: summarize(phase.pairMs), joinLatency: summarize(phase.joinMs), leaveLatency: summarize(phase.leaveMs),
  };
  result.errors = statuses;
  result.errorSamples = samples;
  result.ceiling = ceiling ? await redisBenchmarkJoin(kind, cfg.redisBenchmarkRequests) : null;
  const pq = (l) => `p50 ${fmtMs(l.p50)} p99 ${fmtMs(l.p99)} ms`;
  log(`  ${target.kind}-${target.name}: ${fmtInt(result.pairsPerSec)} pairs/s (${pairs} in ${elapsedS.toFixed(1)} s, ${result.cpuMsPerPair.toFixed(2)} server-CPU-ms/pair, `
    + `${result.redisScriptsPerPair.toFixed(1)} redis scripts, ${result.redisWaitsPerPair.toFixed(1)} WAITs and ${result.redisCommandsPerPair.toFixed(1)} cmds/pair); `
    + `join ${pq(result.joinLatency)}, leave ${pq(result.leaveLatency)}; at ${cfg.steadyRate}/s: ${result.steady.pairs}/${count} pairs, `
    + `join ${pq(result.steady.joinLatency)}, leave ${pq(result.steady.leaveLatency)}; other processes on the machine used `
    + `${result.othersCores.toFixed(2)} cores during the measured run, ${result.steady.othersCores.toFixed(2)} during the steady one`
    + (result.ceiling ? `; redis-benchmark EVALSHA join ${fmtInt(result.ceiling.rps)}/s` : ''));
  if (Object.keys(statuses).length) problems.push(`${where}: failures ${JSON.stringify(statuses)} ${samples.join('; ')}`);
  if (pairs === 0) problems.push(`${where}: no pair completed`);
  return result;
}

/**
 * Scenario 3 once more (--replica-acks=N): N replicas of the benchmark's Redis, then a bridge instance of
 * its own with --bridge.redis.replica-acks=N (each change on a pooled connection of its own, followed by
 * WAIT N on it). It gets the same REST warm-up as every server, then the same load. The instance and the
 * replicas are stopped afterwards, so nothing later in the run replicates.
 */
async function replicaAcksJoinLeave() {
  const replicas = [];
  const where = `3 join/leave bridge with replica-acks=${replicaAcks}`;
  try {
    for (let i = 0; i < replicaAcks; i++) {
      const replica = await startReplica(state.redis, outDir, i);
      replicas.push(replica);
      log(`  redis replica ${i + 1} on port ${replica.port}: master_link_status:up after ${replica.startMs} ms (pid ${replica.pid})`);
    }
    const linked = await connectedReplicas(state.redis.client);
    if (linked < replicaAcks) throw new Error(`the benchmark's Redis counts ${linked} connected replicas, not ${replicaAcks}`);
    const target = await server('bridge', ACKS_INSTANCE);
    await warmRest(target, 'w0r', SIZES.restWarmup, ACKS);
    const r = await joinLeaveScenario('bridge', target, 's3r', SIZES.joinLeave, { ceiling: false, replicas, where });
    r.replicas = replicas.length;
    r.ackTimeouts = await metric(target, 'bridge_redis_replica_ack_timeouts_total');
    // Two changes per pair (join, leave), each followed by one WAIT: fewer means the jar ignored the option.
    if (!(r.redisWaitsPerPair >= 1.9)) {
      problems.push(`${where}: ${r.redisWaitsPerPair.toFixed(2)} WAITs per pair, not 2 (one after the join, one after the leave): `
        + 'does this jar know bridge.redis.replica-acks?');
    }
    if (r.ackTimeouts > 0) problems.push(`${where}: ${r.ackTimeouts} changes refused because the replica did not acknowledge in time`);
    return r;
  } finally {
    await stop('bridge', ACKS_INSTANCE);
    for (const replica of replicas) {
      await replica.client.quit().catch(() => {});
      await stopServer(replica);
    }
  }
}

/** The same join script the server runs, called by redis-benchmark with a new participant each time. */
async function redisBenchmarkJoin(kind, requests) {
  const client = state.redis.client;
  const meeting = `rb-${kind}`;
  const ts = new Date().toISOString();
  const participant = `{"id":"p","displayName":"Redis Benchmark","joinedAt":"${ts}"}`;
  let source;
  let keys;
  let args;
  if (kind === 'bridge') {
    const dir = path.join(rootDir, 'src', 'main', 'resources', 'redis');
    const prelude = readFileSync(path.join(dir, 'meeting-prelude.lua'), 'utf8').replace('__PUBLISH__', 'PUBLISH');
    source = `${prelude}\nlocal function change()\n${readFileSync(path.join(dir, 'join.lua'), 'utf8')}\nend\nlocal result = change()\nreturn { result, EMITTED }\n`;
    // The keys and arguments of MeetingScripts.run (see meeting-prelude.lua): the seventh key is the
    // request's idempotency record, which nothing writes without an Idempotency-Key; after join.lua's
    // own arguments (participant id, participant JSON, STOMP session bound: none over REST) come the
    // fingerprint (none), how long a record is kept, and the deadline (Redis time in ms: far ahead).
    const tagged = `bridge:{m:${meeting}}:`;
    keys = ['meeting', 'participants', 'connections', 'connection-info', 'history', 'presence', 'idempotency:-'].map((k) => tagged + k);
    args = [meeting, `${tagged}events`, '1000', ts, '__rand_int__', participant, '', '', '86400000', String(Date.now() + 24 * 3600_000)];
  } else {
    source = PEER_SCRIPTS.join;
    const tagged = `peer:{m:${meeting}}:`;
    keys = ['meeting', 'participants', 'connections', 'history'].map((k) => tagged + k);
    args = [meeting, '1000', ts, '__rand_int__', participant];
  }
  await client.hset(keys[0], 'status', 'active', 'seq', '0');
  const sha = await client.script('LOAD', source);
  const output = await new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(state.redis.port), '-c', '16', '-n', String(requests),
      '-r', '1000000000', '--csv', 'EVALSHA', sha, String(keys.length), ...keys, ...args]);
    let text = '';
    child.stdout.on('data', (d) => { text += d; });
    child.stderr.on('data', (d) => { text += d; });
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`redis-benchmark exited ${code}: ${text}`))));
  });
  // The test name holds the arguments (commas included): the seven figures are the last fields.
  const line = output.trim().split('\n').find((l) => l.startsWith('"EVALSHA'));
  const fields = line ? line.split('","') : [];
  const rps = fields.length >= 8 ? Number(fields[fields.length - 7].replace(/"/g, '')) : NaN;
  const members = await client.hlen(keys[1]);
  await client.del(...keys);
  if (!(rps > 0)) problems.push(`3 redis-benchmark ${kind}: no rate in its output: ${output.slice(0, 300)}`);
  return { rps, pairsCeiling: rps / 2, membersAdded: members };
}

/** Scenario 4: idle sessions, each subscribed to its meeting's six topics. */
async function idleScenario(kind, target, label, cfg) {
  const meetings = Math.ceil(cfg.sessions / cfg.perMeeting);
  const api = new Api(target.base, serverToken, 16);
  await forEachLimited(meetings, 16, (m) => api.expect([201], 'POST', '/api/meetings', { meetingId: `${label}-${m}` }));
  api.close();
  await settle([target]);
  const before = { ...(await heapAfterGc(target)), rss: rssBytes(target.pid), gc: gcCounts(target) };
  const specs = Array.from({ length: cfg.sessions }, (_, i) => ({
    id: `${label}-${i}`, url: target.ws, meetingId: `${label}-${Math.floor(i / cfg.perMeeting)}`, token: serverToken,
  }));
  const t0 = nowMs();
  const opened = await openSubscribers({ kind, specs, workers: cfg.workers, types: ALL_TYPES, deflate, label, concurrency: 50, deadlineMs: cfg.deadlineMs });
  const connectWallS = (nowMs() - t0) / 1000;
  try {
    if (opened.failed) problems.push(`4 idle ${kind}: ${opened.failed} of ${cfg.sessions} sessions failed: ${opened.errors.join('; ')}`);
    await sleep(smoke ? 500 : 3000);
    const gc = gcCounts(target);
    const after = { ...(await heapAfterGc(target)), rss: rssBytes(target.pid) };
    const result = {
      sessions: opened.opened, meetings, connectWallS, connect: summarize(opened.connectMs),
      heapBefore: before.heapUsed, heapAfter: after.heapUsed, heapCommitted: after.heapCommitted,
      rssBefore: before.rss, rssAfter: after.rss,
      heapPerSessionKiB: (after.heapUsed - before.heapUsed) / 1024 / Math.max(1, opened.opened),
      failed: opened.failed,
      fullGcs: gc && before.gc ? gc.fullGcs - before.gc.fullGcs : NaN,
      gcSeconds: gc && before.gc ? gc.seconds - before.gc.seconds : NaN,
      javaOpts: kind === 'bridge' ? (SIZES.idle.fresh ? idleJavaOpts : bridgeJavaOpts).join(' ') : '',
      rssPerSessionKiB: (after.rss - before.rss) / 1024 / Math.max(1, opened.opened),
    };
    log(`  ${kind}: ${opened.opened} sessions (${opened.failed} failed) in ${connectWallS.toFixed(1)} s; ${Number.isFinite(result.fullGcs) ? `${result.fullGcs} full GCs, ${result.gcSeconds.toFixed(1)} s in GC; ` : ''}heap after GC ${fmtMiB(result.heapBefore)} -> ${fmtMiB(result.heapAfter)} MiB `
      + `(${result.heapPerSessionKiB.toFixed(1)} KiB/session), RSS ${fmtMiB(result.rssBefore)} -> ${fmtMiB(result.rssAfter)} MiB`);
    return result;
  } finally {
    await closeWorkers(opened.workers);
  }
}

// ---------------------------------------------------------------------------------------------
// Scenario 7: REST alone

// The fresh instance (bridge: same jar and JVM options; peer: a new process) whose warm-up scenario 7 measures.
const FRESH = 'fresh7';
const FRESH_AOT = 'fresh7aot';
const REST_KINDS = ['tokens', 'joinLeave', 'chat'];

/** Requests that completed in one window: how many, how many failed (and how), each one's latency. */
function restTally() {
  return { ok: 0, failed: 0, ms: [], statuses: {}, samples: [] };
}

function countRequest(tally, ok, ms, res) {
  if (ok) {
    tally.ok++;
    tally.ms.push(ms);
    return;
  }
  tally.failed++;
  tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
  if (tally.samples.length < 3) tally.samples.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
}

/** One request, timed from before it to its whole answer; reports it to done(ok, ms, res) and returns ok. */
async function timedRequest(done, status, request, valid = () => true) {
  const t = nowMs();
  let res;
  try {
    res = await request();
  } catch (error) {
    res = { status: 'error', body: error.message };
  }
  const ok = res.status === status && valid(res.body);
  done(ok, nowMs() - t, res);
  return ok;
}

/**
 * The three request kinds of scenario 7, each `{ requests, run(client, done, gapMs) }`: run sends one
 * unit (a token, a join + leave pair, a chat message) and reports every request to done. The meetings
 * are made through `target`; they live in Redis, so the units work against any instance of the same
 * kind (the fresh one's first request is then a measured chat).
 */
async function restRequests(target, label) {
  const chat = await setupChat(target, label, 16, 0);
  const meeting = `${label}-jl`;
  const api = new Api(target.base, serverToken);
  await api.expect([201], 'POST', '/api/meetings', { meetingId: meeting });
  api.close();
  const chatPath = `/api/meetings/${chat.src}/connections/${chat.connectionId}/chat-messages`;
  let participants = 0;
  let chats = 0;
  return {
    // Authenticated (HS256 verified), no Redis: what the request path alone costs.
    tokens: {
      requests: 1,
      run: (client, done) => timedRequest(done, 201, () => client.request('POST', '/api/tokens', { participantId: 'p1' }),
        (body) => typeof body?.token === 'string'),
    },
    // gapMs: the leave is sent no earlier than that after the join was, so that at a steady rate the
    // requests are evenly spaced (each a lone request), not in twos.
    joinLeave: {
      requests: 2,
      run: async (client, done, gapMs = 0) => {
        const p = `p7-${participants++}`;
        const t = nowMs();
        const joined = await timedRequest(done, 201, () => client.request('POST', `/api/meetings/${meeting}/participants`,
          { displayName: `P ${p}`, participantId: p }));
        if (!joined) return;
        const wait = t + gapMs - nowMs();
        if (wait > 1) await sleep(wait);
        await timedRequest(done, 204, () => client.request('DELETE', `/api/meetings/${meeting}/participants/${p}`));
      },
    },
    // As row 0: a server token sending for one of 16 participants, to a meeting nobody follows.
    chat: {
      requests: 1,
      run: (client, done) => {
        const i = chats++;
        return timedRequest(done, 201, () => client.request('POST', chatPath,
          { message: chatText(label, i, SIZES.textLength), senderId: `sender-${i % chat.senders}` }));
      },
    },
  };
}

/** A window's figures: requests completed in it, per second, the server's CPU per request, latency. */
function windowFigures(tally, cpuS, seconds) {
  const completed = tally.ok + tally.failed;
  return {
    requests: completed, failed: tally.failed, seconds, perSec: completed / seconds, cpuSeconds: cpuS,
    cpuUsPerRequest: completed ? (cpuS * 1e6) / completed : NaN, latency: summarize(tally.ms),
  };
}

/**
 * `concurrency` keep-alive loops sending units back to back, without a pause, through consecutive
 * windows of the given lengths: at each boundary the server's CPU (utime + stime) is read and the tally
 * swapped, so a request counts in the window it completes in (those in flight at an edge even out over
 * thousands). Returns each window's figures and every failure of the run (the tail after the last
 * window included).
 */
async function closedLoops(target, unit, concurrency, windows) {
  const api = new Api(target.base, serverToken, concurrency);
  const failures = restTally();
  let tally = restTally();
  const done = (ok, ms, res) => {
    countRequest(tally, ok, ms, res);
    if (!ok) countRequest(failures, ok, ms, res);
  };
  let running = true;
  const lanes = Array.from({ length: concurrency }, async () => {
    while (running) await unit.run(api, done);
  });
  const figures = [];
  const start = nowMs();
  let end = start;
  let cpu0 = cpuSeconds(target.pid);
  let t0 = start;
  for (const seconds of windows) {
    end += seconds * 1000;
    await sleep(Math.max(0, end - nowMs()));
    const cpu1 = cpuSeconds(target.pid);
    const t1 = nowMs();
    figures.push(windowFigures(tally, cpu1 - cpu0, (t1 - t0) / 1000));
    tally = restTally();
    cpu0 = cpu1;
    t0 = t1;
  }
  running = false;
  await Promise.all(lanes);
  api.close();
  return { windows: figures, failures };
}

/**
 * `rate` requests a second for `seconds`, open loop (each unit started on time whatever the earlier ones
 * do): the regime users live in, where a request arrives alone. The CPU is everything the server used
 * from the first request until the last answer, idle work included.
 */
async function openLoop(target, unit, rate, seconds) {
  const api = new Api(target.base, serverToken, 64);
  const tally = restTally();
  const done = (ok, ms, res) => countRequest(tally, ok, ms, res);
  const spacingMs = 1000 / rate;
  const units = Math.max(1, Math.round((rate * seconds) / unit.requests));
  const inflight = [];
  const cpu0 = cpuSeconds(target.pid);
  const t0 = nowMs();
  for (let i = 0; i < units; i++) {
    const wait = t0 + i * unit.requests * spacingMs - nowMs();
    if (wait > 1) await sleep(wait);
    inflight.push(unit.run(api, done, spacingMs));
  }
  await Promise.all(inflight);
  const figures = windowFigures(tally, cpuSeconds(target.pid) - cpu0, (nowMs() - t0) / 1000);
  api.close();
  return { ...figures, failures: tally };
}

/** The server's CPU with no load at all, in ms per second: part of every steady-rate figure (not subtracted). */
async function idleCpuMsPerS(target, seconds) {
  const cpu0 = cpuSeconds(target.pid);
  const t0 = nowMs();
  await sleep(seconds * 1000);
  return ((cpuSeconds(target.pid) - cpu0) * 1000) / ((nowMs() - t0) / 1000);
}

function mergeFailures(into, from) {
  into.failed += from.failed;
  for (const [status, n] of Object.entries(from.statuses)) into.statuses[status] = (into.statuses[status] ?? 0) + n;
  into.samples.push(...from.samples.slice(0, Math.max(0, 3 - into.samples.length)));
}

/** One request kind on a warm instance: saturation (after an unmeasured warm-up), then the steady rate. */
async function restKind(target, unit, cfg, failures) {
  await settle([target]);
  const loops = await closedLoops(target, unit, cfg.concurrency, [cfg.warmupSeconds, cfg.seconds]);
  mergeFailures(failures, loops.failures);
  const saturation = { ...loops.windows[1], failedAnyPhase: loops.failures.failed };
  // Quiet first, and for quietSeconds more: after a burst the JVM collects and compiles on for
  // seconds, work of the burst that a steady rate users live in does not carry. Then what idling
  // costs, right before.
  await settle([target]);
  await sleep(cfg.quietSeconds * 1000);
  const idle = await idleCpuMsPerS(target, cfg.idleSeconds);
  const { failures: steadyFailures, ...steady } = await openLoop(target, unit, cfg.rate, cfg.steadySeconds);
  mergeFailures(failures, steadyFailures);
  return { saturation, steady: { ...steady, rate: cfg.rate, idleCpuMsPerS: idle } };
}

/**
 * A fresh instance (the bridge: the same jar and JVM options; the peer: a new process) gets chat at
 * saturation from its first request on, its CPU per chat read in consecutive windows: how long a new
 * instance takes to reach the warm cost (`warmUs`, the warm instance's chat at saturation).
 */
async function freshWarmup(kind, chat, cfg, warmUs, failures, name = FRESH) {
  const target = await server(kind, name);
  try {
    // Whatever the start-up left running (class loading, compiling it) is not the request path's.
    await settle([target]);
    const loops = await closedLoops(target, chat, cfg.concurrency, Array(cfg.windows).fill(cfg.windowSeconds));
    mergeFailures(failures, loops.failures);
    const windows = loops.windows.map((w, i) => ({ ...w, fromS: i * cfg.windowSeconds, xWarm: w.cpuUsPerRequest / warmUs }));
    // The first window from which every later one is within 2x of the warm cost.
    let within2x = windows.length;
    while (within2x > 0 && windows[within2x - 1].xWarm <= 2) within2x--;
    const after10 = windows.filter((w) => w.fromS >= 10).map((w) => w.xWarm);
    return {
      startMs: target.startMs, windowSeconds: cfg.windowSeconds, windows, warmUs,
      within2xFromS: within2x < windows.length ? windows[within2x].fromS : null,
      worstXWarmFrom10s: after10.length ? Math.max(...after10) : NaN,
    };
  } finally {
    await stop(kind, name);
  }
}

/**
 * The bridge as the Docker image runs it: the jar extracted (java -Djarmode=tools ... extract) and the
 * JVM's ahead-of-time cache trained on it by scripts/aot-cache.sh (its own Redis, the REST workload of
 * scripts/aot-train.mjs), with the run's JVM options. Registers the FRESH_AOT instance to run with both.
 */
async function trainAotCache() {
  const dir = path.join(outDir, 'aot-app');
  const java = path.join(javaHome, 'bin', 'java');
  execFileSync(java, ['-Djarmode=tools', '-jar', jarPath(rootDir), 'extract', '--force',
    '--application-filename', 'meeting-bridge.jar', '--destination', dir], { stdio: 'ignore' });
  const cache = path.join(dir, 'meeting-bridge.aot');
  const logFile = path.join(outDir, 'aot-cache.log');
  const started = nowMs();
  const code = await new Promise((resolve) => {
    const out = openSync(logFile, 'a');
    spawn('bash', [path.join(rootDir, 'scripts', 'aot-cache.sh'), dir, cache, String(SIZES.aotTrainSeconds)], {
      stdio: ['ignore', out, out],
      env: { ...process.env, JAVA_HOME: javaHome, AOT_TRAIN_JAVA_OPTS: bridgeJavaOpts.join(' ') },
    }).on('exit', resolve);
  });
  if (code !== 0 || !existsSync(cache)) throw new Error(`scripts/aot-cache.sh failed (exit ${code}): see ${logFile}`);
  instanceLaunch[FRESH_AOT] = { jar: path.join(dir, 'meeting-bridge.jar'), javaOpts: [...bridgeJavaOpts, `-XX:AOTCache=${cache}`] };
  return { trainSeconds: SIZES.aotTrainSeconds, ms: Math.round(nowMs() - started), bytes: statSync(cache).size };
}

/** Scenario 7: REST alone, each request kind at saturation and at a steady rate, then a fresh instance's warm-up. */
async function restScenario(kind, cfg) {
  const target = await server(kind, 'A');
  const units = await restRequests(target, `s7${kind[0]}`);
  const failures = restTally();
  const result = {};
  const us = (v) => (Number.isFinite(v) ? v.toFixed(0) : '-');
  for (const k of REST_KINDS) {
    const r = await restKind(target, units[k], cfg, failures);
    result[k] = r;
    log(`  ${kind} ${k}: ${cfg.concurrency} concurrent ${fmtInt(r.saturation.perSec)} requests/s, ${us(r.saturation.cpuUsPerRequest)} server-CPU-µs each, `
      + `p50 ${fmtMs(r.saturation.latency.p50)} p99 ${fmtMs(r.saturation.latency.p99)} ms; at ${cfg.rate}/s ${us(r.steady.cpuUsPerRequest)} µs each `
      + `(idle before: ${r.steady.idleCpuMsPerS.toFixed(2)} ms/s), p50 ${fmtMs(r.steady.latency.p50)} p99 ${fmtMs(r.steady.latency.p99)} ms`);
  }
  result.fresh = await freshWarmup(kind, units.chat, cfg, result.chat.saturation.cpuUsPerRequest, failures);
  log(`  ${kind} fresh instance (ready in ${result.fresh.startMs} ms), server CPU µs per chat per ${cfg.windowSeconds} s: `
    + `${result.fresh.windows.map((w) => us(w.cpuUsPerRequest)).join(', ')} (warm: ${us(result.fresh.warmUs)})`);
  // A training that fails is a problem of its own: the figures above are kept.
  const training = (kind === 'bridge' && aotCache)
    ? await trainAotCache().catch((error) => { problems.push(`7 rest bridge: ${error.message}`); return null; })
    : null;
  if (training) {
    result.aotTraining = training;
    log(`  bridge AOT cache trained for ${result.aotTraining.trainSeconds} s in ${fmtInt(result.aotTraining.ms)} ms `
      + `(${(result.aotTraining.bytes / 2 ** 20).toFixed(0)} MiB)`);
    result.freshAot = await freshWarmup(kind, units.chat, cfg, result.chat.saturation.cpuUsPerRequest, failures, FRESH_AOT);
    log(`  bridge fresh instance with the AOT cache (ready in ${result.freshAot.startMs} ms), server CPU µs per chat per `
      + `${cfg.windowSeconds} s: ${result.freshAot.windows.map((w) => us(w.cpuUsPerRequest)).join(', ')}`);
  }
  result.failed = failures.failed;
  if (failures.failed) problems.push(`7 REST alone ${kind}: ${failures.failed} failed requests ${JSON.stringify(failures.statuses)} ${failures.samples.join('; ')}`);
  const empty = REST_KINDS.filter((k) => !(result[k].saturation.requests > 0 && result[k].steady.requests > 0));
  if (empty.length) problems.push(`7 REST alone ${kind}: no request completed in a measured window of ${empty.join(', ')}`);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

function machine() {
  const first = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim().split('\n')[0];
    } catch (error) {
      return (error.stderr?.toString() ?? '').trim().split('\n')[0] || 'unknown';
    }
  };
  const javaOut = spawnSync(path.join(javaHome, 'bin', 'java'), ['-version'], { encoding: 'utf8' });
  const jdk = `${javaOut.stderr ?? ''}${javaOut.stdout ?? ''}`.trim().split('\n').slice(0, 2).join(' / ') || 'unknown';
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['-C', rootDir, 'rev-parse', '--short', 'HEAD']).toString().trim();
    const dirty = execFileSync('git', ['-C', rootDir, 'status', '--porcelain', '--', 'src', 'pom.xml']).toString().trim();
    if (dirty) commit += ' (with uncommitted changes to src/pom.xml)';
  } catch { /* not a checkout */ }
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    jdk,
    node: process.version,
    redis: first('redis-server', ['--version']),
    kernel: `${os.type()} ${os.release()}`,
    commit,
    jar: (() => {
      const jar = jarPath(rootDir);
      return jar ? { path: jar, built: `${statSync(jar).mtime.toISOString().replace('T', ' ').slice(0, 16)} UTC` } : { path: 'missing', built: '-' };
    })(),
  };
}

function ratio(b, p) {
  if (!Number.isFinite(b) || !Number.isFinite(p) || p === 0) return '-';
  return `${(b / p).toFixed(2)}x`;
}

const lat = (l) => (l ? `${fmtMs(l.p50)} / ${fmtMs(l.p99)} / ${fmtMs(l.max)}` : '-');
const pq = (l) => (l && l.count ? `${fmtMs(l.p50)} / ${fmtMs(l.p99)}` : '-');
const othersFmt = (r) => (Number.isFinite(r.othersCores) ? `${r.othersCores.toFixed(2)} / ${r.steady?.othersCores?.toFixed(2) ?? '-'}` : '-');

/**
 * --replica-acks: scenario 3's bridge without and with bridge.redis.replica-acks, side by side (the
 * peer has no such option), with what turning it on adds per pair or per request.
 */
function replicaAcksTable() {
  const base = results.joinLeave?.bridge;
  const acks = results.joinLeave?.[ACKS];
  if (!base || !acks) return '';
  const s = SIZES.joinLeave;
  const n = replicaAcks;
  const header = ['scenario', 'metric', 'replica-acks=0 (no replica)', `replica-acks=${n} (${n} replica${n > 1 ? 's' : ''})`, `difference (${n} - 0)`, `${n} / 0`];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  let first = `3 join+leave over REST, ${s.concurrency} concurrent, ${s.seconds} s, one instance; with bridge.redis.replica-acks=${n}: WAIT ${n} after every change`;
  const signed = (d, f) => (Number.isFinite(d) ? `${d >= 0 ? '+' : '-'}${f(Math.abs(d))}` : '-');
  const rel = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? `${(b / a).toFixed(2)}x` : '-');
  const add = (metric, cells) => {
    lines.push(`| ${first} | ${metric} | ${cells.join(' | ')} |`);
    first = '';
  };
  // One figure per mode, or (latency) p50 / p99 each with its own difference and ratio.
  const one = (metric, v, f) => add(metric, [f(v(base)), f(v(acks)), signed(v(acks) - v(base), f), rel(v(base), v(acks))]);
  const lat2 = (metric, l) => {
    const a = l(base);
    const b = l(acks);
    if (!a?.count || !b?.count) return add(metric, [pq(a), pq(b), '-', '-']);
    add(metric, [pq(a), pq(b), `${signed(b.p50 - a.p50, fmtMs)} / ${signed(b.p99 - a.p99, fmtMs)}`, `${rel(a.p50, b.p50)} / ${rel(a.p99, b.p99)}`]);
  };
  const two = (v) => v.toFixed(2);
  one('pairs/s', (r) => r.pairsPerSec, fmtInt);
  one('server CPU ms per pair', (r) => r.cpuMsPerPair, two);
  lat2('join latency p50 / p99 ms', (r) => r.joinLatency);
  lat2('leave latency p50 / p99 ms', (r) => r.leaveLatency);
  lat2(`at a steady ${s.steadyRate} pairs/s for ${s.steadySeconds} s: join latency p50 / p99 ms`, (r) => r.steady?.joinLatency);
  lat2(`at a steady ${s.steadyRate} pairs/s for ${s.steadySeconds} s: leave latency p50 / p99 ms`, (r) => r.steady?.leaveLatency);
  one('Redis commands per pair (WAIT included)', (r) => r.redisCommandsPerPair, (v) => v.toFixed(1));
  one('Redis WAITs per pair', (r) => r.redisWaitsPerPair, (v) => v.toFixed(1));
  one('Redis CPU ms per pair: the master', (r) => r.redisCpuMsPerPair, (v) => v.toFixed(3));
  add('Redis CPU ms per pair: the replicas', ['-', Number.isFinite(acks.replicaCpuMsPerPair) ? acks.replicaCpuMsPerPair.toFixed(3) : '-', '-', '-']);
  const chat0 = results.restChat?.bridge;
  const chat1 = results.restChat?.[ACKS];
  if (chat0 && chat1) {
    const m = fmtInt(SIZES.restWarmup / 2);
    add(`REST chat (row 0: ${m} messages, 16 concurrent, after as many): messages/s`, [fmtInt(chat0.perSec), fmtInt(chat1.perSec), signed(chat1.perSec - chat0.perSec, fmtInt), rel(chat0.perSec, chat1.perSec)]);
    add('REST chat: server CPU ms per message', [two(chat0.cpuMsPerMessage), two(chat1.cpuMsPerMessage), signed(chat1.cpuMsPerMessage - chat0.cpuMsPerMessage, two), rel(chat0.cpuMsPerMessage, chat1.cpuMsPerMessage)]);
  }
  const failures = (r) => Object.values(r.errors ?? {}).reduce((x, y) => x + y, 0);
  add('CPU other tenants of the machine used meanwhile, cores (16 concurrent / steady rate)', [othersFmt(base), othersFmt(acks), '-', '-']);
  add('failed pairs (any phase) / refused for want of acks (503)', [`${failures(base)} / -`, `${failures(acks)} / ${Number.isFinite(acks.ackTimeouts) ? acks.ackTimeouts : '?'}`, '-', '-']);
  return lines.join('\n');
}

function tableRows() {
  const rows = [];
  const get = (scenario, kind) => results[scenario]?.[kind];
  let key = null;
  const add = (scenario, name, fb, fp, vb, vp, target = '') => rows.push([scenario, name, fb, fp, ratio(vb, vp), target]);
  const both = (scenario, name, f, v, target, bridgeKind = 'bridge') => {
    const b = get(key, bridgeKind);
    const p = get(key, 'peer');
    if (bridgeKind !== 'bridge' && !b) return;
    add(scenario, name, b ? f(b) : '-', p ? f(p) : '-', b ? v(b) : NaN, p ? v(p) : NaN, target);
  };
  const BUNDLED = 'bridge-bundled';
  const fanoutMs = (r) => (r.fanout && r.fanout.count ? `${fmtMs(r.fanout.p50)} / ${fmtMs(r.fanout.p99)}` : '-');
  const s1 = SIZES.fanout;
  if (results.restChat) {
    key = 'restChat';
    const name = `0 REST chat before the scenarios: ${fmtInt(SIZES.restWarmup / 2)} messages, 16 concurrent, after as many`;
    both(name, 'messages/s', (r) => fmtInt(r.perSec), (r) => r.perSec);
    both(name, 'server CPU ms per message', (r) => r.cpuMsPerMessage.toFixed(2), (r) => r.cpuMsPerMessage);
  }
  if (results.fanout) {
    key = 'fanout';
    const name = `1 fan-out: 1 meeting, ${fmtInt(s1.subscribers)} subs, ${fmtInt(s1.messages)} msgs, ${s1.senders} HTTP senders`;
    both(name, 'deliveries/s', (r) => fmtInt(r.deliveriesPerSec), (r) => r.deliveriesPerSec, 'bridge >= 1.5x peer');
    both(name, 'deliveries per server CPU s', (r) => fmtInt(r.deliveriesPerCpuSec), (r) => r.deliveriesPerCpuSec, 'bridge >= 1.5x peer');
    both(name, 'latency p50 / p99 / max ms', (r) => lat(r.latency), (r) => r.latency.p99);
    both(name, 'lost / expected', (r) => `${fmtInt(r.lost)} / ${fmtInt(r.expected)}`, () => NaN, 'none lost');
    both(name, 'load-client CPU s (subscribers) / server CPU s', (r) => `${r.clientCpuSeconds.toFixed(1)} / ${r.serverCpuSeconds.toFixed(1)}`, (r) => r.serverCpuSeconds);
    both(name, 'with meeting-bridge.js subscribers: deliveries/s', (r) => fmtInt(r.deliveriesPerSec), (r) => r.deliveriesPerSec, '', BUNDLED);
    both(name, 'with meeting-bridge.js subscribers: deliveries per server CPU s', (r) => fmtInt(r.deliveriesPerCpuSec), (r) => r.deliveriesPerCpuSec, 'bridge >= 1.5x peer', BUNDLED);
    both(name, 'with meeting-bridge.js subscribers: lost / expected', (r) => `${fmtInt(r.lost)} / ${fmtInt(r.expected)}`, () => NaN, 'none lost', BUNDLED);
    both(name, 'load-client CPU µs per delivery: stompjs (bridge), socket.io-client (peer)', (r) => r.clientCpuMicrosPerDelivery.toFixed(1), (r) => r.clientCpuMicrosPerDelivery);
    both(name, 'load-client CPU µs per delivery: meeting-bridge.js (bridge), socket.io-client (peer)', (r) => r.clientCpuMicrosPerDelivery.toFixed(1), (r) => r.clientCpuMicrosPerDelivery, 'bridge < peer', BUNDLED);
  }
  if (results.steady) {
    key = 'steady';
    const s = SIZES.steady;
    const name = `2 steady: ${s.rate} msg/s x ${s.seconds} s to ${fmtInt(s.subscribers)} subs (${fmtInt(s.rate * s.subscribers)} deliveries/s)`;
    both(name, 'deliveries per server CPU s', (r) => fmtInt(r.deliveriesPerCpuSec), (r) => r.deliveriesPerCpuSec, 'bridge >= 1.5x peer');
    both(name, 'server CPU µs per delivery', (r) => r.serverCpuMicrosPerDelivery.toFixed(1), (r) => r.serverCpuMicrosPerDelivery);
    both(name, 'latency p50 / p99 / max ms', (r) => lat(r.latency), (r) => r.latency.p99, 'bridge p99 <= peer');
    both(name, 'server-side fan-out p50 / p99 ms (bridge: bucket bounds)', fanoutMs, (r) => r.fanout?.p99 ?? NaN, 'bridge p99 < 5 ms');
    both(name, 'lost / expected', (r) => `${fmtInt(r.lost)} / ${fmtInt(r.expected)}`, () => NaN, 'none lost');
    both(name, 'load-client CPU µs per delivery: stompjs (bridge), socket.io-client (peer)', (r) => r.clientCpuMicrosPerDelivery.toFixed(1), (r) => r.clientCpuMicrosPerDelivery);
    both(name, 'with meeting-bridge.js subscribers: deliveries per server CPU s', (r) => fmtInt(r.deliveriesPerCpuSec), (r) => r.deliveriesPerCpuSec, 'bridge >= 1.5x peer', BUNDLED);
    both(name, 'with meeting-bridge.js subscribers: server CPU µs per delivery', (r) => r.serverCpuMicrosPerDelivery.toFixed(1), (r) => r.serverCpuMicrosPerDelivery, '', BUNDLED);
    both(name, 'with meeting-bridge.js subscribers: latency p50 / p99 / max ms', (r) => lat(r.latency), (r) => r.latency.p99, 'bridge p99 <= peer', BUNDLED);
    both(name, 'with meeting-bridge.js subscribers: server-side fan-out p50 / p99 ms', fanoutMs, (r) => r.fanout?.p99 ?? NaN, 'bridge p99 < 5 ms', BUNDLED);
    both(name, 'with meeting-bridge.js subscribers: lost / expected', (r) => `${fmtInt(r.lost)} / ${fmtInt(r.expected)}`, () => NaN, 'none lost', BUNDLED);
    both(name, 'load-client CPU µs per delivery: meeting-bridge.js (bridge), socket.io-client (peer)', (r) => r.clientCpuMicrosPerDelivery.toFixed(1), (r) => r.clientCpuMicrosPerDelivery, 'bridge < peer', BUNDLED);
  }
  if (results.joinLeave) {
    key = 'joinLeave';
    const s = SIZES.joinLeave;
    const name = `3 join+leave over REST, ${s.concurrency} concurrent, ${s.seconds} s, one instance`;
    both(name, 'pairs/s', (r) => fmtInt(r.pairsPerSec), (r) => r.pairsPerSec, 'bridge >= 5,000 pairs/s');
    both(name, 'server CPU ms per pair', (r) => r.cpuMsPerPair.toFixed(2), (r) => r.cpuMsPerPair);
    both(name, 'Redis commands per pair', (r) => r.redisCommandsPerPair.toFixed(1), (r) => r.redisCommandsPerPair);
    both(name, 'ceiling: redis-benchmark EVALSHA of its join script, calls/s (pairs = /2)', (r) => fmtInt(r.ceiling?.rps), (r) => r.ceiling?.rps);
    both(name, 'join latency p50 / p99 ms', (r) => pq(r.joinLatency), (r) => r.joinLatency?.p99);
    both(name, 'leave latency p50 / p99 ms', (r) => pq(r.leaveLatency), (r) => r.leaveLatency?.p99);
    both(name, `at a steady ${s.steadyRate} pairs/s for ${s.steadySeconds} s: join latency p50 / p99 ms`, (r) => pq(r.steady?.joinLatency), (r) => r.steady?.joinLatency.p99);
    both(name, `at a steady ${s.steadyRate} pairs/s for ${s.steadySeconds} s: leave latency p50 / p99 ms`, (r) => pq(r.steady?.leaveLatency), (r) => r.steady?.leaveLatency.p99);
    both(name, 'CPU other tenants of the machine used meanwhile, cores (16 concurrent / steady rate)', othersFmt, () => NaN);
  }
  if (results.idle) {
    key = 'idle';
    const s = SIZES.idle;
    const name = `4 idle: ${fmtInt(s.sessions)} sessions on one instance, each subscribed to its meeting (${s.perMeeting}/meeting)`;
    both(name, 'heap after GC, MiB (before -> with sessions)', (r) => `${fmtMiB(r.heapBefore)} -> ${fmtMiB(r.heapAfter)}`, (r) => r.heapAfter, 'bridge < 512 MiB');
    both(name, 'heap per session, KiB', (r) => r.heapPerSessionKiB.toFixed(1), (r) => r.heapPerSessionKiB);
    both(name, 'RSS, MiB (before -> with sessions)', (r) => `${fmtMiB(r.rssBefore)} -> ${fmtMiB(r.rssAfter)}`, (r) => r.rssAfter);
    both(name, 'sessions that failed to connect / full GCs while connecting', (r) => `${fmtInt(r.failed)} / ${Number.isFinite(r.fullGcs) ? r.fullGcs : '-'}`, () => NaN);
    both(name, 'connect + subscribe: all (s) / per session p50 / p99 (ms)', (r) => `${r.connectWallS.toFixed(1)} / ${fmtMs(r.connect.p50)} / ${fmtMs(r.connect.p99)}`, (r) => r.connectWallS);
  }
  if (results.two) {
    key = 'two';
    const s = SIZES.two;
    const name = `5 two instances: ${fmtInt(s.subscribers)} subs split, ${fmtInt(s.messages)} msgs, senders split`;
    both(name, 'deliveries/s', (r) => fmtInt(r.deliveriesPerSec), (r) => r.deliveriesPerSec);
    both(name, 'deliveries per server CPU s (both processes)', (r) => fmtInt(r.deliveriesPerCpuSec), (r) => r.deliveriesPerCpuSec);
    both(name, 'latency p50 / p99 / max ms', (r) => lat(r.latency), (r) => r.latency.p99);
    both(name, 'lost / out of sequence order', (r) => `${fmtInt(r.lost)} / ${fmtInt(r.outOfOrder)}`, () => NaN);
    both(name, 'load-client CPU s (subscribers) / server CPU s', (r) => `${r.clientCpuSeconds.toFixed(1)} / ${r.serverCpuSeconds.toFixed(1)}`, (r) => r.serverCpuSeconds);
  }
  if (results.slow) {
    key = 'slow';
    const s = SIZES.slow;
    const name = `6 slow consumer: ${s.subscribers} subs + 1 stalled, ${s.rate} msg/s x ${s.seconds} s of ${fmtInt(s.textLength)}-char chats`;
    both(name, "others' p50 / p99 / max ms without the stalled client", (r) => lat(r.without.latency), (r) => r.without.latency.p99);
    both(name, "others' p50 / p99 / max ms with it", (r) => lat(r.with.latency), (r) => r.with.latency.p99, 'others unaffected');
    both(name, 'others lost (with)', (r) => fmtInt(r.with.lost), () => NaN);
    both(name, 'stalled client: received / sent, end', (r) => `${fmtInt(r.with.stalled.received)} / ${fmtInt(r.with.stalled.of)}, ${r.with.stalled.closed ?? 'open'}${Number.isFinite(r.with.stalled.serverClosedCount) ? `, server closed ${r.with.stalled.serverClosedCount}` : ''}`, () => NaN);
    both(name, 'server RSS growth during the stall, MiB', (r) => fmtMiB(r.with.stalled.serverRssGrowth), () => NaN);
  }
  if (results.rest) {
    key = 'rest';
    const s = SIZES.rest;
    const us = (v) => (Number.isFinite(v) ? (v < 100 ? v.toFixed(1) : fmtInt(v)) : '-');
    const sat = `${s.concurrency} concurrent, ${s.seconds} s after ${s.warmupSeconds} s`;
    const steady = `${s.rate} requests/s open loop, ${s.steadySeconds} s`;
    const kindsShown = {
      tokens: 'token minting (POST /api/tokens with a server token: authenticated, no Redis)',
      joinLeave: 'join + leave (per request: a pair is two)',
      chat: 'chat over a connection to a meeting nobody follows',
    };
    // The issue's targets: the bridge's REST path as cheap as the peer's.
    const satTarget = { joinLeave: 'bridge <= peer', chat: 'bridge <= 1.5x peer' };
    const steadyTarget = { joinLeave: 'bridge <= peer', chat: 'bridge <= 400 µs' };
    for (const [k, what] of Object.entries(kindsShown)) {
      const name = `7 REST alone: ${what}`;
      both(name, `${sat}: requests/s`, (r) => fmtInt(r[k]?.saturation.perSec), (r) => r[k]?.saturation.perSec);
      both(name, `${sat}: server CPU µs per request`, (r) => us(r[k]?.saturation.cpuUsPerRequest), (r) => r[k]?.saturation.cpuUsPerRequest, satTarget[k]);
      both(name, `${sat}: latency p50 / p99 ms`, (r) => pq(r[k]?.saturation.latency), (r) => r[k]?.saturation.latency.p99);
      both(name, `${steady}: server CPU µs per request (idle CPU included)`, (r) => us(r[k]?.steady.cpuUsPerRequest), (r) => r[k]?.steady.cpuUsPerRequest, steadyTarget[k]);
      both(name, `${steady}: the server's idle CPU just before, ms per s`, (r) => r[k]?.steady.idleCpuMsPerS.toFixed(2) ?? '-', (r) => r[k]?.steady.idleCpuMsPerS);
      both(name, `${steady}: latency p50 / p99 ms`, (r) => pq(r[k]?.steady.latency), (r) => r[k]?.steady.latency.p99);
      both(name, `failed requests (${s.concurrency} concurrent, warm-up included / steady)`,
        (r) => (r[k] ? `${fmtInt(r[k].saturation.failedAnyPhase)} / ${fmtInt(r[k].steady.failed)}` : '-'), () => NaN, 'none');
    }
    const w = s.windowSeconds;
    // The warm-up rows, once for the jar as built and once (the bridge only) for the extracted jar with its
    // AOT cache; the peer's column shows its one fresh process in both.
    const warmupRows = (name, fresh) => {
      both(name, 'start to ready, ms', (r) => fmtInt(fresh(r)?.startMs), (r) => fresh(r)?.startMs);
      for (let i = 0; i < s.windows; i++) {
        both(name, `${i * w}-${(i + 1) * w} s: server CPU µs per chat (x the warm cost: ${s.concurrency} concurrent chat above)`, (r) => {
          const x = fresh(r)?.windows[i];
          return x ? `${us(x.cpuUsPerRequest)} (${Number.isFinite(x.xWarm) ? x.xWarm.toFixed(2) : '-'}x)` : '-';
        }, (r) => fresh(r)?.windows[i]?.cpuUsPerRequest);
      }
      both(name, 'worst window from 10 s on, x the warm cost', (r) => (Number.isFinite(fresh(r)?.worstXWarmFrom10s) ? `${fresh(r).worstXWarmFrom10s.toFixed(2)}x` : '-'),
        (r) => fresh(r)?.worstXWarmFrom10s, 'bridge <= 2x');
      both(name, 'within 2x of the warm cost from (every later window too)', (r) => (fresh(r) ? (fresh(r).within2xFromS === null ? 'never' : `${fresh(r).within2xFromS} s`) : '-'),
        (r) => fresh(r)?.within2xFromS ?? NaN, 'bridge <= 10 s');
    };
    warmupRows(`7 REST alone: warm-up, a fresh instance (bridge: same jar and JVM options; peer: a new process), chat at ${s.concurrency} concurrent for ${s.windows * w} s`,
      (r) => r.fresh);
    if (results.rest.bridge?.freshAot) {
      const t = results.rest.bridge.aotTraining;
      warmupRows(`7 REST alone: warm-up as the Docker image runs (bridge: the jar extracted, with the JVM's AOT cache trained for ${t.trainSeconds} s by scripts/aot-cache.sh; peer: as above)`,
        (r) => r.freshAot ?? r.fresh);
    }
  }
  return rows;
}

function markdownTable(rows) {
  const header = ['scenario', 'metric', 'bridge', 'peer (Socket.IO)', 'bridge/peer', 'target'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => ' --- ').join('|')}|`];
  let last = null;
  for (const row of rows) {
    const cells = [...row];
    if (cells[0] === last) cells[0] = '';
    else last = cells[0];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function recordResults(section) {
  const file = path.join(benchDir, 'RESULTS.md');
  const marker = '<!-- newest results first: bench/run.sh inserts each run below this line -->';
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (!text.includes(marker)) {
    text = `# Benchmark results\n\nmeeting-bridge next to a Socket.IO 4 + Redis adapter peer, as produced by \`bench/run.sh\`\n(see [README.md](README.md) for what each scenario does). Newest run on top; earlier runs are kept\nbelow so that progress shows.\n\n${marker}\n${text}`;
  }
  text = text.replace(marker, `${marker}\n\n${section.trim()}\n`);
  writeFileSync(file, text);
  return file;
}

// ---------------------------------------------------------------------------------------------

async function summarizeJfr(file) {
  const jfrBin = path.join(javaHome, 'bin', 'jfr');
  const rank = (map, total, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([frame, count]) => `${String(count).padStart(7)}  ${(100 * count / total).toFixed(1).padStart(5)}%  ${frame}`).join('\n');
  const parse = (event, skipTop) => {
    const text = execFileSync(jfrBin, ['print', '--events', event, file], { maxBuffer: 1 << 30 }).toString();
    const top = new Map();
    const inclusive = new Map();
    let samples = 0;
    for (const block of text.split(event)) {
      const frames = [...block.matchAll(/^\s+([\w$.<>/]+(?:\([^)]*\))?)\s+line:/gm)].map((m) => m[1]);
      if (!frames.length || (skipTop && skipTop.test(frames[0]))) continue;
      samples++;
      top.set(frames[0], (top.get(frames[0]) ?? 0) + 1);
      for (const frame of new Set(frames)) inclusive.set(frame, (inclusive.get(frame) ?? 0) + 1);
    }
    return { samples, top, inclusive };
  };
  const java = parse('jdk.ExecutionSample');
  // Threads in native code are sampled separately; waiting (epoll, accept, blocking reads) is not work.
  const native = parse('jdk.NativeMethodSample', /EPoll\.wait|doSelect|Net\.accept|Net\.poll|read0|EventFD|Object\.wait|park/);
  const summary = `JFR ${file}\n\nJava samples (jdk.ExecutionSample): ${java.samples}; native samples doing work `
    + `(jdk.NativeMethodSample, waits left out): ${native.samples}\n\n`
    + `Java, top of stack (self time):\n${rank(java.top, java.samples, 40)}\n\n`
    + `Native, top of stack:\n${rank(native.top, native.samples, 10)}\n\n`
    + `Java, anywhere on the stack (inclusive):\n${rank(java.inclusive, java.samples, 60)}\n`;
  writeFileSync(path.join(outDir, 'jfr-summary.txt'), summary);
  return summary;
}

let info = {};

function saveJson() {
  writeFileSync(path.join(outDir, 'results.json'), JSON.stringify({ info, sizes: SIZES, results, problems },
    (k, v) => (v instanceof Float64Array ? undefined : v), 2));
}

async function main() {
  info = machine();
  const load0 = os.loadavg();
  const quote = (arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);
  const command = ['bench/run.sh', ...process.argv.slice(2).map(quote)].join(' ');
  log(`meeting-bridge benchmark (${smoke ? 'smoke' : 'full'}), output in ${outDir}`);
  log(`machine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB, ${info.jdk}, Node ${info.node}, ${info.redis}; load average ${load0.map((l) => l.toFixed(2)).join(' ')}`);
  log(`clients offer permessage-deflate: ${deflate ? 'yes (as browsers do)' : 'no'}; subscribers authenticate as ${opts.members ? 'members (joined over REST)' : 'server tokens'}`);
  log(`bridge jar: ${info.jar.path}, built ${info.jar.built}`);
  if (replicaAcksRun) log(`scenario 3 runs the bridge once more with bridge.redis.replica-acks=${replicaAcks} against the same Redis with ${replicaAcks} replica(s)`);
  const started = Date.now();
  state.redis = await startRedis(outDir);
  log(`redis-server on port ${state.redis.port}`);

  await Promise.all(kinds.map((kind) => server(kind, 'A')));
  for (const kind of kinds) await warmRest(await server(kind, 'A'), `w0${kind[0]}`, SIZES.restWarmup);
  // Smoke mode starts the second instances in the background while the first scenarios run (its
  // figures do not matter, its time does); a full run starts them only for scenario 5, and a fresh
  // instance for scenario 4.
  // The replica-acks instance starts after bridge B (three JVMs starting at once on 2 cores slow every
  // scenario that runs meanwhile), and before scenario 3 needs it.
  let bridgeB = Promise.resolve();
  if (smoke && (wanted.has('5') || wanted.has('4'))) {
    for (const kind of kinds) {
      const b = server(kind, 'B').catch(() => {});
      if (kind === 'bridge') bridgeB = b;
    }
  }
  let bridgeAcks = bridgeB;
  if (smoke && replicaAcksRun) bridgeAcks = bridgeB.then(() => server('bridge', ACKS_INSTANCE)).catch(() => {});
  // Scenario 7's fresh bridge too, last: it takes no request before the scenario, so it is still fresh.
  if (smoke && wanted.has('7') && kinds.includes('bridge')) bridgeAcks.then(() => server('bridge', FRESH)).catch(() => {});

  const scenario = async (id, key, fn) => {
    if (!wanted.has(id)) return;
    results[key] = {};
    for (const kind of kinds) {
      log(`scenario ${id} (${key}) on ${kind}`);
      const t = Date.now();
      try {
        results[key][kind] = await fn(kind);
        log(`  (${kind} took ${((Date.now() - t) / 1000).toFixed(1)} s)`);
        saveJson();
      } catch (error) {
        problems.push(`${id} ${key} ${kind}: ${error.message}`);
        log(`  ${kind} FAILED: ${error.stack}`);
      }
    }
  };

  // Scenarios 1 and 2 also run the bridge with meeting-bridge.js subscribers ('bridge-bundled').
  const withBundled = async (key, kind, run) => {
    if (kind === 'bridge' && bridgeClients.includes('bundled')) {
      log(`  bridge with meeting-bridge.js subscribers`);
      results[key]['bridge-bundled'] = await run('bundled');
    }
    return bridgeClients.includes('stompjs') || kind !== 'bridge' ? run(undefined) : undefined;
  };
  await scenario('1', 'fanout', (kind) => withBundled('fanout', kind, async (client) => {
    const r = await fanoutScenario(kind, [await server(kind, 'A')], `s1${kind[0]}${client ? 'j' : ''}`, SIZES.fanout, { client });
    checkDelivery(`1 fan-out ${kind}${client ? ` (${client})` : ''}`, r);
    return r;
  }));
  await scenario('2', 'steady', (kind) => withBundled('steady', kind, async (client) => {
    const r = await fanoutScenario(kind, [await server(kind, 'A')], `s2${kind[0]}${client ? 'j' : ''}`, SIZES.steady, { steady: true, client });
    checkDelivery(`2 steady ${kind}${client ? ` (${client})` : ''}`, r);
    return r;
  }));
  await scenario('6', 'slow', async (kind) => {
    const r = await slowConsumerScenario(kind, await server(kind, 'A'), `s6${kind[0]}`, SIZES.slow);
    checkDelivery(`6 slow consumer (without) ${kind}`, r.without);
    checkDelivery(`6 slow consumer (others, with) ${kind}`, r.with);
    return r;
  });
  await scenario('3', 'joinLeave', async (kind) => {
    const r = await joinLeaveScenario(kind, await server(kind, 'A'), `s3${kind[0]}`, SIZES.joinLeave);
    // --replica-acks: the bridge once more, on its own instance, against Redis with replicas.
    if (kind === 'bridge' && replicaAcksRun) {
      log(`scenario 3 (joinLeave) on bridge with bridge.redis.replica-acks=${replicaAcks}`);
      const t = Date.now();
      try {
        results.joinLeave[ACKS] = await replicaAcksJoinLeave();
        log(`  (bridge with replica-acks=${replicaAcks} took ${((Date.now() - t) / 1000).toFixed(1)} s)`);
      } catch (error) {
        problems.push(`3 joinLeave bridge with replica-acks=${replicaAcks}: ${error.message}`);
        log(`  bridge with replica-acks=${replicaAcks} FAILED: ${error.stack}`);
      }
    }
    return r;
  });
  await scenario('5', 'two', async (kind) => {
    const servers = [await server(kind, 'A'), await server(kind, 'B')];
    const r = await fanoutScenario(kind, servers, `s5${kind[0]}`, SIZES.two);
    // Across instances, order per meeting is part of the bridge's contract; the peer emits locally first.
    checkDelivery(`5 two instances ${kind}`, r, { orderMatters: kind === 'bridge' });
    return r;
  });
  if (!smoke) {
    for (const kind of kinds) await stop(kind, 'B');
  }
  await scenario('4', 'idle', async (kind) => {
    const name = SIZES.idle.fresh ? 'idle' : 'B';
    const target = await server(kind, name);
    try {
      return await idleScenario(kind, target, `s4${kind[0]}`, SIZES.idle);
    } finally {
      if (SIZES.idle.fresh) await stop(kind, name);
    }
  });
  // Last, on instances warm from everything before (and a fresh one of its own).
  await scenario('7', 'rest', (kind) => restScenario(kind, SIZES.rest));

  const load1 = os.loadavg();
  const rows = tableRows();
  const table = markdownTable(rows);
  const acksTable = replicaAcksTable();
  const minutes = ((Date.now() - started) / 60000).toFixed(1);
  console.log(`\n${table}\n`);
  if (acksTable) console.log(`${acksTable}\n`);
  saveJson();

  let jfrText = '';
  if (opts.jfr && state.servers['bridge-A']?.jfr) {
    const file = state.servers['bridge-A'].jfr;
    await stop('bridge', 'A');
    try {
      jfrText = await summarizeJfr(file);
      console.log(jfrText.split('\n').slice(0, 48).join('\n'));
    } catch (error) {
      log(`JFR summary failed: ${error.message}`);
    }
  }

  if (record) {
    const when = new Date().toISOString().replace('T', ' ').slice(0, 16);
    const section = [
      `## ${when} UTC: ${smoke ? 'smoke' : 'full'} run${opts.note ? `: ${opts.note}` : ''}`,
      '',
      `- command: \`${command}\` (${minutes} min)`,
      `- machine: ${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB; ${info.jdk}; Node ${info.node}; ${info.redis}; ${info.kernel}`,
      `- bridge: ${process.env.BENCH_JAR ? `jar \`${info.jar.path}\` built ${info.jar.built} (BENCH_JAR; the checkout: commit ${info.commit})` : `commit ${info.commit}`}, JVM options \`${bridgeJavaOpts.join(' ')}\`${wanted.has('4') && SIZES.idle.fresh ? ` (scenario 4's instance \`${idleJavaOpts.join(' ')}\`)` : ''}; clients offer permessage-deflate: ${deflate ? 'yes' : 'no'}`
        + ` (negotiated with the bridge: '${results.fanout?.bridge?.extensions ?? '?'}', with the peer: '${results.fanout?.peer?.extensions ?? '?'}'); subscribers use ${opts.members ? 'participant tokens of members' : 'server tokens'}`,
      ...(acksTable ? [`- replica-acks: after the bridge's scenario 3, ${replicaAcks} replica${replicaAcks > 1 ? 's' : ''} of the run's Redis`
        + ` (\`redis-server --replicaof 127.0.0.1 <port> --save '' --appendonly no\`, waited for until \`master_link_status:up\`) and a bridge instance`
        + ` of its own with \`--bridge.redis.replica-acks=${replicaAcks}\` (same JVM options, the same REST warm-up), the same load; both stopped after it`] : []),
      `- load average before / after: ${load0.map((l) => l.toFixed(2)).join(' ')} / ${load1.map((l) => l.toFixed(2)).join(' ')}`
        + ' (the machine is shared: figures are noisy, ratios from the same run matter most)',
      problems.length ? `- problems: ${problems.join('; ')}` : '- problems: none (nothing lost, no failed request)',
      '',
      table,
      '',
      ...(acksTable ? [acksTable, ''] : []),
    ].join('\n');
    const file = recordResults(section);
    log(`results prepended to ${file}`);
  }

  await Promise.all(Object.values(state.servers).map((s) => stopServer(s)));
  await state.redis.client.quit().catch(() => {});
  stopAll();
  if (problems.length) {
    console.log(`PROBLEMS (${problems.length}):\n- ${problems.join('\n- ')}`);
    console.log(`benchmark ${smoke ? 'smoke ' : ''}FAILED: ${problems.length} problem(s)`);
    process.exitCode = 1;
  } else {
    const ran = Object.values(results).reduce((n, r) => n + Object.keys(r).length, 0);
    console.log(`benchmark ${smoke ? 'smoke ' : ''}finished in ${minutes} min: nothing lost, nothing broken`);
    console.log(`benchmark: ${ran} scenario runs completed, no problem`);
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

main().catch((error) => {
  console.error(error.stack ?? error);
  stopAll();
  process.exit(1);
});
