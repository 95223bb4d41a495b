// clock.js: the phone's clock against the node's.  Phones that were
// offline for days keep drifting, and a report dated far from the node's
// time is refused (NIP-01 created_at window).  The node says its time at
// GET /api/time; a report is dated by the phone unless the two differ by
// more than CLOCK_TRUST_S, and then by the node, and the page says so.
// Pure.

export const CLOCK_TRUST_S = 600;

// Seconds to add to the phone's clock to get the node's; 0 when the
// answer makes no sense.  nodeNow: unix seconds; phoneMs: Date.now() when
// the answer came.
export function clockOffset(nodeNow, phoneMs) {
	if (!Number.isSafeInteger(nodeNow) || nodeNow <= 0)
		return 0;
	return Math.round(nodeNow - phoneMs / 1000);
}

// Unix seconds to date a report with.
export function postTime(phoneMs, offset) {
	const t = Math.floor(phoneMs / 1000);
	return Math.abs(offset) > CLOCK_TRUST_S ? t + offset : t;
}

// What to tell the person: null when the phone's clock is fine, else the
// i18n key and its count (minutes up to two hours, then hours).
export function clockNotice(offset) {
	const a = Math.abs(offset);
	if (a <= CLOCK_TRUST_S)
		return null;
	if (a < 7200)
		return { key: 'clock_off_min', n: Math.round(a / 60) };
	return { key: 'clock_off_h', n: Math.round(a / 3600) };
}
