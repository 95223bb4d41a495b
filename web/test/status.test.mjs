// status.test.mjs: /api/status answers summarised for the status line,
// and the page's own bits: QR matrix size.
import assert from 'node:assert/strict';
import test from 'node:test';

import { qrPath } from '../src/qr.js';
import { statusPath, summarizeStatus } from '../src/status.js';

const ID = 'a'.repeat(64);

test('status summary counts distinct peers holding it and relay answers', () => {
	const s = summarizeStatus({ id: ID, stored: true, peers: [
	    { name: 'npub1x', how: 'received' }, { name: 'npub1y', how:
	    'accepted' }, { name: 'npub1x', how: 'accepted' },
	    { name: 'npub1z', how: 'refused' }, { name: 'npub1w', how: 'sent' }],
	    relays: [
	    { url: 'wss://r1', ok: true, reason: '' },
	    { url: 'wss://r2', ok: false, reason: 'blocked: no' },
	    { url: 'wss://r3' }] }, ID);
	assert.deepEqual(s, { stored: true, peers: 3, relaysOk: 1,
	    relaysRefused: 1, reasons: ['blocked: no'] });
});

test('status: wrong id, junk, missing arrays', () => {
	assert.equal(summarizeStatus({ id: 'b' }, ID), null);
	assert.equal(summarizeStatus(null, ID), null);
	assert.equal(summarizeStatus('x', ID), null);
	assert.deepEqual(summarizeStatus({ id: ID, peers: 'x', relays: [null] },
	    ID), { stored: false, peers: 0, relaysOk: 0, relaysRefused: 0,
	    reasons: [] });
	assert.equal(statusPath(ID), '/api/status/' + ID);
});

test('QR of an npub: a version 5 symbol (37 modules) with a quiet zone', () => {
	const npub = 'npub1' + 'q'.repeat(58);
	const { size, d } = qrPath(npub);
	assert.equal(size, 37 + 8);
	assert.match(d, /^(M\d+ \d+h1v1h-1z)+$/);
});
