/**
 * A minimal typed event emitter whose listeners cannot break the emitter: a listener that throws
 * is reported (`reportError` in browsers, `console.error` in Node) and the others still run.
 * @template {{[type: string]: any[]}} Events
 */
export class Emitter {
  constructor() {
    /**
     * Each type's listeners, in the order they were added. An array is replaced, never changed in
     * place, when a listener comes or goes: an event goes to the listeners there were when it was
     * emitted (one added or removed by a listener takes effect from the next event), without a
     * copy per event.
     * @type {Map<keyof Events, readonly ((...args: any[]) => void)[]>}
     */
    this.listeners = new Map();
  }

  /**
   * Adds a listener; adding one that is already there changes nothing.
   * @template {keyof Events} K
   * @param {K} type
   * @param {(...args: Events[K]) => void} listener
   */
  on(type, listener) {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const list = this.listeners.get(type);
    if (!list) this.listeners.set(type, [listener]);
    else if (!list.includes(listener)) this.listeners.set(type, [...list, listener]);
  }

  /**
   * Removes one listener, or every listener of the type when none is named.
   * @template {keyof Events} K
   * @param {K} type
   * @param {(...args: Events[K]) => void} [listener]
   */
  off(type, listener) {
    const list = this.listeners.get(type);
    if (!list) return;
    const rest = listener === undefined ? [] : list.filter((l) => l !== listener);
    if (rest.length === 0) this.listeners.delete(type);
    else if (rest.length !== list.length) this.listeners.set(type, rest);
  }

  /** @param {keyof Events} type */
  count(type) {
    return this.listeners.get(type)?.length ?? 0;
  }

  /**
   * @template {keyof Events} K
   * @param {K} type
   * @param {Events[K]} args
   */
  emit(type, ...args) {
    const list = this.listeners.get(type);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) call(list[i], args);
  }

  /** Removes every listener. */
  clear() {
    this.listeners.clear();
  }
}

/**
 * @param {(...args: any[]) => void} listener
 * @param {any[]} args
 */
function call(listener, args) {
  try {
    listener(...args);
  } catch (error) {
    reportListenerError(error);
  }
}

/** @param {unknown} error */
function reportListenerError(error) {
  if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
  else console.error('meeting-bridge: a listener threw', error);
}
