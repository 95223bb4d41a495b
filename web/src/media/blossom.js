// media/blossom.js: the shapes of photos and videos on Nostr and Blossom,
// without DOM or network.  The kind 24242 authorization of an upload
// (BUD-11: t=upload, an x tag per blob, an expiration) and its
// "Authorization: Nostr <base64url>" header; the blob descriptor the node
// answers (BUD-02) checked against what was sent; the NIP-92 imeta tag
// with NIP-94 fields (url, m, x, ox, size, dim, thumb, alt) and the URL in
// the content; reading them back from any client's event (imeta, or a
// bare URL ending in a sha256, NIP-B7), and the words for a refused
// upload by its HTTP status.  Pure: the unit tests import it.

export const AUTH_KIND = 24242;
export const AUTH_TTL = 3600;		// seconds an upload's authorization lasts:
				// a video on a slow Wi-Fi takes minutes
export const MEDIA_MAX = 4;		// attachments on one post
export const ALT_MAX = 300;		// letters of a description
const SHOWN_MAX = 8;			// media read from one event
const HEX64 = /^[0-9a-f]{64}$/;

export const EXT = {
	'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp',
	'image/gif': 'gif', 'video/mp4': 'mp4', 'video/quicktime': 'mov',
	'video/webm': 'webm',
};
const BY_EXT = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png',
	webp: 'image/webp', gif: 'image/gif', mp4: 'video/mp4',
	mov: 'video/quicktime', webm: 'video/webm', m4v: 'video/mp4' };

// The unsigned authorization for uploading the blobs named by hashes
// (one signature for all the blobs of a post).  now: unix seconds by the
// node's clock; created a little in the past, as BUD-11 wants it.
export function uploadAuthTemplate(hashes, now) {
	return { kind: AUTH_KIND, created_at: now - 1, content: 'Upload media',
	    tags: [['t', 'upload'], ...hashes.map((x) => ['x', x]),
		['expiration', String(now + AUTH_TTL)]] };
}

// The Authorization header for a signed kind 24242 event: base64url of its
// JSON, no padding.
export function authHeader(ev) {
	const bytes = new TextEncoder().encode(JSON.stringify(ev));
	let bin = '';
	for (let i = 0; i < bytes.length; i += 8192)
		bin += String.fromCharCode(...bytes.subarray(i, i + 8192));
	return 'Nostr ' + btoa(bin).replace(/\+/g, '-').replace(/\//g, '_')
	    .replace(/=+$/, '');
}

// The node's answer to PUT /upload, checked: {url, sha256, size, type,
// public} or null if it is not a descriptor of the blob sent (hash,
// size).  public: the URL to put in a report, from BUD-08's nip94 (the
// node names where its bridge will put the blob, docs/blobs.md), else
// url.
export function checkDescriptor(d, sha256, size) {
	if (d === null || typeof d !== 'object' || d.sha256 !== sha256 ||
	    (d.size !== undefined && d.size !== size) ||
	    typeof d.url !== 'string' || hashOf(d.url) !== sha256)
		return null;
	const n = Array.isArray(d.nip94) ? d.nip94.find((t) => Array.isArray(t) &&
	    t[0] === 'url' && typeof t[1] === 'string') : null;
	const pub = n && /^https?:\/\/[^\s]+$/.test(n[1]) && hashOf(n[1]) ===
	    sha256 ? n[1] : d.url;
	return { url: d.url, sha256, size, type: typeof d.type === 'string' ?
	    d.type : '', public: pub };
}

// The sha256 a Blossom URL names: the last path segment of 64 hex digits
// (with or without an extension), or null.
export function hashOf(url) {
	const m = /\/([0-9a-f]{64})(?:\.[a-z0-9]{1,5})?(?:[?#].*)?$/.exec(
	    String(url));
	return m ? m[1] : null;
}

// A description as imeta carries it: one line, bounded.
export function cleanAlt(s) {
	return [...String(s ?? '').replace(/\s+/g, ' ').trim()].slice(0,
	    ALT_MAX).join('');
}

// The NIP-92 imeta tag of one attachment: {url, mime, x, ox, size, width,
// height, thumb (a URL), alt}.
export function imetaTag(a) {
	const t = ['imeta', 'url ' + a.url, 'm ' + a.mime, 'x ' + a.x];
	if (a.ox)
		t.push('ox ' + a.ox);
	t.push('size ' + a.size);
	if (a.width > 0 && a.height > 0)
		t.push('dim ' + a.width + 'x' + a.height);
	if (a.thumb)
		t.push('thumb ' + a.thumb);
	const alt = cleanAlt(a.alt);
	if (alt)
		t.push('alt ' + alt);
	return t;
}

// The content of a post with attachments: the text, then each URL on its
// own line, so clients without imeta show them as links.
export function contentWith(text, urls) {
	return [text, ...urls].filter((s) => s).join('\n');
}

function kindOf(mime) {
	return /^image\//.test(mime) ? 'image' : /^video\//.test(mime) ?
	    'video' : '';
}

function fields(tag) {
	const f = {};
	for (const s of tag.slice(1)) {
		const i = s.indexOf(' ');
		if (i > 0 && !(s.slice(0, i) in f))
			f[s.slice(0, i)] = s.slice(i + 1);
	}
	return f;
}

const URL_RE = /https?:\/\/[^\s<>"]+\/([0-9a-f]{64})(?:\.([a-z0-9]{1,5}))?(?=[\s)]|$)/g;

// The photos and videos of ev that the page can show by hash: from imeta
// tags (NIP-92), then from bare URLs in the content that end in a sha256
// with a picture or video extension (NIP-B7).  Each: {url, x, mime, kind
// ('image' or 'video'), size (0 if unknown), width, height, thumb (the
// thumbnail's sha256 or null), alt}.  At most 8, no hash twice.
export function mediaOf(ev) {
	const out = [], seen = new Set();
	for (const t of ev.tags) {
		if (t[0] !== 'imeta' || out.length >= SHOWN_MAX)
			continue;
		const f = fields(t);
		const x = HEX64.test(f.x ?? '') ? f.x : hashOf(f.url ?? '');
		if (!x || seen.has(x) || typeof f.url !== 'string')
			continue;
		const ext = /\.([a-z0-9]{1,5})(?:[?#].*)?$/.exec(f.url);
		const mime = typeof f.m === 'string' && kindOf(f.m) ? f.m :
		    ext && BY_EXT[ext[1]] ? BY_EXT[ext[1]] : '';
		if (!kindOf(mime))
			continue;
		const dim = /^(\d{1,5})x(\d{1,5})$/.exec(f.dim ?? '');
		const size = /^\d{1,12}$/.test(f.size ?? '') ? Number(f.size) : 0;
		seen.add(x);
		out.push({ url: f.url, x, mime, kind: kindOf(mime), size,
		    width: dim ? Number(dim[1]) : 0, height: dim ? Number(dim[2]) :
		    0, thumb: f.thumb ? hashOf(f.thumb) : null, alt: cleanAlt(
		    f.alt) });
	}
	for (const m of ev.content.matchAll(URL_RE)) {
		const x = m[1], mime = BY_EXT[m[2] ?? ''] ?? '';
		if (out.length >= SHOWN_MAX || seen.has(x) || !kindOf(mime))
			continue;
		seen.add(x);
		out.push({ url: m[0], x, mime, kind: kindOf(mime), size: 0,
		    width: 0, height: 0, thumb: null, alt: '' });
	}
	return out;
}

// The content without the URLs of media the card shows itself (each on
// its own, with the blank it leaves).
export function hideMediaUrls(content, media) {
	let s = content;
	for (const m of media)
		s = s.split(m.url).join('');
	return media.length ? s.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g,
	    '\n\n').trim() : s;
}

// The i18n key that says why an upload was refused, by its HTTP status
// (BUD-02, BUD-06, docs/blobs.md) and the prefix of its X-Reason (words
// from the node's error table, as the relay's OK reasons); 0: the
// connection failed.  The reason picks words only, never what happens.
export function uploadReason(status, reason = '') {
	const prefix = /^([a-z-]+):/.exec(String(reason ?? ''))?.[1] ?? '';
	if (status === 415 && prefix === 'blocked')
		return 'up_metadata';
	if (prefix === 'rate-limited' || status === 429)
		return 'up_rate';
	switch (status) {
	case 0: return 'up_dropped';
	case 401: return 'up_auth';
	case 403: return 'up_forbidden';
	case 404: case 405: case 501: return 'up_none';
	case 409: return 'up_mismatch';
	case 413: return 'up_too_big';
	case 415: case 422: return 'up_type';
	case 503: return 'up_busy';
	case 507: return 'up_full';
	default: return status >= 500 ? 'up_error' : 'up_bad';
	}
}
