// STOMP 1.2 frames: serialising what the client sends, parsing what arrives over the WebSocket.

/**
 * @typedef {object} Frame
 * @property {string} command
 * @property {Record<string, string>} headers the first occurrence of each header wins (STOMP 1.2)
 * @property {string} body
 */

const encoder = new TextEncoder();

/** @param {string | number} value */
function escapeHeader(value) {
  return String(value).replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
}

/** @param {string} value */
function unescapeHeader(value) {
  return value.replace(/\\(.)/g, (_, c) => ({ r: '\r', n: '\n', c: ':', '\\': '\\' })[/** @type {string} */ (c)] ?? c);
}

/**
 * Serialises a frame. CONNECT headers are not escaped (STOMP 1.2 says so).
 * @param {string} command
 * @param {Record<string, string | number | undefined | null>} [headers]
 * @param {string} [body]
 * @returns {string}
 */
export function encodeFrame(command, headers = {}, body = '') {
  const escape = command === 'CONNECT' || command === 'STOMP' ? String : escapeHeader;
  let text = `${command}\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && value !== null) text += `${escape(name)}:${escape(value)}\n`;
  }
  if (body) text += `content-length:${encoder.encode(body).length}\n`;
  return `${text}\n${body}\0`;
}

/**
 * Incremental frame parser: feed it WebSocket message data, get whole frames back. Heart-beats
 * (bare end-of-lines) are skipped. Honours `content-length` (in UTF-8 bytes) and otherwise reads
 * up to the NUL octet.
 */
export class FrameParser {
  constructor() {
    this.buffer = '';
  }

  /**
   * Parses whatever complete frames the data finishes; one WebSocket message may carry several
   * frames (the bridge sends what queued up for a session together) or part of one. Linear in
   * the data: the buffer is walked with a cursor and cut once per call.
   * @param {string} data
   * @returns {Frame[]}
   */
  push(data) {
    const text = this.buffer + data;
    /** @type {Frame[]} */
    const frames = [];
    let at = 0;
    for (;;) {
      while (text[at] === '\n' || (text[at] === '\r' && text[at + 1] === '\n')) at += text[at] === '\r' ? 2 : 1;
      if (at >= text.length) break;
      const end = /\r?\n\r?\n/g;
      end.lastIndex = at;
      const match = end.exec(text);
      if (!match) break;
      const lines = text.slice(at, match.index).split(/\r?\n/);
      const command = /** @type {string} */ (lines.shift());
      /** @type {Record<string, string>} */
      const headers = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = unescapeHeader(line.slice(0, colon));
        if (!(name in headers)) headers[name] = unescapeHeader(line.slice(colon + 1));
      }
      const bodyStart = match.index + match[0].length;
      let bodyEnd;
      if (headers['content-length'] !== undefined) {
        bodyEnd = charsSpanning(text, bodyStart, Number(headers['content-length']));
        if (bodyEnd < 0 || bodyEnd >= text.length) break; // the body and its NUL are not all here yet
      } else {
        bodyEnd = text.indexOf('\0', bodyStart);
        if (bodyEnd < 0) break;
      }
      frames.push({ command, headers, body: text.slice(bodyStart, bodyEnd) });
      at = bodyEnd + 1;
    }
    this.buffer = text.slice(at);
    return frames;
  }
}

/**
 * The index just past the characters of `text` from `start` that take `byteLength` bytes in
 * UTF-8, or -1 when the text ends before that.
 * @param {string} text
 * @param {number} start
 * @param {number} byteLength
 */
function charsSpanning(text, start, byteLength) {
  let bytes = 0;
  let i = start;
  while (bytes < byteLength) {
    if (i >= text.length) return -1;
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i += 1; // the low surrogate of the pair
    } else bytes += 3;
    i += 1;
  }
  return i;
}
