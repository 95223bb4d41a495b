// nostr-tools.test.mjs: the relay as a real client library sees it.
// nostr-tools' Relay (over ws) publishes, subscribes and counts against one
// relay shared by the tests of this file; each test signs with its own
// fresh keys and filters by author, so the tests do not see each other's
// events.  The last test stops the relay and checks it exits cleanly.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
	Relay, keys, now, plain, sign, startRelay, waitFor, withTimeout,
	verifyEvent,
} from './lib.mjs';

const T = { timeout: 60000 };
let relay;

before(async () => {
	relay = await startRelay();
});

after(async () => {
	await relay?.cleanup();
});

async function connect(t) {
	const r = await withTimeout(Relay.connect(relay.url), 15000,
	    `nostr-tools Relay.connect(${relay.url})`);
	// Closed, and the close seen, before the test ends: the last test
	// stops the relay and should find no connection left.
	t.after(async () => {
		r.close();
		await waitFor(() => !r.ws || r.ws.readyState === 3,
		    { timeout: 5000, what: 'the connection to close' })
		    .catch(() => r.ws?.terminate());
	});
	return r;
}

// Stored events for filters, in the order the relay sent them, up to EOSE.
// eoseTimeout is raised so that only a real EOSE ends the wait.
function fetchStored(r, filters, timeout = 15000) {
	return withTimeout(new Promise((resolve, reject) => {
		const events = [];
		let done = false;
		const sub = r.subscribe(filters, {
			eoseTimeout: 120000,
			onevent: (e) => events.push(e),
			oneose: () => {
				done = true;
				sub.close();
				resolve(events);
			},
			onclose: (why) => {
				if (!done)
					reject(new Error(`CLOSED: ${why}`));
			},
		});
	}), timeout, `EOSE for ${JSON.stringify(filters)}`);
}

// A live subscription: .eose resolves at EOSE, .nextEvent() the next event.
function liveSub(r, filters) {
	const got = [];
	const waiting = [];
	let eoseResolve;
	const eose = new Promise((resolve) => { eoseResolve = resolve; });
	const sub = r.subscribe(filters, {
		eoseTimeout: 120000,
		onevent: (e) => {
			const w = waiting.shift();
			if (w)
				w(e);
			else
				got.push(e);
		},
		oneose: () => eoseResolve(),
	});
	return {
		sub,
		eose: withTimeout(eose, 15000, 'EOSE'),
		stored: got,
		nextEvent(timeout = 10000) {
			if (got.length > 0)
				return Promise.resolve(got.shift());
			return withTimeout(new Promise((resolve) =>
			    waiting.push(resolve)), timeout, 'a live event');
		},
	};
}

async function rejected(p) {
	try {
		const v = await p;
		assert.fail(`expected a rejection, got OK true '${v}'`);
	} catch (e) {
		if (e instanceof assert.AssertionError)
			throw e;
		return e.message;
	}
}

const ids = (evs) => evs.map((e) => e.id);

test('publish gets OK true; a duplicate gets OK true "duplicate:"', T,
    async (t) => {
	const r = await connect(t);
	const { sk } = keys();
	const ev = sign(sk, { content: 'hello from nostr-tools' });
	assert.equal(await r.publish(ev), '');
	const again = await r.publish(ev);
	assert.match(again, /^duplicate:/);
});

test('subscribe: stored events, EOSE, then live events', T, async (t) => {
	const r = await connect(t);
	const pub = await connect(t);
	const { sk, pk } = keys();
	const stored = [];
	for (let i = 0; i < 3; i++) {
		stored.push(sign(sk, { content: `stored ${i}`,
		    created_at: now() - 10 + i }));
		await pub.publish(stored[i]);
	}
	const s = liveSub(r, [{ authors: [pk] }]);
	await s.eose;
	assert.deepEqual(ids(s.stored).sort(), ids(stored).sort());
	s.stored.length = 0;
	for (let i = 0; i < 2; i++) {
		const ev = sign(sk, { content: `live ${i}` });
		await pub.publish(ev);
		const got = await s.nextEvent();
		assert.deepEqual(plain(got), plain(ev));
		assert.ok(verifyEvent(plain(got)));
	}
	s.sub.close();
});

test('replaceable kind 0 and addressable kind 30023 keep the newest', T,
    async (t) => {
	const r = await connect(t);
	const { sk, pk } = keys();
	const t0 = now();
	const p1 = sign(sk, { kind: 0, content: '{"name":"one"}',
	    created_at: t0 - 10 });
	const p2 = sign(sk, { kind: 0, content: '{"name":"two"}',
	    created_at: t0 - 5 });
	const pOld = sign(sk, { kind: 0, content: '{"name":"old"}',
	    created_at: t0 - 20 });
	assert.equal(await r.publish(p1), '');
	assert.equal(await r.publish(p2), '');
	// Older than what is stored: accepted, not stored.
	assert.match(await r.publish(pOld), /^duplicate:/);
	assert.deepEqual(ids(await fetchStored(r, [{ kinds: [0],
	    authors: [pk] }])), [p2.id]);

	// Same created_at: the lowest id wins, whatever the order.
	const ties = [0, 1, 2].map((i) => sign(sk, { kind: 3,
	    content: `tie ${i}`, created_at: t0 - 3 }));
	const lowest = [...ties].sort((a, b) => a.id < b.id ? -1 : 1)[0];
	for (const e of [...ties].sort((a, b) => a.id < b.id ? 1 : -1))
		await r.publish(e);
	assert.deepEqual(ids(await fetchStored(r, [{ kinds: [3],
	    authors: [pk] }])), [lowest.id]);
	const others = ties.filter((e) => e !== lowest);
	for (const e of others)
		assert.match(await r.publish(e), /^duplicate:/);

	const a1 = sign(sk, { kind: 30023, tags: [['d', 'report']],
	    content: 'first draft', created_at: t0 - 10 });
	const a2 = sign(sk, { kind: 30023, tags: [['d', 'report']],
	    content: 'second draft', created_at: t0 - 5 });
	const b1 = sign(sk, { kind: 30023, tags: [['d', 'other']],
	    content: 'another article', created_at: t0 - 7 });
	for (const e of [a1, a2, b1])
		assert.equal(await r.publish(e), '');
	const got = await fetchStored(r, [{ kinds: [30023], authors: [pk] }]);
	assert.deepEqual(ids(got).sort(), [a2.id, b1.id].sort());
	const byD = await fetchStored(r, [{ kinds: [30023], authors: [pk],
	    '#d': ['report'] }]);
	assert.deepEqual(ids(byD), [a2.id]);
});

test('NIP-09 deletion by e and a tags; deleted events stay out', T,
    async (t) => {
	const r = await connect(t);
	const { sk, pk } = keys();
	const t0 = now();

	const note = sign(sk, { content: 'to be deleted', created_at: t0 - 5 });
	const keep = sign(sk, { content: 'to be kept', created_at: t0 - 5 });
	await r.publish(note);
	await r.publish(keep);
	const delE = sign(sk, { kind: 5, tags: [['e', note.id]],
	    content: 'oops' });
	assert.equal(await r.publish(delE), '');
	assert.deepEqual(await fetchStored(r, [{ ids: [note.id] }]), []);
	assert.deepEqual(ids(await fetchStored(r, [{ ids: [keep.id] }])),
	    [keep.id]);
	assert.match(await rejected(r.publish(note)), /^blocked:/);

	const art = sign(sk, { kind: 30023, tags: [['d', 'art']],
	    content: 'article', created_at: t0 - 5 });
	await r.publish(art);
	const delA = sign(sk, { kind: 5, tags: [['a', `30023:${pk}:art`]] });
	assert.equal(await r.publish(delA), '');
	assert.deepEqual(await fetchStored(r, [{ kinds: [30023],
	    authors: [pk] }]), []);
	assert.match(await rejected(r.publish(art)), /^blocked:/);

	// Someone else's deletion request has no effect.
	const other = keys();
	const notMine = sign(other.sk, { kind: 5, tags: [['e', keep.id]] });
	await r.publish(notMine);
	assert.deepEqual(ids(await fetchStored(r, [{ ids: [keep.id] }])),
	    [keep.id]);
	// The deletion requests themselves are stored and served.
	assert.deepEqual(ids(await fetchStored(r, [{ kinds: [5],
	    authors: [pk] }])).sort(), [delE.id, delA.id].sort());
});

test('COUNT (NIP-45) through relay.count', T, async (t) => {
	const r = await connect(t);
	const { sk, pk } = keys();
	for (let i = 0; i < 4; i++)
		await r.publish(sign(sk, { content: `count me ${i}` }));
	await r.publish(sign(sk, { kind: 7, content: '+' }));
	const n = await withTimeout(r.count([{ authors: [pk], kinds: [1] }],
	    {}), 10000, 'COUNT');
	assert.equal(n, 4);
	assert.equal(await withTimeout(r.count([{ authors: [pk] }], {}), 10000,
	    'COUNT'), 5);
	assert.equal(await withTimeout(r.count([{ authors: [pk], kinds: [1] },
	    { authors: [pk], kinds: [7] }], {}), 10000, 'COUNT'), 5);
});

test('NIP-50 search: every word, ignoring case', T, async (t) => {
	const r = await connect(t);
	const { sk, pk } = keys();
	const a = sign(sk, { content: 'Bridge closed near the market' });
	const b = sign(sk, { content: 'the BRIDGE is open again' });
	const c = sign(sk, { content: 'nothing to see here' });
	for (const e of [a, b, c])
		await r.publish(e);
	const one = await fetchStored(r, [{ authors: [pk], search: 'bridge' }]);
	assert.deepEqual(ids(one).sort(), [a.id, b.id].sort());
	const two = await fetchStored(r, [{ authors: [pk],
	    search: 'MARKET bridge' }]);
	assert.deepEqual(ids(two), [a.id]);
	assert.deepEqual(await fetchStored(r, [{ authors: [pk],
	    search: 'airport' }]), []);
});

test('ephemeral kind 20001: delivered live, never stored', T, async (t) => {
	const r = await connect(t);
	const pub = await connect(t);
	const { sk, pk } = keys();
	const s = liveSub(r, [{ kinds: [20001], authors: [pk] }]);
	await s.eose;
	const ev = sign(sk, { kind: 20001, content: 'here and gone' });
	assert.equal(await pub.publish(ev), '');
	assert.deepEqual(plain(await s.nextEvent()), plain(ev));
	s.sub.close();
	assert.deepEqual(await fetchStored(r, [{ kinds: [20001],
	    authors: [pk] }]), []);
	assert.deepEqual(await fetchStored(r, [{ ids: [ev.id] }]), []);
});

test('NIP-40: an expiring event is served until it expires', T,
    async (t) => {
	const r = await connect(t);
	const { sk } = keys();
	const exp = now() + 2;
	const ev = sign(sk, { content: 'gone soon',
	    tags: [['expiration', String(exp)]] });
	assert.equal(await r.publish(ev), '');
	assert.deepEqual(ids(await fetchStored(r, [{ ids: [ev.id] }])),
	    [ev.id]);
	await waitFor(async () => (await fetchStored(r, [{ ids: [ev.id] }]))
	    .length === 0, { timeout: 20000, interval: 250,
	    what: 'the expired event to disappear' });
	assert.ok(Date.now() / 1000 >= exp, 'served no more before expiry');
	// A new event that has expired already is refused.
	const late = sign(sk, { content: 'too late',
	    tags: [['expiration', String(now() - 1)]] });
	assert.match(await rejected(r.publish(late)), /^invalid:/);
});

test('NIP-40: re-publishing an event that expired is refused', T,
    async (t) => {
	// The relay still holds the expired row until its purge runs; it
	// must not answer "duplicate" (OK true: "I have it") for an event it
	// will never serve again.  NIP-40: relays SHOULD drop expired events
	// published to them.
	const r = await connect(t);
	const { sk } = keys();
	const exp = now() + 1;
	const ev = sign(sk, { content: 'expires in a second',
	    tags: [['expiration', String(exp)]] });
	assert.equal(await r.publish(ev), '');
	await waitFor(async () => (await fetchStored(r, [{ ids: [ev.id] }]))
	    .length === 0, { timeout: 20000, interval: 250,
	    what: 'the expired event to disappear' });
	assert.match(await rejected(r.publish(ev)), /^invalid:/);
});

test('NIP-11 document, CORS and the HTML page', T, async () => {
	const res = await fetch(relay.http, {
	    headers: { Accept: 'application/nostr+json' },
	    signal: AbortSignal.timeout(5000) });
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'),
	    /^application\/nostr\+json/);
	assert.equal(res.headers.get('access-control-allow-origin'), '*');
	const doc = await res.json();
	assert.ok(Array.isArray(doc.supported_nips));
	for (const n of doc.supported_nips)
		assert.ok(Number.isInteger(n), `supported_nips has ${n}`);
	assert.ok(doc.supported_nips.includes(1));
	assert.ok(doc.supported_nips.includes(11));
	assert.equal(typeof doc.name, 'string');
	assert.equal(typeof doc.limitation, 'object');
	assert.equal(doc.limitation.max_subscriptions, 32);

	// Accept as browsers and libraries send it: a list with parameters.
	const listed = await fetch(relay.http, { headers: { Accept:
	    'text/html;q=0.5, application/nostr+json;q=0.9' },
	    signal: AbortSignal.timeout(5000) });
	assert.deepEqual(await listed.json(), doc);

	const pre = await fetch(relay.http, { method: 'OPTIONS',
	    headers: { Origin: 'https://example.org',
	    'Access-Control-Request-Method': 'GET',
	    'Access-Control-Request-Headers': 'accept' },
	    signal: AbortSignal.timeout(5000) });
	assert.equal(pre.status, 204);
	assert.equal(pre.headers.get('access-control-allow-origin'), '*');
	assert.match(pre.headers.get('access-control-allow-methods') ?? '',
	    /GET/);
	assert.ok(pre.headers.get('access-control-allow-headers'));

	const page = await fetch(relay.http, {
	    signal: AbortSignal.timeout(5000) });
	assert.equal(page.status, 200);
	assert.match(page.headers.get('content-type'), /^text\/html/);
	assert.match(await page.text(), /<html/);
});

test('limit and order: newest first, ties by lowest id', T, async (t) => {
	const r = await connect(t);
	const { sk, pk } = keys();
	const t0 = now() - 100;
	const evs = [];
	for (let i = 0; i < 4; i++)
		evs.push(sign(sk, { content: `tie ${i}`, created_at: t0 }));
	for (let i = 0; i < 2; i++)
		evs.push(sign(sk, { content: `older ${i}`,
		    created_at: t0 - 1 }));
	evs.push(sign(sk, { content: 'oldest', created_at: t0 - 50 }));
	evs.push(sign(sk, { content: 'newest', created_at: t0 + 10 }));
	// Published in an order unrelated to the expected one.
	for (const e of [...evs].reverse())
		assert.equal(await r.publish(e), '');
	const order = [...evs].sort((a, b) => b.created_at - a.created_at ||
	    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	assert.deepEqual(ids(await fetchStored(r, [{ authors: [pk] }])),
	    ids(order));
	assert.deepEqual(ids(await fetchStored(r, [{ authors: [pk],
	    limit: 3 }])), ids(order.slice(0, 3)));
	assert.deepEqual(ids(await fetchStored(r, [{ authors: [pk],
	    until: t0, limit: 2 }])), ids(order.slice(1, 3)));
	// Two filters: one ordered answer.
	assert.deepEqual(ids(await fetchStored(r, [{ authors: [pk],
	    since: t0 }, { authors: [pk], until: t0 - 1 }])), ids(order));
});

test('the relay stops cleanly on SIGTERM', T, async () => {
	await relay.stop();
});
