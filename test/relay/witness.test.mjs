// witness.test.mjs: witness marks and vouches (NIP-32 labels in the
// namespace "samizdat.witness", docs/formats.md) through the relay.  In:
// published with nostr-tools' Relay, refused with reasons when malformed,
// other namespaces untouched.  Out: a live subscription on '#L' gets them,
// REQ by '#e' and '#l' finds them, COUNT counts them (NIP-45).  The
// node's own count over HTTP: labels before their report, one mark per
// key, the newest winning.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Client, Relay, assertPrefix, httpRequest, keys, now, plain, sign,
    startRelay, withTimeout } from './lib.mjs';

const NS = 'samizdat.witness';
let relay;

before(async () => {
	relay = await startRelay({ opts: { events_per_minute: 0 } });
});
after(async () => {
	await relay?.cleanup();
});

function mark(sk, label, report, extra = {}) {
	return sign(sk, { kind: 1985, content: extra.content ?? '',
	    created_at: extra.created_at ?? now(), tags: extra.tags ??
	    [['L', NS], ['l', label, NS], ['e', report.id],
	    ['p', report.pubkey]] });
}

async function witnesses(id) {
	const r = await httpRequest(relay.port, { path: '/api/witnesses/' + id });
	assert.equal(r.status, 200, r.body);
	return JSON.parse(r.body);
}

test('labels in with nostr-tools, out live and stored, counted by COUNT',
    { timeout: 60000 }, async () => {
	const author = keys(), w1 = keys(), w2 = keys();
	const report = sign(author.sk, { content: 'Bread queue at Tole bi' });
	const r = await withTimeout(Relay.connect(relay.url), 15000,
	    'nostr-tools Relay.connect');
	const c = await Client.connect(relay.url);
	try {
		// A live subscription on our namespace sees the marks arrive.
		c.send(['REQ', 'live', { kinds: [1985], '#L': [NS],
		    since: now() - 5 }]);
		await c.next((x) => x[0] === 'EOSE' && x[1] === 'live');
		await r.publish(report);
		const m1 = mark(w1.sk, 'confirm', report, { content: 'saw it' });
		const m2 = mark(w2.sk, 'dispute', report);
		await r.publish(m1);
		await r.publish(m2);
		const got = [await c.event('live'), await c.event('live')];
		assert.deepEqual(got.map((e) => e.id).sort(), [m1.id, m2.id].sort());

		const { events } = await c.req('byl', { kinds: [1985],
		    '#e': [report.id], '#l': ['confirm'] });
		assert.deepEqual(events.map((e) => e.id), [m1.id]);
		assert.deepEqual(events[0], plain(m1), 'stored as sent');
		c.send(['COUNT', 'n', { kinds: [1985], '#e': [report.id] }]);
		const n = await c.next((x) => x[0] === 'COUNT' && x[1] === 'n');
		assert.equal(n[2].count, 2);

		const d = await witnesses(report.id);
		assert.equal(d.confirm.keys, 1);
		assert.equal(d.dispute.keys, 1);
		assert.equal(d.confirm.fresh, 1);
		assert.equal(d.state, 'unverified');
		const c1 = d.marks.find((x) => x.pubkey === w1.pk);
		assert.equal(c1.label, 'confirm');
		assert.equal(c1.comment, 'saw it');
		assert.equal(c1.level, 'fresh');
	} finally {
		r.close();
		await c.close();
	}
});

test('malformed labels of ours are refused with reasons; others pass',
    { timeout: 60000 }, async () => {
	const author = keys(), w = keys();
	const report = sign(author.sk, { content: 'Checkpoint on the ring road' });
	const c = await Client.connect(relay.url);
	try {
		assert.equal((await c.publish(report)).ok, true);
		const bad = [
			// No L tag.
			[mark(w.sk, 'confirm', report, { tags: [['l', 'confirm', NS],
			    ['e', report.id], ['p', report.pubkey]] }), 'L tag'],
			// An unknown label.
			[mark(w.sk, 'maybe', report), 'l tag'],
			// No p tag.
			[mark(w.sk, 'confirm', report, { tags: [['L', NS],
			    ['l', 'confirm', NS], ['e', report.id]] }), 'names one'],
			// A vouch naming an event.
			[mark(w.sk, 'vouch', report), 'no event'],
			// One's own report.
			[mark(author.sk, 'confirm', report), 'own report'],
			// A comment too long.
			[mark(w.sk, 'confirm', report, { content: 'x'.repeat(2001) }),
			    '2000 bytes'],
		];
		for (const [ev, why] of bad) {
			const ok = await c.publish(ev);
			assert.equal(ok.ok, false, why);
			assertPrefix(ok.reason, 'invalid');
			assert.match(ok.reason, new RegExp(why), ok.reason);
		}
		// Another namespace's label on the same report is not ours.
		const other = sign(w.sk, { kind: 1985, tags: [['L', 'ugc'],
		    ['l', 'maybe', 'ugc'], ['e', report.id]] });
		assert.equal((await c.publish(other)).ok, true);
		const d = await witnesses(report.id);
		assert.equal(d.confirm.keys + d.dispute.keys, 0);
	} finally {
		await c.close();
	}
});

test('a mark before its report counts when the report comes; the newest ' +
    'mark of a key wins',
    { timeout: 60000 }, async () => {
	const author = keys(), w = keys();
	const report = sign(author.sk, { content: 'The bridge is open again',
	    created_at: now() - 60 });
	const c = await Client.connect(relay.url);
	try {
		const early = mark(w.sk, 'confirm', report, { created_at:
		    now() - 30 });
		assert.equal((await c.publish(early)).ok, true);
		let d = await witnesses(report.id);
		assert.equal(d.stored, false);
		assert.equal((await c.publish(report)).ok, true);
		d = await witnesses(report.id);
		assert.equal(d.stored, true);
		assert.equal(d.confirm.keys, 1);
		// An older dispute from the same key changes nothing; a newer
		// retract takes the confirmation back.
		assert.equal((await c.publish(mark(w.sk, 'dispute', report,
		    { created_at: now() - 50 }))).ok, true);
		d = await witnesses(report.id);
		assert.deepEqual([d.confirm.keys, d.dispute.keys], [1, 0]);
		assert.equal((await c.publish(mark(w.sk, 'retract', report))).ok,
		    true);
		d = await witnesses(report.id);
		assert.deepEqual([d.confirm.keys, d.dispute.keys, d.retracted],
		    [0, 0, 1]);
	} finally {
		await c.close();
	}
});
