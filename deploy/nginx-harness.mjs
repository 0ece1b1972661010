// What the loopback tests of deploy/nginx.conf stand on: stub bridges that say who they are and
// count what they got, clients that reach them through nginx (REST and WebSocket), the dnsmasq
// and nginx processes, a copy of the real nginx.conf with only addresses, ports and paths
// changed, and a runner that reports a failure with nginx's log and cleans everything up.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NAME = 'bridge';
export const ADDRESSES = { A: '127.0.0.2', B: '127.0.0.3', C: '127.0.0.4' };
const started = Date.now();
const children = [];
export const servers = [];
/** The work directory (logs, configuration, pid files) and the port nginx listens on, set by the test. */
export const state = { work: undefined, nginxPort: undefined };

export function log(message) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls fn until it returns a truthy value; fails after timeoutMs. */
export async function until(what, timeoutMs, fn) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Stub bridges: say who they are, count what they got, answer WebSocket upgrades and echo.

export function stubBridge(name, host, port) {
  const stub = { name, requests: [], sockets: new Set() };
  const server = http.createServer((req, res) => {
    stub.requests.push(`${req.method} ${req.url}`);
    if (req.url.startsWith('/drop')) {
      req.socket.destroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ instance: name, method: req.method }));
    });
  });
  server.on('connection', (socket) => {
    stub.sockets.add(socket);
    socket.on('close', () => stub.sockets.delete(socket));
  });
  server.on('upgrade', (req, socket) => {
    stub.requests.push(`UPGRADE ${req.url}`);
    const accept = crypto.createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
      + `Sec-WebSocket-Accept: ${accept}\r\n\r\n${name}\n`);
    socket.on('data', (data) => socket.write(data));
    socket.on('error', () => {});
  });
  stub.listen = () => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  stub.stop = () => new Promise((resolve) => {
    server.close(() => resolve());
    for (const socket of stub.sockets) socket.destroy();
  });
  stub.count = (prefix) => stub.requests.filter((r) => r.startsWith(prefix)).length;
  stub.served = (urlPrefix) => stub.count(`GET ${urlPrefix}`) + stub.count(`POST ${urlPrefix}`);
  servers.push(stub);
  return stub;
}

/** One port on which every stub address can listen (they must share it: DNS answers carry no port). */
export async function stubBridges() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 20000 + crypto.randomInt(30000);
    const stubs = Object.fromEntries(Object.entries(ADDRESSES).map(([name, host]) => [name, stubBridge(name, host, port)]));
    try {
      for (const stub of Object.values(stubs)) await stub.listen();
      return { port, stubs };
    } catch (error) {
      if (error.code !== 'EADDRINUSE') throw error;
      for (const stub of Object.values(stubs)) await stub.stop();
    }
  }
  throw new Error('found no port free on every stub address');
}

export function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A port free for both UDP and TCP: dnsmasq listens on both. */
export async function freeDnsPort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await freeTcpPort();
    const free = await new Promise((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('found no port free for both UDP and TCP');
}

// ---------------------------------------------------------------------------------------------
// Clients through nginx


export function request(method, urlPath) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: state.nginxPort, method, path: urlPath, agent: false,
      headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        let instance = null;
        try {
          instance = JSON.parse(body).instance ?? null;
        } catch {
          // nginx's own error page
        }
        resolve({ status: res.statusCode, instance, body, type: res.headers['content-type'] });
      });
    });
    req.setTimeout(10000, () => req.destroy(new Error('no answer in 10 s')));
    req.on('error', (error) => resolve({ status: 0, error: error.message }));
    req.end(method === 'POST' ? '{"message":"hello"}' : undefined);
  });
}

/** A WebSocket upgrade through nginx; resolves with the bridge that answered and a tunnel to it. */
export function openWebSocket() {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: state.nginxPort, path: '/ws', agent: false, headers: {
      Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': crypto.randomBytes(16).toString('base64'),
    } });
    req.setTimeout(10000, () => req.destroy(new Error('no upgrade in 10 s')));
    req.on('response', (res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    req.on('error', reject);
    req.on('upgrade', (res, socket, head) => {
      let buffered = head.toString();
      const ws = { socket, instance: null };
      ws.echo = (text) => new Promise((ok, fail) => {
        let got = '';
        const timer = setTimeout(() => fail(new Error('no echo in 5 s')), 5000);
        const onData = (data) => {
          got += data;
          if (got.includes(text)) {
            clearTimeout(timer);
            socket.off('data', onData);
            ok(true);
          }
        };
        socket.on('data', onData);
        socket.write(text);
      });
      const onData = (data) => {
        buffered += data;
        const end = buffered.indexOf('\n');
        if (end >= 0) {
          socket.off('data', onData);
          ws.instance = buffered.slice(0, end);
          resolve(ws);
        }
      };
      socket.on('error', () => {});
      if (buffered.includes('\n')) onData('');
      else socket.on('data', onData);
    });
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// dnsmasq and nginx

export function run(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (d) => { child.output += d; });
  child.stderr.on('data', (d) => { child.output += d; });
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  children.push(child);
  return child;
}

/** deploy/nginx.conf with only what cannot work here replaced; each replacement must apply exactly once. */
export function nginxConfigCopy(resolverPort, bridgePort) {
  let text = fs.readFileSync(path.join(here, 'nginx.conf'), 'utf8');
  const replace = (pattern, replacement, times = 1) => {
    const found = text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;
    check(found === times, `nginx.conf: expected ${times} match(es) of ${pattern} but found ${found}: the test needs updating`);
    text = text.replace(new RegExp(pattern.source, `${pattern.flags}g`), replacement);
  };
  replace(/resolver 127\.0\.0\.11 /, `resolver 127.0.0.1:${resolverPort} `);
  replace(/listen 8080;/, `listen 127.0.0.1:${state.nginxPort};`);
  replace(/proxy_pass http:\/\/\$bridges:8080;/, `proxy_pass http://$bridges:${bridgePort};`, 3);
  // Logs and temporary files in the work directory, not in the system's.
  replace(/^http \{$/m, `http {\n  access_log ${state.work}/access.log;\n  client_body_temp_path ${state.work}/body;\n`
    + `  proxy_temp_path ${state.work}/proxy;\n  fastcgi_temp_path ${state.work}/fastcgi;\n  uwsgi_temp_path ${state.work}/uwsgi;\n`
    + `  scgi_temp_path ${state.work}/scgi;`);
  return text;
}

export function valid(text) {
  return Number(text.match(/resolver [^;]*valid=(\d+)s/)?.[1] ?? NaN);
}

export function readLog(name) {
  try {
    return fs.readFileSync(path.join(state.work, name), 'utf8');
  } catch {
    return '';
  }
}

async function cleanUp() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  await Promise.race([Promise.all(children.map((c) => c.exited)), sleep(5000)]);
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(servers.map((s) => s.stop()));
  if (state.work) fs.rmSync(state.work, { recursive: true, force: true });
}

/** Runs main with a time limit, reports its failure with nginx's error log, cleans up and exits. */
export async function runTest(name, main, timeoutMs) {
  const guard = setTimeout(() => {
    console.error(`${name}: gave up after ${timeoutMs / 1000} s`);
    cleanUp().finally(() => process.exit(1));
  }, timeoutMs);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => cleanUp().finally(() => process.exit(1)));
  }

  let status = 0;
  try {
    await main();
  } catch (error) {
    status = 1;
    console.error(`${name} FAILED: ${error.message}`);
    const errors = readLog('error.log').trim().split('\n').slice(-15).join('\n');
    if (errors) console.error(`nginx error.log (last lines):\n${errors}`);
    for (const child of children) {
      if (child.output.trim()) console.error(`${child.spawnfile} output:\n${child.output.trim().split('\n').slice(-15).join('\n')}`);
    }
    console.log(`${name}: 0 passed, 1 failed`);
  } finally {
    clearTimeout(guard);
    await cleanUp();
  }
  process.exit(status);
}
