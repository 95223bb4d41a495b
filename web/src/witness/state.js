// witness/state.js: what the node says of the witnesses of the reports on
// screen, fetched in batches (GET /api/witnesses?ids=...&me=..., at most
// 50 ids a request) a moment after their cards are drawn, kept per id, and
// fetched again when a mark or a vouch arrives live (a REQ for kind 1985
// in our namespace, open while the page is).  me is this phone's key, so
// the people it vouched for count as the node counts its operator's.
// Listeners (witness/slot.js) are told which ids changed, and whether by
// the answer of detail().  Not a screen.

import { API_MAX, NS, KIND, VOUCHES, readEntry, readLabel, readState } from
    './marks.js';
import { ctx } from '../ui/ctx.js';

export const wit = {
	states: new Map(),	// id -> readState()
	failed: new Set(),	// ids the node did not answer for
	listeners: new Set(),	// f(ids: Set, fromDetail: bool)
};

let queue = new Set(), timer = 0, live = false, me = '';

function notify(ids, fromDetail = false) {
	for (const f of wit.listeners)
		f(ids, fromDetail);
}

// A card for id was drawn: its state is fetched soon, with the others.
export function want(id) {
	startLive();
	if (me !== ctx.pubkey) {
		// A new key on this phone: its own vouches count from now on.
		me = ctx.pubkey;
		for (const k of wit.states.keys())
			queue.add(k);
	}
	if (wit.states.has(id) || queue.has(id))
		return;
	queue.add(id);
	schedule();
}

function schedule(ms = 250) {
	if (timer === 0)
		timer = setTimeout(flush, ms);
}

function query(ids) {
	return 'ids=' + ids.join(',') + (ctx.pubkey ? '&me=' + ctx.pubkey : '');
}

async function flush() {
	timer = 0;
	const ids = [...queue];
	queue = new Set();
	for (let i = 0; i < ids.length; i += API_MAX) {
		const part = ids.slice(i, i + API_MAX);
		try {
			const res = await fetch('/api/witnesses?' + query(part),
			    { cache: 'no-store' });
			if (!res.ok)
				throw new Error('witnesses: ' + res.status);
			const d = await res.json();
			const got = new Set();
			for (const r of Array.isArray(d?.reports) ? d.reports : []) {
				const st = readState(r);
				if (st && part.includes(st.id)) {
					wit.states.set(st.id, st);
					wit.failed.delete(st.id);
					got.add(st.id);
				}
			}
			notify(got);
		} catch {
			for (const id of part)
				wit.failed.add(id);
			notify(new Set(part));
		}
	}
}

// Asks again for ids (a mark on them arrived, or this phone marked).
export function refresh(ids) {
	for (const id of ids)
		queue.add(id);
	schedule(100);
}

// Who said what on one report: {state, entries, omitted}, or null.
export async function detail(id) {
	const res = await fetch('/api/witnesses/' + id + (ctx.pubkey ? '?me=' +
	    ctx.pubkey : ''), { cache: 'no-store' });
	if (!res.ok)
		return null;
	const d = await res.json();
	const state = readState(d);
	if (!state)
		return null;
	wit.states.set(id, state);
	notify(new Set([id]), true);
	return { state, entries: (Array.isArray(d.marks) ? d.marks : [])
	    .map(readEntry).filter(Boolean), omitted: Number.isSafeInteger(
	    d.omitted) ? d.omitted : 0 };
}

// Keys with the code (8 bech32 characters): [{pubkey, reports}].
export async function keysByCode(code) {
	const res = await fetch('/api/witnesses?code=' + code, { cache:
	    'no-store' });
	if (!res.ok)
		throw new Error('code: ' + res.status);
	const d = await res.json();
	return (Array.isArray(d?.keys) ? d.keys : []).filter((k) =>
	    typeof k?.pubkey === 'string' && /^[0-9a-f]{64}$/.test(k.pubkey));
}

// Marks and vouches as they arrive: the reports they name are asked for
// again; a vouch can change every count, so all are.
function startLive() {
	if (live || !ctx.relay)
		return;
	live = true;
	ctx.relay.subscribe('witness-live', [{ kinds: [KIND], '#L': [NS],
	    since: Math.floor(Date.now() / 1000) + ctx.skew - 60 }], {
		onEvent: (ev) => {
			const l = readLabel(ev);
			if (!l)
				return;
			if (VOUCHES.includes(l.label))
				refresh([...wit.states.keys()]);
			else if (wit.states.has(l.target))
				refresh([l.target]);
		},
	});
}
