// flood.test.mjs: the open-mesh defence (docs/threat-model.md) on a
// line of two nodes, A linked to B.  A key nobody vouched for floods A
// from an address of its own: A stores its hour's quota, passes on only
// its forwarding share, and refuses the rest with rate-limited:; honest
// reports posted at A meanwhile are stored and reach B.  Under load A
// raises the proof of work it asks (NIP-11 min_pow_difficulty), refuses
// unmined events with pow: and takes mined ones.  Each flood is bounded
// in count, every wait in time.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	Client, assertPrefix, getEventHash, httpRequest, keys, now, signFast,
	startRelay, waitFor, finalizeEvent, getPublicKey, sleep,
} from './lib.mjs';

const T = { timeout: 90000 };

async function ownRelay(t, opts) {
	// The flood comes from 127.0.0.2: loopback, which the node would
	// take as its operator (trust_loopback) unless told otherwise.
	const r = await startRelay({ opts: { quotas: true,
	    trust_loopback: false, ...opts } });
	t.after(() => r.cleanup());
	return r;
}

async function client(t, url, opts) {
	const c = await Client.connect(url, opts);
	t.after(() => c.close());
	return c;
}

// Sends every event at once; resolves their OKs, in order.
async function publishAll(c, evs) {
	for (const ev of evs)
		c.send(['EVENT', ev]);
	const out = [];
	for (const ev of evs)
		out.push(await c.ok(ev.id, { timeout: 30000 }));
	return out;
}

// NIP-13: mines ev (a template) to difficulty bits, committing to it.
function leadingZeroBits(hex) {
	let n = 0;
	for (const ch of hex) {
		const v = parseInt(ch, 16);
		if (v === 0) {
			n += 4;
			continue;
		}
		return n + Math.clz32(v) - 28;
	}
	return n;
}

function mine(sk, tmpl, bits) {
	const base = { kind: 1, tags: [], created_at: now(), ...tmpl };
	const pubkey = getPublicKey(sk);
	for (let nonce = 0; nonce < 1 << 24; nonce++) {
		const ev = { ...base, tags: [...base.tags,
		    ['nonce', String(nonce), String(bits)]] };
		ev.pubkey = pubkey;
		if (leadingZeroBits(getEventHash(ev)) >= bits)
			return finalizeEvent({ kind: ev.kind, tags: ev.tags,
			    content: ev.content, created_at: ev.created_at }, sk);
	}
	throw new Error('no nonce found');
}

async function difficulty(r) {
	return (await r.nip11()).doc.limitation.min_pow_difficulty;
}

test('a flooding key gets its quota, honest reports still reach the next ' +
    'node', T, async (t) => {
	const QUOTA = 20, FORWARD = 5, FLOOD = 150;
	const b = await ownRelay(t);
	const a = await ownRelay(t, { peer: b.url, quota_events: QUOTA,
	    forward_events: FORWARD, pow_load: 0 });
	assert.equal(await difficulty(a), 0, 'calm: no proof of work asked');
	const ca = await client(t, a.url);
	const cb = await client(t, b.url);
	cb.send(['REQ', 'all', { kinds: [1], limit: 0 }]);
	await cb.next((m) => m[0] === 'EOSE');

	// The link is up once a first report crosses it.
	const first = keys();
	const [warm] = await signFast(first.sk, [{ content: 'warm-up' }]);
	assert.deepEqual(await ca.publish(warm), { ok: true, reason: '' });
	await cb.next((m) => m[0] === 'EVENT' && m[2].id === warm.id,
	    { timeout: 20000, what: 'the warm-up on B' });

	// The flood, from another address, with honest reports in its midst.
	const flooder = keys();
	const flood = await signFast(flooder.sk, Array.from({ length: FLOOD },
	    (_, i) => ({ content: `spam ${i}` })));
	const fc = await client(t, a.url, { localAddress: '127.0.0.2' });
	const floodOks = publishAll(fc, flood);
	const honest = [];
	for (let i = 0; i < 8; i++) {
		const { sk } = keys();
		honest.push(...await signFast(sk, [{ content: `report ${i}` }]));
	}
	const honestOks = await publishAll(ca, honest);
	for (const ok of honestOks)
		assert.deepEqual(ok, { ok: true, reason: '' },
		    'an honest report is stored and passed on');
	const oks = await floodOks;
	const stored = oks.filter((o) => o.ok);
	const refused = oks.filter((o) => !o.ok);
	assert.equal(stored.length, QUOTA, 'the key stores its quota');
	assert.equal(refused.length, FLOOD - QUOTA);
	for (const o of refused)
		assertPrefix(o.reason, 'rate-limited');
	assert.match(refused[0].reason, new RegExp(`${QUOTA} events an hour`));
	assert.equal(stored.filter((o) => o.reason === '').length, FORWARD,
	    'its forwarding share goes on');
	for (const o of stored.filter((x) => x.reason !== ''))
		assert.match(o.reason, /^rate-limited: stored on this node only/);

	// B gets every honest report, and of the flood the share alone.
	for (const ev of honest)
		await cb.next((m) => m[0] === 'EVENT' && m[2].id === ev.id,
		    { timeout: 20000, what: `report ${ev.content} on B` });
	const onA = await ca.req('fa', { authors: [flooder.pk] });
	assert.equal(onA.events.length, QUOTA, 'A keeps what it took');
	// A full round over the link must not carry the held ones either.
	await sleep(3000);
	const onB = await cb.req('fb', { authors: [flooder.pk] });
	assert.equal(onB.events.length, FORWARD,
	    'B stores no more of the flood than A forwards');

	// The state says so.
	const node = JSON.parse((await httpRequest(a.port,
	    { path: '/api/node' })).body);
	assert.equal(node.policy.held, QUOTA - FORWARD);
	assert.equal(node.policy.since_start.refused.quota, FLOOD - QUOTA);
	await a.stop();
	await b.stop();
});

test('under load the difficulty rises: pow: for unmined events, mined ' +
    'ones pass, NIP-11 says so', T, async (t) => {
	// 30 a minute is calm: 5 in a ten-second window; the flood is 60.
	const a = await ownRelay(t, { pow_load: 30, pow_max: 8,
	    quota_events: 1000 });
	assert.equal(await difficulty(a), 0);
	const fc = await client(t, a.url, { localAddress: '127.0.0.2' });
	const evs = [];
	for (let i = 0; i < 60; i++) {
		const { sk } = keys();
		evs.push(...await signFast(sk, [{ content: `load ${i}` }]));
	}
	await publishAll(fc, evs);
	// The window closes within ten seconds; the difficulty steps up.
	await waitFor(async () => await difficulty(a) === 8,
	    { timeout: 15000, interval: 250, what: 'min_pow_difficulty 8' });

	const c = await client(t, a.url);
	const { sk } = keys();
	const [plain] = await signFast(sk, [{ content: 'no work' }]);
	const r1 = await c.publish(plain);
	assert.equal(r1.ok, false);
	assertPrefix(r1.reason, 'pow');
	assert.match(r1.reason, /difficulty 8/);
	const mined = mine(sk, { content: 'worked for it' }, 8);
	assert.deepEqual(await c.publish(mined), { ok: true, reason: '' });
	const node = JSON.parse((await httpRequest(a.port,
	    { path: '/api/node' })).body);
	assert.equal(node.policy.difficulty, 8);
	assert.ok(node.policy.since_start.refused.pow >= 1);
	await a.stop();
});

test('a client on the node\'s own machine is its operator: a backlog from ' +
    'one key is taken whole, with quotas on', T, async (t) => {
	const QUOTA = 20;
	const a = await ownRelay(t, { quota_events: QUOTA, forward_events: 5,
	    pow_load: 0, trust_loopback: true });
	const c = await client(t, a.url);
	const { sk } = keys();
	const base = now() - 3600;
	const evs = await signFast(sk, Array.from({ length: 3 * QUOTA },
	    (_, i) => ({ content: `backlog ${i}`, created_at: base + i })));
	const oks = await publishAll(c, evs);
	assert.equal(oks.filter((o) => o.ok).length, evs.length,
	    oks.filter((o) => !o.ok).slice(0, 3).map((o) => o.reason)
	    .join(' | '));
	// The same from another machine's address is held to the quota.
	const b = await ownRelay(t, { quota_events: QUOTA, forward_events: 5,
	    pow_load: 0, trust_loopback: false });
	const d = await client(t, b.url, { localAddress: '127.0.0.2' });
	const oks2 = await publishAll(d, evs);
	assert.equal(oks2.filter((o) => o.ok).length, QUOTA);
});
