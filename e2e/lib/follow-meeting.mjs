// Follows one meeting with the bundled client and prints what it holds, one JSON line at a time,
// for a test that starts it as a child process and reads its stdout (the Java failover test).
//
//   node e2e/lib/follow-meeting.mjs
//
//   BRIDGE_URL     the bridge, e.g. http://localhost:8080
//   BRIDGE_TOKEN   a server token (the meeting is followed without joining it)
//   MEETING_ID     the meeting to follow
//   BRIDGE_CLIENT  the bundled client module (default: the one the build puts in target/classes,
//                  as e2e/test/support.mjs)
//
// Lines (stdout):
//   {"ready": true, ...state}                 once, after the first snapshot
//   {"on": "<event type>" | "sync" | "state" | "reconnected", ...state}
//                                             after every applied event, sync and state change,
//   where state is {"sequence", "epoch", "participants": [sorted ids], "reloads", "gapsFilled", "state"}
//   {"error": problem}                        for the bridge's `error` events (and anything thrown)
//
// It keeps running through the bridge instance going away (the client reconnects by itself, and
// a start-up that fails is tried again), and exits on SIGTERM or when stdin closes.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Resolved from this file's folder (e2e/node_modules), wherever the process was started.
import WebSocket from 'ws';

const RETRY_START_MS = 1000;

/** @param {object} line */
function print(line) {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** @param {unknown} error */
const problemOf = (error) => error?.problem
  ?? { title: error?.name ?? 'Error', status: 0, detail: String(error?.stack ?? error?.message ?? error) };

// Nothing that goes wrong in the background ends the program: it is reported and following goes on.
process.on('unhandledRejection', (reason) => print({ error: problemOf(reason) }));
process.on('uncaughtException', (error) => print({ error: problemOf(error) }));
// A reader that went away: nobody to print for.
process.stdout.on('error', () => process.exit(0));

const { BRIDGE_URL, BRIDGE_TOKEN, MEETING_ID } = process.env;
if (!BRIDGE_URL || !BRIDGE_TOKEN || !MEETING_ID) {
  print({ error: { title: 'Usage', status: 0, detail: 'set BRIDGE_URL, BRIDGE_TOKEN (a server token) and MEETING_ID' } });
  process.exit(2);
}
const CLIENT_PATH = process.env.BRIDGE_CLIENT
  ?? fileURLToPath(new URL('../../target/classes/static/client/meeting-bridge.js', import.meta.url));
if (!existsSync(CLIENT_PATH)) {
  print({ error: { title: 'No client', status: 0, detail: `No client bundle at ${CLIENT_PATH}: run ./mvnw generate-resources (or set BRIDGE_CLIENT)` } });
  process.exit(2);
}
const { MeetingBridge } = await import(pathToFileURL(CLIENT_PATH).href);

let bridge;
let meeting;
let stopping = false;

function stop() {
  if (stopping) return;
  stopping = true;
  bridge?.close();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop).on('close', stop).on('error', stop);
process.stdin.resume();

function state() {
  return {
    sequence: meeting?.sequence ?? 0,
    epoch: meeting?.epoch ?? null,
    participants: meeting ? [...meeting.participants.keys()].sort() : [],
    reloads: meeting?.feed?.stats?.reloads ?? 0,
    gapsFilled: meeting?.feed?.stats?.gapsFilled ?? 0,
    state: bridge?.state ?? 'connecting',
  };
}

/** Connects and follows the meeting; rejects when either fails (the client is closed again). */
async function start() {
  const client = await MeetingBridge.connect({
    url: BRIDGE_URL, token: BRIDGE_TOKEN, webSocketImpl: WebSocket,
    // A test's failover is over in seconds: come back quickly rather than after up to 10 s.
    reconnectDelayMs: 250, maxReconnectDelayMs: 2000,
  });
  bridge = client;
  client.on('error', (problem) => print({ error: problem }));
  // Not for a client given up at start-up (its close).
  client.on('state', () => bridge === client && print({ on: 'state', ...state() }));
  client.on('reconnected', () => print({ on: 'reconnected', ...state() }));
  try {
    meeting = await client.meeting(MEETING_ID);
  } catch (error) {
    bridge = undefined;
    client.close();
    throw error;
  }
  meeting.on('*', (event) => print(event.type === 'sync'
    ? { on: 'sync', reason: event.reason, reloaded: event.reloaded, ...state() }
    : { on: event.type, ...state() }));
}

for (;;) {
  try {
    await start();
    break;
  } catch (error) {
    const problem = problemOf(error);
    print({ error: problem });
    // The token or the meeting will not change by trying again.
    if ([401, 403, 404].includes(problem.status)) process.exit(1);
    await new Promise((resolve) => setTimeout(resolve, RETRY_START_MS));
  }
  if (stopping) break;
}
print({ ready: true, meetingId: MEETING_ID, ...state() });
