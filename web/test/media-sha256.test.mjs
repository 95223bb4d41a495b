// media-sha256.test.mjs: the page's own SHA-256 agrees with node:crypto on
// the FIPS 180-4 examples, on every length around the block edges, fed in
// pieces of any size, and slice by slice for large buffers.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import test from 'node:test';

import { Sha256, sha256Hex, sha256HexAsync } from '../src/media/sha256.js';

const node = (b) => createHash('sha256').update(b).digest('hex');
const enc = (s) => new TextEncoder().encode(s);

test('FIPS 180-4 examples', () => {
	assert.equal(sha256Hex(enc('')),
	    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
	assert.equal(sha256Hex(enc('abc')),
	    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
	assert.equal(sha256Hex(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmn' +
	    'lmnomnopnopq')),
	    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
});

test('every length from 0 to 300, whole and in random pieces', () => {
	for (let n = 0; n <= 300; n++) {
		const b = randomBytes(n);
		const want = node(b);
		assert.equal(sha256Hex(new Uint8Array(b)), want, `length ${n}`);
		const s = new Sha256();
		for (let i = 0; i < n;) {
			const k = 1 + Math.floor(Math.random() * 70);
			s.update(new Uint8Array(b.subarray(i, i + k)));
			i += k;
		}
		assert.equal(s.hex(), want, `length ${n} in pieces`);
	}
});

test('a large buffer, slice by slice, with progress', async () => {
	const b = new Uint8Array(randomBytes(3 * 1024 * 1024 + 17));
	const seen = [];
	assert.equal(await sha256HexAsync(b, (d, t) => seen.push([d, t])),
	    node(b));
	assert.deepEqual(seen.at(-1), [b.length, b.length]);
	assert.equal(seen.length, 4);
});
