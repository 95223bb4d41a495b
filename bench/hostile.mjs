// hostile.mjs: what clients that do not play along cost the relay, for
// `make bench` (issue 12).  Usage:
//   node bench/hostile.mjs SAMIZDAT DATADIR
// DATADIR holds a store with at least 10,000 kind 1 events (run.sh imports
// the bench's events into it).  Two figures, each beside its goal:
//   1. 1,000 connections each send a REQ matching 10,000 stored events and
//      never read: the relay's peak RSS, and its RSS ten seconds after they
//      all closed.
//   2. One connection sends 100 COUNT {} while another sends a REQ every
//      20 ms: the other's REQ-to-EOSE latency, p50 and p99.
// Loopback only (127.0.0.x, so that the per-address cap does not apply);
// every step has a deadline; the relay is stopped at the end.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../test/interop/package.json'));
const WebSocket = require('ws');

const [bin, dir] = process.argv.slice(2);
const CONNS = 1000;
const port = 20000 + Math.floor(Math.random() * 30000);
const url = `ws://127.0.0.1:${port}/`;
const relay = spawn(bin, ['-q', '-d', dir, 'serve', '--listen',
  `127.0.0.1:${port}`, '--no-discovery', '-o', 'events_per_minute=0',
  '-o', 'max_limit=10000', '-o', 'max_connections=2048'],
  { stdio: ['ignore', 'ignore', 'inherit'] });
const status = (k) => +readFileSync(`/proc/${relay.pid}/status`, 'utf8')
  .match(new RegExp(`${k}:\\s+(\\d+)`))[1];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const deadline = (ms, what) => new Promise((_, rej) =>
  setTimeout(() => rej(new Error(`timeout: ${what}`)), ms).unref());

function connect(localAddress) {
  return new Promise((res, rej) => {
    const w = new WebSocket(url, { localAddress, perMessageDeflate: false });
    w.once('open', () => res(w));
    w.once('error', rej);
  });
}

// A WebSocket handshake by hand, a REQ, then no more reading.
function deaf(i) {
  return new Promise((res, rej) => {
    const s = net.connect({ host: '127.0.0.1', port,
      localAddress: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` });
    s.once('error', rej);
    s.once('connect', () => {
      s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
        'Sec-WebSocket-Version: 13\r\n\r\n');
    });
    let head = '';
    const onData = (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      const text = Buffer.from(JSON.stringify(['REQ', 'all',
        { kinds: [1], limit: 10000 }]));
      const mask = randomBytes(4);
      const hdr = text.length < 126 ? Buffer.from([0x81, 0x80 | text.length])
        : Buffer.from([0x81, 0x80 | 126, text.length >> 8, text.length & 255]);
      const body = Buffer.from(text.map((b, k) => b ^ mask[k & 3]));
      s.write(Buffer.concat([hdr, mask, body]));
      s.pause();		// never read again
      res(s);
    };
    s.on('data', onData);
  });
}

async function waitUp() {
  for (let i = 0; i < 200; i++) {
    try { const w = await connect(); w.close(); return; } catch { await sleep(100); }
  }
  throw new Error('relay did not start');
}

function pct(a, p) {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
}

try {
  await waitUp();
  const idle = status('VmRSS');

  // 1. A thousand deaf readers.
  const socks = [];
  await Promise.race([deadline(120000, 'deaf connections'), (async () => {
    for (let i = 0; i < CONNS; i += 50)
      socks.push(...await Promise.all(Array.from({ length: Math.min(50, CONNS - i) },
        (_, k) => deaf(i + k))));
  })()]);
  await sleep(5000);		// let the relay fill what it will
  const held = status('VmRSS');
  const peak = status('VmHWM');
  for (const s of socks) s.destroy();
  await sleep(10000);
  const after = status('VmRSS');
  console.log(`hostile: ${CONNS} connections each REQ 10,000 stored events, not reading: ` +
    `peak RSS ${(peak / 1024).toFixed(0)} MB (goal <= 256 MB), ` +
    `${(held / 1024).toFixed(0)} MB while they hang, ` +
    `${(after / 1024).toFixed(1)} MB 10 s after they closed (goal <= 32 MB; idle ${(idle / 1024).toFixed(1)} MB)`);

  // 2. COUNTs from one connection, REQs from another.
  const counter = await connect('127.0.9.1');
  const reader = await connect('127.0.9.2');
  let counted = 0;
  const countsDone = new Promise((res) => counter.on('message', (d) => {
    if (JSON.parse(d)[0] === 'COUNT' && ++counted === 100) res();
  }));
  const lat = [];
  let seq = 0;
  const reqOnce = () => new Promise((res) => {
    const id = `r${seq++}`;
    const t0 = process.hrtime.bigint();
    const on = (d) => {
      const m = JSON.parse(d);
      if (m[0] === 'EOSE' && m[1] === id) {
        reader.off('message', on);
        lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        reader.send(JSON.stringify(['CLOSE', id]));
        res();
      }
    };
    reader.on('message', on);
    reader.send(JSON.stringify(['REQ', id, { kinds: [1], limit: 10 }]));
  });
  const t0 = Date.now();
  for (let i = 0; i < 100; i++)
    counter.send(JSON.stringify(['COUNT', `c${i}`, {}]));
  let stop = false;
  const reads = (async () => {
    while (!stop) { await reqOnce(); await sleep(20); }
  })();
  await Promise.race([deadline(300000, '100 COUNTs'), countsDone]);
  const countMs = Date.now() - t0;
  stop = true;
  await reads;
  console.log(`hostile: another client's REQ while one connection sends 100 COUNT {}: ` +
    `p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms over ${lat.length} REQs ` +
    `(goal p99 < 100 ms); the 100 COUNTs took ${countMs} ms`);
  counter.close();
  reader.close();
} finally {
  relay.kill('SIGTERM');
  await new Promise((r) => { relay.once('exit', r); setTimeout(r, 5000).unref(); });
}
