// places.test.mjs: places by name in three languages from the built
// gazetteer (places.mjs over GeoNames), and names for geohashes.
import assert from 'node:assert/strict';
import test from 'node:test';

import { buildPlaces } from '../places.mjs';
import { Gazetteer, foldName, levelOfLength } from '../src/places.js';
import { geohashEncode } from '../src/geo.js';

const gz = new Gazetteer(JSON.parse(buildPlaces()));
const first = (q, lang = 'en') => {
	const s = gz.suggest(q);
	return s.length ? gz.label(s[0], lang) : '';
};

test('cities found in Russian, Kazakh and English, shown in the reader\'s',
    () => {
	assert.equal(first('Алматы', 'ru'), 'Алматы');
	assert.equal(first('almaty', 'kk'), 'Алматы');
	assert.equal(first('Караганда', 'kk'), 'Қарағанды');
	assert.equal(first('Қарағанды', 'ru'), 'Караганда');
	assert.equal(first('Усть-Кам', 'kk'), 'Өскемен');
	assert.equal(first('Өскемен', 'en'), 'Oskemen');
	assert.equal(first('Уральск', 'kk'), 'Орал');
	assert.equal(first('shymk', 'ru'), 'Шымкент');
	assert.equal(first('Москва', 'en'), 'Moscow');
	assert.equal(first('Ташкент', 'ru'), 'Ташкент');
	assert.deepEqual(gz.suggest('а'), [], 'one letter is too little');
});

test('districts of Almaty, Astana and Shymkent, and the regions', () => {
	assert.equal(first('Медеу', 'ru'), 'Медеуский район, Алматы');
	assert.equal(first('Бостандык', 'kk'), 'Бостандық ауданы, Алматы');
	assert.equal(first('район Есиль', 'en'), 'Yesil District, Astana');
	assert.equal(first('Al-Farabi', 'ru'), 'Аль-Фарабийский район, Шымкент');
	assert.equal(first('Жетісу облысы', 'ru'), 'Жетысуская область');
	const almaty = gz.places.filter((p) => p.level === 'district' &&
	    gz.places[p.parent].names.en === 'Almaty');
	assert.equal(almaty.length, 8);
});

test('every Kazakh place of 10,000 people, the world\'s of 100,000', () => {
	const kz = gz.places.filter((p) => p.cc === 'KZ' && p.level === 'city');
	assert.ok(kz.length >= 100, `${kz.length} Kazakh places`);
	assert.ok(kz.every((p) => p.pop >= 10000 || p.pop === 0 ||
	    /^[a-z0-9]{5}$/.test(p.g)));
	const world = gz.places.filter((p) => p.cc !== 'KZ');
	assert.ok(world.length > 4500, `${world.length} other places`);
	assert.ok(world.every((p) => p.pop >= 100000));
	assert.match(gz.source, /GeoNames.*CC BY 4\.0/);
});

test('a geohash is named by its place, with the level it says', () => {
	const medeu = gz.suggest('Медеу')[0];
	assert.deepEqual(gz.name(medeu.g, 'kk').name, 'Медеу ауданы, Алматы');
	assert.equal(gz.name(medeu.g, 'kk').level, 'district');
	// A phone's position in Almaty, 6 and 7 characters.
	const g = geohashEncode(43.238, 76.945, 7);
	assert.equal(gz.name(g, 'ru').level, 'street');
	assert.match(gz.name(g, 'ru').name, /Алматы/);
	assert.equal(gz.name(g.slice(0, 4), 'en').name, 'Almaty');
	// The middle of the ocean has no name.
	assert.equal(gz.name(geohashEncode(-40, -120, 5), 'en').name, '');
	assert.equal(levelOfLength(3), 'region');
	assert.equal(levelOfLength(5), 'city');
});

test('search folds Kazakh letters and case', () => {
	assert.equal(foldName('Қарағанды'), foldName('караганды'));
	assert.equal(foldName('  Усть-Каменогорск '), 'уст каменогорск');
	assert.equal(foldName('Öskemen'), 'oskemen');
});

test('a place filter covers the area, not only the centre cell', () => {
	const almaty = gz.suggest('Алматы')[0];
	const cells = gz.filterCells(almaty.g);
	assert.equal(cells[0], almaty.g);
	// Every district of Almaty falls in one of the cells.
	for (const d of gz.places.filter((p) => p.parent === almaty.i))
		assert.ok(cells.some((c) => d.g.startsWith(c)), d.names.en);
	assert.deepEqual(gz.filterCells('zzzzz'), ['zzzzz']);
});
