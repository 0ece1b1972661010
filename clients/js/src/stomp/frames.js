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
  if (value.indexOf('\\') < 0) return value;
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
    const text = this.buffer.length === 0 ? data : this.buffer + data;
    /** @type {Frame[]} */
    const frames = [];
    let at = 0;
    for (;;) {
      while (text.charCodeAt(at) === 10 || (text.charCodeAt(at) === 13 && text.charCodeAt(at + 1) === 10)) {
        at += text.charCodeAt(at) === 13 ? 2 : 1;
      }
      if (at >= text.length) break;
      const head = headEnd(text, at);
      if (head === null) break;
      // The command and header lines are read where they are: no array of lines, no line copies.
      /** @type {Record<string, string>} */
      const headers = {};
      let lineEnd = lineEndAt(text, at, head.index);
      const command = text.slice(at, lineEnd.content);
      for (let line = lineEnd.next; line < head.index; line = lineEnd.next) {
        lineEnd = lineEndAt(text, line, head.index);
        const colon = text.indexOf(':', line);
        if (colon < 0 || colon >= lineEnd.content) continue;
        setHeader(headers, unescapeHeader(text.slice(line, colon)), unescapeHeader(text.slice(colon + 1, lineEnd.content)));
      }
      const bodyStart = head.index + head.length;
      let bodyEnd;
      const declared = headers['content-length'];
      if (declared !== undefined) {
        const bytes = Number(declared);
        // Fast path: the first NUL is as many characters on as the body has bytes. Then the body
        // is all ASCII (any other character takes more UTF-8 bytes than UTF-16 units) and that
        // NUL ends it; otherwise count the characters the bytes make up.
        const nul = text.indexOf('\0', bodyStart);
        if (nul - bodyStart === bytes) bodyEnd = nul;
        else bodyEnd = charsSpanning(text, bodyStart, bytes);
        if (bodyEnd < 0 || bodyEnd >= text.length) break; // the body and its NUL are not all here yet
      } else {
        bodyEnd = text.indexOf('\0', bodyStart);
        if (bodyEnd < 0) break;
      }
      frames.push({ command, headers, body: text.slice(bodyStart, bodyEnd) });
      at = bodyEnd + 1;
    }
    this.buffer = at >= text.length ? '' : text.slice(at);
    return frames;
  }
}

/**
 * Sets a header unless the frame already had it (the first occurrence wins). The headers the
 * bridge sends are stored under names written out here, so that every frame's object takes the
 * same shape the same way; a name read from the frame as a property key would go through the
 * engine's generic (and far slower) keyed lookups on every frame.
 * @param {Record<string, string>} headers
 * @param {string} name
 * @param {string} value
 */
function setHeader(headers, name, value) {
  switch (name) {
    case 'destination':
      if (headers.destination === undefined) headers.destination = value;
      return;
    case 'content-type':
      if (headers['content-type'] === undefined) headers['content-type'] = value;
      return;
    case 'content-length':
      if (headers['content-length'] === undefined) headers['content-length'] = value;
      return;
    case 'message-id':
      if (headers['message-id'] === undefined) headers['message-id'] = value;
      return;
    case 'subscription':
      if (headers.subscription === undefined) headers.subscription = value;
      return;
    case 'receipt-id':
      if (headers['receipt-id'] === undefined) headers['receipt-id'] = value;
      return;
    default:
      if (!Object.hasOwn(headers, name)) headers[name] = value;
  }
}

/**
 * Where the headers of the frame starting at `from` end: the blank line, LF LF as the bridge
 * sends it, or with CR LF line ends as STOMP also allows; null when it has not arrived yet.
 * @param {string} text
 * @param {number} from
 * @returns {{index: number, length: number, crlf: boolean} | null}
 */
function headEnd(text, from) {
  const lf = text.indexOf('\n\n', from);
  // A CR before that blank line (looked for backwards, within the head only) means CR LF line ends.
  const cr = lf >= 0 ? text.lastIndexOf('\r', lf) : text.indexOf('\r', from);
  if (cr < from) return lf < 0 ? null : { index: lf, length: 2, crlf: false };
  const end = /\r?\n\r?\n/g;
  end.lastIndex = from;
  const match = end.exec(text);
  return match ? { index: match.index, length: match[0].length, crlf: true } : null;
}

/**
 * Where the line starting at `from` ends, within a frame's head that ends at `limit`: its content
 * ends before the LF (or CR LF), the next line starts after it.
 * @param {string} text
 * @param {number} from
 * @param {number} limit
 * @returns {{content: number, next: number}}
 */
function lineEndAt(text, from, limit) {
  let lf = text.indexOf('\n', from);
  if (lf < 0 || lf > limit) lf = limit;
  const content = lf > from && text.charCodeAt(lf - 1) === 13 ? lf - 1 : lf;
  return { content, next: lf + 1 };
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
