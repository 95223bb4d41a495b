// ui/meta.js: what cards show besides the report itself, fetched in
// batches for the cards just drawn: authors' names (kind 0 profiles),
// reply and reaction counts (kinds 1 and 7 that tag them), and the
// reports that replies answer.  One REQ per kind of thing per batch,
// closed at EOSE, so a page of 30 cards costs three short requests.
// Listeners (the lists on screen) are told which cards to refresh.  Not a
// screen.

import { countsFilters, isEventShape, profileName, profilesFilter, tally,
    threadOf } from '../nostr.js';
import { ctx } from './ctx.js';

export const meta = {
	counts: new Map(),	// id -> {replies, reactions, mine}
	seen: new Set(),	// replies and reactions counted
	events: new Map(),	// id -> event, for quotes
	listeners: new Set(),	// f(ids: Set, pubkeys: Set, what)
};

const asked = { names: new Set(), parents: new Set() };
let queue = [], timer = 0, seq = 0;

// what: 'counts', 'quotes' or 'names', the part of the cards to redo.
function notify(ids, pubkeys, what) {
	for (const f of meta.listeners)
		f(ids, pubkeys, what);
}

// Events just drawn: fetch what their cards still lack, soon, together.
export function watch(events) {
	queue.push(...events);
	if (timer === 0)
		timer = setTimeout(flush, 250);
}

// A reply or reaction that arrived live: counted if its target is known.
export function countLive(ev) {
	const target = tally(meta.counts, meta.seen, ev, ctx.pubkey);
	if (target)
		notify(new Set([target]), new Set(), 'counts');
}

export function remember(ev) {
	meta.events.set(ev.id, ev);
}

function flush() {
	timer = 0;
	const evs = queue.splice(0);
	if (evs.length === 0 || !ctx.relay)
		return;
	const ids = [], pubkeys = new Set(), parents = new Set();
	for (const ev of evs) {
		meta.events.set(ev.id, ev);
		if (!meta.counts.has(ev.id)) {
			meta.counts.set(ev.id, { replies: 0, reactions: 0 });
			ids.push(ev.id);
		}
		if (!asked.names.has(ev.pubkey)) {
			asked.names.add(ev.pubkey);
			pubkeys.add(ev.pubkey);
		}
		const { reply } = threadOf(ev);
		if (reply && !meta.events.has(reply) && !asked.parents.has(reply)) {
			asked.parents.add(reply);
			parents.add(reply);
		}
	}
	if (ids.length > 0)
		ctx.relay.fetch('m' + (++seq), countsFilters(ids), (got) => {
			const hit = new Set();
			for (const ev of got)
				if (isEventShape(ev)) {
					const t = tally(meta.counts, meta.seen, ev, ctx.pubkey);
					if (t)
						hit.add(t);
				}
			// Counted or not, the counts are known now: zero shows.
			notify(new Set(ids), new Set(), 'counts');
		});
	if (parents.size > 0)
		ctx.relay.fetch('m' + (++seq), [{ ids: [...parents] }], (got) => {
			const hit = new Set();
			for (const ev of got)
				if (isEventShape(ev) && parents.has(ev.id)) {
					meta.events.set(ev.id, ev);
					hit.add(ev.id);
					if (!asked.names.has(ev.pubkey)) {
						asked.names.add(ev.pubkey);
						names([ev.pubkey]);
					}
				}
			notify(hit, new Set(), 'quotes');
		});
	if (pubkeys.size > 0)
		names([...pubkeys]);
}

function names(pubkeys) {
	ctx.relay.fetch('m' + (++seq), [profilesFilter(pubkeys)], (got) => {
		const changed = new Set();
		for (const ev of got) {
			if (!isEventShape(ev) || ev.kind !== 0)
				continue;
			const n = profileName(ev.content);
			if (n && ctx.phone.setName(ev.pubkey, n, ev.created_at))
				changed.add(ev.pubkey);
		}
		if (changed.size > 0) {
			ctx.phone.saveNames();
			notify(new Set(), changed, 'names');
		}
	});
}

// A profile this phone just published.
export function ownName(pubkey, name, at) {
	if (ctx.phone.setName(pubkey, name, at)) {
		ctx.phone.saveNames();
		notify(new Set(), new Set([pubkey]), 'names');
	}
}
