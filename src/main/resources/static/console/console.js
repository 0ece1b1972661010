/**
 * The meeting-bridge console: sign in with a token, list and create meetings, follow one meeting
 * live (participants, connections with the other side's participants, an event feed ordered by
 * sequence, a picture), and act as the signed-in participant. Every meeting has an address,
 * `#/meetings/{id}`. Built only on the bridge's own client module, /client/meeting-bridge.js.
 */
import { EVENT_TYPES, MeetingBridge, decodeToken } from '/client/meeting-bridge.js';
import { drawGraph } from './graph.js';
import { meetingsList } from './list.js';
import {
  $, act, clearProblem, clearProblemsWhere, confirmAction, dateTime, folded, h, plural, problemOf, showProblem, time,
} from './ui.js';

const STORAGE = 'meeting-bridge.console';
/** Meetings this tab joined bound to its session: re-bound after a reload, within the bridge's grace. */
const BOUND_STORAGE = 'meeting-bridge.console.bound';
/** Meetings this tab saw end: a participant token may not read them any more, but they stay ended. */
const ENDED_STORAGE = 'meeting-bridge.console.ended';
const FEED_LIMIT = 500;
const HISTORY_ON_OPEN = 50;
const MISSING_RECHECK_MS = 5000;
/** How often the store's health (the bridge's readiness) is asked, and how long an answer may take. */
const STORE_POLL_MS = 2000;
const STORE_TIMEOUT_MS = 3000;
/** The token badge warns this long before the token expires. */
const TOKEN_WARNING_MS = 120000;

/** Small maps kept in this tab's session storage (they survive a reload, not the tab). */
const remembered = {
  read(key) {
    try {
      return JSON.parse(sessionStorage.getItem(key) ?? '{}') ?? {};
    } catch {
      return {};
    }
  },
  get(key, id) {
    return this.read(key)[id];
  },
  set(key, id, value) {
    const all = this.read(key);
    if (value === undefined) delete all[id];
    else all[id] = value;
    sessionStorage.setItem(key, JSON.stringify(all));
  },
};

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
  /** connection id to the meeting at its other end, for naming past events */
  otherMeetings: new Map(),
  /** connection ids being looked up */
  lookingUp: new Set(),
  /** bumped when a name in the feed became known, so the feed is drawn again */
  feedVersion: 0,
  /** the store's health from the bridge's readiness: 'ok', 'down' or 'unknown' */
  store: 'unknown',
  storeTimer: undefined,
  tokenTimer: undefined,
  /** when the token that signed the console out expired (it asks to sign in again) */
  expiredAt: undefined,
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
  const claims = decodeToken(token);
  const isServer = Array.isArray(claims.roles) && claims.roles.includes('server');
  if (actAs && !isServer && claims.sub) {
    // Only a server token acts for somebody else; a participant token always acts as its sub.
    showProblem($('sign-in-problem'), {
      title: 'Act as is for server tokens', status: 400, code: 'validation-failed',
      detail: `This token acts as ${claims.sub} only. Clear "Act as participant" to sign in as ${claims.sub}.`,
    }, 'signing in');
    if (restoring) sessionStorage.removeItem(STORAGE);
    return;
  }
  let bridge;
  try {
    bridge = await MeetingBridge.connect({ url: location.origin, token, actAs: actAs || undefined, tokenWarningMs: TOKEN_WARNING_MS });
  } catch (error) {
    showProblem($('sign-in-problem'), error, 'signing in');
    if (restoring) sessionStorage.removeItem(STORAGE);
    return;
  }
  clearProblem($('sign-in-problem'));
  $('sign-in-note').hidden = true;
  state.bridge = bridge;
  state.expiredAt = undefined;
  bridge.on('state', (connection) => {
    if (connection === 'connected') $('problems').replaceChildren();
    scheduleRender();
  });
  bridge.on('error', showBridgeProblem);
  bridge.on('reconnected', scheduleRender);
  bridge.on('token-expiring', scheduleRender);
  bridge.on('token-expired', onTokenExpired);
  watchStore();
  clearInterval(state.tokenTimer);
  state.tokenTimer = setInterval(renderState, 1000);
  sessionStorage.setItem(STORAGE, JSON.stringify({ token, actAs }));
  $('sign-in').hidden = true;
  $('workspace').hidden = false;
  $('sign-out').hidden = false;
  const { roomId, participantId } = bridge.identity;
  $('meetings-list').hidden = !isServer;
  $('create-form').hidden = !permits('create');
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

/**
 * The token ran out (its `exp` passed, or the bridge refused it): the console signs out, says
 * so where the token is entered, and keeps the address so that signing in again returns there.
 */
function onTokenExpired({ expiresAt, refused }) {
  const at = expiresAt ? ` at ${dateTime(expiresAt)}` : '';
  signOut();
  state.expiredAt = expiresAt ?? new Date().toISOString();
  showProblem($('sign-in-problem'), {
    title: 'Signed out: the token expired', status: 401, code: 'unauthenticated',
    detail: refused ? `The bridge refused the token${at}. Sign in again with a new token.`
      : `The token expired${at}. Sign in again with a new token.`,
  });
  render();
}

function signOut() {
  closeMeetingView();
  list.stop();
  clearInterval(state.tokenTimer);
  clearTimeout(state.storeTimer);
  state.store = 'unknown';
  state.expiredAt = undefined;
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

/**
 * Asks the bridge's readiness (which includes its Redis) every few seconds while signed in. When
 * the store answers again, the refusals it caused (503 store-unavailable) are gone, and a meeting
 * that could not be opened is opened again.
 */
async function watchStore() {
  clearTimeout(state.storeTimer);
  if (!state.bridge) return;
  let health = 'down';
  try {
    const response = await fetch('/actuator/health/readiness', { signal: AbortSignal.timeout(STORE_TIMEOUT_MS), cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    health = response.ok && body.status === 'UP' ? 'ok' : 'down';
  } catch {
    health = 'down';
  }
  if (!state.bridge) return;
  const recovered = health === 'ok' && state.store === 'down';
  state.store = health;
  if (recovered) {
    clearProblemsWhere((problem) => problem.status === 503 || problem.code === 'store-unavailable');
    if (state.view === 'unavailable') openCurrent();
  }
  renderState();
  state.storeTimer = setTimeout(watchStore, STORE_POLL_MS);
}

// ---------------------------------------------------------------------------------------------
// Following one meeting

function closeMeetingView() {
  clearTimeout(state.missingTimer);
  state.meeting?.dispose();
  Object.assign(state, { meeting: null, meetingId: null, view: 'loading', note: '', feed: [] });
  state.otherMeetings.clear();
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
  const binding = remembered.get(BOUND_STORAGE, bindingKey(meetingId));
  try {
    const meeting = await state.bridge.meeting(meetingId);
    if (state.meetingId !== meetingId) return;
    state.view = 'following';
    if (binding) await rebind(meeting, binding);
    await follow(meeting);
  } catch (error) {
    if (state.meetingId !== meetingId) return;
    const ended = remembered.get(ENDED_STORAGE, meetingId);
    if (error.status === 403 && ended) {
      state.view = 'ended';
      state.note = `${meetingId} ended at ${dateTime(ended)}; an ended meeting cannot be joined again.`;
    } else if (error.status === 403 && binding) {
      remembered.set(BOUND_STORAGE, bindingKey(meetingId), undefined);
      state.view = 'forbidden';
      state.note = `You are no longer a member of ${meetingId}: this page was away longer than the bridge allows, so you left it. Join again to follow it live.`;
    } else if (error.status === 403) {
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

/** Who the signed-in token acts as, in the key of what this tab remembers about a meeting. */
function bindingKey(meetingId) {
  return `${state.bridge?.identity.participantId ?? ''}@${meetingId}`;
}

/**
 * After a reload: the participant this tab joined bound to its (old) session is still a member,
 * so bind it to this page's session before the bridge's grace runs out (a STOMP join of a
 * member moves the binding without an event).
 */
async function rebind(meeting, displayName) {
  const me = state.bridge.identity.participantId;
  if (!meeting.participants.has(me)) {
    remembered.set(BOUND_STORAGE, bindingKey(meeting.id), undefined);
    return;
  }
  await meeting.join({ displayName, bindToSession: true });
}

async function follow(meeting) {
  if (state.meeting === meeting) {
    // Followed again (joined after it was lost): the listeners are still there.
    state.view = 'following';
    state.note = '';
    return;
  }
  state.meeting = meeting;
  state.view = 'following';
  state.note = '';
  for (const type of EVENT_TYPES) meeting.on(type, onMeetingEvent);
  meeting.on('sync', scheduleRender);
  meeting.on('lost', onLost);
  if (meeting.status === 'ended') remembered.set(ENDED_STORAGE, meeting.id, meeting.endedAt ?? new Date().toISOString());
  for (const connection of meeting.connections.values()) watchConnection(connection);
  // The recent past, so the feed does not start empty.
  const after = Math.max(0, meeting.sequence - HISTORY_ON_OPEN);
  try {
    const { events } = await meeting.history({ after, limit: HISTORY_ON_OPEN });
    for (const event of events) addToFeed(event);
  } catch (error) {
    if (error.status !== 403) showProblem($('meeting-problem'), error, 'reading the event history');
  }
  scheduleRender();
}

const LOST_REASONS = {
  left: 'you left',
  removed: 'a moderator removed you',
  disconnected: 'this page was away longer than the bridge allows',
  switched: 'you were moved to another meeting',
  forbidden: 'the bridge no longer lets you read it',
};

/** The client stopped following the meeting: the page says why, and offers to join again. */
function onLost({ meetingId, reason }) {
  if (state.meetingId !== meetingId) return;
  remembered.set(BOUND_STORAGE, bindingKey(meetingId), undefined);
  state.view = 'forbidden';
  state.note = reason === 'left'
    ? 'You left: join again to see this meeting live.'
    : `You are no longer a member of ${meetingId} (${LOST_REASONS[reason] ?? reason}): its events stopped arriving here. Join again to follow it live.`;
  scheduleRender();
}

function onMeetingEvent(detail, event) {
  addToFeed(event);
  if (event.type === 'connection-open') watchConnection(detail);
  if (event.type === 'chat-message') {
    const message = event.message;
    chatLog(message.connectionId).push({ direction: 'in', who: `${message.sender.displayName} (${message.fromMeetingId})`, text: message.message });
  }
  if (event.type === 'meeting-ended') remembered.set(ENDED_STORAGE, event.meetingId, event.timestamp);
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
  if (event.type === 'connection-open') state.otherMeetings.set(event.connection.id, event.connection.meeting.id);
  const feed = state.feed;
  if (feed.some((e) => e.sequence === event.sequence)) return;
  let index = feed.length;
  while (index > 0 && feed[index - 1].sequence > event.sequence) index -= 1;
  feed.splice(index, 0, event);
  if (feed.length > FEED_LIMIT) feed.splice(0, feed.length - FEED_LIMIT);
}

/** The meeting at the other end of a connection of the shown meeting, looked up once if no event named it. */
function otherMeetingOf(connectionId) {
  const known = state.otherMeetings.get(connectionId)
    ?? state.meeting?.closedConnections.get(connectionId)?.meeting.id
    ?? state.meeting?.connections.get(connectionId)?.meeting.id;
  if (known || !state.bridge || state.lookingUp.has(connectionId)) return known;
  state.lookingUp.add(connectionId);
  const meetingId = state.meetingId;
  // A closed connection stays readable while its meeting's records are retained.
  state.bridge.request('GET', `/api/meetings/${encodeURIComponent(meetingId)}/connections/${encodeURIComponent(connectionId)}`)
    .then((connection) => {
      if (state.meetingId !== meetingId) return;
      state.otherMeetings.set(connectionId, connection.meeting.id);
      state.feedVersion += 1;
      scheduleRender();
    }, () => {});
  return undefined;
}

function describe(event) {
  switch (event.type) {
    case 'participant-joined':
      return `${event.participant.displayName} (${event.participant.id}) joined${event.from ? ` from ${event.from}` : ''}`;
    case 'participant-left':
      return `${event.participant.displayName} (${event.participant.id}) left: ${event.reason}${event.to ? ` to ${event.to}` : ''}`;
    case 'chat-message':
      return [`${event.message.sender.displayName} of ${event.message.fromMeetingId}: `, folded(`“${event.message.message}”`)];
    case 'connection-open':
      return [`connected to ${event.connection.meeting.id}`, event.connection.payload ? [': ', folded(`“${event.connection.payload}”`)] : ''];
    case 'connection-close': {
      const other = otherMeetingOf(event.connectionId);
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
    try {
      const meeting = await state.bridge.meeting(id, { join: { displayName, participantId, bindToSession } });
      if (participantId && state.bridge.identity.isServer) state.bridge.actAs = participantId;
      clearTimeout(state.missingTimer);
      if (bindToSession) remembered.set(BOUND_STORAGE, bindingKey(id), displayName);
      await follow(meeting);
    } catch (error) {
      if (error.code === 'meeting-ended') {
        remembered.set(ENDED_STORAGE, id, new Date().toISOString());
        state.view = 'ended';
        state.note = `${id} has ended; an ended meeting cannot be joined again.`;
      }
      throw error;
    }
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

/**
 * What the signed-in token allows, by the bridge's rules: the console offers nothing else.
 * @param {'create' | 'join' | 'chat'} action
 */
function permits(action, { member = false, meetingId = state.meetingId } = {}) {
  const { isServer, permissions, roomId, participantId } = state.bridge.identity;
  switch (action) {
    case 'create':
      return isServer || permissions.includes('allow_mod');
    case 'join':
      return isServer || (permissions.includes('allow_join') && (!roomId || roomId === meetingId));
    case 'chat':
      return Boolean(member && participantId) && (isServer || permissions.includes('allow_join'));
    default:
      return false;
  }
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

const LINK_LABELS = { connecting: 'live link: connecting…', connected: 'live link: connected', reconnecting: 'live link: reconnecting…', closed: 'live link: closed' };
const STORE_LABELS = { ok: 'store: ok', down: 'store: unavailable', unknown: 'store: checking…' };

/**
 * The header: the live link (the STOMP session), the store (the bridge's readiness) and the
 * token's expiry, each on its own, so that one being fine never hides another that is not.
 */
function renderState() {
  const bridge = state.bridge;
  const badge = $('connection-state');
  badge.textContent = bridge ? LINK_LABELS[bridge.state] ?? bridge.state : 'signed out';
  badge.className = `badge ${bridge ? bridge.state : 'signed-out'}`;
  const store = $('store-state');
  store.hidden = !bridge;
  store.textContent = STORE_LABELS[state.store];
  store.className = `badge ${state.store === 'ok' ? 'ok' : state.store === 'down' ? 'bad' : 'warn'}`;
  const token = $('token-state');
  const who = $('whoami');
  if (!bridge) {
    who.textContent = '';
    token.hidden = !state.expiredAt;
    token.textContent = state.expiredAt ? `token expired ${dateTime(state.expiredAt)}` : '';
    token.className = 'badge bad';
    return;
  }
  const { isServer, sub, participantId, permissions, roomId, exp } = bridge.identity;
  const parts = isServer
    ? ['server token', participantId ? `acting as ${participantId}` : 'acting as nobody yet']
    : [sub, permissions.join(', ') || 'no permissions', roomId ? `room ${roomId}` : null];
  who.textContent = parts.filter(Boolean).join(' · ');
  token.hidden = !exp;
  if (exp) {
    const left = exp * 1000 - Date.now();
    token.textContent = left > 0 ? `token expires ${time(new Date(exp * 1000).toISOString())} (in ${duration(left)})`
      : `token expired ${time(new Date(exp * 1000).toISOString())}`;
    token.className = `badge ${left <= 0 ? 'bad' : left <= TOKEN_WARNING_MS ? 'warn' : 'ok'}`;
  }
}

function duration(ms) {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

const VIEW_LABELS = { loading: 'opening…', forbidden: 'not a member', missing: 'does not exist', unavailable: 'unavailable', ended: 'ended' };

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
  const creates = permits('create');
  $('meeting-missing').hidden = !missing;
  $('missing-id').textContent = id;
  $('missing-hint').textContent = creates ? 'Create it here, or check the id.'
    : 'Check the id: your token cannot create meetings (that needs allow_mod).';
  $('missing-actions').hidden = !creates;
  $('missing-create').textContent = `Create ${id}`;
  $('missing-create-join').textContent = `Create ${id} and join`;
  $('missing-create-join').hidden = !permits('join', { meetingId: id });
  const joins = permits('join', { meetingId: id });
  $('join-form').hidden = !joins || missing || member || ended || ['loading', 'unavailable', 'ended'].includes(state.view);
  if (!joins && !missing && !member && !ended && state.view === 'forbidden') {
    state.note = `You are not a member of ${id}, and your token cannot join it${state.bridge.identity.roomId ? ` (it is for ${state.bridge.identity.roomId} only)` : ' (that needs allow_join)'}.`;
    note.textContent = state.note;
    note.hidden = false;
  }
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
  // Not `required`: a field the user typed in and the console emptied after sending would show invalid.
  const input = h('input', { id: inputId, name: 'message', maxlength: 4096, autocomplete: 'off' });
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
    if (text === '') {
      input.focus();
      return;
    }
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
  // switchTo: ask a participant over there to switch to another meeting (this one by default),
  // or move it there; offered with allow_mod only, as the bridge allows it.
  const whoId = `conn-${key}-switch-who`;
  const toId = `conn-${key}-switch-to`;
  const moveId = `conn-${key}-switch-move`;
  const switchWho = h('select', { id: whoId, name: 'participant' });
  const switchTarget = h('input', { id: toId, name: 'meetingId', maxlength: 64, autocomplete: 'off', placeholder: 'this meeting' });
  const switchMove = h('input', { id: moveId, name: 'move', type: 'checkbox' });
  const switchButton = h('button', { type: 'submit', class: 'secondary' }, 'Switch');
  const switchNote = h('p', { class: 'hint', role: 'status' });
  const switchForm = h('form', { class: 'row switch' },
    h('label', { for: whoId }, 'Switch'), switchWho, h('label', { for: toId }, 'to'), switchTarget,
    h('label', { for: moveId }, switchMove, ' move them now'), switchButton);
  switchForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const participant = connection.meeting.participants.get(switchWho.value);
    if (!participant) return;
    const target = switchTarget.value.trim() || state.meetingId;
    const move = switchMove.checked;
    const name = `${participant.displayName} (${participant.id})`;
    const yes = await confirmAction({
      title: `Switch ${participant.displayName} to ${target}?`,
      message: move
        ? `${name} leaves ${other} (reason: switched) and joins ${target} at once; their apps follow ${target}.`
        : `${name}'s apps are asked to switch to ${target} (switch-meeting); nothing changes until they act.`,
      confirm: move ? `Move ${participant.displayName}` : `Ask ${participant.displayName}`,
    });
    if (!yes) return;
    await act({ slot: problem, context: `switching ${participant.id} to ${target}`, button: switchButton }, async () => {
      const answer = await participant.switchTo({ meetingId: target, move });
      switchNote.textContent = `${move ? 'Moved' : 'Asked'} ${participant.id} to ${target}: `
        + `${plural(answer.sessions, 'session')} reached.`;
    });
    scheduleRender();
  });
  const actions = h('div', { class: 'row actions' }, endOther, close);
  const element = h('article', { class: 'connection', 'aria-labelledby': titleId, 'data-connection': connection.id, 'data-meeting': other },
    h('h4', { id: titleId }, 'Connection to ', h('code', {}, other), ' ', status, ' ', dismiss),
    h('p', { class: 'meta' },
      connection.payload ? `Payload “${connection.payload}” · ` : 'No payload · ',
      `since ${dateTime(connection.createdAt)} · `, h('code', {}, connection.id)),
    h('p', { class: 'hint', id: peopleId }, `Participants of ${other}`),
    people, log, form, switchForm, switchNote, actions, problem);
  return { connection, element, status, people, log, form, actions, dismiss, problem, endOther, close, switchForm, switchWho, switchNote };
}

function updateCard(card) {
  const { connection } = card;
  const other = connection.meeting;
  const closed = connection.closed;
  card.status.textContent = closed ? CLOSE_LABELS[connection.closeReason] ?? `closed: ${connection.closeReason}`
    : other.status === 'ended' ? 'ended' : 'open';
  card.status.className = `badge ${closed ? 'closed' : 'active'}`;
  card.element.classList.toggle('closed', closed);
  card.people.replaceChildren(...[...other.participants.values()].map((p) => h('li', { 'data-participant': p.id }, p.displayName, ' ', h('code', {}, p.id))));
  card.people.dataset.empty = closed ? 'Not shown any more: the connection has closed.' : 'Nobody is in this meeting.';
  const messages = state.chats.get(connection.id) ?? [];
  if (card.log.children.length !== messages.length) {
    card.log.replaceChildren(...messages.map((m) => h('li', {},
      h('span', { class: 'dir' }, m.direction === 'out' ? '→ ' : '← '), h('strong', {}, m.who), ': ', folded(m.text))));
    card.log.scrollTop = card.log.scrollHeight;
  }
  // A closed connection can no longer be used: only its history and Dismiss remain, and a
  // refusal of something done with it no longer applies.
  const me = state.bridge.identity.participantId;
  const member = Boolean(me && state.meeting?.participants.has(me));
  const moderates = canModerate(member);
  card.form.hidden = closed || !permits('chat', { member });
  card.endOther.hidden = !moderates || other.status === 'ended';
  card.close.hidden = !moderates;
  card.actions.hidden = closed || (card.endOther.hidden && card.close.hidden);
  const ids = [...other.participants.keys()];
  if (card.switchWho.options.length !== ids.length || ids.some((id, i) => card.switchWho.options[i].value !== id)) {
    const chosen = card.switchWho.value;
    card.switchWho.replaceChildren(...[...other.participants.values()].map((p) => h('option', { value: p.id }, `${p.displayName} (${p.id})`)));
    if (ids.includes(chosen)) card.switchWho.value = chosen;
  }
  card.switchForm.hidden = closed || !moderates || other.status === 'ended' || ids.length === 0;
  card.switchNote.hidden = closed || !card.switchNote.textContent;
  card.dismiss.hidden = !closed;
  if (closed) clearProblem(card.problem);
}

const CLOSE_LABELS = { closed: 'closed', 'meeting-ended': 'closed: a meeting ended', lost: 'closed: no longer visible' };

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
  const version = String(state.feedVersion);
  if (list.dataset.version === version && have.size === state.feed.length && state.feed.every((e) => have.has(e.sequence))) return;
  list.dataset.version = version;
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
    const note = $('sign-in-note');
    note.textContent = `Minted a token for ${participantId} (allow_join, allow_mod) valid until ${dateTime(body.expiresAt)}. `
      + 'It replaced the server token in the field: Sign in to act as that participant.';
    note.hidden = false;
  }));
  $('token').addEventListener('input', () => {
    $('sign-in-note').hidden = true;
  });
  $('sign-out').addEventListener('click', signOut);
  $('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    go($('open-id').value.trim());
  });
  $('create-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = submitter(event);
    const andJoin = button?.value === 'join';
    const meetingId = $('create-id').value.trim() || undefined;
    const displayName = $('create-name').value.trim();
    if (andJoin && !displayName) {
      showProblem($('create-problem'), { title: 'Name needed', detail: 'Fill in the name to join with.' }, 'creating and joining a meeting');
      $('create-name').focus();
      return;
    }
    const created = await act({ slot: $('create-problem'), context: 'creating a meeting', button }, async () => {
      const meeting = await state.bridge.createMeeting({ meetingId });
      $('create-id').value = '';
      list.refresh();
      return meeting;
    });
    if (!created) return;
    if (!andJoin) {
      go(created.id);
      return;
    }
    // Shown as being opened while it is joined, so that routing does not open it meanwhile.
    closeMeetingView();
    state.meetingId = created.id;
    location.hash = `#/meetings/${encodeURIComponent(created.id)}`;
    await joinShown({ displayName, participantId: $('join-as').value.trim() || undefined, slot: $('meeting-problem'), button });
    if (state.view === 'loading') await openCurrent();
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
