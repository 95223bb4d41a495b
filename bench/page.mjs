// page.mjs: how fast the offline page starts on an old phone.  Starts a
// node in a temp data dir with 5,000 stored reports (signed here with
// nostr-tools from web/node_modules, cached in BUILD/bench/), opens the
// page in Debian's Chromium through playwright-core (test/web/node_modules)
// with the CPU throttled 4x over CDP (Emulation.setCPUThrottlingRate), and
// prints the total blocking time at start (the part over 50 ms of every
// long task from navigation until 3 s after the first report) and the time
// to the first report on screen, each beside its goal, for a fresh phone
// (median of 3 loads), and the first report for a returning one (the same
// phone reloading: the page shows the last reports read at once).
// Not a test: a slow figure is reported, never failed.
//
// Usage: node bench/page.mjs BIN [BUILD]      (make bench runs it)
// Environment: CHROMIUM (default /usr/bin/chromium), WEB_PAGE (a built
// page to serve at / instead of the embedded one, as test/web/run.sh),
// BENCH_PAGE_EVENTS (default 5000), BENCH_PAGE_RUNS (default 3).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync,
    writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageProxy } from '../test/web/proxy.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = resolve(process.argv[2] ?? 'build/samizdat');
const BUILD = resolve(process.argv[3] ?? 'build');
const N = Number(process.env.BENCH_PAGE_EVENTS ?? 5000);
const RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 3);
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const GOAL_TBT = 300, GOAL_FIRST = 1000, THROTTLE = 4;

function need(path, how) {
	if (!existsSync(path)) {
		console.log(`bench page: ${path} is missing (${how}); skipped`);
		process.exit(0);
	}
}
need(BIN, 'make');
need(CHROMIUM, 'apt-get install chromium');
need(join(ROOT, 'test/web/node_modules/playwright-core'),
    'cd test/web && npm ci');
need(join(ROOT, 'web/node_modules/nostr-tools'), 'cd web && npm ci');

const { chromium } = await import(join(ROOT,
    'test/web/node_modules/playwright-core/index.mjs'));
const { finalizeEvent, generateSecretKey } = await import(join(ROOT,
    'web/node_modules/nostr-tools/lib/esm/pure.js'));

// --- the reports ------------------------------------------------------------

// N kind-1 reports from 300 authors over the last two days, some placed,
// some tagged, a tenth replies; a few profiles and reactions beside them.
function makeEvents(n) {
	const keys = Array.from({ length: 300 }, () => generateSecretKey());
	const words = ['road', 'blocked', 'bridge', 'queue', 'bread', 'water',
	    'police', 'square', 'internet', 'down', 'Алматы', 'мост', 'люди',
	    'жол', 'жабық', 'hospital', 'open', 'closed', 'near', 'market'];
	const places = ['v9zwq', 'v9zwr5', 'u4pruy', 'v9zv', 'txwt', 'ucfv0'];
	const now = Math.floor(Date.now() / 1000);
	const out = [];
	for (let i = 0; i < n; i++) {
		const len = 4 + (i * 7) % 40;
		const text = Array.from({ length: len }, (_, j) =>
		    words[(i * 31 + j * 17) % words.length]).join(' ') +
		    (i % 3 === 0 ? ' #roads' : '') + (i % 5 === 0 ? ' #алматы' : '');
		const tags = [];
		if (i % 3 === 0)
			tags.push(['t', 'roads']);
		if (i % 5 === 0)
			tags.push(['t', 'алматы']);
		if (i % 2 === 0) {
			const g = places[i % places.length];
			for (let k = 1; k <= g.length; k++)
				tags.push(['g', g.slice(0, k)]);
		}
		if (i % 10 === 9 && out.length > 0) {
			const p = out[(i * 13) % out.length];
			tags.unshift(['e', p.id, '', 'root'], ['p', p.pubkey]);
		}
		out.push(finalizeEvent({ kind: 1, created_at: now - 2 * 86400 +
		    Math.floor(i * 2 * 86400 / n), tags, content: text },
		    keys[i % keys.length]));
	}
	for (let i = 0; i < 100; i++)
		out.push(finalizeEvent({ kind: 0, created_at: now - 86400, tags: [],
		    content: JSON.stringify({ name: 'reporter ' + i }) }, keys[i]));
	for (let i = 0; i < 300; i++) {
		const p = out[(i * 17) % n];
		out.push(finalizeEvent({ kind: 7, created_at: p.created_at + 10,
		    tags: [['e', p.id], ['p', p.pubkey]], content: '+' },
		    keys[(i + 5) % keys.length]));
	}
	return out;
}

// --- the node ----------------------------------------------------------------

function freePort() {
	return new Promise((res) => {
		const s = net.createServer();
		s.listen(0, '127.0.0.1', () => {
			const p = s.address().port;
			s.close(() => res(p));
		});
	});
}

function answers(port) {
	return new Promise((res) => {
		http.get({ host: '127.0.0.1', port, headers: { accept:
		    'application/nostr+json' } }, (r) => {
			r.resume();
			res(r.statusCode === 200);
		}).on('error', () => res(false));
	});
}

// --- one measured load ---------------------------------------------------------

// Runs before the page's own script: records long tasks and the moment the
// first report card is in the DOM and painted.
function probe() {
	window.__bench = { long: [], first: 0 };
	try {
		new PerformanceObserver((l) => {
			for (const e of l.getEntries())
				window.__bench.long.push([e.startTime, e.duration]);
		}).observe({ type: 'longtask', buffered: true });
	} catch {
		/* no long task timing: TBT reads 0 */
	}
	const mo = new MutationObserver(() => {
		if (window.__bench.first === 0 &&
		    document.querySelector('li.card')) {
			mo.disconnect();
			requestAnimationFrame(() => {
				window.__bench.first = performance.now();
			});
		}
	});
	mo.observe(document, { childList: true, subtree: true });
}

async function measure(browser, origin, again = false) {
	const ctx = await browser.newContext({ viewport: { width: 360, height:
	    640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
	await ctx.route('**/*', (r) => new URL(r.request().url()).origin ===
	    origin ? r.continue() : r.abort());
	const page = await ctx.newPage();
	if (again) {
		// A first visit, unthrottled, that leaves its last reports.
		await page.goto(origin + '/');
		await page.waitForSelector('li.card');
		await page.waitForTimeout(2500);
	}
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
	await page.addInitScript(probe);
	await page.goto(origin + '/', { waitUntil: 'commit' });
	const deadline = Date.now() + 20000;
	let b;
	for (;;) {
		b = await page.evaluate(() => window.__bench);
		if (b && b.first > 0 && performance.now() > b.first + 3000)
			break;
		if (Date.now() > deadline)
			break;
		await new Promise((r) => setTimeout(r, 200));
	}
	b = await page.evaluate(() => ({ ...window.__bench, now:
	    performance.now(), cards: document.querySelectorAll('li.card')
	    .length }));
	await ctx.close();
	const until = b.first > 0 ? b.first + 3000 : b.now;
	const tbt = b.long.filter(([s]) => s < until).reduce((a, [, d]) =>
	    a + Math.max(0, d - 50), 0);
	return { tbt, first: b.first, cards: b.cards };
}

function median(xs) {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)];
}

// --- main --------------------------------------------------------------------

const cache = join(BUILD, 'bench', `page-events-${N}.jsonl`);
if (!existsSync(cache) || Date.now() - JSON.parse(readFileSync(cache, 'utf8')
    .split('\n')[0]).created_at * 1000 > 20 * 86400 * 1000) {
	mkdirSync(dirname(cache), { recursive: true });
	writeFileSync(cache, makeEvents(N).map((e) => JSON.stringify(e))
	    .join('\n') + '\n');
}
const dir = mkdtempSync(join(tmpdir(), 'samizdat-bench-page.'));
let node = null, srv = null, browser = null;
const cleanup = () => {
	if (node && node.exitCode === null)
		node.kill('SIGTERM');
	rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);
try {
	const env = { ...process.env, SAMIZDAT_DIR: dir };
	spawnSync(BIN, ['init'], { env, stdio: 'ignore' });
	const imp = spawnSync(BIN, ['-q', 'import', cache], { env, encoding:
	    'utf8' });
	if (imp.status !== 0)
		throw new Error('import failed: ' + imp.stderr);
	const port = await freePort();
	writeFileSync(join(dir, 'samizdat.conf'), `listen = 127.0.0.1:${port}\n`);
	node = spawn(BIN, ['-q', 'serve', '--no-discovery'], { env, stdio:
	    'ignore' });
	for (let i = 0; i < 100 && !(await answers(port)); i++)
		await new Promise((r) => setTimeout(r, 100));
	let origin = `http://127.0.0.1:${port}`;
	if (process.env.WEB_PAGE) {
		srv = await pageProxy(resolve(process.env.WEB_PAGE), port);
		origin = `http://127.0.0.1:${srv.address().port}`;
	}
	browser = await chromium.launch({ executablePath: CHROMIUM, headless:
	    true, args: ['--headless', '--no-sandbox', '--disable-gpu',
	    '--disable-background-networking', '--no-first-run'] });
	const runs = [];
	for (let i = 0; i < RUNS; i++)
		runs.push(await measure(browser, origin));
	const tbt = median(runs.map((r) => r.tbt));
	const first = median(runs.map((r) => r.first || Infinity));
	const back = [];
	for (let i = 0; i < RUNS; i++)
		back.push(await measure(browser, origin, true));
	const firstBack = median(back.map((r) => r.first || Infinity));
	const mark = (v, goal) => v <= goal ? 'ok' : 'over';
	console.log(`page: ${N} reports stored, CPU ${THROTTLE}x slower, ` +
	    `median of ${RUNS} loads at 360x640 (cards drawn: ` +
	    `${runs.map((r) => r.cards).join(', ')})`);
	console.log(`  total blocking time at start  ${Math.round(tbt)} ms` +
	    `    goal <= ${GOAL_TBT} ms  ${mark(tbt, GOAL_TBT)}` +
	    `   (runs: ${runs.map((r) => Math.round(r.tbt)).join(', ')})`);
	console.log(`  first report on screen        ${Math.round(first)} ms` +
	    `   goal <= ${GOAL_FIRST} ms  ${mark(first, GOAL_FIRST)}` +
	    `   (runs: ${runs.map((r) => Math.round(r.first)).join(', ')})`);
	console.log(`  the same, returning phone     ${Math.round(firstBack)} ms` +
	    `   goal <= ${GOAL_FIRST} ms  ${mark(firstBack, GOAL_FIRST)}` +
	    `   (runs: ${back.map((r) => Math.round(r.first)).join(', ')}; ` +
	    `TBT ${back.map((r) => Math.round(r.tbt)).join(', ')})`);
} finally {
	await browser?.close();
	srv?.close();
	cleanup();
}
