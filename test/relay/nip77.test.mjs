// nip77.test.mjs: NIP-77 negentropy on the relay.  nostr-tools'
// NegentropySync (the reference JS engine) is the client: it must learn
// exactly which events the relay has that it lacks and the other way
// round.  Raw frames check the refusals: unknown sessions, sets over
// max_sync_events, malformed payloads and an unknown protocol version.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
	Client, Relay, keys, now, signFast, startRelay, withTimeout,
	assertPrefix,
} from './lib.mjs';
import { NegentropySync, NegentropyStorageVector } from './deps.mjs';

const T = { timeout: 120000 };
let relay;

before(async () => {
	relay = await startRelay({ opts: { events_per_minute: 0,
	    max_sync_events: 2000 } });
});

after(async () => {
	await relay?.cleanup();
});

async function publishAll(events) {
	const c = await Client.connect(relay.url);
	for (const ev of events)
		c.send(['EVENT', ev]);
	for (const ev of events) {
		const r = await c.ok(ev.id, { timeout: 30000 });
		assert.equal(r.ok, true, `OK for ${ev.id}: ${r.reason}`);
	}
	await c.close();
}

test('nostr-tools NegentropySync learns exactly the difference', T,
    async () => {
	const sk = keys().sk;
	const t0 = now() - 5000;
	const templates = [];
	for (let i = 0; i < 900; i++)
		templates.push({ kind: 1, content: `note ${i}`,
		    created_at: t0 + Math.floor(i / 3) });	/* ties */
	const evs = await signFast(sk, templates);
	const onRelay = evs.slice(0, 700);
	const onClient = evs.slice(500);	/* 200 shared */
	await publishAll(onRelay);

	const storage = new NegentropyStorageVector();
	for (const ev of onClient)
		storage.insert(ev.created_at, ev.id);
	storage.seal();
	const have = new Set(), need = new Set();
	const r = await withTimeout(Relay.connect(relay.url), 15000, 'connect');
	try {
		await withTimeout(new Promise((resolve, reject) => {
			const sync = new NegentropySync(r, storage,
			    { authors: [evs[0].pubkey] }, {
				onhave: (id) => have.add(id),
				onneed: (id) => need.add(id),
				onclose: (err) => err ? reject(new Error(err)) :
				    resolve(),
			});
			sync.start();
		}), 60000, 'negentropy sync to finish');
	} finally {
		r.close();
	}
	const want = (a) => new Set(a.map((e) => e.id));
	assert.deepEqual(need, want(evs.slice(0, 500)));
	assert.deepEqual(have, want(evs.slice(700)));
});

test('refusals: unknown session, bad payload, bad filter; v2 downgrade', T,
    async () => {
	const c = await Client.connect(relay.url);
	try {
		c.send(['NEG-MSG', 'nope', '6100000200']);
		let m = await c.next((m) => m[0] === 'NEG-ERR');
		assert.equal(m[1], 'nope');
		assertPrefix(m[2], 'closed');

		c.send(['NEG-OPEN', 'bad', {}, 'zz']);
		m = await c.next((m) => m[1] === 'bad');
		assert.equal(m[0], 'NEG-ERR');
		assertPrefix(m[2], 'invalid');

		/* An unknown version gets a bare v1 byte, as in protoversion.pl. */
		c.send(['NEG-OPEN', 'v2', { kinds: [1] }, '62aabbccddeeff']);
		m = await c.next((m) => m[1] === 'v2');
		assert.deepEqual(m, ['NEG-MSG', 'v2', '61']);

		c.send(['NEG-OPEN', 'badfilter', { kinds: 'x' }, '6100000200']);
		m = await c.next((m) => m[1] === 'badfilter');
		assert.equal(m[0], 'NEG-ERR');
		assertPrefix(m[2], 'invalid');

		/* The connection still serves ordinary requests. */
		const stored = await c.req('after', { limit: 1 });
		assert.ok(stored);
	} finally {
		await c.close();
	}
});

test('a set larger than max_sync_events is refused with blocked:', T,
    async () => {
	const small = await startRelay({ opts: { max_sync_events: 10,
	    events_per_minute: 0 } });
	try {
		const sk = keys().sk;
		const evs = await signFast(sk, Array.from({ length: 20 },
		    (_, i) => ({ content: `x${i}`, created_at: now() - i })));
		const c = await Client.connect(small.url);
		for (const ev of evs)
			c.send(['EVENT', ev]);
		for (const ev of evs)
			assert.equal((await c.ok(ev.id)).ok, true);
		c.send(['NEG-OPEN', 'n', { authors: [evs[0].pubkey] },
		    '6100000200']);
		const m = await c.next((m) => m[1] === 'n');
		assert.equal(m[0], 'NEG-ERR');
		assertPrefix(m[2], 'blocked');
		await c.close();
	} finally {
		await small.cleanup();
	}
});
