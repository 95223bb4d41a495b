// text.test.mjs: hashtags from report text (t tags) and from the filter
// box.
import assert from 'node:assert/strict';
import test from 'node:test';

import { MAX_TAGS, extractHashtags, normalizeHashtag, splitHashtags } from
    '../src/text.js';

test('hashtags: lower-cased, distinct, in order', () => {
	assert.deepEqual(extractHashtags('Road blocked #Roads at the #bridge, ' +
	    'again #roads'), ['roads', 'bridge']);
	assert.deepEqual(extractHashtags('#first word'), ['first']);
	assert.deepEqual(extractHashtags('no tags here'), []);
	assert.deepEqual(extractHashtags(''), []);
	assert.deepEqual(extractHashtags(undefined), []);
});

test('hashtags: any script, digits and _ inside', () => {
	assert.deepEqual(extractHashtags('Митинг #Алматы #Жаңаөзен #kz_2022'),
	    ['алматы', 'жаңаөзен', 'kz_2022']);
	assert.deepEqual(extractHashtags('(#Roads) "#x1"'), ['roads', 'x1']);
});

test('not hashtags: numbers, inside words, URLs, doubled #', () => {
	assert.deepEqual(extractHashtags('gate #3 and #42'), []);
	assert.deepEqual(extractHashtags('a#b c&#39; x/#frag'), []);
	assert.deepEqual(extractHashtags('##twice'), []);
	assert.deepEqual(extractHashtags('#'), []);
	assert.deepEqual(extractHashtags('#' + 'a'.repeat(65)), []);
});

test('at most MAX_TAGS tags', () => {
	const text = Array.from({ length: 15 }, (_, i) => '#t' +
	    String.fromCharCode(97 + i)).join(' ');
	assert.equal(extractHashtags(text).length, MAX_TAGS);
});

test('splitHashtags keeps the text whole', () => {
	for (const s of ['a #b c', '#x', 'плохо #Дорога.', 'none', '',
	    'x #1 #y\n#z']) {
		const parts = splitHashtags(s);
		assert.equal(parts.map((p) => p.text).join(''), s);
	}
	assert.deepEqual(splitHashtags('go #Home now'), [{ text: 'go ' },
	    { tag: 'home', text: '#Home' }, { text: ' now' }]);
});

test('normalizeHashtag for the filter box', () => {
	assert.equal(normalizeHashtag(' #Roads '), 'roads');
	assert.equal(normalizeHashtag('АЛМАТЫ'), 'алматы');
	assert.equal(normalizeHashtag(''), '');
	assert.equal(normalizeHashtag('#'), '');
	assert.equal(normalizeHashtag(null), '');
	assert.equal(normalizeHashtag('two words'), null);
	assert.equal(normalizeHashtag('a"b'), null);
});

import { contentSegments, foldText, plainLine, tidyText, utf8Length } from
    '../src/text.js';

test('bidi controls become visible marks, never text', () => {
	const segs = contentSegments('photo\u202Egnp.exe #x');
	assert.deepEqual(segs, [{ text: 'photo' }, { ctl: 'RLO' },
	    { text: 'gnp.exe ' }, { tag: 'x', text: '#x' }]);
	assert.ok(!segs.some((s) => /[\u202a-\u202e\u2066-\u2069]/.test(
	    s.text ?? '')));
	assert.equal(plainLine('a\u202Eb\n\nc'), 'ab c');
	assert.equal(plainLine('x'.repeat(100), 10), 'x'.repeat(9) + '…');
});

test('blank lines collapse, long text folds', () => {
	assert.equal(tidyText('a' + '\n'.repeat(30) + 'b  \r\n\n\n'), 'a\n\nb');
	assert.equal(tidyText('\n\n x'), ' x');
	const long = 'word '.repeat(200);
	const f = foldText(long);
	assert.ok(f.cut && f.text.length <= 481 && f.text.endsWith('…'));
	const lines = Array.from({ length: 20 }, (_, i) => 'line ' + i).join('\n');
	assert.equal(foldText(lines).text.split('\n').length, 8);
	assert.deepEqual(foldText('short'), { text: 'short', cut: false });
});

test('UTF-8 lengths as the node counts them', () => {
	assert.equal(utf8Length('abc'), 3);
	assert.equal(utf8Length('Алматы'), 12);
	assert.equal(utf8Length('📢'), 4);
	assert.equal(utf8Length('€'), 3);
});
