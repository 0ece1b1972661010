// Starting, watching and stopping the servers under test: redis-server, bridge instances (java -jar)
// and peer processes (node). Every child is tracked and ended on exit.
import { spawn, execFileSync } from 'node:child_process';
import { openSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, sleep } from './util.mjs';

const children = new Set();
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export function stopAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGKILL'); } catch { /* gone */ }
    }
  }
  children.clear();
}
process.on('exit', stopAll);

function track(child, name) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.name = name;
  return child;
}

/** utime + stime of a process, in seconds (from /proc/<pid>/stat). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** CPU seconds the whole machine spent busy so far (all cores; /proc/stat: everything but idle and iowait). */
export function machineBusySeconds() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] || 0);
  return busy / clockTicks;
}

/** Resident set size in bytes (VmRSS from /proc/<pid>/status). */
export function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

async function waitFor(check, { timeoutMs, what, child }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} during start-up (see ${child.logFile})`);
    try {
      if (await check()) return;
    } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms (see ${child?.logFile ?? 'its log'})`);
    await sleep(100);
  }
}

async function httpOk(url) {
  const res = await fetch(url);
  return res.ok;
}

export async function startRedis(outDir) {
  const port = await freePort();
  const logFile = path.join(outDir, `redis-${port}.log`);
  const child = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--protected-mode', 'yes', '--logfile', logFile], { stdio: 'ignore' }), 'redis');
  child.logFile = logFile;
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => { /* start-up probing; later failures surface as rejected commands */ });
  await waitFor(async () => {
    if (client.status !== 'ready') await client.connect().catch(() => {});
    return (await client.ping()) === 'PONG';
  }, { timeoutMs: 10_000, what: 'redis-server', child });
  return { port, pid: child.pid, child, client, url: `redis://127.0.0.1:${port}` };
}

/**
 * A replica of the benchmark's Redis (`--replicaof`, no persistence), for `--replica-acks`: started,
 * then waited for until its `INFO replication` says `master_link_status:up`. The master gets
 * `repl-diskless-sync-delay 0` first (Redis 7 waits 5 s by default for more replicas before a
 * diskless full sync); the replica loads that sync straight into its empty memory. Stop it with
 * stopServer.
 */
export async function startReplica(master, outDir, index = 0) {
  await master.client.config('SET', 'repl-diskless-sync-delay', '0');
  const port = await freePort();
  const logFile = path.join(outDir, `redis-replica-${port}.log`);
  const child = track(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1',
    '--replicaof', '127.0.0.1', String(master.port), '--save', '', '--appendonly', 'no',
    '--repl-diskless-load', 'on-empty-db', '--dir', outDir, '--protected-mode', 'yes', '--logfile', logFile],
  { stdio: 'ignore' }), `redis-replica-${index}`);
  child.logFile = logFile;
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => { /* start-up probing */ });
  const started = Date.now();
  await waitFor(async () => {
    if (client.status !== 'ready') await client.connect().catch(() => {});
    return /^master_link_status:up\r?$/m.test(await client.info('replication'));
  }, { timeoutMs: 30_000, what: `redis replica on port ${port}`, child });
  return { kind: 'redis-replica', port, pid: child.pid, child, client, logFile, startMs: Date.now() - started };
}

/** Replicas the master counts as connected (`connected_slaves` of its INFO replication). */
export async function connectedReplicas(client) {
  return Number(/^connected_slaves:(\d+)/m.exec(await client.info('replication'))?.[1] ?? NaN);
}

/** Stats of Redis itself: commands processed so far and its CPU seconds. */
export async function redisStats(client) {
  const info = await client.info('all');
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  const calls = (command) => Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    // total_commands_processed counts the commands scripts run too
    commands: field('total_commands_processed'),
    scripts: calls('evalsha') + calls('eval'),
    // WAIT numreplicas timeout: what bridge.redis.replica-acks adds after each change
    waits: calls('wait'),
    cpu: field('used_cpu_sys') + field('used_cpu_user'),
  };
}

export async function startBridge({ jar, javaHome, redis, secret, outDir, name, jfr, javaOpts = [], extraArgs = [] }) {
  const port = await freePort();
  const logFile = path.join(outDir, `bridge-${name}.log`);
  const out = openSync(logFile, 'a');
  const jvm = [...javaOpts];
  if (jfr) jvm.push(`-XX:StartFlightRecording=filename=${jfr},dumponexit=true,settings=profile`);
  const args = [...jvm, '-jar', jar,
    `--server.port=${port}`, '--server.address=127.0.0.1',
    '--spring.data.redis.host=127.0.0.1', `--spring.data.redis.port=${redis.port}`,
    // The senders are one participant per HTTP sender: raise the chat limit so they are never throttled.
    '--bridge.chat.rate-per-second=100000', '--bridge.chat.burst=100000',
    '--logging.level.root=WARN', '--logging.level.dev.meetingbridge=WARN',
    ...extraArgs];
  const started = Date.now();
  const child = track(spawn(path.join(javaHome, 'bin', 'java'), args, {
    stdio: ['ignore', out, out],
    env: { ...process.env, BRIDGE_JWT_SECRET: secret, JAVA_HOME: javaHome },
  }), `bridge-${name}`);
  child.logFile = logFile;
  const base = `http://127.0.0.1:${port}`;
  await waitFor(() => httpOk(`${base}/actuator/health/readiness`), { timeoutMs: 120_000, what: `bridge ${name}`, child });
  return { kind: 'bridge', name, port, pid: child.pid, child, base, ws: `ws://127.0.0.1:${port}/ws`, startMs: Date.now() - started, javaHome, jfr };
}

export async function startPeer({ redis, secret, outDir, name, benchDir }) {
  const port = await freePort();
  const logFile = path.join(outDir, `peer-${name}.log`);
  const out = openSync(logFile, 'a');
  const started = Date.now();
  const child = track(spawn(process.execPath, ['--expose-gc', path.join(benchDir, 'peer', 'server.mjs')], {
    stdio: ['ignore', out, out],
    env: { ...process.env, PORT: String(port), REDIS_URL: redis.url, BRIDGE_JWT_SECRET: secret,
      PEER_CHAT_RATE: '100000', PEER_CHAT_BURST: '100000' },
  }), `peer-${name}`);
  child.logFile = logFile;
  const base = `http://127.0.0.1:${port}`;
  await waitFor(() => httpOk(`${base}/health`), { timeoutMs: 30_000, what: `peer ${name}`, child });
  return { kind: 'peer', name, port, pid: child.pid, child, base, ws: base, startMs: Date.now() - started };
}

/** Ends a server and waits for it (SIGTERM, then SIGKILL after the grace). */
export async function stopServer(server, graceMs = 15_000) {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Heap in use after a full GC: jcmd GC.run + GC.heap_info for the bridge, global.gc() for the peer. */
export async function heapAfterGc(server) {
  if (server.kind === 'bridge') {
    // One attach for both commands: GC.run, then the heap's generations (G1: one line; Serial: two).
    const jcmd = path.join(server.javaHome, 'bin', 'jcmd');
    const commands = path.join(os.tmpdir(), `bench-jcmd-${process.pid}.txt`);
    writeFileSync(commands, 'GC.run\nGC.heap_info\n');
    const info = execFileSync(jcmd, [String(server.pid), '-f', commands]).toString();
    let used = 0;
    let committed = 0;
    let found = false;
    for (const line of info.split('\n')) {
      if (!/^\S/.test(line) || /Metaspace|class space/.test(line)) continue;
      const u = /\btotal\b.*?\bused (\d+)K/.exec(line);
      if (!u) continue;
      found = true;
      used += Number(u[1]) * 1024;
      const c = /committed (\d+)K/.exec(line) ?? /total (\d+)K/.exec(line);
      if (c) committed += Number(c[1]) * 1024;
    }
    return { heapUsed: found ? used : NaN, heapCommitted: found ? committed : NaN };
  }
  const res = await fetch(`${server.base}/admin/memory`);
  const memory = await res.json();
  return { heapUsed: memory.heapUsed, heapCommitted: memory.heapTotal };
}

/** Full-GC count and total GC seconds of a JVM (jstat -gcutil), or null for anything else. */
export function gcCounts(server) {
  if (server.kind !== 'bridge') return null;
  try {
    const out = execFileSync(path.join(server.javaHome, 'bin', 'jstat'), ['-gcutil', String(server.pid)]).toString().trim().split('\n');
    const header = out[0].trim().split(/\s+/);
    const values = out[1].trim().split(/\s+/);
    const get = (name) => Number(values[header.indexOf(name)]);
    return { fullGcs: get('FGC'), seconds: get('GCT') };
  } catch {
    return null;
  }
}

/** The bridge jar: BENCH_JAR if set (a copy that a concurrent build cannot replace mid-run), else target/. */
export function jarPath(root) {
  const jar = process.env.BENCH_JAR ? path.resolve(process.env.BENCH_JAR) : path.join(root, 'target', 'meeting-bridge-0.1.0-SNAPSHOT.jar');
  return existsSync(jar) ? jar : null;
}
