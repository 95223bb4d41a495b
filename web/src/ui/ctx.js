// ui/ctx.js: what every screen of the page shares, made once at start:
// the language and its strings and time formats, the phone's storage
// (key, outbox, mutes, names, recent reports), the one relay connection,
// the signer, the node's clock and limits, and the gazetteer once loaded.
// Screens register what to redraw when the language or the signer
// changes.  No screen of its own.

import { clockOffset } from '../clock.js';
import { LANGS, formatNumber, makeT, pickLang } from '../i18n.js';
import { npubOf } from '../npub.js';
import { Outbox } from '../outbox.js';
import { Phone, safeStorage } from '../phone.js';
import { Gazetteer } from '../places.js';
import { nip11Pow } from '../policy.js';
import { RelayClient } from '../relay.js';
import { makeTimeFormat } from '../time.js';

/* global PLACES_URL */
const LANG_ITEM = 'samizdat.lang';
const KEY_ITEM = 'samizdat.key';	// identity.js KEY_ITEM

// The secret key's hex as stored, or null; checked when the crypto has
// loaded (late()).
function readKey() {
	try {
		const v = store.getItem(KEY_ITEM);
		return typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : null;
	} catch {
		return null;
	}
}
export const HEARTBEAT_MS = 20000;
// Tests shorten the heartbeat through this item (1 to 60 s).
const HEARTBEAT_ITEM = 'samizdat.heartbeat_ms';

const store = safeStorage(window);

export const ctx = {
	store,
	phone: new Phone(store),
	outbox: new Outbox(store),
	lang: pickLang(store.getItem(LANG_ITEM), navigator.languages ??
	    [navigator.language]),
	t: null,
	time: null,
	secretKey: null,	// hex, if this phone holds a key
	signer: null,		// Promise of {type, pubkey, sign}, or null
	pubkey: '',		// once the signer is known
	skew: 0,		// seconds from the phone's clock to the node's
	limits: { content: 0, message: 0 },	// bytes, from NIP-11
	pow: 0,			// proof of work asked now (NIP-13 bits)
	diskLow: false,		// the node's disk is nearly full
	info: null,		// the NIP-11 document
	gazetteer: null,
	crypto: null,		// crypto.js, once late() has set it up
	relay: null,
	redraws: new Set(),	// called on language and signer changes
};

ctx.secretKey = readKey();

let lateP = null;

// The crypto and the QR code (late.js, crypto.js), set up the first time
// they are asked for; ctx.crypto holds them from then on.  urgent false:
// wait until the phone is idle (a key read at load is not needed for the
// first reports).
export function late(urgent = true) {
	if (!lateP) {
		const ready = new Promise((resolve) => {
			if (window.samizdatLate)
				resolve();
			else
				window.addEventListener('samizdat-late', resolve,
				    { once: true });
		});
		const idle = urgent ? ready : ready.then(() => new Promise((r) =>
		    (window.requestIdleCallback ?? setTimeout)(r, { timeout: 1500 })));
		lateP = idle.then(() => window.samizdatLate()).then((m) => {
			ctx.crypto = m;
			return m;
		});
	}
	return lateP;
}

function setTexts() {
	ctx.t = makeT(ctx.lang);
	ctx.time = makeTimeFormat(ctx.lang, ctx.t('just_now'));
}
setTexts();

// A number as the reader's language writes it.
export function num(n) {
	return formatNumber(n, ctx.lang);
}

// Unix seconds by the node's clock.
export function nodeNow() {
	return Math.floor(Date.now() / 1000) + ctx.skew;
}

export function redraw() {
	for (const f of ctx.redraws)
		f();
}

export function setLang(l) {
	if (!LANGS.includes(l) || l === ctx.lang)
		return;
	ctx.lang = l;
	setTexts();
	try {
		store.setItem(LANG_ITEM, l);
	} catch {
		/* private mode: only for this visit */
	}
	redraw();
}

// --- the key ---------------------------------------------------------------

export function setSigner(p) {
	ctx.signer = p;
	ctx.pubkey = '';
	if (p)
		p.then((s) => {
			if (ctx.signer === p) {
				ctx.pubkey = s.pubkey;
				redraw();
			}
		}, () => {
			if (ctx.signer === p)
				ctx.signer = null;
			redraw();
		});
	redraw();
}

export function initSigner() {
	if (ctx.secretKey)
		setSigner(late(false).then((m) => {
			const sk = m.loadKey(store);
			if (!sk)
				throw new m.KeyError('err_key_format');
			return m.localSigner(sk);
		}));
	else if (window.nostr)
		setSigner(late(false).then((m) => m.extensionSigner(window.nostr)));
	else
		setSigner(null);
}

// Made only when the person asks for it (the composer or the key page).
export async function createKey() {
	const m = await late();
	const sk = m.newKey();
	m.saveKey(store, sk);
	ctx.secretKey = m.toHex(sk);
	ctx.phone.setFlag('backed_up', false);
	initSigner();
	try {
		await ctx.signer;
	} catch {
		/* setSigner says so */
	}
}

// sk: bytes of a restored key, or null to forget it.
export async function setSecretKey(sk) {
	const m = await late();
	if (sk) {
		m.saveKey(store, sk);
		ctx.secretKey = m.toHex(sk);
	} else {
		m.forgetKey(store);
		ctx.secretKey = null;
	}
	initSigner();
}

// The secret key's bytes (the key page's backup and nsec).
export async function secretBytes() {
	const m = await late();
	return ctx.secretKey ? m.fromHex(ctx.secretKey) : null;
}

const npubs = new Map();

// The npub and its short form, computed once per key.
export function npub(pubkey) {
	let v = npubs.get(pubkey);
	if (!v) {
		const full = npubOf(pubkey);
		v = { full, short: full.slice(0, 9) + '…' + full.slice(-4) };
		npubs.set(pubkey, v);
	}
	return v;
}

// --- the node ----------------------------------------------------------------

export function connect(onState, onDrop) {
	const hb = Number(store.getItem(HEARTBEAT_ITEM));
	ctx.relay = new RelayClient((location.protocol === 'https:' ? 'wss://' :
	    'ws://') + location.host + '/', { onState, onDrop,
	    heartbeatMs: hb >= 1000 && hb <= 60000 ? hb : HEARTBEAT_MS });
	ctx.relay.connect();
	return ctx.relay;
}

// Asks the node for its time (clock.js) and its NIP-11 limits; failures
// leave the phone's clock and no limits.  done() once it knows.
export async function askNode(done) {
	try {
		const res = await fetch('/api/time', { cache: 'no-store' });
		if (res.ok)
			ctx.skew = clockOffset((await res.json()).now, Date.now());
	} catch {
		/* the phone's clock */
	}
	try {
		const res = await fetch('/', { cache: 'no-store', headers:
		    { Accept: 'application/nostr+json' } });
		if (res.ok) {
			const info = await res.json();
			ctx.info = info && typeof info === 'object' ? info : null;
			const l = ctx.info?.limitation ?? {};
			ctx.limits.content = Number.isSafeInteger(l.max_content_length) ?
			    l.max_content_length : 0;
			ctx.limits.message = Number.isSafeInteger(
			    l.max_message_length) ? l.max_message_length : 0;
			ctx.relay.maxMessage = ctx.limits.message;
			ctx.pow = nip11Pow(ctx.info);
		}
	} catch {
		/* no limits known: the node still says no when it must */
	}
	done();
}

// --- places ------------------------------------------------------------------

let placesPromise = null;

// The gazetteer, fetched from the node the first time it is needed
// (about 150 KB gzipped, cached by the browser for good).
export function loadPlaces() {
	if (!placesPromise)
		placesPromise = fetch(PLACES_URL).then((r) => {
			if (!r.ok)
				throw new Error('places: ' + r.status);
			return r.json();
		}).then((d) => {
			ctx.gazetteer = new Gazetteer(d);
			return ctx.gazetteer;
		}).catch((e) => {
			placesPromise = null;
			throw e;
		});
	return placesPromise;
}
