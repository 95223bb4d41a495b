// ui/send.js: posts from this phone to the node, through the outbox.  A
// signed event is saved first (a reload resends it), then published; the
// node's answer settles it (outbox.js says whether a retry can help: a
// rate limit is tried again after a pause, a refusal for length never),
// a NOTICE without OK refuses it (relay.js), and a connection that drops
// while it is out sends it again when back, up to DROPS_MAX times.  At
// start, whatever was still waiting goes out.  Not a screen.

import { powNeeded } from '../pow/mine.js';
import { ctx } from './ctx.js';
import { mine } from './pow.js';
import { showPost } from './status.js';

let timer = 0;
let onSettled = () => {};
let onReplaced = () => {};
const mining = new Set();	// ids of posts being mined again

// settled(post) after each answer; replaced(oldId, event) when a post
// refused for proof of work goes again as a new, mined event.
export function sendInit(settled, replaced = () => {}) {
	onSettled = settled;
	onReplaced = replaced;
	for (const p of ctx.outbox.due())
		go(p);
	schedule();
}

// Posts made elsewhere than the composer (reactions, deletions, the
// profile) are signed without proof of work: when the node refuses one
// with "pow:", it is mined and signed again here.
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
		const d = ok ? 0 : powNeeded(reason);
		if (d > 0) {
			ctx.pow = Math.max(ctx.pow, d);
			remine(p.id, d);
		}
		schedule();
	});
	requestAnimationFrame(() => showPost(p.id));
}

// Mines a refused post again to difficulty d, signs it with this phone's
// key (if it is still the post's) and sends the new event in its place.
// Stopped by the person, the post stays refused, with "try again".
async function remine(id, d) {
	const p = ctx.outbox.get(id);
	if (!p || mining.has(id) || !ctx.signer)
		return;
	mining.add(id);
	try {
		const signer = await ctx.signer;
		if (signer.pubkey !== p.event.pubkey)
			return;
		const e = p.event;
		const tpl = await mine({ kind: e.kind, created_at: e.created_at,
		    tags: e.tags, content: e.content }, signer.pubkey, d);
		const ev = await signer.sign(tpl);
		ctx.outbox.remove(id);
		const q = ctx.outbox.add(ev, p.text);
		onReplaced(id, ev);
		go(q);
	} catch {
		/* stopped, or the key is gone: the refusal stands */
	} finally {
		mining.delete(id);
	}
}

// The connection dropped while id was out.
export function dropped(id) {
	if (!ctx.outbox.dropped(id))
		ctx.relay.forget(id);
	showPost(id);
}

// "Try again" on a post that waits or was given up after drops.
export function retry(id) {
	const was = ctx.outbox.get(id);
	const d = was ? powNeeded(was.reason) : 0;
	if (d > 0) {
		remine(id, Math.max(d, ctx.pow));
		return;
	}
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
