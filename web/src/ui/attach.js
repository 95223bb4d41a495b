// ui/attach.js: photos and videos on a post, in the composer.  Taken with
// the camera or picked from the phone (<input type=file>: on a plain-http
// LAN address the browser gives no camera API); each is prepared on the
// phone (ui/prepare.js) and shown with what was removed from it, a
// description for people who cannot see it, and the original offered for
// saving on the phone, which is never sent.  A video whose location cannot
// be removed is held until the person decides; the default is not to send
// it.  On "send", the blobs go to this node (ui/upload.js), thumbnails
// first, with one kind 24242 authorization for the whole post; the post
// then carries an imeta tag per attachment and its URL in the content.
// Not a screen: composer.js places the section and asks it at send time.

import { clear, h } from '../dom.js';
import { authHeader, EXT, imetaTag, MEDIA_MAX, uploadAuthTemplate,
    uploadReason } from '../media/blossom.js';
import { ctx, nodeNow } from './ctx.js';
import { sizeText } from './media.js';
import { prepare } from './prepare.js';
import { preflight, put } from './upload.js';

const S = {};
let items = [];		// in the order attached
let seq = 0;
let onChange = () => {};

const WHY = { MEDIA_FRAGMENTED: 'why_fragmented', MEDIA_TYPE: 'why_type' };

// Builds the section into box; changed() when the attachments change (the
// composer's counter).
export function attachInit(box, changed) {
	onChange = changed;
	S.box = box;
	const input = (id, capture) => {
		const el = h('input', { type: 'file', id, accept: 'image/*,video/*',
		    hidden: true, multiple: !capture, capture: capture ?
		    'environment' : undefined });
		el.addEventListener('change', () => {
			add([...el.files]);
			el.value = '';
		});
		return el;
	};
	S.camera = input('a-camera', true);
	S.gallery = input('a-gallery', false);
	S.camBtn = h('button', { type: 'button', id: 'a-camera-btn', class:
	    'small', onclick: () => S.camera.click() });
	S.galBtn = h('button', { type: 'button', id: 'a-gallery-btn', class:
	    'small', onclick: () => S.gallery.click() });
	S.hint = h('p', { class: 'hint', id: 'a-hint' });
	S.list = h('ul', { class: 'attach-list', id: 'a-list' });
	S.error = h('p', { class: 'error', id: 'a-error', role: 'alert' });
	box.append(h('div', { class: 'row attach-add' }, S.camBtn, S.galBtn),
	    S.camera, S.gallery, S.hint, S.error, S.list);
	box.hidden = false;
	attachTexts();
}

export function attachTexts() {
	if (!S.box)
		return;
	const t = ctx.t;
	S.camBtn.textContent = t('att_camera');
	S.galBtn.textContent = t('att_gallery');
	S.camera.setAttribute('aria-label', t('att_camera'));
	S.gallery.setAttribute('aria-label', t('att_gallery'));
	S.hint.textContent = t('att_hint');
	S.list.setAttribute('aria-label', t('att_list'));
	for (const it of items)
		draw(it);
}

function add(files) {
	S.error.textContent = '';
	for (const file of files) {
		if (items.length >= MEDIA_MAX) {
			S.error.textContent = ctx.t('att_too_many', { n: MEDIA_MAX });
			break;
		}
		const it = { id: ++seq, file, phase: 'preparing', prep: null,
		    alt: '', sent: {}, progress: 0, error: null, li: h('li', {
		    class: 'att' }), origUrl: URL.createObjectURL(file) };
		items.push(it);
		S.list.append(it.li);
		draw(it);
		prepare(file).then((p) => {
			it.prep = p;
			it.phase = p.problem ? 'ask' : 'ready';
			if (p.thumb)
				it.thumbUrl = URL.createObjectURL(new Blob([p.thumb.bytes],
				    { type: p.thumb.mime }));
			draw(it);
			if (it.phase === 'ask')
				it.li.querySelector('.a-no')?.focus();
			onChange();
		}, (e) => {
			it.phase = 'failed';
			it.error = { key: e.code === 'too_big' ? 'att_too_big' :
			    'att_unknown', max: e.detail };
			draw(it);
		});
	}
	onChange();
}

function remove(it) {
	it.abort?.abort?.();
	items = items.filter((x) => x !== it);
	it.li.remove();
	URL.revokeObjectURL(it.origUrl);
	if (it.thumbUrl)
		URL.revokeObjectURL(it.thumbUrl);
	onChange();
	(S.list.querySelector('.a-remove') ?? S.galBtn).focus();
}

function draw(it) {
	const t = ctx.t, p = it.prep;
	const li = it.li;
	const focused = li.contains(document.activeElement) ?
	    document.activeElement.className : '';
	clear(li);
	li.className = 'att ' + it.phase;
	const head = h('div', { class: 'att-head' });
	if (it.thumbUrl)
		head.append(h('img', { class: 'att-img', src: it.thumbUrl, alt: '' }));
	const what = h('p', { class: 'att-what' });
	if (!p)
		what.append(it.phase === 'failed' ? '' : t('att_preparing'));
	else if (p.kind === 'image')
		what.append(t('att_photo', { w: p.full.width, h: p.full.height,
		    size: sizeText(p.full.bytes.length) }));
	else
		what.append(t('att_video', { size: sizeText(p.full.bytes.length) }));
	head.append(what, h('button', { type: 'button', class: 'small a-remove',
	    'aria-label': t('att_remove_label'), onclick: () => remove(it) },
	    t('att_remove')));
	li.append(head);
	if (it.phase === 'failed') {
		li.append(h('p', { class: 'error' }, t(it.error.key, { max:
		    sizeText(it.error.max ?? 0) })));
		return;
	}
	const removed = p ? removedNodes(p, it) : null;
	if (removed)
		li.append(removed);
	if (it.phase === 'ask') {
		li.append(h('div', { class: 'box warn a-ask', role: 'group' },
		    h('p', null, t('att_ask', { why: t(WHY[p.problem] ??
			'why_format') })),
		    h('button', { type: 'button', class: 'primary a-no', onclick:
			() => remove(it) }, t('att_ask_no')),
		    h('button', { type: 'button', class: 'danger a-yes', onclick:
			() => {
			it.phase = 'ready';
			it.withData = true;
			draw(it);
			onChange();
		} }, t('att_ask_yes'))));
	}
	if (p && it.phase !== 'ask') {
		const id = 'a-alt-' + it.id;
		const alt = h('input', { id, class: 'a-alt', dir: 'auto',
		    maxlength: 300 });
		alt.value = it.alt;
		alt.addEventListener('input', () => {
			it.alt = alt.value;
		});
		li.append(h('label', { for: id }, t('att_alt')), alt);
	}
	const name = it.file.name || 'original.' + (EXT[it.file.type] ?? 'bin');
	li.append(h('div', { class: 'att-save' }, h('a', { class:
	    'btn small a-save', href: it.origUrl, download: name },
	    t('att_save')), h('p', { class: 'hint' }, t('att_save_hint'))));
	it.st = h('p', { class: 'att-status', 'aria-live': 'polite' });
	drawStatus(it);
	li.append(it.st);
	if (focused)
		li.querySelector('.' + focused.split(' ').pop())?.focus();
}

// The status line alone (progress comes often).
function drawStatus(it) {
	const t = ctx.t, st = it.st;
	clear(st);
	st.className = 'att-status' + (it.error ? ' error' : '');
	if (it.phase === 'uploading') {
		const pc = Math.floor(it.progress * 100);
		st.append(t('att_sending', { p: pc }), ' ', h('progress', { max: 100,
		    value: pc, 'aria-label': t('att_progress') }));
	} else if (it.phase === 'sent') {
		st.append('✓ ' + t('att_sent'));
	} else if (it.error) {
		st.append(t('att_refused'), ' ', t(it.error.key));
		if (it.error.raw)
			st.append(' ', h('span', { class: 'raw' }, t('node_said', {
			    r: it.error.raw })));
	}
}

function removedNodes(p, it) {
	const t = ctx.t;
	if (p.kind === 'video' && it.phase === 'ask')
		return null;
	if (p.kind === 'video' && it.withData)
		return h('p', { class: 'att-removed bad' }, t('att_with_data'));
	if (p.found.length === 0)
		return h('p', { class: 'att-removed' }, t(p.kind === 'video' ?
		    'att_video_clean' : p.known ? 'att_removed_none' :
		    'att_redrawn'));
	return h('p', { class: 'att-removed' }, h('strong', null,
	    t('att_removed')), ' ', p.found.map((k) => t('found_' + k))
	    .join(', ') + '.');
}

// --- at send time ------------------------------------------------------------

export function attachCount() {
	return items.length;
}

// Bytes the attachments add to the content (their URLs, one a line:
// about a server's name, the hash and an extension).
export function attachBytes() {
	return items.length * 120;
}

// Why the post cannot go yet (an i18n key), or ''.
export function attachBlocked() {
	if (items.some((it) => it.phase === 'preparing'))
		return 'att_preparing';
	if (items.some((it) => it.phase === 'ask'))
		return 'att_decide';
	if (items.some((it) => it.phase === 'failed'))
		return 'att_unknown';
	return '';
}

// Sends every attachment not yet sent, thumbnails first; then resolves to
// the tags and URLs for the post: {tags: [imeta...], urls}.  signer: the
// ready signer.  Rejects with an Error whose message is in the reader's
// language, after marking the attachment that failed.
export async function attachSend(signer) {
	const ready = [...items];
	const size = (b) => b ? b.bytes.length : 0;
	const todo = [...ready.filter((it) => it.prep.thumb).map((it) => [it,
	    'thumb']), ...ready.map((it) => [it, 'full'])].filter(([it, k]) =>
	    !it.sent[k]);
	if (todo.length > 0) {
		const header = authHeader(await signer.sign(uploadAuthTemplate(
		    [...new Set(todo.map(([it, k]) => it.prep[k].x))], nodeNow())));
		for (const [it, k] of todo) {
			const blob = it.prep[k];
			const all = size(it.prep.thumb) + size(it.prep.full);
			const before = k === 'full' ? size(it.prep.thumb) : 0;
			it.phase = 'uploading';
			it.error = null;
			it.progress = before / all;
			draw(it);
			try {
				await preflight(blob, header);
				it.abort = {};
				it.sent[k] = await put(blob, header, (sent) => {
					it.progress = Math.min(1, (before + sent) / all);
					drawStatus(it);
				}, it.abort);
			} catch (e) {
				if (!items.includes(it))
					continue;	// removed while it went
				it.phase = 'ready';
				it.error = { key: uploadReason(e.status ?? 0, e.reason), raw:
				    e.reason };
				draw(it);
				throw new Error(ctx.t(it.error.key));
			}
			if (it.sent.full && (!it.prep.thumb || it.sent.thumb)) {
				it.phase = 'sent';
				draw(it);
			}
		}
	}
	const out = { tags: [], urls: [] };
	for (const it of items.filter((x) => x.sent.full)) {
		const p = it.prep, url = it.sent.full.public;
		out.urls.push(url);
		out.tags.push(imetaTag({ url, mime: p.full.mime, x: p.full.x, ox: p.ox,
		    size: p.full.bytes.length, width: p.full.width, height:
		    p.full.height, thumb: it.sent.thumb ? it.sent.thumb.public : '',
		    alt: it.alt }));
	}
	return out;
}

// After the post went: the attachments are done with.
export function attachClear() {
	for (const it of [...items]) {
		URL.revokeObjectURL(it.origUrl);
		if (it.thumbUrl)
			URL.revokeObjectURL(it.thumbUrl);
		it.li.remove();
	}
	items = [];
	if (S.error)
		S.error.textContent = '';
	onChange();
}
