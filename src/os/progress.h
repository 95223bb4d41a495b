/*
 * progress.h: one status line on a terminal for long operations (import,
 * export, sync), redrawn at most a few times a second; silent when stderr
 * is not a terminal, so logs and pipes stay clean.
 */
#ifndef SAMIZDAT_PROGRESS_H
#define SAMIZDAT_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	bool		 tty;
	int64_t		 start_ns;
	int64_t		 last_ns;
	bool		 drawn;
};

void	progress_init(struct progress *);
/* Redraws "what: n unit (rate/s) extra" if enough time has passed. */
void	progress_update(struct progress *, const char *what, uint64_t n,
	    const char *unit, const char *extra);
/* Clears the line. */
void	progress_end(struct progress *);
/* Seconds since progress_init. */
double	progress_elapsed(const struct progress *);

#endif
