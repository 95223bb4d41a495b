// places.js: places by name, from the gazetteer the node serves at
// /places.json (built by web/places.mjs from GeoNames and a Kazakhstan
// table; loaded only when first needed).  Finds places for what a person
// types, in Russian, Kazakh or English (and other spellings), and names
// the place of a report's geohash in the reader's language, with how
// precise it is.  Pure: the caller fetches the JSON.

import { coverCells, geohashDecode } from './geo.js';

export const LEVELS = ['region', 'city', 'district', 'street'];
export const SUGGEST_MAX = 8;

// Letters folded for search, so "Караганда" finds "Қарағанды" and
// "Shymkent" finds "Шымкент" typed either way; ё is е.
const FOLD = { ә: 'а', ғ: 'г', қ: 'к', ң: 'н', ө: 'о', ұ: 'у', ү: 'у',
    һ: 'х', і: 'и', ё: 'е', й: 'и', ъ: '', ь: '' };

export function foldName(s) {
	let out = '';
	for (const ch of String(s ?? '').toLowerCase().normalize('NFD')) {
		if (/\p{M}/u.test(ch))
			continue;
		const f = FOLD[ch];
		if (f !== undefined)
			out += f;
		else if (/[\p{L}\p{N}]/u.test(ch))
			out += ch;
		else
			out += ' ';
	}
	return out.replace(/\s+/g, ' ').trim();
}

// The level a geohash of that length stands for when it is no known
// place: up to 3 characters a region, 4-5 a city, 6 a district (about
// 1 km), more a street.
export function levelOfLength(n) {
	return n <= 3 ? 'region' : n <= 5 ? 'city' : n === 6 ? 'district' :
	    'street';
}

// The geohash length for a level chosen from a more precise place.
export const LEVEL_LENGTH = { region: 3, city: 4, district: 6, street: 7 };

// Distance in km between two points (equirectangular: fine at city
// scale).
function km(a, b) {
	const x = (b.lon - a.lon) * Math.cos((a.lat + b.lat) * Math.PI / 360);
	const y = b.lat - a.lat;
	return Math.sqrt(x * x + y * y) * 111.2;
}

export class Gazetteer {
	// data: the parsed places.json.
	constructor(data) {
		if (!data || data.v !== 1 || !Array.isArray(data.p))
			throw new TypeError('not a gazetteer');
		this.source = String(data.src ?? '');
		this.places = data.p.map((r, i) => {
			const [g, level, pop, cc, en, ru, kk, parent, keys] = r;
			const names = { en, ru: ru || en, kk: kk || ru || en };
			const c = geohashDecode(g);
			return { i, g, level: LEVELS[level], pop, cc, names, parent,
			    lat: c ? c.lat : 0, lon: c ? c.lon : 0, keys, search: null };
		});
		this.indexed = false;
		this.cache = new Map();
		this.byHash = new Map();
		for (const p of this.places)
			if (!this.byHash.has(p.g))
				this.byHash.set(p.g, p);
	}

	// The name of place p in lang, with its city for a district.
	label(p, lang) {
		const n = p.names[lang] ?? p.names.en;
		if (p.level === 'district' && p.parent >= 0) {
			const c = this.places[p.parent];
			return n + ', ' + (c.names[lang] ?? c.names.en);
		}
		return n;
	}

	// Up to max places for what was typed: a name that is exactly it
	// first, then names starting with it, then names with a word starting
	// with it; within each, larger places first (the data's order).
	suggest(query, max = SUGGEST_MAX) {
		const q = foldName(query);
		if (q.length < 2)
			return [];
		// Folded search names are made at the first search, not at load:
		// most visits only read names.
		if (!this.indexed) {
			for (const p of this.places)
				p.search = [...new Set([p.names.en, p.names.ru, p.names.kk,
				    ...String(p.keys ?? '').split('|')].filter(Boolean)
				    .map(foldName))];
			this.indexed = true;
		}
		const tiers = [[], [], []];
		for (const p of this.places) {
			let how = 3;
			for (const s of p.search) {
				if (s === q) {
					how = 0;
					break;
				}
				if (s.startsWith(q))
					how = Math.min(how, 1);
				else if (how > 2 && s.includes(' ' + q))
					how = 2;
			}
			if (how < 3 && tiers[how].length < max)
				tiers[how].push(p);
			if (tiers[0].length >= max)
				break;
		}
		return tiers.flat().slice(0, max);
	}

	// The "g" values a filter on place g should ask for: g itself, and
	// when g is a known place, the finer cells over its area (a city's
	// centre cell does not hold all of the city).
	filterCells(g) {
		const p = this.byHash.get(g);
		if (!p)
			return [g];
		const [radius, precision] = p.level === 'region' ? [150, 3] :
		    p.level === 'district' ? [2.5, 6] : p.pop >= 1000000 ? [16, 5] :
		    p.pop >= 300000 ? [11, 5] : [6, 5];
		return [...new Set([g, ...coverCells(p.lat, p.lon, radius,
		    precision)])].slice(0, 500);
	}

	// What to call the place of geohash g: {name, level, place}, name ''
	// when nothing known is near.  A geohash posted from a suggestion is
	// that place; any other is named by the nearest known place around
	// its centre (a district within 4 km, a city within 25 km, or "near"
	// a city within 60 km: near is then true).
	name(g, lang) {
		const key = g + ' ' + lang;
		let v = this.cache.get(key);
		if (!v) {
			v = this.lookup(g, lang);
			this.cache.set(key, v);
		}
		return v;
	}

	lookup(g, lang) {
		const exact = this.byHash.get(g);
		if (exact)
			return { name: this.label(exact, lang), level: exact.level,
			    place: exact, near: false };
		const c = geohashDecode(g);
		const level = levelOfLength(g.length);
		if (!c)
			return { name: '', level, place: null, near: false };
		let best = null, bd = Infinity, bestD = null, bdd = Infinity;
		for (const p of this.places) {
			if (p.level === 'region')
				continue;
			const d = km(c, p);
			if (p.level === 'district') {
				if (d < bdd) {
					bdd = d;
					bestD = p;
				}
			} else if (d < bd) {
				bd = d;
				best = p;
			}
		}
		if (level === 'region') {
			let r = null, rd = Infinity;
			for (const p of this.places) {
				if (p.level !== 'region')
					continue;
				const d = km(c, p);
				if (d < rd) {
					rd = d;
					r = p;
				}
			}
			if (r && rd < 150)
				return { name: this.label(r, lang), level, place: r,
				    near: false };
		}
		if (bestD && bdd < 4 && level !== 'city' && level !== 'region')
			return { name: this.label(bestD, lang), level, place: bestD,
			    near: false };
		if (best && bd < 25)
			return { name: this.label(best, lang), level, place: best,
			    near: false };
		if (best && bd < 60)
			return { name: this.label(best, lang), level, place: best,
			    near: true };
		return { name: '', level, place: null, near: false };
	}
}
