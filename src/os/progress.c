/*
 * progress.c: the terminal status line of progress.h.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static int64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void
progress_init(struct progress *p)
{
	p->tty = isatty(STDERR_FILENO) == 1;
	p->start_ns = p->last_ns = mono_ns();
	p->drawn = false;
}

void
progress_update(struct progress *p, const char *what, uint64_t n,
    const char *unit, const char *extra)
{
	int64_t	 t;
	double	 secs;

	if (!p->tty)
		return;
	t = mono_ns();
	if (t - p->last_ns < 250000000LL)
		return;
	p->last_ns = t;
	secs = (double)(t - p->start_ns) / 1e9;
	fprintf(stderr, "\r\033[K%s: %llu %s (%.0f/s)%s%s", what,
	    (unsigned long long)n, unit, secs > 0 ? (double)n / secs : 0.0,
	    extra ? ", " : "", extra ? extra : "");
	fflush(stderr);
	p->drawn = true;
}

void
progress_end(struct progress *p)
{
	if (p->tty && p->drawn) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->drawn = false;
}

double
progress_elapsed(const struct progress *p)
{
	return (double)(mono_ns() - p->start_ns) / 1e9;
}
