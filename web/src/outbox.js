// outbox.js: the posts made on this phone and how far each got, kept in
// localStorage so a reload loses neither a post still waiting for the
// node nor the status of one already sent.  Also what a refusal means for
// trying again: some reasons pass (rate limits, the node's own trouble,
// a dropped connection), most do not (too long, blocked, invalid), and
// those are never sent again by themselves.  Pure: storage is passed in.

export const OUTBOX_ITEM = 'samizdat.outbox';
export const OUTBOX_MAX = 100;	// posts remembered
export const KEEP_S = 14 * 86400;	// how long a settled post's status stays
export const DROPS_MAX = 3;	// connections lost right after sending it

// phase: 'sending' (no answer yet), 'stored' (OK true), 'refused' (OK
// false, a NOTICE, or given up after DROPS_MAX dropped connections).
// A post: {id, event, phase, reason, text, drops, at, retryAt}.

// What to do after a refusal with this reason: 'never' (sending the same
// event again cannot help), 'later' (after a pause), or 'now'.
export function retryPolicy(reason) {
	const r = String(reason ?? '');
	if (/^rate-limited:/.test(r))
		return 'later';
	if (/^error:/.test(r))
		return /disk is full|database file is corrupt/.test(r) ? 'never' :
		    'later';
	if (/^duplicate:/.test(r))
		return 'never';
	return 'never';
}

// True when a refusal's reason is really a success: the node has it.
export function isAlreadyThere(reason) {
	return /^duplicate:/.test(String(reason ?? ''));
}

export class Outbox {
	constructor(storage, nowS = () => Math.floor(Date.now() / 1000)) {
		this.storage = storage;
		this.nowS = nowS;
		this.posts = new Map();
		this.load();
	}

	load() {
		let v = null;
		try {
			v = JSON.parse(this.storage.getItem(OUTBOX_ITEM) ?? 'null');
		} catch {
			v = null;
		}
		if (!Array.isArray(v))
			return;
		const now = this.nowS();
		for (const p of v) {
			if (!p || typeof p.id !== 'string' || !p.event ||
			    p.event.id !== p.id)
				continue;
			if (p.phase !== 'sending' && now - (p.at ?? 0) > KEEP_S)
				continue;
			this.posts.set(p.id, { drops: 0, ...p });
		}
	}

	save() {
		// Only what a reload needs; polling state stays in memory.
		const list = [...this.posts.values()].sort((a, b) => b.at - a.at)
		    .slice(0, OUTBOX_MAX).map((p) => ({ id: p.id, event: p.event,
		    phase: p.phase, reason: p.reason, text: p.text, drops: p.drops,
		    at: p.at, retryAt: p.retryAt }));
		try {
			this.storage.setItem(OUTBOX_ITEM, JSON.stringify(list));
		} catch {
			/* full or private mode: kept for this visit */
		}
	}

	get(id) {
		return this.posts.get(id);
	}

	// Adds a signed event as sending; text: what to give back to the
	// composer if it is refused.
	add(event, text) {
		const p = { id: event.id, event, phase: 'sending', reason: '',
		    text, drops: 0, at: this.nowS(), retryAt: 0 };
		this.posts.set(event.id, p);
		this.save();
		return p;
	}

	// Records the node's answer; returns the post.
	settle(id, ok, reason) {
		const p = this.posts.get(id);
		if (!p)
			return null;
		if (ok || isAlreadyThere(reason)) {
			p.phase = 'stored';
			p.reason = '';
		} else {
			const how = retryPolicy(reason);
			p.reason = reason;
			p.phase = how === 'never' ? 'refused' : 'waiting';
			p.retryAt = how === 'later' ? this.nowS() + 60 : 0;
		}
		p.at = this.nowS();
		this.save();
		return p;
	}

	// A connection dropped while p was out: true if it should go again.
	dropped(id) {
		const p = this.posts.get(id);
		if (!p || p.phase !== 'sending')
			return false;
		p.drops++;
		if (p.drops >= DROPS_MAX) {
			p.phase = 'refused';
			p.reason = 'dropped';
		}
		this.save();
		return p.phase === 'sending';
	}

	// Puts a waiting post back to sending (its pause is over, or the
	// person pressed "try again").
	retry(id) {
		const p = this.posts.get(id);
		if (!p)
			return null;
		p.phase = 'sending';
		p.drops = 0;
		p.retryAt = 0;
		this.save();
		return p;
	}

	remove(id) {
		this.posts.delete(id);
		this.save();
	}

	// Posts that should go to the node now.
	due() {
		const now = this.nowS();
		return [...this.posts.values()].filter((p) => p.phase === 'sending' ||
		    (p.phase === 'waiting' && p.retryAt > 0 && p.retryAt <= now));
	}
}
