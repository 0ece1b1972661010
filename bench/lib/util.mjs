// Small shared helpers: tokens, clocks, percentiles, HTTP, formatting.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

/** HS256 token in the shape of scripts/mint-token.mjs. */
export function mintToken(secret, { server = false, sub, perms = ['allow_join'], ttl = 6 * 3600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iat: now, exp: now + ttl };
  if (server) {
    claims.sub = sub ?? 'server';
    claims.roles = ['server'];
  } else {
    claims.sub = sub;
    claims.permissions = perms;
  }
  const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on this
 * machine (performance.timeOrigin is the process's start on the wall clock).
 */
export const nowMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Percentile of an ascending Float64Array (nearest rank, like HdrHistogram's percentile). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Keep-alive HTTP JSON client against one base URL (loopback only). */
export class Api {
  constructor(baseUrl, token, maxSockets = 16) {
    const url = new URL(baseUrl);
    if (!['127.0.0.1', 'localhost', '::1'].includes(url.hostname)) {
      throw new Error(`the benchmark only talks to loopback, not ${url.hostname}`);
    }
    this.host = url.hostname;
    this.port = Number(url.port);
    this.token = token;
    // Idle pooled sockets are dropped after 4 s, before any server's keep-alive timeout can race a reuse.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, timeout: 4000, scheduling: 'lifo' });
  }

  request(method, path, body, token = this.token) {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: this.host, port: this.port, method, path, agent: this.agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
          resolve({ status: res.statusCode, body: json });
        });
        res.on('error', reject);
      });
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  async expect(statuses, method, path, body, token) {
    const res = await this.request(method, path, body, token);
    if (!statuses.includes(res.status)) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  close() {
    this.agent.destroy();
  }

  /**
   * Two new meetings (`{prefix}-a-…`, `{prefix}-b-…`), a participant `sender` in the first and a
   * connection from it to the second: what a chat request needs. Returns the ids and the connection.
   */
  async chatSetUp(prefix) {
    const tag = Math.random().toString(36).slice(2, 8);
    const [from, to] = [`${prefix}-a-${tag}`, `${prefix}-b-${tag}`];
    await this.expect([201], 'POST', '/api/meetings', { meetingId: from });
    await this.expect([201], 'POST', '/api/meetings', { meetingId: to });
    await this.expect([201], 'POST', `/api/meetings/${from}/participants`, { participantId: 'sender', displayName: 'Sender' });
    const connection = await this.expect([201], 'POST', `/api/meetings/${from}/connections`, { meetingId: to });
    return { from, to, connection };
  }
}

export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
export const fmtMs = (n) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')) : '-');
export const fmtMiB = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(0)}` : '-');
