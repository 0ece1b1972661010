// Client CPU per received event, without sockets or servers: the JavaScript a subscriber runs from
// a WebSocket message's text to the application's listener, for meeting-bridge.js (following a
// meeting, listening to chat-message) and for socket.io-client (a socket listening to
// chat-message), in one process, alternating rounds. The sockets are in-memory stand-ins: the
// clients' own code (frame parsing, routing, sequencing, emitters, JSON) is what is timed, not
// ws or the kernel, so the figures repeat from run to run far better than the full benchmark's.
//
//   node --expose-gc bench/lib/client-cost.mjs [--clients=500] [--events=200] [--rounds=6] [--also=<other client src/>]
//
// socket.io-client is timed twice: with the event as a JSON string inside the packet (what the
// peer sends: its Lua script returns JSON, so the listener parses it again) and as an object (one
// parse, what a Socket.IO server emitting objects costs its clients).
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { io } from 'socket.io-client';
import { WebSocket as EngineWebSocket } from 'engine.io-client';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const CLIENTS = Number(args.clients ?? 500);
const EVENTS = Number(args.events ?? 200);
const ROUNDS = Number(args.rounds ?? 6);

const clientSrc = path.join(here, '..', '..', 'clients', 'js', 'src');
const { FakeBridge, token } = await import(pathToFileURL(path.join(here, '..', '..', 'clients', 'js', 'test', 'fake-bridge.js')).href);
// --also=<dir>: another meeting-bridge.js source tree (its src/ folder) timed in the same rounds,
// e.g. a git worktree of an earlier commit, to see what a client change did on its own.
const alsoSrc = args.also ? path.resolve(args.also) : undefined;

const PADDING = Array.from({ length: 256 }, () => randomBytes(72).toString('base64'));

/** A message's text as ws hands it over: decoded from the received bytes (a flat string). */
const asReceived = (text) => Buffer.from(text).toString();

/** A chat-message event as the bridge (and the peer) publish it, 120 random characters of text. */
function chatEvent(sequence) {
  const at = new Date(Date.UTC(2026, 11, 2, 2, 0, 0, sequence % 1000)).toISOString();
  return {
    type: 'chat-message', meetingId: 'bench-dst', sequence, timestamp: at,
    message: {
      id: randomUUID(), connectionId: 'c0ffee00-0000-4000-8000-000000000001', fromMeetingId: 'bench-src', toMeetingId: 'bench-dst',
      sender: { id: `sender-${sequence % 16}`, displayName: `Sender ${sequence % 16}` },
      message: `t|${Date.now()}.123|${sequence}|${PADDING[sequence % PADDING.length]}`, timestamp: at,
    },
  };
}

function stats(ns) {
  const sorted = [...ns].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) };
}

// ---- meeting-bridge.js: a server-token client following one meeting -------------------------

async function bundledClient(src = clientSrc) {
  const { MeetingBridge } = await import(pathToFileURL(path.join(src, 'index.js')).href);
  // The client's own test stand-in for the bridge: meetings over an in-memory REST API and STOMP.
  const fake = new FakeBridge();
  fake.createMeeting('bench-dst');
  const bridge = await MeetingBridge.connect({
    url: 'http://bridge.test', token: token({ sub: 'bench', roles: ['server'] }), webSocketImpl: fake.WebSocket, fetchImpl: fake.fetch,
  });
  const meeting = await bridge.meeting('bench-dst');
  let received = 0;
  // Counted only with the text and sequence in hand, as an application reads them.
  meeting.on('chat-message', (message, event) => {
    if (typeof message.message === 'string' && event.sequence > 0) received++;
  });
  await meeting.feed?.syncTopics?.();
  const { socket } = fake;
  const destination = '/topic/meetings/bench-dst/chat-message';
  const subscription = [...socket.subscriptions].find(([, subscribed]) => subscribed === destination)?.[0];
  if (subscription === undefined) throw new Error('the client did not subscribe to chat-message');
  let sequence = 0;
  return {
    name: src === clientSrc ? 'meeting-bridge.js' : `meeting-bridge.js from ${src}`,
    /** The frames of the next `count` events, exactly as the bridge writes them (one per message). */
    prepare(count) {
      const frames = new Array(count);
      for (let i = 0; i < count; i++) {
        const body = JSON.stringify(chatEvent(++sequence));
        frames[i] = asReceived(`MESSAGE\ndestination:${destination}\ncontent-type:application/json\ncontent-length:${Buffer.byteLength(body)}`
          + `\nmessage-id:${sequence}\nsubscription:${subscription}\n\n${body}\0`);
      }
      return frames;
    },
    deliver(frame) {
      socket.onmessage({ data: frame });
    },
    received: () => received,
    close: () => bridge.close(),
  };
}

// ---- socket.io-client: one socket, a listener on chat-message -------------------------------

async function socketIoClient(asString) {
  let socket;
  class FakeTransportSocket {
    constructor() {
      socket = this;
      this.readyState = 0;
      setTimeout(() => {
        this.readyState = 1;
        this.onopen?.({});
        // No pings come from this server: a ping interval of an hour keeps the client from
        // timing out during a long run (it checks for pings, not for other packets).
        this.onmessage({ data: `0${JSON.stringify({ sid: 'bench', upgrades: [], pingInterval: 3_600_000, pingTimeout: 60_000, maxPayload: 1e6 })}` });
      }, 0);
    }

    send(data) {
      if (String(data).startsWith('40')) setTimeout(() => this.onmessage({ data: '40{"sid":"bench-io"}' }), 0);
    }

    close() {
      this.readyState = 3;
    }
  }
  class FakeWs extends EngineWebSocket {
    createSocket() {
      return new FakeTransportSocket();
    }
  }
  const client = io('http://peer.test', { transports: [FakeWs], reconnection: false, forceNew: true });
  await new Promise((resolve, reject) => {
    client.on('connect', resolve);
    client.on('connect_error', reject);
  });
  let received = 0;
  client.on('chat-message', (payload) => {
    const event = asString ? JSON.parse(payload) : payload;
    if (typeof event.message.message === 'string' && event.sequence > 0) received++;
  });
  let sequence = 0;
  return {
    name: asString ? 'socket.io-client (event as a JSON string, as the peer sends it)' : 'socket.io-client (event as an object)',
    prepare(count) {
      const packets = new Array(count);
      for (let i = 0; i < count; i++) {
        const event = chatEvent(++sequence);
        packets[i] = asReceived(`42${JSON.stringify(['chat-message', asString ? JSON.stringify(event) : event])}`);
      }
      return packets;
    },
    deliver(packet) {
      socket.onmessage({ data: packet });
    },
    received: () => received,
    close: () => client.close(),
  };
}

const kinds = [
  { name: 'meeting-bridge.js', open: () => bundledClient() },
  { name: 'socket.io-client (event as a JSON string, as the peer sends it)', open: () => socketIoClient(true) },
  { name: 'socket.io-client (event as an object)', open: () => socketIoClient(false) },
];
if (alsoSrc) kinds.push({ name: `meeting-bridge.js from ${alsoSrc}`, open: () => bundledClient(alsoSrc) });
for (const kind of kinds) kind.clients = await Promise.all(Array.from({ length: CLIENTS }, () => kind.open()));

/**
 * One round: every event goes to every client of the kind, one event per turn of the event loop
 * (as a subscriber process wakes up to its sockets' data), so each client's state is touched
 * once per event the way it is in a process holding hundreds of subscribers.
 */
async function round(kind) {
  const messages = kind.clients.map((client) => client.prepare(EVENTS));
  kind.bytes = Buffer.byteLength(messages[0][0]);
  const before = kind.clients.reduce((sum, client) => sum + client.received(), 0);
  globalThis.gc?.();
  const started = process.cpuUsage();
  for (let e = 0; e < EVENTS; e++) {
    for (let c = 0; c < kind.clients.length; c++) kind.clients[c].deliver(messages[c][e]);
    // socket.io-client hands decoded packets on with process.nextTick: let them run.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(started);
  const delivered = kind.clients.reduce((sum, client) => sum + client.received(), 0) - before;
  const expected = EVENTS * kind.clients.length;
  if (delivered !== expected) throw new Error(`${kind.name}: ${delivered} of ${expected} events reached the listeners`);
  return ((used.user + used.system) * 1000) / expected;
}

for (const kind of kinds) kind.perEvent = [];
for (let r = 0; r <= ROUNDS; r++) {
  for (const kind of kinds) {
    const ns = await round(kind);
    // Round 0 warms the JIT up and is not counted.
    if (r > 0) kind.perEvent.push(ns);
  }
}
for (const kind of kinds) kind.clients.forEach((client) => client.close());

console.log(`client CPU per received event: ${CLIENTS} clients of each kind, ${EVENTS.toLocaleString('en-US')} events to each, ${ROUNDS} rounds after a warm-up round, Node ${process.version}${globalThis.gc ? ', GC before each round' : ''}`);
for (const kind of kinds) {
  const s = stats(kind.perEvent);
  kind.median = s.median;
  console.log(`  ${kind.name}: median ${(s.median / 1000).toFixed(2)} µs (min ${(s.min / 1000).toFixed(2)}, max ${(s.max / 1000).toFixed(2)}); message ${kind.bytes} bytes`);
}
console.log(`  meeting-bridge.js / socket.io-client: ${(kinds[0].median / kinds[1].median).toFixed(2)}x (JSON string), ${(kinds[0].median / kinds[2].median).toFixed(2)}x (object)`);
process.exit(0);
