/**
 * Signing in and out, the bridge's own events (problems, an expired token), and the store's
 * health shown while signed in.
 */
import { MeetingBridge, decodeToken } from '/client/meeting-bridge.js';
import { meetingInAddress, route } from './address.js';
import { closeMeetingView, openCurrent } from './follow.js';
import { render, renderState } from './render.js';
import { permits, scheduleRender, state, STORAGE, TOKEN_WARNING_MS } from './state.js';
import { $, clearProblem, clearProblemsWhere, dateTime, h, showProblem } from './ui.js';

/** How often the store's health (the bridge's readiness) is asked, and how long an answer may take. */
const STORE_POLL_MS = 2000;
const STORE_TIMEOUT_MS = 3000;

export async function signIn(token, actAs, { restoring = false } = {}) {
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
  if (isServer) state.list.start();
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

export function signOut() {
  closeMeetingView();
  state.list.stop();
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
