// time.js: how old a report is, in words, and its date, in English,
// Russian and Kazakh.  Browsers on phones often have no Kazakh data for
// Intl.RelativeTimeFormat (they print "-1 min") or for month names, so
// Kazakh is done here by hand, suffixes and all; English and Russian use
// Intl, made once per language and kept (a formatter per card was the
// slowest thing at start).  Pure: the clock is passed in.

const KK_MONTHS = ['қаңтар', 'ақпан', 'наурыз', 'сәуір', 'мамыр', 'маусым',
    'шілде', 'тамыз', 'қыркүйек', 'қазан', 'қараша', 'желтоқсан'];
// Kazakh units with their ablative ("from", for "in N ...") suffix, which
// follows the last sound: -нан/-нен after a nasal, -тан/-тен after a
// voiceless consonant, -дан/-ден otherwise.
const KK_UNITS = { minute: ['минут', 'минуттан'], hour: ['сағат',
    'сағаттан'], day: ['күн', 'күннен'] };
const KK_NOW = 'жаңа ғана', KK_YESTERDAY = 'кеше', KK_TOMORROW = 'ертең';

const pad = (n) => (n < 10 ? '0' : '') + n;

// "5 минут бұрын", "2 сағаттан кейін", "кеше".
export function kkRelative(value, unit) {
	if (unit === 'day' && value === -1)
		return KK_YESTERDAY;
	if (unit === 'day' && value === 1)
		return KK_TOMORROW;
	const [word, from] = KK_UNITS[unit];
	const n = Math.abs(value);
	return value < 0 ? `${n} ${word} бұрын` : `${n} ${from} кейін`;
}

// "12 қаңтар 2026, 14:05" in the phone's time zone.
export function kkDate(d, withTime = true) {
	const s = `${d.getDate()} ${KK_MONTHS[d.getMonth()]} ${d.getFullYear()}`;
	return withTime ? `${s}, ${pad(d.getHours())}:${pad(d.getMinutes())}` :
	    s;
}

// Which unit and signed value to say for a difference of s seconds
// (negative: in the past), or null for "just now".
export function relativeParts(s) {
	const a = Math.abs(s);
	if (a < 45)
		return null;
	if (a < 3600)
		return { value: Math.round(s / 60) || Math.sign(s), unit: 'minute' };
	if (a < 86400)
		return { value: Math.round(s / 3600) || Math.sign(s), unit: 'hour' };
	return { value: Math.round(s / 86400) || Math.sign(s), unit: 'day' };
}

// Returns {ago(ts, nowMs), date(ts), full(ts)} for lang.  ago: words for
// the last (or next) week, else the date.  nowText: the language's "just
// now".  I: the Intl object (tests pass a stub).
export function makeTimeFormat(lang, nowText, I = globalThis.Intl) {
	let rtf = null, dtf = null, dtfDay = null;
	if (lang !== 'kk') {
		try {
			rtf = new I.RelativeTimeFormat(lang, { numeric: 'auto' });
			dtf = new I.DateTimeFormat(lang, { dateStyle: 'medium',
			    timeStyle: 'short' });
			dtfDay = new I.DateTimeFormat(lang, { dateStyle: 'medium' });
		} catch {
			rtf = dtf = dtfDay = null;
		}
	}
	const full = (ts) => {
		const d = new Date(ts * 1000);
		if (lang === 'kk' || !dtf)
			return kkOrIso(lang, d, true);
		return dtf.format(d);
	};
	const date = (ts) => {
		const d = new Date(ts * 1000);
		if (lang === 'kk' || !dtfDay)
			return kkOrIso(lang, d, false);
		return dtfDay.format(d);
	};
	const ago = (ts, nowMs) => {
		const s = Math.round(ts - nowMs / 1000);
		if (Math.abs(s) >= 7 * 86400)
			return date(ts);
		const p = relativeParts(s);
		if (p === null)
			return nowText;
		if (lang === 'kk' || !rtf)
			return lang === 'kk' ? kkRelative(p.value, p.unit) :
			    `${p.value} ${p.unit}`;
		return rtf.format(p.value, p.unit);
	};
	return { ago, date, full };
}

function kkOrIso(lang, d, withTime) {
	if (lang === 'kk')
		return kkDate(d, withTime);
	const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
	return withTime ? `${s} ${pad(d.getHours())}:${pad(d.getMinutes())}` : s;
}
