// witness/scan.js: reading a QR code from a photo, for the vouch flow.
// A plain-http page on a LAN gets no camera stream (getUserMedia needs a
// secure context), but a file input with capture opens the camera and
// hands over the photo.  The photo is drawn scaled down (a phone's 12 MP
// photo would take seconds) and given to jsQR (npm jsqr 1.4.0,
// Apache-2.0); tried at two sizes, since a small QR code in a big photo
// needs more pixels.  Loaded with the late script, and only when a photo
// comes (crypto.js scanner()).

import jsQR from 'jsqr';

const SIZES = [800, 1400];

// The photo decoded: createImageBitmap reads the file itself, so no URL
// is loaded (the page's CSP allows images from 'self' and data: only);
// without it, a data: URL.
async function loadImage(file) {
	if (typeof createImageBitmap === 'function') {
		try {
			const bm = await createImageBitmap(file);
			return { src: bm, w: bm.width, h: bm.height };
		} catch {
			throw new Error('not an image');
		}
	}
	const url = await new Promise((resolve, reject) => {
		const r = new FileReader();
		r.onload = () => resolve(r.result);
		r.onerror = () => reject(new Error('not readable'));
		r.readAsDataURL(file);
	});
	const img = await new Promise((resolve, reject) => {
		const i = new Image();
		i.onload = () => resolve(i);
		i.onerror = () => reject(new Error('not an image'));
		i.src = url;
	});
	return { src: img, w: img.naturalWidth, h: img.naturalHeight };
}

// The text of the first QR code found in the photo, or null.
export async function decodeImageFile(file) {
	const img = await loadImage(file);
	const w0 = img.w, h0 = img.h;
	if (!w0 || !h0)
		return null;
	for (const max of SIZES) {
		const k = Math.min(1, max / Math.max(w0, h0));
		const w = Math.max(1, Math.round(w0 * k));
		const h = Math.max(1, Math.round(h0 * k));
		const c = document.createElement('canvas');
		c.width = w;
		c.height = h;
		const g = c.getContext('2d', { willReadFrequently: true });
		g.drawImage(img.src, 0, 0, w, h);
		const data = g.getImageData(0, 0, w, h);
		const r = jsQR(data.data, w, h, { inversionAttempts: 'attemptBoth' });
		if (r && typeof r.data === 'string' && r.data.length > 0) {
			img.src.close?.();
			return r.data;
		}
		if (k === 1)
			break;
	}
	img.src.close?.();
	return null;
}
