// ui/about.js: "about this node".  What this page is for a newcomer, then
// the node itself: its name and description (NIP-11), how many reports it
// holds (NIP-45 COUNT), how long it has run and the peers, relays and
// sticks it syncs with (GET /api/node), and where the place names come
// from (GeoNames, CC BY 4.0).  Route: #/about.

import { $, clear, h } from '../dom.js';
import { plainLine } from '../text.js';
import { ctx, num } from './ctx.js';

let node = null, count = null, asked = false, nodeAnswered = false;

// The states the node gives its links (src/mesh.c link_set), in words;
// one it does not know yet is shown as it came.
const STATES = { 'live': 'link_live', 'synced': 'link_synced',
    'unreachable': 'link_unreachable', 'gone': 'link_gone', 'unusable':
    'link_unusable', 'starting': 'link_starting', 'node stopped':
    'link_stopped', 'connected to us': 'link_inbound', 'sync failed':
    'link_failed', 'absent (not mounted?)': 'link_absent', 'idle':
    'link_idle' };

export function aboutShow() {
	$('about-view').hidden = false;
	asked = false;
	ask();
	aboutRedraw();
}

export function aboutHide() {
	$('about-view').hidden = true;
}

async function ask() {
	if (asked)
		return;
	asked = true;
	nodeAnswered = false;
	askCount(0);
	try {
		const res = await fetch('/api/node', { cache: 'no-store' });
		node = res.ok ? await res.json() : null;
	} catch {
		node = null;
	}
	nodeAnswered = true;
	aboutRedraw();
}

// The count, asked again while this view is open when the node refused
// it (CLOSED) or no answer came within COUNT_WAIT_MS: a busy node or a
// lost message leaves "…" for a moment, not for good.
const COUNT_WAIT_MS = 8000, COUNT_TRIES = 5;
let countTimer = null;

function askCount(tries) {
	let answered = false;
	const again = () => {
		clearTimeout(countTimer);
		if (tries + 1 < COUNT_TRIES && !$('about-view').hidden)
			askCount(tries + 1);
	};
	clearTimeout(countTimer);
	ctx.relay.count([{ kinds: [1] }], (n) => {
		if (answered)
			return;
		answered = true;
		if (n !== null || count === null)
			count = n;
		aboutRedraw();
		if (n === null)
			again();
	});
	countTimer = setTimeout(() => {
		if (!answered) {
			answered = true;
			again();
		}
	}, COUNT_WAIT_MS);
}

// "3 days 4 hours", "5 minutes": the two largest units.
function span(s) {
	const t = ctx.t;
	const d = Math.floor(s / 86400), hr = Math.floor(s % 86400 / 3600),
	    m = Math.floor(s % 3600 / 60);
	if (d > 0)
		return t('n_days', { n: d }) + (hr ? ' ' + t('n_hours', { n: hr }) :
		    '');
	if (hr > 0)
		return t('n_hours', { n: hr }) + (m ? ' ' + t('n_minutes', { n: m }) :
		    '');
	return t('n_minutes', { n: Math.max(1, m) });
}

export function aboutRedraw() {
	const box = $('about-body');
	if ($('about-view').hidden)
		return;
	const t = ctx.t;
	clear(box);
	box.append(h('p', null, t('welcome_text')),
	    h('p', null, t('about_what')),
	    h('p', null, t('about_how')));
	const info = ctx.info ?? {};
	const dl = h('dl', { class: 'facts' });
	const fact = (k, v) => dl.append(h('dt', null, t(k)), h('dd', { dir:
	    'auto' }, v));
	fact('about_name', plainLine(info.name, 80) || '—');
	if (info.description)
		fact('about_description', plainLine(info.description, 300));
	fact('about_reports', count === null ? '…' : num(count));
	if (node && Number.isSafeInteger(node.started) &&
	    Number.isSafeInteger(node.now))
		fact('about_uptime', span(Math.max(0, node.now - node.started)));
	box.append(h('h2', null, t('about_node')), dl);
	box.append(h('h2', null, t('about_peers')));
	const peers = node && Array.isArray(node.peers) ? node.peers : null;
	if (!peers)
		box.append(h('p', { class: 'info' }, t(nodeAnswered ?
		    'about_no_peers_info' : 'loading')));
	else if (peers.length === 0)
		box.append(h('p', { class: 'info' }, t('about_no_peers')));
	else {
		const ul = h('ul', { class: 'peers' });
		for (const p of peers.slice(0, 50)) {
			if (!p || typeof p !== 'object')
				continue;
			const seen = Number.isSafeInteger(p.last_seen) && p.last_seen > 0 ?
			    ctx.time.ago(p.last_seen - ctx.skew, Date.now()) : '—';
			ul.append(h('li', null,
			    h('span', { class: 'peer-kind' }, t('peer_' + (['peer',
				'relay', 'dir'].includes(p.kind) ? p.kind : 'peer'))), ' ',
			    h('bdi', { class: 'mono' }, plainLine(p.name, 60)), ' ',
			    h('span', { class: 'hint' }, t('peer_state', { s:
				Object.hasOwn(STATES, p.state) ? t(STATES[p.state]) :
				plainLine(p.state, 30) || '—', when: seen }))));
		}
		box.append(ul);
	}
	box.append(h('h2', null, t('about_data')),
	    h('p', { class: 'hint' }, t('about_places'), ' ',
		t('about_places_src')));
}
