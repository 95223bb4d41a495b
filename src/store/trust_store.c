/*
 * trust_store.c: reading the witness index (trust_store.h,
 * witness_store.h).  The trust graph is built from the vouches table in
 * two steps, the roots' vouches then those of the keys at hop 1, and
 * handed to core/trust.c; the node's own graph is cached on the handle
 * until wgen says a vouch changed.  A report's marks are read in one
 * index range and tallied by core/trust.c.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_mesh.h"
#include "trust_store.h"
#include "witness_int.h"

void
trust_store_set_node(struct store *s, const uint8_t node[32])
{
	struct witness_cache *wc = witness_cache(s);

	if (wc == NULL)
		return;
	wc->has_node = node != NULL;
	if (node != NULL)
		memcpy(wc->node, node, 32);
	wc->built = false;
}

struct frontier {
	int64_t		*k;
	size_t		 n, cap;
};

static int
collect(int64_t key, void *arg)
{
	struct frontier *f = arg;
	int64_t	*p;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		if ((p = realloc(f->k, f->cap * sizeof(*p))) == NULL)
			return 1;
		f->k = p;
	}
	f->k[f->n++] = key;
	return 0;
}

/*
 * The current vouches of aid into g; keys that came to hop 1 through them
 * go into f (may be NULL).
 */
static enum err
edges(struct store *s, struct trust_graph *g, int64_t aid, uint64_t now,
    struct frontier *f)
{
	sqlite3_stmt *st = wq(s, W_EDGES);
	unsigned hop;
	int64_t	 to;
	int	 rc;

	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		to = sqlite3_column_int64(st, 0);
		if (trust_graph_vouch(g, aid, to) && f != NULL &&
		    trust_graph_hop(g, to, &hop, NULL) && hop == 1 &&
		    collect(to, f) != 0)
			g->err = true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: witness");
	return g->err ? ERR_NOMEM : ERR_OK;
}

/*
 * Adds root pubkey (if known here) to g and follows its vouches two hops
 * out; keys g already has at hop 1 were followed before.
 */
static enum err
add_root(struct store *s, struct trust_graph *g, const uint8_t pubkey[32],
    uint64_t now)
{
	struct frontier f = { NULL, 0, 0 };
	int64_t	 aid;
	size_t	 i;
	enum err e;

	if ((e = waid(s, pubkey, false, &aid)) != ERR_OK || aid == 0)
		return e;
	trust_graph_root(g, aid);
	e = edges(s, g, aid, now, &f);
	for (i = 0; i < f.n && e == ERR_OK; i++)
		e = edges(s, g, f.k[i], now, NULL);
	free(f.k);
	return e != ERR_OK ? e : g->err ? ERR_NOMEM : ERR_OK;
}

enum err
wgraph(struct store *s, const uint8_t *reader, uint64_t now,
    struct trust_graph *g, const struct trust_graph **out)
{
	struct witness_cache *wc = witness_cache(s);
	sqlite3_stmt *st;
	int64_t	 gen = 0;
	int	 rc;
	enum err e;

	if (wc == NULL)
		return ERR_NOMEM;
	if ((st = wq(s, W_GEN_GET)) == NULL)
		return ERR_DB;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		gen = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: witness");
	*out = &wc->g;
	/* A vouch that expired (NIP-40) leaves no trace in wgen: a minute. */
	if (!wc->built || wc->gen != gen || now < wc->built_at ||
	    now - wc->built_at >= 60) {
		wc->built = false;
		trust_graph_reset(&wc->g);
		if (wc->has_node && (e = add_root(s, &wc->g, wc->node, now)) !=
		    ERR_OK)
			return e;
		wc->gen = gen;
		wc->built_at = now;
		wc->built = true;
	}
	if (reader == NULL)
		return ERR_OK;
	/* The reader's own: the node's graph, and the reader's vouches on it. */
	if (!trust_graph_copy(g, &wc->g))
		return ERR_NOMEM;
	*out = g;
	return add_root(s, g, reader, now);
}

static enum err
first_seen(struct store *s, int64_t aid, uint64_t *when)
{
	sqlite3_stmt *st = wq(s, W_FIRST_SEEN);
	int	 rc;

	*when = 0;
	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*when = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK :
	    store_sqlerr(s, rc, "store: witness");
}

enum trust_level
trust_level(struct store *s, const uint8_t pubkey[32], uint64_t now)
{
	const struct trust_graph *g;
	uint64_t fs;
	int64_t	 aid;

	if (wgraph(s, NULL, now, NULL, &g) != ERR_OK ||
	    waid(s, pubkey, false, &aid) != ERR_OK || aid == 0 ||
	    first_seen(s, aid, &fs) != ERR_OK)
		return TRUST_FRESH;
	return trust_classify(g, aid, fs, now);
}

struct marks {
	struct trust_mark *m;
	size_t		 n, cap;
};

/* A report's marks, each with its key's level. */
static enum err
read_marks(struct store *s, const uint8_t id[32],
    const struct trust_graph *g, uint64_t now, struct marks *ms)
{
	sqlite3_stmt *st = wq(s, W_MARKS_OF);
	int	 rc;

	ms->n = 0;
	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct trust_mark *m;

		if (ms->n == ms->cap) {
			size_t	 cap = ms->cap ? ms->cap * 2 : 64;
			void	*p = realloc(ms->m, cap * sizeof(*ms->m));

			if (p == NULL) {
				sqlite3_reset(st);
				return ERR_NOMEM;
			}
			ms->m = p;
			ms->cap = cap;
		}
		m = &ms->m[ms->n];
		memset(m, 0, sizeof(*m));
		m->key = sqlite3_column_int64(st, 0);
		m->label = (enum witness_label)sqlite3_column_int(st, 1);
		m->created_at = (uint64_t)sqlite3_column_int64(st, 2);
		if (sqlite3_column_bytes(st, 3) == 32)
			memcpy(m->id, sqlite3_column_blob(st, 3), 32);
		m->first_seen = (uint64_t)sqlite3_column_int64(st, 4);
		m->level = trust_classify(g, m->key, m->first_seen, now);
		m->ref = sqlite3_column_int64(st, 5);
		ms->n++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? ERR_OK : store_sqlerr(s, rc,
	    "store: witness");
}

/* One report: its author, then its tally; reader_aid's own mark. */
static enum err
one_report(struct store *s, const uint8_t id[32], const struct trust_graph *g,
    int64_t reader_aid, uint64_t now, struct marks *ms,
    struct witness_report *r, int64_t *author_out)
{
	sqlite3_stmt *st = wq(s, W_REPORT);
	int64_t	 author = -1;
	uint64_t fs = 0;
	size_t	 i;
	int	 rc;
	enum err e;

	memset(r, 0, sizeof(*r));
	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, id, 32, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 1) == 32) {
		author = sqlite3_column_int64(st, 0);
		memcpy(r->author, sqlite3_column_blob(st, 1), 32);
		r->stored = true;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(s, rc, "store: witness");
	if (r->stored) {
		if ((e = first_seen(s, author, &fs)) != ERR_OK)
			return e;
		r->author_level = trust_classify(g, author, fs, now);
	}
	if ((e = read_marks(s, id, g, now, ms)) != ERR_OK)
		return e;
	trust_tally(ms->m, ms->n, author, now, &r->t);
	for (i = 0; reader_aid != 0 && i < ms->n; i++)
		if (ms->m[i].key == reader_aid) {
			r->mine = ms->m[i].label;
			break;		/* sorted newest first per key */
		}
	if (author_out != NULL)
		*author_out = author;
	return ERR_OK;
}

bool
report_corroborated(struct store *s, const uint8_t id[32], uint64_t now)
{
	const struct trust_graph *g;
	struct witness_report r;
	struct marks ms = { NULL, 0, 0 };
	bool	 yes;

	yes = wgraph(s, NULL, now, NULL, &g) == ERR_OK && one_report(s, id, g, 0,
	    now, &ms, &r, NULL) == ERR_OK && r.stored &&
	    r.t.state == TRUST_CORROBORATED;
	free(ms.m);
	return yes;
}

enum err
witness_states(struct store *s, const uint8_t (*ids)[32], size_t n,
    const uint8_t *reader, uint64_t now, struct witness_report *out)
{
	const struct trust_graph *g;
	struct trust_graph mine;
	struct marks ms = { NULL, 0, 0 };
	int64_t	 raid = 0;
	size_t	 i;
	enum err e;

	trust_graph_init(&mine);
	if ((e = wgraph(s, reader, now, &mine, &g)) == ERR_OK && reader != NULL)
		e = waid(s, reader, false, &raid);
	for (i = 0; i < n && e == ERR_OK; i++)
		e = one_report(s, ids[i], g, raid, now, &ms, &out[i], NULL);
	free(ms.m);
	trust_graph_free(&mine);
	return e;
}

static enum err
pubkey_of(struct store *s, int64_t aid, uint8_t pk[32])
{
	sqlite3_stmt *st = wq(s, W_AUTHOR_PK);
	int	 rc;
	bool	 ok;

	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	rc = sqlite3_step(st);
	ok = rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32;
	if (ok)
		memcpy(pk, sqlite3_column_blob(st, 0), 32);
	else
		memset(pk, 0, 32);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK :
	    store_sqlerr(s, rc, "store: witness");
}

/* What a key's history says: reports stored, the link its first event came by. */
static enum err
history(struct store *s, int64_t aid, struct witness_entry *w)
{
	sqlite3_stmt *st = wq(s, W_COUNT_REPORTS);
	const unsigned char *name, *npub;
	int	 rc;

	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		w->reports = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_sqlerr(s, rc, "store: witness");
	w->first_link = -1;
	if ((st = wq(s, W_FIRST_LINK)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->first_link = sqlite3_column_int(st, 0);
		name = sqlite3_column_text(st, 1);
		npub = sqlite3_column_text(st, 2);
		snprintf(w->first_name, sizeof(w->first_name), "%s",
		    npub != NULL && npub[0] != '\0' ? (const char *)npub :
		    name != NULL ? (const char *)name : "");
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK :
	    store_sqlerr(s, rc, "store: witness");
}

/* The content of stored event eid, into *json (malloc'd) and comment. */
static enum err
comment_of(struct store *s, int64_t eid, char **json, struct str *comment)
{
	sqlite3_stmt *st = wq(s, W_JSON_BY_EID);
	struct event_limits lim = { 0, SIZE_MAX, SIZE_MAX };
	struct event ev;
	void	*scratch;
	size_t	 len = 0;
	int	 rc;

	*json = NULL;
	comment->p = "";
	comment->n = 0;
	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, eid);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		len = (size_t)sqlite3_column_bytes(st, 0);
		if ((*json = malloc(len + 1)) != NULL)
			memcpy(*json, sqlite3_column_text(st, 0), len);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? ERR_OK : store_sqlerr(s, rc,
		    "store: witness");
	if (*json == NULL)
		return ERR_NOMEM;
	lim.max_size = len;
	if ((scratch = malloc(EVENT_SCRATCH(len))) == NULL)
		return ERR_NOMEM;
	if (event_parse(*json, len, &lim, &ev, scratch, EVENT_SCRATCH(len)) ==
	    ERR_OK && ev.content.n > 0) {
		/* Copy out of the scratch: escapes may have been decoded there. */
		char	*c = malloc(ev.content.n + 1);

		if (c != NULL) {
			memcpy(c, ev.content.p, ev.content.n);
			free(*json);
			*json = c;
			comment->p = c;
			comment->n = ev.content.n;
		}
	}
	free(scratch);
	return ERR_OK;
}

enum err
witness_detail(struct store *s, const uint8_t id[32], const uint8_t *reader,
    uint64_t now, struct witness_report *r, witness_entry_cb cb, void *arg)
{
	const struct trust_graph *g;
	struct trust_graph mine;
	struct marks ms = { NULL, 0, 0 };
	int64_t	 raid = 0, author = -1, via;
	unsigned hop, pass;
	size_t	 i;
	enum err e;

	trust_graph_init(&mine);
	if ((e = wgraph(s, reader, now, &mine, &g)) == ERR_OK && reader != NULL)
		e = waid(s, reader, false, &raid);
	if (e == ERR_OK)
		e = one_report(s, id, g, raid, now, &ms, r, &author);
	/* Counted marks first, then the rest (retracted, the author's). */
	for (pass = 0; pass < 2 && e == ERR_OK; pass++)
		for (i = 0; i < ms.n && e == ERR_OK; i++) {
			struct trust_mark *m = &ms.m[i];
			struct witness_entry w;
			char	*json = NULL;

			if (m->counted != (pass == 0) ||
			    (i > 0 && ms.m[i - 1].key == m->key))
				continue;
			memset(&w, 0, sizeof(w));
			memcpy(w.event, m->id, 32);
			w.created_at = m->created_at;
			w.label = m->label;
			w.level = m->level;
			w.counted = m->counted;
			w.self = m->key == author;
			w.first_seen = m->first_seen;
			if (trust_graph_hop(g, m->key, &hop, &via) && hop > 0 &&
			    via >= 0) {
				w.has_via = true;
				e = pubkey_of(s, via, w.via);
			}
			if (e == ERR_OK)
				e = pubkey_of(s, m->key, w.pubkey);
			if (e == ERR_OK)
				e = history(s, m->key, &w);
			if (e == ERR_OK)
				e = comment_of(s, m->ref, &json, &w.comment);
			if (e == ERR_OK && cb(&w, arg) != 0)
				pass = 2;
			free(json);
			if (pass == 2)
				break;
		}
	free(ms.m);
	trust_graph_free(&mine);
	return e;
}

enum err
witness_vouches(struct store *s, const uint8_t who[32], witness_vouch_cb cb,
    void *arg)
{
	sqlite3_stmt *st;
	int64_t	 aid;
	int	 rc;
	enum err e;

	if ((e = waid(s, who, false, &aid)) != ERR_OK || aid == 0)
		return e;
	if ((st = wq(s, W_VOUCH_LIST)) == NULL)
		return ERR_DB;
	sqlite3_bind_int64(st, 1, aid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event_limits lim = { 0, SIZE_MAX, SIZE_MAX };
		struct witness_vouch v;
		struct event ev;
		const char *json = (const char *)sqlite3_column_text(st, 2);
		size_t	 len = (size_t)sqlite3_column_bytes(st, 2);
		void	*scratch;
		int	 stop;

		if (sqlite3_column_bytes(st, 0) != 32 || json == NULL)
			continue;
		memset(&v, 0, sizeof(v));
		memcpy(v.whom, sqlite3_column_blob(st, 0), 32);
		v.created_at = (uint64_t)sqlite3_column_int64(st, 1);
		lim.max_size = len;
		if ((scratch = malloc(EVENT_SCRATCH(len))) == NULL) {
			sqlite3_reset(st);
			return ERR_NOMEM;
		}
		if (event_parse(json, len, &lim, &ev, scratch,
		    EVENT_SCRATCH(len)) == ERR_OK) {
			memcpy(v.event, ev.id, 32);
			v.comment = ev.content;
		}
		stop = cb(&v, arg);
		free(scratch);
		if (stop)
			break;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK :
	    store_sqlerr(s, rc, "store: witness");
}

enum err
witness_keys_by_code(struct store *s, const uint8_t prefix[5],
    witness_key_cb cb, void *arg)
{
	sqlite3_stmt *st = wq(s, W_BY_PREFIX);
	uint8_t	 lo[32], hi[33];
	size_t	 hilen = 5;
	int	 rc, i;

	if (st == NULL)
		return ERR_DB;
	memset(lo, 0, sizeof(lo));
	memcpy(lo, prefix, 5);
	memcpy(hi, prefix, 5);
	/* The prefix plus one, as a shorter blob (it sorts after every key
	 * that starts with the prefix); all 0xff: no upper bound. */
	for (i = 4; i >= 0 && hi[i] == 0xff; i--)
		hilen--;
	if (i >= 0)
		hi[i]++;
	else
		memset(hi, 0xff, hilen = 33);
	sqlite3_bind_blob(st, 1, lo, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hi, (int)(i >= 0 ? (size_t)i + 1 : hilen),
	    SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (sqlite3_column_bytes(st, 0) == 32 && cb(sqlite3_column_blob(st,
		    0), (uint64_t)sqlite3_column_int64(st, 1), arg) != 0)
			break;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK :
	    store_sqlerr(s, rc, "store: witness");
}

enum err
witness_vouch_at(struct store *s, const uint8_t who[32],
    const uint8_t whom[32], uint64_t *at)
{
	sqlite3_stmt *st = wq(s, W_VOUCH_AT);
	int	 rc;

	*at = 0;
	if (st == NULL)
		return ERR_DB;
	sqlite3_bind_blob(st, 1, who, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, whom, 32, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*at = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? ERR_OK :
	    store_sqlerr(s, rc, "store: witness");
}
