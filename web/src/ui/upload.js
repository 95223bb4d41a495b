// ui/upload.js: blobs to this node's Blossom endpoints, nowhere else.
// HEAD /upload first (BUD-06: a file the node would refuse, too large or
// of a type it does not take, is not sent at all), then PUT /upload
// (BUD-02) with the kind 24242 authorization (BUD-11) and X-SHA-256,
// through XMLHttpRequest for its upload progress.  The descriptor that
// comes back must name the hash and size sent.  A refusal comes back as
// an Error with the HTTP status and the node's X-Reason, which the page
// shows in plain words beside the node's own.  Not a screen.

import { checkDescriptor } from '../media/blossom.js';

function refused(status, reason) {
	const e = new Error('upload refused: ' + status);
	e.status = status;
	e.reason = reason ?? '';
	return e;
}

// Would the node take it?  Resolves when it says yes or does not know
// BUD-06 (404, 405); rejects with its refusal otherwise.
export async function preflight(blob, auth) {
	let res;
	try {
		res = await fetch('/upload', { method: 'HEAD', cache: 'no-store',
		    headers: { Authorization: auth, 'X-SHA-256': blob.x,
			'X-Content-Type': blob.mime, 'X-Content-Length': String(
			blob.bytes.length) } });
	} catch {
		throw refused(0);
	}
	if (res.ok || res.status === 404 || res.status === 405)
		return;
	throw refused(res.status, res.headers.get('X-Reason'));
}

// PUT blob ({bytes, mime, x}) with auth (the Authorization header);
// progress(sent, total).  Resolves to the checked descriptor {url,
// sha256, size, type}.  abort: an object whose abort() is set here, to
// stop the upload.
export function put(blob, auth, progress, abort = {}) {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('PUT', '/upload');
		xhr.setRequestHeader('Authorization', auth);
		xhr.setRequestHeader('Content-Type', blob.mime);
		xhr.setRequestHeader('X-SHA-256', blob.x);
		xhr.upload.onprogress = (e) => progress?.(e.loaded, e.total ||
		    blob.bytes.length);
		xhr.onload = () => {
			if (xhr.status !== 200 && xhr.status !== 201)
				return reject(refused(xhr.status, xhr.getResponseHeader(
				    'X-Reason')));
			let d = null;
			try {
				d = checkDescriptor(JSON.parse(xhr.responseText), blob.x,
				    blob.bytes.length);
			} catch {
				d = null;
			}
			if (!d)
				return reject(refused(502, 'not a descriptor of the blob sent'));
			resolve(d);
		};
		xhr.onerror = () => reject(refused(0));
		xhr.onabort = () => reject(refused(0, 'aborted'));
		abort.abort = () => xhr.abort();
		xhr.send(blob.bytes);
	});
}
