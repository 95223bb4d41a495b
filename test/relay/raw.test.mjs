// raw.test.mjs: the NIP-01 wire protocol, message by message, over a plain
// WebSocket: malformed input, refusals and their reason prefixes,
// subscription management, limits (message size, subscriptions, rate, slow
// readers) and exact round trips of awkward content.  Tests that need no
// special configuration share one relay; the others start their own.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
	Client, assertPrefix, keys, now, plain, rawSocket, sign, signFast,
	startRelay, verifyEvent, waitFor, withTimeout,
} from './lib.mjs';

const T = { timeout: 60000 };
let relay;

before(async () => {
	relay = await startRelay();
});

after(async () => {
	await relay?.cleanup();
});

// A client closed (and its close seen) when the test ends.
async function client(t, url = relay.url) {
	const c = await Client.connect(url);
	t.after(() => c.close());
	return c;
}

// Starts a relay of its own for one test; stopped by the test, killed
// after it whatever happened.
async function ownRelay(t, opts) {
	const r = await startRelay({ opts });
	t.after(() => r.cleanup());
	return r;
}

test('malformed JSON gets a NOTICE and the connection still works', T,
    async (t) => {
	const c = await client(t);
	for (const junk of ['["REQ", "x", {', 'not json at all', '[', '',
	    '["EVENT",{"id":']) {
		c.send(junk);
		const n = await c.notice({ what: `a NOTICE for '${junk}'` });
		assert.equal(typeof n[1], 'string');
		assertPrefix(n[1], 'invalid', 'NOTICE');
	}
	const r = await c.req('after-junk', { kinds: [1], limit: 1 });
	assert.ok(r.eose);
});

test('an unknown verb gets a NOTICE', T, async (t) => {
	const c = await client(t);
	c.send(['HELLO', 'x']);
	const n = await c.notice();
	assert.match(n[1], /HELLO/);
	assertPrefix(n[1], 'invalid', 'NOTICE');
	c.send([]);
	await c.notice({ what: 'a NOTICE for []' });
	assert.ok((await c.req('still', { limit: 1 })).eose);
});

test('a message that is not an array gets a NOTICE', T, async (t) => {
	const c = await client(t);
	for (const m of ['{"EVENT":1}', '"REQ"', '42', 'null', '[1,2]']) {
		c.send(m);
		const n = await c.notice({ what: `a NOTICE for ${m}` });
		assertPrefix(n[1], 'invalid', 'NOTICE');
	}
	assert.ok((await c.req('still', { limit: 1 })).eose);
});

test('bad signature and wrong id: OK false "invalid:"', T, async (t) => {
	const c = await client(t);
	const { sk } = keys();
	const ev = sign(sk, { content: 'signed' });

	const badSig = { ...plain(ev), sig: ev.sig.slice(0, 10) +
	    (ev.sig[10] === '0' ? '1' : '0') + ev.sig.slice(11) };
	let r = await c.publish(badSig);
	assert.equal(r.ok, false);
	assertPrefix(r.reason, 'invalid');

	const wrongId = { ...plain(ev), content: 'tampered after signing' };
	r = await c.publish(wrongId);
	assert.equal(r.ok, false);
	assertPrefix(r.reason, 'invalid');

	const otherKey = { ...plain(ev), pubkey: keys().pk };
	r = await c.publish(otherKey);
	assert.equal(r.ok, false);
	assertPrefix(r.reason, 'invalid');

	// None of them was stored; the good one still can be.
	assert.deepEqual((await c.req('q', { ids: [ev.id] })).events, []);
	r = await c.publish(ev);
	assert.deepEqual(r, { ok: true, reason: '' });
});

test('a broken event is answered with OK when its id can be found, ' +
    'else with a NOTICE', T, async (t) => {
	const c = await client(t);
	const { sk } = keys();
	const ev = plain(sign(sk, { content: 'x' }));
	c.send(['EVENT', { ...ev, kind: 'one' }]);
	let r = await c.ok(ev.id);
	assert.equal(r.ok, false);
	assertPrefix(r.reason, 'invalid');
	c.send(['EVENT', { ...ev, tags: 'none' }]);
	r = await c.ok(ev.id);
	assert.equal(r.ok, false);
	assertPrefix(r.reason, 'invalid');
	const { id, ...noId } = ev;
	c.send(['EVENT', noId]);
	assertPrefix((await c.notice())[1], 'invalid', 'NOTICE');
	c.send(['EVENT', 'not an object']);
	assertPrefix((await c.notice())[1], 'invalid', 'NOTICE');
	assert.ok((await c.req('still', { limit: 1 })).eose);
});

test('an event with a lone surrogate (a cut emoji) gets OK false ' +
    '"invalid:"', T, async (t) => {
	// JavaScript clients that cut a string between the two halves of an
	// emoji serialize the half left as a \ud83d escape.  The event is
	// invalid (NIP-01 strings are UTF-8), but its id is there to be
	// found, so the answer should be OK false, not a NOTICE that leaves
	// the client waiting for its OK.
	const c = await client(t);
	const { sk } = keys();
	const ev = sign(sk, { content: 'cut emoji: \u{1F4E2}'.slice(0, -1) });
	assert.match(JSON.stringify(ev), /\\ud83d/);
	c.send(['EVENT', ev]);
	const m = await c.next((x) => (x[0] === 'OK' && x[1] === ev.id) ||
	    x[0] === 'NOTICE', { what: 'OK or NOTICE' });
	assert.deepEqual(m.slice(0, 3), ['OK', ev.id, false],
	    `answered ${m.raw}`);
	assertPrefix(m[3], 'invalid');
	assert.ok((await c.req('still', { limit: 1 })).eose);
});

test('a subscription id longer than max_subid_length gets a NOTICE', T,
    async (t) => {
	const c = await client(t);
	c.send(['REQ', 'x'.repeat(65), { limit: 1 }]);
	assertPrefix((await c.notice())[1], 'invalid', 'NOTICE');
	c.send(['REQ', '', { limit: 1 }]);
	assertPrefix((await c.notice())[1], 'invalid', 'NOTICE');
	assert.ok((await c.req('x'.repeat(64), { limit: 1 })).eose);
});

test('live delivery: once per subscription, limit only for stored ' +
    'events, since and kinds respected', T, async (t) => {
	const c = await client(t);
	const p = await client(t);
	const { sk, pk } = keys();
	await p.publish(sign(sk, { content: 'stored 1', created_at: now() - 9 }));
	await p.publish(sign(sk, { content: 'stored 2', created_at: now() - 8 }));
	// Two filters that both match: still one EVENT per event.
	const one = await c.req('both', [{ authors: [pk], limit: 1 },
	    { kinds: [1], authors: [pk], limit: 1 }]);
	assert.equal(one.events.length, 1, 'limit 1 on stored events');
	assert.ok((await c.req('since', { authors: [pk],
	    since: now() - 100, kinds: [1] })).eose);
	const live = [];
	for (let i = 0; i < 3; i++)
		live.push(sign(sk, { content: `live ${i}` }));
	const old = sign(sk, { content: 'older than since',
	    created_at: now() - 1000 });
	const reaction = sign(sk, { kind: 7, content: '+' });
	for (const ev of [live[0], old, reaction, live[1], live[2]])
		assert.equal((await p.publish(ev)).ok, true);
	// live[2] was published last: all deliveries are in by then.
	const both = [], since = [];
	while (both.length < 5)
		both.push((await c.event('both')).id);
	while (since.length < 3)
		since.push((await c.event('since')).id);
	assert.deepEqual(both, [live[0], old, reaction, live[1], live[2]]
	    .map((e) => e.id), 'every event once, in order, past the limit');
	assert.deepEqual(since, live.map((e) => e.id));
	assert.deepEqual(c.peek((m) => m[0] === 'EVENT'), []);
});

test('created_at outside the window: OK false "invalid:"', T,
    async (t) => {
	const c = await client(t);
	const { sk } = keys();
	const future = sign(sk, { content: 'from the future',
	    created_at: now() + 3600 });
	let r = await c.publish(future);
	assert.equal(r.ok, false);
	assertPrefix(r.reason, 'invalid');
	const past = sign(sk, { content: 'ten years ago',
	    created_at: now() - 10 * 365 * 86400 });
	r = await c.publish(past);
	assert.equal(r.ok, false);
	assertPrefix(r.reason, 'invalid');
	// Inside the window (upper limit 900 s) it is fine.
	r = await c.publish(sign(sk, { content: 'soon',
	    created_at: now() + 60 }));
	assert.equal(r.ok, true);
});

test('REQ with a live id replaces it; CLOSE stops delivery', T,
    async (t) => {
	const c = await client(t);
	const p = await client(t);
	const A = keys(), B = keys(), C = keys();

	assert.ok((await c.req('s', { authors: [A.pk] })).eose);
	// Same id, another filter: no CLOSED, just the new subscription.
	const re = await c.req('s', { authors: [B.pk] });
	assert.ok(re.eose, `replacing REQ got ${JSON.stringify(re)}`);
	const x = sign(A.sk, { content: 'for the old filter' });
	const y = sign(B.sk, { content: 'for the new filter' });
	assert.equal((await p.publish(x)).ok, true);
	assert.equal((await p.publish(y)).ok, true);
	// y was published after x: once y is here, x would have been too.
	assert.equal((await c.event('s')).id, y.id);
	assert.deepEqual(c.peek((m) => m[0] === 'EVENT'), []);

	// CLOSE: nothing more for s; a sub opened after it shows when the
	// events have been delivered.
	c.send(['CLOSE', 's']);
	assert.ok((await c.req('probe', { authors: [B.pk, C.pk] })).eose);
	const z = sign(B.sk, { content: 'after CLOSE' });
	const w = sign(C.sk, { content: 'barrier' });
	assert.equal((await p.publish(z)).ok, true);
	assert.equal((await p.publish(w)).ok, true);
	assert.equal((await c.event('probe')).id, z.id);
	assert.equal((await c.event('probe')).id, w.id);
	assert.deepEqual(c.peek((m) => m[1] === 's'), [],
	    'events for a closed subscription');
	// CLOSE of an unknown id is harmless.
	c.send(['CLOSE', 'never-opened']);
	assert.ok((await c.req('still', { limit: 1 })).eose);
	assert.deepEqual(c.peek((m) => m[0] === 'NOTICE' ||
	    m[0] === 'CLOSED'), []);
});

test('bad filters: CLOSED "invalid:" or "unsupported:"', T, async (t) => {
	const c = await client(t);
	let r = await c.req('k', { kinds: 'x' });
	assert.equal(r.eose, false);
	assertPrefix(r.closed, 'invalid', 'CLOSED');
	r = await c.req('u', { kinds: [1], frobnicate: true });
	assertPrefix(r.closed, 'unsupported', 'CLOSED');
	r = await c.req('h', { authors: ['npub1notahexkey'] });
	assertPrefix(r.closed, 'invalid', 'CLOSED');
	r = await c.req('o', 'not an object');
	assertPrefix(r.closed, 'invalid', 'CLOSED');
	r = await c.req('n', []);
	assert.equal(r.eose, false, 'a REQ without filters');
	// A refused REQ leaves no subscription behind.
	const { sk, pk } = keys();
	assert.ok((await c.req('good', { authors: [pk] })).eose);
	await c.publish(sign(sk, { content: 'only for good' }));
	assert.equal((await c.event('good')).pubkey, pk);
	assert.deepEqual(c.peek((m) => m[0] === 'EVENT'), []);
});

test('COUNT answers ["COUNT", id, {"count": n}]', T, async (t) => {
	const c = await client(t);
	const { sk, pk } = keys();
	for (let i = 0; i < 3; i++)
		await c.publish(sign(sk, { content: `n ${i}` }));
	c.send(['COUNT', 'cnt', { authors: [pk] }]);
	const m = await c.next((x) => x[1] === 'cnt');
	assert.deepEqual(m, ['COUNT', 'cnt', { count: 3 }]);
	c.send(['COUNT', 'bad', { kinds: 'x' }]);
	const b = await c.next((x) => x[1] === 'bad');
	assert.equal(b[0], 'CLOSED');
	assertPrefix(b[2], 'invalid', 'CLOSED');
});

test('content with NUL, emoji and U+2028 round-trips exactly', T,
    async (t) => {
	const c = await client(t);
	const { sk, pk } = keys();
	const contents = [
		'nul:\u0000:end',
		'emoji: \u{1F389} \u{1F469}\u200D\u{1F469}\u200D\u{1F467} ' +
		    '\u{1F1F0}\u{1F1FF}',
		'line separator:\u2028 paragraph separator:\u2029',
		'controls:\u0001\u001f\u007f tab:\t nl:\n cr:\r',
		'quote:" backslash:\\ slash:/ </script>',
		'\u0000\u2028\u{1F4E2}\u0000',
	];
	// One clock reading: two events in the same second would come back
	// by id, not in this order.
	const t0 = now();
	const evs = contents.map((content, i) => sign(sk, { content,
	    tags: [['t', `tag\u2028${i}`], ['alt', '\u0000\u{1F600}']],
	    created_at: t0 - i }));
	for (const ev of evs)
		assert.deepEqual(await c.publish(ev), { ok: true, reason: '' });
	const got = (await c.req('u', { authors: [pk] })).events;
	assert.deepEqual(got, evs.map(plain));
	for (const e of got)
		assert.ok(verifyEvent(e), 'signature of a returned event');
	// Live delivery too.
	const p = await client(t);
	assert.ok((await c.req('live', { authors: [pk], limit: 0 })).eose);
	const ev = sign(sk, { content: '\u0000\u2028\u{1F389}' });
	await p.publish(ev);
	assert.deepEqual(await c.event('live'), plain(ev));
});

test('the shared relay stops cleanly', T, async () => {
	await relay.stop();
});

test('oversized message: NOTICE naming the limit; connection still ' +
    'works', T, async (t) => {
	const r = await ownRelay(t, { max_message_length: 2048,
	    max_event_size: 1024 });
	const c = await client(t, r.url);
	c.send(JSON.stringify(['REQ', 'big', { search: 'x'.repeat(5000) }]));
	const n = await c.notice();
	assertPrefix(n[1], 'invalid', 'NOTICE');
	assert.match(n[1], /2048/);
	assert.deepEqual(c.peek((m) => m[1] === 'big'), []);
	assert.ok((await c.req('small', { limit: 1 })).eose);
	// An event under the message limit but over the event limit.
	const { sk } = keys();
	const ev = sign(sk, { content: 'y'.repeat(1500) });
	const res = await c.publish(ev);
	assert.equal(res.ok, false);
	assertPrefix(res.reason, 'invalid');
	await c.close();
	await r.stop();
});

test('too many subscriptions: CLOSED "blocked:"', T, async (t) => {
	const r = await ownRelay(t, { max_subscriptions: 2 });
	const c = await client(t, r.url);
	assert.ok((await c.req('s1', { kinds: [1] })).eose);
	assert.ok((await c.req('s2', { kinds: [1] })).eose);
	const third = await c.req('s3', { kinds: [1] });
	assert.equal(third.eose, false);
	assertPrefix(third.closed, 'blocked', 'CLOSED');
	// Replacing an open one is not a new subscription.
	assert.ok((await c.req('s2', { kinds: [7] })).eose);
	// After a CLOSE there is room again.
	c.send(['CLOSE', 's1']);
	assert.ok((await c.req('s3', { kinds: [1] })).eose);
	// The limit is per connection.
	const d = await client(t, r.url);
	assert.ok((await d.req('s1', { kinds: [1] })).eose);
	assert.ok((await d.req('s2', { kinds: [1] })).eose);
	await c.close();
	await d.close();
	await r.stop();
});

test('rate limit: a connection over its rate is slowed, never refused; ' +
    'others are served meanwhile', T, async (t) => {
	// 60 a minute: a burst of 60/6 + 10 = 20, then one a second.
	const r = await ownRelay(t, { events_per_minute: 60 });
	const c = await client(t, r.url);
	const other = await client(t, r.url);
	const { sk } = keys();
	const evs = await signFast(sk, Array.from({ length: 28 }, (_, i) =>
	    ({ content: `burst ${i}` })));
	const t0 = Date.now();
	for (const ev of evs)
		c.send(['EVENT', ev]);
	// Meanwhile another connection publishes and queries normally.
	const mine = sign(keys().sk, { content: 'not rate limited' });
	assert.deepEqual(await other.publish(mine), { ok: true, reason: '' });
	const q = await other.req('o', { ids: [mine.id] });
	assert.deepEqual(q.events.map((e) => e.id), [mine.id]);
	const otherMs = Date.now() - t0;

	// Every event is accepted: the burst at once, the rest a second apart.
	const when = [];
	const oks = await Promise.all(evs.map((ev) => c.ok(ev.id,
	    { timeout: 40000 }).then((o) => { when.push(Date.now() - t0);
	    return o; })));
	for (const o of oks)
		assert.deepEqual(o, { ok: true, reason: '' });
	when.sort((x, y) => x - y);
	assert.ok(when[when.length - 1] >= 5000, `the last OK came after ` +
	    `${when[when.length - 1]} ms: 8 events past the burst at one a ` +
	    `second were not slowed`);
	assert.ok(otherMs < when[when.length - 1], 'the other connection ' +
	    'waited for the slowed one');
	const stored = await other.req('c', { ids: evs.map((e) => e.id) });
	assert.equal(stored.events.length, evs.length);
	// REQ and COUNT have a bucket of their own, as large: slowed too.
	const rq = await client(t, r.url);
	const r0 = Date.now();
	for (let i = 0; i < 26; i++) {
		rq.send(['REQ', `r${i}`, { limit: 0 }]);
		rq.send(['CLOSE', `r${i}`]);
	}
	const answers = [];
	for (let i = 0; i < 26; i++)
		answers.push(await rq.next((m) => m[1] === `r${i}`,
		    { timeout: 40000 }));
	for (const m of answers)
		assert.equal(m[0], 'EOSE', `REQ ${m[1]} got ${m[0]}`);
	assert.ok(Date.now() - r0 >= 3000, 'REQs past the burst were not ' +
	    'slowed');
	await rq.close();
	await c.close();
	await other.close();
	await r.stop();
});

test('slow reader: dropped once max_output_buffer fills; the publisher ' +
    'is not held up', { timeout: 180000 }, async (t) => {
	const r = await ownRelay(t, { max_output_buffer: 65536,
	    events_per_minute: 0 });
	const a = await rawSocket(r.port);
	t.after(() => a.destroy());
	a.sendText(JSON.stringify(['REQ', 'slow', { kinds: [1] }]));
	await waitFor(() => a.text.includes('["EOSE","slow"]'),
	    { what: 'EOSE on the raw socket' });
	a.pause();		/* from now on A reads nothing */
	const rss0 = r.rssKiB();

	const b = await client(t, r.url);
	const { sk } = keys();
	const content = 'z'.repeat(2048);
	let sent = 0, dropped = false, extra = 0;
	// Publish in batches of 10 (20 KiB, well under the 64 KiB limit, so
	// that A is dropped for not reading rather than for one burst) until
	// the relay gives up on A, and two more batches after that; at most
	// 20 MB.
	while (sent < 10000 && extra < 2) {
		const evs = await signFast(sk, Array.from({ length: 10 },
		    (_, i) => ({ content: `${sent + i} ${content}` })));
		for (const ev of evs)
			b.send(['EVENT', ev]);
		const oks = await Promise.all(evs.map((ev) => b.ok(ev.id,
		    { timeout: 30000 })));
		assert.ok(oks.every((o) => o.ok), JSON.stringify(oks.find(
		    (o) => !o.ok)));
		sent += evs.length;
		if (dropped)
			extra++;
		dropped = /disconnecting a slow reader/.test(r.stderr);
	}
	assert.ok(dropped, `A was not dropped after ${sent} events of 2 KiB`);
	const grown = r.rssKiB() - rss0;
	assert.ok(grown < 400 * 1024, `relay RSS grew by ${grown} KiB`);
	// B is still served.
	const last = sign(sk, { content: 'after the drop' });
	assert.equal((await b.publish(last)).ok, true);

	// A, reading again, gets what was in flight, the NOTICE, then EOF.
	a.resume();
	await withTimeout(a.ends, 30000, 'the slow reader to be disconnected');
	assert.match(a.text, /"NOTICE","error: too slow/);
	const delivered = a.text.split('["EVENT","slow"').length - 1;
	t.diagnostic(`published ${sent} events of 2 KiB; the slow reader ` +
	    `got ${delivered} before it was dropped; relay RSS grew by ` +
	    `${grown} KiB`);
	assert.ok(delivered < sent, `A got all ${sent} events`);
	assert.ok(delivered > 0, 'A got nothing: the kernel socket buffers ' +
	    'should have taken some');
	await b.close();
	await r.stop();
});

test('a reader that keeps up is not dropped when a burst exceeds ' +
    'max_output_buffer', T, async (t) => {
	// max_output_buffer is for readers that stop reading.  A client that
	// reads promptly must not be dropped because the relay queued more
	// than the limit for it in one turn of its loop, before it wrote
	// anything: here 100 pipelined events of 2 KiB (200 KiB) against a
	// 64 KiB limit.
	const r = await ownRelay(t, { max_output_buffer: 65536,
	    events_per_minute: 0 });
	const a = await client(t, r.url);
	const b = await client(t, r.url);
	const { sk, pk } = keys();
	assert.ok((await a.req('fast', { authors: [pk] })).eose);
	const evs = await signFast(sk, Array.from({ length: 100 }, (_, i) =>
	    ({ content: `${i} ${'f'.repeat(2048)}` })));
	for (const ev of evs)
		b.send(['EVENT', ev]);
	const oks = await Promise.all(evs.map((ev) => b.ok(ev.id)));
	assert.ok(oks.every((o) => o.ok));
	const got = [];
	try {
		while (got.length < evs.length)
			got.push((await a.event('fast')).id);
	} catch (e) {
		const n = a.peek((m) => m[0] === 'NOTICE').map((m) => m[1]);
		assert.fail(`the reader got ${got.length} of ${evs.length} ` +
		    `events, then: ${e.message}; NOTICEs: ${JSON.stringify(n)}`);
	}
	assert.deepEqual(got.sort(), evs.map((e) => e.id).sort());
	assert.equal(a.closed, false);
	await a.close();
	await b.close();
	await r.stop();
});

test('SIGTERM with clients connected: the relay exits 0', T,
    async (t) => {
	const r = await ownRelay(t, {});
	const c = await client(t, r.url);
	const { sk, pk } = keys();
	assert.ok((await c.req('open', { authors: [pk] })).eose);
	assert.equal((await c.publish(sign(sk, { content: 'x' }))).ok, true);
	await c.event('open');
	await r.stop();
	await withTimeout(c.whenClosed, 10000, 'the client to see the close');
});
