// proxy.mjs: the page under test, served from a file (WEB_PAGE: the page
// built from web/ before it is embedded), with everything else passed on
// to the node at port: its HTTP answers and the WebSocket upgrade.  Shared
// by the page's Chromium tests and bench/page.mjs.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

// Resolves to the listening http.Server (on 127.0.0.1, a free port).
export function pageProxy(file, port) {
	const page = readFileSync(file);
	const srv = http.createServer((req, res) => {
		const nostr = /application\/nostr\+json/.test(req.headers.accept ??
		    '');
		if ((req.url === '/' || req.url === '/index.html') && !nostr) {
			res.writeHead(200, { 'content-type': 'text/html; ' +
			    'charset=utf-8', 'content-length': page.length });
			res.end(page);
			return;
		}
		const up = http.request({ host: '127.0.0.1', port,
		    method: req.method, path: req.url, headers: req.headers,
		    agent: false }, (r) => {
			res.writeHead(r.statusCode, r.headers);
			r.pipe(res);
		});
		up.on('error', () => res.destroy());
		req.pipe(up);
	});
	srv.on('upgrade', (req, sock, head) => {
		const up = net.connect(port, '127.0.0.1', () => {
			let h = `${req.method} ${req.url} HTTP/1.1\r\n`;
			for (let i = 0; i < req.rawHeaders.length; i += 2)
				h += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
			up.write(h + '\r\n');
			up.write(head);
			sock.pipe(up).pipe(sock);
		});
		up.on('error', () => sock.destroy());
		sock.on('error', () => up.destroy());
	});
	return new Promise((resolve) => srv.listen(0, '127.0.0.1', () =>
	    resolve(srv)));
}
