// page.test.mjs: the offline page in a real browser against a real node.
// run.sh starts the node (NODE_PORT, with max_content_length = 500) and
// passes CHROMIUM and ARTIFACTS.  Phones are browser contexts at 360x640;
// the tests run in order and share them: A makes a key and posts, B watches
// live and replies, C restores A's key from a NIP-49 backup.  Every request
// any phone makes is recorded, and anything not for the node is blocked and
// fails the last test.  With WEB_PAGE set, a small proxy in front of the
// node serves that file at / instead of the embedded page.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync, gzipSync } from 'node:zlib';

import '../webcrypto.mjs';	// for nostr-tools below, on Node 18
import { chromium } from 'playwright-core';

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

// WEB_PAGE mode: serve that file at /, pass everything else (HTTP and the
// WebSocket upgrade) to the node.
function startProxy(file) {
	const page = readFileSync(file);
	const srv = http.createServer((req, res) => {
		const nostr = /application\/nostr\+json/.test(req.headers.accept ??
		    '');
		if ((req.url === '/' || req.url === '/index.html') && !nostr) {
			res.writeHead(200, { 'content-type': 'text/html; ' +
			    'charset=utf-8', 'content-length': page.length });
			res.end(page);
			return;
		}
		const up = http.request({ host: '127.0.0.1', port: NODE_PORT,
		    method: req.method, path: req.url, headers: req.headers,
		    agent: false }, (r) => {
			res.writeHead(r.statusCode, r.headers);
			r.pipe(res);
		});
		up.on('error', () => res.destroy());
		req.pipe(up);
	});
	srv.on('upgrade', (req, sock, head) => {
		const up = net.connect(NODE_PORT, '127.0.0.1', () => {
			let h = `${req.method} ${req.url} HTTP/1.1\r\n`;
			for (let i = 0; i < req.rawHeaders.length; i += 2)
				h += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
			up.write(h + '\r\n');
			up.write(head);
			sock.pipe(up).pipe(sock);
		});
		up.on('error', () => sock.destroy());
		sock.on('error', () => up.destroy());
	});
	return new Promise((resolve) => srv.listen(0, '127.0.0.1', () =>
	    resolve(srv)));
}

async function phone(name, locale = 'en-US', colorScheme = 'light') {
	const ctx = await browser.newContext({
		viewport: { width: 360, height: 640 }, deviceScaleFactor: 2,
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

async function post(page, text, place = '') {
	await page.click('#write-btn');
	await page.fill('#c-text', text);
	await page.fill('#c-place', place);
	await page.click('#c-send');
}

function cardWith(page, text, list = '#feed') {
	return cards(page, list).filter({ hasText: text });
}

async function statusOf(page, text, list) {
	return cardWith(page, text, list).locator('.status').textContent();
}

// --- setup ---------------------------------------------------------------

before(async () => {
	if (process.env.WEB_PAGE) {
		proxy = await startProxy(process.env.WEB_PAGE);
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

// --- tests ---------------------------------------------------------------

// Each test is bounded, and once the first found no page from web/ the rest
// fail at once instead of each waiting for its timeout.
let noPage = false;
function step(name, fn) {
	test(name, T, async () => {
		assert.ok(!noPage, 'no page from web/ is served');
		await fn();
	});
}

test('the node serves the page: one file, gzipped within budget', T,
    async () => {
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
});

step('a phone makes a key; its npub and QR code show', async () => {
	const a = await phone('A');
	await a.goto(origin + '/#/me');
	await a.click('#create-key');
	const npub = await waitFor(async () => {
		const v = await a.inputValue('#npub');
		return /^npub1[02-9ac-hj-np-z]{58}$/.test(v) && v;
	}, 'the npub');
	phones.A.npub = npub;
	assert.ok(await a.locator('svg.qr path').count() === 1);
	const box = await a.locator('svg.qr').boundingBox();
	assert.ok(box.width >= 150, 'QR code too small to scan');
	await shot(a, 'key');
});

step('a report is signed, stored on this node, and reaches another ' +
    'phone live', async () => {
	const b = await phone('B');
	await b.goto(origin + '/');
	await waitFor(async () => (await b.textContent('#feed-info')) ===
	    'No reports yet.', 'B to load the empty feed');
	await b.evaluate(() => {
		window.stillHere = true;
	});
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	await a.click('#write-btn');
	await a.fill('#c-text', 'Police closed the bridge on Abay avenue #Roads');
	await a.fill('#c-place', 'u4pruy');
	assert.match(await a.textContent('#c-place-hint'), /About 57\.6/);
	await shot(a, 'composer');
	await a.click('#c-send');
	await waitFor(async () => /✓ signed.*✓ stored on this node/s.test(
	    await statusOf(a, 'closed the bridge')), 'stored on this node');
	await waitFor(async () => (await cardTexts(b)).some((t) =>
	    t.includes('closed the bridge')), 'the report on B without reload');
	assert.equal(await b.evaluate(() => window.stillHere), true);
	// The place shows as a link to its area.
	const place = cardWith(b, 'closed the bridge').locator('a.place');
	assert.match(await place.textContent(), /u4pruy/);
	assert.equal(await place.getAttribute('href'), '#/?g=u4pru');
	await shot(a, 'posted');
});

step('the hashtag and place filters show and hide the right reports',
    async () => {
	const a = phones.A.page, b = phones.B.page;
	await post(a, 'Long queue for water at school 12 #water', 'v9zw');
	await post(a, 'Power is out in our block since noon', '');
	await waitFor(async () => (await cards(b).count()) === 3,
	    'three reports on B');
	const shows = async (want, what) => {
		await waitFor(async () => {
			const texts = await cardTexts(b);
			const info = await b.textContent('#feed-info');
			return texts.length === want.length && want.every((w) =>
			    texts.some((t) => t.includes(w))) &&
			    !info.includes('Loading');
		}, what);
	};
	await b.fill('#f-tag', '#Roads');
	await b.click('#f-apply');
	await shows(['bridge'], 'only #roads');
	assert.equal(await b.evaluate(() => location.hash), '#/?t=roads');
	await b.click('#f-clear');
	await shows(['bridge', 'water', 'Power'], 'all three again');
	await b.fill('#f-place', 'u4');
	await b.click('#f-apply');
	await shows(['bridge'], 'only reports in u4');
	await b.fill('#f-place', 'V9ZW');
	await b.click('#f-apply');
	await shows(['water'], 'only reports in v9zw');
	await b.fill('#f-place', 'u4pruyd');
	await b.click('#f-apply');
	await shows([], 'nothing in a finer cell');
	assert.match(await b.textContent('#feed-info'),
	    /^Showing reports with place u4pruyd.*No reports yet\.$/);
	await b.fill('#f-place', 'u4');
	await b.fill('#f-tag', 'water');
	await b.click('#f-apply');
	await shows([], 'no #water in u4');
	await b.fill('#f-place', 'not a place');
	await b.click('#f-apply');
	assert.match(await b.textContent('#f-error'), /geohash/);
	// A hashtag in a report is a link to its filter.
	await b.click('#f-clear');
	await shows(['bridge', 'water', 'Power'], 'all three');
	await cardWith(b, 'water').locator('a.tag').click();
	await shows(['water'], 'the #water link');
	await shot(b, 'filter');
	await b.click('#f-clear');
});

step('a reply appears on the report\'s own view, live', async () => {
	const a = phones.A.page, b = phones.B.page;
	const href = await cardWith(a, 'bridge').locator('a.open')
	    .getAttribute('href');
	assert.match(href, /^#\/e\/[0-9a-f]{64}$/);
	phones.A.bridge = href.slice(4);
	await cardWith(a, 'bridge').locator('a.open').click();
	await waitFor(async () => (await a.textContent('#event-root'))
	    .includes('bridge'), 'the report on its view');
	await waitFor(async () => (await a.textContent('#replies-info')) ===
	    'No replies yet.', 'no replies yet');
	await b.goto(origin + '/' + href);
	await waitFor(async () => (await b.textContent('#event-root'))
	    .includes('bridge'), 'the report on B');
	await b.click('#write-btn');
	assert.match(await b.textContent('#c-who'), /no key on this phone/);
	await b.fill('#c-text', 'Confirmed, still closed at six #roads');
	await b.click('#c-send');
	await waitFor(async () => /stored on this node/.test(await statusOf(b,
	    'Confirmed', '#replies')), 'the reply stored');
	await waitFor(async () => (await cardTexts(a, '#replies')).some((t) =>
	    t.includes('Confirmed')), 'the reply on A, live');
	// B's key was made when it posted; it is not A's.
	await b.goto(origin + '/#/me');
	const npubB = await b.inputValue('#npub');
	assert.match(npubB, /^npub1/);
	assert.notEqual(npubB, phones.A.npub);
	await shot(a, 'report');
});

step('the status line follows /api/status when the node has it', async () => {
	const id = phones.A.bridge;
	const r = await get('/api/status/' + id);
	if (r.status === 404) {
		console.log('/api/status answers 404: shown as unknown');
		const a = phones.A.page;
		await a.goto(origin + '/#/');
		assert.match(await statusOf(a, 'bridge'), /stored on this node/);
		return;
	}
	assert.equal(r.status, 200);
	const s = JSON.parse(r.body.toString('utf8'));
	console.log('/api/status: ' + JSON.stringify(s));
	assert.equal(s.id, id);
	assert.equal(s.stored, true);
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	await waitFor(async () => /other node|relay/.test(await statusOf(a,
	    'bridge')), 'the status from /api/status', 15000);
});

step('a reload keeps the identity', async () => {
	const a = phones.A.page;
	await a.reload();
	await a.goto(origin + '/#/me');
	assert.equal(await a.inputValue('#npub'), phones.A.npub);
	// Own reports are marked as such after a reload too.
	await a.goto(origin + '/#/');
	await waitFor(async () => (await cardWith(a, 'bridge')
	    .getAttribute('class')).includes('mine'), 'the report marked mine');
});

step('NIP-49 backup, then restore in a fresh phone: same npub', async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/me');
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
	// The nsec is shown only after a warning.
	await a.click('#nsec-show');
	assert.equal(await a.locator('#nsec').count(), 0);
	assert.match(await a.textContent('#me-body .warn:last-of-type'),
	    /Anyone who sees this key/);
	await a.click('#nsec-yes');
	assert.match(await a.inputValue('#nsec'), /^nsec1/);
	// A fresh phone whose browser prefers Kazakh, in dark mode.
	const c = await phone('C', 'kk-KZ', 'dark');
	await c.goto(origin + '/#/me');
	assert.equal(await c.getAttribute('html', 'lang'), 'kk');
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

step('switching to ru and kk changes the text and survives a reload',
    async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	assert.equal(await a.textContent('#write-btn'), 'Write a report');
	await a.selectOption('#lang', 'ru');
	assert.equal(await a.textContent('#write-btn'), 'Написать сообщение');
	assert.equal(await a.textContent('#f-apply'), 'Показать');
	assert.equal(await a.getAttribute('html', 'lang'), 'ru');
	await a.reload();
	assert.equal(await a.textContent('#write-btn'), 'Написать сообщение');
	await waitFor(async () => /сохранено на этом узле|на связи/.test(
	    await a.textContent('body')), 'Russian in the page');
	await a.selectOption('#lang', 'kk');
	assert.equal(await a.textContent('#write-btn'), 'Хабарлама жазу');
	await a.reload();
	assert.equal(await a.textContent('#write-btn'), 'Хабарлама жазу');
	assert.equal(await a.getAttribute('html', 'lang'), 'kk');
	assert.equal(await a.inputValue('#lang'), 'kk');
	await waitFor(async () => (await cards(a).count()) >= 3, 'the feed');
	await shot(a, 'feed-kk');
	await a.selectOption('#lang', 'en');
	assert.equal(await a.textContent('#write-btn'), 'Write a report');
});

step('a refusal shows the relay\'s reason in plain words', async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	// The node was started with max_content_length = 500.
	const long = 'Too long. ' + 'x'.repeat(600) + ' #toolong';
	await post(a, long, '');
	const st = await waitFor(async () => {
		const s = await statusOf(a, 'Too long.');
		return /refused/.test(s) && s;
	}, 'the refusal');
	assert.match(st, /✗ refused by this node/);
	assert.match(st, /found something wrong with the report/);
	assert.match(st, /The node said: "invalid: /);
	// The text can go back into the composer.
	await cardWith(a, 'Too long.').locator('.status button').click();
	assert.equal(await a.inputValue('#c-text'), long);
	await a.click('#c-cancel');
	// The same words in Russian.
	await a.selectOption('#lang', 'ru');
	assert.match(await statusOf(a, 'Too long.'), /Узел нашёл в сообщении ошибку/);
	await shot(a, 'refused-ru');
	await a.selectOption('#lang', 'en');
});

step('keyboard: the composer opens, closes and gives focus back', async () => {
	const a = phones.A.page;
	await a.goto(origin + '/#/');
	await a.focus('#write-btn');
	await a.keyboard.press('Enter');
	assert.equal(await a.evaluate(() => document.activeElement.id),
	    'c-text');
	await a.fill('#c-text', '');	// a cancelled draft stays otherwise
	await a.keyboard.type('typed with keys #kb');
	await a.keyboard.press('Escape');
	assert.equal(await a.isHidden('#compose-form'), true);
	assert.equal(await a.evaluate(() => document.activeElement.id),
	    'write-btn');
	await a.keyboard.press('Enter');
	await a.keyboard.press('Control+Enter');
	await waitFor(async () => /stored on this node/.test(await statusOf(a,
	    'typed with keys')), 'the keyboard post stored');
	// Every button has a name.
	const unnamed = await a.evaluate(() => [...document.querySelectorAll(
	    'button, a[href], input, select, textarea')].filter((el) =>
	    el.offsetParent !== null && !(el.labels?.length ||
	    el.getAttribute('aria-label') || el.textContent.trim()))
	    .map((el) => el.outerHTML));
	assert.deepEqual(unnamed, []);
});

step('the position is asked for only after the button and the warning',
    async () => {
	const d = await phone('D');
	await phones.D.ctx.grantPermissions(['geolocation']);
	await phones.D.ctx.setGeolocation({ latitude: 57.64911,
	    longitude: 10.40744 });
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
	await d.fill('#c-text', 'Checkpoint on the ring road #roads');
	await d.click('#c-geo');
	assert.match(await d.textContent('#geo-ask'), /anyone can see it/);
	assert.equal(await d.evaluate(() => window.geoCalls), 0);
	await d.click('#geo-no');
	assert.equal(await d.evaluate(() => window.geoCalls), 0);
	assert.equal(await d.inputValue('#c-place'), '');
	await d.click('#c-geo');
	await d.click('#geo-yes');
	await waitFor(async () => (await d.inputValue('#c-place')) === 'u4pruy',
	    'the geohash of the position, 6 characters');
	assert.equal(await d.evaluate(() => window.geoCalls), 1);
	await d.click('#c-send');
	await waitFor(async () => /stored on this node/.test(await statusOf(d,
	    'Checkpoint')), 'the placed report stored');
	assert.match(await cardWith(d, 'Checkpoint').locator('a.place')
	    .textContent(), /u4pruy/);
});

step('a NIP-07 extension signs when there is no key on the phone',
    async () => {
	// nostr-tools from web/ (run.sh installs it) plays the extension,
	// reached through exposeFunction: no network involved.
	const { finalizeEvent, generateSecretKey, getPublicKey } = await import(
	    '../../web/node_modules/nostr-tools/lib/esm/pure.js');
	const { npubEncode } = await import(
	    '../../web/node_modules/nostr-tools/lib/esm/nip19.js');
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
	assert.equal(await e.evaluate(() => localStorage.getItem(
	    'samizdat.key')), null);
	await e.goto(origin + '/#/');
	await post(e, 'Signed by the extension #ext', '');
	await waitFor(async () => /stored on this node/.test(await statusOf(e,
	    'Signed by the extension')), 'the extension\'s report stored');
	assert.equal(signed, 1);
	assert.match(await cardWith(e, 'Signed by the extension')
	    .getAttribute('class'), /mine/);
});

step('a phone whose clock is two days ahead still posts, dated by the node',
    async () => {
	const f = await phone('F');
	await f.addInitScript(() => {
		const real = Date.now;
		Date.now = () => real() + 2 * 86400 * 1000;
	});
	await f.goto(origin + '/#/');
	await f.click('#write-btn');
	// Told once the node's time is known (48 hours off).
	await waitFor(async () => await f.isVisible('#c-clock'),
	    'the clock notice');
	assert.match(await f.textContent('#c-clock'), /48 hours/);
	await f.fill('#c-text', 'Posted with a wrong clock #clock');
	await f.click('#c-send');
	// Dated by the phone it would be refused: too far in the future.
	await waitFor(async () => /stored on this node/.test(await statusOf(f,
	    'Posted with a wrong clock')), 'the report stored');
	await shot(f, 'clock');
});

step('no request left the node, and the page raised no errors', async () => {
	assert.ok(seen.length > 5, 'no requests were recorded');
	assert.ok(seen.some((u) => u.startsWith(`ws://${host}/`)),
	    'no WebSocket to the node was seen');
	assert.deepEqual(blocked, []);
	for (const u of seen)
		assert.equal(new URL(u).host, host, u);
	assert.deepEqual(pageErrors, []);
});
