/**
 * The meeting-bridge console: sign in with a token, list and create meetings, follow one meeting
 * live (participants, connections with the other side's participants, an event feed ordered by
 * sequence, a picture), and act as the signed-in participant. Built only on the bridge's own
 * client module, /client/meeting-bridge.js.
 */
import { BridgeError, EVENT_TYPES, MeetingBridge } from '/client/meeting-bridge.js';
import { drawGraph } from './graph.js';

const $ = (id) => document.getElementById(id);
const STORAGE = 'meeting-bridge.console';
const FEED_LIMIT = 500;
const HISTORY_ON_OPEN = 50;

const state = {
  /** @type {MeetingBridge|null} */
  bridge: null,
  /** @type {import('/client/meeting-bridge.js').Meeting|null} the meeting followed */
  meeting: null,
  /** the meeting shown, followed or not (not a member yet) */
  meetingId: null,
  note: '',
  /** events of the shown meeting, ordered by sequence */
  feed: [],
  /** connection id to its card */
  cards: new Map(),
  /** connection id to [{direction, who, text}] */
  chats: new Map(),
  /** closed connections the user dismissed */
  dismissed: new Set(),
  list: { meetings: [], nextCursor: undefined, timer: undefined },
};

// ---------------------------------------------------------------------------------------------
// DOM helpers

/** Creates an element: `h('li', {class: 'x'}, 'text', child)`. */
function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }) : '');
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

let renderPending = false;
/** Coalesces re-renders: events arrive in bursts (an ending cascade). */
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  setTimeout(() => {
    renderPending = false;
    render();
  }, 0);
}

// ---------------------------------------------------------------------------------------------
// Problems: every refusal is shown with its title and detail

/** Shows a problem (a {@link BridgeError}, a problem-details object, or any error). */
function showProblem(error, context) {
  const problem = error instanceof BridgeError ? error.problem
    : error && typeof error === 'object' && (error.title || error.code) ? error
      : { title: 'Error', detail: String(error?.message ?? error) };
  const status = [problem.status || null, problem.code].filter(Boolean).join(' ');
  const item = h('div', { class: 'problem', role: 'alert' },
    h('div', { class: 'text' },
      h('strong', { class: 'problem-title' }, problem.title ?? 'Error'),
      status ? ` (${status})` : '',
      context ? h('span', { class: 'muted' }, ` while ${context}`) : '',
      problem.detail ? h('div', { class: 'problem-detail' }, problem.detail) : '',
      problem.errors?.length ? h('ul', {}, problem.errors.map((e) => h('li', {}, `${e.field}: ${e.message}`))) : ''),
    h('button', { type: 'button', class: 'dismiss', 'aria-label': `Dismiss: ${problem.title ?? 'error'}`, onclick: () => item.remove() }, 'Dismiss'));
  const box = $('problems');
  box.prepend(item);
  while (box.children.length > 6) box.lastElementChild.remove();
}

/** Runs an action with its button disabled; shows the problem if it fails. */
async function act(context, action, button) {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (error) {
    showProblem(error, context);
    return undefined;
  } finally {
    if (button) button.disabled = false;
    scheduleRender();
  }
}

const submitter = (event) => event.submitter ?? event.target.querySelector('button[type="submit"]');

// ---------------------------------------------------------------------------------------------
// Signing in and out

async function signIn(token, actAs, { restoring = false } = {}) {
  let bridge;
  try {
    bridge = await MeetingBridge.connect({ url: location.origin, token, actAs: actAs || undefined });
  } catch (error) {
    showProblem(error, 'signing in');
    if (restoring) sessionStorage.removeItem(STORAGE);
    return;
  }
  state.bridge = bridge;
  bridge.on('state', scheduleRender);
  bridge.on('error', (problem) => showProblem(problem, 'talking to the bridge'));
  bridge.on('reconnected', scheduleRender);
  const saved = JSON.parse(sessionStorage.getItem(STORAGE) ?? '{}');
  sessionStorage.setItem(STORAGE, JSON.stringify({ ...saved, token, actAs }));
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  const { isServer, roomId, participantId } = bridge.identity;
  $('meetings-list').hidden = !isServer;
  $('join-as-wrap').hidden = !isServer;
  $('join-bind-wrap').hidden = isServer;
  $('join-as').value = participantId ?? '';
  if (roomId) $('open-id').value = roomId;
  if (isServer) {
    refreshMeetings();
    state.list.timer = setInterval(() => refreshMeetings({ quiet: true }), 10000);
  }
  const last = restoring ? saved.meetingId : undefined;
  if (last) await openMeeting(last);
  render();
  $(last ? 'meeting-title' : 'open-id').focus?.();
}

function signOut() {
  closeMeetingView();
  clearInterval(state.list.timer);
  state.bridge?.close();
  state.bridge = null;
  state.list = { meetings: [], nextCursor: undefined, timer: undefined };
  sessionStorage.removeItem(STORAGE);
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('sign-out').hidden = true;
  $('token').value = '';
  render();
  $('token').focus();
}

// ---------------------------------------------------------------------------------------------
// The meetings list (server tokens)

async function refreshMeetings({ more = false, quiet = false } = {}) {
  const bridge = state.bridge;
  if (!bridge?.identity.isServer) return;
  try {
    const page = await bridge.listMeetings({
      status: $('meetings-status').value || undefined,
      cursor: more ? state.list.nextCursor : undefined,
      limit: 50,
    });
    state.list.meetings = more ? [...state.list.meetings, ...page.meetings] : page.meetings;
    state.list.nextCursor = page.nextCursor;
  } catch (error) {
    if (!quiet) showProblem(error, 'listing meetings');
  }
  renderMeetings();
  scheduleRender();
}

function renderMeetings() {
  const rows = state.list.meetings.map((m) => h('tr', { 'data-meeting': m.id },
    h('td', {}, h('code', {}, m.id)),
    h('td', {}, h('span', { class: `badge ${m.status}` }, m.status)),
    h('td', {}, String(m.participantCount ?? 0)),
    h('td', {}, String(m.connectionCount ?? 0)),
    h('td', {},
      h('button', { type: 'button', class: 'secondary', 'aria-label': `Open ${m.id}`, onclick: () => openMeeting(m.id) }, 'Open'),
      ' ',
      m.status === 'active'
        ? h('button', { type: 'button', class: 'danger', 'aria-label': `End ${m.id}`,
          onclick: (event) => act(`ending ${m.id}`, async () => {
            await state.bridge.endMeeting(m.id);
            await refreshMeetings();
          }, event.currentTarget) }, 'End')
        : '')));
  $('meetings-rows').replaceChildren(...rows);
  if (rows.length === 0) $('meetings-rows').append(h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No meetings')));
  $('meetings-more').hidden = !state.list.nextCursor;
}

// ---------------------------------------------------------------------------------------------
// Following one meeting

function closeMeetingView() {
  state.meeting?.dispose();
  state.meeting = null;
  state.meetingId = null;
  state.note = '';
  state.feed = [];
  state.cards.clear();
  state.chats.clear();
  state.dismissed.clear();
  $('connections').replaceChildren();
  $('feed').replaceChildren();
  const saved = JSON.parse(sessionStorage.getItem(STORAGE) ?? '{}');
  delete saved.meetingId;
  if (state.bridge) sessionStorage.setItem(STORAGE, JSON.stringify(saved));
}

async function openMeeting(meetingId) {
  if (!state.bridge) return;
  closeMeetingView();
  state.meetingId = meetingId;
  const saved = JSON.parse(sessionStorage.getItem(STORAGE) ?? '{}');
  sessionStorage.setItem(STORAGE, JSON.stringify({ ...saved, meetingId }));
  scheduleRender();
  try {
    await follow(await state.bridge.meeting(meetingId));
  } catch (error) {
    if (error.status === 403) {
      state.note = `You are not a member of ${meetingId}: join it to follow it live.`;
    } else {
      showProblem(error, `opening ${meetingId}`);
      state.note = error.code === 'meeting-not-found' ? `There is no meeting ${meetingId}.` : `Could not open ${meetingId}.`;
    }
  }
  scheduleRender();
}

async function follow(meeting) {
  if (state.meeting === meeting) return;
  state.meeting = meeting;
  state.note = '';
  // Every event type, so every topic is subscribed and the feed is complete.
  for (const type of EVENT_TYPES) meeting.on(type, onMeetingEvent);
  meeting.on('*', (event) => {
    if (event.type === 'sync') scheduleRender();
  });
  for (const connection of meeting.connections.values()) watchConnection(connection);
  // The recent past, so the feed does not start empty.
  const after = Math.max(0, meeting.sequence - HISTORY_ON_OPEN);
  try {
    const { events } = await meeting.history({ after, limit: HISTORY_ON_OPEN });
    for (const event of events) addToFeed(event);
  } catch (error) {
    showProblem(error, 'reading the event history');
  }
  scheduleRender();
}

function onMeetingEvent(detail, event) {
  addToFeed(event);
  if (event.type === 'connection-open') watchConnection(detail);
  if (event.type === 'chat-message') {
    const message = event.message;
    chatLog(message.connectionId).push({ direction: 'in', who: `${message.sender.displayName} (${message.fromMeetingId})`, text: message.message });
  }
  if (event.type === 'participant-left' && state.meeting && !state.meeting.attached && state.meeting.status !== 'ended') {
    state.note = 'You are no longer a member: join again to follow this meeting live.';
  }
  scheduleRender();
}

function watchConnection(connection) {
  if (!connection?.meeting) return;
  connection.meeting.on('*', scheduleRender);
  connection.ready.then(scheduleRender, scheduleRender);
}

function chatLog(connectionId) {
  if (!state.chats.has(connectionId)) state.chats.set(connectionId, []);
  return state.chats.get(connectionId);
}

/** Inserts an event into the feed by sequence, once. */
function addToFeed(event) {
  if (typeof event.sequence !== 'number' || event.meetingId !== state.meetingId) return;
  const feed = state.feed;
  if (feed.some((e) => e.sequence === event.sequence)) return;
  let index = feed.length;
  while (index > 0 && feed[index - 1].sequence > event.sequence) index -= 1;
  feed.splice(index, 0, event);
  if (feed.length > FEED_LIMIT) feed.splice(0, feed.length - FEED_LIMIT);
}

function describe(event) {
  switch (event.type) {
    case 'participant-joined':
      return `${event.participant.displayName} (${event.participant.id}) joined`;
    case 'participant-left':
      return `${event.participant.displayName} (${event.participant.id}) left: ${event.reason}`;
    case 'chat-message':
      return `${event.message.sender.displayName} of ${event.message.fromMeetingId}: “${event.message.message}”`;
    case 'connection-open':
      return `connected to ${event.connection.meeting.id}${event.connection.payload ? `: “${event.connection.payload}”` : ''}`;
    case 'connection-close': {
      const other = state.meeting?.closedConnections.get(event.connectionId)?.meeting.id
        ?? state.meeting?.connections.get(event.connectionId)?.meeting.id;
      return `connection ${other ? `to ${other} ` : ''}closed: ${event.reason}`;
    }
    case 'meeting-ended':
      return `meeting ended${event.endedBy ? ` by ${event.endedBy.participantId ?? 'the server'} of ${event.endedBy.meetingId}` : ''}`;
    default:
      return event.type;
  }
}

// ---------------------------------------------------------------------------------------------
// Actions as the signed-in participant

async function join(event) {
  event.preventDefault();
  const id = state.meetingId;
  const form = new FormData(event.target);
  const displayName = String(form.get('displayName') ?? '').trim();
  const participantId = String(form.get('participantId') ?? '').trim() || undefined;
  const bindToSession = $('join-bind').checked;
  await act(`joining ${id}`, async () => {
    const meeting = await state.bridge.meeting(id, { join: { displayName, participantId, bindToSession } });
    if (participantId && state.bridge.identity.isServer) state.bridge.actAs = participantId;
    await follow(meeting);
    state.note = '';
  }, submitter(event));
}

async function connect(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const meetingId = String(form.get('meetingId') ?? '').trim();
  const payload = String(form.get('payload') ?? '');
  await act(`connecting to ${meetingId}`, async () => {
    const connection = await state.meeting.connectTo({ meetingId, payload });
    watchConnection(connection);
    event.target.reset();
  }, submitter(event));
}

// ---------------------------------------------------------------------------------------------
// Rendering

function render() {
  renderState();
  if (!state.bridge) return;
  renderMeeting();
  renderGraph();
}

function renderState() {
  const bridge = state.bridge;
  const badge = $('connection-state');
  const label = bridge ? bridge.state : 'signed out';
  badge.textContent = label;
  badge.className = `badge ${label}`;
  const who = $('whoami');
  if (!bridge) {
    who.textContent = '';
    return;
  }
  const { isServer, sub, participantId, permissions, roomId, exp } = bridge.identity;
  const parts = isServer
    ? ['server token', participantId ? `acting as ${participantId}` : 'acting as nobody yet']
    : [sub, permissions.join(', ') || 'no permissions', roomId ? `room ${roomId}` : null];
  if (exp) parts.push(`expires ${new Date(exp * 1000).toLocaleTimeString()}`);
  who.textContent = parts.filter(Boolean).join(' · ');
}

function renderMeeting() {
  const panel = $('meeting-panel');
  const id = state.meetingId;
  panel.hidden = !id;
  $('feed-meeting').textContent = id ? `of ${id}` : '';
  if (!id) {
    $('feed').replaceChildren();
    return;
  }
  const meeting = state.meeting;
  const me = state.bridge.identity.participantId;
  const following = Boolean(meeting && (meeting.attached || meeting.status === 'ended'));
  const status = meeting?.status ?? 'unknown';
  const member = Boolean(following && me && meeting.participants.has(me));
  $('meeting-id').textContent = id;
  const badge = $('meeting-status');
  badge.textContent = following ? status : 'not followed';
  badge.className = `badge ${following ? status : ''}`;
  const note = $('meeting-note');
  note.textContent = state.note;
  note.hidden = !state.note;

  const ended = status === 'ended';
  $('join-form').hidden = member || ended;
  $('leave').disabled = !member;
  $('end-meeting').disabled = !following || ended;
  for (const control of $('connect-form').elements) control.disabled = !following || ended;

  const participants = following ? [...meeting.participants.values()] : [];
  $('participant-count').textContent = String(participants.length);
  $('participants').replaceChildren(...participants.map((p) => h('li', { class: p.id === me ? 'me' : undefined, 'data-participant': p.id },
    p.displayName, ' ', h('code', {}, p.id))));

  renderConnections(meeting);
  renderFeed();
}

function renderConnections(meeting) {
  const container = $('connections');
  const shown = [];
  if (meeting) {
    for (const connection of meeting.connections.values()) shown.push(connection);
    for (const connection of meeting.closedConnections.values()) if (!state.dismissed.has(connection.id)) shown.push(connection);
  }
  for (const [id, card] of state.cards) {
    if (!shown.some((c) => c.id === id)) {
      card.element.remove();
      state.cards.delete(id);
    }
  }
  for (const connection of shown) {
    let card = state.cards.get(connection.id);
    if (!card) {
      card = buildCard(connection);
      state.cards.set(connection.id, card);
    }
    if (card.element.parentNode !== container) container.append(card.element);
    updateCard(card);
  }
  $('connection-count').textContent = String(meeting ? meeting.connections.size : 0);
}

/** A connection card, made once so that typing in its chat field survives updates. */
function buildCard(connection) {
  const other = connection.meeting.id;
  const key = connection.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const titleId = `conn-${key}-title`;
  const peopleId = `conn-${key}-people`;
  const inputId = `conn-${key}-message`;
  const status = h('span', { class: 'badge' });
  const people = h('ul', { class: 'people', 'aria-labelledby': peopleId });
  const log = h('ol', { class: 'chat-log', 'aria-label': `Chat over the connection to ${other}` });
  const input = h('input', { id: inputId, name: 'message', required: true, maxlength: 4096, autocomplete: 'off' });
  const send = h('button', { type: 'submit' }, 'Send');
  const endOther = h('button', { type: 'button', class: 'danger' }, `End ${other}`);
  const close = h('button', { type: 'button', class: 'secondary' }, 'Close connection');
  const dismiss = h('button', { type: 'button', class: 'dismiss', hidden: true }, 'Dismiss');
  const form = h('form', { class: 'row chat' },
    h('label', { for: inputId }, `Message to ${other}`), input, send);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    await act(`sending chat to ${other}`, async () => {
      const message = await connection.meeting.sendChatMessage(text);
      chatLog(connection.id).push({ direction: 'out', who: message.sender.displayName, text: message.message });
      input.value = '';
    }, send);
  });
  endOther.addEventListener('click', () => act(`ending ${other}`, () => connection.meeting.end(), endOther));
  close.addEventListener('click', () => act(`closing the connection to ${other}`, () => connection.close(), close));
  dismiss.addEventListener('click', () => {
    state.dismissed.add(connection.id);
    scheduleRender();
  });
  const element = h('article', { class: 'connection', 'aria-labelledby': titleId, 'data-connection': connection.id, 'data-meeting': other },
    h('h4', { id: titleId }, 'Connection to ', h('code', {}, other), ' ', status),
    h('p', { class: 'meta' },
      connection.payload ? `Payload “${connection.payload}” · ` : 'No payload · ',
      `since ${time(connection.createdAt)} · `, h('code', {}, connection.id)),
    h('p', { class: 'hint', id: peopleId }, `Participants of ${other}`),
    people, log, form,
    h('div', { class: 'row actions' }, endOther, close, dismiss));
  return { connection, element, status, people, log, input, send, endOther, close, dismiss };
}

function updateCard(card) {
  const { connection } = card;
  const other = connection.meeting;
  const closed = connection.closed;
  const label = closed ? `closed: ${connection.closeReason}` : other.status === 'ended' ? 'ended' : 'open';
  card.status.textContent = label;
  card.status.className = `badge ${closed ? 'closed' : 'active'}`;
  card.element.classList.toggle('closed', closed);
  card.people.replaceChildren(...[...other.participants.values()].map((p) => h('li', { 'data-participant': p.id }, p.displayName, ' ', h('code', {}, p.id))));
  const messages = state.chats.get(connection.id) ?? [];
  if (card.log.children.length !== messages.length) {
    card.log.replaceChildren(...messages.map((m) => h('li', {},
      h('span', { class: 'dir' }, m.direction === 'out' ? '→ ' : '← '), h('strong', {}, m.who), `: ${m.text}`)));
    card.log.scrollTop = card.log.scrollHeight;
  }
  for (const control of [card.input, card.send, card.endOther, card.close]) control.disabled = closed;
  card.dismiss.hidden = !closed;
}

function renderFeed() {
  const list = $('feed');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const have = new Set([...list.children].map((li) => Number(li.dataset.sequence)));
  if (have.size === state.feed.length && state.feed.every((e) => have.has(e.sequence))) return;
  list.replaceChildren(...state.feed.map((event) => h('li', { 'data-sequence': event.sequence, 'data-type': event.type },
    h('span', { class: 'seq' }, `#${event.sequence}`),
    h('span', { class: 'time' }, time(event.timestamp)),
    h('span', { class: 'what' }, h('span', { class: `type ${event.type}` }, event.type), describe(event)))));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderGraph() {
  const nodes = [];
  const edges = [];
  const meeting = state.meeting;
  if (meeting && state.meetingId) {
    nodes.push({ id: meeting.id, count: meeting.participants.size, status: meeting.status, focus: true });
    const connections = [...meeting.connections.values(),
      ...[...meeting.closedConnections.values()].filter((c) => !state.dismissed.has(c.id))];
    for (const connection of connections) {
      const other = connection.meeting;
      if (!nodes.some((n) => n.id === other.id)) nodes.push({ id: other.id, count: other.participants.size, status: other.status });
      edges.push({ id: connection.id, from: meeting.id, to: other.id, payload: connection.payload,
        closed: connection.closed, reason: connection.closeReason });
    }
  } else if (state.bridge?.identity.isServer) {
    for (const m of state.list.meetings.slice(0, 12)) nodes.push({ id: m.id, count: m.participantCount ?? 0, status: m.status });
  }
  drawGraph($('graph'), { nodes, edges });
}

// ---------------------------------------------------------------------------------------------
// Wiring

function wire() {
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    const actAs = $('act-as').value.trim();
    await act('signing in', () => signIn(token, actAs), submitter(event));
  });
  // A server token mints a participant token (POST /api/tokens), for trying things out as that participant.
  $('mint').addEventListener('click', (event) => act('minting a participant token', async () => {
    const participantId = $('act-as').value.trim();
    if (!participantId) throw new BridgeError({ title: 'Name the participant', status: 400, code: 'validation-failed', detail: 'Fill in "Act as participant" first.' });
    const response = await fetch('/api/tokens', {
      method: 'POST',
      headers: { Authorization: `Bearer ${$('token').value.trim()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participantId, permissions: ['allow_join', 'allow_mod'] }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new BridgeError({ status: response.status, ...body });
    $('token').value = body.token;
    $('act-as').value = '';
  }, event.currentTarget));
  $('sign-out').addEventListener('click', signOut);
  $('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    openMeeting($('open-id').value.trim());
  });
  $('create-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const meetingId = $('create-id').value.trim() || undefined;
    act('creating a meeting', async () => {
      const created = await state.bridge.createMeeting({ meetingId });
      $('create-id').value = '';
      await refreshMeetings({ quiet: true });
      await openMeeting(created.id);
    }, submitter(event));
  });
  $('meetings-refresh').addEventListener('click', () => refreshMeetings());
  $('meetings-more').addEventListener('click', () => refreshMeetings({ more: true }));
  $('meetings-status').addEventListener('change', () => refreshMeetings());
  $('join-form').addEventListener('submit', join);
  $('leave').addEventListener('click', (event) => act(`leaving ${state.meetingId}`, async () => {
    await state.meeting.leave();
    if (!state.meeting.attached) state.note = 'You left: join again to follow this meeting live.';
  }, event.currentTarget));
  $('end-meeting').addEventListener('click', (event) => act(`ending ${state.meetingId}`, async () => {
    await state.meeting.end();
    await refreshMeetings({ quiet: true });
  }, event.currentTarget));
  $('close-view').addEventListener('click', () => {
    closeMeetingView();
    render();
    $('open-id').focus();
  });
  $('connect-form').addEventListener('submit', connect);

  const saved = JSON.parse(sessionStorage.getItem(STORAGE) ?? 'null');
  if (saved?.token) signIn(saved.token, saved.actAs, { restoring: true });
  render();
}

wire();
