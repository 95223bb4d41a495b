// nostr.js: the Nostr shapes the page builds and checks, without keys,
// sockets or DOM.  Report and reply templates (kind 1 with "t" tags from
// the hashtags, "g" tags from the place, NIP-10 "e"/"p" tags for replies),
// the REQ filters for the feed and for one report's view, the NIP-10
// reading of who a note answers, and a shape check for events that come
// from the relay before they are rendered; reactions (NIP-25), deletions
// (NIP-09), profiles (kind 0), search (NIP-50) and the counts a card
// shows.  Signing lives in identity.js.  Pure: the unit tests import it.

import { extractHashtags } from './text.js';
import { geohashTags, isGeohash } from './geo.js';

export const FEED_PAGE = 30;	// reports asked for at a time
export const REPLY_LIMIT = 500;
export const COUNT_LIMIT = 2000;	// replies and reactions per page of cards
export const NAME_MAX = 40;
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
// case), a geohash prefix (or a list of them, places.js filterCells) and
// words to search for (NIP-50); until
// (unix seconds, inclusive) pages back to older ones.  limit 0: no
// limit, for COUNT.
export function feedFilter({ tag = '', place = '', q = '', until = null,
    limit = FEED_PAGE } = {}) {
	const f = { kinds: [1] };
	if (limit)
		f.limit = limit;
	if (tag)
		f['#t'] = [tag];
	if (place && place.length)
		f['#g'] = Array.isArray(place) ? place : [place];
	if (q)
		f.search = q;
	if (until !== null)
		f.until = until;
	return f;
}

// Replies (kind 1) and reactions (kind 7) to any of ids, for the counts.
export function countsFilters(ids) {
	return [{ kinds: [1, 7], '#e': ids, limit: COUNT_LIMIT }];
}

// Latest profiles (kind 0) of pubkeys.
export function profilesFilter(pubkeys) {
	return { kinds: [0], authors: pubkeys, limit: pubkeys.length * 2 };
}

// The id a reaction is for (NIP-25: the last "e" tag), or null.
export function reactionTarget(ev) {
	let id = null;
	for (const t of ev.tags)
		if (t[0] === 'e' && HEX64.test(t[1]))
			id = t[1];
	return id;
}

// Adds ev (a reply or a reaction) to counts: Map id -> {replies,
// reactions, mine}, for ids already in it.  seen: Set of counted ids.
// me: this phone's pubkey, to tell if it reacted already.
export function tally(counts, seen, ev, me = '') {
	if (seen.has(ev.id))
		return null;
	let target = null, field = null;
	if (ev.kind === 7) {
		target = reactionTarget(ev);
		field = ev.content === '-' ? null : 'reactions';
	} else if (ev.kind === 1) {
		target = threadOf(ev).reply;
		field = 'replies';
	}
	const c = target ? counts.get(target) : undefined;
	if (!c || !field)
		return null;
	seen.add(ev.id);
	c[field]++;
	if (field === 'reactions' && me && ev.pubkey === me)
		c.mine = true;
	return target;
}

// A reaction "+" (NIP-25) to ev.
export function reactionTemplate(ev, now) {
	return { kind: 7, created_at: now, content: '+', tags: [['e', ev.id],
	    ['p', ev.pubkey], ['k', String(ev.kind)]] };
}

// A deletion request (NIP-09) for the author's own ev.
export function deletionTemplate(ev, now) {
	return { kind: 5, created_at: now, content: '', tags: [['e', ev.id],
	    ['k', String(ev.kind)]] };
}

// A profile (kind 0) with only a name.
export function profileTemplate(name, now) {
	return { kind: 0, created_at: now, tags: [], content: JSON.stringify({
	    name: String(name).trim().slice(0, NAME_MAX) }) };
}

// The name in a kind-0 profile's content: name, else display_name; ''
// when there is none or the content is not a JSON object.  Cut to
// NAME_MAX and stripped of line breaks; bidi controls are dealt with
// where it is shown.
export function profileName(content) {
	let p;
	try {
		p = JSON.parse(content);
	} catch {
		return '';
	}
	if (p === null || typeof p !== 'object')
		return '';
	for (const k of ['name', 'display_name', 'displayName']) {
		if (typeof p[k] === 'string') {
			const v = p[k].replace(/\s+/g, ' ').trim();
			if (v)
				return v.slice(0, NAME_MAX);
		}
	}
	return '';
}

// The filters for one report's view: the report itself, its replies and
// reactions.
export function viewFilters(id) {
	return [{ ids: [id] }, { kinds: [1, 7], '#e': [id], limit: REPLY_LIMIT }];
}

// Where a report sorts in a list: its date, but never later than the
// node's time when it arrived, so a report dated a year ahead does not
// stay on top.  now: unix seconds (the node's clock).
export function sortTime(ev, now) {
	return Math.min(ev.created_at, now);
}

// Seconds of slack before a report counts as dated ahead of the node.
export const AHEAD_S = 120;

export function isAhead(ev, now) {
	return ev.created_at > now + AHEAD_S;
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

// Sorted insert position for newest-first lists: index where an item
// with (t, id) goes in arr (objects with those fields); ties by id as
// NIP-01 orders them.
export function newestFirstIndex(arr, ev) {
	let lo = 0, hi = arr.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1, m = arr[mid];
		if (m.t > ev.t || (m.t === ev.t && m.id < ev.id))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
