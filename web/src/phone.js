// phone.js: what the page keeps on the phone besides the key and the
// outbox: the keys muted here, the last reports read (so a reload shows
// them at once, before the node answers), names from profiles, and a few
// flags (the welcome was read, the key was backed up).  Each in its own
// localStorage item, each read defensively (another tab, an older page or
// a full disk may have left anything there).  Pure: storage is passed in.

import { isEventShape } from './nostr.js';

export const MUTE_ITEM = 'samizdat.muted';
export const CACHE_ITEM = 'samizdat.recent';
export const NAMES_ITEM = 'samizdat.names';
export const FLAGS_ITEM = 'samizdat.flags';
export const CACHE_MAX = 30;
export const NAMES_MAX = 500;

// localStorage when it works, else a Map for this visit (private mode).
export function safeStorage(win = globalThis) {
	try {
		const s = win.localStorage;
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

function read(storage, item, fallback) {
	try {
		const v = JSON.parse(storage.getItem(item) ?? 'null');
		return v ?? fallback;
	} catch {
		return fallback;
	}
}

function write(storage, item, v) {
	try {
		storage.setItem(item, JSON.stringify(v));
		return true;
	} catch {
		return false;
	}
}

export class Phone {
	constructor(storage) {
		this.storage = storage;
		const m = read(storage, MUTE_ITEM, []);
		this.muted = new Set(Array.isArray(m) ? m.filter((x) =>
		    typeof x === 'string' && /^[0-9a-f]{64}$/.test(x)) : []);
		const f = read(storage, FLAGS_ITEM, {});
		this.flags = f && typeof f === 'object' ? f : {};
		const n = read(storage, NAMES_ITEM, {});
		this.names = new Map(n && typeof n === 'object' ? Object.entries(n)
		    .filter(([k, v]) => /^[0-9a-f]{64}$/.test(k) && Array.isArray(v) &&
		    typeof v[0] === 'string' && Number.isSafeInteger(v[1])) : []);
	}

	isMuted(pubkey) {
		return this.muted.has(pubkey);
	}

	mute(pubkey, on = true) {
		if (on)
			this.muted.add(pubkey);
		else
			this.muted.delete(pubkey);
		write(this.storage, MUTE_ITEM, [...this.muted]);
	}

	flag(name) {
		return this.flags[name] === true;
	}

	setFlag(name, on = true) {
		this.flags[name] = on;
		write(this.storage, FLAGS_ITEM, this.flags);
	}

	// The last reports read in the unfiltered feed, newest first.
	recent() {
		const v = read(this.storage, CACHE_ITEM, []);
		return Array.isArray(v) ? v.filter(isEventShape).slice(0,
		    CACHE_MAX) : [];
	}

	keepRecent(events) {
		write(this.storage, CACHE_ITEM, events.slice(0, CACHE_MAX));
	}

	// A name from a kind-0 profile: kept if newer than what is known.
	// Returns true if it changed.
	setName(pubkey, name, createdAt) {
		const old = this.names.get(pubkey);
		if (old && old[1] >= createdAt)
			return false;
		this.names.set(pubkey, [name, createdAt]);
		return true;
	}

	name(pubkey) {
		return this.names.get(pubkey)?.[0] ?? '';
	}

	saveNames() {
		const list = [...this.names.entries()].sort((a, b) => b[1][1] -
		    a[1][1]).slice(0, NAMES_MAX);
		write(this.storage, NAMES_ITEM, Object.fromEntries(list));
	}
}
