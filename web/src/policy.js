// policy.js: what the node says of its defence that the page acts on,
// read defensively (any JSON may come back).  NIP-11's
// limitation.min_pow_difficulty and /api/node's policy.difficulty: the
// proof of work (NIP-13) asked now of keys the node does not know;
// /api/node's policy.disk.low: the disk is nearly full and the node takes
// nothing more (docs/threat-model.md).  Pure.

const bits = (v) => Number.isSafeInteger(v) && v >= 0 && v <= 64 ? v : 0;

// The difficulty a NIP-11 document asks for, 0 for none.
export function nip11Pow(info) {
	return bits(info?.limitation?.min_pow_difficulty);
}

// {difficulty, diskLow} from GET /api/node's answer; null where it says
// nothing (an older node, no policy).
export function readPolicy(node) {
	const p = node?.policy;
	if (!p || typeof p !== 'object')
		return null;
	return { difficulty: bits(p.difficulty), diskLow: p.disk?.low === true };
}
