// ui/send.js: posts from this phone to the node, through the outbox.  A
// signed event is saved first (a reload resends it), then published; the
// node's answer settles it (outbox.js says whether a retry can help: a
// rate limit is tried again after a pause, a refusal for length never),
// a NOTICE without OK refuses it (relay.js), and a connection that drops
// while it is out sends it again when back, up to DROPS_MAX times.  At
// start, whatever was still waiting goes out.  Not a screen.

import { ctx } from './ctx.js';
import { showPost } from './status.js';

let timer = 0;
let onSettled = () => {};

export function sendInit(settled) {
	onSettled = settled;
	for (const p of ctx.outbox.due())
		go(p);
	schedule();
}

// Proof of work (NIP-13), when the node's NIP-11 asks for it, comes here
// next: mine before add(), and a "pow:" refusal becomes a retry after
// mining instead of "not accepted".
export function send(ev, text) {
	const p = ctx.outbox.add(ev, text);
	go(p);
	return p;
}

function go(p) {
	ctx.relay.publish(p.event, (ok, reason) => {
		const q = ctx.outbox.settle(p.id, ok, reason);
		showPost(p.id);
		if (q)
			onSettled(q);
		schedule();
	});
	requestAnimationFrame(() => showPost(p.id));
}

// The connection dropped while id was out.
export function dropped(id) {
	if (!ctx.outbox.dropped(id))
		ctx.relay.forget(id);
	showPost(id);
}

// "Try again" on a post that waits or was given up after drops.
export function retry(id) {
	const p = ctx.outbox.retry(id);
	if (p)
		go(p);
}

// Posts refused for a while (rate limits) go again when their pause ends.
function schedule() {
	clearTimeout(timer);
	const waits = [...ctx.outbox.posts.values()].filter((p) =>
	    p.phase === 'waiting' && p.retryAt > 0).map((p) => p.retryAt);
	if (waits.length === 0)
		return;
	const ms = Math.max(1000, (Math.min(...waits) - Date.now() / 1000) *
	    1000);
	timer = setTimeout(() => {
		for (const p of ctx.outbox.due())
			if (p.phase === 'waiting')
				retry(p.id);
		schedule();
	}, ms);
}
