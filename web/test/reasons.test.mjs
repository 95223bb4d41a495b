// reasons.test.mjs: relay refusal reasons to plain-words keys, with each
// key present in the i18n table.
import assert from 'node:assert/strict';
import test from 'node:test';

import { STRINGS } from '../src/i18n.js';
import { REASON_KEYS, explainReason } from '../src/reasons.js';

test('NIP-01 prefixes map to their sentences', () => {
	const cases = {
		'invalid: content is longer than the limit': 'reason_invalid',
		'duplicate: already have this event': 'reason_duplicate',
		'blocked: you are banned': 'reason_blocked',
		'rate-limited: slow down': 'reason_rate_limited',
		'pow: difficulty 26 is less than 30': 'reason_pow',
		'restricted: not allowed to write': 'reason_restricted',
		'error: could not connect to the database': 'reason_error',
		'auth-required: log in': 'reason_auth_required',
		'unsupported: search terms could not be used': 'reason_unsupported',
	};
	for (const [reason, key] of Object.entries(cases))
		assert.equal(explainReason(reason).key, key, reason);
});

test('prefix and detail are split; unknown and empty reasons', () => {
	assert.deepEqual(explainReason('blocked: spam'), { key: 'reason_blocked',
	    prefix: 'blocked', detail: 'spam' });
	assert.deepEqual(explainReason('something odd'), { key: 'reason_unknown',
	    prefix: '', detail: 'something odd' });
	assert.equal(explainReason('').key, 'reason_unknown');
	assert.equal(explainReason(undefined).key, 'reason_unknown');
	assert.equal(explainReason('toString: x').key, 'reason_unknown');
	assert.equal(explainReason('Invalid: x').key, 'reason_unknown');
});

test('every reason key has a sentence in every language', () => {
	for (const lang of Object.keys(STRINGS))
		for (const k of REASON_KEYS)
			assert.equal(typeof STRINGS[lang][k], 'string', `${lang} ${k}`);
});
