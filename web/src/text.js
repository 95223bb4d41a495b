// text.js: hashtags in the text of a report.  A hashtag is '#' followed by
// letters (any script: #Алматы counts), digits or '_', with at least one
// letter, not glued to a word or a path before it ("a#b", "x/#y" are not
// tags).  Tags go into "t" tags in lower case, as NIP-24 asks, and the page
// renders them as links.  Also how hostile text is defused before it is
// shown (bidi controls, blank lines, folding) and UTF-8 lengths.  Pure.

export const MAX_TAGS = 10;
export const MAX_TAG_LENGTH = 64;

const TAG = /(^|[^\p{L}\p{N}_&/#])#([\p{L}\p{M}\p{N}_]+)/gu;
const HAS_LETTER = /\p{L}/u;

// Splits text into segments {text} and {tag, text} (text with the '#',
// tag lower-cased), in order; joining the texts gives text back.
export function splitHashtags(text) {
	const out = [];
	let last = 0;
	TAG.lastIndex = 0;
	for (let m; (m = TAG.exec(text)) !== null;) {
		const name = m[2];
		if (!HAS_LETTER.test(name) || name.length > MAX_TAG_LENGTH)
			continue;
		const start = m.index + m[1].length;
		if (start > last)
			out.push({ text: text.slice(last, start) });
		out.push({ tag: name.toLowerCase(), text: '#' + name });
		last = start + 1 + name.length;
	}
	if (last < text.length)
		out.push({ text: text.slice(last) });
	return out;
}

// The distinct lower-cased hashtags of text, in order of appearance, at
// most MAX_TAGS.
export function extractHashtags(text) {
	const seen = [];
	for (const s of splitHashtags(String(text ?? '')))
		if (s.tag !== undefined && !seen.includes(s.tag) &&
		    seen.length < MAX_TAGS)
			seen.push(s.tag);
	return seen;
}

// Cleans a hashtag typed into the filter: drops a leading '#', trims,
// lower-cases; '' for nothing, null if it is not a usable tag.
export function normalizeHashtag(s) {
	let v = String(s ?? '').trim();
	if (v.startsWith('#'))
		v = v.slice(1);
	v = v.toLowerCase();
	if (v === '')
		return '';
	if (!/^[\p{L}\p{M}\p{N}_]+$/u.test(v) || v.length > MAX_TAG_LENGTH)
		return null;
	return v;
}

// --- hostile text --------------------------------------------------------

// Bidirectional controls: U+202E turns "gnp.exe" into what reads as
// "exe.png".  They are never passed to the DOM: each becomes a visible
// mark ({ctl: 'RLO'}), and every block of content is dir="auto" on its
// own, so one report cannot turn the page's text around.
const BIDI_NAMES = { '\u061c': 'ALM', '\u200e': 'LRM', '\u200f': 'RLM',
    '\u202a': 'LRE', '\u202b': 'RLE', '\u202c': 'PDF', '\u202d': 'LRO',
    '\u202e': 'RLO', '\u2066': 'LRI', '\u2067': 'RLI', '\u2068': 'FSI',
    '\u2069': 'PDI' };
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const HAS_BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

export const FOLD_CHARS = 480;
export const FOLD_LINES = 8;

// Text as it is shown: line ends unified, spaces at line ends dropped,
// blank lines at the start and end removed, and any run of blank lines
// cut to one (29 blank lines made an 830 px card).
export function tidyText(text) {
	return String(text ?? '').replace(/\r\n?/g, '\n')
	    .replace(/[ \t\u00a0]+$/gm, '').replace(/\n{3,}/g, '\n\n')
	    .replace(/^\n+|\n+$/g, '');
}

// Splits tidied text into segments: {text}, {tag, text} (hashtags, as
// splitHashtags) and {ctl} (a bidi control, by its short name).
export function contentSegments(text) {
	const out = [];
	for (const s of splitHashtags(text)) {
		if (s.tag !== undefined || !HAS_BIDI.test(s.text)) {
			out.push(s);
			continue;
		}
		let last = 0;
		BIDI.lastIndex = 0;
		for (let m; (m = BIDI.exec(s.text)) !== null;) {
			if (m.index > last)
				out.push({ text: s.text.slice(last, m.index) });
			out.push({ ctl: BIDI_NAMES[m[0]] });
			last = m.index + 1;
		}
		if (last < s.text.length)
			out.push({ text: s.text.slice(last) });
	}
	return out;
}

// A short line of text for a name or a quote: bidi controls and line
// breaks removed, at most max characters.
export function plainLine(text, max = 60) {
	const s = String(text ?? '').replace(BIDI, '').replace(/\s+/g, ' ')
	    .trim();
	return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

// The part of tidied text a list shows: {text, cut}; cut is true when
// the rest waits behind "more" (past FOLD_CHARS or FOLD_LINES lines).
export function foldText(text, chars = FOLD_CHARS, lines = FOLD_LINES) {
	let end = text.length;
	let nl = -1;
	for (let i = 0; i < lines && nl < text.length; i++) {
		nl = text.indexOf('\n', nl + 1);
		if (nl === -1)
			break;
	}
	if (nl !== -1 && nl < end)
		end = nl;
	if (end > chars) {
		// Cut at a space near the limit, never inside a word.
		const sp = text.lastIndexOf(' ', chars);
		end = sp > chars * 0.7 ? sp : chars;
	}
	if (end >= text.length)
		return { text, cut: false };
	return { text: text.slice(0, end).replace(/\s+$/, '') + '…', cut: true };
}

// UTF-8 bytes of a string, which is what the node's limits count.
export function utf8Length(s) {
	let n = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x80)
			n += 1;
		else if (c < 0x800)
			n += 2;
		else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
			n += 4;
			i++;
		} else
			n += 3;
	}
	return n;
}
