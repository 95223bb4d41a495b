// load.test.mjs: many connections at once.  500 WebSocket clients each
// subscribe to kind 1 and get EOSE; 50 of them publish one event each;
// every subscriber receives all 50 live.  Then the connection limit, and
// one connection pipelining 10,000 events past its rate.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	Client, connectMany, keys, sign, signFast, startRelay, withTimeout,
} from './lib.mjs';

const CONNS = 500;
const PUBLISHERS = 50;

test(`${CONNS} connections subscribe; ${PUBLISHERS} publish; everyone ` +
    'gets everything', { timeout: 60000 }, async (t) => {
	const r = await startRelay({ opts: { max_connections: 1000 } });
	t.after(() => r.cleanup());
	const clients = await connectMany(r.url, CONNS);
	t.after(() => clients.forEach((c) => c.terminate()));

	const eose = await withTimeout(Promise.all(clients.map((c) =>
	    c.req('k1', { kinds: [1] }))), 30000, 'EOSE on every connection');
	for (const e of eose) {
		assert.ok(e.eose);
		assert.deepEqual(e.events, []);
	}

	const evs = clients.slice(0, PUBLISHERS).map((c, i) =>
	    sign(keys().sk, { content: `event ${i} of ${PUBLISHERS}` }));
	const oks = await withTimeout(Promise.all(evs.map((ev, i) =>
	    clients[i].publish(ev))), 30000, 'OK for every event');
	for (const o of oks)
		assert.deepEqual(o, { ok: true, reason: '' });

	const want = evs.map((e) => e.id).sort();
	const got = await withTimeout(Promise.all(clients.map(async (c) => {
		const ids = [];
		while (ids.length < PUBLISHERS)
			ids.push((await c.event('k1', { timeout: 30000 })).id);
		return ids.sort();
	})), 40000, 'every live event on every connection');
	for (const ids of got)
		assert.deepEqual(ids, want);
	for (const c of clients) {
		assert.equal(c.closed, false);
		assert.deepEqual(c.peek(), [], 'unexpected extra messages');
	}

	await withTimeout(Promise.all(clients.map((c) => c.close())), 20000,
	    'closing every connection');
	await r.stop();
});

test('max_connections: one more is refused, the others keep working',
    { timeout: 60000 }, async (t) => {
	const max = 5;
	const r = await startRelay({ opts: { max_connections: max } });
	t.after(() => r.cleanup());
	const clients = await connectMany(r.url, max);
	t.after(() => clients.forEach((c) => c.terminate()));
	await assert.rejects(Client.connect(r.url, { timeout: 10000 }),
	    'a connection beyond max_connections was accepted');
	for (const c of clients)
		assert.ok((await c.req('x', { limit: 1 })).eose);
	// Room again once one leaves.
	await clients.pop().close();
	const late = await Client.connect(r.url);
	clients.push(late);
	assert.ok((await late.req('x', { limit: 1 })).eose);
	await Promise.all(clients.map((c) => c.close()));
	await r.stop();
});

test('10,000 events pipelined on one connection past its rate: all ' +
    'accepted, slowed, none refused; another client is served meanwhile',
    { timeout: 120000 }, async (t) => {
	// A burst of 30000/6 + 10 = 5010, then 500 a second: ~10 s.
	const r = await startRelay({ opts: { events_per_minute: 30000 } });
	t.after(() => r.cleanup());
	const N = 10000;
	const { sk } = keys();
	const evs = await signFast(sk, Array.from({ length: N }, (_, i) =>
	    ({ content: `pipelined ${i}` })));
	const c = await Client.connect(r.url);
	const other = await Client.connect(r.url);
	t.after(() => { c.close(); other.close(); });
	const t0 = Date.now();
	const oks = Promise.all(evs.map((ev) => c.ok(ev.id,
	    { timeout: 100000 })));
	for (const ev of evs)
		c.send(['EVENT', ev]);
	const mine = sign(keys().sk, { content: 'served meanwhile' });
	assert.deepEqual(await other.publish(mine), { ok: true, reason: '' });
	const otherMs = Date.now() - t0;
	const got = await oks;
	const ms = Date.now() - t0;
	const refused = got.filter((o) => !o.ok);
	assert.equal(refused.length, 0, `refused: ${JSON.stringify(
	    refused.slice(0, 3))}`);
	assert.ok(ms >= 6000, `10,000 events took ${ms} ms: past the burst ` +
	    'of 5010 they were not slowed');
	assert.ok(otherMs < ms, 'the other client waited for the slowed one');
	other.send(['COUNT', 'n', { authors: [evs[0].pubkey] }]);
	const n = await other.next((m) => m[0] === 'COUNT' && m[1] === 'n');
	assert.equal(n[2].count, N);
	t.diagnostic(`${N} OK true in ${ms} ms; the other client's OK in ` +
	    `${otherMs} ms`);
	await r.stop();
});
