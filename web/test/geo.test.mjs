// geo.test.mjs: geohash encode/decode against known vectors, input
// checks, and the "g" tag prefix set a report carries.
import assert from 'node:assert/strict';
import test from 'node:test';

import { eventGeohash, geohashDecode, geohashEncode, geohashTags, isGeohash,
    normalizeGeohash } from '../src/geo.js';

test('encode: known vectors', () => {
	assert.equal(geohashEncode(57.64911, 10.40744, 11), 'u4pruydqqvj');
	assert.equal(geohashEncode(42.6, -5.6, 5), 'ezs42');
	assert.equal(geohashEncode(48.8583, 2.2945, 8), 'u09tunqu');
	assert.equal(geohashEncode(-25.382708, -49.265506, 12), '6gkzwgjzn820');
	assert.equal(geohashEncode(0, 0, 1), 's');
});

test('encode: default precision 6, clamps precision, rejects bad input',
    () => {
	assert.equal(geohashEncode(57.64911, 10.40744), 'u4pruy');
	assert.equal(geohashEncode(57.64911, 10.40744, 99).length, 12);
	assert.equal(geohashEncode(57.64911, 10.40744, 0).length, 1);
	assert.throws(() => geohashEncode(91, 0), RangeError);
	assert.throws(() => geohashEncode(0, -181), RangeError);
	assert.throws(() => geohashEncode(NaN, 0), RangeError);
	assert.equal(geohashEncode(90, 180, 4), 'zzzz');
	assert.equal(geohashEncode(-90, -180, 4), '0000');
});

test('decode is the centre of the cell and round-trips', () => {
	const d = geohashDecode('u4pruydqqvj');
	assert.ok(Math.abs(d.lat - 57.64911) < 1e-4);
	assert.ok(Math.abs(d.lon - 10.40744) < 1e-4);
	for (const [lat, lon] of [[43.2389, 76.8897], [-33.86, 151.2],
	    [51.5, -0.12], [0.1, -0.1]]) {
		const g = geohashEncode(lat, lon, 9);
		const c = geohashDecode(g);
		assert.ok(Math.abs(c.lat - lat) <= c.latErr);
		assert.ok(Math.abs(c.lon - lon) <= c.lonErr);
		assert.equal(geohashEncode(c.lat, c.lon, 9), g);
	}
	assert.equal(geohashDecode('a'), null);
	assert.equal(geohashDecode(''), null);
});

test('isGeohash and normalizeGeohash', () => {
	assert.ok(isGeohash('u4pruy'));
	assert.ok(!isGeohash('U4PRUY'));
	for (const bad of ['', 'a', 'i', 'l', 'o', 'u4pr uy', '0123456789bcd',
	    'ж', null, 7])
		assert.ok(!isGeohash(bad), String(bad));
	assert.equal(normalizeGeohash('  U4Pr '), 'u4pr');
	assert.equal(normalizeGeohash(''), '');
	assert.equal(normalizeGeohash(undefined), '');
	assert.equal(normalizeGeohash('hello'), null);
});

test('g tags: every prefix, coarse first', () => {
	assert.deepEqual(geohashTags('u4pru'), [['g', 'u'], ['g', 'u4'],
	    ['g', 'u4p'], ['g', 'u4pr'], ['g', 'u4pru']]);
	assert.equal(geohashTags('u4pruydqqvj').length, 11);
	assert.deepEqual(geohashTags('bad!'), []);
	assert.deepEqual(geohashTags(''), []);
});

test('eventGeohash picks the most precise g tag', () => {
	assert.equal(eventGeohash([['t', 'x'], ...geohashTags('v9zw')]), 'v9zw');
	assert.equal(eventGeohash([['g', 'v9'], ['g', 'not one']]), 'v9');
	assert.equal(eventGeohash([]), '');
	assert.equal(eventGeohash(undefined), '');
});
