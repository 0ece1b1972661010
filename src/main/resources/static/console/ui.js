/**
 * The console's small DOM toolkit: building elements, showing a refusal next to the action that
 * caused it, and asking before anything destructive.
 */
import { BridgeError } from '/client/meeting-bridge.js';

export const $ = (id) => document.getElementById(id);

/** Creates an element: `h('li', {class: 'x'}, 'text', child)`; `on*` attributes add listeners. */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A time of day on the 24-hour clock, everywhere in the console: `14:05:09`. */
export const time = (iso) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }) : '');

/** A date and time: `2026-12-07 14:05:09` (local). */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time(iso)}`;
}

const FOLD_AT = 280;

/** Text that shows its start only when it is long (a 4,096-character chat message), the rest on demand. */
export function folded(text) {
  if (text.length <= FOLD_AT) return text;
  return h('details', { class: 'folded' },
    h('summary', {}, text.slice(0, FOLD_AT), h('span', { class: 'more' }, `… (${text.length} characters: show all)`)),
    text.slice(FOLD_AT));
}
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Problem details from a {@link BridgeError}, a problem object, or any error. */
export function problemOf(error) {
  if (error instanceof BridgeError) return error.problem;
  if (error && typeof error === 'object' && (error.title || error.code)) return error;
  return { title: 'Something went wrong', detail: String(error?.message ?? error) };
}

/**
 * A problem as an element: title, status and code, detail, field errors, and a Dismiss button.
 * @param {object} problem
 * @param {string} [context] what the console was doing ("connecting to earth")
 */
function problemElement(problem, context) {
  const status = [problem.status || null, problem.code].filter(Boolean).join(' ');
  const item = h('div', { class: 'problem', role: 'alert', 'data-status': problem.status || undefined, 'data-code': problem.code },
    h('div', { class: 'text' },
      h('strong', { class: 'problem-title' }, problem.title ?? 'Refused'),
      status ? ` (${status})` : '',
      context ? h('span', { class: 'muted' }, ` while ${context}`) : '',
      problem.detail ? h('div', { class: 'problem-detail' }, problem.detail) : '',
      problem.errors?.length ? h('ul', {}, problem.errors.map((e) => h('li', {}, `${e.field}: ${e.message}`))) : ''),
    h('button', { type: 'button', class: 'dismiss', 'aria-label': `Dismiss: ${problem.title ?? 'problem'}`, onclick: () => item.remove() }, 'Dismiss'));
  return item;
}

/**
 * Shows a problem in a slot (an element next to the action), replacing what the slot showed: one
 * refusal per action, never a pile of stale ones.
 * @param {HTMLElement} slot
 */
export function showProblem(slot, error, context) {
  slot.replaceChildren(problemElement(problemOf(error), context));
}

/**
 * Removes every refusal shown for a cause that has gone: `store-unavailable` once the store
 * answers again, say.
 * @param {(problem: {status: number, code?: string}) => boolean} gone
 */
export function clearProblemsWhere(gone) {
  for (const element of document.querySelectorAll('.problem')) {
    if (gone({ status: Number(element.dataset.status ?? 0), code: element.dataset.code })) element.remove();
  }
}

/** Empties a slot: the refusal it showed no longer applies. */
export function clearProblem(slot) {
  slot?.replaceChildren();
}

/**
 * Runs an action with its button disabled. Its slot is cleared first (the refusal of the previous
 * attempt no longer applies) and shows the problem if this attempt fails.
 * @returns {Promise<any>} the action's result, `undefined` after a failure
 */
export async function act({ slot, context, button }, action) {
  if (button) button.disabled = true;
  clearProblem(slot);
  try {
    return await action();
  } catch (error) {
    showProblem(slot, error, context);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/**
 * Asks before a destructive action, in a modal dialog that says what will happen.
 * @param {{title: string, message: string, confirm: string}} question
 * @returns {Promise<boolean>} whether the operator confirmed
 */
export function confirmAction({ title, message, confirm }) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-message').textContent = message;
  $('confirm-yes').textContent = confirm;
  return new Promise((resolve) => {
    dialog.returnValue = '';
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'yes'), { once: true });
    dialog.showModal();
    $('confirm-no').focus();
  });
}
