// check.js: what the archive viewer checks, in the browser, offline:
// each event's id (the sha256 of its NIP-01 serialization) and BIP-340
// signature, the manifest's own signature and key, the custody chain, the
// Merkle root over every item, and media files against the hashes they
// are named by.  The formats are docs/archive.md's; samizdat's C verifier
// (samizdat archive verify) checks the same things the same way.  Pure:
// strings and bytes in, results out.

import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';

const enc = new TextEncoder();

export function hex(b) {
	let s = '';
	for (const x of b)
		s += x.toString(16).padStart(2, '0');
	return s;
}

export function unhex(s) {
	if (typeof s !== 'string' || !/^([0-9a-f]{2})*$/.test(s))
		return null;
	const b = new Uint8Array(s.length / 2);
	for (let i = 0; i < b.length; i++)
		b[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
	return b;
}

function cat(...parts) {
	const n = parts.reduce((a, p) => a + p.length, 0);
	const out = new Uint8Array(n);
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}

export const sha = (bytes) => sha256(bytes);
export const shaText = (s) => sha256(enc.encode(s));

const HEX64 = /^[0-9a-f]{64}$/;

// One event line: {ev, ok, why}; why names the first thing wrong.
export function checkEvent(line) {
	let ev;
	try {
		ev = JSON.parse(line);
	} catch {
		return { ev: null, ok: false, why: 'json' };
	}
	if (!ev || typeof ev !== 'object' || !HEX64.test(ev.id) ||
	    !HEX64.test(ev.pubkey) || !/^[0-9a-f]{128}$/.test(ev.sig) ||
	    !Number.isInteger(ev.created_at) || !Number.isInteger(ev.kind) ||
	    !Array.isArray(ev.tags) || typeof ev.content !== 'string' ||
	    !ev.tags.every((t) => Array.isArray(t) &&
	    t.every((x) => typeof x === 'string')))
		return { ev: null, ok: false, why: 'json' };
	const ser = JSON.stringify([0, ev.pubkey, ev.created_at, ev.kind,
	    ev.tags, ev.content]);
	const id = hex(shaText(ser));
	if (id !== ev.id)
		return { ev, ok: false, why: 'id' };
	let good = false;
	try {
		good = schnorr.verify(unhex(ev.sig), unhex(ev.id), unhex(ev.pubkey));
	} catch {
		good = false;
	}
	return good ? { ev, ok: true, why: '' } : { ev, ok: false, why: 'sig' };
}

// The Merkle tree of docs/archive.md (RFC 6962): leaf = sha256(0x00 ||
// type || sha256(item)), node = sha256(0x01 || left || right).
export function leaf(type, itemSha) {
	return sha256(cat(Uint8Array.of(0, type.charCodeAt(0)), itemSha));
}

function node(l, r) {
	return sha256(cat(Uint8Array.of(1), l, r));
}

// The running root: a stack of perfect subtrees, as the C side keeps it.
export class Merkle {
	constructor() {
		this.h = [];
		this.size = [];
		this.n = 0;
	}

	add(l) {
		this.h.push(l);
		this.size.push(1);
		this.n++;
		while (this.h.length >= 2 && this.size[this.size.length - 1] ===
		    this.size[this.size.length - 2]) {
			const r = this.h.pop();
			this.size.pop();
			this.h[this.h.length - 1] = node(this.h[this.h.length - 1], r);
			this.size[this.size.length - 1] *= 2;
		}
	}

	root() {
		if (this.h.length === 0)
			return sha256(new Uint8Array(0));
		let r = this.h[this.h.length - 1];
		for (let i = this.h.length - 2; i >= 0; i--)
			r = node(this.h[i], r);
		return r;
	}
}

// RFC 9162 2.1.3.2: does path prove leaf m of n under root?
export function verifyPath(l, m, n, path, root) {
	if (m >= n)
		return false;
	let fn = m, sn = n - 1, r = l;
	for (const p of path) {
		if (sn === 0)
			return false;
		if ((fn & 1) === 1 || fn === sn) {
			r = node(p, r);
			while ((fn & 1) === 0 && fn !== 0) {
				fn = Math.floor(fn / 2);
				sn = Math.floor(sn / 2);
			}
		} else
			r = node(r, p);
		fn = Math.floor(fn / 2);
		sn = Math.floor(sn / 2);
	}
	return sn === 0 && hex(r) === hex(root);
}

// The custody chain step: c(k) = sha256(c(k-1) || sha256(line)).
export function chainStep(prev, digest) {
	return sha256(cat(prev, digest));
}

// One custody.jsonl line: a full line or a stub.
export function parseCustody(line) {
	let o;
	try {
		o = JSON.parse(line);
	} catch {
		return null;
	}
	if (!o || !Number.isInteger(o.seq) || o.seq < 1)
		return null;
	if (typeof o.digest === 'string' && HEX64.test(o.digest))
		return { seq: o.seq, stub: true, digest: unhex(o.digest) };
	if (!Number.isInteger(o.at) || !HEX64.test(o.id ?? '') ||
	    typeof o.via !== 'string' || !HEX64.test(o.src ?? '') ||
	    !HEX64.test(o.prev ?? ''))
		return null;
	return { seq: o.seq, stub: false, at: o.at, id: o.id, via: o.via,
	    src: o.src, prev: o.prev, digest: shaText(line) };
}

// The media an event names, by the rules of archive_refs in C.
export function eventRefs(ev) {
	const out = [];
	const add = (h, role) => {
		if (!out.some((r) => r.sha256 === h && r.role === role))
			out.push({ sha256: h, role });
	};
	const urls = (s) => {
		for (const m of s.matchAll(/\/([0-9a-f]{64})(?=$|[.?# \n")])/g))
			add(m[1], 'public');
	};
	for (const t of ev.tags) {
		if ((t[0] === 'x' || t[0] === 'ox') && HEX64.test(t[1] ?? '')) {
			add(t[1], t[0] === 'ox' ? 'original' : 'public');
			continue;
		}
		if (t[0] !== 'imeta')
			continue;
		for (const v of t.slice(1)) {
			if (/^x [0-9a-f]{64}$/.test(v))
				add(v.slice(2), 'public');
			else if (/^ox [0-9a-f]{64}$/.test(v))
				add(v.slice(3), 'original');
			else if (/^(url|thumb|image) ./.test(v))
				urls(v);
		}
	}
	urls(ev.content);
	return out;
}

// The whole archive as the page carries it: {problems, events, ...}.
// progress(done, total), if given, is awaited every 100 events so that a
// page can draw while signatures are checked.
export async function checkArchive(data, progress = null) {
	const problems = [];
	const man = checkEvent(data.manifest ?? '');
	let content = null;
	if (!man.ok)
		problems.push({ what: 'manifest', why: man.why });
	else {
		try {
			content = JSON.parse(man.ev.content);
		} catch {
			problems.push({ what: 'manifest', why: 'json' });
		}
	}
	if (content && content.node !== man.ev.pubkey)
		problems.push({ what: 'manifest', why: 'key' });
	const tree = new Merkle();
	const lines = data.events ?? [];
	const events = [];
	for (let i = 0; i < lines.length; i++) {
		const r = checkEvent(lines[i]);
		r.line = i + 1;
		tree.add(leaf('e', shaText(lines[i])));
		if (!r.ok)
			problems.push({ what: 'event', line: i + 1, why: r.why,
			    id: r.ev?.id ?? '' });
		events.push(r);
		if (progress && i % 100 === 99)
			await progress(i + 1, lines.length);
	}
	// Custody: the chain from the manifest's start to its head.
	const custody = new Map();
	const sources = new Map();
	for (const line of data.sources ?? []) {
		try {
			const o = JSON.parse(line);
			sources.set(o.seq, { line, from: o.from });
		} catch {
			problems.push({ what: 'source', why: 'json' });
		}
	}
	const c = content?.custody;
	let chain = c ? unhex(c.start) : null, seq = c ? c.first : 0;
	let chainOk = !!c || (data.custody ?? []).length === 0;
	for (const line of data.custody ?? []) {
		const l = parseCustody(line);
		if (!l || l.seq !== seq) {
			problems.push({ what: 'custody', seq, why: 'json' });
			chainOk = false;
			break;
		}
		if (!l.stub) {
			if (chain && l.prev !== hex(chain)) {
				problems.push({ what: 'custody', seq: l.seq - 1,
				    why: 'chain' });
				chainOk = false;
			}
			tree.add(leaf('c', l.digest));
			const s = sources.get(l.seq);
			if (s) {
				if (hex(shaText(s.line)) !== l.src)
					problems.push({ what: 'source', seq: l.seq,
					    why: 'hash' });
				tree.add(leaf('s', shaText(s.line)));
				l.from = s.from;
			}
			custody.set(l.id, l);
		}
		if (chain)
			chain = chainStep(chain, l.digest);
		seq++;
	}
	if (c && chainOk && !data.truncated && (seq !== c.last + 1 ||
	    hex(chain) !== c.head)) {
		problems.push({ what: 'custody', seq: c.last, why: 'head' });
		chainOk = false;
	}
	const media = [];
	for (const line of data.media ?? []) {
		try {
			const m = JSON.parse(line);
			media.push(m);
			if (m.held)
				tree.add(leaf('m', unhex(m.sha256)));
		} catch {
			problems.push({ what: 'media', why: 'json' });
		}
	}
	let rootOk = null;
	if (content && !data.truncated) {
		rootOk = hex(tree.root()) === content.merkle?.root &&
		    tree.n === content.merkle?.leaves;
		if (!rootOk)
			problems.push({ what: 'root', why: 'root' });
	}
	return { manifest: man, content, events, custody, media, problems,
	    rootOk, chainOk, truncated: !!data.truncated };
}
