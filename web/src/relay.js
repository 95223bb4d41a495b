// relay.js: one WebSocket to this node's relay, kept open.  NIP-01
// client side: REQ/CLOSE for subscriptions, EVENT out with its OK back,
// EVENT/EOSE/CLOSED/NOTICE in.  The relay may send ["AUTH", challenge]
// (NIP-42); the page does not authenticate, so it is ignored.  When the
// socket drops, it reconnects with exponential backoff and jitter (1 s up
// to 30 s), then sends the open subscriptions again and every event that
// has no OK yet.  The WebSocket class and the timers are passed in, so the
// unit tests drive it with a fake; nothing here touches the DOM.

export const BACKOFF_MIN_MS = 1000;
export const BACKOFF_MAX_MS = 30000;

// Delay before reconnect attempt n (0-based), jitter in [0,1).
export function backoffDelay(n, jitter) {
	const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.min(n,
	    16));
	return Math.round(base * (0.5 + jitter / 2));
}

export class RelayClient {
	// url: ws:// or wss:// address.  opts: WebSocket (class), onState
	// (called with 'connecting' | 'open' | 'waiting', and the delay in ms
	// when waiting), onNotice (text), setTimeout, clearTimeout, random.
	constructor(url, opts = {}) {
		this.url = url;
		this.WS = opts.WebSocket ?? globalThis.WebSocket;
		this.onState = opts.onState ?? (() => {});
		this.onNotice = opts.onNotice ?? (() => {});
		this.setTimeout = opts.setTimeout ?? globalThis.setTimeout.bind(
		    globalThis);
		this.clearTimeout = opts.clearTimeout ??
		    globalThis.clearTimeout.bind(globalThis);
		this.random = opts.random ?? Math.random;
		this.subs = new Map();
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
			for (const [id, s] of this.subs)
				this.send(['REQ', id, ...s.filters]);
			for (const p of this.pending.values())
				this.send(['EVENT', p.event]);
		};
		ws.onmessage = (m) => {
			if (this.ws === ws)
				this.receive(m.data);
		};
		ws.onclose = () => {
			if (this.ws !== ws)
				return;
			this.ws = null;
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

	close() {
		this.stopped = true;
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
	// subscription with the same id.
	subscribe(id, filters, handlers) {
		this.subs.set(id, { filters, ...handlers });
		this.send(['REQ', id, ...filters]);
	}

	unsubscribe(id) {
		if (this.subs.delete(id))
			this.send(['CLOSE', id]);
	}

	// Sends a signed event until the relay answers OK; done(ok, reason)
	// is called once with the answer.  Returns true if it went out now.
	publish(event, done) {
		this.pending.set(event.id, { event, done });
		return this.send(['EVENT', event]);
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
			const s = this.subs.get(m[1]);
			if (s && s.onEvent)
				s.onEvent(m[2]);
			break;
		}
		case 'EOSE': {
			const s = this.subs.get(m[1]);
			if (s && s.onEose)
				s.onEose();
			break;
		}
		case 'CLOSED': {
			const s = this.subs.get(m[1]);
			if (s) {
				this.subs.delete(m[1]);
				if (s.onClosed)
					s.onClosed(String(m[2] ?? ''));
			}
			break;
		}
		case 'OK': {
			const p = this.pending.get(m[1]);
			if (p) {
				this.pending.delete(m[1]);
				p.done(m[2] === true, String(m[3] ?? ''));
			}
			break;
		}
		case 'NOTICE':
			this.onNotice(String(m[1] ?? ''));
			break;
		default:
			/* AUTH (NIP-42) and anything newer: not for this page */
			break;
		}
	}
}
