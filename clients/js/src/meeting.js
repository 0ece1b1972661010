import { Connection } from './connection.js';
import { BridgeError } from './errors.js';
import { MeetingConnections } from './meeting-connections.js';
import { seg } from './rest.js';
import { VIEW_EVENTS, MeetingView } from './view.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').ConnectionInfo} ConnectionInfo */
/** @typedef {import('./types.js').MeetingEvents} MeetingEvents */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').SwitchMeeting} SwitchMeeting */
/** @typedef {import('./types.js').LostEvent} LostEvent */
/** @typedef {import('./emitter.js').Emitter<any>} AnyEmitter */
/** @typedef {import('./bridge.js').MeetingBridge} MeetingBridge */
/** @typedef {import('./options.js').JoinOptions} JoinOptions */

/** What the caller's own meeting emits besides: `lost`, and `switch-meeting` (a message to its participant). */
const MEETING_EVENTS = Object.freeze([...VIEW_EVENTS, 'lost', 'switch-meeting']);

/**
 * A meeting the caller is in (or, with a server token, watches): `participants`, `connections`,
 * `on`/`off` for its events, and the calls a participant makes.
 * @extends {MeetingView<MeetingEvents>}
 */
export class Meeting extends MeetingView {
  /**
   * @param {MeetingBridge} bridge
   * @param {string} id
   */
  constructor(bridge, id) {
    super(bridge, id);
    /** @internal */
    this.links = new MeetingConnections(this);
    /** @type {BridgeError | undefined} why the client stopped following, if it lost access */
    this.lostBecause = undefined;
  }

  /** @returns {Map<string, Connection>} open connections of this meeting, kept live */
  get connections() {
    return this.links.open;
  }

  /** @returns {Map<string, Connection>} connections that closed while followed, with `closeReason` */
  get closedConnections() {
    return this.links.closed;
  }

  /** @internal */
  eventTypes() {
    return MEETING_EVENTS;
  }

  /** Whether the client currently follows the meeting live. */
  get attached() {
    return this.feed.attached && this.feed.views.has(this);
  }

  /** When the meeting was created (ISO-8601), as far as known. */
  get createdAt() {
    return this.feed.state.createdAt;
  }

  /** When the meeting ended (ISO-8601), as far as known. */
  get endedAt() {
    return this.feed.state.endedAt;
  }

  /** @internal */
  async attach() {
    if (!this.feed.views.has(this)) this.feed.addView(this);
    if (this.feed.attached && !this.links.loaded) {
      // The feed was already followed for a connection to this meeting: load the connections too,
      // and subscribe again on the caller's own grounds (see MeetingFeed#resubscribe).
      await this.onSnapshot(await this.bridge.readMeeting(this.id));
      await this.feed.resubscribe();
    }
    await this.feed.attach();
  }

  /**
   * Loads the open connections with a snapshot.
   * @internal
   * @param {MeetingInfo} snapshot
   */
  onSnapshot(snapshot) {
    return this.links.load(snapshot);
  }

  /**
   * @internal
   * @param {BridgeEvent} event
   */
  onEvent(event) {
    this.links.onEvent(event);
    if (event.type === 'participant-left' && event.reason !== 'meeting-ended') {
      // Only a leave needs to know who we are (the identity is worked out from the token).
      const { isServer, participantId } = this.bridge.identity;
      if (!isServer && event.participant.id === participantId) {
        // That was our own authority to follow the meeting: the bridge sends nothing more.
        // (When the meeting ends, the cascade still arrives up to meeting-ended.)
        queueMicrotask(() => this.stopFollowing(event.reason));
      }
    }
  }

  /**
   * @internal
   * @param {BridgeEvent} event
   */
  detailOf(event) {
    if (event.type === 'connection-open') return this.connections.get(event.connection.id) ?? event.connection;
    return super.detailOf(event);
  }

  /**
   * @internal
   * @param {string} reason
   */
  stopFollowing(reason) {
    if (this.feed.state.status === 'ended') return;
    if (this.feed.views.size > 1) {
      // Still shown through a connection: the feed goes on for it, on the grounds it has.
      this.feed.removeView(this);
      this.links.loaded = false;
      void this.feed.resubscribe();
    } else {
      this.feed.suspend();
    }
    this.bridge.unbind(this.id);
    this.links.dropAll(reason);
    this.emitLost({ type: 'lost', meetingId: this.id, reason });
  }

  /**
   * @internal
   * @param {BridgeError} error
   */
  onLost(error) {
    this.links.dropAll('lost');
    this.lostBecause = error;
    this.bridge.unbind(this.id);
    this.emitLost({ type: 'lost', meetingId: this.id, reason: error.code ?? 'forbidden', problem: error.problem });
  }

  /**
   * @internal
   * @param {LostEvent} lost
   */
  emitLost(lost) {
    /** @type {AnyEmitter} */ (this.emitter).emit('lost', lost);
  }

  /**
   * @internal
   * @param {SwitchMeeting} message
   * @param {Meeting | undefined} target
   */
  emitSwitch(message, target) {
    /** @type {AnyEmitter} */ (this.emitter).emit('switch-meeting', message, target);
  }

  /**
   * @param {string} [participantId]
   * @returns {string | undefined} the participant this client acts as: the token's `sub`, or `actAs` with a server token
   */
  actingParticipant(participantId) {
    return participantId ?? this.bridge.identity.participantId;
  }

  /**
   * Joins the meeting as the acting participant and starts following it.
   * @param {JoinOptions} options
   * @returns {Promise<Participant>}
   */
  async join({ displayName, participantId, bindToSession = false }) {
    /** @type {{displayName: string, participantId?: string}} */
    const body = { displayName };
    const identity = this.bridge.identity;
    if (identity.isServer) body.participantId = this.actingParticipant(participantId);
    const participant = await this.bridge.request('POST', `/api/meetings/${seg(this.id)}/participants`, body);
    if (bindToSession && !identity.isServer) this.bridge.bindToSession(this.id, displayName);
    await this.attach();
    return participant;
  }

  /**
   * Leaves the meeting (or, with `allow_mod`, removes someone else). After the acting
   * participant leaves, a participant token may no longer read the meeting and the client stops
   * following it; `join()` follows it again. With a participant token it resolves once its own
   * `participant-left` has arrived (and `lost` was emitted), so that the meeting is no longer
   * `attached` when it does; should that event not come within `lastEventWaitMs`, the client
   * stops following without it.
   * @param {{participantId?: string}} [options]
   * @returns {Promise<void>}
   */
  async leave({ participantId } = {}) {
    const who = this.actingParticipant(participantId);
    if (!who) throw new BridgeError({ title: 'Who leaves?', status: 400, code: 'validation-failed', detail: 'name the participant (actAs with a server token)' });
    await this.bridge.request('DELETE', `/api/meetings/${seg(this.id)}/participants/${seg(who)}`);
    if (who === this.bridge.identity.participantId) {
      this.bridge.unbind(this.id);
      // Its own participant-left is the last event the bridge sends it; the client then stops following.
      if (!this.bridge.identity.isServer && this.attached
        && !(await this.emits('lost', this.bridge.lastEventWaitMs()))) this.stopFollowing('left');
    }
  }

  /**
   * Ends the meeting: everyone leaves, its connections close. Needs `allow_mod` (or a server token).
   * @returns {Promise<MeetingInfo>}
   */
  end() {
    return this.bridge.request('POST', `/api/meetings/${seg(this.id)}/end`);
  }

  /**
   * Connects this meeting to another one (needs `allow_mod`). Resolves with the {@link Connection},
   * whose `meeting.participants` is loaded, also when the two were already connected.
   * @param {{meetingId: string, payload?: string}} options
   * @returns {Promise<Connection>}
   */
  async connectTo({ meetingId, payload }) {
    /** @type {{meetingId: string, payload?: string}} */
    const body = { meetingId };
    if (payload !== undefined) body.payload = payload;
    /** @type {ConnectionInfo} */
    const json = await this.bridge.request('POST', `/api/meetings/${seg(this.id)}/connections`, body);
    const connection = this.connections.get(json.id) ?? (this.attached ? this.links.add(json) : new Connection(this, json));
    await connection.ready;
    return connection;
  }

  /**
   * Reads the event history, oldest first, with the epoch it belongs to.
   * @param {{after?: number, limit?: number}} [query]
   * @returns {Promise<{events: BridgeEvent[], latestSequence: number, epoch: string}>}
   */
  history({ after = 0, limit = 100 } = {}) {
    return this.bridge.request('GET', `/api/meetings/${seg(this.id)}/events?after=${after}&limit=${limit}`);
  }

  /** Stops following this meeting (and its connections' meetings) and forgets the listeners. */
  dispose() {
    for (const connection of this.connections.values()) connection.meeting.dispose();
    this.bridge.forget(this);
    super.dispose();
  }
}
