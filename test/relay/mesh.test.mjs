// mesh.test.mjs: what a node connection gets from the relay, and two
// nodes linked over loopback.  A connection that asks to be a node
// (?samizdat-node) is challenged (NIP-42); once it proves a key its events
// skip the created_at window and are not echoed back to it; ordinary
// clients see no AUTH at all and keep the window.  Two relays with a
// static peer line forward events both ways at once and record who holds
// what (samizdat status, GET /api/status/ID, samizdat peers).  Sticks
// configured as peers are synced when they appear, and a hostile one
// (a trigger that never ends) is refused without holding up an honest
// one.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
	Client, SAMIZDAT, assertPrefix, httpRequest, keys, now, run, sign,
	startRelay, tempDir, removeDir, waitFor, finalizeEvent, RelayProcess,
} from './lib.mjs';

const T = { timeout: 60000 };
const YEAR = 365 * 86400;

function authEvent(sk, challenge, url, created_at = now()) {
	return finalizeEvent({ kind: 22242, created_at, content: '',
	    tags: [['relay', url], ['challenge', challenge]] }, sk);
}

async function ownRelay(t, opts) {
	const r = await startRelay({ opts });
	t.after(() => r.cleanup());
	return r;
}

test('clients get no AUTH and keep the created_at window', T, async (t) => {
	const r = await ownRelay(t);
	const c = await Client.connect(r.url);
	t.after(() => c.close());
	const { sk } = keys();
	const old = sign(sk, { content: 'old', created_at: now() - 5 * YEAR });
	c.send(['EVENT', old]);
	const ok = await c.next((m) => m[0] === 'OK');
	assert.equal(ok[2], false);
	assertPrefix(ok[3], 'invalid');
	// AUTH without a challenge is answered, not silently ignored.
	c.send(['AUTH', authEvent(sk, 'x', r.url)]);
	const n = await c.next((m) => m[0] === 'NOTICE' || m[0] === 'OK');
	assert.ok(n[0] === 'NOTICE' || n[2] === false, JSON.stringify(n));
	assert.equal(c.queue.filter((m) => m[0] === 'AUTH').length, 0);
});

test('a node is challenged, proves its key, then gets the mesh rules', T,
    async (t) => {
	const r = await ownRelay(t);
	const node = await Client.connect(r.url + '?samizdat-node');
	t.after(() => node.close());
	const [, challenge] = await node.next((m) => m[0] === 'AUTH');
	assert.match(challenge, /^[0-9a-f]{32}$/);
	const { sk } = keys();

	// Wrong challenge, wrong kind: refused, still not a node.
	node.send(['AUTH', authEvent(sk, 'nope', r.url)]);
	let ok = await node.next((m) => m[0] === 'OK');
	assert.equal(ok[2], false);
	assertPrefix(ok[3], 'invalid');
	node.send(['AUTH', finalizeEvent({ kind: 1, created_at: now(),
	    content: '', tags: [['relay', r.url], ['challenge', challenge]] },
	    sk)]);
	ok = await node.next((m) => m[0] === 'OK');
	assert.equal(ok[2], false);
	const old = sign(sk, { content: 'old report', created_at: now() - 5 * YEAR });
	node.send(['EVENT', old]);
	ok = await node.next((m) => m[0] === 'OK' && m[1] === old.id);
	assert.equal(ok[2], false, 'the window applies before AUTH');

	// The node's clock is two days behind: still fine, the challenge
	// is what counts.
	node.send(['AUTH', authEvent(sk, challenge, r.url, now() - 2 * 86400)]);
	ok = await node.next((m) => m[0] === 'OK');
	assert.equal(ok[2], true, JSON.stringify(ok));

	// Now: far past and a day ahead are fine (drifting clocks); years
	// ahead is refused (future_limit, two days by default), to come back
	// when it is due.
	const far = sign(sk, { content: 'far', created_at: now() + 2 * YEAR });
	node.send(['EVENT', far]);
	ok = await node.next((m) => m[0] === 'OK' && m[1] === far.id);
	assert.equal(ok[2], false, JSON.stringify(ok));
	assert.match(ok[3], /^invalid: created_at is too far in the future/);
	const fut = sign(sk, { content: 'future', created_at: now() + 86400 });
	const other = await Client.connect(r.url);
	t.after(() => other.close());
	other.send(['REQ', 'all', { limit: 0 }]);
	await other.next((m) => m[0] === 'EOSE');
	node.send(['REQ', 'live', { limit: 0 }]);
	await node.next((m) => m[0] === 'EOSE');
	node.send(['EVENT', old]);
	node.send(['EVENT', fut]);
	for (const e of [old, fut]) {
		ok = await node.next((m) => m[0] === 'OK' && m[1] === e.id);
		assert.equal(ok[2], true, JSON.stringify(ok));
		// Others see it live; the node that sent it is not echoed.
		await other.next((m) => m[0] === 'EVENT' && m[2].id === e.id);
	}
	const mine = sign(sk, { content: 'from a client' });
	other.send(['EVENT', mine]);
	await node.next((m) => m[0] === 'EVENT' && m[2].id === mine.id);
	assert.equal(node.queue.filter((m) => m[0] === 'EVENT' &&
	    (m[2].id === old.id || m[2].id === fut.id)).length, 0,
	    'no echo to the node');
});

test('two linked nodes forward both ways and record where events are', T,
    async (t) => {
	const b = await ownRelay(t);
	const a = await ownRelay(t, { peer: b.url });
	const ca = await Client.connect(a.url);
	const cb = await Client.connect(b.url);
	t.after(() => { ca.close(); cb.close(); });
	for (const c of [ca, cb]) {
		c.send(['REQ', 's', { limit: 0 }]);
		await c.next((m) => m[0] === 'EOSE');
	}
	const { sk } = keys();
	// The link comes up within a couple of seconds of start.
	const first = sign(sk, { content: 'first' });
	ca.send(['EVENT', first]);
	await ca.next((m) => m[0] === 'OK' && m[1] === first.id);
	await cb.next((m) => m[0] === 'EVENT' && m[2].id === first.id,
	    { timeout: 15000, what: 'a on b' });

	const t0 = Date.now();
	const back = sign(sk, { content: 'back' });
	cb.send(['EVENT', back]);
	await ca.next((m) => m[0] === 'EVENT' && m[2].id === back.id,
	    { what: 'b on a' });
	assert.ok(Date.now() - t0 < 2000, `b to a took ${Date.now() - t0} ms`);

	// Where is "first"?  a's store knows b accepted it (after a moment).
	await waitFor(async () => {
		const res = await httpRequest(a.port,
		    { path: `/api/status/${first.id}` });
		const s = JSON.parse(res.body);
		return s.stored && s.peers.some((p) => p.how === 'accepted');
	}, { timeout: 10000, what: 'status on a' });
	const st = await run(SAMIZDAT, ['-d', a.dir, 'status', first.id]);
	assert.equal(st.code, 0);
	assert.match(st.stdout, /stored on this node/);
	assert.match(st.stdout, /accepted by +peer +ws:\/\/127\.0\.0\.1/);
	const peers = await run(SAMIZDAT, ['-d', a.dir, 'peers']);
	assert.match(peers.stdout, /peer ws:\/\/127\.0\.0\.1:\d+\//);
	assert.match(peers.stdout, /state +live/);
	const pb = await run(SAMIZDAT, ['-d', b.dir, 'peers']);
	assert.match(pb.stdout, /found by +inbound/);
	// b did not call a: a read "back" from b's relay.  b says it sent
	// it there (nothing came back from a to say more).
	await waitFor(async () => {
		const res = await httpRequest(b.port,
		    { path: `/api/status/${back.id}` });
		const s = JSON.parse(res.body);
		return s.stored && s.peers.some((p) => p.how === 'sent' &&
		    /^npub1/.test(p.name));
	}, { timeout: 10000, what: 'status on b' });
	const sb = await run(SAMIZDAT, ['-d', b.dir, 'status', back.id]);
	assert.match(sb.stdout, /sent to +peer +npub1[02-9ac-hj-np-z]{58}/);
	// Unknown id: not stored, exit 1.
	const none = await run(SAMIZDAT, ['-d', a.dir, 'status', '0'.repeat(64)]);
	assert.equal(none.code, 1);
	assert.match(none.stdout, /not stored/);
});

for (const neg of [true, false])
test(`a bridge relay gets what it lacks: own reports first, then newest ` +
    `(${neg ? 'NIP-77' : 'no NIP-77: REQ and EVENT'})`, T, async (t) => {
	// Stands in for a public relay.
	const pub = await ownRelay(t, { negentropy: neg });
	const dir = tempDir();
	t.after(() => removeDir(dir));
	assert.equal((await run(SAMIZDAT, ['-d', dir, 'init'])).code, 0);
	// Others' reports, old to new, all newer than the node's own two
	// (a few minutes ahead: clocks drift), so "newest first" alone would
	// send them first.
	const { sk } = keys();
	const others = [];
	for (let i = 0; i < 6; i++)
		others.push(sign(sk, { content: `other ${i}`,
		    created_at: now() + 60 + i * 10 }));
	const lines = others.map((e) => JSON.stringify(e)).join('\n') + '\n';
	assert.equal((await run(SAMIZDAT, ['-d', dir, 'import', '-'],
	    { input: lines })).code, 0);
	const own = [];
	for (const text of ['own one', 'own two']) {
		const p = await run(SAMIZDAT, ['-d', dir, 'post', text]);
		own.push(JSON.parse(p.stdout));
	}
	// One the relay has already: not sent again.
	const c = await Client.connect(pub.url);
	t.after(() => c.close());
	c.send(['EVENT', others[0]]);
	await c.next((m) => m[0] === 'OK');
	c.send(['REQ', 'watch', { limit: 0 }]);
	await c.next((m) => m[0] === 'EOSE');

	const node = await startRelay({ dir, opts: { bridge: pub.url } });
	t.after(() => node.cleanup());
	const got = [];
	while (got.length < 7) {
		const m = await c.next((x) => x[0] === 'EVENT',
		    { timeout: 20000, what: `upload ${got.length + 1} of 7` });
		got.push(m[2].id);
	}
	const newest = (a, b) => b.created_at - a.created_at ||
	    (a.id < b.id ? -1 : 1);
	const want = [...[...own].sort(newest).map((e) => e.id),
	    ...others.slice(1).reverse().map((e) => e.id)];
	assert.deepEqual(got, want, 'own first, then newest first');
	// The node records each relay's OK.
	await waitFor(async () => {
		const s = JSON.parse((await httpRequest(node.port,
		    { path: `/api/status/${own[0].id}` })).body);
		return s.relays.length === 1 && s.relays[0].ok === true &&
		    s.relays[0].url === pub.url;
	}, { timeout: 10000, what: 'the relay\'s OK in status' });
	// The link's counters land when the loop collects the round.
	const pe = await waitFor(async () => {
		const r = await run(SAMIZDAT, ['-d', dir, 'peers']);
		return /7 sent/.test(r.stdout) && r;
	}, { timeout: 10000, what: '7 sent in samizdat peers' });
	assert.match(pe.stdout, /^relay ws:\/\/127\.0\.0\.1/m);
	assert.match(pe.stdout, /state +synced/);
});

test('an unreachable bridge is retried with backoff until it answers', T,
    async (t) => {
	const port = 20000 + Math.floor(Math.random() * 40000);
	const url = `ws://127.0.0.1:${port}/`;
	const dir = tempDir();
	t.after(() => removeDir(dir));
	assert.equal((await run(SAMIZDAT, ['-d', dir, 'init'])).code, 0);
	const post = await run(SAMIZDAT, ['-d', dir, 'post', 'waiting']);
	const ev = JSON.parse(post.stdout);
	const node = await startRelay({ dir, opts: { bridge: url } });
	t.after(() => node.cleanup());
	await waitFor(async () => {
		const r = await run(SAMIZDAT, ['-d', dir, 'peers']);
		return /state +unreachable/.test(r.stdout) &&
		    /error +.+/.test(r.stdout);
	}, { timeout: 10000, what: 'the bridge marked unreachable' });
	// The internet comes back: the relay appears on that port.
	const pubDir = tempDir();
	const pub = new RelayProcess(pubDir, port, {}, true);
	t.after(() => pub.cleanup());
	assert.ok(await pub.ready(), 'the stand-in relay started');
	await waitFor(async () => {
		const s = JSON.parse((await httpRequest(node.port,
		    { path: `/api/status/${ev.id}` })).body);
		return s.relays.some((r) => r.ok);
	}, { timeout: 20000, what: 'the upload after the backoff' });
});

test('ephemeral events stay on their node: no ping-pong between peers', T,
    async (t) => {
	const b = await ownRelay(t);
	const a = await ownRelay(t, { peer: b.url });
	const ca = await Client.connect(a.url);
	const cb = await Client.connect(b.url);
	t.after(() => { ca.close(); cb.close(); });
	for (const c of [ca, cb]) {
		c.send(['REQ', 'e', { kinds: [20001, 1], limit: 0 }]);
		await c.next((m) => m[0] === 'EOSE');
	}
	const { sk } = keys();
	// Wait until the link is up: a stored note crosses.
	const note = sign(sk, { content: 'link up?' });
	ca.send(['EVENT', note]);
	await cb.next((m) => m[0] === 'EVENT' && m[2].id === note.id,
	    { timeout: 15000, what: 'the link' });
	const eph = sign(sk, { kind: 20001, content: 'typing...' });
	ca.send(['EVENT', eph]);
	const ok = await ca.next((m) => m[0] === 'OK' && m[1] === eph.id);
	assert.equal(ok[2], true);
	await new Promise((r) => setTimeout(r, 1500));
	const onA = ca.queue.filter((m) => m[0] === 'EVENT' &&
	    m[2].id === eph.id).length;
	const onB = cb.queue.filter((m) => m[0] === 'EVENT' &&
	    m[2].id === eph.id).length;
	assert.equal(onA, 1, 'delivered once to the local client');
	assert.equal(onB, 0, 'not forwarded to the peer');
});

test('a configured stick is synced as soon as a store appears there', T,
    async (t) => {
	const stick = tempDir();
	removeDir(stick);	// not plugged in yet
	const node = await ownRelay(t, { peer: stick });
	// After the node stopped (hooks run in order): it writes there.
	t.after(() => removeDir(stick));
	const post = await run(SAMIZDAT, ['-d', node.dir, 'post', 'for the stick']);
	const mine = JSON.parse(post.stdout);
	await waitFor(async () => /state +absent/.test((await run(SAMIZDAT,
	    ['-d', node.dir, 'peers'])).stdout), { what: 'the stick absent' });
	// Plugged in: a store from another district, with a report on it.
	assert.equal((await run(SAMIZDAT, ['-d', stick, 'init'])).code, 0);
	const theirs = JSON.parse((await run(SAMIZDAT, ['-d', stick, 'post',
	    'from the stick'])).stdout);
	await waitFor(async () => {
		const q = await run(SAMIZDAT, ['-d', stick, 'query',
		    JSON.stringify({ ids: [mine.id] })]);
		return q.stdout.includes(mine.id);
	}, { timeout: 15000, what: 'our report on the stick' });
	// Theirs reaches the node's live subscribers too.
	const sub = await Client.connect(node.url);
	t.after(() => sub.close());
	sub.send(['REQ', 'y', { ids: [theirs.id] }]);
	await sub.next((m) => m[0] === 'EVENT' && m[2].id === theirs.id,
	    { timeout: 10000, what: 'the stick\'s report on the node' });
	const st = await run(SAMIZDAT, ['-d', node.dir, 'status', mine.id]);
	assert.match(st.stdout, new RegExp(`accepted by +dir +${stick}`));
	await waitFor(async () => /1 sent, 1 received/.test((await run(
	    SAMIZDAT, ['-d', node.dir, 'peers'])).stdout),
	    { what: 'the stick\'s counts' });
});

// A stick whose events.db has a trigger that never ends on the first
// event copied onto it: on a node that ran the stick's schema, the sync
// worker would stop there for good, and a second, honest stick would
// never be synced again.  It must be refused at once, every round, and
// the honest stick must keep getting what the node stores.
test('a hostile stick does not keep an honest one from being synced',
    { timeout: 120000 }, async (t) => {
	const hostile = tempDir(), honest = tempDir(), dir = tempDir();
	t.after(() => {
		removeDir(hostile);
		removeDir(honest);
		removeDir(dir);
	});
	for (const d of [hostile, honest, dir])
		assert.equal((await run(SAMIZDAT, ['-d', d, 'init'])).code, 0);
	const evil = await run('sqlite3', [join(hostile, 'events.db'),
	    'CREATE TABLE spy(n); CREATE VIEW forever AS WITH RECURSIVE' +
	    ' r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r)' +
	    ' SELECT n FROM r WHERE n < 0; CREATE TRIGGER slow AFTER INSERT' +
	    ' ON events BEGIN INSERT INTO spy SELECT n FROM forever; END;']);
	assert.equal(evil.code, 0, evil.stderr);
	const first = JSON.parse((await run(SAMIZDAT, ['-d', dir, 'post',
	    'before the node started'])).stdout);
	// The hostile stick first: the worker takes the sticks in order.
	writeFileSync(join(dir, 'samizdat.conf'), `peer = ${hostile}\n` +
	    `peer = ${honest}\npeer_sync_interval = 10\n`);
	const node = await startRelay({ dir });
	t.after(() => node.cleanup());
	const onHonest = (id) => async () => (await run(SAMIZDAT, ['-d',
	    honest, 'query', JSON.stringify({ ids: [id] })])).stdout
	    .includes(id);
	await waitFor(onHonest(first.id), { timeout: 30000,
	    what: 'the first report on the honest stick' });
	// A later report needs a later round: the worker is not stuck.
	const second = JSON.parse((await run(SAMIZDAT, ['-d', node.dir,
	    'post', 'after the hostile stick was seen'])).stdout);
	await waitFor(onHonest(second.id), { timeout: 40000,
	    what: 'the second report on the honest stick' });
	const peers = (await run(SAMIZDAT, ['-d', node.dir, 'peers'])).stdout;
	assert.match(peers, /refused: it has a trigger 'slow' that samizdat/,
	    peers);
	const spy = await run('sqlite3', [join(hostile, 'events.db'),
	    'SELECT count(*) FROM spy; SELECT count(*) FROM events;']);
	assert.equal(spy.stdout, '0\n0\n', 'the hostile stick was written');
	await node.stop();
});
