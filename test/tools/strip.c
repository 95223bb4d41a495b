/*
 * strip.c: media_strip on one file, for making and checking the committed
 * stripped samples (the .stripped files of test/media/, which web/test compares
 * with the browser's stripper) and for trying a file by hand.
 * Usage: strip IN OUT.  Prints the type, the dimensions and what was
 * removed.  Exit status: 0, or 1 with the reason when the file is
 * refused or cannot be read or written.
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "err.h"
#include "media.h"

#define STRIP_MAX	(256u << 20)

int
main(int argc, char *argv[])
{
	struct media_info info;
	struct buf	 in, out, words;
	FILE		*f;
	char		 chunk[65536], reason[256];
	size_t		 k;
	enum err	 rc;
	int		 ret = 1;

	buf_init(&in, STRIP_MAX);
	buf_init(&out, STRIP_MAX);
	buf_init(&words, 0);
	if (argc != 3) {
		fprintf(stderr, "usage: strip IN OUT\n");
		goto done;
	}
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		goto done;
	}
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&in, chunk, k);
	if (ferror(f) || in.err) {
		fprintf(stderr, "%s: cannot read\n", argv[1]);
		fclose(f);
		goto done;
	}
	fclose(f);
	if ((rc = media_strip((const uint8_t *)in.p, in.len, STRIP_MAX, &out,
	    &info)) != ERR_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], err_reason_detail(rc,
		    info.detail, reason, sizeof(reason)));
		goto done;
	}
	media_removed_write(&info, &words);
	printf("%s: %s %ux%u, %zu -> %zu bytes; removed: %s\n", argv[1],
	    media_mime(info.type), info.width, info.height, in.len, out.len,
	    words.len > 0 ? words.p : "nothing");
	if ((f = fopen(argv[2], "wb")) == NULL) {
		perror(argv[2]);
		goto done;
	}
	if (fwrite(out.p, 1, out.len, f) != out.len) {
		perror(argv[2]);
		fclose(f);
		goto done;
	}
	if (fclose(f) == EOF) {
		perror(argv[2]);
		goto done;
	}
	ret = 0;
done:
	buf_free(&in);
	buf_free(&out);
	buf_free(&words);
	return ret;
}
