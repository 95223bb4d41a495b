// time.js: how old a report is, in words, and its date, in English,
// Russian and Kazakh, by hand.  Browsers on phones often have no Kazakh
// data for Intl.RelativeTimeFormat (they print "-1 min") or for month
// names, and an Intl formatter made per card was the slowest thing at
// start; these few words need neither.  Pure: the clock is passed in.

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

// Words for N units ago or ahead, by language: plural forms as CLDR
// has them (see i18n.js pluralForm), in the past and in the future.
const UNITS = {
	en: {
		minute: ['minute', 'minutes'], hour: ['hour', 'hours'],
		day: ['day', 'days'],
	},
	ru: {
		minute: ['минуту', 'минуты', 'минут'], hour: ['час', 'часа', 'часов'],
		day: ['день', 'дня', 'дней'],
	},
};
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug',
    'Sep', 'Oct', 'Nov', 'Dec'];
const RU_MONTHS = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня',
    'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];

function ruForm(n, forms) {
	const a = n % 10, b = n % 100;
	if (a === 1 && b !== 11)
		return forms[0];
	if (a >= 2 && a <= 4 && (b < 12 || b > 14))
		return forms[1];
	return forms[2];
}

export function relative(lang, value, unit) {
	if (lang === 'kk')
		return kkRelative(value, unit);
	const n = Math.abs(value);
	if (lang === 'ru') {
		if (unit === 'day' && value === -1)
			return 'вчера';
		if (unit === 'day' && value === 1)
			return 'завтра';
		const w = ruForm(n, UNITS.ru[unit]);
		return value < 0 ? `${n} ${w} назад` : `через ${n} ${w}`;
	}
	if (unit === 'day' && value === -1)
		return 'yesterday';
	if (unit === 'day' && value === 1)
		return 'tomorrow';
	const w = UNITS.en[unit][n === 1 ? 0 : 1];
	return value < 0 ? `${n} ${w} ago` : `in ${n} ${w}`;
}

// A date in lang, in the phone's time zone: "12 Jan 2026, 14:05",
// "12 января 2026, 14:05", "12 қаңтар 2026, 14:05".
export function dateText(lang, d, withTime = true) {
	if (lang === 'kk')
		return kkDate(d, withTime);
	const m = (lang === 'ru' ? RU_MONTHS : EN_MONTHS)[d.getMonth()];
	const s = `${d.getDate()} ${m} ${d.getFullYear()}`;
	return withTime ? `${s}, ${pad(d.getHours())}:${pad(d.getMinutes())}` :
	    s;
}

// Returns {ago(ts, nowMs), date(ts), full(ts)} for lang: ago in words for
// the last (or next) week, else the date.  nowText: the language's "just
// now".  No Intl: phones lack its Kazakh data, and making its formatters
// was the slowest thing at start.
export function makeTimeFormat(lang, nowText) {
	const full = (ts) => dateText(lang, new Date(ts * 1000), true);
	const date = (ts) => dateText(lang, new Date(ts * 1000), false);
	const ago = (ts, nowMs) => {
		const s = Math.round(ts - nowMs / 1000);
		if (Math.abs(s) >= 7 * 86400)
			return date(ts);
		const p = relativeParts(s);
		return p === null ? nowText : relative(lang, p.value, p.unit);
	};
	return { ago, date, full };
}
