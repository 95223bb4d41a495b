// lib.mjs: what the relay tests share.
//
//   startRelay({opts, dir, nofile})
//                            runs `samizdat -d DIR serve` on a free loopback
//                            port (random in 20000-60000, retried when the
//                            bind fails) in a fresh temp data dir, with
//                            extra -o key=value options (and ulimit -n
//                            nofile; quotas=false unless opts say
//                            otherwise); resolves once the relay logged that
//                            it listens and answered a NIP-11 GET.
//   relay.stop()             SIGTERM, wait, assert exit status 0 and no
//                            sanitizer report on stderr; removes the dir.
//   relay.kill9()            SIGKILL (crash tests), keeps the dir.
//   relay.cleanup()          for t.after(): kill if still running, remove
//                            the temp dir; never throws.
//   Client                   a raw WebSocket client: send arrays or strings,
//                            wait for messages matching a predicate, each
//                            wait bounded by a timeout.
//   rawSocket()              a WebSocket handshake done by hand over a TCP
//                            socket, for a reader that stops reading.
//   keys(), sign(), signFast() make and sign events.
//
// Every wait has a timeout.  Every relay started here is killed and every
// temp dir removed when the test process exits, whatever happened.
//
// Environment: SAMIZDAT and GEN, absolute paths (run.sh sets them).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	WebSocket, Relay, useWebSocketImplementation, finalizeEvent,
	generateSecretKey, getPublicKey, verifyEvent, getEventHash, wasm,
	initNostrWasm,
} from './deps.mjs';

export {
	WebSocket, Relay, finalizeEvent, generateSecretKey, getPublicKey,
	verifyEvent, getEventHash,
};

useWebSocketImplementation(WebSocket);

export const SAMIZDAT = process.env.SAMIZDAT;
export const GEN = process.env.GEN;
if (!SAMIZDAT || !GEN)
	throw new Error('SAMIZDAT and GEN must name the samizdat binary and ' +
	    'the event generator (test/relay/run.sh sets them)');

export const now = () => Math.floor(Date.now() / 1000);

const SANITIZER = /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error|SUMMARY: \w*Sanitizer/;

// --- cleanup whatever happens --------------------------------------------

const children = new Set();
const tempDirs = new Set();

function cleanupSync() {
	for (const c of children) {
		try {
			c.kill('SIGKILL');
		} catch {
			/* gone */
		}
	}
	children.clear();
	for (const d of tempDirs)
		rmSync(d, { recursive: true, force: true });
	tempDirs.clear();
}
process.on('exit', cleanupSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
	process.on(sig, () => {
		cleanupSync();
		process.exit(1);
	});
}

export function tempDir(prefix = 'samizdat-relay-') {
	const d = mkdtempSync(join(tmpdir(), prefix));
	tempDirs.add(d);
	return d;
}

export function removeDir(d) {
	// A process that just stopped may still have had a file to close.
	rmSync(d, { recursive: true, force: true, maxRetries: 5,
	    retryDelay: 100 });
	tempDirs.delete(d);
}

// --- waiting -------------------------------------------------------------

// Resolves as p does, or rejects after ms with a message naming what.
export function withTimeout(p, ms, what) {
	let timer;
	const t = new Promise((_, reject) => {
		timer = setTimeout(() => reject(new Error(`timed out after ` +
		    `${ms} ms waiting for ${what}`)), ms);
	});
	return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

// Polls cond (sync or async) until it returns a truthy value, which is
// returned; throws after timeout ms.
export async function waitFor(cond, { timeout = 10000, interval = 25,
    what = 'a condition' } = {}) {
	const deadline = Date.now() + timeout;
	for (;;) {
		const v = await cond();
		if (v)
			return v;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeout} ms waiting ` +
			    `for ${what}`);
		await sleep(interval);
	}
}

// Runs a child to completion, bounded; resolves {code, signal, stdout,
// stderr}.  input, if given, is written to its stdin.
export function run(cmd, args, { input, timeout = 60000, env } = {}) {
	return new Promise((resolve, reject) => {
		const c = spawn(cmd, args, {
			stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe',
			    'pipe'],
			env: env ?? process.env,
		});
		children.add(c);
		let stdout = '', stderr = '';
		c.stdout.setEncoding('utf8');
		c.stderr.setEncoding('utf8');
		c.stdout.on('data', (d) => { stdout += d; });
		c.stderr.on('data', (d) => { stderr += d; });
		const timer = setTimeout(() => {
			c.kill('SIGKILL');
			reject(new Error(`${cmd} ${args.join(' ')}: still ` +
			    `running after ${timeout} ms`));
		}, timeout);
		c.on('error', (e) => {
			clearTimeout(timer);
			children.delete(c);
			reject(e);
		});
		c.on('close', (code, signal) => {
			clearTimeout(timer);
			children.delete(c);
			if (SANITIZER.test(stderr)) {
				reject(new Error(`${cmd} ${args.join(' ')}: ` +
				    `sanitizer report:\n${stderr}`));
				return;
			}
			resolve({ code, signal, stdout, stderr });
		});
		if (input !== undefined) {
			c.stdin.on('error', () => {});
			c.stdin.end(input);
		}
	});
}

// One HTTP request to 127.0.0.1:port on a connection of its own, closed
// after the answer.  Resolves {status, headers (lower-case names), body}.
export function httpRequest(port, { method = 'GET', path = '/',
    headers = {}, timeout = 5000 } = {}) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path,
		    agent: false, headers: { Connection: 'close', ...headers } },
		    (res) => {
			let body = '';
			res.setEncoding('utf8');
			res.on('data', (d) => { body += d; });
			res.on('end', () => resolve({ status: res.statusCode,
			    headers: res.headers, body }));
			res.on('error', reject);
		});
		req.setTimeout(timeout, () => req.destroy(new Error(`HTTP ` +
		    `${method} ${path}: no answer in ${timeout} ms`)));
		req.on('error', reject);
		req.end();
	});
}

// --- the relay -----------------------------------------------------------

export class RelayProcess {
	constructor(dir, port, opts, ownDir, nofile) {
		this.dir = dir;
		this.port = port;
		this.ownDir = ownDir;
		this.url = `ws://127.0.0.1:${port}/`;
		this.http = `http://127.0.0.1:${port}/`;
		this.stdout = '';
		this.stderr = '';
		const args = ['-d', dir, 'serve', '--listen',
		    `127.0.0.1:${port}`];
		for (const [k, v] of Object.entries(opts))
			args.push('-o', `${k}=${v}`);
		this.args = args;
		// nofile: the descriptor limit it runs under (ulimit -n).
		this.proc = nofile === undefined ? spawn(SAMIZDAT, args, {
			stdio: ['ignore', 'pipe', 'pipe'],
		}) : spawn('/bin/sh', ['-c', `ulimit -n ${nofile} && ` +
		    'exec "$0" "$@"', SAMIZDAT, ...args], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		children.add(this.proc);
		this.pid = this.proc.pid;
		this.exit = null;
		this.proc.stdout.setEncoding('utf8');
		this.proc.stderr.setEncoding('utf8');
		this.proc.stdout.on('data', (d) => { this.stdout += d; });
		this.proc.stderr.on('data', (d) => { this.stderr += d; });
		this.exited = new Promise((resolve) => {
			this.proc.on('close', (code, signal) => {
				children.delete(this.proc);
				this.exit = { code, signal };
				resolve(this.exit);
			});
			this.proc.on('error', (e) => {
				children.delete(this.proc);
				this.exit = { code: null, signal: null, error: e };
				resolve(this.exit);
			});
		});
	}

	// true once serving; false if the port was taken.
	async ready(timeout = 30000) {
		const deadline = Date.now() + timeout;
		while (Date.now() < deadline) {
			if (this.exit !== null) {
				if (/cannot listen/.test(this.stderr))
					return false;
				throw new Error(`samizdat serve exited early ` +
				    `(${JSON.stringify(this.exit)}):\n` +
				    this.stderr);
			}
			if (this.stderr.includes('relay listening on') ||
			    /log_level=0/.test(this.args.join(' '))) {
				try {
					await this.nip11(2000);
					return true;
				} catch {
					/* not yet */
				}
			}
			await sleep(25);
		}
		throw new Error(`samizdat serve did not come up in ${timeout} ` +
		    `ms:\n${this.stderr}`);
	}

	// The NIP-11 document, over a connection closed after the answer
	// (fetch would keep it open, and it would count against
	// max_connections).
	async nip11(timeout = 5000) {
		const res = await httpRequest(this.port, { timeout,
		    headers: { Accept: 'application/nostr+json' } });
		if (res.status !== 200)
			throw new Error(`NIP-11: HTTP ${res.status}`);
		return { res, doc: JSON.parse(res.body) };
	}

	get running() {
		return this.exit === null;
	}

	assertClean() {
		assert.ok(!SANITIZER.test(this.stderr),
		    `sanitizer report from the relay:\n${this.stderr}`);
	}

	// Resolves when stderr matches re.
	async waitLog(re, timeout = 10000) {
		await waitFor(() => re.test(this.stderr) || !this.running,
		    { timeout, what: `relay log ${re}` });
		assert.ok(re.test(this.stderr), `relay exited before logging ` +
		    `${re}:\n${this.stderr}`);
	}

	// Resident memory, in KiB.
	rssKiB() {
		const s = readFileSync(`/proc/${this.pid}/status`, 'utf8');
		return Number(/VmRSS:\s+(\d+)/.exec(s)[1]);
	}

	// SIGTERM; asserts a clean exit.  keepDir to restart on it later.
	async stop({ keepDir = false, timeout = 30000 } = {}) {
		assert.ok(this.running, `relay exited on its own ` +
		    `(${JSON.stringify(this.exit)}):\n${this.stderr}`);
		this.proc.kill('SIGTERM');
		let ex;
		try {
			ex = await withTimeout(this.exited, timeout,
			    'the relay to exit after SIGTERM');
		} catch (e) {
			this.proc.kill('SIGKILL');
			await this.exited;
			throw e;
		}
		this.assertClean();
		assert.deepEqual({ code: ex.code, signal: ex.signal },
		    { code: 0, signal: null },
		    `relay exit after SIGTERM:\n${this.stderr}`);
		if (this.ownDir && !keepDir)
			removeDir(this.dir);
	}

	// SIGKILL: a crash.  The data dir stays.
	async kill9() {
		this.proc.kill('SIGKILL');
		await withTimeout(this.exited, 10000, 'the relay to die');
		this.assertClean();
	}

	// For t.after(): never throws.
	async cleanup() {
		if (this.running) {
			this.proc.kill('SIGKILL');
			await withTimeout(this.exited, 10000, 'relay death')
			    .catch(() => {});
		}
		if (this.ownDir)
			removeDir(this.dir);
	}
}

// Starts a relay.  dir: reuse a data dir (it is then not removed by
// stop/cleanup; the caller made it with tempDir()).
export async function startRelay({ opts = {}, dir, nofile } = {}) {
	// The tests burst hundreds of events from one fresh key: the flood
	// defence's hourly quotas are off unless a test turns them on
	// (flood.test.mjs does, with quotas: true).
	opts = { quotas: false, ...opts };
	const ownDir = dir === undefined;
	if (ownDir)
		dir = tempDir();
	let last = '';
	for (let attempt = 0; attempt < 10; attempt++) {
		const port = 20000 + Math.floor(Math.random() * 40000);
		const r = new RelayProcess(dir, port, opts, ownDir, nofile);
		try {
			if (await r.ready())
				return r;
		} catch (e) {
			await r.cleanup();
			throw e;
		}
		last = r.stderr;
	}
	if (ownDir)
		removeDir(dir);
	throw new Error(`no free port after 10 tries:\n${last}`);
}

// --- events --------------------------------------------------------------

export function keys() {
	const sk = generateSecretKey();
	return { sk, pk: getPublicKey(sk) };
}

// Signs with nostr-tools' pure finalizeEvent.
export function sign(sk, { kind = 1, content = '', tags = [],
    created_at = now() } = {}) {
	return finalizeEvent({ kind, content, tags, created_at }, sk);
}

let wasmReady = null;

// The same, with nostr-tools' wasm signer: about 4x faster, for bulk.
// (nostr-tools' finalizeEvent marks what it signs as verified; returns
// plain copies so that nothing downstream trusts that mark.)
export async function signFast(sk, templates) {
	if (wasmReady === null) {
		wasmReady = initNostrWasm().then((w) => wasm.setNostrWasm(w));
	}
	await wasmReady;
	return templates.map(({ kind = 1, content = '', tags = [],
	    created_at = now() }) => ({ ...wasm.finalizeEvent({ kind, content,
	    tags, created_at }, sk) }));
}

// --- a raw WebSocket client ----------------------------------------------

export class Client {
	// Opens a connection; rejects after timeout ms.
	// localAddress: the loopback address to connect from (127.0.0.2).
	static async connect(url, { timeout = 15000, localAddress } = {}) {
		const ws = new WebSocket(url, { perMessageDeflate: false,
		    maxPayload: 64 << 20, localAddress });
		const c = new Client(ws);
		try {
			await withTimeout(new Promise((resolve, reject) => {
				ws.once('open', resolve);
				ws.once('error', reject);
				ws.once('unexpected-response', (_, res) =>
				    reject(new Error(`HTTP ${res.statusCode}`)));
			}), timeout, `a websocket connection to ${url}`);
		} catch (e) {
			ws.terminate();
			throw e;
		}
		return c;
	}

	constructor(ws) {
		this.ws = ws;
		this.queue = [];	/* received, not yet taken */
		this.waiters = [];
		this.received = 0;
		this.closed = false;
		this.closeInfo = null;
		this.whenClosed = new Promise((resolve) => {
			ws.on('close', (code, reason) => {
				this.closed = true;
				this.closeInfo = { code, reason: String(reason) };
				this.pump();
				resolve(this.closeInfo);
			});
		});
		ws.on('error', (e) => { this.error = e; });
		ws.on('message', (data) => {
			const raw = data.toString('utf8');
			let m;
			try {
				m = JSON.parse(raw);
			} catch {
				m = ['<not JSON>', raw];
			}
			if (!Array.isArray(m))
				m = ['<not an array>', m];
			Object.defineProperty(m, 'raw', { value: raw });
			this.received++;
			this.queue.push(m);
			this.pump();
		});
	}

	pump() {
		for (const w of [...this.waiters]) {
			const i = this.queue.findIndex(w.pred);
			if (i >= 0) {
				const [m] = this.queue.splice(i, 1);
				w.done(m);
			} else if (this.closed) {
				w.fail(new Error(`connection closed ` +
				    `(${JSON.stringify(this.closeInfo)}) while ` +
				    `waiting for ${w.what}`));
			}
		}
	}

	send(m) {
		this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
	}

	// Takes the first message (received or to come) for which pred is true.
	next(pred = () => true, { timeout = 15000, what = 'a message' } = {}) {
		return new Promise((resolve, reject) => {
			const w = { pred, what };
			const timer = setTimeout(() => {
				w.fail(new Error(`timed out after ${timeout} ms ` +
				    `waiting for ${what}; unclaimed: ` +
				    this.queue.slice(0, 5).map((m) =>
				    m.raw?.slice(0, 200)).join(' | ')));
			}, timeout);
			const remove = () => {
				clearTimeout(timer);
				this.waiters.splice(this.waiters.indexOf(w), 1);
			};
			w.done = (m) => { remove(); resolve(m); };
			w.fail = (e) => { remove(); reject(e); };
			this.waiters.push(w);
			this.pump();
		});
	}

	// Messages received and not taken that match pred (not removed).
	peek(pred = () => true) {
		return this.queue.filter(pred);
	}

	// Drops received messages that match pred; returns them.
	take(pred = () => true) {
		const got = this.queue.filter(pred);
		this.queue = this.queue.filter((m) => !pred(m));
		return got;
	}

	notice(opts = {}) {
		return this.next((m) => m[0] === 'NOTICE', { what: 'a NOTICE',
		    ...opts });
	}

	// Sends an EVENT; resolves its OK as {ok, reason}.
	async publish(ev, opts = {}) {
		this.send(['EVENT', ev]);
		return this.ok(ev.id, opts);
	}

	async ok(id, opts = {}) {
		const m = await this.next((x) => x[0] === 'OK' && x[1] === id,
		    { what: `OK for ${id}`, ...opts });
		return { ok: m[2], reason: m[3] };
	}

	// Sends a REQ and collects its stored events up to EOSE (or CLOSED).
	async req(subid, filters, opts = {}) {
		this.send(['REQ', subid, ...[].concat(filters)]);
		return this.stored(subid, opts);
	}

	async stored(subid, { timeout = 30000 } = {}) {
		const events = [];
		const deadline = Date.now() + timeout;
		for (;;) {
			const m = await this.next((x) => x[1] === subid &&
			    ['EVENT', 'EOSE', 'CLOSED'].includes(x[0]),
			    { timeout: Math.max(1, deadline - Date.now()),
			    what: `EOSE for ${subid}` });
			if (m[0] === 'EVENT')
				events.push(m[2]);
			else if (m[0] === 'EOSE')
				return { events, eose: true, closed: null };
			else
				return { events, eose: false, closed: m[2] };
		}
	}

	// The next live EVENT for subid.
	async event(subid, opts = {}) {
		const m = await this.next((x) => x[0] === 'EVENT' &&
		    x[1] === subid, { what: `an EVENT for ${subid}`, ...opts });
		return m[2];
	}

	async close(timeout = 5000) {
		if (this.closed)
			return;
		this.ws.close();
		try {
			await withTimeout(this.whenClosed, timeout,
			    'the websocket close handshake');
		} catch {
			this.ws.terminate();
		}
	}

	terminate() {
		this.ws.terminate();
	}
}

// Opens n clients, at most `parallel` handshakes at a time.
export async function connectMany(url, n, { parallel = 50 } = {}) {
	const out = new Array(n);
	let next = 0;
	async function worker() {
		while (next < n) {
			const i = next++;
			out[i] = await Client.connect(url);
		}
	}
	try {
		await Promise.all(Array.from({ length: Math.min(parallel, n) },
		    worker));
	} catch (e) {
		for (const c of out)
			c?.terminate();
		throw e;
	}
	return out;
}

// --- a client that can stop reading --------------------------------------

// A WebSocket client written by hand over a plain TCP socket, so that the
// test decides when bytes are read: pause() stops reading from the kernel
// socket (the relay's writes then back up), resume() starts again.
// Server frames are not parsed; `text` accumulates the raw bytes as
// latin1, in which relay messages (unmasked frames) appear verbatim.
export async function rawSocket(port, { timeout = 10000 } = {}) {
	const sock = net.connect({ host: '127.0.0.1', port });
	const r = {
		sock,
		text: '',
		bytes: 0,
		ended: false,
		ends: null,
	};
	r.ends = new Promise((resolve) => sock.on('close', () => {
		r.ended = true;
		resolve();
	}));
	sock.on('error', (e) => { r.error = e; });
	sock.on('data', (d) => {
		r.bytes += d.length;
		r.text += d.toString('latin1');
	});
	await withTimeout(new Promise((resolve, reject) => {
		sock.once('connect', resolve);
		sock.once('error', reject);
	}), timeout, 'a TCP connection');
	const key = randomBytes(16).toString('base64');
	sock.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
	    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
	    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
	await waitFor(() => r.text.includes('\r\n\r\n') || r.ended,
	    { timeout, what: 'the websocket handshake answer' });
	assert.match(r.text, /^HTTP\/1\.1 101/, 'handshake refused');
	r.sendText = (s) => {
		const payload = Buffer.from(s, 'utf8');
		const mask = randomBytes(4);
		let head;
		if (payload.length < 126) {
			head = Buffer.from([0x81, 0x80 | payload.length]);
		} else if (payload.length < 65536) {
			head = Buffer.alloc(4);
			head[0] = 0x81;
			head[1] = 0x80 | 126;
			head.writeUInt16BE(payload.length, 2);
		} else {
			head = Buffer.alloc(10);
			head[0] = 0x81;
			head[1] = 0x80 | 127;
			head.writeBigUInt64BE(BigInt(payload.length), 2);
		}
		for (let i = 0; i < payload.length; i++)
			payload[i] ^= mask[i & 3];
		sock.write(Buffer.concat([head, mask, payload]));
	};
	r.pause = () => sock.pause();
	r.resume = () => sock.resume();
	r.destroy = () => sock.destroy();
	return r;
}

// An event as it travels: no symbols or other marks nostr-tools adds.
export function plain(ev) {
	return JSON.parse(JSON.stringify(ev));
}

// Splits a into chunks of n.
export function chunks(a, n) {
	const out = [];
	for (let i = 0; i < a.length; i += n)
		out.push(a.slice(i, i + n));
	return out;
}

// Asserts a NIP-01 machine-readable prefix.
export function assertPrefix(reason, prefix, what = 'reason') {
	assert.equal(typeof reason, 'string', `${what} is not a string`);
	assert.ok(reason.startsWith(prefix + ':'),
	    `${what} '${reason}' does not start with '${prefix}:'`);
}

export { sleep };
