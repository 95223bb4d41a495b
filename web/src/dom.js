// dom.js: the few DOM helpers the page uses.  h() builds elements from a
// tag, attributes and children; strings always become text nodes, so
// content from events is never parsed as HTML.

// h('a', {href: '#/', class: 'x', onclick: f}, 'text', child, ...)
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs)
		for (const [k, v] of Object.entries(attrs)) {
			if (v === undefined || v === null || v === false)
				continue;
			if (k.startsWith('on') && typeof v === 'function')
				el.addEventListener(k.slice(2), v);
			else if (k === 'class')
				el.className = v;
			else if (k === 'text')
				el.textContent = v;
			else if (v === true)
				el.setAttribute(k, '');
			else
				el.setAttribute(k, String(v));
		}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === undefined || c === null || c === false)
			continue;
		if (Array.isArray(c))
			append(el, c);
		else if (typeof c === 'string' || typeof c === 'number')
			el.appendChild(document.createTextNode(String(c)));
		else
			el.appendChild(c);
	}
}

export function $(id) {
	return document.getElementById(id);
}

export function clear(el) {
	while (el.firstChild)
		el.removeChild(el.firstChild);
}

// Copies text to the clipboard: the async API where the page is a secure
// context, else a hidden textarea and execCommand (plain http on a LAN).
export async function copyText(text) {
	try {
		if (navigator.clipboard && window.isSecureContext) {
			await navigator.clipboard.writeText(text);
			return true;
		}
	} catch {
		/* fall through */
	}
	const ta = h('textarea', { class: 'offscreen', readonly: true });
	ta.value = text;
	document.body.appendChild(ta);
	ta.select();
	let ok = false;
	try {
		ok = document.execCommand('copy');
	} catch {
		ok = false;
	}
	ta.remove();
	return ok;
}
