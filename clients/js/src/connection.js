import { seg } from './rest.js';
import { MeetingView } from './view.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').ChatMessage} ChatMessage */
/** @typedef {import('./types.js').ConnectionInfo} ConnectionInfo */
/** @typedef {import('./types.js').ConnectionMeetingEvents} ConnectionMeetingEvents */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').Participant} Participant */
/** @typedef {import('./types.js').SwitchOptions} SwitchOptions */
/** @typedef {import('./types.js').SwitchAnswer} SwitchAnswer */
/** @typedef {import('./meeting.js').Meeting} Meeting */

/**
 * The bridge opens a connection one meeting after the other, so the first meeting's
 * `connection-open` can arrive while the other meeting does not list the connection yet, and
 * reading it is still refused (`forbidden`). Its open follows within one Redis round trip: a
 * refused read of a connection just seen opening is tried again after these waits (ms).
 */
const OPENING_RETRY_MS = Object.freeze([25, 50, 100, 200, 400, 800]);

/** @param {number} ms */
const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * A connection between the caller's meeting and another: `id`, `payload`, and `meeting`, the
 * {@link ConnectionMeeting} at the other end.
 */
export class Connection {
  /**
   * @param {Meeting} owner the caller's meeting
   * @param {ConnectionInfo} json the connection as the bridge sends it (seen from `owner`'s side)
   */
  constructor(owner, json) {
    /** @internal */
    this.owner = owner;
    this.id = json.id;
    this.payload = json.payload ?? '';
    this.createdAt = json.createdAt;
    /** The caller's meeting. */
    this.meetingId = owner.id;
    /** The meeting at the other end. */
    this.meeting = new ConnectionMeeting(this, json.meeting);
    this.closed = false;
    /** @type {string | undefined} `closed`, `meeting-ended`, ... once closed */
    this.closeReason = undefined;
    /** Resolves once `meeting.participants` is loaded and followed live. */
    this.ready = this.follow();
    this.ready.catch(() => {});
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.releaseTimer = undefined;
    this.released = false;
  }

  /**
   * Attaches the other meeting's feed; a `forbidden` while the connection is open may mean its
   * other side is not open yet (see {@link OPENING_RETRY_MS}), so it is tried again a few times.
   * @internal
   */
  async follow() {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.meeting.feed.attach();
      } catch (error) {
        const refused = /** @type {{code?: string}} */ (error)?.code === 'forbidden';
        if (!refused || this.closed || attempt >= OPENING_RETRY_MS.length) throw error;
        await pause(OPENING_RETRY_MS[attempt]);
        if (this.closed) throw error;
      }
    }
  }

  /**
   * Closes the connection (needs `allow_mod`); both meetings get `connection-close`.
   * @returns {Promise<void>}
   */
  close() {
    return this.owner.bridge.request('DELETE', `/api/meetings/${seg(this.meetingId)}/connections/${seg(this.id)}`);
  }

  /**
   * The connection closed (`reason`), or the caller stopped following the meeting it belongs to.
   * The other meeting stays followed only while a meeting's end is under way (`meeting-ended`):
   * the rest of that cascade (the other meeting's leaves and its own end, or this meeting's end)
   * still reaches the caller, and is shown, up to the `meeting-ended` that finishes it. Any other
   * close takes away what let the caller watch the other meeting, so nothing more comes from it.
   * @internal
   * @param {string} reason
   * @param {{cascade?: boolean}} [options] whether the close came with the meeting's events
   *   (false: the caller stopped following, or a snapshot showed the connection gone)
   */
  markClosed(reason, { cascade = false } = {}) {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    if (cascade && reason === 'meeting-ended') {
      // Bounded, for a cascade whose end never comes (the caller lost the grounds meanwhile).
      this.releaseTimer = setTimeout(() => this.release(), this.owner.bridge.lastEventWaitMs());
      /** @type {{unref?: () => void}} */ (this.releaseTimer).unref?.();
    }
    this.settle();
  }

  /**
   * Stops following the other meeting once nothing more of the close is to come: at once, or,
   * while a meeting's end is under way, when either meeting has ended (or the other can no
   * longer be read).
   * @internal
   */
  settle() {
    if (!this.closed || this.released) return;
    if (this.releaseTimer !== undefined && this.owner.status !== 'ended' && this.meeting.status !== 'ended'
      && this.meeting.feed.attached) return;
    this.release();
  }

  /** @internal */
  release() {
    clearTimeout(this.releaseTimer);
    this.released = true;
    const feed = this.meeting.feed;
    this.meeting.dispose();
    // Shown by others still: the bridge may have dropped the subscriptions made on this
    // connection's grounds alone.
    if (feed.views.size > 0) void feed.resubscribe();
  }
}

/**
 * A participant of the meeting at the other end of a connection, as VideoSDK's
 * `ConnectionParticipant`: `id`, `displayName`, `joinedAt` and `switchTo()`.
 */
export class ConnectionParticipant {
  /**
   * @param {ConnectionMeeting} meeting
   * @param {Participant} participant
   */
  constructor(meeting, participant) {
    /** @internal */
    this.meeting = meeting;
    this.id = participant.id;
    this.displayName = participant.displayName;
    this.joinedAt = participant.joinedAt;
  }

  /**
   * Asks this participant to switch to another meeting (needs `allow_mod` in the caller's
   * meeting): its clients get `switch-meeting` with the `token` and `payload` as given. With
   * `move: true` the bridge moves it itself: it leaves this meeting (`switched`) and joins the
   * target, and its clients follow the target by themselves.
   * @param {SwitchOptions} options
   * @returns {Promise<SwitchAnswer>} the switch's id and how many of its live sessions it reached
   */
  switchTo({ meetingId, token, payload, move }) {
    /** @type {{meetingId: string, token?: string, payload?: string, move?: boolean}} */
    const body = { meetingId };
    if (token !== undefined) body.token = token;
    if (payload !== undefined) body.payload = payload;
    if (move) body.move = true;
    const { meetingId: own, id } = this.meeting.connection;
    return this.meeting.bridge.request('POST',
      `/api/meetings/${seg(own)}/connections/${seg(id)}/participants/${seg(this.id)}/switch`, body);
  }
}

/**
 * The meeting at the other end of a connection, as VideoSDK's `ConnectionMeeting`: `id`,
 * `participants` (kept live), `sendChatMessage()`, `on`/`off` and `end()`.
 * @extends {MeetingView<ConnectionMeetingEvents>}
 */
export class ConnectionMeeting extends MeetingView {
  /**
   * @param {Connection} connection
   * @param {{id: string, participants?: Record<string, Participant>}} json
   */
  constructor(connection, json) {
    super(connection.owner.bridge, json.id);
    /** The connection this meeting is seen through. */
    this.connection = connection;
    if (!this.feed.attached && this.feed.state.participants.size === 0) {
      // Shown at once; replaced by the consistent snapshot when the feed has attached.
      for (const [id, participant] of Object.entries(json.participants ?? {})) this.feed.state.participants.set(id, participant);
    }
  }

  /**
   * @internal
   * @param {BridgeEvent} event
   */
  onEvent(event) {
    if (event.type === 'meeting-ended') queueMicrotask(() => this.connection.settle());
  }

  /** @internal */
  onLost() {
    this.connection.settle();
  }

  /**
   * @returns {Map<string, ConnectionParticipant>} the participants, kept live, each with `switchTo()`
   */
  get participants() {
    const participants = new Map();
    for (const [id, participant] of this.feed.state.participants) {
      participants.set(id, new ConnectionParticipant(this, participant));
    }
    return participants;
  }

  /**
   * Sends a chat message over the connection: it reaches the participants of this (the other)
   * meeting as its `chat-message` event.
   * @param {string} message
   * @returns {Promise<ChatMessage>}
   */
  sendChatMessage(message) {
    /** @type {{message: string, senderId?: string}} */
    const body = { message };
    const { isServer, participantId } = this.bridge.identity;
    if (isServer && participantId) body.senderId = participantId;
    const { meetingId, id } = this.connection;
    return this.bridge.request('POST', `/api/meetings/${seg(meetingId)}/connections/${seg(id)}/chat-messages`, body);
  }

  /**
   * Ends this meeting over the connection (needs `allow_mod`): every participant of it leaves.
   * @returns {Promise<MeetingInfo>} the ended meeting
   */
  end() {
    const { meetingId, id } = this.connection;
    return this.bridge.request('POST', `/api/meetings/${seg(meetingId)}/connections/${seg(id)}/end`);
  }
}
