// crash.test.mjs: durability of OK true.  A client pipelines a burst of
// events; the relay is killed with SIGKILL (or stopped with SIGTERM) in
// the middle of it; a relay restarted on the same data dir must return
// every event that was answered OK true.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
	Client, chunks, keys, removeDir, signFast, startRelay, tempDir,
	waitFor, withTimeout,
} from './lib.mjs';

const BURST = 2000;
const T = { timeout: 120000 };

// Sends BURST events without waiting; calls stop() once `after` OKs are
// in; then waits for the connection to drop.  Returns the ids answered OK
// true and the count of all OKs.
async function burst(t, relay, after, stop) {
	const { sk } = keys();
	const evs = await signFast(sk, Array.from({ length: BURST }, (_, i) =>
	    ({ content: `burst event ${i} ${'.'.repeat(i % 300)}` })));
	const c = await Client.connect(relay.url);
	t.after(() => c.terminate());
	const okTrue = new Set(), okFalse = [];
	let oks = 0;
	c.ws.on('message', (d) => {
		const m = JSON.parse(d.toString());
		if (m[0] === 'OK') {
			oks++;
			if (m[2] === true)
				okTrue.add(m[1]);
			else
				okFalse.push(m);
		}
	});
	for (const ev of evs)
		c.send(['EVENT', ev]);
	await waitFor(() => oks >= after || c.closed, { timeout: 60000,
	    interval: 1, what: `${after} OKs` });
	await stop();
	await withTimeout(c.whenClosed, 20000,
	    'the connection to drop with the relay');
	assert.deepEqual(okFalse, [], 'OK false during the burst');
	return { evs, okTrue, oks };
}

// Every id in want is stored: REQ by ids, in chunks.
async function assertStored(relay, want, all) {
	const c = await Client.connect(relay.url);
	try {
		const got = new Set();
		for (const [i, ids] of chunks([...want], 500).entries()) {
			const r = await c.req(`ids${i}`, { ids, limit: 500 });
			assert.ok(r.eose, JSON.stringify(r.closed));
			for (const e of r.events)
				got.add(e.id);
		}
		const missing = [...want].filter((id) => !got.has(id));
		assert.deepEqual(missing, [], `${missing.length} of ` +
		    `${want.size} events answered OK true are not stored`);
		// Nothing stored that was not sent; count what is.
		const every = new Set();
		for (const [i, ids] of chunks(all, 500).entries()) {
			const r = await c.req(`all${i}`, { ids, limit: 500 });
			for (const e of r.events)
				every.add(e.id);
		}
		return every.size;
	} finally {
		await c.close();
	}
}

test(`SIGKILL in the middle of a burst of ${BURST}: every OK true ` +
    'survives', T, async (t) => {
	const dir = tempDir();
	t.after(() => removeDir(dir));
	const opts = { events_per_minute: 0 };
	const r1 = await startRelay({ dir, opts });
	t.after(() => r1.cleanup());
	const { evs, okTrue, oks } = await burst(t, r1, 200,
	    () => r1.kill9());
	t.diagnostic(`${oks} OKs before SIGKILL, ${okTrue.size} true`);
	assert.ok(okTrue.size >= 200);

	const r2 = await startRelay({ dir, opts });
	t.after(() => r2.cleanup());
	const n = await assertStored(r2, okTrue, evs.map((e) => e.id));
	t.diagnostic(`${n} of ${BURST} stored after the restart`);
	assert.ok(n >= okTrue.size);
	await r2.stop();
});

test(`SIGTERM in the middle of a burst of ${BURST}: exit 0 and every ` +
    'OK true stored', T, async (t) => {
	const dir = tempDir();
	t.after(() => removeDir(dir));
	const opts = { events_per_minute: 0 };
	const r1 = await startRelay({ dir, opts });
	t.after(() => r1.cleanup());
	let exit;
	const { evs, okTrue, oks } = await burst(t, r1, 200, async () => {
		r1.proc.kill('SIGTERM');
		exit = await withTimeout(r1.exited, 30000,
		    'the relay to exit after SIGTERM');
	});
	t.diagnostic(`${oks} OKs before the relay exited, ${okTrue.size} ` +
	    'true');

	// Look at the data first, then at how the relay exited.
	const r2 = await startRelay({ dir, opts });
	t.after(() => r2.cleanup());
	const n = await assertStored(r2, okTrue, evs.map((e) => e.id));
	t.diagnostic(`${n} of ${BURST} stored after the restart`);
	await r2.stop();

	r1.assertClean();
	assert.deepEqual({ code: exit.code, signal: exit.signal },
	    { code: 0, signal: null }, `exit after SIGTERM:\n${r1.stderr}`);
});
