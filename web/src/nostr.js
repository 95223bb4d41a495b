// nostr.js: the Nostr shapes the page builds and checks, without keys,
// sockets or DOM.  Report and reply templates (kind 1 with "t" tags from
// the hashtags, "g" tags from the place, NIP-10 "e"/"p" tags for replies),
// the REQ filters for the feed and for one report's view, the NIP-10
// reading of who a note answers, and a shape check for events that come
// from the relay before they are rendered.  Signing lives in identity.js.
// Pure: the unit tests import it.

import { extractHashtags } from './text.js';
import { geohashTags, isGeohash } from './geo.js';

export const FEED_LIMIT = 200;	// items kept on screen, and asked for
export const REPLY_LIMIT = 500;
export const HEX64 = /^[0-9a-f]{64}$/;

// An unsigned kind-1 report: {kind, created_at, tags, content}.  place is
// a geohash or ''; now is unix seconds.
export function reportTemplate(content, place, now) {
	const tags = extractHashtags(content).map((t) => ['t', t]);
	if (place) {
		if (!isGeohash(place))
			throw new RangeError('place is not a geohash');
		tags.push(...geohashTags(place));
	}
	return { kind: 1, created_at: now, tags, content };
}

// A reply to parent (a signed event) following NIP-10's marked "e" tags:
// the thread's root, and the parent as "reply" when it is not the root;
// "p" tags for the parent's author and the people it named.
export function replyTemplate(parent, content, place, now) {
	const ev = reportTemplate(content, place, now);
	const { root } = threadOf(parent);
	const e = [];
	if (root && root !== parent.id) {
		e.push(['e', root, '', 'root']);
		e.push(['e', parent.id, '', 'reply']);
	} else {
		e.push(['e', parent.id, '', 'root']);
	}
	const ps = [parent.pubkey];
	for (const t of parent.tags)
		if (t[0] === 'p' && HEX64.test(t[1]) && !ps.includes(t[1]))
			ps.push(t[1]);
	ev.tags = [...e, ...ps.map((p) => ['p', p]), ...ev.tags];
	return ev;
}

// NIP-10: {root, reply} ids that ev answers, or nulls for a top-level
// note.  Marked tags win; otherwise the deprecated positional form (first
// "e" is the root, last is the reply).
export function threadOf(ev) {
	const es = ev.tags.filter((t) => t[0] === 'e' && HEX64.test(t[1]));
	if (es.length === 0)
		return { root: null, reply: null };
	const root = es.find((t) => t[3] === 'root');
	const reply = es.find((t) => t[3] === 'reply');
	if (root || reply) {
		const r = (root ?? reply)[1];
		return { root: r, reply: (reply ?? root)[1] };
	}
	return { root: es[0][1], reply: es[es.length - 1][1] };
}

// The feed's REQ filter: newest reports, optionally one hashtag (lower
// case) and one geohash prefix.
export function feedFilter({ tag = '', place = '', limit = FEED_LIMIT } =
    {}) {
	const f = { kinds: [1], limit };
	if (tag)
		f['#t'] = [tag];
	if (place)
		f['#g'] = [place];
	return f;
}

// The filters for one report's view: the report itself and its replies.
export function viewFilters(id) {
	return [{ ids: [id] }, { kinds: [1], '#e': [id], limit: REPLY_LIMIT }];
}

// True if ev has the shape of a signed event the page can render.  The
// relay has checked ids and signatures; this only keeps bad shapes out of
// the DOM code.
export function isEventShape(ev) {
	return ev !== null && typeof ev === 'object' &&
	    typeof ev.id === 'string' && HEX64.test(ev.id) &&
	    typeof ev.pubkey === 'string' && HEX64.test(ev.pubkey) &&
	    Number.isSafeInteger(ev.created_at) && ev.created_at >= 0 &&
	    Number.isSafeInteger(ev.kind) &&
	    typeof ev.content === 'string' && Array.isArray(ev.tags) &&
	    ev.tags.every((t) => Array.isArray(t) && t.length > 0 &&
		t.every((s) => typeof s === 'string')) &&
	    typeof ev.sig === 'string';
}

// True if ev matches f as NIP-01 says, for the filters this page sends
// (ids, kinds, #t, #g, #e); used to place live events.
export function matchFilter(f, ev) {
	if (f.ids && !f.ids.includes(ev.id))
		return false;
	if (f.kinds && !f.kinds.includes(ev.kind))
		return false;
	for (const k of Object.keys(f)) {
		if (k[0] !== '#')
			continue;
		const name = k.slice(1), want = f[k];
		if (!ev.tags.some((t) => t[0] === name && want.includes(t[1])))
			return false;
	}
	return true;
}

// Sorted insert position for newest-first lists: index where an event
// with (created_at, id) goes in arr (objects with those fields); ties by
// id as NIP-01 orders them.
export function newestFirstIndex(arr, ev) {
	let lo = 0, hi = arr.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1, m = arr[mid];
		if (m.created_at > ev.created_at ||
		    (m.created_at === ev.created_at && m.id < ev.id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
