/*
 * fuzz-stick.c: a store from elsewhere (store/store_foreign.h) made of
 * arbitrary bytes.  The input is written as events.db in a temp dir and
 * opened through the foreign-store checks, read-only, then writable.
 * An input that starts with '!' is SQL instead, run with a plain handle
 * on an honest store (as an attacker's tool would, writable_schema
 * allowed; no ATTACH, no VACUUM, a few pragmas, a bounded run), so the
 * schema comparison meets near misses, not only broken files.
 * It must never crash or hang (the bounds stop it: 2 s and 16 MiB for
 * the checks), and a file it accepts must have exactly the schema this
 * samizdat makes for its version, which this target checks again its
 * own way: the rows of sqlite_schema, sorted and joined, against those
 * of a fresh in-memory database made from store_schema_parts.  What is
 * accepted is read too (count, ids).  Unlike the other targets this one
 * links the store layer and SQLite (Makefile, FUZZ_STORE).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "filter.h"
#include "log.h"
#include "negentropy.h"
#include "store.h"
#include "store_foreign.h"
#include "store_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	 dir[] = "/tmp/samizdat-fuzz-stick-XXXXXX";
static const char *const files[] = {
	"events.db", "events.db-wal", "events.db-shm", "events.db-journal",
};

static void
clean(void)
{
	char	 p[128];
	size_t	 i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
}

static void
bye(void)
{
	clean();
	rmdir(dir);
}

/* The schema of db as one string: "type|name|tbl_name|sql" lines, sorted. */
static char *
schema_text(sqlite3 *db)
{
	sqlite3_stmt *st;
	char	*t = NULL;

	if (sqlite3_prepare_v2(db, "SELECT group_concat(r, char(10)) FROM"
	    " (SELECT type || '|' || name || '|' || tbl_name || '|' ||"
	    " coalesce(sql, '~') AS r FROM sqlite_schema ORDER BY r)", -1,
	    &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		t = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return t;
}

/* The accepted file, looked at again with a plain defensive handle. */
static void
oracle(const char *path)
{
	sqlite3	*db = NULL, *mem = NULL;
	sqlite3_stmt *st;
	char	*got, *want;
	int	 v = -1, i;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK)
		abort();
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		abort();
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v < 1 || v > STORE_SCHEMA_VERSION)
		abort();		/* accepted a version it does not know */
	if (sqlite3_open(":memory:", &mem) != SQLITE_OK)
		abort();
	for (i = 0; i < v; i++)
		if (sqlite3_exec(mem, store_schema_parts[i], NULL, NULL, NULL) !=
		    SQLITE_OK)
			abort();
	got = schema_text(db);
	want = schema_text(mem);
	if (got == NULL || want == NULL || strcmp(got, want) != 0)
		abort();		/* accepted a schema that differs */
	free(got);
	free(want);
	sqlite3_close(mem);
	sqlite3_close(db);
}

/* Pragmas the SQL of an input may use: none reaches outside the file. */
static int
sql_auth(void *arg, int action, const char *a, const char *b, const char *c,
    const char *d)
{
	static const char *const ok[] = { "user_version", "writable_schema",
	    "auto_vacuum", "application_id", "page_size", "encoding",
	    "schema_version" };
	size_t	 i;

	if (action == SQLITE_ATTACH || action == SQLITE_DETACH)
		return SQLITE_DENY;
	if (action != SQLITE_PRAGMA)
		return SQLITE_OK;
	for (i = 0; a != NULL && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcasecmp(a, ok[i]) == 0)
			return SQLITE_OK;
	return SQLITE_DENY;
}

static int
sql_steps(void *arg)
{
	return ++*(int *)arg > 2000;	/* 2 million steps at most */
}

/* An honest store, changed by the input's SQL; 0 if it could not run. */
static int
from_sql(const char *path, const uint8_t *data, size_t size)
{
	static char *store;
	static size_t storesz;
	sqlite3	*db;
	char	*q;
	int	 fd, steps = 0;
	size_t	 i;

	if (store == NULL) {
		struct store *s;
		struct stat sb;

		if (store_open(&s, path, 0) != ERR_OK)
			abort();
		store_close(s);
		if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1 ||
		    (store = malloc((size_t)sb.st_size)) == NULL ||
		    read(fd, store, (size_t)sb.st_size) != sb.st_size)
			abort();
		storesz = (size_t)sb.st_size;
		close(fd);
		clean();
	}
	if ((q = malloc(size)) == NULL)
		abort();
	memcpy(q, data + 1, size - 1);
	q[size - 1] = '\0';
	for (i = 0; i + 6 <= size - 1; i++)
		if (strncasecmp(q + i, "vacuum", 6) == 0 ||
		    strncasecmp(q + i, "attach", 6) == 0) {
			free(q);
			return 0;
		}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, store, storesz) != (ssize_t)storesz)
		abort();
	close(fd);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		abort();
	sqlite3_set_authorizer(db, sql_auth, NULL);
	sqlite3_progress_handler(db, 1000, sql_steps, &steps);
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
	(void)sqlite3_exec(db, q, NULL, NULL, NULL);
	sqlite3_close(db);
	free(q);
	return 1;
}

static void
exercise(struct store *s)
{
	struct neg_item *items = NULL;
	struct filter all;
	uint64_t n;
	size_t	 ni;

	(void)store_event_count(s, &n);
	filter_init(&all);
	if (store_ids(s, &all, 1800000000, 100000, &items, &ni) == ERR_OK)
		free(items);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct store_bounds b;
	struct store *s;
	char	 path[128], why[512];
	int	 fd;

	if (!ready) {
		if (mkdtemp(dir) == NULL)
			abort();
		atexit(bye);
		log_verbose = 0;
		ready = 1;
	}
	clean();
	snprintf(path, sizeof(path), "%s/events.db", dir);
	if (size > 0 && data[0] == '!') {
		if (!from_sql(path, data, size))
			return 0;
	} else {
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
			abort();
		if (size > 0 && write(fd, data, size) != (ssize_t)size)
			abort();
		close(fd);
	}

	memset(&b, 0, sizeof(b));
	b.deadline = store_foreign_clock() + 2;
	b.check_s = 2;
	b.check_mem = 16u << 20;
	why[0] = '\0';
	if (store_foreign_open(&s, dir, STORE_RDONLY, &b, why, sizeof(why)) !=
	    ERR_OK) {
		if (why[0] == '\0')
			abort();	/* every refusal says why */
		return 0;
	}
	exercise(s);
	store_close(s);
	oracle(path);
	b.deadline = store_foreign_clock() + 2;
	if (store_foreign_open(&s, dir, 0, &b, why, sizeof(why)) == ERR_OK) {
		exercise(s);
		(void)store_foreign_settle(s, why, sizeof(why));
		store_close(s);
	}
	return 0;
}
