/*
 * test-blobref.c: which blobs an event references (core/blobref.c) and
 * the BUD-11 rules and NIP-92 imeta of core/blossom.c, as docs/blobs.md
 * states them.
 */
#include "testutil.h"

#include "blobref.h"
#include "blossom.h"
#include "event.h"

#define NOW	1800000000ULL
#define HA	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HB	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HC	"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HD	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
#define Z64	"0000000000000000000000000000000000000000000000000000000000000000"

static char scratch[EVENT_SCRATCH(8192)];

/* Parses an event of kind, tags and content (id and sig are not checked). */
static void
parse(struct event *ev, const char *json)
{
	assert_int_equal(event_parse(json, strlen(json), NULL, ev, scratch,
	    sizeof(scratch)), ERR_OK);
}

static void
mkjson(char *out, size_t sz, uint32_t kind, uint64_t at, const char *tags,
    const char *content)
{
	snprintf(out, sz, "{\"id\":\"" Z64 "\",\"pubkey\":\"" Z64 "\","
	    "\"created_at\":%llu,\"kind\":%u,\"tags\":%s,\"content\":\"%s\","
	    "\"sig\":\"" Z64 Z64 "\"}", (unsigned long long)at, kind, tags,
	    content);
}

static void
test_extract(void **state)
{
	struct blobref r[BLOBREF_MAX];
	struct event ev;
	char	 j[4096];
	size_t	 n;

	/* imeta: x and url name the public copy, thumb first, ox never. */
	mkjson(j, sizeof(j), 1, NOW, "[[\"imeta\",\"url https://b.example/"
	    HA ".jpg\",\"x " HA "\",\"ox " HC "\",\"thumb http://n:4848/" HB
	    ".jpg\"]]", "look https://b.example/" HD ".mp4 and nevent1x and "
	    "https://b.example/" HC " (no extension) and " HA ".jpg");
	parse(&ev, j);
	n = blobref_extract(&ev, r, BLOBREF_MAX);
	assert_int_equal(n, 3);
	assert_int_equal(r[0].role, BLOB_THUMB);
	assert_int_equal(r[0].hash[0], 0xbb);
	assert_int_equal(r[1].role, BLOB_PUBLIC);
	assert_int_equal(r[1].hash[0], 0xaa);
	assert_int_equal(r[2].role, BLOB_PUBLIC);
	assert_int_equal(r[2].hash[0], 0xdd);
	/* max is respected. */
	assert_int_equal(blobref_extract(&ev, r, 1), 1);
	assert_int_equal(r[0].hash[0], 0xbb);
	/* No media: nothing. */
	mkjson(j, sizeof(j), 1, NOW, "[[\"e\",\"" HA "\"]]", "hello " HA);
	parse(&ev, j);
	assert_int_equal(blobref_extract(&ev, r, BLOBREF_MAX), 0);
	/* Uppercase hex is not a Blossom name. */
	mkjson(j, sizeof(j), 1, NOW, "[[\"imeta\",\"x AAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"]]", "");
	parse(&ev, j);
	assert_int_equal(blobref_extract(&ev, r, BLOBREF_MAX), 0);
}

static void
test_url_hash(void **state)
{
	uint8_t	 h[32];
	const char *u;

	u = "https://b.example/dir/" HA ".jpg?size=1#x";
	assert_true(blobref_url_hash(u, strlen(u), true, h));
	assert_int_equal(h[31], 0xaa);
	u = "https://b.example/" HA;
	assert_false(blobref_url_hash(u, strlen(u), true, h));
	assert_true(blobref_url_hash(u, strlen(u), false, h));
	u = "https://b.example/" HA "a.jpg";
	assert_false(blobref_url_hash(u, strlen(u), false, h));
	u = "https://b.example/" HA ".j/pg";
	assert_false(blobref_url_hash(u, strlen(u), false, h));
	assert_true(blossom_path_hash("/" HA ".mp4", h));
	assert_false(blossom_path_hash("/" HA "/../x", h));
	assert_false(blossom_path_hash("/../" HA, h));
}

static void
test_auth_rules(void **state)
{
	struct blossom_auth a;
	struct event ev;
	char	 j[4096];
	uint8_t	 h[32];

	memset(h, 0xaa, 32);
	mkjson(j, sizeof(j), 24242, NOW, "[[\"t\",\"upload\"],[\"x\",\"" HA
	    "\"],[\"expiration\",\"1800000600\"],[\"server\",\"10.0.0.5\"]]",
	    "Upload");
	parse(&ev, j);
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_UPLOAD,
	    "10.0.0.5:4848", NOW, &a), ERR_OK);
	assert_true(blossom_auth_names(&a, h));
	h[0] = 0xbb;
	assert_false(blossom_auth_names(&a, h));
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_DELETE,
	    "10.0.0.5", NOW, &a), ERR_BLOB_AUTH_VERB);
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_UPLOAD,
	    "192.168.1.1:4848", NOW, &a), ERR_BLOB_AUTH_SERVER);
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_UPLOAD,
	    "10.0.0.5", NOW + 601, &a), ERR_EXPIRED);
	/* Dated ahead: within the phones' drift, and past it. */
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_UPLOAD,
	    "10.0.0.5", NOW - BLOSSOM_AUTH_SKEW, &a), ERR_OK);
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_UPLOAD,
	    "10.0.0.5", NOW - BLOSSOM_AUTH_SKEW - 1, &a), ERR_BLOB_AUTH_FUTURE);
	mkjson(j, sizeof(j), 24242, NOW, "[[\"t\",\"upload\"]]", "");
	parse(&ev, j);
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_UPLOAD, "h", NOW,
	    &a), ERR_BLOB_AUTH_NO_EXPIRY);
	mkjson(j, sizeof(j), 1, NOW, "[[\"t\",\"upload\"],[\"expiration\","
	    "\"1800000600\"]]", "");
	parse(&ev, j);
	assert_int_equal(blossom_auth_rules(&ev, BLOSSOM_UPLOAD, "h", NOW,
	    &a), ERR_BLOB_AUTH_KIND);
}

static void
test_imeta(void **state)
{
	char	 f[BLOSSOM_IMETA_FIELDS][BLOSSOM_IMETA_LEN];
	struct blossom_imeta m;
	uint8_t	 ox[32];
	size_t	 n;

	memset(&m, 0, sizeof(m));
	memset(m.x, 0xaa, 32);
	memset(ox, 0xcc, 32);
	m.url = "https://b.example/" HA ".jpg";
	m.type = MEDIA_JPEG;
	m.ox = ox;
	m.size = 312345;
	m.width = 1600;
	m.height = 1200;
	m.alt = "Police line at the bridge";
	n = blossom_imeta(&m, f);
	assert_int_equal(n, 7);
	assert_string_equal(f[0], "url https://b.example/" HA ".jpg");
	assert_string_equal(f[1], "m image/jpeg");
	assert_string_equal(f[2], "x " HA);
	assert_string_equal(f[3], "ox " HC);
	assert_string_equal(f[4], "size 312345");
	assert_string_equal(f[5], "dim 1600x1200");
	assert_string_equal(f[6], "alt Police line at the bridge");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_url_hash),
		cmocka_unit_test(test_auth_rules),
		cmocka_unit_test(test_imeta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
