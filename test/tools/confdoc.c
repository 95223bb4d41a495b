/*
 * confdoc.c: prints samizdat.conf(5), generated from the key table in
 * src/config.h, to standard output.  man/samizdat.conf.5 is this output,
 * committed; test-config checks that they are the same.
 * Usage: confdoc > man/samizdat.conf.5.  Exit status: 0, or 1 if the page
 * could not be written.
 */
#include <stdio.h>

#include "config.h"

int
main(void)
{
	if (config_write_man(stdout) == -1 || fclose(stdout) == EOF) {
		perror("stdout");
		return 1;
	}
	return 0;
}
