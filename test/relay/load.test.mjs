// load.test.mjs: many connections at once.  500 WebSocket clients each
// subscribe to kind 1 and get EOSE; 50 of them publish one event each;
// every subscriber receives all 50 live.  Then the connection limit.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	Client, connectMany, keys, sign, startRelay, withTimeout,
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
