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

#endif
