// ui/prepare.js: a photo or video as taken, made fit to leave the phone.
// A photo is decoded (turned upright by its EXIF orientation) and drawn
// again on a canvas, which keeps the picture and nothing else: no EXIF,
// XMP, GPS position or camera data survives; it is made about 1600 px on
// its long side at a quality that gives a few hundred KB, with a 320 px
// thumbnail of tens of KB.  What the original held is read first
// (media/exif.js) so the person sees what went.  A video cannot be drawn
// again here: mp4strip.js removes its location and device boxes; when it
// cannot, the result says why and the person decides.  Each blob is named
// by its sha256; ox is the original's, so the photographer can later show
// that the public copy came from the file they kept.  Not a screen.

import { imageFacts, imageType } from '../media/exif.js';
import { sha256HexAsync } from '../media/sha256.js';
import { mp4Sniff, mp4Strip } from '../mp4strip.js';

export const FULL_PX = 1600;
export const THUMB_PX = 320;
export const VIDEO_MAX = 100 * 1024 * 1024;	// read into memory at most
export const IMAGE_MAX = 40 * 1024 * 1024;
// Quality steps: the first that fits the size wanted.
const FULL_Q = [[0.82, 450 * 1024], [0.72, 600 * 1024], [0.6, Infinity]];
const THUMB_Q = [[0.72, 40 * 1024], [0.55, Infinity]];

// mp4strip.js words (as the node writes them: "QuickTime location",
// "XMP: camera make and model, date"...) -> keys of exif.js FOUND.
const VIDEO_WORDS = [['location', /location/i], ['camera', /camera/i],
	['owner', /owner|author/i], ['date', /date/i], ['xmp', /XMP/],
	['videometa', /video metadata/i], ['other', /other/i]];

function fail(code, detail) {
	const e = new Error(code);
	e.code = code;
	e.detail = detail;
	return e;
}

async function decode(file) {
	if (window.createImageBitmap) {
		try {
			return await createImageBitmap(file, { imageOrientation:
			    'from-image' });
		} catch {
			/* an old browser without the option: the <img> below */
		}
	}
	const url = URL.createObjectURL(file);
	try {
		const img = new Image();
		img.src = url;
		await img.decode();
		return img;
	} finally {
		URL.revokeObjectURL(url);
	}
}

// A canvas of src scaled to fit max px on its long side (never larger).
function drawn(src, max) {
	const w0 = src.videoWidth || src.naturalWidth || src.width;
	const h0 = src.videoHeight || src.naturalHeight || src.height;
	const s = Math.min(1, max / Math.max(w0, h0));
	const c = document.createElement('canvas');
	c.width = Math.max(1, Math.round(w0 * s));
	c.height = Math.max(1, Math.round(h0 * s));
	const g = c.getContext('2d');
	g.fillStyle = '#fff';		// a transparent PNG on white, not black
	g.fillRect(0, 0, c.width, c.height);
	g.imageSmoothingQuality = 'high';
	g.drawImage(src, 0, 0, c.width, c.height);
	return c;
}

async function encode(canvas, steps) {
	let bytes = null;
	for (const [q, fits] of steps) {
		const blob = await new Promise((r) => canvas.toBlob(r, 'image/jpeg',
		    q));
		if (!blob || blob.type !== 'image/jpeg')
			throw fail('encode');
		bytes = new Uint8Array(await blob.arrayBuffer());
		if (bytes.length <= fits)
			break;
	}
	// What the canvas made must hold nothing but the picture.
	if (imageFacts(bytes).found.length > 0)
		throw fail('encode');
	return { bytes, mime: 'image/jpeg', width: canvas.width, height:
	    canvas.height, x: await sha256HexAsync(bytes) };
}

async function photo(file, orig) {
	const facts = imageFacts(orig);
	const src = await decode(file);
	const full = drawn(src, FULL_PX);
	src.close?.();
	const thumb = drawn(full, THUMB_PX);
	return { kind: 'image', found: facts.found, known: facts.known,
	    full: await encode(full, FULL_Q), thumb: await encode(thumb,
	    THUMB_Q) };
}

// A frame of the video as its thumbnail, or null if this browser cannot
// play it.
function frame(bytes, mime) {
	return new Promise((resolve) => {
		const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
		const v = document.createElement('video');
		let done = false;
		const end = (r) => {
			if (done)
				return;
			done = true;
			clearTimeout(timer);
			v.removeAttribute('src');
			v.load();
			URL.revokeObjectURL(url);
			resolve(r);
		};
		const timer = setTimeout(() => end(null), 8000);
		v.muted = true;
		v.playsInline = true;
		v.preload = 'auto';
		v.addEventListener('error', () => end(null));
		v.addEventListener('loadeddata', () => {
			v.currentTime = Math.min(0.5, (v.duration || 0) / 2);
		});
		v.addEventListener('seeked', () => {
			if (!v.videoWidth)
				return end(null);
			encode(drawn(v, THUMB_PX), THUMB_Q).then((t) => end({ ...t,
			    vw: v.videoWidth, vh: v.videoHeight }), () => end(null));
		});
		v.src = url;
	});
}

async function video(file, orig) {
	let out = null, problem = '';
	try {
		out = mp4Strip(orig);
	} catch (e) {
		problem = e.code ?? 'MEDIA_FORMAT';
	}
	const bytes = out ? out.bytes : orig;
	const mime = out ? out.mime : file.type && /^video\//.test(file.type) ?
	    file.type : 'application/octet-stream';
	const found = out ? VIDEO_WORDS.filter(([, re]) => out.removed.some((w) =>
	    re.test(w))).map(([k]) => k) : [];
	const thumb = await frame(bytes, mime);
	return { kind: 'video', found, known: !!out, problem, full: { bytes,
	    mime, width: out?.width || thumb?.vw || 0, height: out?.height ||
	    thumb?.vh || 0, x: await sha256HexAsync(bytes) }, thumb };
}

// file (a File from the picker) -> {kind ('image' or 'video'), found (what
// was removed: exif.js FOUND keys, and 'videometa'), known (false: a
// format the page cannot read through, or a video not stripped), problem
// (a video that could not be stripped: mp4strip.js's code), full and
// thumb ({bytes, mime, width, height, x}; thumb may be null for a video),
// ox (the original's sha256), size (the original's)}.  Throws an Error
// with code 'too_big', 'unknown' or 'encode'.
export async function prepare(file, progress) {
	if (file.size > VIDEO_MAX)
		throw fail('too_big', VIDEO_MAX);
	const orig = new Uint8Array(await file.arrayBuffer());
	const isImage = imageType(orig) !== '' || (/^image\//.test(file.type) &&
	    !mp4Sniff(orig));
	if (!isImage && !/^video\//.test(file.type) && !mp4Sniff(orig))
		throw fail('unknown');
	if (isImage && orig.length > IMAGE_MAX)
		throw fail('too_big', IMAGE_MAX);
	const ox = await sha256HexAsync(orig, progress);
	let r;
	try {
		r = isImage ? await photo(file, orig) : await video(file, orig);
	} catch (e) {
		throw e.code ? e : fail('unknown');
	}
	return { ...r, ox, size: orig.length };
}
