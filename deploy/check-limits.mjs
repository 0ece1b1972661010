#!/usr/bin/env node
// Checks that the deployment's limits agree with each other: the sessions each bridge accepts, the
// connections and open files of nginx's workers, and the containers' ulimits; and that nginx reaches
// the bridges through a name it re-resolves, waits for their health, never meets an unset limit, and
// exits on a stop before Compose's grace period ends.
// deploy/check.sh runs it on the output of `docker-compose config`, so anchors and defaults are
// already resolved.
//
// Usage: node deploy/check-limits.mjs TOOLS_DIR RESOLVED_COMPOSE_YAML
//   TOOLS_DIR: an npm prefix holding the `yaml` package (check.sh installs it there)
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [tools, composeFile] = process.argv.slice(2);
if (!tools || !composeFile) {
  console.error('usage: node deploy/check-limits.mjs TOOLS_DIR RESOLVED_COMPOSE_YAML');
  process.exit(2);
}
const YAML = createRequire(path.join(path.resolve(tools), 'package.json'))('yaml');

// A WebSocket through the proxy is a client connection plus a bridge connection.
const CONNECTIONS_PER_SESSION = 2;
// Room for what else holds a file: listening sockets, logs, Redis connections, jars.
const SPARE_FILES = 1024;

const problems = [];
const expect = (condition, message) => {
  if (!condition) problems.push(message);
  return condition;
};

// --- nginx.conf ------------------------------------------------------------------------------
const nginx = fs.readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8').replace(/#.*$/gm, '');
function directive(name) {
  const found = [...nginx.matchAll(new RegExp(`^\\s*${name}\\s+([^;]+);`, 'gm'))].map((m) => m[1].trim());
  expect(found.length === 1, `nginx.conf: expected one ${name}, found ${found.length}`);
  return found[0] ?? '';
}
const number = (text, what) => {
  const value = Number(text);
  expect(Number.isInteger(value) && value > 0, `${what} must be a number, not '${text}'`);
  return value;
};
const workers = number(directive('worker_processes'), 'nginx.conf: worker_processes');
const workerFiles = number(directive('worker_rlimit_nofile'), 'nginx.conf: worker_rlimit_nofile');
const workerConnections = number(directive('worker_connections'), 'nginx.conf: worker_connections');
/** Seconds in an nginx or Compose duration: 10s, 1m30s, 500ms; a bare number is seconds. */
const seconds = (text, what) => {
  const value = String(text).trim();
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)?/g)];
  const valid = parts.length > 0 && parts.map((p) => p[0]).join('') === value;
  expect(valid, `${what} must be a duration, not '${value}'`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 };
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] ?? 's'], 0);
};
const shutdownTimeout = seconds(directive('worker_shutdown_timeout'), 'nginx.conf: worker_shutdown_timeout');
const resolver = directive('resolver');
expect(/^127\.0\.0\.11\b/.test(resolver) && /\bvalid=\d+s\b/.test(resolver),
  `nginx.conf: the resolver must be Docker's DNS (127.0.0.11) with valid=Ns, not '${resolver}'`);
const bridgeName = directive('set \\$bridges');
const passes = [...nginx.matchAll(/^\s*proxy_pass\s+([^;]+);/gm)].map((m) => m[1].trim());
expect(passes.length > 0, 'nginx.conf: no proxy_pass');
const ports = new Set();
for (const pass of passes) {
  // A fixed host name here (or an upstream block) is resolved once, at start-up.
  const match = pass.match(/^http:\/\/\$bridges:(\d+)$/);
  if (expect(match, `nginx.conf: proxy_pass ${pass} must name the bridges through $bridges, so that nginx re-resolves them`)) {
    ports.add(Number(match[1]));
  }
}
expect(!/^\s*upstream\s/m.test(nginx), 'nginx.conf: an upstream block keeps the addresses it resolved at start-up');
expect(workerFiles >= workerConnections + SPARE_FILES,
  `nginx.conf: worker_rlimit_nofile ${workerFiles} must exceed worker_connections ${workerConnections} by ${SPARE_FILES}`);

// --- docker-compose.yml, resolved ----------------------------------------------------------------
const compose = YAML.parse(fs.readFileSync(composeFile, 'utf8'));
const services = compose.services ?? {};
const application = YAML.parse(fs.readFileSync(path.join(root, 'src/main/resources/application.yml'), 'utf8'));
const defaultSessions = application?.bridge?.stomp?.['max-sessions'];
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');

function nofile(service) {
  const limit = service.ulimits?.nofile;
  if (limit === undefined) return { soft: 0, hard: 0 };
  if (typeof limit === 'number' || typeof limit === 'string') return { soft: Number(limit), hard: Number(limit) };
  return { soft: Number(limit.soft), hard: Number(limit.hard) };
}
function environment(service) {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]));
  }
  return env;
}
const aliases = (service) => Object.values(service.networks ?? {}).flatMap((network) => network?.aliases ?? []);
const mounts = (service) => (service.volumes ?? []).map((volume) => (typeof volume === 'string'
  ? { source: volume.split(':')[0], target: volume.split(':')[1] }
  : { source: volume.source, target: volume.target }));

const bridges = Object.entries(services).filter(([, service]) => aliases(service).includes(bridgeName));
expect(bridges.length > 0, `docker-compose.yml: no service carries the network alias '${bridgeName}' that nginx proxies to`);
let sessions = 0;
for (const [name, service] of bridges) {
  const env = environment(service);
  const perBridge = Number(env.BRIDGE_STOMP_MAXSESSIONS ?? defaultSessions);
  expect(Number.isInteger(perBridge) && perBridge > 0, `${name}: bridge.stomp.max-sessions is unknown`);
  sessions += perBridge;
  const files = nofile(service);
  expect(files.soft >= perBridge + SPARE_FILES && files.hard >= files.soft,
    `${name}: ulimits nofile ${files.soft}/${files.hard} must exceed its ${perBridge} sessions by ${SPARE_FILES}`);
  const port = Number(env.SERVER_PORT ?? 8080);
  expect(ports.size === 1 && ports.has(port), `${name}: listens on ${port} but nginx proxies to port ${[...ports].join(', ')}`);
  expect(service.healthcheck ? !service.healthcheck.disable : /HEALTHCHECK[\s\S]*readiness/.test(dockerfile),
    `${name}: has no readiness health check for the load balancer to wait for`);
}

const balancers = Object.entries(services)
  .filter(([, service]) => mounts(service).some((m) => m.target === '/etc/nginx/nginx.conf' && m.source.endsWith('deploy/nginx.conf')));
expect(balancers.length === 1, `docker-compose.yml: expected one service mounting deploy/nginx.conf, found ${balancers.length}`);
for (const [name, service] of balancers) {
  const files = nofile(service);
  expect(files.soft >= workerFiles && files.hard >= workerFiles,
    `${name}: ulimits nofile ${files.soft}/${files.hard} must allow worker_rlimit_nofile ${workerFiles}`);
  for (const [bridge] of bridges) {
    expect(service.depends_on?.[bridge]?.condition === 'service_healthy',
      `${name}: must depend on ${bridge} with condition service_healthy`);
  }
  // Compose's default grace is 10 s; nginx must have closed the last WebSockets and exited by then.
  const grace = seconds(service.stop_grace_period ?? '10s', `${name}: stop_grace_period`);
  expect(grace > shutdownTimeout, `${name}: stop_grace_period ${grace} s must exceed nginx's worker_shutdown_timeout `
    + `${shutdownTimeout} s, or a stop with WebSockets open ends in a SIGKILL`);
  expect(String(service.sysctls?.['net.ipv4.tcp_tw_reuse']) === '1',
    `${name}: sysctl net.ipv4.tcp_tw_reuse must be 1 (a connection per REST request to a bridge)`);
}

const needed = CONNECTIONS_PER_SESSION * sessions;
expect(workerConnections >= needed,
  `nginx.conf: worker_connections ${workerConnections} cannot hold ${bridges.length} bridges' ${sessions} sessions `
  + `(${needed} connections) in one worker`);

if (problems.length > 0) {
  for (const problem of problems) console.error(`limits: ${problem}`);
  process.exit(1);
}
console.log(`limits: ${bridges.length} bridges, ${sessions} sessions -> ${needed} proxied connections; `
  + `nginx ${workers} workers x ${workerConnections} connections, ${workerFiles} files each; `
  + `load balancer nofile ${nofile(balancers[0][1]).hard}, closes WebSockets ${shutdownTimeout} s into a stop: consistent`);
