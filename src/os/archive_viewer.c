/*
 * archive_viewer.c: index.html of an archive, the offline viewer
 * (web/src/viewer/, docs/archive.md) with the archive's data in two JSON
 * blocks where the page has its <!--ARCHIVE-DATA--> slot: the manifest
 * event, the events, custody lines, source lines and media lines as
 * strings exactly as in their files (so the page hashes the same bytes),
 * and the gazetteer for place names.  A page that would hold more than
 * max events holds the first max and says it is truncated: the page then
 * checks what it holds, and `samizdat archive verify` the whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "archive_io.h"
#include "archive_verify.h"
#include "http.h"

#define SLOT	"<!--ARCHIVE-DATA-->"

/* Appends the lines of name as a JSON array of strings, at most max. */
static int
lines(struct asrc *s, const char *name, uint64_t max, struct afile *f,
    uint64_t *taken, uint64_t *last_seq)
{
	struct ardr *r;
	struct buf line, out;
	uint64_t n = 0;
	int	 rc = 0;

	if (afile_write(f, "[", 1) != 0)
		return -1;
	if (asrc_find(s, name) < 0 || ardr_open(s, name, &r) != ERR_OK)
		return afile_write(f, "]", 1);
	buf_init(&line, 0);
	buf_init(&out, 0);
	while (n < max && ardr_line(r, &line) == 1) {
		/* Custody and sources: up to the seq of the last event shown. */
		if (last_seq != NULL && line.len > 7 &&
		    memcmp(line.p, "{\"seq\":", 7) == 0) {
			uint64_t seq = strtoull(line.p + 7, NULL, 10);

			if (*last_seq != 0 && seq > *last_seq)
				break;
		}
		buf_reset(&out);
		if (n > 0)
			buf_putc(&out, ',');
		archive_html_str(&out, line.p, line.len);
		if (out.err || afile_write(f, out.p, out.len) != 0) {
			rc = -1;
			break;
		}
		n++;
	}
	*taken = n;
	buf_free(&line);
	buf_free(&out);
	ardr_close(r);
	if (rc == 0 && afile_write(f, "]", 1) != 0)
		rc = -1;
	return rc;
}

/* The seq of the custody line of the n-th full line (n from 1). */
static uint64_t
seq_of_full(struct asrc *s, uint64_t n)
{
	struct ardr *r;
	struct buf line;
	uint64_t k = 0, seq = 0;

	if (ardr_open(s, ARCHIVE_CUSTODY, &r) != ERR_OK)
		return 0;
	buf_init(&line, 0);
	while (k < n && ardr_line(r, &line) == 1) {
		if (memmem(line.p, line.len, "\"digest\":", 9) != NULL)
			continue;
		k++;
		seq = strtoull(line.p + 7, NULL, 10);
	}
	buf_free(&line);
	ardr_close(r);
	return seq;
}

int
archive_viewer_write(const char *dir, const char *manifest, size_t mlen,
    size_t max, char *err, size_t errsz)
{
	struct asrc *s = NULL;
	enum asrc_kind kind;
	struct afile f;
	struct buf b;
	char	*page = NULL, *places = NULL, *slot, path[8192];
	const char *gz;
	size_t	 gzlen, plen, pllen;
	uint64_t nev = 0, cut = 0, got;
	uint8_t	 sha[32];
	bool	 truncated;
	int	 rc = -1;
	ssize_t	 i;

	buf_init(&b, 0);
	gz = http_viewer_gz(&gzlen);
	if ((page = http_inflate(gz, gzlen, &plen)) == NULL ||
	    (slot = strstr(page, SLOT)) == NULL) {
		snprintf(err, errsz, "the viewer page is not in this build");
		goto done;
	}
	gz = http_places_gz(&gzlen);
	places = http_inflate(gz, gzlen, &pllen);
	if (asrc_open(&s, dir, &kind, err, errsz) != ERR_OK)
		goto done;
	/* How many events: the count of lines, known from the walk's file. */
	if ((i = asrc_find(s, ARCHIVE_EVENTS)) >= 0) {
		struct ardr *r;
		struct buf line;

		buf_init(&line, 0);
		if (ardr_open(s, ARCHIVE_EVENTS, &r) == ERR_OK) {
			while (ardr_line(r, &line) == 1)
				nev++;
			ardr_close(r);
		}
		buf_free(&line);
	}
	truncated = nev > max;
	if (truncated)
		cut = seq_of_full(s, max);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	if (afile_open(&f, path) != 0) {
		snprintf(err, errsz, "cannot write index.html");
		goto done;
	}
	afile_write(&f, page, (size_t)(slot - page));
	buf_puts(&b, "<script type=\"application/json\" id=\"archive-data\">"
	    "{\"manifest\":");
	archive_html_str(&b, manifest, mlen);
	buf_printf(&b, ",\"truncated\":%s,\"events\":", truncated ? "true" :
	    "false");
	afile_write(&f, b.p, b.len);
	lines(s, ARCHIVE_EVENTS, truncated ? max : UINT64_MAX, &f, &got, NULL);
	afile_write(&f, ",\"custody\":", 11);
	lines(s, ARCHIVE_CUSTODY, UINT64_MAX, &f, &got, &cut);
	afile_write(&f, ",\"sources\":", 11);
	lines(s, ARCHIVE_SOURCES, UINT64_MAX, &f, &got, &cut);
	afile_write(&f, ",\"media\":", 9);
	lines(s, ARCHIVE_MEDIA_LIST, UINT64_MAX, &f, &got, NULL);
	afile_write(&f, "}</script>", 10);
	if (places != NULL) {
		buf_reset(&b);
		buf_puts(&b, "<script type=\"application/json\" "
		    "id=\"archive-places\">");
		archive_html_json(&b, places, pllen);
		buf_puts(&b, "</script>");
		afile_write(&f, b.p, b.len);
	}
	afile_write(&f, slot + strlen(SLOT), plen - (size_t)(slot - page) -
	    strlen(SLOT));
	if (b.err || afile_close(&f, sha) != 0) {
		snprintf(err, errsz, "writing index.html failed");
		goto done;
	}
	rc = 0;
done:
	asrc_close(s);
	buf_free(&b);
	free(page);
	free(places);
	return rc;
}
