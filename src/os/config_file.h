/*
 * config_file.h: reading samizdat.conf from the data dir; the parser
 * itself is pure and lives in core/config.c.
 */
#ifndef SAMIZDAT_CONFIG_FILE_H
#define SAMIZDAT_CONFIG_FILE_H

#include <stddef.h>

#include "config.h"

/*
 * Reads path and parses it with config_load_buf.  A missing file is not
 * an error: cfg gets the defaults.  An unreadable file, or one larger than
 * CONFIG_FILE_MAX, is ("path: reason").
 * Returns: 0 with cfg written; -1 with errbuf set and cfg untouched.
 */
int	config_load(struct config *cfg, const char *path, char *errbuf,
	    size_t errsz);

#endif
