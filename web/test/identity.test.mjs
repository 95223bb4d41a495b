// identity.test.mjs: the key in storage, NIP-49 backup and restore,
// nsec, and a signed report from a template.
import assert from 'node:assert/strict';
import test from 'node:test';

import '../../test/webcrypto.mjs';	// before nostr-tools, for Node 18
import { verifyEvent } from 'nostr-tools/pure';

import { KEY_ITEM, backup, extensionSigner, fromHex, loadKey, localSigner,
    newKey, npubOf, nsecOf, restore, saveKey, shortNpub, toHex } from
    '../src/identity.js';
import { reportTemplate } from '../src/nostr.js';

function memStore() {
	const m = new Map();
	return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) =>
	    m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}

test('a new key is saved and loaded; junk in storage is ignored', () => {
	const s = memStore();
	assert.equal(loadKey(s), null);
	const sk = newKey();
	saveKey(s, sk);
	assert.deepEqual(loadKey(s), sk);
	s.setItem(KEY_ITEM, 'zz');
	assert.equal(loadKey(s), null);
	s.setItem(KEY_ITEM, '0'.repeat(64));	// not a valid scalar
	assert.equal(loadKey(s), null);
});

test('NIP-49 vector from the spec decrypts', () => {
	const nc = 'ncryptsec1qgg9947rlpvqu76pj5ecreduf9jxhselq2nae2kghhvd5g7dg' +
	    'jtcxfqtd67p9m0w57lspw8gsq6yphnm8623nsl8xn9j4jdzz84zm3frztj3z7s35vpz' +
	    'mqf6ksu8r89qk5z2zxfmu5gv8th8wclt0h4p';
	const sk = restore(nc, 'nostr');
	assert.equal(toHex(sk), '3501454135014541350145413501453fefb02227e449e' +
	    '57cf4d3a3ce05378683');
});

test('backup then restore gives the same key; wrong passphrase fails',
    () => {
	const sk = newKey();
	const nc = backup(sk, 'correct horse', 8);	// cheap scrypt in tests
	assert.match(nc, /^ncryptsec1/);
	assert.deepEqual(restore(nc, 'correct horse'), sk);
	assert.throws(() => restore(nc, 'wrong'), { code: 'err_pass_wrong' });
	assert.throws(() => restore(nc, ''), { code: 'err_pass_empty' });
	assert.throws(() => backup(sk, ''), { code: 'err_pass_empty' });
});

test('restore from nsec and hex; junk is refused', () => {
	const sk = newKey();
	assert.deepEqual(restore(' ' + nsecOf(sk) + '\n'), sk);
	assert.deepEqual(restore(toHex(sk).toUpperCase()), sk);
	for (const bad of ['', 'hello', 'nsec1qqqq', 'npub1xyz', 'ncryptsec1x'])
		assert.throws(() => restore(bad, 'p'), { code: 'err_key_format' },
		    bad);
});

test('npub forms', () => {
	const pk = localSigner(fromHex('3501454135014541350145413501453fefb02227' +
	    'e449e57cf4d3a3ce05378683')).pubkey;
	assert.match(npubOf(pk), /^npub1[02-9ac-hj-np-z]{58}$/);
	assert.match(shortNpub(pk), /^npub1.{4}….{4}$/);
});

test('local signer signs a valid report', async () => {
	const s = localSigner(newKey());
	const ev = await s.sign(reportTemplate('hi #x', 'u4pr', 1700000000));
	assert.ok(verifyEvent(ev));
	assert.equal(ev.pubkey, s.pubkey);
	assert.deepEqual(ev.tags[0], ['t', 'x']);
});

test('extension signer: result checked', async () => {
	const good = localSigner(newKey());
	const ext = await extensionSigner({
		getPublicKey: async () => good.pubkey,
		signEvent: async (t) => good.sign(t),
	});
	assert.equal(ext.type, 'extension');
	assert.ok(verifyEvent(await ext.sign(reportTemplate('x', '', 1))));
	const liar = await extensionSigner({
		getPublicKey: async () => good.pubkey,
		signEvent: async (t) => ({ ...(await good.sign(t)), content: 'y' }),
	});
	await assert.rejects(liar.sign(reportTemplate('x', '', 1)),
	    { code: 'err_extension' });
	await assert.rejects(extensionSigner({ getPublicKey: async () => 'no' }),
	    { code: 'err_extension' });
});
