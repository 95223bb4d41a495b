// media-exif.test.mjs: what the page says a photo carries, on the sample
// files of test/media/ (README.md there), and that the reader never
// throws and stays bounded on truncated and mutated files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import { FOUND, imageFacts, imageType } from '../src/media/exif.js';

const media = new URL('../../test/media/', import.meta.url);
const load = (name) => new Uint8Array(readFileSync(new URL(name, media)));

test('phone.jpg: GPS, camera, serial, owner, dates, software, thumbnail',
    () => {
	const f = imageFacts(load('phone.jpg'));
	assert.equal(f.mime, 'image/jpeg');
	assert.deepEqual([f.width, f.height, f.orientation], [480, 320, 1]);
	assert.deepEqual(f.found, ['location', 'camera', 'serial', 'owner',
	    'date', 'software', 'thumbnail']);
	assert.equal(f.known, true);
});

test('XMP, comments, PNG text chunks and eXIf, WebP EXIF and XMP', () => {
	const x = imageFacts(load('xmp-comment.jpg'));
	assert.deepEqual(x.found, ['location', 'camera', 'owner', 'comment',
	    'xmp']);
	assert.deepEqual([x.width, x.height], [320, 213]);
	const p = imageFacts(load('notes.png'));
	assert.equal(p.mime, 'image/png');
	assert.deepEqual([p.width, p.height], [120, 80]);
	for (const k of ['location', 'camera', 'owner', 'date', 'software',
	    'comment', 'xmp'])
		assert.ok(p.found.includes(k), `notes.png: ${k}`);
	const w = imageFacts(load('exif-xmp.webp'));
	assert.equal(w.mime, 'image/webp');
	assert.deepEqual([w.width, w.height], [240, 160]);
	for (const k of ['location', 'camera', 'owner', 'date', 'xmp'])
		assert.ok(w.found.includes(k), `exif-xmp.webp: ${k}`);
});

test('nothing to say: a clean JPEG, the stripped samples', () => {
	assert.deepEqual(imageFacts(load('adobe-cmyk.jpg')).found, []);
	const v = imageFacts(load('location.mp4'));
	assert.equal(v.mime, '');
	assert.equal(v.known, false);
	assert.equal(imageType(new Uint8Array(0)), '');
});

test('the orientation as EXIF says it, big- and little-endian', () => {
	const p = load('phone.jpg');
	const at = Buffer.from(p).indexOf(Buffer.from([1, 0x12, 0, 3]));
	for (let o = 1; o <= 8; o++) {
		p[at + 9] = o;
		assert.equal(imageFacts(p).orientation, o);
	}
	// A little-endian TIFF with only an orientation.
	const tiff = [0x49, 0x49, 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 1, 3, 0, 1, 0,
	    0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
	const app1 = [...Buffer.from('Exif\0\0'), ...tiff];
	const jpg = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0,
	    app1.length + 2, ...app1, 0xff, 0xd9]);
	const f = imageFacts(jpg);
	assert.equal(f.orientation, 6);
	assert.deepEqual(f.found, []);
});

// A small PRNG so a failure can be replayed.
function rng(seed) {
	let s = seed >>> 0;
	return () => {
		s = (s * 1664525 + 1013904223) >>> 0;
		return s / 2 ** 32;
	};
}

test('truncated and mutated files never throw, and answer fast', () => {
	const samples = ['phone.jpg', 'xmp-comment.jpg', 'notes.png',
	    'exif-xmp.webp', 'adobe-cmyk.jpg'].map(load);
	const r = rng(14);
	const t0 = Date.now();
	let n = 0;
	for (const s of samples) {
		for (let cut = 0; cut < Math.min(s.length, 4096); cut += 7) {
			const f = imageFacts(s.subarray(0, cut));
			assert.ok(f.found.every((k) => FOUND.includes(k)));
			n++;
		}
		for (let i = 0; i < 400; i++) {
			const m = new Uint8Array(s);
			const edits = 1 + Math.floor(r() * 16);
			for (let k = 0; k < edits; k++) {
				// Mostly the headers, where the lengths and offsets are.
				const at = Math.floor(r() ** 3 * m.length);
				m[at] = r() < 0.3 ? 0xff : r() < 0.5 ? 0 : Math.floor(
				    r() * 256);
			}
			const f = imageFacts(m);
			assert.ok(Array.isArray(f.found));
			assert.ok(Number.isInteger(f.width) && f.width >= 0);
			n++;
		}
	}
	assert.ok(n > 2000);
	assert.ok(Date.now() - t0 < 20000, 'bounded');
});

test('a directory that points at itself, and huge counts, are bounded',
    () => {
	// IFD0 whose next-IFD offset is itself, with 65535 entries claimed.
	const tiff = [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0xff, 0xff];
	const app1 = [...Buffer.from('Exif\0\0'), ...tiff, ...new Array(40)
	    .fill(0)];
	const jpg = new Uint8Array([0xff, 0xd8, 0xff, 0xe1, 0, app1.length + 2,
	    ...app1, 0xff, 0xd9]);
	assert.deepEqual(imageFacts(jpg).found, []);
});
