// Load-client processes (subscriber-worker.mjs) and the helpers that spread subscribers over them.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const workerPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'subscriber-worker.mjs');
const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
});

export class Worker {
  constructor(name) {
    this.name = name;
    this.child = fork(workerPath, [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(this.child);
    this.pending = new Map();
    this.nextId = 1;
    this.child.on('message', (message) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${this.name}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    this.child.on('exit', (code) => {
      live.delete(this.child);
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${this.name} exited (${code})`));
      this.pending.clear();
    });
  }

  call(cmd, payload = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...payload, cmd, id });
    });
  }

  async close() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await Promise.race([this.call('close').catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Subscriber specs spread round-robin over n workers. */
export function spread(specs, n) {
  const groups = Array.from({ length: n }, () => []);
  specs.forEach((spec, i) => groups[i % n].push(spec));
  return groups.filter((group) => group.length > 0);
}

/** Opens a group of subscribers per worker; returns the workers and what the opening took. */
export async function openSubscribers({ kind, specs, workers: count, types, deflate, stall = false, concurrency, label, deadlineMs, clientPath }) {
  const groups = spread(specs, count);
  const workers = groups.map((_, i) => new Worker(`${label}-${i}`));
  const results = await Promise.all(workers.map((worker, i) =>
    worker.call('open', { kind, subs: groups[i], types, deflate, stall, concurrency, clientPath, deadline: deadlineMs ? Date.now() + deadlineMs : undefined })));
  const connectMs = new Float64Array(results.reduce((n, r) => n + r.connectMs.length, 0));
  let offset = 0;
  for (const r of results) {
    connectMs.set(r.connectMs, offset);
    offset += r.connectMs.length;
  }
  return {
    workers,
    opened: results.reduce((n, r) => n + r.opened, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    errors: results.flatMap((r) => r.errors).slice(0, 5),
    connectMs,
    extensions: results.find((r) => r.extensions !== undefined)?.extensions ?? '',
  };
}

export async function closeWorkers(workers) {
  await Promise.all(workers.map((worker) => worker.close()));
}
