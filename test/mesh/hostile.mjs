// hostile.mjs URL OUT.json [FLOOD [CONNS]]: a hostile process on the LAN, for
// s5-hostile.sh.  Against the relay at URL:
//
//   forged    events with broken signatures and events edited after
//             signing, once as a plain client and once on a connection
//             that passed the node handshake (?samizdat-node + NIP-42 AUTH
//             with a key of its own: anyone can claim to be a node); each
//             must be answered OK false "invalid: ..."
//   flood     FLOOD (default 5000) valid, freshly signed events sent as
//             fast as the sockets take them, spread over CONNS (default 1)
//             connections opened at once, then every OK awaited; with
//             FLOOD_AS_NODE=1 in the environment each flood connection
//             first claims to be a node (NIP-42 with the flood's key)
//
// Writes a summary to OUT.json (forged ids, answers, flood counts and
// times); "OUT.json.flooding" appears when the flood starts.  Bounded: at
// most ~60 s, whatever the relay does.

import { writeFileSync } from 'node:fs';

import { WebSocket, wasm, initNostrWasm, finalizeEvent, generateSecretKey }
    from '../relay/deps.mjs';

const [url, out, floodArg, connsArg] = process.argv.slice(2);
const FLOOD = Number(floodArg ?? 5000);
const CONNS = Number(connsArg ?? 1);
const AS_NODE = process.env.FLOOD_AS_NODE === '1';
const now = () => Math.floor(Date.now() / 1000);
const hardStop = setTimeout(() => {
	console.error('hostile: hard timeout');
	process.exit(3);
}, 60000);

wasm.setNostrWasm(await initNostrWasm());

// Resolves to [ws, collector]; the collector listens from the start (the
// relay sends its AUTH challenge the moment the socket opens).
function open(u) {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(u, { perMessageDeflate: false });
		const col = okCollector(ws);
		const t = setTimeout(() => reject(new Error('connect timeout')),
		    10000);
		ws.once('open', () => { clearTimeout(t); resolve([ws, col]); });
		ws.once('error', (e) => { clearTimeout(t); reject(e); });
	});
}

// Collects OK answers by id; waitOks resolves when all ids are answered
// or the deadline passes.
function okCollector(ws) {
	const oks = new Map();
	const other = [];
	let waiter = null;
	ws.on('message', (data) => {
		let m;
		try { m = JSON.parse(data.toString()); } catch { return; }
		if (m[0] === 'OK')
			oks.set(m[1], { ok: m[2], msg: m[3] });
		else
			other.push(m);
		if (waiter)
			waiter();
	});
	return {
		oks, other,
		wait(ids, ms) {
			return new Promise((resolve) => {
				const done = () => {
					if (ids.every((id) => oks.has(id))) {
						clearTimeout(t);
						waiter = null;
						resolve(true);
					}
				};
				const t = setTimeout(() => { waiter = null;
				    resolve(false); }, ms);
				waiter = done;
				done();
			});
		},
	};
}

function forged(sk, tag) {
	const bad = [];
	for (let i = 0; i < 10; i++) {
		const ev = { ...wasm.finalizeEvent({ kind: 1, tags: [],
		    content: `forged ${tag} ${i}`, created_at: now() }, sk) };
		if (i % 2 === 0) {
			// a broken signature (the id still matches the content)
			const c = ev.sig[10] === '0' ? '1' : '0';
			ev.sig = ev.sig.slice(0, 10) + c + ev.sig.slice(11);
		} else {
			// a signature over other content, id recomputed: only
			// the signature check can catch it
			const other = { ...wasm.finalizeEvent({ kind: 1, tags: [],
			    content: `forged ${tag} ${i} edited`,
			    created_at: ev.created_at }, sk) };
			ev.content = other.content;
			ev.id = other.id;
		}
		bad.push(ev);
	}
	return bad;
}

const result = { forged: [], flood: {} };
const sk = generateSecretKey();

// Claims to be a node: answers the relay's NIP-42 challenge with key sk.
async function authAsNode(ws, col, key) {
	const t0 = Date.now();
	while (!col.other.some((m) => m[0] === 'AUTH') &&
	    Date.now() - t0 < 5000)
		await new Promise((r) => setTimeout(r, 20));
	const ch = col.other.find((m) => m[0] === 'AUTH');
	if (!ch)
		return 'no challenge';
	const auth = { ...wasm.finalizeEvent({ kind: 22242,
	    tags: [['relay', url], ['challenge', ch[1]]],
	    content: '', created_at: now() }, key) };
	ws.send(JSON.stringify(['AUTH', auth]));
	await col.wait([auth.id], 5000);
	return col.oks.get(auth.id) ?? null;
}
const nodeUrl = url.replace(/\/?$/, '/?samizdat-node');

// --- forged, as a client and as a "node" -----------------------------------
for (const asNode of [false, true]) {
	const [ws, col] = await open(asNode ? nodeUrl : url);
	if (asNode)
		result.nodeAuth = await authAsNode(ws, col, sk);
	const bad = forged(sk, asNode ? 'as node' : 'as client');
	for (const ev of bad)
		ws.send(JSON.stringify(['EVENT', ev]));
	await col.wait(bad.map((e) => e.id), 10000);
	for (const ev of bad)
		result.forged.push({ id: ev.id, asNode,
		    answer: col.oks.get(ev.id) ?? null });
	ws.close();
}

// --- flood ---------------------------------------------------------------
const fsk = generateSecretKey();
const t0 = Date.now();
const evs = [];
for (let i = 0; i < FLOOD; i++)
	evs.push({ ...wasm.finalizeEvent({ kind: 1, tags: [['t', 'flood']],
	    content: `flood ${i} ${Math.random()}`, created_at: now() }, fsk) });
result.flood.signMs = Date.now() - t0;
// CONNS connections at once: the rate limit is per connection.
const socks = await Promise.all(Array.from({ length: CONNS },
    () => open(AS_NODE ? nodeUrl : url)));
if (AS_NODE)
	result.flood.auth = await Promise.all(socks.map(([ws, col]) =>
	    authAsNode(ws, col, fsk)));
result.flood.asNode = AS_NODE;
let closed = 0;
for (const [ws] of socks)
	ws.on('close', () => { closed++; });
writeFileSync(out + '.flooding', '');
const t1 = Date.now();
const parts = socks.map(() => []);
evs.forEach((ev, i) => parts[i % CONNS].push(ev));
socks.forEach(([ws], k) => {
	for (const ev of parts[k])
		ws.send(JSON.stringify(['EVENT', ev]));
});
await new Promise((r) => { const f = () => socks.every(([ws]) =>
    ws.bufferedAmount === 0) ? r() : setTimeout(f, 5); f(); });
result.flood.sendMs = Date.now() - t1;
const alls = await Promise.all(socks.map(([, col], k) =>
    col.wait(parts[k].map((e) => e.id), 40000)));
result.flood.answerMs = Date.now() - t1;
result.flood.allAnswered = alls.every(Boolean);
result.flood.closedBy = closed;
result.flood.conns = CONNS;
const oks = new Map();
for (const [, col] of socks)
	for (const [id, a] of col.oks)
		oks.set(id, a);
let accepted = 0, limited = 0, otherNo = 0;
const reasons = {};
for (const ev of evs) {
	const a = oks.get(ev.id);
	if (!a)
		continue;
	const { ok, msg } = a;
	if (ok) accepted++;
	else if (/^rate-limited:/.test(msg)) limited++;
	else { otherNo++; reasons[msg] = (reasons[msg] ?? 0) + 1; }
}
Object.assign(result.flood, { sent: FLOOD,
    answered: evs.filter((e) => oks.has(e.id)).length, accepted,
    limited, otherNo, reasons });
result.flood.acceptedIds = evs.filter((e) => oks.get(e.id)?.ok)
    .map((e) => e.id);
for (const [ws] of socks)
	ws.close();
writeFileSync(out, JSON.stringify(result, null, 1));
clearTimeout(hardStop);
process.exit(0);
