// time.test.mjs: relative times and dates in en, ru and kk, Kazakh by
// hand (no "-1 min"), and the formatters made once.
import assert from 'node:assert/strict';
import test from 'node:test';

import { kkDate, kkRelative, makeTimeFormat, relativeParts } from
    '../src/time.js';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const at = (s) => NOW / 1000 + s;

test('Kazakh relative times, past and future, with the right suffix', () => {
	const f = makeTimeFormat('kk', 'жаңа ғана');
	assert.equal(f.ago(at(-10), NOW), 'жаңа ғана');
	assert.equal(f.ago(at(-60), NOW), '1 минут бұрын');
	assert.equal(f.ago(at(-3 * 3600), NOW), '3 сағат бұрын');
	assert.equal(f.ago(at(-86400), NOW), 'кеше');
	assert.equal(f.ago(at(-3 * 86400), NOW), '3 күн бұрын');
	assert.equal(f.ago(at(5 * 60), NOW), '5 минуттан кейін');
	assert.equal(f.ago(at(2 * 3600), NOW), '2 сағаттан кейін');
	assert.equal(f.ago(at(86400), NOW), 'ертең');
	assert.equal(kkRelative(4, 'day'), '4 күннен кейін');
	for (const s of [-120, -7200, 600, 7200])
		assert.doesNotMatch(f.ago(at(s), NOW), /^-|min|h$/);
});

test('Kazakh dates have Kazakh month names', () => {
	const d = new Date(2026, 0, 12, 14, 5);
	assert.equal(kkDate(d), '12 қаңтар 2026, 14:05');
	assert.equal(kkDate(new Date(2025, 11, 31), false), '31 желтоқсан 2025');
	const f = makeTimeFormat('kk', 'жаңа ғана');
	assert.match(f.ago(at(-30 * 86400), NOW), /^\d+ желтоқсан 2025$/);
});

test('English and Russian, and the same as Intl says', () => {
	const en = makeTimeFormat('en', 'just now');
	assert.equal(en.ago(at(-120), NOW), '2 minutes ago');
	assert.equal(en.ago(at(-86400), NOW), 'yesterday');
	const ru = makeTimeFormat('ru', 'только что');
	assert.equal(ru.ago(at(-3 * 3600), NOW), '3 часа назад');
	assert.equal(ru.ago(at(10), NOW), 'только что');
	assert.equal(ru.ago(at(-5 * 60), NOW), '5 минут назад');
	assert.equal(ru.ago(at(-21 * 60), NOW), '21 минуту назад');
	assert.equal(ru.ago(at(2 * 3600), NOW), 'через 2 часа');
	assert.equal(en.ago(at(3600), NOW), 'in 1 hour');
	const rtf = { en: new Intl.RelativeTimeFormat('en', { numeric: 'auto' }),
	    ru: new Intl.RelativeTimeFormat('ru', { numeric: 'auto' }) };
	for (const [l, f] of [['en', en], ['ru', ru]])
		for (const [v, u] of [[-1, 'minute'], [-2, 'minute'], [-5, 'hour'],
		    [-22, 'hour'], [-3, 'day'], [-6, 'day'], [4, 'minute']])
			assert.equal(f.ago(at(v * { minute: 60, hour: 3600, day: 86400 }[
			    u]), NOW), rtf[l].format(v, u), `${l} ${v} ${u}`);
	assert.equal(ru.date(at(0)), '5 января 2026');
});

test('units and rounding', () => {
	assert.equal(relativeParts(30), null);
	assert.deepEqual(relativeParts(-50), { value: -1, unit: 'minute' });
	assert.deepEqual(relativeParts(-6000), { value: -2, unit: 'hour' });
	assert.deepEqual(relativeParts(-40 * 3600), { value: -2, unit: 'day' });
});

test('no Intl formatter is made at all', () => {
	const saved = globalThis.Intl;
	globalThis.Intl = undefined;
	try {
		for (const l of ['en', 'ru', 'kk']) {
			const f = makeTimeFormat(l, 'now');
			for (let i = 0; i < 200; i++)
				f.ago(at(-i * 1000), NOW);
		}
	} finally {
		globalThis.Intl = saved;
	}
});
