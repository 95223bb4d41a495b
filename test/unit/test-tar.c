/*
 * test-tar.c: ustar headers (tar.c): what tar_header writes, GNU tar
 * reads (when tar(1) is installed, checked in test/e2e) and tar_parse
 * reads back; long names split at a slash; sizes past 8 GiB in base-256;
 * and the names and types a hostile tar could use are refused.
 */
#include "testutil.h"

#include "tar.h"

static void
test_roundtrip(void **state)
{
	uint8_t	 b[TAR_BLOCK];
	struct tar_entry e;
	char	 name[TAR_NAME_MAX + 1];
	bool	 end;

	assert_int_equal(tar_header("a/events.jsonl", TAR_FILE, 12345,
	    1767225600, b), ERR_OK);
	assert_int_equal(tar_parse(b, &e, &end), ERR_OK);
	assert_false(end);
	assert_string_equal(e.name, "a/events.jsonl");
	assert_int_equal(e.size, 12345);
	assert_int_equal(e.mtime, 1767225600);
	assert_int_equal(e.type, TAR_FILE);
	assert_int_equal(tar_header("a/media/", TAR_DIR, 0, 0, b), ERR_OK);
	assert_int_equal(tar_parse(b, &e, &end), ERR_OK);
	assert_int_equal(e.type, TAR_DIR);
	/* Base-256 size. */
	assert_int_equal(tar_header("big", TAR_FILE, 1ull << 35, 0, b), ERR_OK);
	assert_int_equal(b[124], 0x80);
	assert_int_equal(tar_parse(b, &e, &end), ERR_OK);
	assert_int_equal(e.size, 1ull << 35);
	/* A long name goes into prefix + name. */
	memset(name, 'x', 150);
	name[150] = '/';
	memset(name + 151, 'y', 80);
	name[231] = '\0';
	assert_int_equal(tar_header(name, TAR_FILE, 1, 0, b), ERR_OK);
	assert_int_equal(tar_parse(b, &e, &end), ERR_OK);
	assert_string_equal(e.name, name);
	memset(name, 'z', 200);
	name[200] = '\0';
	assert_int_equal(tar_header(name, TAR_FILE, 1, 0, b), ERR_ARCHIVE);
	memset(b, 0, sizeof(b));
	assert_int_equal(tar_parse(b, &e, &end), ERR_OK);
	assert_true(end);
	assert_int_equal(tar_pad(0), 0);
	assert_int_equal(tar_pad(1), 511);
	assert_int_equal(tar_pad(512), 0);
}

static void
test_refused(void **state)
{
	uint8_t	 b[TAR_BLOCK];
	struct tar_entry e;
	bool	 end;
	unsigned sum = 0;
	size_t	 i;
	static const char *names[] = { "/etc/passwd", "../x", "a/../b", "a//b",
	    "./a", "a/.", "", "a\nb" };

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_false(tar_name_ok(names[i]));
	assert_true(tar_name_ok("a/b.c"));
	assert_true(tar_name_ok("a/"));
	assert_true(tar_name_ok("..a/b.."));
	/* A symlink: refused even with a good checksum. */
	assert_int_equal(tar_header("link", TAR_FILE, 0, 0, b), ERR_OK);
	b[156] = '2';
	memset(b + 148, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	assert_int_equal(tar_parse(b, &e, &end), ERR_ARCHIVE);
	b[156] = '0';
	assert_int_equal(tar_parse(b, &e, &end), ERR_ARCHIVE);	/* checksum */
	/* A name with "..": written by hand, refused on reading. */
	assert_int_equal(tar_header("aa/b", TAR_FILE, 0, 0, b), ERR_OK);
	memcpy(b, "../b", 4);
	sum = 0;
	memset(b + 148, ' ', 8);
	for (i = 0; i < TAR_BLOCK; i++)
		sum += b[i];
	snprintf((char *)b + 148, 8, "%06o", sum);
	assert_int_equal(tar_parse(b, &e, &end), ERR_ARCHIVE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("tar", tests, NULL, NULL);
}
