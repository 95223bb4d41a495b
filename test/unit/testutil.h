/*
 * testutil.h: shared by the cmocka unit tests (header-only, one copy per
 * test binary).  Tests run with test/unit as the working directory, so
 * vectors are at ../vectors/.
 */
#ifndef SAMIZDAT_TESTUTIL_H
#define SAMIZDAT_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "hex.h"

/* Loads a JSON file or fails the test. */
static inline json_t *
tu_load_json(const char *path)
{
	json_error_t je;
	json_t	*j = json_load_file(path, JSON_ALLOW_NUL, &je);

	if (j == NULL)
		fail_msg("%s:%d: %s", path, je.line, je.text);
	return j;
}

/* Decodes hex of any case into out (n bytes) or fails the test. */
static inline void
tu_unhex(const char *s, uint8_t *out, size_t n)
{
	size_t	 i;
	unsigned v;

	assert_int_equal(strlen(s), 2 * n);
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			fail_msg("bad hex %s", s);
		out[i] = (uint8_t)v;
	}
}

/* Decodes the 2*n hex characters at s (more may follow). */
static inline void
tu_unhex_n(const char *s, uint8_t *out, size_t n)
{
	size_t	 i;
	unsigned v;

	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			fail_msg("bad hex %.*s", (int)(2 * n), s);
		out[i] = (uint8_t)v;
	}
}

/* Reads a whole file into a malloc'd NUL-terminated buffer. */
static inline char *
tu_read_file(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*p;
	long	 n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return p;
}

/* Secret key number who (1..255): 31 zero bytes, then who. */
static inline void
tu_seckey(int who, uint8_t sk[32])
{
	memset(sk, 0, 32);
	sk[31] = (uint8_t)who;
}

/* The public key of tu_seckey(who), as 64 hex characters. */
static inline void
tu_pubhex(int who, char out[65])
{
	uint8_t	 sk[32], pk[32];

	tu_seckey(who, sk);
	assert_int_equal(crypto_pubkey(sk, pk), ERR_OK);
	hex_encode(pk, 32, out);
}

/*
 * A signed event by tu_seckey(who); tags is a JSON array text, content
 * is escaped here.  Returns: malloc'd compact JSON (crypto_init first).
 */
static inline char *
tu_event(int who, uint64_t created_at, uint32_t kind, const char *tags,
    const char *content)
{
	struct buf b, tmp;
	struct event ev;
	uint8_t	 sk[32];
	char	*body, *out, pk[65];
	void	*scratch;
	size_t	 n;

	buf_init(&b, 0);
	buf_init(&tmp, 0);
	tu_pubhex(who, pk);
	buf_printf(&b, "{\"id\":\"%064d\",\"pubkey\":\"%s\",\"created_at\":"
	    "%llu,\"kind\":%u,\"tags\":%s,\"content\":", 0, pk,
	    (unsigned long long)created_at, kind, tags);
	buf_json_str(&b, content, strlen(content));
	buf_printf(&b, ",\"sig\":\"%0128d\"}", 0);
	assert_false(b.err);
	n = b.len;
	body = strdup(b.p);
	scratch = malloc(EVENT_SCRATCH(n));
	assert_non_null(body);
	assert_non_null(scratch);
	assert_int_equal(event_parse(body, n, NULL, &ev, scratch,
	    EVENT_SCRATCH(n)), ERR_OK);
	tu_seckey(who, sk);
	assert_int_equal(event_sign(&ev, sk, &tmp), ERR_OK);
	buf_reset(&b);
	event_write_json(&ev, &b);
	assert_false(b.err);
	out = strdup(b.p);
	assert_non_null(out);
	free(scratch);
	free(body);
	buf_free(&b);
	buf_free(&tmp);
	return out;
}

/* The id of the event JSON s (its "id" field) as bytes. */
static inline void
tu_event_id(const char *s, uint8_t id[32])
{
	const char *p = strstr(s, "\"id\":\"");

	assert_non_null(p);
	tu_unhex_n(p + 6, id, 32);
}

/*
 * setup and teardown for cmocka_run_group_tests: the crypto context made,
 * and the mkdtemp(3) template dir a fresh directory for the file's stores,
 * removed after.
 */
#define TU_TMPDIR_FIXTURE(dir)						\
static int								\
setup(void **state)							\
{									\
	(void)state;							\
	if (crypto_init() != 0)						\
		return -1;						\
	return mkdtemp(dir) == NULL ? -1 : 0;				\
}									\
static int								\
teardown(void **state)							\
{									\
	char	 cmd_[300];						\
									\
	(void)state;							\
	snprintf(cmd_, sizeof(cmd_), "rm -rf %s", dir);			\
	return system(cmd_) == 0 ? 0 : -1;				\
}

/* Rows a store callback gave: each JSON copied, at most 1024. */
struct tu_rows {
	char	*v[1024];
	size_t	 n;
};

static inline int
tu_collect(const char *json, size_t len, void *arg)
{
	struct tu_rows *r = arg;

	assert_true(r->n < 1024);
	r->v[r->n++] = strndup(json, len);
	return 0;
}

static inline void
tu_rows_free(struct tu_rows *r)
{
	while (r->n > 0)
		free(r->v[--r->n]);
}

/*
 * SQL that makes a store of schema version 7 one of version 6 again, as
 * an older samizdat left it: each event's whole JSON in json, no sig
 * column (docs/store.md gives the same expression).
 */
#define V6_SQL	"UPDATE events SET json = '{\"id\":\"' || lower(hex(id)) ||" \
		" '\",' || json || ',\"sig\":\"' || lower(hex(sig)) || '\"}'" \
		" WHERE sig IS NOT NULL; ALTER TABLE events DROP COLUMN sig;" \
		" PRAGMA user_version = 6;"

#endif
