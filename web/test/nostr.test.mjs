// nostr.test.mjs: report and reply templates, NIP-10 threads, the REQ
// filters, the event shape check and newest-first ordering.
import assert from 'node:assert/strict';
import test from 'node:test';

import { FEED_PAGE, countsFilters, deletionTemplate, feedFilter, isAhead,
    isEventShape, matchFilter, newestFirstIndex, profileName,
    profileTemplate, reactionTarget, reactionTemplate, replyTemplate,
    reportTemplate, sortTime, tally, threadOf, viewFilters }
    from '../src/nostr.js';

const A = 'a'.repeat(64), B = 'b'.repeat(64), C = 'c'.repeat(64);
const P1 = '1'.repeat(64), P2 = '2'.repeat(64);
const D = 'd'.repeat(64), E = 'e'.repeat(64);

test('report: t tags from hashtags, g tags for every prefix', () => {
	const ev = reportTemplate('Bridge closed #Roads #roads #Алматы',
	    'u4pru', 1700000000);
	assert.deepEqual(ev, {
		kind: 1, created_at: 1700000000,
		content: 'Bridge closed #Roads #roads #Алматы',
		tags: [['t', 'roads'], ['t', 'алматы'], ['g', 'u'], ['g', 'u4'],
		    ['g', 'u4p'], ['g', 'u4pr'], ['g', 'u4pru']],
	});
	assert.deepEqual(reportTemplate('plain', '', 5).tags, []);
	assert.throws(() => reportTemplate('x', 'not-a-geohash', 5), RangeError);
});

test('reply to a top-level report: root marker and p tag', () => {
	const parent = { id: A, pubkey: P1, tags: [['t', 'x']], kind: 1 };
	const ev = replyTemplate(parent, 'me too #x', '', 9);
	assert.deepEqual(ev.tags, [['e', A, '', 'root'], ['p', P1],
	    ['t', 'x']]);
	assert.deepEqual(threadOf(ev), { root: A, reply: A });
});

test('reply to a reply: root and reply markers, p tags carried', () => {
	const parent = { id: B, pubkey: P2, kind: 1, tags: [['e', A, '', 'root'],
	    ['p', P1]] };
	const ev = replyTemplate(parent, 'ok', 'v9zw', 9);
	assert.deepEqual(ev.tags.slice(0, 4), [['e', A, '', 'root'],
	    ['e', B, '', 'reply'], ['p', P2], ['p', P1]]);
	assert.deepEqual(threadOf(ev), { root: A, reply: B });
	assert.ok(ev.tags.some((t) => t[0] === 'g' && t[1] === 'v9zw'));
});

test('threadOf: none, positional (deprecated) form', () => {
	assert.deepEqual(threadOf({ tags: [['t', 'x']] }), { root: null,
	    reply: null });
	assert.deepEqual(threadOf({ tags: [['e', A], ['e', B], ['e', C]] }),
	    { root: A, reply: C });
	assert.deepEqual(threadOf({ tags: [['e', 'nothex']] }), { root: null,
	    reply: null });
});

test('feed filter', () => {
	assert.deepEqual(feedFilter(), { kinds: [1], limit: FEED_PAGE });
	assert.deepEqual(feedFilter({ tag: 'roads', place: 'u4p' }), {
	    kinds: [1], limit: FEED_PAGE, '#t': ['roads'], '#g': ['u4p'] });
	assert.deepEqual(feedFilter({ place: 'v9' }), { kinds: [1],
	    limit: FEED_PAGE, '#g': ['v9'] });
	// Older pages, search, and the whole count.
	assert.deepEqual(feedFilter({ until: 1700, q: 'мост' }), { kinds: [1],
	    limit: FEED_PAGE, search: 'мост', until: 1700 });
	assert.deepEqual(feedFilter({ tag: 'x', limit: 0 }), { kinds: [1],
	    '#t': ['x'] });
});

test('view filters: the report, its replies and reactions', () => {
	assert.deepEqual(viewFilters(A), [{ ids: [A] }, { kinds: [1, 7],
	    '#e': [A], limit: 500 }]);
	assert.deepEqual(countsFilters([A, B]), [{ kinds: [1, 7],
	    '#e': [A, B], limit: 2000 }]);
});

test('counts: replies by NIP-10, reactions by the last e tag', () => {
	const counts = new Map([[A, { replies: 0, reactions: 0 }],
	    [B, { replies: 0, reactions: 0 }]]);
	const seen = new Set();
	const reply = { id: C, pubkey: P1, kind: 1, tags: [['e', A, '', 'root'],
	    ['e', B, '', 'reply']] };
	assert.equal(tally(counts, seen, reply), B);
	assert.equal(tally(counts, seen, reply), null, 'counted once');
	const like = { id: D, pubkey: P2, kind: 7, content: '+', tags: [['e', B],
	    ['e', A]] };
	assert.equal(reactionTarget(like), A);
	tally(counts, seen, like, P2);
	const dislike = { id: E, pubkey: P1, kind: 7, content: '-', tags:
	    [['e', A]] };
	tally(counts, seen, dislike);
	assert.deepEqual(counts.get(A), { replies: 0, reactions: 1, mine: true });
	assert.deepEqual(counts.get(B), { replies: 1, reactions: 0 });
});

test('reaction, deletion and profile templates', () => {
	const ev = { id: A, pubkey: P1, kind: 1 };
	assert.deepEqual(reactionTemplate(ev, 9), { kind: 7, created_at: 9,
	    content: '+', tags: [['e', A], ['p', P1], ['k', '1']] });
	assert.deepEqual(deletionTemplate(ev, 9), { kind: 5, created_at: 9,
	    content: '', tags: [['e', A], ['k', '1']] });
	const p = profileTemplate('  Айгерим  ', 9);
	assert.equal(p.kind, 0);
	assert.equal(profileName(p.content), 'Айгерим');
	assert.equal(profileName('{"display_name":"a\\nb"}'), 'a b');
	assert.equal(profileName('{"name":"' + 'x'.repeat(99) + '"}').length,
	    40);
	for (const bad of ['', 'null', '"x"', '[1]', '{"name":5}', '{'])
		assert.equal(profileName(bad), '', bad);
});

test('a report dated ahead sorts at the node\'s now', () => {
	const now = 1000;
	assert.equal(sortTime({ created_at: 900 }, now), 900);
	assert.equal(sortTime({ created_at: 1e9 }, now), now);
	assert.ok(isAhead({ created_at: now + 3600 }, now));
	assert.ok(!isAhead({ created_at: now + 60 }, now));
});

test('a coarse place filter matches a report placed finely', () => {
	const ev = { id: A, pubkey: P1, kind: 1, created_at: 1, content: '',
	    ...{ tags: reportTemplate('#roads', 'u4pruyd', 1).tags } };
	assert.ok(matchFilter(feedFilter({ place: 'u4' }), ev));
	assert.ok(matchFilter(feedFilter({ place: 'u4pruyd', tag: 'roads' }),
	    ev));
	assert.ok(!matchFilter(feedFilter({ place: 'u4pruyx' }), ev));
	assert.ok(!matchFilter(feedFilter({ tag: 'bridge' }), ev));
	assert.ok(!matchFilter({ kinds: [7] }, ev));
});

test('isEventShape', () => {
	const good = { id: A, pubkey: P1, created_at: 5, kind: 1, tags: [['t',
	    'x']], content: 'hi', sig: 'f'.repeat(128) };
	assert.ok(isEventShape(good));
	for (const bad of [null, 'x', { ...good, id: 'A'.repeat(64) },
	    { ...good, created_at: '5' }, { ...good, content: 5 },
	    { ...good, tags: [[]] }, { ...good, tags: [['t', 5]] },
	    { ...good, tags: 'x' }, { ...good, sig: undefined },
	    { ...good, created_at: -1 }])
		assert.ok(!isEventShape(bad), JSON.stringify(bad));
});

test('newestFirstIndex keeps newest first, ties by id', () => {
	const arr = [];
	for (const [ts, id] of [[5, B], [9, A], [1, C], [5, A], [9, B]])
		arr.splice(newestFirstIndex(arr, { t: ts, id }), 0,
		    { t: ts, id });
	assert.deepEqual(arr.map((e) => [e.t, e.id[0]]), [[9, 'a'],
	    [9, 'b'], [5, 'a'], [5, 'b'], [1, 'c']]);
});
