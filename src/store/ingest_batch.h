/*
 * ingest_batch.h: ingest many events at the speed of all cores.  A reader
 * thread splits the input into lines, worker threads run ingest_check and
 * ingest_verify (ingest.h), and the calling thread stores the results
 * in input order, committing in batches.  Used by `samizdat import` and
 * by syncs with sticks (stick.c).
 */
#ifndef SAMIZDAT_INGEST_BATCH_H
#define SAMIZDAT_INGEST_BATCH_H

#include <stdint.h>
#include <sys/types.h>

#include "ingest.h"

/*
 * Supplies the next line (without its newline) as getline(3) does: *line
 * and *cap are the reader's buffer.  Returns: its length, or -1 at the end.
 */
typedef ssize_t	(*batch_read_fn)(void *arg, char **line, size_t *cap);
/*
 * Told the outcome of each line, in input order, on the calling thread.
 * seq counts lines from 1 (blank lines count but are not reported).
 */
typedef void	(*batch_result_fn)(void *arg, uint64_t seq, enum err e,
		    const struct event *ev);

struct batch_opts {
	const struct ingest_policy *pol;
	struct store	*store;		/* written by the calling thread */
	const char	*store_path;	/* workers open it read-only */
	bool		 store_empty;	/* no duplicate probes needed */
	int		 workers;	/* 0: one per online CPU */
	unsigned	 batch;		/* events per commit; 0: 10000 */
	uint64_t	 now;
	const struct custody_src *src;	/* for the custody log; NULL: unknown */
};

struct batch_stats {
	uint64_t	 lines;		/* non-blank lines read */
	uint64_t	 stored;	/* committed */
	uint64_t	 last_seq;	/* last line committed */
};

/*
 * Runs the pipeline until read_fn ends.  Returns: ERR_OK, or the database
 * error that stopped it (the current batch is rolled back; st->stored and
 * st->last_seq say what was committed before).
 */
enum err	ingest_batch(const struct batch_opts *, batch_read_fn, void *rarg,
		    batch_result_fn, void *res_arg, struct batch_stats *st);

#endif
