// deflate.test.mjs: permessage-deflate (RFC 7692), as the ws package that
// nostr-tools uses negotiates it: the relay accepts it and its answers
// come compressed; nostr-tools' Relay works over it; deflate_connections
// caps how many clients compress (the rest still work, uncompressed);
// a sync between two nodes compresses both ways; and a stored answer of
// every size arrives whole over a compressed and over a plain connection,
// the two ways the relay writes frames.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import {
	Relay, SAMIZDAT, WebSocket, keys, now, run, sign, startRelay, tempDir,
	withTimeout,
} from './lib.mjs';

const T = { timeout: 60000 };

// A ws client that offers permessage-deflate, as nostr-tools' does, or
// (deflate false) one that does not.
function open(url, deflate = true) {
	const ws = new WebSocket(url, { perMessageDeflate: deflate });
	return withTimeout(new Promise((resolve, reject) => {
		ws.once('open', () => resolve(ws));
		ws.once('error', reject);
	}), 10000, `a connection to ${url}`);
}

function next(ws, pred) {
	return withTimeout(new Promise((resolve) => {
		const on = (data) => {
			const m = JSON.parse(data.toString());
			if (pred(m)) {
				ws.off('message', on);
				resolve(m);
			}
		};
		ws.on('message', on);
	}), 10000, 'a message');
}

test('the relay takes permessage-deflate, and compressed messages work ' +
    'both ways', T, async (t) => {
	const r = await startRelay();
	t.after(() => r.cleanup());
	const ws = await open(r.url);
	t.after(() => ws.terminate());
	assert.match(ws.extensions, /permessage-deflate/,
	    `negotiated: "${ws.extensions}"`);
	// Long, repetitive content: compressed on the wire both ways.
	const ev = sign(keys().sk, { content: 'almaty '.repeat(2000) });
	ws.send(JSON.stringify(['EVENT', ev]));
	const ok = await next(ws, (m) => m[0] === 'OK');
	assert.deepEqual(ok, ['OK', ev.id, true, '']);
	ws.send(JSON.stringify(['REQ', 's', { ids: [ev.id] }]));
	const got = await next(ws, (m) => m[0] === 'EVENT');
	assert.equal(got[2].content, ev.content);
	await r.stop();
});

// Stored answers of every size over one connection.  Compressed: frames
// that deflate within libwebsockets' output buffer go out several to a
// writable callback, bigger ones over several callbacks (src/net/wsext.h);
// random content (base64 deflates to about 3/4) puts frames on both sides
// of the line.  Plain: frames go out packed, several to one write of at
// most 16 KiB, bigger ones alone (src/net/server.c); the sizes fall on
// both sides of that too, and the client stops reading for a while so
// that writes are cut short.  Every event must arrive whole, once.
for (const deflate of [true, false]) {
test(`a REQ streams small and large events whole over a ${deflate ?
    'compressed' : 'plain'} connection`, T, async (t) => {
	const r = await startRelay();
	t.after(() => r.cleanup());
	const ws = await open(r.url, deflate);
	t.after(() => ws.terminate());
	const sizes = deflate ? [100, 2000, 5500, 6000, 7900, 8200, 12000,
	    30000] : [100, 700, 2000, 8000, 16300, 16400, 30000, 60000];
	const { sk, pk } = keys(), sent = new Map();
	for (let i = 0; i < 160; i++) {
		const content = randomBytes(sizes[i % sizes.length] * 3 / 4)
		    .toString('base64');
		const ev = sign(sk, { content, created_at: now() - i });
		sent.set(ev.id, content);
		ws.send(JSON.stringify(['EVENT', ev]));
		const ok = await next(ws, (m) => m[0] === 'OK' && m[1] === ev.id);
		assert.equal(ok[2], true, ok[3]);
	}
	assert.equal(ws.extensions.includes('permessage-deflate'), deflate);
	const got = new Map();
	let n = 0;
	await withTimeout(new Promise((resolve) => {
		ws.on('message', (data) => {
			const m = JSON.parse(data.toString());
			if (m[0] === 'EVENT' && m[1] === 'all') {
				n++;
				got.set(m[2].id, m[2].content);
			}
			else if (m[0] === 'EOSE')
				resolve();
		});
		ws.send(JSON.stringify(['REQ', 'all', { authors: [pk] }]));
		if (!deflate) {
			ws._socket.pause();
			setTimeout(() => ws._socket.resume(), 1000);
		}
	}), 30000, 'the stored answer');
	assert.equal(n, sent.size, 'each event once');
	assert.equal(got.size, sent.size);
	for (const [id, content] of sent)
		assert.equal(got.get(id), content, `event ${id} arrived whole`);
	await r.stop();
});
}

// Messages that inflate past 1 KiB (a page's REQ for the counts of 30
// reports is 2 to 3 KiB of ids) from several compressing clients at once.
// libwebsockets 4.1 left the rest of such a message to inflate on a later
// turn, from the read buffer all connections share: with other clients
// reading meanwhile, the message and all that followed came out garbage
// ("not a JSON array" NOTICEs) or the link closed on a zlib error
// (src/net/wsext.h).  Every REQ must be answered, and nothing refused.
test('several compressing clients at once: messages that inflate past ' +
    '1 KiB arrive whole', T, async (t) => {
	const r = await startRelay();
	t.after(() => r.cleanup());
	const C = 4, N = 300, hex = () => randomBytes(32).toString('hex');
	const one = async (c) => {
		const ws = new WebSocket(r.url, { perMessageDeflate:
		    { threshold: 0 } });
		await withTimeout(new Promise((res, rej) => {
			ws.once('open', res);
			ws.once('error', rej);
		}), 10000, 'a connection');
		let answered = 0, closed = false;
		const notices = [];
		ws.on('close', () => { closed = true; });
		const all = withTimeout(new Promise((resolve) => {
			ws.on('message', (data) => {
				const m = JSON.parse(data.toString());
				if (m[0] === 'NOTICE')
					notices.push(m[1]);
				else if (m[0] === 'EOSE' || m[0] === 'CLOSED') {
					if (m[0] === 'EOSE')
						ws.send(JSON.stringify(['CLOSE', m[1]]));
					if (++answered === N)
						resolve();
				}
			});
		}), 30000, `client ${c}'s ${N} answers`).catch((e) => {
			throw new Error(`${e.message}: ${answered} answered, ` +
			    `closed ${closed}, notices: ${notices.slice(0, 3)}`);
		});
		assert.match(ws.extensions, /permessage-deflate/);
		for (let i = 0; i < N; i++) {
			ws.send(JSON.stringify(['REQ', `c${c}m${i}`, { kinds: [1, 7],
			    '#e': Array.from({ length: 40 }, hex), limit: 2000 }]));
			if (i % 4 === 3)
				await new Promise((res) => setImmediate(res));
		}
		await all;
		assert.deepEqual(notices, []);
		ws.terminate();
	};
	await Promise.all(Array.from({ length: C }, (_, c) => one(c)));
	await r.stop();
});

test('nostr-tools publishes and subscribes over a compressed connection',
    T, async (t) => {
	const r = await startRelay();
	t.after(() => r.cleanup());
	const relay = await Relay.connect(r.url);
	t.after(() => relay.close());
	const ev = sign(keys().sk, { content: 'through nostr-tools' });
	await relay.publish(ev);
	const seen = await withTimeout(new Promise((resolve) => {
		const sub = relay.subscribe([{ ids: [ev.id] }], {
			onevent: (e) => { sub.close(); resolve(e); },
		});
	}), 10000, 'the event back');
	assert.equal(seen.id, ev.id);
	await r.stop();
});

test('deflate_connections: clients past it work, uncompressed', T,
    async (t) => {
	const r = await startRelay({ opts: { deflate_connections: 2 } });
	t.after(() => r.cleanup());
	const a = await open(r.url);
	const b = await open(r.url);
	const c = await open(r.url);
	t.after(() => [a, b, c].forEach((w) => w.terminate()));
	assert.match(a.extensions, /permessage-deflate/);
	assert.match(b.extensions, /permessage-deflate/);
	assert.equal(c.extensions, '', 'the third compresses anyway');
	const ev = sign(keys().sk, { content: 'uncompressed but served' });
	c.send(JSON.stringify(['EVENT', ev]));
	assert.deepEqual(await next(c, (m) => m[0] === 'OK'),
	    ['OK', ev.id, true, '']);
	// A place frees when a compressing client leaves.
	a.close();
	await withTimeout(new Promise((res) => a.once('close', res)), 5000,
	    'a closing');
	const d = await open(r.url);
	t.after(() => d.terminate());
	assert.match(d.extensions, /permessage-deflate/);
	await r.stop();
});

test('a sync between two nodes is compressed on the wire', T, async (t) => {
	const b = await startRelay();
	t.after(() => b.cleanup());
	const a = tempDir();
	assert.equal((await run(SAMIZDAT, ['-d', a, 'init'])).code, 0);
	// 200 notes on A, with repetitive content as reports have.
	for (let i = 0; i < 200; i += 50) {
		const lines = Array.from({ length: 50 }, (_, k) => JSON.stringify(
		    sign(keys().sk, { content: `report ${i + k}: the road ` +
		    'to the airport is blocked at the bridge' })));
		const imp = await run(SAMIZDAT, ['-d', a, 'import', '-'],
		    { input: lines.join('\n') + '\n' });
		assert.equal(imp.code, 0, imp.stderr);
	}
	const s = await run(SAMIZDAT, ['-d', a, 'sync', b.url]);
	assert.equal(s.code, 0, s.stderr);
	const m = /(\d+) bytes \((\d+) on the wire\)/.exec(s.stderr);
	assert.ok(m, `no byte counts in: ${s.stderr}`);
	const [bytes, wire] = [Number(m[1]), Number(m[2])];
	assert.ok(wire > 0 && wire < 0.8 * bytes, `${wire} bytes on the ` +
	    `wire for ${bytes} of messages: not compressed`);
	t.diagnostic(`${bytes} bytes of messages, ${wire} on the wire`);
	await b.stop();
});
