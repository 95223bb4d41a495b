// witness.test.mjs: witness/marks.js, the labels the page signs and reads
// (docs/formats.md), the node's answer checked, the words of a card, the
// short and long codes and what a scanned QR code may hold.
import assert from 'node:assert/strict';
import test from 'node:test';

import '../../test/webcrypto.mjs';	// before nostr-tools, for Node 18
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import { npubEncode } from 'nostr-tools/nip19';

import { NS, countedParts, currentVouches, longCode, markTemplate,
    normalizeCode, readEntry, readLabel, readState, scannedKey, shortCode,
    summaryParts, vouchTemplate } from '../src/witness/marks.js';

const A = 'a'.repeat(64), B = 'b'.repeat(64);
const report = { id: 'c'.repeat(64), pubkey: A, kind: 1 };

function signed(tpl, sk = generateSecretKey()) {
	return finalizeEvent(tpl, sk);
}

test('a mark is a NIP-32 label on the report, read back', () => {
	const m = markTemplate(report, 'confirm', 'saw it', 1800000000);
	assert.equal(m.kind, 1985);
	assert.deepEqual(m.tags.slice(0, 4), [['L', NS], ['l', 'confirm', NS],
	    ['e', report.id], ['p', A]]);
	assert.equal(m.content, 'saw it');
	const ev = signed(m);
	assert.deepEqual(readLabel(ev), { label: 'confirm', target: report.id,
	    author: A });
	assert.throws(() => markTemplate(report, 'vouch', '', 1));
});

test('a vouch names one key and no report; nobody vouches for itself', () => {
	const sk = generateSecretKey();
	const ev = signed(vouchTemplate(B, 'vouch', 'met at the square', 5), sk);
	assert.deepEqual(readLabel(ev), { label: 'vouch', target: B });
	assert.equal(ev.tags.some((t) => t[0] === 'e'), false);
	const self = signed(vouchTemplate(getPublicKey(sk), 'vouch', '', 5), sk);
	assert.equal(readLabel(self), null);
	assert.throws(() => vouchTemplate('zz', 'vouch', '', 5));
	assert.throws(() => vouchTemplate(B, 'confirm', '', 5));
});

test('labels not ours, or malformed, are none', () => {
	const base = { kind: 1985, pubkey: B, created_at: 1, content: '' };
	assert.equal(readLabel({ ...base, tags: [['L', 'ugc'], ['l', 'confirm',
	    'ugc'], ['e', report.id], ['p', A]] }), null);
	// No L tag; two l tags; a mark without its p; its own report.
	assert.equal(readLabel({ ...base, tags: [['l', 'confirm', NS],
	    ['e', report.id], ['p', A]] }), null);
	assert.equal(readLabel({ ...base, tags: [['L', NS], ['l', 'confirm', NS],
	    ['l', 'dispute', NS], ['e', report.id], ['p', A]] }), null);
	assert.equal(readLabel({ ...base, tags: [['L', NS], ['l', 'confirm', NS],
	    ['e', report.id]] }), null);
	assert.equal(readLabel({ ...base, pubkey: A, tags: [['L', NS],
	    ['l', 'confirm', NS], ['e', report.id], ['p', A]] }), null);
	assert.equal(readLabel({ ...base, kind: 7, tags: [['L', NS],
	    ['l', 'confirm', NS], ['e', report.id], ['p', A]] }), null);
});

test('one\'s vouches now: the newest label per key, revoked ones gone', () => {
	const sk = generateSecretKey(), me = getPublicKey(sk);
	const C = 'd'.repeat(64);
	const evs = [signed(vouchTemplate(B, 'vouch', '', 10), sk),
	    signed(vouchTemplate(B, 'revoke', '', 20), sk),
	    signed(vouchTemplate(C, 'revoke', '', 10), sk),
	    signed(vouchTemplate(C, 'vouch', '', 30), sk),
	    signed(vouchTemplate(A, 'vouch', '', 40))];	// someone else's
	const cur = currentVouches(evs.reverse(), me);
	assert.deepEqual([...cur.keys()], [C]);
	assert.equal(cur.get(C).created_at, 30);
});

test('the node\'s answer is checked, with safe defaults', () => {
	assert.equal(readState(null), null);
	assert.equal(readState({ id: 'nothex' }), null);
	const st = readState({ id: report.id, state: 'pwned', confirm: { keys: 3,
	    own: -1, hop1: 2, fresh: 1, fresh_hour: 1, weight: 'x' },
	    mine: 'vouch' });
	assert.equal(st.state, 'unverified');
	assert.equal(st.confirm.own, 0);
	assert.equal(st.confirm.weight, 0);
	assert.equal(st.mine, null);
	assert.equal(st.dispute.keys, 0);
	assert.equal(readEntry({ pubkey: A, label: 'vouch' }), null);
	const e = readEntry({ pubkey: A, label: 'dispute', comment: 5,
	    first_via: { kind: 'dir', name: 'stick' }, counted: 'yes' });
	assert.equal(e.comment, '');
	assert.equal(e.counted, false);
	assert.deepEqual(e.firstVia, { kind: 'dir', name: 'stick' });
});

test('a card says the counts; what was counted is said plainly', () => {
	const st = readState({ id: report.id, state: 'contested',
	    confirm: { keys: 3, hop1: 1, hop2: 1, fresh: 1, fresh_hour: 1 },
	    dispute: { keys: 1, own: 1 } });
	assert.deepEqual(summaryParts(st), [
	    { key: 'w_confirmed', vars: { n: 3 } },
	    { key: 'w_of_them_vouched', vars: { n: 2 } },
	    { key: 'w_disputed', vars: { n: 1 } },
	    { key: 'w_all_vouched', vars: { n: 1 } }]);
	const puppets = readState({ id: report.id, confirm: { keys: 24,
	    fresh: 20, fresh_hour: 20, history: 4 } });
	assert.deepEqual(countedParts(puppets), [
	    { key: 'w_c_fresh_hour', vars: { n: 20 } },
	    { key: 'w_c_history', vars: { n: 4 } }]);
	assert.deepEqual(summaryParts(readState({ id: report.id })), []);
});

test('codes: the npub\'s characters after npub1, typed back loosely', () => {
	const pk = '3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d';
	const n = npubEncode(pk);
	assert.equal(shortCode(n), '80cv v07t');
	assert.equal(longCode(n), '80cv v07t jdrr gpa0');
	assert.equal(normalizeCode(' 80CV-v07t '), '80cvv07t');
	assert.equal(normalizeCode('80cv v07'), null);
	assert.equal(normalizeCode('80cv v07b'), null);	// b is not bech32
	assert.deepEqual(scannedKey('nostr:' + n.toUpperCase()), { npub: n });
	assert.deepEqual(scannedKey(' ' + n + '\n'), { npub: n });
	assert.deepEqual(scannedKey(pk.toUpperCase()), { hex: pk });
	assert.equal(scannedKey('https://example.org/' + n), null);
	assert.equal(scannedKey(n.slice(0, -1)), null);
});
