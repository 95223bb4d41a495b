// propagation.mjs OUT.json COUNT URL...: for bench/mesh.sh.  Subscribes
// to every relay in URL (REQ for kind 1 with tag t=bench), then COUNT
// times publishes one fresh note as EVENT to a random one of them and
// records when each relay delivers it.  The propagation time of a note is
// the last arrival minus the moment it was sent.  Writes the per-note
// times (ms, null for a relay that never delivered it within 10 s) to
// OUT.json.  Bounded: about COUNT * 10 s at worst, hard stop at 300 s.

import { writeFileSync } from 'node:fs';

import { WebSocket, wasm, initNostrWasm, generateSecretKey }
    from '../relay/deps.mjs';

const [out, countArg, ...urls] = process.argv.slice(2);
const COUNT = Number(countArg);
const hard = setTimeout(() => { console.error('propagation: hard timeout');
    process.exit(3); }, 300000);
wasm.setNostrWasm(await initNostrWasm());
const sk = generateSecretKey();
const now = () => Math.floor(Date.now() / 1000);
const t = () => Number(process.hrtime.bigint() / 1000n) / 1000;	// ms

const arrivals = new Map();	// id -> array of ms per relay
let onArrival = null;

const socks = await Promise.all(urls.map((u, k) => new Promise((res, rej) => {
	const ws = new WebSocket(u, { perMessageDeflate: false });
	const to = setTimeout(() => rej(new Error(`${u}: connect timeout`)),
	    10000);
	ws.on('message', (data) => {
		const at = t();
		let m;
		try { m = JSON.parse(data.toString()); } catch { return; }
		if (m[0] === 'EOSE' && m[1] === 'b') {
			clearTimeout(to);
			res(ws);
		}
		if (m[0] !== 'EVENT' || m[1] !== 'b')
			return;
		const a = arrivals.get(m[2].id);
		if (a && a[k] === null) {
			a[k] = at;
			if (onArrival)
				onArrival();
		}
	});
	ws.once('open', () => ws.send(JSON.stringify(['REQ', 'b',
	    { kinds: [1], '#t': ['bench'], since: now() }])));
	ws.once('error', rej);
})));

const results = [];
for (let i = 0; i < COUNT; i++) {
	const origin = Math.floor(Math.random() * urls.length);
	const ev = { ...wasm.finalizeEvent({ kind: 1, tags: [['t', 'bench']],
	    content: `bench ${i} from ${origin} ${Math.random()}`,
	    created_at: now() }, sk) };
	const a = urls.map(() => null);
	arrivals.set(ev.id, a);
	const t0 = t();
	socks[origin].send(JSON.stringify(['EVENT', ev]));
	await new Promise((res) => {
		const to = setTimeout(res, 10000);
		onArrival = () => { if (a.every((x) => x !== null)) {
		    clearTimeout(to); res(); } };
	});
	onArrival = null;
	results.push({ origin, id: ev.id,
	    perNode: a.map((x) => x === null ? null : +(x - t0).toFixed(1)) });
	await new Promise((r) => setTimeout(r, 250));
}
for (const ws of socks)
	ws.close();
writeFileSync(out, JSON.stringify(results));
clearTimeout(hard);
process.exit(0);
