/*
 * disk.h: how much room the file system of a path has left (statvfs),
 * for the store's disk reserve (store/guard.c).  Space a non-root
 * process may use is what counts: the blocks kept for root are not ours.
 */
#ifndef SAMIZDAT_DISK_H
#define SAMIZDAT_DISK_H

#include <stdint.h>

#include "err.h"

/*
 * Bytes available to an unprivileged writer (*avail) and the file
 * system's size (*total) for the one path is on.
 * Returns: ERR_OK, or ERR_IO (logged with the reason).
 */
enum err	disk_space(const char *path, uint64_t *avail, uint64_t *total);

#endif
