/*
 * test-store.c: the store's NIP-01/09/40/45/50 rules through the ingest
 * path, and a differential test: store_query and store_count must agree
 * with filter_match on random events and random filters.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "testutil.h"

#include "buf.h"
#include "crypto.h"
#include "event.h"
#include "filter.h"
#include "hex.h"
#include "ingest.h"
#include "store.h"

#define NOW	1800000000ULL

static char dbdir[] = "/tmp/samizdat-test-store-XXXXXX";
static int dbseq;

static struct store *
open_fresh(void)
{
	char	 path[256];
	struct store *s;

	snprintf(path, sizeof(path), "%s/db%d", dbdir, dbseq++);
	assert_int_equal(store_open(&s, path, 0), ERR_OK);
	return s;
}

/* Secret keys 1..9 by index. */
static void
seckey(int who, uint8_t sk[32])
{
	memset(sk, 0, 32);
	sk[31] = (uint8_t)who;
}

static void
pubhex(int who, char out[65])
{
	uint8_t	 sk[32], pk[32];

	seckey(who, sk);
	crypto_pubkey(sk, pk);
	hex_encode(pk, 32, out);
}

/*
 * Signs an event; tags as a JSON array text.  Returns malloc'd JSON.
 */
static char *
mk(int who, uint64_t created_at, uint32_t kind, const char *tags,
    const char *content)
{
	struct buf b, tmp;
	struct event ev;
	uint8_t	 sk[32];
	char	*unsigned_json, *out;
	static char scratch[EVENT_SCRATCH(16384)];
	char	 pk[65];

	buf_init(&b, 0);
	buf_init(&tmp, 0);
	pubhex(who, pk);
	/* Build an unsigned body, parse it, sign it, write it out. */
	buf_printf(&b, "{\"id\":\"%064d\",\"pubkey\":\"%s\",\"created_at\":%llu,"
	    "\"kind\":%u,\"tags\":%s,\"content\":", 0, pk,
	    (unsigned long long)created_at, kind, tags);
	buf_json_str(&b, content, strlen(content));
	buf_printf(&b, ",\"sig\":\"%0128d\"}", 0);
	unsigned_json = strdup(b.p);
	assert_int_equal(event_parse(unsigned_json, strlen(unsigned_json), NULL,
	    &ev, scratch, sizeof(scratch)), ERR_OK);
	seckey(who, sk);
	assert_int_equal(event_sign(&ev, sk, &tmp), ERR_OK);
	buf_reset(&b);
	event_write_json(&ev, &b);
	out = strdup(b.p);
	free(unsigned_json);
	buf_free(&b);
	buf_free(&tmp);
	return out;
}

static enum err
put(struct store *s, const char *json)
{
	struct ingest_ctx c;
	struct ingest_policy pol;
	enum err e;

	memset(&pol, 0, sizeof(pol));
	ingest_ctx_init(&c);
	e = ingest_one(&c, &pol, s, json, strlen(json), NOW, NULL);
	ingest_ctx_free(&c);
	return e;
}

/* The same filters through a cursor, max_bytes a page. */
static void
cursor_rows(struct store *s, const struct filter *f, size_t n, uint64_t now,
    size_t max_bytes, int64_t after, int64_t max, bool all, struct tu_rows *r)
{
	struct store_cursor *c;
	bool	 done = false;
	int	 turns = 0;

	tu_rows_free(r);
	assert_int_equal(store_cursor_open(s, f, n, now, 0, after, max, all,
	    &c), ERR_OK);
	while (!done) {
		assert_int_equal(store_cursor_next(s, c, max_bytes, tu_collect, r,
		    &done), ERR_OK);
		assert_true(++turns < 2000);
	}
	store_cursor_free(c);
}

static size_t
query(struct store *s, const char *fj, struct tu_rows *r, uint64_t now)
{
	struct filter f[4];
	json_t	*j = json_loads(fj, 0, NULL);
	struct tu_rows cr = { .n = 0 };
	size_t	 n, i, k, pages[] = { 1, 700, 1 << 20 };

	assert_non_null(j);
	tu_rows_free(r);
	n = json_is_array(j) ? json_array_size(j) : 1;
	for (i = 0; i < n; i++)
		assert_int_equal(filter_parse_json(json_is_array(j) ?
		    json_array_get(j, i) : j, &f[i]), ERR_OK);
	assert_int_equal(store_query(s, f, n, now, 0, tu_collect, r), ERR_OK);
	/*
	 * A cursor gives the same rows in the same order, whatever its pages
	 * (one event a page only for short answers: it costs a query each).
	 */
	if (r->n > 40)
		pages[0] = 5000;
	for (k = 0; k < sizeof(pages) / sizeof(pages[0]); k++) {
		cursor_rows(s, f, n, now, pages[k], 0, 0, false, &cr);
		if (cr.n != r->n)
			fail_msg("%s: cursor (%zu-byte pages) gave %zu rows, "
			    "store_query %zu", fj, pages[k], cr.n, r->n);
		for (i = 0; i < cr.n; i++)
			if (strcmp(cr.v[i], r->v[i]) != 0)
				fail_msg("%s: cursor row %zu differs", fj, i);
	}
	tu_rows_free(&cr);
	for (i = 0; i < n; i++)
		filter_free(&f[i]);
	json_decref(j);
	return r->n;
}

static bool
has_row(struct tu_rows *r, const char *json)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->v[i], json) == 0)
			return true;
	return false;
}

static void
test_duplicate_and_raw(void **state)
{
	struct store *s = open_fresh();
	struct tu_rows r = { .n = 0 };
	char	*a = mk(1, 100, 1, "[]", "one");
	char	 spaced[4096];

	assert_int_equal(put(s, a), ERR_OK);
	assert_int_equal(put(s, a), ERR_DUPLICATE);
	assert_int_equal(query(s, "{}", &r, NOW), 1);
	assert_string_equal(r.v[0], a);		/* byte-identical */
	/* Pretty-printed input is stored in compact canonical form. */
	free(a);
	a = mk(1, 101, 1, "[[\"t\",\"x\"]]", "two");
	snprintf(spaced, sizeof(spaced), " %s ", a);
	spaced[strlen(spaced) - 2] = ' ';
	strcat(spaced, "}");
	assert_int_equal(put(s, spaced), ERR_OK);
	assert_int_equal(query(s, "{\"#t\":[\"x\"]}", &r, NOW), 1);
	assert_string_equal(r.v[0], a);
	tu_rows_free(&r);
	free(a);
	store_close(s);
}

static void
test_replaceable(void **state)
{
	struct store *s = open_fresh();
	struct tu_rows r = { .n = 0 };
	char	*v10 = mk(1, 10, 0, "[]", "v10");
	char	*v20 = mk(1, 20, 0, "[]", "v20");
	char	*v15 = mk(1, 15, 0, "[]", "v15");
	char	*t1 = mk(2, 30, 10002, "[]", "tie-a");
	char	*t2 = mk(2, 30, 10002, "[]", "tie-b");
	const char *lo, *hi;

	assert_int_equal(put(s, v10), ERR_OK);
	assert_int_equal(put(s, v20), ERR_OK);
	assert_int_equal(put(s, v15), ERR_HAVE_NEWER);
	assert_int_equal(query(s, "{\"kinds\":[0]}", &r, NOW), 1);
	assert_string_equal(r.v[0], v20);
	/* Same created_at: the lowest id wins, whatever the order of arrival. */
	lo = strcmp(t1 + 7, t2 + 7) < 0 ? t1 : t2;
	hi = lo == t1 ? t2 : t1;
	assert_int_equal(put(s, hi), ERR_OK);
	assert_int_equal(put(s, lo), ERR_OK);
	assert_int_equal(put(s, hi), ERR_HAVE_NEWER);
	assert_int_equal(query(s, "{\"kinds\":[10002]}", &r, NOW), 1);
	assert_string_equal(r.v[0], lo);
	tu_rows_free(&r);
	free(v10); free(v20); free(v15); free(t1); free(t2);
	store_close(s);
}

static void
test_addressable_and_ephemeral(void **state)
{
	struct store *s = open_fresh();
	struct tu_rows r = { .n = 0 };
	char	*a10 = mk(1, 10, 30023, "[[\"d\",\"a\"]]", "a10");
	char	*b10 = mk(1, 10, 30023, "[[\"d\",\"b\"]]", "b10");
	char	*a20 = mk(1, 20, 30023, "[[\"d\",\"a\"]]", "a20");
	char	*nod = mk(1, 5, 30023, "[]", "no d");
	char	*emptyd = mk(1, 6, 30023, "[[\"d\"]]", "bare d");
	char	*eph = mk(1, 10, 20001, "[]", "ephemeral");

	assert_int_equal(put(s, a10), ERR_OK);
	assert_int_equal(put(s, b10), ERR_OK);
	assert_int_equal(put(s, a20), ERR_OK);
	assert_int_equal(put(s, nod), ERR_OK);
	/* No d tag and a bare ["d"] are the same address (""). */
	assert_int_equal(put(s, emptyd), ERR_OK);
	assert_int_equal(put(s, eph), ERR_EPHEMERAL);
	assert_int_equal(query(s, "{\"kinds\":[30023]}", &r, NOW), 3);
	assert_string_equal(r.v[0], a20);
	assert_string_equal(r.v[1], b10);
	assert_string_equal(r.v[2], emptyd);
	assert_int_equal(query(s, "{\"kinds\":[20001]}", &r, NOW), 0);
	tu_rows_free(&r);
	free(a10); free(b10); free(a20); free(nod); free(emptyd); free(eph);
	store_close(s);
}

static void
test_deletion(void **state)
{
	struct store *s = open_fresh();
	struct tu_rows r = { .n = 0 };
	char	 tags[512], pk1[65];
	char	*x, *y, *z, *del, *del2, *del3, *addr10, *addr12, *addr20,
		*adel, *w, *del4;

	pubhex(1, pk1);
	x = mk(1, 100, 1, "[]", "x by 1");
	y = mk(1, 101, 1, "[]", "y by 1");
	z = mk(1, 102, 1, "[]", "z by 1, arrives after its deletion");
	w = mk(1, 103, 1, "[]", "w by 1, deleted by someone else");
	assert_int_equal(put(s, x), ERR_OK);
	assert_int_equal(put(s, y), ERR_OK);
	/* The author deletes x; z is not here yet. */
	snprintf(tags, sizeof(tags), "[[\"e\",\"%.64s\"],[\"e\",\"%.64s\"]]",
	    x + 7, z + 7);
	del = mk(1, 200, 5, tags, "oops");
	assert_int_equal(put(s, del), ERR_OK);
	assert_int_equal(query(s, "{\"kinds\":[1]}", &r, NOW), 1);
	assert_string_equal(r.v[0], y);
	assert_int_equal(put(s, x), ERR_DELETED);	/* cannot come back */
	assert_int_equal(put(s, z), ERR_DELETED);	/* deleted in advance */
	/* Someone else cannot delete y, nor w before it arrives. */
	snprintf(tags, sizeof(tags), "[[\"e\",\"%.64s\"],[\"e\",\"%.64s\"]]",
	    y + 7, w + 7);
	del2 = mk(2, 201, 5, tags, "not yours");
	assert_int_equal(put(s, del2), ERR_OK);
	assert_int_equal(put(s, w), ERR_OK);
	assert_int_equal(query(s, "{\"kinds\":[1]}", &r, NOW), 2);
	/* A deletion of a deletion does nothing. */
	snprintf(tags, sizeof(tags), "[[\"e\",\"%.64s\"]]", del + 7);
	del3 = mk(1, 202, 5, tags, "undo?");
	assert_int_equal(put(s, del3), ERR_OK);
	assert_true(query(s, "{\"kinds\":[5]}", &r, NOW) == 3);
	assert_true(has_row(&r, del));

	/* a tag: every version up to the request's time. */
	addr10 = mk(1, 10, 30023, "[[\"d\",\"art\"]]", "v10");
	addr12 = mk(1, 12, 30023, "[[\"d\",\"art\"]]", "v12");
	addr20 = mk(1, 20, 30023, "[[\"d\",\"art\"]]", "v20");
	assert_int_equal(put(s, addr10), ERR_OK);
	snprintf(tags, sizeof(tags), "[[\"a\",\"30023:%s:art\"]]", pk1);
	adel = mk(1, 15, 5, tags, "");
	assert_int_equal(put(s, adel), ERR_OK);
	assert_int_equal(query(s, "{\"kinds\":[30023]}", &r, NOW), 0);
	assert_int_equal(put(s, addr12), ERR_DELETED);
	assert_int_equal(put(s, addr20), ERR_OK);
	assert_int_equal(query(s, "{\"kinds\":[30023]}", &r, NOW), 1);
	/* Deleting by someone else's a tag does nothing. */
	del4 = mk(2, 30, 5, tags, "");
	assert_int_equal(put(s, del4), ERR_OK);
	assert_int_equal(query(s, "{\"kinds\":[30023]}", &r, NOW), 1);
	/* The search index forgot the deleted content. */
	assert_int_equal(query(s, "{\"search\":\"oops\"}", &r, NOW), 1);
	assert_int_equal(query(s, "{\"search\":\"x by\"}", &r, NOW), 0);
	tu_rows_free(&r);
	free(x); free(y); free(z); free(w); free(del); free(del2); free(del3);
	free(addr10); free(addr12); free(addr20); free(adel); free(del4);
	store_close(s);
}

static void
test_expiration(void **state)
{
	struct store *s = open_fresh();
	struct tu_rows r = { .n = 0 };
	char	 tags[128];
	char	*old, *later, *bad;
	uint64_t n;

	snprintf(tags, sizeof(tags), "[[\"expiration\",\"%llu\"]]",
	    (unsigned long long)(NOW - 1));
	old = mk(1, 100, 1, tags, "gone already");
	snprintf(tags, sizeof(tags), "[[\"expiration\",\"%llu\"]]",
	    (unsigned long long)(NOW + 100));
	later = mk(1, 100, 1, tags, "gone later");
	bad = mk(1, 100, 1, "[[\"expiration\",\"1e9\"]]", "bad");
	assert_int_equal(put(s, old), ERR_EXPIRED);
	assert_int_equal(put(s, bad), ERR_BAD_EXPIRATION);
	assert_int_equal(put(s, later), ERR_OK);
	assert_int_equal(query(s, "{}", &r, NOW), 1);
	assert_int_equal(query(s, "{}", &r, NOW + 100), 0);	/* not served */
	assert_int_equal(store_count(s, NULL, 0, NOW, &n), ERR_OK);
	assert_int_equal(store_purge_expired(s, NOW + 100, &n), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_event_count(s, &n), ERR_OK);
	assert_int_equal(n, 0);
	tu_rows_free(&r);
	free(old); free(later); free(bad);
	store_close(s);
}

static void
test_order_limit_search_count(void **state)
{
	struct store *s = open_fresh();
	struct tu_rows r = { .n = 0 };
	struct filter f[2];
	char	*e[6];
	uint64_t n;
	int	 i;

	e[0] = mk(1, 100, 1, "[[\"t\",\"news\"]]", "Barricades on Abay avenue");
	e[1] = mk(2, 100, 1, "[[\"t\",\"news\"]]", "Internet is down in Almaty");
	e[2] = mk(3, 100, 1, "[]", "Bread queue at the market, almaty");
	e[3] = mk(1, 90, 1, "[[\"t\",\"help\"]]", "Need insulin near Abay");
	e[4] = mk(2, 110, 7, "[]", "+");
	e[5] = mk(3, 80, 1, "[[\"t\",\"news\"],[\"t\",\"help\"]]", "Café opens");
	for (i = 0; i < 6; i++)
		assert_int_equal(put(s, e[i]), ERR_OK);
	/* Newest first; equal created_at by lowest id. */
	assert_int_equal(query(s, "{\"kinds\":[1]}", &r, NOW), 5);
	for (i = 0; i + 1 < 3; i++)
		assert_true(strcmp(r.v[i] + 7, r.v[i + 1] + 7) < 0);
	assert_true(strstr(r.v[3], "insulin") != NULL);
	assert_int_equal(query(s, "{\"kinds\":[1],\"limit\":2}", &r, NOW), 2);
	assert_int_equal(query(s, "{\"limit\":0}", &r, NOW), 0);
	assert_int_equal(query(s, "{\"since\":100,\"until\":100}", &r, NOW), 3);
	/* Two filters: OR, each event once. */
	assert_int_equal(query(s, "[{\"#t\":[\"news\"]},{\"#t\":[\"help\"]}]",
	    &r, NOW), 4);
	assert_int_equal(query(s, "{\"#t\":[\"news\",\"help\"]}", &r, NOW), 4);
	assert_int_equal(query(s, "{\"#t\":[\"news\"],\"limit\":1}", &r, NOW), 1);
	assert_true(strstr(r.v[0], "news") != NULL);
	assert_int_equal(query(s, "{\"#t\":[\"news\"],\"kinds\":[1],\"until\":90}",
	    &r, NOW), 1);
	/* NIP-50: words, any case, diacritics folded; extensions ignored. */
	assert_int_equal(query(s, "{\"search\":\"almaty\"}", &r, NOW), 2);
	assert_int_equal(query(s, "{\"search\":\"ABAY insulin\"}", &r, NOW), 1);
	assert_int_equal(query(s, "{\"search\":\"cafe\"}", &r, NOW), 1);
	assert_int_equal(query(s, "{\"search\":\"almaty include:spam\"}", &r,
	    NOW), 2);
	assert_int_equal(query(s, "{\"search\":\"almaty\",\"#t\":[\"news\"]}",
	    &r, NOW), 1);
	/* A search among other filters: its best matches, then by time. */
	assert_int_equal(query(s, "[{\"search\":\"almaty\",\"limit\":1},"
	    "{\"kinds\":[7]},{\"#t\":[\"help\"]}]", &r, NOW), 4);
	assert_int_equal(query(s, "{\"search\":\"\\\"\\\" OR NEAR(\"}", &r,
	    NOW), 0);
	/* Non-ASCII punctuation splits words rather than making phrases. */
	assert_int_equal(query(s, "{\"search\":\"abay\\u2014avenue\"}", &r,
	    NOW), 1);
	assert_int_equal(query(s, "{\"search\":\"\\u00abalmaty\\u00bb \\u3001"
	    "\\ud83d\\ude00\"}", &r, NOW), 2);
	/* NIP-45. */
	assert_int_equal(filter_parse("{\"#t\":[\"news\"]}", 15, &f[0]), ERR_OK);
	assert_int_equal(filter_parse("{\"kinds\":[7]}", 13, &f[1]), ERR_OK);
	assert_int_equal(store_count(s, f, 2, NOW, &n), ERR_OK);
	assert_int_equal(n, 4);
	filter_free(&f[0]);
	filter_free(&f[1]);
	tu_rows_free(&r);
	for (i = 0; i < 6; i++)
		free(e[i]);
	store_close(s);
}

/*
 * A cursor's answer is cut at max_eid (what the relay delivered) and can
 * start after after_eid (live catch-up, every limit ignored).
 */
static void
test_cursor_range(void **state)
{
	struct store *s = open_fresh();
	struct tu_rows r = { .n = 0 };
	struct filter f;
	char	*e[30];
	size_t	 i;

	(void)state;
	for (i = 0; i < 30; i++) {
		e[i] = mk(1 + (int)(i % 3), 1000 + i % 7, i % 2 ? 1 : 7, "[]",
		    "range");
		assert_int_equal(put(s, e[i]), ERR_OK);
	}
	assert_int_equal(filter_parse("{\"kinds\":[1],\"limit\":3}", 23, &f),
	    ERR_OK);
	/* Rows 1..10 only (events 0..9): the odd ones, limit 3. */
	cursor_rows(s, &f, 1, NOW, 1, 0, 10, false, &r);
	assert_int_equal(r.n, 3);
	for (i = 0; i < r.n; i++) {
		size_t	 k;

		for (k = 0; k < 10 && strcmp(e[k], r.v[i]) != 0; k++)
			;
		assert_true(k < 10 && k % 2 == 1);
	}
	/* Rows 21..30, every match (all): five. */
	cursor_rows(s, &f, 1, NOW, 300, 20, 0, true, &r);
	assert_int_equal(r.n, 5);
	for (i = 0; i < r.n; i++) {
		size_t	 k;

		for (k = 20; k < 30 && strcmp(e[k], r.v[i]) != 0; k++)
			;
		assert_true(k < 30 && k % 2 == 1);
		if (i > 0)
			assert_true(strcmp(r.v[i - 1], r.v[i]) != 0);
	}
	filter_free(&f);
	tu_rows_free(&r);
	for (i = 0; i < 30; i++)
		free(e[i]);
	store_close(s);
}

/* --- differential: store_query versus filter_match ---------------------- */

#define DIFF_EVENTS	400
#define DIFF_FILTERS	400

struct devent {
	char		*json;
	struct event	 ev;
	void		*scratch;
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *words[] = { "alpha", "bravo", "charlie", "delta" };
static const uint32_t kinds[] = { 1, 7, 1111, 4000, 30023, 42 };
static const char *tvals[] = { "a", "b", "c", "dd" };

static int
cmp_desc(const void *a, const void *b)
{
	const struct devent *x = *(const struct devent *const *)a;
	const struct devent *y = *(const struct devent *const *)b;

	if (x->ev.created_at != y->ev.created_at)
		return x->ev.created_at > y->ev.created_at ? -1 : 1;
	return memcmp(x->ev.id, y->ev.id, 32);
}

static void
random_filter(struct buf *b, struct devent *evs, char pks[][65])
{
	int	 k = 0, i, n;

	buf_reset(b);
	buf_putc(b, '{');
#define SEP() do { if (k++) buf_putc(b, ','); } while (0)
	if (rnd(4) == 0) {
		SEP();
		buf_puts(b, "\"kinds\":[");
		n = 1 + rnd(3);
		for (i = 0; i < n; i++)
			buf_printf(b, "%s%u", i ? "," : "", kinds[rnd(6)]);
		buf_putc(b, ']');
	}
	if (rnd(4) == 0) {
		SEP();
		buf_puts(b, "\"authors\":[");
		n = 1 + rnd(2);
		for (i = 0; i < n; i++)
			buf_printf(b, "%s\"%s\"", i ? "," : "", pks[rnd(5)]);
		buf_putc(b, ']');
	}
	if (rnd(6) == 0) {
		SEP();
		buf_puts(b, "\"ids\":[");
		n = 1 + rnd(3);
		for (i = 0; i < n; i++) {
			char	 h[65];

			hex_encode(evs[rnd(DIFF_EVENTS)].ev.id, 32, h);
			buf_printf(b, "%s\"%s\"", i ? "," : "", h);
		}
		buf_putc(b, ']');
	}
	if (rnd(3) == 0) {
		SEP();
		buf_puts(b, "\"#t\":[");
		n = 1 + rnd(2);
		for (i = 0; i < n; i++)
			buf_printf(b, "%s\"%s\"", i ? "," : "", tvals[rnd(4)]);
		buf_putc(b, ']');
	}
	if (rnd(5) == 0) {
		char	 h[65];

		SEP();
		hex_encode(evs[rnd(DIFF_EVENTS)].ev.id, 32, h);
		buf_printf(b, "\"#e\":[\"%s\"]", h);
	}
	if (rnd(5) == 0) {
		SEP();
		buf_printf(b, "\"#p\":[\"%s\"]", pks[rnd(5)]);
	}
	if (rnd(3) == 0) {
		SEP();
		buf_printf(b, "\"since\":%u", 1000 + rnd(40));
	}
	if (rnd(3) == 0) {
		SEP();
		buf_printf(b, "\"until\":%u", 1000 + rnd(40));
	}
	if (rnd(2) == 0) {
		SEP();
		buf_printf(b, "\"limit\":%u", rnd(30));
	}
	buf_putc(b, '}');
#undef SEP
}

static void
test_differential(void **state)
{
	struct store *s = open_fresh();
	struct devent *evs = calloc(DIFF_EVENTS, sizeof(*evs));
	struct devent **match = calloc(DIFF_EVENTS, sizeof(*match));
	char	 pks[5][65];
	struct buf b, tmp;
	struct tu_rows r = { .n = 0 };
	int	 i, j, fi, nf, failures = 0;

	buf_init(&b, 0);
	buf_init(&tmp, 0);
	for (i = 0; i < 5; i++)
		memset(pks[i], 'a' + i, 64), pks[i][64] = '\0';
	/* Random regular events: unsigned; the store trusts its caller. */
	assert_int_equal(store_begin(s), ERR_OK);
	for (i = 0; i < DIFF_EVENTS; i++) {
		uint8_t	 id[32];
		int	 nt = (int)rnd(4);

		crypto_random(id, 32);
		buf_reset(&b);
		buf_puts(&b, "{\"id\":\"");
		buf_hex(&b, id, 32);
		buf_printf(&b, "\",\"pubkey\":\"%s\",\"created_at\":%u,"
		    "\"kind\":%u,\"tags\":[", pks[rnd(5)], 1000 + rnd(40),
		    kinds[rnd(4)]);
		for (j = 0; j < nt; j++) {
			if (j)
				buf_putc(&b, ',');
			switch (rnd(3)) {
			case 0:
				buf_printf(&b, "[\"t\",\"%s\"]", tvals[rnd(4)]);
				break;
			case 1:
				buf_printf(&b, "[\"p\",\"%s\",\"hint\"]",
				    pks[rnd(5)]);
				break;
			default:
				buf_puts(&b, "[\"e\",\"");
				if (i > 0)
					buf_hex(&b, evs[rnd((uint32_t)i)].ev.id, 32);
				else
					buf_hex(&b, id, 32);
				buf_puts(&b, "\"]");
			}
		}
		buf_printf(&b, "],\"content\":\"%s %s\",\"sig\":\"%0128d\"}",
		    words[rnd(4)], words[rnd(4)], 0);
		evs[i].json = strdup(b.p);
		evs[i].scratch = malloc(EVENT_SCRATCH(b.len));
		assert_int_equal(event_parse(evs[i].json, b.len, NULL,
		    &evs[i].ev, evs[i].scratch, EVENT_SCRATCH(b.len)), ERR_OK);
		assert_int_equal(store_put(s, &evs[i].ev, NOW), ERR_OK);
	}
	assert_int_equal(store_commit(s), ERR_OK);

	for (fi = 0; fi < DIFF_FILTERS; fi++) {
		struct filter f[2];
		size_t	 total = 0, lim_total = 0;
		uint64_t count;
		unsigned char seen[DIFF_EVENTS];

		nf = 1 + (int)rnd(2);
		memset(seen, 0, sizeof(seen));
		buf_reset(&tmp);
		buf_putc(&tmp, '[');
		for (j = 0; j < nf; j++) {
			size_t	 nm = 0, take;

			random_filter(&b, evs, pks);
			if (j)
				buf_putc(&tmp, ',');
			buf_append(&tmp, b.p, b.len);
			assert_int_equal(filter_parse(b.p, b.len, &f[j]), ERR_OK);
			for (i = 0; i < DIFF_EVENTS; i++)
				if (filter_match(&f[j], &evs[i].ev))
					match[nm++] = &evs[i];
			qsort(match, nm, sizeof(*match), cmp_desc);
			take = f[j].has_limit && f[j].limit < nm ?
			    f[j].limit : nm;
			for (i = 0; i < (int)nm; i++) {
				size_t	 idx = (size_t)(match[i] - evs);

				if (!seen[idx])
					total++;
				if (i < (int)take && !(seen[idx] & 2))
					lim_total++, seen[idx] |= 2;
				seen[idx] |= 1;
			}
		}
		buf_putc(&tmp, ']');
		/* Expected, in order: the limited union sorted newest first. */
		{
			size_t	 ne = 0;

			for (i = 0; i < DIFF_EVENTS; i++)
				if (seen[i] & 2)
					match[ne++] = &evs[i];
			qsort(match, ne, sizeof(*match), cmp_desc);
			query(s, tmp.p, &r, NOW);
			if (r.n != ne) {
				print_error("filter %s: store %zu, model %zu\n",
				    tmp.p, r.n, ne);
				failures++;
			} else {
				for (i = 0; i < (int)ne; i++)
					if (strcmp(r.v[i], match[i]->json) != 0) {
						print_error("filter %s: row %d "
						    "differs\n", tmp.p, i);
						failures++;
						break;
					}
			}
		}
		assert_int_equal(store_count(s, f, (size_t)nf, NOW, &count),
		    ERR_OK);
		if (count != total) {
			print_error("count %s: store %llu, model %zu\n", tmp.p,
			    (unsigned long long)count, total);
			failures++;
		}
		for (j = 0; j < nf; j++)
			filter_free(&f[j]);
		(void)lim_total;
	}
	assert_int_equal(failures, 0);
	tu_rows_free(&r);
	for (i = 0; i < DIFF_EVENTS; i++) {
		free(evs[i].json);
		free(evs[i].scratch);
	}
	free(evs);
	free(match);
	buf_free(&b);
	buf_free(&tmp);
	store_close(s);
}

static void
test_errors(void **state)
{
	struct store *s;
	char	 path[256];
	FILE	*f;

	/* A file that is not a database is reported, not crashed on. */
	snprintf(path, sizeof(path), "%s/garbage", dbdir);
	f = fopen(path, "w");
	fputs("this is not a database, it is a text file of some length....."
	    "..................................................", f);
	fclose(f);
	assert_int_equal(store_open(&s, path, 0), ERR_DB_CORRUPT);
	snprintf(path, sizeof(path), "%s/missing/dir/db", dbdir);
	assert_int_equal(store_open(&s, path, 0), ERR_IO);
	store_close(NULL);
}

/*
 * The checkpointer thread copies a writer's WAL into events.db while the
 * writer goes on: the database file grows although the writer, its own
 * checkpoints replaced by the hook, never copies a page itself.
 */
static void
test_checkpointer(void **state)
{
	struct store *s;
	struct store_ckpt *k;
	struct stat sb;
	char	 path[256], *json, content[3001];
	int	 i, tries;

	(void)state;
	snprintf(path, sizeof(path), "%s/db%d", dbdir, dbseq);
	s = open_fresh();
	assert_int_equal(store_ckpt_start(s, &k), ERR_OK);
	assert_non_null(k);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size < (1 << 20));
	memset(content, 'x', sizeof(content) - 1);
	content[sizeof(content) - 1] = '\0';
	/* 1,500 events of 3 KB: some 1,200 pages, in five commits. */
	for (i = 0; i < 1500; i++) {
		if (i % 300 == 0)
			assert_int_equal(store_begin(s), ERR_OK);
		content[0] = (char)('a' + i % 26);
		json = mk(1 + i % 9, NOW - 1500 + (uint64_t)i, 1, "[]", content);
		assert_int_equal(put(s, json), ERR_OK);
		free(json);
		if (i % 300 == 299)
			assert_int_equal(store_commit(s), ERR_OK);
	}
	for (tries = 0; tries < 200; tries++) {
		assert_int_equal(stat(path, &sb), 0);
		if (sb.st_size > (4 << 20))
			break;
		usleep(50000);
	}
	assert_true(sb.st_size > (4 << 20));
	store_ckpt_stop(k);
	store_ckpt_stop(NULL);
	store_close(s);
}

TU_TMPDIR_FIXTURE(dbdir)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicate_and_raw),
		cmocka_unit_test(test_replaceable),
		cmocka_unit_test(test_addressable_and_ephemeral),
		cmocka_unit_test(test_deletion),
		cmocka_unit_test(test_expiration),
		cmocka_unit_test(test_order_limit_search_count),
		cmocka_unit_test(test_cursor_range),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_checkpointer),
	};

	crypto_init();
	return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
