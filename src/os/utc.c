/*
 * utc.c: times for listings (utc.h).
 */
#include <time.h>

#include "utc.h"

char *
utc_text(char *out, size_t sz, int64_t t, bool seconds)
{
	time_t	 tt = (time_t)t;
	struct tm tm;

	if (sz == 0)
		return out;
	out[0] = '\0';
	if (gmtime_r(&tt, &tm) != NULL && strftime(out, sz, seconds ?
	    "%Y-%m-%d %H:%M:%SZ" : "%Y-%m-%d %H:%MZ", &tm) == 0)
		out[0] = '\0';
	return out;
}
