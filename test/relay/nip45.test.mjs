// nip45.test.mjs: COUNT with HyperLogLog.  For the shapes clients merge
// across relays (one kind, one tag with one value) the relay adds "hll",
// and it must equal what nostr-tools' NIP-45 code computes from the same
// authors; other shapes get a plain count.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { nip45 } from './deps.mjs';
import { Client, keys, now, sign, startRelay } from './lib.mjs';

let relay;
before(async () => { relay = await startRelay({ opts: { events_per_minute: 0 } }); });
after(async () => { await relay?.cleanup(); });

test('COUNT of reactions carries the same HLL nostr-tools computes',
    { timeout: 60000 }, async () => {
	const target = sign(keys().sk, { content: 'a report' });
	const reactions = Array.from({ length: 40 }, (_, i) =>
	    sign(keys().sk, { kind: 7, content: '+', created_at: now() - i,
	    tags: [['e', target.id]] }));
	const c = await Client.connect(relay.url);
	try {
		for (const ev of [target, ...reactions])
			assert.equal((await c.publish(ev)).ok, true);
		c.send(['COUNT', 'likes', { kinds: [7], '#e': [target.id] }]);
		let m = await c.next((x) => x[0] === 'COUNT' && x[1] === 'likes');
		assert.equal(m[2].count, 40);
		const offset = nip45.computeOffset(target.id);
		let want = nip45.newHll();
		for (const ev of reactions)
			want = nip45.feedPubkey(want, ev.pubkey, offset);
		assert.equal(m[2].hll, nip45.hllEncode(want));
		const est = nip45.estimateCount(nip45.hllDecode(m[2].hll));
		assert.ok(est >= 30 && est <= 50, `estimate ${est}`);

		/* Two kinds: no HLL, just the count. */
		c.send(['COUNT', 'both', { kinds: [1, 7], '#e': [target.id] }]);
		m = await c.next((x) => x[0] === 'COUNT' && x[1] === 'both');
		assert.equal(m[2].count, 40);
		assert.equal(m[2].hll, undefined);
	} finally {
		await c.close();
	}
});
