// geo.js: geohashes for the place of a report.  Encodes a position
// (latitude, longitude in degrees) to a geohash, decodes one back to the
// centre of its cell, checks user input, and lists the "g" tags a report
// carries: every prefix of its geohash, so a filter on a coarse prefix
// ("#g":["u4pr"]) matches a report posted with a fine one.  Pure: no DOM,
// no network; the page and the unit tests import it.

export const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
export const MAX_PRECISION = 12;
// The precision used for a position from the phone: a cell of about
// 1.2 km by 0.6 km, close enough to tell streets apart, coarse enough not
// to point at one house.
export const GPS_PRECISION = 6;

// Returns the geohash of (lat, lon) with precision characters.
export function geohashEncode(lat, lon, precision = GPS_PRECISION) {
	if (!Number.isFinite(lat) || !Number.isFinite(lon) || lat < -90 ||
	    lat > 90 || lon < -180 || lon > 180)
		throw new RangeError('position out of range');
	precision = Math.max(1, Math.min(MAX_PRECISION, precision | 0));
	let latLo = -90, latHi = 90, lonLo = -180, lonHi = 180;
	let out = '', bits = 0, ch = 0, even = true;
	while (out.length < precision) {
		if (even) {
			const mid = (lonLo + lonHi) / 2;
			if (lon >= mid) {
				ch = ch * 2 + 1;
				lonLo = mid;
			} else {
				ch = ch * 2;
				lonHi = mid;
			}
		} else {
			const mid = (latLo + latHi) / 2;
			if (lat >= mid) {
				ch = ch * 2 + 1;
				latLo = mid;
			} else {
				ch = ch * 2;
				latHi = mid;
			}
		}
		even = !even;
		if (++bits === 5) {
			out += BASE32[ch];
			bits = 0;
			ch = 0;
		}
	}
	return out;
}

// Returns {lat, lon, latErr, lonErr}: the centre of the cell and its half
// sizes in degrees, or null if hash is not a geohash.
export function geohashDecode(hash) {
	if (!isGeohash(hash))
		return null;
	let latLo = -90, latHi = 90, lonLo = -180, lonHi = 180, even = true;
	for (const c of hash) {
		const v = BASE32.indexOf(c);
		for (let b = 4; b >= 0; b--) {
			const bit = (v >> b) & 1;
			if (even) {
				const mid = (lonLo + lonHi) / 2;
				if (bit)
					lonLo = mid;
				else
					lonHi = mid;
			} else {
				const mid = (latLo + latHi) / 2;
				if (bit)
					latLo = mid;
				else
					latHi = mid;
			}
			even = !even;
		}
	}
	return { lat: (latLo + latHi) / 2, lon: (lonLo + lonHi) / 2,
	    latErr: (latHi - latLo) / 2, lonErr: (lonHi - lonLo) / 2 };
}

// True if s is a lower-case geohash of 1 to 12 characters.
export function isGeohash(s) {
	return typeof s === 'string' && /^[0-9b-hjkmnp-z]{1,12}$/.test(s);
}

// Cleans what a person typed as a place: trims, lower-cases; returns the
// geohash, '' for nothing typed, or null if it is not a geohash.
export function normalizeGeohash(s) {
	const v = String(s ?? '').trim().toLowerCase();
	if (v === '')
		return '';
	return isGeohash(v) ? v : null;
}

// The "g" tags for a report placed at hash: one per prefix length, from 1
// up to the whole hash, coarse first.
export function geohashTags(hash) {
	if (!isGeohash(hash))
		return [];
	const tags = [];
	for (let i = 1; i <= hash.length; i++)
		tags.push(['g', hash.slice(0, i)]);
	return tags;
}

// The most precise geohash among an event's "g" tags, or ''.
export function eventGeohash(tags) {
	let best = '';
	for (const t of tags ?? [])
		if (t[0] === 'g' && isGeohash(t[1]) && t[1].length > best.length)
			best = t[1];
	return best;
}

// The geohashes of precision characters whose cells cover a circle of
// radiusKm around (lat, lon): a filter on all of them finds reports in
// a city even where its area crosses a cell's edge.  Sampled at half a
// cell, so no covering cell is missed.
export function coverCells(lat, lon, radiusKm, precision) {
	const bits = 5 * precision;
	const h = 180 / 2 ** Math.floor(bits / 2);
	const w = 360 / 2 ** Math.ceil(bits / 2);
	const dLat = radiusKm / 111.2;
	const dLon = radiusKm / (111.2 * Math.max(0.05, Math.cos(lat * Math.PI /
	    180)));
	const out = new Set();
	for (let y = lat - dLat; y <= lat + dLat + h / 2; y += h / 2)
		for (let x = lon - dLon; x <= lon + dLon + w / 2; x += w / 2)
			out.add(geohashEncode(Math.max(-90, Math.min(90, Math.min(y,
			    lat + dLat))), ((Math.min(x, lon + dLon) + 540) % 360) - 180,
			    precision));
	return [...out];
}
