// ui/report.js: one report and its conversation.  What it answers (when
// it is a reply) above it, the whole text, its reactions with a button
// to add one (NIP-25), and for its author's own report a delete (NIP-09);
// mute its author on this phone; then the replies, oldest first, live.
// The composer answers it.  Route: #/e/<id>.

import { $, clear, h } from '../dom.js';
import { deletionTemplate, isEventShape, reactionTemplate, threadOf,
    viewFilters } from '../nostr.js';
import { postTime } from '../clock.js';
import { card } from './card.js';
import { ctx, npub } from './ctx.js';
import { CardList } from './list.js';
import { meta, remember, watch } from './meta.js';
import { send } from './send.js';

let rootId = '', root = null, replies = null, eose = false;
let reactions = new Set(), reacted = false;
let onGone = () => {}, onMuted = () => {}, onRoot = () => {};

// gone(id): a report deleted here; muted(pubkey); loaded(ev): the report
// arrived (the composer can answer it).
export function reportInit(gone, muted, loaded) {
	onGone = gone;
	onMuted = muted;
	onRoot = loaded;
}

export function reportShow(id) {
	$('event-view').hidden = false;
	if (rootId === id && replies)
		return;
	rootId = id;
	root = meta.events.get(id) ?? null;
	reactions = new Set();
	reacted = false;
	eose = false;
	if (replies)
		replies.close();
	replies = new CardList($('replies'), { asc: true, root: id, onchange:
	    repliesInfo });
	drawRoot();
	repliesInfo();
	ctx.relay.subscribe('view', viewFilters(id), {
		onEvent: (ev) => {
			if (!isEventShape(ev))
				return;
			if (ev.id === id) {
				root = ev;
				remember(ev);
				drawRoot();
				onRoot(ev);
				const { reply } = threadOf(ev);
				if (reply)
					watch([ev]);
			} else if (ev.kind === 1) {
				replies.add(ev);
			} else if (ev.kind === 7 && ev.content !== '-' &&
			    !reactions.has(ev.id)) {
				reactions.add(ev.id);
				if (ev.pubkey === ctx.pubkey)
					reacted = true;
				drawActions();
			}
		},
		onEose: () => {
			eose = true;
			replies.drawSoon();
			repliesInfo();
			if (!root)
				drawRoot();
		},
	});
}

export function reportHide() {
	$('event-view').hidden = true;
	ctx.relay.unsubscribe('view');
	if (replies)
		replies.close();
	replies = null;
	rootId = '';
	root = null;
}

// The event the composer should answer, or null while it is loading.
export function reportRoot() {
	return root;
}

export function reportPosted(ev) {
	if (replies && threadOf(ev).root === rootId)
		replies.add(ev);
}

export function reportRemove(id) {
	replies?.remove(id);
}

export function reportRedraw() {
	if (!rootId)
		return;
	drawRoot();
	replies?.rerender();
	repliesInfo();
}

function repliesInfo() {
	$('replies-info').textContent = !replies || replies.size > 0 ? '' :
	    ctx.t(eose ? 'no_replies' : 'loading');
}

function drawRoot() {
	const box = $('event-root');
	clear(box);
	if (!root) {
		box.append(h('p', { class: 'info' }, ctx.t(eose ? 'not_found' :
		    'loading')));
		return;
	}
	box.append(h('ol', { class: 'list' }, card(root, { full: true, actions:
	    h('span', { class: 'actions', id: 'r-actions' }) })));
	drawActions();
}

// React, mute, delete: under the report itself.
function drawActions() {
	const box = $('r-actions');
	if (!box || !root)
		return;
	const t = ctx.t;
	clear(box);
	const mine = root.pubkey === ctx.pubkey;
	box.append(h('button', { type: 'button', id: 'r-react', class: 'small',
	    'aria-pressed': String(reacted), 'aria-label': '+1 · ' +
	    reactions.size + ', ' + t('react_label', { n: reactions.size }),
	    disabled: reacted || !ctx.signer || undefined,
	    onclick: react }, '+1 · ' + reactions.size));
	if (!mine)
		box.append(h('button', { type: 'button', id: 'r-mute', class: 'small',
		    onclick: confirmMute }, t('mute')));
	if (mine && ctx.signer)
		box.append(h('button', { type: 'button', id: 'r-delete', class:
		    'small danger', onclick: confirmDelete }, t('delete')));
	box.append(h('div', { id: 'r-confirm', 'aria-live': 'polite' }));
}

async function sign(tpl) {
	const signer = await ctx.signer;
	return signer.sign(tpl);
}

async function react() {
	if (!root || reacted || !ctx.signer)
		return;
	try {
		const ev = await sign(reactionTemplate(root, postTime(Date.now(),
		    ctx.skew)));
		reacted = true;
		reactions.add(ev.id);
		send(ev, undefined);
		const c = meta.counts.get(root.id);
		if (c)
			c.reactions++;
		drawActions();
	} catch {
		/* the extension said no */
	}
}

function confirmBox(text, yesLabel, yes) {
	const box = $('r-confirm');
	clear(box);
	const y = h('button', { type: 'button', class: 'small danger', id:
	    'r-yes' }, yesLabel);
	const n = h('button', { type: 'button', class: 'small' }, ctx.t(
	    'cancel'));
	y.addEventListener('click', yes);
	n.addEventListener('click', () => clear(box));
	box.append(h('p', { class: 'warn' }, text), y, n);
	y.focus();
}

function confirmMute() {
	const who = ctx.phone.name(root.pubkey) || npub(root.pubkey).short;
	confirmBox(ctx.t('mute_warning', { who }), ctx.t('mute_yes'), () => {
		ctx.phone.mute(root.pubkey);
		onMuted(root.pubkey);
		location.hash = '#/';
	});
}

function confirmDelete() {
	confirmBox(ctx.t('delete_warning'), ctx.t('delete_yes'), async () => {
		try {
			const ev = await sign(deletionTemplate(root, postTime(Date.now(),
			    ctx.skew)));
			send(ev, undefined);
			onGone(root.id);
			location.hash = '#/';
		} catch {
			/* the extension said no */
		}
	});
}
