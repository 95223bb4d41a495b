// ui/status.js: the line under a post made on this phone that says how far
// it got: signed, waiting for the connection or sent, stored on this node
// or not accepted (with the reason in plain words and the node's own
// text), then what /api/status says beyond the node.  Not a screen: cards
// call it, and the page calls showPost(id) when a post's state changes.

import { clear, h } from '../dom.js';
import { explainReason } from '../reasons.js';
import { POLL_DURATION_MS, POLL_INTERVAL_MS, statusPath, summarizeStatus }
    from '../status.js';
import { ctx } from './ctx.js';

let onEdit = () => {};
let onRetry = () => {};

// edit(text): put a refused post's text back in the composer; retry(id).
export function statusActions(edit, retry) {
	onEdit = edit;
	onRetry = retry;
}

// Redraws the status line of post id in every card that shows it.
export function showPost(id) {
	for (const el of document.querySelectorAll('.card[data-id="' + id +
	    '"] .status'))
		fillStatus(el, id);
}

export function fillStatus(el, id) {
	const p = ctx.outbox.get(id);
	clear(el);
	if (!p)
		return;
	el.className = 'status ' + p.phase;
	el.append(...statusNodes(p));
	if (p.phase === 'stored' && !p.polling && (p.until ?? Infinity) >
	    Date.now())
		setTimeout(() => pollStatus(id), 0);
}

function statusNodes(p) {
	const t = ctx.t;
	const parts = [];
	const step = (ok, text) => h('span', { class: ok ? 'step ok' : 'step' },
	    (ok ? '✓ ' : '… ') + text);
	parts.push(step(true, t('st_signed')));
	if (p.phase === 'sending')
		parts.push(step(false, t(ctx.relay.state !== 'open' ? 'st_queued' :
		    p.drops > 0 ? 'st_resending' : 'st_sending')));
	else if (p.phase === 'stored')
		parts.push(step(true, t('st_stored')));
	if (p.phase === 'refused' || p.phase === 'waiting') {
		const r = p.reason === 'dropped' ? { key: 'reason_dropped' } :
		    explainReason(p.reason);
		parts.push(h('span', { class: 'step bad' }, '✗ ' +
		    t('st_refused')));
		parts.push(h('span', { class: 'why' }, t(r.key)));
		if (p.reason && p.reason !== 'dropped')
			parts.push(h('span', { class: 'raw' }, t('node_said', { r:
			    p.reason })));
		if (p.phase === 'waiting')
			parts.push(h('span', { class: 'why' }, t('st_retry_later')));
		if (p.event.kind === 1 && p.text !== undefined)
			parts.push(h('button', { type: 'button', class: 'small',
			    onclick: () => onEdit(p.text) }, t('edit_again')));
		if (p.phase === 'waiting' || p.reason === 'dropped' ||
		    /^pow:/.test(p.reason))
			parts.push(h('button', { type: 'button', class: 'small',
			    onclick: () => onRetry(p.id) }, t('try_again')));
	}
	const r = p.remote;
	if (p.phase === 'stored' && r) {
		parts.push(step(r.peers > 0, r.peers > 0 ? t('st_peers', {
		    n: r.peers }) : t('st_no_peers')));
		if (r.relaysOk > 0)
			parts.push(step(true, t('st_relays', { n: r.relaysOk })));
		if (r.relaysRefused > 0)
			parts.push(h('span', { class: 'step bad' }, '✗ ' +
			    t('st_relays_refused', { n: r.relaysRefused })));
	}
	return parts;
}

// Asks the node what happened to a stored post beyond it, while the post
// is on screen, for POLL_DURATION_MS after its OK.
async function pollStatus(id) {
	const p = ctx.outbox.get(id);
	if (!p || p.polling)
		return;
	p.polling = true;
	p.until ??= Date.now() + POLL_DURATION_MS;
	for (let n = 0; Date.now() < p.until; n++) {
		await new Promise((r) => setTimeout(r, n === 0 ? 1500 :
		    POLL_INTERVAL_MS));
		if (!document.querySelector('.card[data-id="' + id + '"]'))
			break;
		try {
			const res = await fetch(statusPath(id), { cache: 'no-store',
			    headers: { Accept: 'application/json' } });
			if (!res.ok)
				continue;
			const s = summarizeStatus(await res.json(), id);
			if (s) {
				p.remote = s;
				showPost(id);
			}
		} catch {
			/* offline or not JSON: ask again later */
		}
	}
	p.polling = false;
}
