// Changes made once across a dropped connection, as the client sees it: a TCP proxy between the
// client and the bridge lets the first request of a change through, waits until the bridge's
// answer starts coming back (so the bridge did act) and then cuts the client's connection
// without forwarding it. The client sends the change again with the same Idempotency-Key; the
// bridge replays its first answer instead of acting twice.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcp, createServer } from 'node:net';
import { BRIDGE_URL, api, connect, eventually, joinAs, moderatorToken, twoMeetings, unique } from './support.mjs';

/**
 * @typedef {object} Exchange one HTTP request through the proxy and the head of its answer
 * @property {string} method
 * @property {string} path
 * @property {string | undefined} key its Idempotency-Key
 * @property {number} [status]
 * @property {boolean} replayed whether the answer said `Idempotent-Replayed: true`
 * @property {boolean} killed whether the proxy cut the connection instead of forwarding the answer
 */

/** `Name: value` lines of an HTTP head (after its first line), names in lower case. */
function headersOf(head) {
  const headers = {};
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * A TCP proxy to `target` that reads the HTTP/1.1 exchanges going through it: the request heads
 * (bodies skipped by their content-length) and each answer's head (the client does not pipeline,
 * so the next answer on a connection is the last request's). A WebSocket is relayed untouched
 * after its upgrade. `killNext(match)` cuts the connection of the next matching request once its
 * answer starts to arrive.
 */
async function startProxy(target) {
  const { hostname, port } = new URL(target);
  /** @type {Exchange[]} */
  const exchanges = [];
  const sockets = new Set();
  let kill;
  const server = createServer((client) => {
    const bridge = tcp({ host: hostname, port: Number(port) });
    sockets.add(client);
    sockets.add(bridge);
    let received = '';
    let bodyLeft = 0;
    let relayOnly = false;
    let current;
    let killCurrent = false;
    let answer = '';

    client.on('data', (chunk) => {
      if (!relayOnly) {
        received += chunk.toString('latin1');
        for (;;) {
          if (bodyLeft > 0) {
            const skipped = Math.min(bodyLeft, received.length);
            received = received.slice(skipped);
            bodyLeft -= skipped;
            if (bodyLeft > 0) break;
          }
          const end = received.indexOf('\r\n\r\n');
          if (end < 0) break;
          const head = received.slice(0, end);
          received = received.slice(end + 4);
          const [method, path] = head.split('\r\n', 1)[0].split(' ');
          const headers = headersOf(head);
          bodyLeft = Number(headers['content-length'] ?? 0);
          current = { method, path, key: headers['idempotency-key'], replayed: false, killed: false };
          exchanges.push(current);
          killCurrent = Boolean(kill?.(current));
          if (killCurrent) kill = undefined;
          answer = '';
          if (headers.upgrade?.toLowerCase() === 'websocket') {
            relayOnly = true;
            break;
          }
        }
      }
      bridge.write(chunk);
    });
    bridge.on('data', (chunk) => {
      if (current && killCurrent) {
        // The bridge has carried the request out and is answering: the client never hears it.
        current.killed = true;
        client.destroy();
        bridge.destroy();
        return;
      }
      if (current) {
        answer += chunk.toString('latin1');
        const end = answer.indexOf('\r\n\r\n');
        if (end >= 0) {
          const head = answer.slice(0, end);
          current.status = Number(head.split(' ', 2)[1]);
          current.replayed = headersOf(head)['idempotent-replayed'] === 'true';
          current = undefined;
        }
      }
      client.write(chunk);
    });
    const done = () => {
      client.destroy();
      bridge.destroy();
      sockets.delete(client);
      sockets.delete(bridge);
    };
    client.on('close', done).on('error', done);
    bridge.on('close', done).on('error', done);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    exchanges,
    /** @param {(exchange: Exchange) => boolean} match */
    killNext(match) {
      kill = match;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

const open = [];
const proxies = [];
after(async () => {
  open.forEach((bridge) => bridge.close());
  await Promise.all(proxies.map((proxy) => proxy.close()));
});

/**
 * Meetings A and B connected over REST as the server, and a moderator member of A whose client
 * (all its traffic through a proxy) follows A and, through the connection, B.
 */
async function memberOfAConnectedToB() {
  const { mars: a, earth: b } = await twoMeetings();
  const alice = unique('alice');
  await joinAs(a, alice, 'Alice');
  const { id } = await api('POST', `/api/meetings/${a}/connections`, { meetingId: b, payload: 'retries' });
  const proxy = await startProxy(BRIDGE_URL);
  proxies.push(proxy);
  const bridge = await connect(moderatorToken(alice), { url: proxy.url });
  open.push(bridge);
  const meeting = await bridge.meeting(a);
  const connection = meeting.connections.get(id);
  assert.ok(connection, 'the connection, from A\'s snapshot');
  await connection.ready;
  return { a, b, alice, proxy, connection };
}

const historyOf = async (meetingId) => (await api('GET', `/api/meetings/${meetingId}/events?after=0&limit=1000`)).events;

test('sendChatMessage retried across a killed connection posts once', async () => {
  const { a, b, alice, proxy, connection } = await memberOfAConnectedToB();
  const isChat = (exchange) => exchange.method === 'POST' && exchange.path.endsWith(`/connections/${connection.id}/chat-messages`);
  proxy.killNext(isChat);
  const text = `Hi from ${a}, once`;

  const message = await connection.meeting.sendChatMessage(text);

  assert.equal(message.message, text);
  assert.equal(message.sender.id, alice);
  const posts = proxy.exchanges.filter(isChat);
  assert.equal(posts.length, 2, 'the killed attempt and one retry');
  assert.equal(posts[0].killed, true);
  assert.ok(posts[0].key, 'an Idempotency-Key');
  assert.equal(posts[1].key, posts[0].key, 'retried with the same key');
  assert.ok(posts[1].status >= 200 && posts[1].status < 300, `answered ${posts[1].status}`);
  assert.equal(posts[1].replayed, true, 'the first answer, replayed');
  const chats = (await historyOf(b)).filter((event) => event.type === 'chat-message' && event.message.message === text);
  assert.equal(chats.length, 1, 'one chat-message in B\'s history');
  assert.deepEqual(message, chats[0].message);
});

test('connection.meeting.end() retried across a killed connection ends the meeting once', async () => {
  const { b, proxy, connection } = await memberOfAConnectedToB();
  const isEnd = (exchange) => exchange.method === 'POST' && exchange.path.endsWith(`/connections/${connection.id}/end`);
  proxy.killNext(isEnd);

  const ended = await connection.meeting.end();

  assert.equal(ended.id, b);
  assert.equal(ended.status, 'ended');
  const ends = proxy.exchanges.filter(isEnd);
  assert.equal(ends.length, 2);
  assert.equal(ends[0].killed, true);
  assert.equal(ends[1].key, ends[0].key);
  assert.equal(ends[1].replayed, true);
  assert.equal((await historyOf(b)).filter((event) => event.type === 'meeting-ended').length, 1);
  await eventually(() => connection.meeting.status === 'ended', { message: 'B ended, as the client follows it' });
});
