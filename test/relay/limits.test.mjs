// limits.test.mjs: what one hostile address, a full descriptor table, a
// clock from the future and an odd HTTP method can do to a node (issue
// 12): per-address caps with a reason, 1,100 half-open connections from
// 127.0.0.1 while 127.0.0.2 is served, the descriptor limit, notes dated
// a century ahead from a self-declared node, and the HTTP answers' methods
// and headers.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';

import {
	Client, assertPrefix, finalizeEvent, httpRequest, keys, now, sign,
	signFast, startRelay, waitFor, withTimeout,
} from './lib.mjs';

const T = { timeout: 120000 };
const YEAR = 365 * 86400;

async function ownRelay(t, opts, more = {}) {
	const r = await startRelay({ opts, ...more });
	t.after(() => r.cleanup());
	return r;
}

// Opens n TCP connections from localAddress that never send a byte.
async function halfOpen(port, n, localAddress = '127.0.0.1') {
	const socks = [];
	const opened = [];
	for (let i = 0; i < n; i++) {
		const s = net.connect({ host: '127.0.0.1', port, localAddress });
		s.on('error', () => {});
		socks.push(s);
		opened.push(new Promise((resolve) => {
			s.once('connect', resolve);
			s.once('error', resolve);
			s.once('close', resolve);
		}));
	}
	await withTimeout(Promise.all(opened), 20000, `${n} TCP connects`);
	return socks;
}

// How long a REQ from localAddress takes to get its EOSE.
async function served(r, localAddress) {
	const t0 = Date.now();
	const c = await Client.connect(r.url, { localAddress, timeout: 5000 });
	try {
		const res = await c.req('s', { kinds: [1], limit: 1 },
		    { timeout: 5000 });
		assert.ok(res.eose);
	} finally {
		c.terminate();
	}
	return Date.now() - t0;
}

test('1,100 half-open connections from one address: another address is ' +
    'served within 1 s, and they are dropped after the handshake timeout',
    T, async (t) => {
	const r = await ownRelay(t, { handshake_timeout: 3 });
	const socks = await halfOpen(r.port, 1100);
	t.after(() => socks.forEach((s) => s.destroy()));
	// Past max_handshakes_per_address (128), they are closed at once.
	await waitFor(() => socks.filter((s) => s.destroyed).length >= 900,
	    { timeout: 10000, what: 'the surplus half-open connections to ' +
	    'be closed' });
	const ms = await served(r, '127.0.0.2');
	assert.ok(ms < 1000, `127.0.0.2 served in ${ms} ms`);
	// The flooding address itself is refused while it holds its share,
	// not the others.
	await waitFor(() => socks.every((s) => s.destroyed),
	    { timeout: 10000, what: 'the handshake timeout (3 s) to close ' +
	    'the rest' });
	assert.ok(await served(r, '127.0.0.1') < 1000);
	await waitFor(() => /refused \d+ connection\(s\).*max_handshakes_per_address/
	    .test(r.stderr), { timeout: 5000, what: 'the refusal in the log' });
	const lines = r.stderr.split('\n').filter((l) =>
	    /max_handshakes_per_address/.test(l));
	assert.ok(lines.length <= 3, `one log line per interval, not ` +
	    `${lines.length}`);
});

test('max_connections_per_address: one more is told why and closed; ' +
    'other addresses are not', T, async (t) => {
	const r = await ownRelay(t, { max_connections_per_address: 5 });
	const cs = [];
	t.after(() => cs.forEach((c) => c.terminate()));
	for (let i = 0; i < 5; i++)
		cs.push(await Client.connect(r.url));
	const extra = await Client.connect(r.url);
	cs.push(extra);
	const n = await extra.next((m) => m[0] === 'NOTICE');
	assert.equal(n[1], 'rate-limited: too many connections from your ' +
	    'address (at most 5 from 127.0.0.1; close some and try again)');
	await withTimeout(extra.whenClosed, 5000, 'the refused connection to close');
	// HTTP from the same address: 503 with the reason.
	const res = await httpRequest(r.port, { headers: { Accept:
	    'application/nostr+json' } });
	assert.equal(res.status, 503);
	assert.match(res.body, /^rate-limited: too many connections .*at most 5/);
	assert.equal(res.headers['retry-after'], '10');
	// Another address, and the five, still work.
	assert.ok(await served(r, '127.0.0.3') < 1000);
	const ok = await cs[0].publish(sign(keys().sk, { content: 'still' }));
	assert.deepEqual(ok, { ok: true, reason: '' });
});

test('at the descriptor limit the node refuses at once, keeps serving and ' +
    'says so once', T, async (t) => {
	const r = await ownRelay(t, {}, { nofile: 160 });
	assert.match(r.stderr, /descriptor limit \(160\) leaves room for 64 connections/);
	const cs = [];
	t.after(() => cs.forEach((c) => c.terminate()));
	// From several addresses, so that no per-address cap applies.
	for (let i = 0; i < 64; i++)
		cs.push(await Client.connect(r.url, { localAddress:
		    `127.0.1.${1 + (i % 8)}` }));
	const socks = await halfOpen(r.port, 300, '127.0.2.1');
	t.after(() => socks.forEach((s) => s.destroy()));
	await waitFor(() => socks.every((s) => s.destroyed), { timeout: 10000,
	    what: 'connections past the limit to be closed at once' });
	const ok = await cs[63].publish(sign(keys().sk, { content: 'full' }));
	assert.deepEqual(ok, { ok: true, reason: '' });
	assert.doesNotMatch(r.stderr, /errno 24|Too many open files/);
	const lines = r.stderr.split('\n').filter((l) =>
	    /the server is full/.test(l));
	assert.ok(lines.length >= 1 && lines.length <= 3, lines.join('\n'));
	// One closes: there is room again.
	cs.pop().terminate();
	await waitFor(async () => {
		try {
			cs.push(await Client.connect(r.url, { timeout: 1000,
			    localAddress: '127.0.3.1' }));
			return true;
		} catch {
			return false;
		}
	}, { timeout: 10000, what: 'a slot after one closed' });
});

// The soft limit a process runs under, and the hard one, from /proc.
function nofileOf(pid) {
	const m = /^Max open files\s+(\d+)\s+(\d+)/m.exec(
	    readFileSync(`/proc/${pid}/limits`, 'utf8'));
	assert.ok(m, 'no "Max open files" in /proc/PID/limits');
	return { soft: Number(m[1]), hard: Number(m[2]) };
}

test('the descriptor limit is set to what max_connections needs, not to ' +
    'the hard limit', T, async (t) => {
	// 100 connections, each with a socket and a photo: 2 x 100 + 96.
	const r = await ownRelay(t, { max_connections: 100 }, { nofile: 4000 });
	assert.deepEqual(nofileOf(r.pid), { soft: 296, hard: 4000 });
	const c = await Client.connect(r.url);
	t.after(() => c.terminate());
	const ok = await c.publish(sign(keys().sk, { content: 'room' }));
	assert.deepEqual(ok, { ok: true, reason: '' });
	// Under a lower hard limit, that limit: the refusal test above.
	const low = await ownRelay(t, {}, { nofile: 500 });
	assert.deepEqual(nofileOf(low.pid), { soft: 500, hard: 500 });
	assert.match(low.stderr, /descriptor limit \(500\) leaves room for 404 connections/);
});

function authEvent(sk, challenge, url) {
	return finalizeEvent({ kind: 22242, created_at: now(), content: '',
	    tags: [['relay', url], ['challenge', challenge]] }, sk);
}

async function nodeConn(r) {
	const node = await Client.connect(r.url + '?samizdat-node');
	const [, ch] = await node.next((m) => m[0] === 'AUTH');
	const { sk } = keys();
	node.send(['AUTH', authEvent(sk, ch, r.url)]);
	const ok = await node.next((m) => m[0] === 'OK');
	assert.equal(ok[2], true, JSON.stringify(ok));
	return { node, sk };
}

test('a self-declared node sends 3,000 notes dated +100 years: refused; ' +
    "a phone's feed shows the honest reports", T, async (t) => {
	const r = await ownRelay(t);
	const { node, sk } = await nodeConn(r);
	t.after(() => node.terminate());
	const phone = await Client.connect(r.url);
	t.after(() => phone.terminate());
	const honest = [];
	for (let i = 0; i < 60; i++) {
		const ev = sign(keys().sk, { content: `report ${i}`,
		    created_at: now() - 600 + i });
		honest.push(ev);
		assert.deepEqual(await phone.publish(ev), { ok: true, reason: '' });
	}
	const far = await signFast(sk, Array.from({ length: 3000 }, (_, i) =>
	    ({ content: `from the future ${i}`, created_at: now() + 100 * YEAR +
	    i })));
	for (const ev of far)
		node.send(['EVENT', ev]);
	const oks = [];
	await waitFor(() => {
		for (const m of node.queue.splice(0))
			if (m[0] === 'OK')
				oks.push(m);
		return oks.length === far.length;
	}, { timeout: 60000, what: '3,000 OKs' });
	for (const m of oks) {
		assert.equal(m[2], false);
		assertPrefix(m[3], 'invalid');
		assert.match(m[3], /future/);
	}
	const feed = await phone.req('feed', { kinds: [1], limit: 100 });
	assert.equal(feed.events.length, 60);
	assert.deepEqual(feed.events.map((e) => e.id).sort(),
	    honest.map((e) => e.id).sort());
	// Within the bound (a day ahead, a drifting node clock): taken.
	const soon = sign(sk, { content: 'a day ahead',
	    created_at: now() + 86400 });
	assert.deepEqual(await node.publish(soon), { ok: true, reason: '' });
});

test('HTTP: 405 with Allow for other methods, the security headers on ' +
    'every answer, CORS only for NIP-11', T, async (t) => {
	const r = await ownRelay(t);
	for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
		const res = await httpRequest(r.port, { method });
		assert.equal(res.status, 405, method);
		assert.equal(res.headers.allow, 'GET, HEAD, OPTIONS');
	}
	const answers = {
		page: await httpRequest(r.port),
		head: await httpRequest(r.port, { method: 'HEAD' }),
		nip11: await httpRequest(r.port, { headers: { Accept:
		    'application/nostr+json' } }),
		places: await httpRequest(r.port, { path: '/places.json' }),
		node: await httpRequest(r.port, { path: '/api/node' }),
		missing: await httpRequest(r.port, { path: '/nothing' }),
		post: await httpRequest(r.port, { method: 'POST' }),
	};
	assert.equal(answers.page.status, 200);
	assert.equal(answers.head.status, 200);
	assert.equal(answers.head.body, '');
	assert.equal(answers.missing.status, 404);
	for (const [what, res] of Object.entries(answers)) {
		const h = res.headers;
		assert.match(h['content-security-policy'] ?? '',
		    /frame-ancestors 'none'/, what);
		assert.equal(h['x-content-type-options'], 'nosniff', what);
		assert.equal(h['referrer-policy'], 'no-referrer', what);
		const cors = h['access-control-allow-origin'] !== undefined;
		assert.equal(cors, what === 'nip11', `CORS on ${what}`);
	}
	// The page's policy allows its own scripts by hash, nothing else.
	const csp = answers.page.headers['content-security-policy'];
	assert.match(csp, /script-src[^;]*'sha256-/);
	assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
	assert.match(answers.nip11.headers['content-security-policy'],
	    /default-src 'none'/);
});

test("NIP-42: an AUTH naming another relay is refused; this relay's own " +
    'names in any case pass', T, async (t) => {
	const r = await ownRelay(t);
	const node = await Client.connect(r.url + '?samizdat-node');
	t.after(() => node.terminate());
	const [, ch] = await node.next((m) => m[0] === 'AUTH');
	const { sk } = keys();
	for (const url of ['ws://elsewhere.example/', `ws://127.0.0.1:${r.port + 1}`,
	    'wss://127.0.0.1/']) {
		node.send(['AUTH', authEvent(sk, ch, url)]);
		const ok = await node.next((m) => m[0] === 'OK');
		assert.equal(ok[2], false, url);
		assert.match(ok[3], /^invalid: AUTH's relay tag/, url);
	}
	node.send(['AUTH', authEvent(sk, ch, `WS://127.0.0.1:${r.port}`)]);
	const ok = await node.next((m) => m[0] === 'OK');
	assert.equal(ok[2], true, JSON.stringify(ok));
});
