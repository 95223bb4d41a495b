// ui/composer.js: writing a report or a reply, in a sheet at the bottom
// that keeps its send button above the phone's keyboard.  A place is
// attached on purpose, per post: picked by name (or taken from the phone's
// position, where the browser allows it, after a warning), shown as a chip
// that can be removed, and cleared once the post is sent; a reply starts
// with none.  A counter shows the length against the node's limit
// (NIP-11) before sending.  No key is made silently: without one the
// composer explains and offers to make it.  Signed posts go to the outbox
// (outbox.js), which keeps them until the node answers.
//
// Photos and videos (ui/attach.js) sit above the send row: prepared on
// the phone, sent to the node before the post, which names them in imeta
// tags.  Proof of work when the node asks for it belongs in ui/send.js,
// between signing and publishing.

import { clockNotice, postTime } from '../clock.js';
import { $, clear, h } from '../dom.js';
import { GPS_PRECISION, geohashEncode } from '../geo.js';
import { contentWith } from '../media/blossom.js';
import { replyTemplate, reportTemplate } from '../nostr.js';
import { LEVEL_LENGTH, levelOfLength } from '../places.js';
import { utf8Length } from '../text.js';
import { attachBlocked, attachBytes, attachClear, attachCount, attachInit,
    attachSend, attachTexts } from './attach.js';
import { createKey, ctx, loadPlaces, npub, num } from './ctx.js';
import { placePicker } from './placepick.js';
import { mine } from './pow.js';

const S = {};		// the sheet's elements
let parent = null;	// the event a reply answers, or null
let waiting = false;	// a reply whose report has not loaded yet
let place = null;	// {g, label, level, gps} attached to this post
let onPosted = () => {};

// Where the sheet lives (#bottom) and what to do with a signed post:
// posted(event, text).
export function composerInit(box, posted) {
	onPosted = posted;
	S.box = box;
	S.write = h('button', { type: 'button', id: 'write-btn', class:
	    'primary big', onclick: () => openComposer() });
	box.append(S.write);
	composerTexts();
}

// The sheet is made the first time it opens: most visits only read.
function buildSheet() {
	S.title = h('label', { for: 'c-text', id: 'compose-title' });
	S.close = h('button', { type: 'button', id: 'c-close', class: 'icon',
	    onclick: () => closeComposer() }, '×');
	S.text = h('textarea', { id: 'c-text', rows: 3, dir: 'auto',
	    'aria-describedby': 'c-count c-hint' });
	S.count = h('span', { id: 'c-count', class: 'count', 'aria-live':
	    'polite' });
	S.hint = h('span', { id: 'c-hint', class: 'hint' });
	S.placeBox = h('div', { class: 'placebox' });
	S.geoAsk = h('div', { id: 'geo-ask', class: 'box warn', hidden: true });
	S.clock = h('p', { id: 'c-clock', class: 'hint warn', hidden: true });
	S.who = h('div', { id: 'c-who', class: 'who-line' });
	S.error = h('p', { id: 'c-error', class: 'error', role: 'alert' });
	S.send = h('button', { type: 'submit', id: 'c-send', class: 'primary' });
	S.cancel = h('button', { type: 'button', id: 'c-cancel', onclick: () =>
	    closeComposer() });
	S.attachSlot = h('div', { class: 'attach-slot', hidden: true });
	attachInit(S.attachSlot, () => counter());
	S.form = h('form', { id: 'compose-form', class: 'sheet', hidden: true,
	    'aria-labelledby': 'compose-title' },
	    h('div', { class: 'sheet-head' }, S.title, S.close),
	    S.text,
	    h('p', { class: 'countrow' }, S.hint, S.count),
	    S.placeBox, S.geoAsk, S.attachSlot, S.clock, S.who, S.error,
	    h('div', { class: 'sendrow' }, S.send, S.cancel));
	S.form.addEventListener('submit', submit);
	S.form.addEventListener('keydown', (e) => {
		if (e.key === 'Escape')
			closeComposer();
		else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey))
			submit(e);
	});
	S.text.addEventListener('input', counter);
	S.box.append(S.form);
	// Keep the sheet above the on-screen keyboard.
	const vv = window.visualViewport;
	if (vv) {
		const fit = () => {
			const kb = Math.max(0, window.innerHeight - vv.height -
			    vv.offsetTop);
			document.documentElement.style.setProperty('--kb', kb + 'px');
			document.documentElement.style.setProperty('--vvh', vv.height +
			    'px');
		};
		vv.addEventListener('resize', fit);
		vv.addEventListener('scroll', fit);
		fit();
	}
}

// Replies answer ev; null: a new report; wait: a reply to a report that
// is still loading.
export function composerFor(ev, wait = false) {
	waiting = wait && !ev;
	if (parent !== ev) {
		parent = ev;
		setPlace(null);
	}
	composerTexts();
}

export function composerTexts() {
	const t = ctx.t;
	const reply = parent || waiting;
	S.write.textContent = t(reply ? 'write_reply' : 'write');
	if (!S.form)
		return;
	S.title.textContent = t(reply ? 'compose_reply_label' : 'compose_label');
	S.text.placeholder = t('compose_ph');
	S.close.setAttribute('aria-label', t('close'));
	S.hint.textContent = t('compose_hint');
	S.send.textContent = t('send');
	S.cancel.textContent = t('cancel');
	const n = clockNotice(ctx.skew);
	S.clock.hidden = n === null;
	S.clock.textContent = n === null ? '' : t(n.key, { n: n.n });
	drawPlace();
	drawWho();
	attachTexts();
	counter();
}

export function openComposer(text) {
	if (!S.form)
		buildSheet();
	S.form.hidden = false;
	S.write.hidden = true;
	document.body.classList.add('composing');
	if (typeof text === 'string')
		S.text.value = text;
	composerTexts();
	S.text.focus();
}

export function closeComposer() {
	if (!S.form || S.form.hidden)
		return;
	S.form.hidden = true;
	S.write.hidden = false;
	S.geoAsk.hidden = true;
	document.body.classList.remove('composing');
	S.write.focus();
}

export function composerHidden(hide) {
	$('bottom').hidden = hide;
	if (hide)
		closeComposer();
}

// --- length --------------------------------------------------------------

// The most content the node takes, in bytes (NIP-11), or 0 if unknown.
function maxBytes() {
	const c = ctx.limits.content, m = ctx.limits.message;
	// The message carries the event around the content: keep 2 KB for
	// the rest, and count JSON escapes roughly as their letters.
	const fromMsg = m > 0 ? Math.max(0, m - 2048) : 0;
	return c > 0 && fromMsg > 0 ? Math.min(c, fromMsg) : c || fromMsg;
}

function counter() {
	const text = S.text.value;
	// The URLs of the attachments go in the content too: what is left
	// for the text is counted in its letters.
	const bytes = utf8Length(text), extra = attachBytes(), max = maxBytes();
	const n = [...text].length;
	if (max === 0) {
		S.count.textContent = ctx.t('counter_free', { n: num(n) });
		S.count.className = 'count';
		return true;
	}
	// In letters of this text: a Cyrillic letter takes two bytes.
	const per = n > 0 ? bytes / n : 1;
	const maxLetters = Math.floor(Math.max(0, max - extra) / Math.max(1,
	    per));
	const over = bytes + extra > max;
	S.count.textContent = ctx.t('counter', { n: num(n), max:
	    num(maxLetters) });
	S.count.className = 'count' + (over ? ' bad' : '');
	return !over;
}

// --- place ---------------------------------------------------------------

function setPlace(p) {
	place = p;
	drawPlace();
}

function drawPlace() {
	if (!S.placeBox)
		return;
	const t = ctx.t;
	clear(S.placeBox);
	if (place) {
		const chip = h('div', { class: 'chip', id: 'c-chip' },
		    h('span', { class: 'chip-label' }, t('place_attached'), ' ',
			h('bdi', null, place.label), ' ',
			h('span', { class: 'level' }, t('level_' + place.level))),
		    h('button', { type: 'button', class: 'icon', id: 'c-chip-x',
			'aria-label': t('place_remove'), onclick: () => {
			setPlace(null);
			$('c-place')?.focus();
		} }, '×'));
		S.placeBox.append(chip);
		if (place.gps) {
			const sel = h('select', { id: 'c-precision', 'aria-label':
			    t('precision') });
			for (const lv of ['street', 'district', 'city']) {
				const o = h('option', { value: lv }, t('precision_' + lv));
				if (lv === place.level)
					o.selected = true;
				sel.append(o);
			}
			sel.addEventListener('change', () => {
				const lv = sel.value;
				place = { ...place, level: lv, g: place.gps.slice(0,
				    LEVEL_LENGTH[lv]) };
				labelFromGazetteer();
			});
			S.placeBox.append(h('label', { for: 'c-precision', class:
			    'inline' }, t('precision')), sel);
		}
		return;
	}
	const picker = placePicker({ id: 'c-place', label: 'place_label',
	    onPick: (p) => setPlace({ ...p, gps: null }) });
	S.placeBox.append(picker.root);
	if (navigator.geolocation && window.isSecureContext)
		S.placeBox.append(h('button', { type: 'button', id: 'c-geo', class:
		    'small', onclick: askLocation }, t('use_location')));
}

function labelFromGazetteer() {
	const gz = ctx.gazetteer;
	const n = gz ? gz.name(place.g, ctx.lang) : null;
	place.label = n && n.name ? (n.near ? ctx.t('place_near', { p:
	    n.name }) : n.name) : ctx.t('place_code', { g: place.g });
	drawPlace();
}

function askLocation() {
	const t = ctx.t;
	clear(S.geoAsk);
	const yes = h('button', { type: 'button', id: 'geo-yes' }, t('geo_yes'));
	const no = h('button', { type: 'button', id: 'geo-no' }, t('cancel'));
	S.geoAsk.append(h('p', null, t('geo_warning')), yes, no);
	S.geoAsk.hidden = false;
	no.addEventListener('click', () => {
		S.geoAsk.hidden = true;
		$('c-geo')?.focus();
	});
	yes.addEventListener('click', useLocation);
	yes.focus();
}

function useLocation() {
	const t = ctx.t;
	clear(S.geoAsk);
	S.geoAsk.append(h('p', null, t('geo_wait')));
	loadPlaces().catch(() => {});
	navigator.geolocation.getCurrentPosition((pos) => {
		S.geoAsk.hidden = true;
		const gps = geohashEncode(pos.coords.latitude, pos.coords.longitude,
		    LEVEL_LENGTH.street);
		place = { g: gps.slice(0, GPS_PRECISION), level: levelOfLength(
		    GPS_PRECISION), gps, label: '' };
		labelFromGazetteer();
		loadPlaces().then(() => place && place.gps === gps &&
		    labelFromGazetteer(), () => {});
	}, (err) => {
		clear(S.geoAsk);
		S.geoAsk.append(h('p', null, t(err && err.code === 1 ?
		    'geo_denied' : 'geo_failed')));
	}, { enableHighAccuracy: false, timeout: 20000, maximumAge: 60000 });
}

// --- who signs -------------------------------------------------------------

function drawWho() {
	const t = ctx.t;
	clear(S.who);
	if (ctx.pubkey) {
		const name = ctx.phone.name(ctx.pubkey);
		S.who.append(h('p', { class: 'hint' }, t('posting_as'), ' ',
		    name ? h('bdi', null, name) : null, name ? ' ' : null,
		    h('code', null, npub(ctx.pubkey).short)));
	} else if (ctx.signer) {
		S.who.append(h('p', { class: 'hint' }, t('asking_extension')));
	} else {
		S.who.append(h('p', { class: 'box warn' }, t('no_key_composer')),
		    h('button', { type: 'button', class: 'primary', id: 'c-create',
			onclick: () => {
			S.error.textContent = '';
			createKey().then(() => S.text.focus());
		} }, t('create_key')));
	}
}

// --- sending -------------------------------------------------------------

async function submit(e) {
	e.preventDefault();
	const t = ctx.t;
	S.error.textContent = '';
	const text = S.text.value.trim();
	if (S.send.disabled)
		return;
	if (!text && attachCount() === 0) {
		S.error.textContent = t('err_empty');
		S.text.focus();
		return;
	}
	if (!counter()) {
		S.error.textContent = t('err_too_long');
		S.text.focus();
		return;
	}
	if (waiting) {
		S.error.textContent = t('err_no_parent');
		return;
	}
	if (!ctx.signer) {
		S.error.textContent = t('err_no_key');
		$('c-create')?.focus();
		return;
	}
	const blocked = attachBlocked();
	if (blocked) {
		S.error.textContent = t(blocked);
		return;
	}
	let ev;
	const g = place ? place.g : '';
	S.send.disabled = true;
	try {
		const signer = await ctx.signer;
		// The photos first: the post names them.
		let media = { tags: [], urls: [] };
		try {
			media = await attachSend(signer);
		} catch (err) {
			S.error.textContent = err.message;
			return;
		}
		const now = postTime(Date.now(), ctx.skew);
		const content = contentWith(text, media.urls);
		let tpl = parent ? replyTemplate(parent, content, g, now) :
		    reportTemplate(content, g, now);
		tpl.tags.push(...media.tags);
		// The proof of work the node asks now, before signing: a
		// refusal for it later is mined again (send.js).
		if (ctx.pow > 0)
			tpl = await mine(tpl, signer.pubkey, ctx.pow);
		ev = await signer.sign(tpl);
	} catch (err) {
		S.error.textContent = t(err && err.code ? err.code : 'err_sign');
		return;
	} finally {
		S.send.disabled = false;
	}
	S.text.value = '';
	// The place and the photos were for this post only.
	setPlace(null);
	attachClear();
	closeComposer();
	onPosted(ev, text);
}
