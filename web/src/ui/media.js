// ui/media.js: photos and videos on cards.  Whatever URL a report names,
// the page asks only its own node, by hash (GET /<sha256>, Blossom
// BUD-01), and shows a blob only once its sha256 is the one the report
// names (NIP-B7): a node or peer that serves other bytes is caught.
// Thumbnails first and only as a card comes near the screen, a few at a
// time, so a feed stays fast on an old phone; the full-size photo on a
// tap, in a viewer; a video on a tap, in a player.  A blob the node does
// not have gets a placeholder with its hash ("photo not on this node")
// and a way to ask again.  Not a screen: card.js calls mediaBlock().

import { h } from '../dom.js';
import { hideMediaUrls, mediaOf } from '../media/blossom.js';
import { Sha256 } from '../media/sha256.js';
import { ctx, num } from './ctx.js';

const THUMBS_KEPT = 300;	// thumbnail object URLs kept for redraws
const PARALLEL = 3;		// thumbnails fetched at once
const FULL_MAX = 128 * 1024 * 1024;	// bytes read for one blob at most

// "240 KB", "2,3 МБ".
export function sizeText(n) {
	if (n < 1024 * 1024)
		return ctx.t('size_kb', { n: num(Math.max(1, Math.round(n /
		    1024))) });
	const mb = (Math.round(n / 1024 / 1024 * 10) / 10).toFixed(1);
	return ctx.t('size_mb', { n: ctx.lang === 'en' ? mb : mb.replace('.',
	    ',') });
}

// The text a card shows: the content without the URLs of the media it
// shows itself.
export function shownText(ev) {
	return hideMediaUrls(ev.content, mediaOf(ev));
}

function failure(code, status, info = null) {
	const e = new Error(code);
	e.code = code;
	e.status = status;
	e.info = info;
	return e;
}

// The node's placeholder for a blob a report names but it lacks
// (docs/blobs.md): {why, peers (how many links hold it)}, or null.
async function placeholder(res) {
	if (!/json/.test(res.headers.get('Content-Type') ?? '') ||
	    Number(res.headers.get('Content-Length')) > 16384)
		return null;
	try {
		const d = await res.json();
		return { why: typeof d.why === 'string' ? d.why : '', peers:
		    Array.isArray(d.peers) ? d.peers.length : 0 };
	} catch {
		return null;
	}
}

// Blob x from the node, checked: a Blob of the type the node sniffed (or
// mime, the report's, if it names none).  progress(got,
// total) as it arrives; again: asked again after a failure.  Rejects
// with code 'missing' (404), 'mismatch' (other bytes than x) or 'failed'.
export async function fetchBlob(x, mime, progress, again = false) {
	let res;
	try {
		// A blob never changes; but a 404 asked again must reach the node.
		res = await fetch('/' + x, { cache: again ? 'reload' : 'default' });
	} catch {
		throw failure('failed', 0);
	}
	if (res.status === 404 || res.status === 410)
		throw failure('missing', res.status, await placeholder(res));
	if (!res.ok)
		throw failure('failed', res.status);
	const total = Number(res.headers.get('Content-Length')) || 0;
	const s = new Sha256(), parts = [];
	let got = 0;
	if (res.body && res.body.getReader) {
		const r = res.body.getReader();
		for (;;) {
			const { done, value } = await r.read();
			if (done)
				break;
			got += value.length;
			if (got > FULL_MAX) {
				r.cancel();
				throw failure('failed', 0);
			}
			s.update(value);
			parts.push(value);
			progress?.(got, total);
		}
	} else {
		const b = new Uint8Array(await res.arrayBuffer());
		s.update(b);
		parts.push(b);
	}
	if (s.hex() !== x)
		throw failure('mismatch', res.status);
	const type = /^(image|video)\/[a-z0-9.+-]+$/.exec(res.headers.get(
	    'Content-Type') ?? '');
	return new Blob(parts, { type: type ? type[0] : mime });
}

// --- thumbnails, as cards come near the screen -----------------------------

const thumbs = new Map();	// x -> Promise of an object URL, oldest first
let running = 0;
const waiting = [];

function thumbUrl(x, mime, again = false) {
	let p = thumbs.get(x);
	if (p) {
		thumbs.delete(x);
		thumbs.set(x, p);
		return p;
	}
	p = new Promise((resolve, reject) => {
		waiting.push(() => fetchBlob(x, mime, null, again).then((b) =>
		    URL.createObjectURL(b)).then(resolve, reject).finally(() => {
			running--;
			pump();
		}));
		pump();
	});
	p.catch(() => thumbs.get(x) === p && thumbs.delete(x));
	thumbs.set(x, p);
	if (thumbs.size > THUMBS_KEPT) {
		const [old, q] = thumbs.entries().next().value;
		thumbs.delete(old);
		q.then((u) => URL.revokeObjectURL(u), () => {});
	}
	return p;
}

function pump() {
	while (running < PARALLEL && waiting.length > 0) {
		running++;
		waiting.shift()();
	}
}

let io = null;
const observed = new Set();

// Calls show() once el is near the screen.
function whenNear(el, show) {
	el.samizdatShow = show;
	if (!window.IntersectionObserver)
		return show();
	if (!io)
		io = new IntersectionObserver((entries) => {
			for (const e of entries)
				if (e.isIntersecting) {
					io.unobserve(e.target);
					observed.delete(e.target);
					e.target.samizdatShow();
				}
		}, { rootMargin: '400px 0px' });
	// Cards dropped from the page are never near: let them go.
	if (observed.size > 200)
		for (const o of observed)
			if (!o.isConnected) {
				io.unobserve(o);
				observed.delete(o);
			}
	observed.add(el);
	io.observe(el);
}

// --- one photo or video ----------------------------------------------------

function label(m) {
	return m.kind === 'video' ? ctx.t('m_video') : ctx.t('m_photo');
}

const RETRIES = 3;	// asked again by itself while a peer has it

// The placeholder for a blob the node does not have (or sent wrong):
// what it is, why when the node says, its hash, and a way to ask again.
// When the node says a peer holds it, it is fetching it: asked again by
// itself a few times.  e: the failure; again(): ask again.
function missing(m, e, x, again, tries = 0) {
	const t = ctx.t, info = e.info;
	const why = !info ? null : info.why === 'evicted' ? 'm_why_evicted' :
	    /remov|delet|uploader/.test(info.why) ? 'm_why_removed' : null;
	const fetching = info && info.peers > 0 && why !== 'm_why_removed';
	const el = h('div', { class: 'm-missing', role: 'group', 'aria-label':
	    label(m) },
	    h('p', null, e.code === 'missing' ? t(m.kind === 'video' ?
		'm_missing_video' : 'm_missing_image') : e.code === 'mismatch' ?
		t('m_mismatch') : t('m_failed')),
	    why ? h('p', null, t(why)) : null,
	    fetching ? h('p', null, t('m_fetching')) : null,
	    h('p', { class: 'm-hash' }, t('m_hash'), ' ', h('code', { title: x },
		x.slice(0, 16) + '…')),
	    h('button', { type: 'button', class: 'small', onclick: () =>
		again(0) }, t('m_retry')));
	if (fetching && tries < RETRIES)
		setTimeout(() => el.isConnected && again(tries + 1), 5000 *
		    (tries + 1));
	return el;
}

// The tile's picture box, sized by the dimensions the report gives so
// nothing jumps when the thumbnail arrives.
function box(m) {
	const b = h('span', { class: 'm-box' });
	if (m.width > 0 && m.height > 0)
		b.style.aspectRatio = m.width + ' / ' + m.height;
	return b;
}

function photoTile(m) {
	const t = ctx.t;
	const tile = h('div', { class: 'm-tile', 'data-x': m.x });
	const alt = m.alt || t('m_photo');
	const draw = (again = false, tries = 0) => {
		const b = box(m);
		const btn = h('button', { type: 'button', class: 'm-open',
		    'aria-label': t('m_open') + (m.alt ? ': ' + m.alt : ''),
		    onclick: () => openViewer(m, btn) }, b);
		tile.replaceChildren(btn);
		if (!m.thumb) {
			// No thumbnail: the full photo only when asked for.
			b.append(h('span', { class: 'm-ask' }, m.size ? t('m_show_photo',
			    { size: sizeText(m.size) }) : t('m_show_nosize')));
			return;
		}
		const img = h('img', { alt, decoding: 'async', width: m.width ||
		    undefined, height: m.height || undefined });
		b.append(img);
		whenNear(tile, () => thumbUrl(m.thumb, 'image/jpeg', again).then(
		    (u) => {
			img.src = u;
		}, (e) => tile.replaceChildren(missing(m, e, m.thumb, (n) =>
		    draw(true, n), tries))));
	};
	draw();
	return tile;
}

function videoTile(m) {
	const t = ctx.t;
	const tile = h('div', { class: 'm-tile m-vid', 'data-x': m.x });
	const draw = () => {
		const b = box(m);
		const btn = h('button', { type: 'button', class: 'm-open', onclick:
		    () => play(m, tile) }, b);
		btn.append(h('span', { class: 'm-play' }, '▶ ', m.size ? t('m_play',
		    { size: sizeText(m.size) }) : t('m_play_nosize')));
		tile.replaceChildren(btn);
		if (m.thumb) {
			const img = h('img', { alt: '', decoding: 'async' });
			b.prepend(img);
			whenNear(tile, () => thumbUrl(m.thumb, 'image/jpeg').then((u) => {
				img.src = u;
			}, () => img.remove()));
		}
	};
	draw();
	return tile;
}

function play(m, tile, again = false, tries = 0) {
	const state = h('p', { class: 'm-state', 'aria-live': 'polite' },
	    ctx.t('m_loading'));
	tile.replaceChildren(state);
	fetchBlob(m.x, m.mime, (got, total) => {
		state.textContent = ctx.t('m_loading') + (total ? ' ' + Math.floor(
		    got * 100 / total) + '%' : '');
	}, again).then((b) => {
		const v = h('video', { controls: true, playsinline: true, preload:
		    'metadata', 'aria-label': m.alt || ctx.t('m_video') });
		v.src = URL.createObjectURL(b);
		tile.replaceChildren(v);
		v.play?.()?.catch?.(() => {});
	}, (e) => tile.replaceChildren(missing(m, e, m.x, (n) => play(m, tile,
	    true, n), tries)));
}

// The media of ev as a block for its card, or null.
export function mediaBlock(ev) {
	const media = mediaOf(ev);
	if (media.length === 0)
		return null;
	return h('div', { class: 'media n' + Math.min(media.length, 4) },
	    media.map((m) => m.kind === 'video' ? videoTile(m) : photoTile(m)));
}

// --- the viewer ------------------------------------------------------------

const V = {};

function closeViewer() {
	if (!V.root || V.root.hidden)
		return;
	V.root.hidden = true;
	V.img.removeAttribute('src');
	if (V.url)
		URL.revokeObjectURL(V.url);
	V.url = '';
	V.gen++;
	document.body.classList.remove('viewing');
	V.opener?.focus();
}

function openViewer(m, opener) {
	const t = ctx.t;
	if (!V.root) {
		V.gen = 0;
		V.close = h('button', { type: 'button', class: 'icon v-close',
		    onclick: closeViewer });
		V.state = h('div', { class: 'v-state', 'aria-live': 'polite' });
		V.img = h('img', { class: 'v-img', alt: '' });
		V.alt = h('p', { class: 'v-alt', dir: 'auto' });
		V.root = h('div', { class: 'viewer', role: 'dialog', 'aria-modal':
		    'true', hidden: true, onclick: (e) => {
			if (e.target === V.root)
				closeViewer();
		}, onkeydown: (e) => {
			if (e.key === 'Escape')
				closeViewer();
			else if (e.key === 'Tab') {
				// Focus stays in the viewer.
				const bs = [...V.root.querySelectorAll('button')];
				const i = bs.indexOf(document.activeElement);
				e.preventDefault();
				bs[(i + (e.shiftKey ? bs.length - 1 : 1)) % bs.length]
				    .focus();
			}
		} }, V.close, V.state, V.img, V.alt);
		document.body.append(V.root);
	}
	const gen = ++V.gen;
	V.opener = opener;
	V.root.setAttribute('aria-label', m.alt || t('m_photo'));
	V.close.setAttribute('aria-label', t('close'));
	V.close.textContent = '×';
	V.alt.textContent = m.alt;
	V.img.alt = m.alt || t('m_photo');
	V.img.hidden = true;
	V.state.replaceChildren(t('m_loading'));
	V.root.hidden = false;
	document.body.classList.add('viewing');
	V.close.focus();
	const load = (again, tries) => fetchBlob(m.x, m.mime, (got, total) => {
		if (gen === V.gen)
			V.state.replaceChildren(t('m_loading') + (total ? ' ' +
			    Math.floor(got * 100 / total) + '%' : ''));
	}, again).then((b) => {
		if (gen !== V.gen)
			return;
		V.url = URL.createObjectURL(b);
		V.img.src = V.url;
		V.img.hidden = false;
		V.state.replaceChildren();
	}, (e) => {
		if (gen !== V.gen)
			return;
		V.state.replaceChildren(missing(m, e, m.x, (n) => {
			V.state.replaceChildren(t('m_loading'));
			load(true, n);
		}, tries));
		// The full photo is gone from the node: its thumbnail, if here.
		if (m.thumb && e.code === 'missing')
			thumbUrl(m.thumb, 'image/jpeg').then((u) => {
				if (gen === V.gen && !V.url) {
					V.img.src = u;
					V.img.hidden = false;
				}
			}, () => {});
	});
	load(false, 0);
}
