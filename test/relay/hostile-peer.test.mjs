// hostile-peer.test.mjs: `samizdat sync ws://...` against a relay that
// lies.  A small fake relay (ws, in this process) answers NEG-OPEN with a
// NOTICE, so the sync falls back to REQ, and then serves good events mixed
// with forged ones (content changed after signing, a broken signature),
// a lone surrogate, garbage frames, an event for a subscription nobody
// opened, and refuses every upload.  The good events must be stored, the
// bad ones rejected and counted, and the sync must end, not hang.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { WebSocketServer } from './deps.mjs';
import { SAMIZDAT, keys, now, removeDir, run, sign, tempDir } from './lib.mjs';
const dirs = [];
after(() => dirs.forEach(removeDir));

test('a lying relay cannot get bad events stored or stall sync',
    { timeout: 60000 }, async () => {
	const { sk } = keys();
	const good = Array.from({ length: 20 }, (_, i) =>
	    sign(sk, { content: `good ${i}`, created_at: now() - 100 - i }));
	const edited = { ...sign(sk, { content: 'original' }), content: 'edited' };
	const badSig = sign(sk, { content: 'bad sig' });
	badSig.sig = (badSig.sig[0] === '0' ? '1' : '0') + badSig.sig.slice(1);

	const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
	await new Promise((r) => server.once('listening', r));
	const port = server.address().port;
	server.on('connection', (ws) => {
		ws.on('message', (data) => {
			const m = JSON.parse(data.toString());
			if (m[0] === 'NEG-OPEN') {
				ws.send(JSON.stringify(['NOTICE', 'what is NEG-OPEN?']));
				return;
			}
			if (m[0] === 'REQ') {
				const sub = m[1];
				ws.send('this is not JSON');
				ws.send(JSON.stringify(['EVENT', 'nobody', good[0]]));
				ws.send(`["EVENT","${sub}",{"id":"${'ab'.repeat(32)}",` +
				    '"content":"\\ud800"}]');
				for (const ev of [...good, edited, badSig])
					ws.send(JSON.stringify(['EVENT', sub, ev]));
				ws.send(JSON.stringify(['EOSE', sub]));
				return;
			}
			if (m[0] === 'EVENT')
				ws.send(JSON.stringify(['OK', m[1].id, false,
				    'blocked: no uploads here']));
		});
	});
	try {
		const dir = tempDir();
		dirs.push(dir);
		/* Something to upload, so refusals are exercised too. */
		let r = await run(SAMIZDAT, ['-d', dir, 'init']);
		assert.equal(r.code, 0);
		r = await run(SAMIZDAT, ['-d', dir, 'post', 'local report']);
		assert.equal(r.code, 0, r.stderr);
		r = await run(SAMIZDAT, ['-d', dir, 'sync', `ws://127.0.0.1:${port}/`],
		    { timeout: 45000 });
		assert.equal(r.code, 0, r.stderr);
		assert.match(r.stderr, /no NIP-77/);
		assert.match(r.stderr, /down: 20 accepted/);
		assert.match(r.stderr, /already here, [34] rejected/);
		/* The fallback offers everything it holds: all 21 are refused. */
		assert.match(r.stderr, /up: 0 accepted, 0 already there, 21 rejected/);
		r = await run(SAMIZDAT, ['-d', dir, 'query', '{"kinds":[1]}']);
		const stored = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
		assert.equal(stored.length, 21);
		assert.ok(!stored.some((e) => e.content === 'edited' ||
		    e.content === 'bad sig'));
	} finally {
		server.close();
	}
});

test('a relay that accepts the connection and then says nothing',
    { timeout: 60000 }, async () => {
	const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
	await new Promise((r) => server.once('listening', r));
	const port = server.address().port;
	try {
		const dir = tempDir();
		dirs.push(dir);
		const t0 = Date.now();
		const r = await run(SAMIZDAT, ['-d', dir, 'sync', '--timeout', '2',
		    `ws://127.0.0.1:${port}/`], { timeout: 30000 });
		assert.equal(r.code, 1, r.stderr);
		assert.match(r.stderr, /timed out waiting for the relay/);
		assert.match(r.stderr, /run the same sync again/);
		/* NEG silence (2 s) then the fallback's REQ silence (2 s). */
		assert.ok(Date.now() - t0 < 15000);
	} finally {
		server.close();
	}
});
