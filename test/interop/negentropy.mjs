// negentropy.mjs: our NIP-77 engine (test/tools/neg-harness.c, driven
// over stdio as the reference suite drives implementations) against the
// JS engine shipped in nostr-tools.  That port only ever plays the client
// (it answers an id list with have/need, never with its own ids), so it
// is the initiator here, against our responder; our own initiator is run
// against our responder too.  Both runs must learn exactly the two
// differences, and every message of the two runs must be identical: the
// JS client and ours split ranges the same way, byte for byte.  Our
// responder is also checked byte for byte against the reference server's
// transcripts in test/unit/test-negentropy.c.
// Usage: node negentropy.mjs HARNESS
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { Negentropy, NegentropyStorageVector } from
    './node_modules/nostr-tools/lib/esm/nip77.js';

const HARNESS = process.argv[2];

// Deterministic ids and timestamps (xorshift).
function rng(seed) {
	let x = BigInt(seed) | 1n;
	return () => {
		x ^= (x << 13n) & 0xffffffffffffffffn;
		x ^= x >> 7n;
		x ^= (x << 17n) & 0xffffffffffffffffn;
		return Number(x & 0xffffffffn);
	};
}

function makeSets(n, weights, seed) {
	const r = rng(seed), a = [], b = [];
	const [w1, w2, w3] = weights, tot = w1 + w2 + w3;
	for (let i = 0; i < n; i++) {
		let id = '';
		for (let k = 0; k < 8; k++)
			id += (r() >>> 0).toString(16).padStart(8, '0');
		const item = [1677970534 + (r() % Math.max(1, n >> 2)), id];
		const pick = r() % tot;
		if (pick < w1) a.push(item);
		else if (pick < w1 + w2) b.push(item);
		else { a.push(item); b.push(item); }
	}
	return [a, b];
}

class CSide {
	constructor(items, limit) {
		this.p = spawn(HARNESS, [], { env: { ...process.env,
		    FRAMESIZELIMIT: String(limit) }, stdio: ['pipe', 'pipe', 'inherit'] });
		this.lines = [];
		this.waiting = null;
		createInterface({ input: this.p.stdout }).on('line', (l) => {
			if (this.waiting) { const w = this.waiting; this.waiting = null; w(l); }
			else this.lines.push(l);
		});
		let s = '';
		for (const [ts, id] of items) s += `item,${ts},${id}\n`;
		this.p.stdin.write(s + 'seal\n');
	}
	line() {
		if (this.lines.length) return Promise.resolve(this.lines.shift());
		return new Promise((res, rej) => {
			const t = setTimeout(() => rej(new Error('harness timed out')), 30000);
			this.waiting = (l) => { clearTimeout(t); res(l); };
		});
	}
	send(cmd) { this.p.stdin.write(cmd + '\n'); }
	close() { this.p.stdin.end(); }
}

class JSSide {
	constructor(items, limit) {
		const st = new NegentropyStorageVector();
		for (const [ts, id] of items) st.insert(ts, id);
		st.seal();
		// This port refuses 0 (no limit): a limit never reached is the same.
		this.neg = new Negentropy(st, limit || 1e9);
	}
}

// Runs a sync; client and server are 'c' or 'js'.  Returns the messages
// and the client's have/need sets.
async function runSync(a, b, client, server, l1, l2) {
	const msgs = [], have = new Set(), need = new Set();
	const C = client === 'c' ? new CSide(a, l1) : new JSSide(a, l1);
	const S = server === 'c' ? new CSide(b, l2) : new JSSide(b, l2);
	try {
		let m;
		if (client === 'c') {
			C.send('initiate');
			m = (await C.line()).slice(4);
		} else
			m = C.neg.initiate();
		for (let round = 0; round < 1000; round++) {
			msgs.push(m);
			let reply;
			if (server === 'c') {
				S.send(`msg,${m}`);
				reply = (await S.line()).slice(4);
			} else
				// nostr-tools' port returns null where the reference
				// server sends a bare version byte.
				reply = S.neg.reconcile(m) ?? '61';
			msgs.push(reply);
			if (client === 'c') {
				C.send(`msg,${reply}`);
				for (;;) {
					const l = await C.line();
					if (l.startsWith('have,')) have.add(l.slice(5));
					else if (l.startsWith('need,')) need.add(l.slice(5));
					else if (l === 'done') return { msgs, have, need };
					else { m = l.slice(4); break; }
				}
			} else {
				m = C.neg.reconcile(reply, (id) => have.add(id),
				    (id) => need.add(id));
				if (m === null) return { msgs, have, need };
			}
		}
		throw new Error('no convergence after 1000 rounds');
	} finally {
		if (client === 'c') C.close();
		if (server === 'c') S.close();
	}
}

const cases = [
	{ name: 'mixed 5000', n: 5000, w: [1, 1, 98], l1: 0, l2: 0 },
	{ name: 'client only 3000', n: 3000, w: [1, 0, 0], l1: 0, l2: 0 },
	{ name: 'server only 3000', n: 3000, w: [0, 1, 0], l1: 0, l2: 0 },
	{ name: 'all shared 5000', n: 5000, w: [0, 0, 1], l1: 0, l2: 0 },
	{ name: 'frame limits 60000/500000, 30000 records', n: 30000,
	    w: [5, 5, 90], l1: 60000, l2: 500000 },
	{ name: 'small frames 4096, 8000 records', n: 8000, w: [10, 10, 80],
	    l1: 4096, l2: 4096 },
];

for (const cs of cases) {
	test(`negentropy interop: ${cs.name}`, { timeout: 120000 }, async () => {
		const [a, b] = makeSets(cs.n, cs.w, cs.n + cs.w[0]);
		const ida = new Set(a.map((x) => x[1])), idb = new Set(b.map((x) => x[1]));
		const wantHave = new Set([...ida].filter((x) => !idb.has(x)));
		const wantNeed = new Set([...idb].filter((x) => !ida.has(x)));
		const ref = await runSync(a, b, 'c', 'c', cs.l1, cs.l2);
		assert.deepEqual(ref.have, wantHave, 'our engines: have');
		assert.deepEqual(ref.need, wantNeed, 'our engines: need');
		const r = await runSync(a, b, 'js', 'c', cs.l1, cs.l2);
		assert.deepEqual(r.have, wantHave, 'nostr-tools client: have');
		assert.deepEqual(r.need, wantNeed, 'nostr-tools client: need');
		assert.equal(r.msgs.length, ref.msgs.length,
		    'rounds differ between the JS client and ours');
		for (let i = 0; i < r.msgs.length; i++)
			assert.equal(r.msgs[i], ref.msgs[i], `message ${i} differs`);
	});
}
