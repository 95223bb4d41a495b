// ui/card.js: one report as a card, the same in every list.  Its author
// (the name from their profile when known, the short npub always beside
// it), when (words, or a warning when dated ahead of the node's clock),
// what it answers, its text defused (bidi controls shown as marks, blank
// lines collapsed, long text folded behind "more"), its place by name,
// its reply and reaction counts, and the delivery status of a post made
// here.  Names, counts, quotes and place names arrive later (ui/meta.js)
// and are filled in place by refreshCard().  Every string from an event
// goes in as a text node.
//
// Photos and videos (NIP-92 imeta, Blossom) come from ui/media.js through
// mediaSlot(), which also keeps their URLs out of the text shown;
// witnessSlot() (confirm/dispute marks, NIP-32 labels) is witness/slot.js.
// Their place in the card is fixed.

import { h } from '../dom.js';
import { eventGeohash } from '../geo.js';
import { isAhead, threadOf } from '../nostr.js';
import { contentSegments, foldText, plainLine, tidyText } from '../text.js';
import { ctx, loadPlaces, nodeNow, npub } from './ctx.js';
import { mediaBlock, shownText } from './media.js';
import { meta } from './meta.js';
import { fillStatus } from './status.js';
import { witnessSlot } from '../witness/slot.js';

function authorColor(pubkey) {
	return 'hsl(' + (parseInt(pubkey.slice(0, 4), 16) % 360) +
	    ' 60% 45%)';
}

// Content as DOM nodes: text, hashtag links, and visible marks where
// bidi controls were.
export function contentNodes(text) {
	return contentSegments(text).map((s) => s.ctl ? h('span', { class:
	    'ctl', title: s.ctl }, '⟦' + s.ctl + '⟧') : s.tag === undefined ?
	    s.text : h('a', { class: 'tag', href: '#/?t=' +
	    encodeURIComponent(s.tag) }, s.text));
}

// The author: name (isolated, for right-to-left names) and short npub.
export function whoNodes(pubkey) {
	const name = ctx.pubkey === pubkey ? ctx.t('you') : plainLine(
	    ctx.phone.name(pubkey), 40);
	const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
	dot.style.background = authorColor(pubkey);
	return [dot, name ? h('bdi', { class: 'name' }, name) : null,
	    h('span', { class: 'npub' }, npub(pubkey).short)];
}

// The place link: its name in the reader's language when the gazetteer
// is loaded, else a word for how precise it is; the geohash in the title.
export function placeNodes(g) {
	const gz = ctx.gazetteer;
	if (!gz)
		wantPlaces();
	const n = gz ? gz.name(g, ctx.lang) : null;
	const level = n ? n.level : null;
	const label = n && n.name ? (n.near ? ctx.t('place_near', { p:
	    n.name }) : n.name) : ctx.t('place_code', { g });
	return [pin(), h('bdi', null, label), level ? h('span', { class:
	    'level' }, ctx.t('level_' + level)) : null];
}

let placesTimer = 0;

// A card shows a place: fetch the gazetteer, but well after the first
// reports are on screen and when the phone is idle (it is 150 KB to
// fetch and parse), then name every place shown.
function wantPlaces() {
	if (placesTimer)
		return;
	const idle = window.requestIdleCallback ?? ((f) => setTimeout(f, 0));
	placesTimer = setTimeout(() => idle(() => loadPlaces().then(() => {
		for (const a of document.querySelectorAll('a.place[data-g]'))
			a.replaceChildren(...placeNodes(a.dataset.g).filter(Boolean));
	}, () => {
		placesTimer = 0;
	}), { timeout: 3000 }), 3000);
}

// A map pin drawn inline: no icon font or image to fetch.
export function pin() {
	const NS = 'http://www.w3.org/2000/svg';
	const svg = document.createElementNS(NS, 'svg');
	svg.setAttribute('viewBox', '0 0 24 24');
	svg.setAttribute('class', 'pin');
	svg.setAttribute('aria-hidden', 'true');
	const p = document.createElementNS(NS, 'path');
	p.setAttribute('d', 'M12 2a7 7 0 0 0-7 7c0 5 7 13 7 13s7-8 7-13a7 7 0 0 ' +
	    '0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z');
	svg.append(p);
	return svg;
}

function whenNodes(ev) {
	const ahead = isAhead(ev, nodeNow());
	return h('time', { 'data-ts': ev.created_at, datetime: new Date(
	    ev.created_at * 1000).toISOString(), title: ctx.time.full(
	    ev.created_at) }, ahead ? ctx.time.date(ev.created_at) :
	    ctx.time.ago(ev.created_at, Date.now()));
}

// Photos and videos, thumbnails first, each checked against its hash.
export function mediaSlot(ev) {
	return mediaBlock(ev);
}

// Witness marks (NIP-32 confirm/dispute counts): witness/slot.js.
export { witnessSlot };

function countLink(ev, full) {
	const c = meta.counts.get(ev.id);
	const n = c ? c.replies : null;
	const label = n === null ? ctx.t('open_replies') : ctx.t('n_replies',
	    { n });
	return full ? null : h('a', { class: 'open cnt-replies', href: '#/e/' +
	    ev.id }, label);
}

function reactNodes(ev) {
	const c = meta.counts.get(ev.id);
	if (!c || c.reactions === 0)
		return null;
	return h('span', { class: 'cnt-react', title: ctx.t('reactions_title') },
	    '+' + c.reactions);
}

// One event as an <li>.  opts: full (the whole text, the report's own
// view), root (the id the list answers: no "in reply to" for it),
// actions (nodes for the footer of the report's view).
export function card(ev, opts = {}) {
	const { full = false, root = '' } = opts;
	const { reply } = threadOf(ev);
	const text = tidyText(shownText(ev));
	const fold = full ? { text, cut: false } : foldText(text);
	const body = h('p', { class: 'content', dir: 'auto' },
	    contentNodes(fold.text));
	const more = fold.cut ? h('button', { type: 'button', class:
	    'small more', 'aria-expanded': 'false', onclick: (e) => {
		body.replaceChildren(...contentNodes(text));
		e.currentTarget.remove();
	} }, ctx.t('more')) : null;
	const place = eventGeohash(ev.tags);
	const mine = ctx.pubkey === ev.pubkey;
	const li = h('li', { class: 'card' + (mine ? ' mine' : ''), 'data-id':
	    ev.id, 'data-pk': ev.pubkey },
	    h('article', null,
		h('header', { class: 'meta' },
		    h('span', { class: 'who', title: npub(ev.pubkey).full },
			whoNodes(ev.pubkey)),
		    h('a', { class: 'when', href: '#/e/' + ev.id }, whenNodes(ev))),
		isAhead(ev, nodeNow()) ? h('p', { class: 'ahead warn' },
		    ctx.t('dated_ahead')) : null,
		reply && reply !== root ? replyTo(reply) : null,
		body, more,
		mediaSlot(ev),
		h('footer', { class: 'acts' },
		    place ? h('a', { class: 'place', 'data-g': place, href:
			'#/?g=' + place, title: ctx.t('place_filter_hint', { g:
			place }) }, placeNodes(place)) : null,
		    countLink(ev, full),
		    reactNodes(ev),
		    witnessSlot(ev),
		    opts.actions ?? null),
		h('p', { class: 'status', 'aria-live': 'polite' })));
	if (ctx.outbox.get(ev.id))
		fillStatus(li.querySelector('.status'), ev.id);
	return li;
}

// "In reply to": a link to the report answered, with its author and its
// first words once known.
function replyTo(id) {
	return h('a', { class: 'replyto', href: '#/e/' + id, 'data-parent': id },
	    h('span', null, quoteNodes(id)));
}

function quoteNodes(id) {
	const p = meta.events.get(id);
	if (!p)
		return [ctx.t('in_reply')];
	const name = plainLine(ctx.phone.name(p.pubkey), 30) ||
	    npub(p.pubkey).short;
	return [ctx.t('in_reply_to'), ' ', h('bdi', null, name), ': ',
	    h('q', { dir: 'auto' }, plainLine(p.content, 80))];
}

// Fills in what arrived since the card was drawn: names, counts, the
// quote of the report answered; what says which ('counts', 'quotes',
// 'names'; anything else: all).
export function refreshCard(li, ev, what) {
	const all = !['counts', 'quotes', 'names'].includes(what);
	if (all || what === 'names') {
		const who = li.querySelector('.who');
		if (who)
			who.replaceChildren(...whoNodes(ev.pubkey).filter(Boolean));
	}
	if (all || what === 'names' || what === 'quotes') {
		const rt = li.querySelector('.replyto');
		if (rt)
			rt.firstChild.replaceChildren(...quoteNodes(rt.dataset.parent));
	}
	if (all || what === 'counts') {
		const cr = li.querySelector('.cnt-replies');
		const c = meta.counts.get(ev.id);
		if (cr && c)
			cr.textContent = ctx.t('n_replies', { n: c.replies });
		const old = li.querySelector('.cnt-react');
		const react = reactNodes(ev);
		if (old)
			old.remove();
		if (react)
			li.querySelector('.acts').append(react);
	}
}
