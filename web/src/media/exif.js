// media/exif.js: what a photo carries besides its picture, read before
// the page re-encodes it, so the person sees plainly what is removed
// ("location, camera, date...").  JPEG segments (EXIF, XMP, IPTC,
// comments), PNG chunks (text, eXIf, tIME) and WebP chunks (EXIF, XMP),
// with a small TIFF reader for EXIF's IFD0, Exif and GPS directories.
// It reads only: the canvas drops all of it.  Bounded and fuzz-safe:
// every offset is checked against the bytes, every loop has a cap, bad
// input gives what was found so far and never throws.  Pure.

// What is found, as keys the page words (i18n media_found_*), in the
// order it lists them.
export const FOUND = ['location', 'camera', 'serial', 'owner', 'date',
    'software', 'comment', 'thumbnail', 'xmp', 'iptc', 'other'];

const MAX_SEGMENTS = 1024;	// JPEG segments, PNG or WebP chunks
const MAX_ENTRIES = 512;	// entries read from one TIFF directory
const XMP_SCAN = 65536;		// bytes of XMP searched for names

function ascii(p, at, n) {
	let s = '';
	for (let i = at; i < at + n && i < p.length; i += 8192)
		s += String.fromCharCode(...p.subarray(i, Math.min(at + n, i + 8192)));
	return s;
}

function starts(p, at, s) {
	if (at + s.length > p.length)
		return false;
	for (let i = 0; i < s.length; i++)
		if (p[at + i] !== s.charCodeAt(i))
			return false;
	return true;
}

// EXIF tags and what they give away.  IFD0 and IFD1 share numbers.
const TIFF_TAGS = {
	0x010e: 'comment',	// ImageDescription
	0x010f: 'camera',	// Make
	0x0110: 'camera',	// Model
	0x0131: 'software',
	0x0132: 'date',		// DateTime
	0x013b: 'owner',	// Artist
	0x8298: 'owner',	// Copyright
	0x9c9b: 'comment',	// XPTitle
	0x9c9c: 'comment',	// XPComment
	0x9c9d: 'owner',	// XPAuthor
	0x9c9e: 'comment',	// XPKeywords
	0x9c9f: 'comment',	// XPSubject
	0xc4a5: 'other',	// PrintIM
};
const EXIF_TAGS = {
	0x9003: 'date', 0x9004: 'date',	// DateTimeOriginal, Digitized
	0x9010: 'date', 0x9011: 'date', 0x9012: 'date',	// OffsetTime*
	0x9286: 'comment',	// UserComment
	0x927c: 'camera',	// MakerNote
	0xa420: 'serial',	// ImageUniqueID
	0xa430: 'owner',	// CameraOwnerName
	0xa431: 'serial',	// BodySerialNumber
	0xa433: 'camera', 0xa434: 'camera',	// LensMake, LensModel
	0xa435: 'serial',	// LensSerialNumber
};
const GPS_IFD = 0x8825, EXIF_IFD = 0x8769, ORIENTATION = 0x0112;

// Reads a TIFF (EXIF's body) at p[start..end): adds to found, returns
// the orientation (1-8) or 0.
function readTiff(p, start, end, found) {
	if (end - start < 8)
		return 0;
	const le = p[start] === 0x49 && p[start + 1] === 0x49;
	if (!le && !(p[start] === 0x4d && p[start + 1] === 0x4d))
		return 0;
	const dv = new DataView(p.buffer, p.byteOffset + start, end - start);
	const n = end - start;
	const u16 = (at) => dv.getUint16(at, le);
	const u32 = (at) => dv.getUint32(at, le);
	if (u16(2) !== 42)
		return 0;
	let orientation = 0;
	const seen = new Set();
	// Reads one directory; returns the offset of the next one (IFD0's
	// next is IFD1, the thumbnail) or 0.
	function dir(off, kind) {
		if (off < 8 || off + 2 > n || seen.has(off))
			return 0;
		seen.add(off);
		const count = u16(off);
		let gps = false;
		for (let i = 0; i < count && i < MAX_ENTRIES; i++) {
			const e = off + 2 + i * 12;
			if (e + 12 > n)
				return 0;
			const tag = u16(e);
			if (kind === 'gps') {
				// Any position, altitude, direction or place name.
				if (tag <= 0x001f && tag !== 0)
					gps = true;
				continue;
			}
			if (kind === 'ifd1') {
				found.add('thumbnail');
				continue;
			}
			const word = kind === 'exif' ? EXIF_TAGS[tag] : TIFF_TAGS[tag];
			if (word)
				found.add(word);
			if (kind === 'ifd0' && tag === ORIENTATION) {
				const v = u16(e + 8);
				if (v >= 1 && v <= 8)
					orientation = v;
			} else if (kind === 'ifd0' && (tag === EXIF_IFD ||
			    tag === GPS_IFD)) {
				dir(u32(e + 8), tag === EXIF_IFD ? 'exif' : 'gps');
			}
		}
		if (gps)
			found.add('location');
		const next = off + 2 + count * 12;
		return kind === 'ifd0' && next + 4 <= n ? u32(next) : 0;
	}
	const ifd1 = dir(u32(4), 'ifd0');
	if (ifd1)
		dir(ifd1, 'ifd1');
	return orientation;
}

// XMP text: what its names say (a bounded search), and XMP itself.
function readXmp(p, start, end, found) {
	found.add('xmp');
	const s = ascii(p, start, Math.min(end - start, XMP_SCAN));
	if (/GPS(Latitude|Longitude|Altitude)|LocationShown|LocationCreated|photoshop:City/.test(s))
		found.add('location');
	if (/tiff:(Make|Model)|aux:(Lens|SerialNumber)|exifEX:(LensModel|BodySerialNumber)/.test(s))
		found.add('camera');
	if (/SerialNumber/.test(s))
		found.add('serial');
	if (/dc:creator|dc:rights|photoshop:Credit|xmpRights:Owner|aux:OwnerName|exifEX:CameraOwnerName/.test(s))
		found.add('owner');
	if (/(Create|Modify|Metadata|DateTimeOriginal|DateCreated)Date|DateTimeOriginal|DateCreated/.test(s))
		found.add('date');
	if (/CreatorTool|HistorySoftwareAgent/.test(s))
		found.add('software');
}

// XMP's namespace names as JPEG's APP1 starts with them, in two parts so
// that no URL appears in the page (build.mjs checks).
function isXmp(p, s) {
	return starts(p, s, 'http:') && (starts(p, s + 5, '//ns.adobe.com/xap/') ||
	    starts(p, s + 5, '//ns.adobe.com/xmp/ext'));
}

function jpeg(p, f) {
	let i = 2;
	for (let k = 0; k < MAX_SEGMENTS && i + 4 <= p.length; k++) {
		if (p[i] !== 0xff)
			return;
		const m = p[i + 1];
		if (m === 0xff) {	// fill byte
			i++;
			continue;
		}
		if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
			i += 2;
			continue;
		}
		if (m === 0xd9 || m === 0xda)	// end, or the scan: no more headers
			return;
		const len = (p[i + 2] << 8) | p[i + 3];
		const s = i + 4, e = i + 2 + len;
		if (len < 2 || e > p.length)
			return;
		if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 &&
		    m !== 0xcc && len >= 7) {
			f.height = (p[s + 1] << 8) | p[s + 2];
			f.width = (p[s + 3] << 8) | p[s + 4];
		} else if (m === 0xe1 && starts(p, s, 'Exif\0')) {
			f.orientation = readTiff(p, s + 6, e, f.found) ||
			    f.orientation;
		} else if (m === 0xe1 && isXmp(p, s)) {
			readXmp(p, s, e, f.found);
		} else if (m === 0xed) {
			f.found.add('iptc');
		} else if (m === 0xfe) {
			f.found.add('comment');
		} else if (m >= 0xe1 && m <= 0xef && m !== 0xe2 && m !== 0xee) {
			// APP2 is the colour profile, APP14 Adobe's colour
			// transform: the picture needs them.  The rest is
			// somebody's extra data (MPF, FLIR, Ducky...).
			f.found.add('other');
		}
		i = e;
	}
}

const PNG_TEXT = [
	[/^XML:com\.adobe\.xmp$/, 'xmp'], [/^(Author|Artist|Copyright)$/i, 'owner'],
	[/^(Make|Model)$/i, 'camera'], [/^Software$/i, 'software'],
	[/date|time/i, 'date'], [/^(Comment|Description|Title)$/i, 'comment'],
	[/^(GPS|Location)/i, 'location'],
];

function png(p, f) {
	const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
	let i = 8;
	for (let k = 0; k < MAX_SEGMENTS && i + 12 <= p.length; k++) {
		const len = dv.getUint32(i);
		const type = ascii(p, i + 4, 4);
		const s = i + 8, e = s + len;
		if (e + 4 > p.length)
			return;
		if (type === 'IHDR' && len >= 8) {
			f.width = dv.getUint32(s);
			f.height = dv.getUint32(s + 4);
		} else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
			let z = s;
			while (z < e && z - s < 80 && p[z] !== 0)
				z++;
			const key = ascii(p, s, z - s);
			const hit = PNG_TEXT.find(([re]) => re.test(key));
			const word = hit ? hit[1] : 'other';
			if (word === 'xmp')
				readXmp(p, z, e, f.found);
			else
				f.found.add(word);
		} else if (type === 'eXIf') {
			f.orientation = readTiff(p, s, e, f.found) || f.orientation;
		} else if (type === 'tIME') {
			f.found.add('date');
		} else if (type === 'IEND') {
			return;
		}
		i = e + 4;
	}
}

function webp(p, f) {
	const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
	const end = Math.min(p.length, 8 + dv.getUint32(4, true));
	let i = 12;
	for (let k = 0; k < MAX_SEGMENTS && i + 8 <= end; k++) {
		const type = ascii(p, i, 4);
		const len = dv.getUint32(i + 4, true);
		const s = i + 8, e = s + len;
		if (e > end)
			return;
		if (type === 'VP8X' && len >= 10) {
			f.width = 1 + (p[s + 4] | (p[s + 5] << 8) | (p[s + 6] << 16));
			f.height = 1 + (p[s + 7] | (p[s + 8] << 8) | (p[s + 9] << 16));
		} else if (type === 'VP8 ' && len >= 10 && !f.width) {
			f.width = dv.getUint16(s + 6, true) & 0x3fff;
			f.height = dv.getUint16(s + 8, true) & 0x3fff;
		} else if (type === 'VP8L' && len >= 5 && !f.width) {
			const b = dv.getUint32(s + 1, true);
			f.width = (b & 0x3fff) + 1;
			f.height = ((b >>> 14) & 0x3fff) + 1;
		} else if (type === 'EXIF') {
			const t = starts(p, s, 'Exif\0\0') ? s + 6 : s;
			f.orientation = readTiff(p, t, e, f.found) || f.orientation;
		} else if (type === 'XMP ') {
			readXmp(p, s, e, f.found);
		}
		i = e + (len & 1);
	}
}

// The image type of p by its first bytes: a MIME type or ''.
export function imageType(p) {
	if (p.length >= 3 && p[0] === 0xff && p[1] === 0xd8 && p[2] === 0xff)
		return 'image/jpeg';
	if (starts(p, 0, '\x89PNG\r\n\x1a\n'))
		return 'image/png';
	if (starts(p, 0, 'RIFF') && starts(p, 8, 'WEBP'))
		return 'image/webp';
	if (starts(p, 0, 'GIF8'))
		return 'image/gif';
	if (starts(p, 4, 'ftyp') && /^(heic|heix|hevc|heim|heis|mif1|msf1|avif)$/
	    .test(ascii(p, 8, 4)))
		return ascii(p, 8, 4) === 'avif' ? 'image/avif' : 'image/heic';
	return '';
}

// What p (a Uint8Array of a photo as taken) holds: {mime ('' if not an
// image the page knows), width, height (0 if unknown), orientation (the
// EXIF one, 1-8, or 0), found (keys of FOUND, in that order), known
// (false: a format this reader does not walk, so the list may miss
// things)}.
export function imageFacts(p) {
	const f = { mime: imageType(p), width: 0, height: 0, orientation: 0,
	    found: new Set(), known: true };
	try {
		if (f.mime === 'image/jpeg')
			jpeg(p, f);
		else if (f.mime === 'image/png')
			png(p, f);
		else if (f.mime === 'image/webp')
			webp(p, f);
		else
			f.known = false;
	} catch {
		// A RangeError from a DataView past a bound we missed: keep
		// what was found; the canvas drops everything anyway.
		f.known = false;
	}
	return { ...f, found: FOUND.filter((k) => f.found.has(k)) };
}
