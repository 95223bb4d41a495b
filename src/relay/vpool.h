/*
 * vpool.h: a pool of threads that verify signatures for the relay, so
 * that the one event loop spends its time on sockets and the store while
 * the costly BIP-340 checks use the other cores.  Jobs complete in the
 * order they were submitted.
 */
#ifndef SAMIZDAT_VPOOL_H
#define SAMIZDAT_VPOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "ingest.h"

struct vpool;

/*
 * A job: the loop parses the event into it (ev borrows json and ctx),
 * a worker sets e to ingest_verify's answer.
 */
struct vjob {
	uint64_t	 conn;
	char		*json;		/* owned copy of the event's bytes */
	size_t		 len, cap;
	struct ingest_ctx ctx;
	struct event	 ev;
	enum err	 e;
};

/*
 * Starts nthreads workers; wake(arg) is called from a worker when a job
 * is done (it must be safe from another thread).  Returns: ERR_OK or
 * ERR_NOMEM.
 */
enum err	vpool_new(struct vpool **, int nthreads, void (*wake)(void *),
		    void *arg);
void		vpool_free(struct vpool *);	/* waits for the workers */
/* A job to fill, or NULL when the pool is full (verify inline then). */
struct vjob	*vpool_job(struct vpool *);
/* Hands the job from vpool_job to the workers. */
void		vpool_submit(struct vpool *, struct vjob *);
/* The oldest job if it is done, else NULL.  Give it back with vpool_done. */
struct vjob	*vpool_take(struct vpool *);
void		vpool_done(struct vpool *, struct vjob *);
/* Jobs submitted and not yet given back. */
unsigned	vpool_pending(const struct vpool *);

#endif
