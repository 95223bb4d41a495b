/*
 * tar.h: the POSIX ustar headers of an archive in one .tar file, written
 * and read here only.  An archive needs regular files and directories and
 * nothing else, so the reader refuses every other type (links above all),
 * and any name that is absolute, climbs with "..", or has empty or "."
 * parts: extracting a hostile tar can never write outside its directory.
 * Sizes past 8 GiB use the base-256 form GNU tar and libarchive read.
 * Pure.
 */
#ifndef SAMIZDAT_TAR_H
#define SAMIZDAT_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TAR_BLOCK	512
#define TAR_NAME_MAX	255	/* prefix (155) + '/' + name (100) */

enum tar_type { TAR_FILE, TAR_DIR };

struct tar_entry {
	char		 name[TAR_NAME_MAX + 1];
	enum tar_type	 type;
	uint64_t	 size;
	uint64_t	 mtime;
};

/*
 * Fills one header block.  Returns: ERR_OK, or ERR_ARCHIVE if the name
 * cannot be stored (too long, or no split into prefix and name fits).
 */
enum err	tar_header(const char *name, enum tar_type, uint64_t size,
		    uint64_t mtime, uint8_t block[TAR_BLOCK]);
/*
 * Reads one header block.  Returns: ERR_OK and *e, ERR_ARCHIVE (not a
 * ustar header, bad checksum, a type or name we refuse), or ERR_OK with
 * *end set for an all-zero block (the end marker).
 */
enum err	tar_parse(const uint8_t block[TAR_BLOCK], struct tar_entry *e,
		    bool *end);
/* Bytes of padding after a file of size bytes. */
size_t		tar_pad(uint64_t size);
/* True if name is relative, without "..", "." or empty parts. */
bool		tar_name_ok(const char *name);

#endif
