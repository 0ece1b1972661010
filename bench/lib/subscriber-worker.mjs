// A load-client process holding many subscribers of one kind: STOMP (@stomp/stompjs over ws) or the
// bridge's own client (meeting-bridge.js, as the bridge serves it) for the bridge, socket.io-client for
// the peer. Driven by its parent over IPC (serialization 'advanced'):
//   open    {kind: 'bridge'|'bundled'|'peer', subs: [{id, url, meetingId, token}], types, deflate, stall,
//            concurrency, clientPath (kind 'bundled': the downloaded module)}
//   reset   {tag, messages}         start counting chat messages whose text starts with tag
//   collect {perSub, idleMs, capMs} wait until every (non-stalled) subscriber has perSub, or idle, or cap
//   resume  {}                      (stalled worker) read again and report what arrived and whether it was closed
//   close   {}
// A chat text is "<tag>|<send time ms>|<index>|<padding>"; latency = receive time - send time.
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { nowMs, sleep } from './util.mjs';

const subs = [];
let phase = { tag: null, messages: 0 };
let latencies = new Float64Array(0);
let latencyCount = 0;
let lastDelivery = 0;
let firstDelivery = 0;
let cpuAtReset = process.cpuUsage();
let stalled = false;
// How late this process's event loop ran (timers, socket reads, heart-beats) since the last reset:
// a process too busy to turn its loop for tens of seconds misses heart-beats in both directions.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

function reply(message) {
  process.send(message);
}

function onEvent(sub, event) {
  if (event.type !== 'chat-message') {
    sub.otherEvents++;
    return;
  }
  const text = event.message?.message;
  if (typeof text !== 'string' || phase.tag === null) return;
  const first = text.indexOf('|');
  if (text.slice(0, first) !== phase.tag) return;
  const now = nowMs();
  const second = text.indexOf('|', first + 1);
  const third = text.indexOf('|', second + 1);
  const sent = Number(text.slice(first + 1, second));
  const index = Number(text.slice(second + 1, third < 0 ? undefined : third));
  if (sub.seen[index]) {
    sub.duplicates++;
    return;
  }
  sub.seen[index] = 1;
  if (event.sequence <= sub.lastSequence) sub.outOfOrder++;
  sub.lastSequence = event.sequence;
  sub.received++;
  if (latencyCount === latencies.length) {
    const grown = new Float64Array(Math.max(1024, latencies.length * 2));
    grown.set(latencies);
    latencies = grown;
  }
  latencies[latencyCount++] = now - sent;
  if (firstDelivery === 0) firstDelivery = now;
  lastDelivery = now;
}

function newSub(spec) {
  return { ...spec, received: 0, duplicates: 0, outOfOrder: 0, otherEvents: 0, lastSequence: -1, seen: new Uint8Array(0), closed: null, raw: null };
}

/**
 * Where a socket's incoming data stood when its client gave up on it: whether ws had paused the
 * TCP socket (it does while its frame parser is backed up), and the bytes read but not yet parsed.
 */
function readState(ws) {
  const socket = ws?._socket;
  if (!socket) return '';
  return ` (socket paused: ${socket.isPaused()}, ${socket.readableLength} bytes read and waiting, ${ws._receiver?._bufferedBytes ?? '?'} in the frame parser)`;
}

function openStomp(sub, { types, deflate, stall }) {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    let settled = false;
    const settle = (error) => {
      if (settled) return;
      settled = true;
      if (error) reject(error); else resolve(nowMs() - started);
    };
    const client = new Client({
      webSocketFactory: () => {
        sub.raw = new WebSocket(sub.url, ['v12.stomp', 'v11.stomp', 'v10.stomp'], { perMessageDeflate: deflate });
        return sub.raw;
      },
      connectHeaders: { Authorization: `Bearer ${sub.token}` },
      reconnectDelay: 0,
      // A stalled client must not time itself out: only the server may end it.
      heartbeatIncoming: stall ? 0 : 10_000,
      heartbeatOutgoing: stall ? 0 : 10_000,
      connectionTimeout: 60_000,
      // stompjs closes the socket itself when nothing came from the server for 2 x 10 s: say so.
      debug: (text) => {
        if (text.startsWith('did not receive server activity')) sub.closed = sub.closed ?? `client: ${text}${readState(sub.raw)}`;
      },
    });
    sub.client = client;
    client.onConnect = () => {
      const receipt = `r-${sub.id}`;
      client.watchForReceipt(receipt, () => settle());
      types.forEach((type, i) => {
        client.subscribe(`/topic/meetings/${sub.meetingId}/${type}`, (message) => onEvent(sub, JSON.parse(message.body)),
          i === types.length - 1 ? { receipt } : {});
      });
    };
    client.onStompError = (frame) => {
      sub.closed = `ERROR ${frame.headers.message}`;
      settle(new Error(`STOMP ERROR: ${frame.headers.message}`));
    };
    client.onWebSocketClose = (event) => {
      sub.closed = sub.closed ?? `closed ${event.code}${event.reason ? ` ${event.reason}` : ''}`;
      settle(new Error(`WebSocket closed ${event.code}`));
    };
    client.onWebSocketError = () => settle(new Error('WebSocket error'));
    client.activate();
  });
}

/**
 * A subscriber as users write it with the bundled client: connect, follow the meeting (it loads
 * the meeting, subscribes to its own topics and keeps the participant map), listen to chat.
 */
async function openBundled(sub, { clientPath, deflate }) {
  const started = nowMs();
  const { MeetingBridge } = await import(clientPath);
  const base = sub.url.replace(/^ws/, 'http').replace(/\/ws$/, '');
  const webSocketImpl = class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { perMessageDeflate: deflate });
      sub.raw = this;
    }
  };
  const bridge = await MeetingBridge.connect({ url: base, token: sub.token, webSocketImpl, reconnectDelayMs: 60_000 });
  sub.bundled = bridge;
  bridge.on('state', (state) => {
    if (state !== 'connected') sub.closed = sub.closed ?? `client state ${state}`;
  });
  const meeting = await bridge.meeting(sub.meetingId);
  meeting.on('chat-message', (message, event) => onEvent(sub, event));
  // on() subscribes in the background; wait until the topic is live (the same receipt the client awaits).
  await meeting.feed?.syncTopics?.();
  return nowMs() - started;
}

function openSocketIo(sub, { deflate }) {
  return new Promise((resolve, reject) => {
    const started = nowMs();
    const socket = io(sub.url, {
      transports: ['websocket'], auth: { token: sub.token }, reconnection: false, forceNew: true,
      perMessageDeflate: deflate ? { threshold: 1024 } : false, timeout: 60_000,
    });
    sub.socket = socket;
    socket.on('chat-message', (json) => onEvent(sub, JSON.parse(json)));
    for (const type of ['participant-joined', 'participant-left', 'connection-open']) {
      socket.on(type, () => { sub.otherEvents++; });
    }
    socket.on('disconnect', (reason) => { sub.closed = sub.closed ?? `disconnect ${reason}`; });
    socket.on('connect_error', (error) => reject(error));
    socket.on('connect', async () => {
      sub.raw = socket.io.engine.transport.ws;
      try {
        const answer = await socket.timeout(60_000).emitWithAck('subscribe', { meetingId: sub.meetingId });
        if (answer?.ok) resolve(nowMs() - started);
        else reject(new Error(`subscribe refused: ${JSON.stringify(answer)}`));
      } catch (error) {
        reject(error);
      }
    });
  });
}

async function open({ kind, subs: specs, types, deflate, stall, concurrency = 64, deadline, clientPath }) {
  stalled = Boolean(stall);
  const connectMs = [];
  const errors = [];
  let next = 0;
  const started = nowMs();
  async function lane() {
    while (next < specs.length) {
      if (deadline && Date.now() > deadline) {
        // Out of time: the rest count as failed.
        if (errors.length < 5) errors.push('not connected before the deadline');
        next = specs.length;
        break;
      }
      const sub = newSub(specs[next++]);
      subs.push(sub);
      try {
        connectMs.push(kind === 'bridge' ? await openStomp(sub, { types, deflate, stall })
          : kind === 'bundled' ? await openBundled(sub, { clientPath, deflate })
            : await openSocketIo(sub, { deflate }));
      } catch (error) {
        sub.failed = true;
        if (errors.length < 5) errors.push(String(error.message ?? error));
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, lane));
  const extensions = subs.find((s) => s.raw)?.raw?.extensions ?? '';
  if (stalled) {
    // Stop reading: the kernel's receive buffer fills and the server's writes to this client back up.
    for (const sub of subs) sub.raw?._socket?.pause();
  }
  const opened = subs.filter((s) => !s.failed).length;
  return { opened, failed: specs.length - opened, errors, connectMs: Float64Array.from(connectMs), wallMs: nowMs() - started, extensions };
}

function reset({ tag, messages }) {
  phase = { tag, messages };
  for (const sub of subs) {
    sub.received = 0;
    sub.duplicates = 0;
    sub.outOfOrder = 0;
    sub.lastSequence = -1;
    sub.seen = new Uint8Array(messages);
  }
  latencies = new Float64Array(Math.min(messages * subs.length, 4_000_000) || 1024);
  latencyCount = 0;
  firstDelivery = 0;
  lastDelivery = 0;
  cpuAtReset = process.cpuUsage();
  loopDelay.reset();
  return { ok: true };
}

function snapshot() {
  const live = subs.filter((s) => !s.failed);
  const cpu = process.cpuUsage(cpuAtReset);
  return {
    subscribers: live.length,
    received: live.reduce((n, s) => n + s.received, 0),
    minPerSub: live.reduce((n, s) => Math.min(n, s.received), Infinity),
    duplicates: live.reduce((n, s) => n + s.duplicates, 0),
    outOfOrder: live.reduce((n, s) => n + s.outOfOrder, 0),
    closed: live.filter((s) => s.closed).map((s) => s.closed).slice(0, 5),
    closedCount: live.filter((s) => s.closed).length,
    firstDelivery,
    lastDelivery,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
    loopDelayMaxMs: loopDelay.max / 1e6,
  };
}

async function collect({ perSub, idleMs, capMs }) {
  const started = Date.now();
  let lastCount = -1;
  let lastChange = Date.now();
  for (;;) {
    const total = subs.reduce((n, s) => n + s.received, 0);
    if (total !== lastCount) {
      lastCount = total;
      lastChange = Date.now();
    }
    const done = subs.every((s) => s.failed || s.received >= perSub);
    if (done || Date.now() - lastChange > idleMs || Date.now() - started > capMs) break;
    await sleep(20);
  }
  return { ...snapshot(), latencies: latencies.slice(0, latencyCount), timedOut: !subs.every((s) => s.failed || s.received >= perSub) };
}

async function resume({ waitMs = 3000 }) {
  for (const sub of subs) sub.raw?._socket?.resume();
  await sleep(waitMs);
  return snapshot();
}

async function close() {
  for (const sub of subs) {
    try {
      if (sub.client) await sub.client.deactivate({ force: true });
      if (sub.socket) sub.socket.close();
      if (sub.bundled) sub.bundled.close?.();
    } catch { /* closing anyway */ }
  }
  return { ok: true };
}

process.on('message', async (message) => {
  try {
    let result;
    switch (message.cmd) {
      case 'open': result = await open(message); break;
      case 'reset': result = reset(message); break;
      case 'collect': result = await collect(message); break;
      case 'snapshot': result = snapshot(); break;
      case 'resume': result = await resume(message); break;
      case 'close': result = await close(); break;
      default: throw new Error(`unknown command ${message.cmd}`);
    }
    reply({ id: message.id, result });
    if (message.cmd === 'close') setTimeout(() => process.exit(0), 50);
  } catch (error) {
    reply({ id: message.id, error: String(error.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
