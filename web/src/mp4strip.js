// mp4strip.js: location and device metadata out of an MP4 or QuickTime
// video before it leaves the phone.  The page re-encodes photos through a
// canvas, which drops their EXIF, but it cannot re-encode video, so this
// removes the boxes instead, losslessly: the same algorithm as the node's
// src/core/media_mp4.c, byte for byte (web/test/mp4strip.test.mjs
// compares the two on test/media/).  Pure: bytes in, bytes out; no DOM.
//
// The walk descends into moov, moov/trak, trak/mdia, mdia/minf and
// minf/stbl only.  It drops udta and meta (the ©xyz and
// com.apple.quicktime.location keys, make, model, dates, author), uuid
// (vendor boxes, XMP among them) and free/skip, at every level it walks;
// it zeroes the creation and modification times of mvhd, tkhd and mdhd.
// Every later byte shifts, so it fixes the sizes of the containers on the
// way and every stco/co64 chunk offset.  A fragmented file (moof) with
// something to remove is refused.

const MAX_PARTS = 65536;	// boxes in one file
const MAX_DEPTH = 16;		// nesting

// Refusals, worded as the node's (src/core/err.h): prefix: text (detail).
const ERRORS = {
	MEDIA_TYPE: 'unsupported: the file is not JPEG, PNG, WebP, MP4 or MOV',
	MEDIA_TRUNCATED: 'invalid: the file is truncated',
	MEDIA_FORMAT: 'invalid: the file is malformed',
	MEDIA_LIMIT: 'invalid: the file has too many parts, or nests them too deep',
	MEDIA_FRAGMENTED: 'unsupported: metadata cannot yet be removed from a fragmented MP4 (moof)',
};

function refuse(code, detail) {
	const e = new Error(detail ? `${ERRORS[code]} (${detail})` :
	    ERRORS[code]);
	e.code = code;
	throw e;
}

// What removed-bits are called, in the order the node writes them
// (media.c media_words).
const RM = {
	LOCATION: 1 << 0, CAMERA: 1 << 1, OWNER: 1 << 2, DATE: 1 << 3,
	XMP: 1 << 4, VIDEOMETA: 1 << 5, OTHER: 1 << 6,
};
// detail: said after "XMP: " when XMP is there without udta or meta.
const WORDS = [
	[RM.LOCATION, 'QuickTime location', false],
	[RM.CAMERA, 'camera make and model', true],
	[RM.OWNER, 'owner or author name', true],
	[RM.DATE, 'date', true],
	[RM.XMP, 'XMP', false],
	[RM.VIDEOMETA, 'video metadata (udta, meta)', false],
	[RM.OTHER, 'other metadata', false],
];

// The removed bits as the node's media_removed_write words them, one
// item each.
function words(bits) {
	const host = (bits & (RM.XMP | RM.VIDEOMETA)) === RM.XMP;
	const items = [];
	if (host) {
		const d = WORDS.filter(([b, , det]) => det && (bits & b))
		    .map(([, w]) => w);
		items.push(d.length > 0 ? `XMP: ${d.join(', ')}` : 'XMP');
	}
	for (const [b, w, det] of WORDS)
		if ((bits & b) && !(host && (b === RM.XMP || det)))
			items.push(w);
	return items;
}

const enc = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));

// What a dropped box's bytes name (media_mp4.c mp4_names).
const NAMES = [
	['\xa9xyz', RM.LOCATION], ['com.apple.quicktime.location', RM.LOCATION],
	['loci', RM.LOCATION], ['mdtalocation', RM.LOCATION],
	['mdtamake', RM.CAMERA], ['mdtamodel', RM.CAMERA],
	['mdtacreation_time', RM.DATE],
	['\xa9mak', RM.CAMERA], ['\xa9mod', RM.CAMERA],
	['com.apple.quicktime.make', RM.CAMERA],
	['com.apple.quicktime.model', RM.CAMERA],
	['\xa9day', RM.DATE], ['com.apple.quicktime.creationdate', RM.DATE],
	['\xa9aut', RM.OWNER], ['\xa9ART', RM.OWNER],
	['com.apple.quicktime.author', RM.OWNER],
	['<x:xmpmeta', RM.XMP],
].map(([s, bit]) => [enc(s), bit]);

const XMP_UUID = Uint8Array.from([0xbe, 0x7a, 0xcf, 0xcb, 0x97, 0xa9, 0x42,
    0xe8, 0x9c, 0x71, 0x99, 0x94, 0x91, 0xe3, 0xaf, 0xac]);

// Brands (media.c): MP4, HEIF/AVIF (refused), and QuickTime first boxes.
const MP4_BRANDS = ['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'iso7',
    'iso8', 'iso9', 'mp41', 'mp42', 'avc1', 'M4V ', 'dash', 'MSNV', 'XAVC',
    '3gp4', '3gp5', '3gp6'];
const HEIF_BRANDS = ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1',
    'mif2', 'msf1', 'avif', 'avis', 'heif'];
const MOV_FIRST = ['moov', 'mdat', 'wide', 'free', 'skip', 'pnot'];

const CONTAINERS = { moov: '', trak: 'moov', mdia: 'trak', minf: 'mdia',
    stbl: 'minf' };
const DROPPED = new Set(['udta', 'meta', 'uuid', 'free', 'skip']);

function fourcc(p, i) {
	return String.fromCharCode(p[i], p[i + 1], p[i + 2], p[i + 3]);
}

function contains(p, start, end, needle) {
	const first = needle[0];
	for (let i = p.indexOf(first, start); i !== -1 && i + needle.length <=
	    end; i = p.indexOf(first, i + 1)) {
		let k = 1;
		while (k < needle.length && p[i + k] === needle[k])
			k++;
		if (k === needle.length)
			return true;
	}
	return false;
}

// The type of an ISO BMFF file: 'mp4', 'mov', or null (media_sniff).
export function mp4Sniff(p) {
	if (p.length < 8)
		return null;
	const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
	if (fourcc(p, 4) === 'ftyp') {
		if (p.length < 12)
			return null;
		let size = dv.getUint32(0);
		if (size < 16)
			return null;
		size = Math.min(size, p.length);
		const major = fourcc(p, 8);
		if (major === 'qt  ')
			return 'mov';
		if (HEIF_BRANDS.includes(major))
			return null;
		if (MP4_BRANDS.includes(major))
			return 'mp4';
		for (let i = 16; i + 4 <= size; i += 4)
			if (MP4_BRANDS.includes(fourcc(p, i)))
				return 'mp4';
		return null;
	}
	// No ftyp: MOV if the top-level boxes, as far as they parse, hold a
	// moov and no ftyp, or if the first is one QuickTime files start
	// with (media.c media_sniff_qt).
	let moov = false;
	for (let i = 0, k = 0; k < MAX_PARTS && p.length - i >= 8; k++) {
		let size = dv.getUint32(i);
		if (size === 1)
			size = p.length - i >= 16 ? u64(dv, i + 8) : 0;
		else if (size === 0)
			size = p.length - i;
		const t = fourcc(p, i + 4);
		if (t === 'ftyp')
			return null;
		if (t === 'moov')
			moov = true;
		if (size < 8 || size > p.length - i)
			break;
		i += size;
	}
	return moov || MOV_FIRST.includes(fourcc(p, 4)) ? 'mov' : null;
}

// A 64-bit size or offset; one past 2^53 cannot fit any file a browser
// holds, so it becomes Infinity and fails the same checks as in C.
function u64(dv, at) {
	const v = dv.getBigUint64(at);
	return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
}

// Strips an MP4 or MOV file (a Uint8Array).  Returns: {bytes, type
// ('mp4' or 'mov'), mime, removed (words, as the node says them), width,
// height}.  Throws an Error with a message and a code (MEDIA_TYPE,
// MEDIA_TRUNCATED, MEDIA_FORMAT, MEDIA_LIMIT, MEDIA_FRAGMENTED).
export function mp4Strip(p) {
	if (!(p instanceof Uint8Array))
		throw new TypeError('mp4Strip takes a Uint8Array');
	const type = mp4Sniff(p);
	if (type === null)
		refuse('MEDIA_TYPE', 'not an MP4 or MOV video');
	const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
	const n = p.length;
	const m = { cuts: [], fixes: [], cutTotal: 0, boxes: 0, moov: 0,
	    moof: false, removed: 0, tw: 0, th: 0, tvide: false, width: 0,
	    height: 0 };

	function cut(off, len, t) {
		if (t === 'udta' || t === 'meta')
			m.removed |= RM.VIDEOMETA;
		else if (t === 'uuid') {
			const u = off + (dv.getUint32(off) === 1 ? 16 : 8);
			let xmp = true;
			for (let k = 0; k < 16; k++)
				xmp = xmp && p[u + k] === XMP_UUID[k];
			m.removed |= xmp ? RM.XMP : RM.OTHER;
		}
		for (const [needle, bit] of NAMES)
			if (contains(p, off, off + len, needle))
				m.removed |= bit;
		m.cuts.push({ off, len, before: m.cutTotal });
		m.cutTotal += len;
	}

	function leaf(i, size, hdr, t, parent) {
		const d = i + hdr, len = size - hdr;
		if ((parent === 'moov' && t === 'mvhd') ||
		    (parent === 'trak' && t === 'tkhd') ||
		    (parent === 'mdia' && t === 'mdhd')) {
			const tl = len >= 1 && p[d] === 1 ? 16 : 8;
			if (len < 4 + tl || p[d] > 1)
				refuse('MEDIA_FORMAT',
				    'MP4: a movie, track or media header is malformed');
			for (let k = 0; k < tl; k++)
				if (p[d + 4 + k] !== 0)
					m.removed |= RM.DATE;
			m.fixes.push({ kind: 'zero', at: d + 4, size: tl });
		}
		if (parent === 'trak' && t === 'tkhd') {
			const k = p[d] === 1 ? 52 : 40;
			if (len < k + 44)
				refuse('MEDIA_FORMAT', 'MP4: a track header is too short');
			const a = dv.getUint32(d + k), b = dv.getUint32(d + k + 4);
			const c = dv.getUint32(d + k + 12);
			const e = dv.getUint32(d + k + 16);
			m.tw = dv.getUint32(d + k + 36) >>> 16;
			m.th = dv.getUint32(d + k + 40) >>> 16;
			if (a === 0 && e === 0 && b !== 0 && c !== 0)
				[m.tw, m.th] = [m.th, m.tw];
		}
		if (parent === 'mdia' && t === 'hdlr' && len >= 12 &&
		    fourcc(p, d + 8) === 'vide')
			m.tvide = true;
		if (parent === 'stbl' && (t === 'stco' || t === 'co64')) {
			if (len < 8)
				refuse('MEDIA_FORMAT',
				    'MP4: a chunk offset table is too short');
			const count = dv.getUint32(d + 4);
			if (count > Math.floor((len - 8) / (t === 'stco' ? 4 : 8)))
				refuse('MEDIA_FORMAT',
				    'MP4: a chunk offset table is too short');
			m.fixes.push({ kind: t, at: d + 8, size: count });
		}
	}

	function box(i, size, hdr, t, s32, depth, parent) {
		if (DROPPED.has(t)) {
			cut(i, size, t);
			return;
		}
		if (depth === 0 && t === 'moof')
			m.moof = true;
		if (depth === 0 && t === 'moov')
			m.moov++;
		const container = Object.hasOwn(CONTAINERS, t) &&
		    (t === 'moov' ? depth === 0 : CONTAINERS[t] === parent);
		if (!container) {
			leaf(i, size, hdr, t, parent);
			return;
		}
		if (depth + 1 >= MAX_DEPTH)
			refuse('MEDIA_LIMIT', 'MP4: boxes nested too deep');
		if (s32 === 1)
			m.fixes.push({ kind: 'size64', at: i + 8, box: i, size });
		else if (s32 !== 0)
			m.fixes.push({ kind: 'size32', at: i, box: i, size });
		if (t === 'trak') {
			m.tw = m.th = 0;
			m.tvide = false;
		}
		walk(i + hdr, i + size, depth + 1, t);
		if (t === 'trak' && m.tvide && m.width === 0 && m.height === 0) {
			m.width = m.tw;
			m.height = m.th;
		}
	}

	function walk(i, end, depth, parent) {
		while (i < end) {
			if (++m.boxes > MAX_PARTS)
				refuse('MEDIA_LIMIT', 'MP4: too many boxes');
			const s32 = end - i >= 8 ? dv.getUint32(i) : 0;
			if (end - i < 8 || (s32 === 1 && end - i < 16))
				refuse(depth === 0 ? 'MEDIA_TRUNCATED' : 'MEDIA_FORMAT',
				    'MP4: a box header runs past its parent');
			const t = fourcc(p, i + 4);
			let size = s32, hdr = 8;
			if (s32 === 1) {
				size = u64(dv, i + 8);
				hdr = 16;
			} else if (s32 === 0) {
				if (depth > 0)
					refuse('MEDIA_FORMAT',
					    'MP4: a box of size 0 inside a box');
				size = end - i;
			}
			if (t === 'uuid')
				hdr += 16;
			if (size < hdr)
				refuse('MEDIA_FORMAT',
				    'MP4: a box smaller than its header');
			if (size > end - i)
				refuse(depth === 0 ? 'MEDIA_TRUNCATED' : 'MEDIA_FORMAT',
				    'MP4: a box runs past its parent');
			box(i, size, hdr, t, s32, depth, parent);
			i += size;
		}
	}

	// Bytes cut before input offset x, and whether x is inside a cut.
	function shift(x) {
		let lo = 0, hi = m.cuts.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (m.cuts[mid].off <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo === 0)
			return { by: 0, inside: false };
		const c = m.cuts[lo - 1];
		if (x < c.off + c.len)
			return { by: c.before, inside: true };
		return { by: c.before + c.len, inside: false };
	}

	walk(0, n, 0, '');
	if (m.moov !== 1)
		refuse('MEDIA_FORMAT', 'MP4: not exactly one moov box');
	if (m.moof && m.cuts.length > 0)
		refuse('MEDIA_FRAGMENTED',
		    'MP4: fragmented (moof) with boxes to remove');

	const out = new Uint8Array(n - m.cutTotal);
	const ov = new DataView(out.buffer);
	let prev = 0, w = 0;
	for (const c of m.cuts) {
		out.set(p.subarray(prev, c.off), w);
		w += c.off - prev;
		prev = c.off + c.len;
	}
	out.set(p.subarray(prev, n), w);
	for (const f of m.fixes) {
		const s = f.at - shift(f.at).by;
		if (f.kind === 'size32' || f.kind === 'size64') {
			const v = f.size - (shift(f.box + f.size).by -
			    shift(f.box).by);
			if (f.kind === 'size32')
				ov.setUint32(s, v);
			else
				ov.setBigUint64(s, BigInt(v));
		} else if (f.kind === 'stco' || f.kind === 'co64') {
			const wide = f.kind === 'co64';
			for (let k = 0; k < f.size; k++) {
				const v = wide ? u64(dv, f.at + 8 * k) :
				    dv.getUint32(f.at + 4 * k);
				if (v >= n)
					refuse('MEDIA_FORMAT',
					    'MP4: a chunk offset points past the end');
				const sh = shift(v);
				if (sh.inside)
					refuse('MEDIA_FORMAT',
					    'MP4: a chunk offset points into a removed box');
				if (wide)
					ov.setBigUint64(s + 8 * k, BigInt(v - sh.by));
				else
					ov.setUint32(s + 4 * k, v - sh.by);
			}
		} else
			out.fill(0, s, s + f.size);
	}
	return { bytes: out, type, mime: type === 'mov' ? 'video/quicktime' :
	    'video/mp4', removed: words(m.removed), width: m.width,
	    height: m.height };
}
