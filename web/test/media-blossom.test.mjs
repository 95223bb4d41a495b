// media-blossom.test.mjs: the shapes of media on Nostr and Blossom: the
// kind 24242 upload authorization and its header (BUD-11), the node's
// descriptor checked (BUD-02, BUD-08 nip94), the imeta tag (NIP-92,
// NIP-94) read back as written and from other clients' events, the URLs
// kept out of the text shown, and the words for refusals.
import assert from 'node:assert/strict';
import test from 'node:test';

import '../../test/webcrypto.mjs';	// nostr-tools on Node 18
import { finalizeEvent, generateSecretKey, verifyEvent } from
    'nostr-tools/pure';

import { AUTH_KIND, authHeader, checkDescriptor, cleanAlt, contentWith,
    hashOf, hideMediaUrls, imetaTag, mediaOf, uploadAuthTemplate,
    uploadReason } from '../src/media/blossom.js';

const X = 'a'.repeat(64), T = 'b'.repeat(64), O = 'c'.repeat(64);

test('the upload authorization: kind 24242, t, an x per blob, expiry; ' +
    'the header is base64url of its JSON', () => {
	const now = 1767225600;
	const tpl = uploadAuthTemplate([T, X], now);
	assert.equal(tpl.kind, AUTH_KIND);
	assert.ok(tpl.created_at < now, 'created in the past');
	assert.deepEqual(tpl.tags, [['t', 'upload'], ['x', T], ['x', X],
	    ['expiration', String(now + 3600)]]);
	assert.ok(tpl.content.length > 0, 'human-readable content');
	const ev = finalizeEvent(tpl, generateSecretKey());
	const h = authHeader(ev);
	const m = /^Nostr ([A-Za-z0-9_-]+)$/.exec(h);
	assert.ok(m, h);
	const back = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
	assert.deepEqual(back, JSON.parse(JSON.stringify(ev)));
	assert.ok(verifyEvent(back));
	// Non-ASCII content survives (UTF-8, not Latin-1).
	const u = { ...ev, content: 'Фото ✓' };
	const b = authHeader(u).slice(6);
	assert.equal(JSON.parse(Buffer.from(b, 'base64url').toString('utf8'))
	    .content, 'Фото ✓');
});

test('the descriptor must name the hash and size sent; nip94 gives the ' +
    'public URL', () => {
	const d = { url: `http://10.0.0.2:4848/${X}.jpg`, sha256: X, size: 5,
	    type: 'image/jpeg', uploaded: 1 };
	assert.deepEqual(checkDescriptor(d, X, 5), { url: d.url, sha256: X,
	    size: 5, type: 'image/jpeg', public: d.url });
	const pub = `https://blossom.example.org/${X}.jpg`;
	assert.equal(checkDescriptor({ ...d, nip94: [['url', pub], ['x', X]] }, X,
	    5).public, pub);
	// A nip94 URL that names another blob, or is not http(s), is ignored.
	assert.equal(checkDescriptor({ ...d, nip94: [['url',
	    `https://b.example/${T}.jpg`]] }, X, 5).public, d.url);
	assert.equal(checkDescriptor({ ...d, nip94: [['url',
	    `javascript:alert(1)//${X}.jpg`]] }, X, 5).public, d.url);
	assert.equal(checkDescriptor({ ...d, sha256: T }, X, 5), null);
	assert.equal(checkDescriptor({ ...d, size: 6 }, X, 5), null);
	assert.equal(checkDescriptor({ ...d, url: 'http://x/y.jpg' }, X, 5), null);
	assert.equal(checkDescriptor(null, X, 5), null);
	assert.equal(checkDescriptor('x', X, 5), null);
});

test('imeta as written is read back; the URL goes in the content', () => {
	const url = `https://blossom.example.org/${X}.jpg`;
	const tag = imetaTag({ url, mime: 'image/jpeg', x: X, ox: O, size: 312345,
	    width: 1600, height: 1200, thumb: `https://blossom.example.org/${T}.jpg`,
	    alt: '  Police line\nat the bridge ' });
	assert.deepEqual(tag, ['imeta', `url ${url}`, 'm image/jpeg', `x ${X}`,
	    `ox ${O}`, 'size 312345', 'dim 1600x1200',
	    `thumb https://blossom.example.org/${T}.jpg`,
	    'alt Police line at the bridge']);
	const content = contentWith('At the bridge', [url]);
	assert.equal(content, `At the bridge\n${url}`);
	assert.equal(contentWith('', [url]), url);
	const ev = { content, tags: [['t', 'x'], tag] };
	assert.deepEqual(mediaOf(ev), [{ url, x: X, mime: 'image/jpeg', kind:
	    'image', size: 312345, width: 1600, height: 1200, thumb: T, alt:
	    'Police line at the bridge' }]);
	assert.equal(hideMediaUrls(content, mediaOf(ev)), 'At the bridge');
});

test('other clients\' media: imeta without x, bare Blossom URLs, videos; ' +
    'junk left out', () => {
	const ev = { content: `look https://nostr.build/i/${X}.png and ` +
	    `https://cdn.example/${T}.mp4 and https://x.example/${O}.pdf ` +
	    `nostr:note1xyz https://x.example/${'d'.repeat(64)}`,
	tags: [
		['imeta', `url https://nostr.build/i/${X}.png`, 'dim 10x20',
		    'blurhash LKO2?U%2Tw=w'],
		['imeta', 'url https://nohash.example/photo.jpg', 'm image/jpeg'],
		['imeta', `url https://e.example/${'e'.repeat(64)}`, 'm text/html'],
		['imeta', `x ${'f'.repeat(64)}`, 'm image/jpeg'],
		['imeta', `url https://e.example/${X}.jpg`, 'm image/jpeg', 'dim x',
		    'size -1'],
	] };
	const m = mediaOf(ev);
	assert.deepEqual(m.map((x) => [x.x, x.mime, x.kind]), [
		[X, 'image/png', 'image'],
		[T, 'video/mp4', 'video'],
	]);
	assert.deepEqual([m[0].width, m[0].height, m[0].thumb], [10, 20, null]);
	assert.equal(hideMediaUrls(ev.content, m), `look  and  and ` +
	    `https://x.example/${O}.pdf nostr:note1xyz https://x.example/` +
	    'd'.repeat(64));
	assert.equal(hideMediaUrls('plain', []), 'plain');
	// At most 8 from one event.
	const many = { content: '', tags: Array.from({ length: 20 }, (_, i) =>
	    ['imeta', `url https://b.example/${i.toString(16).padStart(64, '0')}` +
	    '.jpg']) };
	assert.equal(mediaOf(many).length, 8);
});

test('hashOf, cleanAlt', () => {
	assert.equal(hashOf(`https://a.example/${X}`), X);
	assert.equal(hashOf(`https://a.example/p/${X}.webp?x=1`), X);
	assert.equal(hashOf(`https://a.example/${X}x`), null);
	assert.equal(hashOf(`https://a.example/${X.toUpperCase()}.jpg`), null);
	assert.equal(cleanAlt('a\n\tb'), 'a b');
	assert.equal([...cleanAlt('я'.repeat(400))].length, 300);
	assert.equal(cleanAlt(undefined), '');
});

test('refusals in words: by status, and by the X-Reason prefix only to ' +
    'pick the words', () => {
	assert.equal(uploadReason(0), 'up_dropped');
	assert.equal(uploadReason(401, 'invalid: event has expired'), 'up_auth');
	assert.equal(uploadReason(413, 'invalid: the file is larger'),
	    'up_too_big');
	assert.equal(uploadReason(415, 'blocked: the file still carries ' +
	    'metadata'), 'up_metadata');
	assert.equal(uploadReason(415, 'unsupported: the file is not JPEG'),
	    'up_type');
	assert.equal(uploadReason(422), 'up_type');
	assert.equal(uploadReason(503, 'rate-limited: too many uploads'),
	    'up_rate');
	assert.equal(uploadReason(503), 'up_busy');
	assert.equal(uploadReason(507, 'error: the blob budget is full'),
	    'up_full');
	assert.equal(uploadReason(409), 'up_mismatch');
	assert.equal(uploadReason(404), 'up_none');
	assert.equal(uploadReason(500), 'up_error');
	assert.equal(uploadReason(400), 'up_bad');
});
