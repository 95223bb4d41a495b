// canon.mjs: cross-checks samizdat's NIP-01 canonical serialization, event
// ids and id/signature checks against nostr-tools, byte for byte.
//
// Makes a deterministic corpus (seeded PRNG, fixed secret keys) of events
// full of the characters serializers get wrong -- every control character,
// DEL, U+2028/U+2029, quotes, backslashes, slashes, astral emoji, long
// strings, many tags, created_at up to 2^53-1, kinds 0..65535 -- signs them
// with nostr-tools' finalizeEvent, writes them as JSON lines to a temp file
// and pipes that through test/tools/canon.c, which answers one line each:
// "<id> <check> <serialization>" or "ERROR <name>".  Then asserts, per line,
// that our id is getEventHash(), our serialization is serializeEvent() and
// our check is "ok"; and that deliberately broken events are rejected.
//
// Usage: node canon.mjs /abs/path/to/build/san/tools/canon
// (test/interop/run.sh does this).  CANON_SEED and CANON_COUNT override the
// seed and corpus size for exploration; the defaults are what CI runs.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync }
    from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'node:test';

import '../webcrypto.mjs';	// before nostr-tools, for Node 18
import { finalizeEvent, getEventHash, serializeEvent } from 'nostr-tools/pure';

const TOOL = process.argv[2];
const SEED = Number(process.env.CANON_SEED ?? 0x5a312da7);
const COUNT = Number(process.env.CANON_COUNT ?? 2000);
// Stay well inside samizdat's default limits (256 KiB event, 128 KiB content,
// 2500 tags): this test is about serialization, not limits.
const MAX_JSON = 200 * 1024;

if (!TOOL) {
	console.error('usage: node canon.mjs /path/to/canon');
	process.exit(2);
}

// --- deterministic randomness --------------------------------------------

// mulberry32: tiny, seedable, good enough to pick test cases.
function prng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const rand = prng(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (a) => a[Math.floor(rand() * a.length)];
const chance = (p) => rand() < p;

function shuffle(a) {
	for (let i = a.length - 1; i > 0; i--) {
		const j = int(0, i);
		[a[i], a[j]] = [a[j], a[i]];
	}
	return a;
}

// --- keys ----------------------------------------------------------------

const N_MINUS_1 =
    'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140';
const KEYS = [
	'0000000000000000000000000000000000000000000000000000000000000001',
	N_MINUS_1,
	...[0, 1, 2, 3, 4, 5].map((i) => createHash('sha256')
	    .update(`samizdat interop key ${i}`).digest('hex')),
].map((h) => Uint8Array.from(Buffer.from(h, 'hex')));

// --- strings -------------------------------------------------------------

const CONTROLS = [...Array(0x20).keys(), 0x7f];
const SPECIAL = ['"', '\\', '/', '\\"', '\\\\', '\\u0000', '</script>',
	'\u2028', '\u2029', '\u0085', '\u00a0', '\ufeff', '\u200b', '\u200d',
	'\u200e', '\u200f', '\ufffd', '\ufffe', '\uffff', '\u{10ffff}',
	'\u{1f600}', '\u{1f4a9}', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}',
	'\u{1f1fa}\u{1f1f3}', '\u{1f44d}\u{1f3fd}', 'e\u0301', '\u0928\u093f',
	'\u05e9\u05dc\u05d5\u05dd', '\u0645\u0631\u062d\u0628\u0627',
	'\u65e5\u672c\u8a9e', '\u{20000}', '\u{e0001}', '\u{f0000}'];

// One code point or short sequence, never a lone surrogate.
function piece() {
	const r = rand();
	if (r < 0.40)
		return String.fromCharCode(int(0x20, 0x7e));
	if (r < 0.52)
		return String.fromCharCode(pick(CONTROLS));
	if (r < 0.64)
		return pick(SPECIAL);
	if (r < 0.74)
		return String.fromCodePoint(int(0x80, 0x7ff));
	if (r < 0.86) {
		let cp;
		do
			cp = int(0x800, 0xffff);
		while (cp >= 0xd800 && cp <= 0xdfff);
		return String.fromCodePoint(cp);
	}
	if (r < 0.94)
		return String.fromCodePoint(int(0x1f300, 0x1faff));
	return String.fromCodePoint(int(0x10000, 0x10ffff));
}

function str(maxlen) {
	const r = rand();
	let n;

	if (r < 0.05)
		return '';
	if (r < 0.75)
		n = int(1, 20);
	else if (r < 0.95)
		n = int(20, 500);
	else
		n = int(2000, 20000);
	n = Math.min(n, maxlen);
	const a = [];
	for (let i = 0; i < n; i++)
		a.push(piece());
	return a.join('');
}

const hex64 = () => Array.from({ length: 64 },
    () => '0123456789abcdef'[int(0, 15)]).join('');

// --- events --------------------------------------------------------------

const CREATED = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32,
	1700000000, 4102444800, 2 ** 53 - 2, 2 ** 53 - 1];
const KINDS = [0, 1, 2, 3, 4, 5, 6, 7, 9734, 9735, 9999, 10000, 10002, 19999,
	20000, 29999, 30000, 30023, 39999, 40000, 65534, 65535];
const TAGNAMES = ['e', 'p', 'a', 'd', 't', 'r', 'expiration', 'E', 'P',
	'emoji', 'subject'];

function createdAt() {
	const r = rand();
	if (r < 0.3)
		return pick(CREATED);
	if (r < 0.6)
		return int(1600000000, 1900000000);
	// Uniform below 2^53: 21 high bits, 32 low bits.
	return int(0, 2 ** 21 - 1) * 2 ** 32 + int(0, 2 ** 32 - 1);
}

function tag(short) {
	const n = int(1, short ? 3 : 6);
	const t = [chance(0.8) ? pick(TAGNAMES) : str(short ? 4 : 30)];
	for (let i = 1; i < n; i++)
		t.push(chance(0.3) ? hex64() : str(short ? 8 : 200));
	return t;
}

function tags() {
	const r = rand();
	let n, short = false;
	if (r < 0.3)
		n = 0;
	else if (r < 0.8)
		n = int(1, 5);
	else if (r < 0.95)
		n = int(6, 50);
	else {
		n = int(100, 2000);
		short = true;
	}
	return Array.from({ length: n }, () => tag(short));
}

// Signs a template and, sometimes, reorders all seven keys: the parser must
// not care about field order.
function sign(tmpl, key) {
	const ev = finalizeEvent(tmpl, key);
	if (!chance(0.33))
		return ev;
	const out = {};
	for (const k of shuffle(Object.keys(ev)))
		out[k] = ev[k];
	return out;
}

function fit(tmpl) {
	const size = () => Buffer.byteLength(JSON.stringify(tmpl)) + 300;
	while (size() > MAX_JSON && tmpl.tags.length > 0)
		tmpl.tags.length = Math.floor(tmpl.tags.length / 2);
	while (size() > MAX_JSON)
		tmpl.content = [...tmpl.content].slice(0,
		    Math.floor([...tmpl.content].length / 2)).join('');
	return tmpl;
}

function randomEvent() {
	const fields = {
		kind: () => (chance(0.4) ? pick(KINDS) : int(0, 65535)),
		created_at: createdAt,
		tags,
		content: () => str(20000),
	};
	const tmpl = {};
	for (const k of shuffle(Object.keys(fields)))
		tmpl[k] = fields[k]();
	return sign(fit(tmpl), pick(KEYS));
}

// Hand-made cases that random choice might miss.
function edgeEvents() {
	const k = KEYS[2];
	const ev = (content, t = [], kind = 1, created_at = 1700000000) =>
	    finalizeEvent({ kind, created_at, tags: t, content }, k);
	const out = [];

	for (const c of CONTROLS) {
		const s = String.fromCharCode(c);
		out.push(ev(s));
		out.push(ev(`a${s}b`, [[s, s], ['t', `${s}${s}`]]));
	}
	out.push(ev(CONTROLS.map((c) => String.fromCharCode(c)).join('')));
	out.push(ev(''));
	out.push(ev('"\\/\\\\""//'));
	out.push(ev('\u2028\u2029', [['\u2028', '\u2029']]));
	out.push(ev(SPECIAL.join('')));
	out.push(ev('x'.repeat(100000)));
	out.push(ev('\u{1f600}'.repeat(20000)));
	out.push(ev('\u001f'.repeat(10000)));
	out.push(ev('\\'.repeat(10000)));
	out.push(ev('', Array.from({ length: 2000 }, () => ['p', hex64()])));
	out.push(ev('', [[''], ['', ''], ['e']]));
	for (const c of CREATED)
		out.push(ev('t', [], 1, c));
	for (const kd of KINDS)
		out.push(ev('k', [], kd));
	for (const key of KEYS)
		out.push(finalizeEvent({ kind: 1, created_at: 1, tags: [],
		    content: 'key' }, key));
	return out;
}

// Writes an event with every non-ASCII character and "/" escaped as JSON
// allows; the decoded event, and so the id, must be the same.
function asciiJson(ev) {
	return JSON.stringify(ev)
	    .replace(/[\u0080-\uffff]/g,
		(c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
	    .replace(/\//g, '\\/');
}

// --- broken events: each line, and the answer it must get ----------------

function flipHex(s, i) {
	const c = s[i] === '0' ? '1' : '0';
	return s.slice(0, i) + c + s.slice(i + 1);
}

function brokenEvents() {
	const k = KEYS[3];
	const out = [];
	const base = (content) => finalizeEvent({ kind: 1,
	    created_at: 1700000000, tags: [['t', 'x']], content }, k);

	for (let i = 0; i < 20; i++) {
		const ev = base(`edit me ${i} \u001f\u{1f600}`);
		ev.content += i % 2 ? ' ' : '\u0000';
		out.push({ name: `edited content ${i}`, line: JSON.stringify(ev),
		    want: 'bad-id', ev });
	}
	for (let i = 0; i < 20; i++) {
		const ev = base(`edit my tags ${i}`);
		ev.tags[0][1] = 'y';
		out.push({ name: `edited tag ${i}`, line: JSON.stringify(ev),
		    want: 'bad-id', ev });
	}
	for (let i = 0; i < 20; i++) {
		const ev = base(`flip my id ${i}`);
		ev.id = flipHex(ev.id, (i * 7) % 64);
		out.push({ name: `flipped id char ${i}`, line: JSON.stringify(ev),
		    want: 'bad-id', ev });
	}
	for (let i = 0; i < 40; i++) {
		const ev = base(`flip my sig ${i}`);
		ev.sig = flipHex(ev.sig, (i * 13) % 128);
		out.push({ name: `flipped sig char ${i}`, line: JSON.stringify(ev),
		    want: 'bad-sig', ev });
	}

	// JSON.stringify writes lone surrogates as \udXXX escapes.
	const lone = ['\ud800', '\udbff', '\udc00', '\udfff', 'a\ud800b',
		'\udc00\ud800', '\u{1f600}\ud83d', '\ud83d\u{1f600}'.slice(0, 1)];
	for (const [i, s] of lone.entries()) {
		out.push({ name: `lone surrogate in content ${i}`,
		    line: JSON.stringify(base(s)), want: 'ERROR UTF8' });
		const ev = base('ok');
		ev.tags = [['t', s]];
		out.push({ name: `lone surrogate in tag ${i}`,
		    line: JSON.stringify(ev), want: 'ERROR UTF8' });
	}

	// Raw bytes that are not UTF-8, spliced into the content.
	const bad = [[0xff], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80],
		[0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80],
		[0xf5, 0x80, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xf0, 0x9f, 0x98]];
	for (const [i, bytes] of bad.entries()) {
		const [pre, post] = JSON.stringify(base('@@')).split('@@');
		out.push({ name: `invalid UTF-8 ${i}`, want: 'ERROR UTF8',
		    line: Buffer.concat([Buffer.from(pre), Buffer.from(bytes),
			Buffer.from(post)]) });
	}

	// A raw control character inside a string is not JSON.
	const [pre, post] = JSON.stringify(base('@@')).split('@@');
	for (const c of [0x00, 0x01, 0x09, 0x0d, 0x1f])
		out.push({ name: `raw control 0x${c.toString(16)}`,
		    want: /^ERROR /, line: pre + String.fromCharCode(c) + post });
	return out;
}

// --- running the tool ----------------------------------------------------

function runCanon(lines) {
	const dir = mkdtempSync(join(tmpdir(), 'samizdat-interop-'));
	const path = join(dir, 'corpus.jsonl');
	try {
		writeFileSync(path, Buffer.concat(lines.flatMap((l) =>
		    [Buffer.isBuffer(l) ? l : Buffer.from(l, 'utf8'),
			Buffer.from('\n')])));
		const fd = openSync(path, 'r');
		let r;
		try {
			r = spawnSync(TOOL, [], { stdio: [fd, 'pipe', 'pipe'],
			    maxBuffer: 1 << 30 });
		} finally {
			closeSync(fd);
		}
		return r;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

function splitLines(buf) {
	const out = [];
	let start = 0, i;
	while ((i = buf.indexOf(0x0a, start)) !== -1) {
		out.push(buf.subarray(start, i));
		start = i + 1;
	}
	if (start < buf.length)
		out.push(buf.subarray(start));
	return out;
}

// Parses one answer line into { id, check, ser } (ser stays bytes).
function parseAnswer(line) {
	const s = line.subarray(0, 80).toString('latin1');
	const m = /^([0-9a-f]{64}) (\S+) /.exec(s);
	if (!m)
		return { error: line.toString('utf8') };
	return { id: m[1], check: m[2], ser: line.subarray(m[0].length) };
}

// Shows where two byte strings first differ: both in full when short,
// otherwise 200 bytes either side of the first difference.  They are printed
// as they are, except that raw control characters (which a correct
// serialization never holds), DEL, U+2028 and U+2029 show as <U+XXXX>.
function showDiff(what, got, want) {
	let i = 0;
	while (i < got.length && i < want.length && got[i] === want[i])
		i++;
	const from = Math.max(0, i - 200);
	const show = (b) => {
		const cut = b.length > 600;
		const s = (cut ? b.subarray(from, i + 200) : b).toString('utf8')
		    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
			`<U+${c.charCodeAt(0).toString(16).padStart(4, '0')}>`);
		return (cut && from > 0 ? `[from byte ${from}] ...` : '') + s +
		    (cut && i + 200 < b.length ? '...' : '');
	};
	return `${what} differs at byte ${i} (got ${got.length} bytes, want ` +
	    `${want.length}):\n  got:  ${show(got)}\n  want: ${show(want)}`;
}

// Compares our answers with what nostr-tools says of the same events.
// Returns: a list of failure messages, the first one detailed.
function compare(events, answers, label = 'event',
    wantCheck = () => 'ok') {
	const fails = [];
	for (let i = 0; i < events.length; i++) {
		const ev = events[i];
		const a = answers[i];
		const num = events.length > 1 ? ` ${i}` : '';
		const name = `${label}${num} (kind ${ev.kind}, created_at ` +
		    `${ev.created_at}, ${ev.tags.length} tags)`;
		if (a === undefined || a.error !== undefined) {
			fails.push(`${name}: canon said ${a ? a.error : 'nothing'}`);
			continue;
		}
		const want = Buffer.from(serializeEvent(ev), 'utf8');
		if (!a.ser.equals(want))
			fails.push(`${name}: ` + showDiff('serialization', a.ser, want));
		else if (a.id !== getEventHash(ev))
			fails.push(`${name}: id ${a.id}, nostr-tools ${getEventHash(ev)}`);
		else if (a.check !== wantCheck(i))
			fails.push(`${name}: check ${a.check}, want ${wantCheck(i)}`);
	}
	return fails;
}

function assertNoFails(fails, total) {
	if (fails.length === 0)
		return;
	assert.fail(`${fails.length} of ${total} differ; the first:\n` +
	    fails[0] + (fails.length > 1 ? `\nthen:\n  ${fails.slice(1, 5)
	    .map((f) => f.split('\n')[0]).join('\n  ')}` : ''));
}

// --- the tests -----------------------------------------------------------

const corpus = [...edgeEvents()];
for (let i = 0; i < COUNT; i++)
	corpus.push(randomEvent());
const ascii = corpus.filter((_, i) => i % 4 === 0);
const broken = brokenEvents();

const lines = [
	...corpus.map((ev) => JSON.stringify(ev)),
	...ascii.map(asciiJson),
	...broken.map((b) => b.line),
];
const run = runCanon(lines);
const answers = run.stdout ? splitLines(run.stdout).map(parseAnswer) : [];
const ansCorpus = answers.slice(0, corpus.length);
const ansAscii = answers.slice(corpus.length, corpus.length + ascii.length);
const ansBroken = answers.slice(corpus.length + ascii.length);

test(`canon runs cleanly on ${lines.length} lines`, () => {
	assert.equal(run.error, undefined, `cannot run ${TOOL}: ${run.error}`);
	assert.equal(run.stderr.toString(), '', 'canon wrote to stderr');
	assert.equal(run.status, 0, `canon exit status ${run.status}` +
	    (run.signal ? ` (signal ${run.signal})` : ''));
	assert.equal(answers.length, lines.length, 'one answer per line');
});

test(`serialization, id and check match nostr-tools on ${corpus.length} ` +
    'events', () => {
	assertNoFails(compare(corpus, ansCorpus), corpus.length);
});

test(`ASCII-only re-encodings of ${ascii.length} events give the same ` +
    'answers', () => {
	assertNoFails(compare(ascii, ansAscii, 'ASCII-only re-encoding'),
	    ascii.length);
});

test(`${broken.length} broken events are rejected`, () => {
	const fails = [];
	for (const [i, b] of broken.entries()) {
		const a = ansBroken[i];
		const got = a === undefined ? 'nothing' :
		    a.error ?? a.check;
		const ok = b.want instanceof RegExp ? b.want.test(got) :
		    got === b.want;
		if (!ok)
			fails.push(`${b.name}: got ${got}, want ${b.want}`);
		else if (b.ev && a.ser !== undefined) {
			// An edited event still serializes as nostr-tools does.
			const f = compare([b.ev], [a], b.name, () => b.want);
			if (f.length)
				fails.push(f[0]);
		}
	}
	assertNoFails(fails, broken.length);
});

// The comparison itself must notice a one-byte difference; otherwise the
// tests above prove nothing.
test('comparison catches a tampered expectation', () => {
	const i = corpus.findIndex((ev) => ev.content === '\u001f');
	assert.ok(i >= 0);
	const ev = corpus[i];
	const a = ansCorpus[i];
	assert.ok(a && a.ser, 'no answer to tamper with');
	assert.deepEqual(compare([ev], [a]), []);
	const wrong = Buffer.from(a.ser.toString('utf8')
	    .replace('\\u001f', '\\u001F'), 'utf8');
	const f = compare([ev], [{ ...a, ser: wrong }]);
	assert.equal(f.length, 1);
	assert.match(f[0], /serialization differs at byte/);
	assert.equal(compare([ev], [{ ...a, id: flipHex(a.id, 0) }]).length, 1);
	assert.equal(compare([ev], [{ ...a, check: 'bad-sig' }]).length, 1);
});
