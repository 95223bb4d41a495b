/*
 * blobref.c: the blobs an event references (blobref.h).  Everything it
 * reads is the event's own strings, already checked UTF-8 by event_parse;
 * it only looks for 64 lowercase hex characters in the places docs/blobs.md
 * names, and never builds anything from them but 32 decoded bytes.  Pure.
 */
#include <string.h>

#include "blobref.h"
#include "hex.h"

#define EXT_MAX		10	/* ".jpg", ".webp", ".mp4" ... */

struct refs {
	struct blobref	*out;
	size_t		 n, max;
	bool		 thumbs;	/* this pass takes thumbnails only */
};

static bool
str_is(struct str s, const char *lit)
{
	size_t	 n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static bool
alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

/* Adds a hash once; a thumbnail stays a thumbnail. */
static void
add(struct refs *r, const uint8_t hash[32], enum blob_role role)
{
	size_t	 i;

	/* Two passes, thumbnails then the rest: max never drops a thumb. */
	if ((role == BLOB_THUMB) != r->thumbs)
		return;
	for (i = 0; i < r->n; i++)
		if (memcmp(r->out[i].hash, hash, 32) == 0)
			return;
	if (r->n == r->max)
		return;
	memcpy(r->out[r->n].hash, hash, 32);
	r->out[r->n].role = role;
	r->n++;
}

bool
blobref_url_hash(const char *url, size_t n, bool need_ext, uint8_t hash[32])
{
	const char *seg, *end = url + n, *p;
	size_t	 i, segn;

	/* The path ends at a query or fragment. */
	for (p = url; p < end; p++)
		if (*p == '?' || *p == '#')
			break;
	end = p;
	for (seg = end; seg > url && seg[-1] != '/'; seg--)
		;
	if (seg == url)
		return false;		/* no slash: not a path segment */
	segn = (size_t)(end - seg);
	if (segn < 64)
		return false;
	if (segn == 64) {
		if (need_ext)
			return false;
	} else {
		if (seg[64] != '.' || segn - 65 == 0 || segn - 65 > EXT_MAX)
			return false;
		for (i = 65; i < segn; i++)
			if (!alnum(seg[i]))
				return false;
	}
	return hex_decode(seg, 64, hash, 32);
}

/* One "key value" field of an imeta tag. */
static void
imeta_field(struct refs *r, struct str f)
{
	const char *sp = memchr(f.p, ' ', f.n);
	struct str k, v;
	uint8_t	 h[32];

	if (sp == NULL)
		return;
	k.p = f.p;
	k.n = (size_t)(sp - f.p);
	v.p = sp + 1;
	v.n = f.n - k.n - 1;
	if (str_is(k, "x")) {
		if (hex_decode(v.p, v.n, h, 32))
			add(r, h, BLOB_PUBLIC);
	} else if (str_is(k, "url")) {
		if (blobref_url_hash(v.p, v.n, false, h))
			add(r, h, BLOB_PUBLIC);
	} else if (str_is(k, "thumb")) {
		if (blobref_url_hash(v.p, v.n, false, h))
			add(r, h, BLOB_THUMB);
	}
	/* "ox" is the original: it stays with its photographer. */
}

/* NIP-94 (kind 1063): the same keys as tags of their own. */
static void
file_tag(struct refs *r, const struct tag *t)
{
	uint8_t	 h[32];

	if (t->n < 2)
		return;
	if (str_is(t->v[0], "x") && hex_decode(t->v[1].p, t->v[1].n, h, 32))
		add(r, h, BLOB_PUBLIC);
	else if (str_is(t->v[0], "url") &&
	    blobref_url_hash(t->v[1].p, t->v[1].n, false, h))
		add(r, h, BLOB_PUBLIC);
	else if (str_is(t->v[0], "thumb")) {
		if (t->n >= 3 && hex_decode(t->v[2].p, t->v[2].n, h, 32))
			add(r, h, BLOB_THUMB);
		else if (blobref_url_hash(t->v[1].p, t->v[1].n, false, h))
			add(r, h, BLOB_THUMB);
	}
}

/* Characters that end a URL in running text. */
static bool
url_end(char c)
{
	return (unsigned char)c <= ' ' || c == '"' || c == '\'' || c == '<' ||
	    c == '>' || c == '(' || c == ')' || c == '[' || c == ']' ||
	    c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' ||
	    c == '`';
}

static void
content_urls(struct refs *r, struct str c)
{
	const char *p = c.p, *end = c.p + c.n, *u, *e;
	uint8_t	 h[32];

	while (p < end && r->n < r->max) {
		if ((u = memchr(p, 'h', (size_t)(end - p))) == NULL)
			return;
		if ((size_t)(end - u) >= 8 && (memcmp(u, "http://", 7) == 0 ||
		    memcmp(u, "https://", 8) == 0)) {
			for (e = u; e < end && !url_end(*e); e++)
				;
			/* A sentence's full stop or comma is not the URL's. */
			while (e > u && (e[-1] == '.' || e[-1] == ',' ||
			    e[-1] == ';' || e[-1] == ':' || e[-1] == '!'))
				e--;
			if (blobref_url_hash(u, (size_t)(e - u), true, h))
				add(r, h, BLOB_PUBLIC);
			p = e > u ? e : u + 1;
		} else
			p = u + 1;
	}
}

size_t
blobref_extract(const struct event *ev, struct blobref *out, size_t max)
{
	struct refs r = { out, 0, max, true };
	size_t	 i, k;

	/* Thumbnails first, then the rest, each in the order met. */
	for (r.thumbs = true;; r.thumbs = false) {
		for (i = 0; i < ev->ntags && r.n < r.max; i++) {
			const struct tag *t = &ev->tags[i];

			if (str_is(t->v[0], "imeta"))
				for (k = 1; k < t->n; k++)
					imeta_field(&r, t->v[k]);
			else if (ev->kind == 1063)
				file_tag(&r, t);
		}
		if (!r.thumbs)
			break;
	}
	content_urls(&r, ev->content);
	return r.n;
}

const char *
blobref_role_name(enum blob_role r)
{
	switch (r) {
	case BLOB_ORIGINAL:
		return "original";
	case BLOB_PUBLIC:
		return "public";
	case BLOB_THUMB:
		return "thumb";
	}
	return "?";
}
