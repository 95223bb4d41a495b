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
// The relay's CPU time (user + system, seconds) from /proc: robust where
// wall-clock rates are not (a loaded machine).
const TICK = 100;	// USER_HZ on Linux
const cpu = () => {
  const f = readFileSync(`/proc/${relay.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (+f[11] + +f[12]) / TICK;
};
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const rss = () => +readFileSync(`/proc/${relay.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1];
const deadline = (ms, what) => new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout: ${what}`)), ms).unref());

// Plain connections unless asked: the ws package's permessage-deflate
// costs the client (zlib on its thread pool, one write per frame) more
// than the relay spends on an event, and on a two-core machine the client
// and the relay share the cores.
function connect(deflate = false) {
  return new Promise((res, rej) => {
    const w = new WebSocket(url, { perMessageDeflate: deflate });
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



  // Pipelined publish with up to 2000 events in flight on one connection
  // (the first 40 % of the events), then 40 % over ten connections at
  // once, 200 in flight on each -- plain connections, the goals' figures
  // -- then the last fifth on one connection with permessage-deflate, as
  // the ws package offers by default, printed beside.
  const publish = (w, evs, window) => new Promise(res => {
    let sent = 0, oks = 0, okTrue = 0;
    const pump = () => { while (sent < evs.length && sent - oks < window) w.send(`["EVENT",${evs[sent++]}]`); };
    w.on('message', d => {
      const m = JSON.parse(d);
      if (m[0] !== 'OK') return;
      oks++; if (m[2]) okTrue++;
      if (oks === evs.length) { w.removeAllListeners('message'); res(okTrue); } else pump();
    });
    if (evs.length === 0) res(0); else pump();
  });
  const half = Math.floor(lines.length * 2 / 5);
  const w = await connect();
  let l0 = load(), c0 = cpu();
  const t0 = process.hrtime.bigint();
  let okTrue = await Promise.race([deadline(300000, 'publish'), publish(w, lines.slice(0, half), 2000)]);
  const pubSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const pubCpu = cpu() - c0;
  const pubRate = half / pubSecs;
  const ws10 = [];
  for (let i = 0; i < 10; i++) ws10.push(await connect());
  const l1 = load(), c1 = cpu();
  const t10 = process.hrtime.bigint();
  const rest = lines.slice(half, 2 * half);
  const per = Math.ceil(rest.length / 10);
  const got10 = await Promise.race([deadline(300000, 'publish on 10'), Promise.all(ws10.map((s, i) =>
    publish(s, rest.slice(i * per, (i + 1) * per), 200)))]);
  const pub10Secs = Number(process.hrtime.bigint() - t10) / 1e9;
  const pub10Cpu = cpu() - c1;
  const pub10Rate = rest.length / pub10Secs;
  okTrue += got10.reduce((a, b) => a + b, 0);
  for (const s of ws10) s.close();
  const last = lines.slice(2 * half);
  const wd = await connect(true);
  const ld = load(), cd = cpu(), ud = process.cpuUsage();
  const td = process.hrtime.bigint();
  okTrue += await Promise.race([deadline(300000, 'publish, deflate'), publish(wd, last, 2000)]);
  const pubdSecs = Number(process.hrtime.bigint() - td) / 1e9;
  const pubdCpu = cpu() - cd, pubdClient = process.cpuUsage(ud);
  const pubdExt = wd.extensions;
  wd.close();

  // Stored events streamed to EOSE: on a plain connection (the relay's
  // time, the goal's figure), then on one with permessage-deflate, where
  // the ws package inflates each message on the client's thread and its
  // CPU, printed beside, sets the pace.
  w.close();
  const want = Math.min(10000, okTrue);
  const stream = async (deflate) => {
    const s = await new Promise((res, rej) => {
      const c = new WebSocket(url, { perMessageDeflate: deflate });
      c.once('open', () => res(c));
      c.once('error', rej);
    });
    let got = 0;
    const l = load(), c0 = cpu(), u0 = process.cpuUsage();
    const t = process.hrtime.bigint();
    await Promise.race([deadline(120000, 'REQ'), new Promise(res => {
      s.on('message', d => { const m = d.toString(); if (m.startsWith('["EVENT"')) got++; else if (m.startsWith('["EOSE"')) res(); });
      s.send(JSON.stringify(['REQ', 'bench', { limit: want }]));
    })]);
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const u = process.cpuUsage(u0);
    const r = { got, ms, load: l, cpu: cpu() - c0, client: (u.user + u.system) / 1000, ext: s.extensions };
    s.close();
    return r;
  };
  // Best of three, as strfry's figure in the issue was taken.
  const runs = [];
  for (let i = 0; i < 3; i++)
    runs.push(await stream(false));
  const plain = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const pmd = await stream(true);

  const perConn = (after - before) * 1024 / 500;
  const us = (c, n) => (c / n * 1e6).toFixed(1);
  const goal = (rate, g, what) => `goal >= ${g.toFixed(0)}/s (${what}): ${rate >= g ? 'met' : 'NOT MET'}, ${(rate / g).toFixed(2)}x`;
  console.log(`relay: publish ${half} events pipelined on one connection: ${pubRate.toFixed(0)} EVENT->OK/s` +
    ` (load ${l0}); goal >= 12000/s: ${pubRate >= 12000 ? 'met' : 'NOT MET'}, ${(pubRate / 12000).toFixed(2)}x` +
    (importRate ? `; import rate ${importRate}/s` : ''));
  console.log(`relay:   CPU ${us(pubCpu, half)} us per event in the relay (user + system, both cores)`);
  console.log(`relay: publish ${rest.length} events over 10 connections: ${pub10Rate.toFixed(0)} EVENT->OK/s (load ${l1})` +
    (importRate ? `; ${goal(pub10Rate, 0.9 * importRate, '90% of import')}` : ''));
  console.log(`relay:   CPU ${us(pub10Cpu, rest.length)} us per event in the relay`);
  console.log(`relay: publish ${last.length} events pipelined on one connection with permessage-deflate (${pubdExt || 'not negotiated'}):` +
    ` ${(last.length / pubdSecs).toFixed(0)} EVENT->OK/s (load ${ld}); CPU ${us(pubdCpu, last.length)} us per event in the relay,` +
    ` ${us((pubdClient.user + pubdClient.system) / 1e6, last.length)} us in the client; ${okTrue} of ${lines.length} accepted`);
  const reqGoal = 94.2;
  console.log(`relay: ${plain.got} stored events streamed to EOSE in ${plain.ms.toFixed(0)} ms (${(plain.got / plain.ms * 1000).toFixed(0)} events/s, load ${plain.load});` +
    ` CPU ${(plain.cpu * 1000).toFixed(0)} ms in the relay (best of ${runs.map((r) => r.ms.toFixed(0)).join(', ')} ms);` +
    ` goal <= 0.8x strfry's time (72.6-94.2 ms measured in issue 18): ${plain.ms <= reqGoal ? 'met' : 'NOT MET'}`);
  console.log(`relay:   the same with permessage-deflate (${pmd.ext || 'not negotiated'}): ${pmd.got} in ${pmd.ms.toFixed(0)} ms;` +
    ` CPU ${(pmd.cpu * 1000).toFixed(0)} ms in the relay, ${pmd.client.toFixed(0)} ms in the client (the ws package's inflate)`);
  console.log(`relay: idle RSS ${(idle / 1024).toFixed(1)} MB (goal <= 8 MB)`);
  console.log(`relay: memory per idle connection ${(perConn / 1024).toFixed(1)} KiB over 500 connections (goal <= 16 KiB)`);
} finally {
  relay.kill('SIGTERM');
  await new Promise(r => { relay.once('exit', r); setTimeout(r, 5000).unref(); });
  rmSync(dir, { recursive: true, force: true });
}
