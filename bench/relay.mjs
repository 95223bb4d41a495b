// relay.mjs: relay figures for `make bench` -- pipelined publish rate
// (EVENT -> OK), time to stream stored events to EOSE, idle RSS and memory
// per idle connection.  Usage:
//   node bench/relay.mjs SAMIZDAT EVENTS.jsonl [IMPORT_RATE]
// Loopback only; every step has a timeout; the relay is stopped at the end.
import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '../test/interop/package.json'));
const WebSocket = require('ws');

const [bin, file, importRate] = process.argv.slice(2);
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const dir = mkdtempSync(join(tmpdir(), 'samizdat-bench-'));
const port = 20000 + Math.floor(Math.random() * 30000);
const url = `ws://127.0.0.1:${port}/`;
const relay = spawn(bin, ['-q', '-d', dir, 'serve', '--listen', `127.0.0.1:${port}`,
  '-o', 'events_per_minute=0', '-o', 'max_output_buffer=1073741824',
  '-o', 'max_limit=100000', '-o', 'created_at_lower_limit=0'],
  { stdio: ['ignore', 'ignore', 'inherit'] });
const rss = () => +readFileSync(`/proc/${relay.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1];
const deadline = (ms, what) => new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout: ${what}`)), ms).unref());

function connect() {
  return new Promise((res, rej) => {
    const w = new WebSocket(url);
    w.once('open', () => res(w));
    w.once('error', rej);
  });
}

async function waitUp() {
  for (let i = 0; i < 100; i++) {
    try { const w = await connect(); w.close(); return; } catch { await new Promise(r => setTimeout(r, 100)); }
  }
  throw new Error('relay did not start');
}

try {
  await waitUp();
  const idle = rss();

  // Idle connections.
    const before = rss();
  const socks = [];
  for (let i = 0; i < 500; i++) socks.push(await connect());
  await new Promise(r => setTimeout(r, 500));
  const after = rss();
  for (const s of socks) s.close();



  // Pipelined publish with up to 2000 events in flight.
  const w = await connect();
  let sent = 0, oks = 0, okTrue = 0;
  const t0 = process.hrtime.bigint();
  await Promise.race([deadline(300000, 'publish'), new Promise(res => {
    const pump = () => { while (sent < lines.length && sent - oks < 2000) w.send(`["EVENT",${lines[sent++]}]`); };
    w.on('message', d => {
      const m = JSON.parse(d);
      if (m[0] !== 'OK') return;
      oks++; if (m[2]) okTrue++;
      if (oks === lines.length) res(); else pump();
    });
    pump();
  })]);
  const pubSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const pubRate = lines.length / pubSecs;

  // Stored events streamed to EOSE.
  const want = Math.min(10000, okTrue);
  let got = 0;
  const t1 = process.hrtime.bigint();
  await Promise.race([deadline(120000, 'REQ'), new Promise(res => {
    w.removeAllListeners('message');
    w.on('message', d => { const s = d.toString(); if (s.startsWith('["EVENT"')) got++; else if (s.startsWith('["EOSE"')) res(); });
    w.send(JSON.stringify(['REQ', 'bench', { limit: want }]));
  })]);
  const reqMs = Number(process.hrtime.bigint() - t1) / 1e6;
  w.close();

  const perConn = (after - before) * 1024 / 500;
  console.log(`relay: publish ${lines.length} events pipelined: ${pubRate.toFixed(0)} EVENT->OK/s (${okTrue} accepted)` +
    (importRate ? `; goal >= 90% of import rate ${importRate}/s: ${(100 * pubRate / importRate).toFixed(0)}%` : ''));
  console.log(`relay: ${got} stored events streamed to EOSE in ${reqMs.toFixed(0)} ms (${(got / reqMs * 1000).toFixed(0)} events/s)`);
  console.log(`relay: idle RSS ${(idle / 1024).toFixed(1)} MB (goal <= 8 MB)`);
  console.log(`relay: memory per idle connection ${(perConn / 1024).toFixed(1)} KiB over 500 connections (goal <= 16 KiB)`);
} finally {
  relay.kill('SIGTERM');
  await new Promise(r => { relay.once('exit', r); setTimeout(r, 5000).unref(); });
  rmSync(dir, { recursive: true, force: true });
}
