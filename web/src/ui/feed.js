// ui/feed.js: the first screen, the reports.  The newest page at once
// (the last ones read come from the phone before the node answers), new
// ones live, older pages as the person scrolls (REQ with until), and an
// honest count ("30 of 5,000 shown", NIP-45).  Search words (NIP-50), a
// hashtag and a place by name filter it, behind one button so the first
// report is on screen.  Route: #/?q=&t=&g=.

import { $, clear, h } from '../dom.js';
import { normalizeGeohash } from '../geo.js';
import { FEED_PAGE, feedFilter, isEventShape } from '../nostr.js';
import { explainReason } from '../reasons.js';
import { normalizeHashtag } from '../text.js';
import { ctx, loadPlaces, num } from './ctx.js';
import { CardList } from './list.js';
import { countLive } from './meta.js';
import { placePicker } from './placepick.js';
import { welcomeBoxes } from './welcome.js';
import { witnessFilter } from '../witness/slot.js';

// How near the end of the list comes before the next page is asked for.
const END_MARGIN = 600;

let list = null;
let route = null;
let state = 'loading', closedWhy = '', total = null, more = true;
let busy = false, observer = null, keepTimer = 0;
let filterPlace = null;	// {g, label, level} picked in the filter

export function parseFeed(q) {
	const p = new URLSearchParams(q);
	return { name: 'feed', tag: normalizeHashtag(p.get('t')) || '',
	    place: normalizeGeohash(p.get('g')) || '',
	    q: String(p.get('q') ?? '').trim().slice(0, 100) };
}

const same = (a, b) => a && b && a.tag === b.tag && a.place === b.place &&
    a.q === b.q;

export function feedShow(r) {
	$('feed-view').hidden = false;
	if (same(route, r) && list) {
		drawTop();	// the welcome or backup prompt may have gone
		return;
	}
	route = r;
	open();
}

export function feedHide() {
	$('feed-view').hidden = true;
}

function unfiltered() {
	return !route.tag && !route.place && !route.q;
}

function open() {
	if (list)
		list.close();
	ctx.relay.unsubscribe('feed');
	list = new CardList($('feed'), { onchange: changed, onFresh: freshInfo });
	state = 'loading';
	closedWhy = '';
	total = null;
	more = true;
	freshInfo(0);
	drawTop();
	// What was read last time, at once; the node's answer follows.
	if (unfiltered()) {
		for (const ev of ctx.phone.recent())
			list.add(ev, { paged: true });
		list.drawSoon();
	}
	if (!route.place) {
		ask({ tag: route.tag, place: '', q: route.q });
		return;
	}
	// A place by name covers its area: that needs the gazetteer.
	const mine = list;
	loadPlaces().then((gz) => gz.filterCells(route.place), () =>
	    [route.place]).then((cells) => {
		if (mine === list)
			ask({ tag: route.tag, place: cells, q: route.q });
	});
}

// The filter of this view, for older pages.
let filter = null;

function ask(f) {
	filter = f;
	let n = 0;
	ctx.relay.subscribe('feed', [feedFilter(f)], {
		onEvent: (ev) => {
			if (!isEventShape(ev) || ev.kind !== 1)
				return;
			if (state === 'loading') {
				n++;
				list.add(ev, { paged: true });
				if (n === 4)
					list.drawSoon();
			} else if (!list.ids.has(ev.id)) {
				list.add(ev, { hold: true });
				countLive(ev);
				if (total !== null)
					total++;
			}
		},
		onEose: () => {
			if (state === 'loading')
				more = n >= FEED_PAGE;
			state = 'live';
			list.drawSoon();
			stillAtEnd();
			info();
		},
		onClosed: (reason) => {
			state = 'closed';
			closedWhy = reason;
			info();
		},
	});
	ctx.relay.count([feedFilter({ ...f, limit: 0 })], (c) => {
		total = c;
		info();
	});
	info();
	watchEnd();
}

// The next page back in time, when the end of the list comes into view.
function older() {
	if (busy || !more || state === 'loading' || !list || !filter)
		return;
	busy = true;
	info();
	const mine = list;
	const until = list.oldest === Infinity ? null : list.oldest;
	ctx.relay.fetch('older', [feedFilter({ ...filter, until })], (got) => {
		busy = false;
		if (mine !== list)
			return;
		const before = list.size;
		for (const ev of got)
			if (isEventShape(ev) && ev.kind === 1)
				list.add(ev, { paged: true });
		if (got.length < FEED_PAGE)
			more = false;
		else if (list.size === before)
			list.oldest--;	// a page of one second's reports seen already
		info();
		stillAtEnd();
	});
}

// The observer tells only of changes: when the end came into view while
// a page was loading, or is still in view once the page is drawn (a
// busy or slow phone), nothing else would ask for the next one.  So once
// the list has drawn what it has, the end is looked at again.
function stillAtEnd() {
	setTimeout(() => {
		if (!more || busy || !list || $('feed-view').hidden)
			return;
		if (list.queue.length > 0) {
			stillAtEnd();	// cards are still being drawn
			return;
		}
		if ($('feed-end').getBoundingClientRect().top < window.innerHeight +
		    END_MARGIN)
			older();
	}, 300);
}

function watchEnd() {
	const end = $('feed-end');
	if (observer || !('IntersectionObserver' in window))
		return;
	observer = new IntersectionObserver((es) => {
		if (es.some((e) => e.isIntersecting) && !$('feed-view').hidden)
			older();
	}, { rootMargin: `${END_MARGIN}px 0px` });
	observer.observe(end);
}

function changed() {
	info();
	if (!unfiltered())
		return;
	clearTimeout(keepTimer);
	keepTimer = setTimeout(keepRecent, 2000);
}

function keepRecent() {
	clearTimeout(keepTimer);
	if (list && route && unfiltered() && list.size > 0)
		ctx.phone.keepRecent(list.events());
}

// Leaving the page keeps what was read, pause or not.
addEventListener('pagehide', keepRecent);

function freshInfo(n) {
	const b = $('fresh');
	b.hidden = n === 0;
	b.textContent = n ? ctx.t('fresh', { n }) : '';
}

// --- the top: welcome, filters -----------------------------------------------

function drawTop() {
	const box = $('feed-top');
	clear(box);
	box.append(...welcomeBoxes(drawTop));
	const t = ctx.t;
	const active = !unfiltered();
	const panel = h('form', { id: 'filters', class: 'filters', role: 'search',
	    hidden: !active || undefined, 'aria-label': t('filter_title') });
	const q = h('input', { id: 'f-q', type: 'search', enterkeyhint: 'search',
	    value: route.q, dir: 'auto' });
	const tag = h('input', { id: 'f-tag', autocomplete: 'off',
	    autocapitalize: 'none', spellcheck: 'false', value: route.tag });
	filterPlace = route.place ? { g: route.place } : null;
	const chip = h('div', { class: 'placebox', id: 'f-placebox' });
	const drawChip = () => {
		clear(chip);
		if (filterPlace) {
			chip.append(h('div', { class: 'chip' }, h('span', { class:
			    'chip-label' }, placeName(filterPlace.g)), h('button', {
			    type: 'button', class: 'icon', id: 'f-place-x', 'aria-label':
			    t('place_remove'), onclick: () => {
				filterPlace = null;
				drawChip();
			} }, '×')));
		} else {
			chip.append(placePicker({ id: 'f-place', label: 'filter_place',
			    onPick: (p) => {
				filterPlace = p;
				drawChip();
			} }).root);
		}
	};
	drawChip();
	const err = h('p', { id: 'f-error', class: 'error', role: 'alert' });
	panel.append(
	    h('label', { for: 'f-q' }, t('filter_q')), q,
	    h('label', { for: 'f-tag' }, t('filter_tag')), tag,
	    chip, err,
	    h('div', { class: 'row' },
		h('button', { type: 'submit', id: 'f-apply', class: 'primary' },
		    t('filter_apply')),
		h('button', { type: 'button', id: 'f-clear', onclick: () => {
			location.hash = '#/';
		} }, t('filter_clear'))));
	panel.addEventListener('submit', (e) => {
		e.preventDefault();
		const tg = normalizeHashtag(tag.value);
		if (tg === null) {
			err.textContent = t('err_tag');
			return;
		}
		const p = new URLSearchParams();
		if (q.value.trim())
			p.set('q', q.value.trim());
		if (tg)
			p.set('t', tg);
		if (filterPlace)
			p.set('g', filterPlace.g);
		const s = p.toString();
		location.hash = '#/' + (s ? '?' + s : '');
	});
	const toggle = h('button', { type: 'button', id: 'f-toggle', class:
	    'small', 'aria-expanded': String(active), 'aria-controls': 'filters',
	    onclick: () => {
		panel.hidden = !panel.hidden;
		toggle.setAttribute('aria-expanded', String(!panel.hidden));
		if (!panel.hidden)
			q.focus();
	} }, t('filter_toggle'));
	// "Only corroborated" is a filter like the others: in the folded
	// panel, so the first report stays above the fold on a small phone;
	// what it hides is said beside the count.
	const [wOnly, wInfo] = witnessFilter();
	panel.insertBefore(wOnly, panel.lastChild);
	box.append(h('div', { class: 'feedbar' }, toggle,
	    h('p', { id: 'feed-info', class: 'info', 'aria-live': 'polite' }),
	    wInfo), panel);
	info();
}

function placeName(g) {
	const gz = ctx.gazetteer;
	const n = gz ? gz.name(g, ctx.lang) : null;
	return n && n.name ? (n.near ? ctx.t('place_near', { p: n.name }) :
	    n.name) : ctx.t('place_code', { g });
}

function info() {
	const el = $('feed-info');
	if (!el || !list)
		return;
	const t = ctx.t;
	clear(el);
	const what = [];
	if (route.q)
		what.push(h('strong', { dir: 'auto' }, '“' + route.q + '”'));
	if (route.tag)
		what.push(h('strong', null, '#' + route.tag));
	if (route.place)
		what.push(h('strong', null, placeName(route.place)));
	if (what.length > 0)
		el.append(t('showing_filtered'), ' ', ...what.flatMap((x, i) =>
		    i ? [', ', x] : [x]), '. ');
	const n = list.size;
	if (state === 'closed') {
		el.append(t('list_closed'), ' ', t(explainReason(closedWhy).key),
		    ' ', h('span', { class: 'raw' }, t('node_said', { r:
		    closedWhy })));
	} else if (n === 0) {
		el.append(t(state === 'loading' ? 'loading' : 'no_reports'));
	} else if (total !== null && total >= n) {
		el.append(t('shown_of', { n: num(n), total: num(total), count:
		    total }));
	} else {
		el.append(t('shown', { n: num(n), count: n }));
	}
	const end = $('feed-end');
	clear(end);
	if (n > 0 && state !== 'loading')
		end.append(more ? h('button', { type: 'button', id: 'f-older',
		    class: 'small', disabled: busy || undefined, onclick: older },
		    t(busy ? 'loading' : 'load_older')) : h('p', { class: 'info' },
		    t('feed_end')));
}

// A post made here: on top of the list at once, if it fits the filter.
export function feedPosted(ev) {
	if (list && unfiltered() && !list.ids.has(ev.id)) {
		list.add(ev);
		if (total !== null)
			total++;
	}
}

export function feedRemove(id) {
	list?.remove(id);
}

export function feedMuted(pubkey) {
	list?.dropAuthor(pubkey);
}

export function feedRedraw() {
	if (!list || !route)
		return;
	drawTop();
	list.rerender();
	freshInfo(list.fresh.length);
}

export function feedFreshShow() {
	list?.showFresh();
	window.scrollTo(0, 0);
}
