// relay.test.mjs: the WebSocket client against a fake socket: REQ/CLOSE,
// OK for a published event, AUTH ignored, reconnect with backoff that
// re-sends subscriptions and unanswered events.
import assert from 'node:assert/strict';
import test from 'node:test';

import { BACKOFF_MAX_MS, RelayClient, backoffDelay } from '../src/relay.js';

class FakeWS {
	static all = [];
	constructor(url) {
		this.url = url;
		this.sent = [];
		FakeWS.all.push(this);
	}
	send(s) {
		this.sent.push(JSON.parse(s));
	}
	close() {
		this.onclose?.();
	}
	open() {
		this.onopen();
	}
	recv(m) {
		this.onmessage({ data: typeof m === 'string' ? m :
		    JSON.stringify(m) });
	}
}

function client() {
	FakeWS.all = [];
	const timers = [];
	const states = [];
	const c = new RelayClient('ws://node/', {
		WebSocket: FakeWS,
		setTimeout: (f, ms) => {
			timers.push({ f, ms });
			return timers.length;
		},
		clearTimeout: () => {},
		random: () => 0.5,
		onState: (s, ms) => states.push(ms === undefined ? s :
		    `${s} ${ms}`),
	});
	return { c, timers, states };
}

test('backoff doubles up to the cap, with jitter', () => {
	assert.equal(backoffDelay(0, 0), 500);
	assert.equal(backoffDelay(0, 0.999), 1000);
	assert.equal(backoffDelay(3, 1), 8000);
	assert.equal(backoffDelay(50, 1), BACKOFF_MAX_MS);
});

test('subscribe, events, EOSE, CLOSE; AUTH and junk ignored', () => {
	const { c } = client();
	const got = [];
	c.connect();
	c.subscribe('feed', [{ kinds: [1] }], {
		onEvent: (e) => got.push(e.id),
		onEose: () => got.push('eose'),
	});
	const ws = FakeWS.all[0];
	assert.deepEqual(ws.sent, []);	// not open yet
	ws.open();
	assert.equal(ws.sent.length, 1);
	const [verb, wire, f] = ws.sent[0];
	assert.equal(verb, 'REQ');
	assert.match(wire, /^feed:\d+$/);
	assert.deepEqual(f, { kinds: [1] });
	ws.recv(['AUTH', 'challenge']);
	ws.recv('not json');
	ws.recv({ not: 'an array' });
	ws.recv(['EVENT', wire, { id: 'x' }]);
	ws.recv(['EVENT', 'other', { id: 'y' }]);
	ws.recv(['EVENT', 'feed', { id: 'z' }]);
	ws.recv(['EOSE', wire]);
	assert.deepEqual(got, ['x', 'eose']);
	c.unsubscribe('feed');
	assert.deepEqual(ws.sent.at(-1), ['CLOSE', wire]);
	assert.equal(ws.sent.filter((m) => m[0] === 'AUTH').length, 0);
});

test('a replaced subscription: what the node still sends for the old one ' +
    'is not taken for the new one', () => {
	const { c } = client();
	const got = [];
	c.connect();
	const ws = FakeWS.all[0];
	ws.open();
	c.subscribe('feed', [{ kinds: [1] }], {
		onEvent: (e) => got.push('old ' + e.id),
	});
	const first = ws.sent.at(-1)[1];
	c.subscribe('feed', [{ kinds: [1], '#t': ['seed'] }], {
		onEvent: (e) => got.push('new ' + e.id),
		onEose: () => got.push('eose'),
	});
	const req = ws.sent.at(-1);
	assert.equal(req[0], 'REQ');
	assert.notEqual(req[1], first);
	assert.deepEqual(ws.sent.at(-2), ['CLOSE', first]);
	ws.recv(['EVENT', first, { id: 'late' }]);	// the old one's, in flight
	ws.recv(['EOSE', first]);
	ws.recv(['EVENT', req[1], { id: 'x' }]);
	ws.recv(['EOSE', req[1]]);
	assert.deepEqual(got, ['new x', 'eose']);
	c.unsubscribe('feed');
	assert.deepEqual(ws.sent.at(-1), ['CLOSE', req[1]]);
	FakeWS.all[0].close();
});

test('closed, then asked again under the same id (the feed under a new ' +
    'filter, the next older page): the old answer\'s tail is not the new ' +
    'one\'s', () => {
	const { c } = client();
	const got = [];
	c.connect();
	const ws = FakeWS.all[0];
	ws.open();
	c.subscribe('feed', [{ kinds: [1] }], {});
	const first = ws.sent.at(-1)[1];
	c.unsubscribe('feed');
	assert.deepEqual(ws.sent.at(-1), ['CLOSE', first]);
	c.fetch('feed', [{ kinds: [1], '#t': ['seed'] }], (evs) =>
	    got.push(evs.map((e) => e.id)));
	const again = ws.sent.at(-1)[1];
	assert.notEqual(again, first);
	// Sent before the node read the CLOSE: not the new page's.
	ws.recv(['EVENT', first, { id: 'late' }]);
	ws.recv(['EOSE', first]);
	assert.deepEqual(got, []);
	ws.recv(['EVENT', again, { id: 'x' }]);
	ws.recv(['EOSE', again]);
	assert.deepEqual(got, [['x']]);
	assert.deepEqual(ws.sent.at(-1), ['CLOSE', again]);
});

test('publish gets its OK; CLOSED ends a subscription', () => {
	const { c } = client();
	c.connect();
	const ws = FakeWS.all[0];
	ws.open();
	const answers = [];
	c.publish({ id: 'e1' }, (ok, r) => answers.push([ok, r]));
	c.publish({ id: 'e2' }, (ok, r) => answers.push([ok, r]));
	ws.recv(['OK', 'e2', false, 'invalid: too long']);
	ws.recv(['OK', 'e1', true, '']);
	ws.recv(['OK', 'e1', true, '']);	// answered once only
	assert.deepEqual(answers, [[false, 'invalid: too long'], [true, '']]);
	let closed = null;
	c.subscribe('s', [{}], { onClosed: (r) => { closed = r; } });
	ws.recv(['CLOSED', ws.sent.at(-1)[1], 'error: shutting down']);
	assert.equal(closed, 'error: shutting down');
	assert.ok(!c.subs.has('s'));
});

test('reconnect re-sends subscriptions and unanswered events', () => {
	const { c, timers, states } = client();
	c.connect();
	FakeWS.all[0].open();
	c.subscribe('feed', [{ kinds: [1] }], {});
	const wire = FakeWS.all[0].sent.at(-1)[1];
	c.publish({ id: 'e1' }, () => {});
	FakeWS.all[0].close();	// dropped before the OK
	assert.equal(timers.length, 1);
	assert.equal(timers[0].ms, 750);
	timers[0].f();
	const ws = FakeWS.all[1];
	assert.ok(ws);
	ws.close();	// a failed attempt: the delay grows
	assert.equal(timers[1].ms, 1500);
	timers[1].f();
	const ws3 = FakeWS.all[2];
	ws3.open();
	assert.deepEqual(ws3.sent, [['REQ', wire, { kinds: [1] }],
	    ['EVENT', { id: 'e1' }]]);
	assert.deepEqual(states, ['connecting', 'open', 'waiting 750',
	    'connecting', 'waiting 1500', 'connecting', 'open']);
	ws3.close();	// after a good connection it starts again from 1 s
	assert.equal(timers[2].ms, 750);
	c.close();
	assert.equal(c.state, 'closed');
});

test('a NOTICE with no OK refuses what was out; too large never leaves',
    () => {
	const { c, timers } = client();
	c.connect();
	FakeWS.all[0].open();
	const answers = [];
	c.publish({ id: 'e1' }, (ok, r) => answers.push([ok, r]));
	FakeWS.all[0].recv(['NOTICE', 'invalid: message is larger than the ' +
	    'size limit: at most 131072 bytes']);
	timers.at(-1).f();
	assert.deepEqual(answers, [[false, 'invalid: message is larger than ' +
	    'the size limit: at most 131072 bytes']]);
	// Not sent again on a reconnect.
	FakeWS.all[0].close();
	c.kick();
	FakeWS.all[1].open();
	assert.equal(FakeWS.all[1].sent.filter((m) => m[0] === 'EVENT').length,
	    0);
	c.maxMessage = 100;
	c.publish({ id: 'e2', content: 'x'.repeat(200) }, (ok, r) =>
	    answers.push([ok, r]));
	assert.equal(answers[1][0], false);
	assert.match(answers[1][1], /^invalid: message is larger/);
	assert.equal(FakeWS.all[1].sent.filter((m) => m[0] === 'EVENT').length,
	    0);
});

test('a dropped connection while an event is out is reported', () => {
	const drops = [];
	FakeWS.all = [];
	const c = new RelayClient('ws://node/', { WebSocket: FakeWS,
	    setTimeout: () => 1, clearTimeout: () => {}, random: () => 0.5,
	    onDrop: (id) => drops.push(id) });
	c.connect();
	FakeWS.all[0].open();
	c.publish({ id: 'e3' }, () => {});
	FakeWS.all[0].close();
	assert.deepEqual(drops, ['e3']);
});

test('heartbeat: silence closes the socket and reconnects', () => {
	FakeWS.all = [];
	const timers = [];
	const states = [];
	const c = new RelayClient('ws://node/', { WebSocket: FakeWS,
	    heartbeatMs: 20000, random: () => 0.5,
	    setTimeout: (f, ms) => {
		timers.push({ f, ms, live: true });
		return timers.length;
	    },
	    clearTimeout: (i) => {
		if (timers[i - 1])
			timers[i - 1].live = false;
	    },
	    onState: (s) => states.push(s) });
	c.connect();
	const ws = FakeWS.all[0];
	ws.open();
	const live = () => timers.filter((t) => t.live);
	// Idle: it asks.
	const hb = live().find((t) => t.ms === 20000);
	hb.live = false;
	hb.f();
	assert.deepEqual(ws.sent.at(-1)[0], 'REQ');
	assert.equal(ws.sent.at(-1)[1], '_hb');
	// An answer keeps it open.
	ws.recv(['EOSE', '_hb']);
	assert.deepEqual(ws.sent.at(-1), ['CLOSE', '_hb']);
	assert.equal(c.state, 'open');
	// Silence: closed, waiting to reconnect.
	const hb2 = live().find((t) => t.ms === 20000);
	hb2.live = false;
	hb2.f();
	const wait = live().find((t) => t.ms === 8000);
	wait.live = false;
	wait.f();
	assert.equal(c.state, 'waiting');
	assert.equal(c.ws, null);
});

test('COUNT answers, and CLOSED for a COUNT gives null', () => {
	const { c } = client();
	c.connect();
	FakeWS.all[0].open();
	const got = [];
	const id = c.count([{ kinds: [1] }], (n) => got.push(n));
	assert.deepEqual(FakeWS.all[0].sent.at(-1), ['COUNT', id, { kinds: [1] }]);
	FakeWS.all[0].recv(['COUNT', id, { count: 5000 }]);
	const id2 = c.count([{ kinds: [1] }], (n) => got.push(n));
	FakeWS.all[0].recv(['CLOSED', id2, 'unsupported: no']);
	assert.deepEqual(got, [5000, null]);
});
