/*
 * store_foreign_schema.c: step 4 of opening a store from elsewhere
 * (store_foreign.c): its schema version, then every entry of its
 * sqlite_schema -- type, name, table and SQL text -- against the exact
 * set that a fresh in-memory store of that version has, which
 * store_schema.c makes here as it makes the node's own, so the two can
 * never drift apart; then the FTS5 settings row by row and the encoding
 * SQLite sees.  The first difference worth naming is reported, ranked:
 * what would run code (a trigger, a view, a virtual table) first, then
 * what was changed, what is extra, what is missing.  Names come from the
 * file and are cut short and cleaned before they reach a message.
 *
 * Reading sqlite_schema makes SQLite parse the schema: parse only,
 * nothing in it runs, under the limits and bounds store_foreign.c set.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "store_int.h"

#define FX_MAX_OBJECTS	64		/* entries of the expected schema */
#define FX_NAME_SHOW	64		/* characters of a name in a message */
#define FX_SUFFIX	"; a store from elsewhere is data, never code"

/* One entry of sqlite_schema, as this samizdat makes it. */
struct fx_obj {
	char		*type, *name, *tbl, *sql;	/* sql NULL: auto-index */
	int		 found;
};

struct fx_schema {
	struct fx_obj	 o[FX_MAX_OBJECTS];
	size_t		 n;
	char		*cfg[8];	/* fts_config as "k=type:v" rows */
	size_t		 ncfg;
	int		 auto_vacuum;
};

/*
 * The first difference worth naming, by rank: what would run code
 * first, then what changed, then what is extra, then what is missing.
 */
struct fx_diff {
	int		 rank;		/* 0: none yet */
	char		 text[256];
	char		 scratch[64];
	unsigned	 more;
};

/* A name from the file, fit for a message: short, no control characters. */
static void
fx_show(char *out, size_t outsz, const char *in)
{
	size_t	 i, n = 0;

	for (i = 0; in != NULL && in[i] != '\0' && n + 4 < outsz; i++) {
		if (i == FX_NAME_SHOW) {
			memcpy(out + n, "...", 3);
			n += 3;
			break;
		}
		out[n++] = ((unsigned char)in[i] < 0x20 || in[i] == 0x7f) ?
		    '?' : in[i];
	}
	out[n] = '\0';
}

static void
fx_schema_free(struct fx_schema *x)
{
	size_t	 i;

	for (i = 0; i < x->n; i++) {
		free(x->o[i].type);
		free(x->o[i].name);
		free(x->o[i].tbl);
		free(x->o[i].sql);
	}
	for (i = 0; i < x->ncfg; i++)
		free(x->cfg[i]);
	memset(x, 0, sizeof(*x));
}

static char *
fx_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t == NULL ? NULL : strdup((const char *)t);
}

/*
 * fts_config, the search index's settings, as "k=type:v" rows in key
 * order: at most cap rows into cfg (*n), *over if there are more.
 */
static int
fx_read_cfg(sqlite3 *db, char **cfg, size_t cap, size_t *n, bool *over)
{
	sqlite3_stmt *st;
	int	 rc;

	*n = 0;
	*over = false;
	rc = sqlite3_prepare_v2(db, "SELECT k, typeof(v), v FROM fts_config"
	    " ORDER BY k", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *t = (const char *)sqlite3_column_text(st, 1);
		const char *v = (const char *)sqlite3_column_text(st, 2);
		size_t	 len;

		if (*n == cap) {
			*over = true;
			rc = SQLITE_DONE;
			break;
		}
		k = k ? k : "";
		t = t ? t : "";
		v = v ? v : "";
		len = strlen(k) + strlen(t) + strlen(v) + 3;
		if ((cfg[*n] = malloc(len)) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		snprintf(cfg[(*n)++], len, "%s=%s:%s", k, t, v);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/*
 * The schema a fresh store of this version has: store_schema.c run in a
 * new in-memory database.  Returns: ERR_OK or ERR_NOMEM / ERR_DB.
 */
static enum err
fx_expected(int version, struct fx_schema *x)
{
	sqlite3	*db = NULL;
	sqlite3_stmt *st = NULL;
	int	 rc, i;
	bool	 over;
	enum err e = ERR_DB;

	memset(x, 0, sizeof(*x));
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		goto done;
	for (i = 0; i < version; i++)
		if (sqlite3_exec(db, store_schema_parts[i], NULL, NULL,
		    NULL) != SQLITE_OK)
			goto done;
	if (sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql"
	    " FROM sqlite_schema", -1, &st, NULL) != SQLITE_OK)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct fx_obj *o = &x->o[x->n];

		if (x->n == FX_MAX_OBJECTS)
			goto done;
		x->n++;
		o->type = fx_col(st, 0);
		o->name = fx_col(st, 1);
		o->tbl = fx_col(st, 2);
		o->sql = fx_col(st, 3);
		if (o->type == NULL || o->name == NULL || o->tbl == NULL ||
		    (o->sql == NULL && sqlite3_column_type(st, 3) !=
		    SQLITE_NULL)) {
			e = ERR_NOMEM;
			goto done;
		}
	}
	if (rc != SQLITE_DONE)
		goto done;
	if (fx_read_cfg(db, x->cfg, sizeof(x->cfg) / sizeof(x->cfg[0]),
	    &x->ncfg, &over) != SQLITE_OK || over)
		goto done;
	if (store_sql_int(db, "PRAGMA auto_vacuum", &x->auto_vacuum) != SQLITE_OK)
		goto done;
	e = ERR_OK;
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (e != ERR_OK) {
		log_warnx("store: cannot build the expected schema");
		fx_schema_free(x);
	}
	return e;
}

static bool
fx_streq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* What an entry is, in words: virtual tables are tables to SQLite. */
static const char *
fx_what(const char *type, const char *sql)
{
	if (type == NULL)
		return "entry";
	if (strcmp(type, "table") == 0 && sql != NULL &&
	    strncasecmp(sql, "CREATE VIRTUAL", 14) == 0)
		return "virtual table";
	if (strcmp(type, "table") == 0 || strcmp(type, "index") == 0 ||
	    strcmp(type, "view") == 0 || strcmp(type, "trigger") == 0)
		return type;
	return "entry";
}

/*
 * Keeps the difference of the lowest rank: "<words> '<name>'<rest>",
 * where only name comes from the file.
 */
static void
fx_note(struct fx_diff *d, int rank, const char *words, const char *name,
    const char *rest)
{
	char	 shown[FX_NAME_SHOW + 8];

	if (d->rank != 0)
		d->more++;
	if (d->rank != 0 && d->rank <= rank)
		return;
	d->rank = rank;
	fx_show(shown, sizeof(shown), name);
	snprintf(d->text, sizeof(d->text), "%s '%s'%s", words, shown, rest);
}

/* Ranks: code first, then changes, then extras, then what is missing. */
static int
fx_rank_extra(const char *what)
{
	if (strcmp(what, "trigger") == 0)
		return 1;
	if (strcmp(what, "view") == 0)
		return 2;
	if (strcmp(what, "virtual table") == 0)
		return 3;
	return strcmp(what, "table") == 0 ? 5 : 6;
}

/*
 * 4. Every entry of the file's sqlite_schema against the expected set.
 * Reading it makes SQLite parse the schema -- parse only, nothing in it
 * runs -- under the limits and the memory bound.
 * Returns: SQLITE_OK (d says whether it differs) or SQLite's error.
 */
static int
fx_compare(sqlite3 *db, struct fx_schema *x, struct fx_diff *d)
{
	sqlite3_stmt *st;
	sqlite3_int64 roots[FX_MAX_OBJECTS];
	size_t	 i, k, nroots = 0;
	char	 words[64];
	int	 rc;

	rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql, rootpage"
	    " FROM sqlite_schema", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *type = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *tbl = (const char *)sqlite3_column_text(st, 2);
		const char *sql = (const char *)sqlite3_column_text(st, 3);
		sqlite3_int64 root = sqlite3_column_int64(st, 4);
		const char *what = fx_what(type, sql), *want;
		struct fx_obj *o = NULL;

		for (i = 0; i < x->n && o == NULL; i++)
			if (fx_streq(x->o[i].name, name))
				o = &x->o[i];
		if (o == NULL) {
			snprintf(words, sizeof(words), "it has %s %s",
			    strchr("aeiou", what[0]) ? "an" : "a", what);
			fx_note(d, fx_rank_extra(what), words, name,
			    " that samizdat did not make");
			continue;
		}
		if (o->found++) {
			fx_note(d, 4, "it has", name, " twice");
			continue;
		}
		want = fx_what(o->type, o->sql);
		if (strcmp(what, want) != 0) {
			snprintf(words, sizeof(words), "it has %s %s",
			    strchr("aeiou", what[0]) ? "an" : "a", what);
			snprintf(d->scratch, sizeof(d->scratch), " where samizdat "
			    "makes %s %s", strchr("aeiou", want[0]) ? "an" : "a",
			    want);
			fx_note(d, fx_rank_extra(what) < 4 ?
			    fx_rank_extra(what) : 4, words, name, d->scratch);
			continue;
		}
		if (!fx_streq(o->type, type) || !fx_streq(o->tbl, tbl) ||
		    !fx_streq(o->sql, sql)) {
			snprintf(words, sizeof(words), "its %s", what);
			fx_note(d, 4, words, name, " is not the one samizdat "
			    "makes");
			continue;
		}
		/*
		 * Each table and index has pages of its own; a virtual table
		 * and a trigger (the custody log's, exactly as made) none.
		 */
		if (strcmp(what, "virtual table") == 0 ||
		    strcmp(what, "trigger") == 0 ? root != 0 : root <= 0) {
			snprintf(words, sizeof(words), "its %s", what);
			fx_note(d, 4, words, name, " has a bad root page");
			continue;
		}
		for (k = 0; k < nroots && root != 0; k++)
			if (roots[k] == root)
				fx_note(d, 4, "its", name, " shares its pages "
				    "with another table or index");
		if (root != 0 && nroots < FX_MAX_OBJECTS)
			roots[nroots++] = root;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return rc;
	for (i = 0; i < x->n; i++) {
		if (x->o[i].found)
			continue;
		snprintf(words, sizeof(words), "it lacks the %s",
		    fx_what(x->o[i].type, x->o[i].sql));
		fx_note(d, 7, words, x->o[i].name, " that samizdat makes");
	}
	return SQLITE_OK;
}

/* The search index's settings (fts_config), row by row. */
static int
fx_compare_cfg(sqlite3 *db, const struct fx_schema *x, struct fx_diff *d)
{
	char	*cfg[8];
	size_t	 n, i;
	int	 rc;
	bool	 over, same;

	rc = fx_read_cfg(db, cfg, sizeof(cfg) / sizeof(cfg[0]), &n, &over);
	same = rc == SQLITE_OK && !over && n == x->ncfg;
	for (i = 0; i < n; i++) {
		if (same && strcmp(cfg[i], x->cfg[i]) != 0)
			same = false;
		free(cfg[i]);
	}
	if (rc != SQLITE_OK)
		return rc;
	if (!same)
		fx_note(d, 4, "its search index settings, in the table",
		    "fts_config", ", are not the ones samizdat makes");
	return SQLITE_OK;
}



int
store_foreign_schema(sqlite3 *db, const char *dir, enum err *refusal,
    char *why, size_t whysz)
{
	struct fx_schema x;
	struct fx_diff d;
	int	 rc, version = 0, av = 0;
	char	 enc[16];
	sqlite3_stmt *st;
	enum err e;

	*refusal = ERR_FOREIGN;
	if ((rc = store_sql_int(db, "PRAGMA user_version", &version)) != SQLITE_OK)
		return rc;
	if (version > STORE_SCHEMA_VERSION) {
		snprintf(why, whysz, "refused: it was made by a newer samizdat "
		    "(schema version %d; this one knows %d): update samizdat "
		    "here to sync with it", version, STORE_SCHEMA_VERSION);
		*refusal = ERR_DB_VERSION;
		return SQLITE_OK;
	}
	if (version < 1) {
		snprintf(why, whysz, "refused: it is not a samizdat store "
		    "(schema version %d); samizdat makes a store only where "
		    "it is asked to: 'samizdat -d %s init' on a dir without "
		    "one", version, dir);
		return SQLITE_OK;
	}
	if ((e = fx_expected(version, &x)) != ERR_OK) {
		snprintf(why, whysz, "cannot build the schema to compare");
		*refusal = e;
		return SQLITE_OK;
	}
	memset(&d, 0, sizeof(d));
	if ((rc = fx_compare(db, &x, &d)) == SQLITE_OK && d.rank == 0)
		rc = fx_compare_cfg(db, &x, &d);
	/* Without auto-vacuum a store never shrinks: how a cut is seen. */
	if (rc == SQLITE_OK && d.rank == 0 && (rc = store_sql_int(db,
	    "PRAGMA auto_vacuum", &av)) == SQLITE_OK && av != x.auto_vacuum)
		fx_note(&d, 4, "its setting", "auto_vacuum",
		    " is not the one samizdat makes");
	fx_schema_free(&x);
	if (rc != SQLITE_OK)
		return rc;
	if (d.rank != 0) {
		char	 more[64] = "";

		if (d.more > 0)
			snprintf(more, sizeof(more), " (and %u more "
			    "difference%s)", d.more, d.more == 1 ? "" : "s");
		snprintf(why, whysz, "refused: %s%s%s", d.text, more,
		    FX_SUFFIX);
		return SQLITE_OK;
	}
	/* The encoding SQLite sees (page 1 may be newer in the WAL). */
	rc = sqlite3_prepare_v2(db, "PRAGMA encoding", -1, &st, NULL);
	enc[0] = '\0';
	if (rc == SQLITE_OK) {
		if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			snprintf(enc, sizeof(enc), "%s",
			    (const char *)sqlite3_column_text(st, 0));
			rc = SQLITE_OK;
		}
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK)
		return rc;
	if (strcmp(enc, "UTF-8") != 0) {
		snprintf(why, whysz, "refused: its text is not in UTF-8, so it "
		    "was not made by samizdat");
		return SQLITE_OK;
	}
	*refusal = ERR_OK;
	return SQLITE_OK;
}

