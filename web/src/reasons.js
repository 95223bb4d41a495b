// reasons.js: what a relay's refusal means, for people.  NIP-01 OK and
// CLOSED messages start their reason with a machine-readable prefix
// ("blocked: ...", "rate-limited: ..."); this maps the prefix to the key of
// a plain-words sentence in the i18n table and keeps the relay's own text
// so the page can show it too.  Pure.

const PREFIXES = {
	'invalid': 'reason_invalid',
	'duplicate': 'reason_duplicate',
	'blocked': 'reason_blocked',
	'rate-limited': 'reason_rate_limited',
	'pow': 'reason_pow',
	'restricted': 'reason_restricted',
	'auth-required': 'reason_auth_required',
	'error': 'reason_error',
	'mute': 'reason_blocked',
	'unsupported': 'reason_unsupported',
	'closed': 'reason_error',
};

// Returns {key, prefix, detail}: the i18n key of the plain sentence, the
// prefix found ('' if none) and the text after it.
export function explainReason(reason) {
	const r = String(reason ?? '');
	const m = /^([a-z-]+):\s?(.*)$/s.exec(r);
	if (m && Object.hasOwn(PREFIXES, m[1]))
		return { key: PREFIXES[m[1]], prefix: m[1], detail: m[2] };
	return { key: 'reason_unknown', prefix: '', detail: r };
}

export const REASON_KEYS = [...new Set(Object.values(PREFIXES)),
    'reason_unknown'];
