// blossom.test.mjs: a node's Blossom API (docs/blobs.md) driven by a real
// Blossom client, blossom-client-sdk: upload with BUD-06 preflight and a
// BUD-11 token, has/download, /media (the metadata removed, ox kept), list,
// mirror between two nodes, delete by the uploader only; and the refusals
// a client cannot make on its own: an expired token, one for another
// blob, a hash that does not match, a photo with GPS on /upload, an
// upload cut short.  Every refusal must leave nothing half written.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
	finalizeEvent, keys, now, sleep, startRelay, waitFor,
} from './lib.mjs';
import { blossom } from './deps.mjs';

const T = { timeout: 120000 };
const MEDIA = fileURLToPath(new URL('../media/', import.meta.url));
const media = (f) => readFileSync(join(MEDIA, f));
const sha = (b) => createHash('sha256').update(b).digest('hex');
const signer = (sk) => async (draft) => finalizeEvent(draft, sk);
const {
	uploadBlob, uploadMedia, hasBlob, downloadBlob, listBlobs,
	mirrorBlob, deleteBlob,
} = blossom.Actions;
const { createUploadAuth, encodeAuthorizationHeader, createAuthEvent } =
    blossom;

// Files left in DIR/blobs/tmp: must be none after any request.
const tmpFiles = (dir) => readdirSync(join(dir, 'blobs', 'tmp'));

async function put(relay, body, headers) {
	const res = await fetch(new URL('/upload', relay.http), {
		method: 'PUT', body, headers,
	});
	return { status: res.status, reason: res.headers.get('x-reason'),
	    body: await res.text() };
}

test('upload, has, download, list and delete with blossom-client-sdk', T,
    async (t) => {
	const relay = await startRelay();
	t.after(() => relay.cleanup());
	const me = keys(), other = keys();
	const onAuth = async (server, hash, type) =>
	    createUploadAuth(signer(me.sk), hash, { type });
	// A JPEG with nothing to remove, and a stripped video.
	const jpg = media('adobe-cmyk.jpg');
	const mp4 = media('location.stripped.mp4');
	const d1 = await uploadBlob(relay.http, new Blob([jpg],
	    { type: 'image/jpeg' }), { onAuth });
	assert.equal(d1.sha256, sha(jpg));
	assert.equal(d1.size, jpg.length);
	assert.equal(d1.type, 'image/jpeg');
	assert.equal(d1.url, `${relay.http}${sha(jpg)}.jpg`);
	// The type is the bytes', never the client's word.
	const d2 = await uploadBlob(relay.http, new Blob([mp4],
	    { type: 'image/png' }), { onAuth });
	assert.equal(d2.type, 'video/mp4');
	assert.ok(d2.nip94.some(([k, v]) => k === 'x' && v === sha(mp4)));
	// Again: the same descriptor, nothing new.
	const again = await uploadBlob(relay.http, new Blob([jpg]), { onAuth });
	assert.equal(again.sha256, d1.sha256);

	assert.equal(await hasBlob(relay.http, sha(jpg)), true);
	assert.equal(await hasBlob(relay.http, sha(Buffer.from('no'))), false);
	const res = await downloadBlob(relay.http, sha(mp4));
	assert.equal(sha(Buffer.from(await res.arrayBuffer())), sha(mp4));

	const list = await listBlobs(relay.http, me.pk, {
		onAuth: async () => createAuthEvent(signer(me.sk), 'list'),
	});
	assert.deepEqual(list.map((d) => d.sha256).sort(),
	    [sha(jpg), sha(mp4)].sort());
	// Only the uploader may list or delete.
	await assert.rejects(listBlobs(relay.http, me.pk, {
		onAuth: async () => createAuthEvent(signer(other.sk), 'list'),
	}), (e) => e.status === 401 || e.status === 403);
	await assert.rejects(deleteBlob(relay.http, sha(jpg), {
		onAuth: async (s, h) => createAuthEvent(signer(other.sk),
		    'delete', { blobs: h }),
	}), (e) => e.status === 404 || e.status === 403);
	assert.equal(await hasBlob(relay.http, sha(jpg)), true);
	assert.equal(await deleteBlob(relay.http, sha(jpg), {
		onAuth: async (s, h) => createAuthEvent(signer(me.sk),
		    'delete', { blobs: h }),
	}), true);
	assert.equal(await hasBlob(relay.http, sha(jpg)), false);
	assert.deepEqual(tmpFiles(relay.dir), []);
	await relay.stop();
});

test('/media removes the GPS position and says what came from where', T,
    async (t) => {
	const relay = await startRelay();
	t.after(() => relay.cleanup());
	const me = keys();
	const onAuth = async (server, hash, type) =>
	    createUploadAuth(signer(me.sk), hash, { type });
	const photo = media('phone.jpg');
	// /upload keeps bytes as they are: a photo with GPS is refused.
	await assert.rejects(uploadBlob(relay.http, new Blob([photo]),
	    { onAuth }), (e) => {
		assert.equal(e.status, 415);
		assert.match(e.message, /^blocked: .*metadata.*GPS position/);
		return true;
	});
	assert.equal(await hasBlob(relay.http, sha(photo)), false);
	// /media strips it and keeps only the stripped copy.
	const d = await uploadMedia(relay.http, new Blob([photo]), { onAuth });
	assert.notEqual(d.sha256, sha(photo));
	assert.ok(d.nip94.some(([k, v]) => k === 'ox' && v === sha(photo)));
	assert.ok(d.nip94.some(([k, v]) => k === 'dim' && v === '480x320'));
	const got = Buffer.from(await (await downloadBlob(relay.http,
	    d.sha256)).arrayBuffer());
	assert.equal(sha(got), d.sha256);
	for (const s of ['SamizdatTestCam', 'NobodyFixture', 'FIX0001'])
		assert.equal(got.includes(s), false, `${s} is still there`);
	assert.equal(await hasBlob(relay.http, sha(photo)), false);
	assert.deepEqual(tmpFiles(relay.dir), []);
	await relay.stop();
});

test('mirror from a node on the LAN', T, async (t) => {
	const a = await startRelay(), b = await startRelay();
	t.after(() => a.cleanup());
	t.after(() => b.cleanup());
	const me = keys();
	const onAuth = async (server, hash, type) =>
	    createUploadAuth(signer(me.sk), hash, { type });
	const mp4 = media('faststart.stripped.mp4');
	const d = await uploadBlob(a.http, new Blob([mp4]), { onAuth });
	// (mirrorBlob's onAuth gets the descriptor where upload's gets the
	// verb.)
	const onMirror = async (server, hash) =>
	    createUploadAuth(signer(me.sk), hash);
	const m = await mirrorBlob(b.http, d, { onAuth: onMirror });
	assert.equal(m.sha256, sha(mp4));
	assert.equal(await hasBlob(b.http, sha(mp4)), true);
	// A URL on the internet is never fetched.
	const far = { ...d, url: `http://203.0.113.9/${d.sha256}.mp4` };
	const b2 = await startRelay();
	t.after(() => b2.cleanup());
	await assert.rejects(mirrorBlob(b2.http, far, { onAuth: onMirror }),
	    (e) => e.status === 403);
	assert.equal(await hasBlob(b2.http, sha(mp4)), false);
	await a.stop();
	await b.stop();
	await b2.stop();
});

test('refusals: expired or foreign tokens, wrong hash, cut short', T,
    async (t) => {
	const relay = await startRelay();
	t.after(() => relay.cleanup());
	const me = keys();
	const jpg = media('adobe-cmyk.jpg');
	const h = sha(jpg);
	const auth = (tags, created_at = now()) => 'Nostr ' +
	    Buffer.from(JSON.stringify(finalizeEvent({ kind: 24242,
	    created_at, content: 'Upload', tags }, me.sk))).toString('base64');
	// Expired.
	let r = await put(relay, jpg, { Authorization: auth([['t', 'upload'],
	    ['x', h], ['expiration', String(now() - 60)]], now() - 120) });
	assert.equal(r.status, 401);
	assert.match(r.reason, /^invalid: .*expired/);
	// For another blob.
	r = await put(relay, jpg, { Authorization: auth([['t', 'upload'],
	    ['x', sha(Buffer.from('x'))], ['expiration', String(now() + 60)]])
	});
	assert.equal(r.status, 401);
	assert.match(r.reason, /x tags do not name this blob/);
	// For another verb.
	r = await put(relay, jpg, { Authorization: auth([['t', 'delete'],
	    ['x', h], ['expiration', String(now() + 60)]]) });
	assert.equal(r.status, 401);
	assert.match(r.reason, /t tag does not allow/);
	// A forged signature.
	const ev = finalizeEvent({ kind: 24242, created_at: now(), content: '',
	    tags: [['t', 'upload'], ['x', h], ['expiration',
	    String(now() + 60)]] }, me.sk);
	ev.content = 'changed';
	r = await put(relay, jpg, { Authorization: encodeAuthorizationHeader(ev)
	});
	assert.equal(r.status, 401);
	assert.match(r.reason, /^invalid: /);
	// X-SHA-256 that is not the body's.
	const ok = await createUploadAuth(signer(me.sk), h);
	r = await put(relay, jpg, { Authorization:
	    encodeAuthorizationHeader(ok), 'X-SHA-256': sha(Buffer.from('y')) });
	assert.ok(r.status === 409 || r.status === 401, `${r.status}`);
	assert.equal(await hasBlob(relay.http, h), false);
	// Cut short: Content-Length promises more than comes, then close.
	await new Promise((resolve, reject) => {
		const s = net.connect(relay.port, '127.0.0.1', () => {
			s.write(`PUT /upload HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
			    `Authorization: ${encodeAuthorizationHeader(ok)}\r\n` +
			    `Content-Length: ${jpg.length}\r\n\r\n`);
			s.write(jpg.subarray(0, 1000));
			setTimeout(() => { s.destroy(); resolve(); }, 300);
		});
		s.on('error', reject);
	});
	await waitFor(() => tmpFiles(relay.dir).length === 0,
	    { timeout: 10000 });
	assert.equal(await hasBlob(relay.http, h), false);
	// The node is still there and takes the whole file.
	const d = await uploadBlob(relay.http, new Blob([jpg]), {
		onAuth: async () => ok,
	});
	assert.equal(d.sha256, h);
	await sleep(50);
	await relay.stop();
});
