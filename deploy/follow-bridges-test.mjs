#!/usr/bin/env node
// Shows, on this machine and on loopback only, that deploy/nginx.conf follows bridges whose address
// changes, the way Docker's DNS answers once a bridge has been recreated, without restarting nginx;
// for REST and WebSocket alike. It runs the real file (only addresses, ports and file paths are
// changed) in Debian's nginx, with dnsmasq in the place of Docker's DNS and small stub servers in
// the place of the bridges, each on its own loopback address:
//
//   0. its workers take the open-file limit of worker_rlimit_nofile, or say that the hard limit
//      they inherit (a container's ulimits) does not allow it;
//   1. nginx starts while the name "bridge" resolves to nothing, and serves once it does;
//   2. requests are spread over every address of the name;
//   3. bridge A stops and comes back as C at another address: requests reach C within the
//      resolver's `valid` time, none fails meanwhile (POST included), a WebSocket opened before
//      the change to the other bridge stays up, and nginx's master process is the same one;
//   4. a request sent to a bridge that then drops it is retried on the other bridge for GET and
//      never for POST;
//   5. the public port serves health but not metrics, /actuator/info, the OpenAPI document or
//      Swagger UI: those get nginx's own 404 problem detail, however the path is spelt, and never
//      reach a bridge;
//   6. a stop (SIGQUIT, as Compose sends to the nginx image) with a WebSocket open ends within
//      worker_shutdown_timeout: the WebSocket is closed and nginx exits by itself.
//
// Needs nginx and dnsmasq (deploy/check.sh installs them). Usage: node deploy/follow-bridges-test.mjs
import dns from 'node:dns';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  ADDRESSES, NAME, check, freeDnsPort, freeTcpPort, log, nginxConfigCopy, openWebSocket, readLog, request, run,
  runTest, servers, sleep, state, stubBridges, until, valid,
} from './nginx-harness.mjs';

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'follow-bridges-'));
  state.work = work;
  fs.chmodSync(work, 0o755); // dnsmasq reads its hosts file after dropping privileges
  const hostsFile = path.join(work, 'hosts');
  const answer = (...names) => {
    // ready.invalid tells that dnsmasq has read the file.
    const lines = ['127.0.0.9 ready.invalid', ...names.map((n) => `${ADDRESSES[n]} ${NAME}`)];
    fs.writeFileSync(hostsFile, `${lines.join('\n')}\n`, { mode: 0o644 });
  };

  const { port: bridgePort, stubs } = await stubBridges();
  const { A, B, C } = stubs;
  const dnsPort = await freeDnsPort();
  state.nginxPort = await freeTcpPort();
  const config = nginxConfigCopy(dnsPort, bridgePort);
  const validSeconds = valid(config);
  check(validSeconds > 0, 'nginx.conf: the resolver has no valid=Ns');
  fs.writeFileSync(path.join(work, 'nginx.conf'), config);
  log(`stub bridges A ${ADDRESSES.A}, B ${ADDRESSES.B}, C ${ADDRESSES.C} on port ${bridgePort}; `
    + `dnsmasq on ${dnsPort}; nginx on ${state.nginxPort}; resolver valid=${validSeconds}s`);

  answer();
  const dnsmasq = run('dnsmasq', ['--keep-in-foreground', '--conf-file=/dev/null', `--port=${dnsPort}`,
    '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', `--addn-hosts=${hostsFile}`,
    '--local-ttl=1', `--pid-file=${path.join(work, 'dnsmasq.pid')}`, '--log-facility=-']);
  const resolver = new dns.promises.Resolver({ timeout: 500, tries: 1 });
  resolver.setServers([`127.0.0.1:${dnsPort}`]);
  const resolved = async () => (await resolver.resolve4(NAME).catch(() => [])).sort().join(' ');
  await until('dnsmasq to answer', 10000, async () => {
    if (dnsmasq.exitCode !== null) throw new Error(`dnsmasq exited: ${dnsmasq.output}`);
    return (await resolver.resolve4('ready.invalid').catch(() => [])).length === 1;
  });
  /** Changes what the name resolves to, as Docker's DNS does when a container goes or comes. */
  const dnsAnswers = async (...names) => {
    answer(...names);
    dnsmasq.kill('SIGHUP');
    const expected = names.map((n) => ADDRESSES[n]).sort().join(' ');
    await until(`dnsmasq to answer ${expected || 'nothing'}`, 5000, async () => (await resolved()) === expected);
  };

  const nginx = run('nginx', ['-p', `${work}/`, '-c', path.join(work, 'nginx.conf'), '-e', path.join(work, 'error.log'),
    '-g', `daemon off; pid ${path.join(work, 'nginx.pid')};`]);
  await until('nginx to listen', 10000, async () => {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${nginx.output} ${readLog('error.log')}`);
    return (await request('GET', '/ping')).status !== 0;
  });
  const master = nginx.pid;
  // The workers raise their own open-file limit, but never above the hard limit they inherit: in
  // a container that is the one Compose's ulimits set.
  const workerFiles = Number(config.match(/^worker_rlimit_nofile (\d+);/m)?.[1]);
  const hardLimit = Number(fs.readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+\d+\s+(\d+)/m)?.[1]);
  const workers = fs.readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/);
  const limits = workers.map((worker) => Number(fs.readFileSync(`/proc/${worker}/limits`, 'utf8')
    .match(/^Max open files\s+(\d+)/m)?.[1]));
  if (hardLimit >= workerFiles) {
    check(limits.every((limit) => limit === workerFiles), `nginx workers may open ${limits} files, not ${workerFiles}`);
    log(`0. ${workers.length} nginx workers, each allowed ${workerFiles} open files (worker_rlimit_nofile)`);
  } else {
    await until('nginx to report the limit it could not set', 5000,
      () => readLog('error.log').includes(`setrlimit(RLIMIT_NOFILE, ${workerFiles}) failed`));
    log(`0. the hard open-file limit here is ${hardLimit}, below worker_rlimit_nofile ${workerFiles}: the workers keep `
      + `${limits.join(', ')} and nginx logs "setrlimit(RLIMIT_NOFILE, ${workerFiles}) failed", as in a container `
      + 'without the ulimits of docker-compose.yml');
  }

  // 1. Started with no bridge resolvable: 502, then it serves as soon as the name resolves.
  const early = await request('GET', '/api/early');
  check(early.status === 502, `with no bridge resolvable nginx should answer 502, got ${early.status}`);
  log(`1. nginx started while "${NAME}" resolves to nothing: 502`);
  await dnsAnswers('A', 'B');
  const t1 = Date.now();
  await until('a bridge to answer', (validSeconds + 5) * 1000, async () => (await request('GET', '/api/first')).status === 200);
  log(`   "${NAME}" -> A, B: served after ${Date.now() - t1} ms, nginx not restarted`);

  // 2. Spread over every address.
  for (let i = 0; i < 40; i++) {
    const res = await request(i % 4 === 0 ? 'POST' : 'GET', `/api/spread/${i}`);
    check(res.status === 200, `request ${i} answered ${res.status}`);
  }
  const spread = `A ${A.served('/api/spread')}, B ${B.served('/api/spread')}`;
  check(A.served('/api/spread') > 0 && B.served('/api/spread') > 0, `40 requests should reach both A and B: ${spread}`);
  log(`2. 40 requests spread: ${spread}`);

  // A WebSocket to B that must outlive A's replacement.
  const wsOnB = await until('a WebSocket to land on B', 10000, async () => {
    const ws = await openWebSocket();
    if (ws.instance === 'B') return ws;
    ws.socket.destroy();
    return null;
  });
  check(await wsOnB.echo('before\n'), 'the WebSocket to B should echo');

  // 3. A is recreated as C at a new address.
  await A.stop();
  await dnsAnswers('C', 'B');
  const t3 = Date.now();
  const failures = [];
  let sent = 0;
  await until('C to serve a GET and a POST', (validSeconds + 5) * 1000, async () => {
    for (const method of ['GET', 'POST']) {
      const res = await request(method, `/api/switch/${sent++}`);
      if (res.status !== 200) failures.push(`${method} ${res.status}`);
    }
    return C.count('GET /api/switch') > 0 && C.count('POST /api/switch') > 0;
  });
  const followedMs = Date.now() - t3;
  check(failures.length === 0, `requests failed while A was replaced by C: ${failures.join(', ')}`);
  check(A.served('/api/switch') === 0, 'the stopped bridge A served a request');
  log(`3. A replaced by C: C served after ${followedMs} ms; ${sent} requests meanwhile (half POST), none failed`);
  const wsOnC = await until('a WebSocket to land on C', 10000, async () => {
    const ws = await openWebSocket();
    check(ws.instance !== 'A', 'a WebSocket reached the stopped bridge A');
    if (ws.instance === 'C') return ws;
    ws.socket.destroy();
    return null;
  });
  check(await wsOnC.echo('after\n'), 'the WebSocket to C should echo');
  check(await wsOnB.echo('still\n'), 'the WebSocket opened to B before the change should still echo');
  check(nginx.exitCode === null && fs.readFileSync(path.join(work, 'nginx.pid'), 'utf8').trim() === String(master),
    'nginx should still be the same master process');
  log(`   WebSocket upgrade reaches C; the one opened to B before the change still echoes; same nginx master (pid ${master})`);
  wsOnB.socket.destroy();
  wsOnC.socket.destroy();

  // 4. Dropped after being sent: GET goes on to the other bridge, POST does not. Each worker has its
  // own DNS cache: once `valid` has passed since the change, none can still hold A's address.
  await sleep(Math.max(0, t3 + (validSeconds + 1) * 1000 - Date.now()));
  for (let i = 0; i < 4; i++) {
    const post = await request('POST', `/drop/post-${i}`);
    check(post.status === 502, `a POST dropped by its bridge should get 502, got ${post.status}`);
    const get = await request('GET', `/drop/get-${i}`);
    check(get.status === 502, `a GET dropped by both bridges should get 502, got ${get.status}`);
  }
  const posts = B.count('POST /drop') + C.count('POST /drop');
  const gets = B.count('GET /drop') + C.count('GET /drop');
  check(posts === 4, `4 dropped POSTs should reach a bridge once each, but bridges received ${posts}`);
  check(gets === 8, `4 dropped GETs should be tried on both bridges (8), but bridges received ${gets}`);
  log('4. a request dropped after it was sent: GET tried on both bridges (8 for 4), POST never twice (4 for 4)');

  // 5. Operations' and developers' endpoints are not served on the public port.
  const reached = () => servers.reduce((sum, stub) => sum + stub.requests.length, 0);
  for (const health of ['/actuator/health', '/actuator/health/readiness', '/actuator/health/liveness']) {
    const res = await request('GET', health);
    check(res.status === 200 && res.instance, `${health} should reach a bridge, got ${res.status}`);
  }
  const before = reached();
  const hidden = ['/actuator/prometheus', '/actuator/info', '/actuator', '/actuator/', '/actuator/health/../prometheus',
    '/actuator/%70rometheus', '//actuator/prometheus', '/actuator/health/readiness/../../metrics', '/v3/api-docs',
    '/v3/api-docs.yaml', '/v3/api-docs/swagger-config', '/swagger-ui.html', '/swagger-ui/index.html',
    '/webjars/swagger-ui/index.html'];
  for (const hiddenPath of hidden) {
    for (const method of ['GET', 'POST']) {
      const res = await request(method, hiddenPath);
      let code;
      try {
        code = JSON.parse(res.body).code;
      } catch {
        code = undefined;
      }
      check(res.status === 404 && code === 'not-found' && res.type === 'application/problem+json',
        `${method} ${hiddenPath} should get nginx's 404 not-found problem, got ${res.status} ${res.type} ${res.body}`);
    }
  }
  check(reached() === before, `${reached() - before} request(s) for hidden paths reached a bridge`);
  log(`5. the public port serves health; ${hidden.length} metrics, info and API-document paths get 404 (GET and POST), `
    + 'none reaches a bridge');

  log('nginx followed every change without a restart');

  // 6. A graceful stop does not wait for open WebSockets beyond worker_shutdown_timeout.
  const shutdownSeconds = Number(config.match(/^worker_shutdown_timeout (\d+)s;/m)?.[1]);
  check(shutdownSeconds > 0, 'nginx.conf: no worker_shutdown_timeout in seconds');
  const open = await openWebSocket();
  const closed = new Promise((resolve) => open.socket.on('close', resolve));
  const t6 = Date.now();
  nginx.kill('SIGQUIT');
  const exit = await Promise.race([nginx.exited, sleep((shutdownSeconds + 5) * 1000).then(() => null)]);
  check(exit !== null, `nginx was still running ${shutdownSeconds + 5} s after SIGQUIT with a WebSocket open`);
  check(exit.code === 0, `nginx should exit 0 after a graceful stop, got ${JSON.stringify(exit)}`);
  await closed;
  log(`6. SIGQUIT with a WebSocket open: closed and exited 0 after ${Date.now() - t6} ms `
    + `(worker_shutdown_timeout ${shutdownSeconds}s)`);
  console.log('follow-bridges-test: 1 passed, 0 failed');
}

await runTest('follow-bridges-test', main, 60000);
