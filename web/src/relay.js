// relay.js: one WebSocket to this node's relay, kept open.  NIP-01
// client side: REQ/CLOSE for subscriptions, EVENT out with its OK back,
// EVENT/EOSE/CLOSED/NOTICE in, and COUNT (NIP-45).  The relay may send
// ["AUTH", challenge] (NIP-42); the page does not authenticate, so it is
// ignored.  When the socket drops, it reconnects with exponential backoff
// and jitter (1 s up to 30 s), then sends the open subscriptions again and
// every event that has no OK yet.
//
// A refusal always comes back to the sender: OK false; a NOTICE that
// arrives while an event waits for its OK and no OK follows within
// NOTICE_GRACE_MS (a message too large gets only a NOTICE); an event
// larger than the node's message limit (NIP-11) before it is sent; and
// each dropped connection while it was out (onDrop, so the page can give
// up after a few).  With heartbeatMs set, an idle open socket is asked a
// cheap REQ every heartbeatMs; no answer within HEARTBEAT_TIMEOUT_MS and
// it is closed and reconnected, so "open" means the node answers.  The
// WebSocket class and the timers are passed in, so the unit tests drive
// it with a fake; nothing here touches the DOM.

import { utf8Length } from './text.js';

export const BACKOFF_MIN_MS = 1000;
export const BACKOFF_MAX_MS = 30000;
export const NOTICE_GRACE_MS = 2000;
export const HEARTBEAT_TIMEOUT_MS = 8000;
const HB = '_hb';
const HB_FILTER = { ids: ['0'.repeat(64)], limit: 1 };

// Delay before reconnect attempt n (0-based), jitter in [0,1).
export function backoffDelay(n, jitter) {
	const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(n,
	    16));
	return Math.round(base * (0.5 + jitter / 2));
}

export class RelayClient {
	// url: ws:// or wss:// address.  opts: WebSocket (class), onState
	// (called with 'connecting' | 'open' | 'waiting', and the delay in ms
	// when waiting), onNotice (text), onDrop (event id: the connection
	// dropped while it was out), heartbeatMs (0: none), setTimeout,
	// clearTimeout, random.
	constructor(url, opts = {}) {
		this.url = url;
		this.WS = opts.WebSocket ?? globalThis.WebSocket;
		this.onState = opts.onState ?? (() => {});
		this.onNotice = opts.onNotice ?? (() => {});
		this.onDrop = opts.onDrop ?? (() => {});
		this.heartbeatMs = opts.heartbeatMs ?? 0;
		this.maxMessage = 0;	// bytes, from NIP-11; 0 unknown
		this.counts = new Map();
		this.countSeq = 0;
		this.hbTimer = null;
		this.hbWait = null;
		this.setTimeout = opts.setTimeout ?? globalThis.setTimeout.bind(
		    globalThis);
		this.clearTimeout = opts.clearTimeout ??
		    globalThis.clearTimeout.bind(globalThis);
		this.random = opts.random ?? Math.random;
		this.subs = new Map();
		this.wires = new Map();	// the id on the wire -> the caller's id
		this.subGen = 0;
		this.pending = new Map();
		this.ws = null;
		this.state = 'closed';
		this.attempt = 0;
		this.timer = null;
		this.stopped = false;
	}

	connect() {
		if (this.stopped || this.ws !== null)
			return;
		if (this.timer !== null) {
			this.clearTimeout(this.timer);
			this.timer = null;
		}
		this.setState('connecting');
		let ws;
		try {
			ws = new this.WS(this.url);
		} catch {
			this.retry();
			return;
		}
		this.ws = ws;
		ws.onopen = () => {
			if (this.ws !== ws)
				return;
			this.attempt = 0;
			this.setState('open');
			for (const s of this.subs.values())
				this.send(['REQ', s.wire, ...s.filters]);
			for (const p of this.pending.values())
				this.sendEvent(p);
			for (const [id, c] of this.counts)
				this.send(['COUNT', id, ...c.filters]);
			this.beat();
		};
		ws.onmessage = (m) => {
			if (this.ws !== ws)
				return;
			this.beat();
			this.receive(m.data);
		};
		ws.onclose = () => {
			if (this.ws !== ws)
				return;
			this.dropped();
			this.retry();
		};
		ws.onerror = () => {
			/* onclose follows */
		};
	}

	// Connect now if waiting for a retry (the phone came back online).
	kick() {
		if (this.ws === null && !this.stopped) {
			this.attempt = 0;
			this.connect();
		}
	}

	// The socket is gone (closed, or silent past the heartbeat): events
	// that were out are told, and go again on the next connection.
	dropped() {
		this.ws = null;
		this.stopBeat();
		for (const p of this.pending.values()) {
			if (!p.out)
				continue;
			p.out = false;
			this.clearTimeout(p.noticeTimer);
			p.noticeTimer = null;
			this.onDrop(p.event.id);
		}
	}

	// Heartbeat: any message from the node counts as a sign of life; when
	// none came for heartbeatMs, ask, and give up on the socket if that
	// gets no answer either.
	beat() {
		if (!this.heartbeatMs)
			return;
		this.stopBeat();
		this.hbTimer = this.setTimeout(() => {
			this.hbTimer = null;
			if (!this.send(['REQ', HB, HB_FILTER]))
				return;
			this.hbWait = this.setTimeout(() => {
				this.hbWait = null;
				const ws = this.ws;
				if (ws === null)
					return;
				this.dropped();
				try {
					ws.close();
				} catch {
					/* gone already */
				}
				this.retry();
			}, HEARTBEAT_TIMEOUT_MS);
		}, this.heartbeatMs);
	}

	stopBeat() {
		if (this.hbTimer !== null)
			this.clearTimeout(this.hbTimer);
		if (this.hbWait !== null)
			this.clearTimeout(this.hbWait);
		this.hbTimer = this.hbWait = null;
	}

	close() {
		this.stopped = true;
		this.stopBeat();
		if (this.timer !== null)
			this.clearTimeout(this.timer);
		this.timer = null;
		if (this.ws !== null) {
			const ws = this.ws;
			this.ws = null;
			try {
				ws.close();
			} catch {
				/* closed already */
			}
		}
		this.setState('closed');
	}

	retry() {
		if (this.stopped)
			return;
		const ms = backoffDelay(this.attempt++, this.random());
		this.setState('waiting', ms);
		this.timer = this.setTimeout(() => {
			this.timer = null;
			this.connect();
		}, ms);
	}

	setState(s, ms) {
		this.state = s;
		this.onState(s, ms);
	}

	send(msg) {
		if (this.ws === null || this.state !== 'open')
			return false;
		try {
			this.ws.send(JSON.stringify(msg));
			return true;
		} catch {
			return false;
		}
	}

	// handlers: onEvent(ev), onEose(), onClosed(reason).  Replaces a
	// subscription with the same id.  Each subscription goes out under an
	// id of its own on the wire (id:n), so when one id is asked again --
	// replaced, or closed and asked anew (the feed under a new filter,
	// each older page) -- what the node still sends for the old one (the
	// events and EOSE on their way before it read the CLOSE) is not taken
	// for the new one's.
	subscribe(id, filters, handlers) {
		const old = this.subs.get(id);
		const wire = `${id}:${++this.subGen}`;
		if (old)
			this.drop(id, old);
		this.subs.set(id, { filters, wire, ...handlers });
		this.wires.set(wire, id);
		this.send(['REQ', wire, ...filters]);
	}

	unsubscribe(id) {
		const s = this.subs.get(id);
		if (s)
			this.drop(id, s);
	}

	drop(id, s) {
		this.subs.delete(id);
		this.wires.delete(s.wire);
		this.send(['CLOSE', s.wire]);
	}

	// The subscription a message from the node names, or undefined.
	sub(wire) {
		const id = this.wires.get(wire);
		return id === undefined ? undefined : this.subs.get(id);
	}

	// Sends a signed event until the relay answers; done(ok, reason) is
	// called once with the answer (OK, or a NOTICE while it was out, or
	// a local "invalid: message is larger..." when it cannot fit the
	// node's limit).  Returns true if it went out now.
	publish(event, done) {
		const size = utf8Length(JSON.stringify(['EVENT', event]));
		if (this.maxMessage > 0 && size > this.maxMessage) {
			done(false, 'invalid: message is larger than the size limit: ' +
			    `${size} bytes, at most ${this.maxMessage}`);
			return false;
		}
		const old = this.pending.get(event.id);
		if (old)
			this.clearTimeout(old.noticeTimer);
		const p = { event, done, out: false, noticeTimer: null };
		this.pending.set(event.id, p);
		return this.sendEvent(p);
	}

	sendEvent(p) {
		p.out = this.send(['EVENT', p.event]);
		return p.out;
	}

	// Stops waiting for an event's answer (the page gave up on it).
	forget(id) {
		const p = this.pending.get(id);
		if (p) {
			this.clearTimeout(p.noticeTimer);
			this.pending.delete(id);
		}
	}

	// NIP-45: done(n) with the count for filters, or done(null) if the
	// node refuses (CLOSED) or does not know COUNT.  Asked again after a
	// reconnect until answered.
	count(filters, done) {
		const id = 'c' + (++this.countSeq);
		this.counts.set(id, { filters, done });
		this.send(['COUNT', id, ...filters]);
		return id;
	}

	// One-shot REQ: done(events) at EOSE (or CLOSED), then CLOSE.
	fetch(id, filters, done) {
		const got = [];
		this.subscribe(id, filters, {
			onEvent: (ev) => got.push(ev),
			onEose: () => {
				this.unsubscribe(id);
				done(got);
			},
			onClosed: () => done(got),
		});
	}

	receive(data) {
		let m;
		try {
			m = JSON.parse(data);
		} catch {
			return;
		}
		if (!Array.isArray(m) || typeof m[0] !== 'string')
			return;
		switch (m[0]) {
		case 'EVENT': {
			const s = this.sub(m[1]);
			if (s && s.onEvent)
				s.onEvent(m[2]);
			break;
		}
		case 'EOSE': {
			if (m[1] === HB) {
				this.send(['CLOSE', HB]);
				break;
			}
			const s = this.sub(m[1]);
			if (s && s.onEose)
				s.onEose();
			break;
		}
		case 'COUNT': {
			const c = this.counts.get(m[1]);
			if (c) {
				this.counts.delete(m[1]);
				const n = m[2] && Number.isSafeInteger(m[2].count) ?
				    m[2].count : null;
				c.done(n);
			}
			break;
		}
		case 'CLOSED': {
			const c = this.counts.get(m[1]);
			if (c) {
				this.counts.delete(m[1]);
				c.done(null);
				break;
			}
			const s = this.sub(m[1]);
			if (s) {
				this.subs.delete(this.wires.get(m[1]));
				this.wires.delete(m[1]);
				if (s.onClosed)
					s.onClosed(String(m[2] ?? ''));
			}
			break;
		}
		case 'OK': {
			const p = this.pending.get(m[1]);
			if (p) {
				this.clearTimeout(p.noticeTimer);
				this.pending.delete(m[1]);
				p.done(m[2] === true, String(m[3] ?? ''));
			}
			break;
		}
		case 'NOTICE': {
			const text = String(m[1] ?? '');
			this.onNotice(text);
			// The node answers an event it could not read with a NOTICE
			// alone: whatever is out and gets no OK soon was refused.
			for (const p of this.pending.values()) {
				if (!p.out || p.noticeTimer !== null)
					continue;
				p.noticeTimer = this.setTimeout(() => {
					p.noticeTimer = null;
					if (this.pending.get(p.event.id) !== p)
						return;
					this.pending.delete(p.event.id);
					p.done(false, text);
				}, NOTICE_GRACE_MS);
			}
			break;
		}
		default:
			/* AUTH (NIP-42) and anything newer: not for this page */
			break;
		}
	}
}
