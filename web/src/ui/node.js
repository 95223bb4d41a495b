// ui/node.js: the node's own state that the page acts on, asked of
// GET /api/node at start and every POLL_MS while the page is shown (and
// when it is shown again): the proof of work asked now (ctx.pow, which
// NIP-11 gave at start) and a disk nearly full, shown as a banner under
// the header until the node has room again.  Not a screen.

import { $ } from '../dom.js';
import { readPolicy } from '../policy.js';
import { ctx } from './ctx.js';

export const POLL_MS = 30000;

let timer = 0;

export async function nodeAsk() {
	let p = null;
	try {
		const res = await fetch('/api/node', { cache: 'no-store' });
		p = res.ok ? readPolicy(await res.json()) : null;
	} catch {
		p = null;	/* offline: keep what was known */
	}
	if (!p)
		return;
	ctx.pow = p.difficulty;
	ctx.diskLow = p.diskLow;
	$('disk-low').hidden = !p.diskLow;
}

export function nodeWatch() {
	const tick = () => {
		clearTimeout(timer);
		if (document.visibilityState !== 'hidden')
			nodeAsk();
		timer = setTimeout(tick, POLL_MS);
	};
	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'visible')
			tick();
	});
	tick();
}
