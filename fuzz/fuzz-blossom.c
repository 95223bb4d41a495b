/*
 * fuzz-blossom.c: what a stranger sends the Blossom side of a node, in
 * the pure core: an Authorization header (blossom_auth_decode, then the
 * event parser and blossom_auth_rules, as blob_auth_check does), a
 * request path (blossom_path_hash), a mirror URL (blossom_mirror_url),
 * and an event whose blob references a node follows (blobref_extract,
 * blobref_url_hash).  The first byte picks one; the rest is the input.
 * Properties: a path or URL that names a hash names the one its hex
 * spells; references are unique, at most max, thumbnails first; a token
 * that passes the rules is kind 24242 and names at most its x tags.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blobref.h"
#include "blossom.h"
#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"

#define NOW	1800000000ULL

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The hash spelled by the 64 hex at s, or abort. */
static void
same_hash(const char *s, const uint8_t h[32])
{
	uint8_t	 w[32];

	if (!hex_decode(s, 64, w, 32) || memcmp(w, h, 32) != 0)
		abort();
}

static void
refs(const char *p, size_t n)
{
	struct blobref r[BLOBREF_MAX];
	struct event ev;
	size_t	 sz = EVENT_SCRATCH(n), k, i, j;
	void	*scratch;
	bool	 thumbs = true;

	if ((scratch = malloc(sz)) == NULL)
		return;
	if (event_parse(p, n, NULL, &ev, scratch, sz) == ERR_OK) {
		k = blobref_extract(&ev, r, BLOBREF_MAX);
		if (k > BLOBREF_MAX || blobref_extract(&ev, r, 3) > 3)
			abort();
		k = blobref_extract(&ev, r, BLOBREF_MAX);
		for (i = 0; i < k; i++) {
			if (r[i].role != BLOB_PUBLIC && r[i].role != BLOB_THUMB)
				abort();
			if (r[i].role != BLOB_THUMB)
				thumbs = false;
			else if (!thumbs)
				abort();	/* a thumbnail after the rest */
			for (j = 0; j < i; j++)
				if (memcmp(r[i].hash, r[j].hash, 32) == 0)
					abort();
		}
	}
	free(scratch);
}

static void
auth(const char *p, size_t n)
{
	struct blossom_auth a;
	struct event ev;
	struct buf json;
	void	*scratch;
	size_t	 sz;
	unsigned v;

	buf_init(&json, BLOSSOM_AUTH_MAX);
	if (blossom_auth_decode(p, n, &json) != ERR_OK) {
		buf_free(&json);
		return;
	}
	if (json.len > BLOSSOM_AUTH_MAX)
		abort();
	sz = EVENT_SCRATCH(json.len);
	if ((scratch = malloc(sz)) != NULL && event_parse(json.p, json.len,
	    NULL, &ev, scratch, sz) == ERR_OK)
		for (v = BLOSSOM_GET; v <= BLOSSOM_MEDIA; v++)
			if (blossom_auth_rules(&ev, (enum blossom_verb)v,
			    "127.0.0.1:4848", NOW, &a) == ERR_OK &&
			    (ev.kind != BLOSSOM_KIND ||
			    a.nx > BLOSSOM_AUTH_X_MAX || a.expiration <= NOW))
				abort();
	free(scratch);
	buf_free(&json);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	char	*s, host[256], path[1024];
	uint8_t	 h[32];
	uint16_t port;
	bool	 tls;
	size_t	 n, len;

	if (!inited) {
		crypto_init();
		inited = 1;
	}
	if (size < 1 || size > (1u << 20))
		return 0;
	n = size - 1;
	if ((s = malloc(n + 1)) == NULL)
		return 0;
	memcpy(s, data + 1, n);
	s[n] = '\0';
	switch (data[0] % 4) {
	case 0:
		auth(s, n);
		break;
	case 1:
		if (strlen(s) == n && blossom_path_hash(s, h))
			same_hash(s + 1, h);
		break;
	case 2:
		if (blossom_mirror_url(s, n, data[0] & 4, host, &port, &tls,
		    path, h) == ERR_OK) {
			if (memchr(host, '\0', 256) == NULL ||
			    memchr(path, '\0', 1024) == NULL || path[0] != '/')
				abort();
			if (!(data[0] & 4) && !blossom_addr_local(host))
				abort();
		}
		len = n;
		if (blobref_url_hash(s, n, data[0] & 8, h)) {
			/* The 64 hex are the last segment's first. */
			const char *e = s + len, *q;

			for (q = s; q < s + len; q++)
				if (*q == '?' || *q == '#') {
					e = q;
					break;
				}
			for (q = e; q > s && q[-1] != '/'; q--)
				;
			if (e - q < 64)
				abort();
			same_hash(q, h);
		}
		break;
	default:
		refs(s, n);
		break;
	}
	free(s);
	return 0;
}
