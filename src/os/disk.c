/*
 * disk.c: disk_space of disk.h, with statvfs(3).
 */
#include <sys/statvfs.h>

#include "disk.h"
#include "log.h"

enum err
disk_space(const char *path, uint64_t *avail, uint64_t *total)
{
	struct statvfs sv;

	if (statvfs(path, &sv) != 0) {
		log_warn("statvfs %s", path);
		return ERR_IO;
	}
	*avail = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	*total = (uint64_t)sv.f_blocks * (uint64_t)sv.f_frsize;
	return ERR_OK;
}
