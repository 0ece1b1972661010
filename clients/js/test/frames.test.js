import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameParser, encodeFrame } from '../src/stomp/frames.js';

test('STOMP framing: escaped headers, content-length in UTF-8 bytes, frames split and joined, heart-beats', () => {
  const body = JSON.stringify({ message: 'Grüße ✓ from MARS 🚀' });
  const frame = encodeFrame('MESSAGE', { destination: '/topic/a:b', subscription: 'sub-1' }, body);
  assert.match(frame, /destination:\/topic\/a\\cb\n/);
  assert.match(frame, new RegExp(`content-length:${Buffer.byteLength(body)}\n`));
  const parser = new FrameParser();
  assert.deepEqual(parser.push('\n'), [], 'a heart-beat');
  assert.deepEqual(parser.push(frame.slice(0, 30)), []);
  const frames = parser.push(`${frame.slice(30)}\n${frame}`);
  assert.equal(frames.length, 2);
  for (const parsed of frames) {
    assert.equal(parsed.command, 'MESSAGE');
    assert.equal(parsed.headers.destination, '/topic/a:b');
    assert.equal(parsed.body, body);
  }
  assert.deepEqual(parser.push('ERROR\nmessage:forbidden\\c no\n\n\0'), [
    { command: 'ERROR', headers: { message: 'forbidden: no' }, body: '' },
  ]);
  assert.match(encodeFrame('CONNECT', { Authorization: 'Bearer a:b' }), /Authorization:Bearer a:b\n/, 'CONNECT is not escaped');
});

test('STOMP framing: CR LF line ends, a NUL inside a counted body, an ASCII body, the first header wins', () => {
  const parser = new FrameParser();
  assert.deepEqual(parser.push('MESSAGE\r\ndestination:/d\r\ndestination:/other\r\n\r\nhi\0'), [
    { command: 'MESSAGE', headers: { destination: '/d' }, body: 'hi' },
  ]);
  // content-length counts the NUL inside the body; the frame ends at the NUL after it.
  assert.deepEqual(parser.push('MESSAGE\ncontent-length:3\n\na\0b\0'), [
    { command: 'MESSAGE', headers: { 'content-length': '3' }, body: 'a\0b' },
  ]);
  // Non-ASCII where the character count equals the declared bytes only up to an early NUL.
  const tricky = 'é\0xx';
  assert.deepEqual(parser.push(`MESSAGE\ncontent-length:${Buffer.byteLength(tricky)}\n\n${tricky}\0`), [
    { command: 'MESSAGE', headers: { 'content-length': String(Buffer.byteLength(tricky)) }, body: tricky },
  ]);
  const json = '{"type":"chat-message","sequence":7}';
  assert.deepEqual(parser.push(`MESSAGE\nsubscription:s\ncontent-length:${json.length}\n\n${json}\0\n`), [
    { command: 'MESSAGE', headers: { subscription: 's', 'content-length': String(json.length) }, body: json },
  ]);
  // A header line without a colon is skipped, not read up to the next line's colon.
  assert.deepEqual(parser.push('MESSAGE\nno-colon-here\r\nsubscription:s\r\n\r\n\0'), [
    { command: 'MESSAGE', headers: { subscription: 's' }, body: '' },
  ]);
  // The first of a repeated header wins, for the headers the bridge sends and any other; a
  // header named like an Object property is a header like the rest.
  assert.deepEqual(parser.push('MESSAGE\nsubscription:a\nx-custom:1\nsubscription:b\nx-custom:2\nconstructor:c\n\n\0'), [
    { command: 'MESSAGE', headers: { subscription: 'a', 'x-custom': '1', constructor: 'c' }, body: '' },
  ]);
  // A CR in the body of a frame with LF line ends is the body's.
  assert.deepEqual(parser.push('MESSAGE\ndestination:/d\n\nline\r\n\r\nnext\0'), [
    { command: 'MESSAGE', headers: { destination: '/d' }, body: 'line\r\n\r\nnext' },
  ]);
  assert.deepEqual(parser.push(''), []);
});
