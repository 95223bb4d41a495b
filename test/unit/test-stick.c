/*
 * test-stick.c: the check of a store from elsewhere (store_foreign.h)
 * that stick_sync opens a stick through.  An honest store, and ones of
 * older versions, pass (version 6's rows read byte for byte); every change to the schema is refused by
 * name and leaves the file as it was (a trigger never runs); symbolic
 * links, pipes, hard links, journals and files that are no store are
 * refused; the deadline, the memory bound and the cancel flag stop the
 * work; and a store moved or removed after the open is noticed.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#include "crypto.h"
#include "filter.h"
#include "ingest.h"
#include "negentropy.h"
#include "store.h"
#include "store_foreign.h"
#include "store_int.h"

static char base[] = "/tmp/samizdat-test-stick-XXXXXX";
static int seq;

static int
setup(void **state)
{
	assert_non_null(mkdtemp(base));
	assert_int_equal(crypto_init(), 0);
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	return system(cmd);
}

/* A new data dir under base; *path gets its events.db. */
static char *
newdir(char path[300])
{
	static char dir[256];

	snprintf(dir, sizeof(dir), "%s/d%d", base, seq++);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, 300, "%s/events.db", dir);
	return dir;
}

/* A data dir with a store made by store_open and two events in it. */
static char *
honest(char path[300])
{
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct store *s;
	char	*dir = newdir(path), *ev;
	int	 i;

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&ctx);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	for (i = 0; i < 2; i++) {
		ev = tu_event(1, 1700000000 + (uint64_t)i, 1, "[[\"t\",\"x\"]]",
		    "a report from elsewhere");
		assert_int_equal(ingest_one(&ctx, &pol, s, ev, strlen(ev),
		    1700000100, NULL), ERR_OK);
		free(ev);
	}
	ingest_ctx_free(&ctx);
	store_close(s);
	return dir;
}

/* Runs SQL on the file with a plain handle, as an attacker's tool would. */
static void
sql(const char *path, const char *text)
{
	sqlite3	*db;
	char	*msg = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg);
	sqlite3_close(db);
}

static long long
count(const char *path, const char *q)
{
	sqlite3	*db;
	sqlite3_stmt *st;
	long long n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Opens dir foreign; wants e and, when want is set, why to hold it. */
static void
expect(const char *dir, int flags, enum err e, const char *want)
{
	struct store_bounds b;
	struct store *s = NULL;
	char	 why[512];
	size_t	 i;

	memset(&b, 0, sizeof(b));
	b.deadline = store_foreign_clock() + 30;
	why[0] = '\0';
	if (store_foreign_open(&s, dir, flags, &b, why, sizeof(why)) != e)
		fail_msg("%s: want %s, got: %s", dir, err_str(e), why);
	if (want != NULL && strstr(why, want) == NULL)
		fail_msg("%s: '%s' not in: %s", dir, want, why);
	for (i = 0; why[i] != '\0'; i++)
		if ((unsigned char)why[i] < 0x20)
			fail_msg("a control character in: %s", why);
	store_close(s);
}

static void
test_honest(void **state)
{
	struct store_bounds b;
	struct store *s;
	struct filter all;
	struct neg_item *items;
	char	 path[300], why[512], *dir = honest(path);
	uint64_t n;
	size_t	 ni;

	memset(&b, 0, sizeof(b));
	assert_int_equal(store_foreign_open(&s, dir, STORE_RDONLY, &b, why,
	    sizeof(why)), ERR_OK);
	assert_int_equal(store_event_count(s, &n), ERR_OK);
	assert_int_equal(n, 2);
	filter_init(&all);
	assert_int_equal(store_ids(s, &all, 1700000100, 10, &items, &ni),
	    ERR_OK);
	assert_int_equal(ni, 2);
	free(items);
	assert_null(store_foreign_stopped(s));
	assert_int_equal(store_foreign_intact(s, why, sizeof(why)), ERR_OK);
	store_close(s);
	/* Writable, then settled: still the same store. */
	assert_int_equal(store_foreign_open(&s, dir, 0, &b, why, sizeof(why)),
	    ERR_OK);
	assert_int_equal(store_foreign_settle(s, why, sizeof(why)), ERR_OK);
	store_close(s);
	expect(dir, STORE_RDONLY, ERR_OK, NULL);
}

/*
 * Each change, made with a plain SQLite handle, and the words that must
 * name it.  The file must be byte for byte the same afterwards.
 */
static const struct {
	const char	*sql, *want;
	enum err	 e;
} changes[] = {
	{ "CREATE TABLE spy(id BLOB);"
	  "CREATE TRIGGER evil AFTER INSERT ON events BEGIN"
	  " INSERT INTO spy VALUES (new.id); END;",
	  "it has a trigger 'evil' that samizdat did not make (and 1 more "
	  "difference); a store from elsewhere is data, never code",
	  ERR_FOREIGN },
	{ "CREATE VIEW v AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL"
	  " SELECT n + 1 FROM r) SELECT n FROM r;", "a view 'v'", ERR_FOREIGN },
	{ "DROP TABLE events; CREATE VIEW events AS SELECT 1 AS eid;",
	  "a view 'events' where samizdat makes a table", ERR_FOREIGN },
	{ "CREATE TABLE extra(x);", "a table 'extra' that", ERR_FOREIGN },
	{ "CREATE INDEX extra_i ON events(json);", "an index 'extra_i'",
	  ERR_FOREIGN },
	{ "DROP INDEX ev_neg;", "it lacks the index 'ev_neg'", ERR_FOREIGN },
	{ "ALTER TABLE events ADD COLUMN x;",
	  "its table 'events' is not the one samizdat makes", ERR_FOREIGN },
	{ "ANALYZE;", "a table 'sqlite_stat1'", ERR_FOREIGN },
	{ "CREATE VIRTUAL TABLE x USING fts5(a);", "a virtual table 'x'",
	  ERR_FOREIGN },
	{ "INSERT INTO fts(fts, rank) VALUES ('hashsize', 1000000000);",
	  "fts_config", ERR_FOREIGN },
	{ "PRAGMA user_version = 8;", "made by a newer samizdat (schema "
	  "version 8", ERR_DB_VERSION },
	{ "PRAGMA user_version = 0;", "not a samizdat store (schema version 0)",
	  ERR_FOREIGN },
	{ "PRAGMA user_version = -7;", "schema version -7", ERR_FOREIGN },
	/* A version 7 schema that says 1: the later tables are extra. */
	{ "PRAGMA user_version = 1;", "that samizdat did not make",
	  ERR_FOREIGN },
	/* A name meant for the terminal, not for samizdat. */
	{ "CREATE TABLE \"x\x1b[2J\"(a);", "a table 'x?[2J'", ERR_FOREIGN },
	/* A schema SQLite cannot parse, quoted in its message. */
	{ "PRAGMA writable_schema = ON; INSERT INTO sqlite_schema VALUES"
	  " ('table', 'y\x1b[2J', 'y\x1b[2J', 0, 'CREATE TABLE y\x1b[2J(');",
	  "not a samizdat store SQLite can read safely", ERR_FOREIGN },
};

static void
test_schema(void **state)
{
	char	 path[300], *dir, *before, *after;
	size_t	 i, n1, n2;

	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		dir = honest(path);
		sql(path, changes[i].sql);
		before = tu_read_file(path, &n1);
		expect(dir, 0, changes[i].e, changes[i].want);
		expect(dir, STORE_RDONLY, changes[i].e, changes[i].want);
		after = tu_read_file(path, &n2);
		if (n1 != n2 || memcmp(before, after, n1) != 0)
			fail_msg("refusing '%s' changed the file",
			    changes[i].sql);
		free(before);
		free(after);
	}
	/* The trigger of the first change never ran. */
	snprintf(path, sizeof(path), "%s/d%d/events.db", base, seq -
	    (int)(sizeof(changes) / sizeof(changes[0])));
	assert_int_equal(count(path, "SELECT count(*) FROM spy"), 0);
}

/* A store of version 1, as an earlier samizdat made it, passes and is upgraded. */
static void
test_version1(void **state)
{
	char	 path[300], *dir = newdir(path), one[4096];

	snprintf(one, sizeof(one), "PRAGMA journal_mode=WAL; %s"
	    " PRAGMA user_version = 1;", store_schema_parts[0]);
	sql(path, one);
	expect(dir, STORE_RDONLY, ERR_OK, NULL);
	assert_int_equal(count(path, "PRAGMA user_version"), 1);
	expect(dir, 0, ERR_OK, NULL);
	assert_int_equal(count(path, "PRAGMA user_version"),
	    STORE_COMPAT_VERSION);
	expect(dir, STORE_RDONLY, ERR_OK, NULL);
	/* A version 1 store that lacks a part of version 1 is not one. */
	dir = newdir(path);
	sql(path, one);
	sql(path, "DROP INDEX ev_author_time;");
	expect(dir, 0, ERR_FOREIGN, "lacks the index 'ev_author_time'");
}

/* Reads every event of s by a query, by id and as new rows: evs exactly. */
static void
want_events(struct store *s, char *const *evs, size_t n)
{
	struct tu_rows r = { .n = 0 };
	struct filter all;
	uint8_t	 id[32];
	int64_t	 last;
	size_t	 i, k;

	filter_init(&all);
	assert_int_equal(store_query(s, &all, 1, 1700000100, 0, tu_collect, &r),
	    ERR_OK);
	assert_int_equal(r.n, n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < r.n && strcmp(r.v[k], evs[i]) != 0; k++)
			;
		if (k == r.n)
			fail_msg("not read back byte for byte: %s", evs[i]);
	}
	tu_rows_free(&r);
	for (i = 0; i < n; i++) {
		tu_event_id(evs[i], id);
		assert_int_equal(store_get(s, id, 1700000100, tu_collect, &r),
		    ERR_OK);
		assert_int_equal(r.n, 1);
		assert_string_equal(r.v[0], evs[i]);
		tu_rows_free(&r);
	}
	assert_int_equal(store_since(s, 0, 8, tu_collect, &r, &last), ERR_OK);
	assert_int_equal(r.n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(r.v[i], evs[i]);
	tu_rows_free(&r);
}

/*
 * Version 7 keeps an event's JSON without its id and sig (store_evjson.c).
 * A stick of version 6 passes and is read as it is; written to as a
 * stick or by a command it stays version 6 (older nodes read it); opened
 * by the daemon it becomes version 7, its old rows read as before, new rows are
 * 147 bytes smaller; a row whose sig is not 64 bytes reads as JSON no
 * parser takes, and is refused.
 */
static void
test_version6(void **state)
{
	struct store_bounds b;
	struct ingest_policy pol;
	struct ingest_ctx ctx;
	struct store *s;
	struct tu_rows r = { .n = 0 };
	struct filter all;
	char	 path[300], why[512], q[200], *dir = newdir(path), *evs[3];
	size_t	 i;

	memset(&b, 0, sizeof(b));
	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&ctx);
	evs[0] = tu_event(1, 1700000000, 1, "[[\"t\",\"x\"]]",
	    "before: \"id\":\"sig\":\" in a whole row");
	evs[1] = tu_event(2, 1700000001, 1, "[]", "a stick's, kept whole");
	evs[2] = tu_event(3, 1700000002, 1, "[]", "after ,\"sig\":\"");
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	assert_int_equal(ingest_one(&ctx, &pol, s, evs[0], strlen(evs[0]),
	    1700000100, NULL), ERR_OK);
	store_close(s);
	sql(path, V6_SQL);
	assert_int_equal(count(path, "SELECT count(*) FROM"
	    " pragma_table_info('events') WHERE name = 'sig'"), 0);

	assert_int_equal(store_foreign_open(&s, dir, STORE_RDONLY, &b, why,
	    sizeof(why)), ERR_OK);
	want_events(s, evs, 1);
	store_close(s);
	assert_int_equal(count(path, "PRAGMA user_version"), 6);
	/* Written to as a stick, it stays version 6 for older nodes. */
	assert_int_equal(store_foreign_open(&s, dir, 0, &b, why,
	    sizeof(why)), ERR_OK);
	assert_int_equal(ingest_one(&ctx, &pol, s, evs[1], strlen(evs[1]),
	    1700000100, NULL), ERR_OK);
	want_events(s, evs, 2);
	store_close(s);
	assert_int_equal(count(path, "PRAGMA user_version"), 6);
	assert_int_equal(count(path, "SELECT count(*) FROM"
	    " pragma_table_info('events') WHERE name = 'sig'"), 0);

	/* A command leaves it at 6 too (an older daemon may run on it). */
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	store_close(s);
	assert_int_equal(count(path, "PRAGMA user_version"), 6);
	/* The daemon takes it to 7. */
	assert_int_equal(store_open(&s, path, STORE_UPGRADE), ERR_OK);
	assert_int_equal(ingest_one(&ctx, &pol, s, evs[2], strlen(evs[2]),
	    1700000100, NULL), ERR_OK);
	want_events(s, evs, 3);
	store_close(s);
	assert_int_equal(count(path, "PRAGMA user_version"), 7);
	assert_int_equal(count(path, "SELECT count(*) FROM events"
	    " WHERE sig IS NULL"), 2);
	snprintf(q, sizeof(q), "SELECT count(*) FROM events WHERE sig IS NOT"
	    " NULL AND length(json) = %zu AND length(sig) = 64"
	    " AND instr(json, lower(hex(id))) = 0", strlen(evs[2]) - 211);
	assert_int_equal(count(path, q), 1);
	assert_int_equal(store_foreign_open(&s, dir, STORE_RDONLY, &b, why,
	    sizeof(why)), ERR_OK);
	want_events(s, evs, 3);
	store_close(s);

	/* A stranger's rows: a sig of 2 bytes, then one of text. */
	for (i = 0; i < 2; i++) {
		sql(path, i == 0 ? "UPDATE events SET sig = x'0102' WHERE"
		    " sig IS NOT NULL" : "UPDATE events SET sig = 'x' WHERE"
		    " sig IS NOT NULL");
		assert_int_equal(store_foreign_open(&s, dir, STORE_RDONLY, &b,
		    why, sizeof(why)), ERR_OK);
		filter_init(&all);
		assert_int_equal(store_query(s, &all, 1, 1700000100, 0, tu_collect,
		    &r), ERR_OK);
		store_close(s);
		assert_int_equal(r.n, 3);
		assert_int_equal((r.v[0][0] == '\0') + (r.v[1][0] == '\0') +
		    (r.v[2][0] == '\0'), 1);
		assert_int_equal(store_open(&s, path, 0), ERR_OK);
		assert_int_not_equal(ingest_one(&ctx, &pol, s, "", 0,
		    1700000100, NULL), ERR_OK);
		store_close(s);
		tu_rows_free(&r);
	}
	ingest_ctx_free(&ctx);
	for (i = 0; i < 3; i++)
		free(evs[i]);
}

/* ev_json(A, B, C) is B on a store older than version 7. */
static void
test_evjson_sql(void **state)
{
	char	*p;

	p = store_evjson_sql("SELECT eid, " EV_JSON " FROM events WHERE"
	    " eid > ?");
	assert_string_equal(p, "SELECT eid, json FROM events WHERE eid > ?");
	free(p);
	p = store_evjson_sql("SELECT " EV_JSON_E ", " EV_JSON_E " FROM x");
	assert_string_equal(p, "SELECT e.json, e.json FROM x");
	free(p);
	p = store_evjson_sql("SELECT 1");
	assert_string_equal(p, "SELECT 1");
	free(p);
	assert_null(store_evjson_sql("SELECT ev_json(id) FROM events"));
}

static void
test_files(void **state)
{
	static const char words[] = "not a database at all, just words, "
	    "words, words, words, words, words, words, words, words, words, "
	    "words, words, words, words, words, words";
	char	 path[300], other[320], lp[320], *dir, *odir, *before, *after;
	size_t	 n1, n2;
	int	 fd;

	/* No dir, no store: the advice to make one. */
	snprintf(lp, sizeof(lp), "%s/nowhere", base);
	expect(lp, 0, ERR_IO, "samizdat -d");
	dir = newdir(path);
	expect(dir, 0, ERR_IO, "holds no samizdat store");

	/* events.db a link to another store: refused, the target untouched. */
	odir = honest(other);
	before = tu_read_file(other, &n1);
	dir = newdir(path);
	assert_int_equal(symlink(other, path), 0);
	expect(dir, 0, ERR_FOREIGN, "its events.db is a symbolic link");
	after = tu_read_file(other, &n2);
	assert_true(n1 == n2 && memcmp(before, after, n1) == 0);
	free(before);
	free(after);
	(void)odir;

	/* The dir itself a link. */
	dir = honest(path);
	snprintf(lp, sizeof(lp), "%s/link%d", base, seq);
	assert_int_equal(symlink(dir, lp), 0);
	expect(lp, 0, ERR_FOREIGN, "is a symbolic link");
	assert_true(strlen(lp) + 3 < sizeof(other));
	snprintf(other, sizeof(other), "%.300s/.", lp);
	expect(other, 0, ERR_FOREIGN, "is a symbolic link");

	/* A pipe as the WAL, a link as the shared memory, a journal. */
	dir = honest(path);
	snprintf(lp, sizeof(lp), "%s-wal", path);
	assert_int_equal(mkfifo(lp, 0600), 0);
	expect(dir, 0, ERR_FOREIGN, "its events.db-wal is a named pipe");
	dir = honest(path);
	snprintf(lp, sizeof(lp), "%s-shm", path);
	assert_int_equal(symlink("/etc/passwd", lp), 0);
	expect(dir, STORE_RDONLY, ERR_FOREIGN, "events.db-shm is a symbolic");
	dir = honest(path);
	snprintf(lp, sizeof(lp), "%s-journal", path);
	assert_true((fd = open(lp, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	expect(dir, 0, ERR_FOREIGN, "rollback journal");

	/* A WAL larger than samizdat ever leaves (SQLite would read it all). */
	dir = honest(path);
	snprintf(lp, sizeof(lp), "%s-wal", path);
	assert_true((fd = open(lp, O_CREAT | O_WRONLY, 0600)) >= 0);
	assert_int_equal(ftruncate(fd, (off_t)300 << 20), 0);
	close(fd);
	expect(dir, STORE_RDONLY, ERR_FOREIGN, "its events.db-wal is 300 MiB");

	/* A second name for the file. */
	dir = honest(path);
	snprintf(lp, sizeof(lp), "%s/hard%d", base, seq);
	assert_int_equal(link(path, lp), 0);
	expect(dir, 0, ERR_FOREIGN, "2 hard links");

	/* Files that are no store: never made into one. */
	dir = newdir(path);
	assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	expect(dir, 0, ERR_FOREIGN, "its events.db is empty");
	assert_int_equal(count(path, "SELECT count(*) FROM sqlite_schema"), 0);
	dir = newdir(path);
	assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) >= 0);
	assert_int_equal(write(fd, words, strlen(words)),
	    (ssize_t)strlen(words));
	close(fd);
	expect(dir, 0, ERR_FOREIGN, "not a SQLite database");
	dir = newdir(path);
	sql(path, "CREATE TABLE t(x);");
	expect(dir, 0, ERR_FOREIGN, "not a samizdat store");
	assert_int_equal(count(path, "SELECT count(*) FROM sqlite_schema"), 1);
	dir = honest(path);
	snprintf(lp, sizeof(lp), "%s", path);
	expect(path, 0, ERR_FOREIGN, "not a data directory");
	(void)dir;
}

static void
test_bounds(void **state)
{
	struct store_bounds b;
	struct store *s;
	struct filter all;
	struct neg_item *items = NULL;
	struct timespec ts = { 0, 300 * 1000000L };
	char	 path[300], why[512], *dir = honest(path);
	char	*big, *p;
	volatile int stop = 1;
	size_t	 ni;
	int	 i, k;

	/* Past its deadline before it starts. */
	memset(&b, 0, sizeof(b));
	b.deadline = store_foreign_clock() - 1;
	assert_int_equal(store_foreign_open(&s, dir, 0, &b, why, sizeof(why)),
	    ERR_FOREIGN);
	assert_non_null(strstr(why, "more than the time allowed"));
	/* Cancelled. */
	memset(&b, 0, sizeof(b));
	b.cancel = &stop;
	assert_int_not_equal(store_foreign_open(&s, dir, 0, &b, why,
	    sizeof(why)), ERR_OK);
	assert_non_null(strstr(why, "stopped"));
	/* Past its deadline after the open: any statement that runs on stops. */
	sql(path, "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1"
	    " FROM r WHERE n < 5000) INSERT INTO events(id, created_at, kind,"
	    " aid, json) SELECT randomblob(32), n, 1, 1, '{}' FROM r;");
	memset(&b, 0, sizeof(b));
	b.deadline = store_foreign_clock() + 0.2;
	assert_int_equal(store_foreign_open(&s, dir, STORE_RDONLY, &b, why,
	    sizeof(why)), ERR_OK);
	nanosleep(&ts, NULL);
	filter_init(&all);
	assert_int_not_equal(store_ids(s, &all, 1700000100, 100000, &items,
	    &ni), ERR_OK);
	assert_non_null(store_foreign_stopped(s));
	assert_non_null(strstr(store_foreign_stopped(s), "time limit"));
	store_close(s);

	/* A schema that takes more memory than allowed to read. */
	dir = honest(path);
	assert_non_null(big = malloc(2u << 20));
	p = big + sprintf(big, "BEGIN;");
	for (i = 0; i < 400; i++) {
		p += sprintf(p, "CREATE TABLE t%d(", i);
		for (k = 0; k < 90; k++)
			p += sprintf(p, "%sc%d INTEGER CHECK (c%d > %d)",
			    k ? "," : "", k, k, i);
		p += sprintf(p, ");");
	}
	sprintf(p, "COMMIT;");
	sql(path, big);
	free(big);
	memset(&b, 0, sizeof(b));
	b.check_mem = 1u << 20;
	assert_int_equal(store_foreign_open(&s, dir, 0, &b, why, sizeof(why)),
	    ERR_FOREIGN);
	assert_non_null(strstr(why, "reading its schema took more than 1 MiB"));
	/* Without that bound it is refused for what it has. */
	expect(dir, 0, ERR_FOREIGN, "a table 't");
}

static void
test_intact(void **state)
{
	struct store_bounds b;
	struct store *s;
	char	 path[300], why[512], moved[300], *dir = honest(path);

	memset(&b, 0, sizeof(b));
	assert_int_equal(store_foreign_open(&s, dir, 0, &b, why, sizeof(why)),
	    ERR_OK);
	snprintf(moved, sizeof(moved), "%s.moved", dir);
	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(store_foreign_intact(s, why, sizeof(why)), ERR_IO);
	assert_non_null(strstr(why, "moved or removed"));
	assert_int_equal(store_foreign_settle(s, why, sizeof(why)), ERR_IO);
	assert_int_equal(rename(moved, dir), 0);
	assert_int_equal(store_foreign_intact(s, why, sizeof(why)), ERR_OK);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(store_foreign_intact(s, why, sizeof(why)), ERR_IO);
	assert_non_null(strstr(why, "events.db was removed"));
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_honest),
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_version1),
		cmocka_unit_test(test_version6),
		cmocka_unit_test(test_evjson_sql),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_intact),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
