// media/sha256.js: SHA-256 (FIPS 180-4) in plain JavaScript, for the
// names of blobs.  On a plain-http LAN address the page is not a secure
// context, so the browser's crypto.subtle is missing; this works
// everywhere, one way for every phone.  Incremental (a video is hashed a
// slice at a time, the page breathing between slices).  Pure: the unit
// test checks it against node:crypto.

const K = Uint32Array.from([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const W = new Uint32Array(64);

// One 64-byte block of p at offset at into the state H (8 words); the
// proof-of-work miner (pow/mine.js) calls it directly.
export function compress(H, p, at) {
	for (let i = 0; i < 16; i++, at += 4)
		W[i] = (p[at] << 24) | (p[at + 1] << 16) | (p[at + 2] << 8) |
		    p[at + 3];
	for (let i = 16; i < 64; i++) {
		const a = W[i - 15], b = W[i - 2];
		const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^
		    (a >>> 3);
		const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^
		    (b >>> 10);
		W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
	}
	let a = H[0], b = H[1], c = H[2], d = H[3], e = H[4], f = H[5],
	    g = H[6], h = H[7];
	for (let i = 0; i < 64; i++) {
		const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
		    ((e >>> 25) | (e << 7));
		const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
		const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
		    ((a >>> 22) | (a << 10));
		const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
		h = g;
		g = f;
		f = e;
		e = (d + t1) | 0;
		d = c;
		c = b;
		b = a;
		a = (t1 + t2) | 0;
	}
	H[0] += a;
	H[1] += b;
	H[2] += c;
	H[3] += d;
	H[4] += e;
	H[5] += f;
	H[6] += g;
	H[7] += h;
}

export const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

export class Sha256 {
	constructor() {
		this.h = Uint32Array.from(IV);
		this.buf = new Uint8Array(64);
		this.n = 0;	// bytes in buf
		this.len = 0;	// bytes hashed in all
	}

	// p: a Uint8Array.
	update(p) {
		let i = 0;
		this.len += p.length;
		if (this.n > 0) {
			const k = Math.min(64 - this.n, p.length);
			this.buf.set(p.subarray(0, k), this.n);
			this.n += k;
			i = k;
			if (this.n < 64)
				return this;
			compress(this.h, this.buf, 0);
			this.n = 0;
		}
		for (; i + 64 <= p.length; i += 64)
			compress(this.h, p, i);
		this.buf.set(p.subarray(i), 0);
		this.n = p.length - i;
		return this;
	}

	// The hash in lowercase hex; the object is spent.
	hex() {
		const bits = this.len * 8;
		const tail = new Uint8Array(this.n < 56 ? 64 : 128);
		tail.set(this.buf.subarray(0, this.n));
		tail[this.n] = 0x80;
		const dv = new DataView(tail.buffer);
		dv.setUint32(tail.length - 8, Math.floor(bits / 0x100000000));
		dv.setUint32(tail.length - 4, bits >>> 0);
		for (let at = 0; at < tail.length; at += 64)
			compress(this.h, tail, at);
		let s = '';
		for (const w of this.h)
			s += w.toString(16).padStart(8, '0');
		return s;
	}
}

export function sha256Hex(p) {
	return new Sha256().update(p).hex();
}

const SLICE = 1 << 20;

// The same for a large buffer, a megabyte at a time with a pause between
// (the page stays responsive); progress(done, total) after each slice.
export async function sha256HexAsync(p, progress) {
	const s = new Sha256();
	for (let i = 0; i < p.length; i += SLICE) {
		s.update(p.subarray(i, i + SLICE));
		progress?.(Math.min(p.length, i + SLICE), p.length);
		if (i + SLICE < p.length)
			await new Promise((r) => setTimeout(r, 0));
	}
	return s.hex();
}
