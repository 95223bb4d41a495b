// media.test.mjs: photos and videos on the offline page, in a real
// browser against a real node (run.sh starts it: NODE_PORT).  The page is
// reached by a LAN-like name (samizdat.lan, mapped to 127.0.0.1 inside
// Chromium), so it is not a secure context, as on a phone on the node's
// Wi-Fi: no crypto.subtle, no camera API.  Phone A (English, 360x640)
// attaches a JPEG with EXIF GPS and an MP4 with a location atom; what
// reaches the node is read back and must hold no GPS, camera or owner
// data, with imeta's x/ox/size/dim/thumb; phone B (Russian, 320x568) sees
// the photo, checked by hash, full size on a tap; a video that cannot be
// stripped is held until the person decides; the original is offered for
// saving; a photo the node lacks shows a placeholder with its hash, and a
// blob with the wrong bytes is not shown; refusals in the reader's
// language (phone C, Kazakh, 320x568, the composer with a photo).  Until the node has Blossom (PUT /upload), a fake in the
// browser's request routing plays it, with the same checks on what is
// uploaded; the output says which.  With WEB_PAGE set, a small proxy
// serves that page at / (as page.test.mjs does).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import '../webcrypto.mjs';	// for nostr-tools below, on Node 18
import { chromium } from 'playwright-core';
import { pageProxy } from './proxy.mjs';

const AXE = readFileSync(new URL('./node_modules/axe-core/axe.min.js',
    import.meta.url), 'utf8');
const { finalizeEvent, generateSecretKey, verifyEvent } = await import(
    '../../web/node_modules/nostr-tools/lib/esm/pure.js');

const NODE_PORT = Number(process.env.NODE_PORT);
const ARTIFACTS = process.env.ARTIFACTS ?? 'build/test-artifacts';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const LAN = 'samizdat.lan';
const T = { timeout: 60000 };
if (!NODE_PORT)
	throw new Error('NODE_PORT must name the node\'s port (run.sh sets it)');

const MEDIA = new URL('../media/', import.meta.url);
const PHONE_JPG = readFileSync(new URL('phone.jpg', MEDIA));
const LOCATION_MP4 = readFileSync(new URL('location.mp4', MEDIA));
const LOCATION_STRIPPED = readFileSync(new URL('location.stripped.mp4',
    MEDIA));

let origin, host, proxy = null, browser, fake = false;
const seen = [], blocked = [], pageErrors = [];
const uploads = [];	// every PUT /upload: {headers, body}
const store = new Map();	// the fake Blossom's blobs, by sha256
const phones = {};

const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// --- helpers -------------------------------------------------------------

async function waitFor(cond, what, timeout = 15000) {
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

// A request to the node itself, bounded.
function ask(method, path, headers = {}, port = NODE_PORT) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port, method, path,
		    headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode,
			    headers: res.headers, body: Buffer.concat(chunks) }));
			res.on('error', reject);
		});
		req.setTimeout(5000, () => req.destroy(new Error(`${method} ` +
		    `${path}: no answer in 5 s`)));
		req.on('error', reject);
		req.end();
	});
}

// A blob as the node keeps it (or the fake, before the node has Blossom).
async function blob(x) {
	if (fake)
		return store.get(x) ?? null;
	const r = await ask('GET', '/' + x);
	return r.status === 200 ? r.body : null;
}

// The authorization of an upload (BUD-11), decoded and checked.
function checkAuth(header, x) {
	const m = /^Nostr ([A-Za-z0-9_-]+)$/.exec(header ?? '');
	assert.ok(m, `Authorization: ${header}`);
	const ev = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8'));
	assert.equal(ev.kind, 24242);
	assert.ok(verifyEvent(ev), 'the authorization is signed');
	const tag = (k) => ev.tags.filter((t) => t[0] === k).map((t) => t[1]);
	assert.deepEqual(tag('t'), ['upload']);
	assert.ok(tag('x').includes(x), 'the authorization names the blob');
	const now = Math.floor(Date.now() / 1000);
	assert.ok(Number(tag('expiration')[0]) > now, 'not expired');
	assert.ok(ev.created_at <= now, 'created in the past');
	return ev;
}

// What the node refuses (docs/blobs.md: a fragmented MP4, which its
// stripper cannot read, and metadata left in an image or a video are
// refused on /upload); the fake does the same, roughly.
function fakeRefusal(body) {
	const s = body.toString('latin1');
	if (/moof/.test(s))
		return [415, 'unsupported: metadata cannot yet be removed from a ' +
		    'fragmented MP4 (moof)'];
	if (/Exif\0|GPS|\xa9xyz|udta|http:\/\/ns\.adobe\.com/.test(s))
		return [415, 'blocked: the file still carries metadata that can ' +
		    'identify who took it'];
	return null;
}

// Every phone's requests go through here: recorded, the node's passed on
// (or, with the fake, the Blossom ones answered), anything else blocked.
async function route(r) {
	const req = r.request(), u = new URL(req.url());
	seen.push(req.url());
	if (u.host !== host) {
		blocked.push(req.url());
		return r.abort();
	}
	if (u.pathname === '/upload' && req.method() === 'PUT') {
		const body = req.postDataBuffer() ?? Buffer.alloc(0);
		uploads.push({ headers: req.headers(), body });
		if (!fake)
			return r.continue();
		const x = sha256(body);
		const bad = fakeRefusal(body);
		if (req.headers()['x-sha-256'] !== x)
			return r.fulfill({ status: 409, headers: { 'X-Reason':
			    'invalid: X-SHA-256 does not match' } });
		if (bad)
			return r.fulfill({ status: bad[0], headers: { 'X-Reason':
			    bad[1] } });
		checkAuth(req.headers().authorization, x);
		store.set(x, body);
		// The descriptor as docs/blobs.md has it: url by the Host asked,
		// nip94's url where a bridge would put it.
		const type = req.headers()['content-type'];
		const name = `${x}.${type === 'video/mp4' ? 'mp4' : 'jpg'}`;
		return r.fulfill({ status: 201, contentType: 'application/json',
		    body: JSON.stringify({ url: `${origin}/${name}`, sha256: x, size:
		    body.length, type, uploaded: Math.floor(Date.now() / 1000),
		    nip94: [['url', `http://127.0.0.1:9/${name}`], ['m', type],
			['x', x], ['size', String(body.length)]] }) });
	}
	if (fake && u.pathname === '/upload' && req.method() === 'HEAD')
		return r.fulfill({ status: 200 });
	const m = /^\/([0-9a-f]{64})(\.[a-z0-9]+)?$/.exec(u.pathname);
	if (fake && m && req.method() === 'GET') {
		const b = store.get(m[1]);
		return b ? r.fulfill({ status: 200, body: b, headers: {
		    'Content-Length': String(b.length) } }) : r.fulfill({ status:
		    404, headers: { 'X-Reason': 'blob not found' } });
	}
	return r.continue();
}

async function phone(name, locale, size) {
	const ctx = await browser.newContext({
		viewport: { width: size[0], height: size[1] }, deviceScaleFactor: 2,
		isMobile: true, hasTouch: true, locale, serviceWorkers: 'block',
		acceptDownloads: true,
	});
	ctx.setDefaultTimeout(15000);
	await ctx.route('**/*', route);
	await ctx.addInitScript(() => localStorage.setItem('samizdat.flags',
	    '{"welcomed":true}'));
	const page = await ctx.newPage();
	page.on('websocket', (ws) => {
		seen.push(ws.url());
		if (new URL(ws.url()).host !== host)
			blocked.push(ws.url());
	});
	page.on('pageerror', (e) => pageErrors.push(`${name}: ${e}`));
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to/i.test(m.text()))
			pageErrors.push(`${name}: ${m.text()}`);
	});
	phones[name] = { ctx, page };
	await page.goto(origin + '/');
	return page;
}

async function shot(page, name) {
	await page.screenshot({ path: join(ARTIFACTS, `web-media-${name}.png`) });
}

function cardWith(page, text) {
	return page.locator('#feed li.card').filter({ has: page.locator(
	    '.content', { hasText: text }) });
}

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

// Visible text the page wrote (not content from events), for the
// language checks.
async function pageTexts(page) {
	return page.evaluate(() => {
		const skip = '.content, .name, q, .npub, code, .raw, textarea, ' +
		    'input, bdi, time, script, style, option, .replyto';
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
		// Descriptions of photos are content (the reporter's words).
		for (const el of document.querySelectorAll('[aria-label], [alt]'))
			if (el.offsetParent !== null && !el.closest('.media, .viewer'))
				out.push(el.getAttribute('aria-label') ?? el.getAttribute(
				    'alt'));
		return out.filter(Boolean);
	});
}

async function noEnglish(page, what) {
	const left = (await pageTexts(page)).filter((s) => /[A-Za-z]{3,}/.test(
	    s.replace(/samizdat|Nostr|npub1?\S*|Eng/g, '')));
	assert.deepEqual(left, [], `English left on ${what}`);
}

// Tap targets of the media and attachments at least 44 px; nothing past
// the screen's edge.
async function taps(page, what) {
	const bad = await page.evaluate(() => {
		const out = [];
		for (const el of document.querySelectorAll('.media button, ' +
		    '.attach-slot button, .attach-slot a.btn, .viewer button')) {
			if (el.offsetParent === null && !el.closest('.viewer'))
				continue;
			const r = el.getBoundingClientRect();
			if (r.width === 0)
				continue;
			if (r.height < 43.5 || r.width < 43.5)
				out.push(`small ${Math.round(r.width)}x${Math.round(
				    r.height)}: ${el.outerHTML.slice(0, 80)}`);
			if (r.right > document.documentElement.clientWidth + 1)
				out.push(`past the edge: ${el.outerHTML.slice(0, 80)}`);
		}
		return out;
	});
	assert.deepEqual(bad, [], what);
}

// The segments of a JPEG before its scan: [{marker, body}], and its size
// from the frame header.
function jpegParts(b) {
	assert.equal(b.readUInt16BE(0), 0xffd8, 'a JPEG');
	const parts = [];
	let i = 2, width = 0, height = 0;
	while (i + 4 <= b.length) {
		assert.equal(b[i], 0xff, `a marker at ${i}`);
		const m = b[i + 1], len = b.readUInt16BE(i + 2);
		parts.push({ marker: m, body: b.subarray(i + 4, i + 2 + len) });
		if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 &&
		    m !== 0xcc) {
			height = b.readUInt16BE(i + 5);
			width = b.readUInt16BE(i + 7);
		}
		if (m === 0xda)
			break;
		i += 2 + len;
	}
	return { parts, width, height };
}

// Nothing in b says where, with what, by whom or when.
function clean(b, what) {
	const s = b.toString('latin1');
	for (const word of ['Exif', 'GPS', 'SamizdatTestCam', 'FixtureOne',
	    'FIX0001', 'NobodyFixture', '2026:01:05', 'ns.adobe.com', '\xa9xyz',
	    '+43.2389', 'udta'])
		assert.ok(!s.includes(word), `${what} still holds "${word}"`);
}

// The imeta tag of url in ev as a map.
function imeta(ev) {
	const tags = ev.tags.filter((t) => t[0] === 'imeta');
	return tags.map((t) => Object.fromEntries(t.slice(1).map((s) => [
	    s.slice(0, s.indexOf(' ')), s.slice(s.indexOf(' ') + 1)])));
}

// Events matching filter, from the node, through page's connection.
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

async function publish(page, ev) {
	return page.evaluate(async (e) => {
		const ws = new WebSocket(location.origin.replace('http', 'ws') + '/');
		await new Promise((r) => {
			ws.onopen = r;
		});
		const ok = await new Promise((r) => {
			ws.onmessage = (m) => {
				const d = JSON.parse(m.data);
				if (d[0] === 'OK')
					r(d[2]);
			};
			ws.send(JSON.stringify(['EVENT', e]));
		});
		ws.close();
		return ok;
	}, ev);
}

// Opens the composer, makes a key if the phone has none.
async function compose(page) {
	await page.click('#write-btn');
	if (await page.locator('#c-create').count())
		await page.click('#c-create');
	await waitFor(async () => (await page.locator('#c-create').count()) ===
	    0, 'a key');
}

async function attach(page, name, mimeType, buffer) {
	await page.setInputFiles('#a-gallery', { name, mimeType, buffer },
	    { timeout: 30000 });
}

// --- setup ---------------------------------------------------------------

before(async () => {
	let port = NODE_PORT;
	if (process.env.WEB_PAGE) {
		proxy = await pageProxy(process.env.WEB_PAGE, NODE_PORT);
		port = proxy.address().port;
	}
	host = `${LAN}:${port}`;
	origin = `http://${host}`;
	// Does the node take uploads yet (BUD-06 preflight, BUD-02)?
	const pre = await ask('HEAD', '/upload', { 'X-SHA-256': '0'.repeat(64),
	    'X-Content-Type': 'image/jpeg', 'X-Content-Length': '1' });
	fake = pre.status === 404 || pre.status === 405;
	console.log(fake ? 'media: the node has no /upload yet (HEAD /upload: ' +
	    pre.status + '): a fake Blossom in the browser\'s routing plays it' :
	    'media: uploading to the node\'s own Blossom (HEAD /upload: ' +
	    pre.status + ')');
	browser = await chromium.launch({
		executablePath: CHROMIUM, headless: true, timeout: 20000,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-background-networking', '--disable-component-update',
		    '--no-first-run', `--host-resolver-rules=MAP ${LAN} 127.0.0.1`],
	});
});

after(async () => {
	await browser?.close();
	proxy?.close();
});

// --- tests -----------------------------------------------------------------

test('the page on a LAN name is not a secure context: no crypto.subtle',
    T, async () => {
	const a = await phone('A', 'en-US', [360, 640]);
	assert.equal(await a.evaluate(() => window.isSecureContext), false);
	assert.equal(await a.evaluate(() => !!(window.crypto &&
	    window.crypto.subtle)), false);
	await compose(a);
	assert.match(await a.textContent('#a-camera-btn'), /Take a photo/);
	// The camera input asks for the camera; the other for the gallery.
	assert.equal(await a.getAttribute('#a-camera', 'capture'), 'environment');
	assert.equal(await a.getAttribute('#a-gallery', 'accept'),
	    'image/*,video/*');
	await a.click('#c-cancel');
});

test('a photo with GPS: what was removed is said, the original is ' +
    'offered for saving, the node gets no EXIF, imeta has x/ox/size/dim/thumb',
    T, async () => {
	const a = phones.A.page;
	await compose(a);
	await attach(a, 'IMG_0001.jpg', 'image/jpeg', PHONE_JPG);
	const att = a.locator('#a-list li.att').first();
	await waitFor(async () => /ready/.test(await att.getAttribute('class')),
	    'the photo prepared');
	const removed = await att.locator('.att-removed').textContent();
	for (const w of ['location (GPS position)', 'camera make and model',
	    'serial numbers', 'owner or author name', 'date and time',
	    'editing software', 'a small copy of the original picture'])
		assert.ok(removed.includes(w), `"${w}" in: ${removed}`);
	assert.match(await att.locator('.att-what').textContent(),
	    /^Photo 480×320, \d+\u00a0KB$/);
	// The original, for the phone only: saved byte for byte.
	const [dl] = await Promise.all([a.waitForEvent('download'),
	    att.locator('a.a-save').click()]);
	assert.equal(dl.suggestedFilename(), 'IMG_0001.jpg');
	assert.ok(readFileSync(await dl.path()).equals(PHONE_JPG),
	    'the saved original is the file as taken');
	assert.equal(uploads.length, 0, 'nothing is sent before "send"');
	await a.fill('#a-alt-1', 'Police line at the square');
	await axe(a, 'the composer with a photo');
	await taps(a, 'the composer with a photo');
	await shot(a, 'attach-360');
	await a.fill('#c-text', 'The square at noon #photo');
	await a.click('#c-send');
	const card = cardWith(a, 'The square at noon');
	await waitFor(async () => /stored on this node/.test(await card.locator(
	    '.status').textContent()), 'the report stored');
	// Thumbnail first, then the photo; one authorization for both.
	assert.equal(uploads.length, 2, 'two uploads');
	const [ev] = await query(a, { kinds: [1], '#t': ['photo'] });
	const [m] = imeta(ev);
	assert.ok(m, 'an imeta tag');
	assert.equal(m.m, 'image/jpeg');
	assert.equal(m.ox, sha256(PHONE_JPG), 'ox: the original as taken');
	assert.equal(m.dim, '480x320');
	assert.equal(m.alt, 'Police line at the square');
	assert.ok(ev.content.includes(m.url), 'the URL in the content');
	assert.match(m.url, new RegExp(`/${m.x}\\.jpg$`));
	const thumbX = /\/([0-9a-f]{64})\.jpg$/.exec(m.thumb)[1];
	assert.equal(sha256(uploads[0].body), thumbX, 'the thumbnail first');
	assert.equal(sha256(uploads[1].body), m.x);
	const ev1 = checkAuth(uploads[0].headers.authorization, thumbX);
	checkAuth(uploads[1].headers.authorization, m.x);
	assert.equal(uploads[0].headers.authorization,
	    uploads[1].headers.authorization, 'one signature for the post');
	assert.equal(ev1.pubkey, ev.pubkey);
	// What the node keeps: no EXIF, nothing of the camera, the same size.
	const full = await blob(m.x), thumb = await blob(thumbX);
	assert.ok(full && thumb, 'both blobs are on the node');
	assert.equal(sha256(full), m.x);
	assert.equal(Number(m.size), full.length);
	for (const [b, what] of [[full, 'the photo'], [thumb, 'the thumbnail']]) {
		clean(b, what);
		const j = jpegParts(b);
		// JFIF (APP0) and a colour profile (APP2 ICC_PROFILE) only.
		assert.deepEqual(j.parts.filter((p) => (p.marker >= 0xe1 &&
		    p.marker <= 0xef || p.marker === 0xfe) && !(p.marker === 0xe2 &&
		    p.body.subarray(0, 12).toString('latin1') === 'ICC_PROFILE\0'))
		    .map((p) => p.marker), [], `${what}: no EXIF, XMP, comment`);
		if (b === full)
			assert.deepEqual([j.width, j.height], [480, 320]);
		else
			assert.deepEqual([j.width, j.height], [320, 213]);
	}
	assert.ok(thumb.length < 60 * 1024, `thumbnail ${thumb.length} bytes`);
	console.log(`media: phone.jpg, ${PHONE_JPG.length} bytes with EXIF ` +
	    `GPS -> ${full.length} bytes, thumbnail ${thumb.length} bytes`);
	// The card shows the thumbnail, checked; the URL is not in the text.
	const img = card.locator('.media img');
	await waitFor(async () => await img.evaluate((i) => i.complete &&
	    i.naturalWidth === 320), 'the thumbnail');
	assert.equal(await img.getAttribute('alt'), 'Police line at the square');
	assert.ok(!(await card.locator('.content').textContent()).includes(
	    'http'), 'no URL in the card\'s text');
	phones.A.photo = { ev, m, thumbX };
	await shot(a, 'card-360');
});

test('a second phone sees the photo, thumbnail first, full size on a tap',
    T, async () => {
	const { m, thumbX } = phones.A.photo;
	const b = await phone('B', 'ru-RU', [320, 568]);
	const card = cardWith(b, 'The square at noon');
	const img = card.locator('.media img');
	await waitFor(async () => await img.evaluate((i) => i.complete &&
	    i.naturalWidth === 320), 'the thumbnail on B');
	assert.match(await img.getAttribute('src'), /^blob:/);
	const asked = seen.filter((u) => u.includes(thumbX) || u.includes(m.x));
	assert.ok(asked.every((u) => new URL(u).host === host), asked.join());
	assert.ok(!seen.some((u) => u.endsWith('/' + m.x)),
	    'the full photo waits for a tap');
	await axe(b, 'the feed with a photo, in Russian');
	await noEnglish(b, 'the feed with a photo');
	await taps(b, 'the feed with a photo');
	await shot(b, 'card-ru-320');
	await card.locator('.media button.m-open').click();
	const full = b.locator('.viewer img.v-img');
	await waitFor(async () => await full.evaluate((i) => !i.hidden &&
	    i.complete && i.naturalWidth === 480), 'the full photo');
	assert.match(await b.getAttribute('.viewer', 'aria-label'),
	    /Police line/);
	await axe(b, 'the viewer');
	await taps(b, 'the viewer');
	await shot(b, 'viewer-ru-320');
	await b.keyboard.press('Escape');
	assert.equal(await b.isVisible('.viewer'), false);
	assert.equal(await b.evaluate(() => document.activeElement.className),
	    'm-open', 'focus back on the photo');
});

test('photos are turned upright by their EXIF orientation, and large ones ' +
    'are made about 1600 px with a 320 px thumbnail', T, async () => {
	const a = phones.A.page;
	await a.goto(origin + '/');
	await compose(a);
	// phone.jpg with Orientation 6 (the camera held upright).
	const turned = Buffer.from(PHONE_JPG);
	const at = turned.indexOf(Buffer.from([0x01, 0x12, 0x00, 0x03]));
	assert.ok(at > 0, 'the orientation tag');
	const le = turned.indexOf('II*\0') > 0;
	assert.ok(!le, 'phone.jpg is big-endian');
	turned.writeUInt16BE(6, at + 8);
	await attach(a, 'turned.jpg', 'image/jpeg', turned);
	const att = a.locator('#a-list li.att').first();
	await waitFor(async () => /ready/.test(await att.getAttribute('class')),
	    'prepared');
	assert.match(await att.locator('.att-what').textContent(),
	    /^Photo 320×480, /);
	await att.locator('.a-remove').click();
	assert.equal(await a.locator('#a-list li').count(), 0);
	// A 4-megapixel photo with some noise (like a camera's), made here.
	const big = Buffer.from(await a.evaluate(async () => {
		const c = document.createElement('canvas');
		c.width = 2400;
		c.height = 1800;
		const g = c.getContext('2d');
		const d = g.createImageData(2400, 1800);
		let s = 1;
		for (let i = 0; i < d.data.length; i += 4) {
			s = (s * 1103515245 + 12345) & 0x7fffffff;
			d.data[i] = (i >> 6) & 255;
			d.data[i + 1] = 96 + (s & 63);
			d.data[i + 2] = (i >> 14) & 255;
			d.data[i + 3] = 255;
		}
		g.putImageData(d, 0, 0);
		const b = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.92));
		return new Promise((r) => {
			const f = new FileReader();
			f.onload = () => r(f.result.split(',')[1]);
			f.readAsDataURL(b);
		});
	}), 'base64');
	await attach(a, 'big.jpg', 'image/jpeg', big);
	await waitFor(async () => /ready/.test(await att.getAttribute('class')),
	    'the big photo prepared', 30000);
	const what = await att.locator('.att-what').textContent();
	const kb = Number(/, (\d+)\u00a0KB$/.exec(what)?.[1]);
	assert.match(what, /^Photo 1600×1200, /);
	assert.ok(big.length > 1024 * 1024, `the original: ${big.length} bytes`);
	assert.ok(kb > 50 && kb <= 600, `${what}: a few hundred KB`);
	console.log(`media: a 2400×1800 photo of ${big.length} bytes -> ${what}`);
	await att.locator('.a-remove').click();
	await a.click('#c-cancel');
});

test('a video with a location atom goes stripped: the same bytes as the ' +
    'node\'s own stripper makes', T, async () => {
	const a = phones.A.page, b = phones.B.page;
	const n0 = uploads.length;
	await compose(a);
	await attach(a, 'VID_0001.mp4', 'video/mp4', LOCATION_MP4);
	const att = a.locator('#a-list li.att').first();
	await waitFor(async () => /ready/.test(await att.getAttribute('class')),
	    'the video prepared');
	const removed = await att.locator('.att-removed').textContent();
	assert.match(removed, /location \(GPS position\)/);
	assert.match(removed, /camera make and model/);
	await a.fill('#c-text', 'Crowd on the avenue #video');
	await a.click('#c-send');
	const card = cardWith(a, 'Crowd on the avenue');
	await waitFor(async () => /stored on this node/.test(await card.locator(
	    '.status').textContent()), 'the report stored');
	const [ev] = await query(a, { kinds: [1], '#t': ['video'] });
	const [m] = imeta(ev);
	assert.equal(m.m, 'video/mp4');
	assert.equal(m.ox, sha256(LOCATION_MP4));
	assert.equal(m.x, sha256(LOCATION_STRIPPED),
	    'the same bytes as the C stripper');
	assert.equal(m.dim, '160x120');
	const sent = uploads.slice(n0).find((u) => sha256(u.body) === m.x);
	assert.ok(sent && sent.body.equals(LOCATION_STRIPPED));
	const kept = await blob(m.x);
	assert.ok(kept && kept.equals(LOCATION_STRIPPED), 'on the node');
	clean(kept, 'the video');
	// Its thumbnail: a frame, as a JPEG of the video's size.
	const vthumb = await blob(/\/([0-9a-f]{64})\.jpg$/.exec(m.thumb)[1]);
	assert.ok(vthumb, 'the video\'s thumbnail on the node');
	clean(vthumb, 'the video\'s thumbnail');
	const vj = jpegParts(vthumb);
	assert.deepEqual([vj.width, vj.height], [160, 120]);
	// B plays it, checked by hash first.
	const tile = cardWith(b, 'Crowd on the avenue').locator('.m-vid');
	await tile.waitFor();
	assert.match(await tile.textContent(), /Воспроизвести видео/);
	await tile.locator('button').click();
	const v = tile.locator('video');
	await v.waitFor();
	assert.match(await v.getAttribute('src'), /^blob:/);
	await axe(b, 'a video card');
});

test('a video that cannot be stripped: the person is asked, and by ' +
    'default it is not sent', T, async () => {
	const a = phones.A.page;
	const n0 = uploads.length;
	// A fragmented file (moof) with a location box: mp4strip refuses it.
	const frag = Buffer.concat([LOCATION_MP4, Buffer.from([0, 0, 0, 8,
	    ...Buffer.from('moof')])]);
	await a.goto(origin + '/');
	await compose(a);
	await attach(a, 'VID_0002.mp4', 'video/mp4', frag);
	const att = a.locator('#a-list li.att').first();
	await waitFor(async () => /ask/.test(await att.getAttribute('class')),
	    'the question');
	assert.match(await att.locator('.a-ask').textContent(),
	    /cannot be removed from this video \(it is recorded in pieces\)/);
	assert.equal(await a.evaluate(() => document.activeElement.className),
	    'primary a-no', '"do not send" is the default');
	await axe(a, 'the question');
	await taps(a, 'the question');
	await shot(a, 'ask-360');
	await a.fill('#c-text', 'Fragmented one #frag');
	await a.click('#c-send');
	assert.match(await a.textContent('#c-error'), /Decide first/);
	assert.equal(uploads.length, n0, 'nothing sent while undecided');
	await att.locator('.a-no').click();
	assert.equal(await a.locator('#a-list li').count(), 0);
	// Chosen on purpose: sent with its data; the node refuses it all the
	// same (415: its stripper cannot read a fragmented MP4, so it cannot
	// know it clean), and the refusal reaches the person.
	await attach(a, 'VID_0002.mp4', 'video/mp4', frag);
	await waitFor(async () => /ask/.test(await att.getAttribute('class')),
	    'the question again');
	await att.locator('.a-yes').click();
	assert.match(await att.locator('.att-removed').textContent(),
	    /with its location and camera data/);
	await a.click('#c-send');
	await waitFor(async () => (await a.textContent('#c-error')).length > 0,
	    'the refusal');
	assert.ok(uploads.slice(n0).some((u) => u.body.equals(frag)),
	    'sent as chosen');
	const st = await att.locator('.att-status').textContent();
	assert.match(st, /^Not sent: /);
	assert.match(st, /does not take this kind of file, or the file still /);
	assert.match(st, /The node said: "unsupported: [^"]*fragmented/,
	    'the node\'s X-Reason');
	const [none] = await query(a, { kinds: [1], '#t': ['frag'] });
	assert.equal(none, undefined, 'no post without its video');
	await att.locator('.a-remove').click();
	await a.click('#c-cancel');
});

test('a refused upload is explained in the reader\'s language with the ' +
    'node\'s words', T, async () => {
	const c = await phone('C', 'kk-KZ', [320, 568]);
	await c.route('**/upload', (r) => r.request().method() === 'PUT' ?
	    r.fulfill({ status: 413, headers: { 'X-Reason':
	    'blob too large: 20 KB > 10 KB' } }) : r.fallback());
	await compose(c);
	await attach(c, 'a.jpg', 'image/jpeg', PHONE_JPG);
	const att = c.locator('#a-list li.att').first();
	await waitFor(async () => /ready/.test(await att.getAttribute('class')),
	    'prepared');
	assert.match(await att.locator('.att-removed').textContent(),
	    /түсірілген орны/);
	await c.fill('#c-text', 'Үлкен фото');
	// The node takes 500 bytes (run.sh); the photo's URL takes its share,
	// the rest is counted in this text's letters (two bytes each, nearly).
	const left = Math.floor((500 - 120) / (19 / 10));
	assert.equal(await c.textContent('#c-count'), `10 / ${left}`);
	await c.click('#c-send');
	await waitFor(async () => /тым үлкен/.test(await c.textContent(
	    '#c-error')), 'the refusal in Kazakh');
	assert.match(await att.locator('.att-status').textContent(),
	    /Түйін жауабы: «blob too large: 20 KB > 10 KB»/);
	await axe(c, 'a refused upload, in Kazakh');
	await noEnglish(c, 'a refused upload');
	await taps(c, 'a refused upload, in Kazakh, on 320 px');
	await shot(c, 'refused-kk-320');
	await c.unroute('**/upload');
	await c.click('#c-cancel');
});

test('a photo not on this node: a placeholder with its hash; bytes that ' +
    'do not match their hash are not shown', T, async () => {
	const b = phones.B.page;
	const sk = generateSecretKey();
	const gone = sha256('not here'), gthumb = sha256('nor its thumb');
	const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() /
	    1000), content: `Lost photo https://blossom.example/${gone}.jpg`,
	    tags: [['imeta', `url https://blossom.example/${gone}.jpg`,
		'm image/jpeg', `x ${gone}`, 'dim 800x600',
		`thumb https://blossom.example/${gthumb}.jpg`]] }, sk);
	assert.equal((await publish(b, ev)), true);
	const card = cardWith(b, 'Lost photo');
	await waitFor(async () => (await card.locator('.m-missing').count()) ===
	    1, 'the placeholder');
	const ph = card.locator('.m-missing');
	assert.match(await ph.textContent(), /Этого фото нет на узле/);
	assert.equal(await ph.locator('code').getAttribute('title'), gthumb);
	assert.ok(!seen.some((u) => u.includes('blossom.example')),
	    'only the node is asked');
	await axe(b, 'the placeholder');
	await noEnglish(b, 'the placeholder');
	await shot(b, 'missing-ru-320');
	// The node now serves other bytes under the photo's thumbnail hash.
	const { thumbX } = phones.A.photo;
	const other = await blob(phones.A.photo.m.x);
	const c = phones.C.page;
	await c.route(`**/${thumbX}`, (r) => r.fulfill({ status: 200, body:
	    other }));
	await c.goto(origin + '/');
	const tile = cardWith(c, 'The square at noon').locator('.m-missing');
	await tile.waitFor();
	assert.match(await tile.textContent(), /басқасын жіберді/);
	// A card drawn again (the page settling after its load) holds an
	// <img> with no source while it asks once more: never one with bytes.
	assert.equal(await cardWith(c, 'The square at noon').locator(
	    '.media img[src]').count(), 0, 'not shown');
	await c.unroute(`**/${thumbX}`);
	// Asked again, the node's real thumbnail shows: by the button, or by
	// a redraw of the card (the page still settling) that asks by itself
	// before the button is reached -- then there is no button to press.
	await tile.locator('button').click({ timeout: 5000 }).catch(async (e) => {
		if (await tile.count() > 0)
			throw e;
	});
	await waitFor(async () => await cardWith(c, 'The square at noon')
	    .locator('.media img').evaluate((i) => i.complete &&
	    i.naturalWidth === 320), 'the real thumbnail');
});

test('no request left the node, and the page raised no errors', T,
    async () => {
	assert.ok(seen.some((u) => u.startsWith(`ws://${host}/`)));
	assert.deepEqual(blocked, []);
	for (const u of seen)
		assert.equal(new URL(u).host, host, u);
	assert.deepEqual(pageErrors, []);
});
