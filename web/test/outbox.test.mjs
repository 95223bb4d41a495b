// outbox.test.mjs: posts survive a reload with their status, refusals
// are retried only when that can help, and dropped connections give up.
import assert from 'node:assert/strict';
import test from 'node:test';

import { DROPS_MAX, OUTBOX_ITEM, Outbox, retryPolicy } from
    '../src/outbox.js';

function mem() {
	const m = new Map();
	return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k,
	    String(v)), removeItem: (k) => m.delete(k), m };
}
const ev = (c) => ({ id: c.repeat(64), kind: 1, content: 'x' });

test('a post waiting for the node and a stored one survive a reload', () => {
	const s = mem();
	let now = 1000;
	const o = new Outbox(s, () => now);
	o.add(ev('a'), 'first');
	o.add(ev('b'), 'second');
	o.settle('b'.repeat(64), true, '');
	const again = new Outbox(s, () => now);
	assert.equal(again.get('a'.repeat(64)).phase, 'sending');
	assert.equal(again.get('a'.repeat(64)).text, 'first');
	assert.equal(again.get('b'.repeat(64)).phase, 'stored');
	assert.deepEqual(again.due().map((p) => p.id), ['a'.repeat(64)]);
	// Settled posts are forgotten after two weeks; waiting ones never.
	now += 15 * 86400;
	const later = new Outbox(s, () => now);
	assert.equal(later.get('b'.repeat(64)), undefined);
	assert.equal(later.get('a'.repeat(64)).phase, 'sending');
});

test('retry only when it can help', () => {
	assert.equal(retryPolicy('invalid: content is longer than the limit'),
	    'never');
	assert.equal(retryPolicy('blocked: no'), 'never');
	assert.equal(retryPolicy('invalid: message is larger than the size ' +
	    'limit: at most 131072 bytes'), 'never');
	assert.equal(retryPolicy('rate-limited: slow down'), 'later');
	assert.equal(retryPolicy('error: database is locked by another process'),
	    'later');
	assert.equal(retryPolicy('error: disk is full'), 'never');
	const s = mem();
	let now = 1000;
	const o = new Outbox(s, () => now);
	o.add(ev('c'), 'x');
	assert.equal(o.settle('c'.repeat(64), false, 'rate-limited: slow')
	    .phase, 'waiting');
	assert.deepEqual(o.due(), []);
	now += 61;
	assert.equal(o.due().length, 1);
	o.add(ev('d'), 'y');
	assert.equal(o.settle('d'.repeat(64), false, 'duplicate: have it')
	    .phase, 'stored');
});

test('dropped connections: sent again, then given up', () => {
	const o = new Outbox(mem());
	o.add(ev('e'), 'x');
	for (let i = 1; i < DROPS_MAX; i++)
		assert.equal(o.dropped('e'.repeat(64)), true);
	assert.equal(o.dropped('e'.repeat(64)), false);
	assert.equal(o.get('e'.repeat(64)).phase, 'refused');
	assert.equal(o.get('e'.repeat(64)).reason, 'dropped');
	assert.equal(o.retry('e'.repeat(64)).phase, 'sending');
});

test('junk in storage is ignored', () => {
	for (const junk of ['{', '5', '[null, {"id": 3}]',
	    '[{"id":"a","event":{"id":"b"}}]']) {
		const s = mem();
		s.setItem(OUTBOX_ITEM, junk);
		assert.equal(new Outbox(s).posts.size, 0, junk);
	}
});
