// witness/late.js: what the vouch flow needs from the late script
// (crypto.js): an npub read back to its hex key, with nostr-tools' NIP-19
// decoder (checksum checked).
import { decode } from 'nostr-tools/nip19';

// The hex public key of an npub, or null if it is not one.
export function npubToHex(s) {
	try {
		const d = decode(String(s));
		return d.type === 'npub' && /^[0-9a-f]{64}$/.test(d.data) ? d.data :
		    null;
	} catch {
		return null;
	}
}
