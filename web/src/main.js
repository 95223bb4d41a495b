// main.js: the page.  Wires the pure modules to the DOM: routes (#/ the
// feed with its filters, #/e/<id> one report and its replies, #/me the
// key), the relay connection, the composer with its status lines, and the
// language switch.  Plain DOM, no framework: every string from an event
// goes in through text nodes (dom.js h()), never innerHTML.

import { $, clear, copyText, h } from './dom.js';
import { GPS_PRECISION, eventGeohash, geohashDecode, geohashEncode,
    normalizeGeohash } from './geo.js';
import { clockNotice, clockOffset, postTime } from './clock.js';
import { LANGS, makeT, pickLang } from './i18n.js';
import { backup, extensionSigner, forgetKey, loadKey, localSigner, newKey,
    npubOf, nsecOf, restore, saveKey, shortNpub } from './identity.js';
import { FEED_LIMIT, feedFilter, isEventShape, newestFirstIndex, replyTemplate,
    reportTemplate, threadOf, viewFilters } from './nostr.js';
import { qrSvg } from './qr.js';
import { explainReason } from './reasons.js';
import { RelayClient } from './relay.js';
import { POLL_DURATION_MS, POLL_INTERVAL_MS, statusPath, summarizeStatus }
    from './status.js';
import { normalizeHashtag, splitHashtags } from './text.js';

const LANG_ITEM = 'samizdat.lang';
const FEED_TEXT_MAX = 1000;	// characters of a report shown in lists

const store = safeStorage();
let lang = pickLang(store.getItem(LANG_ITEM), navigator.languages ??
    [navigator.language]);
let t = makeT(lang);

// --- state ---------------------------------------------------------------

let secretKey = loadKey(store);
let signerPromise = null;	// Promise of the current signer, or null
const posts = new Map();	// id -> status of a post made here
let route = { name: 'feed', tag: '', place: '' };
let feedList = null, replyList = null;
let rootEvent = null, rootId = '';
let lastState = 'connecting', lastDelay = 0;

const relay = new RelayClient((location.protocol === 'https:' ? 'wss://' :
    'ws://') + location.host + '/', {
	onState: (s, ms) => {
		lastState = s;
		lastDelay = ms ?? 0;
		showConn();
		for (const [id, st] of posts)
			if (st.phase === 'sending')
				showStatus(id);
	},
});

function safeStorage() {
	try {
		const s = window.localStorage;
		s.getItem('x');
		return s;
	} catch {
		const m = new Map();
		return {
			getItem: (k) => m.get(k) ?? null,
			setItem: (k, v) => m.set(k, String(v)),
			removeItem: (k) => m.delete(k),
		};
	}
}

// --- i18n ----------------------------------------------------------------

function applyLang() {
	document.documentElement.lang = lang;
	for (const el of document.querySelectorAll('[data-i18n]'))
		el.textContent = t(el.dataset.i18n);
	for (const el of document.querySelectorAll('[data-i18n-ph]'))
		el.placeholder = t(el.dataset.i18nPh);
	for (const el of document.querySelectorAll('[data-i18n-aria]'))
		el.setAttribute('aria-label', t(el.dataset.i18nAria));
	document.title = t('title');
	$('lang').value = lang;
	showClock();
}

function setLang(l) {
	if (!LANGS.includes(l))
		return;
	lang = l;
	t = makeT(l);
	try {
		store.setItem(LANG_ITEM, l);
	} catch {
		/* private mode: only for this visit */
	}
	applyLang();
	showConn();
	renderMe();
	composerWho();
	if (feedList)
		feedList.rerender();
	if (replyList)
		replyList.rerender();
	renderRoot();
	feedInfo();
}

// --- time ----------------------------------------------------------------

function ago(ts) {
	const s = Math.round(ts - Date.now() / 1000);
	const abs = Math.abs(s);
	let rtf;
	try {
		rtf = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
	} catch {
		return new Date(ts * 1000).toLocaleString();
	}
	if (abs < 45)
		return t('just_now');
	if (abs < 3600)
		return rtf.format(Math.round(s / 60), 'minute');
	if (abs < 86400)
		return rtf.format(Math.round(s / 3600), 'hour');
	if (abs < 7 * 86400)
		return rtf.format(Math.round(s / 86400), 'day');
	return new Date(ts * 1000).toLocaleDateString(lang);
}

function refreshTimes() {
	for (const el of document.querySelectorAll('time[data-ts]'))
		el.textContent = ago(Number(el.dataset.ts));
}

// --- connection ----------------------------------------------------------

function showConn() {
	const el = $('conn');
	el.className = 'conn ' + lastState;
	if (lastState === 'open')
		el.textContent = t('conn_open');
	else if (lastState === 'waiting')
		el.textContent = t('conn_waiting', { s: Math.ceil(lastDelay /
		    1000) });
	else
		el.textContent = t('conn_connecting');
}

// --- cards ---------------------------------------------------------------

function authorColor(pubkey) {
	return 'hsl(' + (parseInt(pubkey.slice(0, 4), 16) % 360) +
	    ' 60% 45%)';
}

function contentNodes(text) {
	return splitHashtags(text).map((s) => s.tag === undefined ? s.text :
	    h('a', { class: 'tag', href: '#/?t=' + encodeURIComponent(s.tag) },
	    s.text));
}

function placeLink(hash) {
	const c = geohashDecode(hash);
	const short = hash.slice(0, Math.min(hash.length, 5));
	return h('a', { class: 'place', href: '#/?g=' + short,
	    title: t('place_filter_hint', { g: short }) }, pin(), hash,
	    c ? h('span', { class: 'coords' }, c.lat.toFixed(3) + ', ' +
	    c.lon.toFixed(3)) : null);
}

// A map pin drawn inline: no icon font or image to fetch.
function pin() {
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

// One event as an <li>.  full: whole text (the report's own view).
function card(ev, full) {
	const { reply } = threadOf(ev);
	let text = ev.content;
	let cut = false;
	if (!full && text.length > FEED_TEXT_MAX) {
		text = text.slice(0, FEED_TEXT_MAX) + '…';
		cut = true;
	}
	const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
	dot.style.background = authorColor(ev.pubkey);
	const place = eventGeohash(ev.tags);
	const mine = signerPubkey() === ev.pubkey;
	const li = h('li', { class: 'card' + (mine ? ' mine' : ''),
	    'data-id': ev.id },
	    h('article', null,
		h('header', { class: 'meta' },
		    h('span', { class: 'who', title: npubOf(ev.pubkey) }, dot,
			mine ? t('you') : shortNpub(ev.pubkey)),
		    h('a', { class: 'when', href: '#/e/' + ev.id },
			h('time', { 'data-ts': ev.created_at, datetime:
			    new Date(ev.created_at * 1000).toISOString() },
			    ago(ev.created_at)))),
		reply && reply !== rootId ? h('a', { class: 'replyto', href:
		    '#/e/' + reply }, t('in_reply')) : null,
		h('p', { class: 'content' }, contentNodes(text)),
		h('footer', { class: 'acts' },
		    place ? placeLink(place) : null,
		    full ? null : h('a', { class: 'open', href: '#/e/' + ev.id },
			cut ? t('read_more') : t('open_replies'))),
		h('p', { class: 'status', 'aria-live': 'polite' })));
	const st = posts.get(ev.id);
	if (st) {
		showStatus(ev.id, li);
		if (st.phase === 'stored' && !st.polling && st.until > Date.now())
			setTimeout(() => pollStatus(ev.id), 0);
	}
	return li;
}

// A list of cards in an <ol>, kept sorted (newest or oldest first) and
// capped; events arrive in any order and are drawn a frame at a time.
class CardList {
	constructor(ol, { asc = false, cap = FEED_LIMIT } = {}) {
		this.ol = ol;
		this.asc = asc;
		this.cap = cap;
		this.items = [];	// events, newest first (asc: reversed on draw)
		this.ids = new Set();
		this.nodes = new Map();
		this.queue = [];
		this.frame = 0;
		this.onchange = null;
		clear(ol);
	}

	add(ev) {
		if (this.ids.has(ev.id))
			return;
		this.ids.add(ev.id);
		this.queue.push(ev);
		if (this.frame === 0)
			this.frame = requestAnimationFrame(() => this.flush());
	}

	// Draws what is queued, at most 60 cards a frame so a slow phone
	// keeps scrolling while a long list loads.
	flush() {
		this.frame = 0;
		const batch = this.queue.splice(0, 60);
		for (const ev of batch)
			this.insert(ev);
		if (this.queue.length > 0)
			this.frame = requestAnimationFrame(() => this.flush());
		if (this.onchange)
			this.onchange();
	}

	insert(ev) {
		const i = newestFirstIndex(this.items, ev);
		if (i >= this.cap) {
			this.ids.delete(ev.id);
			return;
		}
		this.items.splice(i, 0, ev);
		const li = card(ev, false);
		this.nodes.set(ev.id, li);
		const next = this.items[i + 1];
		if (this.asc) {
			// oldest first: the newer neighbour comes before
			const prev = this.items[i - 1];
			this.ol.insertBefore(li, prev ? this.nodes.get(prev.id) :
			    null);
		} else {
			this.ol.insertBefore(li, next ? this.nodes.get(next.id) :
			    null);
		}
		while (this.items.length > this.cap) {
			const old = this.items.pop();
			this.ids.delete(old.id);
			this.nodes.get(old.id)?.remove();
			this.nodes.delete(old.id);
		}
	}

	rerender() {
		for (const ev of this.items) {
			const li = card(ev, false);
			this.nodes.get(ev.id).replaceWith(li);
			this.nodes.set(ev.id, li);
		}
	}

	close() {
		if (this.frame !== 0)
			cancelAnimationFrame(this.frame);
		this.frame = 0;
		this.queue = [];
	}

	get size() {
		return this.items.length + this.queue.length;
	}
}

// --- post status ---------------------------------------------------------

function showStatus(id, root) {
	const st = posts.get(id);
	const scope = root ?? document;
	const els = root ? [root.querySelector('.status')] :
	    scope.querySelectorAll('.card[data-id="' + id + '"] .status');
	for (const el of els) {
		if (!el)
			continue;
		clear(el);
		el.className = 'status ' + st.phase;
		el.append(...statusNodes(st));
	}
}

function statusNodes(st) {
	const parts = [];
	const step = (ok, text) => h('span', { class: ok ? 'step ok' :
	    'step' }, (ok ? '✓ ' : '… ') + text);
	parts.push(step(true, t('st_signed')));
	if (st.phase === 'sending')
		parts.push(step(false, t(relay.state === 'open' ? 'st_sending' :
		    'st_queued')));
	else if (st.phase === 'stored')
		parts.push(step(true, t('st_stored')));
	if (st.phase === 'refused') {
		const r = explainReason(st.reason);
		parts.push(h('span', { class: 'step bad' }, '✗ ' +
		    t('st_refused')));
		parts.push(h('span', { class: 'why' }, t(r.key)));
		parts.push(h('span', { class: 'raw' }, t('node_said', { r:
		    st.reason || '—' })));
		if (st.text !== undefined)
			parts.push(h('button', { type: 'button', class: 'small',
			    onclick: () => openComposer(st.text) },
			    t('edit_again')));
	}
	const r = st.remote;
	if (st.phase === 'stored' && r) {
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
// is on screen, for POLL_DURATION_MS after its OK; card() starts it again
// when the post comes back on screen within that time.
async function pollStatus(id) {
	const st = posts.get(id);
	if (st.polling)
		return;
	st.polling = true;
	st.until ??= Date.now() + POLL_DURATION_MS;
	// The first look soon after the OK, then every POLL_INTERVAL_MS.
	for (let n = 0; Date.now() < st.until; n++) {
		await new Promise((r) => setTimeout(r, n === 0 ? 1500 :
		    POLL_INTERVAL_MS));
		if (!document.querySelector('.card[data-id="' + id + '"]'))
			break;	// no longer on screen
		try {
			const res = await fetch(statusPath(id), { cache: 'no-store',
			    headers: { Accept: 'application/json' } });
			if (!res.ok)
				continue;	// 404: the node does not say (yet)
			const s = summarizeStatus(await res.json(), id);
			if (s) {
				st.remote = s;
				showStatus(id);
			}
		} catch {
			/* offline or not JSON: unknown, ask again later */
		}
	}
	st.polling = false;
}

// --- signing -------------------------------------------------------------

function signerPubkey() {
	return signerPromise && signerPromise.pubkey ? signerPromise.pubkey :
	    '';
}

function setSigner(p) {
	signerPromise = p;
	if (p)
		p.then((s) => {
			p.pubkey = s.pubkey;
			renderMe();
			composerWho();
		}, () => {
			if (signerPromise === p)
				signerPromise = null;
			renderMe();
			composerWho();
		});
	renderMe();
	composerWho();
}

function initSigner() {
	if (secretKey)
		setSigner(Promise.resolve(localSigner(secretKey)));
	else if (window.nostr)
		setSigner(extensionSigner(window.nostr));
	else
		setSigner(null);
}

function createKey() {
	secretKey = newKey();
	saveKey(store, secretKey);
	initSigner();
}

// --- composer ------------------------------------------------------------

function composerWho() {
	const el = $('c-who');
	if (!el)
		return;
	clear(el);
	const pk = signerPubkey();
	if (pk) {
		el.append(t('posting_as'), ' ', h('code', null, shortNpub(pk)));
	} else if (signerPromise) {
		el.append(t('asking_extension'));
	} else {
		el.append(t('no_key_yet'), ' ', h('button', { type: 'button',
		    class: 'small', id: 'c-create', onclick: () => {
			createKey();
			$('c-text').focus();
		} }, t('create_key')));
	}
	$('write-btn').textContent = t(route.name === 'event' ? 'write_reply' :
	    'write');
	$('compose-title').textContent = t(route.name === 'event' ?
	    'compose_reply_label' : 'compose_label');
}

function openComposer(text) {
	$('compose-form').hidden = false;
	$('write-btn').hidden = true;
	document.body.classList.add('composing');
	if (typeof text === 'string')
		$('c-text').value = text;
	composerWho();
	$('c-text').focus();
}

function closeComposer() {
	$('compose-form').hidden = true;
	$('write-btn').hidden = false;
	$('geo-ask').hidden = true;
	document.body.classList.remove('composing');
	$('write-btn').focus();
}

function composerError(key, vars) {
	$('c-error').textContent = key ? t(key, vars) : '';
}

function placeHint() {
	const el = $('c-place-hint');
	const g = normalizeGeohash($('c-place').value);
	if (g === null) {
		el.textContent = t('err_place');
		el.className = 'hint bad';
		return;
	}
	el.className = 'hint';
	const c = g ? geohashDecode(g) : null;
	el.textContent = c ? t('place_is', { lat: c.lat.toFixed(4), lon:
	    c.lon.toFixed(4), km: Math.max(0.01, c.latErr * 111).toPrecision(
	    2) }) : t('place_help');
}

async function submitPost(e) {
	e.preventDefault();
	composerError('');
	const text = $('c-text').value.trim();
	if (!text) {
		composerError('err_empty');
		$('c-text').focus();
		return;
	}
	const place = normalizeGeohash($('c-place').value);
	if (place === null) {
		composerError('err_place');
		$('c-place').focus();
		return;
	}
	if (route.name === 'event' && !rootEvent) {
		composerError('err_no_parent');
		return;
	}
	if (!signerPromise)
		createKey();
	let signer, ev;
	const now = postTime(Date.now(), clockSkew);
	try {
		signer = await signerPromise;
		const tpl = route.name === 'event' && rootEvent ?
		    replyTemplate(rootEvent, text, place, now) :
		    reportTemplate(text, place, now);
		ev = await signer.sign(tpl);
	} catch (err) {
		composerError(err && err.code ? err.code : 'err_sign');
		return;
	}
	posts.set(ev.id, { phase: 'sending', text, remote: null });
	$('c-text').value = '';
	closeComposer();
	if (route.name === 'event' && replyList)
		replyList.add(ev);
	else if (feedList)
		feedList.add(ev);
	relay.publish(ev, (ok, reason) => {
		const st = posts.get(ev.id);
		st.phase = ok ? 'stored' : 'refused';
		st.reason = reason;
		showStatus(ev.id);
		if (ok)
			pollStatus(ev.id);
	});
	requestAnimationFrame(() => showStatus(ev.id));
}

function askLocation() {
	composerError('');
	if (!navigator.geolocation || !window.isSecureContext) {
		$('geo-msg').textContent = t('geo_insecure');
		return;
	}
	$('geo-ask').hidden = false;
	$('geo-yes').focus();
}

function useLocation() {
	$('geo-ask').hidden = true;
	$('geo-msg').textContent = t('geo_wait');
	navigator.geolocation.getCurrentPosition((pos) => {
		const g = geohashEncode(pos.coords.latitude,
		    pos.coords.longitude, GPS_PRECISION);
		$('c-place').value = g;
		placeHint();
		$('geo-msg').textContent = t('geo_done', { g });
	}, (err) => {
		$('geo-msg').textContent = t(err && err.code === 1 ? 'geo_denied' :
		    'geo_failed');
	}, { enableHighAccuracy: false, timeout: 20000, maximumAge: 60000 });
}

// --- routes --------------------------------------------------------------

function parseRoute() {
	const hash = location.hash.replace(/^#/, '');
	let m = /^\/e\/([0-9a-f]{64})$/.exec(hash);
	if (m)
		return { name: 'event', id: m[1] };
	if (hash === '/me')
		return { name: 'me' };
	const q = new URLSearchParams(hash.split('?')[1] ?? '');
	return { name: 'feed', tag: normalizeHashtag(q.get('t')) || '',
	    place: normalizeGeohash(q.get('g')) || '' };
}

function onRoute() {
	const prev = route;
	route = parseRoute();
	$('feed-view').hidden = route.name !== 'feed';
	$('event-view').hidden = route.name !== 'event';
	$('me-view').hidden = route.name !== 'me';
	$('bottom').hidden = route.name === 'me';
	if (route.name !== 'event') {
		relay.unsubscribe('view');
		if (replyList)
			replyList.close();
		replyList = null;
		rootEvent = null;
		rootId = '';
	}
	if (route.name === 'feed') {
		if (prev.name !== 'feed' || prev.tag !== route.tag ||
		    prev.place !== route.place || !feedList)
			openFeed();
		$('f-tag').value = route.tag;
		$('f-place').value = route.place;
		$('f-clear').hidden = !route.tag && !route.place;
	} else if (route.name === 'event') {
		openEvent(route.id);
	} else {
		renderMe();
	}
	composerWho();
	const head = document.querySelector('#' + (route.name === 'me' ?
	    'me-view' : route.name === 'event' ? 'event-view' : 'feed-view') +
	    ' h1');
	if (prev.name !== route.name && head) {
		head.focus({ preventScroll: true });
		window.scrollTo(0, 0);
	}
}

let feedState = 'loading', feedClosed = '';

function openFeed() {
	if (feedList)
		feedList.close();
	feedList = new CardList($('feed'));
	feedList.onchange = feedInfo;
	feedState = 'loading';
	feedClosed = '';
	feedInfo();
	relay.subscribe('feed', [feedFilter({ tag: route.tag, place:
	    route.place })], {
		onEvent: (ev) => {
			if (isEventShape(ev) && ev.kind === 1)
				feedList.add(ev);
		},
		onEose: () => {
			feedState = 'live';
			feedInfo();
		},
		onClosed: (reason) => {
			feedState = 'closed';
			feedClosed = reason;
			feedInfo();
		},
	});
}

function feedInfo() {
	const el = $('feed-info');
	clear(el);
	if (route.name !== 'feed' || !feedList)
		return;
	const what = [];
	if (route.tag)
		what.push(h('strong', null, '#' + route.tag));
	if (route.place)
		what.push(h('strong', null, t('place_word') + ' ' + route.place));
	if (what.length > 0) {
		el.append(t('showing_filtered'), ' ', ...what.flatMap((x, i) =>
		    i ? [' ', x] : [x]), h('br'));
	}
	if (feedState === 'closed') {
		el.append(t('list_closed'), ' ', t(explainReason(feedClosed).key),
		    ' ', h('span', { class: 'raw' }, t('node_said', { r:
		    feedClosed })));
	} else if (feedList.size === 0) {
		el.append(t(feedState === 'loading' ? 'loading' : 'no_reports'));
	} else {
		el.append(t('live_count', { n: feedList.size }));
	}
}

function openEvent(id) {
	if (rootId === id && replyList)
		return;
	rootId = id;
	rootEvent = null;
	if (replyList)
		replyList.close();
	replyList = new CardList($('replies'), { asc: true, cap: 500 });
	let eose = false;
	replyList.onchange = () => {
		$('replies-info').textContent = replyList.size === 0 ? t(eose ?
		    'no_replies' : 'loading') : '';
	};
	renderRoot();
	$('replies-info').textContent = t('loading');
	relay.subscribe('view', viewFilters(id), {
		onEvent: (ev) => {
			if (!isEventShape(ev))
				return;
			if (ev.id === id) {
				rootEvent = ev;
				renderRoot();
			} else if (ev.kind === 1) {
				replyList.add(ev);
			}
		},
		onEose: () => {
			eose = true;
			replyList.onchange();
			if (!rootEvent)
				renderRoot(true);
		},
	});
}

function renderRoot(missing) {
	const box = $('event-root');
	if (route.name !== 'event')
		return;
	clear(box);
	if (rootEvent) {
		const ol = h('ol', { class: 'list' }, card(rootEvent, true));
		box.append(ol);
	} else {
		box.append(h('p', { class: 'info' }, t(missing ? 'not_found' :
		    'loading')));
	}
}

// --- the key page --------------------------------------------------------

function renderMe() {
	const box = $('me-body');
	if (!box || route.name !== 'me')
		return;
	clear(box);
	const pk = signerPubkey();
	if (pk) {
		const npub = npubOf(pk);
		box.append(
		    h('p', null, t(secretKey ? 'key_local' : 'key_extension')),
		    h('label', { for: 'npub' }, t('your_npub')),
		    h('div', { class: 'row' },
			h('textarea', { id: 'npub', class: 'mono npub', readonly: true,
			    rows: 3, spellcheck: 'false' }, npub),
			h('button', { type: 'button', onclick: (e) => copy(e,
			    npub) }, t('copy'))),
		    qrSvg(document, npub, t('qr_label')),
		    h('p', { class: 'hint' }, t('npub_help')));
	} else if (signerPromise) {
		box.append(h('p', null, t('asking_extension')));
	} else {
		box.append(h('p', null, t('no_key_intro')),
		    h('button', { type: 'button', class: 'primary', id:
			'create-key', onclick: () => {
			createKey();
			$('npub')?.focus();
		} }, t('create_key')));
	}
	if (secretKey)
		box.append(backupSection());
	box.append(restoreSection());
	if (secretKey)
		box.append(forgetSection());
}

async function copy(e, text) {
	const b = e.currentTarget;
	const ok = await copyText(text);
	b.textContent = t(ok ? 'copied' : 'copy_failed');
	setTimeout(() => {
		b.textContent = t('copy');
	}, 2000);
}

function backupSection() {
	const out = h('div', { id: 'bk-out', 'aria-live': 'polite' });
	const err = h('p', { class: 'error', role: 'alert' });
	const p1 = h('input', { id: 'bk-pass', type: 'password',
	    autocomplete: 'new-password' });
	const p2 = h('input', { id: 'bk-pass2', type: 'password',
	    autocomplete: 'new-password' });
	const go = h('button', { type: 'submit', id: 'bk-make' },
	    t('backup_make'));
	const form = h('form', { class: 'box', id: 'bk-form' },
	    h('h2', null, t('backup_title')),
	    h('p', null, t('backup_help')),
	    h('label', { for: 'bk-pass' }, t('passphrase')), p1,
	    h('label', { for: 'bk-pass2' }, t('passphrase_again')), p2,
	    go, err, out);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		err.textContent = '';
		clear(out);
		if (p1.value.length < 8) {
			err.textContent = t('err_pass_short');
			return;
		}
		if (p1.value !== p2.value) {
			err.textContent = t('err_pass_mismatch');
			return;
		}
		go.disabled = true;
		go.textContent = t('working');
		// Let the button repaint before scrypt holds the thread.
		setTimeout(() => {
			try {
				const nc = backup(secretKey, p1.value);
				out.append(h('label', { for: 'bk-text' },
				    t('backup_result')),
				    h('textarea', { id: 'bk-text', class: 'mono',
					readonly: true, rows: 4 }, nc),
				    h('button', { type: 'button', onclick: (ev) =>
					copy(ev, nc) }, t('copy')),
				    h('p', { class: 'hint' }, t('backup_keep')));
			} catch (x) {
				err.textContent = t(x.code ?? 'err_sign');
			}
			go.disabled = false;
			go.textContent = t('backup_make');
		}, 30);
	});
	const nsecBox = h('div', { 'aria-live': 'polite' });
	const show = h('button', { type: 'button', id: 'nsec-show' },
	    t('nsec_show'));
	show.addEventListener('click', () => {
		clear(nsecBox);
		const yes = h('button', { type: 'button', class: 'danger', id:
		    'nsec-yes' }, t('nsec_yes'));
		const no = h('button', { type: 'button' }, t('cancel'));
		nsecBox.append(h('p', { class: 'warn' }, t('nsec_warning')), yes,
		    no);
		no.addEventListener('click', () => {
			clear(nsecBox);
			show.focus();
		});
		yes.addEventListener('click', () => {
			clear(nsecBox);
			const nsec = nsecOf(secretKey);
			const hide = h('button', { type: 'button' }, t('hide'));
			hide.addEventListener('click', () => {
				clear(nsecBox);
				show.focus();
			});
			nsecBox.append(h('label', { for: 'nsec' }, t('nsec_label')),
			    h('input', { id: 'nsec', class: 'mono', readonly: true,
				value: nsec }),
			    h('button', { type: 'button', onclick: (ev) => copy(ev,
				nsec) }, t('copy')), hide);
			$('nsec').focus();
		});
		yes.focus();
	});
	return h('div', null, form, h('div', { class: 'box' },
	    h('h2', null, t('nsec_title')), show, nsecBox));
}

function restoreSection() {
	const err = h('p', { class: 'error', role: 'alert' });
	const text = h('textarea', { id: 'rs-text', class: 'mono', rows: 3,
	    autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
	const pass = h('input', { id: 'rs-pass', type: 'password',
	    autocomplete: 'current-password' });
	const go = h('button', { type: 'submit', id: 'rs-go' },
	    t('restore_go'));
	const form = h('form', { class: 'box', id: 'rs-form' },
	    h('h2', null, t('restore_title')),
	    h('p', null, t('restore_help')),
	    secretKey ? h('p', { class: 'warn' }, t('restore_replaces')) : null,
	    h('label', { for: 'rs-text' }, t('restore_key')), text,
	    h('label', { for: 'rs-pass' }, t('restore_pass')), pass, go, err);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		err.textContent = '';
		go.disabled = true;
		go.textContent = t('working');
		setTimeout(() => {
			try {
				secretKey = restore(text.value, pass.value);
				saveKey(store, secretKey);
				initSigner();
				$('npub')?.focus();
			} catch (x) {
				err.textContent = t(x.code ?? 'err_key_format');
				go.disabled = false;
				go.textContent = t('restore_go');
			}
		}, 30);
	});
	return form;
}

function forgetSection() {
	const box = h('div', { 'aria-live': 'polite' });
	const b = h('button', { type: 'button', class: 'danger', id:
	    'forget' }, t('forget'));
	b.addEventListener('click', () => {
		clear(box);
		const yes = h('button', { type: 'button', class: 'danger' },
		    t('forget_yes'));
		const no = h('button', { type: 'button' }, t('cancel'));
		yes.addEventListener('click', () => {
			forgetKey(store);
			secretKey = null;
			initSigner();
		});
		no.addEventListener('click', () => {
			clear(box);
			b.focus();
		});
		box.append(h('p', { class: 'warn' }, t('forget_warning')), yes, no);
		yes.focus();
	});
	return h('div', { class: 'box' }, h('h2', null, t('forget_title')),
	    h('p', null, t('forget_help')), b, box);
}

// --- start ---------------------------------------------------------------

// Seconds from the phone's clock to the node's (clock.js).
let clockSkew = 0;

// Asks the node for its time once; a failure leaves the phone's clock.
async function checkClock() {
	try {
		const res = await fetch('/api/time', { cache: 'no-store' });
		if (!res.ok)
			return;
		clockSkew = clockOffset((await res.json()).now, Date.now());
	} catch {
		return;
	}
	showClock();
}

function showClock() {
	const n = clockNotice(clockSkew);
	$('c-clock').hidden = n === null;
	$('c-clock').textContent = n === null ? '' : t(n.key, { n: n.n });
}

function start() {
	applyLang();
	checkClock();
	showConn();
	$('lang').addEventListener('change', (e) => setLang(e.target.value));
	// The skip link must not touch the hash: that is the route.
	document.querySelector('.skip').addEventListener('click', (e) => {
		e.preventDefault();
		$('main').focus();
	});
	$('filters').addEventListener('submit', (e) => {
		e.preventDefault();
		const tag = normalizeHashtag($('f-tag').value);
		const place = normalizeGeohash($('f-place').value);
		$('f-error').textContent = tag === null ? t('err_tag') :
		    place === null ? t('err_place') : '';
		if (tag === null || place === null)
			return;
		const q = new URLSearchParams();
		if (tag)
			q.set('t', tag);
		if (place)
			q.set('g', place);
		const s = q.toString();
		location.hash = '#/' + (s ? '?' + s : '');
	});
	$('f-clear').addEventListener('click', () => {
		$('f-tag').value = '';
		$('f-place').value = '';
		$('f-error').textContent = '';
		location.hash = '#/';
	});
	$('write-btn').addEventListener('click', () => openComposer());
	$('c-cancel').addEventListener('click', closeComposer);
	$('compose-form').addEventListener('submit', submitPost);
	$('compose-form').addEventListener('keydown', (e) => {
		if (e.key === 'Escape')
			closeComposer();
		else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey))
			submitPost(e);
	});
	$('c-place').addEventListener('input', placeHint);
	$('c-geo').addEventListener('click', askLocation);
	$('geo-yes').addEventListener('click', useLocation);
	$('geo-no').addEventListener('click', () => {
		$('geo-ask').hidden = true;
		$('c-geo').focus();
	});
	window.addEventListener('hashchange', onRoute);
	window.addEventListener('online', () => relay.kick());
	document.addEventListener('visibilitychange', () => {
		if (!document.hidden) {
			relay.kick();
			refreshTimes();
		}
	});
	setInterval(refreshTimes, 30000);
	placeHint();
	initSigner();
	relay.connect();
	onRoute();
	// Extensions may inject window.nostr after the page ran.
	if (!secretKey && !window.nostr)
		setTimeout(() => {
			if (!secretKey && !signerPromise && window.nostr)
				initSigner();
		}, 800);
}

start();
