// flood.mjs MODE ...: the processes of a fresh-key flood on a line of
// nodes A - B - C, for bench/flood.sh and test/mesh/s9-flood.sh.  Each
// mode is one process in one network namespace; times are wall-clock
// milliseconds (one machine, one clock), so that what one process sent
// and another saw can be set side by side.
//
//   flood URL OUT KEYS CONNS SECS
//        KEYS fresh keys publish kind 1 notes tagged t=flood, round robin,
//        over CONNS connections to URL for SECS seconds; each connection
//        keeps WINDOW (32) events unanswered, so the flood runs at the
//        highest rate the relay takes (it slows a connection past
//        events_per_minute and answers every EVENT).  FLOOD_PRESIGN
//        (default 5 per key) events are signed before the connections
//        open (at most 30 s of signing), then sent round and round: the
//        flooder shares this machine's CPU with the nodes.  No proof of work:
//        once the relay asks for some, the flood is refused with pow:.
//        OUT gets the counts by answer; "OUT.flooding" appears when every
//        connection is open and the flood starts.
//   post URL OUT SECS VOUCHED_SK
//        every second, an honest report (t=honest) signed with the key
//        VOUCHED_SK (hex), and half a second later one signed with a new
//        key (an unknown person's first report), mined to the difficulty
//        the relay asks now (NIP-11 min_pow_difficulty; mined again if
//        the relay asks more by the time it is sent).  OUT: per report its
//        id, which key, when it was sent (the final attempt), the answer,
//        the bits and the mining time.
//   watch URL OUT SECS
//        subscribes to t=honest at URL and records when each event
//        arrives (OUT: id -> ms).  "OUT.ready" appears after EOSE.
//        It ends early once "OUT.stop" exists.
//   page URL OUT SECS
//        every 2 s, loads the page the relay serves: GET / and every
//        same-origin script, style sheet and icon it names, and GET
//        /api/node; OUT: per load its total time and status.
//
//   key  prints a new secret key and its public key, in hex.
//
// Every mode is bounded: it ends after SECS plus a few seconds, whatever
// the relay does.

import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';

import { WebSocket, wasm, initNostrWasm, getEventHash, getPublicKey }
    from '../relay/deps.mjs';
import { randomBytes } from 'node:crypto';

const [mode, url, out, ...rest] = process.argv.slice(2);
const now = () => Math.floor(Date.now() / 1000);
const ms = () => Date.now();
const sleep = (t) => new Promise((r) => setTimeout(r, t));
const WINDOW = 32;

wasm.setNostrWasm(await initNostrWasm());

function open(u) {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(u, { perMessageDeflate: false });
		const t = setTimeout(() => { ws.terminate();
		    reject(new Error('connect timeout')); }, 10000);
		ws.once('open', () => { clearTimeout(t); resolve(ws); });
		ws.once('error', (e) => { clearTimeout(t); reject(e); });
	});
}

function hexKey(h) {
	return Uint8Array.from(Buffer.from(h, 'hex'));
}

// --- flood ---------------------------------------------------------------
async function flood(nkeys, nconns, secs, presign) {
	const keys = Array.from({ length: nkeys }, () => randomBytes(32));
	const res = { keys: nkeys, conns: nconns, secs, sent: 0, answered: 0,
	    accepted: 0, held: 0, duplicate: 0, refused: {}, closed: 0,
	    errors: 0 };
	let k = 0, seq = 0, used = 0;
	const make = () => wasm.finalizeEvent({ kind: 1,
	    tags: [['t', 'flood']], created_at: now(),
	    content: `flood ${seq++} ${randomBytes(24).toString('hex')}` },
	    keys[k++ % nkeys]);
	// Signed before the flood, as by an attacker with CPU of its own:
	// this process shares the machine with the nodes.
	const t00 = ms();
	const pool = [];
	while (pool.length < presign && ms() - t00 < 30000)
		pool.push(JSON.stringify(['EVENT', make()]));
	res.presigned = pool.length;
	res.signMs = Math.round(ms() - t00);
	// Then the pool again: A stores none of what it refuses, so a
	// refused event sent again costs it what a new one would.
	const next = () => pool.length > 0 ? pool[used++ % pool.length] :
	    JSON.stringify(['EVENT', make()]);
	const end = ms() + secs * 1000;
	const socks = [];
	for (let i = 0; i < nconns; i++) {
		try { socks.push(await open(url)); } catch { res.errors++; }
	}
	if (socks.length === 0)
		throw new Error('flood: no connection opened');
	res.open = socks.length;
	writeFileSync(out + '.flooding', '');
	const t0 = ms();
	const runs = socks.map((ws) => new Promise((done) => {
		let inflight = 0;
		const send = () => {
			while (inflight < WINDOW && ms() < end &&
			    ws.readyState === WebSocket.OPEN) {
				ws.send(next());
				inflight++;
				res.sent++;
			}
			if (inflight === 0 || ws.readyState !== WebSocket.OPEN)
				done();
		};
		ws.on('message', (d) => {
			let m;
			try { m = JSON.parse(d.toString()); } catch { return; }
			if (m[0] !== 'OK')
				return;
			inflight--;
			res.answered++;
			if (m[2] && /^rate-limited:/.test(m[3] ?? ''))
				res.held++;
			else if (m[2] && /^duplicate:/.test(m[3] ?? ''))
				res.duplicate++;
			else if (m[2])
				res.accepted++;
			else {
				const p = (m[3] ?? '').split(':')[0];
				res.refused[p] = (res.refused[p] ?? 0) + 1;
			}
			send();
		});
		ws.on('close', () => { res.closed++; done(); });
		ws.on('error', () => {});
		send();
	}));
	await Promise.race([Promise.all(runs), sleep(secs * 1000 + 5000)]);
	res.ms = Math.round(ms() - t0);
	for (const ws of socks)
		ws.terminate();
	return res;
}

// --- post ----------------------------------------------------------------
function zeroBits(hex) {
	let n = 0;
	for (const c of hex) {
		const v = parseInt(c, 16);
		if (v === 0) { n += 4; continue; }
		return n + Math.clz32(v) - 28;
	}
	return n;
}

function mine(sk, content, bits) {
	const base = { kind: 1, created_at: now(), content,
	    pubkey: getPublicKey(sk) };
	const t = [['t', 'honest']];
	if (bits === 0)
		return wasm.finalizeEvent({ ...base, tags: t }, sk);
	for (let nonce = 0; nonce < 1 << 26; nonce++) {
		const tags = [...t, ['nonce', String(nonce), String(bits)]];
		if (zeroBits(getEventHash({ ...base, tags })) >= bits)
			return wasm.finalizeEvent({ kind: 1, tags, content,
			    created_at: base.created_at }, sk);
	}
	throw new Error('no nonce found');
}

function getJSON(u, path, accept) {
	return new Promise((resolve, reject) => {
		const q = http.get(new URL(path, u.replace(/^ws/, 'http')),
		    { headers: { accept }, timeout: 5000 }, (r) => {
			let b = '';
			r.setEncoding('utf8');
			r.on('data', (c) => { b += c; });
			r.on('end', () => {
				try { resolve(JSON.parse(b)); }
				catch (e) { reject(e); }
			});
		});
		q.on('error', reject);
		q.on('timeout', () => q.destroy(new Error('timeout')));
	});
}

async function difficulty() {
	try {
		const d = await getJSON(url, '/', 'application/nostr+json');
		return d.limitation?.min_pow_difficulty ?? 0;
	} catch {
		return 0;
	}
}

async function post(secs, vouchedHex) {
	const vouched = hexKey(vouchedHex);
	const ws = await open(url);
	const answers = new Map();
	let waiter = null;
	ws.on('message', (d) => {
		let m;
		try { m = JSON.parse(d.toString()); } catch { return; }
		if (m[0] === 'OK') {
			answers.set(m[1], { ok: m[2], msg: m[3], at: ms() });
			if (waiter)
				waiter();
		}
	});
	const answer = (id) => new Promise((resolve) => {
		const t = setTimeout(() => { waiter = null; resolve(null); },
		    5000);
		waiter = () => {
			if (answers.has(id)) {
				clearTimeout(t);
				waiter = null;
				resolve(answers.get(id));
			}
		};
		waiter();
	});
	const reports = [];
	const end = ms() + secs * 1000;
	for (let i = 0; ms() < end; i++) {
		const tick = ms();
		for (const who of ['vouched', 'fresh']) {
			const sk = who === 'vouched' ? vouched : randomBytes(32);
			const t0 = ms();
			let bits = who === 'fresh' ? await difficulty() : 0;
			let ev, sent, a;
			for (let tries = 0; tries < 3; tries++) {
				ev = mine(sk, `honest ${who} report ${i} ` +
				    randomBytes(8).toString('hex'), bits);
				sent = ms();
				ws.send(JSON.stringify(['EVENT', ev]));
				a = await answer(ev.id);
				const need = /^pow:.*difficulty (\d+) needed/
				    .exec(a?.msg ?? '');
				if (!need)
					break;
				bits = Number(need[1]);
			}
			reports.push({ id: ev.id, who, sent, bits,
			    mineMs: Math.round(sent - t0), ok: a?.ok ?? null,
			    msg: a?.msg ?? null,
			    okMs: a ? Math.round(a.at - sent) : null });
			await sleep(Math.max(0, tick + (who === 'vouched' ?
			    500 : 1000) - ms()));
		}
	}
	ws.close();
	return reports;
}

// --- watch ---------------------------------------------------------------
async function watch(secs) {
	const ws = await open(url);
	const seen = {};
	ws.on('message', (d) => {
		const at = ms();
		let m;
		try { m = JSON.parse(d.toString()); } catch { return; }
		if (m[0] === 'EVENT' && m[1] === 'w' && !(m[2].id in seen))
			seen[m[2].id] = at;
		if (m[0] === 'EOSE' && m[1] === 'w')
			writeFileSync(out + '.ready', '');
	});
	ws.send(JSON.stringify(['REQ', 'w',
	    { kinds: [1], '#t': ['honest'], since: now() - 5 }]));
	const end = ms() + secs * 1000;
	while (ms() < end && !existsSync(out + '.stop'))
		await sleep(200);
	ws.close();
	return seen;
}

// --- page ----------------------------------------------------------------
// GET u; whatever happens, answered within 20 s (status 0 on failure).
function get(u) {
	const t0 = ms();
	return new Promise((resolve) => {
		const q = http.get(u, (r) => {
			const parts = [];
			r.on('data', (c) => parts.push(c));
			r.on('end', () => { clearTimeout(t); resolve({
			    status: r.statusCode, body: Buffer.concat(parts),
			    ms: Math.round(ms() - t0) });
			});
			r.on('error', () => {});
		});
		const t = setTimeout(() => q.destroy(new Error('20 s')), 20000);
		q.on('error', (e) => { clearTimeout(t);
		    resolve({ status: 0, error: e.message,
		    ms: Math.round(ms() - t0) }); });
	});
}

async function pageOnce(base) {
	const t0 = ms();
	const page = await get(base + '/');
	let status = page.status, bytes = page.body?.length ?? 0;
	const names = new Set();
	const html = page.body ? page.body.toString('utf8') : '';
	for (const m of html.matchAll(/(?:src|href)="(\/[^"/][^"]*)"/g))
		names.add(m[1]);
	names.add('/api/node');
	const rs = await Promise.all([...names].map((p) => get(base + p)));
	for (const r of rs) {
		if (r.status !== 200)
			status = r.status;
		bytes += r.body?.length ?? 0;
	}
	return { at: t0, ms: Math.round(ms() - t0), status, files:
	    1 + names.size, bytes, slowest: rs.reduce((a, r, i) =>
	    r.ms > a.ms ? { ms: r.ms, path: [...names][i] } : a,
	    { ms: page.ms, path: '/' }) };
}

async function pages(secs) {
	const base = url.replace(/^ws/, 'http').replace(/\/$/, '');
	const loads = [];
	const end = ms() + secs * 1000;
	while (ms() < end) {
		const t = ms();
		loads.push(await pageOnce(base));
		writeFileSync(out, JSON.stringify(loads));
		await sleep(Math.max(0, t + 2000 - ms()));
	}
	return loads;
}

// -------------------------------------------------------------------------
if (mode === 'key') {
	const sk = randomBytes(32);
	console.log(sk.toString('hex'), Buffer.from(getPublicKey(sk), 'hex')
	    .toString('hex'));
	process.exit(0);
}
const secs = Number(mode === 'flood' ? rest[2] : rest[0]);
const hard = setTimeout(() => { console.error(`flood.mjs ${mode}: hard ` +
    'timeout'); process.exit(3); }, (secs + 30) * 1000);
let r;
if (mode === 'flood')
	r = await flood(Number(rest[0]), Number(rest[1]), secs,
	    Number(process.env.FLOOD_PRESIGN ?? 5 * Number(rest[0])));
else if (mode === 'post')
	r = await post(secs, rest[1]);
else if (mode === 'watch')
	r = await watch(secs);
else if (mode === 'page')
	r = await pages(secs);
else {
	console.error(`flood.mjs: unknown mode ${mode}`);
	process.exit(2);
}
writeFileSync(out, JSON.stringify(r));
clearTimeout(hard);
process.exit(0);
