// ui/pow.js: proof of work (NIP-13) when the node asks for it, mined off
// the page's thread.  The miner (pow/worker.js) runs in Web Workers made
// from the text build.mjs put in the page (POW_WORKER), through a blob:
// URL: no file, no network.  A box at the bottom of the screen shows the
// tries made against those expected (2^difficulty) and a button to stop.
// Where a worker cannot be made (an old browser, a policy), the same miner
// runs on the page's thread in slices of a few milliseconds with a pause
// between, so the page never freezes.  Not a screen.

import { $, h } from '../dom.js';
import { Miner, expectedTries, withNonce } from '../pow/mine.js';
import { ctx, num } from './ctx.js';

/* global POW_WORKER */

// Workers at once: a phone has 4 to 8 cores; leave one for the page.
const WORKERS_MAX = 4;
const SLICE_MS = 12;	// one slice on the page's thread

export class PowStopped extends Error {
	constructor() {
		super('stopped');
		this.code = 'pow_cancelled';
	}
}

let box = null;

function showBox(d, stop) {
	const t = ctx.t;
	box?.remove();
	const bar = h('progress', { id: 'pow-bar', max: String(expectedTries(d)),
	    value: '0', 'aria-labelledby': 'pow-title' });
	box = h('div', { id: 'pow', class: 'pow', role: 'group',
	    'aria-labelledby': 'pow-title' },
	    h('p', { id: 'pow-title', class: 'pow-title' }, t('pow_title')),
	    h('p', { class: 'hint' }, t('pow_why')), bar,
	    h('p', { id: 'pow-count', class: 'pow-count' }, t('pow_progress',
		{ n: num(0), e: num(expectedTries(d)) })),
	    h('button', { type: 'button', id: 'pow-stop', onclick: stop },
		t('pow_cancel')));
	document.body.append(box);
	document.body.classList.add('mining');
}

function showTried(d, tried) {
	const e = expectedTries(d);
	const bar = $('pow-bar'), count = $('pow-count');
	if (bar)
		bar.value = Math.min(tried, e);
	if (count)
		count.textContent = ctx.t('pow_progress', { n: num(tried), e:
		    num(e) });
}

function hideBox() {
	box?.remove();
	box = null;
	document.body.classList.remove('mining');
}

// n workers, or null; the blob: URL lives until end() (a browser may
// fetch it after the constructor returns).
function workers(n) {
	if (typeof Worker !== 'function' || typeof POW_WORKER !== 'string')
		return null;
	let url = null;
	const list = [];
	try {
		url = URL.createObjectURL(new Blob([POW_WORKER],
		    { type: 'text/javascript' }));
		for (let i = 0; i < n; i++)
			list.push(new Worker(url));
	} catch {
		for (const w of list)
			w.terminate();
		if (url)
			URL.revokeObjectURL(url);
		return null;
	}
	list.url = url;
	return list;
}

// Mines on the page's thread, a slice at a time; resolves to the nonce.
function onPage(tpl, pubkey, d, progress, stopped) {
	const m = new Miner(tpl, pubkey, d);
	let n = 0, per = 256;
	return new Promise((resolve, reject) => {
		const slice = () => {
			if (stopped())
				return reject(new PowStopped());
			const t0 = performance.now();
			const got = m.search(n, per);
			const ms = performance.now() - t0;
			if (got >= 0) {
				progress(got + 1);
				return resolve(got);
			}
			n += per;
			progress(n);
			if (ms < SLICE_MS / 2 && per < 1 << 16)
				per *= 2;
			else if (ms > SLICE_MS * 2 && per > 64)
				per /= 2;
			setTimeout(slice, 0);
		};
		setTimeout(slice, 0);
	});
}

// Mines tpl (an unsigned template) for pubkey to difficulty d: resolves
// to the template with its nonce tag, ready to sign; rejects with
// PowStopped when the person stops it.
export function mine(tpl, pubkey, d) {
	let stop = null, stopped = false;
	const done = new Promise((resolve, reject) => {
		const ws = workers(Math.max(1, Math.min(WORKERS_MAX,
		    (navigator.hardwareConcurrency || 2) - 1)));
		const tried = new Array(ws ? ws.length : 1).fill(0);
		const progress = () => showTried(d, tried.reduce((a, b) => a + b));
		const url = ws?.url;
		const end = () => {
			for (const w of ws ?? [])
				w.terminate();
			if (url)
				URL.revokeObjectURL(url);
			hideBox();
		};
		const page = () => onPage(tpl, pubkey, d, (n) => {
			tried[0] = n;
			progress();
		}, () => stopped).then((n) => {
			end();
			resolve(n);
		}, (e) => {
			end();
			reject(e);
		});
		stop = () => {
			stopped = true;
			end();
			reject(new PowStopped());
		};
		showBox(d, stop);
		if (!ws) {
			page();
			return;
		}
		let failed = 0;
		ws.forEach((w, i) => {
			w.onmessage = (e) => {
				if (stopped)
					return;
				tried[i] = e.data.tried;
				progress();
				if (typeof e.data.nonce === 'number') {
					stopped = true;
					end();
					resolve(e.data.nonce);
				}
			};
			// A worker that cannot run (refused by a policy): the
			// page's thread does the work instead.
			w.onerror = (e) => {
				e.preventDefault?.();
				w.terminate();
				if (++failed === ws.length && !stopped) {
					ws.length = 0;
					tried.length = 1;
					tried[0] = 0;
					page();
				}
			};
			w.postMessage({ tpl, pubkey, target: d, start: i, step:
			    ws.length });
		});
	});
	return done.then((n) => withNonce(tpl, n, d));
}
