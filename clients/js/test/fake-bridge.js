// A bridge in memory for the unit tests: meetings with a sequenced history, REST through a fetch
// function and STOMP through a WebSocket class, both handed to MeetingBridge.connect. A test
// decides which published events reach the subscribers, so it can make gaps, trim the history
// and close sessions the way the real bridge does; roll a meeting back as a Redis failover does
// (a new epoch, or the same one when no instance noticed); and refuse changes, or carry one out
// and lose its answer, with Idempotency-Keys kept and replayed as the bridge does. Like the
// bridge, it keeps a participant's subscription only while one of the grounds it was made on
// holds (membership of the meeting, or of a meeting connected to it) and drops it without a word
// when the event that takes the last one away is delivered.
import { FrameParser, encodeFrame } from '../src/stomp/frames.js';

const TYPES = ['participant-joined', 'participant-left', 'chat-message', 'connection-open', 'connection-close', 'meeting-ended'];

export class FakeBridge {
  constructor() {
    /** @type {Map<string, {id: string, status: string, createdAt: string, participants: Map<string, object>, connections: object[], history: object[], sequence: number}>} */
    this.meetings = new Map();
    /** @type {FakeSocket[]} */
    this.sockets = [];
    /** every REST call as `METHOD path` */
    this.calls = [];
    /** resolves the next history read when set (to hold a fill while events arrive) */
    this.gate = undefined;
    /** how many history reads (other than the `limit=1` probes) answer 503 */
    this.unavailable = 0;
    /** every REST call as `{method, path, key, body}`, `key` its Idempotency-Key */
    this.requests = [];
    /** refusals (`{status, code, retryAfter}`) answered to the next changes instead of carrying them out */
    this.refusals = [];
    /** how many of the next changes are carried out and then lose their answer (fetch rejects) */
    this.dropAnswers = 0;
    /** Idempotency-Key to the change it named and the success answer it got */
    this.answers = new Map();
    /** whether history reads with `epoch` refuse a position the history no longer continues */
    this.checksPositions = true;
    this.epochCount = 0;
    /** the most events a history read answers (the bridge's limit), whatever `limit` asks */
    this.historyLimit = Infinity;
    /** the largest `limit` a history read accepts: a larger one is refused with 400, as the bridge does */
    this.maxHistoryLimit = Infinity;
    /** whether a leave (DELETE, or a switch's move) is carried out without its event being delivered; the events wait in `withheld` */
    this.withholdLeaves = false;
    /** events published and not delivered, for a test to deliver */
    this.withheld = [];
    /** meetings whose reads answer 403, as when the caller is no longer a member */
    this.forbidden = new Set();
    /** whether every REST call answers 401, as for an expired token */
    this.refusesToken = false;
    const server = this;
    this.fetch = async (url, init = {}) => {
      const method = init.method ?? 'GET';
      const answer = await server.handle(new URL(url), method, init.body ? JSON.parse(init.body) : undefined, new Headers(init.headers));
      if (method !== 'GET' && server.dropAnswers > 0) {
        server.dropAnswers -= 1;
        throw new TypeError('fetch failed: other side closed');
      }
      return answer;
    };
    this.WebSocket = class extends FakeSocket {
      constructor(url, protocols) {
        super(server, url, protocols);
      }
    };
  }

  /** The live (open) socket, the last one opened. */
  get socket() {
    return this.sockets.filter((s) => s.readyState === 1).at(-1);
  }

  createMeeting(id) {
    const meeting = {
      id, status: 'active', createdAt: new Date(0).toISOString(), participants: new Map(), connections: [], history: [],
      sequence: 0, epoch: this.nextEpoch(),
    };
    this.meetings.set(id, meeting);
    return meeting;
  }

  /** `e1`, `e2`, ...: the bridge's are random; these are for reading in assertions. */
  nextEpoch() {
    this.epochCount += 1;
    return `e${this.epochCount}`;
  }

  /**
   * Loses the writes after `sequence`, as a Redis failover does: the meeting's participants and
   * sequence go back there (joins and leaves are undone) and its events after it are gone. With
   * `newEpoch` (the bridge noticed, as it does) the meeting gets a new epoch whose history starts
   * empty; without, the same epoch goes on (a loss no instance noticed). Returns the epoch.
   */
  failover(meetingId, sequence, { newEpoch = true } = {}) {
    const meeting = this.meetings.get(meetingId);
    const lost = meeting.history.filter((event) => event.sequence > sequence).reverse();
    if (lost.length !== meeting.sequence - sequence) throw new Error('the history must reach back to undo the lost events');
    for (const event of lost) {
      if (event.type === 'participant-joined') meeting.participants.delete(event.participant.id);
      if (event.type === 'participant-left') meeting.participants.set(event.participant.id, event.participant);
    }
    meeting.sequence = sequence;
    meeting.history = newEpoch ? [] : meeting.history.filter((event) => event.sequence <= sequence);
    if (newEpoch) meeting.epoch = this.nextEpoch();
    return meeting.epoch;
  }

  /**
   * Records an event as the bridge's scripts do (sequence, state, history) and, unless
   * `deliver` is false, sends it to every subscription of its topic.
   */
  publish(meetingId, body, { deliver = true } = {}) {
    const meeting = this.meetings.get(meetingId);
    meeting.sequence += 1;
    const event = { ...body, meetingId, epoch: meeting.epoch, sequence: meeting.sequence, timestamp: new Date().toISOString() };
    if (event.type === 'participant-joined') meeting.participants.set(event.participant.id, event.participant);
    if (event.type === 'participant-left') meeting.participants.delete(event.participant.id);
    if (event.type === 'meeting-ended') {
      meeting.status = 'ended';
      meeting.participants.clear();
    }
    meeting.history.push(event);
    if (deliver) this.deliver(event);
    return event;
  }

  join(meetingId, id, options) {
    return this.publish(meetingId, { type: 'participant-joined', participant: { id, displayName: id, joinedAt: new Date().toISOString() } }, options);
  }

  leave(meetingId, id, options) {
    const participant = this.meetings.get(meetingId).participants.get(id);
    return this.publish(meetingId, { type: 'participant-left', participant, reason: 'left' }, options);
  }

  /** Sends a switch-meeting message to every live session's user queue; how many it reached. */
  sendSwitch(message) {
    return this.sockets.reduce((reached, socket) => reached + (socket.deliver('/user/queue/switch-meeting', message) > 0 ? 1 : 0), 0);
  }

  /** Sends an event to every live subscription of its topic; then drops those it took the grounds of. */
  deliver(event) {
    const destination = `/topic/meetings/${event.meetingId}/${event.type}`;
    for (const socket of this.sockets) socket.deliver(destination, event);
    for (const socket of this.sockets) socket.revokeFor(event);
  }

  /**
   * The grounds a participant's subscription to a meeting is made on, as the bridge reads them:
   * `member:{meeting}` and `via:{connection}:{meeting it is in}`.
   * @returns {Set<string>}
   */
  groundsOf(participantId, meetingId) {
    const grounds = new Set();
    const meeting = this.meetings.get(meetingId);
    if (meeting?.participants.has(participantId)) grounds.add(`member:${meetingId}`);
    for (const other of this.meetings.values()) {
      for (const connection of other.connections) {
        if (connection.meeting.id === meetingId && other.participants.has(participantId)) grounds.add(`via:${connection.id}:${other.id}`);
      }
    }
    return grounds;
  }

  /** Forgets the history up to and including `sequence`, as the capped history does. */
  trim(meetingId, sequence) {
    const meeting = this.meetings.get(meetingId);
    meeting.history = meeting.history.filter((event) => event.sequence > sequence);
  }

  participantIds(meetingId) {
    return [...this.meetings.get(meetingId).participants.keys()].sort();
  }

  /**
   * A change (POST, DELETE) is carried out once per Idempotency-Key, as the bridge does: a repeat
   * of the same request gets the kept answer, text for text, marked `Idempotent-Replayed`; the
   * key with another request is refused. Refusals are not kept.
   */
  async handle(url, method, body, headers = new Headers()) {
    this.calls.push(`${method} ${url.pathname}${url.search}`);
    const key = headers.get('Idempotency-Key') ?? undefined;
    this.requests.push({ method, path: `${url.pathname}${url.search}`, key, body });
    if (method === 'GET') return this.route(url, method, body);
    const request = JSON.stringify([method, url.pathname, body ?? null]);
    const kept = key === undefined ? undefined : this.answers.get(key);
    if (kept && kept.request !== request) {
      return respond(422, { title: 'Idempotency-Key reused', status: 422, code: 'idempotency-key-reused' });
    }
    if (kept) return reply(kept.status, kept.text, { 'Idempotent-Replayed': 'true' });
    const refusal = this.refusals.shift();
    if (refusal) {
      const { status, code, retryAfter } = refusal;
      return respond(status, { title: 'Refused', status, code }, retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) });
    }
    const answer = await this.route(url, method, body);
    if (key !== undefined && answer.ok) this.answers.set(key, { request, status: answer.status, text: await answer.text() });
    return answer;
  }

  async route(url, method, body) {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent); // api, meetings, m, ...
    if (this.refusesToken) {
      return respond(401, { title: 'Authentication required', status: 401, code: 'unauthenticated', detail: 'the token is malformed, badly signed or expired' });
    }
    if (this.forbidden.has(parts[2])) return respond(403, { title: 'Forbidden', status: 403, code: 'forbidden', detail: 'not a member' });
    const meeting = this.meetings.get(parts[2]);
    if (!meeting) return respond(404, { title: 'Not Found', status: 404, code: 'meeting-not-found', detail: `Meeting ${parts[2]} does not exist` });
    if (method === 'GET' && parts.length === 3) return respond(200, info(meeting));
    if (method === 'GET' && parts[3] === 'events') {
      if (this.gate) await this.gate;
      if (this.unavailable > 0 && url.searchParams.get('limit') !== '1') {
        this.unavailable -= 1;
        return respond(503, { title: 'Service Unavailable', status: 503, code: 'store-unavailable', detail: 'Redis is unreachable' });
      }
      const after = Number(url.searchParams.get('after') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 100);
      if (limit > this.maxHistoryLimit) {
        const message = `must be between 1 and ${this.maxHistoryLimit}`;
        return respond(400, { title: 'Invalid request', status: 400, code: 'validation-failed', detail: `Invalid limit: ${message}`,
          errors: [{ field: 'limit', message }] });
      }
      const epoch = url.searchParams.get('epoch');
      if (epoch !== null && this.checksPositions && (epoch !== meeting.epoch || after > meeting.sequence)) {
        return respond(409, { title: 'History reset', status: 409, code: 'history-reset', detail: `now ${meeting.epoch} at ${meeting.sequence}` });
      }
      const events = meeting.history.filter((event) => event.sequence > after).slice(0, Math.min(limit, this.historyLimit));
      return respond(200, { events, latestSequence: meeting.sequence, epoch: meeting.epoch });
    }
    if (method === 'GET' && parts[3] === 'connections') return respond(200, { connections: meeting.connections });
    if (method === 'POST' && parts[3] === 'participants') {
      const id = body.participantId ?? 'me';
      if (!meeting.participants.has(id)) this.join(meeting.id, id);
      return respond(201, meeting.participants.get(id));
    }
    if (method === 'DELETE' && parts[3] === 'participants' && parts.length === 5) {
      if (meeting.participants.has(parts[4])) {
        const event = this.leave(meeting.id, parts[4], { deliver: !this.withholdLeaves });
        if (this.withholdLeaves) this.withheld.push(event);
      }
      return reply(204, '');
    }
    if (method === 'POST' && parts[3] === 'end' && parts.length === 4) return respond(200, info(this.end(meeting.id)));
    if (method === 'POST' && parts[3] === 'connections' && parts.length === 8 && parts[7] === 'switch') {
      const connection = meeting.connections.find((c) => c.id === parts[4]);
      if (!connection) return respond(404, { title: 'Not Found', status: 404, code: 'connection-not-found' });
      const other = connection.meeting.id;
      const participant = this.meetings.get(other).participants.get(parts[6]);
      if (!participant) return respond(404, { title: 'Not Found', status: 404, code: 'participant-not-found' });
      this.switches = (this.switches ?? 0) + 1;
      const switchId = `sw_${this.switches}`;
      if (body.move) {
        // As the bridge: leave (switched, to), then join the target (from).
        const left = this.publish(other, { type: 'participant-left', participant, reason: 'switched', to: body.meetingId }, { deliver: !this.withholdLeaves });
        if (this.withholdLeaves) this.withheld.push(left);
        this.publish(body.meetingId, { type: 'participant-joined', participant, from: other });
      }
      const message = {
        switchId, meetingId: body.meetingId, ...(body.token === undefined ? {} : { token: body.token }),
        payload: body.payload ?? '', connectionParticipantId: 'ops', connectionMeetingId: meeting.id, moved: Boolean(body.move),
      };
      return respond(202, { switchId, sessions: this.sendSwitch(message) });
    }
    if (method === 'POST' && parts[3] === 'connections' && parts.length === 6) {
      const connection = meeting.connections.find((c) => c.id === parts[4]);
      if (!connection) return respond(404, { title: 'Not Found', status: 404, code: 'connection-not-found' });
      const other = connection.meeting.id;
      if (parts[5] === 'end') return respond(200, info(this.end(other)));
      if (parts[5] === 'chat-messages') {
        const senderId = body.senderId ?? 'me';
        const message = {
          id: `m${this.calls.length}`, connectionId: connection.id, fromMeetingId: meeting.id, toMeetingId: other,
          sender: { id: senderId, displayName: senderId }, message: body.message, timestamp: new Date().toISOString(),
        };
        this.publish(other, { type: 'chat-message', message });
        return respond(201, message);
      }
    }
    return respond(405, { title: 'Method Not Allowed', status: 405, code: 'method-not-allowed' });
  }

  end(meetingId) {
    const meeting = this.meetings.get(meetingId);
    if (meeting.status !== 'ended') this.publish(meetingId, { type: 'meeting-ended' });
    return meeting;
  }
}

function info(meeting) {
  return {
    id: meeting.id, status: meeting.status, createdAt: meeting.createdAt,
    participants: Object.fromEntries(meeting.participants), connections: meeting.connections.map((c) => c.id),
  };
}

function respond(status, json, headers) {
  return reply(status, JSON.stringify(json), headers);
}

function reply(status, text, headers = {}) {
  return { status, ok: status >= 200 && status < 300, statusText: '', headers: new Headers(headers), text: async () => text };
}

/** The WebSocket the client gets: speaks just enough STOMP 1.2 and records what it is sent. */
class FakeSocket {
  constructor(server, url, protocols) {
    this.server = server;
    this.url = url;
    this.protocols = protocols;
    this.readyState = 0;
    this.parser = new FrameParser();
    /** subscription id to destination */
    this.subscriptions = new Map();
    /** subscription id to its grounds, for a participant's session */
    this.grounds = new Map();
    /** @type {string | undefined} the participant of a participant token (not a server token) */
    this.participantId = undefined;
    this.frames = [];
    this.messageId = 0;
    server.sockets.push(this);
    setTimeout(() => {
      this.readyState = 1;
      this.onopen?.({});
    }, 0);
  }

  send(data) {
    for (const frame of this.parser.push(String(data))) {
      this.frames.push(frame);
      const { command, headers } = frame;
      if (command === 'CONNECT') {
        const claims = JSON.parse(Buffer.from(headers.Authorization.split(' ')[1].split('.')[1], 'base64url').toString());
        if (!claims.roles?.includes('server')) this.participantId = claims.sub;
        this.reply(encodeFrame('CONNECTED', { version: '1.2', 'heart-beat': '0,0' }));
      }
      if (command === 'SUBSCRIBE') {
        if (!TYPES.some((type) => headers.destination.endsWith(`/${type}`)) && !['/user/queue/errors', '/user/queue/switch-meeting'].includes(headers.destination)) {
          // As the bridge: the code in the message header, the problem detail as the body.
          const problem = { title: 'Unknown destination', status: 404, code: 'unknown-destination', detail: 'no such topic' };
          this.reply(encodeFrame('ERROR', { message: 'unknown-destination: no such topic', 'receipt-id': headers.receipt, 'content-type': 'application/json' }, JSON.stringify(problem)));
          this.close(1002);
          return;
        }
        this.subscriptions.set(headers.id, headers.destination);
        const meetingId = headers.destination.split('/')[3];
        if (this.participantId !== undefined && headers.destination.startsWith('/topic/')) {
          this.grounds.set(headers.id, this.server.groundsOf(this.participantId, meetingId));
        }
        if (headers.receipt) this.reply(encodeFrame('RECEIPT', { 'receipt-id': headers.receipt }));
      }
      if (command === 'UNSUBSCRIBE') {
        this.subscriptions.delete(headers.id);
        this.grounds.delete(headers.id);
      }
      if (command === 'DISCONNECT') this.close(1000);
    }
  }

  deliver(destination, event) {
    if (this.readyState !== 1) return 0;
    let delivered = 0;
    for (const [id, subscribed] of this.subscriptions) {
      if (subscribed !== destination) continue;
      delivered += 1;
      this.messageId += 1;
      this.reply(encodeFrame('MESSAGE', { destination, subscription: id, 'message-id': String(this.messageId), 'content-type': 'application/json' }, JSON.stringify(event)));
    }
    return delivered;
  }

  /** Drops, without a word, the subscriptions whose last ground the event took away. */
  revokeFor(event) {
    const taken = (ground) => {
      if (event.type === 'participant-left' && event.reason !== 'meeting-ended') {
        return event.participant.id === this.participantId
          && (ground === `member:${event.meetingId}` || ground.endsWith(`:${event.meetingId}`));
      }
      if (event.type === 'connection-close') return ground.startsWith(`via:${event.connectionId}:`);
      return false;
    };
    for (const [id, grounds] of this.grounds) {
      const lost = [...grounds].filter(taken);
      if (lost.length === 0) continue;
      for (const ground of lost) grounds.delete(ground);
      if (grounds.size > 0) continue;
      this.grounds.delete(id);
      this.subscriptions.delete(id);
    }
  }

  reply(text) {
    if (this.readyState === 1) this.onmessage?.({ data: text });
  }

  /** Closes from either side; the client hears of it asynchronously, as from a real socket. */
  close(code = 1000, reason = '') {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    this.subscriptions.clear();
    setTimeout(() => this.onclose?.({ code, reason }), 0);
  }
}

/** Polls until `check()` is truthy, or fails after `timeoutMs`. */
export async function eventually(check, { timeoutMs = 5000, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A token with the given claims (the fake does not check signatures; the client only decodes). */
export function token(claims) {
  const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode({ alg: 'HS256' })}.${encode({ exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.signature`;
}
