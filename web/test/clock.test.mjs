// clock.test.mjs: dating reports when the phone's clock is off.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CLOCK_TRUST_S, clockNotice, clockOffset, postTime } from
    '../src/clock.js';

test('the offset is the node minus the phone, in seconds', () => {
	assert.equal(clockOffset(1767225600, 1767225600000), 0);
	assert.equal(clockOffset(1767225600, 1767222000000), 3600);
	assert.equal(clockOffset(1767225600, 1767229200400), -3600);
	assert.equal(clockOffset(undefined, 1), 0);
	assert.equal(clockOffset('1767225600', 1), 0);
	assert.equal(clockOffset(-5, 1), 0);
});

test('the phone dates reports unless it is far off', () => {
	const ms = 1767225600000;
	assert.equal(postTime(ms, 0), 1767225600);
	assert.equal(postTime(ms, CLOCK_TRUST_S), 1767225600);
	assert.equal(postTime(ms, CLOCK_TRUST_S + 1), 1767225600 +
	    CLOCK_TRUST_S + 1);
	assert.equal(postTime(ms, -2 * 86400), 1767225600 - 2 * 86400);
});

test('what the page says about the clock', () => {
	assert.equal(clockNotice(0), null);
	assert.equal(clockNotice(-CLOCK_TRUST_S), null);
	assert.deepEqual(clockNotice(900), { key: 'clock_off_min', n: 15 });
	assert.deepEqual(clockNotice(-5400), { key: 'clock_off_min', n: 90 });
	assert.deepEqual(clockNotice(2 * 86400), { key: 'clock_off_h', n: 48 });
});
