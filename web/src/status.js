// status.js: what /api/status/<id> says about a post beyond this node, in
// a shape the page shows.  The node answers {"id", "stored", "peers":
// [{"name","how"}], "relays": [{"url","ok","reason"}]}, how being
// received, accepted, sent or refused; until it knows the route it
// answers 404, which means "unknown".  Pure.

export const POLL_INTERVAL_MS = 5000;
export const POLL_DURATION_MS = 120000;

// Returns {stored, peers, relaysOk, relaysRefused, reasons} from the
// parsed JSON body, or null if it is not a status for id.
export function summarizeStatus(body, id) {
	if (body === null || typeof body !== 'object' || body.id !== id)
		return null;
	const peers = Array.isArray(body.peers) ? body.peers : [];
	const relays = Array.isArray(body.relays) ? body.relays : [];
	const names = new Set();
	// A peer that refused it does not hold it; "sent" went to a node
	// that called this one and read it from here.
	for (const p of peers)
		if (p && typeof p.name === 'string' && p.how !== 'refused')
			names.add(p.name);
	let ok = 0, refused = 0;
	const reasons = [];
	for (const r of relays) {
		if (!r || typeof r !== 'object')
			continue;
		if (r.ok === true)
			ok++;
		else if (r.ok === false) {
			refused++;
			if (typeof r.reason === 'string' && r.reason)
				reasons.push(r.reason);
		}
	}
	return { stored: body.stored === true, peers: names.size,
	    relaysOk: ok, relaysRefused: refused, reasons };
}

// The status URL for an event id, relative to the page.
export function statusPath(id) {
	return '/api/status/' + id;
}
