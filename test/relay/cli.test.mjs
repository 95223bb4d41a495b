// cli.test.mjs: the CLI on the data dir of a running relay.  Events that
// `samizdat import` and `samizdat post` store reach live subscribers
// within 2 s; `query` and `export` work while the relay serves.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
	Client, GEN, SAMIZDAT, removeDir, run, startRelay, tempDir,
	verifyEvent, waitFor,
} from './lib.mjs';

const T = { timeout: 120000 };

async function cli(dir, ...args) {
	const r = await run(SAMIZDAT, ['-d', dir, ...args]);
	assert.equal(r.code, 0, `samizdat ${args.join(' ')}: exit ` +
	    `${r.code}\n${r.stderr}`);
	return r.stdout;
}

const lines = (s) => s.split('\n').filter((l) => l !== '');

// A node: data dir with a key (for post), a relay serving it, a live
// subscriber to everything.
async function node(t, n, opts = {}) {
	const dir = tempDir();
	t.after(() => removeDir(dir));
	await cli(dir, 'init');
	const gen = await run(GEN, [String(n), '42']);
	assert.equal(gen.code, 0, gen.stderr);
	const file = join(dir, 'events.jsonl');
	writeFileSync(file, gen.stdout);
	const relay = await startRelay({ dir, opts });
	t.after(() => relay.cleanup());
	const sub = await Client.connect(relay.url);
	t.after(() => sub.terminate());
	// No since: gen's events are from 2022.
	assert.ok((await sub.req('all', {})).eose);
	return { dir, file, relay, sub, generated: lines(gen.stdout) };
}

// Waits until sub has received live events for every id in want; returns
// the events in arrival order.  timeout counts from now.
async function liveEvents(sub, want, timeout) {
	const got = new Map();
	await waitFor(() => {
		for (const m of sub.take((x) => x[0] === 'EVENT' &&
		    x[1] === 'all')) {
			assert.ok(!got.has(m[2].id), `${m[2].id} delivered twice`);
			got.set(m[2].id, m[2]);
		}
		assert.ok(!sub.closed, `the subscriber was disconnected; ` +
		    `NOTICEs: ${JSON.stringify(sub.peek((x) =>
		    x[0] === 'NOTICE'))}`);
		return [...want].every((id) => got.has(id));
	}, { timeout, interval: 20, what: `${want.size} live events (got ` +
	    `${got.size})` }).catch((e) => {
		e.message += `: ${got.size} of ${want.size} arrived`;
		throw e;
	});
	return got;
}

// got (live events) has every stored event; anything more is a
// replaceable event that a newer one of the same import replaced after it
// was delivered.
function assertDelivered(got, want) {
	for (const id of want)
		assert.ok(got.has(id), `${id} not delivered`);
	for (const [id, ev] of got) {
		if (!want.has(id))
			assert.ok(ev.kind === 0 || ev.kind === 3 ||
			    (ev.kind >= 10000 && ev.kind < 20000) ||
			    (ev.kind >= 30000 && ev.kind < 40000),
			    `delivered but not stored: ${JSON.stringify(ev)}`);
	}
}

test('import and post while serving reach a live subscriber within 2 s; ' +
    'query and export work', T, async (t) => {
	const { dir, file, relay, sub, generated } = await node(t, 300);

	const out = await cli(dir, 'import', file);
	const imported = Date.now();
	// What the store kept (gen has a few profile updates that replace
	// one another): that is what subscribers get.
	const stored = lines(await cli(dir, 'export')).map((l) =>
	    JSON.parse(l));
	assert.ok(stored.length > 250 && stored.length <= 300,
	    `${stored.length} stored; import said ${out}`);
	const want = new Set(stored.map((e) => e.id));
	const got = await liveEvents(sub, want, 2000 - (Date.now() -
	    imported));
	t.diagnostic(`${want.size} imported events delivered live in ` +
	    `${Date.now() - imported} ms`);
	assertDelivered(got, want);
	const byId = new Map(generated.map((l) => [JSON.parse(l).id, l]));
	for (const [id, ev] of got)
		assert.deepEqual(ev, JSON.parse(byId.get(id)));

	// post: signed with the node key, stored, delivered.
	const posted = JSON.parse(await cli(dir, 'post', '-t',
	    't=samizdat-cli-test',
	    'posted \u{1F4E2} while the relay serves'));
	const postedAt = Date.now();
	const p = await liveEvents(sub, new Set([posted.id]), 2000);
	t.diagnostic(`the post delivered in ${Date.now() - postedAt} ms`);
	assert.deepEqual(p.get(posted.id), posted);
	assert.ok(verifyEvent({ ...posted }));

	// query and export while serving.
	const q = lines(await cli(dir, 'query', '{"kinds":[1],"limit":5}'))
	    .map((l) => JSON.parse(l));
	assert.equal(q.length, 5);
	for (const e of q)
		assert.equal(e.kind, 1);
	for (let i = 1; i < q.length; i++)
		assert.ok(q[i - 1].created_at >= q[i].created_at, 'newest first');
	assert.deepEqual(lines(await cli(dir, 'query',
	    '{"#t":["samizdat-cli-test"]}'))
	    .map((l) => JSON.parse(l).id), [posted.id]);
	const all = lines(await cli(dir, 'export'));
	assert.deepEqual(all.map((l) => JSON.parse(l).id).sort(),
	    [...want, posted.id].sort());
	for (let i = 1; i < all.length; i++)
		assert.ok(JSON.parse(all[i - 1]).created_at >=
		    JSON.parse(all[i]).created_at, 'export: newest first');
	for (const l of all)
		assert.ok(verifyEvent(JSON.parse(l)), l);

	// The relay serves the same store.
	const c = await Client.connect(relay.url);
	const r = await c.req('q', { kinds: [1], limit: 5 });
	assert.deepEqual(r.events.map((e) => e.id), q.map((e) => e.id));
	await c.close();
	await sub.close();
	await relay.stop();
});

test('a subscriber that keeps reading gets a whole import larger than ' +
    'max_output_buffer', T, async (t) => {
	// 12000 generated events are about 6 MB, above the default 4 MiB
	// max_output_buffer.  The subscriber reads as fast as it can; the
	// relay should not drop it as a slow reader because it queued a large
	// import for it faster than the socket could take it.
	const { dir, file, relay, sub } = await node(t, 12000);
	await cli(dir, 'import', file);
	const want = new Set(lines(await cli(dir, 'export')).map((l) =>
	    JSON.parse(l).id));
	const got = await liveEvents(sub, want, 30000);
	assertDelivered(got, want);
	await sub.close();
	await relay.stop();
});

test('a subscriber that keeps reading is not dropped when one import ' +
    'delivers more than max_output_buffer at once', T, async (t) => {
	// The same with a 64 KiB limit and 300 events (about 155 KB): the
	// relay queues the whole import for the subscriber in one go, before
	// writing any of it, and drops the subscriber as a slow reader
	// although it has not been given a chance to read.
	const { dir, file, relay, sub } = await node(t, 300,
	    { max_output_buffer: 65536 });
	await cli(dir, 'import', file);
	const want = new Set(lines(await cli(dir, 'export')).map((l) =>
	    JSON.parse(l).id));
	const got = await liveEvents(sub, want, 10000);
	assertDelivered(got, want);
	await sub.close();
	await relay.stop();
});
