// mp4strip.test.mjs: the browser's MP4/MOV stripper on the sample videos
// of test/media/ (README.md there): the output parses box by box, keeps
// the mdat payload and every chunk the stco/co64 tables point at, holds
// no location, device or XMP bytes, has its times zeroed, reports the
// size and what went, strips again to itself, and is byte-identical to
// what the node's C stripper made (the committed .stripped files).  Then
// 64-bit and size-0 mdat, co64 tables, moof, refusals, and mutated
// samples that must be refused with a code or stripped consistently.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import { mp4Sniff, mp4Strip } from '../src/mp4strip.js';

const media = new URL('../../test/media/', import.meta.url);
const load = (name) => new Uint8Array(readFileSync(new URL(name, media)));
const enc = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dv = (p) => new DataView(p.buffer, p.byteOffset, p.byteLength);
const type = (p, i) => String.fromCharCode(...p.subarray(i + 4, i + 8));

function has(p, s) {
	const n = typeof s === 'string' ? enc(s) : s;
	outer: for (let i = p.indexOf(n[0]); i !== -1; i = p.indexOf(n[0], i + 1)) {
		for (let k = 1; k < n.length; k++)
			if (p[i + k] !== n[k])
				continue outer;
		return true;
	}
	return false;
}

const INTO = ['moov', 'trak', 'mdia', 'minf', 'stbl'];

// Walks the boxes (failing on any that does not fit): mdat, chunk
// offsets, whether udta/meta/uuid is there, the mvhd times.
function seen(p) {
	const s = { mdat: 0, mdatLen: 0, off: [], co64: false, meta: false,
	    times: null };
	const v = dv(p);
	(function walk(i, end, depth) {
		while (i < end) {
			assert.ok(end - i >= 8, 'box header fits');
			let size = v.getUint32(i), hdr = 8;
			const t = type(p, i);
			if (size === 1) {
				size = Number(v.getBigUint64(i + 8));
				hdr = 16;
			} else if (size === 0) {
				assert.equal(depth, 0);
				size = end - i;
			}
			assert.ok(size >= hdr && size <= end - i, `${t} fits`);
			if (t === 'udta' || t === 'meta' || t === 'uuid')
				s.meta = true;
			if (depth === 0 && t === 'mdat') {
				s.mdat = i + hdr;
				s.mdatLen = size - hdr;
			}
			if (depth === 1 && t === 'mvhd')
				s.times = v.getBigUint64(i + hdr + 4);
			if (depth === 5 && (t === 'stco' || t === 'co64')) {
				const n = v.getUint32(i + hdr + 4);
				s.co64 ||= t === 'co64';
				for (let k = 0; k < n; k++)
					s.off.push(t === 'co64' ?
					    Number(v.getBigUint64(i + hdr + 8 + 8 * k)) :
					    v.getUint32(i + hdr + 8 + 4 * k));
			}
			if (depth < 5 && t === INTO[depth])
				walk(i + hdr, i + size, depth + 1);
			i += size;
		}
		assert.equal(i, end);
	})(0, p.length, 0);
	assert.ok(s.mdat > 0, 'has mdat');
	return s;
}

function chunkLen(s, off) {
	let end = s.mdat + s.mdatLen;
	for (const o of s.off)
		if (o > off && o < end)
			end = o;
	return end - off;
}

const GONE = ['\xa9xyz', '+43.2389+076.9455/', '43.238949', 'loci',
    'com.apple.quicktime', 'SamizdatTestCam', 'FixtureOne', 'NobodyFixture',
    '<x:xmpmeta', 'http://ns.adobe.com', 'GPS', '2026-01-05'];

// The output keeps the media bytes where the offsets say.  Returns: how
// far the chunks moved.
function assertKept(input, out) {
	const a = seen(input), b = seen(out);
	assert.ok(a.meta);
	assert.ok(!b.meta);
	assert.equal(b.times, 0n);
	assert.equal(a.mdatLen, b.mdatLen);
	assert.deepEqual(out.subarray(b.mdat, b.mdat + b.mdatLen),
	    input.subarray(a.mdat, a.mdat + a.mdatLen));
	assert.equal(a.off.length, b.off.length);
	assert.ok(a.off.length > 0);
	a.off.forEach((o, k) => {
		const len = chunkLen(a, o);
		assert.equal(chunkLen(b, b.off[k]), len);
		assert.deepEqual(out.subarray(b.off[k], b.off[k] + len),
		    input.subarray(o, o + len));
		assert.equal(o - b.off[k], a.off[0] - b.off[0]);
	});
	for (const s of GONE)
		assert.ok(!has(out, s), `no "${s}" left`);
	return a.off[0] - b.off[0];
}

function assertIdempotent(r) {
	const again = mp4Strip(r.bytes);
	assert.deepEqual(again.bytes, r.bytes);
	assert.deepEqual(again.removed, []);
	assert.equal(again.width, r.width);
	assert.equal(again.height, r.height);
}

const SAMPLES = [
	['location.mp4', 'location.stripped.mp4', 'mp4', false, ['QuickTime location',
	    'camera make and model', 'date', 'video metadata (udta, meta)']],
	['faststart.mp4', 'faststart.stripped.mp4', 'mp4', true, ['QuickTime location',
	    'camera make and model', 'date', 'XMP', 'video metadata (udta, meta)']],
	['clip.mov', 'clip.stripped.mov', 'mov', true, ['QuickTime location',
	    'camera make and model', 'date', 'video metadata (udta, meta)']],
];

for (const [name, stripped, kind, moves, removed] of SAMPLES) {
	test(`${name}: kept, clean, sized, idempotent, same as the C stripper`,
	    () => {
		const input = load(name);
		assert.equal(mp4Sniff(input), kind);
		assert.ok(has(input, '\xa9xyz'));
		const r = mp4Strip(input);
		assert.equal(r.type, kind);
		assert.equal(r.mime, kind === 'mov' ? 'video/quicktime' :
		    'video/mp4');
		assert.equal(r.width, 160);
		assert.equal(r.height, 120);
		assert.deepEqual(r.removed, removed);
		const moved = assertKept(input, r.bytes);
		assert.equal(moved, moves ? input.length - r.bytes.length : 0);
		assertIdempotent(r);
		assert.ok(Buffer.from(r.bytes).equals(Buffer.from(load(stripped))),
		    `${stripped} (made by src/core/media_mp4.c) differs`);
	});
}

function top(p, t) {
	const v = dv(p);
	for (let i = 0; i + 8 <= p.length; i += v.getUint32(i))
		if (type(p, i) === t)
			return i;
	throw new Error(`no ${t}`);
}

test('a 64-bit mdat header', () => {
	const input = load('faststart.mp4');
	const fr = top(input, 'free'), uu = top(input, 'uuid');
	const md = top(input, 'mdat'), ul = md - uu;
	assert.equal(uu, fr + 8);
	const x = input.slice();
	x.set(input.subarray(uu, md), fr);
	const v = dv(x);
	v.setUint32(fr + ul, 1);
	x.set(enc('mdat'), fr + ul + 4);
	v.setBigUint64(fr + ul + 8, BigInt(dv(input).getUint32(md) + 8));
	const r = mp4Strip(x);
	assertKept(x, r.bytes);
	assert.equal(dv(r.bytes).getUint32(top(r.bytes, 'mdat')), 1);
	assertIdempotent(r);
});

test('a last box of size 0 stays so', () => {
	const x = load('faststart.mp4');
	dv(x).setUint32(top(x, 'mdat'), 0);
	const r = mp4Strip(x);
	assertKept(x, r.bytes);
	assert.equal(dv(r.bytes).getUint32(top(r.bytes, 'mdat')), 0);
	assertIdempotent(r);
});

// clip.mov with every stco turned into co64 (moov is first, so every
// offset grows by the 4 bytes each entry gains).
function toCo64(p) {
	const v = dv(p), parts = [];
	const grow = 4 * seen(p).off.length;
	(function copy(i, end, depth) {
		let total = 0;
		while (i < end) {
			const size = v.getUint32(i), t = type(p, i);
			if (depth < 5 && t === INTO[depth]) {
				const h = p.slice(i, i + 8);
				parts.push(h);
				const w = 8 + copy(i + 8, i + size, depth + 1);
				dv(h).setUint32(0, w);
				total += w;
			} else if (depth === 5 && t === 'stco') {
				const n = v.getUint32(i + 12);
				const b = new Uint8Array(16 + 8 * n), bv = dv(b);
				bv.setUint32(0, 16 + 8 * n);
				b.set(enc('co64'), 4);
				b.set(p.subarray(i + 8, i + 16), 8);
				for (let k = 0; k < n; k++)
					bv.setBigUint64(16 + 8 * k,
					    BigInt(v.getUint32(i + 16 + 4 * k) + grow));
				parts.push(b);
				total += b.length;
			} else {
				parts.push(p.subarray(i, i + size));
				total += size;
			}
			i += size;
		}
		return total;
	})(0, p.length, 0);
	return new Uint8Array(Buffer.concat(parts));
}

test('co64 chunk offsets are fixed too', () => {
	const x = toCo64(load('clip.mov'));
	assert.ok(seen(x).co64);
	const r = mp4Strip(x);
	assert.ok(seen(r.bytes).co64);
	assert.equal(assertKept(x, r.bytes), x.length - r.bytes.length);
	assertIdempotent(r);
});

test('fragmented: refused with something to cut, passed when clean', () => {
	const moof = Uint8Array.from([0, 0, 0, 8, ...enc('moof')]);
	const withMoof = (p) => new Uint8Array(Buffer.concat([p, moof]));
	assert.throws(() => mp4Strip(withMoof(load('faststart.mp4'))),
	    { code: 'MEDIA_FRAGMENTED' });
	const clean = withMoof(load('faststart.stripped.mp4'));
	assert.deepEqual(mp4Strip(clean).bytes, clean);
});

test('truncated and corrupted files are refused with their code', () => {
	for (const [name] of SAMPLES) {
		const p = load(name);
		assert.throws(() => mp4Strip(p.slice(0, p.length >> 1)),
		    { code: 'MEDIA_TRUNCATED' });
		assert.throws(() => mp4Strip(p.slice(0, p.length - 1)),
		    { code: 'MEDIA_TRUNCATED' });
	}
	const find = (p, t) => Buffer.from(p).indexOf(t) - 4;
	let p = load('faststart.mp4');
	dv(p).setUint32(find(p, 'moov'), 4);
	assert.throws(() => mp4Strip(p), { code: 'MEDIA_FORMAT' });
	p = load('faststart.mp4');
	dv(p).setUint32(find(p, 'trak'), 0x7fffffff);
	assert.throws(() => mp4Strip(p), { code: 'MEDIA_FORMAT' });
	p = load('faststart.mp4');
	dv(p).setUint32(find(p, 'trak'), 0);
	assert.throws(() => mp4Strip(p), { code: 'MEDIA_FORMAT' });
	p = load('faststart.mp4');
	const stco = find(p, 'stco');
	dv(p).setUint32(stco + 16, p.length);
	assert.throws(() => mp4Strip(p), /points past the end/);
	dv(p).setUint32(stco + 16, find(p, 'udta') + 8);
	assert.throws(() => mp4Strip(p), /points into a removed box/);
	p = load('faststart.mp4');
	p[find(p, 'mvhd') + 8] = 7;
	assert.throws(() => mp4Strip(p), { code: 'MEDIA_FORMAT' });
	p = load('faststart.mp4');
	p.set(enc('moof'), find(p, 'moov') + 4);
	assert.throws(() => mp4Strip(p), /not exactly one moov/);
});

test('what is not MP4 or MOV is refused as unsupported', () => {
	assert.throws(() => mp4Strip(enc('just some text, not a video')),
	    { code: 'MEDIA_TYPE', message: /^unsupported: / });
	assert.throws(() => mp4Strip(new Uint8Array(0)), { code: 'MEDIA_TYPE' });
	assert.throws(() => mp4Strip(enc('\0\0\0\x18ftypheic\0\0\0\0mif1heic')),
	    { code: 'MEDIA_TYPE' });
	assert.throws(() => mp4Strip(load('phone.jpg')), { code: 'MEDIA_TYPE' });
	assert.throws(() => mp4Strip([1, 2, 3]), TypeError);
	assert.equal(mp4Sniff(enc('\0\0\0\x08wide\0\0\0\x08mdat')), 'mov');
	assert.equal(mp4Sniff(enc('\0\0\0\x0cjunk....\0\0\0\x08moov')), 'mov');
	assert.equal(mp4Sniff(enc('\0\0\0\x08free\0\0\0\x10ftypmp42\0\0\0\0' +
	    '\0\0\0\x08moov')), null);
	assert.equal(mp4Sniff(enc('\0\0\0\x18ftypM4A \0\0\0\0isomM4A ')),
	    'mp4');
	assert.equal(mp4Sniff(enc('\0\0\0\x14ftypqt  \0\0')), 'mov');
	assert.equal(mp4Sniff(enc('\0\0\0\x14ftypqt ')), null);
});

test('mutated samples: refused with a code, or stripped consistently',
    () => {
	let seed = 14;
	const rnd = (n) => {
		seed = (seed * 1103515245 + 12345) >>> 0;
		return seed % n;
	};
	const inputs = SAMPLES.map(([name]) => load(name));
	for (let round = 0; round < 600; round++) {
		const x = inputs[round % inputs.length].slice();
		for (let k = 1 + rnd(4); k > 0; k--)
			x[rnd(Math.min(x.length, 3000))] = rnd(256);
		let r;
		try {
			r = mp4Strip(x);
		} catch (e) {
			assert.match(e.code, /^MEDIA_/, e.stack);
			continue;
		}
		assert.ok(r.bytes.length <= x.length);
		assert.equal(mp4Sniff(r.bytes), mp4Sniff(x));
		assertIdempotent(r);
	}
});
