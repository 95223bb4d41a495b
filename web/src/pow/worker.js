// pow/worker.js: the proof-of-work miner in a Web Worker, so the page's
// thread never waits on it.  build.mjs bundles this file on its own and
// puts the text in the page (POW_WORKER); ui/pow.js starts it from a blob:
// URL (no file, no network).  One message starts a search:
// {tpl, pubkey, target, start, step}; it answers {tried} about every
// CHUNK tries and {nonce, tried} when found.  Stopped by terminate().

import { Miner } from './mine.js';

const CHUNK = 4096;

self.onmessage = (e) => {
	const { tpl, pubkey, target, start, step } = e.data;
	const m = new Miner(tpl, pubkey, target);
	for (let n = start, tried = 0; ; n += CHUNK * step) {
		const got = m.search(n, CHUNK, step);
		if (got >= 0) {
			self.postMessage({ nonce: got, tried: tried +
			    (got - n) / step + 1 });
			return;
		}
		tried += CHUNK;
		self.postMessage({ tried });
	}
};
