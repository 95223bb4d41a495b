// webcrypto.mjs: the global `crypto` (Web Crypto) for Node.js 18, which
// Debian 12 ships.  nostr-tools and @noble call globalThis.crypto
// (getRandomValues, subtle); browsers and Node 19 and later define it,
// Node 18 only behind --experimental-global-webcrypto.  Where it is missing
// this defines it as node:crypto's webcrypto, the object later Node
// versions put there; elsewhere it does nothing.
//
// The Node.js tests that sign or make keys import this before those
// packages: test/relay/deps.mjs (so the relay and mesh tests),
// test/interop/canon.mjs, test/web/page.test.mjs and
// web/test/identity.test.mjs.

import { webcrypto } from 'node:crypto';

if (globalThis.crypto === undefined) {
	Object.defineProperty(globalThis, 'crypto', {
		value: webcrypto, enumerable: true, configurable: true,
		writable: true,
	});
}
