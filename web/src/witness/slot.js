// witness/slot.js: a report's witnesses on its card (ui/card.js
// witnessSlot).  One button with the state and the counts ("confirmed by
// 3, 2 of them vouched for; disputed by 1"); tapping it opens who said
// what (GET /api/witnesses/ID), what the node counted in plain words
// ("4 confirmations from keys first seen in the last hour") and the rule,
// and the buttons to confirm or dispute with a comment, or take one's
// mark back.  Also the feed's "only corroborated" toggle.  Every string
// from an event or a comment goes in as a text node.

import { $, clear, h } from '../dom.js';
import { postTime } from '../clock.js';
import { plainLine } from '../text.js';
import { ctx, npub } from '../ui/ctx.js';
import { send } from '../ui/send.js';
import { COMMENT_MAX, countedParts, markTemplate, summaryParts, vouched }
    from './marks.js';
import { detail, refresh, want, wit } from './state.js';

const open = new Set();		// ids whose panel is open
const events = new Map();	// id -> the report, for marking it
// id -> created_at of this phone's last mark on it: the next is dated
// later, since the newest mark wins and a tie would be a coin toss.
const lastAt = new Map();

const shown = new Map();	// id -> what detail() said, for an open panel
const drafts = new Map();	// id -> a comment being written
const said = new Map();		// id -> the outcome of the last mark (i18n key)

function fillAll(id) {
	for (const el of document.querySelectorAll('.witness[data-wid="' + id +
	    '"]'))
		fill(el, id);
}

// New counts: the slots redrawn, and an open panel's list asked again
// (unless the counts came with that list).
wit.listeners.add((ids, fromDetail) => {
	for (const id of ids) {
		fillAll(id);
		if (!fromDetail && open.has(id))
			loadDetail(id);
	}
	filterInfo();
});

// The slot for ev: the summary button, and the panel when open.
export function witnessSlot(ev) {
	events.set(ev.id, ev);
	const el = h('div', { class: 'witness', 'data-wid': ev.id });
	fill(el, ev.id);
	want(ev.id);
	// The card holds the slot only once built: mark it then.
	queueMicrotask(() => markCard(el, wit.states.get(ev.id)));
	return el;
}

// The card's class for the filter (a selector with :has() would leave
// out the older phones).
function markCard(el, st) {
	el.closest('li.card')?.classList.toggle('w-corr', st?.state ===
	    'corroborated');
}

function partsText(parts) {
	const t = ctx.t;
	const out = [];
	for (const p of parts) {
		const s = t(p.key, p.vars);
		if (p.key === 'w_of_them_vouched' || p.key === 'w_all_vouched')
			out[out.length - 1] += ', ' + s;
		else
			out.push(s);
	}
	return out.join('; ');
}

function fill(el, id) {
	const t = ctx.t;
	const st = wit.states.get(id);
	if (st)
		el.dataset.state = st.state;
	markCard(el, st);
	clear(el);
	if (!st) {
		if (wit.failed.has(id))
			el.append(h('p', { class: 'hint' }, t('w_err')));
		return;
	}
	const summary = partsText(summaryParts(st));
	const isOpen = open.has(id);
	const b = h('button', { type: 'button', class: 'small wsum', 'aria-expanded':
	    String(isOpen), onclick: () => toggle(el, id) },
	    h('span', { class: 'wstate ' + st.state }, t('w_state_' + st.state)),
	    h('span', { class: 'wcount' }, summary || t('w_none')));
	el.append(b);
	if (isOpen)
		el.append(panel(id, st));
}

function toggle(el, id) {
	if (open.has(id))
		open.delete(id);
	else
		open.add(id);
	fill(el, id);
	if (open.has(id))
		loadDetail(id);
}

// What the node counted, and the rule.
function counted(st) {
	const t = ctx.t;
	const parts = countedParts(st).map((p) => t(p.key, p.vars));
	return [parts.length ? h('p', { class: 'wcounted' }, parts.join('. ') +
	    '.') : null, h('p', { class: 'hint wrule' }, t('w_rule'))];
}

function panel(id, st) {
	const box = h('div', { class: 'wpanel', id: 'wp-' + id });
	box.append(...counted(st).filter(Boolean),
	    h('p', { class: 'wtitle' }, ctx.t('w_who_title')), whoList(id), actions(id, st));
	return box;
}

function whoList(id) {
	const ul = h('ul', { class: 'wlist' });
	const d = shown.get(id);
	if (d === undefined)
		ul.append(h('li', { class: 'hint' }, ctx.t('loading')));
	else if (d === null)
		ul.append(h('li', { class: 'hint' }, ctx.t('w_err')));
	else {
		if (d.entries.length === 0)
			ul.append(h('li', { class: 'hint' }, ctx.t('w_none')));
		for (const m of d.entries)
			ul.append(entry(m));
		if (d.omitted > 0)
			ul.append(h('li', { class: 'hint' }, ctx.t('w_omitted', { n:
			    d.omitted })));
	}
	return ul;
}

async function loadDetail(id) {
	let d = null;
	try {
		d = await detail(id);
	} catch {
		d = null;
	}
	shown.set(id, d);
	fillAll(id);
}

function who(pk) {
	return ctx.pubkey === pk ? ctx.t('you') : plainLine(ctx.phone.name(pk),
	    30) || npub(pk).short;
}

function levelText(m) {
	const t = ctx.t;
	if (m.self)
		return t('w_self');
	if (m.level === 'own')
		return t(m.pubkey === ctx.pubkey ? 'w_level_you' : 'w_level_own');
	if (m.level === 'hop1')
		return t('w_level_hop1');
	if (m.level === 'hop2')
		return t('w_level_hop2', { who: m.via ? who(m.via) : '?' });
	return t(m.level === 'history' ? 'w_level_history' : 'w_level_fresh');
}

function entry(m) {
	const t = ctx.t;
	const facts = [levelText(m)];
	if (m.firstSeen)
		facts.push(t('w_first_seen', { ago: ctx.time.ago(m.firstSeen,
		    Date.now()) }));
	if (m.firstVia)
		facts.push(t('w_first_via', { kind: t('peer_' + (['peer', 'relay',
		    'dir'].includes(m.firstVia.kind) ? m.firstVia.kind : 'peer')),
		    name: m.firstVia.name.startsWith('npub1') ?
		    m.firstVia.name.slice(0, 9) + '…' + m.firstVia.name.slice(-4) :
		    plainLine(m.firstVia.name, 40) }));
	else if (m.firstSeen)
		facts.push(t('w_first_here'));
	facts.push(t('w_reports', { n: m.reports }));
	const label = m.label === 'confirm' ? 'w_confirm' : m.label === 'dispute' ?
	    'w_dispute' : 'w_retracted';
	return h('li', { class: 'wentry ' + m.label + (m.counted ? '' :
	    ' uncounted') },
	    h('strong', null, t(label)), ' · ', h('bdi', { class: 'name' },
	    who(m.pubkey)), h('span', { class: 'hint' }, ' — ' + facts.join(', ')),
	    m.comment ? h('q', { dir: 'auto' }, plainLine(m.comment, 300)) : null);
}

function actions(id, st) {
	const t = ctx.t;
	const ev = events.get(id);
	const box = h('div', { class: 'wacts', 'aria-live': 'polite' });
	if (!ev)
		return box;
	if (ev.pubkey === ctx.pubkey) {
		box.append(h('p', { class: 'hint' }, t('w_own_report')));
		return box;
	}
	if (!ctx.signer) {
		box.append(h('p', { class: 'hint' }, t('w_need_key')));
		return box;
	}
	if (st.mine)
		box.append(h('p', { class: 'wmine' }, t(st.mine === 'confirm' ?
		    'w_you_confirmed' : 'w_you_disputed')));
	const cid = 'wc-' + id;
	const comment = h('textarea', { id: cid, rows: 2, maxlength: 600, dir:
	    'auto' });
	// Kept when the panel is redrawn (a mark arrived while typing).
	comment.value = drafts.get(id) ?? '';
	comment.addEventListener('input', () => drafts.set(id, comment.value));
	const msg = h('p', { class: 'hint' }, said.has(id) ? t(said.get(id)) : '');
	const go = async (label) => {
		const text = comment.value.trim();
		if (new TextEncoder().encode(text).length > COMMENT_MAX)
			return;
		try {
			const signer = await ctx.signer;
			const at = Math.max(postTime(Date.now(), ctx.skew),
			    (lastAt.get(id) ?? 0) + 1);
			lastAt.set(id, at);
			const mark = await signer.sign(markTemplate(ev, label, text,
			    at));
			send(mark, undefined);
			said.set(id, 'w_sent');
			msg.textContent = t('w_sent');
			comment.value = '';
			drafts.delete(id);
			refresh([id]);
		} catch {
			said.set(id, 'err_sign');
			msg.textContent = t('err_sign');
		}
	};
	box.append(h('label', { for: cid }, t('w_comment')), comment,
	    h('div', { class: 'row' },
		st.mine !== 'confirm' ? h('button', { type: 'button', class:
		    'small', 'data-act': 'confirm', onclick: () => go('confirm') },
		    t('w_send_confirm')) : null,
		st.mine !== 'dispute' ? h('button', { type: 'button', class:
		    'small', 'data-act': 'dispute', onclick: () => go('dispute') },
		    t('w_send_dispute')) : null,
		st.mine ? h('button', { type: 'button', class: 'small',
		    'data-act': 'retract', onclick: () => go('retract') },
		    t('w_retract')) : null),
	    msg, h('a', { class: 'btn small', href: '#/me?vouch' },
	    t('w_vouch_link')));
	return box;
}

// --- the feed's filter -------------------------------------------------------

let only = false;

// The toggle for the feed bar: only corroborated reports are shown.
export function witnessFilter() {
	const b = h('button', { type: 'button', id: 'w-only', class: 'small',
	    'aria-pressed': String(only), onclick: () => {
		only = !only;
		b.setAttribute('aria-pressed', String(only));
		document.body.classList.toggle('w-only', only);
		filterInfo();
	} }, ctx.t('w_filter'));
	return [b, h('p', { id: 'w-only-info', class: 'info', 'aria-live':
	    'polite' })];
}

function filterInfo() {
	const el = $('w-only-info');
	if (!el)
		return;
	if (!only) {
		el.textContent = '';
		return;
	}
	const all = document.querySelectorAll('#feed li.card');
	const yes = document.querySelectorAll('#feed li.card.w-corr');
	el.textContent = ctx.t('w_filter_info', { n: yes.length, total:
	    all.length, count: all.length });
}

// For tests and the vouch screen: the vouched count of a state.
export { vouched };
