import { Connection } from './connection.js';
import { seg } from './rest.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').ConnectionInfo} ConnectionInfo */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./meeting.js').Meeting} Meeting */

/**
 * The connections of the caller's own meeting, kept from its snapshots and events: the open
 * ones, and those that closed while it was followed.
 * @internal
 */
export class MeetingConnections {
  /** @param {Meeting} meeting */
  constructor(meeting) {
    this.meeting = meeting;
    /** @type {Map<string, Connection>} */
    this.open = new Map();
    /** @type {Map<string, Connection>} */
    this.closed = new Map();
    /** Whether a snapshot's connections were loaded. */
    this.loaded = false;
  }

  /**
   * Takes the open connections of a snapshot: those it no longer lists closed while the client
   * was away; those it adds are read.
   * @param {MeetingInfo} snapshot
   */
  async load(snapshot) {
    this.loaded = true;
    const wanted = new Set(snapshot.connections ?? []);
    for (const id of [...this.open.keys()]) {
      if (!wanted.has(id)) this.drop(id, 'closed');
    }
    if (wanted.size === 0 || snapshot.status === 'ended') return;
    const { bridge, id } = this.meeting;
    const { connections } = await bridge.request('GET', `/api/meetings/${seg(id)}/connections`);
    for (const json of /** @type {ConnectionInfo[]} */ (connections)) {
      if (!this.open.has(json.id)) this.add(json);
    }
  }

  /**
   * Applies the meeting's event. A close that came as an event is followed to its end (see
   * {@link Connection#markClosed}).
   * @param {BridgeEvent} event
   */
  onEvent(event) {
    if (event.type === 'connection-open') this.add(event.connection);
    if (event.type === 'connection-close') this.drop(event.connectionId, event.reason, { cascade: true });
    if (event.type === 'meeting-ended') {
      this.dropAll('meeting-ended', { cascade: true });
      queueMicrotask(() => {
        for (const connection of this.closed.values()) connection.settle();
      });
    }
  }

  /**
   * @param {ConnectionInfo} json
   * @returns {Connection} the connection, followed
   */
  add(json) {
    const existing = this.open.get(json.id);
    if (existing) return existing;
    const connection = new Connection(this.meeting, json);
    this.open.set(connection.id, connection);
    connection.ready.catch((error) => {
      if (!connection.closed) this.meeting.bridge.report(error.problem ?? { title: 'Connection', status: 0, detail: String(error) });
    });
    return connection;
  }

  /**
   * @param {string} id
   * @param {string} reason
   * @param {{cascade?: boolean}} [options] see {@link Connection#markClosed}
   */
  drop(id, reason, options) {
    const connection = this.open.get(id);
    if (!connection) return;
    this.open.delete(id);
    this.closed.set(id, connection);
    connection.markClosed(reason, options);
  }

  /**
   * @param {string} reason
   * @param {{cascade?: boolean}} [options]
   */
  dropAll(reason, options) {
    for (const id of [...this.open.keys()]) this.drop(id, reason, options);
  }
}
