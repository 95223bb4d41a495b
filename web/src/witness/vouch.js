// witness/vouch.js: "People I met", a section of the key page
// (#/me?vouch opens it).  This phone's key as a QR code and a short code
// for the other phone; theirs read from a photo of their QR code (a file
// input with capture: the camera API is not there on a plain-http LAN;
// decoded with jsQR in the late script, witness/scan.js) or found by the
// short code they read out (GET /api/witnesses?code=); then a long check
// code to compare on both screens before signing the vouch (a NIP-32
// label, witness/marks.js).  The people this key vouches for now, each
// with a button to revoke.  Strings from events go in as text nodes.

import { clear, h } from '../dom.js';
import { postTime } from '../clock.js';
import { plainLine } from '../text.js';
import { ctx, late, npub } from '../ui/ctx.js';
import { send } from '../ui/send.js';
import { COMMENT_MAX, KIND, NS, currentVouches, longCode, normalizeCode,
    scannedKey, shortCode, vouchTemplate } from './marks.js';
import { keysByCode } from './state.js';

let found = null;	// {pubkey} the person being vouched for
let note = '';
let said = '';		// the last outcome, an i18n key

// The section as a folded <details>; open when the route asks for it.
export function vouchSection(openIt) {
	const t = ctx.t;
	const d = h('details', { class: 'box', id: 'sec-vouch', open: openIt ||
	    undefined }, h('summary', null, h('h2', null, t('v_title'))));
	if (!ctx.pubkey) {
		d.append(h('p', { class: 'hint' }, t('v_need_key')));
		return d;
	}
	const n = npub(ctx.pubkey).full;
	d.append(h('p', null, t('v_help')),
	    h('div', { class: 'vme' },
		ctx.crypto ? ctx.crypto.qrSvg(document, 'nostr:' + n, t('v_my_qr')) :
		null,
		h('p', null, t('v_my_code'), ': ', h('strong', { class: 'mono vcode',
		    id: 'v-mycode' }, shortCode(n))),
		h('p', { class: 'hint' }, t('v_check_code'), ': ', h('span',
		    { class: 'mono', id: 'v-mycheck' }, longCode(n)))),
	    scanPart(d), codePart(d), h('div', { id: 'v-found', 'aria-live':
	    'polite' }), h('p', { id: 'v-said', class: 'info', 'aria-live':
	    'polite' }, said ? t(said) : ''), h('div', { id: 'v-mine' }));
	setTimeout(() => {
		drawFound(d);
		drawMine(d);
	}, 0);
	return d;
}

function sayIn(d, key) {
	said = key;
	const el = d.querySelector('#v-said');
	if (el)
		el.textContent = key ? ctx.t(key) : '';
}

function scanPart(d) {
	const t = ctx.t;
	// Hidden: the button opens it; a test sets its files directly.
	const file = h('input', { type: 'file', id: 'v-file', accept: 'image/*',
	    capture: 'environment', hidden: true });
	file.addEventListener('change', async () => {
		const f = file.files && file.files[0];
		file.value = '';
		if (!f)
			return;
		sayIn(d, 'v_scan_wait');
		let text = null;
		try {
			const m = await late();
			const scan = await m.scanner();
			text = await scan.decodeImageFile(f);
		} catch {
			text = null;
		}
		if (text === null) {
			sayIn(d, 'v_scan_none');
			return;
		}
		const k = scannedKey(text);
		const pk = k?.hex ?? (k?.npub ? (await late()).npubToHex(k.npub) :
		    null);
		if (!pk) {
			sayIn(d, 'v_scan_bad');
			return;
		}
		choose(d, pk);
	});
	return h('div', null, h('button', { type: 'button', id: 'v-scan',
	    onclick: () => file.click() }, t('v_scan')), file,
	    h('p', { class: 'hint' }, t('v_scan_help')));
}

function codePart(d) {
	const t = ctx.t;
	const input = h('input', { id: 'v-code', autocomplete: 'off',
	    autocapitalize: 'none', spellcheck: 'false', class: 'mono',
	    inputmode: 'text' });
	const form = h('form', { id: 'v-code-form' },
	    h('label', { for: 'v-code' }, t('v_code_label')),
	    h('div', { class: 'row' }, input, h('button', { type: 'submit',
		id: 'v-find' }, t('v_code_find'))));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		const code = normalizeCode(input.value);
		if (!code) {
			sayIn(d, 'v_code_bad');
			return;
		}
		let keys = [];
		try {
			keys = await keysByCode(code);
		} catch {
			sayIn(d, 'w_err');
			return;
		}
		// The prefix is the code: every key found starts with it.
		keys = keys.filter((k) => npub(k.pubkey).full.slice(5, 13) === code);
		if (keys.length === 0)
			sayIn(d, 'v_code_none');
		else if (keys.length > 1)
			sayIn(d, 'v_code_many');
		else
			choose(d, keys[0].pubkey);
	});
	return form;
}

function choose(d, pk) {
	if (pk === ctx.pubkey) {
		sayIn(d, 'v_self');
		return;
	}
	found = { pubkey: pk };
	note = '';
	sayIn(d, '');
	drawFound(d);
	d.querySelector('#v-yes')?.focus();
}

function drawFound(d) {
	const box = d.querySelector('#v-found');
	if (!box)
		return;
	clear(box);
	if (!found)
		return;
	const t = ctx.t;
	const n = npub(found.pubkey).full;
	const name = plainLine(ctx.phone.name(found.pubkey), 40);
	const input = h('input', { id: 'v-note', maxlength: 200, dir: 'auto',
	    value: note });
	input.addEventListener('input', () => {
		note = input.value;
	});
	box.append(h('div', { class: 'warn' },
	    h('p', null, t('v_found'), ': ', name ? h('bdi', { class: 'name' },
		name) : null, ' ', h('code', null, npub(found.pubkey).short)),
	    h('p', null, t('v_compare')),
	    h('p', { class: 'mono vcode', id: 'v-check' }, longCode(n)),
	    h('label', { for: 'v-note' }, t('v_note')), input,
	    h('div', { class: 'row' },
		h('button', { type: 'button', class: 'primary', id: 'v-yes',
		    onclick: () => publish(d, found.pubkey, 'vouch', note) },
		    t('v_yes')),
		h('button', { type: 'button', onclick: () => {
			found = null;
			drawFound(d);
		} }, t('cancel')))));
}

async function publish(d, pk, label, text) {
	if (new TextEncoder().encode(text).length > COMMENT_MAX)
		return;
	try {
		const signer = await ctx.signer;
		// Later than the last label for pk: the newest wins, ties are
		// a coin toss (a revoke right after a vouch must win).
		const last = currentAt(pk);
		const ev = await signer.sign(vouchTemplate(pk, label, text.trim(),
		    Math.max(postTime(Date.now(), ctx.skew), last + 1)));
		send(ev, undefined);
		mine.set(ev.id, ev);
		if (label === 'vouch')
			found = null;
		sayIn(d, label === 'vouch' ? 'v_done' : 'v_revoked');
		drawFound(d);
		drawMine(d, true);
	} catch {
		sayIn(d, 'err_sign');
	}
}

// This key's vouch labels, fetched once a visit and kept with what it signs.
const mine = new Map();
let fetchedFor = '';

// created_at of this key's newest label for pk, 0 if none.
function currentAt(pk) {
	let at = 0;
	for (const ev of mine.values())
		if (ev.pubkey === ctx.pubkey && ev.created_at > at &&
		    ev.tags.some((t) => t[0] === 'p' && t[1] === pk))
			at = ev.created_at;
	return at;
}

function drawMine(d, local = false) {
	const box = d.querySelector('#v-mine');
	if (!box || !ctx.pubkey)
		return;
	if (fetchedFor !== ctx.pubkey && !local) {
		fetchedFor = ctx.pubkey;
		ctx.relay.fetch('vouches', [{ kinds: [KIND], authors: [ctx.pubkey],
		    '#L': [NS], limit: 2000 }], (got) => {
			for (const ev of got)
				mine.set(ev.id, ev);
			drawMine(d, true);
		});
	}
	const t = ctx.t;
	const cur = currentVouches([...mine.values()], ctx.pubkey);
	clear(box);
	box.append(h('h3', null, t('v_mine', { n: cur.size })));
	if (cur.size === 0) {
		box.append(h('p', { class: 'hint' }, t('v_none')));
		return;
	}
	const ul = h('ul', { class: 'vlist' });
	for (const [pk, ev] of [...cur].sort((a, b) => b[1].created_at -
	    a[1].created_at)) {
		const name = plainLine(ctx.phone.name(pk), 40);
		ul.append(h('li', { 'data-pk': pk }, name ? h('bdi', { class: 'name' },
		    name) : null, ' ', h('code', null, npub(pk).short), ' ',
		    h('time', null, ctx.time.ago(ev.created_at, Date.now())),
		    ev.content ? h('q', { dir: 'auto' }, plainLine(ev.content, 80)) :
		    null, ' ',
		    h('button', { type: 'button', class: 'small danger', onclick: () =>
			publish(d, pk, 'revoke', '') }, t('v_revoke'))));
	}
	box.append(ul);
}
