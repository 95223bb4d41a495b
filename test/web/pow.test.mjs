// pow.test.mjs: the page when the node defends itself.  run.sh passes
// SAMIZDAT_BIN; this file starts nodes of its own, each in a temp data dir
// on a free loopback port: one that asks proof of work (NIP-13) of keys it
// does not know (pow_min = pow_max = 10, trust_loopback off so the page on
// 127.0.0.1 is a stranger), one whose disk is "nearly full" (disk_reserve
// over any disk's free space).  The page mines in a Web Worker with its
// progress shown and a stop button, before signing when NIP-11 asks for
// work, and again when a post is refused with "pow:"; the banner says the
// node is nearly full in English, Russian and Kazakh.  Behaviour only:
// difficulty 10 takes about a thousand tries, and the progress is read
// from a difficulty no test ever reaches.  With WEB_PAGE set, that file is
// served at / in place of the embedded page.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import '../webcrypto.mjs';	// for nostr-tools below, on Node 18
import { chromium } from 'playwright-core';
import { pageProxy } from './proxy.mjs';

const { finalizeEvent, generateSecretKey, getEventHash } = await import(
    '../../web/node_modules/nostr-tools/lib/esm/pure.js');

const BIN = process.env.SAMIZDAT_BIN;
const ARTIFACTS = process.env.ARTIFACTS ?? 'build/test-artifacts';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const T = { timeout: 60000 };
const POW = 10;
if (!BIN)
	throw new Error('SAMIZDAT_BIN must name the binary (run.sh sets it)');

let browser;
const nodes = [];
const pageErrors = [];

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

function freePort() {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function get(port, path, headers = {}) {
	return new Promise((resolve, reject) => {
		const req = http.get({ host: '127.0.0.1', port, path, headers,
		    agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode,
			    body: Buffer.concat(chunks).toString('utf8') }));
			res.on('error', reject);
		});
		req.setTimeout(5000, () => req.destroy(new Error('no answer')));
		req.on('error', reject);
	});
}

async function json(port, path, headers) {
	const r = await get(port, path, headers);
	return r.status === 200 ? JSON.parse(r.body) : null;
}

// A node of its own with these config lines; resolves once it answers.
async function startNode(conf) {
	const dir = mkdtempSync(join(tmpdir(), 'samizdat-pow.'));
	const env = { ...process.env, SAMIZDAT_DIR: dir };
	spawnSync(BIN, ['init'], { env, stdio: 'ignore' });
	for (let tries = 0; tries < 3; tries++) {
		const port = await freePort();
		writeFileSync(join(dir, 'samizdat.conf'), `listen = 127.0.0.1:${port}\n` +
		    conf.join('\n') + '\n');
		const proc = spawn(BIN, ['serve', '--no-discovery'], { env,
		    stdio: ['ignore', 'ignore', 'pipe'] });
		let log = '';
		proc.stderr.on('data', (d) => {
			log += d;
		});
		const node = { dir, port, proc, log: () => log, host: '', srv: null };
		for (let i = 0; i < 50 && proc.exitCode === null; i++) {
			if (await json(port, '/', { accept: 'application/nostr+json' })
			    .catch(() => null)) {
				if (process.env.WEB_PAGE) {
					node.srv = await pageProxy(process.env.WEB_PAGE, port);
					node.host = `127.0.0.1:${node.srv.address().port}`;
				} else {
					node.host = `127.0.0.1:${port}`;
				}
				nodes.push(node);
				return node;
			}
			await sleep(100);
		}
		proc.kill();
	}
	rmSync(dir, { recursive: true, force: true });
	throw new Error('the node did not start');
}

async function phone(node, locale = 'en-US') {
	const ctx = await browser.newContext({ viewport: { width: 360,
	    height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
	    locale, serviceWorkers: 'block' });
	ctx.setDefaultTimeout(15000);
	await ctx.route('**/*', (route) => new URL(route.request().url()).host ===
	    node.host ? route.continue() : route.abort());
	// Every proof-of-work box the page shows, and its texts, whether or
	// not the work is over before a test could look.
	await ctx.addInitScript(() => {
		window.powSeen = [];
		new MutationObserver(() => {
			const box = document.getElementById('pow');
			if (box && !box.dataset.seen) {
				box.dataset.seen = '1';
				window.powSeen.push(box.textContent);
			}
		}).observe(document, { childList: true, subtree: true });
	});
	const page = await ctx.newPage();
	page.asked = page.waitForResponse((r) => r.url().endsWith('/api/node'));
	page.workers = 0;
	page.on('worker', () => page.workers++);
	page.on('pageerror', (e) => pageErrors.push(String(e)));
	page.on('console', (m) => {
		if (/Content Security Policy|Refused to/i.test(m.text()))
			pageErrors.push(m.text());
	});
	await page.goto(`http://${node.host}/`);
	return page;
}

// Makes the phone's key and opens the composer with text in it.
async function compose(page, text) {
	await page.click('#write-btn');
	if (await page.locator('#c-create').count() > 0) {
		await page.click('#c-create');
		await page.locator('#c-who code').waitFor();	// posting as ...
	}
	await page.fill('#c-text', text);
}

function card(page, text) {
	return page.locator('#feed li.card').filter({ has: page.locator(
	    '.content', { hasText: text }) });
}

// Publishes ev over the page's origin; resolves to the OK message.
function publish(page, ev) {
	return page.evaluate((e) => new Promise((resolve) => {
		const ws = new WebSocket(location.origin.replace('http', 'ws') + '/');
		ws.onopen = () => ws.send(JSON.stringify(['EVENT', e]));
		ws.onmessage = (m) => {
			const d = JSON.parse(m.data);
			if (d[0] === 'OK') {
				ws.close();
				resolve(d);
			}
		};
	}), ev);
}

function query(page, filter) {
	return page.evaluate((f) => new Promise((resolve) => {
		const ws = new WebSocket(location.origin.replace('http', 'ws') + '/');
		const got = [];
		ws.onopen = () => ws.send(JSON.stringify(['REQ', 'q', f]));
		ws.onmessage = (m) => {
			const d = JSON.parse(m.data);
			if (d[0] === 'EVENT')
				got.push(d[2]);
			else {
				ws.close();
				resolve(got);
			}
		};
	}), filter);
}

const zeroBits = (hex) => {
	let n = 0;
	for (const c of hex) {
		const v = parseInt(c, 16);
		if (v)
			return n + Math.clz32(v) - 28;
		n += 4;
	}
	return n;
};

// --- setup ---------------------------------------------------------------

let powNode, fullNode;

before(async () => {
	browser = await chromium.launch({ executablePath: CHROMIUM,
	    headless: true, timeout: 20000, args: ['--headless', '--no-sandbox',
	    '--disable-gpu', '--disable-background-networking',
	    '--disable-component-update', '--no-first-run'] });
	powNode = await startNode([`pow_min = ${POW}`, `pow_max = ${POW}`,
	    'trust_loopback = false']);
	fullNode = await startNode(['disk_reserve = 1125899906842624']);
});

after(async () => {
	await browser?.close();
	for (const n of nodes) {
		n.srv?.close();
		n.proc.kill();
		await new Promise((r) => n.proc.exitCode !== null ? r() :
		    n.proc.once('exit', r));
		const san = /ERROR: (Address|Leak)Sanitizer|runtime error/;
		if (san.test(n.log()))
			console.error(n.log());
		rmSync(n.dir, { recursive: true, force: true });
		assert.doesNotMatch(n.log(), san, 'the node\'s sanitizers');
	}
});

// --- tests ---------------------------------------------------------------

test('pow: the node asks for work: NIP-11 says so and a plain post is ' +
    'refused with pow:', T, async () => {
	const info = await json(powNode.port, '/', { accept:
	    'application/nostr+json' });
	assert.equal(info.limitation.min_pow_difficulty, POW);
	const page = await phone(powNode);
	const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() /
	    1000), tags: [], content: 'plain, no work' }, generateSecretKey());
	const ok = await publish(page, ev);
	assert.equal(ok[2], false);
	assert.match(ok[3], new RegExp(`^pow: .*difficulty ${POW} needed`));
	await page.context().close();
});

test('pow: the page mines in a worker, shows it, signs and the post is ' +
    'stored', T, async () => {
	const page = await phone(powNode);
	await compose(page, 'Bridge on Abay closed, mined on a phone');
	await page.click('#c-send');
	const c = card(page, 'mined on a phone');
	await waitFor(async () => /stored on this node/.test(await c.locator(
	    '.status').textContent()), 'stored on this node');
	const seen = await page.evaluate(() => window.powSeen);
	assert.equal(seen.length, 1, 'the work was shown once');
	assert.match(seen[0], /The node asks for proof of work/);
	assert.match(seen[0], /of about 1,024 tries/);
	assert.ok(page.workers >= 1, 'mined in a Web Worker');
	assert.equal(await page.locator('#pow').count(), 0, 'the box is gone');
	const [ev] = await query(page, { kinds: [1], search: 'mined' });
	assert.ok(ev, 'the report is on the node');
	assert.equal(getEventHash(ev), ev.id);
	const nonce = ev.tags.find((t) => t[0] === 'nonce');
	assert.equal(nonce?.[2], String(POW), 'the nonce tag commits to ' + POW);
	assert.ok(zeroBits(ev.id) >= POW, ev.id);
	await page.context().close();
});

test('pow: a post refused with pow: is mined and sent again in its place',
    T, async () => {
	const page = await phone(powNode);
	// A page that does not know yet: NIP-11 and /api/node say nothing
	// of work, so the post goes out plain and the node refuses it.
	await page.route('**/', (route) => /nostr\+json/.test(route.request()
	    .headers().accept ?? '') ? route.fulfill({ status: 200,
	    contentType: 'application/nostr+json', body: JSON.stringify({
	    name: 'samizdat', limitation: {} }) }) : route.continue());
	await page.route('**/api/node', (route) => route.fulfill({ status: 200,
	    contentType: 'application/json', body: '{"peers":[]}' }));
	await page.reload();
	await compose(page, 'Queue for bread at the market, sent twice');
	await page.click('#c-send');
	const c = card(page, 'sent twice');
	await waitFor(async () => /stored on this node/.test(await c.locator(
	    '.status').textContent()), 'stored after mining');
	assert.equal(await c.count(), 1, 'one card: the mined post took the ' +
	    'refused one\'s place');
	const seen = await page.evaluate(() => window.powSeen);
	assert.equal(seen.length, 1);
	assert.match(seen[0], /of about 1,024 tries/);
	const got = await query(page, { kinds: [1], search: 'twice' });
	assert.equal(got.length, 1);
	assert.ok(zeroBits(got[0].id) >= POW);
	const out = await page.evaluate(() => JSON.parse(localStorage.getItem(
	    'samizdat.outbox')));
	assert.deepEqual(out.filter((p) => /twice/.test(p.event.content))
	    .map((p) => [p.id, p.phase]), [[got[0].id, 'stored']]);
	await page.context().close();
});

test('pow: progress counts up and stop leaves the post unsent, its text ' +
    'kept', T, async () => {
	const page = await phone(powNode, 'ru-RU');
	// A difficulty no phone reaches in a test: the work is still going
	// when the test looks, and stops only when told.
	await page.route('**/', (route) => /nostr\+json/.test(route.request()
	    .headers().accept ?? '') ? route.fulfill({ status: 200,
	    contentType: 'application/nostr+json', body: JSON.stringify({
	    name: 'samizdat', limitation: { min_pow_difficulty: 40 } }) }) :
	    route.continue());
	await page.route('**/api/node', (route) => route.fulfill({ status: 200,
	    contentType: 'application/json', body: JSON.stringify({ peers: [],
	    policy: { difficulty: 40, disk: { low: false } } }) }));
	await page.reload();
	await compose(page, 'Never mined');
	await page.click('#c-send');
	await page.locator('#pow').waitFor();
	assert.match(await page.textContent('#pow-title'),
	    /Узел просит доказательство работы/);
	const count = async () => (await page.textContent('#pow-count'))
	    .replace(/\s/g, ' ');
	await waitFor(async () => {
		const m = /попыток: ([\d ]+) из/.exec(await count());
		return m && Number(m[1].replace(/\D/g, '')) > 0;
	}, 'tries counted');
	assert.match(await count(), /из примерно 1 099 511 627 776$/);
	assert.ok(Number(await page.getAttribute('#pow-bar', 'max')) === 2 ** 40);
	await page.screenshot({ path: join(ARTIFACTS, 'web-pow-ru.png') });
	// The page is not frozen while it mines.
	assert.equal(await page.evaluate(() => new Promise((r) =>
	    requestAnimationFrame(() => r(1)))), 1);
	await page.click('#pow-stop');
	await waitFor(async () => await page.locator('#pow').count() === 0,
	    'the box gone');
	assert.match(await page.textContent('#c-error'), /Остановлено/);
	assert.equal(await page.inputValue('#c-text'), 'Never mined');
	assert.equal((await query(page, { kinds: [1], search: 'Never' }))
	    .length, 0);
	await page.context().close();
});

test('disk: a node nearly full says so, the page shows it in three ' +
    'languages', T, async () => {
	await waitFor(async () => (await json(fullNode.port, '/api/node'))
	    ?.policy?.disk?.low === true, 'the node to find its disk low');
	const page = await phone(fullNode);
	const banner = page.locator('#disk-low');
	await banner.waitFor();
	assert.match(await banner.textContent(),
	    /nearly full: new reports may be refused/);
	await page.selectOption('#lang', 'ru');
	assert.match(await banner.textContent(), /почти заполнен/);
	await page.selectOption('#lang', 'kk');
	assert.match(await banner.textContent(), /толуға жақын/);
	assert.equal(await banner.getAttribute('role'), 'alert');
	await page.screenshot({ path: join(ARTIFACTS, 'web-disk-low.png') });
	// And the node means it: a report is refused.
	const ev = finalizeEvent({ kind: 1, created_at: Math.floor(Date.now() /
	    1000), tags: [], content: 'no room' }, generateSecretKey());
	const ok = await publish(page, ev);
	assert.equal(ok[2], false);
	assert.match(ok[3], /^error: .*disk/);
	await page.context().close();
	// A node with room shows no banner.
	const other = await phone(powNode);
	await other.asked;
	await other.evaluate(() => new Promise((r) => setTimeout(r, 200)));
	assert.equal(await other.locator('#disk-low').isHidden(), true);
	await other.context().close();
});

test('pow: no page error and nothing refused by the page\'s policy', () => {
	assert.deepEqual(pageErrors, []);
});
