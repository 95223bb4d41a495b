/*
 * confdoc.c: prints samizdat.conf(5), generated from the key table in
 * src/core/config.h, to standard output.  man/samizdat.conf.5 is this output,
 * committed; test-config checks that they are the same.
 * Usage: confdoc > man/samizdat.conf.5.  Exit status: 0, or 1 if the page
 * could not be written.
 */
#include <stdio.h>

#include "buf.h"
#include "config.h"

int
main(void)
{
	struct buf b;

	buf_init(&b, 0);
	if (config_write_man(&b) == -1 ||
	    fwrite(b.p, 1, b.len, stdout) != b.len || fclose(stdout) == EOF) {
		perror("stdout");
		buf_free(&b);
		return 1;
	}
	buf_free(&b);
	return 0;
}
