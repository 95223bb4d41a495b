// main.js: the page's table of contents.  Starts the shared context (the
// phone's storage, the key, the connection: ui/ctx.js), the composer and
// the outbox, then routes between the screens, one module each:
//   #/?q=&t=&g=   the reports (ui/feed.js)
//   #/e/<id>      one report and its replies (ui/report.js)
//   #/me          the key (ui/key.js)
//   #/about       this node (ui/about.js)
// and keeps the header (connection, language) and the times current.
// Plain DOM, no framework: every string from an event goes in through text
// nodes (dom.js h()), never innerHTML.

import { $ } from './dom.js';
import { LANGS } from './i18n.js';
import { aboutHide, aboutRedraw, aboutShow } from './ui/about.js';
import { composerFor, composerHidden, composerInit, composerTexts,
    openComposer } from './ui/composer.js';
import { askNode, connect, ctx, initSigner, nodeNow, setLang }
    from './ui/ctx.js';
import { feedFreshShow, feedHide, feedMuted, feedPosted, feedRedraw,
    feedRemove, feedShow, parseFeed } from './ui/feed.js';
import { keyHide, keyInit, keyRedraw, keyShow } from './ui/key.js';
import { nodeWatch } from './ui/node.js';
import { reportHide, reportInit, reportPosted, reportRedraw, reportRemove,
    reportRoot, reportShow } from './ui/report.js';
import { dropped, retry, send, sendInit } from './ui/send.js';
import { showPost, statusActions } from './ui/status.js';

let route = { name: '' };
let connState = 'connecting', connDelay = 0;

function parseRoute() {
	const hash = location.hash.replace(/^#/, '');
	const m = /^\/e\/([0-9a-f]{64})$/.exec(hash);
	if (m)
		return { name: 'event', id: m[1] };
	const [path, q = ''] = hash.split('?');
	if (path === '/me')
		return { name: 'me', q };
	if (path === '/about')
		return { name: 'about' };
	return parseFeed(q);
}

function onRoute() {
	const prev = route;
	route = parseRoute();
	if (route.name !== 'feed')
		feedHide();
	if (route.name !== 'event')
		reportHide();
	if (route.name !== 'me')
		keyHide();
	if (route.name !== 'about')
		aboutHide();
	if (route.name === 'feed')
		feedShow(route);
	else if (route.name === 'event')
		reportShow(route.id);
	else if (route.name === 'me')
		keyShow(route.q);
	else
		aboutShow();
	composerHidden(route.name === 'me' || route.name === 'about');
	composerFor(route.name === 'event' ? reportRoot() : null,
	    route.name === 'event');
	// Focus moves to the new screen's heading, but not at load: that
	// would force a layout before the first reports, and a screen reader
	// starts at the top anyway.
	if (prev.name && prev.name !== route.name) {
		const head = document.querySelector('#' + {
		    feed: 'feed-view', event: 'event-view', me: 'me-view',
		    about: 'about-view' }[route.name] + ' h1');
		head?.focus({ preventScroll: true });
		window.scrollTo(0, 0);
	}
}

// --- header ----------------------------------------------------------------

function applyLang() {
	const t = ctx.t;
	document.documentElement.lang = ctx.lang;
	for (const el of document.querySelectorAll('[data-i18n]'))
		el.textContent = t(el.dataset.i18n);
	for (const el of document.querySelectorAll('[data-i18n-aria]'))
		el.setAttribute('aria-label', t(el.dataset.i18nAria));
	for (const el of document.querySelectorAll('[data-i18n-title]'))
		el.title = t(el.dataset.i18nTitle);
	document.title = t('title');
	$('lang').value = ctx.lang;
	showConn();
}

function showConn() {
	const el = $('conn');
	el.className = 'conn ' + connState;
	el.textContent = ctx.t(connState === 'open' ? 'conn_open' :
	    connState === 'waiting' ? 'conn_waiting' : 'conn_connecting',
	    { s: Math.ceil(connDelay / 1000) });
}

function refreshTimes() {
	const now = Date.now(), nn = nodeNow();
	for (const el of document.querySelectorAll('time[data-ts]')) {
		const ts = Number(el.dataset.ts);
		if (ts <= nn + 120)
			el.textContent = ctx.time.ago(ts, now);
	}
}

// --- start -----------------------------------------------------------------

function posted(ev, text) {
	send(ev, text);
	ctx.phone.setFlag('posted');
	if (route.name === 'event')
		reportPosted(ev);
	else
		feedPosted(ev);
}

// A post refused for proof of work went again, mined: the new event
// takes the old one's place.
function replaced(old, ev) {
	feedRemove(old);
	reportRemove(old);
	if (ev.kind === 1)
		if (route.name === 'event')
			reportPosted(ev);
		else
			feedPosted(ev);
}

function start() {
	ctx.redraws.add(() => {
		applyLang();
		composerTexts();
		if (route.name === 'feed')
			feedRedraw();
		else if (route.name === 'event') {
			reportRedraw();
			composerFor(reportRoot(), true);
		} else if (route.name === 'me')
			keyRedraw();
		else
			aboutRedraw();
	});
	applyLang();
	composerInit($('bottom'), posted);
	connect((s, ms) => {
		connState = s;
		connDelay = ms ?? 0;
		showConn();
		for (const p of ctx.outbox.posts.values())
			if (p.phase === 'sending')
				showPost(p.id);
	}, dropped);
	statusActions((text) => openComposer(text), retry);
	reportInit((id) => feedRemove(id), (pk) => feedMuted(pk), (ev) => {
		if (route.name === 'event' && route.id === ev.id)
			composerFor(ev, true);
	});
	keyInit(() => {});
	$('lang').addEventListener('change', (e) => {
		if (LANGS.includes(e.target.value))
			setLang(e.target.value);
	});
	$('fresh').addEventListener('click', feedFreshShow);
	// The skip link must not touch the hash: that is the route.
	document.querySelector('.skip').addEventListener('click', (e) => {
		e.preventDefault();
		$('main').focus();
	});
	window.addEventListener('hashchange', onRoute);
	window.addEventListener('online', () => ctx.relay.kick());
	document.addEventListener('visibilitychange', () => {
		if (!document.hidden) {
			ctx.relay.kick();
			refreshTimes();
		}
	});
	setInterval(refreshTimes, 30000);
	initSigner();
	onRoute();
	// The rest after the first reports: each task short on a slow phone.
	setTimeout(() => {
		sendInit(() => {}, replaced);
		nodeWatch();
		askNode(() => {
			composerTexts();
			if (route.name === 'about')
				aboutRedraw();
		});
	}, 0);
	// Extensions may inject window.nostr after the page ran.
	if (!ctx.secretKey && !window.nostr)
		setTimeout(() => {
			if (!ctx.secretKey && !ctx.signer && window.nostr)
				initSigner();
		}, 800);
}

start();
