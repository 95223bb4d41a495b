// stream.test.mjs: stored answers are streamed as the client reads, and
// heavy store work runs off the loop (issue 12).  A 4-filter REQ matching
// 20,000 stored events gets every one of them before EOSE however slowly
// it reads; 100 COUNTs from one connection are answered in order while
// another client's REQ is answered meanwhile.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import {
	Client, GEN, SAMIZDAT, rawSocket, run, sleep, startRelay, tempDir,
	removeDir, waitFor, withTimeout,
} from './lib.mjs';

const T = { timeout: 240000 };
const N = 20000;

let dir, lines;

test.before(async () => {
	dir = tempDir();
	const gen = await run(GEN, [String(N), '17'], { timeout: 120000 });
	assert.equal(gen.code, 0);
	lines = gen.stdout.split('\n').filter(Boolean);
	const file = join(dir, 'events.jsonl');
	writeFileSync(file, gen.stdout);
	const imp = await run(SAMIZDAT, ['-q', '-d', join(dir, 'data'), 'import',
	    file], { timeout: 200000 });
	assert.equal(imp.code, 0, imp.stderr);
});

test.after(() => removeDir(dir));

async function relayOn(t, opts = {}) {
	const r = await startRelay({ dir: join(dir, 'data'), opts });
	t.after(() => r.cleanup());
	return r;
}

test('a 4-filter REQ matching 20,000 stored events gets all of them before ' +
    'EOSE, read slowly', T, async (t) => {
	const r = await relayOn(t, { max_limit: 7000,
	    max_output_buffer: 262144 });
	// What the store holds (kind 0 is replaceable: fewer than N).
	const c = await Client.connect(r.url);
	t.after(() => c.close());
	c.send(['COUNT', 'n', {}]);
	const stored = (await c.next((m) => m[0] === 'COUNT'))[2].count;
	assert.ok(stored > N * 0.9, `stored ${stored}`);
	// Four overlapping time windows that cover everything.
	const times = lines.map((l) => JSON.parse(l).created_at)
	    .sort((a, b) => a - b);
	const q = (i) => times[Math.min(times.length - 1,
	    Math.floor(i * times.length / 4))];
	const filters = [0, 1, 2, 3].map((i) => ({ since: q(i),
	    until: i === 3 ? times[times.length - 1] : q(i + 1), limit: 7000 }));
	const raw = await rawSocket(r.port);
	t.after(() => raw.destroy());
	raw.sendText(JSON.stringify(['REQ', 's', ...filters]));
	// Reads a little, then stops for a while: the relay must wait, not
	// cut the answer short.
	await waitFor(() => raw.bytes > 100000, { timeout: 30000,
	    what: 'the first events' });
	raw.pause();
	await sleep(3000);
	raw.resume();
	await waitFor(() => raw.text.includes('["EOSE","s"]'),
	    { timeout: 180000, what: 'EOSE' });
	const ids = [...raw.text.matchAll(/\["EVENT","s",\{"id":"([0-9a-f]{64})"/g)]
	    .map((m) => m[1]);
	const eose = raw.text.indexOf('["EOSE","s"]');
	assert.ok(raw.text.lastIndexOf('["EVENT","s"') < eose,
	    'nothing stored after EOSE');
	assert.equal(new Set(ids).size, ids.length, 'each event once');
	assert.equal(ids.length, stored, 'every stored event before EOSE');
	// The relay is still fine for others.
	const other = await Client.connect(r.url);
	t.after(() => other.close());
	const res = await other.req('x', { limit: 3 });
	assert.equal(res.events.length, 3);
});

test('100 COUNTs from one connection: answered in order; another client ' +
    'is served meanwhile', T, async (t) => {
	const r = await relayOn(t);
	const counter = await Client.connect(r.url);
	const reader = await Client.connect(r.url, { localAddress: '127.0.0.2' });
	t.after(() => { counter.close(); reader.close(); });
	for (let i = 0; i < 100; i++)
		counter.send(['COUNT', `c${i}`, i % 2 ? { kinds: [1] } : {}]);
	const res = await reader.req('r', { kinds: [1], limit: 5 });
	assert.equal(res.events.length, 5);
	const answered = counter.queue.filter((m) => m[0] === 'COUNT').length;
	assert.ok(answered < 100, `the REQ waited for ${answered} COUNTs`);
	const counts = [];
	await withTimeout((async () => {
		while (counts.length < 100) {
			const m = await counter.next((x) => x[0] === 'COUNT',
			    { timeout: 120000 });
			counts.push(m);
		}
	})(), 150000, '100 COUNT answers');
	counts.forEach((m, i) => assert.equal(m[1], `c${i}`, 'in order'));
	assert.ok(counts[0][2].count > counts[1][2].count);
	assert.equal(new Set(counts.filter((_, i) => i % 2).map((m) =>
	    m[2].count)).size, 1);
});
