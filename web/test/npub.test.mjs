// npub.test.mjs: the page's own npub encoder agrees with nostr-tools.
import assert from 'node:assert/strict';
import test from 'node:test';

import { npubEncode } from 'nostr-tools/nip19';

import { npubOf, shortNpub } from '../src/npub.js';

test('npub as NIP-19 has it', () => {
	const keys = ['0'.repeat(64), 'f'.repeat(64),
	    '7e7e9c42a91bfef19fa929e5fda1b72e0ebc1a4c1141673e2794234d86addf4e',
	    '3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d'];
	for (const k of keys)
		assert.equal(npubOf(k), npubEncode(k), k);
	assert.equal(npubOf(keys[3]),
	    'npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6');
	assert.equal(shortNpub(keys[3]), 'npub180cv…h6w6');
});
