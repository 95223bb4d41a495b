/*
 * test-archive.c: the archive's formats in core/archive.c: a manifest and
 * a proof written and read back field for field, hostile manifests
 * refused, the media references found in imeta tags, NIP-94 tags and
 * Blossom URLs, and JSON strings that cannot end the viewer's script.
 */
#include "testutil.h"

#include "archive.h"

static void
fill(struct manifest *m)
{
	uint8_t	 h[32];

	manifest_init(m);
	snprintf(m->software, sizeof(m->software), "samizdat 0.1.0");
	memset(m->node, 1, 32);
	m->created = 1767225600;
	m->filter = strdup("{\"kinds\":[1]}");
	snprintf(m->media, sizeof(m->media), "public");
	m->events = 5;
	m->reports = 4;
	m->marks = 1;
	m->custody = 5;
	m->stubs = 2;
	m->sources = 5;
	m->media_held = 1;
	m->media_missing = 1;
	m->have_time = true;
	m->t_first = 100;
	m->t_last = 200;
	m->have_custody = true;
	m->c_first = 3;
	m->c_last = 9;
	memset(m->c_start, 2, 32);
	memset(m->c_head, 3, 32);
	memset(m->root, 4, 32);
	m->leaves = 16;
	memset(h, 5, 32);
	assert_int_equal(manifest_add_file(m, "events.jsonl", 10, h), ERR_OK);
	assert_int_equal(manifest_add_file(m, "media/0505", 7, h), ERR_OK);
}

static void
test_manifest_roundtrip(void **state)
{
	struct manifest m, back;
	struct buf b, b2;

	fill(&m);
	buf_init(&b, 0);
	buf_init(&b2, 0);
	manifest_write(&m, &b);
	assert_false(b.err);
	assert_int_equal(manifest_parse(b.p, b.len, &back), ERR_OK);
	assert_string_equal(back.filter, m.filter);
	assert_int_equal(back.nfiles, 2);
	assert_string_equal(back.files[1].name, "media/0505");
	manifest_write(&back, &b2);
	assert_string_equal(b.p, b2.p);
	manifest_free(&back);
	m.sealed = true;
	memset(m.for_pk, 9, 32);
	free(m.filter);
	m.filter = NULL;
	m.have_custody = false;
	m.have_time = false;
	buf_reset(&b);
	buf_reset(&b2);
	manifest_write(&m, &b);
	assert_int_equal(manifest_parse(b.p, b.len, &back), ERR_OK);
	assert_true(back.sealed);
	assert_null(back.filter);
	manifest_write(&back, &b2);
	assert_string_equal(b.p, b2.p);
	manifest_free(&back);
	manifest_free(&m);
	buf_free(&b);
	buf_free(&b2);
}

static void
test_manifest_refused(void **state)
{
	struct manifest m, back;
	struct buf b;
	char	*p;
	static const char *bad[] = {
		"", "[]", "{\"format\":\"samizdat-archive\",\"v\":2}",
		"{\"format\":\"other\",\"v\":1}",
	};
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(manifest_parse(bad[i], strlen(bad[i]), &back),
		    ERR_ARCHIVE);
	fill(&m);
	buf_init(&b, 0);
	manifest_write(&m, &b);
	/* A file name that climbs out. */
	p = strstr(b.p, "media/0505");
	memcpy(p, "../../etc/", 10);
	assert_int_equal(manifest_parse(b.p, b.len, &back), ERR_ARCHIVE);
	buf_reset(&b);
	manifest_write(&m, &b);
	/* A duplicate key. */
	p = strstr(b.p, "\"created\"");
	memcpy(p, "\"node\":\"x\"", 10);
	assert_int_equal(manifest_parse(b.p, b.len, &back), ERR_ARCHIVE);
	buf_reset(&b);
	manifest_write(&m, &b);
	/* A negative count. */
	p = strstr(b.p, "\"events\":5");
	p[9] = '-';
	assert_int_equal(manifest_parse(b.p, b.len, &back), ERR_ARCHIVE);
	manifest_free(&m);
	buf_free(&b);
}

static void
test_proof_roundtrip(void **state)
{
	struct proof p, back;
	struct proof_item it;
	struct buf b, b2;

	proof_init(&p);
	memset(p.id, 1, 32);
	memset(p.root, 2, 32);
	p.leaves = 100;
	memset(&it, 0, sizeof(it));
	snprintf(it.file, sizeof(it.file), "events.jsonl");
	it.line = 3;
	it.type = MERKLE_EVENT;
	it.leaf = 2;
	it.npath = 7;
	memset(it.path, 7, sizeof(it.path));
	assert_int_equal(proof_add(&p, &it), ERR_OK);
	snprintf(it.file, sizeof(it.file), "media/ab");
	it.line = 0;
	it.type = MERKLE_MEDIA;
	it.leaf = 99;
	it.npath = 0;
	assert_int_equal(proof_add(&p, &it), ERR_OK);
	buf_init(&b, 0);
	buf_init(&b2, 0);
	proof_write(&p, &b);
	assert_int_equal(proof_parse(b.p, b.len, &back), ERR_OK);
	assert_int_equal(back.nitems, 2);
	assert_int_equal(back.items[0].npath, 7);
	assert_int_equal(back.items[1].type, MERKLE_MEDIA);
	proof_write(&back, &b2);
	assert_string_equal(b.p, b2.p);
	proof_free(&back);
	/* A leaf past the tree is refused. */
	p.leaves = 50;
	buf_reset(&b);
	proof_write(&p, &b);
	assert_int_equal(proof_parse(b.p, b.len, &back), ERR_ARCHIVE);
	proof_free(&p);
	buf_free(&b);
	buf_free(&b2);
}

static const char ev_tpl[] =
    "{\"id\":\"0000000000000000000000000000000000000000000000000000000000000000\","
    "\"pubkey\":\"0000000000000000000000000000000000000000000000000000000000000000\","
    "\"created_at\":1,\"kind\":1,\"tags\":[[\"imeta\",\"url https://b.example/"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.jpg\","
    "\"m image/jpeg\",\"x aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
    "\"ox bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\","
    "\"thumb http://n/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc.webp\"],"
    "[\"x\",\"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\"],"
    "[\"e\",\"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\"]],"
    "\"content\":\"see https://b.example/ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
    " and /9999999999999999999999999999999999999999999999999999999999999999x\","
    "\"sig\":\"00000000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000\"}";

static void
test_refs(void **state)
{
	static char scratch[EVENT_SCRATCH(sizeof(ev_tpl))];
	struct archive_ref refs[ARCHIVE_MAX_REFS];
	struct event ev;
	size_t	 n, i;
	char	 hx[65];
	const char *want[] = { "aa:public", "bb:original", "cc:public",
	    "dd:public", "ff:public" };

	assert_int_equal(event_parse(ev_tpl, sizeof(ev_tpl) - 1, NULL, &ev,
	    scratch, sizeof(scratch)), ERR_OK);
	n = archive_refs(&ev, refs, ARCHIVE_MAX_REFS);
	assert_int_equal(n, 5);
	for (i = 0; i < n; i++) {
		char	 got[32];

		hex_encode(refs[i].sha256, 32, hx);
		snprintf(got, sizeof(got), "%.2s:%s", hx,
		    archive_role_name(refs[i].role));
		assert_string_equal(got, want[i]);
	}
	assert_int_equal(archive_refs(&ev, refs, 2), 2);
}

static void
test_html(void **state)
{
	struct buf b;

	buf_init(&b, 0);
	archive_html_str(&b, "</script><!--&\"\n", 16);
	assert_string_equal(b.p,
	    "\"\\u003c/script\\u003e\\u003c!--\\u0026\\\"\\n\"");
	buf_reset(&b);
	archive_html_json(&b, "{\"a\":\"<b>\"}", 11);
	assert_string_equal(b.p, "{\"a\":\"\\u003cb\\u003e\"}");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_roundtrip),
		cmocka_unit_test(test_manifest_refused),
		cmocka_unit_test(test_proof_roundtrip),
		cmocka_unit_test(test_refs),
		cmocka_unit_test(test_html),
	};

	return cmocka_run_group_tests_name("archive", tests, NULL, NULL);
}
