// build.mjs: builds the offline page into ONE self-contained HTML file:
// src/index.html with src/style.css, the bundled, minified src/main.js
// and src/late.js (with the parts of nostr-tools and qrcode-generator it
// uses) inlined.  A Content-Security-Policy meta allows exactly those
// three inline blocks by their sha256 hashes and nothing from any other
// origin.  Prints the raw
// and gzipped sizes and fails if the gzipped page is over the budget the
// C side embeds (150 KB), or if the output would break out of its <script>
// or name another origin.  Beside OUT it writes places.json, the
// gazetteer the page loads lazily (places.mjs), with its own budget
// (240 KB gzipped); the page names it with its hash, so the node can
// serve it as immutable.
//
// Beside OUT it also writes viewer.html, the offline viewer every evidence
// archive carries (src/viewer/, docs/archive.md): one more self-contained
// page, opened from file:// with no network at all, with the slot
// <!--ARCHIVE-DATA--> where samizdat puts the archive's data.
//
// Usage: node web/build.mjs OUT   (after npm ci in web/)

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';

import { buildPlaces } from './places.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const BUDGET = 150 * 1024;
const PLACES_BUDGET = 240 * 1024;

function fail(msg) {
	console.error('build.mjs: ' + msg);
	process.exit(1);
}

const out = process.argv[2];
if (!out || process.argv.length > 3)
	fail('usage: node web/build.mjs OUT');

const src = (f) => readFileSync(join(HERE, 'src', f), 'utf8');
const pkg = JSON.parse(readFileSync(join(HERE, 'package.json'), 'utf8'));

const places = buildPlaces();
const placesHash = createHash('sha256').update(places, 'utf8').digest('hex')
    .slice(0, 16);

// Two scripts: main.js draws the reports; late.js (the key's crypto and
// the QR code) runs after it as a deferred module script, so a slow phone
// shows the first report before parsing secp256k1 and scrypt.
const bundle = async (entry, define = {}) => (await esbuild.build({
	entryPoints: [join(HERE, 'src', entry)],
	bundle: true,
	// WEB_DEBUG=1 keeps the names, for profiling (never for the binary).
	minifyWhitespace: true,
	minifySyntax: true,
	minifyIdentifiers: !process.env.WEB_DEBUG,
	format: 'iife',
	target: 'es2020',
	charset: 'utf8',
	legalComments: 'none',
	write: false,
	logLevel: 'warning',
	define: { PLACES_URL: JSON.stringify('/places.json?v=' + placesHash),
	    ...define },
})).outputFiles[0].text.trim();
// The proof-of-work miner runs in a Web Worker made from its text
// (ui/pow.js): bundled first, then given to main.js as a string.
const worker = await bundle('pow/worker.js');
const js = await bundle('main.js', { POW_WORKER: JSON.stringify(worker) });
const late = await bundle('late.js');
if (/nostr-tools|secp256k1/.test(js))
	fail('main.js pulls in the crypto: it belongs in late.js');

// Roles with a style of their own keep it beside their modules.
const css = (await esbuild.transform(src('style.css') + '\n' +
    src('witness/witness.css'), {
	loader: 'css',
	minify: true,
	target: ['chrome80', 'safari14', 'firefox78'],
})).code.trim();

for (const [name, text, close] of [['script', js, /<\/script|<!--/i],
    ['script', late, /<\/script|<!--/i], ['style', css, /<\/style/i]])
	if (close.test(text))
		fail(`the ${name} would end its inline block early`);

const hash = (s) => "'sha256-" + createHash('sha256').update(s, 'utf8')
    .digest('base64') + "'";
// ws: and wss: because 'self' does not cover the same-origin WebSocket
// in every browser still on phones; the page only ever opens its own host.
const csp = [
	"default-src 'none'",
	`script-src ${hash(js)} ${hash(late)}`,
	`style-src ${hash(css)}`,
	"connect-src 'self' ws: wss:",
	// The proof-of-work worker, from a blob: URL of the page's own text
	// (Safari before 15.5 reads child-src for workers).
	"worker-src blob:",
	"child-src blob:",
	// Photos and videos are shown from blob: URLs, once their bytes
	// (fetched from the node) match their hash.
	"img-src 'self' data: blob:",
	"media-src blob:",
	"base-uri 'none'",
	"form-action 'none'",
].join('; ');

const fill = { CSP: csp, CSS: css, JS: js, LATE: late, VERSION: pkg.version };
// Squeeze the template's own whitespace between tags first: the inlined
// blocks must stay byte for byte what was hashed.
const template = src('index.html').replace(/>\n+</g, '><')
    .replace(/\n+/g, ' ').trim();
const html = template.replace(/\{\{(\w+)\}\}/g, (m, k) => {
	if (!(k in fill))
		fail(`index.html: unknown slot ${m}`);
	return fill[k];
}) + '\n';
if (!html.includes('<script>' + js + '</script>') ||
    !html.includes('<script type="module">' + late + '</script>') ||
    !html.includes('<style>' + css + '</style>'))
	fail('the inlined blocks differ from what was hashed');

// No other origin may be named outside the SVG namespace string.
const urls = html.match(/\b(?:https?|wss?):\/\/[^\s"'`)<>]+/g) ?? [];
const foreign = urls.filter((u) => !u.startsWith('http://www.w3.org/'));
if (foreign.length > 0)
	fail('the page names other origins: ' + [...new Set(foreign)].join(' '));

const gz = gzipSync(Buffer.from(html, 'utf8'), { level: 9 });
const pgz = gzipSync(Buffer.from(places, 'utf8'), { level: 9 });
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, html);
writeFileSync(join(dirname(out), 'places.json'), places);
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
console.log(`${out}: ${kb(Buffer.byteLength(html))} raw, ${kb(gz.length)} ` +
    `gzip (budget ${kb(BUDGET)}); js ${kb(js.length)} + ${kb(late.length)} ` +
    `late, css ${kb(css.length)}`);
console.log(`places.json: ${JSON.parse(places).p.length} places, ` +
    `${kb(Buffer.byteLength(places))} raw, ${kb(pgz.length)} gzip ` +
    `(budget ${kb(PLACES_BUDGET)})`);
if (gz.length > BUDGET)
	fail(`gzipped page is ${gz.length} bytes, over the ${BUDGET} budget`);
if (pgz.length > PLACES_BUDGET)
	fail(`gzipped places are ${pgz.length} bytes, over the ` +
	    `${PLACES_BUDGET} budget`);

// --- the archive viewer ---------------------------------------------------
const VIEWER_BUDGET = 120 * 1024;
const vjs = await bundle('viewer/main.js');
const vcss = (await esbuild.transform(src('viewer/style.css'), {
	loader: 'css',
	minify: true,
	target: ['chrome80', 'safari14', 'firefox78'],
})).code.trim();
for (const [name, text, close] of [['script', vjs, /<\/script|<!--/i],
    ['style', vcss, /<\/style/i]])
	if (close.test(text))
		fail(`the viewer's ${name} would end its inline block early`);
// No network at all: images and videos from the archive's own folder.
const vcsp = [
	"default-src 'none'",
	`script-src ${hash(vjs)}`,
	`style-src ${hash(vcss)}`,
	"img-src file: data: blob:",
	"media-src file: blob:",
	"base-uri 'none'",
	"form-action 'none'",
].join('; ');
const vfill = { CSP: vcsp, CSS: vcss, JS: vjs, VERSION: pkg.version };
const vhtml = src('viewer/index.html').replace(/>\n+</g, '><')
    .replace(/\n+/g, ' ').trim().replace(/\{\{(\w+)\}\}/g, (m, k) => {
	if (!(k in vfill))
		fail(`viewer/index.html: unknown slot ${m}`);
	return vfill[k];
}) + '\n';
if (vhtml.split('<!--ARCHIVE-DATA-->').length !== 2 ||
    !vhtml.includes('<script>' + vjs + '</script>'))
	fail('the viewer needs one <!--ARCHIVE-DATA--> slot and its script');
const vurls = (vhtml.match(/\b(?:https?|wss?):\/\/[^\s"'`)<>]+/g) ?? [])
    .filter((u) => !u.startsWith('http://www.w3.org/'));
if (vurls.length > 0)
	fail('the viewer names other origins: ' + [...new Set(vurls)].join(' '));
const vgz = gzipSync(Buffer.from(vhtml, 'utf8'), { level: 9 });
writeFileSync(join(dirname(out), 'viewer.html'), vhtml);
console.log(`viewer.html: ${kb(Buffer.byteLength(vhtml))} raw, ` +
    `${kb(vgz.length)} gzip (budget ${kb(VIEWER_BUDGET)})`);
if (vgz.length > VIEWER_BUDGET)
	fail(`gzipped viewer is ${vgz.length} bytes, over the ` +
	    `${VIEWER_BUDGET} budget`);
