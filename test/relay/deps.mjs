// deps.mjs: the npm packages the relay tests use, loaded from
// test/interop/node_modules (the one npm project for node tests; run.sh
// installs it).  Bare imports in an ES module resolve from the importing
// file's own directory, and NODE_PATH does not apply to ES modules, so this
// file finds each package's ES module entry point ("import" condition of
// its package.json "exports") under test/interop and imports it by URL.
// Everything else imports the packages from here.

import '../webcrypto.mjs';	// before the packages, for Node 18
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const INTEROP = fileURLToPath(new URL('../interop/', import.meta.url));
const NM = join(INTEROP, 'node_modules');
const require = createRequire(join(INTEROP, 'package.json'));

function pick(ex) {
	while (ex !== null && typeof ex === 'object' && !Array.isArray(ex))
		ex = ex.import ?? ex.node ?? ex.default;
	return typeof ex === 'string' ? ex : null;
}

// The file that `import spec` would load if this file lived in test/interop.
function entry(spec) {
	const parts = spec.split('/');
	const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') :
	    parts[0];
	const sub = '.' + spec.slice(name.length);
	let pj;
	try {
		pj = JSON.parse(readFileSync(join(NM, name, 'package.json'),
		    'utf8'));
	} catch {
		throw new Error(`relay tests: ${name} is not installed in ` +
		    `${NM}; run 'npm ci' in test/interop (run.sh does this)`);
	}
	let ex = pj.exports;
	if (typeof ex === 'string' || Array.isArray(ex))
		ex = { '.': ex };
	const rel = ex ? pick(ex[sub]) : null;
	if (rel !== null)
		return join(NM, name, rel);
	return require.resolve(spec);	/* no exports map: Node's own rules */
}

async function load(spec) {
	return import(pathToFileURL(entry(spec)).href);
}

const wsMod = await load('ws');
const relayMod = await load('nostr-tools/relay');
const pureMod = await load('nostr-tools/pure');
const wasmMod = await load('nostr-tools/wasm');
const nostrWasmMod = await load('nostr-wasm');
// nip77 is not in nostr-tools' export map: load its ES module by path.
const nip77Mod = await import(pathToFileURL(join(INTEROP,
    'node_modules/nostr-tools/lib/esm/nip77.js')).href);

export const WebSocket = wsMod.default;
export const WebSocketServer = wsMod.WebSocketServer;
export const { Relay, useWebSocketImplementation } = relayMod;
export const { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent,
    getEventHash } = pureMod;
export const wasm = wasmMod;
export const { initNostrWasm } = nostrWasmMod;
export const { Negentropy, NegentropySync, NegentropyStorageVector } =
    nip77Mod;
export const nip45 = await import(pathToFileURL(join(INTEROP,
    'node_modules/nostr-tools/lib/esm/nip45.js')).href);
export const blossom = await load('blossom-client-sdk');
