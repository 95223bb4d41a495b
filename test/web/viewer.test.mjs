// viewer.test.mjs: the evidence archive's offline viewer (index.html,
// docs/archive.md) opened from a file path in Chromium with every request
// that is not file:// blocked: it shows the reports with their photo,
// witness mark and custody line, says every check passed, and, opened
// from a copy whose report was changed after signing, names the changed
// report.  run.sh makes the archive (ARCHIVE_DIR) with samizdat archive.

import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

const DIR = process.env.ARCHIVE_DIR;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = process.env.ARTIFACTS ?? 'build/test-artifacts';
const T = { timeout: 60000 };
if (!DIR)
	throw new Error('ARCHIVE_DIR must name an archive (run.sh sets it)');

let browser;
const asked = [];

before(async () => {
	browser = await chromium.launch({
		executablePath: CHROMIUM, headless: true, timeout: 20000,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-background-networking', '--disable-component-update',
		    '--no-first-run', '--allow-file-access-from-files'],
	});
});

after(async () => {
	await browser?.close();
});

async function open(dir) {
	const ctx = await browser.newContext({ offline: true });
	await ctx.route('**/*', (route) => {
		const u = route.request().url();
		asked.push(u);
		return u.startsWith('file://') ? route.continue() : route.abort();
	});
	const page = await ctx.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	await page.goto('file://' + join(dir, 'index.html'));
	await page.waitForFunction(() => document.body.dataset.checked,
	    null, { timeout: 45000 });
	return { ctx, page, errors };
}

test('the viewer shows the archive and checks it, offline', T, async () => {
	const { ctx, page, errors } = await open(DIR);
	assert.equal(await page.evaluate(() => document.body.dataset.checked),
	    'ok');
	const verdict = await page.textContent('#verdict');
	assert.match(verdict, /Every signature, id, the custody chain and the Merkle root check out/);
	const text = await page.textContent('#reports');
	assert.match(text, /Road to the airport is blocked/);
	assert.match(text, /confirmed/, 'the witness mark is shown');
	assert.match(text, /Received by this node/);
	// The photo loads from media/ beside the page.
	const fig = await page.$('figure.media img');
	assert.ok(fig, 'the held photo is shown');
	await page.screenshot({ path: join(ARTIFACTS, 'web-viewer.png'),
	    fullPage: true });
	// In Russian too.
	await page.selectOption('#lang', 'ru');
	assert.match(await page.textContent('#verdict'), /Все подписи/);
	assert.deepEqual(errors, []);
	await ctx.close();
});

test('the viewer names a report changed after signing', T, async () => {
	const bad = DIR + '-tampered';
	cpSync(DIR, bad, { recursive: true });
	const html = readFileSync(join(bad, 'index.html'), 'utf8');
	const changed = html.replace('Road to the airport is blocked',
	    'Road to the airport is open!!');
	assert.notEqual(changed, html);
	writeFileSync(join(bad, 'index.html'), changed);
	const { ctx, page, errors } = await open(bad);
	assert.equal(await page.evaluate(() => document.body.dataset.checked),
	    'bad');
	assert.match(await page.textContent('#problems'),
	    /event 1 .*: its id does not match its content|its id does not match its content/);
	const card = await page.$('article.card.bad');
	assert.ok(card, 'the changed report is marked');
	assert.match(await card.textContent(), /Changed after it was signed/);
	assert.match(await card.textContent(), /Road to the airport is open/);
	await page.screenshot({ path: join(ARTIFACTS, 'web-viewer-bad.png'),
	    fullPage: true });
	assert.deepEqual(errors, []);
	await ctx.close();
});

test('the viewer asked for nothing but its own files', () => {
	const other = asked.filter((u) => !u.startsWith('file://'));
	assert.deepEqual(other, []);
	assert.ok(asked.length > 0);
});
