/*
 * test-store_custody.c: the custody log in the store (store_custody.c,
 * with ingest_store_from): one line per stored event with its source, none
 * for duplicates and refusals, nothing left by a rolled-back transaction,
 * lines that parse and chain, triggers that refuse edits, a changed row
 * found by the scan, and the upgrade of a version 2 store, whose events
 * get lines via "store".
 */
#include <sqlite3.h>
#include <unistd.h>

#include "testutil.h"

#include <openssl/sha.h>

#include "custody.h"
#include "ingest.h"
#include "store.h"
#include "store_custody.h"

#define NOW	1800000000ULL

static char dbdir[] = "/tmp/samizdat-test-custody-XXXXXX";
static int dbseq;
static char lastpath[300];

static struct store *
open_fresh(void)
{
	struct store *s;

	snprintf(lastpath, sizeof(lastpath), "%s/db%d", dbdir, dbseq++);
	assert_int_equal(store_open(&s, lastpath, 0), ERR_OK);
	return s;
}

/* Parses and stores json with src. */
static enum err
put(struct store *s, const char *json, const struct custody_src *src)
{
	struct ingest_ctx c;
	struct ingest_policy pol;
	enum err e;

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&c);
	c.src = src;
	e = ingest_one(&c, &pol, s, json, strlen(json), NOW, NULL);
	ingest_ctx_free(&c);
	return e;
}

struct seen {
	int	 n;
	struct custody_line l[8];
	char	 from[8][CUSTODY_FROM_MAX + 1];
	uint8_t	 chain[8][32];
};

static int
collect(const struct custody_entry *e, void *arg)
{
	struct seen *s = arg;
	struct custody_line back;
	struct custody_source sb;
	uint8_t	 h[32];

	assert_int_equal(custody_line_parse(e->text, e->len, &back), ERR_OK);
	assert_memory_equal(&back, &e->line, sizeof(back));
	assert_int_equal(custody_source_parse(e->stext, e->slen, &sb), ERR_OK);
	SHA256((const uint8_t *)e->stext, e->slen, h);
	assert_memory_equal(h, e->line.src, 32);
	if (s->n < 8) {
		s->l[s->n] = e->line;
		snprintf(s->from[s->n], sizeof(s->from[0]), "%s", sb.from);
		memcpy(s->chain[s->n], e->chain, 32);
	}
	s->n++;
	return 0;
}

static void
test_lines(void **state)
{
	struct store *s = open_fresh();
	struct custody_src a = { CUSTODY_CLIENT, "192.168.1.20" };
	struct custody_src b = { CUSTODY_STICK, "/media/usb/samizdat" };
	char	*e1 = tu_event(1, NOW - 10, 1, "[]", "one");
	char	*e2 = tu_event(2, NOW - 5, 1, "[]", "two");
	char	*k0a = tu_event(3, NOW - 9, 0, "[]", "{}");
	char	*k0b = tu_event(3, NOW - 20, 0, "[]", "{\"older\":1}");
	struct seen seen;
	uint8_t	 id[32], zero[32], head[32];
	uint64_t seq, bad = 0;

	memset(&seen, 0, sizeof(seen));
	memset(zero, 0, 32);
	assert_int_equal(put(s, e1, &a), ERR_OK);
	assert_int_equal(put(s, e1, &b), ERR_DUPLICATE);	/* no line */
	assert_int_equal(put(s, e2, &b), ERR_OK);
	assert_int_equal(put(s, k0a, NULL), ERR_OK);
	assert_int_equal(put(s, k0b, &a), ERR_HAVE_NEWER);	/* no line */
	assert_int_equal(store_custody_scan(s, 1, collect, &seen, &bad),
	    ERR_OK);
	assert_int_equal(seen.n, 3);
	tu_event_id(e1, id);
	assert_memory_equal(seen.l[0].id, id, 32);
	assert_int_equal(seen.l[0].seq, 1);
	assert_int_equal(seen.l[0].at, NOW);
	assert_int_equal(seen.l[0].via, CUSTODY_CLIENT);
	assert_string_equal(seen.from[0], "192.168.1.20");
	assert_memory_equal(seen.l[0].prev, zero, 32);
	assert_int_equal(seen.l[1].via, CUSTODY_STICK);
	assert_string_equal(seen.from[1], "/media/usb/samizdat");
	assert_memory_equal(seen.l[1].prev, seen.chain[0], 32);
	assert_int_equal(seen.l[2].via, CUSTODY_UNKNOWN);
	assert_int_equal(store_custody_head(s, &seq, head), ERR_OK);
	assert_int_equal(seq, 3);
	assert_memory_equal(head, seen.chain[2], 32);
	/* From the middle: the chain starts from the stored c(1). */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_custody_scan(s, 2, collect, &seen, &bad),
	    ERR_OK);
	assert_int_equal(seen.n, 2);
	assert_memory_equal(seen.chain[1], head, 32);
	store_close(s);
	free(e1);
	free(e2);
	free(k0a);
	free(k0b);
}

static void
test_rollback(void **state)
{
	struct store *s = open_fresh();
	char	*e1 = tu_event(1, NOW, 1, "[]", "rolled back");
	uint8_t	 head[32];
	uint64_t seq;

	assert_int_equal(store_begin(s), ERR_OK);
	assert_int_equal(put(s, e1, NULL), ERR_OK);
	store_rollback(s);
	assert_int_equal(store_custody_head(s, &seq, head), ERR_OK);
	assert_int_equal(seq, 0);
	assert_int_equal(put(s, e1, NULL), ERR_OK);
	assert_int_equal(store_custody_head(s, &seq, head), ERR_OK);
	assert_int_equal(seq, 1);
	store_close(s);
	free(e1);
}

static void
sql(const char *path, const char *q, int want)
{
	sqlite3	*db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), want);
	sqlite3_close(db);
}

static void
test_append_only(void **state)
{
	struct store *s = open_fresh();
	char	*e1 = tu_event(1, NOW, 1, "[]", "a"), *e2 = tu_event(1, NOW, 1,
	    "[]", "b");
	struct seen seen;
	uint64_t bad = 0;

	assert_int_equal(put(s, e1, NULL), ERR_OK);
	assert_int_equal(put(s, e2, NULL), ERR_OK);
	store_close(s);
	sql(lastpath, "UPDATE custody SET at = 1 WHERE seq = 1", SQLITE_CONSTRAINT);
	sql(lastpath, "DELETE FROM custody", SQLITE_CONSTRAINT);
	/* Someone with the file drops the trigger and edits: the scan says where. */
	sql(lastpath, V6_SQL " DROP TRIGGER custody_no_update;"
	    "UPDATE custody SET origin = 'elsewhere' WHERE seq = 1", SQLITE_OK);
	assert_int_equal(store_open(&s, lastpath, STORE_RDONLY), ERR_OK);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_custody_scan(s, 1, collect, &seen, &bad),
	    ERR_CUSTODY);
	assert_int_equal(bad, 1);
	assert_int_equal(seen.n, 0);
	store_close(s);
	free(e1);
	free(e2);
}

static void
test_upgrade(void **state)
{
	struct store *s = open_fresh();
	char	*e[3];
	struct seen seen;
	uint64_t bad = 0;
	int	 i;

	for (i = 0; i < 3; i++) {
		char	 c[16];

		snprintf(c, sizeof(c), "n%d", i);
		e[i] = tu_event(1, NOW - 100 + (uint64_t)i, 1, "[]", c);
		assert_int_equal(put(s, e[i], NULL), ERR_OK);
	}
	store_close(s);
	/* What a version 2 store looks like. */
	sql(lastpath, V6_SQL " DROP TRIGGER custody_no_update;"
	    "DROP TRIGGER custody_no_delete; DROP TABLE custody;"
	    "PRAGMA user_version = 2", SQLITE_OK);
	assert_int_equal(store_open(&s, lastpath, 0), ERR_OK);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(store_custody_scan(s, 1, collect, &seen, &bad),
	    ERR_OK);
	assert_int_equal(seen.n, 3);
	for (i = 0; i < 3; i++) {
		uint8_t	 id[32];

		tu_event_id(e[i], id);
		assert_memory_equal(seen.l[i].id, id, 32);
		assert_int_equal(seen.l[i].via, CUSTODY_STORE);
		assert_string_equal(seen.from[i], "");
		free(e[i]);
	}
	store_close(s);
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_append_only),
		cmocka_unit_test(test_upgrade),
	};

	return cmocka_run_group_tests_name("store_custody", tests, setup,
	    teardown);
}
