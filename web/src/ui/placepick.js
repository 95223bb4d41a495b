// ui/placepick.js: choosing a place by its name.  A text field whose
// suggestions come from the gazetteer (loaded the first time the field is
// used), in the reader's language, each with how precise it is (region,
// city, district); a geohash typed as such is offered too, for people who
// have one.  Picking one calls back with {g, label, level}.  Not a screen:
// the composer and the feed's filter use it.  ARIA combobox pattern: the
// list is a listbox of options, arrow keys move, Enter picks.

import { h } from '../dom.js';
import { normalizeGeohash } from '../geo.js';
import { levelOfLength } from '../places.js';
import { ctx, loadPlaces } from './ctx.js';

let seq = 0;

// Returns {root, input, clear()}.  opts: id (of the input), label (i18n
// key), onPick(place), describedBy.
export function placePicker(opts) {
	const id = opts.id;
	const listId = id + '-list';
	const input = h('input', { id, type: 'search', autocomplete: 'off',
	    autocapitalize: 'none', spellcheck: 'false', role: 'combobox',
	    'aria-autocomplete': 'list', 'aria-expanded': 'false',
	    'aria-controls': listId, enterkeyhint: 'search',
	    'aria-describedby': id + '-hint' });
	const list = h('ul', { id: listId, class: 'suggest', role: 'listbox',
	    'aria-label': ctx.t('place_suggestions') });
	const hint = h('p', { id: id + '-hint', class: 'hint', 'aria-live':
	    'polite' });
	let items = [], active = -1, run = 0;

	const close = () => {
		list.replaceChildren();
		items = [];
		active = -1;
		input.setAttribute('aria-expanded', 'false');
		input.removeAttribute('aria-activedescendant');
	};
	const pick = (p) => {
		close();
		input.value = '';
		hint.textContent = '';
		opts.onPick(p);
	};
	const mark = (i) => {
		active = i;
		for (const [j, li] of [...list.children].entries())
			li.setAttribute('aria-selected', j === i ? 'true' : 'false');
		if (i >= 0)
			input.setAttribute('aria-activedescendant', list.children[i].id);
	};
	const show = async () => {
		const q = input.value.trim();
		const mine = ++run;
		if (q.length < 2) {
			close();
			hint.textContent = '';
			return;
		}
		let gz = ctx.gazetteer;
		if (!gz) {
			hint.textContent = ctx.t('places_loading');
			try {
				gz = await loadPlaces();
			} catch {
				hint.textContent = ctx.t('places_failed');
			}
			if (mine !== run)
				return;
		}
		const found = gz ? gz.suggest(q).map((p) => ({ g: p.g, label:
		    gz.label(p, ctx.lang), level: p.level })) : [];
		const code = normalizeGeohash(q);
		if (code && code.length >= 2 && /\d/.test(code))
			found.push({ g: code, label: ctx.t('place_code', { g: code }),
			    level: levelOfLength(code.length) });
		close();
		items = found;
		hint.textContent = found.length ? '' : ctx.t('places_none');
		for (const [i, p] of found.entries()) {
			const li = h('li', { id: listId + '-' + (++seq), role: 'option',
			    'aria-selected': 'false', class: 'opt', onclick: () => pick(p),
			    onmousedown: (e) => e.preventDefault() },
			    h('bdi', null, p.label), h('span', { class: 'level' },
			    ctx.t('level_' + p.level)));
			li.dataset.i = String(i);
			list.append(li);
		}
		input.setAttribute('aria-expanded', found.length ? 'true' : 'false');
	};
	input.addEventListener('input', show);
	input.addEventListener('focus', () => {
		if (!ctx.gazetteer)
			loadPlaces().catch(() => {});
	});
	input.addEventListener('keydown', (e) => {
		if (e.key === 'ArrowDown' && items.length) {
			e.preventDefault();
			mark((active + 1) % items.length);
		} else if (e.key === 'ArrowUp' && items.length) {
			e.preventDefault();
			mark((active - 1 + items.length) % items.length);
		} else if (e.key === 'Enter') {
			e.preventDefault();
			if (items.length)
				pick(items[Math.max(0, active)]);
		} else if (e.key === 'Escape' && items.length) {
			e.stopPropagation();
			close();
		}
	});
	const root = h('div', { class: 'picker' },
	    h('label', { for: id }, ctx.t(opts.label)), input, hint, list);
	return { root, input, clear: () => {
		input.value = '';
		hint.textContent = '';
		close();
	} };
}
