/*
 * config_file.c: config_load (config_file.h), the one place that reads
 * samizdat.conf from disk; everything else about the file is the pure
 * parser of core/config.c.  Callers: cmd_serve.c, test/unit/test-config.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_file.h"

int
config_load(struct config *cfg, const char *path, char *errbuf, size_t errsz)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 n;
	int	 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT) {
			config_defaults(cfg);
			return 0;
		}
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* One byte more than allowed, to tell "too large" from "full". */
	if ((buf = malloc(CONFIG_FILE_MAX + 1)) == NULL) {
		snprintf(errbuf, errsz, "%s: out of memory", path);
		goto done;
	}
	n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f)) {
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (n > CONFIG_FILE_MAX) {
		snprintf(errbuf, errsz, "%s: file is larger than %u bytes", path,
		    CONFIG_FILE_MAX);
		goto done;
	}
	rc = config_load_buf(cfg, buf, n, path, errbuf, errsz);
 done:
	free(buf);
	fclose(f);		/* read only: nothing to lose */
	return rc;
}
