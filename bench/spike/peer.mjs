// (e) peer: Socket.IO 4 server; io.to(room).emit of the same JSON string to every socket in the room.
// Control over plain HTTP on the same port: POST /start?frames=&rate=, GET /heap, GET /stats.
// Run with --expose-gc so /heap can collect before reading heapUsed.
import http from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.env.PORT || 18431);
const JSON_EVENT = JSON.stringify({
  type: 'chat-message', meetingId: 'm', id: 'msg-7f3a9c',
  sender: { participantId: 'p-42', displayName: 'Ada Lovelace' },
  text: 'Hi all, slides are up in the shared folder.', sentAt: '2025-05-04T10:15:30.123Z',
});

let framesSent = 0;
let running = false;

function start(frames, rate) {
  if (running) return false;
  running = true;
  const period = 1000 / rate;
  const t0 = performance.now();
  let i = 0;
  const tick = () => {
    io.to('m').emit('chat-message', JSON_EVENT);
    framesSent++;
    i++;
    if (i >= frames) { running = false; return; }
    setTimeout(tick, Math.max(0, t0 + i * period - performance.now()));
  };
  tick();
  return true;
}

async function heapAfterGc() {
  for (let i = 0; i < 3; i++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 150));
  }
  return process.memoryUsage().heapUsed;
}

const httpServer = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.method === 'POST' && url.pathname === '/start') {
    res.end(start(Number(url.searchParams.get('frames')), Number(url.searchParams.get('rate'))) ? 'started' : 'busy');
  } else if (url.pathname === '/heap') {
    res.end(String(await heapAfterGc()));
  } else if (url.pathname === '/stats') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ sessions: io.engine.clientsCount, framesSent, jsonBytes: Buffer.byteLength(JSON_EVENT) }));
  } else if (!url.pathname.startsWith('/socket.io')) {
    res.statusCode = 404;
    res.end();
  }
});

const io = new Server(httpServer, { transports: ['websocket'] });
io.on('connection', (socket) => socket.join('m'));
httpServer.listen(port, '127.0.0.1');
