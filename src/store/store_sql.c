/*
 * store_sql.c: NIP-01 filters as SQL (store_int.h).  Values are always
 * bound, never spliced into the text.
 *
 * Access paths, chosen per filter: by id through ev_id; by a tag through
 * the tags table, whose key (letter, value) then created_at order hands
 * back a single-valued tag query newest first with no sort; otherwise
 * SQLite picks among ev_author, ev_kind and ev_neg.  NIP-50 search joins
 * the FTS5 index and orders by bm25.
 */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

#define SEARCH_WINDOW	5000	/* newest matches ranked per search */
#define STORE_STR2(x)	#x
#define STORE_STR(x)	STORE_STR2(x)

void
sql_bind(struct query *q, enum sql_bind_type t, const void *p, size_t n,
    sqlite3_int64 i, char *owned)
{
	struct sql_bind *nb;

	if (q->nb == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 32;

		if ((nb = realloc(q->b, ncap * sizeof(*nb))) == NULL) {
			q->err = true;
			free(owned);
			return;
		}
		q->b = nb;
		q->cap = ncap;
	}
	q->b[q->nb].type = t;
	q->b[q->nb].p = p;
	q->b[q->nb].n = n;
	q->b[q->nb].i = i;
	q->b[q->nb].owned = owned;
	q->nb++;
}

void
sql_free(struct query *q)
{
	size_t	 i;

	for (i = 0; i < q->nb; i++)
		free(q->b[i].owned);
	free(q->b);
	buf_free(&q->sql);
}

/* "?,?,?" for n values. */
static void
q_marks(struct query *q, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		buf_puts(&q->sql, i ? ",?" : "?");
}

static void
q_tag_keys(struct query *q, const struct filter_tag *t)
{
	struct buf k;
	size_t	 i;
	char	*copy;

	buf_init(&k, 0);
	for (i = 0; i < t->nvals; i++) {
		store_tag_key(&k, t->name, t->vals[i].p, t->vals[i].n);
		if (k.err || (copy = malloc(k.len ? k.len : 1)) == NULL) {
			q->err = true;
			break;
		}
		memcpy(copy, k.p, k.len);
		sql_bind(q, B_BLOB, copy, k.len, 0, copy);
	}
	buf_free(&k);
	q_marks(q, t->nvals);
}

/*
 * Whether a code point is part of a word for FTS5's unicode61 tokenizer,
 * which keeps letters, numbers and private use and splits on the rest.
 * Outside ASCII this is an approximation by block: Latin-1 punctuation,
 * general punctuation, symbols, arrows, dingbats, CJK punctuation, full-
 * width punctuation and emoji separate words; everything else joins them.
 */
static bool
fts_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		    (cp >= 'A' && cp <= 'Z');
	if ((cp >= 0xa0 && cp <= 0xbf) || cp == 0xd7 || cp == 0xf7)
		return false;
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x2e00 && cp <= 0x2e7f) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65) ||
	    (cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0xfe00 && cp <= 0xfe0f))
		return false;
	return true;
}

/* Decodes one UTF-8 sequence (already validated by the JSON parser). */
static size_t
utf8_next(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
	size_t	 n, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : 2;
	if ((size_t)(end - p) < n) {
		*cp = 0xfffd;
		return (size_t)(end - p);
	}
	*cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++)
		*cp = *cp << 6 | (p[i] & 0x3f);
	return n;
}

/*
 * Turns the words of a NIP-50 query into an FTS5 expression: each run of
 * word characters becomes a quoted term, and terms are AND-ed.  key:value
 * extension words are dropped.  One term per token keeps FTS5 from seeing
 * a phrase, which a detail=none index cannot answer.
 * Returns: NULL when no term is left.
 */
static char *
fts_expr(const char *q)
{
	struct buf b;
	const unsigned char *w, *p, *e;
	size_t	 n, l;
	uint32_t cp;

	buf_init(&b, 1 << 16);
	while (*q != '\0') {
		while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
			q++;
		w = (const unsigned char *)q;
		while (*q != '\0' && *q != ' ' && *q != '\t' && *q != '\n' &&
		    *q != '\r')
			q++;
		e = (const unsigned char *)q;
		n = (size_t)(e - w);
		if (n == 0 || memchr(w, ':', n) != NULL)
			continue;
		for (p = w; p < e;) {
			const unsigned char *t = p;

			while (t < e && (l = utf8_next(t, e, &cp)) > 0 &&
			    fts_word_cp(cp))
				t += l;
			if (t > p) {
				if (b.len > 0)
					buf_putc(&b, ' ');
				buf_putc(&b, '"');
				buf_append(&b, p, (size_t)(t - p));
				buf_putc(&b, '"');
			}
			if (t < e)
				t += utf8_next(t, e, &cp);
			p = t;
		}
	}
	if (b.err || b.len == 0) {
		buf_free(&b);
		return NULL;
	}
	return b.p;
}

static const struct filter_tag *
driving_tag(const struct filter *f)
{
	const struct filter_tag *best = NULL;
	size_t	 i;

	for (i = 0; i < f->ntags; i++)
		if (best == NULL || f->tags[i].nvals < best->nvals)
			best = &f->tags[i];
	return best;
}

bool
sql_filter(struct query *q, const struct filter *f, uint64_t now, bool *ranked,
    enum cols cols, const struct sql_range *rg)
{
	const char *at;
	const struct filter_tag *drive = NULL;
	char	*expr = NULL;
	size_t	 i;
	int	 k;

	*ranked = false;
	if (f->empty || f->since > f->until)
		return false;
	if (f->search != NULL && (expr = fts_expr(f->search)) == NULL)
		return false;
	if (f->nids == 0 && expr == NULL)
		drive = driving_tag(f);
	buf_puts(&q->sql, "SELECT ");
	if (drive != NULL && drive->nvals > 1)
		buf_puts(&q->sql, "DISTINCT ");
	if (cols == COLS_EID)
		buf_puts(&q->sql, "e.eid");
	else if (cols == COLS_IDS)
		buf_puts(&q->sql, "e.created_at, e.id");
	else if (cols == COLS_PUBKEY)
		buf_puts(&q->sql, "(SELECT pubkey FROM authors a"
		    " WHERE a.aid = e.aid)");
	else if (cols == COLS_KEY)
		buf_printf(&q->sql, "e.eid, %s.created_at AS created_at, e.id AS"
		    " id", drive != NULL ? "t" : "e");
	else if (drive != NULL)
		buf_puts(&q->sql, "e.eid, t.created_at AS created_at, e.id AS id, "
		    EV_JSON_E);
	else
		buf_puts(&q->sql, "e.eid, e.created_at AS created_at, e.id AS id, "
		    EV_JSON_E);
	if (expr != NULL) {
		/*
		 * Ranking every match of a common word is slow on a big
		 * store: rank the newest SEARCH_WINDOW matches only.
		 */
		buf_puts(&q->sql, " FROM (SELECT rowid AS r, rank AS rk FROM fts"
		    " WHERE fts MATCH ?");
		sql_bind(q, B_TEXT, expr, strlen(expr), 0, expr);
		/* The same window on every page of an answer. */
		if (rg != NULL && rg->max_eid > 0) {
			buf_puts(&q->sql, " AND rowid <= ?");
			sql_bind(q, B_INT, NULL, 0, rg->max_eid, NULL);
		}
		buf_puts(&q->sql, " ORDER BY rowid DESC LIMIT "
		    STORE_STR(SEARCH_WINDOW) ") m JOIN events e ON e.eid = m.r"
		    " WHERE 1");
		*ranked = true;
	} else if (drive != NULL) {
		buf_puts(&q->sql, " FROM tags t JOIN events e ON e.eid = t.eid"
		    " WHERE t.key IN (");
		q_tag_keys(q, drive);
		buf_puts(&q->sql, ")");
		if (f->since > 0) {
			buf_puts(&q->sql, " AND t.created_at >= ?");
			sql_bind(q, B_INT, NULL, 0, (sqlite3_int64)f->since, NULL);
		}
		if (f->until != UINT64_MAX) {
			buf_puts(&q->sql, " AND t.created_at <= ?");
			sql_bind(q, B_INT, NULL, 0, (sqlite3_int64)f->until, NULL);
		}
	} else
		buf_puts(&q->sql, " FROM events e WHERE 1");
	if (f->nids > 0) {
		buf_puts(&q->sql, " AND e.id IN (");
		for (i = 0; i < f->nids; i++)
			sql_bind(q, B_BLOB, f->ids[i], 32, 0, NULL);
		q_marks(q, f->nids);
		buf_puts(&q->sql, ")");
	}
	if (f->nauthors > 0) {
		buf_puts(&q->sql, " AND e.aid IN (SELECT aid FROM authors"
		    " WHERE pubkey IN (");
		for (i = 0; i < f->nauthors; i++)
			sql_bind(q, B_BLOB, f->authors[i], 32, 0, NULL);
		q_marks(q, f->nauthors);
		buf_puts(&q->sql, "))");
	}
	if (f->nkinds > 0) {
		buf_puts(&q->sql, " AND e.kind IN (");
		for (i = 0; i < f->nkinds; i++)
			sql_bind(q, B_INT, NULL, 0, f->kinds[i], NULL);
		q_marks(q, f->nkinds);
		buf_puts(&q->sql, ")");
	}
	if (drive == NULL && f->since > 0) {
		buf_puts(&q->sql, " AND e.created_at >= ?");
		sql_bind(q, B_INT, NULL, 0, (sqlite3_int64)f->since, NULL);
	}
	if (drive == NULL && f->until != UINT64_MAX) {
		buf_puts(&q->sql, " AND e.created_at <= ?");
		sql_bind(q, B_INT, NULL, 0, (sqlite3_int64)f->until, NULL);
	}
	for (k = 0; k < (int)f->ntags; k++) {
		if (&f->tags[k] == drive)
			continue;
		buf_puts(&q->sql, " AND EXISTS (SELECT 1 FROM tags t2 WHERE"
		    " t2.key IN (");
		q_tag_keys(q, &f->tags[k]);
		buf_puts(&q->sql, ") AND t2.created_at = e.created_at AND"
		    " t2.eid = e.eid)");
	}
	buf_puts(&q->sql, " AND (e.expires IS NULL OR e.expires > ?)");
	sql_bind(q, B_INT, NULL, 0, (sqlite3_int64)now, NULL);
	if (rg == NULL)
		return true;
	if (rg->after_eid > 0) {
		buf_puts(&q->sql, " AND e.eid > ?");
		sql_bind(q, B_INT, NULL, 0, rg->after_eid, NULL);
	}
	if (rg->max_eid > 0) {
		buf_puts(&q->sql, " AND e.eid <= ?");
		sql_bind(q, B_INT, NULL, 0, rg->max_eid, NULL);
	}
	if (rg->keyset) {
		/* After (at, id) in the order newest first, ties by lowest id. */
		at = drive != NULL ? "t.created_at" : "e.created_at";
		buf_printf(&q->sql, " AND (%s < ? OR (%s = ? AND e.id > ?))", at,
		    at);
		sql_bind(q, B_INT, NULL, 0, rg->at, NULL);
		sql_bind(q, B_INT, NULL, 0, rg->at, NULL);
		sql_bind(q, B_BLOB, rg->id, 32, 0, NULL);
	}
	return true;
}

bool
sql_has_search(const struct filter *f, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (f[i].search != NULL)
			return true;
	return false;
}

sqlite3_int64
sql_limit(const struct filter *f, uint64_t max_limit)
{
	uint64_t l;

	if (f->has_limit)
		l = max_limit && f->limit > max_limit ? max_limit : f->limit;
	else if (max_limit)
		l = max_limit;
	else
		return -1;
	return l > INT64_MAX ? -1 : (sqlite3_int64)l;
}

enum err
sql_prepare(struct store *s, struct query *q, sqlite3_stmt **stp)
{
	sqlite3_stmt *st;
	size_t	 i;
	int	 rc;

	buf_putc(&q->sql, '\0');	/* store_prepare reads a C string */
	if (q->err || q->sql.err)
		return ERR_NOMEM;
	q->sql.len--;
	rc = store_prepare(s, q->sql.p, 0, &st);
	if (rc != SQLITE_OK)
		return store_sqlerr(s, rc, "store: query");
	for (i = 0; i < q->nb; i++) {
		const struct sql_bind *b = &q->b[i];
		int	 pos = (int)i + 1;

		if (b->type == B_INT)
			rc = sqlite3_bind_int64(st, pos, b->i);
		else if (b->type == B_TEXT)
			rc = sqlite3_bind_text(st, pos, b->p, (int)b->n,
			    SQLITE_STATIC);
		else
			rc = sqlite3_bind_blob(st, pos, b->p, (int)b->n,
			    SQLITE_STATIC);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return store_sqlerr(s, rc, "store: bind");
		}
	}
	*stp = st;
	return ERR_OK;
}

