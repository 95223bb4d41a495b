// ui/list.js: a list of cards in an <ol>, kept in order (newest first, or
// oldest first for replies) however the events arrive.  Nothing is ever
// pushed out: older pages are added at the end as the person scrolls, and
// a burst of new reports (a sync, a reconnect) waits behind a "new
// reports" button while the person reads further down, so the card they
// are reading does not move.  A report dated ahead of the node's clock
// sorts at the time it arrived (nostr.js sortTime).  Cards are drawn a
// few per frame so a slow phone keeps scrolling; authors muted on this
// phone are left out.  Not a screen: feed and report views use it.

import { clear } from '../dom.js';
import { newestFirstIndex, sortTime, threadOf } from '../nostr.js';
import { card, refreshCard } from './card.js';
import { ctx, nodeNow } from './ctx.js';
import { meta, watch } from './meta.js';

// A slow phone (4x slower than a laptop) spends about 7 ms on a card and
// as long again on its layout: a few a frame keep every task short.
const FIRST_BATCH = 4;	// drawn at once, before the first frame
const BATCH = 4;	// then per frame

export class CardList {
	// opts: asc (oldest first), root (id the list answers), onchange,
	// onFresh(n): new reports are waiting (hold mode).
	constructor(ol, opts = {}) {
		this.ol = ol;
		this.asc = opts.asc ?? false;
		this.root = opts.root ?? '';
		this.onchange = opts.onchange ?? null;
		this.onFresh = opts.onFresh ?? null;
		this.items = [];	// {t, id, ev}, newest first
		this.ids = new Set();
		this.nodes = new Map();
		this.queue = [];
		this.fresh = [];	// held back while reading further down
		this.frame = 0;
		this.oldest = Infinity;	// created_at of the oldest from a page
		clear(ol);
		this.listener = (ids, pubkeys, what) => this.refresh(ids, pubkeys,
		    what);
		meta.listeners.add(this.listener);
	}

	// hold: a live event while the person may be reading lower down.
	add(ev, { hold = false, paged = false } = {}) {
		if (this.ids.has(ev.id) || ctx.phone.isMuted(ev.pubkey))
			return;
		this.ids.add(ev.id);
		if (paged && ev.created_at < this.oldest)
			this.oldest = ev.created_at;
		const item = { t: sortTime(ev, nodeNow()), id: ev.id, ev };
		if (hold && this.onFresh && window.scrollY > 300) {
			this.fresh.push(item);
			this.onFresh(this.fresh.length);
			return;
		}
		this.queue.push(item);
		if (this.frame === 0)
			this.frame = requestAnimationFrame(() => this.flush());
	}

	// Draws now what is queued, up to FIRST_BATCH: the first cards of a
	// view should not wait for a frame.
	drawSoon() {
		if (this.frame !== 0) {
			cancelAnimationFrame(this.frame);
			this.frame = 0;
		}
		this.flush(FIRST_BATCH);
	}

	showFresh() {
		const f = this.fresh.splice(0);
		for (const item of f)
			this.queue.push(item);
		if (this.onFresh)
			this.onFresh(0);
		this.flush(f.length);
	}

	flush(n = BATCH) {
		this.frame = 0;
		const batch = this.queue.splice(0, n);
		for (const item of batch)
			this.insert(item);
		watch(batch.map((i) => i.ev));
		if (this.queue.length > 0)
			this.frame = requestAnimationFrame(() => this.flush());
		if (this.onchange)
			this.onchange();
	}

	insert(item) {
		const i = newestFirstIndex(this.items, item);
		this.items.splice(i, 0, item);
		const li = card(item.ev, { root: this.root });
		this.nodes.set(item.id, li);
		const near = this.asc ? this.items[i - 1] : this.items[i + 1];
		this.ol.insertBefore(li, near ? this.nodes.get(near.id) : null);
	}

	remove(id) {
		const i = this.items.findIndex((x) => x.id === id);
		if (i >= 0)
			this.items.splice(i, 1);
		this.nodes.get(id)?.remove();
		this.nodes.delete(id);
		if (this.onchange)
			this.onchange();
	}

	// Leaves out the cards of a key just muted.
	dropAuthor(pubkey) {
		for (const x of [...this.items])
			if (x.ev.pubkey === pubkey)
				this.remove(x.id);
	}

	refresh(ids, pubkeys, what) {
		for (const x of this.items) {
			const parent = threadOf(x.ev).reply;
			if (ids.has(x.id) || pubkeys.has(x.ev.pubkey) ||
			    (parent && (ids.has(parent) || pubkeys.has(
			    meta.events.get(parent)?.pubkey))))
				refreshCard(this.nodes.get(x.id), x.ev, what);
		}
	}

	// Everything again (the language or the key changed).
	rerender() {
		for (const x of this.items) {
			const li = card(x.ev, { root: this.root });
			this.nodes.get(x.id).replaceWith(li);
			this.nodes.set(x.id, li);
		}
	}

	// The events shown, newest first (for the phone's cache).
	events() {
		return this.items.map((x) => x.ev);
	}

	close() {
		if (this.frame !== 0)
			cancelAnimationFrame(this.frame);
		this.frame = 0;
		this.queue = [];
		meta.listeners.delete(this.listener);
	}

	get size() {
		return this.items.length + this.queue.length;
	}
}
