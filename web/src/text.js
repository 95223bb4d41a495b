// text.js: hashtags in the text of a report.  A hashtag is '#' followed by
// letters (any script: #Алматы counts), digits or '_', with at least one
// letter, not glued to a word or a path before it ("a#b", "x/#y" are not
// tags).  Tags go into "t" tags in lower case, as NIP-24 asks, and the page
// renders them as links.  Pure.

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
