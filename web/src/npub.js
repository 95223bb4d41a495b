// npub.js: a public key as an npub (NIP-19, bech32), and its short form
// for lists, without the crypto libraries: every card shows one, and the
// page draws its first cards before those libraries are loaded
// (late.js).  Pure; the unit test checks it against nostr-tools.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GEN = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

function step(chk, v) {
	const b = chk >>> 25;
	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (let i = 0; i < 5; i++)
		if ((b >>> i) & 1)
			chk ^= GEN[i];
	return chk;
}

// bech32 of hrp and the bytes of hex (BIP-173 checksum, as NIP-19).  A
// plain loop: every card shows one, on slow phones.
export function bech32Hex(hrp, hex) {
	let chk = 1;
	for (let i = 0; i < hrp.length; i++)
		chk = step(chk, hrp.charCodeAt(i) >> 5);
	chk = step(chk, 0);
	for (let i = 0; i < hrp.length; i++)
		chk = step(chk, hrp.charCodeAt(i) & 31);
	let out = hrp + '1';
	let acc = 0, bits = 0;
	const put = (d) => {
		chk = step(chk, d);
		out += CHARSET[d];
	};
	for (let i = 0; i < hex.length; i += 2) {
		acc = ((acc << 8) | parseInt(hex.substr(i, 2), 16)) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			put((acc >>> bits) & 31);
		}
	}
	if (bits > 0)
		put((acc << (5 - bits)) & 31);
	for (let i = 0; i < 6; i++)
		chk = step(chk, 0);
	chk = (chk ^ 1) >>> 0;
	for (let i = 0; i < 6; i++)
		out += CHARSET[(chk >>> (5 * (5 - i))) & 31];
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
