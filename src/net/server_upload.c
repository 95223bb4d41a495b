/*
 * server_upload.c: PUT /upload, /media and /mirror (server_blob_int.h):
 * the checks before the body (Content-Length, size cap, token, X-SHA-256,
 * the count of uploads), the body streamed to a temporary file as it
 * arrives (never whole in memory), the timeout, and the commit through
 * blob_writer_commit; a mirror's body is its JSON, then the fetch with
 * the HTTP client on this context, only from LAN and loopback addresses
 * or known peers (blossom_mirror_url says which, docs/blobs.md why).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "blob_index.h"
#include "hex.h"
#include "log.h"
#include "server_blob_int.h"
#include "url.h"

/* PUT /upload, /media, /mirror: the checks before the body. */
int
sblob_put_start(struct sblob *sb)
{
	char	 cl[32], te[64];
	enum blossom_verb verb = sb->kind == HTTP_MEDIA ? BLOSSOM_MEDIA :
	    BLOSSOM_UPLOAD;
	uint64_t max = sb->kind == HTTP_MIRROR ? MIRROR_BODY_MAX :
	    sb->bs->o->store.max_size;
	char	 detail[64];
	enum err e;

	if (sblob_header(sb->wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING, te, sizeof(te)) ||
	    !sblob_header(sb->wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, cl, sizeof(cl)) ||
	    cl[0] < '0' || cl[0] > '9')
		return sblob_refuse_now(sb, ERR_BLOB_LENGTH, NULL);
	sb->want = strtoull(cl, NULL, 10);
	if (sb->want > max) {
		snprintf(detail, sizeof(detail), "at most %llu bytes",
		    (unsigned long long)max);
		return sblob_refuse_body(sb, ERR_MEDIA_SIZE, detail);
	}
	if ((e = sblob_auth(sb, verb)) != ERR_OK)
		return sblob_refuse_body(sb, e, NULL);
	if ((e = sblob_xsha(sb, "x-sha-256:")) != ERR_OK)
		return sblob_refuse_body(sb, e, "X-SHA-256 is not 64 hex digits");
	if (sb->kind != HTTP_MIRROR && sb->has_xsha &&
	    !blossom_auth_names(&sb->auth, sb->xsha))
		return sblob_refuse_body(sb, ERR_BLOB_AUTH_HASH, NULL);
	if ((e = sblob_count_in(sb)) != ERR_OK)
		return sblob_refuse_body(sb, e, NULL);
	if (sb->want == 0)
		return sblob_refuse_body(sb, ERR_MEDIA_TYPE, "an empty file");
	if (sb->kind == HTTP_MIRROR) {
		buf_init(&sb->mbody, MIRROR_BODY_MAX);
		return 0;
	}
	if ((e = blob_writer_open(sb->bs->b, &sb->w, sb->want)) != ERR_OK)
		return sblob_refuse_now(sb, e, NULL);
	sb->writing = true;
	return 0;
}

/* --- bodies --------------------------------------------------------------- */

int
sblob_put_body(struct sblob *sb, const void *in, size_t len)
{
	enum err e;

	if (sb->bs->o->upload_timeout > 0 && time(NULL) - sb->started >
	    (time_t)sb->bs->o->upload_timeout)
		return sblob_refuse_now(sb, ERR_BLOB_TIMEOUT, NULL);
	sb->got += len;
	if (sb->refuse != ERR_OK)
		return 0;		/* read and thrown away */
	if (sb->kind == HTTP_MIRROR) {
		buf_append(&sb->mbody, in, len);
		return sb->mbody.err ? sblob_refuse_now(sb, ERR_MEDIA_SIZE, NULL) : 0;
	}
	if ((e = blob_writer_write(&sb->w, in, len)) != ERR_OK)
		return sblob_refuse_now(sb, e, NULL);
	return 0;
}

/* The answer to a stored blob: its descriptor, 201 or 200. */
static int
answer_put(struct sblob *sb, const struct blob_put *p)
{
	struct blossom_nip94 n94;
	struct buf b;
	char	 base[300], hex[65];

	sblob_base(sb, base, sizeof(base));
	memset(&n94, 0, sizeof(n94));
	n94.public_base = sb->bs->public_base[0] != '\0' &&
	    sb->bs->o->nbridges > 0 ? sb->bs->public_base : NULL;
	n94.width = p->width;
	n94.height = p->height;
	n94.ox = p->strip ? p->ox : NULL;
	buf_init(&b, 8192);
	blossom_descriptor(&b, base, p->sha256, p->size, p->type,
	    (uint64_t)p->now, &n94);
	hex_encode(p->sha256, 32, hex);
	log_info("%s: %s blob %s (%s, %llu bytes)", sb->peer, p->existed ?
	    "had" : "stored", hex, media_mime(p->type),
	    (unsigned long long)p->size);
	return sblob_json(sb, p->existed ? 200 : 201, &b);
}

static void	mirror_start(struct sblob *);

int
sblob_put_done(struct sblob *sb)
{
	struct blob_put p;
	enum err e;

	if (sb->refuse != ERR_OK) {
		log_info("%s: blob refused: %s%s%s", sb->peer,
		    err_str(sb->refuse), sb->detail[0] ? ": " : "",
		    sb->detail);
		return sblob_text(sb, sb->refuse, sb->detail);
	}
	if (sb->got != sb->want)
		return sblob_text(sb, ERR_BLOB_SHORT, NULL);
	if (sb->kind == HTTP_MIRROR) {
		mirror_start(sb);
		return 0;
	}
	memset(&p, 0, sizeof(p));
	p.expect = sb->has_xsha ? sb->xsha : NULL;
	p.auth = &sb->auth;
	p.owner = sb->auth.pubkey;
	p.strip = sb->kind == HTTP_MEDIA;
	p.may_evict_own = true;
	p.role = BLOB_PUBLIC;
	p.now = (int64_t)time(NULL);
	sb->writing = false;
	e = blob_writer_commit(sb->bs->b, &sb->w, &p);
	sblob_count_out(sb);
	if (e != ERR_OK) {
		log_info("%s: blob refused: %s%s%s", sb->peer, err_str(e),
		    p.detail[0] ? ": " : "", p.detail);
		return sblob_text(sb, e, p.detail);
	}
	return answer_put(sb, &p);
}

/* --- mirror --------------------------------------------------------------- */

/* True if host is the host of a peer link of this node. */
static bool
known_peer(struct server *s, const char *host)
{
	return blob_link_host(s->store, host);
}

static int
mirror_head(void *arg, uint64_t id, unsigned status, uint64_t len,
    const char *reason)
{
	struct sblob *sb = arg;
	enum err e;

	if (status != 200) {
		snprintf(sb->detail, sizeof(sb->detail), "the origin answered "
		    "%u%s%s", status, reason[0] ? ": " : "", reason);
		sb->mirror_err = ERR_BLOB_FETCH;
		return 1;
	}
	if (len != UINT64_MAX && len > sb->bs->o->store.max_size) {
		sb->mirror_err = ERR_MEDIA_SIZE;
		return 1;
	}
	if ((e = blob_writer_open(sb->bs->b, &sb->w, sb->bs->o->store.max_size))
	    != ERR_OK) {
		sb->mirror_err = e;
		return 1;
	}
	sb->writing = true;
	return 0;
}

static int
mirror_body(void *arg, uint64_t id, const void *p, size_t n)
{
	struct sblob *sb = arg;
	enum err e;

	if (!sb->writing)
		return 1;
	if ((e = blob_writer_write(&sb->w, p, n)) != ERR_OK) {
		sb->mirror_err = e;
		return 1;
	}
	return 0;
}

static void
mirror_done(void *arg, uint64_t id, unsigned status, const char *why)
{
	struct sblob *sb = arg;
	struct blob_put p;

	sb->fetch = 0;
	if (why != NULL && sb->mirror_err == ERR_OK) {
		sb->mirror_err = ERR_BLOB_FETCH;
		snprintf(sb->detail, sizeof(sb->detail), "%s", why);
	}
	if (sb->mirror_err == ERR_OK && sb->writing) {
		memset(&p, 0, sizeof(p));
		p.expect = sb->mhash;
		p.owner = sb->auth.pubkey;
		p.may_evict_own = true;
		p.role = BLOB_PUBLIC;
		p.now = (int64_t)time(NULL);
		sb->writing = false;
		if ((sb->mirror_err = blob_writer_commit(sb->bs->b, &sb->w,
		    &p)) == ERR_OK) {
			struct blossom_nip94 n94;
			struct buf b;
			char	 base[300];

			sblob_base(sb, base, sizeof(base));
			memset(&n94, 0, sizeof(n94));
			n94.width = p.width;
			n94.height = p.height;
			buf_init(&b, 8192);
			blossom_descriptor(&b, base, p.sha256, p.size, p.type,
			    (uint64_t)p.now, &n94);
			sb->answer = b.p;
			sb->answer_len = b.len;
			sb->answer_status = p.existed ? 200 : 201;
			sb->answer_type = "application/json";
		} else
			snprintf(sb->detail, sizeof(sb->detail), "%s",
			    p.detail);
	}
	if (sb->writing) {
		blob_writer_abort(&sb->w);
		sb->writing = false;
	}
	sblob_count_out(sb);
	sb->mirror_done = true;
	lws_callback_on_writable(sb->wsi);
}

static void
mirror_start(struct sblob *sb)
{
	static const struct httpc_ops ops = {
		.head = mirror_head, .body = mirror_body, .done = mirror_done,
	};
	struct httpc_req r;
	json_t	*j, *u;
	json_error_t je;
	char	 host[256], path[1024], url[1400], err[200], hex[65];
	uint16_t port;
	bool	 tls;
	struct blob_info info;

	j = json_loadb(sb->mbody.p ? sb->mbody.p : "", sb->mbody.len,
	    JSON_REJECT_DUPLICATES, &je);
	u = json_is_object(j) ? json_object_get(j, "url") : NULL;
	if (!json_is_string(u)) {
		json_decref(j);
		sb->mirror_err = ERR_BLOB_REQUEST;
		snprintf(sb->detail, sizeof(sb->detail), "the body must be "
		    "{\"url\":\"...\"}");
		goto over;
	}
	snprintf(url, sizeof(url), "%s", json_string_value(u));
	json_decref(j);
	if ((sb->mirror_err = blossom_mirror_url(url, strlen(url), false,
	    host, &port, &tls, path, sb->mhash)) != ERR_OK) {
		/* Not a LAN address: perhaps a peer's. */
		char	 h2[256];
		struct url pu;

		if (url_parse(url, strlen(url), &pu) == 0 &&
		    known_peer(sb->bs->s, pu.host))
			sb->mirror_err = blossom_mirror_url(url, strlen(url),
			    true, host, &port, &tls, path, sb->mhash);
		(void)h2;
		if (sb->mirror_err != ERR_OK)
			goto over;
	}
	if (!blossom_auth_names(&sb->auth, sb->mhash)) {
		sb->mirror_err = ERR_BLOB_AUTH_HASH;
		goto over;
	}
	if (blob_get(sb->bs->b, sb->mhash, &info) == ERR_OK && info.present) {
		struct blob_put p;

		memset(&p, 0, sizeof(p));
		memcpy(p.sha256, sb->mhash, 32);
		p.size = info.size;
		p.type = info.type;
		p.existed = true;
		p.now = (int64_t)time(NULL);
		p.width = info.width;
		p.height = info.height;
		(void)blob_owner_add(sb->bs->b, sb->mhash, sb->auth.pubkey,
		    p.now);
		sblob_count_out(sb);
		(void)answer_put(sb, &p);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.method = "GET";
	r.url = url;
	r.body_fd = -1;
	r.timeout_s = sb->bs->o->upload_timeout;
	hex_encode(sb->mhash, 32, hex);
	log_info("%s: mirroring %s from %s", sb->peer, hex, url);
	if ((sb->fetch = httpc_start(sb->bs->hc, &r, &ops, sb, err,
	    sizeof(err))) == 0) {
		sb->mirror_err = ERR_BLOB_FETCH;
		snprintf(sb->detail, sizeof(sb->detail), "%s", err);
		goto over;
	}
	return;
over:
	sblob_count_out(sb);
	sb->mirror_done = true;
	lws_callback_on_writable(sb->wsi);
}

