// pow/mine.js: NIP-13 proof of work, pure.  An event's difficulty is the
// number of leading zero bits of its id; the miner adds the tag
// ["nonce", n, target] as the event's last tag and counts n up until the
// id (SHA-256 of the NIP-01 serialization) has target leading zero bits.
// The serialization up to the nonce is hashed once (its whole 64-byte
// blocks, the midstate); each try writes only the nonce's digits and
// hashes the blocks after them, so a try costs the nonce's block and the
// content's, however many tags come before.  The worker (pow/worker.js)
// runs it off the page's thread; the node counts the same bits
// (src/core/nip13.c) and credits the committed target, not luck.

import { IV, compress } from '../media/sha256.js';

const enc = new TextEncoder();

// Leading zero bits of the 64 hex digits of an id (0..256).
export function idBits(hex) {
	let n = 0;
	for (let i = 0; i < hex.length; i++) {
		const v = parseInt(hex[i], 16);
		if (!(v >= 0))
			return n;
		if (v !== 0)
			return n + Math.clz32(v) - 28;
		n += 4;
	}
	return n;
}

// Leading zero bits of a SHA-256 state (8 words).
export function stateBits(h) {
	let n = 0;
	for (let i = 0; i < 8; i++) {
		const z = Math.clz32(h[i]);
		n += z;
		if (z < 32)
			break;
	}
	return n;
}

// The difficulty an event may be credited with, as the node reads it: the
// target of its first nonce tag when the id has that many zero bits, else
// 0 (nip13_committed).
export function committed(ev) {
	const tag = (ev?.tags ?? []).find((t) => Array.isArray(t) &&
	    t[0] === 'nonce');
	if (!tag || typeof tag[2] !== 'string' || !/^[0-9]{1,3}$/.test(tag[2]))
		return 0;
	const target = Number(tag[2]);
	return typeof ev.id === 'string' && idBits(ev.id) >= target ? target : 0;
}

// The difficulty a "pow:" refusal names ("pow: ... difficulty 12 needed,
// yours is 0"), 0 if it names none or is not such a refusal.
export function powNeeded(reason) {
	const r = String(reason ?? '');
	if (!/^pow:/.test(r))
		return 0;
	const m = /difficulty:? (\d{1,3})\b/.exec(r) ??
	    /\b(\d{1,3})\b/.exec(r.slice(4).replace(/NIP-\d+/g, ''));
	const d = m ? Number(m[1]) : 0;
	return d > 0 && d <= 64 ? d : 0;
}

// How many tries a difficulty takes on average (and at the median, about
// 0.69 of that): 2^d.
export function expectedTries(d) {
	return 2 ** d;
}

// The template without any nonce tag of its own (it is the miner's).
export function withoutNonce(tpl) {
	return { ...tpl, tags: (tpl.tags ?? []).filter((t) => t[0] !== 'nonce') };
}

// The template with the nonce found: what the signer signs.
export function withNonce(tpl, nonce, target) {
	const t = withoutNonce(tpl);
	return { ...t, tags: [...t.tags, ['nonce', String(nonce),
	    String(target)]] };
}

// A search for a nonce: tpl {kind, created_at, tags, content}, the pubkey
// that will sign it (it is part of the id), the target in bits.
export class Miner {
	constructor(tpl, pubkey, target) {
		const t = withoutNonce(tpl);
		this.target = target;
		const base = JSON.stringify([0, pubkey, t.created_at, t.kind,
		    t.tags]);
		const head = enc.encode(base.slice(0, -2) + (t.tags.length ? ',' :
		    '') + '["nonce","');
		this.tail = enc.encode('","' + target + '"]],' +
		    JSON.stringify(t.content) + ']');
		// The midstate: head's whole blocks, hashed once.
		this.mid = Uint32Array.from(IV);
		const whole = head.length - head.length % 64;
		for (let at = 0; at < whole; at += 64)
			compress(this.mid, head, at);
		this.rest = head.subarray(whole);
		this.headLen = head.length;
		this.h = new Uint32Array(8);
		this.digits = 0;
	}

	// Lays out rest, room for a nonce of k digits, the tail and the
	// padding in this.buf.
	layout(k) {
		const n = this.rest.length + k + this.tail.length;
		const blocks = Math.ceil((n + 9) / 64);
		const buf = new Uint8Array(blocks * 64);
		buf.set(this.rest, 0);
		buf.set(this.tail, this.rest.length + k);
		buf[n] = 0x80;
		const bits = (this.headLen + k + this.tail.length) * 8;
		const dv = new DataView(buf.buffer);
		dv.setUint32(buf.length - 8, Math.floor(bits / 0x100000000));
		dv.setUint32(buf.length - 4, bits >>> 0);
		this.buf = buf;
		this.digits = k;
	}

	// Leading zero bits of the id with nonce n (a safe integer >= 0).
	bits(n) {
		const s = String(n);
		if (s.length !== this.digits)
			this.layout(s.length);
		const buf = this.buf, at = this.rest.length;
		for (let i = 0; i < s.length; i++)
			buf[at + i] = s.charCodeAt(i);
		const h = this.h;
		h.set(this.mid);
		for (let o = 0; o < buf.length; o += 64)
			compress(h, buf, o);
		return stateBits(h);
	}

	// Tries count nonces from start, step apart; returns the first that
	// meets the target, or -1.
	search(start, count, step = 1) {
		for (let i = 0, n = start; i < count; i++, n += step)
			if (this.bits(n) >= this.target)
				return n;
		return -1;
	}
}
