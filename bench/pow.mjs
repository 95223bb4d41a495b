// pow.mjs: what proof of work (NIP-13) costs a phone, and so the most the
// node should ask (pow_max).  Bundles the page's miner (web/src/pow/) as
// build.mjs does and runs it in Debian's Chromium (playwright-core from
// test/web/node_modules): the Web Worker as the page starts it, wall clock
// on this machine, best of three; then the miner on the page's thread with
// the CPU throttled over CDP (Emulation.setCPUThrottlingRate 4x and 6x, the
// stand-in for a phone five years old that bench/page.mjs uses too;
// Chromium throttles the page's thread, not workers).  Wall clock on a
// shared machine says as much about the load as about the code, so the
// phone's figure is derived from the same miner's tries per CPU second in
// this process (V8 as in Chromium; process.cpuUsage, load or not), divided
// by PHONE_SLOWER (6, the slow end of 4-6x).  The event is a typical report
// (about 200 characters, a hashtag and a place: 4 SHA-256 blocks a try
// after the midstate).  For each difficulty d, the phone's median and 95th
// percentile seconds with one worker (a try succeeds with chance 2^-d: half
// the time within 0.69 x 2^d tries, 95 % within 3 x 2^d), and the highest
// d with a median of GOAL_S (10) seconds or less (and with a 95th
// percentile of 10 s or less); last, the default pow_max
// (src/core/config.h) beside the goal, a median of 10 s or less
// (docs/threat-model.md says how it was chosen).  Not a test: a slow figure is reported, never
// failed.
//
// Usage: node bench/pow.mjs          (make bench runs it)
// Environment: CHROMIUM (default /usr/bin/chromium), BENCH_POW_SECONDS
// (each measurement, default 2).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SECONDS = Number(process.env.BENCH_POW_SECONDS ?? 2);
const GOAL_S = 10, PHONE_SLOWER = 6;

function need(path, how) {
	if (!existsSync(path)) {
		console.log(`bench pow: ${path} is missing (${how}); skipped`);
		process.exit(0);
	}
}
need(CHROMIUM, 'apt-get install chromium');
need(join(ROOT, 'test/web/node_modules/playwright-core'),
    'cd test/web && npm ci');
need(join(ROOT, 'web/node_modules/esbuild'), 'cd web && npm ci');

const { chromium } = await import(join(ROOT,
    'test/web/node_modules/playwright-core/index.mjs'));
const esbuild = (await import(join(ROOT, 'web/node_modules/esbuild/lib/' +
    'main.js'))).default;

const bundle = async (entry, globalName) => (await esbuild.build({
	entryPoints: [join(ROOT, 'web/src', entry)], bundle: true, write: false,
	minify: true, format: 'iife', target: 'es2020', globalName,
	logLevel: 'warning',
})).outputFiles[0].text;
const WORKER = await bundle('pow/worker.js');
const { Miner } = await import(join(ROOT, 'web/src/pow/mine.js'));
const MINER = await bundle('pow/mine.js', 'powMine');

const TPL = {
	kind: 1, created_at: 1764000000,
	tags: [['t', 'roads'], ['g', 'v'], ['g', 'v9'], ['g', 'v9z'],
	    ['g', 'v9zw'], ['g', 'v9zwq']],
	content: 'Police closed the bridge on Abay avenue, the queue of cars ' +
	    'reaches the market. Buses turn back at the square. Мост на Абая ' +
	    'перекрыт, пробка до рынка. #roads',
};
const PUBKEY = 'a48380f4cfcc1ad5378294fcac36439770f9c878dd880ffa94bb74ea54a6f243';

// Tries a second of one worker, for SECONDS.
function inWorker(page) {
	return page.evaluate(({ code, tpl, pubkey, ms }) => new Promise((ok) => {
		const url = URL.createObjectURL(new Blob([code],
		    { type: 'text/javascript' }));
		const w = new Worker(url);
		let t0 = 0, n0 = 0;
		w.onmessage = (e) => {
			const now = performance.now();
			if (!t0) {
				t0 = now;
				n0 = e.data.tried;
			} else if (now - t0 >= ms) {
				w.terminate();
				ok((e.data.tried - n0) / ((now - t0) / 1000));
			}
		};
		w.postMessage({ tpl, pubkey, target: 255, start: 0, step: 1 });
	}), { code: WORKER, tpl: TPL, pubkey: PUBKEY, ms: SECONDS * 1000 });
}

// Tries a second of the miner on the page's thread, for SECONDS.
function onPage(page) {
	return page.evaluate(({ tpl, pubkey, ms }) => {
		/* global powMine */
		const m = new powMine.Miner(tpl, pubkey, 255);
		m.search(0, 20000);	// warm
		let n = 20000;
		const t0 = performance.now();
		let t = t0;
		while (t - t0 < ms) {
			m.search(n, 2000);
			n += 2000;
			t = performance.now();
		}
		return (n - 20000) / ((t - t0) / 1000);
	}, { tpl: TPL, pubkey: PUBKEY, ms: SECONDS * 1000 });
}

// Tries per CPU second of the same miner in this process.
function perCpuSecond() {
	const m = new Miner(TPL, PUBKEY, 255);
	m.search(0, 20000);	// warm
	const c0 = process.cpuUsage();
	for (let n = 20000; ; n += 5000) {
		m.search(n, 5000);
		const c = process.cpuUsage(c0);
		const s = (c.user + c.system) / 1e6;
		if (s >= SECONDS)
			return (n + 5000 - 20000) / s;
	}
}

const best = async (f) => {
	let v = 0;
	for (let i = 0; i < 3; i++)
		v = Math.max(v, await f());
	return v;
};

const browser = await chromium.launch({ executablePath: CHROMIUM,
    headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu',
    '--no-first-run'] });
let out;
try {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	await page.setContent('<!doctype html><title>pow</title>');
	await page.addScriptTag({ content: MINER });
	const worker = await best(() => inWorker(page));
	const main = await best(() => onPage(page));
	const cdp = await ctx.newCDPSession(page);
	const throttled = {};
	for (const rate of [4, 6]) {
		await cdp.send('Emulation.setCPUThrottlingRate', { rate });
		throttled[rate] = await best(() => onPage(page));
	}
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
	out = { worker, main, throttled };
} finally {
	await browser.close();
}
const cpu = perCpuSecond();
const phone = cpu / PHONE_SLOWER;

const k = (v) => Math.round(v / 1000).toLocaleString('en-US') + 'k';
const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
console.log('pow: NIP-13 mining, a typical report (4 SHA-256 blocks a try), ' +
    `load ${load}`);
console.log(`  Chromium Web Worker, wall clock      ${k(out.worker)} tries/s`);
console.log(`  Chromium page's thread, wall clock   ${k(out.main)} tries/s` +
    `  (4x throttled ${k(out.throttled[4])}, 6x ${k(out.throttled[6])})`);
console.log(`  the miner, per CPU second here       ${k(cpu)} tries/s`);
console.log(`  old phone (${PHONE_SLOWER}x slower, one worker)      ` +
    `${k(phone)} tries/s`);
const p50 = (d) => 0.693 * 2 ** d / phone, p95 = (d) => 3 * 2 ** d / phone;
const sec = (v) => (v < 10 ? v.toFixed(2) : v.toFixed(0)).padStart(6);
for (const d of [8, 12, 16, 18, 20, 22, 24])
	console.log(`  difficulty ${String(d).padStart(2)}: old phone p50 ` +
	    `${sec(p50(d))} s, p95 ${sec(p95(d))} s`);
let most50 = 0, most95 = 0;
for (let d = 0; d <= 40; d++) {
	if (p50(d) <= GOAL_S)
		most50 = d;
	if (p95(d) <= GOAL_S)
		most95 = d;
}
const conf = readFileSync(join(ROOT, 'src/core/config.h'), 'utf8');
const m = /X\(pow_max, UINT, "(\d+)"/.exec(conf);
const powMax = m ? Number(m[1]) : NaN;
console.log(`  highest difficulty on the old phone: p50 <= ${GOAL_S} s ` +
    `${most50} bits, p95 <= ${GOAL_S} s ${most95} bits`);
console.log(`  pow_max default ${powMax}: old phone p50 ${sec(p50(powMax))
    .trim()} s, p95 ${sec(p95(powMax)).trim()} s    goal p50 <= ${GOAL_S} s  ` +
    `${p50(powMax) <= GOAL_S ? 'ok' : 'over'}`);
