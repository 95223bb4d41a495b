// ui/welcome.js: what a newcomer reads above the feed until they close it:
// what this is (reports from people nearby, signed, no internet needed)
// and what a key is; and, after their first post with a key made here,
// the prompt to back the key up.  Part of the feed's screen, kept apart
// so the feed module stays about the list.

import { h } from '../dom.js';
import { ctx } from './ctx.js';

// The boxes to show now (possibly none).  rerender: called after one is
// closed.
export function welcomeBoxes(rerender) {
	const t = ctx.t, out = [];
	if (!ctx.phone.flag('welcomed')) {
		out.push(h('section', { class: 'welcome', id: 'welcome',
		    'aria-labelledby': 'welcome-h' },
		    h('h2', { id: 'welcome-h' }, t('welcome_title')),
		    h('p', null, t('welcome_text')),
		    h('div', { class: 'row' },
			h('button', { type: 'button', class: 'small', id:
			    'welcome-ok', onclick: () => {
				ctx.phone.setFlag('welcomed');
				rerender();
			} }, t('welcome_ok')),
			h('a', { class: 'btn small', href: '#/about' },
			    t('welcome_more')))));
	}
	if (ctx.secretKey && ctx.phone.flag('posted') &&
	    !ctx.phone.flag('backed_up') && !ctx.phone.flag('backup_later')) {
		out.push(h('section', { class: 'welcome warn', id: 'backup-prompt',
		    'aria-labelledby': 'bp-h' },
		    h('h2', { id: 'bp-h' }, t('backup_prompt_title')),
		    h('p', null, t('backup_prompt_text')),
		    h('div', { class: 'row' },
			h('a', { class: 'btn small primary', href: '#/me?backup',
			    id: 'backup-now' }, t('backup_now')),
			h('button', { type: 'button', class: 'small', onclick: () => {
				ctx.phone.setFlag('backup_later');
				rerender();
			} }, t('later')))));
	}
	return out;
}
