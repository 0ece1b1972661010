/**
 * A minimal typed event emitter whose listeners cannot break the emitter: a listener that throws
 * is reported (`reportError` in browsers, `console.error` in Node) and the others still run.
 * @template {{[type: string]: any[]}} Events
 */
export class Emitter {
  constructor() {
    /** @type {Map<keyof Events, Set<(...args: any[]) => void>>} */
    this.listeners = new Map();
  }

  /**
   * @template {keyof Events} K
   * @param {K} type
   * @param {(...args: Events[K]) => void} listener
   */
  on(type, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  /**
   * Removes one listener, or every listener of the type when none is named.
   * @template {keyof Events} K
   * @param {K} type
   * @param {(...args: Events[K]) => void} [listener]
   */
  off(type, listener) {
    const set = this.listeners.get(type);
    if (!set) return;
    if (listener === undefined) set.clear();
    else set.delete(listener);
    if (set.size === 0) this.listeners.delete(type);
  }

  /** @param {keyof Events} type */
  count(type) {
    return this.listeners.get(type)?.size ?? 0;
  }

  /**
   * @template {keyof Events} K
   * @param {K} type
   * @param {Events[K]} args
   */
  emit(type, ...args) {
    const set = this.listeners.get(type);
    if (set === undefined) return;
    // Listeners added or removed by a listener take effect from the next event: with one
    // listener (the usual case) there is nothing to copy for that.
    if (set.size === 1) {
      call(set.values().next().value, args);
      return;
    }
    for (const listener of [...set]) call(listener, args);
  }

  /** Removes every listener. */
  clear() {
    this.listeners.clear();
  }
}

/**
 * @param {((...args: any[]) => void) | undefined} listener
 * @param {any[]} args
 */
function call(listener, args) {
  try {
    listener?.(...args);
  } catch (error) {
    reportListenerError(error);
  }
}

/** @param {unknown} error */
function reportListenerError(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error('meeting-bridge: a listener threw', error);
}
