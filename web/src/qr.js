// qr.js: a QR code as an inline SVG element, drawn with DOM calls (one
// path of dark modules), so no image is fetched and nothing goes through
// innerHTML.  The matrix comes from qrcode-generator; qrPath is pure.

import qrcode from 'qrcode-generator';

const SVG = 'http://www.w3.org/2000/svg';

// {size, d}: the module count with a 4-module quiet zone and the SVG path
// of the dark modules.
export function qrPath(text, ecl = 'M') {
	const q = qrcode(0, ecl);
	q.addData(text);
	q.make();
	const n = q.getModuleCount(), quiet = 4;
	let d = '';
	for (let r = 0; r < n; r++)
		for (let c = 0; c < n; c++)
			if (q.isDark(r, c))
				d += `M${c + quiet} ${r + quiet}h1v1h-1z`;
	return { size: n + 2 * quiet, d };
}

export function qrSvg(doc, text, label) {
	const { size, d } = qrPath(text);
	const svg = doc.createElementNS(SVG, 'svg');
	svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
	svg.setAttribute('class', 'qr');
	svg.setAttribute('role', 'img');
	svg.setAttribute('aria-label', label);
	svg.setAttribute('shape-rendering', 'crispEdges');
	const bg = doc.createElementNS(SVG, 'rect');
	bg.setAttribute('width', String(size));
	bg.setAttribute('height', String(size));
	bg.setAttribute('fill', '#fff');
	const p = doc.createElementNS(SVG, 'path');
	p.setAttribute('d', d);
	p.setAttribute('fill', '#000');
	svg.append(bg, p);
	return svg;
}
