// main.js: the offline viewer of an evidence archive (index.html inside
// every archive samizdat writes; docs/archive.md).  It opens from a stick
// by file:// in any browser, with no server and no network: the archive's
// events, custody lines and media list are in the page itself (the
// writer puts them there, in JSON blocks), media load from media/ beside
// it.  It shows the reports by day with their places, media, witness
// marks and when this node received them, and checks every signature,
// id, the custody chain and the Merkle root (check.js); choosing the
// archive's folder also checks each media file's bytes.  Whatever does
// not check out is shown as changed, and why.

import { eventGeohash } from '../geo.js';
import { npubOf, shortNpub } from '../npub.js';
import { Gazetteer } from '../places.js';
import { checkArchive, eventRefs, hex, sha } from './check.js';
import { T, pickLang } from './i18n.js';

const $ = (id) => document.getElementById(id);
let lang = pickLang();
let data = null, result = null, gaz = null;

function t(k, vars = {}) {
	const s = T[lang][k] ?? T.en[k] ?? k;
	return s.replace(/\{(\w+)\}/g, (m, v) => String(vars[v] ?? m));
}

function el(tag, attrs = {}, ...kids) {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (k === 'class')
			e.className = v;
		else if (k === 'text')
			e.textContent = v;
		else
			e.setAttribute(k, v);
	}
	for (const k of kids)
		if (k !== null && k !== undefined)
			e.append(k);
	return e;
}

const fmt = (s) => new Date(s * 1000).toISOString().replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
const day = (s) => new Date(s * 1000).toISOString().slice(0, 10);

function readBlock(id) {
	const b = $(id);
	if (!b)
		return null;
	try {
		return JSON.parse(b.textContent);
	} catch {
		return null;
	}
}

function why(p) {
	return t('why_' + p.why);
}

// The summary at the top: who made it, what it holds, what checked out.
function drawSummary() {
	const s = $('summary');
	s.replaceChildren();
	const c = result?.content;
	const rows = [];
	if (c) {
		rows.push([t('node'), npubOf(c.node)]);
		rows.push([t('made'), fmt(c.created)]);
		if (c.for)
			rows.push([t('sealed_for'), npubOf(c.for)]);
		rows.push([t('reports'), String(c.counts.reports)]);
		rows.push([t('marks'), String(c.counts.marks)]);
		rows.push([t('media'), String(c.counts.media)]);
		rows.push([t('custody'), String(c.counts.custody)]);
		if (c.time)
			rows.push([t('span'), day(c.time.first) + ' – ' +
			    day(c.time.last)]);
	}
	const dl = el('dl', { class: 'facts' });
	for (const [k, v] of rows)
		dl.append(el('dt', { text: k }), el('dd', { text: v }));
	s.append(dl);
	const st = el('p', { id: 'verdict', role: 'status' });
	if (!result.done)
		st.textContent = t('checking') + ' ' + result.progress;
	else if (result.problems.length === 0) {
		st.className = 'ok';
		st.textContent = t('all_ok');
	} else {
		st.className = 'bad';
		st.textContent = t('problems') + ': ' + result.problems.length;
		const ul = el('ul', { id: 'problems' });
		for (const p of result.problems) {
			let where = p.what;
			if (p.line)
				where += ' ' + p.line;
			if (p.seq)
				where += ' #' + p.seq;
			if (p.id)
				where += ' ' + p.id.slice(0, 12);
			ul.append(el('li', { text: where + ': ' + why(p) }));
		}
		s.append(st, ul);
		return;
	}
	if (result.truncated)
		s.append(el('p', { class: 'note', text: t('truncated',
		    { n: data.events.length }) }));
	s.append(st);
}

function placeOf(ev) {
	const g = eventGeohash(ev.tags);
	if (!g || !gaz)
		return g ?? '';
	const n = gaz.name(g, lang);
	return n.name ? (n.near ? t('near') + ' ' : '') + n.name : g;
}

function mediaEl(ref) {
	const m = result.mediaBy.get(ref.sha256);
	const short = ref.sha256.slice(0, 12);
	if (!m || !m.held)
		return el('p', { class: 'nomedia', text: (ref.role ===
		    'original' ? t('original') + ' ' : '') + short + '… ' +
		    t('media_missing') });
	const src = 'media/' + ref.sha256;
	const fig = el('figure', { class: 'media', 'data-sha256': ref.sha256 });
	if (String(m.type).startsWith('video/'))
		fig.append(el('video', { src, controls: '', preload: 'none' }));
	else
		fig.append(el('img', { src, alt: '', loading: 'lazy' }));
	fig.append(el('figcaption', { text: (ref.role === 'original' ?
	    t('original') + ' ' : '') + short + '…' }));
	return fig;
}

function card(r, marks) {
	const ev = r.ev;
	const c = el('article', { class: 'card' + (r.ok === false ? ' bad' :
	    ''), 'data-id': ev.id });
	const head = el('p', { class: 'meta' },
	    el('time', { text: fmt(ev.created_at) }), ' · ',
	    el('span', { class: 'who', text: t('by') + ' ' +
	    shortNpub(ev.pubkey) }));
	const place = placeOf(ev);
	if (place)
		head.append(' · ', el('span', { class: 'place', text: place }));
	c.append(head);
	if (r.ok === false)
		c.append(el('p', { class: 'tampered', text: t('tampered') + ': ' +
		    t('why_' + r.why) }));
	c.append(el('p', { class: 'text', text: ev.content }));
	for (const ref of eventRefs(ev))
		c.append(mediaEl(ref));
	const cu = result.custody?.get(ev.id);
	c.append(el('p', { class: 'custody', text: cu ? t('received') + ': ' +
	    fmt(cu.at) + ', ' + t('via') + ' ' + cu.via + (cu.from ? ', ' +
	    t('from') + ' ' + cu.from : '') + ' (#' + cu.seq + ')' :
	    t('no_custody') }));
	if (marks.length > 0) {
		const ul = el('ul', { class: 'marks', 'aria-label': t('marks_on') });
		for (const m of marks) {
			const labels = m.ev.tags.filter((x) => x[0] === 'l')
			    .map((x) => x[1] + (x[2] ? ' (' + x[2] + ')' : ''));
			ul.append(el('li', { class: m.ok === false ? 'bad' : '',
			    text: (labels.join(', ') || 'label') + ' · ' +
			    shortNpub(m.ev.pubkey) + ' · ' + fmt(m.ev.created_at) +
			    (m.ev.content ? ' · ' + m.ev.content : '') +
			    (m.ok === false ? ' · ' + t('tampered') : '') }));
		}
		c.append(ul);
	}
	return c;
}

function drawReports() {
	const list = $('reports');
	list.replaceChildren();
	const rows = result.events.filter((r) => r.ev);
	const marksOn = new Map();
	for (const r of rows) {
		if (r.ev.kind !== 1985)
			continue;
		for (const tg of r.ev.tags)
			if (tg[0] === 'e' && tg[1]) {
				if (!marksOn.has(tg[1]))
					marksOn.set(tg[1], []);
				marksOn.get(tg[1]).push(r);
			}
	}
	const reports = rows.filter((r) => r.ev.kind !== 1985)
	    .sort((a, b) => a.ev.created_at - b.ev.created_at ||
	    (a.ev.id < b.ev.id ? -1 : 1));
	const days = new Map();
	for (const r of reports) {
		const d = day(r.ev.created_at);
		if (!days.has(d))
			days.set(d, []);
		days.get(d).push(r);
	}
	const tl = $('timeline');
	tl.replaceChildren();
	const max = Math.max(1, ...[...days.values()].map((v) => v.length));
	for (const [d, rs] of days) {
		const a = el('a', { href: '#day-' + d },
		    el('span', { class: 'd', text: d }),
		    el('span', { class: 'bar', style: 'width:' +
		    Math.max(2, Math.round(100 * rs.length / max)) + '%' }),
		    el('span', { class: 'n', text: String(rs.length) }));
		tl.append(el('li', {}, a));
		list.append(el('h2', { id: 'day-' + d, text: d }));
		for (const r of rs)
			list.append(card(r, marksOn.get(r.ev.id) ?? []));
	}
}

function draw() {
	document.documentElement.lang = lang;
	for (const e of document.querySelectorAll('[data-i18n]'))
		e.textContent = t(e.dataset.i18n);
	drawSummary();
	drawReports();
}

// Checks the media files of a chosen folder against their names.
async function checkFiles(files) {
	const want = new Map();
	for (const m of result.media)
		if (m.held)
			want.set(m.sha256, m);
	let ok = 0, bad = 0;
	const seen = new Set();
	for (const f of files) {
		const parts = (f.webkitRelativePath || f.name).split('/');
		const name = parts[parts.length - 1];
		if (parts[parts.length - 2] !== 'media' || !want.has(name))
			continue;
		seen.add(name);
		const h = hex(sha(new Uint8Array(await f.arrayBuffer())));
		for (const fig of document.querySelectorAll(
		    `figure[data-sha256="${name}"]`))
			fig.classList.toggle('bad', h !== name);
		if (h === name)
			ok++;
		else {
			bad++;
			result.problems.push({ what: 'media/' + name.slice(0, 12),
			    why: 'hash' });
		}
	}
	const missing = [...want.keys()].filter((k) => !seen.has(k)).length;
	$('files-result').textContent = `${ok} ${t('files_ok')}` +
	    (bad ? `; ${bad} ${t('files_bad')}` : '') +
	    (missing ? `; ${missing} ${t('files_missing')}` : '');
	$('files-result').className = bad || missing ? 'bad' : 'ok';
	drawSummary();
}

async function run() {
	data = readBlock('archive-data');
	const places = readBlock('archive-places');
	try {
		gaz = places ? new Gazetteer(places) : null;
	} catch {
		gaz = null;
	}
	$('lang').value = lang;
	$('lang').addEventListener('change', () => {
		lang = $('lang').value;
		draw();
	});
	$('files').addEventListener('change', (e) => checkFiles(
	    [...e.target.files]));
	if (!data) {
		$('verdict-early').textContent = 'no archive data in this page';
		return;
	}
	// Draw at once without checks, then check in slices.
	result = { events: data.events.map((line) => {
		try {
			return { ev: JSON.parse(line), ok: null };
		} catch {
			return { ev: null, ok: false };
		}
	}), problems: [], done: false, progress: '', media: [],
	    mediaBy: new Map(), custody: new Map(), content: null };
	try {
		result.content = JSON.parse(JSON.parse(data.manifest).content);
	} catch {
		result.content = null;
	}
	draw();
	const full = await checkArchive(data, async (n, total) => {
		result.progress = `${n} / ${total}`;
		$('verdict').textContent = t('checking') + ' ' + result.progress;
		await new Promise((r) => setTimeout(r, 0));
	});
	full.done = true;
	full.mediaBy = new Map(full.media.map((m) => [m.sha256, m]));
	result = full;
	draw();
	document.body.dataset.checked = full.problems.length === 0 ? 'ok' :
	    'bad';
}

run();
