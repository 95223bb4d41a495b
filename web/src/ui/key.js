// ui/key.js: the key page.  What the key is and, if there is none, a
// button to make one; the npub to share (its QR code folded away); the
// name others see (a kind 0 profile); and, each folded so the page fits a
// small phone: the encrypted backup (NIP-49, open when the person came to
// back up), the secret key behind a warning, restoring from a backup,
// removing the key, and the keys muted on this phone.  Route: #/me
// (#/me?backup opens the backup).

import { $, clear, copyText, h } from '../dom.js';
import { postTime } from '../clock.js';
import { profileTemplate } from '../nostr.js';
import { createKey, ctx, late, npub, secretBytes, setSecretKey } from
    './ctx.js';
import { ownName } from './meta.js';
import { send } from './send.js';
import { vouchSection } from '../witness/vouch.js';

let openBackup = false, openVouch = false;
let onUnmute = () => {};

export function keyInit(unmuted) {
	onUnmute = unmuted;
}

export function keyShow(query) {
	$('me-view').hidden = false;
	openBackup = query === 'backup';
	openVouch = query === 'vouch';
	keyRedraw();
	// The QR code and the key's sections need the crypto (late.js).
	if (!ctx.crypto)
		late().then(keyRedraw);
}

export function keyHide() {
	$('me-view').hidden = true;
}

export function keyRedraw() {
	const box = $('me-body');
	if ($('me-view').hidden)
		return;
	const t = ctx.t;
	clear(box);
	const pk = ctx.pubkey;
	const m = ctx.crypto;
	if (!m) {
		box.append(h('p', { class: 'info' }, t('loading')));
		return;
	}
	if (pk) {
		const n = npub(pk).full;
		box.append(
		    h('p', null, t(ctx.secretKey ? 'key_local' : 'key_extension')),
		    h('label', { for: 'npub' }, t('your_npub')),
		    h('div', { class: 'row' },
			h('textarea', { id: 'npub', class: 'mono npub', readonly: true,
			    rows: 2, spellcheck: 'false' }, n),
			h('button', { type: 'button', onclick: (e) => copy(e, n) },
			    t('copy'))),
		    fold('qr', t('qr_show'), false, m.qrSvg(document, n, t('qr_label')),
			h('p', { class: 'hint' }, t('npub_help'))),
		    nameSection(), vouchSection(openVouch));
	} else if (ctx.signer) {
		box.append(h('p', null, t(ctx.secretKey ? 'loading' :
		    'asking_extension')));
	} else {
		box.append(h('p', null, t('no_key_intro')),
		    h('button', { type: 'button', class: 'primary', id: 'create-key',
			onclick: () => createKey().then(() => $('npub')?.focus()) },
			t('create_key')));
	}
	if (ctx.secretKey) {
		box.append(fold('backup', t('backup_title'), openBackup ||
		    !ctx.phone.flag('backed_up'), ...backupSection()));
		box.append(fold('nsec', t('nsec_title'), false, ...nsecSection()));
	}
	box.append(fold('restore', t('restore_title'), false,
	    ...restoreSection()));
	if (ctx.secretKey)
		box.append(fold('forget', t('forget_title'), false,
		    ...forgetSection()));
	if (ctx.phone.muted.size > 0)
		box.append(fold('muted', t('muted_title', { n: ctx.phone.muted.size }),
		    false, mutedSection()));
	if (openBackup)
		setTimeout(() => $('bk-pass')?.focus(), 0);
}

// A folded section: <details> with a heading as its summary.
function fold(id, title, open, ...body) {
	return h('details', { class: 'box', id: 'sec-' + id, open: open ||
	    undefined }, h('summary', null, h('h2', null, title)), ...body);
}

async function copy(e, text) {
	const b = e.currentTarget;
	const ok = await copyText(text);
	b.textContent = ctx.t(ok ? 'copied' : 'copy_failed');
	setTimeout(() => {
		b.textContent = ctx.t('copy');
	}, 2000);
}

function nameSection() {
	const t = ctx.t;
	const input = h('input', { id: 'my-name', maxlength: 40, autocomplete:
	    'nickname', dir: 'auto', value: ctx.phone.name(ctx.pubkey) });
	const msg = h('p', { class: 'hint', 'aria-live': 'polite' });
	const form = h('form', { id: 'name-form' },
	    h('label', { for: 'my-name' }, t('my_name')), h('div', { class: 'row' },
	    input, h('button', { type: 'submit', id: 'name-save' }, t('save'))),
	    h('p', { class: 'hint' }, t('my_name_help')), msg);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		const name = input.value.trim();
		if (!name)
			return;
		try {
			const signer = await ctx.signer;
			const ev = await signer.sign(profileTemplate(name, postTime(
			    Date.now(), ctx.skew)));
			send(ev, undefined);
			ownName(ev.pubkey, name, ev.created_at);
			msg.textContent = t('name_saved');
		} catch {
			msg.textContent = t('err_sign');
		}
	});
	return form;
}

function backupSection() {
	const t = ctx.t;
	const out = h('div', { id: 'bk-out', 'aria-live': 'polite' });
	const err = h('p', { class: 'error', role: 'alert' });
	const p1 = h('input', { id: 'bk-pass', type: 'password',
	    autocomplete: 'new-password' });
	const p2 = h('input', { id: 'bk-pass2', type: 'password',
	    autocomplete: 'new-password' });
	const go = h('button', { type: 'submit', id: 'bk-make' },
	    t('backup_make'));
	const form = h('form', { id: 'bk-form' },
	    h('p', null, t('backup_help')),
	    h('label', { for: 'bk-pass' }, t('passphrase')), p1,
	    h('label', { for: 'bk-pass2' }, t('passphrase_again')), p2,
	    go, err, out);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		err.textContent = '';
		clear(out);
		if (p1.value.length < 8) {
			err.textContent = t('err_pass_short');
			return;
		}
		if (p1.value !== p2.value) {
			err.textContent = t('err_pass_mismatch');
			return;
		}
		go.disabled = true;
		go.textContent = t('working');
		// Let the button repaint before scrypt holds the thread.
		setTimeout(async () => {
			try {
				const nc = ctx.crypto.backup(await secretBytes(),
				    p1.value);
				ctx.phone.setFlag('backed_up');
				out.append(h('label', { for: 'bk-text' },
				    t('backup_result')),
				    h('textarea', { id: 'bk-text', class: 'mono',
					readonly: true, rows: 4 }, nc),
				    h('button', { type: 'button', onclick: (ev) =>
					copy(ev, nc) }, t('copy')),
				    h('p', { class: 'hint' }, t('backup_keep')));
			} catch (x) {
				err.textContent = t(x.code ?? 'err_sign');
			}
			go.disabled = false;
			go.textContent = t('backup_make');
		}, 30);
	});
	return [form];
}

function nsecSection() {
	const t = ctx.t;
	const nsecBox = h('div', { 'aria-live': 'polite' });
	const show = h('button', { type: 'button', id: 'nsec-show' },
	    t('nsec_show'));
	show.addEventListener('click', () => {
		clear(nsecBox);
		const yes = h('button', { type: 'button', class: 'danger', id:
		    'nsec-yes' }, t('nsec_yes'));
		const no = h('button', { type: 'button' }, t('cancel'));
		nsecBox.append(h('p', { class: 'warn', id: 'nsec-warn' },
		    t('nsec_warning')), yes, no);
		no.addEventListener('click', () => {
			clear(nsecBox);
			show.focus();
		});
		yes.addEventListener('click', async () => {
			clear(nsecBox);
			const nsec = ctx.crypto.nsecOf(await secretBytes());
			const hide = h('button', { type: 'button' }, t('hide'));
			hide.addEventListener('click', () => {
				clear(nsecBox);
				show.focus();
			});
			nsecBox.append(h('label', { for: 'nsec' }, t('nsec_label')),
			    h('input', { id: 'nsec', class: 'mono', readonly: true,
				value: nsec }),
			    h('button', { type: 'button', onclick: (ev) => copy(ev,
				nsec) }, t('copy')), hide);
			$('nsec').focus();
		});
		yes.focus();
	});
	return [show, nsecBox];
}

function restoreSection() {
	const t = ctx.t;
	const err = h('p', { class: 'error', role: 'alert' });
	const text = h('textarea', { id: 'rs-text', class: 'mono', rows: 3,
	    autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false' });
	const pass = h('input', { id: 'rs-pass', type: 'password',
	    autocomplete: 'current-password' });
	const go = h('button', { type: 'submit', id: 'rs-go' },
	    t('restore_go'));
	const form = h('form', { id: 'rs-form' },
	    h('p', null, t('restore_help')),
	    ctx.secretKey ? h('p', { class: 'warn' }, t('restore_replaces')) :
	    null,
	    h('label', { for: 'rs-text' }, t('restore_key')), text,
	    h('label', { for: 'rs-pass' }, t('restore_pass')), pass, go, err);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		err.textContent = '';
		go.disabled = true;
		go.textContent = t('working');
		setTimeout(async () => {
			try {
				await setSecretKey(ctx.crypto.restore(text.value,
				    pass.value));
				ctx.phone.setFlag('backed_up');
				$('npub')?.focus();
			} catch (x) {
				err.textContent = t(x.code ?? 'err_key_format');
				go.disabled = false;
				go.textContent = t('restore_go');
			}
		}, 30);
	});
	return [form];
}

function forgetSection() {
	const t = ctx.t;
	const box = h('div', { 'aria-live': 'polite' });
	const b = h('button', { type: 'button', class: 'danger', id:
	    'forget' }, t('forget'));
	b.addEventListener('click', () => {
		clear(box);
		const yes = h('button', { type: 'button', class: 'danger' },
		    t('forget_yes'));
		const no = h('button', { type: 'button' }, t('cancel'));
		yes.addEventListener('click', () => setSecretKey(null));
		no.addEventListener('click', () => {
			clear(box);
			b.focus();
		});
		box.append(h('p', { class: 'warn' }, t('forget_warning')), yes, no);
		yes.focus();
	});
	return [h('p', null, t('forget_help')), b, box];
}

function mutedSection() {
	const t = ctx.t;
	const ul = h('ul', { class: 'muted-list' });
	for (const pk of ctx.phone.muted) {
		const name = ctx.phone.name(pk);
		ul.append(h('li', null, name ? h('bdi', null, name) : null, ' ',
		    h('code', null, npub(pk).short), ' ',
		    h('button', { type: 'button', class: 'small', onclick: () => {
			ctx.phone.mute(pk, false);
			onUnmute(pk);
			keyRedraw();
		} }, t('unmute'))));
	}
	return ul;
}
