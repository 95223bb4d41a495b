/*
 * store_root.c: custody roots made from the store (store_root.h).  The
 * lines each day ends with are found in one backward pass from the head
 * (custody_root_scan), which stops at the first line older than the
 * oldest day wanted, or at the last line the node's newest root covers:
 * a daily root reads a day of lines, a catch-up of 30 days 30 days.  The
 * event is signed here and stored as an event from the network would be
 * (ingest_one), so it is checked like any other.
 */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "custody.h"
#include "event.h"
#include "filter.h"
#include "ingest.h"
#include "log.h"
#include "store_custody.h"
#include "store_int.h"
#include "store_root.h"

#define ROOTS_LOOKED_AT	64	/* of the node's newest roots */

static const struct custody_src node_src = { CUSTODY_NODE, "" };

struct last {
	int64_t		 day;
	uint64_t	 seq;
	uint8_t		 scratch[16384];
};

static int
on_root(const char *json, size_t len, void *arg)
{
	struct last *l = arg;
	struct custody_root r;
	struct event ev;

	if (event_parse(json, len, NULL, &ev, l->scratch, sizeof(l->scratch))
	    == ERR_OK && custody_root_parse(&ev, &r) &&
	    (l->day == INT64_MIN || r.day > l->day ||
	    (r.day == l->day && r.seq > l->seq))) {
		l->day = r.day;
		l->seq = r.seq;
	}
	return 0;
}

/* The newest day this node has a root for, and the seq it covered. */
static enum err
last_root(struct store *s, const uint8_t pk[32], uint64_t now,
    struct last *l)
{
	struct filter f;
	uint8_t	 au[1][32];
	uint32_t kind = CUSTODY_ROOT_KIND;

	filter_init(&f);
	memcpy(au[0], pk, 32);
	f.authors = au;
	f.nauthors = 1;
	f.kinds = &kind;
	f.nkinds = 1;
	f.limit = ROOTS_LOOKED_AT;
	f.has_limit = true;
	l->day = INT64_MIN;
	l->seq = 0;
	return store_query(s, &f, 1, now, 0, on_root, l);
}

/* Signs r and stores it through the ingest path. */
static enum err
make(struct store *s, const uint8_t sk[32], const struct custody_root *r,
    store_root_cb cb, void *arg)
{
	struct custody_root_ev b;
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct event ev;
	struct buf tmp, json;
	enum err e;

	custody_root_event(r, &b, &ev);
	buf_init(&tmp, 0);
	buf_init(&json, 0);
	if ((e = event_sign(&ev, sk, &tmp)) != ERR_OK)
		goto done;
	event_write_json(&ev, &json);
	if (json.err) {
		e = ERR_NOMEM;
		goto done;
	}
	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&ctx);
	ctx.src = &node_src;
	e = ingest_one(&ctx, &pol, s, json.p, json.len, r->created_at, NULL);
	ingest_ctx_free(&ctx);
	if (ingest_accepted(e)) {
		e = ERR_OK;
		if (cb != NULL)
			cb(arg, r, json.p, json.len);
	}
done:
	buf_free(&tmp);
	buf_free(&json);
	return e;
}

/*
 * Fills each root's seq and chain in one pass from the head down, down to
 * the line floor (the last root's): a day that ends at or below it gets
 * no root, so the lines under it need not be read.
 */
static enum err
scan(struct store *s, struct custody_root *roots, size_t n, uint64_t floor)
{
	sqlite3_stmt *st = NULL;
	int	 rc;
	bool	 more = true;

	if ((rc = sqlite3_prepare_v2(s->db, "SELECT seq, at, chain FROM"
	    " custody ORDER BY seq DESC", -1, &st, NULL)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: custody roots");
	while (more && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((uint64_t)sqlite3_column_int64(st, 0) <= floor)
			break;
		if (sqlite3_column_bytes(st, 2) != 32)
			continue;
		more = custody_root_scan(roots, n,
		    (uint64_t)sqlite3_column_int64(st, 0),
		    (uint64_t)sqlite3_column_int64(st, 1),
		    sqlite3_column_blob(st, 2));
	}
	sqlite3_finalize(st);
	if (more && rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_sqlerr(s, rc, "store: custody roots");
	return ERR_OK;
}

enum err
store_root_close(struct store *s, const uint8_t sk[32], uint64_t now,
    store_root_cb cb, void *arg, size_t *made)
{
	struct last l;
	struct custody_root roots[CUSTODY_ROOT_DAYS];
	uint8_t	 pk[32];
	uint64_t prev;
	int64_t	 first;
	size_t	 n, i;
	enum err e;

	*made = 0;
	if ((e = crypto_pubkey(sk, pk)) != ERR_OK)
		return e;
	if ((e = last_root(s, pk, now, &l)) != ERR_OK)
		return e;
	if ((n = custody_root_due(now, l.day, &first)) == 0)
		return ERR_OK;
	memset(roots, 0, sizeof(roots));
	for (i = 0; i < n; i++)
		roots[i].day = first + (int64_t)i;
	if ((e = scan(s, roots, n, l.seq)) != ERR_OK)
		return e;
	prev = l.seq;
	for (i = 0; i < n; i++) {
		/* Nothing yet, or nothing new since the root before. */
		if (roots[i].seq == 0 || roots[i].seq <= prev)
			continue;
		roots[i].created_at = now;
		if ((e = make(s, sk, &roots[i], cb, arg)) != ERR_OK)
			return e;
		prev = roots[i].seq;
		(*made)++;
	}
	return ERR_OK;
}

enum err
store_root_running(struct store *s, const uint8_t sk[32], uint64_t now,
    store_root_cb cb, void *arg, bool *made)
{
	struct custody_root r;
	enum err e;

	*made = false;
	memset(&r, 0, sizeof(r));
	if ((e = store_custody_head(s, &r.seq, r.chain)) != ERR_OK)
		return e;
	if (r.seq == 0)
		return ERR_OK;
	*made = true;
	r.day = custody_day_of(now);
	r.created_at = now;
	return make(s, sk, &r, cb, arg);
}

static void
say_made(void *arg, const struct custody_root *r, const char *json,
    size_t len)
{
	char	 day[11];

	custody_day_str(r->day, day);
	log_info("custody: root of %s made (%llu custody lines)", day,
	    (unsigned long long)r->seq);
}

void
store_root_tick(struct store *s, const uint8_t sk[32], uint64_t now,
    int64_t *checked)
{
	int64_t	 closed;
	size_t	 made;
	enum err e;

	if (now < CUSTODY_DAY + CUSTODY_ROOT_GRACE)
		return;
	closed = custody_day_of(now - CUSTODY_ROOT_GRACE) - 1;
	if (*checked != INT64_MIN && closed <= *checked)
		return;
	*checked = closed;
	if ((e = store_root_close(s, sk, now, say_made, NULL, &made)) != ERR_OK)
		log_warnx("custody: roots not made: %s", err_str(e));
}
