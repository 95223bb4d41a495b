// witness/marks.js: witness marks and vouches as the page builds and
// reads them, without DOM or network (docs/formats.md).  A mark is a
// NIP-32 label, kind 1985, in the namespace "samizdat.witness": confirm,
// dispute or retract on a report (an "e" and a "p" tag), an optional
// comment in the content; a vouch ("I met this person") is the same with
// vouch or revoke and only a "p" tag.  Also: what the node's
// /api/witnesses answers, checked; the words a card shows for it; the
// short code and the long check code of a key; what a scanned QR code
// holds.  Pure: the unit tests import it.

import { HEX64 } from '../nostr.js';

export const NS = 'samizdat.witness';
export const KIND = 1985;
export const COMMENT_MAX = 2000;	// bytes, as the node takes them
export const MARKS = ['confirm', 'dispute', 'retract'];
export const VOUCHES = ['vouch', 'revoke'];
export const STATES = ['unverified', 'corroborated', 'disputed',
    'contested'];
export const API_MAX = 50;	// ids per /api/witnesses request

// An unsigned mark on report (a signed event) with an optional comment.
export function markTemplate(report, label, comment, now) {
	if (!MARKS.includes(label))
		throw new RangeError('not a mark: ' + label);
	return { kind: KIND, created_at: now, content: String(comment ?? ''),
	    tags: [['L', NS], ['l', label, NS], ['e', report.id], ['p',
	    report.pubkey], ['k', String(report.kind)]] };
}

// An unsigned vouch (or revoke) for pubkey (hex).
export function vouchTemplate(pubkey, label, comment, now) {
	if (!VOUCHES.includes(label) || !HEX64.test(pubkey))
		throw new RangeError('not a vouch');
	return { kind: KIND, created_at: now, content: String(comment ?? ''),
	    tags: [['L', NS], ['l', label, NS], ['p', pubkey]] };
}

// The label of ours an event carries ({label, target}) or null: the same
// rule the node applies (one l tag in our namespace with the L tag; a mark
// names one e and one p, a vouch one p and no e).
export function readLabel(ev) {
	if (!ev || ev.kind !== KIND || !Array.isArray(ev.tags))
		return null;
	const ls = ev.tags.filter((t) => t[0] === 'l' && t[2] === NS);
	if (ls.length !== 1 || !ev.tags.some((t) => t[0] === 'L' && t[1] === NS))
		return null;
	const label = ls[0][1];
	const es = ev.tags.filter((t) => t[0] === 'e');
	const ps = ev.tags.filter((t) => t[0] === 'p');
	if (ps.length !== 1 || !HEX64.test(ps[0][1]))
		return null;
	if (MARKS.includes(label))
		return es.length === 1 && HEX64.test(es[0][1]) &&
		    ps[0][1] !== ev.pubkey ? { label, target: es[0][1],
		    author: ps[0][1] } : null;
	if (VOUCHES.includes(label))
		return es.length === 0 && ps[0][1] !== ev.pubkey ? { label,
		    target: ps[0][1] } : null;
	return null;
}

// The people a key vouches for now, from its label events (any order):
// Map pubkey -> the newest vouch event, when that newest is a vouch.
export function currentVouches(events, author) {
	const newest = new Map();
	for (const ev of events) {
		if (ev.pubkey !== author)
			continue;
		const l = readLabel(ev);
		if (!l || !VOUCHES.includes(l.label))
			continue;
		const old = newest.get(l.target);
		if (!old || ev.created_at > old.created_at ||
		    (ev.created_at === old.created_at && ev.id < old.id))
			newest.set(l.target, ev);
	}
	for (const [k, ev] of newest)
		if (readLabel(ev).label !== 'vouch')
			newest.delete(k);
	return newest;
}

const nat = (x) => Number.isSafeInteger(x) && x >= 0 ? x : 0;

function side(s) {
	const o = s && typeof s === 'object' ? s : {};
	const w = Number(o.weight);
	return { keys: nat(o.keys), own: nat(o.own), hop1: nat(o.hop1),
	    hop2: nat(o.hop2), history: nat(o.history), fresh: nat(o.fresh),
	    freshHour: nat(o.fresh_hour), weight: Number.isFinite(w) && w >= 0 ?
	    w : 0 };
}

// One report of the node's answer, checked and with safe defaults, or
// null when it is not one.
export function readState(r) {
	if (!r || typeof r !== 'object' || typeof r.id !== 'string' ||
	    !HEX64.test(r.id))
		return null;
	const author = r.author && typeof r.author === 'object' &&
	    HEX64.test(r.author.pubkey ?? '') ? { pubkey: r.author.pubkey,
	    level: String(r.author.level ?? '') } : null;
	return { id: r.id, stored: r.stored === true, state:
	    STATES.includes(r.state) ? r.state : 'unverified', author,
	    confirm: side(r.confirm), dispute: side(r.dispute),
	    retracted: nat(r.retracted), self: nat(r.self),
	    mine: r.mine === 'confirm' || r.mine === 'dispute' ? r.mine : null };
}

// One mark of the detail answer, checked, or null.
export function readEntry(m) {
	if (!m || typeof m !== 'object' || !HEX64.test(m.pubkey ?? '') ||
	    !MARKS.includes(m.label))
		return null;
	const fv = m.first_via && typeof m.first_via === 'object' ?
	    { kind: String(m.first_via.kind ?? ''), name:
	    String(m.first_via.name ?? '') } : null;
	return { pubkey: m.pubkey, label: m.label, at: nat(m.at), comment:
	    typeof m.comment === 'string' ? m.comment : '', level:
	    String(m.level ?? 'fresh'), counted: m.counted === true, self:
	    m.self === true, via: HEX64.test(m.via ?? '') ? m.via : null,
	    firstSeen: nat(m.first_seen), reports: nat(m.reports), firstVia: fv };
}

// The vouched count of a side.
export function vouched(s) {
	return s.own + s.hop1 + s.hop2;
}

// What a card says of a report's witnesses, as i18n keys with their
// slots: [{key, vars}], in order; empty when nobody marked it.
export function summaryParts(st) {
	const out = [];
	const c = st.confirm, d = st.dispute;
	if (c.keys > 0) {
		const v = vouched(c);
		out.push({ key: 'w_confirmed', vars: { n: c.keys } });
		if (v > 0)
			out.push({ key: v === c.keys ? 'w_all_vouched' :
			    'w_of_them_vouched', vars: { n: v } });
	}
	if (d.keys > 0) {
		const v = vouched(d);
		out.push({ key: 'w_disputed', vars: { n: d.keys } });
		if (v > 0)
			out.push({ key: v === d.keys ? 'w_all_vouched' :
			    'w_of_them_vouched', vars: { n: v } });
	}
	return out;
}

// What the node counted, said plainly: fresh keys first seen in the last
// hour, the rest fresh, keys with history.  [{key, vars}].
export function countedParts(st) {
	const out = [];
	for (const [s, verb] of [[st.confirm, 'c'], [st.dispute, 'd']]) {
		if (s.freshHour > 0)
			out.push({ key: 'w_' + verb + '_fresh_hour', vars: { n:
			    s.freshHour } });
		if (s.fresh - s.freshHour > 0)
			out.push({ key: 'w_' + verb + '_fresh_day', vars: { n:
			    s.fresh - s.freshHour } });
		if (s.history > 0)
			out.push({ key: 'w_' + verb + '_history', vars: { n:
			    s.history } });
	}
	return out;
}

// The short code of a key: 8 characters of its npub after "npub1", in
// two groups; the long check code: 16, in four.  Bech32 letters only, so
// they read aloud well and a typed one is easy to check.
export function shortCode(npub) {
	const s = String(npub).slice(5, 13);
	return s.slice(0, 4) + ' ' + s.slice(4);
}

export function longCode(npub) {
	const s = String(npub).slice(5, 21);
	return [0, 4, 8, 12].map((i) => s.slice(i, i + 4)).join(' ');
}

// A typed short code, normalized to 8 bech32 characters, or null.
export function normalizeCode(text) {
	const s = String(text ?? '').toLowerCase().replace(/[\s-]+/g, '');
	return /^[02-9ac-hj-np-z]{8}$/.test(s) ? s : null;
}

// What a scanned QR code holds: an npub (with or without "nostr:"), an
// nprofile's npub is not taken apart here; returns the npub string, or
// 64 hex, or null.  decodeNpub (from the late script) checks it.
export function scannedKey(text) {
	const s = String(text ?? '').trim();
	const m = /^(?:nostr:)?(npub1[02-9ac-hj-np-z]{58})$/i.exec(s);
	if (m)
		return { npub: m[1].toLowerCase() };
	if (/^[0-9a-f]{64}$/i.test(s))
		return { hex: s.toLowerCase() };
	return null;
}
