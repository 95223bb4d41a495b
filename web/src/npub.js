// npub.js: a public key as an npub (NIP-19, bech32), and its short form
// for lists, without the crypto libraries: every card shows one, and the
// page draws its first cards before those libraries are loaded
// (late.js).  Pure; the unit test checks it against nostr-tools.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function polymod(values) {
	let chk = 1;
	for (const v of values) {
		const b = chk >>> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ v;
		for (let i = 0; i < 5; i++)
			if ((b >>> i) & 1)
				chk ^= GEN[i];
	}
	return chk >>> 0;
}

// bech32 of hrp and the bytes of hex (BIP-173 checksum, as NIP-19).
export function bech32Hex(hrp, hex) {
	const data = [];
	let acc = 0, bits = 0;
	for (let i = 0; i < hex.length; i += 2) {
		acc = (acc << 8) | parseInt(hex.slice(i, i + 2), 16);
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			data.push((acc >>> bits) & 31);
		}
		acc &= 0xff;
	}
	if (bits > 0)
		data.push((acc << (5 - bits)) & 31);
	const codes = [...hrp].map((c) => c.charCodeAt(0));
	const pm = polymod([...codes.map((c) => c >> 5), 0,
	    ...codes.map((c) => c & 31), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
	let out = hrp + '1';
	for (const d of data)
		out += CHARSET[d];
	for (let i = 0; i < 6; i++)
		out += CHARSET[(pm >>> (5 * (5 - i))) & 31];
	return out;
}

export function npubOf(pubkeyHex) {
	return bech32Hex('npub', pubkeyHex);
}

// npub1abcd…wxyz
export function shortNpub(pubkeyHex) {
	const n = npubOf(pubkeyHex);
	return n.slice(0, 9) + '…' + n.slice(-4);
}
