/*
 * blob_index.c: blob references, the fetch queue and the records of who
 * holds which blob (blob_index.h).  Not on the hot path: statements are
 * prepared per call.  Events were checked when they came in; an event
 * that no longer parses is skipped, never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob_index.h"
#include "blobref.h"
#include "hex.h"
#include "log.h"
#include "store_int.h"
#include "url.h"
#include "utc.h"

#define INDEX_KEY	"indexed"
#define RETRY_MIN	10		/* s before a failed fetch is retried */
#define RETRY_MAX	3600
#define TRIES_MAX	12		/* then only when someone asks */

static enum err
prep(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int	 rc;

	if ((rc = store_prepare(s, sql, 0, st)) != SQLITE_OK)
		return store_sqlerr(s, rc, "store: blob index");
	return ERR_OK;
}

static enum err
finish(struct store *s, sqlite3_stmt *st, int rc)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW && rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: blob index");
	return ERR_OK;
}

/*
 * Whether sql finds a row, with hash as its first parameter and lid as
 * its second if it has one.  A failure (logged) finds none.
 */
static bool
has_row(struct store *s, const char *sql, const uint8_t hash[32],
    int64_t lid)
{
	sqlite3_stmt *st;
	bool	 has;

	if (prep(s, sql, &st) != ERR_OK)
		return false;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) > 1)
		sqlite3_bind_int64(st, 2, lid);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

static int64_t
indexed(struct store *s)
{
	sqlite3_stmt *st;
	int64_t	 v = 0;

	if (prep(s, "SELECT v FROM blob_state WHERE k = '" INDEX_KEY "'",
	    &st) != ERR_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* One reference: its row in blob_refs, and the blob's row if new. */
static enum err
ref_put(struct store *s, const struct blobref *r, int64_t eid,
    const uint8_t reporter[32], int64_t now)
{
	sqlite3_stmt *st;
	enum err e;

	if ((e = prep(s, "INSERT OR IGNORE INTO blob_refs(sha256, eid, role)"
	    " VALUES (?, ?, ?)", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, r->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, eid);
	sqlite3_bind_int(st, 3, (int)r->role);
	if ((e = finish(s, st, sqlite3_step(st))) != ERR_OK)
		return e;
	/* A thumbnail named as one becomes one; the first reporter stays. */
	if ((e = prep(s, "INSERT INTO blobs(sha256, role, reporter, created,"
	    " next_try) VALUES (?1, ?2, ?3, ?4, ?4)"
	    " ON CONFLICT(sha256) DO UPDATE SET"
	    " reporter = coalesce(blobs.reporter, excluded.reporter),"
	    " role = CASE WHEN blobs.role = 1 AND excluded.role = 2 THEN 2"
	    " ELSE blobs.role END", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, r->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)r->role);
	sqlite3_bind_blob(st, 3, reporter, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	return finish(s, st, sqlite3_step(st));
}

/* Parses stored JSON; false if it does not (skipped). */
static bool
parse(const char *json, size_t len, struct event *ev, void **scratch,
    size_t *cap)
{
	struct event_limits lim = { 0, SIZE_MAX, SIZE_MAX };
	size_t	 need = EVENT_SCRATCH(len);
	void	*p;

	if (need > *cap) {
		if ((p = realloc(*scratch, need)) == NULL)
			return false;
		*scratch = p;
		*cap = need;
	}
	lim.max_size = len;
	return event_parse(json, len, &lim, ev, *scratch, *cap) == ERR_OK;
}

enum err
blob_index(struct store *s, int64_t now, size_t max, size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct blobref refs[BLOBREF_MAX];
	struct event ev;
	void	*scratch = NULL;
	size_t	 cap = 0, nr, i;
	int64_t	 last = indexed(s), eid;
	enum err e;
	int	 rc;

	*n = 0;
	if ((e = store_begin(s)) != ERR_OK)
		return e;
	if ((e = prep(s, "SELECT eid, " EV_JSON " FROM events WHERE eid > ?"
	    " ORDER BY eid LIMIT ?", &st)) != ERR_OK)
		goto bad;
	sqlite3_bind_int64(st, 1, last);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		eid = sqlite3_column_int64(st, 0);
		last = eid;
		(*n)++;
		if (!parse((const char *)sqlite3_column_text(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), &ev, &scratch, &cap))
			continue;
		nr = blobref_extract(&ev, refs, BLOBREF_MAX);
		for (i = 0; i < nr; i++)
			if ((e = ref_put(s, &refs[i], eid, ev.pubkey, now)) !=
			    ERR_OK) {
				sqlite3_finalize(st);
				goto bad;
			}
	}
	if ((e = finish(s, st, rc)) != ERR_OK)
		goto bad;
	if ((e = prep(s, "INSERT INTO blob_state(k, v) VALUES ('" INDEX_KEY
	    "', ?) ON CONFLICT(k) DO UPDATE SET v = max(v, excluded.v)",
	    &st)) != ERR_OK)
		goto bad;
	sqlite3_bind_int64(st, 1, last);
	if ((e = finish(s, st, sqlite3_step(st))) != ERR_OK)
		goto bad;
	free(scratch);
	return store_commit(s);
bad:
	free(scratch);
	store_rollback(s);
	return e;
}

static void
want_read(sqlite3_stmt *st, struct blob_want *w)
{
	memset(w, 0, sizeof(*w));
	memcpy(w->sha256, sqlite3_column_blob(st, 0), 32);
	w->role = (enum blob_role)sqlite3_column_int(st, 1);
	w->size = (uint64_t)sqlite3_column_int64(st, 2);
	w->type = (enum media_type)sqlite3_column_int(st, 3);
	w->tries = (unsigned)sqlite3_column_int(st, 4);
}

static size_t
wants_query(struct store *s, const char *sql, int64_t a, const uint8_t *h,
    struct blob_want *out, size_t max)
{
	sqlite3_stmt *st;
	size_t	 n = 0;

	if (prep(s, sql, &st) != ERR_OK)
		return 0;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, (int64_t)max);
	if (h != NULL)
		sqlite3_bind_blob(st, 3, h, 32, SQLITE_STATIC);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		want_read(st, &out[n++]);
	sqlite3_finalize(st);
	return n;
}

size_t
blob_wants(struct store *s, int64_t now, struct blob_want *out, size_t max)
{
	return wants_query(s, "SELECT sha256, role, size, type, tries"
	    " FROM blobs WHERE present = 0 AND gone = 0 AND role != 0"
	    " AND next_try <= ?1 AND tries < " "12"
	    " ORDER BY role = 2 DESC, next_try LIMIT ?2", now, NULL, out, max);
}

enum err
blob_want_failed(struct store *s, const uint8_t hash[32], int64_t now,
    const char *why, bool final)
{
	sqlite3_stmt *st;
	enum err e;

	_Static_assert(TRIES_MAX == 12, "blob_wants names TRIES_MAX");
	/* 10 s, 20 s, 40 s ... an hour at most. */
	if ((e = prep(s, "UPDATE blobs SET tries = CASE WHEN ?6 THEN 12"
	    " ELSE tries + 1 END, error = ?3,"
	    " next_try = ?2 + min(?4, ?5 << min(tries, 16))"
	    " WHERE sha256 = ?1 AND present = 0", &st)) != ERR_OK)
		return e;
	sqlite3_bind_int(st, 6, final ? 1 : 0);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, why != NULL ? why : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, RETRY_MAX);
	sqlite3_bind_int64(st, 5, RETRY_MIN);
	return finish(s, st, sqlite3_step(st));
}

bool
blob_want_now(struct store *s, const uint8_t hash[32], int64_t now)
{
	sqlite3_stmt *st;
	bool	 ok;

	if (prep(s, "UPDATE blobs SET gone = 0, tries = 0, next_try = 0"
	    " WHERE sha256 = ?1 AND present = 0 AND gone != 2 AND role != 0",
	    &st) != ERR_OK)
		return false;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(s->db) > 0;
	sqlite3_finalize(st);
	(void)now;
	return ok;
}

enum err
blob_seen_put(struct store *s, const uint8_t hash[32], int64_t lid,
    enum seen_how how, int64_t at, const char *reason)
{
	sqlite3_stmt *st;
	enum err e;

	/* What a link holds stays held: a later refusal is noise. */
	if ((e = prep(s, "INSERT INTO blob_seen(sha256, lid, how, at, reason)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(sha256, lid) DO UPDATE"
	    " SET how = excluded.how, at = excluded.at, reason ="
	    " excluded.reason WHERE blob_seen.how = 3 OR excluded.how != 3",
	    &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, lid);
	sqlite3_bind_int(st, 3, (int)how);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_text(st, 5, reason != NULL ? reason : "", -1,
	    SQLITE_STATIC);
	return finish(s, st, sqlite3_step(st));
}

void
blob_seen_npub(struct store *s, const uint8_t hash[32], const char *npub,
    enum seen_how how, int64_t at)
{
	sqlite3_stmt *st;
	int64_t	 lids[16];
	size_t	 n = 0, i;

	if (prep(s, "SELECT lid FROM links WHERE npub = ? AND kind = 0"
	    " LIMIT 16", &st) != ERR_OK)
		return;
	sqlite3_bind_text(st, 1, npub, -1, SQLITE_STATIC);
	while (n < 16 && sqlite3_step(st) == SQLITE_ROW)
		lids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	for (i = 0; i < n; i++)
		(void)blob_seen_put(s, hash, lids[i], how, at, NULL);
}

enum err
blob_link_npub(struct store *s, int64_t lid, char *npub, size_t sz)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	enum err e;
	int	 rc;

	npub[0] = '\0';
	if ((e = prep(s, "SELECT npub FROM links WHERE lid = ?", &st)) !=
	    ERR_OK)
		return e;
	sqlite3_bind_int64(st, 1, lid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (t = sqlite3_column_text(st, 0)) != NULL)
		snprintf(npub, sz, "%s", (const char *)t);
	return finish(s, st, rc);
}

bool
blob_link_host(struct store *s, const char *host)
{
	sqlite3_stmt *st;
	struct url u;
	const unsigned char *name;
	bool	 found = false;

	if (prep(s, "SELECT name FROM links WHERE kind = 0", &st) != ERR_OK)
		return false;
	while (!found && sqlite3_step(st) == SQLITE_ROW)
		if ((name = sqlite3_column_text(st, 0)) != NULL &&
		    url_parse((const char *)name, strlen((const char *)name),
		    &u) == 0 && strcmp(u.host, host) == 0)
			found = true;
	sqlite3_finalize(st);
	return found;
}

bool
blob_seen_has(struct store *s, const uint8_t hash[32], int64_t lid)
{
	return has_row(s, "SELECT 1 FROM blob_seen WHERE sha256 = ? AND"
	    " lid = ?", hash, lid);
}

size_t
blob_sources(struct store *s, const uint8_t hash[32], int64_t *lids,
    size_t max)
{
	sqlite3_stmt *st;
	size_t	 n = 0, i;
	int64_t	 lid;

	if (prep(s, "SELECT lid FROM (SELECT lid, 0 AS k, at FROM blob_seen"
	    " WHERE sha256 = ?1 AND how != 3 UNION ALL SELECT s.lid, 1, s.at"
	    " FROM blob_refs r JOIN seen s ON s.eid = r.eid"
	    " WHERE r.sha256 = ?1 AND s.how = 1) ORDER BY k, at DESC LIMIT 64",
	    &st) != ERR_OK)
		return 0;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		lid = sqlite3_column_int64(st, 0);
		for (i = 0; i < n && lids[i] != lid; i++)
			;
		if (i == n)
			lids[n++] = lid;
	}
	sqlite3_finalize(st);
	return n;
}

size_t
blob_for_bridge(struct store *s, int64_t lid, struct blob_want *out,
    size_t max)
{
	return wants_query(s, "SELECT b.sha256, b.role, b.size, b.type,"
	    " b.tries FROM blobs b WHERE b.present = 1 AND b.role != 0"
	    " AND NOT EXISTS(SELECT 1 FROM blob_seen x WHERE x.sha256 ="
	    " b.sha256 AND x.lid = ?1)"
	    " ORDER BY EXISTS(SELECT 1 FROM blob_owners o"
	    " WHERE o.sha256 = b.sha256) DESC, b.role = 2 DESC, b.created DESC"
	    " LIMIT ?2", lid, NULL, out, max);
}

size_t
blob_referenced(struct store *s, const uint8_t *after, struct blob_want *out,
    size_t max)
{
	static const uint8_t zero[32];

	/* Thumbnails first, by hash within each, so a page can resume. */
	return wants_query(s, "SELECT b.sha256, b.role, b.size, b.type,"
	    " b.tries FROM blobs b WHERE b.present = 1 AND b.role != 0"
	    " AND EXISTS(SELECT 1 FROM blob_refs r WHERE r.sha256 = b.sha256)"
	    " AND (?1 = 0 OR b.sha256 > ?3) ORDER BY b.sha256 LIMIT ?2",
	    after != NULL, after != NULL ? after : zero, out, max);
}

bool
blob_is_referenced(struct store *s, const uint8_t hash[32])
{
	return has_row(s, "SELECT 1 FROM blob_refs WHERE sha256 = ? AND"
	    " role != 0", hash, 0);
}

/* --- status --------------------------------------------------------------- */

/* The blobs event id references, from its own JSON.  Returns: n. */
static size_t
event_refs(struct store *s, const uint8_t id[32], struct blobref *refs)
{
	sqlite3_stmt *st;
	struct event ev;
	void	*scratch = NULL;
	size_t	 cap = 0, n = 0;

	if (prep(s, "SELECT " EV_JSON " FROM events WHERE id = ?", &st) != ERR_OK)
		return 0;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && parse((const char *)
	    sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0),
	    &ev, &scratch, &cap))
		n = blobref_extract(&ev, refs, BLOBREF_MAX);
	sqlite3_finalize(st);
	free(scratch);
	return n;
}

typedef void	(*holder_cb)(const char *name, int kind, enum seen_how,
		    int64_t at, const char *reason, void *arg);

static enum err
holders(struct store *s, const uint8_t hash[32], holder_cb cb, void *arg)
{
	sqlite3_stmt *st;
	const unsigned char *name, *npub, *reason;
	enum err e;
	int	 rc;

	if ((e = prep(s, "SELECT l.name, l.npub, l.kind, x.how, x.at,"
	    " x.reason FROM blob_seen x JOIN links l ON l.lid = x.lid"
	    " WHERE x.sha256 = ? ORDER BY l.kind, x.at", &st)) != ERR_OK)
		return e;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		name = sqlite3_column_text(st, 0);
		npub = sqlite3_column_text(st, 1);
		reason = sqlite3_column_text(st, 5);
		cb(npub != NULL && npub[0] != '\0' &&
		    sqlite3_column_int(st, 2) == LINK_PEER ?
		    (const char *)npub : (const char *)name,
		    sqlite3_column_int(st, 2),
		    (enum seen_how)sqlite3_column_int(st, 3),
		    sqlite3_column_int64(st, 4),
		    reason != NULL ? (const char *)reason : "", arg);
	}
	return finish(s, st, rc);
}

struct jh {
	struct buf	*b;
	bool		 bridges;	/* this pass: Blossom bridges */
	bool		 first;
	bool		 names;		/* names only (the placeholder) */
};

static void
json_holder(const char *name, int kind, enum seen_how how, int64_t at,
    const char *reason, void *arg)
{
	struct jh *j = arg;

	if (j->names) {
		if (how == SEEN_REFUSED)
			return;
	} else if ((kind == LINK_BLOSSOM) != j->bridges)
		return;
	if (!j->first)
		buf_putc(j->b, ',');
	j->first = false;
	if (j->names) {
		buf_json_str(j->b, name, strlen(name));
		return;
	}
	if (j->bridges) {
		buf_puts(j->b, "{\"url\":");
		buf_json_str(j->b, name, strlen(name));
		buf_printf(j->b, ",\"ok\":%s,\"reason\":", how ==
		    SEEN_REFUSED ? "false" : "true");
		buf_json_str(j->b, reason, strlen(reason));
	} else {
		buf_puts(j->b, "{\"name\":");
		buf_json_str(j->b, name, strlen(name));
		buf_printf(j->b, ",\"how\":\"%s\"", how == SEEN_RECEIVED ?
		    "received" : how == SEEN_ACCEPTED ? "accepted" :
		    "refused");
	}
	buf_printf(j->b, ",\"at\":%lld}", (long long)at);
}

enum err
blob_holders_json(struct store *s, const uint8_t hash[32], struct buf *b)
{
	struct jh j = { b, false, true, true };
	enum err e;

	buf_putc(b, '[');
	e = holders(s, hash, json_holder, &j);
	buf_putc(b, ']');
	return e;
}

/* What status shows of a blob's row. */
struct status_row {
	char		 hex[65];
	uint64_t	 size;
	enum media_type	 type;
	bool		 here;
};

/* The row's fields that status shows; false if there is none. */
static bool
row_of(struct store *s, const uint8_t hash[32], struct status_row *r)
{
	sqlite3_stmt *st;
	bool	 found = false;

	hex_encode(hash, 32, r->hex);
	r->here = false;
	r->size = 0;
	r->type = MEDIA_NONE;
	if (prep(s, "SELECT present, size, type FROM blobs WHERE sha256 = ?",
	    &st) != ERR_OK)
		return false;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = true;
		r->here = sqlite3_column_int(st, 0) != 0;
		r->size = (uint64_t)sqlite3_column_int64(st, 1);
		r->type = (enum media_type)sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	return found;
}

enum err
blob_status_json(struct store *s, const uint8_t id[32], struct buf *b)
{
	struct blobref refs[BLOBREF_MAX];
	struct jh j;
	struct status_row r;
	size_t	 n = event_refs(s, id, refs), i;
	enum err e;

	buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		(void)row_of(s, refs[i].hash, &r);
		buf_printf(b, "%s{\"sha256\":\"%s\",\"role\":\"%s\","
		    "\"here\":%s,\"size\":%llu,\"type\":\"%s\",\"peers\":[",
		    i > 0 ? "," : "", r.hex, blobref_role_name(refs[i].role),
		    r.here ? "true" : "false", (unsigned long long)r.size,
		    r.type != MEDIA_NONE ? media_mime(r.type) : "");
		j = (struct jh){ b, false, true, false };
		if ((e = holders(s, refs[i].hash, json_holder, &j)) != ERR_OK)
			return e;
		buf_puts(b, "],\"bridges\":[");
		j = (struct jh){ b, true, true, false };
		if ((e = holders(s, refs[i].hash, json_holder, &j)) != ERR_OK)
			return e;
		buf_puts(b, "]}");
	}
	buf_putc(b, ']');
	return b->err ? ERR_NOMEM : ERR_OK;
}

static void
print_holder(const char *name, int kind, enum seen_how how, int64_t at,
    const char *reason, void *arg)
{
	FILE	*f = arg;
	char	 when[32];

	utc_text(when, sizeof(when), at, true);
	fprintf(f, "    %-13s %-7s %s  %s%s%s\n", seen_how_name(how),
	    link_kind_name((enum link_kind)kind), name, when,
	    reason[0] ? "  " : "", reason);
}

enum err
blob_status_print(struct store *s, const uint8_t id[32], FILE *f)
{
	struct blobref refs[BLOBREF_MAX];
	struct status_row r;
	size_t	 n = event_refs(s, id, refs), i;
	enum err e;

	for (i = 0; i < n; i++) {
		(void)row_of(s, refs[i].hash, &r);
		fprintf(f, "  %s %s: %s", blobref_role_name(refs[i].role),
		    r.hex, r.here ? "here" : "not on this node");
		if (r.here)
			fprintf(f, " (%s, %llu bytes)", media_mime(r.type),
			    (unsigned long long)r.size);
		fputc('\n', f);
		if ((e = holders(s, refs[i].hash, print_holder, f)) != ERR_OK)
			return e;
	}
	return ERR_OK;
}
