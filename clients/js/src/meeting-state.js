import { seg } from './rest.js';

/** @typedef {import('./types.js').BridgeEvent} BridgeEvent */
/** @typedef {import('./types.js').MeetingInfo} MeetingInfo */
/** @typedef {import('./types.js').MeetingStatus} MeetingStatus */
/** @typedef {import('./types.js').Participant} Participant */

/** How many left-behind epochs a meeting's state remembers (each failover of the meeting adds one). */
const PAST_EPOCHS = 8;

/**
 * What the client knows of one meeting as of the last event it applied: participants, status,
 * and where in the meeting's history that is (sequence and epoch).
 * @internal
 */
export class MeetingState {
  constructor() {
    /** @type {Map<string, Participant>} */
    this.participants = new Map();
    /** @type {MeetingStatus | undefined} */
    this.status = undefined;
    /** @type {string | undefined} */
    this.createdAt = undefined;
    /** @type {string | undefined} */
    this.endedAt = undefined;
    /** The sequence of the last event applied. */
    this.sequence = 0;
    /**
     * The epoch of the meeting's history that `sequence` belongs to (unknown before the first
     * snapshot, and from a bridge that sends none).
     * @type {string | undefined}
     */
    this.epoch = undefined;
    /**
     * Epochs left behind when a snapshot of a new one replaced the state. Epochs are never
     * reused, so a late event of one of these was on its way from a history that is gone.
     * @type {string[]}
     */
    this.pastEpochs = [];
    /**
     * The last event applied (none since the last snapshot): a fill checks that the history's
     * event at its sequence is still this one.
     * @type {BridgeEvent | undefined}
     */
    this.last = undefined;
  }

  /** `&epoch=` for history reads, so that the bridge refuses a position its history no longer continues. */
  get epochQuery() {
    return this.epoch === undefined ? '' : `&epoch=${seg(this.epoch)}`;
  }

  /**
   * Replaces the state with a snapshot.
   * @param {MeetingInfo} snapshot
   * @param {number} latestSequence the history's, read before the snapshot
   * @param {string | undefined} epoch the history's, read with it
   */
  replace(snapshot, latestSequence, epoch) {
    this.status = snapshot.status;
    this.createdAt = snapshot.createdAt;
    this.endedAt = snapshot.endedAt;
    this.participants.clear();
    for (const [id, participant] of Object.entries(snapshot.participants ?? {})) this.participants.set(id, participant);
    this.sequence = latestSequence;
    this.last = undefined;
    if (this.epoch !== undefined && epoch !== this.epoch) {
      this.pastEpochs = [...this.pastEpochs.slice(1 - PAST_EPOCHS), this.epoch];
    }
    this.epoch = epoch;
  }

  /**
   * @param {string | undefined} epoch an event's
   * @returns {boolean} whether the state left that epoch behind
   */
  leftBehind(epoch) {
    return epoch !== undefined && this.pastEpochs.includes(epoch);
  }

  /**
   * Applies the next event.
   * @param {BridgeEvent} event
   */
  apply(event) {
    this.sequence = event.sequence;
    this.last = event;
    switch (event.type) {
      case 'participant-joined':
        this.participants.set(event.participant.id, event.participant);
        break;
      case 'participant-left':
        this.participants.delete(event.participant.id);
        break;
      case 'meeting-ended':
        this.status = 'ended';
        this.endedAt = event.timestamp;
        this.participants.clear();
        break;
      default:
    }
  }
}
