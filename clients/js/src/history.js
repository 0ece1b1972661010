import { localError } from './errors.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./errors.js').BridgeError} BridgeError */
/** @typedef {import('./feed.js').MeetingFeed} MeetingFeed */

/** The problem code with which the bridge refuses a history read whose position it no longer continues. */
export const HISTORY_RESET = 'history-reset';

/**
 * The meeting's history is not the one the state was built from (found by the client itself).
 * @param {string} detail
 */
const historyReset = (detail) => localError('History reset', detail, HISTORY_RESET);

/**
 * @param {BridgeEvent} event
 * @returns {string | undefined} the id of what the event is about, where it has one
 */
function subjectId(event) {
  switch (event.type) {
    case 'participant-joined':
    case 'participant-left':
      return event.participant?.id;
    case 'chat-message':
      return event.message?.id;
    case 'connection-open':
      return event.connection?.id;
    case 'connection-close':
      return event.connectionId;
    default:
      return undefined;
  }
}

/**
 * Whether the history's event is the one the feed applied. Compared by what names an event
 * (epoch, sequence, type, timestamp, subject id) rather than by its text: the copy that came live
 * and the history's may be written differently (key order, fields added on either path), while
 * an event that took the place of a lost one differs in these (it was written after the loss).
 * @param {BridgeEvent} a
 * @param {BridgeEvent} b
 */
function sameEvent(a, b) {
  return a.sequence === b.sequence && a.epoch === b.epoch && a.type === b.type && a.timestamp === b.timestamp
    && subjectId(a) === subjectId(b);
}

/**
 * The largest page a refusal of the page size allows: the bridge answers a `limit` beyond its
 * maximum with 400 `validation-failed`, its `errors` naming `limit` ("must be between 1 and N").
 * @param {BridgeError} error
 * @param {number} asked the page size refused
 * @returns {number | undefined} a smaller page to ask for, or none when the refusal is another
 */
export function allowedPage(error, asked) {
  if (error?.status !== 400 || error.code !== 'validation-failed') return undefined;
  const about = (error.errors ?? []).find((e) => e.field === 'limit');
  if (!about) return undefined;
  const stated = /(\d+)\s*$/.exec(String(about.message ?? ''));
  const page = stated ? Number(stated[1]) : Math.floor(asked / 2);
  return page >= 1 && page < asked ? page : undefined;
}

/**
 * One page of the history, at the bridge's page size: a refused size is asked again smaller, and
 * the feed's bridge keeps the size that was answered for its next reads.
 * @param {MeetingFeed} feed
 * @param {number} after
 * @param {string} query `&epoch=` of the state the read is for
 * @returns {Promise<{events?: BridgeEvent[], latestSequence?: number, epoch?: string}>}
 */
async function readPage(feed, after, query) {
  const bridge = feed.bridge;
  for (;;) {
    const page = bridge.historyPage();
    try {
      return await bridge.request('GET', `${feed.path}/events?after=${after}&limit=${page}${query}`);
    } catch (error) {
      const smaller = allowedPage(/** @type {BridgeError} */ (error), page);
      if (smaller === undefined) throw error;
      bridge.limitHistoryPage(smaller);
    }
  }
}

/**
 * Applies the history after `after` to the feed, page by page; reloads the meeting when the
 * history no longer reaches back that far. The first read starts one event earlier, at `after`
 * itself, to check that the history still holds the event applied there: a loss of writes that
 * no bridge instance noticed (so the epoch stayed) shows as another event under that number, or
 * as a history that ends before it. A bridge that answers fewer events than asked is read on
 * until its `latestSequence`.
 * @param {MeetingFeed} feed
 * @param {number} after
 * @returns {Promise<boolean>} whether the state was reloaded
 * @throws {BridgeError} `history-reset` when the history is not the one the state was built from
 */
export async function fillFrom(feed, after) {
  const generation = feed.bridge.generation();
  const epoch = feed.state.epoch;
  const query = feed.state.epochQuery;
  const applied = feed.state.last?.sequence === after ? feed.state.last : undefined;
  let cursor = after > 0 ? after - 1 : 0;
  for (;;) {
    const page = await readPage(feed, cursor, query);
    /** @type {BridgeEvent[]} */
    const read = page.events ?? [];
    let events = read;
    if (epoch !== undefined && page.epoch !== undefined && page.epoch !== epoch) {
      throw historyReset(`the history is of epoch ${page.epoch}, the state of ${epoch}`);
    }
    if (cursor < after) {
      if (typeof page.latestSequence === 'number' && page.latestSequence < after) {
        throw historyReset(`the history ends at ${page.latestSequence}, the state is at ${after}`);
      }
      if (events.length && events[0].sequence === after) {
        if (applied && !sameEvent(events[0], applied)) throw historyReset(`the history holds another event at ${after}`);
        events = events.slice(1);
      }
      cursor = after;
    }
    if (events.length && events[0].sequence > cursor + 1) {
      await feed.reload();
      feed.stats.reloads += 1;
      return true;
    }
    for (const event of events) if (event.sequence === feed.state.sequence + 1) feed.accept(event);
    const end = typeof page.latestSequence === 'number' ? page.latestSequence : -1;
    if (read.length === 0 || read[read.length - 1].sequence >= end || generation !== feed.bridge.generation()) return false;
    cursor = read[read.length - 1].sequence;
  }
}
