/**
 * The meeting-bridge console: sign in with a token, list and create meetings, follow one meeting
 * live (participants, connections with the other side's participants, an event feed ordered by
 * sequence, a picture), and act as the signed-in participant. Every meeting has an address,
 * `#/meetings/{id}`. Built only on the bridge's own client module, /client/meeting-bridge.js.
 */
import { EVENT_TYPES, MeetingBridge } from '/client/meeting-bridge.js';
import { drawGraph } from './graph.js';
import { meetingsList } from './list.js';
import { $, act, clearProblem, confirmAction, h, plural, problemOf, showProblem, time } from './ui.js';

const STORAGE = 'meeting-bridge.console';
const FEED_LIMIT = 500;
const HISTORY_ON_OPEN = 50;
const MISSING_RECHECK_MS = 5000;

const state = {
  /** @type {MeetingBridge|null} */
  bridge: null,
  /** @type {import('/client/meeting-bridge.js').Meeting|null} the meeting followed */
  meeting: null,
  /** the meeting shown, followed or not */
  meetingId: null,
  /** what the meeting panel shows: loading, following, forbidden (not a member), missing, unavailable */
  view: 'loading',
  note: '',
  /** events of the shown meeting, ordered by sequence */
  feed: [],
  /** connection id to its card */
  cards: new Map(),
  /** connection id to [{direction, who, text}] */
  chats: new Map(),
  /** closed connections the user dismissed */
  dismissed: new Set(),
  /** re-checks whether a missing meeting exists by now */
  missingTimer: undefined,
};

const list = meetingsList({
  bridge: () => state.bridge,
  open: (meetingId) => go(meetingId),
  onRefresh: (ids) => {
    if (state.view === 'missing' && ids.includes(state.meetingId)) openCurrent();
    scheduleRender();
  },
});

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
// Addresses: #/meetings/{id} opens a meeting, #/ shows none; the back button walks them.

function meetingInAddress() {
  const match = /^#\/meetings\/([^/]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

/** Shows a meeting (or none) by changing the address; `route` follows it. */
function go(meetingId) {
  const hash = meetingId ? `#/meetings/${encodeURIComponent(meetingId)}` : '#/';
  if (location.hash !== hash) location.hash = hash;
  route();
}

function route() {
  if (!state.bridge) return;
  const meetingId = meetingInAddress();
  if (meetingId === state.meetingId) return;
  if (meetingId) showMeeting(meetingId);
  else {
    closeMeetingView();
    render();
  }
}

// ---------------------------------------------------------------------------------------------
// Signing in and out

async function signIn(token, actAs, { restoring = false } = {}) {
  let bridge;
  try {
    bridge = await MeetingBridge.connect({ url: location.origin, token, actAs: actAs || undefined });
  } catch (error) {
    showProblem($('sign-in-problem'), error, 'signing in');
    if (restoring) sessionStorage.removeItem(STORAGE);
    return;
  }
  clearProblem($('sign-in-problem'));
  state.bridge = bridge;
  bridge.on('state', (connection) => {
    if (connection === 'connected') $('problems').replaceChildren();
    scheduleRender();
  });
  bridge.on('error', showBridgeProblem);
  bridge.on('reconnected', scheduleRender);
  sessionStorage.setItem(STORAGE, JSON.stringify({ token, actAs }));
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  const { isServer, roomId, participantId } = bridge.identity;
  $('meetings-list').hidden = !isServer;
  $('join-as-wrap').hidden = !isServer;
  $('join-bind-wrap').hidden = isServer;
  $('join-as').value = participantId ?? '';
  if (roomId) $('open-id').value = roomId;
  if (isServer) list.start();
  route();
  render();
  $(meetingInAddress() ? 'meeting-title' : 'open-id').focus?.();
}

/**
 * A problem the bridge reports outside any action (a refused frame, a failed catch-up): one
 * banner per kind, replaced rather than piled up, and cleared when the session is up again.
 */
function showBridgeProblem(problem) {
  const key = problem.code ?? problem.title ?? 'problem';
  const box = $('problems');
  let slot = [...box.children].find((child) => child.dataset.key === key);
  if (!slot) {
    slot = h('div', { 'data-key': key });
    box.prepend(slot);
  }
  showProblem(slot, problem, 'talking to the bridge');
}

function signOut() {
  closeMeetingView();
  list.stop();
  state.bridge?.close();
  state.bridge = null;
  sessionStorage.removeItem(STORAGE);
  $('problems').replaceChildren();
  $('workspace').hidden = true;
  $('sign-in').hidden = false;
  $('sign-out').hidden = true;
  $('token').value = '';
  render();
  $('token').focus();
}

// ---------------------------------------------------------------------------------------------
// Following one meeting

function closeMeetingView() {
  clearTimeout(state.missingTimer);
  state.meeting?.dispose();
  Object.assign(state, { meeting: null, meetingId: null, view: 'loading', note: '', feed: [] });
  state.cards.clear();
  state.chats.clear();
  state.dismissed.clear();
  for (const slot of ['meeting-problem', 'connect-problem']) clearProblem($(slot));
  $('connections').replaceChildren();
  $('feed').replaceChildren();
}

async function showMeeting(meetingId) {
  closeMeetingView();
  state.meetingId = meetingId;
  await openCurrent();
}

/** Opens (again) the meeting shown: follows it, or says why not. */
async function openCurrent() {
  const meetingId = state.meetingId;
  clearTimeout(state.missingTimer);
  state.view = 'loading';
  scheduleRender();
  try {
    const meeting = await state.bridge.meeting(meetingId);
    if (state.meetingId !== meetingId) return;
    state.view = 'following';
    await follow(meeting);
  } catch (error) {
    if (state.meetingId !== meetingId) return;
    if (error.status === 403) {
      state.view = 'forbidden';
      state.note = `You are not a member of ${meetingId}: join it to see its participants and events live.`;
    } else if (error.code === 'meeting-not-found') {
      state.view = 'missing';
      state.missingTimer = setTimeout(recheckMissing, MISSING_RECHECK_MS);
    } else {
      state.view = 'unavailable';
      showProblem($('meeting-problem'), error, `opening ${meetingId}`);
    }
  }
  scheduleRender();
}

/** A missing meeting may have been created elsewhere since: look again while it is shown. */
async function recheckMissing() {
  if (state.view !== 'missing' || !state.bridge) return;
  try {
    await state.bridge.readMeeting(state.meetingId);
    await openCurrent();
  } catch (error) {
    if (error.code === 'meeting-not-found' || error.status === 403) {
      if (error.status === 403) await openCurrent();
      else state.missingTimer = setTimeout(recheckMissing, MISSING_RECHECK_MS);
    }
  }
}

async function follow(meeting) {
  if (state.meeting === meeting) return;
  state.meeting = meeting;
  state.view = 'following';
  state.note = '';
  for (const type of EVENT_TYPES) meeting.on(type, onMeetingEvent);
  meeting.on('sync', scheduleRender);
  for (const connection of meeting.connections.values()) watchConnection(connection);
  // The recent past, so the feed does not start empty.
  const after = Math.max(0, meeting.sequence - HISTORY_ON_OPEN);
  try {
    const { events } = await meeting.history({ after, limit: HISTORY_ON_OPEN });
    for (const event of events) addToFeed(event);
  } catch (error) {
    showProblem($('meeting-problem'), error, 'reading the event history');
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
    state.view = 'forbidden';
    state.note = 'You are no longer a member: join again to see this meeting live.';
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

const submitter = (event) => event.submitter ?? event.target.querySelector('button[type="submit"]');

/** Joins the shown meeting and follows it. */
async function joinShown({ displayName, participantId, slot, button }) {
  const id = state.meetingId;
  const bindToSession = !state.bridge.identity.isServer && $('join-bind').checked;
  await act({ slot, context: `joining ${id}`, button }, async () => {
    const meeting = await state.bridge.meeting(id, { join: { displayName, participantId, bindToSession } });
    if (participantId && state.bridge.identity.isServer) state.bridge.actAs = participantId;
    clearTimeout(state.missingTimer);
    await follow(meeting);
  });
  scheduleRender();
}

function join(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  return joinShown({
    displayName: String(form.get('displayName') ?? '').trim(),
    participantId: String(form.get('participantId') ?? '').trim() || undefined,
    slot: $('meeting-problem'),
    button: submitter(event),
  });
}

/** Creates the missing meeting shown, and joins it when asked to. */
async function createShown(andJoin, button) {
  const id = state.meetingId;
  const displayName = $('missing-name').value.trim();
  if (andJoin && !displayName) {
    $('missing-name').reportValidity?.();
    showProblem($('meeting-problem'), { title: 'Name needed', detail: 'Fill in the display name to join.' }, `creating ${id}`);
    return;
  }
  // Not 'missing' any more while it is being made: nothing else should open it meanwhile.
  clearTimeout(state.missingTimer);
  state.view = 'loading';
  const created = await act({ slot: $('meeting-problem'), context: `creating ${id}`, button }, () => state.bridge.createMeeting({ meetingId: id }));
  if (!created) {
    state.view = 'missing';
    scheduleRender();
    return;
  }
  list.refresh();
  if (andJoin) {
    await joinShown({ displayName, participantId: $('join-as').value.trim() || undefined, slot: $('meeting-problem'), button });
  } else {
    await openCurrent();
  }
}

async function connect(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const meetingId = String(form.get('meetingId') ?? '').trim();
  const payload = String(form.get('payload') ?? '');
  await act({ slot: $('connect-problem'), context: `connecting to ${meetingId}`, button: submitter(event) }, async () => {
    const connection = await state.meeting.connectTo({ meetingId, payload });
    watchConnection(connection);
    event.target.reset();
  });
  scheduleRender();
}

async function endShown(button) {
  const meeting = state.meeting;
  const yes = await confirmAction({
    title: `End ${meeting.id}?`,
    message: `Everyone in ${meeting.id} (${plural(meeting.participants.size, 'participant')}) leaves and its `
      + `${plural(meeting.connections.size, 'connection')} close. An ended meeting cannot be joined again.`,
    confirm: `End ${meeting.id}`,
  });
  if (!yes) return;
  await act({ slot: $('meeting-problem'), context: `ending ${meeting.id}`, button }, () => meeting.end());
  list.refresh();
  scheduleRender();
}

async function removeParticipant(participant, button) {
  const meeting = state.meeting;
  const yes = await confirmAction({
    title: `Remove ${participant.displayName}?`,
    message: `${participant.displayName} (${participant.id}) leaves ${meeting.id} (reason: removed) and stops seeing it. They may join again.`,
    confirm: `Remove ${participant.displayName}`,
  });
  if (!yes) return;
  await act({ slot: $('meeting-problem'), context: `removing ${participant.id}`, button }, () => meeting.leave({ participantId: participant.id }));
  scheduleRender();
}

/** Whether the signed-in token may remove others from and end the shown meeting. */
function canModerate(member) {
  const { isServer, permissions } = state.bridge.identity;
  return isServer || (member && permissions.includes('allow_mod'));
}

// ---------------------------------------------------------------------------------------------
// Rendering

function render() {
  renderState();
  if (!state.bridge) return;
  renderMeeting();
  renderFeed();
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

const VIEW_LABELS = { loading: 'opening…', forbidden: 'not a member', missing: 'does not exist', unavailable: 'unavailable' };

function renderMeeting() {
  const panel = $('meeting-panel');
  const id = state.meetingId;
  panel.hidden = !id;
  $('feed-meeting').textContent = id ? `of ${id}` : '';
  if (!id) return;
  const meeting = state.meeting;
  const me = state.bridge.identity.participantId;
  const following = state.view === 'following' && Boolean(meeting && (meeting.attached || meeting.status === 'ended'));
  const status = following ? meeting.status : undefined;
  const member = Boolean(following && me && meeting.participants.has(me));
  const ended = status === 'ended';
  $('meeting-id').textContent = id;
  const badge = $('meeting-status');
  badge.textContent = following ? status : VIEW_LABELS[state.view] ?? state.view;
  badge.className = `badge ${following ? status : state.view}`;
  const note = $('meeting-note');
  note.textContent = state.note;
  note.hidden = !state.note || state.view === 'missing';

  const missing = state.view === 'missing';
  $('meeting-missing').hidden = !missing;
  $('missing-id').textContent = id;
  $('missing-create').textContent = `Create ${id}`;
  $('missing-create-join').textContent = `Create ${id} and join`;
  $('join-form').hidden = missing || member || ended || state.view === 'loading' || state.view === 'unavailable';
  $('meeting-actions').hidden = missing;
  // Participants, connections and connecting need a meeting that can be followed.
  $('meeting-body').hidden = !following;
  $('leave').hidden = !member;
  $('end-meeting').hidden = !following || ended || !canModerate(member);
  $('connect-form').hidden = !following || ended || !canModerate(member);
  $('connect-title').hidden = $('connect-form').hidden;

  const participants = following ? [...meeting.participants.values()] : [];
  $('participant-count').textContent = String(participants.length);
  const removable = following && !ended && canModerate(member);
  $('participants').replaceChildren(...participants.map((p) => h('li', { class: p.id === me ? 'me' : undefined, 'data-participant': p.id },
    p.displayName, ' ', h('code', {}, p.id),
    removable && p.id !== me
      ? h('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${p.displayName} (${p.id})`, onclick: (event) => removeParticipant(p, event.currentTarget) }, '×')
      : '')));
  $('participants').dataset.empty = following ? 'Nobody is in this meeting.' : '';

  renderConnections(following ? meeting : null);
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
  const problem = h('div', { class: 'problem-slot' });
  const form = h('form', { class: 'row chat' },
    h('label', { for: inputId }, `Message to ${other}`), input, send);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    await act({ slot: problem, context: `sending chat to ${other}`, button: send }, async () => {
      const message = await connection.meeting.sendChatMessage(text);
      chatLog(connection.id).push({ direction: 'out', who: message.sender.displayName, text: message.message });
      input.value = '';
    });
    scheduleRender();
  });
  endOther.addEventListener('click', async () => {
    const count = connection.meeting.participants.size;
    const yes = await confirmAction({
      title: `End ${other}?`,
      message: `Everyone in ${other} (${plural(count, 'participant')}) leaves, not only those you see from here, `
        + `and every connection of ${other} closes, this one too. An ended meeting cannot be joined again.`,
      confirm: `End ${other}`,
    });
    if (yes) await act({ slot: problem, context: `ending ${other}`, button: endOther }, () => connection.meeting.end());
    scheduleRender();
  });
  close.addEventListener('click', async () => {
    await act({ slot: problem, context: `closing the connection to ${other}`, button: close }, () => connection.close());
    scheduleRender();
  });
  dismiss.addEventListener('click', () => {
    state.dismissed.add(connection.id);
    scheduleRender();
  });
  const actions = h('div', { class: 'row actions' }, endOther, close);
  const element = h('article', { class: 'connection', 'aria-labelledby': titleId, 'data-connection': connection.id, 'data-meeting': other },
    h('h4', { id: titleId }, 'Connection to ', h('code', {}, other), ' ', status, ' ', dismiss),
    h('p', { class: 'meta' },
      connection.payload ? `Payload “${connection.payload}” · ` : 'No payload · ',
      `since ${time(connection.createdAt)} · `, h('code', {}, connection.id)),
    h('p', { class: 'hint', id: peopleId }, `Participants of ${other}`),
    people, log, form, actions, problem);
  return { connection, element, status, people, log, form, actions, dismiss, problem };
}

function updateCard(card) {
  const { connection } = card;
  const other = connection.meeting;
  const closed = connection.closed;
  card.status.textContent = closed ? `closed: ${connection.closeReason}` : other.status === 'ended' ? 'ended' : 'open';
  card.status.className = `badge ${closed ? 'closed' : 'active'}`;
  card.element.classList.toggle('closed', closed);
  card.people.replaceChildren(...[...other.participants.values()].map((p) => h('li', { 'data-participant': p.id }, p.displayName, ' ', h('code', {}, p.id))));
  card.people.dataset.empty = closed ? 'Not shown any more: the connection has closed.' : 'Nobody is in this meeting.';
  const messages = state.chats.get(connection.id) ?? [];
  if (card.log.children.length !== messages.length) {
    card.log.replaceChildren(...messages.map((m) => h('li', {},
      h('span', { class: 'dir' }, m.direction === 'out' ? '→ ' : '← '), h('strong', {}, m.who), `: ${m.text}`)));
    card.log.scrollTop = card.log.scrollHeight;
  }
  // A closed connection can no longer be used: only its history and Dismiss remain.
  card.form.hidden = closed;
  card.actions.hidden = closed;
  card.dismiss.hidden = !closed;
}

function renderFeed() {
  const id = state.meetingId;
  const empty = !id
    ? 'No meeting open. Open one (or pick one from the list) and its events appear here as they happen: joins, leaves, chat messages and connections, numbered by sequence.'
    : state.view === 'missing' ? `${id} does not exist, so it has no events.`
      : state.view === 'forbidden' ? `Join ${id} to see its events live.`
        : state.view === 'following' && state.feed.length === 0
          ? `No events in ${id} yet. Joins, leaves, chat messages and connections appear here as they happen.`
          : '';
  $('feed-empty').textContent = empty;
  $('feed-empty').hidden = !empty;
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
  const meeting = state.view === 'following' ? state.meeting : null;
  let caption;
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
    caption = connections.length
      ? `${meeting.id} and the meetings connected to it; each circle shows its number of participants.`
      : `${meeting.id} has no connections: connect it to another meeting to draw the pair.`;
  } else if (state.meetingId) {
    caption = `Nothing to draw until you can see ${state.meetingId}.`;
  } else if (state.bridge?.identity.isServer) {
    for (const m of list.meetings.slice(0, 8)) nodes.push({ id: m.id, count: m.participantCount ?? 0, status: m.status });
    caption = nodes.length
      ? 'The newest meetings of the list, with their participants; open one to see what it is connected to.'
      : 'No meetings yet: create one to see it here.';
  } else {
    caption = 'Open a meeting to draw it and the meetings connected to it.';
  }
  $('graph-caption').textContent = caption;
  drawGraph($('graph'), { nodes, edges });
}

// ---------------------------------------------------------------------------------------------
// Wiring

function wire() {
  $('sign-in-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = submitter(event);
    button.disabled = true;
    try {
      await signIn($('token').value.trim(), $('act-as').value.trim());
    } finally {
      button.disabled = false;
    }
  });
  // A server token mints a participant token (POST /api/tokens), for trying things out as that participant.
  $('mint').addEventListener('click', (event) => act({ slot: $('sign-in-problem'), context: 'minting a participant token', button: event.currentTarget }, async () => {
    const participantId = $('act-as').value.trim();
    if (!participantId) throw { title: 'Name the participant', status: 400, code: 'validation-failed', detail: 'Fill in "Act as participant" first.' };
    const response = await fetch('/api/tokens', {
      method: 'POST',
      headers: { Authorization: `Bearer ${$('token').value.trim()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ participantId, permissions: ['allow_join', 'allow_mod'] }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw problemOf({ status: response.status, title: 'Refused', ...body });
    $('token').value = body.token;
    $('act-as').value = '';
  }));
  $('sign-out').addEventListener('click', signOut);
  $('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    go($('open-id').value.trim());
  });
  $('create-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const meetingId = $('create-id').value.trim() || undefined;
    act({ slot: $('create-problem'), context: 'creating a meeting', button: submitter(event) }, async () => {
      const created = await state.bridge.createMeeting({ meetingId });
      $('create-id').value = '';
      list.refresh();
      go(created.id);
    });
  });
  $('missing-create').addEventListener('click', (event) => createShown(false, event.currentTarget));
  $('missing-create-join').addEventListener('click', (event) => createShown(true, event.currentTarget));
  $('join-form').addEventListener('submit', join);
  $('leave').addEventListener('click', async (event) => {
    await act({ slot: $('meeting-problem'), context: `leaving ${state.meetingId}`, button: event.currentTarget }, async () => {
      await state.meeting.leave();
      if (!state.meeting.attached) {
        state.view = 'forbidden';
        state.note = 'You left: join again to see this meeting live.';
      }
    });
    scheduleRender();
  });
  $('end-meeting').addEventListener('click', (event) => endShown(event.currentTarget));
  $('close-view').addEventListener('click', () => {
    go(null);
    $('open-id').focus();
  });
  $('connect-form').addEventListener('submit', connect);
  window.addEventListener('hashchange', route);

  const saved = JSON.parse(sessionStorage.getItem(STORAGE) ?? 'null');
  if (saved?.token) signIn(saved.token, saved.actAs, { restoring: true });
  render();
}

wire();
