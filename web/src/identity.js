// identity.js: the person's key.  A secret key made in the browser stays
// in the phone's localStorage and never leaves it; the page shows its npub,
// backs it up as a NIP-49 ncryptsec (scrypt + XChaCha20-Poly1305 under a
// passphrase) or as a plain nsec, and restores from either.  When a NIP-07
// extension (window.nostr) is there and no key was made here, it signs
// instead.  Storage and window.nostr are passed in, so the unit tests use
// plain objects.

import { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent } from
    'nostr-tools/pure';
import { decode, npubEncode, nsecEncode } from 'nostr-tools/nip19';
import { decrypt as ncDecrypt, encrypt as ncEncrypt } from
    'nostr-tools/nip49';

export const KEY_ITEM = 'samizdat.key';
// scrypt cost 2^16 as NIP-49 suggests: about a second on a cheap phone.
export const NIP49_LOGN = 16;

export function toHex(b) {
	let s = '';
	for (const x of b)
		s += x.toString(16).padStart(2, '0');
	return s;
}

export function fromHex(s) {
	if (typeof s !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(s))
		throw new TypeError('not hex');
	const b = new Uint8Array(s.length / 2);
	for (let i = 0; i < b.length; i++)
		b[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
	return b;
}

// An error the page can name: code is an i18n key.
export class KeyError extends Error {
	constructor(code) {
		super(code);
		this.code = code;
	}
}

// The secret key saved in storage, or null.
export function loadKey(storage) {
	let v = null;
	try {
		v = storage.getItem(KEY_ITEM);
	} catch {
		return null;
	}
	if (typeof v !== 'string' || !/^[0-9a-f]{64}$/.test(v))
		return null;
	const sk = fromHex(v);
	try {
		getPublicKey(sk);
	} catch {
		return null;
	}
	return sk;
}

export function saveKey(storage, sk) {
	storage.setItem(KEY_ITEM, toHex(sk));
}

export function forgetKey(storage) {
	storage.removeItem(KEY_ITEM);
}

export function newKey() {
	return generateSecretKey();
}

export function npubOf(pubkeyHex) {
	return npubEncode(pubkeyHex);
}

export function nsecOf(sk) {
	return nsecEncode(sk);
}

// A short form of an npub for lists: npub1abcd…wxyz.
export function shortNpub(pubkeyHex) {
	const n = npubEncode(pubkeyHex);
	return n.slice(0, 9) + '…' + n.slice(-4);
}

// NIP-49 backup of sk under passphrase.
export function backup(sk, passphrase, logn = NIP49_LOGN) {
	if (typeof passphrase !== 'string' || passphrase.length === 0)
		throw new KeyError('err_pass_empty');
	// ksb 0x02: the key was not known to have been handled insecurely.
	return ncEncrypt(sk, passphrase, logn, 0x02);
}

// The secret key in text: an ncryptsec (needs passphrase), an nsec or 64
// hex characters.  Throws KeyError with code err_key_format or
// err_pass_wrong.
export function restore(text, passphrase) {
	const v = String(text ?? '').trim().replace(/\s+/g, '');
	if (v.startsWith('ncryptsec1')) {
		if (!passphrase)
			throw new KeyError('err_pass_empty');
		let sk;
		try {
			sk = ncDecrypt(v, passphrase);
		} catch (e) {
			// A failed Poly1305 tag is the wrong passphrase (or a
			// damaged backup); anything else is not an ncryptsec.
			throw new KeyError(/tag/i.test(String(e && e.message)) ?
			    'err_pass_wrong' : 'err_key_format');
		}
		if (!(sk instanceof Uint8Array) || sk.length !== 32)
			throw new KeyError('err_key_format');
		return sk;
	}
	if (v.startsWith('nsec1')) {
		try {
			const d = decode(v);
			if (d.type === 'nsec')
				return d.data;
		} catch {
			/* below */
		}
		throw new KeyError('err_key_format');
	}
	if (/^[0-9a-f]{64}$/i.test(v)) {
		const sk = fromHex(v.toLowerCase());
		try {
			getPublicKey(sk);
			return sk;
		} catch {
			/* below */
		}
	}
	throw new KeyError('err_key_format');
}

// A signer over a local key: {type, pubkey, sign(template) -> event}.
export function localSigner(sk) {
	const pubkey = getPublicKey(sk);
	return {
		type: 'local',
		pubkey,
		sign: async (t) => finalizeEvent({ ...t }, sk),
	};
}

// A signer over a NIP-07 extension; asks it for the public key.  Events
// it returns are checked before use.
export async function extensionSigner(nostr) {
	const pubkey = await nostr.getPublicKey();
	if (typeof pubkey !== 'string' || !/^[0-9a-f]{64}$/.test(pubkey))
		throw new KeyError('err_extension');
	return {
		type: 'extension',
		pubkey,
		sign: async (t) => {
			const got = await nostr.signEvent({ ...t });
			if (!got || typeof got !== 'object')
				throw new KeyError('err_extension');
			// A fresh object: verifyEvent caches its answer on the one
			// it is given, and this one came from outside.
			const ev = { id: got.id, pubkey: got.pubkey, created_at:
			    got.created_at, kind: got.kind, tags: got.tags, content:
			    got.content, sig: got.sig };
			if (ev.pubkey !== pubkey || ev.kind !== t.kind ||
			    ev.content !== t.content || !verifyEvent(ev))
				throw new KeyError('err_extension');
			return ev;
		},
	};
}
